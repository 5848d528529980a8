//! Lints on conditions: `unsatisfiable`, `always_true`, `dead_item`, `duplicate_item`,
//! `unreachable_arm`.

use super::support::Read;
use super::terms::canonical;
use super::{allow_help, item_text, Cx, Verdict};
use crate::diag::{quote, Lint};
use crate::ir::{DefId, Node, Rule, ScoreEntry, ScoreItem, SlaKind, Ty};
use std::collections::HashMap;

/// Boolean definitions, dependencies first, so a definition that expands a flagged one is
/// recognised as a consequence and not reported again.
pub(super) fn definitions(cx: &mut Cx) {
    let program = cx.program;
    let mut ids: Vec<DefId> = program
        .order
        .iter()
        .filter_map(|n| match n {
            Node::Def(d) => Some(*d),
            _ => None,
        })
        .collect();
    for i in 0..program.defs.len() {
        let id = DefId(i as u32);
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    for id in ids {
        let def = program.def(id);
        if def.expr.ty != Ty::Bool {
            continue;
        }
        let (lint, message, label, help) = match cx.judge(&def.expr) {
            Verdict::Never(dnf) => (
                Lint::Unsatisfiable,
                format!("`{}` can never hold: {}", def.name, cx.why_never(&dnf)),
                "this never holds",
                format!("no lead can ever be `{}`", def.name),
            ),
            Verdict::Always(neg) => (
                Lint::AlwaysTrue,
                format!("`{}` always holds, {}", def.name, cx.why_always(&neg)),
                "this always holds",
                format!("every lead is `{}`", def.name),
            ),
            Verdict::Unknown => continue,
        };
        cx.flagged.insert(id);
        let d = Cx::warning(lint, def.expr.span, message)
            .label(label)
            .with_help(format!("{help}; {}", allow_help(lint, "the definition")));
        cx.warn(lint, &def.allow, d);
    }
}

pub(super) fn scores(cx: &mut Cx) {
    let program = cx.program;
    for score in &program.scores {
        let what = format!("`score {}`", score.name);
        let mut top: Vec<&ScoreItem> = Vec::new();
        for entry in &score.entries {
            match entry {
                ScoreEntry::Item(item) => top.push(item),
                ScoreEntry::Group { items, .. } => {
                    let group: Vec<&ScoreItem> = items.iter().collect();
                    items_of(cx, &group, &score.allow, &what);
                }
            }
        }
        items_of(cx, &top, &score.allow, &what);
    }
}

/// The items of one score or one group: dead items, always-true conditions, duplicates.
fn items_of(cx: &mut Cx, items: &[&ScoreItem], allow: &[crate::ir::Allow], what: &str) {
    let mut dead = vec![false; items.len()];
    for (i, item) in items.iter().enumerate() {
        let text = item_text(item);
        let diag = match &item.rule {
            _ if item.points == 0.0 => Some((
                Lint::DeadItem,
                format!("score item `{text}` can never add points: it is worth 0 points"),
                "adds 0",
                "remove the item or give it points".to_string(),
            )),
            Rule::Per {
                up_to: Some(cap), ..
            } if *cap == 0.0 => Some((
                Lint::DeadItem,
                format!("score item `{text}` can never add points: it is capped `up to 0`"),
                "adds at most 0",
                "remove the item or raise its cap".to_string(),
            )),
            Rule::Per { .. } | Rule::Always => None,
            Rule::When(cond) => match cx.judge(cond) {
                Verdict::Never(dnf) => Some((
                    Lint::DeadItem,
                    format!("score item `{text}` can never fire: {}", cx.why_never(&dnf)),
                    "this never holds",
                    "remove the item or fix its condition".to_string(),
                )),
                Verdict::Always(neg) => Some((
                    Lint::AlwaysTrue,
                    format!(
                        "the condition of score item `{text}` always holds, {}",
                        cx.why_always(&neg)
                    ),
                    "this always holds",
                    "every lead gets these points".to_string(),
                )),
                Verdict::Unknown => None,
            },
        };
        if let Some((lint, message, label, help)) = diag {
            dead[i] = lint == Lint::DeadItem;
            let d = Cx::warning(lint, item.span, message)
                .label(label)
                .with_help(format!("{help}; {}", allow_help(lint, what)));
            cx.warn(lint, allow, d);
        }
    }
    // Duplicates: equal rules found by their canonical text (a map, linear), and conditions that
    // imply each other among the earlier items that read the same things, within a budget of
    // implication checks: a score of thousands of items over the same fields is not searched
    // pair by pair (the lint gives up quietly on the rest, SPEC §13).
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut by_reads: HashMap<Vec<Read>, Vec<usize>> = HashMap::new();
    let mut budget = IMPLICATION_BUDGET;
    for j in 0..items.len() {
        if dead[j] {
            continue;
        }
        let key = rule_key(items[j]);
        let equal = key.as_ref().and_then(|k| by_key.get(k).copied());
        let mut found = equal;
        if let Rule::When(y) = &items[j].rule {
            let reads = cx.supports.of(y);
            let earlier = by_reads.entry(reads).or_default();
            // The first item it duplicates, as a search of every earlier item would find it.
            for &i in earlier.iter().take_while(|&&i| equal.is_none_or(|e| i < e)) {
                if budget == 0 {
                    break;
                }
                budget -= 1;
                if let Rule::When(x) = &items[i].rule {
                    if equivalent(cx, x, y) {
                        found = Some(i);
                        break;
                    }
                }
            }
            earlier.push(j);
        }
        if let Some(k) = key {
            by_key.entry(k).or_insert(j);
        }
        let Some(i) = found else {
            continue;
        };
        let (first, again) = (items[i], items[j]);
        let message = if first.source == again.source {
            format!("duplicate score item `{}` in {what}", item_text(again))
        } else {
            format!(
                "duplicate score item in {what}: `{}` has the same condition as `{}`",
                item_text(again),
                item_text(first)
            )
        };
        let d = Cx::warning(Lint::DuplicateItem, again.span, message)
            .label("scored again here")
            .with_secondary(first.span, "first scored here")
            .with_help(format!(
                "a lead that matches gets the points of both items; merge them into one; {}",
                allow_help(Lint::DuplicateItem, what)
            ));
        cx.warn(Lint::DuplicateItem, allow, d);
    }
}

/// Implication checks the duplicate-item lint spends on one score (or group): each builds two
/// DNFs, so this bounds the lint to well under a second on any score.
const IMPLICATION_BUDGET: usize = 20_000;

/// A rule's canonical text: two rules with equal texts are the same rule. `None` for an item
/// that always adds its points (never reported as a duplicate).
fn rule_key(item: &ScoreItem) -> Option<String> {
    match &item.rule {
        Rule::When(x) => Some(format!("when {}", canonical(x))),
        Rule::Per { x, up_to } => Some(format!("per {} up to {up_to:?}", canonical(x))),
        Rule::Always => None,
    }
}

/// Two conditions proven to imply each other.
fn equivalent(cx: &mut Cx, x: &crate::ir::Expr, y: &crate::ir::Expr) -> bool {
    cx.logic.reset_touched();
    let implies = |cx: &mut Cx, p, q| {
        cx.both(p, true, q, false)
            .is_some_and(|d| d.is_false() && d.dropped > 0)
    };
    implies(cx, x, y) && implies(cx, y, x) && !cx.touches_flagged()
}

pub(super) fn grades(cx: &mut Cx) {
    let program = cx.program;
    for grade in &program.grades {
        let what = format!("`grade {}`", grade.name);
        let mut never = vec![false; grade.arms.len()];
        for (i, arm) in grade.arms.iter().enumerate() {
            let arm_text = quote(&format!("{:?} when {}", arm.label, cx.text(&arm.cond)));
            let (lint, message, label) = match cx.judge(&arm.cond) {
                Verdict::Never(dnf) => (
                    Lint::Unsatisfiable,
                    format!(
                        "grade arm `{arm_text}` of `{}` can never hold: {}",
                        grade.name,
                        cx.why_never(&dnf)
                    ),
                    "this never holds",
                ),
                Verdict::Always(neg) => (
                    Lint::AlwaysTrue,
                    format!(
                        "grade arm `{arm_text}` of `{}` always holds, {}, so no later arm is ever chosen",
                        grade.name,
                        cx.why_always(&neg)
                    ),
                    "this always holds, so no later arm is ever chosen",
                ),
                Verdict::Unknown => continue,
            };
            never[i] = lint == Lint::Unsatisfiable;
            let d = Cx::warning(lint, arm.cond.span, message)
                .label(label)
                .with_help(allow_help(lint, &what));
            cx.warn(lint, &grade.allow, d);
        }
        for (i, arm) in grade.arms.iter().enumerate() {
            if never[i] || i == 0 {
                continue;
            }
            cx.logic.reset_touched();
            let earlier: Vec<usize> = (0..i).collect();
            if !covered(cx, grade, i, &earlier) || cx.touches_flagged() {
                continue;
            }
            let label = format!("`{:?}` is never chosen", arm.label);
            // One earlier arm that covers this one alone, if any, else all of them together.
            let cover = (0..i).find(|&j| {
                cx.both(&arm.cond, true, &grade.arms[j].cond, false)
                    .is_some_and(|d| d.is_false())
            });
            let mut d = match cover {
                Some(j) => {
                    let by = &grade.arms[j];
                    Cx::warning(
                        Lint::UnreachableArm,
                        arm.span,
                        format!(
                            "grade arm `{:?}` of `{}` can never be chosen: every lead it matches gets `{:?}` first",
                            arm.label, grade.name, by.label
                        ),
                    )
                    .with_secondary(by.span, format!("`{:?}` covers it", by.label))
                }
                None => {
                    let mut d = Cx::warning(
                        Lint::UnreachableArm,
                        arm.span,
                        format!(
                            "grade arm `{:?}` of `{}` can never be chosen: every lead it matches gets an earlier grade first",
                            arm.label, grade.name
                        ),
                    );
                    for j in covering_arms(cx, grade, i) {
                        let by = &grade.arms[j];
                        d = d.with_secondary(by.span, format!("`{:?}` is tried first", by.label));
                    }
                    d
                }
            };
            d = d.label(label).with_help(format!(
                "move the arm above the arms that cover it, or narrow their conditions; {}",
                allow_help(Lint::UnreachableArm, &what)
            ));
            cx.warn(Lint::UnreachableArm, &grade.allow, d);
        }
    }
}

/// An irredundant set of earlier arms that together cover arm `i`: start from all of them and
/// drop each one whose removal keeps arm `i` unreachable.
fn covering_arms(cx: &mut Cx, grade: &crate::ir::Grade, i: usize) -> Vec<usize> {
    let mut keep: Vec<usize> = (0..i).collect();
    for j in (0..i).rev() {
        let trial: Vec<usize> = keep.iter().copied().filter(|&k| k != j).collect();
        if covered(cx, grade, i, &trial) {
            keep = trial;
        }
    }
    keep
}

/// Whether arm `i` cannot hold where none of the arms `by` does.
fn covered(cx: &mut Cx, grade: &crate::ir::Grade, i: usize, by: &[usize]) -> bool {
    let Some(mut acc) = cx.logic.dnf(&grade.arms[i].cond, true) else {
        return false;
    };
    for &j in by {
        let Some(next) = cx
            .logic
            .dnf(&grade.arms[j].cond, false)
            .and_then(|n| acc.and(n))
        else {
            return false;
        };
        acc = next;
    }
    // A literal `false` drops conjunctions without a conflict: nothing to prove then.
    acc.is_false() && acc.dropped > 0
}

/// SLA populations that are empty, and `require` conditions decided by the population. SLAs
/// carry no allowances in the IR, so these cannot be silenced; they fire only on proof.
pub(super) fn slas(cx: &mut Cx) {
    let program = cx.program;
    for sla in &program.slas {
        let population = match &sla.kind {
            SlaKind::Deadline { population, .. }
            | SlaKind::Condition { population, .. }
            | SlaKind::Volume { population, .. } => population,
        };
        if let Verdict::Never(dnf) = cx.judge(population) {
            let d = Cx::warning(
                Lint::Unsatisfiable,
                population.span,
                format!(
                    "SLA {:?} never counts a lead: its population `{}` can never hold, as {}",
                    sla.name,
                    cx.text(population),
                    cx.why_never(&dnf)
                ),
            )
            .label("no lead is ever in this population")
            .with_help(format!("the SLA `{}` never counts a lead", sla.name));
            cx.out.push(d);
            continue;
        }
        let SlaKind::Condition { require, .. } = &sla.kind else {
            continue;
        };
        if matches!(require.kind, crate::ir::ExprKind::Const(_)) {
            continue;
        }
        cx.logic.reset_touched();
        let holds = cx.both(population, true, require, true);
        let fails = cx.both(population, true, require, false);
        if cx.touches_flagged() {
            continue;
        }
        let d = match (holds, fails) {
            (Some(h), _) if h.is_false() && h.dropped > 0 => Cx::warning(
                Lint::Unsatisfiable,
                require.span,
                format!(
                    "`require {}` can never hold for a lead of SLA {:?}: {}",
                    cx.text(require),
                    sla.name,
                    cx.why_never(&h)
                ),
            )
            .label("never holds for the population")
            .with_help(format!("every lead breaches `{}`", sla.name)),
            (_, Some(f)) if f.is_false() && f.dropped > 0 => Cx::warning(
                Lint::AlwaysTrue,
                require.span,
                format!(
                    "`require {}` always holds for a lead of SLA {:?}, {}",
                    cx.text(require),
                    sla.name,
                    cx.why_always(&f)
                ),
            )
            .label("always holds for the population")
            .with_help(format!("`{}` can never be breached", sla.name)),
            _ => continue,
        };
        cx.out.push(d);
    }
}
