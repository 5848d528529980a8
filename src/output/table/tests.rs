use super::*;
use crate::time::{parse_timestamp, MS_PER_DAY};
use std::borrow::Cow;

fn list(items: &[&str]) -> Value {
    Value::List(items.iter().map(|s| Value::str(s)).collect())
}

fn columns(names: &[&str]) -> Vec<Column> {
    names.iter().map(|n| Column::new(*n)).collect()
}

/// Formats `rows` as one whole output: prefix, rows, suffix.
fn render(layout: &Layout, rows: &[Vec<Value>], why: &[Vec<Vec<WhyItem>>]) -> String {
    let mut out = Vec::new();
    layout.write_prefix(&mut out);
    for (i, row) in rows.iter().enumerate() {
        layout.write_row(
            &mut out,
            i as u64,
            row,
            why.get(i).map_or(&[][..], Vec::as_slice),
        );
    }
    layout.write_suffix(&mut out, rows.len() as u64);
    String::from_utf8(out).unwrap()
}

fn sample_rows() -> Vec<Vec<Value>> {
    vec![
        vec![
            Value::str("L1"),
            Value::Int(30),
            Value::Number(12.5),
            list(&["pricing", "demo"]),
            Value::Bool(true),
            Value::Timestamp(parse_timestamp("2026-11-01T09:30:00Z").unwrap()),
            Value::Duration(10 * MS_PER_DAY),
        ],
        vec![
            Value::str("a,b \"quoted\"\nnext line"),
            Value::Missing,
            Value::Number(0.1),
            list(&[]),
            Value::Bool(false),
            Value::Missing,
            Value::Missing,
        ],
    ]
}

const NAMES: [&str; 7] = ["id", "score", "ratio", "downloaded", "mql", "seen", "idle"];

#[test]
fn csv_rows_read_back_with_an_rfc4180_reader() {
    let layout = Layout::new(Format::Csv, columns(&NAMES), vec![]);
    let text = render(&layout, &sample_rows(), &[]);
    assert!(
        text.starts_with("id,score,ratio,downloaded,mql,seen,idle\n"),
        "{text}"
    );
    assert!(
        text.contains("L1,30,12.5,pricing;demo,true,2026-11-01T09:30:00Z,10d\n"),
        "{text}"
    );
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[1][0], "a,b \"quoted\"\nnext line");
    assert_eq!(&rows[1][1], "", "missing is an empty cell");
    assert_eq!(&rows[1][2], "0.1");
    assert_eq!(&rows[1][3], "", "an empty list is an empty cell");
    assert_eq!(&rows[1][4], "false");
}

#[test]
fn csv_quotes_only_what_needs_quoting() {
    let layout = Layout::new(Format::Csv, columns(&["a", "b", "c", "d"]), vec![]);
    let row = vec![
        Value::str("x,y"),
        Value::str("say \"hi\""),
        Value::str("cr\rhere"),
        list(&["a,b", "c"]),
    ];
    let text = render(&layout, &[row], &[]);
    assert_eq!(
        text.lines().count(),
        2,
        "a quoted CR does not end the row for line-based readers: {text:?}"
    );
    assert!(
        text.ends_with("\"x,y\",\"say \"\"hi\"\"\",\"cr\rhere\",\"a,b;c\"\n"),
        "{text:?}"
    );
}

#[test]
fn ndjson_objects_keep_column_order_and_types() {
    let layout = Layout::new(Format::Ndjson, columns(&NAMES), vec![]);
    let text = render(&layout, &sample_rows(), &[]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        lines[0],
        r#"{"id":"L1","score":30,"ratio":12.5,"downloaded":["pricing","demo"],"mql":true,"seen":"2026-11-01T09:30:00Z","idle":"10d"}"#
    );
    let second: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
    assert_eq!(second["id"], "a,b \"quoted\"\nnext line");
    assert!(second["score"].is_null());
    assert_eq!(second["downloaded"], serde_json::json!([]));
}

#[test]
fn json_is_one_array_and_empty_output_is_valid() {
    let layout = Layout::new(Format::Json, columns(&NAMES), vec![]);
    let text = render(&layout, &sample_rows(), &[]);
    let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(parsed.as_array().map(Vec::len), Some(2));
    assert_eq!(parsed[1]["ratio"], 0.1);
    assert_eq!(render(&layout, &[], &[]), "[]\n");
}

#[test]
fn batches_formatted_apart_concatenate_to_the_whole() {
    let layout = Layout::new(Format::Json, columns(&NAMES), vec![]);
    let rows = sample_rows();
    let whole = render(&layout, &rows, &[]);
    let mut head = Vec::new();
    layout.write_prefix(&mut head);
    let mut batch_a = Vec::new();
    layout.write_row(&mut batch_a, 0, &rows[0], &[]);
    let mut batch_b = Vec::new();
    layout.write_row(&mut batch_b, 1, &rows[1], &[]);
    let mut tail = Vec::new();
    layout.write_suffix(&mut tail, 2);
    let joined = [head, batch_a, batch_b, tail].concat();
    assert_eq!(String::from_utf8(joined).unwrap(), whole);
}

