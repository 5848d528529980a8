//! The IR test kit ([`crate::ir::testkit`]) plus evaluation of closed expressions, for the
//! interpreter's unit tests.

pub(super) use crate::ir::testkit::*;

use super::{eval_expr, EvalError, LeadValues};
use crate::ir::Expr;
use crate::value::Value;

/// Evaluates a closed expression (no fields) at [`now`].
pub(super) fn eval(e: &Expr) -> Result<Value, EvalError> {
    let p = program(&[]);
    eval_expr(&p, e, &[], &LeadValues::empty(&p), now())
}

pub(super) fn eval_ok(e: &Expr) -> Value {
    eval(e).unwrap_or_else(|err| panic!("evaluation failed: {}", err.message))
}
