//! SLA computation (docs/language.md, "SLAs"): per-lead accumulation, merging of partial results, and the report.
//!
//! Batches are evaluated in parallel, each into its own [`SlaAccumulator`]; the accumulators are
//! then [`merge`](SlaAccumulator::merge)d (in input order, though the counts do not depend on
//! it) and [`finish`](SlaAccumulator::finish)ed into one [`SlaResult`] per SLA.
//!
//! Decisions the language leaves open (documented in docs/language.md, "SLAs"):
//! - A deadline exactly `within` is met (`until - from <= within`); a missing `until` is breached
//!   only once `now - from` is strictly more than `within`.
//! - Compliance is `met / (met + breached)`; with nothing met or breached it is `None` (JSON
//!   `null`, shown `n/a`) and the SLA passes: nothing was breached. The comparison with the
//!   target allows a relative error of 1e-9 so `9/10` passes a `90%` target however `90%` was
//!   computed.
//! - Volume: a period is finished when it ends at or before `now`; the period containing `now`
//!   and periods after it (future timestamps in the data) are pending. Periods run from the first
//!   to the last period holding a counted lead; periods in between without leads are reported
//!   with count 0 (met or missed as any other: a month without MQLs is a missed month). Periods
//!   before the first or after the last lead are not invented (the data may simply not cover
//!   them). Past 10,000 periods in that range, empty ones are left out. Volume SLAs report
//!   `met`/`breached`/`pending` as numbers of periods, compliance over finished periods, no
//!   target, and pass when no finished period is missed.
//! - A lead whose SLA expressions fail to evaluate (an overflow) counts for no SLA:
//!   [`SlaAccumulator::add_lead`] returns the error and the caller reports or skips the lead.

mod period;
mod render;

pub use period::{label as period_label, next_start as next_period_start, period_start};
pub use render::{render_json, render_table, to_json};

use crate::eval::{eval_expr, EvalError, LeadValues, RowExpr, Scratch};
use crate::ir::{Expr, Period, Program, SlaKind};
use crate::time::MS_PER_DAY;
use crate::value::Value;
use std::collections::BTreeMap;

/// Periods past which empty periods of a volume SLA are no longer listed.
const MAX_FILLED_PERIODS: usize = 10_000;

/// Running counts of every SLA of a program.
#[derive(Debug, Clone, PartialEq)]
pub struct SlaAccumulator {
    now: i64,
    /// Name, owner and kind of each SLA, for [`SlaAccumulator::finish`].
    slas: Vec<(String, String, Rules)>,
    counts: Vec<Counts>,
}

/// What `finish` needs of an SLA's declaration.
#[derive(Debug, Clone, PartialEq)]
enum Rules {
    Deadline {
        target: f64,
    },
    Condition {
        target: f64,
    },
    Volume {
        per: Period,
        at_least: Option<f64>,
        at_most: Option<f64>,
    },
}

/// One SLA's counts: leads for deadline/condition SLAs, leads per period start day for volume.
#[derive(Debug, Clone, Default, PartialEq)]
struct Counts {
    met: u64,
    breached: u64,
    pending: u64,
    periods: BTreeMap<i64, u64>,
}

/// What one lead contributes to one SLA.
enum Outcome {
    NotCounted,
    Met,
    Breached,
    Pending,
    InPeriod(i64),
}

impl SlaAccumulator {
    pub fn new(program: &Program, now: i64) -> SlaAccumulator {
        let slas = program
            .slas
            .iter()
            .map(|sla| {
                let rules = match &sla.kind {
                    SlaKind::Deadline { target, .. } => Rules::Deadline { target: *target },
                    SlaKind::Condition { target, .. } => Rules::Condition { target: *target },
                    SlaKind::Volume {
                        per,
                        at_least,
                        at_most,
                        ..
                    } => Rules::Volume {
                        per: *per,
                        at_least: *at_least,
                        at_most: *at_most,
                    },
                };
                (sla.name.clone(), sla.owner.clone(), rules)
            })
            .collect();
        SlaAccumulator {
            now,
            slas,
            counts: vec![Counts::default(); program.slas.len()],
        }
    }

