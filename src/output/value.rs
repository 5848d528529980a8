//! One way to print a value: every command that shows a lead's values (`eval`, `explain`,
//! `sla`, `test`, `diff`, `report`) prints them through these functions, so a number, a
//! timestamp, a list or a missing value reads the same everywhere.
//!
//! - as a cell of CSV or plain text ([`write_csv_cell`], [`write_cell_text`]): missing is
//!   nothing, lists are `;`-joined, timestamps RFC 3339, durations literal (`14d`);
//! - in JSON ([`write_json_cell`]): missing is `null`, lists are arrays, event records objects;
//! - for people ([`human`]): strings quoted, missing as `missing`, lists `[a, b]`;
//! - numbers always as [`write_number`] gives them: the shortest text that reads back to the
//!   same value (`30`, `12.5`).

use super::number::{write_int, write_number};
use crate::ir::Ty;
use crate::time::{format_duration, format_timestamp};
use crate::value::Value;
use std::borrow::Cow;

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

/// RFC 4180: a field holding a comma, quote, CR or LF is quoted, its quotes doubled.
#[inline]
pub fn write_csv_field(out: &mut Vec<u8>, field: &[u8]) {
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

/// Text in a CSV cell. With `safe` (`--csv-safe`), text that a spreadsheet would run as a
/// formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`
/// and quotes, as OWASP advises against CSV injection; other text is as [`write_csv_field`].
#[inline]
pub fn write_csv_text(out: &mut Vec<u8>, text: &[u8], safe: bool) {
    if safe
        && matches!(
            text.first(),
            Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
        )
    {
        out.extend_from_slice(b"\"'");
        for &b in text {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        write_csv_field(out, text);
    }
}

/// A cell as CSV: text quoted as RFC 4180 needs (and guarded against formulas when `safe`),
/// lists `;`-joined, events as JSON. Numbers, booleans, timestamps and durations are written
/// as they are: a spreadsheet reads `-5` as the number it is.
#[inline]
pub fn write_csv_cell(
    out: &mut Vec<u8>,
    cell: &Cell<'_>,
    record_fields: &[String],
    scratch: &mut Vec<u8>,
    safe: bool,
) {
    match cell {
        Cell::Str(s) => write_csv_text(out, s.as_bytes(), safe),
        Cell::Value(v) => write_csv_value(out, v, record_fields, scratch, safe),
        scalar => write_cell_text(out, scalar),
    }
}

fn write_bool(out: &mut Vec<u8>, b: bool) {
    out.extend_from_slice(if b { b"true" } else { b"false" });
}

fn write_csv_value(
    out: &mut Vec<u8>,
    value: &Value,
    record_fields: &[String],
    scratch: &mut Vec<u8>,
    safe: bool,
) {
    match value {
        Value::List(items) => {
            scratch.clear();
            if items.iter().any(|v| matches!(v, Value::Record(_))) {
                // Events have no CSV form of their own; their JSON text keeps them readable.
                write_json_value(scratch, value, record_fields);
            } else {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        scratch.push(b';');
                    }
                    write_scalar_text(scratch, item);
                }
            }
            write_csv_text(out, scratch, safe);
        }
        Value::Record(_) => {
            scratch.clear();
            write_json_value(scratch, value, record_fields);
            write_csv_field(out, scratch);
        }
        scalar => write_csv_cell(out, &Cell::from(scalar), record_fields, scratch, safe),
    }
}

/// A scalar as plain text (CSV cells, list elements); a list or record as JSON.
fn write_scalar_text(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::List(_) | Value::Record(_) => write_json_value(out, value, &[]),
        scalar => write_cell_text(out, &Cell::from(scalar)),
    }
}

