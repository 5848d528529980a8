//! The schema as the readers use it ([`FieldPlan`]), and the one place where a value found in
//! data (a JSON value or a CSV cell) is converted and appended to its column, following docs/language.md, "How data is read"
//! and `convert.rs`.

use super::batch::{Column, Scalar};
use super::convert::{parse_bool, parse_duration, parse_int, parse_number};
use super::dict::{DictFull, StringDict};
use super::reject::{found_json_string, shorten, FOUND_MAX};
use super::text::{help_for, HelpKind, Miss, MissingTexts, Texts};
use crate::ir::{EnumType, FieldId, FieldSet, Schema, Ty};
use crate::time::{read_standard, read_standard_int, Standard};
use std::sync::Arc;

/// A scalar type as stored (strings and enums both become dictionary ids). Numbers and
/// timestamps carry the `input` block's conversions for them, if it has any.
#[derive(Debug, Clone)]
pub(crate) enum ScalarTy {
    Int(Option<Arc<Texts>>),
    Number(Option<Arc<Texts>>),
    Bool,
    Str,
    /// A string that no evaluation looks up or compares by id (see [`FieldPlan::share_strings`]):
    /// stored under a fresh id per occurrence, without looking for an equal string first.
    UnsharedStr,
    /// A string whose ids only key memoized predicates: shared or not as its values repeat
    /// (`StringDict::intern_adaptive`, with the field's adaptive slot).
    AdaptiveStr(u16),
    Enum(Arc<EnumType>),
    Timestamp(Option<Arc<Texts>>),
    Duration,
}

impl ScalarTy {
    fn of(ty: &Ty, texts: &Option<Arc<Texts>>) -> ScalarTy {
        match ty.base() {
            Ty::Int => ScalarTy::Int(texts.clone()),
            Ty::Number => ScalarTy::Number(texts.clone()),
            Ty::Bool => ScalarTy::Bool,
            Ty::Timestamp => ScalarTy::Timestamp(texts.clone()),
            Ty::Duration => ScalarTy::Duration,
            Ty::Enum(e) => ScalarTy::Enum(e.clone()),
            _ => ScalarTy::Str,
        }
    }

    /// Which help a bad value of this type may get.
    pub fn help_kind(&self) -> HelpKind {
        match self {
            ScalarTy::Int(_) | ScalarTy::Number(_) => HelpKind::Number,
            ScalarTy::Timestamp(_) => HelpKind::Timestamp,
            _ => HelpKind::Other,
        }
    }
}

/// How the reader stores the strings of a string field (see [`FieldPlan::share_strings`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StringSharing {
    /// Equal strings get equal ids: an evaluation compares them by id.
    Shared,
    /// Ids only key predicates memoized per id (`email ends with "@gmail.com"`): shared while
    /// the values repeat, which saves evaluating the predicate again; stored without a lookup
    /// in a batch where most values are new (emails, names), which saves the lookup.
    Adaptive,
    /// No evaluation reads them through their ids: stored without a lookup.
    Unshared,
}

/// What a field looks like.
#[derive(Debug, Clone)]
pub(crate) enum Shape {
    Scalar { ty: ScalarTy, optional: bool },
    List(ScalarTy),
    Records(Vec<ItemField>),
}

/// A field of a `list of { … }` record.
#[derive(Debug, Clone)]
pub(crate) struct ItemField {
    pub name: String,
    pub ty: ScalarTy,
    pub optional: bool,
    /// The type as written, for messages.
    pub expected: String,
}

#[derive(Debug, Clone)]
pub(crate) struct FieldPlan {
    pub name: String,
    /// Input key or CSV column.
    pub column: String,
    pub shape: Shape,
    /// The type as written, for messages.
    pub expected: String,
    /// The item type of a list, for messages.
    pub item_expected: String,
    /// `from "…" (N)`: which column of the header with that name (CSV).
    pub occurrence: Option<u32>,
    /// The `input` block's `missing` texts (top-level fields only: a record's fields in a
    /// `list of { … }` are read as they are).
    pub missing: Option<Arc<MissingTexts>>,
    /// Not decoded (nothing reads it, see [`FieldPlan::decode_only`]): a JSON value is skipped
    /// as a key the schema does not name is, a CSV cell is not converted, the field is never
    /// missing nor bound to a header's column, and its column stays empty.
    pub skip: bool,
}

