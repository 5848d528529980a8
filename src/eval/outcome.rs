//! What evaluating one batch gave, whichever engine ran: an [`Outcome`], read by id (writers,
//! aggregates: no lookup per row) or by name ([`Outcome::row`]: embedders, tests).

use super::interp::{eval_lead, grade_and_stage_traces};
use super::jit::BatchResult;
use super::lead::Explanation;
use super::trace::{why_items, ScoreTrace, Trace, WhyItem};
use super::{EvalError, LeadValues};
use crate::data::{Batch, Column, Reject, Scalar};
use crate::ir::{DefId, FieldId, GradeId, Name, Program, ScoreId};
use crate::output::Cell;
use crate::value::Value;
use std::borrow::Cow;

/// Where an output column's values come from: a declared name, or the record number (for
/// schemas without a `key`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The 1-based record number of the input (`record`).
    Record,
    /// A field, definition, score, grade, or the stage.
    Name(Name),
}

/// The results of one batch. Values of a row that has an [error](Outcome::error) are
/// unspecified: the row was abandoned at the error, and is a reject.
pub struct Outcome<'a> {
    program: &'a Program,
    batch: &'a Batch,
    now: i64,
    rows: Rows<'a>,
}

enum Rows<'a> {
    // Boxed: the result is large, and there is one per batch.
    Jit(Box<BatchResult<'a>>),
    Interp(Vec<Evaluated>),
}

/// One row as the interpreter evaluated it.
struct Evaluated {
    values: Result<LeadValues, EvalError>,
    trace: Option<Trace>,
}

