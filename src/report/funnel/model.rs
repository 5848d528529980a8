//! A finished report: what every renderer (text, Markdown, JSON, HTML) lays out.

use crate::ir::Period;
use crate::report::sla::SlaResult;

/// Everything `smql report` shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Records evaluated (rejects left out).
    pub records: u64,
    /// The path's stages, in order; empty without `stages`.
    pub funnel: Vec<FunnelStep>,
    /// Records at each detour, in declared order.
    pub detours: Vec<(String, u64)>,
    /// Records on no stage (all of them without `stages`).
    pub no_stage: u64,
    pub by: Option<Breakdown>,
    pub scores: Vec<ScoreStats>,
    pub grades: Vec<GradeCounts>,
    pub outcome: Option<OutcomeRates>,
    pub velocity: Vec<Velocity>,
    pub flow: Flow,
    pub slas: Vec<SlaResult>,
    /// What a reader should know about how the numbers were made (approximations, values left
    /// out), one sentence each.
    pub notes: Vec<String>,
}

/// One stage of the funnel.
#[derive(Debug, Clone, PartialEq)]
pub struct FunnelStep {
    pub stage: String,
    /// Records at this stage or past it on the path.
    pub reached: u64,
    /// Records at this stage.
    pub at: u64,
    /// `reached` over the previous stage's `reached`; `None` for the first stage, or after a
    /// stage no record reached.
    pub conversion: Option<f64>,
}

/// The funnel per value of `--by`.
#[derive(Debug, Clone, PartialEq)]
pub struct Breakdown {
    pub name: String,
    /// The most frequent values first (at most [`super::MAX_GROUPS_SHOWN`]), then `(other)`.
    pub groups: Vec<Group>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub value: GroupValue,
    pub records: u64,
    pub funnel: Vec<FunnelStep>,
}

/// A value of the `--by` name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GroupValue {
    Missing,
    Bool(bool),
    Str(String),
    /// The values past the first ones, together.
    Other,
}

impl GroupValue {
    /// As a person reads it: `organic`, `true`, `(missing)`, `(other)`.
    pub fn text(&self) -> &str {
        match self {
            GroupValue::Missing => "(missing)",
            GroupValue::Bool(true) => "true",
            GroupValue::Bool(false) => "false",
            GroupValue::Str(s) => s,
            GroupValue::Other => "(other)",
        }
    }
}

/// One score over the records.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreStats {
    pub name: String,
    /// Records with a finite score.
    pub count: u64,
    pub mean: Option<f64>,
    pub p10: Option<f64>,
    pub p50: Option<f64>,
    pub p90: Option<f64>,
    pub histogram: Vec<super::dist::Bin>,
    /// Records whose score is infinite or NaN (a division by zero), left out of the above.
    pub non_finite: u64,
}

/// One grade's labels, in declared order, with their records.
#[derive(Debug, Clone, PartialEq)]
pub struct GradeCounts {
    pub name: String,
    pub labels: Vec<(String, u64)>,
}

/// `--outcome`: how often records have it, per score decile and per grade label.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeRates {
    pub name: String,
    /// Over every record; `None` without records.
    pub rate: Option<f64>,
    /// Per score, its non-empty deciles, lowest first.
    pub by_decile: Vec<(String, Vec<Rate>)>,
    /// Per grade, every label in declared order.
    pub by_grade: Vec<(String, Vec<Rate>)>,
}

/// The outcome rate of one group of records (a decile or a grade label).
#[derive(Debug, Clone, PartialEq)]
pub struct Rate {
    /// `decile 3`'s `3`, or the label.
    pub group: RateGroup,
    pub records: u64,
    /// `None` for a group without records.
    pub rate: Option<f64>,
    /// `rate` over the overall rate; `None` when either is missing or the overall rate is 0.
    pub lift: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RateGroup {
    /// A decile (1 to 10) and the scores it spans.
    Decile {
        decile: u8,
        from: f64,
        to: f64,
    },
    Label(String),
}

/// Time between two consecutive dated stages, for the records that have both dates.
#[derive(Debug, Clone, PartialEq)]
pub struct Velocity {
    pub from: String,
    pub to: String,
    pub records: u64,
    pub p50_days: Option<f64>,
    pub p90_days: Option<f64>,
}

/// Records entering each dated stage per period (by the stage's date).
#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    pub period: Period,
    /// The dated stages, in path order: the columns of every row.
    pub stages: Vec<String>,
    /// Oldest first; empty without dated stages.
    pub rows: Vec<FlowRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FlowRow {
    /// `2026-10`, `2026-W43`, `2026-Q4`, `2026-10-31`.
    pub period: String,
    /// Per stage of [`Flow::stages`].
    pub entered: Vec<u64>,
}
