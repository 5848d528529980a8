//! The fast path for JSON records: a hand-written scanner driven by the schema.
//!
//! It reads the common shape of a record (an object of keys without escapes, strings, integers,
//! `null`, booleans, lists of those and lists of records) straight into the columns, matching
//! each key against the key found at the same position of the previous record, and skips the
//! values of keys the schema does not name without building anything (but checking their syntax
//! as strictly as `serde_json` does).
//!
//! It never decides that a record is bad: whenever something is unusual (invalid or unusual JSON,
//! a value that does not fit, a missing or repeated key, an escape in a key, a `\u` escape, a
//! float where the conversion is subtle, deep nesting) it gives up, the caller rolls the columns
//! back and reads the record again with the `serde_json` decoder of `json.rs`, which accepts it or
//! explains exactly what is wrong. So messages and results are those of that decoder; this file
//! only has to agree with it on the records it accepts.

use super::batch::{BatchBuilder, Column};
use super::dict::StringDict;
use super::fields::{end_list, push_value, FieldPlan, Got, ItemField, Shape};

/// Nesting of skipped values this scanner follows before handing the record to `serde_json`.
const MAX_SKIP_DEPTH: u32 = 32;

/// Keys remembered from the previous record, by position.
const MAX_LAYOUT: usize = 256;

pub(crate) struct JsonScanner<'p> {
    plan: &'p [FieldPlan],
    /// The keys of the previous record in order, each with its field (`None`: not in the
    /// schema). Records of one export nearly always share their key order.
    layout: Vec<(Box<[u8]>, Option<usize>)>,
    seen: Vec<bool>,
    item_seen: Vec<bool>,
    /// Unescaped text of the current string, when it has escapes.
    scratch: String,
}

/// `None`: give up on this record (see the module doc).
type Scan<T> = Option<T>;

