//! A diff for people (an aligned text on a terminal), for a pull request (Markdown that reads
//! well on GitHub: a summary line, the matrices as tables, examples folded in `<details>`), and
//! for programs (JSON).

use super::rules::RuleChange;
use super::{Impact, Matrix, Pairing};
use crate::ir::Program;
use crate::output::json::Json;
use crate::output::{human, number_text};
use crate::value::Value;
use std::fmt::Write;

/// Everything a diff shows.
pub struct Diff<'a> {
    pub old: &'a Program,
    pub new: &'a Program,
    pub pairing: &'a Pairing,
    pub rules: &'a [RuleChange],
    pub impact: &'a Impact,
}

impl Diff<'_> {
    /// The stage matrix, in the order of the stage path, no stage last.
    fn stage_matrix(&self) -> Matrix {
        self.impact.stage_matrix(self.old, self.new)
    }

    /// Each paired grade's matrix, labels in declared order.
    fn grade_matrices(&self) -> Vec<(&str, Matrix)> {
        let matrices = self.impact.grade_matrices(self.pairing, self.old, self.new);
        self.pairing
            .grades
            .iter()
            .map(|(name, ..)| name.as_str())
            .zip(matrices)
            .collect()
    }

    fn share_changed(&self) -> f64 {
        share(self.impact.changed, self.impact.records)
    }

    /// The share of records whose stage changed (`--fail-if-changed`), in [0, 1].
    pub fn share_stage_changed(&self) -> f64 {
        share(self.impact.stage_changed, self.impact.records)
    }

    /// The JSON document.
    pub fn to_json(&self) -> String {
        let count = |n: u64| Json::Int(i64::try_from(n).unwrap_or(i64::MAX));
        fn name(s: &Option<String>) -> Json<'_> {
            s.as_deref().map_or(Json::Null, Json::str)
        }
        let owned = |s: Option<String>| s.map_or(Json::Null, Json::str);
        let matrix = |m: Matrix| {
            Json::Array(
                m.into_iter()
                    .map(|(a, b, n)| {
                        Json::object([("from", owned(a)), ("to", owned(b)), ("count", count(n))])
                    })
                    .collect(),
            )
        };
        let rules = self.rules.iter().map(|r| {
            Json::object([
                ("name", Json::str(r.name.as_str())),
                ("kind", Json::str(r.kind)),
                ("change", Json::str(r.change.as_str())),
                ("old", name(&r.old)),
                ("new", name(&r.new)),
            ])
        });
        let grades = self
            .grade_matrices()
            .into_iter()
            .map(|(g, m)| (g.to_string(), matrix(m)));
        let records = self.impact.records;
        let scores = self
            .pairing
            .scores
            .iter()
            .zip(&self.impact.scores)
            .map(|((n, ..), s)| {
                (
                    n.as_str(),
                    Json::object([
                        ("rose", count(s.rose)),
                        ("fell", count(s.fell)),
                        ("mean_change", Json::Number(mean(s.total_change, records))),
                        ("min_change", Json::Number(s.min_change)),
                        ("max_change", Json::Number(s.max_change)),
                    ]),
                )
            });
        let definitions = self
            .pairing
            .definitions
            .iter()
            .zip(&self.impact.definitions)
            .map(|((n, ..), f)| {
                (
                    n.as_str(),
                    Json::object([
                        ("became_true", count(f.became_true)),
                        ("became_false", count(f.became_false)),
                    ]),
                )
            });
        let examples = self.impact.examples.iter().map(|e| {
            let side = |old: bool| {
                Json::object(
                    e.changes
                        .iter()
                        .map(|(n, a, b)| (n.as_str(), Json::value(if old { a } else { b }, None))),
                )
            };
            Json::object([
                ("key", Json::str(e.key.as_str())),
                ("old", side(true)),
                ("new", side(false)),
                (
                    "why",
                    Json::Array(e.why.iter().map(|w| Json::str(w.as_str())).collect()),
                ),
            ])
        });
        let mut doc = vec![
            ("records", count(records)),
            ("changed", count(self.impact.changed)),
            ("rules", Json::Array(rules.collect())),
        ];
        if self.pairing.stage {
            doc.push(("stage", matrix(self.stage_matrix())));
        }
        doc.extend([
            ("grades", Json::object(grades)),
            ("scores", Json::object(scores)),
            ("definitions", Json::object(definitions)),
            ("examples", Json::Array(examples.collect())),
        ]);
        Json::object(doc).to_pretty()
    }

    /// The summary line: `143 of 2,000 records change (7.2%): stage of 39, MQL +37 −2, …`.
    fn summary(&self) -> String {
        let i = self.impact;
        let mut s = format!(
            "{} of {} records change ({})",
            i.changed,
            i.records,
            percent(self.share_changed())
        );
        let mut parts = Vec::new();
        if i.stage_changed > 0 {
            parts.push(format!("{} change stage", i.stage_changed));
        }
        for ((n, ..), f) in self.pairing.definitions.iter().zip(&i.definitions) {
            if f.became_true + f.became_false > 0 {
                parts.push(format!("{n} +{} −{}", f.became_true, f.became_false));
            }
        }
        if !parts.is_empty() {
            s.push_str(": ");
            s.push_str(&parts.join(", "));
        }
        let rules = self.rules.len();
        let _ = write!(
            s,
            "; {rules} rule {}",
            if rules == 1 { "change" } else { "changes" }
        );
        s
    }

    /// Aligned text for a terminal.
    pub fn to_human(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}", self.summary());
        if !self.rules.is_empty() {
            let _ = writeln!(out, "\nrules");
            for r in self.rules {
                let _ = writeln!(out, "  {} {} `{}`", r.change.as_str(), r.kind, r.name);
                for line in rule_lines(r) {
                    let _ = writeln!(out, "    {line}");
                }
            }
        }
        if self.pairing.stage {
            let _ = writeln!(out, "\nstage (old → new)");
            table(&mut out, &self.stage_matrix(), "  ");
        }
        for (g, m) in self.grade_matrices() {
            let _ = writeln!(out, "\ngrade {g} (old → new)");
            table(&mut out, &m, "  ");
        }
        if !self.pairing.scores.is_empty() {
            let _ = writeln!(out, "\nscores");
            let w = self
                .pairing
                .scores
                .iter()
                .map(|(n, ..)| n.len())
                .max()
                .unwrap_or(0);
            for ((n, ..), s) in self.pairing.scores.iter().zip(&self.impact.scores) {
                let _ = writeln!(
                    out,
                    "  {n:w$}  rose {}  fell {}  mean {}  min {}  max {}",
                    s.rose,
                    s.fell,
                    signed(mean(s.total_change, self.impact.records)),
                    signed(s.min_change),
                    signed(s.max_change)
                );
            }
        }
        let flips: Vec<_> = self.flipped().collect();
        if !flips.is_empty() {
            let _ = writeln!(out, "\ndefinitions");
            let w = flips.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
            for (n, f) in flips {
                let _ = writeln!(
                    out,
                    "  {n:w$}  {} became true, {} became false",
                    f.became_true, f.became_false
                );
            }
        }
        if !self.impact.examples.is_empty() {
            let _ = writeln!(out, "\nexamples");
            for e in &self.impact.examples {
                let _ = writeln!(out, "  {}  {}", e.key, changes_text(&e.changes));
                for w in &e.why {
                    let _ = writeln!(out, "    {w}");
                }
            }
        }
        out
    }

    /// Markdown for a pull-request comment.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "**smql diff**: {}\n", self.summary());
        if !self.rules.is_empty() {
            let _ = writeln!(out, "#### Rule changes\n");
            for r in self.rules {
                let _ = writeln!(out, "- {} {} `{}`", r.change.as_str(), r.kind, r.name);
            }
            let _ = writeln!(out, "\n```diff");
            for (i, r) in self.rules.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                for line in rule_lines(r) {
                    let _ = writeln!(out, "{line}");
                }
            }
            let _ = writeln!(out, "```\n");
        }
        if self.pairing.stage {
            let _ = writeln!(out, "#### Stage (old → new)\n");
            markdown_matrix(&mut out, &self.stage_matrix());
        }
        for (g, m) in self.grade_matrices() {
            let _ = writeln!(out, "#### Grade `{g}` (old → new)\n");
            markdown_matrix(&mut out, &m);
        }
        if !self.pairing.scores.is_empty() {
            let _ = writeln!(out, "#### Scores\n");
            let _ = writeln!(out, "| score | rose | fell | mean change | min | max |");
            let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|");
            for ((n, ..), s) in self.pairing.scores.iter().zip(&self.impact.scores) {
                let _ = writeln!(
                    out,
                    "| `{n}` | {} | {} | {} | {} | {} |",
                    s.rose,
                    s.fell,
                    signed(mean(s.total_change, self.impact.records)),
                    signed(s.min_change),
                    signed(s.max_change)
                );
            }
            out.push('\n');
        }
        let flips: Vec<_> = self.flipped().collect();
        if !flips.is_empty() {
            let _ = writeln!(out, "#### Definitions\n");
            let _ = writeln!(out, "| definition | became true | became false |");
            let _ = writeln!(out, "|---|---:|---:|");
            for (n, f) in flips {
                let _ = writeln!(out, "| `{n}` | {} | {} |", f.became_true, f.became_false);
            }
            out.push('\n');
        }
        if !self.impact.examples.is_empty() {
            let _ = writeln!(
                out,
                "<details><summary>{} changed records, largest score change first</summary>\n",
                self.impact.examples.len()
            );
            for e in &self.impact.examples {
                let _ = writeln!(
                    out,
                    "- **{}**: {}",
                    md_escape(&e.key),
                    md_escape(&changes_text(&e.changes))
                );
                for w in &e.why {
                    let _ = writeln!(out, "  - {}", md_escape(w));
                }
            }
            let _ = writeln!(out, "\n</details>");
        }
        out
    }

    /// Boolean definitions that flipped for some record.
    fn flipped(&self) -> impl Iterator<Item = (&str, &super::Flips)> {
        self.pairing
            .definitions
            .iter()
            .zip(&self.impact.definitions)
            .filter(|(_, f)| f.became_true + f.became_false > 0)
            .map(|((n, ..), f)| (n.as_str(), f))
    }
}

