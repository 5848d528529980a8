//! `stage_date_order`: a later stage's date that always precedes an earlier stage's.
//!
//! The rule: each stage date is reduced, through definitions, to a base and a constant offset:
//! `created_at` is `created_at + 0`, `created_at - 1d` (or a definition holding it) is
//! `created_at - 1d`, a literal date is the epoch plus its offset. Two dates with the same base
//! differ by the difference of their offsets, whatever the lead, so a later stage whose offset is
//! smaller is entered before the earlier one for every lead that has both dates. Anything else
//! (`??`, `if`, `min`, aggregates, two different fields) proves nothing, and nothing is said.

use super::{allow_help, Cx};
use crate::diag::Lint;
use crate::ir::{ArithOp, Expr, ExprKind, FieldId, Program, StageStep};
use crate::time::format_duration;
use crate::value::Value;

/// Definitions followed, at most, to reduce a date (the checker rejects cycles; this bounds the
/// work on long chains).
const MAX_DEPTH: u32 = 64;

/// A date as its base and an offset from it, in milliseconds.
type Reduced = (Base, i128);

/// What a date is counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Base {
    Field(FieldId),
    /// A literal date: the offset is its instant.
    Epoch,
}

pub(super) fn stage_date_order(cx: &mut Cx) {
    let program = cx.program;
    let Some(stages) = &program.stages else {
        return;
    };
    // Each dated stage, with its date reduced when it can be.
    let dated: Vec<(&StageStep, &Expr, Option<Reduced>)> = stages
        .path
        .iter()
        .filter_map(|s| {
            let at = s.at.as_ref()?;
            Some((s, at, reduce(program, at, 0)))
        })
        .collect();
    for (k, &(later, at, reduced)) in dated.iter().enumerate() {
        let Some((base, offset)) = reduced else {
            continue;
        };
        // The nearest earlier dated stage that this one provably precedes.
        let earlier = dated[..k].iter().rev().find_map(|&(s, e, r)| match r {
            Some((b, o)) if b == base && offset < o => Some((s, e, o)),
            _ => None,
        });
        let Some((earlier, earlier_at, earlier_offset)) = earlier else {
            continue;
        };
        let gap = earlier_offset - offset;
        let gap_text = i64::try_from(gap).map_or_else(|_| format!("{gap}ms"), format_duration);
        let both = if at.ty.is_optional() || earlier_at.ty.is_optional() {
            "for every lead that has both"
        } else {
            "for every lead"
        };
        let d = Cx::warning(
            Lint::StageDateOrder,
            at.span,
            format!(
                "stage `{}` is entered {gap_text} before `{}`, which comes earlier on the path, {both}",
                later.name, earlier.name
            ),
        )
        .label(format!(
            "`{}` is always {gap_text} before `{}`",
            cx.text(at),
            cx.text(earlier_at)
        ))
        .with_secondary(
            earlier_at.span,
            format!("the date of `{}`", earlier.name),
        )
        .with_help(format!(
            "a stage's date should not precede the dates of the stages before it: velocity \
             between them would be negative; {}",
            allow_help(Lint::StageDateOrder, "`stages`")
        ));
        cx.warn(Lint::StageDateOrder, &stages.allow, d);
    }
}

/// `e` as a base plus a constant offset in milliseconds, when it is one.
fn reduce(program: &Program, e: &Expr, depth: u32) -> Option<Reduced> {
    if depth > MAX_DEPTH {
        return None;
    }
    match &e.kind {
        ExprKind::Field(f) => Some((Base::Field(*f), 0)),
        ExprKind::Const(Value::Timestamp(t)) => Some((Base::Epoch, *t as i128)),
        ExprKind::Def(d) => reduce(program, &program.defs.get(d.0 as usize)?.expr, depth + 1),
        ExprKind::Arith(ArithOp::AddTsDur, t, d) => {
            let (base, off) = reduce(program, t, depth + 1)?;
            Some((base, off + duration(program, d, depth + 1)?))
        }
        ExprKind::Arith(ArithOp::SubTsDur, t, d) => {
            let (base, off) = reduce(program, t, depth + 1)?;
            Some((base, off - duration(program, d, depth + 1)?))
        }
        _ => None,
    }
}

/// A duration that is the same for every lead: a literal, or a definition holding one.
fn duration(program: &Program, e: &Expr, depth: u32) -> Option<i128> {
    if depth > MAX_DEPTH {
        return None;
    }
    match &e.kind {
        ExprKind::Const(Value::Duration(ms)) => Some(*ms as i128),
        ExprKind::Neg(x) => duration(program, x, depth + 1).map(|d| -d),
        ExprKind::Def(d) => duration(program, &program.defs.get(d.0 as usize)?.expr, depth + 1),
        _ => None,
    }
}
