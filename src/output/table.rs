//! Evaluation results as CSV, NDJSON or JSON.
//!
//! A [`Layout`] knows the columns and formats one row at a time into a caller's buffer, so batches
//! can be formatted independently (in parallel) and concatenated in order. Values print as
//! [`super::value`] prints them: missing is an empty cell / `null`, lists are `;`-joined in CSV
//! and arrays in JSON, timestamps are RFC 3339 text, durations literal text (`14d`), numbers
//! shortest.

use super::number::write_number;
use super::value::{
    write_csv_cell, write_csv_field, write_csv_text, write_json_cell, write_json_number,
    write_json_str, Cell,
};
use crate::value::Value;
use std::borrow::Borrow;

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

pub use crate::eval::WhyItem;

/// The shape of one output: format, columns, and the scores explained per row (`--explain`).
#[derive(Debug, Clone)]
pub struct Layout {
    format: Format,
    columns: Vec<Column>,
    why_scores: Vec<String>,
    /// `"name":` of every column, escaped once.
    json_keys: Vec<Vec<u8>>,
    /// CSV: guard text cells against spreadsheet formulas (`--csv-safe`).
    csv_safe: bool,
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
            csv_safe: false,
        }
    }

    /// With `safe`, CSV text cells that a spreadsheet would run as a formula are written as
    /// text (see [`super::value::write_csv_text`]).
    pub fn csv_safe(mut self, safe: bool) -> Layout {
        self.csv_safe = safe;
        self
    }

    /// Whether CSV text cells are guarded against formulas (`--csv-safe`).
    pub fn is_csv_safe(&self) -> bool {
        self.csv_safe
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
        self.write_cells(out, index, values.iter().map(Cell::from), why);
    }

    /// One row from its cells: as [`Layout::write_row`], which formats a [`Value`] exactly as
    /// the cell of the same content. `values` is any sequence of cells, borrowed or owned: a
    /// batch's rows are written straight from its columns ([`super::rows::RowWriter::render`]),
    /// without collecting each row first.
    pub fn write_cells<'c, C: Borrow<Cell<'c>>>(
        &self,
        out: &mut Vec<u8>,
        index: u64,
        values: impl IntoIterator<Item = C>,
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

    pub fn write_suffix(&self, out: &mut Vec<u8>, rows: u64) {
        if self.format == Format::Json {
            out.extend_from_slice(if rows == 0 { b"]\n" } else { b"\n]\n" });
        }
    }

    fn write_csv_row<'c, C: Borrow<Cell<'c>>>(
        &self,
        out: &mut Vec<u8>,
        values: impl IntoIterator<Item = C>,
        why: &[Vec<WhyItem>],
    ) {
        let mut scratch = Vec::new();
        let mut values = values.into_iter();
        for (i, column) in self.columns.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            let value = values.next();
            write_csv_cell(
                out,
                value.as_ref().map_or(&Cell::Missing, Borrow::borrow),
                &column.record_fields,
                &mut scratch,
                self.csv_safe,
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
            write_csv_text(out, &scratch, self.csv_safe);
        }
        out.push(b'\n');
    }

    fn write_json_object<'c, C: Borrow<Cell<'c>>>(
        &self,
        out: &mut Vec<u8>,
        values: impl IntoIterator<Item = C>,
        why: &[Vec<WhyItem>],
    ) {
        out.push(b'{');
        let mut values = values.into_iter();
        for (i, (column, key)) in self.columns.iter().zip(&self.json_keys).enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(key);
            let value = values.next();
            write_json_cell(
                out,
                value.as_ref().map_or(&Cell::Missing, Borrow::borrow),
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

#[cfg(test)]
mod tests;
