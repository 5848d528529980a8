//! What a compiled kernel expects to find in its environment, decided while generating code.
//!
//! The kernel gets one `*const u64` environment: slot `i` holds a pointer or a small value, as
//! [`Plan::slots`] says. Column buffers come from the batch; memo tables, interned literal ids,
//! constant lists and output columns are made per batch by [`super::runtime`] from the other
//! fields of the plan. Everything here is plain data, fixed once the module is finalized.

use crate::ir::{EnumType, Pattern, Ty};
use crate::source::Span;
use crate::value::Value;
use cranelift_codegen::ir::{types, Type};
use std::collections::HashMap;
use std::sync::Arc;

/// How a scalar is held in a kernel and in columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Kind {
    /// `int`, `timestamp`, `duration`: `i64`.
    I64,
    /// `number`: `f64`.
    F64,
    /// `bool`: one byte, 0 or 1.
    Bool,
    /// `string` and enums: a `u32` id (batch dictionary, then the batch's extension).
    Str,
}

impl Kind {
    pub fn of(ty: &Ty) -> Option<Kind> {
        match ty.base() {
            Ty::Int | Ty::Timestamp | Ty::Duration => Some(Kind::I64),
            Ty::Number => Some(Kind::F64),
            Ty::Bool => Some(Kind::Bool),
            Ty::String | Ty::Enum(_) => Some(Kind::Str),
            _ => None,
        }
    }

    pub fn clif(self) -> Type {
        match self {
            Kind::I64 => types::I64,
            Kind::F64 => types::F64,
            Kind::Bool => types::I8,
            Kind::Str => types::I32,
        }
    }

    /// Bytes per element in a column.
    pub fn size(self) -> i64 {
        match self {
            Kind::I64 | Kind::F64 => 8,
            Kind::Bool => 1,
            Kind::Str => 4,
        }
    }
}

/// Which column of the batch: a field's own column, the items of a `list of T`, or field
/// `index` of a `list of { … }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Child {
    Top,
    Items,
    Field(u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct ColPath {
    pub field: u32,
    pub child: Child,
}

/// What one environment slot holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Slot {
    /// Pointer to a scalar column's values.
    Values(ColPath),
    /// Pointer to an optional scalar column's `present` bytes.
    Present(ColPath),
    /// Pointer to a list column's `u32` offsets.
    Offsets(ColPath),
    /// The length of every memo table: the batch dictionary's strings, then room for the
    /// first strings made while evaluating ([`memo_len`]).
    MemoLen,
    /// The evaluation instant, epoch ms.
    Now,
    /// The id of literal string `i` in this batch.
    Literal(u32),
    /// Pointer to the `u8` memo table of predicate `i` (2 = not computed yet).
    PredTable(u32),
    /// Pointer to the `u32` memo table of string function `i` (`u32::MAX` = not computed yet).
    StrFnTable(u32),
    /// Pointer to constant list `i`'s elements.
    ConstList(u32),
    /// Pointer to list literal buffer `i` (`rows × len` elements, one row's list each).
    ListBuf(u32),
    /// Pointer to output column `i`.
    Output(u32),
    /// Pointer to the `u8` flags of the rows abandoned at an error (set by the error helper),
    /// which later functions of the kernel skip.
    Failed,
    /// Pointer to the cache of `a + b` site `i`: [`CONCAT_CACHE`] entries of two `u64`s, the
    /// key `a << 32 | b` ([`CONCAT_EMPTY`] when unused) and the id of the concatenation.
    ConcatCache(u32),
}

/// Entries of the direct-mapped cache of one `a + b` site (a power of two).
pub(super) const CONCAT_CACHE: usize = 256;
/// The key of an unused entry (no pair of ids is `(u32::MAX, u32::MAX)`: ids stay below
/// `u32::MAX - 1`).
pub(super) const CONCAT_EMPTY: u64 = u64::MAX;

/// A string predicate evaluated once per distinct string (memoized per batch).
#[derive(Debug, Clone)]
pub(super) enum Pred {
    /// Case-insensitive search; needles already folded.
    Contains(String),
    StartsWith(String),
    EndsWith(String),
    ContainsAny(Vec<String>),
    ContainsAll(Vec<String>),
    Matches(Pattern),
    /// Exact membership in a list of literal strings.
    InStrs(Vec<String>),
}

