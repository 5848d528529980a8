//! `smql explain --lead KEY`: one lead, readable by a sales rep: every field and definition with
//! its value, every score item with ✓/✗ and its points, each grade arm tried, and the stage path.

use super::trace::{decay_text, EntryTrace, ItemTrace, ScoreTrace, StepTrace, Trace};
use super::LeadValues;
use crate::ir::{Program, Ty};
use crate::source::{SourceMap, Span};
use crate::time::{format_duration, format_timestamp};
use crate::value::Value;
use std::fmt::Write;

/// A number as the shortest text that reads back to the same value (`30`, `12.5`, `0.1`);
/// `-0` prints as `0`; non-finite values print as `NaN`, `inf`, `-inf`.
pub fn format_number(x: f64) -> String {
    if x == 0.0 {
        "0".to_string()
    } else {
        // Rust's `Display` for f64 is the shortest round-trip text, never in exponent form.
        format!("{x}")
    }
}

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

/// A value for people: numbers as [`format_number`], timestamps RFC 3339, durations as literals
/// (`30d`), strings quoted, lists `[a, b]`, missing as `missing`. With the value's type, record
/// elements show their field names (`{ type: "visit", at: … }`).
pub fn format_value(v: &Value, ty: Option<&Ty>) -> String {
    match v {
        Value::Missing => "missing".to_string(),
        Value::Int(i) => i.to_string(),
        Value::Number(x) => format_number(*x),
        Value::Str(s) => format!("{:?}", &**s),
        Value::Bool(b) => b.to_string(),
        Value::Timestamp(t) => format_timestamp(*t),
        Value::Duration(0) => "0s".to_string(),
        Value::Duration(d) => format_duration(*d),
        Value::List(items) => {
            let elem_ty = match ty.map(Ty::base) {
                Some(Ty::List(t)) => Some(&**t),
                Some(t @ Ty::Records(_)) => Some(t),
                _ => None,
            };
            let parts: Vec<String> = items.iter().map(|i| format_value(i, elem_ty)).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Record(fields) => {
            let names = match ty.map(Ty::base) {
                Some(Ty::Records(r)) => Some(r),
                _ => None,
            };
            let parts: Vec<String> = fields
                .iter()
                .enumerate()
                .map(|(i, f)| match names.and_then(|r| r.fields.get(i)) {
                    Some(rf) => format!("{}: {}", rf.name, format_value(f, Some(&rf.ty))),
                    None => format_value(f, None),
                })
                .collect();
            format!("{{ {} }}", parts.join(", "))
        }
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

/// The `smql explain` text for one lead (`values` and `trace` from one `eval_lead` call with a
/// trace). `sources` supplies grade conditions' text; spans outside it print nothing.
pub fn render_explain(
    program: &Program,
    sources: &SourceMap,
    lead_key: &str,
    lead: &[Value],
    values: &LeadValues,
    trace: &Trace,
) -> String {
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
    use std::sync::Arc;

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

    #[test]
    fn values_print_for_people() {
        assert_eq!(format_value(&Value::Missing, None), "missing");
        assert_eq!(format_value(&Value::str("a\"b"), None), "\"a\\\"b\"");
        assert_eq!(
            format_value(&Value::Timestamp(0), None),
            "1970-01-01T00:00:00Z"
        );
        assert_eq!(
            format_value(&Value::Duration(30 * crate::time::MS_PER_DAY), None),
            "30d"
        );
        assert_eq!(format_value(&Value::Duration(0), None), "0s");
        let list = Value::List(Arc::from(vec![Value::str("US"), Value::str("CA")]));
        assert_eq!(format_value(&list, None), "[\"US\", \"CA\"]");
        assert_eq!(format_value(&Value::List(Arc::from(vec![])), None), "[]");
        let rt = Ty::Records(Arc::new(crate::ir::RecordType {
            fields: vec![
                crate::ir::RecordField {
                    name: "type".into(),
                    ty: Ty::String,
                },
                crate::ir::RecordField {
                    name: "n".into(),
                    ty: Ty::Int,
                },
            ],
        }));
        let recs = Value::List(Arc::from(vec![Value::Record(Arc::from(vec![
            Value::str("visit"),
            Value::Int(2),
        ]))]));
        assert_eq!(
            format_value(&recs, Some(&rt)),
            "[{ type: \"visit\", n: 2 }]"
        );
    }
}
