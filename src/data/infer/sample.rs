//! The first rows of an export, as values per column, for `smql init` to infer a schema from:
//! CSV cells as text (after detecting the delimiter and any report footer), JSON values, a
//! spreadsheet's typed cells, Parquet values with the file's own column types.

use super::super::input::{Format, Input, Seekable};
use super::super::reject::InputError;
use super::super::typed::SeekReader;
use std::io::{BufRead, BufReader, Read};

/// One value of a column, as found.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Sample {
    /// An empty cell, JSON `null`, an absent key.
    Missing,
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// A value the file typed as a timestamp adjusted to UTC (epoch milliseconds).
    #[cfg_attr(not(feature = "parquet"), allow(dead_code))]
    Time(i64),
    /// A value the file typed as a wall-clock time without a zone (a spreadsheet's date, a
    /// Parquet timestamp not adjusted to UTC, a date): milliseconds since 1970-01-01 local.
    LocalTime(i64),
    List(Vec<Sample>),
    /// A list of objects (JSON): each one's keys and values.
    Records(Vec<Vec<(String, Sample)>>),
}

/// What the file itself says a column is (Parquet's schema), besides its values.
// Only the Parquet sampler makes these: a build without it never does.
#[cfg_attr(not(feature = "parquet"), allow(dead_code))]
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Declared {
    Bool,
    Int,
    Number,
    Timestamp,
    Text,
    List(Box<Declared>),
    /// A type no schema field can read.
    Other(String),
}

/// The sampled rows of an export.
#[derive(Debug, Default)]
pub(crate) struct Sampled {
    /// Column names in file order (duplicates kept).
    pub names: Vec<String>,
    /// Per column, one value per sampled row.
    pub columns: Vec<Vec<Sample>>,
    /// Parquet: each column's declared type.
    pub declared: Vec<Option<Declared>>,
    pub rows: usize,
    /// CSV: the field separator, if not `,`.
    pub delimiter: Option<u8>,
    /// CSV: the first cell of a report footer (`Grand Totals (5700 records)`).
    pub footer: Option<String>,
    /// `.xlsx`: the sheet read.
    pub sheet: Option<String>,
}

impl Sampled {
    fn column(&mut self, name: &str) -> usize {
        if let Some(i) = self.names.iter().position(|n| n == name) {
            return i;
        }
        self.names.push(name.to_string());
        self.columns.push(vec![Sample::Missing; self.rows]);
        self.declared.push(None);
        self.names.len() - 1
    }
}

/// Reads the header and up to `max_rows` records of `input`.
pub(crate) fn sample(input: Input, max_rows: usize) -> Result<Sampled, InputError> {
    let name = input.name.clone();
    let io = |error: std::io::Error| InputError::Io {
        input: name.clone(),
        error,
    };
    match input.format {
        Format::Csv => csv(input.reader, max_rows).map_err(io),
        Format::Ndjson => ndjson(input.reader, max_rows, &name),
        Format::Json => json(input.reader, max_rows, &name),
        Format::Xlsx | Format::Parquet => {
            let Some(seekable) = input.seekable else {
                return Err(InputError::Format {
                    input: name,
                    message: "this format can only be read from a file".to_string(),
                    help: None,
                });
            };
            if input.format == Format::Xlsx {
                xlsx(seekable, input.sheet.as_deref(), max_rows, &name)
            } else {
                parquet(seekable, max_rows, &name)
            }
        }
    }
}

/// The separator a CSV header uses: `,` unless it has none and has `;` or tabs (as the reader
/// detects it).
fn detect_delimiter(header: &[u8]) -> u8 {
    let count = |b: u8| header.iter().filter(|&&c| c == b).count();
    if count(b',') > 0 {
        return b',';
    }
    match (count(b';'), count(b'\t')) {
        (0, 0) => b',',
        (semi, tab) if semi >= tab => b';',
        _ => b'\t',
    }
}

