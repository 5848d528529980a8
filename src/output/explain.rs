//! `smql explain --lead KEY`: one lead, readable by a sales rep: every field and definition with
//! its value, every score item with ✓/✗ and its points, each grade arm tried, and the stage path.

use super::json::Json;
use super::value::{human as format_value, number_text as format_number};
use crate::eval::trace::{decay_text, EntryTrace, ItemTrace, ScoreTrace, StepTrace};
use crate::eval::Explanation;
use crate::ir::{Program, ScoreId};
use crate::source::{SourceMap, Span};
use crate::time::format_duration;
use std::fmt::Write;

/// A number for a person reading an explanation: at most two decimals (`26.66`), more only
/// where two would hide a non-zero value (`0.00087`). Exact text is `--format json`'s job.
fn readable(x: f64) -> String {
    if !x.is_finite() || x == x.trunc() {
        return format_number(x);
    }
    let rounded = (x * 100.0).round() / 100.0;
    if rounded != 0.0 {
        return format_number(rounded);
    }
    // Two significant digits of a small value.
    let digits = (-x.abs().log10()).ceil() as usize + 1;
    format!("{x:.digits$}")
}

/// How long ago, in the largest unit that reads naturally (`11.2 days`, `5 hours`).
fn readable_elapsed(ms: i64) -> String {
    let days = ms as f64 / crate::time::MS_PER_DAY as f64;
    if days >= 1.0 {
        format!("{} days", (days * 10.0).round() / 10.0)
    } else {
        format_duration(ms)
    }
}

/// Points with a sign: `+10`, `-30`, `0`.
fn points_text(x: f64) -> String {
    if x > 0.0 {
        format!("+{}", readable(x))
    } else {
        readable(x)
    }
}

/// Source text under a span, or `""` when the span is not in `sources`.
fn source_text(sources: &SourceMap, span: Span) -> &str {
    sources
        .files()
        .find(|(id, _)| *id == span.file)
        .map_or("", |(_, f)| f.slice(span))
}

fn mark(held: bool) -> char {
    if held {
        '✓'
    } else {
        '✗'
    }
}

/// The `smql explain` text for one lead. `sources` supplies grade conditions' text; spans
/// outside it print nothing.
pub fn render_explain(
    program: &Program,
    sources: &SourceMap,
    lead_key: &str,
    explanation: &Explanation,
) -> String {
    let Explanation {
        fields: lead,
        values,
        trace,
    } = explanation;
    let mut out = String::new();
    let _ = writeln!(out, "lead {lead_key}");

    let _ = writeln!(out, "\nfields");
    let width = program
        .schema
        .fields
        .iter()
        .map(|f| f.name.len())
        .max()
        .unwrap_or(0);
    for (field, v) in program.schema.fields.iter().zip(lead) {
        let _ = writeln!(
            out,
            "  {:width$} = {}",
            field.name,
            format_value(v, Some(&field.ty))
        );
    }

    if !program.defs.is_empty() {
        let _ = writeln!(out, "\ndefinitions");
        let width = program.defs.iter().map(|d| d.name.len()).max().unwrap_or(0);
        for (def, v) in program.defs.iter().zip(&values.defs) {
            let _ = writeln!(
                out,
                "  {:width$} = {}",
                def.name,
                format_value(v, Some(&def.expr.ty))
            );
        }
    }

    for ((score, total), st) in program.scores.iter().zip(&values.scores).zip(&trace.scores) {
        let _ = writeln!(out, "\nscore {} = {}", score.name, readable(*total));
        render_score(&mut out, st);
    }

    for ((grade, gv), gt) in program.grades.iter().zip(&values.grades).zip(&trace.grades) {
        let _ = writeln!(out, "\ngrade {} = {:?}", grade.name, &*gv.label);
        for (arm, at) in grade.arms.iter().zip(&gt.arms) {
            let cond = source_text(sources, arm.cond.span);
            if cond.is_empty() {
                let _ = writeln!(out, "  {} {:?}", mark(at.held), arm.label);
            } else {
                let _ = writeln!(out, "  {} {:?} when {}", mark(at.held), arm.label, cond);
            }
        }
        if gt.chosen.is_none() {
            let _ = writeln!(out, "  ✓ else {:?}", grade.otherwise);
        }
    }

    if let Some(st) = &trace.stage {
        let _ = writeln!(out, "\nstage = {}", format_value(&values.stage, None));
        let step = |out: &mut String, s: &StepTrace, note: &str| {
            let undefined = if s.defined { "" } else { " (every lead)" };
            let _ = writeln!(out, "  {} {}{}{}", mark(s.held), s.name, undefined, note);
        };
        for s in &st.path {
            step(&mut out, s, "");
        }
        for s in &st.detours {
            step(&mut out, s, " (detour)");
        }
    }
    out
}

