//! The counts of a report over some records: made per batch on a worker, merged in input order.

use super::dist::Distribution;
use super::flow::slot;
use super::model::GroupValue;
use super::spec::{Spec, Target};
use crate::data::{Column, Reject, Scalar};
use crate::eval::{Outcome, Scratch, Source};
use crate::ir::ExprKind;
use crate::output::Cell;
use crate::report::sla::{SlaAccumulator, SlaLines};
use crate::value::Value;
use hashbrown::HashMap;

/// Distinct `--by` values counted apart; values first seen after them count as `(other)`.
pub const GROUP_CAP: usize = 100_000;

/// Counts of one set of records.
#[derive(Debug, Clone)]
pub struct Tally {
    pub(super) records: u64,
    /// Records per stage position (the path, the detours), then with no stage.
    pub(super) at: Vec<u64>,
    pub(super) groups: Groups,
    pub(super) scores: Vec<ScoreTally>,
    /// Per grade, per label position: records and hits.
    pub(super) grades: Vec<Vec<[u64; 2]>>,
    /// Records with the outcome.
    pub(super) hits: u64,
    /// Per pair of consecutive dated stages: the milliseconds between their dates.
    pub(super) velocity: Vec<Distribution>,
    /// Per period of the window, per dated stage: records entering it.
    pub(super) flow: Vec<Vec<u64>>,
    pub(super) slas: SlaAccumulator,
}

/// The funnel of one `--by` value.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct GroupTally {
    pub records: u64,
    pub at: Vec<u64>,
}

/// Funnels per `--by` value.
#[derive(Debug, Clone, Default)]
pub(super) struct Groups {
    pub strs: HashMap<Box<str>, GroupTally>,
    pub bools: [GroupTally; 2],
    pub missing: GroupTally,
    /// Values past [`GROUP_CAP`].
    pub overflow: GroupTally,
    /// How many distinct values went to `overflow` (counted per batch, so an upper bound).
    pub overflowed: u64,
}

#[derive(Debug, Clone, Default)]
pub(super) struct ScoreTally {
    pub dist: Distribution,
    /// Neumaier's compensated sum of the finite scores: the mean does not drift over millions.
    pub sum: f64,
    pub compensation: f64,
    pub non_finite: u64,
}

impl ScoreTally {
    fn add(&mut self, x: f64, hit: bool) {
        if !x.is_finite() {
            self.non_finite += 1;
            return;
        }
        self.dist.add(x, hit);
        self.add_to_sum(x);
    }

    fn add_to_sum(&mut self, x: f64) {
        let t = self.sum + x;
        if self.sum.abs() >= x.abs() {
            self.compensation += (self.sum - t) + x;
        } else {
            self.compensation += (x - t) + self.sum;
        }
        self.sum = t;
    }

    fn merge(&mut self, other: ScoreTally) {
        self.dist.merge(other.dist);
        self.add_to_sum(other.sum);
        self.compensation += other.compensation;
        self.non_finite += other.non_finite;
    }
}

impl GroupTally {
    fn new(stages: usize) -> GroupTally {
        GroupTally {
            records: 0,
            at: vec![0; stages],
        }
    }

    fn add(&mut self, other: &GroupTally) {
        self.records += other.records;
        if self.at.len() < other.at.len() {
            self.at.resize(other.at.len(), 0);
        }
        for (a, b) in self.at.iter_mut().zip(&other.at) {
            *a += b;
        }
    }
}

impl Tally {
    pub fn new(spec: &Spec) -> Tally {
        let p = spec.program;
        let positions = spec.stage_names.len() + 1;
        Tally {
            records: 0,
            at: vec![0; positions],
            groups: Groups::default(),
            scores: vec![ScoreTally::default(); p.scores.len()],
            grades: p
                .grades
                .iter()
                .map(|g| vec![[0, 0]; grade_labels(&g.ty)])
                .collect(),
            hits: 0,
            velocity: vec![Distribution::default(); spec.dates.len().saturating_sub(1)],
            flow: vec![vec![0; spec.dates.len()]; spec.edges.len().saturating_sub(1)],
            slas: SlaAccumulator::new(p, spec.now),
        }
    }

