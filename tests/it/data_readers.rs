//! Readers for every format: values, `from` names, lists, records, gzip, stdin-like readers, CSV
//! header errors and warnings, and the batch layout other evaluators rely on; the reference
//! example's 2,000 leads read the same from NDJSON and CSV (except `events`, which CSV cannot
//! carry; skipped when `../shared` is not there).

use crate::support::data::*;
use smql::data::{ChunkSize, Column, Format, Input, InputError, Reader};
use smql::ir::Ty;
use smql::value::Value;
use std::path::Path;

fn small_schema() -> smql::ir::Schema {
    schema(vec![
        field("id", Ty::String),
        field("source", one_of(&SOURCES)),
        field_from("size", "Number of Employees", Ty::Int.optional()),
        field("visits", Ty::Int),
        field("tags", list(Ty::String)),
        field("paid", Ty::Bool),
        field("value", Ty::Number.optional()),
        field("at", Ty::Timestamp),
    ])
}

const NDJSON: &str = r#"{"id":"a","source":"organic","Number of Employees":120,"visits":3,"tags":["x","y"],"paid":true,"value":1.5,"at":"2026-11-01T09:30:00Z","ignored":{"deep":[1,2,{"x":null}]}}
{"id":"b","source":"email","Number of Employees":null,"visits":"7","tags":null,"paid":"yes","at":"2026-02-29"}

{"visits":0,"paid":false,"at":1793491200000,"id":"c","source":"partner","tags":[],"value":2}
"#;

const CSV: &str = "id,source,Number of Employees,visits,tags,paid,value,at,ignored\n\
a,organic,120,3,x; y,true,1.5,2026-11-01T09:30:00Z,zzz\n\
b,email,,7,,YES,,2026-02-29,\n\
c,partner,,0,\"\",0,2,1793491200000,\"q,\"\"uoted\"\"\"\n";

fn expected_rows() -> Vec<(u64, Vec<Value>)> {
    let nine_thirty = 1_793_491_200_000 + 9 * 3_600_000 + 30 * 60_000;
    vec![
        (
            1,
            vec![
                s("a"),
                s("organic"),
                Value::Int(120),
                Value::Int(3),
                strs(&["x", "y"]),
                Value::Bool(true),
                Value::Number(1.5),
                Value::Timestamp(nine_thirty),
            ],
        ),
        (
            2,
            vec![
                s("b"),
                s("email"),
                Value::Missing,
                Value::Int(7),
                strs(&[]),
                Value::Bool(true),
                Value::Missing,
                // 2026 is not a leap year, but the CSV and JSON say 2026-02-29: see below.
                Value::Missing,
            ],
        ),
        (
            3,
            vec![
                s("c"),
                s("partner"),
                Value::Missing,
                Value::Int(0),
                strs(&[]),
                Value::Bool(false),
                Value::Number(2.0),
                Value::Timestamp(1_793_491_200_000),
            ],
        ),
    ]
}

#[test]
fn ndjson_and_csv_read_the_same_values() {
    let schema = small_schema();
    for (name, text, format) in [
        ("leads.ndjson", NDJSON, Format::Ndjson),
        ("leads.json", NDJSON, Format::Json),
        ("leads.csv", CSV, Format::Csv),
    ] {
        let (batches, rejects) = read(name, text.as_bytes(), format, &schema);
        // Record 2's date does not exist (2026 is not a leap year): rejected, not guessed.
        assert_eq!(rejects.len(), 1, "{name}: {rejects:?}");
        assert_eq!(rejects[0].record, 2);
        assert!(
            rejects[0]
                .error
                .starts_with("field `at`: expected timestamp, found `"),
            "{name}: {}",
            rejects[0].error
        );
        let mut expected = expected_rows();
        expected.remove(1);
        assert_eq!(rows(&batches), expected, "{name}");
    }
}

#[test]
fn leap_days_in_leap_years_are_read() {
    let schema = small_schema();
    let text = NDJSON.replace("2026-02-29", "2024-02-29");
    let (batches, rejects) = read("l.ndjson", text.as_bytes(), Format::Ndjson, &schema);
    assert!(rejects.is_empty(), "{rejects:?}");
    let all = rows(&batches);
    assert_eq!(all[1].1[7], Value::Timestamp(1_709_164_800_000));
    // Record numbers skip the blank line; lines do not.
    assert_eq!(batches[0].record_number(2), 3);
    assert_eq!(batches[0].line(2), 4);
}

