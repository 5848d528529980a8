//! The whole query: fields loaded into the query's representation, then every definition,
//! score, grade and the stage as a column, then the output columns.
//!
//! ```sql
//! WITH smql_in AS (SELECT epoch_ms("created_at") AS f3_created_at, … FROM "leads"),
//!      smql_1  AS (SELECT *, … AS d0_work_email, … FROM smql_in),
//!      smql_2  AS (SELECT *, … AS s0_engagement, … FROM smql_1), …
//! SELECT f0_id AS "id", stage_ AS "stage", s0_engagement AS "engagement", … FROM smql_N
//! ```
//!
//! A column is placed in the first CTE after every column it reads ("levels"), so a rule set
//! of any size is as many CTEs as its longest chain of dependencies.

use super::build::*;
use super::ddl;
use super::dialect::{EpochMs, Lists, Records, Spec};
use super::lower::{Lower, R};
use super::Refusal;
use crate::eval::Source;
use crate::ir::{Name, Node, Program, Rule, ScoreEntry, ScoreItem, Ty};
use crate::source::Span;
use sqlparser::ast::{BinaryOperator as Op, Expr as Sql, ObjectName, SelectItem};

/// Timestamp → epoch ms, the dialect's way.
pub fn to_epoch_ms(spec: &Spec, t: Sql) -> Sql {
    match spec.to_epoch_ms {
        EpochMs::Call(f) => call(f, vec![t]),
        EpochMs::Postgres => {
            let epoch = Sql::Extract {
                field: sqlparser::ast::DateTimeField::Epoch,
                syntax: sqlparser::ast::ExtractSyntax::From,
                expr: Box::new(t),
            };
            cast(
                call("floor", vec![bin(epoch, Op::Multiply, int(1000))]),
                spec.types.int,
            )
        }
        EpochMs::Snowflake => call("DATE_PART", vec![col(raw("EPOCH_MILLISECOND")), t]),
    }
}

/// Epoch ms → timestamp, the dialect's way.
pub fn from_epoch_ms(spec: &Spec, ms: Sql) -> Sql {
    match spec.from_epoch_ms {
        EpochMs::Call(f) => call(f, vec![ms]),
        EpochMs::Postgres => {
            // Exact for instants within ±285,000 years (the interval is scaled by a double).
            let interval = Sql::Interval(sqlparser::ast::Interval {
                value: Box::new(single_quoted("1 millisecond")),
                leading_field: None,
                leading_precision: None,
                last_field: None,
                fractional_seconds_precision: None,
            });
            bin(
                call("to_timestamp", vec![int(0)]),
                Op::Plus,
                bin(ms, Op::Multiply, interval),
            )
        }
        EpochMs::Snowflake => call("TO_TIMESTAMP_TZ", vec![ms, int(3)]),
    }
}

/// What the query is asked for.
pub(super) struct Plan<'a> {
    pub program: &'a Program,
    pub table: &'a str,
    pub input_names: bool,
    pub columns: &'a [(String, Source)],
    pub now: Option<i64>,
}

/// The query, or every construct the dialect cannot say.
pub(super) fn build(
    plan: &Plan,
    spec: &'static Spec,
) -> Result<sqlparser::ast::Query, Vec<Refusal>> {
    let program = plan.program;
    let mut l = Lower::new(program, spec, plan.now);
    let mut refusals = Vec::new();
    let mut loads = Vec::new();
    for (i, f) in program.schema.fields.iter().enumerate() {
        let source = col(quoted(spec.quote, ddl::column_name(f, plan.input_names)));
        let load = match load(&mut l, source, &f.ty, f.span) {
            Ok(e) => e,
            Err(r) => {
                refusals.push(r);
                null()
            }
        };
        loads.push(load.clone());
        let c = l.push_column(format!("f{i}_{}", f.name), load);
        l.field_cols.push(c);
    }
    if plan.now.is_none() {
        let now = to_epoch_ms(spec, col(raw(spec.current_timestamp)));
        l.now_col = Some(l.push_column("now_ms".into(), now));
    }
    let inputs = l.columns.len();
    for node in &program.order {
        if let Err(r) = node_column(&mut l, program, *node) {
            refusals.push(r);
            // A stand-in, so later nodes still lower (and report their own refusals).
            l.deps.clear();
            let c = l.push_column(format!("x{}", l.columns.len()), null());
            match *node {
                Node::Def(id) => l.def_cols[id.0 as usize] = Some(c),
                Node::Score(id) => l.score_cols[id.0 as usize] = Some(c),
                Node::Grade(id) => l.grade_cols[id.0 as usize] = Some(c),
                Node::Stage => l.stage_col = Some(c),
            }
        }
    }
    let mut outputs = Vec::new();
    for (name, source) in plan.columns {
        match output(&mut l, program, name, *source) {
            Ok(e) => outputs.push(item(e, quoted(spec.quote, name))),
            Err(r) => refusals.push(r),
        }
    }
    if !refusals.is_empty() {
        return Err(refusals);
    }
    Ok(assemble(&l, inputs, plan, outputs))
}

