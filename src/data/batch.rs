//! Columnar batches: the records of one chunk of input, one typed column per schema field.
//!
//! # Layout
//!
//! A [`Batch`] of `n` rows has one [`Column`] per schema field, in schema order:
//!
//! | field type | column | values |
//! |---|---|---|
//! | `int` | [`Column::Int`] | `i64` |
//! | `number` | [`Column::Number`] | `f64` (never NaN or infinite) |
//! | `bool` | [`Column::Bool`] | `bool` (one byte, 0 or 1) |
//! | `timestamp` | [`Column::Timestamp`] | `i64` UTC milliseconds since the epoch |
//! | `duration` | [`Column::Duration`] | `i64` milliseconds |
//! | `string`, `one of (…)` | [`Column::Str`] | `u32` ids into [`Batch::dict`] |
//! | `list of T` | [`Column::List`] | `offsets: Vec<u32>` (`n + 1`, starting at 0) + `items` column |
//! | `list of {…}` | [`Column::Records`] | `offsets` + one child column per record field |
//!
//! Scalars are [`Scalar`]s: `values` has exactly one slot per row; for a `T?` field `present` is
//! `Some(bytes)` with one `bool` per row (false = missing, and the value slot then holds `0`, `0.0`,
//! `false` or id `0`, which must not be read). Row `r` of a list column holds the items
//! `offsets[r]..offsets[r + 1]` of its child column(s); child columns of records follow the same
//! rules (an optional record field has its own `present`). List items are never missing. The
//! column of a field the reader did not decode (`Input::decoding_only`) has no rows at all.
//!
//! A kernel therefore takes `values.as_ptr()` (`*const i64`, `*const f64`, `*const u32`,
//! `*const bool`), `present.as_ptr()` (`*const bool`) and `offsets.as_ptr()` (`*const u32`), plus a
//! per-batch table computed from the dictionary for each string predicate.

use super::dict::StringDict;
use super::split::ChunkBytes;
use crate::value::Value;
use std::sync::Arc;

/// One column of scalars.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scalar<T> {
    /// One value per row (a placeholder where the value is missing).
    pub values: Vec<T>,
    /// For `T?` only: `present[r]` is false when row `r` is missing.
    pub present: Option<Vec<bool>>,
}

impl<T: Copy + Default> Scalar<T> {
    fn new(optional: bool) -> Scalar<T> {
        Scalar {
            values: Vec::new(),
            present: optional.then(Vec::new),
        }
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The value of row `r`, `None` if missing.
    pub fn get(&self, r: usize) -> Option<T> {
        match &self.present {
            Some(p) if !p.get(r).copied().unwrap_or(false) => None,
            _ => self.values.get(r).copied(),
        }
    }

    pub(crate) fn push(&mut self, v: T) {
        self.values.push(v);
        if let Some(p) = &mut self.present {
            p.push(true);
        }
    }

    /// Callers only use this for optional columns (required fields reject instead).
    pub(crate) fn push_missing(&mut self) {
        self.values.push(T::default());
        if let Some(p) = &mut self.present {
            p.push(false);
        }
    }

    fn truncate(&mut self, len: usize) {
        self.values.truncate(len);
        if let Some(p) = &mut self.present {
            p.truncate(len);
        }
    }
}

/// A `list of T` column (T scalar, never optional).
#[derive(Debug, Clone, PartialEq)]
pub struct ListColumn {
    /// `rows + 1` entries, non-decreasing, `offsets[0] == 0`.
    pub offsets: Vec<u32>,
    pub items: Box<Column>,
}

/// A `list of { … }` column: one child column per record field, in the record type's order.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordsColumn {
    pub offsets: Vec<u32>,
    pub fields: Vec<Column>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    Int(Scalar<i64>),
    Number(Scalar<f64>),
    Bool(Scalar<bool>),
    Timestamp(Scalar<i64>),
    Duration(Scalar<i64>),
    /// Strings and enum values: ids into the batch's [`StringDict`].
    Str(Scalar<u32>),
    List(ListColumn),
    Records(RecordsColumn),
}

