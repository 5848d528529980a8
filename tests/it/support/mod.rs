//! Shared by the integration tests: running the real binary, plus the helpers of the data tests
//! (`data`), of the JIT tests (`jit`) and the random rule sets of both JIT and SQL tests (`gen`).

pub mod data;
pub mod gen;
pub mod jit;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// The built `smql` binary with these arguments. `NO_COLOR` keeps diagnostics plain even if a
/// later change colors piped output.
fn command(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_smql"));
    cmd.args(args).env("NO_COLOR", "1");
    cmd
}

/// Runs `smql` in the test's working directory; stdin is empty.
pub fn smql(args: &[&str]) -> Output {
    command(args).output().expect("run smql")
}

/// Runs `smql` in `dir`, so relative paths in `args` are relative to it.
pub fn smql_in(dir: &Path, args: &[&str]) -> Output {
    command(args).current_dir(dir).output().expect("run smql")
}

/// Runs `smql` in `dir` with `input` on its stdin.
pub fn smql_in_with_stdin(dir: &Path, args: &[&str], input: &[u8]) -> Output {
    let mut child = command(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn smql");
    let mut stdin = child.stdin.take().expect("a piped stdin");
    // Written from another thread: a child that fills its stdout pipe before it has read all
    // of its input would otherwise wait on us while we wait on it.
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().expect("wait for smql");
    writer
        .join()
        .expect("the stdin writer does not panic")
        .expect("write smql's stdin");
    out
}

/// Bytes of stdout or stderr as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
