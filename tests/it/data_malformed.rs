//! Malformed inputs: each has its expected message, and its behaviour under `--on-error fail`
//! (stop at the first bad record) and `--on-error skip` (leave it out, write it to the rejects).
//! Nothing may panic, and records in = records out + records rejected.

use crate::support::data::*;
use smql::data::{ChunkSize, Format, Input, Reader};
use smql::ir::{Schema, Ty};
use smql::pipeline::{run, Config, Flow, OnError, Processed, Summary};
use std::path::Path;

fn lead_schema() -> Schema {
    schema(vec![
        field("id", Ty::String),
        field("visits", Ty::Int),
        field("source", one_of(&SOURCES)),
    ])
}

#[derive(Debug)]
struct Outcome {
    /// `--on-error fail`: the summary, or the message of the error that stopped the run.
    fail: Result<Summary, String>,
    /// `--on-error skip`.
    skip: Result<Summary, String>,
    /// Ids written under skip.
    ids: Vec<String>,
    /// The rejects file under skip, one `(record, line, error)` per line.
    rejects: Vec<(u64, u64, String)>,
}

fn run_mode(
    name: &str,
    bytes: &[u8],
    format: Format,
    on_error: OnError,
    chunk: usize,
) -> (Result<Summary, String>, Vec<String>, Vec<u8>) {
    let schema = lead_schema();
    let input = match Input::from_bytes(name, bytes.to_vec(), format) {
        Ok(i) => i,
        Err(e) => return (Err(e.to_string()), vec![], vec![]),
    };
    let size = ChunkSize {
        records: chunk,
        bytes: 1 << 20,
    };
    let reader = match Reader::new(input, &schema, size) {
        Ok(r) => r,
        Err(e) => return (Err(e.to_string()), vec![], vec![]),
    };
    let config = Config {
        threads: 2,
        on_error,
        max_in_flight: 0,
        max_rejects: None,
    };
    let mut ids = Vec::new();
    let mut rejects = Vec::new();
    let result = run(
        reader,
        &config,
        Some(&mut rejects),
        None,
        |batch| {
            let ids: Vec<String> = (0..batch.len())
                .map(|r| match &batch.lead(r)[0] {
                    smql::value::Value::Str(s) => s.to_string(),
                    other => format!("{other:?}"),
                })
                .collect();
            Ok::<_, String>(Processed::new(ids))
        },
        |batch_ids| {
            ids.extend(batch_ids);
            Ok(Flow::Continue)
        },
    );
    (result.map_err(|e| e.to_string()), ids, rejects)
}

