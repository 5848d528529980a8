//! The report for a terminal: one aligned table per section, with bars (block characters) where
//! a length says more than a number: funnel reach, histograms, grade counts, outcome lift.

use super::model::*;
use crate::output::number_text;
use std::fmt::Write;

/// Width of the longest bar, in characters.
const BAR: usize = 24;

/// One table: a header row, then rows; numbers (columns marked `true`) aligned right.
pub(super) struct Table {
    pub header: Vec<String>,
    pub right: Vec<bool>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(header: &[&str], right: &[bool]) -> Table {
        Table {
            header: header.iter().map(|h| h.to_string()).collect(),
            right: right.to_vec(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// The table indented by two spaces, columns two spaces apart, no trailing blanks.
    pub fn render(&self, out: &mut String) {
        let n = self.header.len();
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (w, c) in widths.iter_mut().zip(row) {
                *w = (*w).max(c.chars().count());
            }
        }
        let mut line = |cells: &[String]| {
            let mut l = String::from("  ");
            for (i, cell) in cells.iter().enumerate().take(n) {
                let pad = widths[i].saturating_sub(cell.chars().count());
                let right = self.right.get(i).copied().unwrap_or(false);
                if right {
                    l.extend(std::iter::repeat_n(' ', pad));
                    l.push_str(cell);
                } else {
                    l.push_str(cell);
                    l.extend(std::iter::repeat_n(' ', pad));
                }
                if i + 1 < cells.len() {
                    l.push_str("  ");
                }
            }
            let _ = writeln!(out, "{}", l.trim_end());
        };
        line(&self.header);
        for row in &self.rows {
            line(row);
        }
    }
}

/// A bar of `value` out of `max`, in eighths of a character.
pub(super) fn bar(value: f64, max: f64) -> String {
    // Also false for NaN: no bar for what is not a number.
    let drawn = max > 0.0 && value > 0.0;
    if !drawn {
        return String::new();
    }
    let eighths = ((value / max).min(1.0) * (BAR * 8) as f64).round() as usize;
    let mut s = "█".repeat(eighths / 8);
    const PARTS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    s.push_str(PARTS[eighths % 8]);
    if s.is_empty() {
        s.push('▏');
    }
    s
}

/// The funnel table's rows: each stage (reached, at, conversion from the stage before), then
/// the detours and the records at no stage, each name as `name` writes it. Every rendering
/// shows these rows.
pub(super) fn funnel_rows(r: &Report, name: impl Fn(&str) -> String) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = r
        .funnel
        .iter()
        .map(|s| {
            vec![
                name(&s.stage),
                s.reached.to_string(),
                s.at.to_string(),
                percent(s.conversion),
            ]
        })
        .collect();
    for (d, n) in &r.detours {
        rows.push(vec![
            format!("{} (detour)", name(d)),
            String::new(),
            n.to_string(),
            String::new(),
        ]);
    }
    rows.push(vec![
        "no stage".into(),
        String::new(),
        r.no_stage.to_string(),
        String::new(),
    ]);
    rows
}

/// `41.2%`; `-` when undefined.
pub(super) fn percent(r: Option<f64>) -> String {
    r.map_or("-".into(), |r| {
        format!("{}%", number_text((r * 1000.0).round() / 10.0))
    })
}

/// `2.35×`; `-` when undefined.
pub(super) fn lift(l: Option<f64>) -> String {
    l.map_or("-".into(), |l| {
        format!("{}×", number_text((l * 100.0).round() / 100.0))
    })
}

/// A statistic, at most two decimals; `-` when undefined.
pub(super) fn stat(x: Option<f64>) -> String {
    x.map_or("-".into(), |x| number_text((x * 100.0).round() / 100.0))
}

/// Days, one decimal; `-` when undefined.
pub(super) fn days(x: Option<f64>) -> String {
    x.map_or("-".into(), |x| number_text((x * 10.0).round() / 10.0))
}

/// `0 to 10`: a range of scores (a dash would read as a minus before negative ones).
pub(super) fn range(from: f64, to: f64) -> String {
    format!("{} to {}", stat(Some(from)), stat(Some(to)))
}

/// The name of a period, for headings: `month`.
pub(super) fn period_name(p: crate::ir::Period) -> &'static str {
    use crate::ir::Period::*;
    match p {
        Day => "day",
        Week => "week",
        Month => "month",
        Quarter => "quarter",
        Year => "year",
    }
}