impl Column {
    /// An empty column for a field of type `ty` (`Ty::Error` reads as a missing string).
    pub(crate) fn for_type(ty: &crate::ir::Ty) -> Column {
        use crate::ir::Ty;
        let optional = ty.is_optional();
        match ty.base() {
            Ty::Int => Column::Int(Scalar::new(optional)),
            Ty::Number => Column::Number(Scalar::new(optional)),
            Ty::Bool => Column::Bool(Scalar::new(optional)),
            Ty::Timestamp => Column::Timestamp(Scalar::new(optional)),
            Ty::Duration => Column::Duration(Scalar::new(optional)),
            Ty::String | Ty::Enum(_) | Ty::Error | Ty::Optional(_) => {
                Column::Str(Scalar::new(optional))
            }
            Ty::List(item) => Column::List(ListColumn {
                offsets: vec![0],
                items: Box::new(Column::for_type(item.base())),
            }),
            Ty::Records(rt) => Column::Records(RecordsColumn {
                offsets: vec![0],
                fields: rt.fields.iter().map(|f| Column::for_type(&f.ty)).collect(),
            }),
        }
    }

    /// Number of rows (for a child column: number of items).
    pub fn len(&self) -> usize {
        match self {
            Column::Int(c) | Column::Timestamp(c) | Column::Duration(c) => c.len(),
            Column::Number(c) => c.len(),
            Column::Bool(c) => c.len(),
            Column::Str(c) => c.len(),
            Column::List(l) => l.offsets.len() - 1,
            Column::Records(r) => r.offsets.len() - 1,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends a missing value (optional scalars) or an empty list.
    pub(crate) fn push_missing_or_empty(&mut self) {
        match self {
            Column::Int(c) | Column::Timestamp(c) | Column::Duration(c) => c.push_missing(),
            Column::Number(c) => c.push_missing(),
            Column::Bool(c) => c.push_missing(),
            Column::Str(c) => c.push_missing(),
            Column::List(l) => l.offsets.push(l.offsets.last().copied().unwrap_or(0)),
            Column::Records(r) => r.offsets.push(r.offsets.last().copied().unwrap_or(0)),
        }
    }

    /// Drops rows from `len` on (undoes a partly read record).
    pub(crate) fn truncate(&mut self, len: usize) {
        match self {
            Column::Int(c) | Column::Timestamp(c) | Column::Duration(c) => c.truncate(len),
            Column::Number(c) => c.truncate(len),
            Column::Bool(c) => c.truncate(len),
            Column::Str(c) => c.truncate(len),
            Column::List(l) => {
                l.offsets.truncate(len + 1);
                let items = l.offsets.last().copied().unwrap_or(0) as usize;
                l.items.truncate(items);
            }
            Column::Records(r) => {
                r.offsets.truncate(len + 1);
                let items = r.offsets.last().copied().unwrap_or(0) as usize;
                for f in &mut r.fields {
                    f.truncate(items);
                }
            }
        }
    }

    /// The value at row `r` as the interpreter sees it.
    pub fn value(&self, r: usize, dict: &StringDict) -> Value {
        fn scalar<T: Copy + Default>(c: &Scalar<T>, r: usize, f: impl Fn(T) -> Value) -> Value {
            c.get(r).map(f).unwrap_or(Value::Missing)
        }
        match self {
            Column::Int(c) => scalar(c, r, Value::Int),
            Column::Number(c) => scalar(c, r, Value::Number),
            Column::Bool(c) => scalar(c, r, Value::Bool),
            Column::Timestamp(c) => scalar(c, r, Value::Timestamp),
            Column::Duration(c) => scalar(c, r, Value::Duration),
            Column::Str(c) => scalar(c, r, |id| Value::str(dict.get(id))),
            Column::List(l) => {
                let items = list_range(&l.offsets, r);
                Value::List(items.map(|i| l.items.value(i, dict)).collect())
            }
            Column::Records(rc) => {
                let items = list_range(&rc.offsets, r);
                Value::List(
                    items
                        .map(|i| {
                            let fields: Arc<[Value]> =
                                rc.fields.iter().map(|f| f.value(i, dict)).collect();
                            Value::Record(fields)
                        })
                        .collect(),
                )
            }
        }
    }
}

impl Column {
    /// Appends `v`, a value of this column's type as [`Column::value`] gives it (a test's
    /// `given`, an embedder's record). A value of another shape is an error naming it.
    pub(crate) fn push_value(&mut self, v: &Value, dict: &mut StringDict) -> Result<(), String> {
        fn scalar<T: Copy + Default>(c: &mut Scalar<T>, v: Option<T>) -> Result<(), String> {
            match v {
                Some(x) => c.push(x),
                None if c.present.is_some() => c.push_missing(),
                None => return Err("a missing value for a required field".to_string()),
            }
            Ok(())
        }
        let wrong = || format!("`{v:?}` does not fit the column");
        if matches!(self, Column::List(_) | Column::Records(_)) && v.is_missing() {
            // A list is never missing: an absent list reads as empty.
            self.push_missing_or_empty();
            return Ok(());
        }
        match (self, v) {
            (Column::Int(c), Value::Int(x)) => scalar(c, Some(*x)),
            (Column::Number(c), Value::Number(x)) => scalar(c, Some(*x)),
            (Column::Bool(c), Value::Bool(x)) => scalar(c, Some(*x)),
            (Column::Timestamp(c), Value::Timestamp(x)) => scalar(c, Some(*x)),
            (Column::Duration(c), Value::Duration(x)) => scalar(c, Some(*x)),
            (Column::Str(c), Value::Str(s)) => {
                let id = dict
                    .intern(s)
                    .map_err(|_| "the batch holds more than 4 GiB of text".to_string())?;
                scalar(c, Some(id))
            }
            (Column::Int(c) | Column::Timestamp(c) | Column::Duration(c), Value::Missing) => {
                scalar(c, None)
            }
            (Column::Number(c), Value::Missing) => scalar(c, None),
            (Column::Bool(c), Value::Missing) => scalar(c, None),
            (Column::Str(c), Value::Missing) => scalar(c, None),
            (Column::List(l), Value::List(items)) => {
                for item in items.iter() {
                    l.items.push_value(item, dict)?;
                }
                l.offsets
                    .push(u32::try_from(l.items.len()).map_err(|_| wrong())?);
                Ok(())
            }
            (Column::Records(r), Value::List(items)) => {
                for item in items.iter() {
                    match item {
                        Value::Record(fields) if fields.len() == r.fields.len() => {
                            for (col, f) in r.fields.iter_mut().zip(fields.iter()) {
                                col.push_value(f, dict)?;
                            }
                        }
                        _ => return Err(wrong()),
                    }
                }
                let last = r.offsets.last().copied().unwrap_or(0);
                let end = u32::try_from(items.len())
                    .ok()
                    .and_then(|n| last.checked_add(n))
                    .ok_or_else(wrong)?;
                r.offsets.push(end);
                Ok(())
            }
            _ => Err(wrong()),
        }
    }
}

/// The item indices of row `r` of a list column.
pub fn list_range(offsets: &[u32], r: usize) -> std::ops::Range<usize> {
    match (offsets.get(r), offsets.get(r + 1)) {
        (Some(&a), Some(&b)) => a as usize..b as usize,
        _ => 0..0,
    }
}

/// Where a row came from: its 1-based record number and start line, and its raw text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowOrigin {
    pub record: u64,
    pub line: u64,
    /// Byte range of the record in the batch's raw input.
    pub raw_start: usize,
    pub raw_end: usize,
}

/// The records of one chunk that fit the schema. Rows are in input order; records that did not
/// fit are not rows (they are the chunk's rejects), so record numbers may have gaps.
#[derive(Debug, Clone)]
pub struct Batch {
    /// One column per schema field, in schema order; every column has [`Batch::len`] rows,
    /// except the columns of fields the reader was told not to decode
    /// (`Input::decoding_only`), which have none (every row reads as missing through
    /// [`Column::value`]; see [`Batch::decoded`]).
    pub columns: Vec<Column>,
    /// The strings of every string column of this batch.
    pub dict: StringDict,
    pub(crate) origins: Vec<RowOrigin>,
    /// The chunk's input bytes (decompressed), kept for rejects raised while evaluating.
    pub(crate) raw: ChunkBytes,
    /// Index of this batch in the input (0, 1, 2, …).
    pub(crate) seq: u64,
}

impl Batch {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.origins.len()
    }

