//! The scanner agrees with the `serde_json` decoder, or gives up.

use super::JsonScanner;
use crate::data::batch::BatchBuilder;
use crate::data::fields::FieldPlan;
use crate::data::json::JsonDecoder;
use crate::ir::{Field, RecordField, RecordType, Schema, Ty};
use std::sync::Arc;

fn schema() -> Schema {
    let field = |name: &str, column: &str, ty: Ty| {
        Field::new(
            name,
            column,
            ty,
            crate::Span::new(crate::source::FileId(0), 0, 0),
        )
    };
    let events = Ty::Records(Arc::new(RecordType {
        fields: vec![
            RecordField {
                name: "type".into(),
                ty: Ty::String,
            },
            RecordField {
                name: "at".into(),
                ty: Ty::Timestamp.optional(),
            },
        ],
    }));
    Schema::new(
        vec![
            field("id", "id", Ty::String),
            field("visits", "visits", Ty::Int),
            field("size", "Company Size", Ty::Int.optional()),
            field("revenue", "revenue", Ty::Number.optional()),
            field("ok", "ok", Ty::Bool.optional()),
            field("tags", "tags", Ty::List(Box::new(Ty::String))),
            field("seen_at", "seen_at", Ty::Timestamp.optional()),
            field("events", "events", events),
        ],
        None,
    )
}

fn origin() -> crate::data::RowOrigin {
    crate::data::RowOrigin {
        record: 1,
        line: 1,
        raw_start: 0,
        raw_end: 0,
    }
}

fn finish_one(mut b: BatchBuilder) -> crate::data::Batch {
    b.commit(origin());
    b.finish(crate::data::split::ChunkBytes::default(), 0)
}

/// Reads `record` with the fast path and with `serde_json`: both must agree on the values,
/// and the fast path may only give up.
fn both(record: &str) -> (Option<Vec<crate::value::Value>>, Result<(), String>) {
    let schema = schema();
    let plan = FieldPlan::for_schema(&schema);
    let mut fast_b = BatchBuilder::new(&schema, 4);
    let fast = JsonScanner::new(&plan)
        .decode(record, &mut fast_b)
        .then(|| finish_one(fast_b).lead(0));
    let mut slow_b = BatchBuilder::new(&schema, 4);
    let slow = JsonDecoder::new(&plan)
        .decode(record.as_bytes(), 1, &mut slow_b)
        .map_err(|b| b.error);
    if let (Some(fast), Ok(())) = (&fast, &slow) {
        assert_eq!(*fast, finish_one(slow_b).lead(0), "{record}");
    }
    (fast, slow)
}

#[test]
fn agrees_with_serde_on_common_records() {
    for record in [
        r#"{"id":"a","visits":3,"Company Size":null,"tags":["x","y"],"extra":[1,{"a":[]}]}"#,
        r#" { "id" : "a\"b\\c\/\n" , "visits" : -12, "tags" : [ ] , "ok": true } "#,
        r#"{"id":"é","visits":0,"revenue":1.5e3,"seen_at":"2026-11-01T09:30:00Z","tags":null}"#,
        r#"{"id":"a","visits":1,"revenue":-2,"events":[{"type":"visit","at":null,"x":"\u00e9"},{"type":"v"}]}"#,
        r#"{"id":"a","visits":1,"seen_at":1793525400000,"skip":"a\u00e9\t","n":-0.5e-3}"#,
    ] {
        let (fast, slow) = both(record);
        assert!(fast.is_some(), "fast path gave up on {record}");
        assert_eq!(slow, Ok(()), "{record}");
    }
}

#[test]
fn gives_up_on_what_serde_must_judge() {
    for record in [
        r#"{"id":"a","visits":3"#,
        r#"{"id":"a","visits":3,}"#,
        r#"{"id":"a","visits":3} x"#,
        r#"{"id":"a","visits":"3x"}"#,
        r#"{"id":"a","visits":3,"visits":4}"#,
        r#"{"id":"a"}"#,
        r#"{"id":"a","visits":-0}"#,
        r#"{"id":"a","visits":01}"#,
        r#"{"id":"a","visits":1.0}"#,
        r#"{"id":"a","visits":99999999999999999999}"#,
        r#"{"id":"\u00e9","visits":1}"#,
        r#"{"i\u0064":"a","visits":1}"#,
        r#"{"id":"a","visits":1,"x":tru}"#,
        r#"{"id":"a","visits":1,"x":"\q"}"#,
        r#"{"id":"a","visits":1,"x":[1,]}"#,
        r#"{"id":"a","visits":1,"x":"a	b"}"#,
        r#"{"id":"a","visits":1,"events":[{"at":null}]}"#,
        r#"{"id":"a","visits":1,"events":[null]}"#,
        r#"["id"]"#,
    ] {
        let (fast, _) = both(record);
        assert!(fast.is_none(), "fast path accepted {record}");
    }
    let deep = format!(
        r#"{{"id":"a","visits":1,"x":{}{}}}"#,
        "[".repeat(40),
        "]".repeat(40)
    );
    assert!(both(&deep).0.is_none());
    assert_eq!(both(&deep).1, Ok(()));
}