impl<'p> JsonScanner<'p> {
    pub fn new(plan: &'p [FieldPlan]) -> JsonScanner<'p> {
        JsonScanner {
            plan,
            layout: Vec::new(),
            seen: vec![false; plan.len()],
            item_seen: Vec::new(),
            scratch: String::new(),
        }
    }

    /// Appends the record `text` to `b`'s columns and returns true, or returns false (the
    /// columns may then hold part of the record: the caller rolls back and uses the slow path).
    pub fn decode(&mut self, text: &str, b: &mut BatchBuilder) -> bool {
        self.record(text, b).is_some()
    }

    fn record(&mut self, text: &str, b: &mut BatchBuilder) -> Scan<()> {
        let mut c = Cursor {
            text,
            bytes: text.as_bytes(),
            pos: 0,
        };
        c.ws();
        c.expect(b'{')?;
        c.ws();
        self.seen.fill(false);
        let mut matched = 0;
        if c.peek() == Some(b'}') {
            c.pos += 1;
        } else {
            let mut slot = 0;
            loop {
                c.expect(b'"')?;
                let field = self.key(&mut c, slot)?;
                slot += 1;
                c.ws();
                c.expect(b':')?;
                c.ws();
                match field {
                    None => c.skip_value(0)?,
                    Some(i) => {
                        if std::mem::replace(&mut self.seen[i], true) {
                            return None;
                        }
                        matched += 1;
                        let plan = self.plan;
                        self.field_value(&mut c, &plan[i], &mut b.columns[i], &mut b.dict)?;
                    }
                }
                c.ws();
                match c.next()? {
                    b',' => c.ws(),
                    b'}' => break,
                    _ => return None,
                }
            }
        }
        c.ws();
        if c.pos != c.bytes.len() {
            return None;
        }
        if matched < self.plan.len() {
            for (i, field) in self.plan.iter().enumerate() {
                if !self.seen[i] {
                    if !field.may_be_absent() {
                        return None;
                    }
                    b.columns[i].push_missing_or_empty();
                }
            }
        }
        Some(())
    }

    /// After the opening quote of the key at position `slot` of the record: its field.
    fn key(&mut self, c: &mut Cursor<'_>, slot: usize) -> Scan<Option<usize>> {
        if let Some((k, field)) = self.layout.get(slot) {
            // The same key as in the previous record (it cannot hold a quote or a backslash).
            let end = c.pos + k.len();
            if c.bytes.get(end) == Some(&b'"') && c.bytes[c.pos..end] == **k {
                c.pos = end + 1;
                return Some(*field);
            }
        }
        let key = c.raw_key()?;
        let field = self.plan.iter().position(|f| f.column.as_bytes() == key);
        if slot < self.layout.len() {
            self.layout[slot] = (key.into(), field);
        } else if slot == self.layout.len() && slot < MAX_LAYOUT {
            self.layout.push((key.into(), field));
        }
        Some(field)
    }

    fn field_value(
        &mut self,
        c: &mut Cursor<'_>,
        field: &FieldPlan,
        column: &mut Column,
        dict: &mut StringDict,
    ) -> Scan<()> {
        match (&field.shape, column) {
            (Shape::Scalar { ty, optional }, column) => {
                let got = c.scalar(&mut self.scratch)?;
                push_value(column, ty, *optional, got, dict).ok()
            }
            (Shape::List(ty), Column::List(list)) => {
                if c.peek() == Some(b'n') {
                    c.literal(b"null")?;
                    list.offsets.push(list.offsets.last().copied().unwrap_or(0));
                    return Some(());
                }
                c.expect(b'[')?;
                c.ws();
                if c.peek() == Some(b']') {
                    c.pos += 1;
                } else {
                    loop {
                        let got = c.scalar(&mut self.scratch)?;
                        push_value(&mut list.items, ty, false, got, dict).ok()?;
                        c.ws();
                        match c.next()? {
                            b',' => c.ws(),
                            b']' => break,
                            _ => return None,
                        }
                    }
                }
                end_list(&mut list.offsets, list.items.len()).ok()
            }
            (Shape::Records(item_fields), Column::Records(rc)) => {
                if c.peek() == Some(b'n') {
                    c.literal(b"null")?;
                    rc.offsets.push(rc.offsets.last().copied().unwrap_or(0));
                    return Some(());
                }
                c.expect(b'[')?;
                c.ws();
                let mut n = 0usize;
                if c.peek() == Some(b']') {
                    c.pos += 1;
                } else {
                    loop {
                        self.record_item(c, item_fields, &mut rc.fields, dict)?;
                        n += 1;
                        c.ws();
                        match c.next()? {
                            b',' => c.ws(),
                            b']' => break,
                            _ => return None,
                        }
                    }
                }
                let len = rc.offsets.last().copied().unwrap_or(0) as usize + n;
                end_list(&mut rc.offsets, len).ok()
            }
            _ => None,
        }
    }

    /// One `{ … }` of a `list of { … }` field into the child columns.
    fn record_item(
        &mut self,
        c: &mut Cursor<'_>,
        fields: &[ItemField],
        columns: &mut [Column],
        dict: &mut StringDict,
    ) -> Scan<()> {
        c.expect(b'{')?;
        c.ws();
        self.item_seen.clear();
        self.item_seen.resize(fields.len(), false);
        if c.peek() == Some(b'}') {
            c.pos += 1;
        } else {
            loop {
                c.expect(b'"')?;
                let key = c.raw_key()?;
                c.ws();
                c.expect(b':')?;
                c.ws();
                match fields.iter().position(|f| f.name.as_bytes() == key) {
                    None => c.skip_value(0)?,
                    Some(i) => {
                        if std::mem::replace(&mut self.item_seen[i], true) {
                            return None;
                        }
                        let f = &fields[i];
                        let got = c.scalar(&mut self.scratch)?;
                        push_value(&mut columns[i], &f.ty, f.optional, got, dict).ok()?;
                    }
                }
                c.ws();
                match c.next()? {
                    b',' => c.ws(),
                    b'}' => break,
                    _ => return None,
                }
            }
        }
        for (i, f) in fields.iter().enumerate() {
            if !self.item_seen[i] {
                if !f.optional {
                    return None;
                }
                columns[i].push_missing_or_empty();
            }
        }
        Some(())
    }
}

/// Bytes that end the fast scan of a string: `"`, `\` and control characters.
const STRING_STOP: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

struct Cursor<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
}