impl FieldPlan {
    pub fn for_schema(schema: &Schema) -> Vec<FieldPlan> {
        let shared = Texts::new(&schema.input, &[]);
        let missing = MissingTexts::new(&schema.input);
        schema
            .fields
            .iter()
            .map(|f| {
                let texts = if f.format.is_empty() {
                    shared.clone()
                } else {
                    Texts::new(&schema.input, &f.format)
                };
                let of = |ty: &Ty| ScalarTy::of(ty, &texts);
                let (shape, item_expected) = match &f.ty {
                    Ty::List(item) => (Shape::List(of(item)), item.to_string()),
                    Ty::Records(rt) => (
                        Shape::Records(
                            rt.fields
                                .iter()
                                .map(|rf| ItemField {
                                    name: rf.name.clone(),
                                    ty: of(&rf.ty),
                                    optional: rf.ty.is_optional(),
                                    expected: rf.ty.to_string(),
                                })
                                .collect(),
                        ),
                        String::new(),
                    ),
                    ty => (
                        Shape::Scalar {
                            ty: of(ty),
                            optional: ty.is_optional(),
                        },
                        String::new(),
                    ),
                };
                FieldPlan {
                    name: f.name.clone(),
                    column: f.column.clone(),
                    shape,
                    expected: f.ty.to_string(),
                    item_expected,
                    occurrence: f.occurrence,
                    missing: missing.clone(),
                    skip: false,
                }
            })
            .collect()
    }

    /// Sets how the strings of each string field are stored (by field index; fields past the
    /// end of `sharing` are shared). Leaving a field unshared saves a hash and a probe per
    /// value of fields such as keys and names, which are unique per row and only printed. A
    /// field that is not [`StringSharing::Shared`] must not be read through its ids by any
    /// evaluation that relies on equal strings having equal ids (the JIT); reading its text
    /// is fine.
    pub fn share_strings(plans: &mut [FieldPlan], sharing: &[StringSharing]) {
        let mut adaptive = 0u16;
        for (i, plan) in plans.iter_mut().enumerate() {
            if let Shape::Scalar {
                ty: ty @ ScalarTy::Str,
                ..
            } = &mut plan.shape
            {
                match sharing.get(i).copied().unwrap_or(StringSharing::Shared) {
                    StringSharing::Shared => {}
                    StringSharing::Adaptive => {
                        *ty = ScalarTy::AdaptiveStr(adaptive);
                        adaptive = adaptive.saturating_add(1);
                    }
                    StringSharing::Unshared => *ty = ScalarTy::UnsharedStr,
                }
            }
        }
    }

    /// Marks the fields outside `decode` (by field index) as skipped.
    pub fn decode_only(plans: &mut [FieldPlan], decode: &FieldSet) {
        for (i, plan) in plans.iter_mut().enumerate() {
            plan.skip = !decode.contains(FieldId(i as u32));
        }
    }

    /// Whether a record may leave this field out (missing, or an empty list).
    pub fn may_be_absent(&self) -> bool {
        !matches!(
            self.shape,
            Shape::Scalar {
                optional: false,
                ..
            }
        )
    }

    /// Whether `s` is one of the `missing` texts.
    #[inline]
    pub fn is_missing_text(&self, s: &str) -> bool {
        self.missing.as_ref().is_some_and(|m| m.contains(s))
    }

    /// The help of a reject whose value is a `missing` text in this required field: every
    /// reader gives the same.
    pub fn missing_text_help(&self) -> String {
        format!(
            "make the field optional to read it as missing: `{}: {}?`",
            self.name, self.expected
        )
    }

