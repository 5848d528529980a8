//! `smql diff`: what a rule change does to the data.
//!
//! Both versions of the rule set evaluate every batch of one read of the data ([`run`]): each
//! batch is read once and both evaluators run over it on the same worker, so a diff costs one
//! read and two evaluations, not two `eval` runs. Per batch, [`Impact`] counts how outputs moved
//! (stage and grade transition matrices, score changes, boolean definitions that flipped) and
//! keeps the records with the largest score change as examples, each explained by the score
//! items that fired differently and the definitions that changed ([`why`]), read from the same
//! traces as `--explain`. The per-batch impacts are merged in input order, so the result does not
//! depend on thread timing.
//!
//! Where the two rule sets have different outputs, only what both declare is compared (a score
//! only one version has is listed under the rule changes, [`rules`], not in the impact).

pub mod render;
pub mod rules;
mod why;

use crate::data::{Batch, Reader};
use crate::eval::{Evaluator, Lead, Observers, Outcome, RunOptions};
use crate::ir::{DefId, GradeId, Name, Program, ScoreId, Ty};
use crate::pipeline::{self, Config, Flow, PipelineError, Processed, Summary};
use crate::value::Value;
use std::collections::BTreeMap;
use std::num::NonZeroUsize;

/// What is compared: the outputs both versions declare, matched by name.
#[derive(Debug, Clone)]
pub struct Pairing {
    /// Both versions declare `stages`.
    pub stage: bool,
    pub scores: Vec<(String, ScoreId, ScoreId)>,
    pub grades: Vec<(String, GradeId, GradeId)>,
    /// Boolean definitions (`NAME when …` or `NAME = <bool>`).
    pub definitions: Vec<(String, DefId, DefId)>,
}

impl Pairing {
    pub fn new(old: &Program, new: &Program) -> Pairing {
        let both = |name: &str| (old.lookup(name), new.lookup(name));
        let scores = new
            .scores
            .iter()
            .filter_map(|s| match both(&s.name) {
                (Some(Name::Score(a)), Some(Name::Score(b))) => Some((s.name.clone(), a, b)),
                _ => None,
            })
            .collect();
        let grades = new
            .grades
            .iter()
            .filter_map(|g| match both(&g.name) {
                (Some(Name::Grade(a)), Some(Name::Grade(b))) => Some((g.name.clone(), a, b)),
                _ => None,
            })
            .collect();
        let is_bool = |p: &Program, id: DefId| p.def(id).expr.ty == Ty::Bool;
        let definitions = new
            .defs
            .iter()
            .filter_map(|d| match both(&d.name) {
                (Some(Name::Def(a)), Some(Name::Def(b))) if is_bool(old, a) && is_bool(new, b) => {
                    Some((d.name.clone(), a, b))
                }
                _ => None,
            })
            .collect();
        Pairing {
            stage: old.stages.is_some() && new.stages.is_some(),
            scores,
            grades,
            definitions,
        }
    }
}

/// How one score moved over the records compared.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScoreChange {
    pub rose: u64,
    pub fell: u64,
    /// Sum of `new - old` over every record compared (unchanged ones add 0).
    pub total_change: f64,
    /// The smallest and largest `new - old` (0 when nothing changed that way).
    pub min_change: f64,
    pub max_change: f64,
}

/// How one boolean definition flipped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flips {
    pub became_true: u64,
    pub became_false: u64,
}

/// One changed record, with what changed and why.
#[derive(Debug, Clone)]
pub struct Example {
    /// The key (or record number).
    pub key: String,
    /// Its position in the input, for a stable order among equal changes.
    pub record: u64,
    /// The largest absolute score change (what examples are ranked by).
    pub magnitude: f64,
    /// The outputs that changed, `(name, old, new)`: `stage`, scores, grades, definitions.
    pub changes: Vec<(String, Value, Value)>,
    /// Why, one line each: `engagement: `+20 when downloaded "pricing"` now fires (+20)`.
    /// Filled by [`Impact::explain_examples`] for the examples that are shown.
    pub why: Vec<String>,
    /// The record, kept to explain it once it is known to be shown.
    lead: Option<Lead>,
}