fn csv(reader: Box<dyn Read + Send>, max_rows: usize) -> std::io::Result<Sampled> {
    let mut reader = BufReader::new(reader);
    let mut first = Vec::new();
    {
        let buf = reader.fill_buf()?;
        let end = memchr::memchr(b'\n', buf).unwrap_or(buf.len());
        first.extend_from_slice(&buf[..end]);
    }
    let first = first.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&first);
    let delimiter = detect_delimiter(first);
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(reader);
    let mut s = Sampled {
        delimiter: (delimiter != b',').then_some(delimiter),
        ..Sampled::default()
    };
    let mut records = csv.byte_records();
    let Some(header) = records.next() else {
        return Ok(s);
    };
    let header = header.map_err(std::io::Error::other)?;
    for (i, cell) in header.iter().enumerate() {
        let text = String::from_utf8_lossy(cell);
        let text = if i == 0 {
            text.trim_start_matches('\u{feff}').to_string()
        } else {
            text.into_owned()
        };
        s.names.push(text);
        s.columns.push(Vec::new());
        s.declared.push(None);
    }
    let width = s.names.len();
    for record in records {
        let record = record.map_err(std::io::Error::other)?;
        let lone = record.len() == 1 && width > 1;
        if lone {
            // A lone cell in a file of many columns starts a report footer.
            let text = String::from_utf8_lossy(record.get(0).unwrap_or_default());
            if !text.trim().is_empty() {
                s.footer = Some(text.trim().to_string());
                break;
            }
            continue;
        }
        if s.rows == max_rows {
            break;
        }
        for (i, column) in s.columns.iter_mut().enumerate() {
            let cell = String::from_utf8_lossy(record.get(i).unwrap_or_default());
            column.push(if cell.is_empty() {
                Sample::Missing
            } else {
                Sample::Text(cell.into_owned())
            });
        }
        s.rows += 1;
    }
    Ok(s)
}

fn json_error(input: &str, e: serde_json::Error) -> InputError {
    InputError::Format {
        input: input.to_string(),
        message: format!("cannot read the JSON: {e}"),
        help: None,
    }
}

fn ndjson(
    reader: Box<dyn Read + Send>,
    max_rows: usize,
    input: &str,
) -> Result<Sampled, InputError> {
    let mut s = Sampled::default();
    for line in BufReader::new(reader).lines() {
        let line = line.map_err(|error| InputError::Io {
            input: input.to_string(),
            error,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        if s.rows == max_rows {
            break;
        }
        let value: Json = serde_json::from_str(&line).map_err(|e| json_error(input, e))?;
        add_record(&mut s, value);
    }
    Ok(s)
}

fn json(reader: Box<dyn Read + Send>, max_rows: usize, input: &str) -> Result<Sampled, InputError> {
    let mut reader = BufReader::new(reader);
    let first = loop {
        let buf = reader.fill_buf().map_err(|error| InputError::Io {
            input: input.to_string(),
            error,
        })?;
        match buf.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(i) => break Some(buf[i]),
            None if buf.is_empty() => break None,
            None => {
                let n = buf.len();
                reader.consume(n);
            }
        }
    };
    if first != Some(b'[') {
        return ndjson(Box::new(reader), max_rows, input);
    }
    // Only the first `max_rows` elements are kept; the rest are parsed and dropped.
    let mut s = Sampled::default();
    let mut de = serde_json::Deserializer::from_reader(reader);
    serde::Deserializer::deserialize_seq(
        &mut de,
        FirstElements {
            sampled: &mut s,
            max: max_rows,
        },
    )
    .map_err(|e| json_error(input, e))?;
    Ok(s)
}

struct FirstElements<'s> {
    sampled: &'s mut Sampled,
    max: usize,
}

impl<'de> serde::de::Visitor<'de> for FirstElements<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON array of objects")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while self.sampled.rows < self.max {
            match seq.next_element::<Json>()? {
                Some(v) => add_record(self.sampled, v),
                None => return Ok(()),
            }
        }
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(())
    }
}