impl<'a> Outcome<'a> {
    pub(crate) fn jit(
        program: &'a Program,
        batch: &'a Batch,
        now: i64,
        result: BatchResult<'a>,
    ) -> Outcome<'a> {
        Outcome {
            program,
            batch,
            now,
            rows: Rows::Jit(Box::new(result)),
        }
    }

    pub(crate) fn interpret(
        program: &'a Program,
        batch: &'a Batch,
        now: i64,
        explain: bool,
    ) -> Outcome<'a> {
        let rows = (0..batch.len())
            .map(|row| {
                let lead = batch.lead(row);
                let mut trace = explain.then(Trace::default);
                let values = eval_lead(program, &lead, now, trace.as_mut());
                Evaluated { values, trace }
            })
            .collect();
        Outcome {
            program,
            batch,
            now,
            rows: Rows::Interp(rows),
        }
    }

    /// Number of rows (those with an error included).
    pub fn len(&self) -> usize {
        self.batch.len()
    }

    /// Whether the batch has no rows.
    pub fn is_empty(&self) -> bool {
        self.batch.is_empty()
    }

    /// The batch this was computed from.
    pub fn batch(&self) -> &'a Batch {
        self.batch
    }

    /// The program that was evaluated.
    pub fn program(&self) -> &'a Program {
        self.program
    }

    /// The evaluation instant (epoch ms).
    pub fn now(&self) -> i64 {
        self.now
    }

    /// The error of row `row`, if its evaluation failed (an integer overflow, say).
    pub fn error(&self, row: usize) -> Option<&EvalError> {
        match &self.rows {
            Rows::Jit(r) => r.error(row),
            Rows::Interp(rows) => rows.get(row).and_then(|e| e.values.as_ref().err()),
        }
    }

    /// A reject for every row whose evaluation failed, in row order.
    pub fn rejects(&self) -> Vec<Reject> {
        match &self.rows {
            Rows::Jit(r) => r
                .errors()
                .iter()
                .map(|(row, e)| self.batch.reject(*row, e.message.clone()))
                .collect(),
            Rows::Interp(rows) => rows
                .iter()
                .enumerate()
                .filter_map(|(row, e)| {
                    let err = e.values.as_ref().err()?;
                    Some(self.batch.reject(row, err.message.clone()))
                })
                .collect(),
        }
    }

    /// The rows whose evaluation succeeded, in order.
    pub fn ok_rows(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.len()).filter(|&row| self.error(row).is_none())
    }

    /// Score `id` of row `row`.
    pub fn score(&self, id: ScoreId, row: usize) -> f64 {
        match &self.rows {
            Rows::Jit(r) => r.score(id, row),
            Rows::Interp(_) => self
                .values(row)
                .and_then(|v| v.scores.get(id.0 as usize).copied())
                .unwrap_or(0.0),
        }
    }

    /// The label of grade `id` at row `row`.
    pub fn grade(&self, id: GradeId, row: usize) -> &str {
        match &self.rows {
            Rows::Jit(r) => r.grade(id, row).1,
            Rows::Interp(_) => self
                .values(row)
                .and_then(|v| v.grades.get(id.0 as usize))
                .map_or("", |g| &g.label),
        }
    }

    /// The position of grade `id`'s label at row `row` among the grade's labels.
    pub fn grade_index(&self, id: GradeId, row: usize) -> u32 {
        match &self.rows {
            Rows::Jit(r) => r.grade(id, row).0,
            Rows::Interp(_) => self
                .values(row)
                .and_then(|v| v.grades.get(id.0 as usize))
                .map_or(0, |g| g.index),
        }
    }

    /// The position of row `row`'s stage among the stage names (the path, then the detours);
    /// `None` when the lead reached no stage.
    pub fn stage_index(&self, row: usize) -> Option<u32> {
        match &self.rows {
            Rows::Jit(r) => {
                let (positions, names) = r.stage_column();
                positions
                    .get(row)
                    .copied()
                    .filter(|&p| (p as usize) < names.len())
            }
            Rows::Interp(_) => {
                let name = self.stage(row)?;
                let names = match self.program.stages.as_ref().map(|s| s.ty.base()) {
                    Some(crate::ir::Ty::Enum(e)) => &e.values,
                    _ => return None,
                };
                names.iter().position(|n| n == name).map(|p| p as u32)
            }
        }
    }

    /// The stage of row `row`; `None` when the lead reached none (or no `stages` is declared).
    pub fn stage(&self, row: usize) -> Option<&str> {
        match &self.rows {
            Rows::Jit(r) => r.stage(row),
            Rows::Interp(_) => match &self.values(row)?.stage {
                Value::Str(s) => Some(s),
                _ => None,
            },
        }
    }

    /// Score `id` of every row, for aggregates that read whole columns.
    pub fn score_column(&self, id: ScoreId) -> Cow<'_, [f64]> {
        match &self.rows {
            Rows::Jit(r) => Cow::Borrowed(r.score_column(id)),
            Rows::Interp(_) => (0..self.len()).map(|row| self.score(id, row)).collect(),
        }
    }

    /// The position of grade `id`'s label of every row ([`Outcome::grade_index`]).
    pub fn grade_index_column(&self, id: GradeId) -> Cow<'_, [u32]> {
        match &self.rows {
            Rows::Jit(r) => Cow::Borrowed(r.grade_column(id).0),
            Rows::Interp(_) => (0..self.len())
                .map(|row| self.grade_index(id, row))
                .collect(),
        }
    }

    /// The stage position of every row ([`Outcome::stage_index`]), `no_stage` where the lead
    /// reached none.
    pub fn stage_index_column(&self, no_stage: u32) -> Vec<u32> {
        match &self.rows {
            Rows::Jit(r) => {
                let (positions, names) = r.stage_column();
                let n = names.len() as u32;
                positions
                    .iter()
                    .map(|&p| if p < n { p } else { no_stage })
                    .collect()
            }
            Rows::Interp(_) => (0..self.len())
                .map(|row| self.stage_index(row).unwrap_or(no_stage))
                .collect(),
        }
    }

    /// Boolean definition `id` of every row: `0` false, `1` true, `2` missing (or not a
    /// `bool`).
    pub fn flag_column(&self, id: DefId) -> Cow<'_, [u8]> {
        if let Rows::Jit(r) = &self.rows {
            if let Some(column) = r.bool_column(id) {
                return Cow::Borrowed(column);
            }
        }
        (0..self.len())
            .map(|row| match self.def(id, row) {
                Value::Bool(b) => u8::from(b),
                _ => 2,
            })
            .collect()
    }

    /// The value of definition `id` at row `row`.
    pub fn def(&self, id: DefId, row: usize) -> Value {
        match &self.rows {
            Rows::Jit(r) => r.def(id, row),
            Rows::Interp(_) => self
                .values(row)
                .and_then(|v| v.defs.get(id.0 as usize).cloned())
                .unwrap_or(Value::Missing),
        }
    }

    /// The value of field `id` at row `row`, as read.
    pub fn field(&self, id: FieldId, row: usize) -> Value {
        debug_assert!(
            self.batch.decoded(id.0 as usize),
            "field {id:?} was not decoded"
        );
        self.batch.value(id.0 as usize, row)
    }

    /// The value `name` has at row `row`.
    pub fn value(&self, name: Name, row: usize) -> Value {
        match name {
            Name::Field(id) => self.field(id, row),
            Name::Def(id) => self.def(id, row),
            Name::Score(id) => Value::Number(self.score(id, row)),
            Name::Grade(id) => Value::str(self.grade(id, row)),
            Name::Stage => self.stage(row).map_or(Value::Missing, Value::str),
        }
    }

    /// Every definition, score, grade and the stage of row `row`, as
    /// [`eval_lead`](crate::eval::eval_lead) gives them; the row's error if it failed.
    pub fn lead_values(&self, row: usize) -> Result<LeadValues, EvalError> {
        if let Some(e) = self.error(row) {
            return Err(e.clone());
        }
        match &self.rows {
            Rows::Jit(r) => Ok(r.lead_values(row)),
            Rows::Interp(rows) => match rows.get(row) {
                Some(Evaluated { values, .. }) => values.clone(),
                None => Err(EvalError::internal(
                    crate::source::Span::default(),
                    format!("row {row} is not in the batch"),
                )),
            },
        }
    }

    /// What `--explain` prints for score `id` at row `row`; empty unless the batch was
    /// evaluated with `explain`.
    pub fn why(&self, id: ScoreId, row: usize) -> Vec<WhyItem> {
        match &self.rows {
            Rows::Jit(r) => r.why(id, row),
            Rows::Interp(rows) => rows
                .get(row)
                .and_then(|e| e.trace.as_ref())
                .map_or_else(Vec::new, |t| why_items(t, id)),
        }
    }

    /// How score `id` of row `row` was computed, item by item; `None` unless the batch was
    /// evaluated with `explain`.
    pub fn score_trace(&self, id: ScoreId, row: usize) -> Option<ScoreTrace> {
        match &self.rows {
            Rows::Jit(r) => r.score_trace(id, row),
            Rows::Interp(rows) => rows
                .get(row)?
                .trace
                .as_ref()?
                .scores
                .get(id.0 as usize)
                .cloned(),
        }
    }

    /// Everything about row `row` (evaluated with `explain`): its fields, values and why each
    /// score, grade and the stage came out as they did.
    pub fn explanation(&self, row: usize) -> Result<Explanation, EvalError> {
        let values = self.lead_values(row)?;
        let fields = self.batch.lead(row);
        let trace = match &self.rows {
            Rows::Interp(rows) => rows.get(row).and_then(|e| e.trace.clone()),
            Rows::Jit(_) => None,
        };
        let trace = match trace {
            Some(t) => t,
            None => {
                // The kernel keeps the score items' inputs; grade arms and stage steps follow
                // from the values it computed.
                let (grades, stage) =
                    grade_and_stage_traces(self.program, &fields, &values, self.now)?;
                Trace {
                    scores: (0..self.program.scores.len())
                        .map(|i| self.score_trace(ScoreId(i as u32), row).unwrap_or_default())
                        .collect(),
                    grades,
                    stage,
                }
            }
        };
        Ok(Explanation {
            fields,
            values,
            trace,
        })
    }

    /// Row `row`, read by name.
    pub fn row(&self, row: usize) -> Row<'_, 'a> {
        Row { outcome: self, row }
    }

    /// The cells of one output column, resolved once for the batch so that a row costs an
    /// index per cell (no lookup, and no [`Value`] for the JIT's scalars).
    pub fn cells(&self, source: Source) -> Cells<'_, 'a> {
        let view = match (&self.rows, source) {
            (_, Source::Record) => View::Record,
            (_, Source::Name(Name::Field(f))) => View::Field(f.0 as usize),
            (Rows::Jit(r), Source::Name(Name::Score(s))) => View::Scores(r.score_column(s)),
            (Rows::Jit(r), Source::Name(Name::Grade(g))) => {
                let (positions, labels) = r.grade_column(g);
                View::Labels(positions, labels, Cell::Str(""))
            }
            (Rows::Jit(r), Source::Name(Name::Stage)) => {
                let (positions, names) = r.stage_column();
                View::Labels(positions, names, Cell::Missing)
            }
            (_, Source::Name(name)) => View::Name(name),
        };
        Cells {
            outcome: self,
            view,
        }
    }

    fn values(&self, row: usize) -> Option<&LeadValues> {
        match &self.rows {
            Rows::Interp(rows) => rows.get(row)?.values.as_ref().ok(),
            Rows::Jit(_) => None,
        }
    }
}

