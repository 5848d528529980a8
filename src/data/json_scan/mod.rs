//! The fast path for JSON records: a hand-written scanner driven by the schema.
//!
//! It reads the common shape of a record (an object of keys without escapes, strings, integers,
//! `null`, booleans, lists of those and lists of records) straight into the columns, matching
//! each key against the key found at the same position of the previous record, and skips the
//! values of keys the schema does not name, or names for a field that is not decoded
//! ([`FieldPlan::skip`]), without building anything (but checking their syntax as strictly as
//! `serde_json` does).
//!
//! It never decides that a record is bad: whenever something is unusual (invalid or unusual JSON,
//! a value that does not fit, a missing or repeated key, an escape in a key, a `\u` escape, a
//! float where the conversion is subtle, deep nesting) it gives up, the caller rolls the columns
//! back and reads the record again with the `serde_json` decoder of `json.rs`, which accepts it or
//! explains exactly what is wrong. So messages and results are those of that decoder; this file
//! only has to agree with it on the records it accepts.

mod cursor;

use super::batch::{BatchBuilder, Column};
use super::dict::StringDict;
use super::fields::{end_list, push_value, FieldPlan, Got, ItemField, ScalarTy, Shape};
use cursor::{same_bytes, Cursor, Scan};

/// Keys remembered from the previous record, by position.
const MAX_LAYOUT: usize = 256;

pub(crate) struct JsonScanner<'p> {
    plan: &'p [FieldPlan],
    /// The keys of the previous record in order, with their fields. Records of one export
    /// nearly always share their key order.
    layout: Vec<LaidOut>,
    seen: Vec<bool>,
    /// The fields that are decoded (not [`FieldPlan::skip`]): a record that matched as many
    /// keys has every one of them.
    decoded: usize,
    item_seen: Vec<bool>,
    /// Unescaped text of the current string, when it has escapes.
    scratch: String,
}

/// A key of the previous record, as `,"key":`, and its field (`None`: not in the schema).
struct LaidOut {
    pattern: Box<[u8]>,
    /// `pattern` in two 16-byte words (little-endian, zero-padded) with masks of its bytes, when
    /// it fits in 32 bytes: compared with the record in two wide compares rather than in a loop
    /// of branches.
    words: Option<([u128; 2], [u128; 2])>,
    field: Option<usize>,
}

impl LaidOut {
    fn new(key: &[u8], field: Option<usize>) -> LaidOut {
        let pattern: Box<[u8]> = [&b",\""[..], key, b"\":"].concat().into();
        let words = (pattern.len() <= 32).then(|| {
            let mut padded = [0u8; 32];
            let mut mask = [0u8; 32];
            padded[..pattern.len()].copy_from_slice(&pattern);
            mask[..pattern.len()].fill(0xff);
            (
                [word16(&padded, 0), word16(&padded, 16)],
                [word16(&mask, 0), word16(&mask, 16)],
            )
        });
        LaidOut {
            pattern,
            words,
            field,
        }
    }

    /// Whether `bytes[at..]` starts with the pattern (without its comma, if not `at_comma`).
    #[inline(always)]
    fn matches(&self, bytes: &[u8], at: usize, at_comma: bool) -> bool {
        if let (true, Some((words, masks))) = (at_comma, &self.words) {
            if let Some(block) = bytes.get(at..at + 32).and_then(|b| b.first_chunk::<32>()) {
                let (lo, hi) = block.split_at(16);
                let lo = lo
                    .first_chunk::<16>()
                    .map_or(0, |w| u128::from_le_bytes(*w));
                let hi = hi
                    .first_chunk::<16>()
                    .map_or(0, |w| u128::from_le_bytes(*w));
                // Both words whatever the key's length: a branch on it would mispredict.
                return ((lo ^ words[0]) & masks[0]) | ((hi ^ words[1]) & masks[1]) == 0;
            }
        }
        let pattern = if at_comma {
            &self.pattern[..]
        } else {
            &self.pattern[1..]
        };
        bytes
            .get(at..at + pattern.len())
            .is_some_and(|b| same_bytes(b, pattern))
    }
}

/// The 16 bytes of `bytes` at `at` as a little-endian word (zero if there are fewer).
fn word16(bytes: &[u8], at: usize) -> u128 {
    bytes
        .get(at..at + 16)
        .and_then(|w| w.first_chunk::<16>())
        .map_or(0, |w| u128::from_le_bytes(*w))
}