impl Report {
    /// Aligned text for a terminal.
    pub fn to_human(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}", records(self.records));
        if !self.funnel.is_empty() {
            let _ = writeln!(out, "\nfunnel");
            let top = self.funnel.first().map_or(0, |s| s.reached) as f64;
            let mut t = Table::new(
                &["stage", "reached", "at", "conversion", ""],
                &[false, true, true, true, false],
            );
            let bars = self.funnel.iter().map(|s| bar(s.reached as f64, top));
            let bars = bars.chain(std::iter::repeat(String::new()));
            for (mut row, bar) in funnel_rows(self, str::to_string).into_iter().zip(bars) {
                row.push(bar);
                t.row(row);
            }
            t.render(&mut out);
        }
        if let Some(b) = &self.by {
            let _ = writeln!(out, "\nfunnel by {} (records reaching each stage)", b.name);
            let mut header = vec![b.name.as_str(), "records"];
            header.extend(self.funnel.iter().skip(1).map(|s| s.stage.as_str()));
            header.push("first → last");
            let mut right = vec![false];
            right.extend(std::iter::repeat_n(true, header.len() - 1));
            let mut t = Table::new(&header, &right);
            for g in &b.groups {
                let mut row = vec![g.value.text().to_string(), g.records.to_string()];
                row.extend(g.funnel.iter().skip(1).map(|s| s.reached.to_string()));
                row.push(percent(end_to_end(&g.funnel)));
                t.row(row);
            }
            t.render(&mut out);
        }
        for s in &self.scores {
            let _ = writeln!(
                out,
                "\nscore {}: count {}, mean {}, p10 {}, p50 {}, p90 {}",
                s.name,
                s.count,
                stat(s.mean),
                stat(s.p10),
                stat(s.p50),
                stat(s.p90)
            );
            let max = s.histogram.iter().map(|b| b.count).max().unwrap_or(0) as f64;
            let mut t = Table::new(&["range", "records", ""], &[true, true, false]);
            for b in &s.histogram {
                t.row(vec![
                    range(b.from, b.to),
                    b.count.to_string(),
                    bar(b.count as f64, max),
                ]);
            }
            t.render(&mut out);
        }
        for g in &self.grades {
            let _ = writeln!(out, "\ngrade {}", g.name);
            let max = g.labels.iter().map(|(_, n)| *n).max().unwrap_or(0) as f64;
            let mut t = Table::new(&["label", "records", ""], &[false, true, false]);
            for (l, n) in &g.labels {
                t.row(vec![l.clone(), n.to_string(), bar(*n as f64, max)]);
            }
            t.render(&mut out);
        }
        if let Some(o) = &self.outcome {
            let _ = writeln!(
                out,
                "\noutcome {}: {} of the records",
                o.name,
                percent(o.rate)
            );
            for (name, rates) in &o.by_decile {
                let _ = writeln!(out, "\n  by decile of {name}");
                rate_table(&mut out, "decile", rates);
            }
            for (name, rates) in &o.by_grade {
                let _ = writeln!(out, "\n  by {name}");
                rate_table(&mut out, "label", rates);
            }
        }
        if !self.velocity.is_empty() {
            let _ = writeln!(out, "\nvelocity (days between stages)");
            let mut t = Table::new(
                &["from", "to", "records", "p50", "p90"],
                &[false, false, true, true, true],
            );
            for v in &self.velocity {
                t.row(vec![
                    v.from.clone(),
                    v.to.clone(),
                    v.records.to_string(),
                    days(v.p50_days),
                    days(v.p90_days),
                ]);
            }
            t.render(&mut out);
        }
        if !self.flow.rows.is_empty() {
            let _ = writeln!(
                out,
                "\nlead flow (records entering each stage per {})",
                period_name(self.flow.period)
            );
            let mut header = vec![period_name(self.flow.period)];
            header.extend(self.flow.stages.iter().map(String::as_str));
            let mut right = vec![false];
            right.extend(std::iter::repeat_n(true, self.flow.stages.len()));
            let mut t = Table::new(&header, &right);
            for r in &self.flow.rows {
                let mut row = vec![r.period.clone()];
                row.extend(r.entered.iter().map(u64::to_string));
                t.row(row);
            }
            t.render(&mut out);
        }
        if !self.slas.is_empty() {
            let _ = writeln!(out, "\nSLAs");
            for line in crate::report::sla::render_table(&self.slas).lines() {
                let _ = writeln!(out, "  {line}");
            }
        }
        for n in &self.notes {
            let _ = writeln!(out, "\nnote: {n}");
        }
        out
    }
}

