//! Every integration test, in one binary: one binary links once, where a file per area linked
//! (and started) a binary each.

mod support;

mod acme_values;
mod check;
mod cli_check;
mod cli_eval;
mod cli_example;
mod data_malformed;
mod data_pipeline;
mod data_readers;
mod diff;
mod doc;
mod eval_source;
mod exports;
mod golden;
mod input_block;
mod jit_cli;
mod jit_golden;
mod jit_props;
mod lints;
mod no_panic;
mod output_files;
mod sla;
mod syntax;
mod workflow;
