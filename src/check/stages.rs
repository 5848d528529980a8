//! Lifecycle stages (docs/language.md, "Stages and detours"): the `stage` type and the definitions behind each step.

use super::collect::{Decls, Namespace, Symbol};
use super::cx::Cx;
use crate::diag::Code;
use crate::diag::{did_you_mean, quote, Diagnostic};
use crate::ir::{EnumType, StageStep, Ty};
use crate::source::Span;
use crate::syntax::ast;
use std::collections::HashMap;
use std::sync::Arc;

/// Path names, then detour names, as written.
pub(crate) fn step_names<'a>(decls: &Decls<'a>) -> impl Iterator<Item = &'a ast::Ident> {
    let path = decls
        .stages
        .into_iter()
        .flat_map(|s| s.path.iter().map(|step| &step.name));
    let detours = decls.detours.into_iter().flat_map(|d| &d.names);
    path.chain(detours)
}

/// The type of `stage`: an ordered enum of the path, then the detours; optional when the first
/// stage has a definition (a lead may then reach no stage). Reports repeated names and
/// `detours` without `stages`.
pub(crate) fn stage_type(decls: &Decls, ns: &Namespace, diags: &mut Vec<Diagnostic>) -> Option<Ty> {
    let Some(stages) = decls.stages else {
        if let Some(d) = decls.detours {
            let names: Vec<&str> = d.names.iter().map(|n| n.name.as_str()).collect();
            diags.push(
                Diagnostic::error(
                    Code::StageNoPath,
                    d.span,
                    format!(
                        "`{}` without a `stages` path for the detours to leave",
                        quote(&format!("detours {}", names.join(", ")))
                    ),
                )
                .with_help("declare the path first: `stages Lead -> MQL -> SQL`"),
            );
        }
        return None;
    };
    let mut seen: HashMap<&str, (Span, bool)> = HashMap::new();
    let mut values = Vec::new();
    let path_len = stages.path.len();
    for (i, name) in step_names(decls).enumerate() {
        let is_detour = i >= path_len;
        if let Some(&(first, first_detour)) = seen.get(name.name.as_str()) {
            let msg = if first_detour == is_detour {
                let list = if is_detour { "detours" } else { "stages" };
                format!("`{}` is listed twice in `{list}`", name.name)
            } else {
                format!("`{}` is both a stage of the path and a detour", name.name)
            };
            diags.push(
                Diagnostic::error(Code::StageDuplicate, name.span, msg)
                    .label("listed again here")
                    .with_secondary(first, "first listed here")
                    .with_help("a stage is on the path or a detour, once"),
            );
            continue;
        }
        seen.insert(&name.name, (name.span, is_detour));
        values.push(name.name.clone());
    }
    let path_len = values
        .iter()
        .take_while(|v| stages.path.iter().any(|p| &p.name.name == *v))
        .count();
    let ty = Ty::Enum(Arc::new(EnumType {
        values,
        stage_path_len: Some(path_len),
    }));
    let first_defined = stages
        .path
        .first()
        .is_some_and(|f| ns.get(&f.name.name).is_some());
    Some(if first_defined { ty.optional() } else { ty })
}

/// The steps with their definitions: each must be a boolean definition, except the first stage,
/// which may be undefined.
pub(crate) fn lower_steps(cx: &mut Cx, decls: &Decls) -> (Vec<StageStep>, Vec<StageStep>) {
    let path_len = decls.stages.map_or(0, |s| s.path.len());
    let mut path = Vec::new();
    let mut detours = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for (i, name) in step_names(decls).enumerate() {
        if seen.contains(&name.name.as_str()) {
            continue; // reported with the type
        }
        seen.push(&name.name);
        let def = match cx.ns.get(&name.name) {
            Some(Symbol::Def(id)) => {
                let ty = cx.def_tys[id.0 as usize].clone().unwrap_or(Ty::Error);
                if ty != Ty::Bool && !ty.is_error() {
                    let help = format!("define it as a segment: `{} when …`", name.name);
                    cx.error(
                        Diagnostic::error(
                            Code::StageNotSegment,
                            name.span,
                            format!(
                                "stage `{}` must be a boolean definition, but `{}` is {}",
                                name.name,
                                name.name,
                                super::cx::a_ty(&ty)
                            ),
                        )
                        .with_secondary(
                            cx.ns.span_of(&name.name).unwrap_or(name.span),
                            format!("defined here with type `{ty}`"),
                        )
                        .with_help(help),
                    );
                }
                Some(id)
            }
            Some(other) => {
                let what = match other {
                    Symbol::Field(_) => "a field",
                    Symbol::Score(_) => "a score",
                    Symbol::Grade(_) => "a grade",
                    _ => "not a definition",
                };
                cx.error(
                    Diagnostic::error(
                        Code::StageNotSegment,
                        name.span,
                        format!(
                            "stage `{}` must be a boolean definition, but it is {what}",
                            name.name
                        ),
                    )
                    .with_secondary(
                        cx.ns.span_of(&name.name).unwrap_or(name.span),
                        "declared here",
                    )
                    .with_help(format!(
                        "name the stage differently and define it: `{}_stage when …`",
                        name.name
                    )),
                );
                None
            }
            None if i == 0 => None,
            None => {
                let mut d = Diagnostic::error(
                    Code::StageNotSegment,
                    name.span,
                    format!("stage `{}` is not defined", name.name),
                )
                .label("no definition with this name");
                d = match did_you_mean(&name.name, cx.ns.names()) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None => d.with_help(format!(
                        "define when a lead reaches it: `{} when …` (only the first stage may be left undefined)",
                        name.name
                    )),
                };
                cx.error(d);
                None
            }
        };
        let step = StageStep {
            name: name.name.clone(),
            def,
            at: None,
            span: name.span,
        };
        if i < path_len {
            path.push(step);
        } else {
            detours.push(step);
        }
    }
    (path, detours)
}

