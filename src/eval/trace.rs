//! Why a lead's scores, grades and stage came out as they did: recorded by [`super::eval_lead`]
//! when asked, read by `--explain` ([`why_items`]) and `smql explain` ([`super::render_explain`]).

use crate::ir::ScoreId;
use crate::time::format_duration;
use std::sync::Arc;

/// Everything `eval_lead` recorded for one lead.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Trace {
    /// By `ScoreId`.
    pub scores: Vec<ScoreTrace>,
    /// By `GradeId`.
    pub grades: Vec<GradeTrace>,
    /// `None` when no `stages` is declared.
    pub stage: Option<StageTrace>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScoreTrace {
    pub entries: Vec<EntryTrace>,
    /// Sum of the entries, before clamps and decay.
    pub sum: f64,
    /// `at least` / `at most`, when declared, in the order applied.
    pub at_least: Option<Adjustment>,
    pub at_most: Option<Adjustment>,
    pub decay: Option<DecayTrace>,
    /// The score.
    pub total: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum EntryTrace {
    Item(ItemTrace),
    Group(GroupTrace),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ItemTrace {
    /// The rule's source text (`visits >= 3`, `form_fills up to 15`), shared with the IR.
    pub source: Arc<str>,
    /// `when`: the condition held. `per`: the contribution is not zero.
    pub fired: bool,
    /// What the item added (after `up to`), `0.0` when it did not fire.
    pub points: f64,
    /// For `per` items: the points per unit, the per-value and the contribution before `up to`.
    pub per: Option<PerTrace>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PerTrace {
    /// The item's points per unit (`+5 per …` → 5).
    pub each: f64,
    pub x: f64,
    pub unclamped: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GroupTrace {
    pub name: String,
    pub cap: f64,
    pub items: Vec<ItemTrace>,
    /// Sum of the items.
    pub raw: f64,
    /// `min(raw, cap)`: what the group added.
    pub contributed: f64,
}

/// A bound or factor applied to the running total.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Adjustment {
    /// The bound (`at least` / `at most`).
    pub bound: f64,
    pub before: f64,
    pub after: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DecayTrace {
    pub rate: f64,
    pub every_ms: i64,
    /// `max(0, now - since)`.
    pub elapsed_ms: i64,
    pub factor: f64,
    pub before: f64,
    pub after: f64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct GradeTrace {
    /// Every arm tried, in order, up to and including the chosen one.
    pub arms: Vec<ArmTrace>,
    /// Index of the chosen arm; `None` when no arm held and `else` gave the label.
    pub chosen: Option<usize>,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ArmTrace {
    pub label: String,
    pub held: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct StageTrace {
    /// Every detour, in declared order.
    pub detours: Vec<StepTrace>,
    /// Every stage of the path, in order.
    pub path: Vec<StepTrace>,
    /// The lead's stage, if any.
    pub stage: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StepTrace {
    pub name: String,
    /// `false` for an undefined first stage (which every lead reaches).
    pub defined: bool,
    pub held: bool,
}

/// One line of a score's explanation: an item that fired (its source text and points), or a cap,
/// clamp or decay (its text and the points it added or removed).
#[derive(Debug, Clone, PartialEq)]
pub struct WhyItem {
    /// An item's text is shared with the rule set, so explaining a million rows copies no text.
    pub rule: Arc<str>,
    pub points: f64,
}

impl WhyItem {
    pub fn new(rule: impl Into<Arc<str>>, points: f64) -> WhyItem {
        WhyItem {
            rule: rule.into(),
            points,
        }
    }
}

/// Exactly what `--explain` prints for one score (docs/commands.md): every item that fired as
/// `(source text, points)` in declaration order (items of a group included, each with its own
/// points), then each adjustment that changed the total, as `(description, change)`:
/// `group "content" capped at 16` (points removed by the cap), `at least 0` / `at most 100`
/// (points the clamp added or removed), `decay 10% every 30d` (points the decay removed).
/// Adjustments that changed nothing are left out. Empty for an unknown score.
pub fn why_items(trace: &Trace, score: ScoreId) -> Vec<WhyItem> {
    let Some(st) = trace.scores.get(score.0 as usize) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut adjustments = Vec::new();
    let fired = |item: &ItemTrace| {
        item.fired
            .then(|| WhyItem::new(item.source.clone(), item.points))
    };
    for entry in &st.entries {
        match entry {
            EntryTrace::Item(item) => out.extend(fired(item)),
            EntryTrace::Group(g) => {
                out.extend(g.items.iter().filter_map(fired));
                if changed(g.raw, g.contributed) {
                    adjustments.push(WhyItem::new(
                        format!("group {:?} capped at {}", g.name, number_text(g.cap)),
                        g.contributed - g.raw,
                    ));
                }
            }
        }
    }
    out.extend(adjustments);
    for (word, adj) in [("at least", st.at_least), ("at most", st.at_most)] {
        if let Some(a) = adj.filter(|a| changed(a.before, a.after)) {
            out.push(WhyItem::new(
                format!("{word} {}", number_text(a.bound)),
                a.after - a.before,
            ));
        }
    }
    if let Some(d) = st.decay.filter(|d| changed(d.before, d.after)) {
        out.push(WhyItem::new(
            decay_text(d.rate, d.every_ms),
            d.after - d.before,
        ));
    }
    out
}

/// Whether an adjustment changed the total (bitwise, so NaN → NaN is "unchanged").
fn changed(before: f64, after: f64) -> bool {
    before.to_bits() != after.to_bits()
}

/// `decay 10% every 30d`.
pub fn decay_text(rate: f64, every_ms: i64) -> String {
    // Round away binary noise (0.07 * 100 = 7.000000000000001) before printing the percentage.
    let percent = (rate * 100.0 * 1e9).round() / 1e9;
    format!(
        "decay {}% every {}",
        number_text(percent),
        format_duration(every_ms)
    )
}

fn number_text(x: f64) -> String {
    crate::output::number_text(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(source: &str, fired: bool, points: f64) -> ItemTrace {
        ItemTrace {
            source: source.into(),
            fired,
            points,
            per: None,
        }
    }

    #[test]
    fn why_lists_fired_items_then_caps_clamps_and_decay() {
        let trace = Trace {
            scores: vec![ScoreTrace {
                entries: vec![
                    EntryTrace::Item(item("visits >= 3", true, 10.0)),
                    EntryTrace::Item(item("pages \"/demo\"", false, 0.0)),
                    EntryTrace::Group(GroupTrace {
                        name: "content".into(),
                        cap: 16.0,
                        items: vec![
                            item("downloaded \"a\"", true, 8.0),
                            item("downloaded \"b\"", true, 8.0),
                            item("downloaded \"c\"", true, 8.0),
                        ],
                        raw: 24.0,
                        contributed: 16.0,
                    }),
                    EntryTrace::Item(item("form_fills up to 100", true, 94.0)),
                ],
                sum: 120.0,
                at_least: Some(Adjustment {
                    bound: 0.0,
                    before: 120.0,
                    after: 120.0,
                }),
                at_most: Some(Adjustment {
                    bound: 100.0,
                    before: 120.0,
                    after: 100.0,
                }),
                decay: Some(DecayTrace {
                    rate: 0.1,
                    every_ms: 30 * crate::time::MS_PER_DAY,
                    elapsed_ms: 30 * crate::time::MS_PER_DAY,
                    factor: 0.9,
                    before: 100.0,
                    after: 90.0,
                }),
                total: 90.0,
            }],
            ..Trace::default()
        };
        let why = why_items(&trace, ScoreId(0));
        let expected: Vec<WhyItem> = [
            ("visits >= 3", 10.0),
            ("downloaded \"a\"", 8.0),
            ("downloaded \"b\"", 8.0),
            ("downloaded \"c\"", 8.0),
            ("form_fills up to 100", 94.0),
            ("group \"content\" capped at 16", -8.0),
            ("at most 100", -20.0),
            ("decay 10% every 30d", -10.0),
        ]
        .into_iter()
        .map(|(rule, points)| WhyItem::new(rule, points))
        .collect();
        assert_eq!(why, expected);
        assert!(why_items(&trace, ScoreId(7)).is_empty());
    }

    #[test]
    fn decay_text_rounds_binary_noise() {
        assert_eq!(
            decay_text(0.07, crate::time::MS_PER_DAY),
            "decay 7% every 1d"
        );
        assert_eq!(
            decay_text(0.125, 2 * 7 * crate::time::MS_PER_DAY),
            "decay 12.5% every 2w"
        );
    }
}
