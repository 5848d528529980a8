//! Running one `test` block (docs/language.md, "Tests"): evaluate its lead, check each `expect`, and explain
//! failures with the value of every name in the failing expression.

use super::{eval_expr, Evaluator, Lead, LeadValues};
use crate::ir::{Expr, ExprKind, Program, Test, Ty};
use crate::output::human;
use crate::value::Value;
use std::num::NonZeroUsize;

#[derive(Debug, Clone, PartialEq)]
pub struct TestOutcome {
    pub name: String,
    pub passed: bool,
    /// One message per failing `expect` (or one for an evaluation error of the lead):
    /// `` `engagement == 30` failed: `engagement` = 25 ``.
    pub failures: Vec<String>,
}

/// Runs `test` with `now = test.as_of`, else `now_default`, on `evaluator`'s engine.
pub fn run_test(evaluator: &Evaluator, test: &Test, now_default: i64) -> TestOutcome {
    let program = evaluator.program();
    let now = test.as_of.unwrap_or(now_default);
    let evaluated = Lead::from_values(program, test.lead.clone())
        .map_err(|e| e.to_string())
        .and_then(|lead| evaluator.eval_lead(&lead, now).map_err(|e| e.message));
    let failures = match evaluated {
        Err(e) => vec![format!("evaluation failed: {e}")],
        Ok(scored) => {
            let values = scored.values();
            test.expects
                .iter()
                .filter_map(|expect| {
                    match eval_expr(program, &expect.expr, &test.lead, values, now) {
                        Ok(Value::Bool(true)) => None,
                        Ok(Value::Bool(false)) => Some(failure_message(
                            program,
                            &expect.source,
                            &expect.expr,
                            &test.lead,
                            values,
                        )),
                        Ok(other) => Some(format!(
                            "`{}` is not a condition: it evaluated to {}",
                            expect.source,
                            human(&other, None)
                        )),
                        Err(e) => Some(format!("`{}` failed: {}", expect.source, e.message)),
                    }
                })
                .collect()
        }
    };
    TestOutcome {
        name: test.name.clone(),
        passed: failures.is_empty(),
        failures,
    }
}

/// Runs `tests` on `threads` worker threads (`None`: one per core); outcomes in the tests' order.
pub fn run_tests(
    evaluator: &Evaluator,
    tests: &[&Test],
    now_default: i64,
    threads: Option<NonZeroUsize>,
) -> Result<Vec<TestOutcome>, String> {
    use rayon::prelude::*;
    let threads = threads.map_or_else(crate::pipeline::default_threads, NonZeroUsize::get);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| format!("cannot start worker threads: {e}"))?;
    Ok(pool.install(|| {
        tests
            .par_iter()
            .map(|t| run_test(evaluator, t, now_default))
            .collect()
    }))
}

/// `` `SOURCE` failed: `a` = 1, `b` = "x" `` (just `` `SOURCE` failed `` when it names nothing).
fn failure_message(
    program: &Program,
    source: &str,
    expr: &Expr,
    lead: &[Value],
    values: &LeadValues,
) -> String {
    let names = named_values(program, expr, lead, values);
    if names.is_empty() {
        return format!("`{source}` failed");
    }
    let parts: Vec<String> = names
        .iter()
        .map(|(name, value)| format!("`{name}` = {value}"))
        .collect();
    format!("`{source}` failed: {}", parts.join(", "))
}

/// Every field, definition, score, grade and `stage` the expression refers to, with its value,
/// once each, in order of first appearance.
pub fn named_values(
    program: &Program,
    expr: &Expr,
    lead: &[Value],
    values: &LeadValues,
) -> Vec<(String, String)> {
    let mut refs = Vec::new();
    collect_refs(expr, &mut refs);
    let mut out: Vec<(String, String)> = Vec::new();
    for r in refs {
        let Some((name, value)) = describe(program, r, lead, values) else {
            continue;
        };
        if !out.iter().any(|(n, _)| *n == name) {
            out.push((name, value));
        }
    }
    out
}

fn describe(
    program: &Program,
    e: &Expr,
    lead: &[Value],
    values: &LeadValues,
) -> Option<(String, String)> {
    let (name, value, ty): (&str, Value, &Ty) = match &e.kind {
        ExprKind::Field(id) => {
            let f = program.schema.fields.get(id.0 as usize)?;
            (&f.name, lead.get(id.0 as usize)?.clone(), &f.ty)
        }
        ExprKind::Def(id) => {
            let d = program.defs.get(id.0 as usize)?;
            (&d.name, values.defs.get(id.0 as usize)?.clone(), &d.expr.ty)
        }
        ExprKind::Score(id) => {
            let s = program.scores.get(id.0 as usize)?;
            (
                &s.name,
                Value::Number(*values.scores.get(id.0 as usize)?),
                &e.ty,
            )
        }
        ExprKind::Grade(id) => {
            let g = program.grades.get(id.0 as usize)?;
            let label = values.grades.get(id.0 as usize)?.label.clone();
            (&g.name, Value::Str(label), &g.ty)
        }
        ExprKind::Stage => ("stage", values.stage.clone(), &e.ty),
        _ => return None,
    };
    Some((name.to_string(), human(&value, Some(ty))))
}

/// Pre-order walk collecting the name references (element references inside `where` are not
/// names of the lead and are skipped).
fn collect_refs<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match &e.kind {
        ExprKind::Field(_)
        | ExprKind::Def(_)
        | ExprKind::Score(_)
        | ExprKind::Grade(_)
        | ExprKind::Stage => out.push(e),
        ExprKind::Const(_) | ExprKind::Elem { .. } | ExprKind::ElemField { .. } | ExprKind::Now => {
        }
        ExprKind::ToNumber(x)
        | ExprKind::Neg(x)
        | ExprKind::Not(x)
        | ExprKind::IsPresent(x)
        | ExprKind::IsMissing(x)
        | ExprKind::Matches(x, _) => collect_refs(x, out),
        ExprKind::And(a, b)
        | ExprKind::Or(a, b)
        | ExprKind::Arith(_, a, b)
        | ExprKind::Cmp(_, a, b)
        | ExprKind::StartsWith(a, b)
        | ExprKind::EndsWith(a, b)
        | ExprKind::Coalesce(a, b)
        | ExprKind::Within(a, b) => {
            collect_refs(a, out);
            collect_refs(b, out);
        }
        ExprKind::In { x, list, .. } => {
            collect_refs(x, out);
            collect_refs(list, out);
        }
        ExprKind::ListContains { list, arg, .. } => {
            collect_refs(list, out);
            collect_refs(arg, out);
        }
        ExprKind::TextContains { subject, arg, .. } => {
            collect_refs(subject, out);
            collect_refs(arg, out);
        }
        ExprKind::If(c, a, b) => {
            collect_refs(c, out);
            collect_refs(a, out);
            collect_refs(b, out);
        }
        ExprKind::ListLit(items) | ExprKind::Call(_, items) => {
            for i in items {
                collect_refs(i, out);
            }
        }
        ExprKind::Agg { list, cond, .. } => {
            collect_refs(list, out);
            if let Some(c) = cond {
                collect_refs(c, out);
            }
        }
    }
}
