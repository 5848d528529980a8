//! Fields that are not decoded (`Input::decoding_only`): their values are not converted, so a
//! bad one does not reject the record, on every path of every text format (the JSON scanner and
//! `serde_json`, CSV without and with quotes); syntax is still checked; their columns stay empty.

use crate::data::{ChunkSize, Format, Input, Reader, Reject};
use crate::ir::{FieldId, FieldSet, Schema, Ty};
use crate::value::Value;

fn schema() -> Schema {
    let field = |name: &str, ty: Ty| crate::ir::Field::new(name, name, ty, crate::Span::default());
    Schema::new(
        vec![
            field("id", Ty::String),
            field("visits", Ty::Int),
            field("created", Ty::Timestamp),
            field("size", Ty::Int.optional()),
            field("tags", Ty::List(Box::new(Ty::Int))),
        ],
        Some(FieldId(0)),
    )
}

/// `id` and `visits` only.
fn used() -> FieldSet {
    let mut set = FieldSet::none(5);
    set.insert(FieldId(0));
    set.insert(FieldId(1));
    set
}

/// Reads `text` as `format`, decoding `decode` (every field for `None`): each row's values
/// and whether each field was decoded, and the rejects' messages.
fn read(
    text: &str,
    format: Format,
    decode: Option<FieldSet>,
) -> (Vec<Vec<Value>>, Vec<bool>, Vec<String>) {
    let mut input = Input::from_bytes("leads", text.as_bytes().to_vec(), format).unwrap();
    if let Some(d) = decode {
        input = input.decoding_only(d);
    }
    let reader = Reader::new(input, &schema(), ChunkSize::default()).unwrap();
    let (batches, rejects) = reader.read_all().unwrap();
    let rows = batches
        .iter()
        .flat_map(|b| (0..b.len()).map(|r| b.lead(r)))
        .collect();
    let decoded = match batches.iter().find(|b| !b.is_empty()) {
        Some(b) => (0..5).map(|f| b.decoded(f)).collect(),
        None => Vec::new(),
    };
    let messages = rejects
        .iter()
        .map(|r: &Reject| r.describe("leads"))
        .collect();
    (rows, decoded, messages)
}

fn id_visits(rows: &[Vec<Value>]) -> Vec<(Value, Value)> {
    rows.iter().map(|r| (r[0].clone(), r[1].clone())).collect()
}

#[test]
fn json_values_of_unused_fields_are_not_converted() {
    // Line 1 takes the scanner; line 2's escaped key sends it to serde_json; line 3 lacks the
    // required `created`; line 4 repeats an unused key and nests a value.
    let text = concat!(
        r#"{"id":"a","visits":1,"created":"yesterday","size":"big","tags":["x"]}"#,
        "\n",
        r#"{"i\u0064":"b","visits":2,"created":5,"size":[1,{"k":null}],"tags":7}"#,
        "\n",
        r#"{"id":"c","visits":3}"#,
        "\n",
        r#"{"id":"d","size":1,"visits":4,"size":{"a":[[[]]]},"tags":null}"#,
        "\n",
    );
    let (rows, decoded, errors) = read(text, Format::Ndjson, Some(used()));
    assert_eq!(errors, Vec::<String>::new());
    let want: Vec<(Value, Value)> = [("a", 1), ("b", 2), ("c", 3), ("d", 4)]
        .iter()
        .map(|&(k, v)| (Value::str(k), Value::Int(v)))
        .collect();
    assert_eq!(id_visits(&rows), want);
    assert_eq!(decoded, [true, true, false, false, false]);
    // Unread columns read as missing and empty.
    assert_eq!(
        rows[0][2..],
        [Value::Missing, Value::Missing, Value::List(vec![].into())]
    );

    // Every field: today's messages.
    let (rows, _, errors) = read(text, Format::Ndjson, None);
    assert!(rows.is_empty());
    assert_eq!(
        errors[0],
        "leads: record 1 (line 1): field `created`: expected timestamp, found `\"yesterday\"`"
    );
    assert_eq!(
        errors[2],
        "leads: record 3 (line 3): field `created`: expected timestamp, found nothing (no key `created`)"
    );
    assert_eq!(errors.len(), 4);
}

#[test]
fn json_syntax_and_used_fields_are_still_checked() {
    let text = concat!(
        r#"{"id":"a","visits":1,"created":[1,}"#,
        "\n",
        r#"{"id":"b","visits":"x","created":"yesterday"}"#,
        "\n",
        r#"{"id":"c","visits":1,"visits":2}"#,
        "\n",
        r#"{"id":"d","created":1}"#,
        "\n",
    );
    let (rows, _, errors) = read(text, Format::Ndjson, Some(used()));
    assert!(rows.is_empty(), "{rows:?}");
    assert!(errors[0].contains("invalid JSON"), "{}", errors[0]);
    assert!(errors[1].ends_with("field `visits`: expected int, found `\"x\"`"));
    assert!(errors[2].ends_with("field `visits`: the key appears twice"));
    assert!(errors[3].ends_with("found nothing (no key `visits`)"));
}

#[test]
fn csv_cells_of_unused_fields_are_not_converted() {
    let text = "id,visits,created,size,tags\n\
                a,1,yesterday,big,x;y\n\
                \"b\",2,\"1,5\",,\n\
                c,3\n";
    let (rows, decoded, errors) = read(text, Format::Csv, Some(used()));
    assert_eq!(
        id_visits(&rows),
        [
            (Value::str("a"), Value::Int(1)),
            (Value::str("b"), Value::Int(2))
        ]
    );
    assert_eq!(decoded, [true, true, false, false, false]);
    // A row must still have the header's cells.
    assert_eq!(
        errors,
        ["leads: record 3 (line 4): expected 5 cells (as in the header), found 2"]
    );
    let (_, _, errors) = read(text, Format::Csv, None);
    assert_eq!(
        errors[0],
        "leads: record 1 (line 2): field `created`: expected timestamp, found `yesterday`"
    );
}

