//! SLAs (docs/language.md, "SLAs"): the kind is told from the lines; each kind has its own set of lines.

use super::cx::Cx;
use crate::diag::Code;
use crate::diag::{did_you_mean, Diagnostic};
use crate::ir::{self, Period, SlaKind, Ty};
use crate::syntax::ast::{self, SlaLineKind};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Deadline,
    Condition,
    Volume,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Deadline => "deadline",
            Kind::Condition => "condition",
            Kind::Volume => "volume",
        }
    }

    /// The lines of this kind, in the order they are usually written.
    fn lines(self) -> &'static [&'static str] {
        match self {
            Kind::Deadline => &["owner", "for", "from", "until", "within", "target"],
            Kind::Condition => &["owner", "for", "require", "target"],
            Kind::Volume => &["owner", "count", "by", "per", "at least", "at most"],
        }
    }

    fn help(self) -> String {
        let lines: Vec<String> = self.lines().iter().map(|l| format!("`{l}`")).collect();
        let (last, rest) = lines
            .split_last()
            .map_or(("", &[][..]), |(l, r)| (l.as_str(), r));
        let either = if self == Kind::Volume {
            " (one or both of the last two)"
        } else {
            ""
        };
        format!(
            "a {} SLA has the lines {} and {last}{either}",
            self.name(),
            rest.join(", ")
        )
    }
}

/// Which kind a line alone tells, if any (`owner`, `for`, `target` are shared).
fn tells(k: &SlaLineKind) -> Option<Kind> {
    match k {
        SlaLineKind::From(_) | SlaLineKind::Until(_) | SlaLineKind::Within(_) => {
            Some(Kind::Deadline)
        }
        SlaLineKind::Require(_) => Some(Kind::Condition),
        SlaLineKind::Count(_)
        | SlaLineKind::By(_)
        | SlaLineKind::Per(_)
        | SlaLineKind::AtLeast(_)
        | SlaLineKind::AtMost(_) => Some(Kind::Volume),
        _ => None,
    }
}

/// Lowers one SLA; `None` when it has errors (all reported).
pub(crate) fn lower_sla(cx: &mut Cx, s: &ast::Sla) -> Option<ir::Sla> {
    let Some(kind) = s.lines.iter().find_map(|l| tells(&l.kind)) else {
        cx.error(
            Diagnostic::error(
                Code::SlaMissingLine,
                s.name.span,
                format!("cannot tell what kind of SLA {:?} is", s.name.value),
            )
            .with_help(format!(
                "{}; {}; {}",
                Kind::Deadline.help(),
                Kind::Condition.help(),
                Kind::Volume.help()
            )),
        );
        return None;
    };
    let mut lines: HashMap<&'static str, &ast::SlaLine> = HashMap::new();
    let mut ok = true;
    for line in &s.lines {
        let kw = line.kind.keyword();
        if !kind.lines().contains(&kw) {
            cx.error(
                Diagnostic::error(
                    Code::SlaUnexpectedLine,
                    line.keyword,
                    format!(
                        "`{kw}` does not belong in SLA {:?}, which is a {} SLA",
                        s.name.value,
                        kind.name()
                    ),
                )
                .label(format!("this SLA is a {} SLA", kind.name()))
                .with_help(kind.help()),
            );
            ok = false;
        } else if let Some(first) = lines.get(kw) {
            cx.error(
                Diagnostic::error(
                    Code::SlaUnexpectedLine,
                    line.keyword,
                    format!("SLA {:?} has a second `{kw}` line", s.name.value),
                )
                .label("second line")
                .with_secondary(first.keyword, "first here")
                .with_help("keep one of them"),
            );
            ok = false;
        } else {
            lines.insert(kw, line);
        }
    }
    let mut missing: Vec<&str> = kind
        .lines()
        .iter()
        .copied()
        .filter(|l| !lines.contains_key(l) && !matches!(*l, "at least" | "at most"))
        .collect();
    if kind == Kind::Volume && !lines.contains_key("at least") && !lines.contains_key("at most") {
        missing.push("at least` or `at most");
    }
    if !missing.is_empty() {
        let list: Vec<String> = missing.iter().map(|m| format!("`{m}`")).collect();
        cx.error(
            Diagnostic::error(
                Code::SlaMissingLine,
                s.name.span,
                format!(
                    "the {} SLA {:?} is missing {}",
                    kind.name(),
                    s.name.value,
                    and_list(&list)
                ),
            )
            .with_help(kind.help()),
        );
        ok = false;
    }

    let cx_line = |kw: &str| lines.get(kw).map(|l| &l.kind);
    let owner = match cx_line("owner") {
        Some(SlaLineKind::Owner(id)) => Some(id.name.clone()),
        _ => None,
    };
    let cond = |cx: &mut Cx, k: Option<&SlaLineKind>| {
        k.and_then(|k| match k {
            SlaLineKind::For(e) | SlaLineKind::Require(e) | SlaLineKind::Count(e) => {
                cx.present.clear();
                Some(cx.cond(e))
            }
            _ => None,
        })
    };
    let population = cond(cx, cx_line("for").or_else(|| cx_line("count")));
    let require = cond(cx, cx_line("require"));
    let time = |cx: &mut Cx, k: Option<&SlaLineKind>| {
        k.and_then(|k| match k {
            SlaLineKind::From(e) | SlaLineKind::Until(e) | SlaLineKind::By(e) => {
                cx.present.clear();
                let x = cx.expr(e);
                Some(cx.expect(
                    x,
                    |t| *t.base() == Ty::Timestamp,
                    "a `timestamp` or a `timestamp?`",
                    &format!("the `{}` line of an SLA", k.keyword()),
                ))
            }
            _ => None,
        })
    };
    let from = time(cx, cx_line("from"));
    let until = time(cx, cx_line("until"));
    let by = time(cx, cx_line("by"));
    let within_ms = match cx_line("within") {
        Some(SlaLineKind::Within(e)) => within(cx, e),
        _ => None,
    };
    let target = match cx_line("target") {
        Some(SlaLineKind::Target(e)) => target(cx, e),
        _ => None,
    };
    let per = match cx_line("per") {
        Some(SlaLineKind::Per(id)) => period(cx, id),
        _ => None,
    };
    let at_least = match cx_line("at least") {
        Some(SlaLineKind::AtLeast(e)) => count_literal(cx, e).map(Some),
        _ => Some(None),
    };
    let at_most = match cx_line("at most") {
        Some(SlaLineKind::AtMost(e)) => count_literal(cx, e).map(Some),
        _ => Some(None),
    };
    if !ok {
        return None;
    }
    let kind = match kind {
        Kind::Deadline => SlaKind::Deadline {
            population: population?,
            from: from?,
            until: until?,
            within_ms: within_ms?,
            target: target?,
        },
        Kind::Condition => SlaKind::Condition {
            population: population?,
            require: require?,
            target: target?,
        },
        Kind::Volume => SlaKind::Volume {
            population: population?,
            by: by?,
            per: per?,
            at_least: at_least?,
            at_most: at_most?,
        },
    };
    Some(ir::Sla {
        name: s.name.value.clone(),
        owner: owner?,
        kind,
        doc: s.attrs.doc.clone(),
        span: s.span,
    })
}

