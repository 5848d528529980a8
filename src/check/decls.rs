//! Definitions, scores and grades (docs/language.md, "Definitions", "Scores" and "Grades"), lowered one declaration at a time.

use super::collect::Decls;
use super::cx::{error_expr, Cx};
use super::expr::to_number;
use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::ir::{self, EnumType, Ty};
use crate::source::Span;
use crate::syntax::ast;
use std::collections::HashMap;
use std::sync::Arc;

/// The allowances above a declaration, each with the span of its name.
pub(crate) fn allow(attrs: &ast::Attrs) -> Vec<ir::Allow> {
    attrs
        .allow
        .iter()
        .map(|a| ir::Allow {
            lint: a.name.clone(),
            span: a.span,
        })
        .collect()
}

pub(crate) fn lower_def(cx: &mut Cx, d: &ast::Def) -> ir::Def {
    let is_segment = d.kind == ast::DefKind::When;
    let mut expr = if is_segment {
        cx.cond(&d.expr)
    } else {
        cx.expr(&d.expr)
    };
    if let Ty::Records(_) = expr.ty {
        cx.error(
            Diagnostic::error(
                Code::TypeMismatch,
                d.expr.span,
                format!(
                    "`{}` cannot hold records, but `{}` is a `{}`",
                    d.name.name,
                    cx.text(d.expr.span),
                    expr.ty
                ),
            )
            .with_help(
                "use the list field itself, or aggregate it: `count(…)`, `latest(… where …)`",
            ),
        );
        expr = error_expr(d.expr.span);
    }
    ir::Def {
        allow: allow(&d.attrs),
        name: d.name.name.clone(),
        is_segment,
        expr,
        doc: d.attrs.doc.clone(),
        span: d.span,
    }
}

fn item_expr(i: &ast::ScoreItem) -> Option<&ast::Expr> {
    match &i.rule {
        ast::ScoreRule::Always => None,
        ast::ScoreRule::When(c) => Some(c),
        ast::ScoreRule::Per { x, .. } => Some(x),
    }
}

/// Every expression of a score, for the dependency graph.
pub(crate) fn score_exprs(s: &ast::Score) -> Vec<&ast::Expr> {
    let mut out = Vec::new();
    for line in &s.lines {
        match line {
            ast::ScoreLine::Item(i) => out.extend(item_expr(i)),
            ast::ScoreLine::Group { items, .. } => out.extend(items.iter().filter_map(item_expr)),
            ast::ScoreLine::Decay { every, since, .. } => {
                out.push(every);
                out.push(since);
            }
            ast::ScoreLine::AtLeast(_) | ast::ScoreLine::AtMost(_) => {}
        }
    }
    out
}

pub(crate) fn lower_score(cx: &mut Cx, s: &ast::Score) -> ir::Score {
    let score = s.name.name.as_str();
    let mut entries = Vec::new();
    let mut at_least: Option<(f64, Span)> = None;
    let mut at_most: Option<(f64, Span)> = None;
    let mut decay: Option<(ir::Decay, Span)> = None;
    for line in &s.lines {
        match line {
            ast::ScoreLine::Item(i) => entries.push(ir::ScoreEntry::Item(score_item(cx, score, i))),
            ast::ScoreLine::Group {
                name,
                up_to,
                items,
                span,
            } => {
                check_cap(cx, score, up_to);
                let items = items.iter().map(|i| score_item(cx, score, i)).collect();
                entries.push(ir::ScoreEntry::Group {
                    name: name.value.clone(),
                    cap: up_to.value,
                    items,
                    span: *span,
                });
            }
            ast::ScoreLine::AtLeast(a) => {
                set_once(cx, score, &mut at_least, "at least", a.value, a.span)
            }
            ast::ScoreLine::AtMost(a) => {
                set_once(cx, score, &mut at_most, "at most", a.value, a.span)
            }
            ast::ScoreLine::Decay {
                rate,
                every,
                since,
                span,
            } => {
                let d = lower_decay(cx, score, rate, every, since);
                match (&decay, d) {
                    (Some((_, first)), _) => {
                        let first = *first;
                        cx.error(second_line(score, "decay", *span, first));
                    }
                    (None, Some(d)) => decay = Some((d, *span)),
                    (None, None) => {}
                }
            }
        }
    }
    if let (Some((lo, lo_span)), Some((hi, hi_span))) = (at_least, at_most) {
        if lo > hi {
            cx.error(
                Diagnostic::error(
                    Code::LiteralInvalid,
                    lo_span,
                    format!("in `score {score}`, `at least {lo}` is above `at most {hi}`"),
                )
                .with_secondary(hi_span, "the upper bound")
                .with_help("swap the two bounds"),
            );
        }
    }
    ir::Score {
        allow: allow(&s.attrs),
        name: s.name.name.clone(),
        entries,
        at_least: at_least.map(|(v, _)| v),
        at_most: at_most.map(|(v, _)| v),
        decay: decay.map(|(d, _)| d),
        doc: s.attrs.doc.clone(),
        span: s.span,
    }
}

