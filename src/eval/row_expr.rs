//! One expression of the program over the rows of an [`Outcome`], for what is computed after the
//! engine ran: a stage's date, an SLA's population or deadline.
//!
//! Most such expressions name a field or a definition (`MQL`, `mql_at`); those are read straight
//! from the batch or the engine's results. Anything else is evaluated by the interpreter, with
//! only the names the expression uses copied out of the outcome, so a row costs what the
//! expression reads, not a copy of the whole lead.

use super::expr::eval_expr;
use super::outcome::Outcome;
use super::{EvalError, GradeValue, LeadValues};
use crate::ir::{DefId, Expr, ExprKind, FieldId, GradeId, Program, ScoreId};
use crate::value::Value;
use std::sync::Arc;

/// An expression, prepared for [`RowExpr::eval`].
#[derive(Debug, Clone)]
pub struct RowExpr<'p> {
    expr: &'p Expr,
    how: How,
}

#[derive(Debug, Clone)]
enum How {
    Field(FieldId),
    Def(DefId),
    Const(Value),
    /// The interpreter, after copying these names into a [`Scratch`].
    Interpret(Uses),
}

/// The names an expression reads, each once.
#[derive(Debug, Clone, Default)]
struct Uses {
    fields: Vec<FieldId>,
    defs: Vec<DefId>,
    scores: Vec<ScoreId>,
    grades: Vec<GradeId>,
    stage: bool,
}

/// Room for the names an interpreted [`RowExpr`] reads; one per thread, reused row after row.
pub struct Scratch {
    lead: Vec<Value>,
    values: LeadValues,
}

impl Scratch {
    /// Room for the lead's fields and the program's results, all missing.
    pub fn new(program: &Program) -> Scratch {
        Scratch {
            lead: vec![Value::Missing; program.schema.fields.len()],
            values: LeadValues::empty(program),
        }
    }
}

impl<'p> RowExpr<'p> {
    /// Prepares `expr`: which names it reads, and whether one of them is all it is.
    pub fn new(expr: &'p Expr) -> RowExpr<'p> {
        let how = match &expr.kind {
            ExprKind::Field(f) => How::Field(*f),
            ExprKind::Def(d) => How::Def(*d),
            ExprKind::Const(v) => How::Const(v.clone()),
            _ => How::Interpret(uses(expr)),
        };
        RowExpr { expr, how }
    }

    /// The expression this reads.
    pub fn expr(&self) -> &'p Expr {
        self.expr
    }

    /// The value at `row` of `outcome` (which must be of the program the expression is from).
    pub fn eval(
        &self,
        outcome: &Outcome,
        row: usize,
        scratch: &mut Scratch,
    ) -> Result<Value, EvalError> {
        match &self.how {
            How::Field(f) => Ok(outcome.field(*f, row)),
            How::Def(d) => Ok(outcome.def(*d, row)),
            How::Const(v) => Ok(v.clone()),
            How::Interpret(uses) => {
                let Scratch { lead, values } = scratch;
                for &f in &uses.fields {
                    if let Some(slot) = lead.get_mut(f.0 as usize) {
                        *slot = outcome.field(f, row);
                    }
                }
                for &d in &uses.defs {
                    if let Some(slot) = values.defs.get_mut(d.0 as usize) {
                        *slot = outcome.def(d, row);
                    }
                }
                for &s in &uses.scores {
                    if let Some(slot) = values.scores.get_mut(s.0 as usize) {
                        *slot = outcome.score(s, row);
                    }
                }
                for &g in &uses.grades {
                    if let Some(slot) = values.grades.get_mut(g.0 as usize) {
                        *slot = GradeValue {
                            index: outcome.grade_index(g, row),
                            label: Arc::from(outcome.grade(g, row)),
                        };
                    }
                }
                if uses.stage {
                    values.stage = outcome.stage(row).map_or(Value::Missing, Value::str);
                }
                eval_expr(outcome.program(), self.expr, lead, values, outcome.now())
            }
        }
    }

    /// The value at `row` as a timestamp: `None` when missing (the checker made the expression a
    /// `timestamp` or `timestamp?`).
    pub fn instant(
        &self,
        outcome: &Outcome,
        row: usize,
        scratch: &mut Scratch,
    ) -> Result<Option<i64>, EvalError> {
        match self.eval(outcome, row, scratch)? {
            Value::Timestamp(t) => Ok(Some(t)),
            Value::Missing => Ok(None),
            other => Err(EvalError::internal(
                self.expr.span,
                format!("expected a timestamp, found {other:?}"),
            )),
        }
    }
}