#[test]
fn a_csv_header_may_lack_the_columns_of_unused_fields() {
    let text = "id,visits\na,1\n";
    let (rows, _, errors) = read(text, Format::Csv, Some(used()));
    assert!(errors.is_empty());
    assert_eq!(id_visits(&rows), [(Value::str("a"), Value::Int(1))]);
    let input = Input::from_bytes("leads", text.as_bytes().to_vec(), Format::Csv).unwrap();
    let missing = Reader::new(input, &schema(), ChunkSize::default()).err();
    assert!(
        missing.is_some_and(|e| e.to_string().contains("created")),
        "a required column is missing when every field is decoded"
    );
}

/// Plain CSV records are converted in runs, a field at a time (`CsvDecoder::queue`); records
/// with quotes, of the wrong number of cells or with a cell that does not fit break a run or
/// send it back to the records one at a time. Whatever the mix, the rows and the rejects are
/// those of the records in order, each read on its own merits.
#[test]
fn csv_runs_give_the_rows_and_rejects_of_their_records_in_order() {
    let mut text = String::from("id,visits,created,size,tags\n");
    let (mut want_rows, mut want_errors) = (Vec::new(), Vec::new());
    for j in 1..=500u32 {
        let line = j + 1;
        let size = if j % 3 == 0 {
            String::new()
        } else {
            (j * 7).to_string()
        };
        let tags = match j % 4 {
            0 => String::new(),
            1 => format!("{j}"),
            _ => format!("{j}; {}", j + 1),
        };
        let (visits, created) = (j.to_string(), "2026-01-02T03:04:05Z");
        let record = match j {
            _ if j % 97 == 0 => {
                want_errors.push(format!(
                    "leads: record {j} (line {line}): field `visits`: expected int, found `x{j}`"
                ));
                format!("r{j},x{j},{created},{size},{tags}")
            }
            _ if j % 89 == 0 => {
                want_errors.push(format!(
                    "leads: record {j} (line {line}): field `created`: expected timestamp, found `soon`"
                ));
                format!("r{j},{visits},soon,{size},{tags}")
            }
            _ if j % 83 == 0 => {
                want_errors.push(format!(
                    "leads: record {j} (line {line}): expected 5 cells (as in the header), found 4"
                ));
                format!("r{j},{visits},{created},{size}")
            }
            _ if j % 13 == 0 => format!("\"r{j}\",{visits},\"{created}\",{size},\"{tags}\""),
            _ => format!("r{j},{visits},{created},{size},{tags}"),
        };
        if want_errors
            .last()
            .is_none_or(|e| !e.contains(&format!("record {j} ")))
        {
            let tags: Vec<Value> = tags
                .split(';')
                .filter(|t| !t.trim().is_empty())
                .map(|t| Value::Int(t.trim().parse().unwrap()))
                .collect();
            want_rows.push(vec![
                Value::str(&format!("r{j}")),
                Value::Int(i64::from(j)),
                Value::Timestamp(1_767_323_045_000),
                if size.is_empty() {
                    Value::Missing
                } else {
                    Value::Int(i64::from(j * 7))
                },
                Value::List(tags.into()),
            ]);
        }
        text.push_str(&record);
        text.push('\n');
    }
    let (rows, _, errors) = read(&text, Format::Csv, None);
    assert_eq!(errors, want_errors);
    assert_eq!(rows.len(), want_rows.len());
    for (got, want) in rows.iter().zip(&want_rows) {
        assert_eq!(got, want);
    }
}

/// A `missing` text reads as missing in an optional field and is a reject, with its own help,
/// in a required one: alike in a run of plain records and in a quoted record read alone.
#[test]
fn csv_missing_texts_read_alike_in_runs_and_alone() {
    let rules = "input {\n  missing \"n/a\"\n}\nschema {\n  id: string key\n  visits: int\n  size: int?\n}\n";
    let rules = match crate::RuleSet::compile_str("rules.smql", rules) {
        Ok(r) => r,
        Err(e) => panic!("{:?}", e.diagnostics),
    };
    let text = "id,visits,size\na,1,n/a\nb,n/a,2\n\"c\",n/a,3\n\"d\",4,n/a\ne,5,6\n";
    let input = Input::from_bytes("leads", text.as_bytes().to_vec(), Format::Csv).unwrap();
    let reader = Reader::new(input, &rules.program.schema, ChunkSize::default()).unwrap();
    let (batches, rejects) = reader.read_all().unwrap();
    let rows: Vec<Vec<Value>> = batches
        .iter()
        .flat_map(|b| (0..b.len()).map(|r| b.lead(r)))
        .collect();
    let want = |id: &str, visits: i64, size: Option<i64>| {
        vec![
            Value::str(id),
            Value::Int(visits),
            size.map_or(Value::Missing, Value::Int),
        ]
    };
    assert_eq!(
        rows,
        [
            want("a", 1, None),
            want("d", 4, None),
            want("e", 5, Some(6))
        ]
    );
    let message = |record: u64| {
        format!(
            "leads: record {record} (line {}): field `visits`: expected int, found `n/a`, which the `input` block's `missing` says is no value",
            record + 1
        )
    };
    let got: Vec<(String, Option<String>)> = rejects
        .iter()
        .map(|r| (r.describe("leads"), r.help.clone()))
        .collect();
    let help = Some("make the field optional to read it as missing: `visits: int?`".to_string());
    assert_eq!(got, [(message(2), help.clone()), (message(3), help)]);
}