/// A rule change as diff lines (`- old`, `+ new`, `  same`): the whole declaration when it was
/// added or removed, else the changed lines with two lines around them (`…` between parts).
fn rule_lines(r: &RuleChange) -> Vec<String> {
    let whole = |mark: char, text: &str| text.lines().map(|l| format!("{mark} {l}")).collect();
    match (&r.old, &r.new) {
        (Some(a), Some(b)) => {
            let diff = similar::TextDiff::from_lines(a.as_str(), b.as_str());
            let mut out = Vec::new();
            for (i, group) in diff.grouped_ops(2).iter().enumerate() {
                if i > 0 {
                    out.push("  …".to_string());
                }
                for op in group {
                    for change in diff.iter_changes(op) {
                        let mark = match change.tag() {
                            similar::ChangeTag::Delete => '-',
                            similar::ChangeTag::Insert => '+',
                            similar::ChangeTag::Equal => ' ',
                        };
                        out.push(format!("{mark} {}", change.value().trim_end_matches('\n')));
                    }
                }
            }
            out
        }
        (Some(a), None) => whole('-', a),
        (None, Some(b)) => whole('+', b),
        (None, None) => Vec::new(),
    }
}

fn share(n: u64, of: u64) -> f64 {
    if of == 0 {
        0.0
    } else {
        n as f64 / of as f64
    }
}