    /// Adds one evaluated lead (`values` from [`crate::eval::eval_lead`]). On an evaluation error
    /// the lead counts for no SLA.
    pub fn add_lead(
        &mut self,
        program: &Program,
        lead: &[Value],
        values: &LeadValues,
    ) -> Result<(), EvalError> {
        let now = self.now;
        self.add(program, &mut |sla, k| match program.slas.get(sla) {
            Some(s) => eval_expr(program, line(&s.kind, k), lead, values, now),
            None => Err(EvalError::internal(crate::Span::default(), "no such SLA")),
        })
    }

    /// Adds every row of `outcome` that evaluated; a row whose SLA expressions fail to evaluate
    /// (an overflow) counts for no SLA and is returned as a reject.
    pub fn add_outcome(&mut self, outcome: &crate::eval::Outcome) -> Vec<crate::data::Reject> {
        let program = outcome.program();
        let lines = SlaLines::new(program);
        let mut scratch = Scratch::new(program);
        let mut rejects = Vec::new();
        for row in outcome.ok_rows() {
            if let Err(e) = self.add_row(&lines, outcome, row, &mut scratch) {
                rejects.push(outcome.batch().reject(row, e.message));
            }
        }
        rejects
    }

    /// Adds row `row` of `outcome`, each SLA line reading only the names it uses
    /// ([`RowExpr`]), not a copy of the whole lead. On an evaluation error the row counts for
    /// no SLA.
    pub fn add_row(
        &mut self,
        lines: &SlaLines,
        outcome: &crate::eval::Outcome,
        row: usize,
        scratch: &mut Scratch,
    ) -> Result<(), EvalError> {
        self.add(outcome.program(), &mut |sla, k| match lines
            .starts
            .get(sla)
            .and_then(|&at| lines.readers.get(at + k))
        {
            Some(r) => r.eval(outcome, row, scratch),
            None => Err(EvalError::internal(
                crate::Span::default(),
                "an SLA line was not prepared",
            )),
        })
    }

    /// Counts one lead, whose SLA lines `eval` computes (`eval(i, k)`: line `k` of SLA `i`, in
    /// the order of [`line`]): for no SLA if one of them fails.
    fn add(
        &mut self,
        program: &Program,
        eval: &mut dyn FnMut(usize, usize) -> Result<Value, EvalError>,
    ) -> Result<(), EvalError> {
        // Counted as they are computed, with no list of outcomes per lead; an error (rare: an
        // overflow) takes back the counts of the SLAs before it, computed again.
        for (i, sla) in program.slas.iter().enumerate() {
            match outcome(&sla.kind, self.now, &mut |k| eval(i, k)) {
                Ok(o) => self.count(i, o, 1),
                Err(e) => {
                    for (j, sla) in program.slas.iter().enumerate().take(i) {
                        if let Ok(o) = outcome(&sla.kind, self.now, &mut |k| eval(j, k)) {
                            self.count(j, o, -1);
                        }
                    }
                    return Err(e);
                }
            }
        }
        Ok(())
    }

    /// Adds (`by` 1) or takes back (`by` -1) one lead's outcome for SLA `i`.
    fn count(&mut self, i: usize, o: Outcome, by: i8) {
        let Some(counts) = self.counts.get_mut(i) else {
            return;
        };
        let step = |n: &mut u64| *n = if by > 0 { *n + 1 } else { n.saturating_sub(1) };
        match o {
            Outcome::NotCounted => {}
            Outcome::Met => step(&mut counts.met),
            Outcome::Breached => step(&mut counts.breached),
            Outcome::Pending => step(&mut counts.pending),
            Outcome::InPeriod(start) => {
                let n = counts.periods.entry(start).or_insert(0);
                step(n);
                // A period taken back to nothing was never seen: the periods listed run from
                // the first to the last one with a lead.
                if *n == 0 {
                    counts.periods.remove(&start);
                }
            }
        }
    }

    /// Adds the counts of another accumulator of the same program.
    pub fn merge(&mut self, other: SlaAccumulator) {
        for (a, b) in self.counts.iter_mut().zip(other.counts) {
            a.met += b.met;
            a.breached += b.breached;
            a.pending += b.pending;
            for (start, n) in b.periods {
                *a.periods.entry(start).or_insert(0) += n;
            }
        }
    }