/// A field's column as read from the table into the query's representation: timestamps as
/// epoch ms, lists never NULL (an absent list is empty, SPEC §2).
fn load(l: &mut Lower, source: Sql, ty: &Ty, span: Span) -> R<Sql> {
    let spec = l.spec;
    Ok(match ty.base() {
        Ty::Timestamp => to_epoch_ms(spec, source),
        Ty::List(e) => {
            let list = call("coalesce", vec![source, empty_array(spec, ty)]);
            if e.base() == &Ty::Timestamp {
                timestamps_to_ms(l, list, span)?
            } else {
                list
            }
        }
        Ty::Records(_) => call("coalesce", vec![source, empty_array(spec, ty)]),
        _ => source,
    })
}

/// An empty value of a list field's stored type.
fn empty_array(spec: &Spec, ty: &Ty) -> Sql {
    use super::dialect::Arrays;
    let stored = ddl::column_type(spec, ty);
    match (spec.records, ty.base(), spec.arrays) {
        (Records::Jsonb, Ty::Records(_), _) => cast(single_quoted("[]"), "JSONB"),
        (_, _, Arrays::Construct) => call("ARRAY_CONSTRUCT", vec![]),
        (_, _, Arrays::ArrayFn) => cast(call("array", vec![]), &stored),
        (_, _, arrays) => cast(
            Sql::Array(sqlparser::ast::Array {
                elem: vec![],
                named: arrays == Arrays::ArrayBrackets,
            }),
            &stored,
        ),
    }
}

/// A `list of timestamp` column as a list of epoch ms.
fn timestamps_to_ms(l: &mut Lower, list: Sql, span: Span) -> R<Sql> {
    let spec = l.spec;
    let x = raw("t");
    match spec.lists {
        Lists::Lambda(fns) => Ok(call(
            fns.transform,
            vec![list, lambda(vec![x.clone()], to_epoch_ms(spec, col(x)), fns.keyword)],
        )),
        Lists::Unnest(_) => Err(Refusal::new(
            span,
            spec,
            "a `list of timestamp` field is not supported there yet; store epoch milliseconds in a `list of int`".to_string(),
        )),
    }
}

fn node_column(l: &mut Lower, program: &Program, node: Node) -> R<()> {
    l.deps.clear();
    match node {
        Node::Def(id) => {
            let def = &program.defs[id.0 as usize];
            let e = l.expr(&def.expr)?;
            let c = l.push_column(format!("d{}_{}", id.0, def.name), e);
            l.def_cols[id.0 as usize] = Some(c);
        }
        Node::Score(id) => {
            let score = &program.scores[id.0 as usize];
            let e = score_expr(l, score)?;
            let c = l.push_column(format!("s{}_{}", id.0, score.name), e);
            l.score_cols[id.0 as usize] = Some(c);
        }
        Node::Grade(id) => {
            let grade = &program.grades[id.0 as usize];
            let mut arms = Vec::new();
            for (i, arm) in grade.arms.iter().enumerate() {
                // smql stops at the first arm that holds.
                let c = if i == 0 {
                    l.expr(&arm.cond)?
                } else {
                    l.lazily(&arm.cond)?
                };
                arms.push((c, l.string(arm.span, &arm.label)?));
            }
            let otherwise = l.string(grade.span, &grade.otherwise)?;
            let e = case(arms, Some(otherwise));
            let c = l.push_column(format!("g{}_{}", id.0, grade.name), e);
            l.grade_cols[id.0 as usize] = Some(c);
        }
        Node::Stage => {
            let Some(stages) = &program.stages else {
                return Err(Refusal::internal(
                    Span::default(),
                    "a stage without `stages`",
                ));
            };
            // The first detour that holds, else the furthest stage of the path that holds.
            let mut arms = Vec::new();
            let steps = stages.detours.iter().chain(stages.path.iter().rev());
            let mut otherwise = None;
            for step in steps {
                let label = l.string(step.span, &step.name)?;
                match step.def {
                    Some(d) => {
                        let c = l.def_cols[d.0 as usize].ok_or_else(|| {
                            Refusal::internal(step.span, "a stage before its definition")
                        })?;
                        arms.push((l.col(c), label));
                    }
                    None => otherwise = Some(label),
                }
            }
            let e = if arms.is_empty() {
                otherwise.unwrap_or_else(null)
            } else {
                case(arms, otherwise)
            };
            let c = l.push_column("stage_".into(), e);
            l.stage_col = Some(c);
        }
    }
    Ok(())
}

