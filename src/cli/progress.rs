//! Progress on stderr for long runs (docs/commands.md, "Progress": after about a second, on a terminal).

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use crate::pipeline::Progress;

/// Progress on stderr for long runs: only on a terminal, only after the first second, at most a
/// few times a second; cleared at the end.
pub(crate) struct ProgressLine {
    enabled: bool,
    started: Instant,
    last: Option<Instant>,
}

impl ProgressLine {
    pub(crate) fn new(quiet: bool) -> ProgressLine {
        ProgressLine {
            enabled: !quiet && std::io::stderr().is_terminal(),
            started: Instant::now(),
            last: None,
        }
    }

    pub(crate) fn update(&mut self, p: Progress) {
        if !self.enabled || self.started.elapsed() < Duration::from_secs(1) {
            return;
        }
        if self
            .last
            .is_some_and(|t| t.elapsed() < Duration::from_millis(200))
        {
            return;
        }
        self.last = Some(Instant::now());
        let pct = match p.total_bytes {
            Some(total) if total > 0 => format!(" ({:.0}%)", 100.0 * p.bytes as f64 / total as f64),
            _ => String::new(),
        };
        eprint!("\r\x1b[2K{} records{pct}", p.records);
    }

    pub(crate) fn clear(&self) {
        if self.last.is_some() {
            eprint!("\r\x1b[2K");
        }
    }
}