    pub fn is_empty(&self) -> bool {
        self.origins.is_empty()
    }

    /// Index of this batch in the input (batches are numbered from 0 in input order).
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// The 1-based record number of row `row` in the input (CSV: not counting the header).
    pub fn record_number(&self, row: usize) -> u64 {
        self.origins.get(row).map_or(0, |o| o.record)
    }

    /// The 1-based line of the input where row `row` starts.
    pub fn line(&self, row: usize) -> u64 {
        self.origins.get(row).map_or(0, |o| o.line)
    }

    /// The input text of row `row` (as in the file, without the line break; lossy if the
    /// input was not UTF-8, which cannot happen for a row that was read).
    pub fn raw(&self, row: usize) -> String {
        match self.origins.get(row) {
            Some(o) => String::from_utf8_lossy(&self.raw[o.raw_start..o.raw_end]).into_owned(),
            None => String::new(),
        }
    }

    /// A reject for row `row` (e.g. an integer overflow while evaluating it).
    pub fn reject(&self, row: usize, error: impl Into<String>) -> super::Reject {
        super::Reject {
            help: None,
            record: self.record_number(row),
            line: self.line(row),
            error: error.into(),
            raw: self.raw(row),
            place: None,
        }
    }

    /// A batch of `leads`, each one value per field of `schema` in schema order (as
    /// [`Batch::lead`] gives them): for evaluating single records (`smql test`, embedders) with
    /// either engine. Record `n` is lead `n` (1-based), on "line" `n`.
    pub fn from_leads(schema: &crate::ir::Schema, leads: &[Vec<Value>]) -> Result<Batch, String> {
        let mut b = BatchBuilder::new(schema, leads.len());
        for (i, lead) in leads.iter().enumerate() {
            if lead.len() != schema.fields.len() {
                return Err(format!(
                    "lead {} has {} values for {} schema fields",
                    i + 1,
                    lead.len(),
                    schema.fields.len()
                ));
            }
            for ((col, v), field) in b.columns.iter_mut().zip(lead).zip(&schema.fields) {
                col.push_value(v, &mut b.dict)
                    .map_err(|e| format!("field `{}`: {e}", field.name))?;
            }
            let n = i as u64 + 1;
            b.commit(RowOrigin {
                record: n,
                line: n,
                raw_start: 0,
                raw_end: 0,
            });
        }
        Ok(b.finish(ChunkBytes::default(), 0))
    }

