//! Why one record changed: the score items that fired differently and the definitions whose
//! value changed, read from both versions' explanations (the traces `--explain` prints).

use crate::eval::trace::{EntryTrace, ItemTrace, ScoreTrace};
use crate::eval::{why_items, Evaluator, Explanation, Lead};
use crate::ir::{Name, Rule, Score, ScoreEntry, ScoreId, ScoreItem, Ty};
use crate::output::number_text;
use crate::value::Value;

/// The reasons `lead` changed, one line each, scores in the new version's order, then
/// definitions. Empty when the record cannot be explained (it failed to evaluate).
pub(super) fn reasons(old: &Evaluator, new: &Evaluator, lead: &Lead, now: i64) -> Vec<String> {
    let (Ok(a), Ok(b)) = (old.explain(lead, now), new.explain(lead, now)) else {
        return Vec::new();
    };
    let (po, pn) = (old.program(), new.program());
    let mut out = Vec::new();
    for (i, score) in pn.scores.iter().enumerate() {
        let Some(Name::Score(old_id)) = po.lookup(&score.name) else {
            continue;
        };
        let (Some(ta), Some(tb)) = (a.trace.scores.get(old_id.0 as usize), b.trace.scores.get(i))
        else {
            continue;
        };
        let before = contributions(po.score(old_id), ta);
        let after = contributions(score, tb);
        for line in item_changes(&before, &after) {
            out.push(format!("{}: {line}", score.name));
        }
        let (wa, wb) = (
            adjustments(&a, old_id, &before),
            adjustments(&b, ScoreId(i as u32), &after),
        );
        for line in adjustment_changes(&wa, &wb) {
            out.push(format!("{}: {line}", score.name));
        }
    }
    for (i, def) in pn.defs.iter().enumerate() {
        let Some(Name::Def(old_id)) = po.lookup(&def.name) else {
            continue;
        };
        if def.expr.ty != Ty::Bool || po.def(old_id).expr.ty != Ty::Bool {
            continue;
        }
        let (x, y) = (a.values.defs.get(old_id.0 as usize), b.values.defs.get(i));
        if let (Some(Value::Bool(x)), Some(Value::Bool(y))) = (x, y) {
            if x != y {
                out.push(format!("{}: {x} → {y}", def.name));
            }
        }
    }
    out
}

/// One score item: how it reads (`+20 when downloaded "pricing"`), its rule alone (what items of
/// the two versions are matched by), whether it fired, and what it added.
struct Contribution {
    label: String,
    rule: String,
    fired: bool,
    points: f64,
}

/// `+20 when downloaded "pricing"`, `+2 per form_fills up to 10`.
fn item_label(item: &ScoreItem) -> String {
    let points = signed(item.points);
    match item.rule {
        Rule::Always => points,
        Rule::When(_) => format!("{points} when {}", item.source),
        Rule::Per { .. } => format!("{points} {}", item.source),
    }
}

fn signed(x: f64) -> String {
    let r = (x * 100.0).round() / 100.0;
    if r >= 0.0 {
        format!("+{}", number_text(r))
    } else {
        number_text(r)
    }
}

/// Every item of `score` (groups' items included) beside its trace.
fn contributions(score: &Score, trace: &ScoreTrace) -> Vec<Contribution> {
    let mut out = Vec::new();
    let mut push = |item: &ScoreItem, t: &ItemTrace| {
        out.push(Contribution {
            label: item_label(item),
            rule: item.source.to_string(),
            fired: t.fired,
            points: t.points,
        });
    };
    for (entry, t) in score.entries.iter().zip(&trace.entries) {
        match (entry, t) {
            (ScoreEntry::Item(item), EntryTrace::Item(t)) => push(item, t),
            (ScoreEntry::Group { items, .. }, EntryTrace::Group(g)) => {
                for (item, t) in items.iter().zip(&g.items) {
                    push(item, t);
                }
            }
            _ => {}
        }
    }
    out
}

/// Items that fired or counted differently. Items of the two versions are matched by their
/// rule (`downloaded "pricing"`), each at most once, so an item whose points changed reads as one
/// change (`+20 when …` is now `+25 when …`), not a removal and an addition.
fn item_changes(before: &[Contribution], after: &[Contribution]) -> Vec<String> {
    let mut out = Vec::new();
    let mut matched = vec![false; before.len()];
    for b in after {
        let found = before
            .iter()
            .enumerate()
            .position(|(i, a)| !matched[i] && a.rule == b.rule);
        let Some(i) = found else {
            if b.fired {
                out.push(format!("new `{}` fires ({})", b.label, signed(b.points)));
            }
            continue;
        };
        matched[i] = true;
        let a = &before[i];
        if a.label != b.label && (a.fired || b.fired) {
            out.push(format!(
                "`{}` is now `{}` ({} → {})",
                a.label,
                b.label,
                signed(a.points),
                signed(b.points)
            ));
        } else if a.fired && !b.fired {
            out.push(format!(
                "`{}` no longer fires ({})",
                b.label,
                signed(-a.points)
            ));
        } else if !a.fired && b.fired {
            out.push(format!("`{}` now fires ({})", b.label, signed(b.points)));
        } else if a.points.to_bits() != b.points.to_bits() {
            out.push(format!(
                "`{}` {} → {}",
                b.label,
                signed(a.points),
                signed(b.points)
            ));
        }
    }
    for (a, _) in before.iter().zip(&matched).filter(|(a, m)| a.fired && !**m) {
        out.push(format!("removed `{}` ({})", a.label, signed(-a.points)));
    }
    out
}

/// The caps, clamps and decay of `--explain` for one score: what `why_items` lists after the
/// items that fired.
fn adjustments(e: &Explanation, id: ScoreId, items: &[Contribution]) -> Vec<(String, f64)> {
    let fired = items.iter().filter(|c| c.fired).count();
    why_items(&e.trace, id)
        .into_iter()
        .skip(fired)
        .map(|w| (w.rule.to_string(), w.points))
        .collect()
}

/// Caps, clamps and decay that apply in one version only (one that applies in both changes
/// with the items, which are already listed).
fn adjustment_changes(before: &[(String, f64)], after: &[(String, f64)]) -> Vec<String> {
    let mut out = Vec::new();
    for (text, b) in after {
        if !before.iter().any(|(t, _)| t == text) {
            out.push(format!("`{text}` now applies ({})", signed(*b)));
        }
    }
    for (text, a) in before {
        if !after.iter().any(|(t, _)| t == text) {
            out.push(format!("`{text}` no longer applies ({})", signed(-*a)));
        }
    }
    out
}