/// One row of an [`Outcome`], read by name. Every accessor gives `None` for a name that is not
/// declared (or not of that kind), and for a row whose evaluation failed.
#[derive(Clone, Copy)]
pub struct Row<'o, 'a> {
    outcome: &'o Outcome<'a>,
    row: usize,
}

impl<'o> Row<'o, '_> {
    /// Why the row could not be evaluated, if it could not.
    pub fn error(&self) -> Option<&'o EvalError> {
        self.outcome.error(self.row)
    }

    fn lookup(&self, name: &str) -> Option<Name> {
        if self.error().is_some() {
            return None;
        }
        self.outcome.program.lookup(name)
    }

    /// The score called `name`.
    pub fn score(&self, name: &str) -> Option<f64> {
        match self.lookup(name)? {
            Name::Score(id) => Some(self.outcome.score(id, self.row)),
            _ => None,
        }
    }

    /// The label of the grade called `name`.
    pub fn grade(&self, name: &str) -> Option<&'o str> {
        match self.lookup(name)? {
            Name::Grade(id) => Some(self.outcome.grade(id, self.row)),
            _ => None,
        }
    }

    /// The value of the definition called `name`.
    pub fn definition(&self, name: &str) -> Option<Value> {
        match self.lookup(name)? {
            Name::Def(id) => Some(self.outcome.def(id, self.row)),
            _ => None,
        }
    }

    /// The value of the field called `name`, as read.
    pub fn field(&self, name: &str) -> Option<Value> {
        match self.lookup(name)? {
            Name::Field(id) => Some(self.outcome.field(id, self.row)),
            _ => None,
        }
    }

    /// The lead's stage; `None` when it reached none.
    pub fn stage(&self) -> Option<&'o str> {
        self.error().is_none().then_some(())?;
        self.outcome.stage(self.row)
    }

    /// The value of any declared name: a field, definition, score, grade or `stage`.
    pub fn get(&self, name: &str) -> Option<Value> {
        let name = self.lookup(name)?;
        Some(self.outcome.value(name, self.row))
    }
}