/// A JSON value with its object keys in the order written (`serde_json::Value` sorts them, and
/// the schema's fields should come in the file's order).
enum Json {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl<'de> serde::Deserialize<'de> for Json {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Json, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> serde::de::Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(i64::try_from(v).map_or(Json::Float(v as f64), Json::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
        Ok(Json::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::Str(v))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element()? {
            items.push(v);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut fields: Vec<(String, Json)> = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Json>()? {
            fields.push((k, v));
        }
        Ok(Json::Object(fields))
    }
}

fn add_record(s: &mut Sampled, value: Json) {
    let Json::Object(object) = value else {
        return;
    };
    for column in &mut s.columns {
        column.push(Sample::Missing);
    }
    s.rows += 1;
    for (key, v) in object {
        let i = s.column(&key);
        if let Some(slot) = s.columns[i].last_mut() {
            *slot = from_json(v);
        }
    }
}

fn from_json(v: Json) -> Sample {
    match v {
        Json::Null => Sample::Missing,
        Json::Bool(b) => Sample::Bool(b),
        Json::Int(i) => Sample::Int(i),
        Json::Float(f) => Sample::Float(f),
        Json::Str(t) => Sample::Text(t),
        Json::Array(items) if items.iter().any(|i| matches!(i, Json::Object(_))) => {
            Sample::Records(
                items
                    .into_iter()
                    .filter_map(|i| match i {
                        Json::Object(o) => {
                            Some(o.into_iter().map(|(k, v)| (k, from_json(v))).collect())
                        }
                        _ => None,
                    })
                    .collect(),
            )
        }
        Json::Array(items) => Sample::List(items.into_iter().map(from_json).collect()),
        Json::Object(_) => Sample::Text("{…}".to_string()),
    }
}

fn xlsx(
    seekable: Seekable,
    sheet: Option<&str>,
    max_rows: usize,
    input: &str,
) -> Result<Sampled, InputError> {
    use calamine::{DataRef, Reader as _, Xlsx};
    let error = |message: String| InputError::Format {
        input: input.to_string(),
        message,
        help: None,
    };
    let mut book: Xlsx<SeekReader> = Xlsx::new(SeekReader::new(seekable))
        .map_err(|e| error(format!("cannot read the workbook: {e}")))?;
    let sheet = match sheet {
        Some(s) => s.to_string(),
        None => book
            .sheet_names()
            .first()
            .cloned()
            .ok_or_else(|| error("the workbook has no sheets".to_string()))?,
    };
    let mut cells = book
        .worksheet_cells_reader(&sheet)
        .map_err(|e| error(format!("cannot read sheet `{sheet}`: {e}")))?;
    let mut s = Sampled {
        sheet: Some(sheet.clone()),
        ..Sampled::default()
    };
    let mut header_row = None;
    let mut current: Option<u32> = None;
    let mut row: Vec<Sample> = Vec::new();
    loop {
        let cell = cells
            .next_cell()
            .map_err(|e| error(format!("sheet `{sheet}` cannot be read: {e}")))?;
        let at = cell.as_ref().map(|c| c.get_position().0);
        if current.is_some() && at != current {
            let blank = row.iter().all(|v| *v == Sample::Missing);
            if !blank {
                if header_row.is_none() {
                    header_row = current;
                    s.names = row.iter().map(sample_text).collect();
                    s.columns = vec![Vec::new(); s.names.len()];
                    s.declared = vec![None; s.names.len()];
                } else {
                    for (i, column) in s.columns.iter_mut().enumerate() {
                        column.push(row.get(i).cloned().unwrap_or(Sample::Missing));
                    }
                    s.rows += 1;
                    if s.rows == max_rows {
                        break;
                    }
                }
            }
            row.clear();
        }
        let Some(cell) = cell else { break };
        current = at;
        let col = cell.get_position().1 as usize;
        if col >= 16_384 {
            continue;
        }
        if row.len() <= col {
            row.resize(col + 1, Sample::Missing);
        }
        row[col] = match cell.get_value() {
            DataRef::Empty => Sample::Missing,
            DataRef::Int(i) => Sample::Int(*i),
            DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 9e15 => Sample::Int(*f as i64),
            DataRef::Float(f) => Sample::Float(*f),
            DataRef::Bool(b) => Sample::Bool(*b),
            DataRef::DateTime(d) if d.is_datetime() => {
                let (y, mo, day, h, mi, sec, ms) = d.to_ymd_hms_milli();
                let days = crate::time::days_from_civil(i64::from(y), mo.into(), day.into());
                Sample::LocalTime(
                    days * crate::time::MS_PER_DAY
                        + i64::from(h) * 3_600_000
                        + i64::from(mi) * 60_000
                        + i64::from(sec) * 1000
                        + i64::from(ms),
                )
            }
            DataRef::String(t) | DataRef::DateTimeIso(t) | DataRef::DurationIso(t) => {
                Sample::Text(t.clone())
            }
            DataRef::SharedString(t) => Sample::Text(t.to_string()),
            DataRef::Error(e) => Sample::Text(e.to_string()),
            // A time span: shown as days, read as text (a `duration` field reads milliseconds).
            DataRef::DateTime(d) => Sample::Float(d.as_f64()),
        };
    }
    Ok(s)
}

/// A header cell's text.
fn sample_text(v: &Sample) -> String {
    match v {
        Sample::Missing => String::new(),
        Sample::Text(t) => t.clone(),
        Sample::Int(i) => i.to_string(),
        Sample::Float(f) => f.to_string(),
        Sample::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Sample::Time(ms) | Sample::LocalTime(ms) => crate::time::format_timestamp(*ms),
        Sample::List(_) | Sample::Records(_) => String::new(),
    }
}

#[cfg(feature = "parquet")]
fn parquet(seekable: Seekable, max_rows: usize, input: &str) -> Result<Sampled, InputError> {
    match seekable {
        Seekable::File(f) => super::parquet_sample::sample(f, max_rows, input),
        Seekable::Bytes(b) => super::parquet_sample::sample(bytes::Bytes::from(b), max_rows, input),
    }
}

#[cfg(not(feature = "parquet"))]
fn parquet(_: Seekable, _: usize, input: &str) -> Result<Sampled, InputError> {
    Err(InputError::Format {
        input: input.to_string(),
        message: "this smql was built without Parquet support".to_string(),
        help: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv_of(text: &str) -> Sampled {
        let input = Input::from_bytes("t.csv", text.as_bytes().to_vec(), Format::Csv).unwrap();
        sample(input, 100).unwrap()
    }

    #[test]
    fn csv_delimiter_bom_and_footer() {
        let s = csv_of("\u{feff}Id;Amount\nL1;146536,25\nL2;\n\n\"Grand Totals (2 records)\"\n\"Confidential\"\n");
        assert_eq!(s.names, ["Id", "Amount"]);
        assert_eq!(s.delimiter, Some(b';'));
        assert_eq!(s.rows, 2);
        assert_eq!(
            s.columns[1],
            [Sample::Text("146536,25".into()), Sample::Missing]
        );
        assert_eq!(s.footer.as_deref(), Some("Grand Totals (2 records)"));
    }

    #[test]
    fn json_keys_in_order_of_appearance() {
        let text = r#"[{"id": "a", "n": 1}, {"id": "b", "tags": ["x"], "n": null}]"#;
        let input = Input::from_bytes("t.json", text.as_bytes().to_vec(), Format::Json).unwrap();
        let s = sample(input, 1).unwrap();
        assert_eq!((s.rows, s.names.len()), (1, 2));
        let input = Input::from_bytes("t.json", text.as_bytes().to_vec(), Format::Json).unwrap();
        let s = sample(input, 10).unwrap();
        assert_eq!(s.names, ["id", "n", "tags"]);
        assert_eq!(
            s.columns[2],
            [
                Sample::Missing,
                Sample::List(vec![Sample::Text("x".into())])
            ]
        );
        assert_eq!(s.columns[1], [Sample::Int(1), Sample::Missing]);
    }
}
