//! What one kernel call produced: typed output columns per definition, score, grade and the
//! stage, the batch's strings, and the rows whose evaluation failed.

use super::plan::{DefOut, Kind};
use super::runtime::{Buf, Buffers, Strings};
use super::Jit;
use crate::data::{Batch, Column};
use crate::eval::math;
use crate::eval::trace::{ItemTrace, PerTrace, ScoreTrace, Trace};
use crate::eval::{why_items, EvalError, GradeValue, LeadValues};
use crate::ir::{DefId, GradeId, Rule, ScoreId, ScoreItem, Ty};
use crate::value::Value;
use std::sync::Arc;

/// The results of one batch. Values of a row that has an error are unspecified (the row was
/// abandoned at the error, as the interpreter abandons the lead).
pub struct BatchResult<'a> {
    jit: &'a Jit,
    batch: &'a Batch,
    strings: Strings<'a>,
    buffers: Buffers,
    /// Sorted by row; at most one per row.
    errors: Vec<(usize, EvalError)>,
    now: i64,
    explain: bool,
}

impl Drop for BatchResult<'_> {
    fn drop(&mut self) {
        self.jit
            .recycle(std::mem::replace(&mut self.buffers, Buffers::empty()));
    }
}

impl<'a> BatchResult<'a> {
    pub(super) fn new(
        jit: &'a Jit,
        batch: &'a Batch,
        strings: Strings<'a>,
        buffers: Buffers,
        errors: Vec<(usize, EvalError)>,
        now: i64,
        explain: bool,
    ) -> BatchResult<'a> {
        BatchResult {
            jit,
            batch,
            strings,
            buffers,
            errors,
            now,
            explain,
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.batch.len()
    }

    pub fn is_empty(&self) -> bool {
        self.batch.is_empty()
    }

