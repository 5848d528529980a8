//! The reference interpreter: every definition, score, grade and the stage of one lead, in
//! `program.order`, optionally recording a [`Trace`].

use super::expr::Ctx;
use super::math;
use super::trace::{
    ArmTrace, GradeTrace, ItemTrace, PerTrace, ScoreTrace, StageTrace, StepTrace, Trace,
};
use super::{EvalError, GradeValue, LeadValues};
use crate::ir::{DefId, Grade, Node, Program, Rule, Score, ScoreItem, Ty};
use crate::source::Span;
use crate::value::Value;
use std::sync::Arc;

/// Evaluates every node of `program` for one lead (`lead`: one value per schema field, in schema
/// order) at instant `now` (epoch ms). With `trace`, also records why each score, grade and the
/// stage came out as they did (the trace is reset first).
pub fn eval_lead(
    program: &Program,
    lead: &[Value],
    now: i64,
    mut trace: Option<&mut Trace>,
) -> Result<LeadValues, EvalError> {
    if lead.len() != program.schema.fields.len() {
        return Err(EvalError::internal(
            Span::default(),
            format!(
                "lead has {} values for {} schema fields",
                lead.len(),
                program.schema.fields.len()
            ),
        ));
    }
    let mut values = LeadValues::empty(program);
    if let Some(t) = trace.as_deref_mut() {
        *t = Trace {
            scores: vec![ScoreTrace::default(); program.scores.len()],
            grades: vec![GradeTrace::default(); program.grades.len()],
            stage: None,
        };
    }
    for node in &program.order {
        match *node {
            Node::Def(id) => {
                let def = program
                    .defs
                    .get(id.0 as usize)
                    .ok_or_else(|| missing_node(node))?;
                let v = Ctx::new(lead, &values, now).eval(&def.expr)?;
                values.defs[id.0 as usize] = v;
            }
            Node::Score(id) => {
                let score = program
                    .scores
                    .get(id.0 as usize)
                    .ok_or_else(|| missing_node(node))?;
                let mut ctx = Ctx::new(lead, &values, now);
                let tracing = trace.is_some();
                let st = eval_score(&mut ctx, score, now, tracing)?;
                values.scores[id.0 as usize] = st.total;
                if let Some(slot) = trace
                    .as_deref_mut()
                    .and_then(|t| t.scores.get_mut(id.0 as usize))
                {
                    *slot = st;
                }
            }
            Node::Grade(id) => {
                let grade = program
                    .grades
                    .get(id.0 as usize)
                    .ok_or_else(|| missing_node(node))?;
                let mut ctx = Ctx::new(lead, &values, now);
                let (value, gt) = eval_grade(&mut ctx, grade)?;
                values.grades[id.0 as usize] = value;
                if let Some(slot) = trace
                    .as_deref_mut()
                    .and_then(|t| t.grades.get_mut(id.0 as usize))
                {
                    *slot = gt;
                }
            }
            Node::Stage => {
                let st = eval_stage(program, &values)?;
                values.stage = st.stage.as_deref().map_or(Value::Missing, Value::str);
                if let Some(t) = trace.as_deref_mut() {
                    t.stage = Some(st);
                }
            }
        }
    }
    Ok(values)
}

/// The grade and stage traces of a lead whose values another engine computed: every grade's
/// arms tried in order on those values, and the stage's steps (`smql explain` with the JIT).
pub(crate) fn grade_and_stage_traces(
    program: &Program,
    lead: &[Value],
    values: &LeadValues,
    now: i64,
) -> Result<(Vec<GradeTrace>, Option<StageTrace>), EvalError> {
    let mut ctx = Ctx::new(lead, values, now);
    let grades = program
        .grades
        .iter()
        .map(|g| eval_grade(&mut ctx, g).map(|(_, trace)| trace))
        .collect::<Result<Vec<_>, _>>()?;
    let stage = match program.stages {
        Some(_) => Some(eval_stage(program, values)?),
        None => None,
    };
    Ok((grades, stage))
}