#[test]
fn learns_a_changed_key_order() {
    let schema = schema();
    let plan = FieldPlan::for_schema(&schema);
    let mut b = BatchBuilder::new(&schema, 4);
    let mut scanner = JsonScanner::new(&plan);
    for record in [
        r#"{"id":"a","visits":1}"#,
        r#"{"visits":2,"id":"b","x":1}"#,
        r#"{"x":1,"visits":3,"id":"c"}"#,
    ] {
        assert!(scanner.decode(record, &mut b), "{record}");
        b.commit(origin());
    }
    let batch = b.finish(crate::data::split::ChunkBytes::default(), 0);
    let ids: Vec<_> = (0..3).map(|r| batch.value(0, r)).collect();
    let visits: Vec<_> = (0..3).map(|r| batch.value(1, r)).collect();
    use crate::value::Value as V;
    assert_eq!(ids, [V::str("a"), V::str("b"), V::str("c")]);
    assert_eq!(visits, [V::Int(1), V::Int(2), V::Int(3)]);
}

/// The word-wise compare agrees with `==` for every length and every position of a difference.
#[test]
fn same_bytes_is_byte_equality() {
    use super::cursor::same_bytes;
    let a: Vec<u8> = (0..40u8).map(|i| b'a' + i % 26).collect();
    for n in 0..a.len() {
        let x = &a[..n];
        assert!(same_bytes(x, &a[..n]));
        if n > 0 {
            assert!(!same_bytes(x, &a[..n - 1]));
        }
        for at in 0..n {
            let mut y = x.to_vec();
            y[at] ^= 0x20;
            assert!(!same_bytes(x, &y), "length {n}, difference at {at}");
        }
    }
}

/// The block-wise search for the end of a string's plain run finds the first stop byte (`"`,
/// `\` or a control byte) at every position, for every length, and the end when there is none.
#[test]
fn string_stop_finds_the_first_stop_byte() {
    use super::cursor::Cursor;
    let plain = "abcdefghijklmnopqrstuvwxyzé0123456789 ~\u{7f}";
    for n in 0..plain.len() {
        let Some(text) = plain.get(..n) else {
            continue; // inside `é`
        };
        let end = Cursor {
            text,
            bytes: text.as_bytes(),
            pos: 0,
        };
        assert_eq!(end.string_stop(), n, "no stop in {text:?}");
        for stop in ["\"", "\\", "\u{0}", "\u{1f}", "\n"] {
            for at in 0..=n {
                if !text.is_char_boundary(at) {
                    continue;
                }
                let with = format!("{}{stop}{}\"", &text[..at], &text[at..]);
                for from in 0..=at.min(3) {
                    let c = Cursor {
                        text: &with,
                        bytes: with.as_bytes(),
                        pos: from,
                    };
                    assert_eq!(c.string_stop(), at, "{with:?} from {from}");
                }
            }
        }
    }
}

/// One scanner reading records one after another (as in a file), so that each is matched against
/// the key layout the previous one left: it accepts exactly what `serde_json` accepts, with the
/// same values, whatever came before.
#[test]
fn one_scanner_across_records_agrees_with_serde() {
    let schema = schema();
    let records = [
        r#"{"id":"a","visits":3,"tags":["x"]}"#,
        r#"{"id":"b","visits":4,"tags":["y","z"]}"#,
        r#"{"id":"c","visits":4 ,"tags":[]}"#,
        r#"{"id":"d", "visits":5,"tags":[]}"#,
        r#"{"id":"e","visits" :6,"tags":[]}"#,
        r#"{"id":"f","visits":7,"tags":[],}"#,
        r#"{"id":"g","visits":8,"visits":9}"#,
        r#"{"id":"h","visit":8,"tags":[]}"#,
        r#"{"id":"i","visits":8,"tags":[]"#,
        r#"{"id":"j","visits":8,"tags":[]}}"#,
        r#"{"id":"k","visits":8,,"tags":[]}"#,
        r#"{"id":"l","visits":8,"tags"[]}"#,
        r#"{"id":"m","visitsX":8,"visits":1}"#,
        r#"{"visits":2,"id":"n"}"#,
        r#"{"id":"o","visits":3,"extra":{"visits":4},"tags":["q"]}"#,
        r#"{"id":"p","visits":3,"extra":1,"tags":["q"]}"#,
        r#"{}"#,
        r#"{"id":"q","visits":3,"tags":["x"]} "#,
        // Skipped lists: every kind of item, escapes, spaces, and broken ones.
        r#"{"id":"r","visits":1,"x":["a",1,-2.5e3,true,null,[2,[]],{"b":null},""]}"#,
        r#"{"id":"s","visits":1,"x":[ "a" , "b\"c\u00e9" ,[ ] ]}"#,
        r#"{"id":"t","visits":1,"x":["a",]}"#,
        r#"{"id":"u","visits":1,"x":["a" "b"]}"#,
        r#"{"id":"v","visits":1,"x":[}"#,
        r#"{"id":"w","visits":1,"x":["a\q"]}"#,
        r#"{"id":"x","visits":1,"x":[01]}"#,
    ];
    let mut order: Vec<&str> = records.to_vec();
    order.extend(records.iter().rev());
    order.extend(records.iter().flat_map(|r| [*r, *r]));
    agree_in_order(&schema, &order);
}