    /// How messages name the field: ``field `x` `` or ``field `x` (column `X`)``.
    pub fn label(&self, column_word: &str) -> String {
        if self.column == self.name {
            format!("field `{}`", self.name)
        } else {
            format!("field `{}` ({column_word} `{}`)", self.name, self.column)
        }
    }
}

/// A value as found in the input.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Got<'a> {
    Null,
    Bool(bool),
    I64(i64),
    U64(u64),
    F64(f64),
    /// A JSON string.
    Str(&'a str),
    /// A CSV cell (or a part of a list cell).
    Cell(&'a str),
    Array,
    Object,
}

impl Got<'_> {
    /// For "found …" in messages.
    pub fn describe(&self) -> String {
        match self {
            Got::Null => "`null`".to_string(),
            Got::Bool(b) => format!("`{b}`"),
            Got::I64(v) => format!("`{v}`"),
            Got::U64(v) => format!("`{v}`"),
            Got::F64(v) => format!("`{v}`"),
            Got::Str(s) => format!("`{}`", found_json_string(s)),
            Got::Cell("") => "an empty cell".to_string(),
            Got::Cell(s) => format!("`{}`", shorten(s, FOUND_MAX)),
            Got::Array => "`[…]`".to_string(),
            Got::Object => "`{…}`".to_string(),
        }
    }
}

/// Why a value could not be stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unfit {
    /// Not a value of the expected type.
    Type,
    /// A timestamp of ten digits (epoch seconds, most likely).
    EpochSeconds,
    /// A `missing` text for a required field.
    MissingText,
    /// The batch ran out of `u32` ids or offsets (over 4 GiB of strings or list items).
    TooLarge,
}

impl Unfit {
    /// The message tail after the field's name.
    pub fn message(self, expected: &str, got: Got<'_>) -> String {
        match self {
            Unfit::Type | Unfit::EpochSeconds => {
                format!("expected {expected}, found {}", got.describe())
            }
            Unfit::MissingText => format!(
                "expected {expected}, found {}, which the `input` block's `missing` says is no value",
                got.describe()
            ),
            Unfit::TooLarge => "the record is too large (over 4 GiB of strings or items)".into(),
        }
    }

    /// What would read the value, when the `input` block has a line for it.
    pub fn help(self, ty: &ScalarTy, got: Got<'_>) -> Option<String> {
        let text = match got {
            Got::Str(s) | Got::Cell(s) => s.to_string(),
            Got::I64(v) => v.to_string(),
            Got::U64(v) => v.to_string(),
            _ => return None,
        };
        match self {
            Unfit::Type => help_for(ty.help_kind(), &text, Miss::Type),
            Unfit::EpochSeconds => help_for(ty.help_kind(), &text, Miss::EpochSeconds),
            Unfit::MissingText => {
                Some("make the field optional (`T?`) to read the value as missing".into())
            }
            Unfit::TooLarge => None,
        }
    }
}

impl From<Miss> for Unfit {
    fn from(m: Miss) -> Unfit {
        match m {
            Miss::Type => Unfit::Type,
            Miss::EpochSeconds => Unfit::EpochSeconds,
        }
    }
}

/// Appends `got` to `col`, a column of `ty` (`optional`: `null` and blank text are missing).
// Inlined so that a caller which knows what it found (a JSON string, say) gets only that arm.
#[inline]
pub(crate) fn push_value(
    col: &mut Column,
    ty: &ScalarTy,
    optional: bool,
    got: Got<'_>,
    dict: &mut StringDict,
) -> Result<(), Unfit> {
    match got {
        Got::Null if optional => push_missing(col),
        Got::Str(s) | Got::Cell(s) => push_cell(col, ty, optional, s, dict),
        Got::I64(v) => push_int(col, ty, v),
        Got::U64(v) => match ty {
            ScalarTy::Number(_) => push_f64(col, v as f64),
            _ => push_int(col, ty, i64::try_from(v).map_err(|_| Unfit::Type)?),
        },
        Got::F64(v) => match ty {
            ScalarTy::Number(_) if v.is_finite() => push_f64(col, v),
            _ => Err(Unfit::Type),
        },
        Got::Bool(b) => match (ty, col) {
            (ScalarTy::Bool, Column::Bool(c)) => {
                c.push(b);
                Ok(())
            }
            _ => Err(Unfit::Type),
        },
        Got::Null | Got::Array | Got::Object => Err(Unfit::Type),
    }
}