fn mean(total: f64, n: u64) -> f64 {
    if n == 0 {
        0.0
    } else {
        total / n as f64
    }
}

/// `7.2%`.
fn percent(f: f64) -> String {
    format!("{}%", number_text((f * 1000.0).round() / 10.0))
}

/// `+4.2`, `-10`, `0`, at most two decimals.
fn signed(x: f64) -> String {
    let r = (x * 100.0).round() / 100.0;
    if r > 0.0 {
        format!("+{}", number_text(r))
    } else {
        number_text(r)
    }
}

fn stage_name(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("(none)")
}

/// `stage Lead → MQL; engagement 25 → 45`.
fn changes_text(changes: &[(String, Value, Value)]) -> String {
    changes
        .iter()
        .map(|(n, a, b)| format!("{n} {} → {}", plain(a), plain(b)))
        .collect::<Vec<_>>()
        .join("; ")
}

fn plain(v: &Value) -> String {
    match v {
        Value::Str(s) => s.to_string(),
        Value::Missing => "(none)".to_string(),
        Value::Number(x) => number_text((x * 100.0).round() / 100.0),
        other => human(other, None),
    }
}

/// A matrix as rows `from → to  count`, unchanged pairs marked.
fn table(out: &mut String, m: &Matrix, indent: &str) {
    let w = m
        .iter()
        .map(|(a, b, _)| stage_name(a).len() + stage_name(b).len() + 3)
        .max()
        .unwrap_or(0);
    for (a, b, n) in m {
        let pair = format!("{} → {}", stage_name(a), stage_name(b));
        let same = if a == b { "  (unchanged)" } else { "" };
        let _ = writeln!(out, "{indent}{pair:w$}  {n:>7}{same}", w = w + 2);
    }
}