/// The impact of a rule change on a set of records; batches' impacts merge.
#[derive(Debug, Clone)]
pub struct Impact {
    pub records: u64,
    /// Records whose stage, a score, a grade or a boolean definition changed.
    pub changed: u64,
    /// Records whose stage changed (`--fail-if-changed`).
    pub stage_changed: u64,
    /// `(old stage, new stage)` → records, stages by their position among the stage names
    /// ([`NO_STAGE`] for none); [`Impact::stage_matrix`] names them.
    stage: BTreeMap<(u32, u32), u64>,
    /// Per paired grade: `(old label, new label)` → records, labels by position.
    grades: Vec<BTreeMap<(u32, u32), u64>>,
    pub scores: Vec<ScoreChange>,
    pub definitions: Vec<Flips>,
    /// At most `examples_max`, the largest changes first.
    pub examples: Vec<Example>,
    examples_max: usize,
}

impl Impact {
    pub fn new(pairing: &Pairing, examples_max: usize) -> Impact {
        Impact {
            records: 0,
            changed: 0,
            stage_changed: 0,
            stage: BTreeMap::new(),
            grades: vec![BTreeMap::new(); pairing.grades.len()],
            scores: vec![ScoreChange::default(); pairing.scores.len()],
            definitions: vec![Flips::default(); pairing.definitions.len()],
            examples: Vec::new(),
            examples_max,
        }
    }

    /// Adds the records of one batch, evaluated by both versions. Rows that failed in either
    /// are not compared (they are rejects).
    pub fn add(&mut self, pairing: &Pairing, old: &Outcome, new: &Outcome) {
        let mut candidates: Vec<Example> = Vec::new();
        for row in 0..old.len() {
            if old.error(row).is_some() || new.error(row).is_some() {
                continue;
            }
            self.records += 1;
            let mut changes = Vec::new();
            let mut magnitude = 0.0f64;
            let mut stage_moved = false;
            if pairing.stage {
                let (a, b) = (old.stage_index(row), new.stage_index(row));
                let key = (a.unwrap_or(NO_STAGE), b.unwrap_or(NO_STAGE));
                *self.stage.entry(key).or_insert(0) += 1;
                let (x, y) = (old.stage(row), new.stage(row));
                if x != y {
                    stage_moved = true;
                    let v = |s: Option<&str>| s.map_or(Value::Missing, Value::str);
                    changes.push(("stage".to_string(), v(x), v(y)));
                }
            }
            for ((name, a, b), acc) in pairing.scores.iter().zip(&mut self.scores) {
                let (x, y) = (old.score(*a, row), new.score(*b, row));
                let d = y - x;
                acc.total_change += d;
                if d > 0.0 {
                    acc.rose += 1;
                } else if d < 0.0 {
                    acc.fell += 1;
                }
                acc.min_change = acc.min_change.min(d);
                acc.max_change = acc.max_change.max(d);
                if x.to_bits() != y.to_bits() && !(x == 0.0 && y == 0.0) {
                    magnitude = magnitude.max(d.abs());
                    changes.push((name.clone(), Value::Number(x), Value::Number(y)));
                }
            }
            for ((name, a, b), acc) in pairing.grades.iter().zip(&mut self.grades) {
                let key = (old.grade_index(*a, row), new.grade_index(*b, row));
                *acc.entry(key).or_insert(0) += 1;
                let (x, y) = (old.grade(*a, row), new.grade(*b, row));
                if x != y {
                    changes.push((name.clone(), Value::str(x), Value::str(y)));
                }
            }
            for ((name, a, b), acc) in pairing.definitions.iter().zip(&mut self.definitions) {
                let (x, y) = (old.def(*a, row), new.def(*b, row));
                match (&x, &y) {
                    (Value::Bool(false), Value::Bool(true)) => acc.became_true += 1,
                    (Value::Bool(true), Value::Bool(false)) => acc.became_false += 1,
                    _ => continue,
                }
                changes.push((name.clone(), x, y));
            }
            if stage_moved {
                self.stage_changed += 1;
            }
            if changes.is_empty() {
                continue;
            }
            self.changed += 1;
            if self.examples_max > 0 {
                candidates.push(Example {
                    key: key_text(old.batch(), old.program(), row),
                    record: old.batch().record_number(row),
                    magnitude,
                    changes,
                    why: Vec::new(),
                    lead: None,
                });
                // Keep the batch's best few; the rest will never be shown.
                if candidates.len() >= 4 * self.examples_max {
                    rank(&mut candidates, self.examples_max);
                }
            }
        }
        rank(&mut candidates, self.examples_max);
        // The batch is gone by the time the examples are known: keep each candidate's record.
        let batch = old.batch();
        for ex in &mut candidates {
            let row = (0..batch.len()).find(|&r| batch.record_number(r) == ex.record);
            ex.lead = row.and_then(|r| Lead::from_row(old.program(), batch, r).ok());
        }
        self.examples.extend(candidates);
        rank(&mut self.examples, self.examples_max);
    }

