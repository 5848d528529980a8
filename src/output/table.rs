//! Evaluation results as CSV, NDJSON or JSON.
//!
//! A [`Layout`] knows the columns and formats one row at a time into a caller's buffer, so batches
//! can be formatted independently (in parallel) and concatenated in order. Values print as
//! SPEC §9 says: missing is an empty cell / `null`, lists are `;`-joined in CSV and arrays in
//! JSON, timestamps are RFC 3339 text, durations literal text (`14d`), numbers shortest.

use std::borrow::Cow;
use std::sync::Arc;

use super::number::{write_int, write_number};
use crate::time::{format_duration, format_timestamp};
use crate::value::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Ndjson,
    Json,
}

/// One output column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    /// For a `list of { … }` column: the record's field names, so JSON writes each element as an
    /// object. Empty for every other column.
    pub record_fields: Vec<String>,
}

impl Column {
    pub fn new(name: impl Into<String>) -> Column {
        Column {
            name: name.into(),
            record_fields: Vec::new(),
        }
    }

    pub fn records(name: impl Into<String>, fields: Vec<String>) -> Column {
        Column {
            name: name.into(),
            record_fields: fields,
        }
    }
}

/// One line of a score's explanation: an item that fired (its source text and points), or a cap,
/// clamp or decay (its text and the points it added or removed).
#[derive(Debug, Clone, PartialEq)]
pub struct WhyItem {
    /// Shared with the rule set, so explaining a million rows copies no text.
    pub rule: Arc<str>,
    pub points: f64,
}

impl WhyItem {
    pub fn new(rule: impl Into<Arc<str>>, points: f64) -> WhyItem {
        WhyItem {
            rule: rule.into(),
            points,
        }
    }
}

