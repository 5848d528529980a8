//! Every integration test, in one binary: one binary links once, where a file per area linked
//! (and started) a binary each.

mod support;

mod acme_values;
mod check;
mod cli_check;
mod cli_eval;
mod cli_example;
mod cli_init;
mod data_malformed;
mod data_pipeline;
mod data_readers;
mod data_typed;
mod diff;
mod doc;
mod eval_source;
mod exports;
mod fields_in_use;
mod fuzz_corpus;
mod golden;
mod input_block;
mod jit_cli;
mod jit_golden;
mod jit_props;
mod limits;
mod lints;
mod memory;
mod no_panic;
mod output_files;
mod report;
mod report_page;
mod report_values;
mod sla;
mod sql_engines;
mod syntax;
mod workflow;
