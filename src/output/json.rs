//! JSON documents for programs (`explain`, `sla`, `diff`, `report` with `--format json`): a
//! small tree whose leaves are printed by the same functions as `eval`'s JSON rows
//! ([`super::value`]), so a lead's value, a score or a rate prints the same in every command
//! (`18`, not `18.0`; events as objects with their field names).

use super::value::{write_json_cell, write_json_number, write_json_str, Cell};
use crate::ir::Ty;
use crate::value::Value;
use std::borrow::Cow;

/// A JSON document.
#[derive(Debug, Clone)]
pub enum Json<'a> {
    Null,
    Bool(bool),
    Int(i64),
    /// Printed as [`super::write_number`] (`null` when not finite).
    Number(f64),
    Str(Cow<'a, str>),
    /// A lead's value, with the field names of its event records.
    Value(Cow<'a, Value>, Vec<String>),
    Array(Vec<Json<'a>>),
    /// Keys in the order given.
    Object(Vec<(Cow<'a, str>, Json<'a>)>),
}

impl<'a> Json<'a> {
    /// A string.
    pub fn str(s: impl Into<Cow<'a, str>>) -> Json<'a> {
        Json::Str(s.into())
    }

    /// A lead's value of type `ty` (event records become objects with `ty`'s field names).
    pub fn value(v: &'a Value, ty: Option<&Ty>) -> Json<'a> {
        let fields = ty.map(super::value::record_fields).unwrap_or_default();
        Json::Value(Cow::Borrowed(v), fields)
    }

    /// As [`Json::value`], owning the value.
    pub fn owned_value(v: Value, ty: Option<&Ty>) -> Json<'a> {
        let fields = ty.map(super::value::record_fields).unwrap_or_default();
        Json::Value(Cow::Owned(v), fields)
    }

    /// An optional number: `null` when absent.
    pub fn number_or_null(x: Option<f64>) -> Json<'a> {
        x.map_or(Json::Null, Json::Number)
    }

    /// An object from `(key, value)` pairs.
    pub fn object<K: Into<Cow<'a, str>>>(
        pairs: impl IntoIterator<Item = (K, Json<'a>)>,
    ) -> Json<'a> {
        Json::Object(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// Indented two spaces per level, one member per line, ending in a newline (as `serde_json`'s
    /// pretty printer, with a lead's list values kept on one line).
    pub fn to_pretty(&self) -> String {
        let mut out = Vec::new();
        self.write(&mut out, Some(0));
        out.push(b'\n');
        String::from_utf8(out).unwrap_or_default()
    }

    /// On one line, without spaces.
    pub fn to_compact(&self) -> String {
        let mut out = Vec::new();
        self.write(&mut out, None);
        String::from_utf8(out).unwrap_or_default()
    }

    fn write(&self, out: &mut Vec<u8>, indent: Option<usize>) {
        match self {
            Json::Null => out.extend_from_slice(b"null"),
            Json::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
            Json::Int(n) => super::write_int(out, *n),
            Json::Number(x) => write_json_number(out, *x),
            Json::Str(s) => write_json_str(out, s),
            Json::Value(v, fields) => write_json_cell(out, &Cell::from(&**v), fields),
            Json::Array(items) => {
                let items = items.iter().map(|item| (None, item));
                write_members(out, indent, b'[', b']', items);
            }
            Json::Object(members) => {
                let members = members.iter().map(|(k, v)| (Some(&**k), v));
                write_members(out, indent, b'{', b'}', members);
            }
        }
    }
}

fn write_members<'j>(
    out: &mut Vec<u8>,
    indent: Option<usize>,
    open: u8,
    close: u8,
    members: impl ExactSizeIterator<Item = (Option<&'j str>, &'j Json<'j>)>,
) {
    out.push(open);
    let empty = members.len() == 0;
    let inner = indent.map(|i| i + 1);
    for (i, (key, value)) in members.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        newline(out, inner);
        if let Some(k) = key {
            write_json_str(out, k);
            out.extend_from_slice(if indent.is_some() { b": " } else { b":" });
        }
        value.write(out, inner);
    }
    if !empty {
        newline(out, indent);
    }
    out.push(close);
}

fn newline(out: &mut Vec<u8>, indent: Option<usize>) {
    if let Some(level) = indent {
        out.push(b'\n');
        out.extend(std::iter::repeat_n(b' ', 2 * level));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn pretty_matches_serde_json_for_plain_documents() {
        let doc = Json::object([
            ("name", Json::str("a \"b\"")),
            ("count", Json::Int(3)),
            ("rate", Json::Number(0.25)),
            ("none", Json::Null),
            ("list", Json::Array(vec![Json::Int(1), Json::Bool(false)])),
            ("empty", Json::Array(vec![])),
            ("obj", Json::object::<&str>([])),
        ]);
        let serde = serde_json::json!({
            "name": "a \"b\"", "count": 3, "rate": 0.25, "none": null,
            "list": [1, false], "empty": [], "obj": {}
        });
        let mut expected = serde_json::to_string_pretty(&serde).unwrap();
        expected.push('\n');
        // serde_json sorts keys without `preserve_order`; compare parsed documents and layout.
        let ours = doc.to_pretty();
        let parsed: serde_json::Value = serde_json::from_str(&ours).unwrap();
        assert_eq!(parsed, serde);
        assert_eq!(ours.lines().count(), expected.lines().count());
        assert!(
            ours.contains("\n  \"list\": [\n    1,\n    false\n  ],\n"),
            "{ours}"
        );
        assert_eq!(
            doc.to_compact(),
            r#"{"name":"a \"b\"","count":3,"rate":0.25,"none":null,"list":[1,false],"empty":[],"obj":{}}"#
        );
    }

    #[test]
    fn numbers_and_values_print_as_eval_prints_them() {
        assert_eq!(Json::Number(18.0).to_compact(), "18");
        assert_eq!(Json::Number(12.5).to_compact(), "12.5");
        assert_eq!(Json::Number(f64::NAN).to_compact(), "null");
        let events = Ty::Records(Arc::new(crate::ir::RecordType {
            fields: vec![crate::ir::RecordField {
                name: "type".into(),
                ty: Ty::String,
            }],
        }));
        let v = Value::List(Arc::from(vec![Value::Record(Arc::from(vec![Value::str(
            "visit",
        )]))]));
        assert_eq!(
            Json::value(&v, Some(&events)).to_compact(),
            r#"[{"type":"visit"}]"#
        );
        assert_eq!(Json::owned_value(Value::Missing, None).to_compact(), "null");
        assert_eq!(
            Json::owned_value(Value::Timestamp(0), None).to_compact(),
            r#""1970-01-01T00:00:00Z""#
        );
    }
}
