//! JSON records (NDJSON lines and array elements) straight into column builders.
//!
//! `serde_json` drives [`DeserializeSeed`]s built from the schema: keys are matched without
//! allocating (borrowed `&str`, with a guess that keys come in the same order as in the previous
//! record), values are converted and appended to their column as they are parsed, strings are
//! interned from the borrowed text, and unknown keys (and the keys of fields that are not
//! decoded, [`FieldPlan::skip`]) are skipped with [`IgnoredAny`], which checks their syntax. Never
//! through `serde_json::Value`. `serde_json` limits nesting to 128 levels, so deep input cannot
//! exhaust the stack.
//!
//! When a value does not fit, the visitor leaves the message in a side channel and aborts the
//! record; the caller rolls the columns back.

use super::batch::{BatchBuilder, Column};
use super::dict::StringDict;
use super::fields::{end_list, push_value, FieldPlan, Got, ItemField, ScalarTy, Shape, Unfit};
use super::reject::Bad;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

pub(crate) struct JsonDecoder<'p> {
    plan: &'p [FieldPlan],
    seen: Vec<bool>,
    item_seen: Vec<bool>,
    /// Index of the field matched after the previous key: usually the next key's field.
    hint: usize,
}

impl<'p> JsonDecoder<'p> {
    pub fn new(plan: &'p [FieldPlan]) -> JsonDecoder<'p> {
        JsonDecoder {
            plan,
            seen: vec![false; plan.len()],
            item_seen: Vec::new(),
            hint: 0,
        }
    }

    /// Appends one record (its text) to `b`'s columns, or explains why it does not fit (then the
    /// columns may hold part of it: the caller rolls back). `line` is where the record starts.
    pub fn decode(&mut self, bytes: &[u8], line: u64, b: &mut BatchBuilder) -> Result<(), Bad> {
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                return Err(format!(
                    "invalid UTF-8 at byte {} of the record",
                    e.valid_up_to() + 1
                )
                .into())
            }
        };
        if text.trim().is_empty() {
            return Err("empty array element (a stray or trailing comma?)"
                .to_string()
                .into());
        }
        let mut error = None;
        let mut help = None;
        self.seen.iter_mut().for_each(|s| *s = false);
        let mut de = serde_json::Deserializer::from_str(text);
        let seed = RecordSeed {
            plan: self.plan,
            columns: &mut b.columns,
            cx: Cx {
                dict: &mut b.dict,
                error: &mut error,
                help: &mut help,
                item_seen: &mut self.item_seen,
            },
            seen: &mut self.seen,
            hint: &mut self.hint,
        };
        match seed.deserialize(&mut de).and_then(|()| de.end()) {
            Ok(()) => Ok(()),
            Err(e) => Err(Bad {
                error: error.unwrap_or_else(|| describe_serde_error(&e, text, line)),
                help,
            }),
        }
    }
}

fn describe_serde_error(e: &serde_json::Error, text: &str, line: u64) -> String {
    if e.is_data() {
        // Our visitors explain their own data errors; what is left is a record that is not
        // an object.
        return format!(
            "expected a JSON object, found `{}`",
            super::reject::shorten(text.trim(), super::reject::FOUND_MAX)
        );
    }
    let full = e.to_string();
    let what = full
        .rfind(" at line ")
        .map_or(full.as_str(), |i| &full[..i]);
    if e.line() <= 1 {
        format!("invalid JSON at column {}: {what}", e.column())
    } else {
        format!(
            "invalid JSON at line {}, column {}: {what}",
            line + e.line() as u64 - 1,
            e.column()
        )
    }
}

/// What every visitor needs besides its column.
struct Cx<'a> {
    dict: &'a mut StringDict,
    error: &'a mut Option<String>,
    /// What would read the value, when a line of the `input` block would.
    help: &'a mut Option<String>,
    item_seen: &'a mut Vec<bool>,
}

impl Cx<'_> {
    fn fail<E: de::Error>(&mut self, message: String) -> E {
        *self.error = Some(message);
        E::custom("record does not fit the schema")
    }
}

struct RecordSeed<'a, 'c> {
    plan: &'a [FieldPlan],
    columns: &'a mut [Column],
    cx: Cx<'c>,
    seen: &'a mut [bool],
    hint: &'a mut usize,
}

impl<'de> DeserializeSeed<'de> for RecordSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RecordSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        let plan = self.plan;
        while let Some(found) = map.next_key_seed(KeySeed {
            plan,
            hint: &mut *self.hint,
        })? {
            let Some(i) = found else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            let field = &plan[i];
            if std::mem::replace(&mut self.seen[i], true) {
                let msg = format!("{}: the key appears twice", field.label("key"));
                return Err(self.cx.fail(msg));
            }
            map.next_value_seed(FieldSeed {
                field,
                column: &mut self.columns[i],
                cx: &mut self.cx,
            })?;
        }
        for (i, field) in plan.iter().enumerate() {
            if self.seen[i] || field.skip {
                continue;
            }
            if field.may_be_absent() {
                self.columns[i].push_missing_or_empty();
            } else {
                let msg = format!(
                    "{}: expected {}, found nothing (no key `{}`)",
                    field.label("key"),
                    field.expected,
                    field.column
                );
                return Err(self.cx.fail(msg));
            }
        }
        Ok(())
    }
}