    /// Explains the examples that are shown (once every batch is merged): the traces are the
    /// costly part, so only these few records are explained.
    pub fn explain_examples(&mut self, old: &Evaluator, new: &Evaluator, now: i64) {
        for ex in &mut self.examples {
            if let Some(lead) = ex.lead.take() {
                ex.why = why::reasons(old, new, &lead, now);
            }
        }
    }

    /// Adds another batch's impact (batches in input order).
    pub fn merge(&mut self, other: Impact) {
        self.records += other.records;
        self.changed += other.changed;
        self.stage_changed += other.stage_changed;
        for (k, n) in other.stage {
            *self.stage.entry(k).or_insert(0) += n;
        }
        for (a, b) in self.grades.iter_mut().zip(other.grades) {
            for (k, n) in b {
                *a.entry(k).or_insert(0) += n;
            }
        }
        for (a, b) in self.scores.iter_mut().zip(other.scores) {
            a.rose += b.rose;
            a.fell += b.fell;
            a.total_change += b.total_change;
            a.min_change = a.min_change.min(b.min_change);
            a.max_change = a.max_change.max(b.max_change);
        }
        for (a, b) in self.definitions.iter_mut().zip(other.definitions) {
            a.became_true += b.became_true;
            a.became_false += b.became_false;
        }
        self.examples.extend(other.examples);
        rank(&mut self.examples, self.examples_max);
    }
}

/// The position that stands for "no stage" in [`Impact`]'s stage counts.
pub const NO_STAGE: u32 = u32::MAX;

/// `(from, to, count)` with names: one matrix of a diff.
pub type Matrix = Vec<(Option<String>, Option<String>, u64)>;

impl Impact {
    /// The stage matrix by name, `None` for no stage, in position order (the path, then the
    /// detours, then no stage).
    pub fn stage_matrix(&self, old: &Program, new: &Program) -> Matrix {
        let names = |p: &Program| match p.stages.as_ref().map(|s| s.ty.base()) {
            Some(Ty::Enum(e)) => e.values.clone(),
            _ => Vec::new(),
        };
        named(&self.stage, &names(old), &names(new))
    }

    /// Each paired grade's matrix by label, in label order.
    pub fn grade_matrices(&self, pairing: &Pairing, old: &Program, new: &Program) -> Vec<Matrix> {
        let labels = |p: &Program, id: GradeId| match &p.grade(id).ty {
            Ty::Enum(e) => e.values.clone(),
            _ => Vec::new(),
        };
        pairing
            .grades
            .iter()
            .zip(&self.grades)
            .map(|((_, a, b), counts)| named(counts, &labels(old, *a), &labels(new, *b)))
            .collect()
    }
}

