//! What the readers of typed formats (`.xlsx`, `.parquet`) share: which reader a format gets,
//! how a header's names are bound to the schema's fields (the rules of CSV headers), and the
//! values they append that do not come from text (a spreadsheet's dates, Parquet timestamps).

use super::batch::{BatchParts, Column};
use super::fields::{FieldPlan, ScalarTy, Unfit};
use super::header::{bind_names, Bound};
use super::input::{Format, Input, Seekable};
use super::produce::{self, Produced};
use super::reject::InputError;
use crate::ir::Schema;
use std::sync::{Arc, Mutex};

/// Starts the reading thread of `input`, a format that [`Format::needs_file`], and returns it
/// with the warnings of binding its header (or the error that it cannot be read as `schema`).
pub(crate) fn produce(
    input: Input,
    schema: &Schema,
    plan: &[FieldPlan],
    parts: Arc<Mutex<Vec<BatchParts>>>,
) -> Result<(Produced, Vec<String>, Vec<String>), InputError> {
    let Input {
        name,
        format,
        seekable,
        sheet,
        bytes_read,
        total_bytes,
        ..
    } = input;
    let progress = (bytes_read, total_bytes);
    let Some(seekable) = seekable else {
        return Err(InputError::Format {
            input: name,
            message: "this format can only be read from a file".to_string(),
            help: None,
        });
    };
    let plan = plan.to_vec();
    let body_name = name.clone();
    match format {
        Format::Xlsx => produce::spawn(&name, schema, parts, progress, move |sink| {
            super::xlsx::read(&body_name, seekable, sheet.as_deref(), &plan, sink)
        }),
        Format::Parquet => {
            #[cfg(feature = "parquet")]
            {
                produce::spawn(&name, schema, parts, progress, move |sink| {
                    super::parquet::read(&body_name, seekable, &plan, sink)
                })
            }
            #[cfg(not(feature = "parquet"))]
            {
                let _ = (seekable, parts, body_name, progress);
                Err(InputError::Format {
                    input: name,
                    message: "this smql was built without Parquet support".to_string(),
                    help: Some(
                        "build it with the default features (`cargo install smql`, not \
                         `--no-default-features`)"
                            .to_string(),
                    ),
                })
            }
        }
        Format::Json | Format::Ndjson | Format::Csv => {
            let _ = (seekable, sheet, parts, body_name, progress);
            Err(InputError::Format {
                input: name,
                message: "this format is read as a stream, not from a seekable file".to_string(),
                help: None,
            })
        }
    }
}

/// Binds header `names` to the fields of `plan` as CSV headers are (`header.rs`); `format`
/// names the format in the warning for a `list of {…}` field, which neither a spreadsheet nor
/// (here) Parquet holds.
pub(crate) fn bind(
    input: &str,
    names: &[String],
    plan: &[FieldPlan],
    format: &str,
) -> Result<Bound, InputError> {
    let bound = bind_names(input, names, plan, Some(format))?;
    if !bound.missing.is_empty() {
        return Err(InputError::MissingColumns {
            input: input.to_string(),
            missing: bound.missing,
            header: names.to_vec(),
            delimiter: None,
        });
    }
    Ok(bound)
}

/// Appends a timestamp (UTC epoch milliseconds) that the file typed as one.
pub(crate) fn push_timestamp(col: &mut Column, ms: i64) -> Result<(), Unfit> {
    match col {
        Column::Timestamp(c) => {
            c.push(ms);
            Ok(())
        }
        _ => Err(Unfit::Type),
    }
}

/// Appends a timestamp that the file typed as a wall-clock time without a zone (a
/// spreadsheet's date, a Parquet timestamp not adjusted to UTC; milliseconds since 1970-01-01
/// local): read in the `input` block's time zone (UTC without one), as the same text in a CSV
/// cell would be.
pub(crate) fn push_local_timestamp(
    col: &mut Column,
    ty: &ScalarTy,
    local: i64,
) -> Result<(), Unfit> {
    let ms = match ty {
        ScalarTy::Timestamp(Some(texts)) => texts.local(local).ok_or(Unfit::Type)?,
        _ => local,
    };
    push_timestamp(col, ms)
}

/// Appends a duration (milliseconds) that the file typed as one.
pub(crate) fn push_duration(col: &mut Column, ms: i64) -> Result<(), Unfit> {
    match col {
        Column::Duration(c) => {
            c.push(ms);
            Ok(())
        }
        _ => Err(Unfit::Type),
    }
}

/// The bytes of a seekable input, as a reader the format libraries take.
pub(crate) enum SeekReader {
    File(std::io::BufReader<std::fs::File>),
    Bytes(std::io::Cursor<Vec<u8>>),
}

impl SeekReader {
    pub fn new(seekable: Seekable) -> SeekReader {
        match seekable {
            Seekable::File(f) => SeekReader::File(std::io::BufReader::with_capacity(1 << 16, f)),
            Seekable::Bytes(b) => SeekReader::Bytes(std::io::Cursor::new(b)),
        }
    }
}

impl std::io::Read for SeekReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            SeekReader::File(f) => f.read(buf),
            SeekReader::Bytes(b) => b.read(buf),
        }
    }
}

impl std::io::Seek for SeekReader {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        match self {
            SeekReader::File(f) => f.seek(pos),
            SeekReader::Bytes(b) => b.seek(pos),
        }
    }
}

/// A column's letters in a spreadsheet: 0 → `A`, 25 → `Z`, 26 → `AA`.
pub(crate) fn column_letters(index: u32) -> String {
    let mut n = u64::from(index) + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        letters.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_as_in_a_spreadsheet() {
        let l: Vec<String> = [0, 3, 25, 26, 27, 51, 52, 701, 702, 16383]
            .into_iter()
            .map(column_letters)
            .collect();
        assert_eq!(
            l,
            ["A", "D", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA", "XFD"]
        );
    }
}
