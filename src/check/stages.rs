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
    let path = decls.stages.into_iter().flat_map(|s| &s.path);
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
        .take_while(|v| stages.path.iter().any(|p| &p.name == *v))
        .count();
    let ty = Ty::Enum(Arc::new(EnumType {
        values,
        stage_path_len: Some(path_len),
    }));
    let first_defined = stages
        .path
        .first()
        .is_some_and(|f| ns.get(&f.name).is_some());
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