/// The dates of the path's stages (`MQL at mql_at`), each a `timestamp` or `timestamp?`
/// expression, into the steps [`lower_steps`] made. Checked once every definition has its type:
/// a date is not part of computing `stage`, so it may use any name, `stage` included.
pub(crate) fn lower_dates(cx: &mut Cx, decls: &Decls, path: &mut [StageStep]) {
    let Some(stages) = decls.stages else { return };
    for ast_step in &stages.path {
        let Some(at) = &ast_step.at else { continue };
        cx.present.clear();
        let date = cx.expr(at);
        let date = if date.ty.is_error() || *date.ty.base() == Ty::Timestamp {
            date
        } else {
            let text = cx.text(at.span);
            let help = match date.ty.base() {
                Ty::Duration => format!(
                    "a duration is a span of time, a date an instant: count it from one, as in `created_at + {text}`"
                ),
                _ => "give the field or definition that holds when a lead entered the stage, as in `MQL at mql_at`".to_string(),
            };
            cx.error(
                Diagnostic::error(
                    Code::StageDateType,
                    at.span,
                    format!(
                        "the date of stage `{}` must be a `timestamp` or a `timestamp?`, but `{text}` is {}",
                        ast_step.name.name,
                        super::cx::a_ty(&date.ty)
                    ),
                )
                .label(format!("this has type `{}`", date.ty))
                .with_help(help),
            );
            continue;
        };
        // A name listed twice kept only its first step (the duplicate is reported).
        if let Some(step) = path.iter_mut().find(|s| s.name == ast_step.name.name) {
            if step.at.is_none() && step.span == ast_step.name.span {
                step.at = Some(date);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::ExprKind;
    use crate::RuleSet;

    const RULES: &str = r#"
schema {
  id: string key
  visits: int
  created_at: timestamp
  mql_at: timestamp?
}
stages Lead at created_at -> MQL -> SQL at entered_sql
detours Gone
MQL when visits >= 3
SQL when MQL and visits >= 10
Gone when visits < 0
## A date may read `stage`: it is not part of computing it.
entered_sql = if stage == "SQL" then created_at + 1d else created_at
"#;

    #[test]
    fn dates_land_on_their_steps_and_may_use_stage() {
        let rules = match RuleSet::compile_str("r.smql", RULES) {
            Ok(r) => r,
            Err(e) => panic!("{:?}", e.diagnostics),
        };
        let stages = rules.program.stages.as_ref().expect("stages");
        let kinds: Vec<Option<&ExprKind>> = stages
            .path
            .iter()
            .map(|s| s.at.as_ref().map(|e| &e.kind))
            .collect();
        assert!(matches!(kinds[0], Some(ExprKind::Field(_))));
        assert!(kinds[1].is_none());
        assert!(matches!(kinds[2], Some(ExprKind::Def(_))));
        assert!(stages.detours.iter().all(|d| d.at.is_none()));
    }

    #[test]
    fn an_optional_timestamp_is_a_date_and_an_int_is_not() {
        let ok = RULES.replace("-> MQL ->", "-> MQL at mql_at ->");
        assert!(RuleSet::compile_str("r.smql", &ok).is_ok());
        let bad = RULES.replace("-> MQL ->", "-> MQL at visits ->");
        let Err(e) = RuleSet::compile_str("r.smql", &bad) else {
            panic!("an int date checked");
        };
        let codes: Vec<&str> = e.diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["smql::stage::date_type"]);
    }
}