/// Keys are matched against the previous record's by position in wide compares when their
/// `,"key":` fits in 32 bytes and 32 bytes are left, else byte by byte: a key that differs in
/// any one byte is never taken for the previous record's, whatever its length (patterns of 9
/// to 44 bytes) and wherever it is (the last key has fewer than 32 bytes after it).
#[test]
fn keys_of_every_length_match_only_themselves() {
    let lengths = [5, 12, 27, 28, 29, 40];
    let names: Vec<String> = lengths.iter().map(|&n| "k".repeat(n)).collect();
    let field = |name: &str, ty: Ty| {
        Field::new(
            name,
            name,
            ty,
            crate::Span::new(crate::source::FileId(0), 0, 0),
        )
    };
    let mut fields = vec![field("id", Ty::String)];
    fields.extend(names.iter().map(|n| field(n, Ty::Int.optional())));
    let schema = Schema::new(fields, None);
    let record = |keys: &[String]| {
        let cells: Vec<String> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| format!(r#","{k}":{i}"#))
            .collect();
        format!(r#"{{"id":"a"{}}}"#, cells.concat())
    };
    let base = record(&names);
    let mut order = vec![base.clone()];
    for (i, name) in names.iter().enumerate() {
        for at in 0..name.len() {
            let mut keys = names.clone();
            keys[i].replace_range(at..=at, "j");
            order.extend([record(&keys), base.clone()]);
        }
    }
    let order: Vec<&str> = order.iter().map(String::as_str).collect();
    agree_in_order(&schema, &order);
}

/// Reads `records` in order with one scanner, and each alone with `serde_json`: the scanner
/// accepts only what `serde_json` accepts, with the same values.
fn agree_in_order(schema: &Schema, records: &[&str]) {
    let plan = FieldPlan::for_schema(schema);
    let mut scanner = JsonScanner::new(&plan);
    for &record in records {
        let mut fast_b = BatchBuilder::new(schema, 4);
        let fast = scanner
            .decode(record, &mut fast_b)
            .then(|| finish_one(fast_b).lead(0));
        let mut slow_b = BatchBuilder::new(schema, 4);
        let slow = JsonDecoder::new(&plan).decode(record.as_bytes(), 1, &mut slow_b);
        match (fast, slow) {
            (Some(fast), Ok(())) => assert_eq!(fast, finish_one(slow_b).lead(0), "{record}"),
            (Some(_), Err(e)) => panic!("fast path accepted {record} ({})", e.error),
            (None, _) => {}
        }
    }
}

#[test]
fn fields_that_are_not_decoded_are_skipped_on_both_paths() {
    let schema = schema();
    let mut plan = FieldPlan::for_schema(&schema);
    // Only `id`, `visits` and `tags` are decoded.
    let mut decode = crate::ir::FieldSet::none(plan.len());
    for i in [0, 1, 5] {
        decode.insert(crate::ir::FieldId(i));
    }
    FieldPlan::decode_only(&mut plan, &decode);
    for record in [
        r#"{"id":"a","visits":1,"Company Size":"big","seen_at":"soon","events":7}"#,
        r#"{"id":"a","visits":1,"ok":"yes","ok":[1,{"x":null}],"tags":["t"]}"#,
        r#"{"visits":2,"id":"b","revenue":{"a":[[],{}]}}"#,
        r#"{"id":"c","visits":3,"events":[{"type":5}]}"#,
    ] {
        let mut fast_b = BatchBuilder::new(&schema, 4);
        assert!(
            JsonScanner::new(&plan).decode(record, &mut fast_b),
            "{record}"
        );
        let mut slow_b = BatchBuilder::new(&schema, 4);
        let slow = JsonDecoder::new(&plan).decode(record.as_bytes(), 1, &mut slow_b);
        assert!(slow.is_ok(), "{record}");
        let (fast, slow) = (finish_one(fast_b), finish_one(slow_b));
        assert_eq!(fast.lead(0), slow.lead(0), "{record}");
        assert!(!fast.decoded(2) && !fast.decoded(7) && fast.decoded(5));
    }
    // Syntax is checked all the same.
    let bad = r#"{"id":"a","visits":1,"events":[1,]}"#;
    let mut b = BatchBuilder::new(&schema, 4);
    assert!(!JsonScanner::new(&plan).decode(bad, &mut b));
    let mut b = BatchBuilder::new(&schema, 4);
    assert!(JsonDecoder::new(&plan)
        .decode(bad.as_bytes(), 1, &mut b)
        .is_err());
}
