//! `-o FILE` is written safely whatever FILE is: a regular file atomically (a failed run leaves
//! an existing file untouched and no temporary file), a symbolic link by replacing its target
//! (the link stays), a character device or FIFO in place (never renamed over: `-o /dev/null` as
//! root once replaced the device), a directory or a read-only file refused. Making devices and
//! mounting a tiny file system need root: the tests skip elsewhere, and fail under `CI=true`.

use crate::support::{smql, text};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;

fn example() -> (String, String) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/b2b-saas");
    (
        root.display().to_string(),
        root.join("leads.ndjson").display().to_string(),
    )
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("smql-out-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

fn eval_to(out: &Path) -> std::process::Output {
    let (rules, data) = example();
    smql(&[
        "eval",
        &rules,
        &data,
        "--as-of",
        "2026-11-01",
        "-o",
        out.to_str().unwrap(),
    ])
}

fn is_root() -> bool {
    let out = Command::new("id").arg("-u").output();
    out.is_ok_and(|o| text(&o.stdout).trim() == "0")
}

/// Whether this test can run; `false` after saying why (a failure under `CI=true`).
fn needs_root(what: &str) -> bool {
    if is_root() {
        return true;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{what} needs root, and CI runs as root"
    );
    eprintln!("skipped: {what} needs root");
    false
}

/// Files of `dir` whose name marks them as smql's temporary files.
fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.contains(".smql-"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_character_device_is_written_in_place() {
    if !needs_root("mknod") {
        return;
    }
    let dir = scratch("device");
    let null = dir.join("null");
    let made = Command::new("mknod")
        .arg(&null)
        .args(["c", "1", "3"])
        .status();
    assert!(made.is_ok_and(|s| s.success()), "mknod");
    let out = eval_to(&null);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let meta = std::fs::symlink_metadata(&null).unwrap();
    assert!(
        meta.file_type().is_char_device(),
        "the device is still a device"
    );
    assert!(temporaries(&dir).is_empty());
    // /dev/full is a device whose writes fail with "no space left": an error, exit 2.
    let full = eval_to(Path::new("/dev/full"));
    assert_eq!(full.status.code(), Some(2));
    assert!(
        text(&full.stderr).contains("cannot write"),
        "{}",
        text(&full.stderr)
    );
    assert!(Path::new("/dev/full")
        .metadata()
        .unwrap()
        .file_type()
        .is_char_device());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_fifo_is_written_in_place() {
    let dir = scratch("fifo");
    let fifo = dir.join("rows");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(&fifo).expect("read the FIFO"))
    };
    let out = eval_to(&fifo);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let rows = reader.join().expect("the reader");
    assert_eq!(text(&rows).lines().count(), 1001, "header and 1,000 rows");
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_symlink_keeps_pointing_at_its_replaced_target() {
    let dir = scratch("link");
    std::fs::create_dir_all(dir.join("real")).unwrap();
    let target = dir.join("real/out.csv");
    std::fs::write(&target, "old\n").unwrap();
    let link = dir.join("link.csv");
    std::os::unix::fs::symlink("real/out.csv", &link).unwrap();
    let out = eval_to(&link);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    let written = std::fs::read_to_string(&target).unwrap();
    assert!(written.starts_with("id,stage,"), "{written}");
    // A dangling link: its target is created.
    let dangling = dir.join("new.csv");
    std::os::unix::fs::symlink("real/made.csv", &dangling).unwrap();
    assert_eq!(eval_to(&dangling).status.code(), Some(0));
    assert!(dir.join("real/made.csv").is_file());
    assert!(temporaries(&dir).is_empty() && temporaries(&dir.join("real")).is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_directory_or_a_read_only_file_is_refused() {
    let dir = scratch("refused");
    let out = eval_to(&dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("is a directory"),
        "{}",
        text(&out.stderr)
    );

    let file = dir.join("locked.csv");
    std::fs::write(&file, "keep\n").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = eval_to(&file);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("read-only"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep\n");
    assert!(temporaries(&dir).is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_full_disk_leaves_the_old_file_and_no_temporary() {
    if !needs_root("mounting a tiny tmpfs") {
        return;
    }
    let dir = scratch("full");
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=16k", "tmpfs"])
        .arg(&dir)
        .status();
    if !mounted.is_ok_and(|s| s.success()) {
        // A container without the right to mount: /dev/full (above) injects the write error.
        eprintln!("skipped: cannot mount a tmpfs here");
        return;
    }
    let file = dir.join("out.csv");
    std::fs::write(&file, "previous results\n").unwrap();
    let out = eval_to(&file);
    let stderr = text(&out.stderr);
    let left = (
        std::fs::read_to_string(&file).unwrap_or_default(),
        temporaries(&dir),
    );
    let _ = Command::new("umount").arg(&dir).status();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("cannot write"), "{stderr}");
    assert_eq!(left.0, "previous results\n", "the old file is untouched");
    assert!(left.1.is_empty(), "no temporary file is left: {:?}", left.1);
}
