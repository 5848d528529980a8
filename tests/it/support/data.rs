//! Hand-built schemas and one-call reading for the `data_*` tests.

use smql::data::{Batch, ChunkSize, Format, Input, Reader, Reject};
use smql::ir::{EnumType, Field, RecordField, RecordType, Schema, Ty};
use smql::value::Value;
use smql::Span;
use std::sync::Arc;

pub fn field(name: &str, ty: Ty) -> Field {
    field_from(name, name, ty)
}

pub fn field_from(name: &str, column: &str, ty: Ty) -> Field {
    Field::new(name, column, ty, Span::default())
}

pub fn one_of(values: &[&str]) -> Ty {
    Ty::Enum(Arc::new(EnumType {
        values: values.iter().map(|v| v.to_string()).collect(),
        stage_path_len: None,
    }))
}

pub fn records(fields: &[(&str, Ty)]) -> Ty {
    Ty::Records(Arc::new(RecordType {
        fields: fields
            .iter()
            .map(|(n, t)| RecordField {
                name: n.to_string(),
                ty: t.clone(),
            })
            .collect(),
    }))
}

pub fn list(ty: Ty) -> Ty {
    Ty::List(Box::new(ty))
}

pub fn schema(fields: Vec<Field>) -> Schema {
    Schema::new(fields, None)
}

pub const SOURCES: [&str; 7] = [
    "organic",
    "paid_search",
    "referral",
    "event",
    "email",
    "social",
    "partner",
];

/// The shape of `examples/acme/schema.smql`, written out by hand.
pub fn acme_schema() -> Schema {
    let ts = || Ty::Timestamp;
    schema(vec![
        field("id", Ty::String),
        field("email", Ty::String),
        field("source", one_of(&SOURCES)),
        field("country", Ty::String),
        field("industry", Ty::String),
        field("title", Ty::String.optional()),
        field("company_size", Ty::Int.optional()),
        field("visits", Ty::Int),
        field("form_fills", Ty::Int),
        field("email_opens", Ty::Int),
        field("downloaded", list(Ty::String)),
        field("pages", list(Ty::String)),
        field("unsubscribed", Ty::Bool),
        field("deal_value", Ty::Number.optional()),
        field("created_at", ts()),
        field("last_activity_at", ts()),
        field("mql_at", ts().optional()),
        field("sql_at", ts().optional()),
        field("first_contact_at", ts().optional()),
        field("closed_at", ts().optional()),
        field(
            "events",
            records(&[("type", Ty::String), ("target", Ty::String), ("at", ts())]),
        ),
    ])
}

pub fn reader(name: &str, bytes: &[u8], format: Format, schema: &Schema) -> Reader {
    let input = Input::from_bytes(name, bytes.to_vec(), format).expect("in-memory input opens");
    Reader::new(input, schema, ChunkSize::default()).expect("reader opens")
}

/// Reads everything; panics on an input error (tests that expect one call `Reader::new`).
pub fn read(
    name: &str,
    bytes: &[u8],
    format: Format,
    schema: &Schema,
) -> (Vec<Batch>, Vec<Reject>) {
    reader(name, bytes, format, schema)
        .read_all()
        .expect("input reads")
}

/// Every row of every batch as values, with its record number.
pub fn rows(batches: &[Batch]) -> Vec<(u64, Vec<Value>)> {
    batches
        .iter()
        .flat_map(|b| (0..b.len()).map(move |r| (b.record_number(r), b.lead(r))))
        .collect()
}

pub fn s(text: &str) -> Value {
    Value::str(text)
}

pub fn strs(items: &[&str]) -> Value {
    Value::List(items.iter().map(|t| Value::str(t)).collect())
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).expect("gzip in memory");
    enc.finish().expect("gzip in memory")
}