/// Text into `col`, a column of `ty`: [`push_value`] of a string or a CSV cell. Inlined into
/// the CSV reader's loop over a record's cells, which then calls the conversion of the field's
/// type straight away, without a call that first asks what was found.
#[inline(always)]
pub(crate) fn push_cell(
    col: &mut Column,
    ty: &ScalarTy,
    optional: bool,
    s: &str,
    dict: &mut StringDict,
) -> Result<(), Unfit> {
    if optional && is_blank(s) {
        return push_missing(col);
    }
    push_text(col, ty, s, dict)
}

/// A JSON integer into a column of `ty` (a timestamp by the digit rule of `time::read_standard`).
#[inline]
fn push_int(col: &mut Column, ty: &ScalarTy, v: i64) -> Result<(), Unfit> {
    match ty {
        ScalarTy::Int(_) | ScalarTy::Duration => push_i64(col, v),
        ScalarTy::Timestamp(None) => match read_standard_int(v) {
            Standard::Instant(ms) | Standard::Local(ms) => push_i64(col, ms),
            Standard::EpochSeconds => Err(Unfit::EpochSeconds),
            Standard::No => Err(Unfit::Type),
        },
        ScalarTy::Timestamp(Some(t)) => push_i64(col, t.timestamp_int(v)?),
        ScalarTy::Number(_) => push_f64(col, v as f64),
        _ => Err(Unfit::Type),
    }
}

/// `s.trim().is_empty()`, without the Unicode machinery for text that starts with a visible
/// ASCII character (nearly all of it).
fn is_blank(s: &str) -> bool {
    match s.as_bytes().first() {
        None => true,
        Some(&b) if b > b' ' && b < 0x80 => false,
        Some(_) => s.trim().is_empty(),
    }
}

/// `parse_int` for the usual case, plain digits with an optional `-` and no more than 18 of
/// them (so no overflow); `None` for anything else, which `parse_int` then judges.
fn plain_int(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let (negative, digits) = match b.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, b),
    };
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    let mut v: i64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(d - b'0');
    }
    Some(if negative { -v } else { v })
}

/// Text (a JSON string or a CSV cell) as a value of `ty`, as `convert::convert_text` reads it.
// Inlined into both of its callers, `push_value` (the JSON scanner's) and `push_cell` (the CSV
// reader's): as a call it costs the JSON scanner 1% more instructions (cachegrind).
#[inline(always)]
fn push_text(col: &mut Column, ty: &ScalarTy, s: &str, dict: &mut StringDict) -> Result<(), Unfit> {
    match ty {
        ScalarTy::Int(texts) => push_i64(col, int_of(texts, s)?),
        ScalarTy::Number(texts) => push_f64(col, number_of(texts, s)?),
        ScalarTy::Bool => match (bool_of(s)?, col) {
            (b, Column::Bool(c)) => {
                c.push(b);
                Ok(())
            }
            _ => Err(Unfit::Type),
        },
        ScalarTy::Timestamp(texts) => push_i64(col, timestamp_of(texts, s)?),
        ScalarTy::Duration => push_i64(col, duration_of(s)?),
        ScalarTy::Str => push_str(col, s, dict, StringDict::intern),
        ScalarTy::UnsharedStr => push_str(col, s, dict, StringDict::push_unshared),
        ScalarTy::AdaptiveStr(slot) => push_str(col, s, dict, |d, s| d.intern_adaptive(s, *slot)),
        ScalarTy::Enum(e) => {
            if e.index_of(s).is_some() {
                push_str(col, s, dict, StringDict::intern)
            } else {
                Err(Unfit::Type)
            }
        }
    }
}