fn uses(expr: &Expr) -> Uses {
    let mut u = Uses::default();
    let mut stack = vec![expr];
    while let Some(e) = stack.pop() {
        match &e.kind {
            ExprKind::Field(f) if !u.fields.contains(f) => u.fields.push(*f),
            ExprKind::Def(d) if !u.defs.contains(d) => u.defs.push(*d),
            ExprKind::Score(s) if !u.scores.contains(s) => u.scores.push(*s),
            ExprKind::Grade(g) if !u.grades.contains(g) => u.grades.push(*g),
            ExprKind::Stage => u.stage = true,
            _ => {}
        }
        e.push_children(&mut stack);
    }
    u
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{Engine, Evaluator, Lead};
    use crate::RuleSet;

    const RULES: &str = r#"
schema {
  id: string key
  visits: int
  created_at: timestamp
  mql_at: timestamp?
}
MQL when visits >= 3
score fit {
  +2 per visits
}
grade tier {
  "A" when fit >= 6
  else "B"
}
stages Lead -> MQL
entered = mql_at ?? created_at
"#;

    fn rules() -> RuleSet {
        match RuleSet::compile_str("r.smql", RULES) {
            Ok(r) => r,
            Err(e) => panic!("{:?}", e.diagnostics),
        }
    }

    /// Every way of reading gives what the interpreter gives for the whole lead.
    #[test]
    fn reads_names_and_interprets_the_rest_alike_in_both_engines() {
        let rules = rules();
        let program = &rules.program;
        // The definitions' expressions stand for any expression a report may meet.
        let sources: Vec<Expr> = program.defs.iter().map(|d| d.expr.clone()).collect();
        let named = [
            crate::ir::Expr {
                kind: ExprKind::Def(DefId(1)),
                ty: crate::ir::Ty::Timestamp,
                span: crate::source::Span::default(),
            },
            crate::ir::Expr {
                kind: ExprKind::Field(FieldId(3)),
                ty: crate::ir::Ty::Timestamp.optional(),
                span: crate::source::Span::default(),
            },
        ];
        for engine in [Engine::Jit, Engine::Interp] {
            let ev = Evaluator::new(&rules, engine).unwrap();
            for json in [
                r#"{"id": "a", "visits": 4, "created_at": "2026-01-01", "mql_at": "2026-02-01"}"#,
                r#"{"id": "b", "visits": 1, "created_at": "2026-01-01", "mql_at": null}"#,
            ] {
                let lead = Lead::from_json(&ev, json).unwrap();
                let outcome = ev.eval_batch(lead.batch(), 0, false);
                let whole = outcome.lead_values(0).unwrap();
                let fields = lead.batch().lead(0);
                let mut scratch = Scratch::new(program);
                for e in sources.iter().chain(&named) {
                    let want = eval_expr(program, e, &fields, &whole, 0).unwrap();
                    let got = RowExpr::new(e).eval(&outcome, 0, &mut scratch).unwrap();
                    assert_eq!(got, want, "{engine:?} {json}");
                }
                let stage_test = crate::ir::Expr {
                    kind: ExprKind::IsPresent(Box::new(crate::ir::Expr {
                        kind: ExprKind::Stage,
                        ty: program.stages.as_ref().unwrap().ty.clone(),
                        span: crate::source::Span::default(),
                    })),
                    ty: crate::ir::Ty::Bool,
                    span: crate::source::Span::default(),
                };
                let got = RowExpr::new(&stage_test).eval(&outcome, 0, &mut scratch);
                assert_eq!(got, Ok(Value::Bool(true)));
            }
        }
    }

    #[test]
    fn instants_are_timestamps_or_none() {
        let rules = rules();
        let ev = Evaluator::new(&rules, Engine::Interp).unwrap();
        let lead = Lead::from_json(
            &ev,
            r#"{"id": "b", "visits": 1, "created_at": "1970-01-02", "mql_at": null}"#,
        )
        .unwrap();
        let outcome = ev.eval_batch(lead.batch(), 0, false);
        let mut scratch = Scratch::new(&rules.program);
        let def = &rules.program.defs[1].expr;
        let read = RowExpr::new(def).instant(&outcome, 0, &mut scratch);
        assert_eq!(read, Ok(Some(86_400_000)));
        let visits = crate::ir::Expr {
            kind: ExprKind::Field(FieldId(1)),
            ty: crate::ir::Ty::Int,
            span: crate::source::Span::default(),
        };
        assert!(RowExpr::new(&visits)
            .instant(&outcome, 0, &mut scratch)
            .is_err());
    }
}
