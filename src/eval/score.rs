//! How a score's item contributions combine into its total: the one sequence of additions,
//! caps, clamps and decay documented on `ir::ScoreEntry`. The interpreter and the JIT's
//! explanations both run it, so their totals and traces agree bit for bit.

use super::math;
use super::trace::{Adjustment, DecayTrace, EntryTrace, GroupTrace, ItemTrace, ScoreTrace};
use crate::ir::{Decay, Score, ScoreEntry, ScoreItem};

/// Combines `score`'s items. `item` gives an item's contribution (and its trace when
/// `tracing`); `since` gives the decay's `since` instant, or `None` to leave the decay out.
/// `cx` is threaded through both so they can share mutable state.
pub(crate) fn combine<C, E>(
    score: &Score,
    cx: &mut C,
    now: i64,
    tracing: bool,
    mut item: impl FnMut(&mut C, &ScoreItem) -> Result<(f64, Option<ItemTrace>), E>,
    since: impl FnOnce(&mut C, &Decay) -> Result<Option<i64>, E>,
) -> Result<ScoreTrace, E> {
    let mut st = ScoreTrace::default();
    let mut total = 0.0f64;
    for entry in &score.entries {
        match entry {
            ScoreEntry::Item(it) => {
                let (points, traced) = item(cx, it)?;
                total += points;
                st.entries.extend(traced.map(EntryTrace::Item));
            }
            ScoreEntry::Group {
                name, cap, items, ..
            } => {
                let mut sum = 0.0f64;
                let mut traced = Vec::new();
                for it in items {
                    let (points, t) = item(cx, it)?;
                    sum += points;
                    traced.extend(t);
                }
                let contributed = math::min_num(sum, *cap);
                total += contributed;
                if tracing {
                    st.entries.push(EntryTrace::Group(GroupTrace {
                        name: name.clone(),
                        cap: *cap,
                        items: traced,
                        raw: sum,
                        contributed,
                    }));
                }
            }
        }
    }
    st.sum = total;
    if let Some(bound) = score.at_least {
        let before = total;
        total = math::max_num(total, bound);
        st.at_least = Some(Adjustment {
            bound,
            before,
            after: total,
        });
    }
    if let Some(bound) = score.at_most {
        let before = total;
        total = math::min_num(total, bound);
        st.at_most = Some(Adjustment {
            bound,
            before,
            after: total,
        });
    }
    if let Some(decay) = &score.decay {
        if let Some(since) = since(cx, decay)? {
            let elapsed_ms = math::age_ms(now, since);
            let factor = math::decay_factor(decay.rate, elapsed_ms, decay.every_ms);
            let before = total;
            total *= factor;
            st.decay = Some(DecayTrace {
                rate: decay.rate,
                every_ms: decay.every_ms,
                elapsed_ms,
                factor,
                before,
                after: total,
            });
        }
    }
    st.total = total;
    Ok(st)
}