fn outcome(name: &str, bytes: &[u8], format: Format) -> Outcome {
    let (fail, _, _) = run_mode(name, bytes, format, OnError::Fail, 2);
    let (skip, ids, rejects) = run_mode(name, bytes, format, OnError::Skip, 2);
    let rejects = String::from_utf8(rejects)
        .expect("rejects are UTF-8")
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("rejects are NDJSON");
            assert!(v["raw"].is_string(), "{l}");
            (
                v["record"].as_u64().unwrap_or(0),
                v["line"].as_u64().unwrap_or(0),
                v["error"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    if let Ok(s) = &skip {
        assert_eq!(s.records_in, s.records_out + s.rejected, "{name}");
        assert_eq!(s.records_out, ids.len() as u64, "{name}");
    }
    Outcome {
        fail,
        skip,
        ids,
        rejects,
    }
}

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/data/malformed")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn counts(s: &Result<Summary, String>) -> (u64, u64, u64) {
    match s {
        Ok(s) => (s.records_in, s.records_out, s.rejected),
        Err(e) => panic!("unexpected error: {e}"),
    }
}

/// A fixture with record-level problems: the first one stops a `fail` run, all are skipped.
fn check_rejects(file: &str, format: Format, ids: &[&str], expected: &[(u64, u64, &str)]) {
    let o = outcome(file, &fixture(file), format);
    let first = expected[0];
    assert_eq!(
        o.fail,
        Err(format!(
            "{file}: record {} (line {}): {}",
            first.0, first.1, first.2
        )),
        "{file}"
    );
    let rejects: Vec<(u64, u64, &str)> = o
        .rejects
        .iter()
        .map(|(r, l, e)| (*r, *l, e.as_str()))
        .collect();
    assert_eq!(rejects, expected, "{file}");
    assert_eq!(o.ids, ids, "{file}");
    let (rin, out, rej) = counts(&o.skip);
    assert_eq!(
        (rin, out, rej),
        (
            (ids.len() + expected.len()) as u64,
            ids.len() as u64,
            expected.len() as u64,
        )
    );
}

#[test]
fn broken_json_on_one_ndjson_line() {
    check_rejects(
        "broken_line.ndjson",
        Format::Ndjson,
        &["a", "c"],
        &[(
            2,
            2,
            "invalid JSON at column 39: EOF while parsing an object",
        )],
    );
}

#[test]
fn truncated_ndjson_rejects_the_last_record() {
    check_rejects(
        "truncated.ndjson",
        Format::Ndjson,
        &["a"],
        &[(
            2,
            2,
            "invalid JSON at column 14: EOF while parsing a string",
        )],
    );
}

#[test]
fn wrong_types() {
    check_rejects(
        "wrong_type.ndjson",
        Format::Ndjson,
        &["a", "c"],
        &[
            (2, 2, "field `visits`: expected int, found `\"abc\"`"),
            (4, 4, "field `visits`: expected int, found `4.5`"),
        ],
    );
}

#[test]
fn missing_required_fields() {
    check_rejects(
        "missing_required.ndjson",
        Format::Ndjson,
        &[],
        &[
            (
                1,
                1,
                "field `visits`: expected int, found nothing (no key `visits`)",
            ),
            (2, 2, "field `visits`: expected int, found `null`"),
        ],
    );
}

#[test]
fn enum_values_not_listed() {
    let expected = "expected one of (\"organic\", \"paid_search\", \"referral\", \"event\", \"email\", \"social\", \"partner\")";
    check_rejects(
        "bad_enum.csv",
        Format::Csv,
        &["a"],
        &[
            (2, 3, &format!("field `source`: {expected}, found `tv`")),
            (
                3,
                4,
                &format!("field `source`: {expected}, found `Organic`"),
            ),
        ],
    );
}

#[test]
fn csv_rows_with_too_many_or_too_few_cells() {
    check_rejects(
        "cell_count.csv",
        Format::Csv,
        &["a", "d"],
        &[
            (2, 3, "expected 3 cells (as in the header), found 4"),
            (3, 4, "expected 3 cells (as in the header), found 2"),
        ],
    );
}

#[test]
fn csv_quote_left_open_at_the_end() {
    check_rejects(
        "unclosed_quote.csv",
        Format::Csv,
        &["a"],
        &[(
            2,
            3,
            "the input ends inside a quoted cell (a `\"` is not closed)",
        )],
    );
}

#[test]
fn integers_out_of_range() {
    check_rejects(
        "int_overflow.ndjson",
        Format::Ndjson,
        &["b"],
        &[(
            1,
            1,
            "field `visits`: expected int, found `100000000000000000000`",
        )],
    );
}

#[test]
fn json_array_elements_that_are_not_objects() {
    check_rejects(
        "non_object.json",
        Format::Json,
        &["a", "f"],
        &[
            (2, 1, "expected a JSON object, found `1`"),
            (3, 1, "expected a JSON object, found `\"x\"`"),
            (4, 1, "expected a JSON object, found `[2]`"),
            (5, 1, "expected a JSON object, found `null`"),
        ],
    );
}

#[test]
fn json_array_not_closed_stops_after_its_records() {
    let o = outcome(
        "unclosed_array.json",
        &fixture("unclosed_array.json"),
        Format::Json,
    );
    let msg =
        "unclosed_array.json: the JSON array is not closed (input ends on line 4 without `]`)";
    assert_eq!(o.fail, Err(msg.to_string()));
    assert_eq!(o.skip, Err(msg.to_string()));
    assert_eq!(o.ids, ["a", "b"]);
    // Cut inside an element: that element is a reject, then the input error.
    let cut = b"[{\"id\":\"a\",\"visits\":1,\"source\":\"organic\"},{\"id\":\"b\",";
    let o = outcome("cut.json", cut, Format::Json);
    assert_eq!(
        o.fail,
        Err(
            "cut.json: record 2 (line 1): invalid JSON at column 10: EOF while parsing a value"
                .into()
        )
    );
    assert_eq!(
        o.skip,
        Err("cut.json: the JSON array is not closed (input ends on line 1 without `]`)".into())
    );
    assert_eq!(o.rejects.len(), 1);
}

#[test]
fn data_after_a_json_array_is_an_error() {
    let o = outcome(
        "trailing_data.json",
        &fixture("trailing_data.json"),
        Format::Json,
    );
    let msg = "trailing_data.json: line 1: unexpected data after the JSON array";
    assert_eq!(o.fail, Err(msg.to_string()));
    assert_eq!(o.skip, Err(msg.to_string()));
    assert_eq!(o.ids, ["a"]);
}

#[test]
fn invalid_utf8_in_ndjson_and_csv() {
    let mut nd = b"{\"id\":\"a\",\"visits\":1,\"source\":\"organic\"}\n{\"id\":\"".to_vec();
    nd.extend_from_slice(b"\xff\xfe\",\"visits\":2,\"source\":\"organic\"}\n");
    nd.extend_from_slice(b"{\"id\":\"c\",\"visits\":3,\"source\":\"organic\",\"x\":\"\xc3\"}\n");
    let o = outcome("u.ndjson", &nd, Format::Ndjson);
    assert_eq!(
        o.fail,
        Err("u.ndjson: record 2 (line 2): invalid UTF-8 at byte 8 of the record".into())
    );
    assert_eq!(o.ids, ["a"]);
    assert_eq!(o.rejects.len(), 2);
    assert_eq!(o.rejects[1].2, "invalid UTF-8 at byte 46 of the record");

    let csv = b"id,visits,source\na,1,organic\n\xe9t\xe9,2,organic\n";
    let o = outcome("u.csv", csv, Format::Csv);
    assert_eq!(
        o.fail,
        Err("u.csv: record 2 (line 3): invalid UTF-8 at byte 1 of the record".into())
    );
    assert_eq!(counts(&o.skip), (2, 1, 1));
}

/// Records are checked for UTF-8 in groups of consecutive records: a bad record anywhere in a
/// large chunk (first, in the middle, last) is rejected alone, and every other record of its
/// group is read, in order.
#[test]
fn invalid_utf8_among_many_records_rejects_only_those() {
    let bad = [1usize, 1500, 2999];
    let mut nd = Vec::new();
    let mut csv = b"id,visits,source\n".to_vec();
    for i in 0..3000 {
        let id: &[u8] = if bad.contains(&i) { b"\xff" } else { b"" };
        nd.extend_from_slice(b"{\"id\":\"");
        nd.extend_from_slice(id);
        nd.extend_from_slice(
            format!("r{i}\",\"visits\":{i},\"source\":\"organic\"}}\n").as_bytes(),
        );
        // Some quoted cells, so CSV groups with and without quotes both occur.
        let quote = if i % 700 == 0 { "\"" } else { "" };
        csv.extend_from_slice(quote.as_bytes());
        csv.extend_from_slice(id);
        csv.extend_from_slice(format!("r{i}{quote},{i},organic\n").as_bytes());
    }
    let expected: Vec<String> = (0..3000)
        .filter(|i| !bad.contains(i))
        .map(|i| format!("r{i}"))
        .collect();
    for (name, bytes, format) in [
        ("many.ndjson", &nd, Format::Ndjson),
        ("many.csv", &csv, Format::Csv),
    ] {
        let o = outcome(name, bytes, format);
        assert_eq!(counts(&o.skip), (3000, 2997, 3), "{name}");
        assert_eq!(o.ids, expected, "{name}");
        let records: Vec<u64> = o.rejects.iter().map(|r| r.0).collect();
        assert_eq!(records, [2, 1501, 3000], "{name}");
        assert!(
            o.rejects.iter().all(|r| r.2.starts_with("invalid UTF-8")),
            "{name}: {:?}",
            o.rejects
        );
    }
}

#[test]
fn deep_nesting_never_recurses() {
    let depth = 100_000;
    let deep = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let lead = |id: &str, visits: &str| {
        format!("{{\"id\":\"{id}\",\"visits\":{visits},\"source\":\"organic\",\"x\":{deep}}}\n")
    };
    // Under an unknown key it is valid JSON that is skipped (serde_json skips iteratively).
    let text = lead("a", "1") + &lead("b", &deep) + &lead("c", "3");
    let o = outcome("deep.ndjson", text.as_bytes(), Format::Ndjson);
    assert_eq!(o.ids, ["a", "c"]);
    assert_eq!(o.rejects.len(), 1);
    assert_eq!(o.rejects[0].2, "field `visits`: expected int, found `[…]`");
    // As an element of a JSON array: the splitter tracks depth without recursing.
    let array = format!("[{deep}, {{\"id\":\"b\",\"visits\":2,\"source\":\"email\"}}]");
    let o = outcome("deep.json", array.as_bytes(), Format::Json);
    assert_eq!(counts(&o.skip), (2, 1, 1));
    assert_eq!(
        o.rejects[0].2,
        format!("expected a JSON object, found `{}…`", "[".repeat(40))
    );
    // Unbalanced: a million openers and nothing else.
    let open = format!("[{}", "{".repeat(1_000_000));
    let o = outcome("open.json", open.as_bytes(), Format::Json);
    assert_eq!(o.rejects.len(), 1);
    assert_eq!(
        o.skip,
        Err("open.json: the JSON array is not closed (input ends on line 1 without `]`)".into())
    );
}

#[test]
fn ten_megabyte_strings_are_fine() {
    let big = "x".repeat(10 << 20);
    let text = format!(
        "{{\"id\":\"{big}\",\"visits\":1,\"source\":\"organic\"}}\n{{\"id\":\"b\",\"visits\":2,\"source\":\"email\"}}\n"
    );
    let o = outcome("big.ndjson", text.as_bytes(), Format::Ndjson);
    assert_eq!(counts(&o.skip), (2, 2, 0));
    assert_eq!(o.ids[0].len(), 10 << 20);
    let csv = format!("id,visits,source\n\"{big}\",1,organic\n");
    let o = outcome("big.csv", csv.as_bytes(), Format::Csv);
    assert_eq!(counts(&o.skip), (1, 1, 0));
    // A 10 MB value of the wrong type is shortened in the message.
    let text = format!("{{\"id\":\"a\",\"visits\":\"{big}\",\"source\":\"organic\"}}\n");
    let o = outcome("big.ndjson", text.as_bytes(), Format::Ndjson);
    assert_eq!(
        o.rejects[0].2,
        format!(
            "field `visits`: expected int, found `\"{}…`",
            "x".repeat(39)
        )
    );
}

#[test]
fn truncated_gzip_is_an_input_error_in_both_modes() {
    let mut text = String::new();
    for i in 0..20_000 {
        text.push_str(&format!(
            "{{\"id\":\"L{i}\",\"visits\":{i},\"source\":\"organic\",\"pad\":\"{}\"}}\n",
            i * 7919
        ));
    }
    let gz = gzip(text.as_bytes());
    let cut = &gz[..gz.len() / 2];
    for mode in [OnError::Fail, OnError::Skip] {
        let (result, ids, _) = run_mode("leads.ndjson.gz", cut, Format::Ndjson, mode, 1000);
        let err = result.expect_err("a truncated gzip file fails");
        assert!(
            err.starts_with("leads.ndjson.gz: input ends unexpectedly ("),
            "{err}"
        );
        // The records before the cut were processed in order.
        assert!(ids.len() < 20_000);
        assert!(ids.iter().enumerate().all(|(i, id)| *id == format!("L{i}")));
    }
    // Not gzip at all, but named `.gz`: read as it is.
    let (r, ids, _) = run_mode(
        "x.ndjson.gz",
        b"{\"id\":\"a\",\"visits\":1,\"source\":\"email\"}",
        Format::Ndjson,
        OnError::Fail,
        10,
    );
    assert!(r.is_ok() && ids == ["a"]);
}

#[test]
fn empty_and_blank_inputs_have_no_records() {
    for (name, text, format) in [
        ("e.ndjson", "", Format::Ndjson),
        ("e.ndjson", "\n \n\r\n", Format::Ndjson),
        ("e.json", "", Format::Json),
        ("e.json", "[]", Format::Json),
        ("e.csv", "id,visits,source\n", Format::Csv),
        ("e.csv", "id,visits,source", Format::Csv),
    ] {
        let o = outcome(name, text.as_bytes(), format);
        assert_eq!(counts(&o.fail), (0, 0, 0), "{name} {text:?}");
    }
    let o = outcome("e.json", b"  hello", Format::Json);
    assert_eq!(
        o.fail,
        Err("e.json: expected a JSON array `[` or an object `{` per line, found `hello`".into())
    );
}

#[test]
fn arbitrary_bytes_never_panic_and_always_balance() {
    // A small deterministic fuzz: random mixes of JSON and CSV punctuation.
    let alphabet: &[u8] = b"{}[]\",:;\\\n\r 0123abc\xff\xc3nulltrue-.eE";
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for case in 0..300 {
        let len = (next() % 200) as usize;
        let mut bytes: Vec<u8> = (0..len)
            .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
            .collect();
        if case % 3 == 0 {
            bytes.insert(0, b'[');
        }
        for format in [Format::Json, Format::Ndjson, Format::Csv] {
            let (skip, ids, rejects) = run_mode("fuzz", &bytes, format, OnError::Skip, 3);
            if let Ok(s) = skip {
                assert_eq!(s.records_in, s.records_out + s.rejected);
                assert_eq!(s.records_out, ids.len() as u64);
                let lines = rejects.iter().filter(|b| **b == b'\n').count() as u64;
                assert_eq!(lines, s.rejected);
            }
            let _ = run_mode("fuzz", &bytes, format, OnError::Fail, 1);
        }
    }
}