fn within(cx: &mut Cx, e: &ast::Expr) -> Option<i64> {
    match e.kind {
        ast::ExprKind::Duration(ms) if ms > 0 => Some(ms),
        _ => {
            cx.error(
                Diagnostic::error(
                    Code::LiteralInvalid,
                    e.span,
                    format!(
                        "`within` takes a positive duration literal, not `{}`",
                        cx.text(e.span)
                    ),
                )
                .with_help("write the deadline as `within 1h`, `within 2d` or `within 1w`"),
            );
            None
        }
    }
}

/// A literal number, possibly negated.
fn number_literal(e: &ast::Expr) -> Option<f64> {
    match &e.kind {
        ast::ExprKind::Int(i) => Some(*i as f64),
        ast::ExprKind::Number(x) => Some(*x),
        ast::ExprKind::Unary(ast::UnOp::Neg, x) => number_literal(x).map(|v| -v),
        _ => None,
    }
}

fn target(cx: &mut Cx, e: &ast::Expr) -> Option<f64> {
    match number_literal(e) {
        Some(t) if (0.0..=1.0).contains(&t) => Some(t),
        _ => {
            cx.error(
                Diagnostic::error(
                    Code::LiteralInvalid,
                    e.span,
                    format!(
                        "the target `{}` is not a share between 0% and 100%",
                        cx.text(e.span)
                    ),
                )
                .with_help("write it as a percent: `target 95%`"),
            );
            None
        }
    }
}

fn count_literal(cx: &mut Cx, e: &ast::Expr) -> Option<f64> {
    match number_literal(e) {
        Some(n) if n >= 0.0 => Some(n),
        _ => {
            cx.error(
                Diagnostic::error(
                    Code::LiteralInvalid,
                    e.span,
                    format!(
                        "the volume bound `{}` is not a literal number of leads",
                        cx.text(e.span)
                    ),
                )
                .with_help("write it as `at least 25` or `at most 500`"),
            );
            None
        }
    }
}

const PERIODS: &[(&str, Period)] = &[
    ("day", Period::Day),
    ("week", Period::Week),
    ("month", Period::Month),
    ("quarter", Period::Quarter),
    ("year", Period::Year),
];

fn period(cx: &mut Cx, id: &ast::Ident) -> Option<Period> {
    if let Some((_, p)) = PERIODS.iter().find(|(n, _)| *n == id.name) {
        return Some(*p);
    }
    let names = PERIODS.iter().map(|(n, _)| *n);
    let help = match did_you_mean(&id.name, names) {
        Some(s) => format!("did you mean `{s}`?"),
        None => "the periods are `day`, `week`, `month`, `quarter` and `year`".into(),
    };
    cx.error(
        Diagnostic::error(
            Code::LiteralInvalid,
            id.span,
            format!("unknown period `{}`", id.name),
        )
        .with_help(help),
    );
    None
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}
