//! `stage_skip`: a stage whose definition can hold while the previous stage's does not.
//!
//! The rule: for consecutive stages `P -> S` of the path, both defined, build the DNF of
//! `S and not P`, and look for a conjunction in which every term is free (a schema field, or a
//! constant's membership in a list field) and has a value a lead can hold. Free terms are
//! independent inputs, so such a conjunction describes real leads: they reach `S` without `P`.
//! Conjunctions that mention anything computed (scores, `stage`, `domain(email)`, aggregates)
//! never count as proof. A first stage left undefined is reached by every lead, so the second
//! stage is never said to skip it.

use super::sets::{float_of_key, IntSet, TermSet, Vals};
use super::terms::{Domain, Freedom, OrdKind, TermInfo};
use super::{allow_help, Cx};
use crate::diag::Lint;
use crate::time::{format_duration, format_timestamp};

pub(super) fn stage_skip(cx: &mut Cx) {
    let program = cx.program;
    let Some(stages) = &program.stages else {
        return;
    };
    for pair in stages.path.windows(2) {
        let (prev, step) = (&pair[0], &pair[1]);
        let (Some(prev_def), Some(def)) = (prev.def, step.def) else {
            continue;
        };
        let def = program.def(def);
        if super::allows(&stages.allow, Lint::StageSkip) {
            continue;
        }
        let prev_expr = &program.def(prev_def).expr;
        let Some(dnf) = cx.both(&def.expr, true, prev_expr, false) else {
            continue;
        };
        let Some(witness) = dnf
            .conjs
            .iter()
            .filter_map(|c| describe(cx, c))
            .min_by_key(|w| w.len())
        else {
            continue;
        };
        let d = Cx::warning(
            Lint::StageSkip,
            def.expr.span,
            format!(
                "stage `{}` can be reached without `{}`: its definition can hold while `{}` does not",
                step.name, prev.name, prev.name
            ),
        )
        .label(format!("holds for some leads that are not `{}`", prev.name))
        .with_secondary(step.span, format!("`{}` follows `{}` here", step.name, prev.name))
        .with_help(format!(
            "for example, a lead with {} is `{}` but not `{}`; to require the previous stage, \
             write `{} when {} and …`; {}",
            witness.join(" and "),
            step.name,
            prev.name,
            step.name,
            prev.name,
            allow_help(Lint::StageSkip, &format!("`{}`", step.name))
        ));
        cx.warn(Lint::StageSkip, &def.allow, d);
    }
}

/// A lead satisfying the conjunction, one phrase per constrained field, if every term is free.
fn describe(cx: &Cx, conj: &super::logic::Conj) -> Option<Vec<String>> {
    conj.meet
        .iter()
        .map(|(t, set)| {
            let info = cx.logic.terms.info(*t);
            match info.freedom {
                Freedom::Bound => None,
                Freedom::Member => {
                    let holds = set_has(set, 1)?;
                    Some(format!(
                        "`{}` {}",
                        info.display,
                        if holds { "true" } else { "false" }
                    ))
                }
                Freedom::Field => field_value(info, set).map(|v| format!("`{}` {v}", info.display)),
            }
        })
        .collect()
}

/// For a two-valued member term: whether the set allows `v`, preferring it.
fn set_has(set: &TermSet, v: i128) -> Option<bool> {
    let Vals::Ord(s) = &set.vals else { return None };
    if s.intersect(&IntSet::point(v)).is_empty() {
        (!s.is_empty()).then_some(false)
    } else {
        Some(true)
    }
}

/// A value a field can hold within `set`, in words: `present`, `missing`, `= 0`, `= "event"`.
fn field_value(info: &TermInfo, set: &TermSet) -> Option<String> {
    let full = info.full_vals();
    let has_values = match &set.vals {
        Vals::Ord(s) => !s.is_empty(),
        Vals::Str(s) => !s.is_empty(),
    };
    if !has_values {
        return set.missing.then(|| "missing".to_string());
    }
    if set.vals == full {
        return Some(
            if info.optional {
                "present"
            } else {
                "any value"
            }
            .to_string(),
        );
    }
    let value = match (&info.domain, &set.vals) {
        (Domain::Ord { kind, .. }, Vals::Ord(s)) => {
            let v = s.pick_near(0, |_| true)?;
            match kind {
                OrdKind::Int => v.to_string(),
                OrdKind::Timestamp => format_timestamp(i64::try_from(v).ok()?),
                OrdKind::Duration => format_duration(i64::try_from(v).ok()?),
                OrdKind::Bool => (v == 1).to_string(),
                OrdKind::Enum(e) => format!("{:?}", e.values.get(usize::try_from(v).ok()?)?),
            }
        }
        (Domain::Num, Vals::Ord(s)) => {
            let v = s.pick_near(0, |k| float_of_key(k).is_finite())?;
            format!("{}", float_of_key(v))
        }
        (Domain::Str, Vals::Str(s)) => format!("{:?}", s.pick()?),
        _ => return None,
    };
    Some(format!("= {value}"))
}
