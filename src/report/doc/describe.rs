//! The parts of an entry that read as prose: a score's items as a table, an SLA as a sentence.
//! Numbers and meanings come from the IR; the expressions quoted are the formatted text.

use super::build::Builder;
use super::model::{Inline, ScoreRow, ScoreTable};
use crate::ir::{Expr, Period, ScoreEntry, ScoreId, ScoreItem, SlaKind};
use crate::output::number_text;
use crate::source::Span;
use crate::syntax::ast;
use crate::time::{MS_PER_DAY, MS_PER_HOUR, MS_PER_MIN, MS_PER_SEC};

impl Builder<'_> {
    /// The items of a score, with its groups; its clamp and decay as sentences below.
    pub(super) fn score_table(&self, id: ScoreId) -> ScoreTable {
        let s = self.program.score(id);
        let ast = self.formatted.score(&s.name);
        // The formatted items, in order, to quote (items and groups are in the same order in
        // the IR and the AST: the checker lowers them one by one).
        let mut ast_items = ast
            .into_iter()
            .flat_map(|a| &a.lines)
            .flat_map(|line| match line {
                ast::ScoreLine::Item(i) => std::slice::from_ref(i),
                ast::ScoreLine::Group { items, .. } => items.as_slice(),
                _ => &[],
            });
        let mut rows = Vec::new();
        for entry in &s.entries {
            match entry {
                ScoreEntry::Item(item) => rows.push(self.item_row(item, ast_items.next(), false)),
                ScoreEntry::Group {
                    name, cap, items, ..
                } => {
                    rows.push(ScoreRow {
                        points: format!("up to {}", number_text(*cap)),
                        condition: vec![
                            Inline::Text("group ".into()),
                            Inline::Strong(name.clone()),
                            Inline::Text(": the items below, their sum capped".into()),
                        ],
                        in_group: false,
                    });
                    for item in items {
                        rows.push(self.item_row(item, ast_items.next(), true));
                    }
                }
            }
        }
        let mut notes = Vec::new();
        let clamp = match (s.at_least, s.at_most) {
            (Some(lo), Some(hi)) => Some(format!(
                "kept between {} and {}",
                number_text(lo),
                number_text(hi)
            )),
            (Some(lo), None) => Some(format!("at least {}", number_text(lo))),
            (None, Some(hi)) => Some(format!("at most {}", number_text(hi))),
            (None, None) => None,
        };
        if let Some(clamp) = &clamp {
            notes.push(vec![Inline::Text(format!("The total is {clamp}."))]);
        }
        if let Some(d) = &s.decay {
            let since = ast.and_then(|a| {
                a.lines.iter().find_map(|l| match l {
                    ast::ScoreLine::Decay { since, .. } => Some(since.span),
                    _ => None,
                })
            });
            notes.push(vec![
                Inline::Text(format!(
                    "{} decays by {} every {} since ",
                    if clamp.is_some() {
                        "Then it"
                    } else {
                        "The total"
                    },
                    percent(d.rate),
                    duration(d.every_ms)
                )),
                self.phrase(&d.since, since),
                Inline::Text(".".into()),
            ]);
        }
        ScoreTable { rows, notes }
    }

    fn item_row(&self, item: &ScoreItem, ast: Option<&ast::ScoreItem>, in_group: bool) -> ScoreRow {
        let points = signed(item.points);
        match (&item.rule, ast.map(|a| &a.rule)) {
            (crate::ir::Rule::Always, _) => ScoreRow {
                points,
                condition: vec![Inline::Text("every lead (a base score)".into())],
                in_group,
            },
            (crate::ir::Rule::When(c), formatted) => {
                let span = match formatted {
                    Some(ast::ScoreRule::When(f)) => Some(f.span),
                    _ => None,
                };
                ScoreRow {
                    points,
                    condition: vec![Inline::Code(self.expr_text(c, span))],
                    in_group,
                }
            }
            (crate::ir::Rule::Per { x, up_to }, formatted) => {
                let span = match formatted {
                    Some(ast::ScoreRule::Per { x, .. }) => Some(x.span),
                    _ => None,
                };
                // The IR's `x` of an int is wrapped in `ToNumber`, whose span is the int's.
                let mut condition = vec![Inline::Code(self.expr_text(x, span))];
                if let Some(cap) = up_to {
                    condition.push(Inline::Text(format!(
                        ", up to {} {}",
                        number_text(*cap),
                        plural_f(*cap, "point", "points")
                    )));
                }
                ScoreRow {
                    points: format!("{points} per"),
                    condition,
                    in_group,
                }
            }
        }
    }

    /// The SLA as one sentence: "**sales** promises `first_contact_at` within 2 hours of
    /// `sql_at` for at least 85% of `SQL` leads (those with `sql_at`)."
    pub(super) fn sla_sentence(&self, i: usize) -> Vec<Inline> {
        let Some(s) = self.program.slas.get(i) else {
            return Vec::new();
        };
        let ast = self.formatted.sla(&s.name);
        // The formatted expression of the line `pick` chooses.
        let line = |pick: fn(&ast::SlaLineKind) -> Option<&ast::Expr>| -> Option<Span> {
            ast?.lines
                .iter()
                .find_map(|l| pick(&l.kind))
                .map(|e| e.span)
        };
        let mut out = vec![Inline::Strong(s.owner.clone())];
        let text = |t: String| Inline::Text(t);
        match &s.kind {
            SlaKind::Deadline {
                population,
                from,
                until,
                within_ms,
                target,
            } => {
                let from_span = line(|k| match k {
                    ast::SlaLineKind::From(e) => Some(e),
                    _ => None,
                });
                out.push(text(" promises ".into()));
                out.push(self.phrase(
                    until,
                    line(|k| match k {
                        ast::SlaLineKind::Until(e) => Some(e),
                        _ => None,
                    }),
                ));
                out.push(text(format!(" within {} of ", duration(*within_ms))));
                out.push(self.phrase(from, from_span));
                out.push(text(format!(" for at least {} of ", percent(*target))));
                out.extend(self.population(population, line(population_line), "leads"));
                out.push(text(" (those with ".into()));
                out.push(self.phrase(from, from_span));
                out.push(text(").".into()));
            }
            SlaKind::Condition {
                population,
                require,
                target,
            } => {
                out.push(text(" promises ".into()));
                out.push(self.phrase(
                    require,
                    line(|k| match k {
                        ast::SlaLineKind::Require(e) => Some(e),
                        _ => None,
                    }),
                ));
                out.push(text(format!(" for at least {} of ", percent(*target))));
                out.extend(self.population(population, line(population_line), "leads"));
                out.push(text(".".into()));
            }
            SlaKind::Volume {
                population,
                by,
                per,
                at_least,
                at_most,
            } => {
                let (bound, n) = match (at_least, at_most) {
                    (Some(lo), Some(hi)) => (
                        format!("between {} and {}", number_text(*lo), number_text(*hi)),
                        *hi,
                    ),
                    (Some(lo), None) => (format!("at least {}", number_text(*lo)), *lo),
                    (None, Some(hi)) => (format!("at most {}", number_text(*hi)), *hi),
                    (None, None) => ("any number of".to_string(), 2.0),
                };
                let (period, note) = match per {
                    Period::Day => ("day", ""),
                    Period::Week => ("week", " (ISO weeks, from Monday)"),
                    Period::Month => ("month", ""),
                    Period::Quarter => ("quarter", ""),
                    Period::Year => ("year", ""),
                };
                out.push(text(format!(" promises {bound} ")));
                let noun = format!("{} a {period}", plural_f(n, "lead", "leads"));
                out.extend(self.population(population, line(population_line), &noun));
                out.push(text(format!(", counted by the {period} of ")));
                out.push(self.phrase(
                    by,
                    line(|k| match k {
                        ast::SlaLineKind::By(e) => Some(e),
                        _ => None,
                    }),
                ));
                out.push(text(format!("{note}.")));
            }
        }
        out
    }

    /// `SQL leads` (a link) for a bare name, else `the leads where MQL and …` (code).
    fn population(&self, e: &Expr, formatted: Option<Span>, noun: &str) -> Vec<Inline> {
        match self.phrase(e, formatted) {
            link @ Inline::Link(_) => vec![link, Inline::Text(format!(" {noun}"))],
            code => vec![Inline::Text(format!("{noun} where ")), code],
        }
    }
}