/// A cell as plain text: nothing for missing, lists and records as JSON.
#[inline]
pub fn write_cell_text(out: &mut Vec<u8>, cell: &Cell<'_>) {
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

/// A number in JSON: as [`write_number`], `null` when not finite.
pub fn write_json_number(out: &mut Vec<u8>, x: f64) {
    if x.is_finite() {
        write_number(out, x);
    } else {
        out.extend_from_slice(b"null");
    }
}

/// A cell in JSON; `record_fields` name the fields of event records (else they are arrays).
pub fn write_json_cell(out: &mut Vec<u8>, cell: &Cell<'_>, record_fields: &[String]) {
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

/// A value in JSON, as [`write_json_cell`].
pub fn write_json_value(out: &mut Vec<u8>, value: &Value, record_fields: &[String]) {
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

/// A number as text: [`write_number`]'s shortest form (`30`, `12.5`, `1e21`).
pub fn number_text(x: f64) -> String {
    let mut out = Vec::with_capacity(24);
    write_number(&mut out, x);
    String::from_utf8(out).unwrap_or_default()
}

/// A value for people (explanations, test failures): numbers as [`number_text`], timestamps
/// RFC 3339, durations as literals (`30d`), strings quoted, lists `[a, b]`, missing as
/// `missing`. With the value's type, record elements show their field names
/// (`{ type: "visit", at: … }`).
pub fn human(v: &Value, ty: Option<&Ty>) -> String {
    match v {
        Value::Missing => "missing".to_string(),
        Value::Int(i) => i.to_string(),
        Value::Number(x) => number_text(*x),
        Value::Str(s) => format!("{:?}", &**s),
        Value::Bool(b) => b.to_string(),
        Value::Timestamp(t) => format_timestamp(*t),
        Value::Duration(0) => "0s".to_string(),
        Value::Duration(d) => format_duration(*d),
        Value::List(items) => {
            let elem_ty = match ty.map(Ty::base) {
                Some(Ty::List(t)) => Some(&**t),
                Some(t @ Ty::Records(_)) => Some(t),
                _ => None,
            };
            let parts: Vec<String> = items.iter().map(|i| human(i, elem_ty)).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Record(fields) => {
            let names = match ty.map(Ty::base) {
                Some(Ty::Records(r)) => Some(r),
                _ => None,
            };
            let parts: Vec<String> = fields
                .iter()
                .enumerate()
                .map(|(i, f)| match names.and_then(|r| r.fields.get(i)) {
                    Some(rf) => format!("{}: {}", rf.name, human(f, Some(&rf.ty))),
                    None => human(f, None),
                })
                .collect();
            format!("{{ {} }}", parts.join(", "))
        }
    }
}

/// The field names of the records of a `list of { … }` type (empty for any other type), which
/// JSON writes each record with.
pub fn record_fields(ty: &Ty) -> Vec<String> {
    match ty.base() {
        Ty::Records(r) => r.fields.iter().map(|f| f.name.clone()).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn csv(text: &str, safe: bool) -> String {
        let mut out = Vec::new();
        write_csv_text(&mut out, text.as_bytes(), safe);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn csv_safe_keeps_formulas_from_running() {
        for hostile in [
            "=HYPERLINK(\"http://x\")",
            "+1+2",
            "-2+3",
            "@SUM(A1)",
            "\tcmd",
            "\r=1",
        ] {
            let cell = csv(hostile, true);
            assert!(cell.starts_with("\"'"), "{hostile:?} → {cell:?}");
            // Read back by an RFC 4180 parser: the text, with the leading quote.
            let mut r = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(cell.as_bytes());
            let rec = r.records().next().unwrap().unwrap();
            assert_eq!(&rec[0], format!("'{hostile}"));
        }
        assert_eq!(csv("=1", false), "=1", "opt-in only");
        assert_eq!(csv("a,b", true), "\"a,b\"");
        assert_eq!(csv("plain", true), "plain");
        // Numbers are not text: `-5` stays a number.
        let mut out = Vec::new();
        write_csv_cell(&mut out, &Cell::Number(-5.0), &[], &mut Vec::new(), true);
        assert_eq!(out, b"-5");
    }

    #[test]
    fn hostile_strings_stay_valid_json() {
        for hostile in [
            "a\"b",
            "back\\slash",
            "</script><script>alert(1)</script>",
            "\u{0}\u{1}\u{1f}\u{7f}",
            "line\nbreak\r\ttab",
            "\u{2028}\u{2029}",
            "emoji 🎉 and ß",
        ] {
            let mut out = Vec::new();
            write_json_str(&mut out, hostile);
            let back: String = serde_json::from_slice(&out).expect("valid JSON");
            assert_eq!(back, hostile);
            assert!(
                !out.iter().any(|&b| b < 0x20),
                "no raw control bytes: {out:?}"
            );
        }
    }

    #[test]
    fn values_print_for_people() {
        assert_eq!(human(&Value::Missing, None), "missing");
        assert_eq!(human(&Value::str("a\"b"), None), "\"a\\\"b\"");
        assert_eq!(human(&Value::Timestamp(0), None), "1970-01-01T00:00:00Z");
        assert_eq!(
            human(&Value::Duration(30 * crate::time::MS_PER_DAY), None),
            "30d"
        );
        assert_eq!(human(&Value::Duration(0), None), "0s");
        let list = Value::List(Arc::from(vec![Value::str("US"), Value::str("CA")]));
        assert_eq!(human(&list, None), "[\"US\", \"CA\"]");
        assert_eq!(human(&Value::List(Arc::from(vec![])), None), "[]");
        let rt = Ty::Records(Arc::new(crate::ir::RecordType {
            fields: vec![
                crate::ir::RecordField {
                    name: "type".into(),
                    ty: Ty::String,
                },
                crate::ir::RecordField {
                    name: "n".into(),
                    ty: Ty::Int,
                },
            ],
        }));
        let recs = Value::List(Arc::from(vec![Value::Record(Arc::from(vec![
            Value::str("visit"),
            Value::Int(2),
        ]))]));
        assert_eq!(human(&recs, Some(&rt)), "[{ type: \"visit\", n: 2 }]");
    }
}
