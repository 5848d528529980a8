//! From the counts of every record to the report: funnels, statistics, rates.

use super::dist::Sorted;
use super::flow::label;
use super::model::*;
use super::spec::Spec;
use super::tally::{grade_labels, GroupTally, Tally, GROUP_CAP};
use super::MAX_GROUPS_SHOWN;
use crate::output::number_text;
use crate::time::MS_PER_DAY;

impl Spec<'_> {
    /// The report of everything `tally` counted.
    pub fn finish(&self, tally: Tally) -> Report {
        let p = self.program;
        let mut notes = Vec::new();
        let funnel = funnel(&self.stage_names[..self.path_len], &tally.at);
        let detours = self.stage_names[self.path_len..]
            .iter()
            .zip(&tally.at[self.path_len..])
            .map(|(n, &c)| (n.clone(), c))
            .collect();
        let no_stage = tally.at.last().copied().unwrap_or(0);
        let by = self.by.as_ref().map(|(name, _)| {
            let (values, overflow, overflowed) = tally.groups.into_values();
            if overflowed > 0 {
                notes.push(format!(
                    "`{name}` has more than {GROUP_CAP} distinct values; those first seen after them are counted under (other)"
                ));
            }
            Breakdown {
                name: name.clone(),
                groups: groups(&self.stage_names[..self.path_len], values, overflow),
            }
        });
        let overall = rate(tally.hits, tally.records);
        let mut by_decile = Vec::new();
        let mut scores = Vec::new();
        for (s, t) in p.scores.iter().zip(tally.scores) {
            let sorted = t.dist.finish();
            let count = sorted.total();
            let mean = (count > 0).then(|| (t.sum + t.compensation) / count as f64);
            if sorted.relative_error > 0.0 {
                notes.push(format!(
                    "`{}` has too many distinct values to keep them all: its statistics are within a relative {}",
                    s.name,
                    error_text(sorted.relative_error)
                ));
            }
            if t.non_finite > 0 {
                notes.push(format!(
                    "{} records with an infinite or undefined `{}` (a division by zero) are left out of its statistics",
                    t.non_finite, s.name
                ));
            }
            if self.outcome.is_some() {
                by_decile.push((s.name.clone(), deciles(&sorted, overall)));
            }
            scores.push(ScoreStats {
                name: s.name.clone(),
                count: sorted.total(),
                mean,
                p10: sorted.percentile(0.1),
                p50: sorted.percentile(0.5),
                p90: sorted.percentile(0.9),
                histogram: sorted.histogram(),
                non_finite: t.non_finite,
            });
        }
        let grades: Vec<GradeCounts> = p
            .grades
            .iter()
            .zip(&tally.grades)
            .map(|(g, counts)| GradeCounts {
                name: g.name.clone(),
                labels: labels(&g.ty)
                    .into_iter()
                    .zip(counts)
                    .map(|(l, c)| (l, c[0]))
                    .collect(),
            })
            .collect();
        let outcome = self.outcome.as_ref().map(|(name, _)| OutcomeRates {
            name: name.clone(),
            rate: overall,
            by_decile,
            by_grade: p
                .grades
                .iter()
                .zip(&tally.grades)
                .map(|(g, counts)| {
                    let rates = labels(&g.ty)
                        .into_iter()
                        .zip(counts)
                        .map(|(l, c)| group_rate(RateGroup::Label(l), c[0], c[1], overall))
                        .collect();
                    (g.name.clone(), rates)
                })
                .collect(),
        });
        let dated = self.dated_names();
        let mut velocity = Vec::new();
        for (pair, dist) in dated.windows(2).zip(tally.velocity) {
            let sorted = dist.finish();
            if sorted.relative_error > 0.0 {
                notes.push(format!(
                    "the days from `{}` to `{}` are within a relative {}",
                    pair[0],
                    pair[1],
                    error_text(sorted.relative_error)
                ));
            }
            let days = |p: f64| sorted.percentile(p).map(|ms| ms / MS_PER_DAY as f64);
            velocity.push(Velocity {
                from: pair[0].clone(),
                to: pair[1].clone(),
                records: sorted.total(),
                p50_days: days(0.5),
                p90_days: days(0.9),
            });
        }
        let rows = if dated.is_empty() {
            Vec::new()
        } else {
            self.edges
                .iter()
                .zip(tally.flow)
                .map(|(&start, entered)| FlowRow {
                    period: label(self.period, start),
                    entered,
                })
                .collect()
        };
        Report {
            records: tally.records,
            funnel,
            detours,
            no_stage,
            by,
            scores,
            grades,
            outcome,
            velocity,
            flow: Flow {
                period: self.period,
                stages: dated,
                rows,
            },
            slas: tally.slas.finish(),
            notes,
        }
    }
}