/// Appends the cells of a column of a CSV run (`cells`, one per row, in order) to `col`, the
/// column of a scalar field of `ty`: what the record reader does to each cell (its `missing`
/// texts, then [`push_cell`]), with the dispatch on the field's type and column done once for
/// the run rather than once per cell. `Err` as soon as a cell does not fit, the column then
/// holding part of the run: the caller rolls the run back and reads its records one at a time,
/// which says which record and why.
pub(crate) fn push_cells<'t>(
    col: &mut Column,
    ty: &ScalarTy,
    optional: bool,
    missing: Option<&MissingTexts>,
    cells: impl Iterator<Item = &'t str>,
    dict: &mut StringDict,
) -> Result<(), Unfit> {
    match (ty, col) {
        (ScalarTy::Int(t), Column::Int(c)) => {
            push_all(c, optional, missing, cells, |s| int_of(t, s))
        }
        (ScalarTy::Number(t), Column::Number(c)) => {
            push_all(c, optional, missing, cells, |s| number_of(t, s))
        }
        (ScalarTy::Bool, Column::Bool(c)) => push_all(c, optional, missing, cells, bool_of),
        (ScalarTy::Timestamp(t), Column::Timestamp(c)) => {
            push_all(c, optional, missing, cells, |s| timestamp_of(t, s))
        }
        (ScalarTy::Duration, Column::Duration(c)) => {
            push_all(c, optional, missing, cells, duration_of)
        }
        (ScalarTy::Str, Column::Str(c)) => push_all(c, optional, missing, cells, |s| {
            dict.intern(s).map_err(|_| Unfit::TooLarge)
        }),
        (ScalarTy::UnsharedStr, Column::Str(c)) => push_all(c, optional, missing, cells, |s| {
            dict.push_unshared(s).map_err(|_| Unfit::TooLarge)
        }),
        (ScalarTy::AdaptiveStr(slot), Column::Str(c)) => {
            push_all(c, optional, missing, cells, |s| {
                dict.intern_adaptive(s, *slot).map_err(|_| Unfit::TooLarge)
            })
        }
        (ScalarTy::Enum(e), Column::Str(c)) => {
            push_all(c, optional, missing, cells, |s| enum_of(e, dict, s))
        }
        _ => Err(Unfit::Type),
    }
}

/// [`push_cells`] for one type: `convert` is the type's conversion, inlined into the loop.
#[inline(always)]
fn push_all<'t, T: Copy + Default>(
    c: &mut Scalar<T>,
    optional: bool,
    missing: Option<&MissingTexts>,
    cells: impl Iterator<Item = &'t str>,
    mut convert: impl FnMut(&'t str) -> Result<T, Unfit>,
) -> Result<(), Unfit> {
    for s in cells {
        if missing.is_some_and(|m| m.contains(s)) || (optional && is_blank(s)) {
            if !optional {
                return Err(Unfit::MissingText);
            }
            c.push_missing();
        } else {
            c.push(convert(s)?);
        }
    }
    Ok(())
}

/// Text as an `int` (`texts`: the `input` block's readings of numbers, if any).
#[inline(always)]
fn int_of(texts: &Option<Arc<Texts>>, s: &str) -> Result<i64, Unfit> {
    plain_int(s)
        .or_else(|| parse_int(s))
        .or_else(|| parse_int(&texts.as_ref()?.plain_number(s)?))
        .ok_or(Unfit::Type)
}

/// Text as a `number`.
#[inline(always)]
fn number_of(texts: &Option<Arc<Texts>>, s: &str) -> Result<f64, Unfit> {
    match texts {
        // A decimal comma: `1.200` is twelve hundred, which the standard reading would take
        // for 1.2.
        Some(t) if t.reads_numbers_first() => t.number(s).or_else(|| parse_number(s)),
        _ => parse_number(s).or_else(|| texts.as_ref()?.number(s)),
    }
    .ok_or(Unfit::Type)
}