    /// One result per SLA, in declaration order.
    pub fn finish(self) -> Vec<SlaResult> {
        let now = self.now;
        self.slas
            .into_iter()
            .zip(self.counts)
            .map(|((name, owner, rules), c)| {
                let (kind, target, periods) = match rules {
                    Rules::Deadline { target } => (SlaKindName::Deadline, Some(target), None),
                    Rules::Condition { target } => (SlaKindName::Condition, Some(target), None),
                    Rules::Volume {
                        per,
                        at_least,
                        at_most,
                    } => (
                        SlaKindName::Volume,
                        None,
                        Some(periods(&c.periods, per, at_least, at_most, now)),
                    ),
                };
                let (met, breached, pending) = match &periods {
                    Some(ps) => {
                        let n =
                            |s: PeriodStatus| ps.iter().filter(|p| p.status == s).count() as u64;
                        (
                            n(PeriodStatus::Met),
                            n(PeriodStatus::Missed),
                            n(PeriodStatus::Pending),
                        )
                    }
                    None => (c.met, c.breached, c.pending),
                };
                let decided = met + breached;
                let compliance = (decided > 0).then(|| met as f64 / decided as f64);
                let passed = match (kind, compliance, target) {
                    (SlaKindName::Volume, _, _) => breached == 0,
                    (_, Some(c), Some(t)) => c >= t - 1e-9 * t.abs().max(1.0),
                    _ => true,
                };
                SlaResult {
                    name,
                    owner,
                    kind,
                    met,
                    breached,
                    pending,
                    compliance,
                    target,
                    passed,
                    periods: periods.unwrap_or_default(),
                }
            })
            .collect()
    }
}

/// The lines of a program's SLAs, ready to read over batches ([`SlaAccumulator::add_row`]).
pub struct SlaLines<'p> {
    /// Every SLA's lines in the order of [`line`], one SLA after the other.
    readers: Vec<RowExpr<'p>>,
    /// Where each SLA's lines start in `readers`.
    starts: Vec<usize>,
}