/// The funnel of the path from records per stage position.
fn funnel(path: &[String], at: &[u64]) -> Vec<FunnelStep> {
    let mut steps: Vec<FunnelStep> = Vec::with_capacity(path.len());
    let mut reached: u64 = at.iter().take(path.len()).sum();
    for (i, stage) in path.iter().enumerate() {
        let here = at.get(i).copied().unwrap_or(0);
        let conversion = match steps.last() {
            Some(prev) if prev.reached > 0 => Some(reached as f64 / prev.reached as f64),
            _ => None,
        };
        steps.push(FunnelStep {
            stage: stage.clone(),
            reached,
            at: here,
            conversion,
        });
        reached -= here;
    }
    steps
}

/// The most frequent values first (ties by value), at most [`MAX_GROUPS_SHOWN`], the rest and
/// the overflow as `(other)`.
fn groups(
    path: &[String],
    mut values: Vec<(GroupValue, GroupTally)>,
    mut other: GroupTally,
) -> Vec<Group> {
    values.sort_by(|a, b| b.1.records.cmp(&a.1.records).then_with(|| a.0.cmp(&b.0)));
    let rest = values.split_off(values.len().min(MAX_GROUPS_SHOWN));
    for (_, t) in &rest {
        other.records += t.records;
        if other.at.len() < t.at.len() {
            other.at.resize(t.at.len(), 0);
        }
        for (a, b) in other.at.iter_mut().zip(&t.at) {
            *a += b;
        }
    }
    if other.records > 0 {
        values.push((GroupValue::Other, other));
    }
    values
        .into_iter()
        .map(|(value, t)| Group {
            value,
            records: t.records,
            funnel: funnel(path, &t.at),
        })
        .collect()
}

fn rate(hits: u64, records: u64) -> Option<f64> {
    (records > 0).then(|| hits as f64 / records as f64)
}

fn group_rate(group: RateGroup, records: u64, hits: u64, overall: Option<f64>) -> Rate {
    let r = rate(hits, records);
    Rate {
        group,
        records,
        rate: r,
        lift: match (r, overall) {
            (Some(r), Some(o)) if o > 0.0 => Some(r / o),
            _ => None,
        },
    }
}

fn deciles(sorted: &Sorted, overall: Option<f64>) -> Vec<Rate> {
    sorted
        .deciles()
        .into_iter()
        .map(|d| {
            let group = RateGroup::Decile {
                decile: d.decile,
                from: d.from,
                to: d.to,
            };
            group_rate(group, d.records, d.hits, overall)
        })
        .collect()
}

fn labels(ty: &crate::ir::Ty) -> Vec<String> {
    match ty.base() {
        crate::ir::Ty::Enum(e) => e.values.clone(),
        _ => vec![String::new(); grade_labels(ty)],
    }
}

/// `4e-6`: an error bound, one significant digit, rounded up.
fn error_text(e: f64) -> String {
    let exp = e.log10().floor();
    let digit = (e / 10f64.powf(exp)).ceil();
    format!("{}e{}", number_text(digit), exp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn funnels_count_reached_as_at_or_past() {
        let path: Vec<String> = ["Lead", "MQL", "SQL"].map(String::from).to_vec();
        // at: Lead 5, MQL 3, SQL 2, a detour 4, none 1
        let f = funnel(&path, &[5, 3, 2, 4, 1]);
        let reached: Vec<u64> = f.iter().map(|s| s.reached).collect();
        assert_eq!(reached, [10, 5, 2]);
        assert_eq!(f[0].conversion, None);
        assert_eq!(f[1].conversion, Some(0.5));
        assert_eq!(f[2].conversion, Some(0.4));
        let empty = funnel(&path, &[0, 0, 0, 7]);
        assert_eq!(
            empty[1].conversion, None,
            "nothing reached the stage before"
        );
    }

    #[test]
    fn groups_keep_the_largest_and_sum_the_rest() {
        let path = vec!["Lead".to_string()];
        let values: Vec<(GroupValue, GroupTally)> = (0..25)
            .map(|i| {
                (
                    GroupValue::Str(format!("v{i:02}")),
                    GroupTally {
                        records: 1 + (i % 3),
                        at: vec![1 + (i % 3), 0],
                    },
                )
            })
            .collect();
        let g = groups(&path, values, GroupTally::default());
        assert_eq!(g.len(), MAX_GROUPS_SHOWN + 1);
        assert_eq!(g[0].value, GroupValue::Str("v02".into()));
        assert_eq!(g[0].records, 3);
        let other = &g[MAX_GROUPS_SHOWN];
        assert_eq!(other.value, GroupValue::Other);
        assert_eq!(
            g.iter().map(|x| x.records).sum::<u64>(),
            (0..25u64).map(|i| 1 + i % 3).sum::<u64>()
        );
        assert_eq!(other.funnel[0].reached, other.records);
    }

    #[test]
    fn error_bounds_read_as_one_digit() {
        assert_eq!(error_text(3.814697265625e-6), "4e-6");
        assert_eq!(error_text(0.25), "3e-1");
    }
}