impl<'t> Cursor<'t> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        Some(b)
    }

    fn expect(&mut self, want: u8) -> Scan<()> {
        (self.next()? == want).then_some(())
    }

    /// JSON whitespace.
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn literal(&mut self, word: &[u8]) -> Scan<()> {
        if self.bytes[self.pos..].starts_with(word) {
            self.pos += word.len();
            Some(())
        } else {
            None
        }
    }

    /// After the opening quote: the position of the first `"`, `\` or control byte (or the
    /// end). Eight bytes at a time.
    fn string_stop(&self) -> usize {
        const ONES: u64 = 0x0101_0101_0101_0101;
        const HIGHS: u64 = 0x8080_8080_8080_8080;
        // The lowest flagged byte of each test is exact (later ones may be false positives).
        let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
        let mut i = self.pos;
        while let Some(word) = self.bytes.get(i..i + 8) {
            let Ok(word) = <[u8; 8]>::try_from(word) else {
                break;
            };
            let w = u64::from_le_bytes(word);
            let stops = zero_byte(w ^ (ONES * u64::from(b'"')))
                | zero_byte(w ^ (ONES * u64::from(b'\\')))
                | (w.wrapping_sub(ONES * 0x20) & !w & HIGHS);
            if stops != 0 {
                return i + (stops.trailing_zeros() / 8) as usize;
            }
            i += 8;
        }
        while i < self.bytes.len() && !STRING_STOP[self.bytes[i] as usize] {
            i += 1;
        }
        i
    }

    /// After the opening quote of a key: its bytes, if it has no escapes.
    fn raw_key(&mut self) -> Scan<&'t [u8]> {
        let start = self.pos;
        let end = self.string_stop();
        if self.bytes.get(end) != Some(&b'"') {
            return None;
        }
        self.pos = end + 1;
        Some(&self.bytes[start..end])
    }

    /// After the opening quote: the string's text, unescaped into `scratch` if it has escapes.
    #[inline]
    fn string<'s>(&mut self, scratch: &'s mut String) -> Scan<&'s str>
    where
        't: 's,
    {
        let start = self.pos;
        let end = self.string_stop();
        match self.bytes.get(end)? {
            b'"' => {
                self.pos = end + 1;
                // Both ends are next to an ASCII quote, so this is a character boundary check
                // that cannot fail.
                self.text.get(start..end)
            }
            b'\\' => {
                scratch.clear();
                scratch.push_str(self.text.get(start..end)?);
                self.pos = end;
                loop {
                    match self.next()? {
                        b'"' => return Some(scratch.as_str()),
                        b'\\' => scratch.push(match self.next()? {
                            b'"' => '"',
                            b'\\' => '\\',
                            b'/' => '/',
                            b'b' => '\u{8}',
                            b'f' => '\u{c}',
                            b'n' => '\n',
                            b'r' => '\r',
                            b't' => '\t',
                            // `\u` (surrogate pairs and their errors): left to serde_json.
                            _ => return None,
                        }),
                        _ => {
                            let from = self.pos - 1;
                            let to = self.string_stop();
                            if to == from {
                                return None; // a control character
                            }
                            scratch.push_str(self.text.get(from..to)?);
                            self.pos = to;
                        }
                    }
                }
            }
            _ => None,
        }
    }

    /// A scalar value as `serde_json` would have visited it.
    // Inlined so that the value stays in registers on its way to `push_value`.
    #[inline(always)]
    fn scalar<'s>(&mut self, scratch: &'s mut String) -> Scan<Got<'s>>
    where
        't: 's,
    {
        match self.peek()? {
            b'"' => {
                self.pos += 1;
                self.string(scratch).map(Got::Str)
            }
            b'n' => self.literal(b"null").map(|()| Got::Null),
            b't' => self.literal(b"true").map(|()| Got::Bool(true)),
            b'f' => self.literal(b"false").map(|()| Got::Bool(false)),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    /// A number: `U64` if non-negative, `I64` if negative (as `serde_json` parses integers),
    /// `F64` if it has a fraction or an exponent.
    #[inline]
    fn number<'s>(&mut self) -> Scan<Got<'s>> {
        let start = self.pos;
        let negative = self.peek() == Some(b'-');
        if negative {
            self.pos += 1;
        }
        let digits = self.pos;
        let mut value: u64 = 0;
        while let Some(d @ b'0'..=b'9') = self.peek() {
            value = value * 10 + u64::from(d - b'0');
            self.pos += 1;
            if self.pos - digits > 18 {
                return None; // near or past the integer range: serde_json's business
            }
        }
        let n = self.pos - digits;
        if n == 0 || (n > 1 && self.bytes[digits] == b'0') {
            return None;
        }
        if let Some(b'.' | b'e' | b'E') = self.peek() {
            self.fraction_and_exponent()?;
            // The same float parser as the slow path, so the same bits.
            return serde_json::from_str::<f64>(self.text.get(start..self.pos)?)
                .ok()
                .map(Got::F64);
        }
        match (negative, value) {
            (false, v) => Some(Got::U64(v)),
            // `-0` is a float for serde_json.
            (true, 0) => None,
            (true, v) => Some(Got::I64(-i64::try_from(v).ok()?)),
        }
    }

    fn fraction_and_exponent(&mut self) -> Scan<()> {
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            self.digits()?;
        }
        Some(())
    }

    /// One or more digits.
    fn digits(&mut self) -> Scan<()> {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        (self.pos > start).then_some(())
    }

    /// Skips a value, checking its syntax as `serde_json` does.
    fn skip_value(&mut self, depth: u32) -> Scan<()> {
        match self.peek()? {
            b'"' => {
                self.pos += 1;
                self.skip_string()
            }
            b'n' => self.literal(b"null"),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'-' | b'0'..=b'9' => self.skip_number(),
            open @ (b'[' | b'{') => {
                if depth >= MAX_SKIP_DEPTH {
                    return None;
                }
                self.pos += 1;
                let close = if open == b'[' { b']' } else { b'}' };
                self.ws();
                if self.peek() == Some(close) {
                    self.pos += 1;
                    return Some(());
                }
                loop {
                    if open == b'{' {
                        self.expect(b'"')?;
                        self.skip_string()?;
                        self.ws();
                        self.expect(b':')?;
                        self.ws();
                    }
                    self.skip_value(depth + 1)?;
                    self.ws();
                    match self.next()? {
                        b',' => self.ws(),
                        b if b == close => return Some(()),
                        _ => return None,
                    }
                }
            }
            _ => None,
        }
    }

    /// After the opening quote.
    fn skip_string(&mut self) -> Scan<()> {
        loop {
            self.pos = self.string_stop();
            match self.next()? {
                b'"' => return Some(()),
                b'\\' => match self.next()? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                    b'u' => {
                        let hex = self.bytes.get(self.pos..self.pos + 4)?;
                        if !hex.iter().all(u8::is_ascii_hexdigit) {
                            return None;
                        }
                        self.pos += 4;
                    }
                    _ => return None,
                },
                _ => return None,
            }
        }
    }

    fn skip_number(&mut self) -> Scan<()> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let digits = self.pos;
        self.digits()?;
        if self.pos - digits > 1 && self.bytes[digits] == b'0' {
            return None;
        }
        self.fraction_and_exponent()
    }
}