/// The explanation as one JSON document, for programs: every field and definition by name with
/// its value as `eval` prints it, each score's value and the items that fired, each grade's label
/// and the arms tried, and the stage with its steps.
pub fn explain_json(program: &Program, lead_key: &str, explanation: &Explanation) -> String {
    let Explanation {
        fields,
        values,
        trace,
    } = explanation;
    let fields = program
        .schema
        .fields
        .iter()
        .zip(fields)
        .map(|(f, v)| (f.name.as_str(), Json::value(v, Some(&f.ty))));
    let definitions = program
        .defs
        .iter()
        .zip(&values.defs)
        .map(|(d, v)| (d.name.as_str(), Json::value(v, Some(&d.expr.ty))));
    let scores = program.scores.iter().enumerate().map(|(i, s)| {
        let why = crate::eval::why_items(trace, ScoreId(i as u32))
            .into_iter()
            .map(|w| {
                Json::object([
                    ("rule", Json::str(w.rule.to_string())),
                    ("points", Json::Number(w.points)),
                ])
            })
            .collect();
        let total = values.scores.get(i).copied().unwrap_or(f64::NAN);
        let score = Json::object([("value", Json::Number(total)), ("why", Json::Array(why))]);
        (s.name.as_str(), score)
    });
    let grades = program
        .grades
        .iter()
        .zip(&values.grades)
        .zip(&trace.grades)
        .map(|((g, v), t)| {
            let arms = t
                .arms
                .iter()
                .map(|a| {
                    Json::object([
                        ("label", Json::str(a.label.as_str())),
                        ("held", Json::Bool(a.held)),
                    ])
                })
                .collect();
            let grade =
                Json::object([("value", Json::str(&*v.label)), ("arms", Json::Array(arms))]);
            (g.name.as_str(), grade)
        });
    let mut doc = vec![
        ("lead", Json::str(lead_key)),
        ("fields", Json::object(fields)),
        ("definitions", Json::object(definitions)),
        ("scores", Json::object(scores)),
        ("grades", Json::object(grades)),
    ];
    if let Some(st) = &trace.stage {
        doc.push((
            "stage",
            Json::object([
                ("value", Json::value(&values.stage, None)),
                ("path", steps(&st.path)),
                ("detours", steps(&st.detours)),
            ]),
        ));
    }
    Json::object(doc).to_pretty()
}

fn steps(steps: &[StepTrace]) -> Json<'_> {
    Json::Array(
        steps
            .iter()
            .map(|s| {
                Json::object([
                    ("name", Json::str(s.name.as_str())),
                    ("held", Json::Bool(s.held)),
                ])
            })
            .collect(),
    )
}

fn render_score(out: &mut String, st: &ScoreTrace) {
    let mut width = 0;
    for e in &st.entries {
        match e {
            EntryTrace::Item(i) => width = width.max(i.source.chars().count()),
            EntryTrace::Group(g) => {
                for i in &g.items {
                    width = width.max(i.source.chars().count() + 2);
                }
            }
        }
    }
    let item = |out: &mut String, i: &ItemTrace, indent: &str, width: usize| {
        let per = match i.per {
            Some(p) if p.unclamped.to_bits() != i.points.to_bits() => format!(
                "  ({} × {} = {}, capped)",
                points_text(p.each),
                readable(p.x),
                readable(p.unclamped)
            ),
            Some(p) => format!("  ({} × {})", points_text(p.each), readable(p.x)),
            None => String::new(),
        };
        let per = if i.fired { per } else { String::new() };
        let _ = writeln!(
            out,
            "  {indent}{} {:width$}  {:>6}{per}",
            mark(i.fired),
            i.source,
            points_text(i.points),
        );
    };
    for e in &st.entries {
        match e {
            EntryTrace::Item(i) => item(out, i, "", width),
            EntryTrace::Group(g) => {
                let cap = if g.raw.to_bits() != g.contributed.to_bits() {
                    format!(", capped at {}", readable(g.cap))
                } else {
                    String::new()
                };
                let _ = writeln!(
                    out,
                    "  group {:?} up to {}: {}{cap}",
                    g.name,
                    readable(g.cap),
                    points_text(g.contributed)
                );
                for i in &g.items {
                    item(out, i, "  ", width.saturating_sub(2));
                }
            }
        }
    }
    let _ = writeln!(out, "  sum {}", readable(st.sum));
    for (word, adj) in [("at least", st.at_least), ("at most", st.at_most)] {
        if let Some(a) = adj {
            let effect = if a.before.to_bits() == a.after.to_bits() {
                "no change".to_string()
            } else {
                format!("{} → {}", readable(a.before), readable(a.after))
            };
            let _ = writeln!(out, "  {word} {}: {effect}", readable(a.bound));
        }
    }
    if let Some(d) = st.decay {
        let _ = writeln!(
            out,
            "  {}, {} elapsed: × {} → {}",
            decay_text(d.rate, d.every_ms),
            if d.elapsed_ms == 0 {
                "0s".to_string()
            } else {
                readable_elapsed(d.elapsed_ms)
            },
            readable(d.factor),
            readable(d.after)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_shortest() {
        assert_eq!(readable(26.663936340697084), "26.66");
        assert_eq!(readable(0.00008654310949683891), "0.000087");
        assert_eq!(readable(-8.928269129923706), "-8.93");
        assert_eq!(readable(15.0), "15");
        assert_eq!(readable_elapsed(969_491_000), "11.2 days");
        assert_eq!(format_number(30.0), "30");
        assert_eq!(format_number(12.5), "12.5");
        assert_eq!(format_number(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(format_number(-0.0), "0");
        assert_eq!(format_number(f64::NAN), "NaN");
        assert_eq!(format_number(f64::NEG_INFINITY), "-inf");
    }
}