/// A function of one string computed once per distinct string (memoized per batch).
#[derive(Debug, Clone)]
pub(super) enum StrFn {
    Lower,
    Upper,
    Trim,
    Domain,
    /// Characters (the result is a count, not a string id).
    LenStr,
    /// Position in the enum ([`UNORDERED`] outside it or for a stage detour).
    EnumPos(Arc<EnumType>),
}

/// [`StrFn::EnumPos`] of a value with no position.
pub(super) const UNORDERED: u32 = u32::MAX - 1;
/// How many string ids the memo tables of a batch whose dictionary holds `dict_len` strings
/// cover: the dictionary's, and room for strings made while evaluating (domains, labels,
/// concatenations: usually a few, met on every row), so that tests of made strings are table
/// loads too. Made strings beyond the room are memoized by the runtime instead.
pub(super) fn memo_len(dict_len: u32) -> u32 {
    dict_len.saturating_add(dict_len / 16).saturating_add(1024)
}

/// A memo table entry not computed yet.
pub(super) const PRED_UNKNOWN: u8 = 2;
pub(super) const STRFN_UNKNOWN: u32 = u32::MAX;

/// Element type of an output column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum OutKind {
    U8,
    U32,
    I64,
    F64,
}

impl OutKind {
    pub fn of(kind: Kind) -> OutKind {
        match kind {
            Kind::I64 => OutKind::I64,
            Kind::F64 => OutKind::F64,
            Kind::Bool => OutKind::U8,
            Kind::Str => OutKind::U32,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub(super) struct OutCol {
    pub kind: OutKind,
    /// Written only for `--explain`; without it the kernel writes to a shared sink.
    pub explain: bool,
}

/// Where a definition's values go.
#[derive(Debug, Clone)]
pub(super) enum DefOut {
    /// `present` only for an optional definition.
    Scalar {
        kind: Kind,
        value: u32,
        present: Option<u32>,
    },
    /// Element pointer and length (`I64` columns): into the batch or a plan buffer.
    List { kind: Kind, ptr: u32, len: u32 },
    /// Start and length (`I64` columns) of rows of the `list of {…}` field `field`.
    Records { field: u32, start: u32, len: u32 },
}

/// Explanation columns of one score: per item (in entry order, groups flattened) the condition
/// (`1.0`/`0.0`, `when`) or the per-value (`per`); the `since` of its decay.
#[derive(Debug, Clone, Default)]
pub(super) struct ScoreExplain {
    pub items: Vec<u32>,
    pub since: Option<u32>,
}

/// How an overflow message is worded (the interpreter's words, see `eval::expr`).
#[derive(Debug, Clone, Copy)]
pub(super) enum ErrorForm {
    /// `{what} overflow in `{a} {sym} {b}``; `ms` appends `ms` to a / b.
    Binary {
        what: &'static str,
        sym: &'static str,
        a_ms: bool,
        b_ms: bool,
    },
    /// `{what} overflow in `-({a})`` (`ms`: `-({a}ms)`).
    Neg { what: &'static str, ms: bool },
    /// `{what} overflow in `abs({a})``.
    Abs { what: &'static str, ms: bool },
    /// `duration overflow in `{a}ms * {x}`` with `x = f64::from_bits(b)`.
    MulDurNum,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct ErrorSite {
    pub span: Span,
    pub form: ErrorForm,
}

/// Everything the per-batch runtime needs to set up the environment of the kernel.
#[derive(Debug, Default)]
pub(super) struct Plan {
    pub slots: Vec<Slot>,
    slot_index: HashMap<Slot, u32>,
    pub literals: Vec<String>,
    literal_index: HashMap<String, u32>,
    pub preds: Vec<Pred>,
    pred_index: HashMap<String, u32>,
    pub strfns: Vec<StrFn>,
    strfn_index: HashMap<String, u32>,
    /// Constant lists: element kind and values.
    pub const_lists: Vec<(Kind, Vec<Value>)>,
    /// Number of `a + b` sites, each with its cache ([`Slot::ConcatCache`]).
    pub concat_sites: u32,
    /// List literals with computed elements: element kind and elements per row.
    pub list_bufs: Vec<(Kind, usize)>,
    pub outputs: Vec<OutCol>,
    pub sites: Vec<ErrorSite>,
    /// By `DefId`.
    pub defs: Vec<Option<DefOut>>,
    /// By `ScoreId`: the `F64` total column.
    pub scores: Vec<u32>,
    /// By `ScoreId`.
    pub explain: Vec<ScoreExplain>,
    /// By `GradeId`: `U32` column of the label's position in the grade's type.
    pub grades: Vec<u32>,
    /// `U32` column of the stage's position in the stage type, `u32::MAX` for none.
    pub stage: Option<u32>,
    /// The string fields whose ids the kernels use as more than a key to their text (compares,
    /// list searches, string functions, outputs): equal strings must have equal ids in them.
    /// The other string fields the kernels read only through memoized text predicates.
    pub compared_strings: Vec<u32>,
}

impl Plan {
    /// An empty plan with room for every node of `p`.
    pub fn for_program(p: &crate::ir::Program) -> Plan {
        Plan {
            defs: vec![None; p.defs.len()],
            scores: vec![0; p.scores.len()],
            explain: vec![ScoreExplain::default(); p.scores.len()],
            grades: vec![0; p.grades.len()],
            ..Plan::default()
        }
    }

    pub fn slot(&mut self, slot: Slot) -> u32 {
        if let Some(&i) = self.slot_index.get(&slot) {
            return i;
        }
        let i = self.slots.len() as u32;
        self.slots.push(slot);
        self.slot_index.insert(slot, i);
        i
    }

    pub fn literal(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.literal_index.get(s) {
            return i;
        }
        let i = self.literals.len() as u32;
        self.literals.push(s.to_string());
        self.literal_index.insert(s.to_string(), i);
        i
    }

    pub fn pred(&mut self, pred: Pred) -> u32 {
        let key = match &pred {
            Pred::Matches(p) => format!("Matches({:?})", p.source),
            other => format!("{other:?}"),
        };
        if let Some(&i) = self.pred_index.get(&key) {
            return i;
        }
        let i = self.preds.len() as u32;
        self.preds.push(pred);
        self.pred_index.insert(key, i);
        i
    }

    pub fn strfn(&mut self, f: StrFn) -> u32 {
        let key = format!("{f:?}");
        if let Some(&i) = self.strfn_index.get(&key) {
            return i;
        }
        let i = self.strfns.len() as u32;
        self.strfns.push(f);
        self.strfn_index.insert(key, i);
        i
    }

    pub fn const_list(&mut self, kind: Kind, values: Vec<Value>) -> u32 {
        self.const_lists.push((kind, values));
        (self.const_lists.len() - 1) as u32
    }

    /// Whether a kernel planned as `other` uses the same buffers, columns and error sites as
    /// one planned as `self` (only their slots may differ).
    pub fn same_buffers(&self, other: &Plan) -> bool {
        self.literals == other.literals
            && self.preds.len() == other.preds.len()
            && self.strfns.len() == other.strfns.len()
            && self.const_lists.len() == other.const_lists.len()
            && self.concat_sites == other.concat_sites
            && self.list_bufs == other.list_bufs
            && self.outputs.len() == other.outputs.len()
            && self.sites.len() == other.sites.len()
            && self.scores == other.scores
            && self.grades == other.grades
            && self.stage == other.stage
    }

    pub fn concat_site(&mut self) -> u32 {
        self.concat_sites += 1;
        self.concat_sites - 1
    }

    pub fn list_buf(&mut self, kind: Kind, len: usize) -> u32 {
        self.list_bufs.push((kind, len));
        (self.list_bufs.len() - 1) as u32
    }

    pub fn output(&mut self, kind: OutKind, explain: bool) -> u32 {
        self.outputs.push(OutCol { kind, explain });
        (self.outputs.len() - 1) as u32
    }

    pub fn site(&mut self, span: Span, form: ErrorForm) -> u32 {
        self.sites.push(ErrorSite { span, form });
        (self.sites.len() - 1) as u32
    }
}