    /// Adds every row of `outcome` that evaluated. A row whose stage dates or SLA lines fail to
    /// evaluate (an overflow in a date expression) is counted nowhere and returned as a reject.
    pub fn add_outcome(&mut self, spec: &Spec, outcome: &Outcome) -> Vec<Reject> {
        let p = spec.program;
        let positions = self.at.len();
        let no_stage = positions - 1;
        let sla_lines = SlaLines::new(p);
        let mut scratch = Scratch::new(p);
        let by_cells = spec
            .by
            .as_ref()
            .map(|(_, name)| outcome.cells(Source::Name(*name)));
        let mut local: HashMap<&str, GroupTally> = HashMap::new();
        let mut dates: Vec<Option<i64>> = vec![None; spec.dates.len()];
        let mut rejects = Vec::new();
        let target = spec.outcome.as_ref().map(|(_, t)| *t);
        // Whole columns once per batch (borrowed from the JIT's results), not a lookup per row.
        let stages = outcome.stage_index_column(no_stage as u32);
        let scores: Vec<_> = (0..self.scores.len())
            .map(|i| outcome.score_column(crate::ir::ScoreId(i as u32)))
            .collect();
        let grades: Vec<_> = (0..self.grades.len())
            .map(|i| outcome.grade_index_column(crate::ir::GradeId(i as u32)))
            .collect();
        // A stage date that is a timestamp field (the usual case) is read from its column.
        let date_columns: Vec<Option<&Scalar<i64>>> = spec
            .dates
            .iter()
            .map(|(_, date)| match &date.expr().kind {
                ExprKind::Field(f) => match outcome.batch().columns.get(f.0 as usize) {
                    Some(Column::Timestamp(c)) => Some(c),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        'rows: for row in outcome.ok_rows() {
            for ((slot, (_, date)), column) in dates.iter_mut().zip(&spec.dates).zip(&date_columns)
            {
                if let Some(c) = column {
                    *slot = c.get(row);
                    continue;
                }
                match date.instant(outcome, row, &mut scratch) {
                    Ok(t) => *slot = t,
                    Err(e) => {
                        rejects.push(outcome.batch().reject(row, e.message));
                        continue 'rows;
                    }
                }
            }
            if let Err(e) = self.slas.add_row(&sla_lines, outcome, row, &mut scratch) {
                rejects.push(outcome.batch().reject(row, e.message));
                continue;
            }
            self.records += 1;
            let stage = stages
                .get(row)
                .map_or(no_stage, |&i| (i as usize).min(no_stage));
            self.at[stage] += 1;
            let hit = match target {
                None => false,
                Some(Target::Def(id)) => outcome.def(id, row) == Value::Bool(true),
                Some(Target::Reached(k)) => stage >= k as usize && stage < spec.path_len,
                Some(Target::InDetour(i)) => stage == i as usize,
            };
            self.hits += u64::from(hit);
            if let Some(cells) = &by_cells {
                let tally = match cells.cell(row) {
                    Cell::Str(s) => local.entry(s).or_insert_with(|| GroupTally::new(positions)),
                    Cell::Bool(b) => &mut self.groups.bools[usize::from(b)],
                    Cell::Value(v) => match v.as_ref() {
                        // A computed string (a definition, in the JIT) owns its text.
                        Value::Str(s) => {
                            let key: &str = s;
                            match self.groups.strs.get_mut(key) {
                                Some(t) => t,
                                None => self
                                    .groups
                                    .strs
                                    .entry(Box::from(key))
                                    .or_insert_with(|| GroupTally::new(positions)),
                            }
                        }
                        Value::Bool(b) => &mut self.groups.bools[usize::from(*b)],
                        _ => &mut self.groups.missing,
                    },
                    _ => &mut self.groups.missing,
                };
                if tally.at.len() < positions {
                    tally.at.resize(positions, 0);
                }
                tally.records += 1;
                tally.at[stage] += 1;
            }
            for (score, column) in self.scores.iter_mut().zip(&scores) {
                score.add(column.get(row).copied().unwrap_or(0.0), hit);
            }
            for (labels, column) in self.grades.iter_mut().zip(&grades) {
                let label = column.get(row).map_or(usize::MAX, |&l| l as usize);
                if let Some(c) = labels.get_mut(label) {
                    c[0] += 1;
                    c[1] += u64::from(hit);
                }
            }
            for (pair, dist) in dates.windows(2).zip(&mut self.velocity) {
                if let [Some(a), Some(b)] = pair {
                    // i128: no overflow whatever the timestamps.
                    dist.add((*b as i128 - *a as i128) as f64, false);
                }
            }
            for (j, date) in dates.iter().enumerate() {
                // A date after `now` has not happened yet (or is a mistake): no one entered.
                let entered = date.filter(|&t| t <= spec.now);
                if let Some(k) = entered.and_then(|t| slot(&spec.edges, t)) {
                    self.flow[k][j] += 1;
                }
            }
        }
        for (value, tally) in local {
            self.groups
                .strs
                .entry(Box::from(value))
                .or_insert_with(|| GroupTally::new(positions))
                .add(&tally);
        }
        self.seal();
        rejects
    }

    /// Sorts the values of every distribution into runs: on the worker, so that the thread
    /// merging batches in input order only merges sorted runs.
    fn seal(&mut self) {
        for s in &mut self.scores {
            s.dist.seal();
        }
        for d in &mut self.velocity {
            d.seal();
        }
    }

    /// Adds the counts of another tally of the same report (batches in input order).
    pub fn merge(&mut self, other: Tally) {
        self.records += other.records;
        for (a, b) in self.at.iter_mut().zip(&other.at) {
            *a += b;
        }
        self.groups.merge(other.groups);
        for (a, b) in self.scores.iter_mut().zip(other.scores) {
            a.merge(b);
        }
        for (a, b) in self.grades.iter_mut().zip(&other.grades) {
            for (x, y) in a.iter_mut().zip(b) {
                x[0] += y[0];
                x[1] += y[1];
            }
        }
        self.hits += other.hits;
        for (a, b) in self.velocity.iter_mut().zip(other.velocity) {
            a.merge(b);
        }
        for (a, b) in self.flow.iter_mut().zip(&other.flow) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        self.slas.merge(other.slas);
    }
}

impl Groups {
    fn merge(&mut self, other: Groups) {
        for (value, tally) in other.strs {
            if let Some(mine) = self.strs.get_mut(&value) {
                mine.add(&tally);
            } else if self.strs.len() < GROUP_CAP {
                self.strs.insert(value, tally);
            } else {
                self.overflow.add(&tally);
                self.overflowed += 1;
            }
        }
        for (a, b) in self.bools.iter_mut().zip(&other.bools) {
            a.add(b);
        }
        self.missing.add(&other.missing);
        self.overflow.add(&other.overflow);
        self.overflowed += other.overflowed;
    }

    /// Every value with records, and the overflow.
    pub fn into_values(self) -> (Vec<(GroupValue, GroupTally)>, GroupTally, u64) {
        let mut out: Vec<(GroupValue, GroupTally)> = self
            .strs
            .into_iter()
            .map(|(k, t)| (GroupValue::Str(k.into()), t))
            .collect();
        let [f, t] = self.bools;
        out.push((GroupValue::Bool(false), f));
        out.push((GroupValue::Bool(true), t));
        out.push((GroupValue::Missing, self.missing));
        out.retain(|(_, t)| t.records > 0);
        (out, self.overflow, self.overflowed)
    }
}

/// Labels of a grade's type.
pub(super) fn grade_labels(ty: &crate::ir::Ty) -> usize {
    match ty.base() {
        crate::ir::Ty::Enum(e) => e.values.len(),
        _ => 0,
    }
}