/// A score exactly in the order of `ir::ScoreEntry`'s documented evaluation (so the sum of
/// doubles is the same sum).
fn score_expr(l: &mut Lower, score: &crate::ir::Score) -> R<Sql> {
    let mut total = l.number(0.0);
    for entry in &score.entries {
        let contribution = match entry {
            ScoreEntry::Item(it) => item_expr(l, it)?,
            ScoreEntry::Group { cap, items, .. } => {
                let mut sum = l.number(0.0);
                for it in items {
                    let c = item_expr(l, it)?;
                    sum = bin(sum, Op::Plus, c);
                }
                let cap = l.number(*cap);
                l.min_max_num(sum, cap, false)
            }
        };
        total = bin(total, Op::Plus, contribution);
    }
    if let Some(b) = score.at_least {
        let b = l.number(b);
        total = l.min_max_num(total, b, true);
    }
    if let Some(b) = score.at_most {
        let b = l.number(b);
        total = l.min_max_num(total, b, false);
    }
    if let Some(decay) = &score.decay {
        let since = l.expr(&decay.since)?;
        let since = l.hoist(since);
        let now = l.now();
        let spec = l.spec;
        let elapsed = if_then(
            bin(since.clone(), Op::GtEq, now.clone()),
            l.number(0.0),
            cast(
                bin(
                    cast(now, spec.types.wide),
                    Op::Minus,
                    cast(since, spec.types.wide),
                ),
                spec.types.number,
            ),
        );
        let exponent = bin(elapsed, Op::Divide, l.number(decay.every_ms as f64));
        let base = 1.0 - decay.rate;
        let factor = l.power(l.number(base), exponent, base);
        total = bin(total, Op::Multiply, factor);
    }
    Ok(total)
}

fn item_expr(l: &mut Lower, it: &ScoreItem) -> R<Sql> {
    Ok(match &it.rule {
        Rule::Always => l.number(it.points),
        Rule::When(c) => {
            let c = l.expr(c)?;
            if_then(c, l.number(it.points), l.number(0.0))
        }
        Rule::Per { x, up_to } => {
            let x = l.expr(x)?;
            let v = bin(l.number(it.points), Op::Multiply, x);
            match up_to {
                Some(n) => {
                    let low = l.number(-n);
                    let v = l.min_max_num(v, low, true);
                    let high = l.number(*n);
                    l.min_max_num(v, high, false)
                }
                None => v,
            }
        }
    })
}

/// An output column, converted back from the query's representation.
fn output(l: &mut Lower, program: &Program, name: &str, source: Source) -> R<Sql> {
    let spec = l.spec;
    let Source::Name(n) = source else {
        return Err(Refusal {
            span: Span::default(),
            message: format!("`{name}` (the record number) has no meaning in SQL: the rows of a table have no order"),
            help: Some("mark a field of the schema `key`, or leave `record` out of `--select`".to_string()),
            dialect: spec.name,
        });
    };
    let c = match n {
        Name::Field(id) => Some(l.field_cols[id.0 as usize]),
        Name::Def(id) => l.def_cols[id.0 as usize],
        Name::Score(id) => l.score_cols[id.0 as usize],
        Name::Grade(id) => l.grade_cols[id.0 as usize],
        Name::Stage => l.stage_col,
    };
    let c =
        c.ok_or_else(|| Refusal::internal(Span::default(), "an output that was not computed"))?;
    let v = l.col(c);
    Ok(match program.type_of(n).base() {
        Ty::Timestamp => from_epoch_ms(spec, v),
        Ty::List(e) if e.base() == &Ty::Timestamp => match spec.lists {
            Lists::Lambda(fns) => {
                let x = raw("t");
                call(
                    fns.transform,
                    vec![
                        v,
                        lambda(vec![x.clone()], from_epoch_ms(spec, col(x)), fns.keyword),
                    ],
                )
            }
            Lists::Unnest(_) => v,
        },
        _ => v,
    })
}

/// The CTE chain: fields in `smql_in`, then each column in the first level after its inputs.
fn assemble(
    l: &Lower,
    inputs: usize,
    plan: &Plan,
    outputs: Vec<SelectItem>,
) -> sqlparser::ast::Query {
    let spec = l.spec;
    let mut level = vec![0usize; l.columns.len()];
    for (i, c) in l.columns.iter().enumerate().skip(inputs) {
        level[i] = 1 + c.deps.iter().map(|&d| level[d]).max().unwrap_or(0);
    }
    let top = level.iter().copied().max().unwrap_or(0);
    let first: Vec<SelectItem> = l.columns[..inputs]
        .iter()
        .map(|c| item(c.expr.clone(), raw(&c.name)))
        .collect();
    let table = ObjectName::from(
        plan.table
            .split('.')
            .map(|p| quoted(spec.quote, p))
            .collect::<Vec<_>>(),
    );
    let mut ctes = vec![cte(
        raw("smql_in"),
        select(vec![], first, Some(super::build::table(table)), None),
        spec.materialized_ctes,
    )];
    let mut previous = "smql_in".to_string();
    for lv in 1..=top {
        let mut items = vec![star()];
        items.extend(
            l.columns
                .iter()
                .enumerate()
                .filter(|&(i, _)| i >= inputs && level[i] == lv)
                .map(|(_, c)| item(c.expr.clone(), raw(&c.name))),
        );
        let name = format!("smql_{lv}");
        let from = super::build::table(ObjectName::from(vec![raw(&previous)]));
        ctes.push(cte(
            raw(&name),
            select(vec![], items, Some(from), None),
            spec.materialized_ctes,
        ));
        previous = name;
    }
    let from = super::build::table(ObjectName::from(vec![raw(&previous)]));
    select(ctes, outputs, Some(from), None)
}
