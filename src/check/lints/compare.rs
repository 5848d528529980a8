//! Comparisons with constants as value sets: `visits > 5` is the ints from 6 up; `x == "a"` is
//! `{"a"}`; `int_field > 2.5` is the ints from 3 up (exactly, as the int converts to a number).

use super::sets::{float_key, IntSet, StrSet, TermSet, Vals};
use super::terms::{Domain, OrdKind, TermInfo};
use crate::ir::CmpOp;
use crate::value::Value;

pub(super) fn flip(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
        o => o,
    }
}

pub(super) fn negate(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Eq => CmpOp::Ne,
        CmpOp::Ne => CmpOp::Eq,
        CmpOp::Lt => CmpOp::Ge,
        CmpOp::Le => CmpOp::Gt,
        CmpOp::Gt => CmpOp::Le,
        CmpOp::Ge => CmpOp::Lt,
    }
}

pub(super) fn op_words(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "equal to",
        CmpOp::Ne => "different from",
        CmpOp::Lt => "less than",
        CmpOp::Le => "at most",
        CmpOp::Gt => "greater than",
        CmpOp::Ge => "at least",
    }
}

/// The present values of a term for which `term OP c` holds; `None` when we cannot say exactly.
pub(super) fn cmp_set(info: &TermInfo, op: CmpOp, c: &Value) -> Option<TermSet> {
    let ord = |lo: i128, hi: i128, p: i128, path_hi: i128| -> IntSet {
        match op {
            CmpOp::Eq => IntSet::point(p).intersect(&IntSet::range(lo, hi)),
            CmpOp::Ne => IntSet::point(p).complement(lo, hi),
            CmpOp::Lt => IntSet::range(lo, (p - 1).min(path_hi)),
            CmpOp::Le => IntSet::range(lo, p.min(path_hi)),
            CmpOp::Gt => IntSet::range(p + 1, path_hi),
            CmpOp::Ge => IntSet::range(p, path_hi),
        }
    };
    let vals = match (&info.domain, c) {
        (Domain::Ord { lo, hi, kind }, _) => {
            let (lo, hi) = (*lo, *hi);
            Vals::Ord(match (kind, c) {
                (OrdKind::Int, Value::Int(v))
                | (OrdKind::Timestamp, Value::Timestamp(v))
                | (OrdKind::Duration, Value::Duration(v)) => ord(lo, hi, *v as i128, hi),
                (OrdKind::Int, Value::Number(f)) => int_vs_number(op, *f, lo, hi)?,
                (OrdKind::Bool, Value::Bool(b)) if matches!(op, CmpOp::Eq | CmpOp::Ne) => {
                    ord(lo, hi, *b as i128, hi)
                }
                (OrdKind::Enum(e), Value::Str(s)) => {
                    let p = e.index_of(s)? as i128;
                    match (e.stage_path_len, op) {
                        (_, CmpOp::Eq | CmpOp::Ne) => ord(lo, hi, p, hi),
                        // Along the stage path only; detours are not ordered.
                        (Some(n), _) if p < n as i128 => ord(lo, hi, p, n as i128 - 1),
                        (Some(_), _) => return None,
                        (None, _) => ord(lo, hi, p, hi),
                    }
                }
                _ => return None,
            })
        }
        (Domain::Num, Value::Number(f)) => {
            let (lo, hi) = (float_key(f64::NEG_INFINITY), float_key(f64::INFINITY));
            if f.is_nan() {
                // Every comparison with NaN is false, except `!=`.
                let vals = match op {
                    CmpOp::Ne => IntSet::range(lo, hi),
                    _ => IntSet::empty(),
                };
                return Some(TermSet {
                    vals: Vals::Ord(vals),
                    missing: false,
                    nan: op == CmpOp::Ne,
                });
            }
            return Some(TermSet {
                vals: Vals::Ord(ord(lo, hi, float_key(*f), hi)),
                missing: false,
                nan: op == CmpOp::Ne,
            });
        }
        (Domain::Str, Value::Str(s)) => {
            let one = || [s.to_string()].into_iter().collect();
            match op {
                CmpOp::Eq => Vals::Str(StrSet::In(one())),
                CmpOp::Ne => Vals::Str(StrSet::NotIn(one())),
                _ => return None,
            }
        }
        _ => return None,
    };
    Some(TermSet::values(vals))
}

/// `(x as number) OP f` for an int `x`, exact while `|f| < 2^53` (ints convert exactly there).
fn int_vs_number(op: CmpOp, f: f64, lo: i128, hi: i128) -> Option<IntSet> {
    if f.is_nan() {
        return Some(match op {
            CmpOp::Ne => IntSet::range(lo, hi),
            _ => IntSet::empty(),
        });
    }
    if f.abs() >= 9_007_199_254_740_992.0 {
        return None;
    }
    let (fl, ce) = (f.floor() as i128, f.ceil() as i128);
    let integral = fl == ce;
    Some(match op {
        CmpOp::Eq if integral => IntSet::point(fl),
        CmpOp::Eq => IntSet::empty(),
        CmpOp::Ne if integral => IntSet::point(fl).complement(lo, hi),
        CmpOp::Ne => IntSet::range(lo, hi),
        CmpOp::Lt => IntSet::range(lo, ce - 1),
        CmpOp::Le => IntSet::range(lo, fl),
        CmpOp::Gt => IntSet::range(fl + 1, hi),
        CmpOp::Ge => IntSet::range(ce, hi),
    })
}

/// `a OP b` for two constants, when we can tell.
pub(super) fn const_cmp(a: &Value, op: CmpOp, b: &Value) -> Option<bool> {
    use std::cmp::Ordering;
    let ord: Option<Ordering> = match (a, b) {
        (Value::Int(x), Value::Int(y))
        | (Value::Timestamp(x), Value::Timestamp(y))
        | (Value::Duration(x), Value::Duration(y)) => Some(x.cmp(y)),
        (Value::Int(x), Value::Number(y)) => (*x as f64).partial_cmp(y),
        (Value::Number(x), Value::Int(y)) => x.partial_cmp(&(*y as f64)),
        (Value::Number(x), Value::Number(y)) => x.partial_cmp(y),
        (Value::Str(x), Value::Str(y)) if matches!(op, CmpOp::Eq | CmpOp::Ne) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) if matches!(op, CmpOp::Eq | CmpOp::Ne) => Some(x.cmp(y)),
        _ => return None,
    };
    let Some(ord) = ord else {
        // NaN on one side.
        return Some(op == CmpOp::Ne);
    };
    Some(match op {
        CmpOp::Eq => ord.is_eq(),
        CmpOp::Ne => ord.is_ne(),
        CmpOp::Lt => ord.is_lt(),
        CmpOp::Le => ord.is_le(),
        CmpOp::Gt => ord.is_gt(),
        CmpOp::Ge => ord.is_ge(),
    })
}
