//! Writers: one way to print a value ([`value`]), evaluation results as CSV, NDJSON or JSON
//! ([`Layout`], [`rows`]), JSON documents for programs ([`json`]), explanations ([`explain`]),
//! and check diagnostics as JSON, GitHub workflow commands or SARIF ([`diagnostics`]).
//!
//! Result writers append to a caller's `Vec<u8>`: the evaluation pipeline formats batches in
//! parallel, each into its own buffer, and writes the buffers in input order between one
//! [`Layout::write_prefix`] and one [`Layout::write_suffix`].

mod csv_columns;
pub mod diagnostics;
pub mod explain;
pub mod json;
mod number;
pub mod rows;
mod table;
pub mod value;

pub use number::{write_int, write_number};
pub use table::{Column, Format, Layout, WhyItem};
pub use value::{human, number_text, write_json_str, Cell};