/// A matrix as a GitHub table: rows the old value, columns the new.
fn markdown_matrix(out: &mut String, m: &Matrix) {
    let mut cols: Vec<&Option<String>> = Vec::new();
    let mut rows: Vec<&Option<String>> = Vec::new();
    for (a, b, _) in m {
        if !rows.contains(&a) {
            rows.push(a);
        }
        if !cols.contains(&b) {
            cols.push(b);
        }
    }
    let _ = write!(out, "| old \\ new |");
    for c in &cols {
        let _ = write!(out, " {} |", md_escape(stage_name(c)));
    }
    let _ = write!(out, "\n|---|");
    for _ in &cols {
        out.push_str("---:|");
    }
    out.push('\n');
    for r in &rows {
        let _ = write!(out, "| **{}** |", md_escape(stage_name(r)));
        for c in &cols {
            let n = m
                .iter()
                .find(|(a, b, _)| a == *r && b == *c)
                .map_or(String::new(), |(_, _, n)| n.to_string());
            let _ = write!(out, " {n} |");
        }
        out.push('\n');
    }
    out.push('\n');
}

/// User text in Markdown: outside code spans, characters that would format text, start HTML
/// or break a table are escaped; inside them (between backticks) text is literal, but for `|`,
/// which GitHub would still read as a table cell's end.
fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut code = false;
    for c in s.chars() {
        match c {
            '`' => code = !code,
            '|' => out.push('\\'),
            '*' | '_' | '<' | '>' | '[' | ']' | '\\' | '#' if !code => out.push('\\'),
            _ => {}
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escapes_outside_code_spans_only() {
        assert_eq!(md_escape("a_b `c_d` <x>"), "a\\_b `c_d` \\<x\\>");
        assert_eq!(md_escape("`a|b`"), "`a\\|b`");
    }

    #[test]
    fn numbers_read_as_changes() {
        assert_eq!(signed(4.199999), "+4.2");
        assert_eq!(signed(-10.0), "-10");
        assert_eq!(signed(0.0), "0");
        assert_eq!(percent(0.0715), "7.2%");
    }
}