/// Counts by position → by name (a position past the names, as [`NO_STAGE`], is `None`).
fn named(counts: &BTreeMap<(u32, u32), u64>, old: &[String], new: &[String]) -> Matrix {
    let name = |names: &[String], i: u32| names.get(i as usize).cloned();
    counts
        .iter()
        .map(|(&(a, b), &n)| (name(old, a), name(new, b), n))
        .collect()
}

/// The largest changes first, then input order; at most `max`.
fn rank(examples: &mut Vec<Example>, max: usize) {
    examples.sort_by(|a, b| {
        b.magnitude
            .total_cmp(&a.magnitude)
            .then(a.record.cmp(&b.record))
    });
    examples.truncate(max);
}

/// The key of `row` as text, or its record number for a schema without a key.
fn key_text(batch: &Batch, program: &Program, row: usize) -> String {
    match program.schema.key {
        Some(k) => match batch.value(k.0 as usize, row) {
            Value::Str(s) => s.to_string(),
            Value::Int(i) => i.to_string(),
            other => crate::output::human(&other, None),
        },
        None => batch.record_number(row).to_string(),
    }
}

/// Whether two programs read records the same way (so one batch serves both).
pub fn same_schema(old: &Program, new: &Program) -> Result<(), String> {
    let (a, b) = (&old.schema, &new.schema);
    if a.key.map(|k| &a.fields[k.0 as usize].name) != b.key.map(|k| &b.fields[k.0 as usize].name) {
        return Err("the two versions have different `key` fields".to_string());
    }
    if a.fields.len() != b.fields.len() {
        return Err(format!(
            "the schema has {} fields in the old version and {} in the new",
            a.fields.len(),
            b.fields.len()
        ));
    }
    if a.input != b.input {
        return Err("the `input` block differs between the versions".to_string());
    }
    for (f, g) in a.fields.iter().zip(&b.fields) {
        if f.name != g.name
            || f.column != g.column
            || f.ty != g.ty
            || f.occurrence != g.occurrence
            || f.format != g.format
        {
            return Err(format!(
                "the schema's field `{}` differs between the versions (`{}` in the new one)",
                f.name, g.name
            ));
        }
    }
    Ok(())
}

/// Options of a diff run.
#[derive(Debug, Clone, Copy)]
pub struct DiffOptions {
    pub run: RunOptions,
    /// Changed records to show with their reasons.
    pub examples: usize,
}

/// Evaluates `old` and `new` over every record of `reader` in one pass (see the module
/// documentation). The reader must come from [`Evaluator::open_for`] with both evaluators.
pub fn run(
    old: &Evaluator,
    new: &Evaluator,
    reader: Reader,
    options: &DiffOptions,
    observers: Observers<'_>,
) -> Result<(Impact, Summary), PipelineError<std::convert::Infallible>> {
    let pairing = Pairing::new(old.program(), new.program());
    let mut total = Impact::new(&pairing, options.examples);
    let now = options.run.now;
    let config = Config {
        threads: options.run.threads.map_or(0, NonZeroUsize::get),
        on_error: options.run.on_error,
        max_in_flight: 0,
        max_rejects: options.run.max_rejects,
    };
    let summary = pipeline::run(
        reader,
        &config,
        observers.rejects,
        observers.progress,
        |batch| {
            let (a, b) = (
                old.eval_batch(batch, now, false),
                new.eval_batch(batch, now, false),
            );
            let mut impact = Impact::new(&pairing, options.examples);
            impact.add(&pairing, &a, &b);
            let mut rejects = a.rejects();
            rejects.extend(b.rejects());
            Ok(Processed {
                value: impact,
                rejects,
            })
        },
        |impact| {
            total.merge(impact);
            Ok(Flow::Continue)
        },
    )?;
    total.explain_examples(old, new, now);
    Ok((total, summary))
}
