//! How a command ends: every failure is turned into its message and exit code here, once.

use std::process::ExitCode;

use super::exit;
use crate::data::InputError;
use crate::eval::EngineError;
use crate::pipeline::PipelineError;

/// Why a command stopped before finishing its work.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Already reported on stderr (the diagnostics of rules with errors): exit with this code.
    Reported(u8),
    /// A usage error, unreadable input, bad data or a failed write: printed as `error: MESSAGE`
    /// and `  help: HELP`, exit 2.
    Usage {
        message: String,
        help: Option<String>,
    },
    /// The reader of our output went away (`smql eval … | head`): stop quietly, exit 0, as
    /// `cat` and `grep` do.
    ClosedPipe,
}

impl Failure {
    pub(crate) fn usage(message: impl Into<String>) -> Failure {
        Failure::Usage {
            message: message.into(),
            help: None,
        }
    }

    pub(crate) fn with_help(message: impl Into<String>, help: impl Into<String>) -> Failure {
        Failure::Usage {
            message: message.into(),
            help: Some(help.into()),
        }
    }

    /// A failed write of `what` (`the results`, `` `out.csv` ``): a closed pipe ends quietly.
    pub(crate) fn write(what: &str, e: std::io::Error) -> Failure {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Failure::ClosedPipe
        } else {
            Failure::usage(format!("cannot write {what}: {e}"))
        }
    }
}

impl From<InputError> for Failure {
    fn from(e: InputError) -> Failure {
        Failure::Usage {
            help: e.help(),
            message: e.to_string(),
        }
    }
}

impl From<EngineError> for Failure {
    fn from(e: EngineError) -> Failure {
        Failure::usage(e.to_string())
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Failure {
        Failure::write("the results", e)
    }
}

impl<E: Into<Failure>> From<PipelineError<E>> for Failure {
    fn from(e: PipelineError<E>) -> Failure {
        match e {
            PipelineError::Process(e) => e.into(),
            PipelineError::Input(e) => e.into(),
            PipelineError::Rejected { input, reject } => {
                let skip = "pass `--on-error skip --rejects FILE` to leave bad records out and keep them aside";
                let help = match &reject.help {
                    Some(h) => format!("{h}; or {skip}"),
                    None => format!("fix the record, or {skip}"),
                };
                Failure::with_help(reject.describe(&input), help)
            }
            e @ PipelineError::TooManyRejects { .. } => Failure::with_help(
                e.too_many_rejects().unwrap_or_default(),
                "the rejects file (`--rejects FILE`) has each record with its reason; fix the export or the schema, or raise the bound with `--max-rejects N|P%`",
            ),
            PipelineError::WriteRejects(e) => Failure::write("the rejects", e),
            PipelineError::Panicked(m) => {
                Failure::usage(format!("internal error: a worker panicked: {m}"))
            }
        }
    }
}

impl From<std::convert::Infallible> for Failure {
    fn from(never: std::convert::Infallible) -> Failure {
        match never {}
    }
}

/// The exit code of a command's result, after printing its failure.
pub(crate) fn exit_code(result: Result<u8, Failure>) -> ExitCode {
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Failure::Reported(code)) => ExitCode::from(code),
        Err(Failure::ClosedPipe) => ExitCode::from(exit::OK),
        Err(Failure::Usage { message, help }) => {
            eprintln!("error: {message}");
            if let Some(help) = help {
                eprintln!("  help: {help}");
            }
            ExitCode::from(exit::USAGE)
        }
    }
}
