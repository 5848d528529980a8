//! Memory stays bounded whatever the data (SPEC §13): hostile inputs, generated here and
//! streamed to a temporary file (never committed), each end in a bad record, an input error or
//! correct output, with `smql` limited to 1 GiB of address space.

use crate::support::text;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const RULES: &str = "schema {\n  id: string key\n  x: int\n}\nbig when x > 1\n";

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("smql-memory-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    std::fs::write(d.join("r.smql"), RULES).expect("write rules");
    d
}

/// `smql eval r.smql DATA` in `d`, under `ulimit -v` 1 GiB.
fn eval_limited(d: &Path, data: &str, extra: &[&str]) -> Output {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg("ulimit -v 1048576 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_smql"))
        .arg("eval")
        .args(extra)
        .args(["r.smql", data])
        .current_dir(d)
        .env("NO_COLOR", "1");
    cmd.output().expect("run smql under ulimit")
}

fn file(d: &Path, name: &str, write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) {
    let f = std::fs::File::create(d.join(name)).expect("create data");
    let mut w = std::io::BufWriter::new(f);
    write(&mut w).expect("write data");
    w.flush().expect("flush data");
}

/// Exit 2 (a data error) with `needle` in the message: not killed, not out of memory.
fn bad(out: &Output, needle: &str) {
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(needle), "`{needle}` not in: {err}");
}

#[test]
fn a_100_mib_line_is_a_bad_record() {
    let d = dir("line");
    file(&d, "big.ndjson", |w| {
        w.write_all(b"{\"id\":\"a\",\"x\":2}\n{\"id\":\"b\",\"x\":\"")?;
        let block = vec![b'7'; 1 << 20];
        for _ in 0..100 {
            w.write_all(&block)?;
        }
        w.write_all(b"\"}\n{\"id\":\"c\",\"x\":3}\n")
    });
    bad(
        &eval_limited(&d, "big.ndjson", &[]),
        "more than `--max-record-size` allows",
    );
    let out = eval_limited(
        &d,
        "big.ndjson",
        &["--on-error", "skip", "--max-rejects", "1"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "id\na\nc\n");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_200000_deep_json_array_is_a_bad_record() {
    let d = dir("deep");
    file(&d, "deep.json", |w| {
        w.write_all(b"[{\"id\":\"a\",\"x\":2},{\"id\":\"b\",\"x\":")?;
        w.write_all(&vec![b'['; 200_000])?;
        w.write_all(&vec![b']'; 200_000])?;
        w.write_all(b"}]\n")
    });
    let out = eval_limited(&d, "deep.json", &[]);
    bad(&out, "record 2");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_csv_row_of_a_million_cells_is_read() {
    let d = dir("cells");
    file(&d, "wide.csv", |w| {
        w.write_all(b"id,x\na,2")?;
        for _ in 0..1_000_000 {
            w.write_all(b",z")?;
        }
        w.write_all(b"\nb,0\n")
    });
    let out = eval_limited(&d, "wide.csv", &[]);
    // Extra cells past the header's columns are a bad record or ignored: either way, said.
    let code = out.status.code();
    assert!(code == Some(0) || code == Some(2), "{}", text(&out.stderr));
    if code == Some(0) {
        assert_eq!(text(&out.stdout), "id\na\nb\n");
    }
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_record_with_300000_unknown_keys_is_read() {
    let d = dir("keys");
    file(&d, "keys.ndjson", |w| {
        w.write_all(b"{\"id\":\"a\"")?;
        for i in 0..300_000 {
            write!(w, ",\"k{i}\":{i}")?;
        }
        w.write_all(b",\"x\":5}\n{\"id\":\"b\",\"x\":1}\n")
    });
    let out = eval_limited(&d, "keys.ndjson", &["--select", "id,big"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "id,big\na,true\nb,false\n");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_truncated_gzip_is_an_input_error() {
    use flate2::write::GzEncoder;
    let d = dir("gzip");
    let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::fast());
    for i in 0..20_000 {
        writeln!(enc, "{{\"id\":\"r{i}\",\"x\":{i}}}").expect("gzip in memory");
    }
    let z = enc.finish().expect("gzip in memory");
    std::fs::write(d.join("cut.ndjson.gz"), &z[..z.len() / 2]).expect("write gzip");
    let out = eval_limited(&d, "cut.ndjson.gz", &[]);
    bad(&out, "cut.ndjson.gz");
    assert!(
        text(&out.stderr).contains("truncated"),
        "{}",
        text(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&d);
}
