//! The report as Markdown (a wiki page, a pull-request comment): a heading and a table per
//! section, user text escaped.

use super::model::*;
use super::text::{
    days, end_to_end, funnel_rows, lift, percent, period_name, range, records, stat,
};
use crate::report::doc::{markdown_code as code, markdown_text as text};
use std::fmt::Write;

/// A Markdown table: header, alignment row (`---:` for numbers), rows.
fn table(out: &mut String, header: &[String], right: &[bool], rows: &[Vec<String>]) {
    let _ = writeln!(out, "| {} |", header.join(" | "));
    let align: Vec<&str> = (0..header.len())
        .map(|i| {
            if right.get(i).copied().unwrap_or(false) {
                "---:"
            } else {
                "---"
            }
        })
        .collect();
    let _ = writeln!(out, "|{}|", align.join("|"));
    for r in rows {
        let _ = writeln!(out, "| {} |", r.join(" | "));
    }
    out.push('\n');
}

fn strs(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

impl Report {
    /// Markdown: a heading and a table per section.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "## Lead report\n\n{}\n", records(self.records));
        if !self.funnel.is_empty() {
            let _ = writeln!(out, "### Funnel\n");
            let rows = funnel_rows(self, code);
            table(
                &mut out,
                &strs(&["stage", "reached", "at", "conversion"]),
                &[false, true, true, true],
                &rows,
            );
        }
        if let Some(b) = &self.by {
            let _ = writeln!(
                out,
                "### Funnel by {}\n\nRecords reaching each stage.\n",
                code(&b.name)
            );
            let mut header = vec![code(&b.name), "records".into()];
            header.extend(self.funnel.iter().skip(1).map(|s| code(&s.stage)));
            header.push("first → last".into());
            let mut right = vec![false];
            right.extend(std::iter::repeat_n(true, header.len() - 1));
            let rows: Vec<Vec<String>> = b
                .groups
                .iter()
                .map(|g| {
                    let mut row = vec![text(g.value.text()), g.records.to_string()];
                    row.extend(g.funnel.iter().skip(1).map(|s| s.reached.to_string()));
                    row.push(percent(end_to_end(&g.funnel)));
                    row
                })
                .collect();
            table(&mut out, &header, &right, &rows);
        }
        if !self.scores.is_empty() {
            let _ = writeln!(out, "### Scores\n");
            let rows: Vec<Vec<String>> = self
                .scores
                .iter()
                .map(|s| {
                    vec![
                        code(&s.name),
                        s.count.to_string(),
                        stat(s.mean),
                        stat(s.p10),
                        stat(s.p50),
                        stat(s.p90),
                    ]
                })
                .collect();
            table(
                &mut out,
                &strs(&["score", "count", "mean", "p10", "p50", "p90"]),
                &[false, true, true, true, true, true],
                &rows,
            );
            for s in &self.scores {
                let _ = writeln!(out, "Histogram of {}:\n", code(&s.name));
                let rows: Vec<Vec<String>> = s
                    .histogram
                    .iter()
                    .map(|b| vec![range(b.from, b.to), b.count.to_string()])
                    .collect();
                table(&mut out, &strs(&["range", "records"]), &[true, true], &rows);
            }
        }
        if !self.grades.is_empty() {
            let _ = writeln!(out, "### Grades\n");
            for g in &self.grades {
                let rows: Vec<Vec<String>> = g
                    .labels
                    .iter()
                    .map(|(l, n)| vec![code(l), n.to_string()])
                    .collect();
                table(
                    &mut out,
                    &[code(&g.name), "records".into()],
                    &[false, true],
                    &rows,
                );
            }
        }
        if let Some(o) = &self.outcome {
            let _ = writeln!(
                out,
                "### Outcome {}\n\n{} of the records.\n",
                code(&o.name),
                percent(o.rate)
            );
            for (name, rates) in &o.by_decile {
                let _ = writeln!(out, "By decile of {}:\n", code(name));
                rate_table(&mut out, "decile", rates);
            }
            for (name, rates) in &o.by_grade {
                let _ = writeln!(out, "By {}:\n", code(name));
                rate_table(&mut out, "label", rates);
            }
        }
        if !self.velocity.is_empty() {
            let _ = writeln!(out, "### Velocity\n\nDays between entering two stages.\n");
            let rows: Vec<Vec<String>> = self
                .velocity
                .iter()
                .map(|v| {
                    vec![
                        code(&v.from),
                        code(&v.to),
                        v.records.to_string(),
                        days(v.p50_days),
                        days(v.p90_days),
                    ]
                })
                .collect();
            table(
                &mut out,
                &strs(&["from", "to", "records", "p50 days", "p90 days"]),
                &[false, false, true, true, true],
                &rows,
            );
        }
        if !self.flow.rows.is_empty() {
            let per = period_name(self.flow.period);
            let _ = writeln!(
                out,
                "### Lead flow\n\nRecords entering each stage per {per}, by the stage's date.\n"
            );
            let mut header = vec![per.to_string()];
            header.extend(self.flow.stages.iter().map(|s| code(s)));
            let mut right = vec![false];
            right.extend(std::iter::repeat_n(true, self.flow.stages.len()));
            let rows: Vec<Vec<String>> = self
                .flow
                .rows
                .iter()
                .map(|r| {
                    let mut row = vec![r.period.clone()];
                    row.extend(r.entered.iter().map(u64::to_string));
                    row
                })
                .collect();
            table(&mut out, &header, &right, &rows);
        }
        if !self.slas.is_empty() {
            let _ = writeln!(out, "### SLAs\n");
            let rows: Vec<Vec<String>> = self
                .slas
                .iter()
                .map(|s| {
                    vec![
                        text(&s.name),
                        text(&s.owner),
                        s.met.to_string(),
                        s.breached.to_string(),
                        s.pending.to_string(),
                        percent(s.compliance),
                        s.target.map_or("-".into(), |t| percent(Some(t))),
                        if s.passed { "PASS" } else { "**FAIL**" }.into(),
                    ]
                })
                .collect();
            table(
                &mut out,
                &strs(&[
                    "SLA",
                    "owner",
                    "met",
                    "breached",
                    "pending",
                    "compliance",
                    "target",
                    "result",
                ]),
                &[false, false, true, true, true, true, true, false],
                &rows,
            );
        }
        for n in &self.notes {
            // Notes are our sentences; the names in them are identifiers, in code spans.
            let _ = writeln!(out, "> {n}\n");
        }
        out
    }
}

fn rate_table(out: &mut String, what: &str, rates: &[Rate]) {
    let deciles = rates
        .iter()
        .any(|r| matches!(r.group, RateGroup::Decile { .. }));
    let rows: Vec<Vec<String>> = rates
        .iter()
        .map(|r| {
            let mut row = match &r.group {
                RateGroup::Decile { decile, from, to } => {
                    vec![decile.to_string(), range(*from, *to)]
                }
                RateGroup::Label(l) => vec![code(l)],
            };
            row.extend([r.records.to_string(), percent(r.rate), lift(r.lift)]);
            row
        })
        .collect();
    if deciles {
        table(
            out,
            &strs(&[what, "scores", "records", "rate", "lift"]),
            &[true, true, true, true, true],
            &rows,
        );
    } else {
        table(
            out,
            &strs(&[what, "records", "rate", "lift"]),
            &[false, true, true, true],
            &rows,
        );
    }
}
