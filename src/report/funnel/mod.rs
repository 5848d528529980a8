//! `smql report`: the numbers of the weekly meeting of marketing and sales (docs/commands.md,
//! `smql report`): the funnel, a breakdown of it, the scores and grades, how well the scores
//! sort leads by an outcome, the time between stages, the lead flow per period, and the SLAs.
//!
//! Every number comes from one read of the data: each batch is evaluated and counted on a
//! worker ([`Tally::add_outcome`]), the tallies are merged in input order ([`Tally::merge`]) and
//! the report is made from the total ([`Spec::finish`]). Memory is bounded by the batch size
//! and the distinct values the report keeps (see [`dist`] and [`tally::GROUP_CAP`]), not by the
//! number of records.
//!
//! Decisions where the language's contract is silent (documented in docs/commands.md):
//! - A stage without a date is skipped by velocity: each dated stage is paired with the next
//!   dated one (`SQL at sql_at -> Opportunity -> Customer at closed_at` measures SQL to
//!   Customer). The lead flow has a column per dated stage.
//! - The lead flow shows the last twelve periods up to the one holding `now` (`--as-of`),
//!   periods without entries included; dates before the first period and after `now` (not
//!   entered yet) are not counted.
//! - `--outcome` names a stage (records at it or past it on the path), a detour (records in it)
//!   or a boolean definition (records for which it holds). A name that is both a stage and a
//!   definition is the stage.
//! - Deciles are listed only when they have records: a run of equal scores longer than a tenth
//!   of the records takes the decile of its middle record and leaves its neighbours empty.
//! - `--by` groups are the values with the most records, ties by value; a missing value is a
//!   group of its own (`(missing)`, `null` in JSON). The key field cannot be a breakdown.
//! - Histograms have ten bins of a round width (see [`dist::Sorted::histogram`]), the last bin
//!   closed.

pub mod dist;
mod finish;
mod flow;
mod html;
mod json;
mod markdown;
pub mod model;
mod spec;
mod tally;
mod text;

pub use flow::PERIODS;
pub use html::render_html;
pub use model::*;
pub use spec::{OptionError, ReportOptions, Spec, Target};
pub use tally::{Tally, GROUP_CAP};

/// `--by` values shown before `(other)`.
pub const MAX_GROUPS_SHOWN: usize = 20;