#[cfg(test)]
mod tests {
    use super::super::batch::BatchBuilder;
    use super::super::fields::FieldPlan;
    use super::super::json::JsonDecoder;
    use super::*;
    use crate::ir::{Field, RecordField, RecordType, Schema, Ty};
    use std::sync::Arc;

    fn schema() -> Schema {
        let field = |name: &str, column: &str, ty: Ty| Field {
            name: name.into(),
            column: column.into(),
            ty,
            doc: None,
            span: crate::Span::new(crate::source::FileId(0), 0, 0),
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
        Schema {
            fields: vec![
                field("id", "id", Ty::String),
                field("visits", "visits", Ty::Int),
                field("size", "Company Size", Ty::Int.optional()),
                field("revenue", "revenue", Ty::Number.optional()),
                field("ok", "ok", Ty::Bool.optional()),
                field("tags", "tags", Ty::List(Box::new(Ty::String))),
                field("seen_at", "seen_at", Ty::Timestamp.optional()),
                field("events", "events", events),
            ],
            key: None,
        }
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
        b.finish(Vec::new(), 0)
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
        let slow = JsonDecoder::new(&plan).decode(record.as_bytes(), 1, &mut slow_b);
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
        let batch = b.finish(Vec::new(), 0);
        let ids: Vec<_> = (0..3).map(|r| batch.value(0, r)).collect();
        let visits: Vec<_> = (0..3).map(|r| batch.value(1, r)).collect();
        use crate::value::Value as V;
        assert_eq!(ids, [V::str("a"), V::str("b"), V::str("c")]);
        assert_eq!(visits, [V::Int(1), V::Int(2), V::Int(3)]);
    }
}