/// How one column's cells are read in a batch.
enum View<'o> {
    Record,
    Field(usize),
    /// A JIT score column.
    Scores(&'o [f64]),
    /// A JIT grade or stage column: label positions, the labels, and the cell for a position
    /// past them (no stage).
    Labels(&'o [u32], &'o [String], Cell<'static>),
    /// Anything else, through [`Outcome::value`].
    Name(Name),
}

/// The cells of one output column of a batch ([`Outcome::cells`]).
pub struct Cells<'o, 'a> {
    outcome: &'o Outcome<'a>,
    view: View<'o>,
}

impl<'o> Cells<'o, '_> {
    /// A JIT score column: each row's score (a column writer's loop reads it directly).
    pub fn scores(&self) -> Option<&'o [f64]> {
        match self.view {
            View::Scores(s) => Some(s),
            _ => None,
        }
    }

    /// A JIT grade or stage column: each row's label position, the labels, and the cell of a
    /// position past them ([`Cells::cell`] reads them so).
    pub fn labels(&self) -> Option<(&'o [u32], &'o [String], &Cell<'static>)> {
        match &self.view {
            View::Labels(positions, labels, past) => Some((positions, labels, past)),
            _ => None,
        }
    }

    /// The cell at `row`.
    pub fn cell(&self, row: usize) -> Cell<'o> {
        let outcome = self.outcome;
        match &self.view {
            View::Record => Cell::Int(outcome.batch.record_number(row) as i64),
            View::Field(f) => field_cell(outcome.batch, *f, row),
            View::Scores(s) => Cell::Number(s.get(row).copied().unwrap_or(0.0)),
            View::Labels(positions, labels, past) => positions
                .get(row)
                .and_then(|&p| labels.get(p as usize))
                .map_or(past.clone(), |l| Cell::Str(l)),
            View::Name(name) => match (&outcome.rows, *name) {
                (Rows::Interp(_), Name::Score(id)) => Cell::Number(outcome.score(id, row)),
                (Rows::Interp(_), Name::Grade(id)) => Cell::Str(outcome.grade(id, row)),
                (Rows::Interp(_), Name::Def(id)) => outcome
                    .values(row)
                    .and_then(|v| v.defs.get(id.0 as usize))
                    .map_or(Cell::Missing, Cell::from),
                (Rows::Interp(_), Name::Stage) => {
                    outcome.stage(row).map_or(Cell::Missing, Cell::Str)
                }
                (_, name) => Cell::Value(Cow::Owned(outcome.value(name, row))),
            },
        }
    }
}

/// A field's cell: scalars straight from their column, lists and records as values.
fn field_cell(batch: &Batch, field: usize, row: usize) -> Cell<'_> {
    debug_assert!(batch.decoded(field), "field {field} was not decoded");
    fn scalar<T: Copy + Default>(
        c: &Scalar<T>,
        row: usize,
        cell: impl Fn(T) -> Cell<'static>,
    ) -> Cell<'static> {
        c.get(row).map_or(Cell::Missing, cell)
    }
    match batch.columns.get(field) {
        Some(Column::Str(c)) => c
            .get(row)
            .map_or(Cell::Missing, |id| Cell::Str(batch.dict.get(id))),
        Some(Column::Int(c)) => scalar(c, row, Cell::Int),
        Some(Column::Number(c)) => scalar(c, row, Cell::Number),
        Some(Column::Bool(c)) => scalar(c, row, Cell::Bool),
        Some(Column::Timestamp(c)) => scalar(c, row, Cell::Timestamp),
        Some(Column::Duration(c)) => scalar(c, row, Cell::Duration),
        _ => Cell::Value(Cow::Owned(batch.value(field, row))),
    }
}