fn set_once(
    cx: &mut Cx,
    score: &str,
    slot: &mut Option<(f64, Span)>,
    what: &str,
    value: f64,
    span: Span,
) {
    match slot {
        Some((_, first)) => {
            let first = *first;
            cx.error(second_line(score, what, span, first));
        }
        None => *slot = Some((value, span)),
    }
}

fn second_line(score: &str, what: &str, span: Span, first: Span) -> Diagnostic {
    Diagnostic::error(
        Code::ScoreDuplicateLine,
        span,
        format!("`score {score}` has a second `{what}` line: a score has at most one"),
    )
    .label("second line")
    .with_secondary(first, "first here")
    .with_help("keep one of them")
}

fn check_cap(cx: &mut Cx, score: &str, cap: &ast::Amount) {
    if cap.value < 0.0 || !cap.value.is_finite() {
        let message = format!(
            "the cap `up to {}` in `score {score}` is negative",
            cx.text(cap.span)
        );
        cx.error(
            Diagnostic::error(Code::LiteralInvalid, cap.span, message)
                .with_help("`up to N` limits points to the range -N..N; write a positive N"),
        );
    }
}

/// The explanation text of a bare `+P` item (`base: +9` in `--explain`).
pub(crate) const BASE_SOURCE: &str = "base";

fn score_item(cx: &mut Cx, score: &str, item: &ast::ScoreItem) -> ir::ScoreItem {
    cx.present.clear();
    let (rule, rule_span) = match &item.rule {
        ast::ScoreRule::Always => (ir::Rule::Always, item.points.span),
        ast::ScoreRule::When(c) => (ir::Rule::When(cx.cond(c)), c.span),
        ast::ScoreRule::Per { x, up_to } => {
            let e = cx.value(x);
            let e = cx.expect(
                e,
                Ty::is_numeric,
                "an `int` or a `number`",
                "what a `per` item counts",
            );
            if let Some(cap) = up_to {
                check_cap(cx, score, cap);
            }
            let span = up_to.map_or(x.span, |c| x.span.to(c.span));
            (
                ir::Rule::Per {
                    x: to_number(e),
                    up_to: up_to.map(|c| c.value),
                },
                span,
            )
        }
    };
    let text = cx.sources.slice(rule_span).trim();
    // Explanations quote the rule as written after the points: `visits >= 3`, or for a `per`
    // item `per form_fills up to 15` (without `per` it would read as a condition).
    let source = match rule {
        // A bare item has no rule text: explanations call it what it is.
        ir::Rule::Always => BASE_SOURCE.into(),
        ir::Rule::When(_) => text.into(),
        ir::Rule::Per { .. } => format!("per {text}").into(),
    };
    ir::ScoreItem {
        points: item.points.value,
        rule,
        source,
        span: item.span,
    }
}