/// One cell of a row. Engines with columnar results (the JIT) hand out numbers and borrowed text
/// as they are, so formatting a row builds no [`Value`] (no allocation, no reference counting);
/// lists and records (or any value at hand) are a [`Value`], borrowed or owned. Scalars are
/// formatted here only: a scalar [`Value`] prints as its cell.
#[derive(Debug, Clone)]
pub enum Cell<'a> {
    Missing,
    Int(i64),
    Number(f64),
    Bool(bool),
    Str(&'a str),
    Timestamp(i64),
    Duration(i64),
    Value(Cow<'a, Value>),
}

impl<'a> From<&'a Value> for Cell<'a> {
    /// A scalar as its cell; a list or record as the value.
    fn from(value: &'a Value) -> Cell<'a> {
        match value {
            Value::Missing => Cell::Missing,
            Value::Int(n) => Cell::Int(*n),
            Value::Number(x) => Cell::Number(*x),
            Value::Bool(b) => Cell::Bool(*b),
            Value::Str(s) => Cell::Str(s),
            Value::Timestamp(ms) => Cell::Timestamp(*ms),
            Value::Duration(ms) => Cell::Duration(*ms),
            Value::List(_) | Value::Record(_) => Cell::Value(Cow::Borrowed(value)),
        }
    }
}

/// The shape of one output: format, columns, and the scores explained per row (`--explain`).
#[derive(Debug, Clone)]
pub struct Layout {
    format: Format,
    columns: Vec<Column>,
    why_scores: Vec<String>,
    /// `"name":` of every column, escaped once.
    json_keys: Vec<Vec<u8>>,
}

impl Layout {
    /// `why_scores` names the scores whose explanation each row carries (empty without
    /// `--explain`), in the order rows pass their explanations.
    pub fn new(format: Format, columns: Vec<Column>, why_scores: Vec<String>) -> Layout {
        let json_keys = columns
            .iter()
            .map(|c| {
                let mut k = Vec::with_capacity(c.name.len() + 3);
                write_json_str(&mut k, &c.name);
                k.push(b':');
                k
            })
            .collect();
        Layout {
            format,
            columns,
            why_scores,
            json_keys,
        }
    }

    pub fn format(&self) -> Format {
        self.format
    }

    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// What comes before the first row: the CSV header, or the `[` of a JSON array.
    pub fn write_prefix(&self, out: &mut Vec<u8>) {
        match self.format {
            Format::Csv => {
                let mut first = true;
                for name in self
                    .columns
                    .iter()
                    .map(|c| c.name.clone())
                    .chain(self.why_scores.iter().map(|s| format!("{s}_why")))
                {
                    if !first {
                        out.push(b',');
                    }
                    first = false;
                    write_csv_field(out, name.as_bytes());
                }
                out.push(b'\n');
            }
            Format::Ndjson => {}
            Format::Json => out.push(b'['),
        }
    }

    /// One row. `index` is the row's 0-based position in the whole output (JSON needs it to
    /// place commas). `values` follow the columns (a short row is padded with missing values);
    /// `why` follows `why_scores` (a short list reads as nothing fired).
    pub fn write_row(&self, out: &mut Vec<u8>, index: u64, values: &[Value], why: &[Vec<WhyItem>]) {
        let cells: Vec<Cell<'_>> = values.iter().map(Cell::from).collect();
        self.write_cells(out, index, &cells, why);
    }

    /// One row from its cells: as [`Layout::write_row`], which formats a [`Value`] exactly as
    /// the cell of the same content.
    pub fn write_cells(
        &self,
        out: &mut Vec<u8>,
        index: u64,
        values: &[Cell<'_>],
        why: &[Vec<WhyItem>],
    ) {
        match self.format {
            Format::Csv => self.write_csv_row(out, values, why),
            Format::Ndjson => {
                self.write_json_object(out, values, why);
                out.push(b'\n');
            }
            Format::Json => {
                out.extend_from_slice(if index == 0 { b"\n" } else { b",\n" });
                self.write_json_object(out, values, why);
            }
        }
    }

    /// What comes after the last row (`rows` of them): the `]` of a JSON array.
    pub fn write_suffix(&self, out: &mut Vec<u8>, rows: u64) {
        if self.format == Format::Json {
            out.extend_from_slice(if rows == 0 { b"]\n" } else { b"\n]\n" });
        }
    }

    fn write_csv_row(&self, out: &mut Vec<u8>, values: &[Cell<'_>], why: &[Vec<WhyItem>]) {
        let mut scratch = Vec::new();
        for (i, column) in self.columns.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_csv_cell(
                out,
                values.get(i).unwrap_or(&Cell::Missing),
                column,
                &mut scratch,
            );
        }
        for i in 0..self.why_scores.len() {
            if i > 0 || !self.columns.is_empty() {
                out.push(b',');
            }
            scratch.clear();
            for (n, item) in why.get(i).map_or(&[][..], Vec::as_slice).iter().enumerate() {
                if n > 0 {
                    scratch.extend_from_slice(b"; ");
                }
                scratch.extend_from_slice(item.rule.as_bytes());
                scratch.extend_from_slice(b": ");
                if item.points >= 0.0 {
                    scratch.push(b'+');
                }
                write_number(&mut scratch, item.points);
            }
            write_csv_field(out, &scratch);
        }
        out.push(b'\n');
    }

    fn write_json_object(&self, out: &mut Vec<u8>, values: &[Cell<'_>], why: &[Vec<WhyItem>]) {
        out.push(b'{');
        for (i, (column, key)) in self.columns.iter().zip(&self.json_keys).enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(key);
            write_json_cell(
                out,
                values.get(i).unwrap_or(&Cell::Missing),
                &column.record_fields,
            );
        }
        if !self.why_scores.is_empty() {
            if !self.columns.is_empty() {
                out.push(b',');
            }
            out.extend_from_slice(b"\"why\":{");
            for (i, score) in self.why_scores.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_json_str(out, score);
                out.extend_from_slice(b":[");
                for (n, item) in why.get(i).map_or(&[][..], Vec::as_slice).iter().enumerate() {
                    if n > 0 {
                        out.push(b',');
                    }
                    out.extend_from_slice(b"{\"rule\":");
                    write_json_str(out, &item.rule);
                    out.extend_from_slice(b",\"points\":");
                    write_json_number(out, item.points);
                    out.push(b'}');
                }
                out.push(b']');
            }
            out.push(b'}');
        }
        out.push(b'}');
    }
}

// ---------------------------------------------------------------------------------------------
// CSV

/// RFC 4180: a field holding a comma, quote, CR or LF is quoted, its quotes doubled.
fn write_csv_field(out: &mut Vec<u8>, field: &[u8]) {
    if !field
        .iter()
        .any(|&b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
    {
        out.extend_from_slice(field);
        return;
    }
    out.push(b'"');
    for &b in field {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

fn write_csv_cell(out: &mut Vec<u8>, cell: &Cell<'_>, column: &Column, scratch: &mut Vec<u8>) {
    match cell {
        Cell::Str(s) => write_csv_field(out, s.as_bytes()),
        Cell::Value(v) => write_csv_value(out, v, column, scratch),
        scalar => write_cell_text(out, scalar),
    }
}

fn write_bool(out: &mut Vec<u8>, b: bool) {
    out.extend_from_slice(if b { b"true" } else { b"false" });
}

fn write_csv_value(out: &mut Vec<u8>, value: &Value, column: &Column, scratch: &mut Vec<u8>) {
    match value {
        Value::List(items) => {
            scratch.clear();
            if items.iter().any(|v| matches!(v, Value::Record(_))) {
                // Events have no CSV form of their own; their JSON text keeps them readable.
                write_json_value(scratch, value, &column.record_fields);
            } else {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        scratch.push(b';');
                    }
                    write_scalar_text(scratch, item);
                }
            }
            write_csv_field(out, scratch);
        }
        Value::Record(_) => {
            scratch.clear();
            write_json_value(scratch, value, &column.record_fields);
            write_csv_field(out, scratch);
        }
        scalar => write_csv_cell(out, &Cell::from(scalar), column, scratch),
    }
}

/// A scalar as plain text (CSV cells, list elements); a list or record as JSON.
fn write_scalar_text(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::List(_) | Value::Record(_) => write_json_value(out, value, &[]),
        scalar => write_cell_text(out, &Cell::from(scalar)),
    }
}

fn write_cell_text(out: &mut Vec<u8>, cell: &Cell<'_>) {
    match cell {
        Cell::Missing => {}
        Cell::Int(n) => write_int(out, *n),
        Cell::Number(x) => write_number(out, *x),
        Cell::Str(s) => out.extend_from_slice(s.as_bytes()),
        Cell::Bool(b) => write_bool(out, *b),
        Cell::Timestamp(ms) => out.extend_from_slice(format_timestamp(*ms).as_bytes()),
        Cell::Duration(ms) => out.extend_from_slice(format_duration(*ms).as_bytes()),
        Cell::Value(v) => write_scalar_text(out, v),
    }
}

// ---------------------------------------------------------------------------------------------
// JSON

/// A JSON string literal: `"`, `\` and control characters escaped, everything else as is.
pub fn write_json_str(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let short: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if short.is_empty() {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[(b >> 4) as usize]);
            out.push(HEX[(b & 0xf) as usize]);
        } else {
            out.extend_from_slice(short);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

fn write_json_number(out: &mut Vec<u8>, x: f64) {
    if x.is_finite() {
        write_number(out, x);
    } else {
        out.extend_from_slice(b"null");
    }
}

fn write_json_cell(out: &mut Vec<u8>, cell: &Cell<'_>, record_fields: &[String]) {
    match cell {
        Cell::Missing => out.extend_from_slice(b"null"),
        Cell::Int(n) => write_int(out, *n),
        Cell::Number(x) => write_json_number(out, *x),
        Cell::Bool(b) => write_bool(out, *b),
        Cell::Str(s) => write_json_str(out, s),
        Cell::Timestamp(ms) => write_json_str(out, &format_timestamp(*ms)),
        Cell::Duration(ms) => write_json_str(out, &format_duration(*ms)),
        Cell::Value(v) => write_json_value(out, v, record_fields),
    }
}

fn write_json_value(out: &mut Vec<u8>, value: &Value, record_fields: &[String]) {
    match value {
        Value::List(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_json_value(out, item, record_fields);
            }
            out.push(b']');
        }
        Value::Record(fields) if fields.len() == record_fields.len() => {
            out.push(b'{');
            for (i, (name, v)) in record_fields.iter().zip(fields.iter()).enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_json_str(out, name);
                out.push(b':');
                write_json_value(out, v, &[]);
            }
            out.push(b'}');
        }
        // Without field names a record can only be shown positionally.
        Value::Record(fields) => {
            out.push(b'[');
            for (i, v) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_json_value(out, v, &[]);
            }
            out.push(b']');
        }
        scalar => write_json_cell(out, &Cell::from(scalar), record_fields),
    }
}

#[cfg(test)]
mod tests;
