//! Rule files as they are at a revision of the git repository that holds them (`smql diff
//! --base REV`), read with the `git` binary: no checkout, no change to the working tree, and no
//! library to build (every CI machine that has the repository has `git`).

use super::SourceMap;
use std::path::{Path, PathBuf};
use std::process::Command;

impl SourceMap {
    /// Reads `paths` (files or directories of the working tree, relative to the current
    /// directory) as they are at revision `rev` of the repository that holds them: every
    /// `*.smql` file under each, sorted. Errors say what is wrong: not in a repository, an
    /// unknown revision, a path that did not exist at that revision.
    pub fn load_git(rev: &str, paths: &[PathBuf]) -> Result<SourceMap, String> {
        let cwd = std::env::current_dir()
            .map_err(|e| format!("cannot read the current directory: {e}"))?;
        let first = cwd.join(paths.first().map_or(Path::new("."), PathBuf::as_path));
        let dir = if first.is_dir() {
            first.clone()
        } else {
            first
                .parent()
                .map_or_else(|| cwd.clone(), Path::to_path_buf)
        };
        let top = git(&dir, &["rev-parse", "--show-toplevel"]).map_err(|_| {
            format!(
                "`--base` reads the rules from git, but `{}` is not inside a git repository",
                first.display()
            )
        })?;
        let top = PathBuf::from(top.trim());
        let commit = format!("{rev}^{{commit}}");
        git(&top, &["rev-parse", "--verify", "--quiet", &commit]).map_err(|_| {
            format!(
                "`{rev}` is not a revision of the repository at `{}`",
                top.display()
            )
        })?;
        let mut map = SourceMap::new();
        for p in paths {
            let rel = relative_to(&top, &cwd.join(p))?;
            let spec = if rel.as_os_str().is_empty() {
                ".".to_string()
            } else {
                rel.display().to_string()
            };
            let listed = git(
                &top,
                &["ls-tree", "-r", "--name-only", "-z", rev, "--", &spec],
            )?;
            let mut files: Vec<&str> = listed
                .split('\0')
                .filter(|f| f.ends_with(".smql") || (!f.is_empty() && *f == spec))
                .collect();
            files.sort_unstable();
            if files.is_empty() {
                return Err(format!("no `.smql` files in `{}` at `{rev}`", p.display()));
            }
            for f in files {
                let text = git(&top, &["show", &format!("{rev}:{f}")])?;
                map.add(format!("{rev}:{f}"), text);
            }
        }
        Ok(map)
    }
}

/// `path` relative to the repository root `top` (both made absolute; `..` and links resolved
/// where the path exists).
fn relative_to(top: &Path, path: &Path) -> Result<PathBuf, String> {
    let top = top.canonicalize().unwrap_or_else(|_| top.to_path_buf());
    let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    path.strip_prefix(&top).map(Path::to_path_buf).map_err(|_| {
        format!(
            "`{}` is outside the git repository at `{}`",
            path.display(),
            top.display()
        )
    })
}

/// Runs `git ARGS` in `dir`; its standard output, or its error message.
fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run `git`: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr).trim().to_string();
        return Err(if err.is_empty() {
            format!("`git {}` failed", args.join(" "))
        } else {
            err
        });
    }
    String::from_utf8(out.stdout)
        .map_err(|_| format!("`git {}` gave text that is not UTF-8", args.join(" ")))
}
