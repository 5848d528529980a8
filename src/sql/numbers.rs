//! Numbers and integers in SQL with smql's meaning (`crate::eval::math`): NaN compared as
//! IEEE where the engine orders it, `min`/`max` that propagate NaN, integer arithmetic that
//! stops the query on overflow, IEEE division by zero, `round` half away from zero, and
//! `floor`/`ceil` that stay doubles.

use super::build::*;
use super::dialect::{Nan, Overflow};
use super::lower::{cmp_op, Lower, I64_LIMIT_F, I64_MIN_F};
use crate::ir::CmpOp;
use sqlparser::ast::{BinaryOperator as Op, Expr as Sql};

impl Lower<'_> {
    pub fn is_nan(&self, e: Sql) -> Sql {
        match self.spec.isnan {
            Some(f) => call(f, vec![e]),
            None => eq(e, self.number(f64::NAN)),
        }
    }

    /// `e` can be NaN (a literal that is not, cannot).
    pub(super) fn maybe_nan(e: &Sql) -> bool {
        !matches!(e, Sql::Cast { expr, .. } if matches!(**expr, Sql::Value(ref v) if !v.to_string().contains("NaN")))
    }

    /// `a op b` on numbers, with IEEE's answer for NaN where the dialect orders NaN.
    pub(super) fn compare_numbers(&mut self, op: CmpOp, a: Sql, b: Sql) -> Sql {
        let sql_op = cmp_op(op);
        if self.spec.nan == Nan::Ieee {
            return bin(a, sql_op, b);
        }
        // NaN is equal to itself and above every number there: guard the side that makes
        // the comparison true when it is NaN.
        let guard_a = matches!(op, CmpOp::Eq | CmpOp::Gt | CmpOp::Ge | CmpOp::Ne);
        let guarded = if guard_a { &a } else { &b };
        if !Self::maybe_nan(guarded) {
            return bin(a, sql_op, b);
        }
        let (a, b) = (self.hoist(a), self.hoist(b));
        let side = if guard_a { a.clone() } else { b.clone() };
        if op == CmpOp::Ne {
            or(self.is_nan(side), bin(a, sql_op, b))
        } else {
            and(not(self.is_nan(side)), bin(a, sql_op, b))
        }
    }

    /// `min`/`max` of numbers as `math::min_num`/`max_num`: NaN if either is NaN, the left
    /// operand on a tie.
    pub fn min_max_num(&mut self, a: Sql, b: Sql, max: bool) -> Sql {
        let (a, b) = (self.hoist(a), self.hoist(b));
        let pick_b = bin(b.clone(), if max { Op::Gt } else { Op::Lt }, a.clone());
        let nan = match (Self::maybe_nan(&a), Self::maybe_nan(&b)) {
            (true, true) => or(self.is_nan(a.clone()), self.is_nan(b.clone())),
            (true, false) => self.is_nan(a.clone()),
            (false, true) => self.is_nan(b.clone()),
            (false, false) => boolean(false),
        };
        case(vec![(nan, self.number(f64::NAN)), (pick_b, b)], Some(a))
    }

    /// `min`/`max` of ints, timestamps or durations: the left operand on a tie (LEAST and
    /// GREATEST are NULL on any NULL in BigQuery and Snowflake: a CASE means the same
    /// everywhere).
    pub(super) fn min_max_int(&mut self, a: Sql, b: Sql, max: bool) -> Sql {
        let (a, b) = (self.hoist(a), self.hoist(b));
        let pick_b = bin(b.clone(), if max { Op::Gt } else { Op::Lt }, a.clone());
        if_then(pick_b, b, a)
    }

    /// Integer arithmetic that stops the query on overflow.
    pub fn checked(&mut self, op: Op, a: Sql, b: Sql, what: &str) -> Sql {
        let message = format!("{what} overflow");
        match self.spec.overflow {
            Overflow::Native => {
                self.may_fail();
                bin(a, op, b)
            }
            Overflow::TryFunctions => {
                let f = match op {
                    Op::Plus => "try_add",
                    Op::Minus => "try_subtract",
                    _ => "try_multiply",
                };
                call("coalesce", vec![call(f, vec![a, b]), self.fail(&message)])
            }
            Overflow::RangeCheck => {
                let r = self.hoist(bin(a, op, b));
                self.in_i64(r, &message)
            }
        }
    }

    /// `r` if it fits in an `i64`, else the query stops.
    fn in_i64(&self, r: Sql, message: &str) -> Sql {
        let fits = and(
            bin(r.clone(), Op::GtEq, self.int(i64::MIN)),
            bin(r.clone(), Op::LtEq, self.int(i64::MAX)),
        );
        if_then(fits, r, self.fail(message))
    }

    pub(super) fn checked_abs(&mut self, x: Sql, what: &str) -> Sql {
        match self.spec.overflow {
            Overflow::Native => {
                self.may_fail();
                call("abs", vec![x])
            }
            _ => {
                let x = self.hoist(x);
                let message = format!("{what} overflow");
                if_then(
                    eq(x.clone(), self.int(i64::MIN)),
                    self.fail(&message),
                    call("abs", vec![x]),
                )
            }
        }
    }

    /// `x / y` with IEEE results for a zero `y` (±inf, NaN), where the engine fails or gives
    /// NULL instead.
    pub(super) fn divide(&mut self, a: Sql, b: Sql) -> Sql {
        if let Some(f) = self.spec.ieee_division {
            return call(f, vec![a, b]);
        }
        let (a, b) = (self.hoist(a), self.hoist(b));
        let zero = self.number(0.0);
        // The sign of a zero divisor: atan2(±0, -1) is ±π.
        let b_positive = bin(
            call("atan2", vec![b.clone(), self.number(-1.0)]),
            Op::Gt,
            zero.clone(),
        );
        let by_zero = case(
            vec![
                (
                    or(eq(a.clone(), zero.clone()), self.is_nan(a.clone())),
                    self.number(f64::NAN),
                ),
                (
                    eq(bin(a.clone(), Op::Gt, zero.clone()), b_positive),
                    self.number(f64::INFINITY),
                ),
            ],
            Some(self.number(f64::NEG_INFINITY)),
        );
        if_then(eq(b.clone(), zero), by_zero, bin(a, Op::Divide, b))
    }

    /// `f64::round` (half away from zero) from `floor`, for engines whose `round` is not it.
    pub(super) fn round_half_away(&mut self, x: Sql) -> Sql {
        let x = self.hoist(x);
        let limit = self.number(4_503_599_627_370_496.0);
        let half = self.number(0.5);
        let one = self.number(1.0);
        let floor = |l: &Self, y: Sql| l.floor_double(y);
        let positive = |l: &mut Self, y: Sql| {
            let f = floor(l, y.clone());
            if_then(
                bin(bin(y, Op::Minus, f.clone()), Op::GtEq, half.clone()),
                bin(f.clone(), Op::Plus, one.clone()),
                f,
            )
        };
        let keep = or(
            not(bin(call("abs", vec![x.clone()]), Op::Lt, limit)),
            eq(x.clone(), self.number(0.0)),
        );
        let neg_branch = neg(positive(self, neg(x.clone())));
        let pos_branch = positive(self, x.clone());
        case(
            vec![
                (keep, x.clone()),
                (bin(x, Op::Lt, self.number(0.0)), neg_branch),
            ],
            Some(pos_branch),
        )
    }

    /// `floor` as a double (Spark's is a BIGINT).
    fn floor_double(&self, x: Sql) -> Sql {
        let f = call("floor", vec![x]);
        if self.spec.floor_is_double {
            f
        } else {
            cast(f, self.spec.types.number)
        }
    }

    /// `f64::floor`/`ceil` where the engine's return a BIGINT: large values, NaN, infinities
    /// and zeros (with their sign) as they are.
    pub(super) fn floor_ceil(&mut self, x: Sql, ceil: bool) -> Sql {
        let name = if ceil { "ceil" } else { "floor" };
        if self.spec.floor_is_double {
            return call(name, vec![x]);
        }
        let x = self.hoist(x);
        let keep = or(
            not(bin(
                call("abs", vec![x.clone()]),
                Op::Lt,
                self.number(4_503_599_627_370_496.0),
            )),
            eq(x.clone(), self.number(0.0)),
        );
        let mut arms = vec![(keep, x.clone())];
        if ceil {
            // ceil of (-1, 0) is -0.0.
            let between = and(
                bin(x.clone(), Op::Lt, self.number(0.0)),
                bin(x.clone(), Op::Gt, self.number(-1.0)),
            );
            arms.push((between, self.number(-0.0)));
        }
        case(
            arms,
            Some(cast(call(name, vec![x]), self.spec.types.number)),
        )
    }

    /// A double that must become an `i64` (a duration): in range and finite, else the query
    /// stops.
    pub(super) fn checked_i64_of(&mut self, r: Sql, message: &str) -> Sql {
        let r = self.hoist(r);
        let fits = and(
            bin(
                r.clone(),
                Op::GtEq,
                cast(number_text(I64_MIN_F.into()), self.spec.types.number),
            ),
            bin(
                r.clone(),
                Op::Lt,
                cast(number_text(I64_LIMIT_F.into()), self.spec.types.number),
            ),
        );
        if_then(fits, cast(r, self.spec.types.int), self.fail(message))
    }
}
