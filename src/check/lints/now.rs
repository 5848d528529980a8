//! `test_needs_as_of`: a test without `as of` whose expectations read the current time.
//!
//! An expression reads the time when it contains `now`, `within` or `decayed_count`, or refers to
//! a definition, score (its items, or its `decay`), grade or `stage` that does. Each test reports
//! its first such `expect`, naming the name it goes through and where the time comes in.

use super::{allow_help, Cx};
use crate::diag::Lint;
use crate::ir::{AggOp, Expr, ExprKind, Node, Program, Rule, ScoreEntry};
use std::collections::HashMap;

pub(super) fn test_needs_as_of(cx: &mut Cx) {
    let program = cx.program;
    let mut memo = NowMemo {
        program,
        nodes: HashMap::new(),
    };
    for test in &program.tests {
        if test.as_of.is_some() {
            continue;
        }
        let Some((expect, cause)) = test
            .expects
            .iter()
            .find_map(|e| memo.expr(&e.expr, 0).map(|c| (e, c)))
        else {
            continue;
        };
        let d = Cx::warning(
            Lint::TestNeedsAsOf,
            expect.span,
            format!(
                "test `{}` depends on the current time but has no `as of`",
                test.name
            ),
        )
        .label(cause.label())
        .with_help(format!(
            "{}, so its result changes from day to day; fix the time with a line like \
             `as of date(\"2026-11-01\")`; {}",
            cause.root,
            allow_help(Lint::TestNeedsAsOf, "the test")
        ));
        cx.warn(Lint::TestNeedsAsOf, &test.allow, d);
    }
}

/// Where the time comes in: the name an expectation goes through, and the root reader.
#[derive(Debug, Clone)]
struct Cause {
    via: Option<String>,
    root: String,
}

impl Cause {
    fn label(&self) -> String {
        match &self.via {
            Some(v) => format!("this reads the current time through `{v}`"),
            None => "this reads the current time".to_string(),
        }
    }
}

struct NowMemo<'a> {
    program: &'a Program,
    nodes: HashMap<Node, Option<Cause>>,
}

const MAX_DEPTH: u32 = 64;

impl NowMemo<'_> {
    fn expr(&mut self, e: &Expr, depth: u32) -> Option<Cause> {
        if depth > MAX_DEPTH {
            return None;
        }
        let direct = |what: &str| {
            Some(Cause {
                via: None,
                root: format!("it uses `{what}`"),
            })
        };
        let through = |node_cause: Option<Cause>, name: &str| {
            node_cause.map(|c| Cause {
                via: Some(name.to_string()),
                root: c.root,
            })
        };
        let d = depth + 1;
        match &e.kind {
            ExprKind::Now => direct("now"),
            ExprKind::Within(..) => direct("within"),
            ExprKind::Agg {
                op: AggOp::DecayedCount { .. },
                ..
            } => direct("decayed_count"),
            ExprKind::Def(id) => {
                let c = self.node(Node::Def(*id), d);
                through(c, &self.program.def(*id).name)
            }
            ExprKind::Score(id) => {
                let c = self.node(Node::Score(*id), d);
                through(c, &self.program.score(*id).name)
            }
            ExprKind::Grade(id) => {
                let c = self.node(Node::Grade(*id), d);
                through(c, &self.program.grade(*id).name)
            }
            ExprKind::Stage => {
                let c = self.node(Node::Stage, d);
                through(c, "stage")
            }
            _ => children(e).into_iter().find_map(|c| self.expr(c, d)),
        }
    }

    /// Whether a computed name reads the time; the root cause is named after the node.
    fn node(&mut self, node: Node, depth: u32) -> Option<Cause> {
        if let Some(c) = self.nodes.get(&node) {
            return c.clone();
        }
        // Cycles are rejected by the checker; mark in progress so a bad IR cannot loop.
        self.nodes.insert(node, None);
        let program = self.program;
        let name_root = |c: Cause, name: &str| Cause {
            via: None,
            root: match c.via {
                Some(_) => c.root,
                None => format!("`{name}` reads the current time ({})", c.root),
            },
        };
        let cause = match node {
            Node::Def(id) => {
                let def = program.def(id);
                self.expr(&def.expr, depth).map(|c| name_root(c, &def.name))
            }
            Node::Score(id) => {
                let score = program.score(id);
                if score.decay.is_some() {
                    Some(Cause {
                        via: None,
                        root: format!("score `{}` decays with time", score.name),
                    })
                } else {
                    let mut found = None;
                    for item in score.entries.iter().flat_map(entry_items) {
                        let e = match &item.rule {
                            Rule::Always => continue,
                            Rule::When(c) => c,
                            Rule::Per { x, .. } => x,
                        };
                        if let Some(c) = self.expr(e, depth) {
                            found = Some(name_root(c, &score.name));
                            break;
                        }
                    }
                    found
                }
            }
            Node::Grade(id) => {
                let grade = program.grade(id);
                grade
                    .arms
                    .iter()
                    .find_map(|a| self.expr(&a.cond, depth))
                    .map(|c| name_root(c, &grade.name))
            }
            Node::Stage => program.stages.as_ref().and_then(|s| {
                s.path
                    .iter()
                    .chain(&s.detours)
                    .filter_map(|step| step.def)
                    .find_map(|d| self.node(Node::Def(d), depth + 1))
            }),
        };
        self.nodes.insert(node, cause.clone());
        cause
    }
}

fn entry_items(e: &ScoreEntry) -> Vec<&crate::ir::ScoreItem> {
    match e {
        ScoreEntry::Item(i) => vec![i],
        ScoreEntry::Group { items, .. } => items.iter().collect(),
    }
}

/// The direct subexpressions of an expression.
pub(super) fn children(e: &Expr) -> Vec<&Expr> {
    use ExprKind::*;
    match &e.kind {
        Const(_)
        | Field(_)
        | Def(_)
        | Score(_)
        | Grade(_)
        | Stage
        | Elem { .. }
        | ElemField { .. }
        | Now => vec![],
        ToNumber(x) | Neg(x) | Not(x) | IsPresent(x) | IsMissing(x) | Matches(x, _) => vec![x],
        And(a, b)
        | Or(a, b)
        | Arith(_, a, b)
        | Cmp(_, a, b)
        | StartsWith(a, b)
        | EndsWith(a, b)
        | Coalesce(a, b)
        | Within(a, b) => vec![a, b],
        In { x, list, .. } => vec![x, list],
        ListLit(items) | Call(_, items) => items.iter().collect(),
        ListContains { list, arg, .. } => vec![list, arg],
        TextContains { subject, arg, .. } => vec![subject, arg],
        If(c, a, b) => vec![c, a, b],
        Agg { list, cond, .. } => {
            let mut v: Vec<&Expr> = vec![list];
            v.extend(cond.as_deref());
            v
        }
    }
}