impl<'p> SlaLines<'p> {
    pub fn new(program: &'p Program) -> SlaLines<'p> {
        let mut readers = Vec::new();
        let mut starts = Vec::with_capacity(program.slas.len());
        for sla in &program.slas {
            starts.push(readers.len());
            readers.extend(lines(&sla.kind).map(RowExpr::new));
        }
        SlaLines { readers, starts }
    }
}

/// Lines of an SLA at most.
const LINES: usize = 3;

/// The expressions of an SLA's lines: `population` first, then `from` and `until`, `require`,
/// or `by`.
fn lines(kind: &SlaKind) -> [&Expr; LINES] {
    match kind {
        SlaKind::Deadline {
            population,
            from,
            until,
            ..
        } => [population, from, until],
        SlaKind::Condition {
            population,
            require,
            ..
        } => [population, require, require],
        SlaKind::Volume { population, by, .. } => [population, by, by],
    }
}

/// Line `k` of an SLA (see [`lines`]).
fn line(kind: &SlaKind, k: usize) -> &Expr {
    let all = lines(kind);
    all[k.min(LINES - 1)]
}

/// What one lead contributes to an SLA of kind `kind`; `eval(k)` computes its line `k` (see
/// [`lines`]).
fn outcome(
    kind: &SlaKind,
    now: i64,
    eval: &mut dyn FnMut(usize) -> Result<Value, EvalError>,
) -> Result<Outcome, EvalError> {
    type Eval<'a> = &'a mut dyn FnMut(usize) -> Result<Value, EvalError>;
    let holds = |eval: Eval, k: usize| -> Result<bool, EvalError> {
        match eval(k)? {
            Value::Bool(b) => Ok(b),
            other => Err(EvalError::internal(
                line(kind, k).span,
                format!("expected a bool, found {other:?}"),
            )),
        }
    };
    let instant = |eval: Eval, k: usize| -> Result<Option<i64>, EvalError> {
        match eval(k)? {
            Value::Timestamp(t) => Ok(Some(t)),
            Value::Missing => Ok(None),
            other => Err(EvalError::internal(
                line(kind, k).span,
                format!("expected a timestamp, found {other:?}"),
            )),
        }
    };
    Ok(match kind {
        SlaKind::Deadline { within_ms, .. } => {
            if !holds(eval, 0)? {
                return Ok(Outcome::NotCounted);
            }
            let Some(from) = instant(eval, 1)? else {
                return Ok(Outcome::NotCounted);
            };
            // i128: no overflow whatever the timestamps.
            let within = *within_ms as i128;
            match instant(eval, 2)? {
                Some(until) if until as i128 - from as i128 <= within => Outcome::Met,
                Some(_) => Outcome::Breached,
                None if now as i128 - from as i128 > within => Outcome::Breached,
                None => Outcome::Pending,
            }
        }
        SlaKind::Condition { .. } => {
            if !holds(eval, 0)? {
                Outcome::NotCounted
            } else if holds(eval, 1)? {
                Outcome::Met
            } else {
                Outcome::Breached
            }
        }
        SlaKind::Volume { per, .. } => {
            if !holds(eval, 0)? {
                return Ok(Outcome::NotCounted);
            }
            match instant(eval, 1)? {
                Some(t) => Outcome::InPeriod(period_start(*per, t)),
                None => Outcome::NotCounted,
            }
        }
    })
}

/// Every period from the first to the last counted one, empty ones included (up to a cap).
fn periods(
    counts: &BTreeMap<i64, u64>,
    per: Period,
    at_least: Option<f64>,
    at_most: Option<f64>,
    now: i64,
) -> Vec<PeriodResult> {
    let (Some(&first), Some(&last)) = (counts.keys().next(), counts.keys().next_back()) else {
        return Vec::new();
    };
    let mut starts = Vec::new();
    let mut day = first;
    while day <= last && starts.len() <= MAX_FILLED_PERIODS {
        starts.push(day);
        day = next_start(per, day);
    }
    if starts.len() > MAX_FILLED_PERIODS {
        starts = counts.keys().copied().collect();
    }
    starts
        .into_iter()
        .map(|start| {
            let count = counts.get(&start).copied().unwrap_or(0);
            let end_ms = (next_start(per, start) as i128) * MS_PER_DAY as i128;
            let status = if end_ms > now as i128 {
                PeriodStatus::Pending
            } else if at_least.is_some_and(|n| (count as f64) < n)
                || at_most.is_some_and(|n| (count as f64) > n)
            {
                PeriodStatus::Missed
            } else {
                PeriodStatus::Met
            };
            PeriodResult {
                period: period::label(per, start),
                start_ms: (start as i128 * MS_PER_DAY as i128)
                    .clamp(i64::MIN as i128, i64::MAX as i128) as i64,
                count,
                status,
            }
        })
        .collect()
}

use period::next_start;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaKindName {
    Deadline,
    Condition,
    Volume,
}

impl SlaKindName {
    pub fn as_str(self) -> &'static str {
        match self {
            SlaKindName::Deadline => "deadline",
            SlaKindName::Condition => "condition",
            SlaKindName::Volume => "volume",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodStatus {
    Met,
    Missed,
    Pending,
}

impl PeriodStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodStatus::Met => "met",
            PeriodStatus::Missed => "missed",
            PeriodStatus::Pending => "pending",
        }
    }
}

/// One SLA's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct SlaResult {
    pub name: String,
    pub owner: String,
    pub kind: SlaKindName,
    /// Leads (deadline, condition) or finished periods (volume) that met the SLA.
    pub met: u64,
    /// Leads that breached it, or finished periods that missed it.
    pub breached: u64,
    /// Leads still within their deadline, or unfinished periods.
    pub pending: u64,
    /// `met / (met + breached)`; `None` when both are 0.
    pub compliance: Option<f64>,
    /// The `target` fraction (deadline, condition).
    pub target: Option<f64>,
    pub passed: bool,
    /// Volume SLAs: every period, oldest first.
    pub periods: Vec<PeriodResult>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PeriodResult {
    /// `2026-11`, `2026-W05`, `2026-Q4`, `2026`, `2026-11-25`.
    pub period: String,
    /// The period's first instant, epoch milliseconds.
    pub start_ms: i64,
    pub count: u64,
    pub status: PeriodStatus,
}

#[cfg(test)]
mod tests;
