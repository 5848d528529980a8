//! One file per subcommand; `run` parses arguments and dispatches.

/// Entry point of the `smql` binary.
pub fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(2)
}