fn missing_node(node: &Node) -> EvalError {
    EvalError::internal(Span::default(), format!("{node:?} is not in the program"))
}

/// One item's contribution and trace (the source text is copied only when tracing).
fn eval_item(
    ctx: &mut Ctx,
    item: &ScoreItem,
    tracing: bool,
) -> Result<(f64, Option<ItemTrace>), EvalError> {
    let (points, fired, per) = match &item.rule {
        Rule::Always => (item.points, true, None),
        Rule::When(c) => {
            let held = ctx.eval_bool(c)?;
            (if held { item.points } else { 0.0 }, held, None)
        }
        Rule::Per { x, up_to } => {
            let x = ctx.eval_num(x)?;
            let unclamped = item.points * x;
            let points = match up_to {
                Some(n) => math::clamp_symmetric(unclamped, *n),
                None => unclamped,
            };
            (
                points,
                points != 0.0,
                Some(PerTrace {
                    each: item.points,
                    x,
                    unclamped,
                }),
            )
        }
    };
    let trace = tracing.then(|| ItemTrace {
        source: item.source.clone(),
        fired,
        points,
        per,
    });
    Ok((points, trace))
}

/// A score, in exactly the order of the IR's documented evaluation (see `ir::ScoreEntry`).
fn eval_score(
    ctx: &mut Ctx,
    score: &Score,
    now: i64,
    tracing: bool,
) -> Result<ScoreTrace, EvalError> {
    super::score::combine(
        score,
        ctx,
        now,
        tracing,
        |ctx, item| eval_item(ctx, item, tracing),
        |ctx, decay| ctx.eval_ts(&decay.since).map(Some),
    )
}

/// The first arm whose condition holds, else `otherwise`.
fn eval_grade(ctx: &mut Ctx, grade: &Grade) -> Result<(GradeValue, GradeTrace), EvalError> {
    let mut gt = GradeTrace::default();
    let mut label = grade.otherwise.as_str();
    for (i, arm) in grade.arms.iter().enumerate() {
        let held = ctx.eval_bool(&arm.cond)?;
        gt.arms.push(ArmTrace {
            label: arm.label.clone(),
            held,
        });
        if held {
            gt.chosen = Some(i);
            label = &arm.label;
            break;
        }
    }
    let index = match &grade.ty {
        Ty::Enum(e) => e.index_of(label),
        _ => None,
    }
    .ok_or_else(|| {
        EvalError::internal(
            grade.span,
            format!("grade label `{label}` is not in its type"),
        )
    })?;
    gt.label = label.to_string();
    Ok((
        GradeValue {
            index: index as u32,
            label: Arc::from(label),
        },
        gt,
    ))
}

/// The first detour (declared order) whose definition holds; else the furthest stage of the
/// path whose definition holds (an undefined first stage always holds); else none.
fn eval_stage(program: &Program, values: &LeadValues) -> Result<StageTrace, EvalError> {
    let mut st = StageTrace::default();
    let Some(stages) = &program.stages else {
        return Ok(st);
    };
    let holds = |def: Option<DefId>, span: Span| -> Result<bool, EvalError> {
        match def {
            None => Ok(true),
            Some(id) => match values.defs.get(id.0 as usize) {
                Some(Value::Bool(b)) => Ok(*b),
                other => Err(EvalError::internal(
                    span,
                    format!("stage definition is not a boolean: {other:?}"),
                )),
            },
        }
    };
    for step in &stages.detours {
        let held = holds(step.def, step.span)?;
        st.detours.push(StepTrace {
            name: step.name.clone(),
            defined: step.def.is_some(),
            held,
        });
        if held && st.stage.is_none() {
            st.stage = Some(step.name.clone());
        }
    }
    let mut furthest = None;
    for step in &stages.path {
        let held = holds(step.def, step.span)?;
        st.path.push(StepTrace {
            name: step.name.clone(),
            defined: step.def.is_some(),
            held,
        });
        if held {
            furthest = Some(step.name.clone());
        }
    }
    if st.stage.is_none() {
        st.stage = furthest;
    }
    Ok(st)
}