#[test]
fn json_array_reads_like_ndjson() {
    let schema = small_schema();
    let text = NDJSON.replace("2026-02-29", "2024-02-29");
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let array = format!("  [\n{}\n]\n", lines.join(",\n"));
    let (a, ra) = read("leads.json", array.as_bytes(), Format::Json, &schema);
    let (n, rn) = read("leads.ndjson", text.as_bytes(), Format::Ndjson, &schema);
    assert!(ra.is_empty() && rn.is_empty(), "{ra:?} {rn:?}");
    let (ra, rn) = (rows(&a), rows(&n));
    assert_eq!(ra, rn);
    assert_eq!(a[0].line(0), 2);
    assert_eq!(a[0].line(2), 4);
    // Empty arrays and empty inputs have no records.
    for empty in ["[]", " [ \n ] \n", "", "\n\n"] {
        let (b, r) = read("e.json", empty.as_bytes(), Format::Json, &schema);
        assert_eq!(
            b.iter().map(|b| b.len()).sum::<usize>() + r.len(),
            0,
            "{empty:?}"
        );
    }
}

#[test]
fn gzip_by_suffix_and_by_magic_and_stdin_like_readers() {
    let schema = small_schema();
    let text = NDJSON.replace("2026-02-29", "2024-02-29");
    let plain = rows(&read("l.ndjson", text.as_bytes(), Format::Ndjson, &schema).0);
    let gz = gzip(text.as_bytes());
    let dir = std::env::temp_dir().join(format!("smql-data-readers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("leads.ndjson.gz");
    std::fs::write(&path, &gz).expect("write gz");
    let from_file = Reader::open(&path, None, &schema)
        .expect("opens")
        .read_all()
        .expect("reads");
    assert_eq!(rows(&from_file.0), plain);
    // A reader (stdin) with an explicit format: gzip is recognised by its magic bytes.
    let input = Input::from_reader("<stdin>", std::io::Cursor::new(gz.clone()), Format::Ndjson)
        .expect("opens");
    let (b, _) = Reader::new(input, &schema, ChunkSize::default())
        .expect("reader")
        .read_all()
        .expect("reads");
    assert_eq!(rows(&b), plain);
    // CSV, gzip.
    let csv = CSV.replace("2026-02-29", "2024-02-29");
    let path = dir.join("leads.csv.gz");
    std::fs::write(&path, gzip(csv.as_bytes())).expect("write gz");
    let (b, r) = Reader::open(&path, None, &schema)
        .expect("opens")
        .read_all()
        .expect("reads");
    assert!(r.is_empty(), "{r:?}");
    assert_eq!(rows(&b).len(), 3);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn unknown_format_is_an_error_with_help() {
    let schema = small_schema();
    let Err(e) = Reader::open(std::path::Path::new("leads.txt"), None, &schema) else {
        panic!("expected an error");
    };
    assert_eq!(
        e.to_string(),
        "leads.txt: cannot tell the input format from the name"
    );
    assert!(e.help().is_some_and(|h| h.contains("--input-format")));
}

#[test]
fn records_lists_read_from_json_and_are_empty_from_csv_with_a_warning() {
    let schema = schema(vec![
        field("id", Ty::String),
        field(
            "events",
            records(&[
                ("type", Ty::String),
                ("at", Ty::Timestamp),
                ("n", Ty::Int.optional()),
            ]),
        ),
    ]);
    let text = r#"{"id":"a","events":[{"type":"visit","at":"2026-01-01","extra":[1]},{"at":1700000000000,"type":"form","n":3}]}
{"id":"b"}
{"id":"c","events":null}
"#;
    let (b, r) = read("e.ndjson", text.as_bytes(), Format::Ndjson, &schema);
    assert!(r.is_empty(), "{r:?}");
    let rec =
        |t: &str, at: i64, n: Value| Value::Record(vec![s(t), Value::Timestamp(at), n].into());
    let got = rows(&b);
    assert_eq!(
        got[0].1[1],
        Value::List(
            vec![
                rec("visit", 1_767_225_600_000, Value::Missing),
                rec("form", 1_700_000_000_000, Value::Int(3))
            ]
            .into()
        )
    );
    assert_eq!(got[1].1[1], Value::List(vec![].into()));
    assert_eq!(got[2].1[1], Value::List(vec![].into()));
    let Column::Records(events) = &b[0].columns[1] else {
        panic!("records column");
    };
    assert_eq!(events.offsets, vec![0, 2, 2, 2]);

    let reader = reader("e.csv", b"id,events\na,x\n", Format::Csv, &schema);
    assert_eq!(
        reader.warnings(),
        ["e.csv: field `events` (list of { type: string, at: timestamp, n: int? }) cannot be read from CSV: it reads as an empty list"]
    );
    let (b, r) = reader.read_all().expect("reads");
    assert!(r.is_empty());
    assert_eq!(rows(&b)[0].1[1], Value::List(vec![].into()));
}

#[test]
fn csv_header_missing_required_column_names_the_nearest() {
    let schema = small_schema();
    let text = "id,source,Visit,tags,paid,at\n";
    let input =
        Input::from_bytes("leads.csv", text.as_bytes().to_vec(), Format::Csv).expect("input");
    let Err(e) = Reader::new(input, &schema, ChunkSize::default()) else {
        panic!("expected a header error");
    };
    assert!(matches!(e, InputError::MissingColumns { .. }));
    assert_eq!(
        e.to_string(),
        "leads.csv: the header has no column `visits` for required field `visits`"
    );
    assert_eq!(
        e.help().as_deref(),
        Some(
            "the header's columns are `id`, `source`, `Visit`, `tags`, `paid`, `at`; did you \
             mean `Visit` for `visits`?; if the column has another name, write `from \"NAME\"` \
             on the field"
        )
    );
    // An empty file has no header at all.
    let input = Input::from_bytes("e.csv", Vec::new(), Format::Csv).expect("input");
    let Err(e) = Reader::new(input, &schema, ChunkSize::default()) else {
        panic!("expected a header error");
    };
    assert!(
        e.to_string().starts_with(
            "e.csv: the header has no columns for required fields: `id`, `source`, `visits`"
        ),
        "{e}"
    );
    assert!(e
        .help()
        .is_some_and(|h| h.starts_with("the header row is empty")));
}

#[test]
fn csv_missing_optional_and_list_columns_warn_once_and_read_as_missing() {
    let schema = small_schema();
    let text = "\u{feff}id,source,visits,paid,at\r\na,organic,1,no,2026-01-01\r\nb,email,2,yes,2026-01-02\r\n";
    let reader = reader("leads.csv", text.as_bytes(), Format::Csv, &schema);
    assert_eq!(
        reader.warnings(),
        [
            "leads.csv: the header has no column `Number of Employees`: field `size` reads as missing",
            "leads.csv: the header has no column `tags`: field `tags` reads as an empty list",
            "leads.csv: the header has no column `value`: field `value` reads as missing",
        ]
    );
    let (b, r) = reader.read_all().expect("reads");
    assert!(r.is_empty(), "{r:?}");
    let got = rows(&b);
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].1[2], Value::Missing);
    assert_eq!(got[1].1[4], strs(&[]));
    assert_eq!(got[1].1[5], Value::Bool(true));
    assert_eq!(b[0].line(1), 3);
}

#[test]
fn csv_quoting_lists_and_empty_cells() {
    let schema = schema(vec![
        field("id", Ty::String),
        field("note", Ty::String),
        field("title", Ty::String.optional()),
        field("tags", list(one_of(&["a", "b"]))),
        field("n", Ty::Int),
    ]);
    let text = "id,note,title,tags,n\n\
        1,\"multi\nline, \"\"quoted\"\"\",,\" a ; b ;\",1\n\
        2,,  ,a,2\n\
        3,x,T,\"a;c\",3\n";
    let (b, r) = read("q.csv", text.as_bytes(), Format::Csv, &schema);
    let got = rows(&b);
    assert_eq!(got[0].1[1], s("multi\nline, \"quoted\""));
    assert_eq!(got[0].1[2], Value::Missing);
    assert_eq!(got[0].1[3], strs(&["a", "b"]));
    assert_eq!(got[1].1[1], s(""));
    assert_eq!(got[1].1[2], Value::Missing);
    assert_eq!(b[0].line(1), 4);
    assert_eq!(r.len(), 1);
    assert_eq!(
        r[0].describe("q.csv"),
        "q.csv: record 3 (line 5): field `tags`: item 2: expected one of (\"a\", \"b\"), found `c`"
    );
    assert_eq!(r[0].raw, "3,x,T,\"a;c\",3");
}

#[test]
fn strings_are_dictionary_encoded_once_per_batch() {
    let schema = small_schema();
    let text = NDJSON.replace("2026-02-29", "2024-02-29");
    let (b, _) = read("l.ndjson", text.as_bytes(), Format::Ndjson, &schema);
    let batch = &b[0];
    let Column::Str(source) = &batch.columns[1] else {
        panic!("enum column holds string ids");
    };
    assert_eq!(source.present, None);
    let organic = batch.dict.lookup("organic").expect("interned");
    assert_eq!(source.values[0], organic);
    assert_eq!(batch.dict.get(source.values[2]), "partner");
    assert_eq!(batch.dict.lookup("pricing"), None);
    let Column::List(tags) = &batch.columns[4] else {
        panic!("list column");
    };
    assert_eq!(tags.offsets, vec![0, 2, 2, 2]);
    let Column::Str(items) = tags.items.as_ref() else {
        panic!("string items");
    };
    assert_eq!(
        items.values,
        vec![
            batch.dict.lookup("x").unwrap_or(99),
            batch.dict.lookup("y").unwrap_or(99)
        ]
    );
    let Column::Int(size) = &batch.columns[2] else {
        panic!("int column");
    };
    assert_eq!(size.present, Some(vec![true, false, false]));
    assert_eq!(size.values, vec![120, 0, 0]);
}

#[test]
fn duplicate_keys_and_key_order_do_not_matter_or_are_rejected() {
    let schema = schema(vec![field("a", Ty::Int), field("b", Ty::Int)]);
    let text = "{\"b\":2,\"a\":1}\n{\"a\":1,\"b\":2}\n{\"a\":1,\"a\":2,\"b\":3}\n";
    let (b, r) = read("d.ndjson", text.as_bytes(), Format::Ndjson, &schema);
    assert_eq!(rows(&b).len(), 2);
    assert_eq!(rows(&b)[0].1, vec![Value::Int(1), Value::Int(2)]);
    assert_eq!(r[0].error, "field `a`: the key appears twice");
}

#[test]
fn escaped_strings_and_unicode_are_read() {
    let schema = schema(vec![field("s", Ty::String), field("t", list(Ty::String))]);
    let text = r#"{"s":"caf\u00e9 \"q\"\n","t":["\ud83d\ude00","plain"]}"#;
    let (b, r) = read("u.ndjson", text.as_bytes(), Format::Ndjson, &schema);
    assert!(r.is_empty(), "{r:?}");
    assert_eq!(
        rows(&b)[0].1,
        vec![s("café \"q\"\n"), strs(&["😀", "plain"])]
    );
}

#[test]
fn acme_leads_read_identically_from_ndjson_and_csv() {
    // `../shared` next to the project (or next to a worktree's parent directory).
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let Some(dir) = ["../shared", "../../shared"]
        .iter()
        .map(|p| root.join(p).join("examples/acme"))
        .find(|d| d.join("leads.ndjson").exists() && d.join("leads.csv").exists())
    else {
        eprintln!("skipped: ../shared/examples/acme not found");
        return;
    };
    let schema = acme_schema();
    let nd = Reader::open(&dir.join("leads.ndjson"), None, &schema).expect("opens");
    assert!(nd.warnings().is_empty());
    let (nd_batches, nd_rejects) = nd.read_all().expect("reads");
    let csv = Reader::open(&dir.join("leads.csv"), None, &schema).expect("opens");
    assert_eq!(
        csv.warnings().len(),
        1,
        "only `events` is missing from the CSV: {:?}",
        csv.warnings()
    );
    assert!(csv.warnings()[0].contains("field `events`"));
    let (csv_batches, csv_rejects) = csv.read_all().expect("reads");
    assert!(nd_rejects.is_empty(), "{:?}", nd_rejects.first());
    assert!(csv_rejects.is_empty(), "{:?}", csv_rejects.first());
    let (nd_rows, csv_rows) = (rows(&nd_batches), rows(&csv_batches));
    assert_eq!(nd_rows.len(), 2000);
    assert_eq!(csv_rows.len(), 2000);
    let events = schema.field_named("events").map(|f| f.0 as usize);
    let mut with_events = 0;
    for ((n_rec, n), (c_rec, c)) in nd_rows.iter().zip(&csv_rows) {
        assert_eq!(n_rec, c_rec);
        for (i, (a, b)) in n.iter().zip(c).enumerate() {
            if Some(i) == events {
                assert_eq!(*b, Value::List(vec![].into()));
                if matches!(a, Value::List(l) if !l.is_empty()) {
                    with_events += 1;
                }
            } else {
                assert_eq!(a, b, "record {n_rec}, field `{}`", schema.fields[i].name);
            }
        }
    }
    assert!(
        with_events > 1000,
        "events are read from NDJSON ({with_events})"
    );
    // The CSV line of a record is one more than its NDJSON line (the header).
    assert_eq!(csv_batches[0].line(0), 2);
    assert_eq!(nd_batches[0].line(0), 1);
}