/// Text as a `bool`.
#[inline(always)]
fn bool_of(s: &str) -> Result<bool, Unfit> {
    match s {
        "true" => Some(true),
        "false" => Some(false),
        _ => parse_bool(s),
    }
    .ok_or(Unfit::Type)
}

/// Text as a `timestamp`.
#[inline(always)]
fn timestamp_of(texts: &Option<Arc<Texts>>, s: &str) -> Result<i64, Unfit> {
    match texts {
        None => parse_timestamp(s),
        Some(t) => Ok(t.timestamp(s)?),
    }
}

/// Text as a `duration`.
#[inline(always)]
fn duration_of(s: &str) -> Result<i64, Unfit> {
    parse_duration(s).ok_or(Unfit::Type)
}

/// The id of `s`, one of the values of `e` (an error for any other text).
#[inline(always)]
fn enum_of(e: &EnumType, dict: &mut StringDict, s: &str) -> Result<u32, Unfit> {
    match e.index_of(s) {
        Some(_) => dict.intern(s).map_err(|_| Unfit::TooLarge),
        None => Err(Unfit::Type),
    }
}

/// A timestamp by the standard readings alone (a local time is UTC).
fn parse_timestamp(s: &str) -> Result<i64, Unfit> {
    match read_standard(s) {
        Standard::Instant(ms) | Standard::Local(ms) => Ok(ms),
        Standard::EpochSeconds => Err(Unfit::EpochSeconds),
        Standard::No => Err(Unfit::Type),
    }
}

#[inline]
fn push_i64(col: &mut Column, v: i64) -> Result<(), Unfit> {
    match col {
        Column::Int(c) | Column::Timestamp(c) | Column::Duration(c) => {
            c.push(v);
            Ok(())
        }
        _ => Err(Unfit::Type),
    }
}

#[inline]
fn push_f64(col: &mut Column, v: f64) -> Result<(), Unfit> {
    match col {
        Column::Number(c) => {
            c.push(v);
            Ok(())
        }
        _ => Err(Unfit::Type),
    }
}

/// Appends the id that `store` gives `s` (`StringDict::intern`, or `push_unshared` for strings
/// nothing compares by id).
// This and the other small `push_` functions are `inline`: without it, inlining `push_text`
// into its callers left them as calls.
#[inline]
fn push_str(
    col: &mut Column,
    s: &str,
    dict: &mut StringDict,
    store: impl FnOnce(&mut StringDict, &str) -> Result<u32, DictFull>,
) -> Result<(), Unfit> {
    match col {
        Column::Str(c) => {
            c.push(store(dict, s).map_err(|_| Unfit::TooLarge)?);
            Ok(())
        }
        _ => Err(Unfit::Type),
    }
}

#[inline]
fn push_missing(col: &mut Column) -> Result<(), Unfit> {
    col.push_missing_or_empty();
    Ok(())
}