impl<'p> JsonScanner<'p> {
    pub fn new(plan: &'p [FieldPlan]) -> JsonScanner<'p> {
        JsonScanner {
            plan,
            layout: Vec::new(),
            seen: vec![false; plan.len()],
            decoded: plan.iter().filter(|f| !f.skip).count(),
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
            // Whether the cursor is at the `,` before the key (rather than at its `"`).
            let mut at_comma = false;
            loop {
                let field = self.key(&mut c, slot, at_comma)?;
                slot += 1;
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
                if c.peek() == Some(b',') {
                    // The usual case: `key` takes the comma with the next key.
                    at_comma = true;
                    continue;
                }
                if !c.more_items(b'}')? {
                    break;
                }
                at_comma = false;
            }
        }
        c.ws();
        if c.pos != c.bytes.len() {
            return None;
        }
        if matched < self.decoded {
            for (i, field) in self.plan.iter().enumerate() {
                if !self.seen[i] && !field.skip {
                    if !field.may_be_absent() {
                        return None;
                    }
                    b.columns[i].push_missing_or_empty();
                }
            }
        }
        Some(())
    }

    /// At the opening quote of the key at position `slot` of the record, or at the comma
    /// before it (`at_comma`): its field, after the key and its `:`.
    fn key(&mut self, c: &mut Cursor<'_>, slot: usize, at_comma: bool) -> Scan<Option<usize>> {
        if let Some(laid) = self.layout.get(slot) {
            // The same key as in the previous record, written the usual way (`,"key":`); a key
            // cannot hold a quote, so the match cannot end inside a longer key.
            if laid.matches(c.bytes, c.pos, at_comma) {
                c.pos += laid.pattern.len() - usize::from(!at_comma);
                return Some(laid.field);
            }
        }
        if at_comma {
            c.pos += 1;
            c.ws();
        }
        c.expect(b'"')?;
        let key = c.raw_key()?;
        let field = self
            .plan
            .iter()
            .position(|f| !f.skip && f.column.as_bytes() == key);
        if slot < self.layout.len() {
            self.layout[slot] = LaidOut::new(key, field);
        } else if slot == self.layout.len() && slot < MAX_LAYOUT {
            self.layout.push(LaidOut::new(key, field));
        }
        c.ws();
        c.expect(b':')?;
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
            (Shape::Scalar { ty, optional }, column)
                if field.missing.is_some() && c.peek() == Some(b'"') =>
            {
                c.pos += 1;
                let s = c.string(&mut self.scratch)?;
                if !field.is_missing_text(s) {
                    return push_value(column, ty, *optional, Got::Str(s), dict).ok();
                }
                // A `missing` text: missing, or (for a required field) a bad record, which the
                // general path explains.
                if !*optional {
                    return None;
                }
                column.push_missing_or_empty();
                Some(())
            }
            (Shape::Scalar { ty, optional }, column) => {
                self.scalar_into(c, ty, *optional, column, dict)
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
                        self.scalar_into(c, ty, false, &mut list.items, dict)?;
                        if !c.more_items(b']')? {
                            break;
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
                        if !c.more_items(b']')? {
                            break;
                        }
                    }
                }
                let len = rc.offsets.last().copied().unwrap_or(0) as usize + n;
                end_list(&mut rc.offsets, len).ok()
            }
            _ => None,
        }
    }

    /// A scalar value into `column`. Strings, the commonest values, take their own branch, in
    /// which `push_value` (inlined) is left with only its arm for strings.
    #[inline(always)]
    fn scalar_into(
        &mut self,
        c: &mut Cursor<'_>,
        ty: &ScalarTy,
        optional: bool,
        column: &mut Column,
        dict: &mut StringDict,
    ) -> Scan<()> {
        if c.peek() == Some(b'"') {
            c.pos += 1;
            let s = c.string(&mut self.scratch)?;
            push_value(column, ty, optional, Got::Str(s), dict).ok()
        } else {
            let got = c.scalar(&mut self.scratch)?;
            push_value(column, ty, optional, got, dict).ok()
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
                if !c.more_items(b'}')? {
                    break;
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

#[cfg(test)]
mod tests;