/// `1 record`, `1000 records`.
pub(super) fn records(n: u64) -> String {
    if n == 1 {
        "1 record".into()
    } else {
        format!("{n} records")
    }
}

/// Records that reached the last stage over those that reached the first.
pub(super) fn end_to_end(funnel: &[FunnelStep]) -> Option<f64> {
    let (first, last) = (funnel.first()?, funnel.last()?);
    (first.reached > 0).then(|| last.reached as f64 / first.reached as f64)
}

fn rate_table(out: &mut String, what: &str, rates: &[Rate]) {
    let max = rates.iter().filter_map(|r| r.lift).fold(0.0, f64::max);
    let deciles = rates
        .iter()
        .any(|r| matches!(r.group, RateGroup::Decile { .. }));
    let (header, right): (&[&str], &[bool]) = if deciles {
        (
            &[what, "scores", "records", "rate", "lift", ""],
            &[true, true, true, true, true, false],
        )
    } else {
        (
            &[what, "records", "rate", "lift", ""],
            &[false, true, true, true, false],
        )
    };
    let mut t = Table::new(header, right);
    for r in rates {
        let mut row = match &r.group {
            RateGroup::Decile { decile, from, to } => vec![decile.to_string(), range(*from, *to)],
            RateGroup::Label(l) => vec![l.clone()],
        };
        row.extend([
            r.records.to_string(),
            percent(r.rate),
            lift(r.lift),
            bar(r.lift.unwrap_or(0.0), max),
        ]);
        t.row(row);
    }
    let mut text = String::new();
    t.render(&mut text);
    for line in text.lines() {
        let _ = writeln!(out, "  {line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_grow_in_eighths() {
        assert_eq!(bar(0.0, 10.0), "");
        assert_eq!(bar(10.0, 10.0), "█".repeat(BAR));
        assert_eq!(bar(5.0, 10.0), "█".repeat(BAR / 2));
        assert_eq!(bar(0.001, 10.0), "▏", "a value above zero always shows");
        assert_eq!(bar(1.0, 0.0), "");
    }

    #[test]
    fn numbers_read_as_percent_lift_and_days() {
        assert_eq!(percent(Some(0.4123)), "41.2%");
        assert_eq!(percent(None), "-");
        assert_eq!(lift(Some(2.345)), "2.35×");
        assert_eq!(days(Some(4.5231)), "4.5");
        assert_eq!(range(-30.0, -20.0), "-30 to -20");
    }

    #[test]
    fn tables_align_text_left_and_numbers_right() {
        let mut t = Table::new(&["stage", "n"], &[false, true]);
        t.row(vec!["Lead".into(), "1000".into()]);
        t.row(vec!["Opportunity".into(), "7".into()]);
        let mut out = String::new();
        t.render(&mut out);
        assert_eq!(
            out,
            "  stage           n\n  Lead         1000\n  Opportunity     7\n"
        );
    }
}