    /// Row `row` as values, one per schema field in schema order: `Missing` for an absent `T?`,
    /// `Str` for strings and enums, `List` of scalars or of `Record`s for lists.
    pub fn lead(&self, row: usize) -> Vec<Value> {
        self.columns
            .iter()
            .map(|c| c.value(row, &self.dict))
            .collect()
    }

    /// Whether field `field`'s column was decoded (it has a value for every row); false for a
    /// field the reader skipped (`Input::decoding_only`), or one past the schema.
    pub fn decoded(&self, field: usize) -> bool {
        match self.columns.get(field) {
            Some(c) => c.len() == self.len(),
            None => false,
        }
    }

    /// The value of field `field` (schema index) at row `row`.
    pub fn value(&self, field: usize, row: usize) -> Value {
        self.columns
            .get(field)
            .map_or(Value::Missing, |c| c.value(row, &self.dict))
    }
}

/// Builds a batch record by record; a record that turns out not to fit is rolled back.
pub(crate) struct BatchBuilder {
    pub columns: Vec<Column>,
    pub dict: StringDict,
    origins: Vec<RowOrigin>,
}

/// The buffers of a batch that is no longer needed, emptied, for the next batch of the same
/// schema: reusing them saves growing fresh vectors (a copy per doubling, and new pages for the
/// kernel to map and zero) for every batch.
#[derive(Debug)]
pub(crate) struct BatchParts {
    columns: Vec<Column>,
    dict: StringDict,
    origins: Vec<RowOrigin>,
}

impl Batch {
    /// The input buffer and the other buffers, emptied.
    pub(crate) fn into_parts(self) -> (ChunkBytes, BatchParts) {
        let Batch {
            mut columns,
            mut dict,
            mut origins,
            raw,
            ..
        } = self;
        for c in &mut columns {
            c.truncate(0);
        }
        dict.clear();
        origins.clear();
        (
            raw,
            BatchParts {
                columns,
                dict,
                origins,
            },
        )
    }
}

impl BatchBuilder {
    pub fn new(schema: &crate::ir::Schema, capacity: usize) -> BatchBuilder {
        BatchBuilder {
            columns: schema
                .fields
                .iter()
                .map(|f| Column::for_type(&f.ty))
                .collect(),
            // Typically one or two strings per record are unique (ids, emails).
            dict: StringDict::with_capacity(capacity * 2),
            origins: Vec::with_capacity(capacity),
        }
    }

    /// A builder writing into `parts`, which came from a batch of the same schema.
    pub fn reusing(parts: BatchParts) -> BatchBuilder {
        BatchBuilder {
            columns: parts.columns,
            dict: parts.dict,
            origins: parts.origins,
        }
    }

    pub fn rows(&self) -> usize {
        self.origins.len()
    }

    /// Commits the record just written to every column.
    pub fn commit(&mut self, origin: RowOrigin) {
        self.origins.push(origin);
    }

    /// Undoes whatever part of the current record was written.
    pub fn rollback(&mut self) {
        let rows = self.rows();
        for c in &mut self.columns {
            c.truncate(rows);
        }
    }

    pub(crate) fn finish(self, raw: ChunkBytes, seq: u64) -> Batch {
        Batch {
            columns: self.columns,
            dict: self.dict,
            origins: self.origins,
            raw,
            seq,
        }
    }
}