#[test]
fn short_rows_are_padded_with_missing() {
    let layout = Layout::new(Format::Ndjson, columns(&["id", "x"]), vec![]);
    assert_eq!(
        render(&layout, &[vec![Value::str("L1")]], &[]),
        "{\"id\":\"L1\",\"x\":null}\n"
    );
}

fn why_row() -> Vec<Vec<WhyItem>> {
    vec![
        vec![
            WhyItem::new("visits >= 3", 10.0),
            WhyItem::new("downloaded \"pricing\"", 20.0),
            WhyItem::new("decay 10% every 30d since last_activity_at", -2.5),
        ],
        vec![],
    ]
}

#[test]
fn csv_explanations_are_one_column_per_score() {
    let layout = Layout::new(
        Format::Csv,
        columns(&["id"]),
        vec!["engagement".into(), "fit".into()],
    );
    let text = render(&layout, &[vec![Value::str("L1")]], &[why_row()]);
    assert!(text.starts_with("id,engagement_why,fit_why\n"), "{text}");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let row = reader.records().next().unwrap().unwrap();
    assert_eq!(
        &row[1],
        "visits >= 3: +10; downloaded \"pricing\": +20; \
         decay 10% every 30d since last_activity_at: -2.5"
    );
    assert_eq!(&row[2], "");
}

#[test]
fn json_explanations_are_a_why_object() {
    let layout = Layout::new(
        Format::Ndjson,
        columns(&["id"]),
        vec!["engagement".into(), "fit".into()],
    );
    let text = render(&layout, &[vec![Value::str("L1")]], &[why_row()]);
    let parsed: serde_json::Value = serde_json::from_str(text.trim_end()).unwrap();
    assert_eq!(
        parsed["why"]["engagement"][1],
        serde_json::json!({"rule": "downloaded \"pricing\"", "points": 20})
    );
    assert_eq!(parsed["why"]["fit"], serde_json::json!([]));
}

#[test]
fn records_print_as_objects_with_their_field_names() {
    let event = Value::Record(
        vec![Value::str("visit"), Value::Timestamp(0)]
            .into_iter()
            .collect(),
    );
    let events = Value::List(vec![event].into_iter().collect());
    let cols = vec![Column::records("events", vec!["type".into(), "at".into()])];
    let ndjson = Layout::new(Format::Ndjson, cols.clone(), vec![]);
    assert_eq!(
        render(&ndjson, &[vec![events.clone()]], &[]),
        "{\"events\":[{\"type\":\"visit\",\"at\":\"1970-01-01T00:00:00Z\"}]}\n"
    );
    let csv = Layout::new(Format::Csv, cols, vec![]);
    let text = render(&csv, &[vec![events]], &[]);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let row = reader.records().next().unwrap().unwrap();
    assert_eq!(
        &row[0],
        "[{\"type\":\"visit\",\"at\":\"1970-01-01T00:00:00Z\"}]"
    );
}

#[test]
fn json_strings_escape_controls_and_keep_unicode() {
    let mut out = Vec::new();
    write_json_str(&mut out, "é\"\\\n\t\u{1}ü");
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text, "\"é\\\"\\\\\\n\\t\\u0001ü\"");
    assert_eq!(
        serde_json::from_str::<String>(&text).unwrap(),
        "é\"\\\n\t\u{1}ü"
    );
}

#[test]
fn non_finite_numbers_are_null_in_json() {
    let layout = Layout::new(Format::Ndjson, columns(&["x"]), vec![]);
    assert_eq!(
        render(&layout, &[vec![Value::Number(f64::NAN)]], &[]),
        "{\"x\":null}\n"
    );
}

/// A scalar cell prints exactly as the value of the same content, in every format (the JIT
/// writes cells, the interpreter values).
#[test]
fn cells_print_as_their_values() {
    let ts = parse_timestamp("2026-11-01T09:30:00Z").unwrap();
    let pairs: Vec<(Cell<'static>, Value)> = vec![
        (Cell::Missing, Value::Missing),
        (Cell::Int(-42), Value::Int(-42)),
        (Cell::Number(12.5), Value::Number(12.5)),
        (Cell::Number(f64::NAN), Value::Number(f64::NAN)),
        (Cell::Bool(false), Value::Bool(false)),
        (
            Cell::Str("a,b \"q\"\n\u{1}é"),
            Value::str("a,b \"q\"\n\u{1}é"),
        ),
        (Cell::Timestamp(ts), Value::Timestamp(ts)),
        (
            Cell::Duration(3 * MS_PER_DAY),
            Value::Duration(3 * MS_PER_DAY),
        ),
        (
            Cell::Value(Cow::Owned(list(&["x", "y"]))),
            list(&["x", "y"]),
        ),
        (
            Cell::Value(Cow::Owned(Value::str("a,b"))),
            Value::str("a,b"),
        ),
    ];
    for format in [Format::Csv, Format::Ndjson, Format::Json] {
        let layout = Layout::new(format, columns(&["c"]), Vec::new());
        for (cell, value) in &pairs {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            layout.write_cells(&mut a, 1, std::slice::from_ref(cell), &[]);
            layout.write_row(&mut b, 1, std::slice::from_ref(value), &[]);
            assert_eq!(a, b, "{format:?} {value:?}");
        }
    }
}