/// Closes the current row of a list column (its items were appended to the child column).
pub(crate) fn end_list(offsets: &mut Vec<u32>, items: usize) -> Result<(), Unfit> {
    offsets.push(u32::try_from(items).map_err(|_| Unfit::TooLarge)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::batch::Scalar;

    fn col(ty: &Ty) -> Column {
        Column::for_type(ty)
    }

    fn one(ty: &Ty, got: Got<'_>) -> Result<crate::value::Value, Unfit> {
        let mut c = col(ty);
        let mut d = StringDict::new();
        let sty = ScalarTy::of(ty, &None);
        push_value(&mut c, &sty, ty.is_optional(), got, &mut d)?;
        Ok(c.value(0, &d))
    }

    use crate::value::Value as V;

    #[test]
    fn ints_from_json_and_text() {
        assert_eq!(one(&Ty::Int, Got::I64(i64::MIN)), Ok(V::Int(i64::MIN)));
        assert_eq!(
            one(&Ty::Int, Got::U64(i64::MAX as u64)),
            Ok(V::Int(i64::MAX))
        );
        assert_eq!(
            one(&Ty::Int, Got::U64(i64::MAX as u64 + 1)),
            Err(Unfit::Type)
        );
        assert_eq!(one(&Ty::Int, Got::Str(" -42 ")), Ok(V::Int(-42)));
        assert_eq!(
            one(&Ty::Int, Got::Cell("-9223372036854775808")),
            Ok(V::Int(i64::MIN))
        );
        assert_eq!(
            one(&Ty::Int, Got::Cell("9223372036854775808")),
            Err(Unfit::Type)
        );
        assert_eq!(one(&Ty::Int, Got::F64(3.0)), Err(Unfit::Type));
        assert_eq!(one(&Ty::Int, Got::Cell("1.5")), Err(Unfit::Type));
        assert_eq!(one(&Ty::Int, Got::Cell("")), Err(Unfit::Type));
        assert_eq!(one(&Ty::Int, Got::Null), Err(Unfit::Type));
        assert_eq!(one(&Ty::Int, Got::Bool(true)), Err(Unfit::Type));
        assert_eq!(one(&Ty::Int.optional(), Got::Null), Ok(V::Missing));
        assert_eq!(one(&Ty::Int.optional(), Got::Cell("  ")), Ok(V::Missing));
        assert_eq!(one(&Ty::Int.optional(), Got::Str("")), Ok(V::Missing));
        assert_eq!(one(&Ty::Int.optional(), Got::I64(0)), Ok(V::Int(0)));
    }

    #[test]
    fn numbers_and_bools() {
        assert_eq!(one(&Ty::Number, Got::I64(3)), Ok(V::Number(3.0)));
        assert_eq!(one(&Ty::Number, Got::F64(-0.5)), Ok(V::Number(-0.5)));
        assert_eq!(one(&Ty::Number, Got::Cell("1e3")), Ok(V::Number(1000.0)));
        assert_eq!(one(&Ty::Number, Got::Cell("NaN")), Err(Unfit::Type));
        assert_eq!(one(&Ty::Number, Got::Str("inf")), Err(Unfit::Type));
        for (s, b) in [
            ("TRUE", true),
            ("yes", true),
            ("Yes", true),
            ("1", true),
            ("no", false),
            ("False", false),
            ("0", false),
        ] {
            assert_eq!(one(&Ty::Bool, Got::Cell(s)), Ok(V::Bool(b)), "{s}");
        }
        assert_eq!(one(&Ty::Bool, Got::Bool(false)), Ok(V::Bool(false)));
        assert_eq!(one(&Ty::Bool, Got::I64(1)), Err(Unfit::Type));
        assert_eq!(one(&Ty::Bool, Got::Cell("y")), Err(Unfit::Type));
        assert_eq!(one(&Ty::Bool.optional(), Got::Cell("")), Ok(V::Missing));
    }

    #[test]
    fn strings_and_enums() {
        assert_eq!(one(&Ty::String, Got::Cell("")), Ok(V::str("")));
        assert_eq!(one(&Ty::String, Got::Cell(" a ")), Ok(V::str(" a ")));
        assert_eq!(one(&Ty::String.optional(), Got::Cell("")), Ok(V::Missing));
        assert_eq!(one(&Ty::String, Got::I64(5)), Err(Unfit::Type));
        assert_eq!(one(&Ty::String, Got::Null), Err(Unfit::Type));
        let e = Ty::Enum(Arc::new(EnumType {
            values: vec!["organic".into(), "paid".into()],
            stage_path_len: None,
        }));
        assert_eq!(one(&e, Got::Str("paid")), Ok(V::str("paid")));
        assert_eq!(one(&e, Got::Str("Paid")), Err(Unfit::Type));
        assert_eq!(one(&e, Got::Str("")), Err(Unfit::Type));
        assert_eq!(one(&e.clone().optional(), Got::Str("")), Ok(V::Missing));
    }

    #[test]
    fn timestamps_and_durations() {
        let t = &Ty::Timestamp;
        let day = crate::time::MS_PER_DAY;
        // 2026-11-01T09:30:00Z
        let nine_thirty = 1_793_491_200_000 + 9 * 3_600_000 + 30 * 60_000;
        assert_eq!(one(t, Got::Cell("1970-01-02")), Ok(V::Timestamp(day)));
        assert_eq!(
            one(t, Got::Str("2024-02-29T00:00:00Z")),
            Ok(V::Timestamp(1_709_164_800_000))
        );
        assert_eq!(one(t, Got::Str("2023-02-29")), Err(Unfit::Type));
        assert_eq!(
            one(t, Got::Str("2026-11-01T09:30:00+02:00")),
            Ok(V::Timestamp(nine_thirty - 2 * 3_600_000))
        );
        assert_eq!(
            one(t, Got::Str("2026-11-01T09:30:00.250-01:30")),
            Ok(V::Timestamp(nine_thirty + 250 + 90 * 60_000))
        );
        assert_eq!(
            one(t, Got::Cell("2026-11-01 09:30")),
            Ok(V::Timestamp(nine_thirty))
        );
        assert_eq!(one(t, Got::I64(nine_thirty)), Ok(V::Timestamp(nine_thirty)));
        assert_eq!(
            one(t, Got::Cell("1793525400000")),
            Ok(V::Timestamp(nine_thirty))
        );
        assert_eq!(one(t, Got::Cell("1000000000")), Err(Unfit::EpochSeconds));
        assert_eq!(one(t, Got::I64(1_000_000_000)), Err(Unfit::EpochSeconds));
        assert_eq!(
            one(t, Got::Cell("20210105")),
            Ok(V::Timestamp(1_609_804_800_000))
        );
        assert_eq!(one(t, Got::I64(-1)), Err(Unfit::Type));
        assert_eq!(one(t, Got::F64(1.5e12)), Err(Unfit::Type));
        assert_eq!(one(t, Got::Str("yesterday")), Err(Unfit::Type));
        assert_eq!(one(t, Got::Str("2026-13-01")), Err(Unfit::Type));
        assert_eq!(
            one(&Ty::Duration, Got::Str("2h")),
            Ok(V::Duration(7_200_000))
        );
        assert_eq!(one(&Ty::Duration, Got::I64(5)), Ok(V::Duration(5)));
        assert_eq!(one(&Ty::Duration, Got::Str("2y")), Err(Unfit::Type));
    }

    #[test]
    fn found_values_are_quoted_and_shortened() {
        assert_eq!(Got::Str("abc").describe(), "`\"abc\"`");
        assert_eq!(Got::Cell("abc").describe(), "`abc`");
        assert_eq!(Got::Cell("").describe(), "an empty cell");
        assert_eq!(Got::F64(1.5).describe(), "`1.5`");
        assert_eq!(Got::Object.describe(), "`{…}`");
        let long = Got::Str(&"y".repeat(500)).describe();
        assert!(long.chars().count() < 50, "{long}");
        assert_eq!(
            Unfit::Type.message("int", Got::Str("abc")),
            "expected int, found `\"abc\"`"
        );
    }

    #[test]
    fn quick_paths_agree_with_the_general_ones() {
        for s in [
            "",
            " ",
            "\u{a0}",
            "\u{b}",
            "a",
            " a",
            "é",
            "0",
            "-0",
            "+5",
            "-",
            "007",
            "-12",
            "123456789012345678",
            "1234567890123456789",
            "9223372036854775807",
            "1_0",
            "1.5",
        ] {
            assert_eq!(is_blank(s), s.trim().is_empty(), "{s:?}");
            if let Some(v) = plain_int(s) {
                assert_eq!(Some(v), parse_int(s), "{s:?}");
            }
        }
        assert_eq!(plain_int("-12"), Some(-12));
        assert_eq!(
            plain_int("123456789012345678"),
            Some(123_456_789_012_345_678)
        );
    }

    #[test]
    fn scalar_placeholder_is_not_read() {
        let mut c: Scalar<i64> = Scalar {
            values: vec![],
            present: Some(vec![]),
        };
        c.push_missing();
        c.push(4);
        assert_eq!((c.get(0), c.get(1), c.get(2)), (None, Some(4), None));
    }
}