/// Matches a key to a field index (`None`: not in the schema).
struct KeySeed<'a> {
    plan: &'a [FieldPlan],
    hint: &'a mut usize,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Option<usize>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Option<usize>, E> {
        let plan = self.plan;
        let guess = *self.hint;
        // A field that is not decoded is matched by no key: its value is skipped as an
        // unknown key's is.
        let found = if plan.get(guess).is_some_and(|f| !f.skip && f.column == key) {
            Some(guess)
        } else {
            plan.iter().position(|f| !f.skip && f.column == key)
        };
        if let Some(i) = found {
            *self.hint = if i + 1 < plan.len() { i + 1 } else { 0 };
        }
        Ok(found)
    }
}

struct FieldSeed<'a, 'c> {
    field: &'a FieldPlan,
    column: &'a mut Column,
    cx: &'a mut Cx<'c>,
}

impl<'de> DeserializeSeed<'de> for FieldSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl FieldSeed<'_, '_> {
    fn accept<E: de::Error>(self, got: Got<'_>) -> Result<(), E> {
        let f = self.field;
        let missing_text = matches!(got, Got::Str(s) if f.is_missing_text(s));
        let result = match (&f.shape, got) {
            (
                Shape::Scalar {
                    optional: false, ..
                },
                _,
            ) if missing_text => Err(Unfit::MissingText),
            (_, _) if missing_text => {
                self.column.push_missing_or_empty();
                Ok(())
            }
            (Shape::Scalar { ty, optional }, got) => {
                push_value(self.column, ty, *optional, got, self.cx.dict)
            }
            (Shape::List(_) | Shape::Records(_), Got::Null) => {
                self.column.push_missing_or_empty();
                Ok(())
            }
            (Shape::List(_) | Shape::Records(_), _) => Err(Unfit::Type),
        };
        result.map_err(|u| {
            *self.cx.help = match (&f.shape, u) {
                (_, Unfit::MissingText) => Some(f.missing_text_help()),
                (Shape::Scalar { ty, .. }, u) => u.help(ty, got),
                _ => None,
            };
            let msg = format!("{}: {}", f.label("key"), u.message(&f.expected, got));
            self.cx.fail(msg)
        })
    }
}

/// The scalar `visit_*` methods every visitor here shares: each hands what it got to `accept`.
macro_rules! scalar_visits {
    () => {
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
            self.accept(Got::Bool(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
            self.accept(Got::I64(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
            self.accept(Got::U64(v))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
            self.accept(Got::F64(v))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
            self.accept(Got::Str(v))
        }
        fn visit_unit<E: de::Error>(self) -> Result<(), E> {
            self.accept(Got::Null)
        }
        fn visit_none<E: de::Error>(self) -> Result<(), E> {
            self.accept(Got::Null)
        }
    };
}

impl<'de> Visitor<'de> for FieldSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.field.expected)
    }

    scalar_visits!();

    fn visit_map<A: MapAccess<'de>>(self, _map: A) -> Result<(), A::Error> {
        self.accept(Got::Object)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let f = self.field;
        match (&f.shape, self.column) {
            (Shape::List(ty), Column::List(list)) => {
                let mut n = 0usize;
                while seq
                    .next_element_seed(ScalarSeed {
                        place: Place::Item {
                            field: f,
                            index: n + 1,
                        },
                        ty,
                        optional: false,
                        expected: &f.item_expected,
                        column: &mut list.items,
                        cx: &mut *self.cx,
                    })?
                    .is_some()
                {
                    n += 1;
                }
                let len = list.items.len();
                end_list(&mut list.offsets, len).map_err(|u| self.cx.fail(too_large(f, u)))
            }
            (Shape::Records(item_fields), Column::Records(rc)) => {
                let mut n = 0usize;
                while seq
                    .next_element_seed(RecordItemSeed {
                        field: f,
                        item_fields,
                        index: n + 1,
                        columns: &mut rc.fields,
                        cx: &mut *self.cx,
                    })?
                    .is_some()
                {
                    n += 1;
                }
                let len = rc.offsets.last().copied().unwrap_or(0) as usize + n;
                end_list(&mut rc.offsets, len).map_err(|u| self.cx.fail(too_large(f, u)))
            }
            _ => {
                let msg = format!(
                    "{}: {}",
                    f.label("key"),
                    Unfit::Type.message(&f.expected, Got::Array)
                );
                Err(self.cx.fail(msg))
            }
        }
    }
}

