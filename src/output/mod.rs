//! Writers: evaluation results as CSV, NDJSON or JSON ([`Layout`]), and check diagnostics as
//! JSON, GitHub workflow commands or SARIF ([`diagnostics`]).
//!
//! Result writers append to a caller's `Vec<u8>`: the evaluation pipeline formats batches in
//! parallel, each into its own buffer, and writes the buffers in input order between one
//! [`Layout::write_prefix`] and one [`Layout::write_suffix`].

pub mod diagnostics;
mod number;
mod table;

pub use number::{write_int, write_number};
pub use table::{write_json_str, Cell, Column, Format, Layout, WhyItem};
