//! `smql compile PATHS… --dialect D`: the rule set as one SQL query (SPEC §14.5), or with
//! `--ddl` the `CREATE TABLE` of its schema.

use clap::{Args, ValueEnum};
use std::path::PathBuf;

use super::args::parse_as_of;
use super::error::Failure;
use super::exit;
use super::output_file::Sink;
use super::rules::load_rules;
use super::terminal::{stderr_wants_color, terminal_width};
use crate::data::{ChunkSize, DataSource, Input, Reader};
use crate::diag::render;
use crate::eval::Source;
use crate::ir::{Program, Ty};
use crate::output::rows::{default_columns, select_columns};
use crate::output::value::write_json_value;
use crate::sql::{self, Dialect};
use crate::value::Value;
use std::io::Write;

/// Which names the table's columns have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColumnNames {
    /// Named as the schema's fields.
    #[default]
    Field,
    /// Named as the input's keys or columns (the `from "…"` names).
    Input,
}

#[derive(Args, Debug, Clone)]
pub struct CompileArgs {
    /// Rule files or directories (searched for `*.smql`)
    #[arg(value_name = "PATHS", required = true)]
    pub paths: Vec<PathBuf>,
    /// The SQL dialect to write
    #[arg(long, value_enum)]
    pub dialect: Dialect,
    /// The table of leads (`schema.table` allowed)
    #[arg(long, value_name = "NAME", default_value = "leads")]
    pub table: String,
    /// Whether the table's columns are named as the fields or as the input (`from "…"`)
    #[arg(long, value_enum, value_name = "NAMES", default_value_t = ColumnNames::Field)]
    pub columns: ColumnNames,
    /// Columns to compute instead of the default (key, stage, scores, grades), as `smql eval --select`
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    pub select: Option<Vec<String>>,
    /// Fix `now` to this instant (else the engine's current time): RFC 3339 or a date
    #[arg(long, value_name = "TIMESTAMP", value_parser = parse_as_of)]
    pub as_of: Option<i64>,
    /// Wrap the query in `CREATE OR REPLACE VIEW NAME AS …`
    #[arg(long, value_name = "NAME")]
    pub create_view: Option<String>,
    /// Print the `CREATE TABLE` statement for the schema instead of the query
    #[arg(long, conflicts_with_all = ["select", "as_of", "create_view"])]
    pub ddl: bool,
    /// Write the records of DATA as the table's rows instead (NDJSON, read by the schema and the `input` block: timestamps RFC 3339, lists arrays, durations milliseconds), for an engine to load
    #[arg(long, value_name = "DATA", conflicts_with_all = ["select", "as_of", "create_view", "ddl"])]
    pub rows: Option<PathBuf>,
    /// Write the SQL to FILE (atomically) instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// No warnings on stderr
    #[arg(short, long)]
    pub quiet: bool,
}

pub(crate) fn run(args: &CompileArgs) -> Result<u8, Failure> {
    if args.table.split('.').any(|p| p.trim().is_empty()) {
        return Err(Failure::usage(format!(
            "`--table {}` is not a table name",
            args.table
        )));
    }
    let rules = load_rules(&args.paths, args.quiet)?;
    let program = &rules.program;
    let input_names = args.columns == ColumnNames::Input;
    if let Some(data) = &args.rows {
        let mut sink = Sink::open(args.output.as_deref())?;
        write_rows(program, data, input_names, args.quiet, &mut sink)?;
        sink.commit()?;
        return Ok(exit::OK);
    }
    if args.ddl {
        let text = sql::create_table(program, args.dialect, &args.table, input_names);
        Sink::write_text(args.output.as_deref(), &text)?;
        return Ok(exit::OK);
    }
    let columns = match &args.select {
        Some(names) => {
            let names: Vec<&str> = names.iter().map(|n| n.trim()).collect();
            select_columns(program, &names).map_err(Failure::usage)?
        }
        None => default_columns(program),
    };
    if columns.iter().any(|(_, s)| *s == Source::Record) {
        return Err(Failure::with_help(
            "`record` (the record number) has no meaning in SQL: the rows of a table have no order",
            "mark a field of the schema `key`, or `--select` columns without `record`",
        ));
    }
    let options = sql::Options {
        dialect: args.dialect,
        table: &args.table,
        input_names,
        columns,
        as_of: args.as_of,
        create_view: args.create_view.as_deref(),
    };
    match sql::compile(program, &options) {
        Ok(text) => {
            Sink::write_text(args.output.as_deref(), &text)?;
            Ok(exit::OK)
        }
        Err(diags) => {
            let (color, width) = (stderr_wants_color(), terminal_width());
            for d in &diags {
                eprint!("{}", render(d, &rules.sources, color, width));
            }
            let n = diags.len();
            let noun = if n == 1 { "construct" } else { "constructs" };
            eprintln!(
                "error: {n} {noun} cannot be compiled for {}; nothing was written",
                args.dialect.name()
            );
            Err(Failure::Reported(exit::FAILURE))
        }
    }
}

/// The records of `data` as NDJSON rows of the table the query reads: one object per record,
/// keyed by the column names, each value as the schema read it (so CSV lists, the `input`
/// block's formats and time zone are applied once, here). Durations are milliseconds, as the
/// `--ddl` columns hold them. A bad record stops with its reason, as `smql eval` does.
fn write_rows(
    program: &Program,
    data: &std::path::Path,
    input_names: bool,
    quiet: bool,
    out: &mut Sink,
) -> Result<(), Failure> {
    let source = DataSource::from_arg(data);
    if source == DataSource::Stdin {
        return Err(Failure::usage("`--rows` reads a file, not `-`"));
    }
    let input = Input::open_source(&source, None)?;
    let name = input.name().to_string();
    let mut reader = Reader::new(input, &program.schema, ChunkSize::default())?;
    if !quiet {
        for w in reader.warnings() {
            eprintln!("warning: {w}");
        }
    }
    let fields = &program.schema.fields;
    let keys: Vec<Vec<u8>> = fields
        .iter()
        .map(|f| {
            let key = if input_names { &f.column } else { &f.name };
            serde_json::to_vec(key).unwrap_or_default()
        })
        .collect();
    let record_fields: Vec<Vec<String>> = fields
        .iter()
        .map(|f| match f.ty.base() {
            Ty::Records(r) => r.fields.iter().map(|f| f.name.clone()).collect(),
            _ => Vec::new(),
        })
        .collect();
    let mut line = Vec::new();
    while let Some(decoded) = reader.next_batch()? {
        if let Some(r) = decoded.rejects.first() {
            return Err(Failure::with_help(
                r.describe(&name),
                "fix the record: a table row must be a record smql reads",
            ));
        }
        let batch = decoded.batch;
        for row in 0..batch.len() {
            line.clear();
            line.push(b'{');
            for (i, v) in batch.lead(row).iter().enumerate() {
                if i > 0 {
                    line.push(b',');
                }
                line.extend_from_slice(&keys[i]);
                line.push(b':');
                match v {
                    Value::Duration(ms) => line.extend_from_slice(ms.to_string().as_bytes()),
                    v => write_json_value(&mut line, v, &record_fields[i]),
                }
            }
            line.extend_from_slice(b"}\n");
            out.write_all(&line)?;
        }
        reader.recycle(batch);
    }
    Ok(())
}