    /// The batch this was computed from.
    pub fn batch(&self) -> &'a Batch {
        self.batch
    }

    /// The error of row `row`, if its evaluation failed (the same message and span the
    /// interpreter reports).
    pub fn error(&self, row: usize) -> Option<&EvalError> {
        if self.errors.is_empty() {
            return None;
        }
        self.errors
            .binary_search_by_key(&row, |(r, _)| *r)
            .ok()
            .map(|i| &self.errors[i].1)
    }

    /// Every failed row with its error, in row order.
    pub fn errors(&self) -> &[(usize, EvalError)] {
        &self.errors
    }

    /// The text of string id `id` (ids of string definitions and list items).
    pub fn str(&self, id: u32) -> &str {
        self.strings.get(id)
    }

    fn out(&self, col: u32) -> &Buf {
        // Output columns are made from the same plan, one per index.
        &self.buffers.outputs[col as usize]
    }

    pub fn score(&self, id: ScoreId, row: usize) -> f64 {
        self.score_column(id).get(row).copied().unwrap_or(0.0)
    }

    /// Score `id` of every row (for whole columns; [`BatchResult::score`] reads one row).
    pub fn score_column(&self, id: ScoreId) -> &[f64] {
        self.jit
            .plan()
            .scores
            .get(id.0 as usize)
            .map_or(&[], |&col| self.out(col).f64s())
    }

    /// Grade `id` of every row, as positions in the grade's labels, and the labels
    /// ([`BatchResult::grade`] reads one row).
    pub fn grade_column(&self, id: GradeId) -> (&[u32], &[String]) {
        let plan = self.jit.plan();
        match (
            plan.grades.get(id.0 as usize),
            self.jit.program.grades.get(id.0 as usize).map(|g| &g.ty),
        ) {
            (Some(&col), Some(Ty::Enum(e))) => (self.out(col).u32s(), &e.values),
            _ => (&[], &[]),
        }
    }

    /// The stage of every row, as positions in the stage names (a position past them: no
    /// stage), and the names ([`BatchResult::stage`] reads one row).
    pub fn stage_column(&self) -> (&[u32], &[String]) {
        let names = self.jit.program.stages.as_ref().map(|s| s.ty.base());
        match (self.jit.plan().stage, names) {
            (Some(col), Some(Ty::Enum(e))) => (self.out(col).u32s(), &e.values),
            _ => (&[], &[]),
        }
    }

    /// The grade's label position in its type (`Grade::ty`) and the label.
    pub fn grade(&self, id: GradeId, row: usize) -> (u32, &str) {
        let (positions, labels) = self.grade_column(id);
        let index = positions.get(row).copied().unwrap_or(0);
        (index, labels.get(index as usize).map_or("", String::as_str))
    }

    /// The stage's name, `None` when the lead reached no stage (or no `stages` is declared).
    pub fn stage(&self, row: usize) -> Option<&str> {
        let (positions, names) = self.stage_column();
        names.get(*positions.get(row)? as usize).map(String::as_str)
    }

    /// The value of definition `id` at `row`, as the interpreter gives it.
    pub fn def(&self, id: DefId, row: usize) -> Value {
        let (Some(Some(out)), Some(def)) = (
            self.jit.plan().defs.get(id.0 as usize),
            self.jit.program.defs.get(id.0 as usize),
        ) else {
            return Value::Missing;
        };
        let ty = &def.expr.ty;
        match out {
            DefOut::Scalar {
                kind,
                value,
                present,
            } => {
                if present.is_some_and(|p| self.out(p).u8(row) == 0) {
                    return Value::Missing;
                }
                self.scalar(*kind, ty.base(), self.out(*value), row)
            }
            DefOut::List { kind, ptr, len } => {
                let item_ty = match ty.base() {
                    Ty::List(item) => item.base().clone(),
                    _ => return Value::List(Arc::from([])),
                };
                let (ptr, len) = (self.out(*ptr).i64(row), self.out(*len).i64(row));
                if self.error(row).is_some() || len <= 0 || ptr == 0 {
                    return Value::List(Arc::from([]));
                }
                let items: Vec<Value> = (0..len as usize)
                    .map(|i| self.list_item(*kind, &item_ty, ptr as usize, i))
                    .collect();
                Value::List(items.into())
            }
            DefOut::Records { field, start, len } => {
                let (start, len) = (self.out(*start).i64(row), self.out(*len).i64(row));
                let Some(Column::Records(rc)) = self.batch.columns.get(*field as usize) else {
                    return Value::List(Arc::from([]));
                };
                let start = start.max(0) as usize;
                let items: Vec<Value> = (start..start + len.max(0) as usize)
                    .map(|i| {
                        let fields: Arc<[Value]> = rc
                            .fields
                            .iter()
                            .map(|f| f.value(i, &self.batch.dict))
                            .collect();
                        Value::Record(fields)
                    })
                    .collect();
                Value::List(items.into())
            }
        }
    }

    fn scalar(&self, kind: Kind, ty: &Ty, buf: &Buf, row: usize) -> Value {
        match kind {
            Kind::I64 => {
                let v = buf.i64(row);
                match ty {
                    Ty::Timestamp => Value::Timestamp(v),
                    Ty::Duration => Value::Duration(v),
                    _ => Value::Int(v),
                }
            }
            Kind::F64 => Value::Number(buf.f64(row)),
            Kind::Bool => Value::Bool(buf.u8(row) != 0),
            Kind::Str => Value::str(self.strings.get(buf.u32(row))),
        }
    }

    /// Element `i` of a list whose elements start at address `ptr`.
    fn list_item(&self, kind: Kind, ty: &Ty, ptr: usize, i: usize) -> Value {
        let at = ptr + i * kind.size() as usize;
        // SAFETY: `ptr` and the length were stored by the kernel for a row without an error:
        // they describe a list in the batch's child columns (borrowed for `'a`, unchanged) or
        // in a constant list or list literal buffer of `self.buffers` (owned, not written since
        // the call), with elements of `kind`, aligned for it.
        unsafe {
            match kind {
                Kind::I64 => {
                    let v = std::ptr::read(at as *const i64);
                    match ty {
                        Ty::Timestamp => Value::Timestamp(v),
                        Ty::Duration => Value::Duration(v),
                        _ => Value::Int(v),
                    }
                }
                Kind::F64 => Value::Number(std::ptr::read(at as *const f64)),
                Kind::Bool => Value::Bool(std::ptr::read(at as *const u8) != 0),
                Kind::Str => Value::str(self.strings.get(std::ptr::read(at as *const u32))),
            }
        }
    }

    /// Every definition, score, grade and the stage of `row`, as [`crate::eval::eval_lead`]
    /// returns them.
    pub fn lead_values(&self, row: usize) -> LeadValues {
        let p = &self.jit.program;
        LeadValues {
            defs: (0..p.defs.len())
                .map(|i| self.def(DefId(i as u32), row))
                .collect(),
            scores: (0..p.scores.len())
                .map(|i| self.score(ScoreId(i as u32), row))
                .collect(),
            grades: (0..p.grades.len())
                .map(|i| {
                    let (index, label) = self.grade(GradeId(i as u32), row);
                    GradeValue {
                        index,
                        label: Arc::from(label),
                    }
                })
                .collect(),
            stage: self.stage(row).map_or(Value::Missing, Value::str),
        }
    }

    /// What `--explain` prints for score `id` at `row` (see [`crate::eval::why_items`]); empty
    /// unless the batch was evaluated with `explain`.
    pub fn why(&self, id: ScoreId, row: usize) -> Vec<crate::eval::WhyItem> {
        let Some(st) = self.score_trace(id, row) else {
            return Vec::new();
        };
        let mut trace = Trace {
            scores: vec![ScoreTrace::default(); self.jit.program.scores.len()],
            grades: Vec::new(),
            stage: None,
        };
        if let Some(slot) = trace.scores.get_mut(id.0 as usize) {
            *slot = st;
        }
        why_items(&trace, id)
    }

    /// The interpreter's trace of score `id` at `row`, rebuilt from the explanation columns
    /// with the same operations in the same order (see `interp::eval_score`).
    pub fn score_trace(&self, id: ScoreId, row: usize) -> Option<ScoreTrace> {
        if !self.explain {
            return None;
        }
        let score = self.jit.program.scores.get(id.0 as usize)?;
        let cols = self.jit.plan().explain.get(id.0 as usize)?;
        let mut next_col = cols.items.iter();
        let combined = crate::eval::score::combine(
            score,
            &mut next_col,
            self.now,
            true,
            |next_col, it| {
                let input = next_col.next().map_or(0.0, |&c| self.out(c).f64(row));
                let (points, trace) = item_trace(it, input);
                Ok::<_, std::convert::Infallible>((points, Some(trace)))
            },
            |_, _| Ok(cols.since.map(|col| self.out(col).i64(row))),
        );
        match combined {
            Ok(st) => Some(st),
            Err(never) => match never {},
        }
    }
}

/// An item's contribution and trace from its explanation input (`when`: 1.0 if the condition
/// held; `per`: the per-value), exactly as `interp::eval_item` computes them.
fn item_trace(item: &ScoreItem, input: f64) -> (f64, ItemTrace) {
    let (points, fired, per) = match &item.rule {
        Rule::Always => (item.points, true, None),
        Rule::When(_) => {
            let held = input != 0.0;
            (if held { item.points } else { 0.0 }, held, None)
        }
        Rule::Per { up_to, .. } => {
            let unclamped = item.points * input;
            let points = match up_to {
                Some(n) => math::clamp_symmetric(unclamped, *n),
                None => unclamped,
            };
            (
                points,
                points != 0.0,
                Some(PerTrace {
                    each: item.points,
                    x: input,
                    unclamped,
                }),
            )
        }
    };
    (
        points,
        ItemTrace {
            source: item.source.clone(),
            fired,
            points,
            per,
        },
    )
}