/// The population line of an SLA: `for` or `count`.
fn population_line(k: &ast::SlaLineKind) -> Option<&ast::Expr> {
    match k {
        ast::SlaLineKind::For(e) | ast::SlaLineKind::Count(e) => Some(e),
        _ => None,
    }
}

fn plural_f<'a>(n: f64, one: &'a str, many: &'a str) -> &'a str {
    if n == 1.0 {
        one
    } else {
        many
    }
}

/// `+10`, `-25`, `+0.5`.
fn signed(points: f64) -> String {
    let text = number_text(points);
    if text.starts_with('-') {
        text
    } else {
        format!("+{text}")
    }
}

/// `85%` for 0.85 (binary noise rounded away: 0.07 × 100 is 7.000000000000001).
pub(super) fn percent(fraction: f64) -> String {
    format!("{}%", number_text((fraction * 100.0 * 1e9).round() / 1e9))
}

/// A duration for people: the largest unit it is a whole number of (`2 hours`, `1 day`,
/// `90 minutes`), else milliseconds.
pub(super) fn duration(ms: i64) -> String {
    for (one, many, size) in [
        ("week", "weeks", 7 * MS_PER_DAY),
        ("day", "days", MS_PER_DAY),
        ("hour", "hours", MS_PER_HOUR),
        ("minute", "minutes", MS_PER_MIN),
        ("second", "seconds", MS_PER_SEC),
    ] {
        if ms != 0 && ms % size == 0 {
            let n = ms / size;
            return format!("{n} {}", if n == 1 { one } else { many });
        }
    }
    format!("{ms} ms")
}