fn lower_decay(
    cx: &mut Cx,
    score: &str,
    rate: &ast::Amount,
    every: &ast::Expr,
    since: &ast::Expr,
) -> Option<ir::Decay> {
    let mut ok = true;
    if !(rate.value > 0.0 && rate.value <= 1.0) {
        cx.error(
            Diagnostic::error(
                Code::LiteralInvalid,
                rate.span,
                format!(
                    "the decay rate `{}` of `score {score}` is not between 0% and 100%",
                    cx.text(rate.span)
                ),
            )
            .with_help("write the share lost per period, such as `decay 10% every 30d since …`"),
        );
        ok = false;
    }
    let every_ms = match every.kind {
        ast::ExprKind::Duration(ms) if ms > 0 => Some(ms),
        ast::ExprKind::Duration(_) => {
            cx.error(
                Diagnostic::error(
                    Code::LiteralInvalid,
                    every.span,
                    format!(
                        "the decay period `{}` of `score {score}` must be longer than zero",
                        cx.text(every.span)
                    ),
                )
                .with_help("write a positive duration such as `30d`"),
            );
            None
        }
        _ => {
            cx.expr(every);
            cx.error(
                Diagnostic::error(
                    Code::LiteralRequired,
                    every.span,
                    format!(
                        "the decay period of `score {score}` must be a duration literal, not `{}`",
                        cx.text(every.span)
                    ),
                )
                .with_help("write it as `30d`, `2w` or `12h`"),
            );
            None
        }
    };
    cx.present.clear();
    let since = cx.value(since);
    let since = cx.expect(
        since,
        |t| *t == Ty::Timestamp,
        "a `timestamp`",
        "the `since` of a decay",
    );
    match every_ms {
        Some(every_ms) if ok => Some(ir::Decay {
            rate: rate.value,
            every_ms,
            since,
        }),
        _ => None,
    }
}

/// `one of (labels)`, in first-appearance order (arms, then `else`).
pub(crate) fn grade_type(g: &ast::Grade) -> Ty {
    let mut values: Vec<String> = Vec::new();
    for label in g.arms.iter().map(|a| &a.label).chain(g.otherwise.as_ref()) {
        if !values.contains(&label.value) {
            values.push(label.value.clone());
        }
    }
    Ty::Enum(Arc::new(EnumType {
        values,
        stage_path_len: None,
    }))
}

/// `index` is the grade's position, whose type was computed up front (`cx.grade_tys`).
pub(crate) fn lower_grade(cx: &mut Cx, g: &ast::Grade, index: usize, syntax_ok: bool) -> ir::Grade {
    let arms = g
        .arms
        .iter()
        .map(|a| {
            cx.present.clear();
            ir::GradeArm {
                label: a.label.value.clone(),
                cond: cx.cond(&a.cond),
                span: a.span,
            }
        })
        .collect();
    if g.otherwise.is_none() && syntax_ok {
        cx.error(
            Diagnostic::error(
                Code::GradeMissingElse,
                g.name.span,
                format!("grade `{}` has no `else` arm", g.name.name),
            )
            .with_help("end the grade with the label for every other lead: `else \"D\"`"),
        );
    }
    ir::Grade {
        allow: allow(&g.attrs),
        name: g.name.name.clone(),
        arms,
        otherwise: g
            .otherwise
            .as_ref()
            .map(|o| o.value.clone())
            .unwrap_or_default(),
        ty: cx
            .grade_tys
            .get(index)
            .cloned()
            .unwrap_or_else(|| grade_type(g)),
        doc: g.attrs.doc.clone(),
        span: g.span,
    }
}

/// SLA titles and test names are unique too (they name rows of reports).
pub(crate) fn check_unique_titles(decls: &Decls, diags: &mut Vec<Diagnostic>) {
    let titles = decls
        .slas
        .iter()
        .map(|s| ("SLA", &s.name))
        .chain(decls.tests.iter().map(|t| ("test", &t.name)));
    let mut seen: HashMap<(&str, &str), Span> = HashMap::new();
    for (kind, name) in titles {
        if let Some(first) = seen.get(&(kind, name.value.as_str())) {
            diags.push(
                Diagnostic::error(
                    Code::NameDuplicate,
                    name.span,
                    format!("two {kind}s are named {:?}", name.value),
                )
                .label("declared again here")
                .with_secondary(*first, "first declared here")
                .with_help(format!("give every {kind} its own name")),
            );
        } else {
            seen.insert((kind, &name.value), name.span);
        }
    }
}