fn too_large(f: &FieldPlan, u: Unfit) -> String {
    format!("{}: {}", f.label("key"), u.message(&f.expected, Got::Array))
}

/// Where a scalar inside a list sits, for messages.
#[derive(Clone, Copy)]
enum Place<'a> {
    /// Item `index` (1-based) of a `list of T`.
    Item { field: &'a FieldPlan, index: usize },
    /// Field `name` of record `index` of a `list of { … }`.
    RecordField {
        field: &'a FieldPlan,
        index: usize,
        name: &'a str,
    },
}

impl Place<'_> {
    fn describe(self) -> String {
        match self {
            Place::Item { field, index } => format!("{}: item {index}", field.label("key")),
            Place::RecordField { field, index, name } => {
                format!("{}: item {index}: field `{name}`", field.label("key"))
            }
        }
    }
}

/// One scalar inside a list: an item of a `list of T`, or a field of an event record.
struct ScalarSeed<'a, 'c> {
    place: Place<'a>,
    ty: &'a ScalarTy,
    optional: bool,
    expected: &'a str,
    column: &'a mut Column,
    cx: &'a mut Cx<'c>,
}

impl<'de> DeserializeSeed<'de> for ScalarSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl ScalarSeed<'_, '_> {
    fn accept<E: de::Error>(self, got: Got<'_>) -> Result<(), E> {
        push_value(self.column, self.ty, self.optional, got, self.cx.dict).map_err(|u| {
            *self.cx.help = u.help(self.ty, got);
            let msg = format!(
                "{}: {}",
                self.place.describe(),
                u.message(self.expected, got)
            );
            self.cx.fail(msg)
        })
    }
}

impl<'de> Visitor<'de> for ScalarSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expected)
    }

    scalar_visits!();

    fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<(), A::Error> {
        self.accept(Got::Array)
    }

    fn visit_map<A: MapAccess<'de>>(self, _map: A) -> Result<(), A::Error> {
        self.accept(Got::Object)
    }
}

/// One record of a `list of { … }`: its fields go to the child columns.
struct RecordItemSeed<'a, 'c> {
    field: &'a FieldPlan,
    item_fields: &'a [ItemField],
    index: usize,
    columns: &'a mut [Column],
    cx: &'a mut Cx<'c>,
}

impl<'de> DeserializeSeed<'de> for RecordItemSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl RecordItemSeed<'_, '_> {
    fn prefix(&self) -> String {
        format!("{}: item {}", self.field.label("key"), self.index)
    }

    fn accept<E: de::Error>(self, got: Got<'_>) -> Result<(), E> {
        let msg = format!(
            "{}: expected a record {{ … }}, found {}",
            self.prefix(),
            got.describe()
        );
        Err(self.cx.fail(msg))
    }
}

impl<'de> Visitor<'de> for RecordItemSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a record")
    }

    scalar_visits!();

    fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<(), A::Error> {
        self.accept(Got::Array)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let fields = self.item_fields;
        self.cx.item_seen.clear();
        self.cx.item_seen.resize(fields.len(), false);
        while let Some(found) = map.next_key_seed(ItemKeySeed(fields))? {
            let Some(i) = found else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            let f = &fields[i];
            if std::mem::replace(&mut self.cx.item_seen[i], true) {
                let msg = format!(
                    "{}: field `{}`: the key appears twice",
                    self.prefix(),
                    f.name
                );
                return Err(self.cx.fail(msg));
            }
            map.next_value_seed(ScalarSeed {
                place: Place::RecordField {
                    field: self.field,
                    index: self.index,
                    name: &f.name,
                },
                ty: &f.ty,
                optional: f.optional,
                expected: &f.expected,
                column: &mut self.columns[i],
                cx: &mut *self.cx,
            })?;
        }
        for (i, f) in fields.iter().enumerate() {
            if self.cx.item_seen[i] {
                continue;
            }
            if f.optional {
                self.columns[i].push_missing_or_empty();
            } else {
                let msg = format!(
                    "{}: field `{}`: expected {}, found nothing (no key `{}`)",
                    self.prefix(),
                    f.name,
                    f.expected,
                    f.name
                );
                return Err(self.cx.fail(msg));
            }
        }
        Ok(())
    }
}

/// Matches a key of an event record to its field.
struct ItemKeySeed<'a>(&'a [ItemField]);

impl<'de> DeserializeSeed<'de> for ItemKeySeed<'_> {
    type Value = Option<usize>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for ItemKeySeed<'_> {
    type Value = Option<usize>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E: de::Error>(self, key: &str) -> Result<Option<usize>, E> {
        Ok(self.0.iter().position(|f| f.name == key))
    }
}
