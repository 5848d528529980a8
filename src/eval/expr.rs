//! Expression evaluation over one lead, one IR node at a time.
//!
//! Semantics worth knowing (the JIT must match them):
//! - `and`/`or` short-circuit; `any(L where C)`/`all(L where C)` stop at the first deciding
//!   element; `if` evaluates only the chosen branch; `x ?? d` evaluates `d` only when `x` is
//!   missing. So an overflow in an unevaluated part is not an error.
//! - Int, duration and timestamp arithmetic is checked: overflow is an [`EvalError`].
//! - Number arithmetic and comparisons are IEEE 754 (see [`super::math`] for NaN).
//! - `==`/`!=` compare values exactly (a missing value equals only a missing value). Ordering
//!   comparisons of enums use declared positions; a stage detour, or a string outside the enum, is
//!   unordered: `<`, `<=`, `>`, `>=` involving it are false.
//! - `t within d` is `now - t <= d and t <= now`, computed without overflow (in `i128`).

use super::math;
use super::text;
use super::{EvalError, LeadValues};
use crate::ir::{AggOp, ArithOp, CmpOp, Expr, ExprKind, Func, Program, Quant, Ty};
use crate::source::Span;
use crate::time::{MS_PER_DAY, MS_PER_HOUR, MS_PER_MIN};
use crate::value::Value;
use std::cmp::Ordering;
use std::sync::Arc;

/// Evaluates `expr` for one lead: `lead` holds one value per schema field, `values` the
/// definitions, scores, grades and stage computed so far (nodes earlier in `program.order`).
pub fn eval_expr(
    program: &Program,
    expr: &Expr,
    lead: &[Value],
    values: &LeadValues,
    now: i64,
) -> Result<Value, EvalError> {
    // Every reference in `expr` is already an index into `lead`/`values`; the program is part of
    // the signature so callers need not know that.
    let _ = program;
    Ctx::new(lead, values, now).eval(expr)
}

/// What one evaluation sees, plus the elements of the enclosing `where`s (innermost last).
pub(super) struct Ctx<'a> {
    lead: &'a [Value],
    values: &'a LeadValues,
    now: i64,
    elems: Vec<Value>,
}

fn internal_type(e: &Expr, want: &str, got: &Value) -> EvalError {
    EvalError::internal(e.span, format!("expected {want}, found {got:?}"))
}

fn overflow(
    span: Span,
    what: &str,
    a: impl std::fmt::Display,
    op: &str,
    b: impl std::fmt::Display,
) -> EvalError {
    EvalError::new(span, format!("{what} overflow in `{a} {op} {b}`"))
}

impl<'a> Ctx<'a> {
    pub(super) fn new(lead: &'a [Value], values: &'a LeadValues, now: i64) -> Ctx<'a> {
        Ctx {
            lead,
            values,
            now,
            elems: Vec::new(),
        }
    }

    pub(super) fn eval_bool(&mut self, e: &Expr) -> Result<bool, EvalError> {
        match self.eval(e)? {
            Value::Bool(b) => Ok(b),
            v => Err(internal_type(e, "bool", &v)),
        }
    }

    fn eval_int(&mut self, e: &Expr) -> Result<i64, EvalError> {
        match self.eval(e)? {
            Value::Int(i) => Ok(i),
            v => Err(internal_type(e, "int", &v)),
        }
    }

    /// A number; an int is accepted too (the checker wraps ints in `ToNumber`, but being lenient
    /// here costs nothing and is exact).
    pub(super) fn eval_num(&mut self, e: &Expr) -> Result<f64, EvalError> {
        match self.eval(e)? {
            Value::Number(x) => Ok(x),
            Value::Int(i) => Ok(i as f64),
            v => Err(internal_type(e, "number", &v)),
        }
    }

    fn eval_str(&mut self, e: &Expr) -> Result<Arc<str>, EvalError> {
        match self.eval(e)? {
            Value::Str(s) => Ok(s),
            v => Err(internal_type(e, "string", &v)),
        }
    }

    pub(super) fn eval_ts(&mut self, e: &Expr) -> Result<i64, EvalError> {
        match self.eval(e)? {
            Value::Timestamp(t) => Ok(t),
            v => Err(internal_type(e, "timestamp", &v)),
        }
    }

    fn eval_dur(&mut self, e: &Expr) -> Result<i64, EvalError> {
        match self.eval(e)? {
            Value::Duration(d) => Ok(d),
            v => Err(internal_type(e, "duration", &v)),
        }
    }

    fn eval_list(&mut self, e: &Expr) -> Result<Arc<[Value]>, EvalError> {
        match self.eval(e)? {
            Value::List(l) => Ok(l),
            v => Err(internal_type(e, "list", &v)),
        }
    }

    fn eval_str_list(&mut self, e: &Expr) -> Result<Vec<Arc<str>>, EvalError> {
        self.eval_list(e)?
            .iter()
            .map(|v| match v {
                Value::Str(s) => Ok(s.clone()),
                v => Err(internal_type(e, "list of string", v)),
            })
            .collect()
    }

    fn elem(&self, span: Span, level: u32) -> Result<&Value, EvalError> {
        let i = (self.elems.len() as u64)
            .checked_sub(1 + level as u64)
            .ok_or_else(|| {
                EvalError::internal(span, format!("no `where` element at level {level}"))
            })?;
        self.elems.get(i as usize).ok_or_else(|| {
            EvalError::internal(span, format!("no `where` element at level {level}"))
        })
    }

    pub(super) fn eval(&mut self, e: &Expr) -> Result<Value, EvalError> {
        crate::stack::deep(|| self.eval_node(e))
    }

    fn eval_node(&mut self, e: &Expr) -> Result<Value, EvalError> {
        let span = e.span;
        Ok(match &e.kind {
            ExprKind::Const(v) => v.clone(),
            ExprKind::Field(id) => self
                .lead
                .get(id.0 as usize)
                .cloned()
                .ok_or_else(|| EvalError::internal(span, format!("no field {}", id.0)))?,
            ExprKind::Def(id) => self
                .values
                .defs
                .get(id.0 as usize)
                .cloned()
                .ok_or_else(|| EvalError::internal(span, format!("no definition {}", id.0)))?,
            ExprKind::Score(id) => Value::Number(
                *self
                    .values
                    .scores
                    .get(id.0 as usize)
                    .ok_or_else(|| EvalError::internal(span, format!("no score {}", id.0)))?,
            ),
            ExprKind::Grade(id) => Value::Str(
                self.values
                    .grades
                    .get(id.0 as usize)
                    .ok_or_else(|| EvalError::internal(span, format!("no grade {}", id.0)))?
                    .label
                    .clone(),
            ),
            ExprKind::Stage => self.values.stage.clone(),
            ExprKind::Elem { level } => self.elem(span, *level)?.clone(),
            ExprKind::ElemField { level, index } => match self.elem(span, *level)? {
                Value::Record(fields) => fields.get(*index as usize).cloned().ok_or_else(|| {
                    EvalError::internal(span, format!("record has no field {index}"))
                })?,
                v => return Err(internal_type(e, "record", v)),
            },
            ExprKind::Now => Value::Timestamp(self.now),
            ExprKind::ToNumber(x) => Value::Number(self.eval_num(x)?),
            ExprKind::Neg(x) => match self.eval(x)? {
                Value::Int(i) => Value::Int(i.checked_neg().ok_or_else(|| {
                    EvalError::new(span, format!("integer overflow in `-({i})`"))
                })?),
                Value::Number(n) => Value::Number(-n),
                Value::Duration(d) => Value::Duration(d.checked_neg().ok_or_else(|| {
                    EvalError::new(span, format!("duration overflow in `-({d}ms)`"))
                })?),
                v => return Err(internal_type(x, "int, number or duration", &v)),
            },
            ExprKind::Not(x) => Value::Bool(!self.eval_bool(x)?),
            ExprKind::And(a, b) => Value::Bool(self.eval_bool(a)? && self.eval_bool(b)?),
            ExprKind::Or(a, b) => Value::Bool(self.eval_bool(a)? || self.eval_bool(b)?),
            ExprKind::Arith(op, a, b) => self.arith(span, *op, a, b)?,
            ExprKind::Cmp(op, a, b) => Value::Bool(self.compare(*op, a, b)?),
            ExprKind::In { x, list, negated } => {
                let x = self.eval(x)?;
                let list = self.eval_list(list)?;
                Value::Bool(list.contains(&x) != *negated)
            }
            ExprKind::ListLit(items) => {
                let vs = items
                    .iter()
                    .map(|i| self.eval(i))
                    .collect::<Result<Vec<_>, _>>()?;
                Value::List(Arc::from(vs))
            }
            ExprKind::ListContains { list, quant, arg } => {
                let list = self.eval_list(list)?;
                Value::Bool(match quant {
                    Quant::One => list.contains(&self.eval(arg)?),
                    Quant::Any => self.eval_list(arg)?.iter().any(|a| list.contains(a)),
                    Quant::All => self.eval_list(arg)?.iter().all(|a| list.contains(a)),
                })
            }
            ExprKind::TextContains {
                subject,
                quant,
                arg,
            } => {
                let s = self.eval_str(subject)?;
                Value::Bool(match quant {
                    Quant::One => text::contains_ci(&s, &self.eval_str(arg)?),
                    Quant::Any => {
                        let folded = text::fold(&s);
                        let needles = self.eval_str_list(arg)?;
                        needles.iter().any(|n| folded.contains(&text::fold(n)))
                    }
                    Quant::All => {
                        let folded = text::fold(&s);
                        let needles = self.eval_str_list(arg)?;
                        needles.iter().all(|n| folded.contains(&text::fold(n)))
                    }
                })
            }
            ExprKind::StartsWith(s, p) => {
                let s = self.eval_str(s)?;
                Value::Bool(text::starts_with_ci(&s, &self.eval_str(p)?))
            }
            ExprKind::EndsWith(s, p) => {
                let s = self.eval_str(s)?;
                Value::Bool(text::ends_with_ci(&s, &self.eval_str(p)?))
            }
            ExprKind::Matches(s, pattern) => {
                Value::Bool(pattern.regex.is_match(&self.eval_str(s)?))
            }
            ExprKind::IsPresent(x) => Value::Bool(!self.eval(x)?.is_missing()),
            ExprKind::IsMissing(x) => Value::Bool(self.eval(x)?.is_missing()),
            ExprKind::Coalesce(x, d) => match self.eval(x)? {
                Value::Missing => self.eval(d)?,
                v => v,
            },
            ExprKind::Within(t, d) => {
                let t = self.eval_ts(t)?;
                let d = self.eval_dur(d)?;
                let age = self.now as i128 - t as i128;
                Value::Bool(age <= d as i128 && t <= self.now)
            }
            ExprKind::If(c, a, b) => {
                if self.eval_bool(c)? {
                    self.eval(a)?
                } else {
                    self.eval(b)?
                }
            }
            ExprKind::Call(f, args) => self.call(e, *f, args)?,
            ExprKind::Agg {
                op,
                list,
                cond,
                half_life_ms,
            } => self.aggregate(e, *op, list, cond.as_deref(), *half_life_ms)?,
        })
    }

    fn arith(&mut self, span: Span, op: ArithOp, a: &Expr, b: &Expr) -> Result<Value, EvalError> {
        use ArithOp::*;
        Ok(match op {
            AddInt | SubInt | MulInt => {
                let (x, y) = (self.eval_int(a)?, self.eval_int(b)?);
                let (r, sym) = match op {
                    AddInt => (x.checked_add(y), "+"),
                    SubInt => (x.checked_sub(y), "-"),
                    _ => (x.checked_mul(y), "*"),
                };
                Value::Int(r.ok_or_else(|| overflow(span, "integer", x, sym, y))?)
            }
            AddNum | SubNum | MulNum | DivNum => {
                let (x, y) = (self.eval_num(a)?, self.eval_num(b)?);
                Value::Number(match op {
                    AddNum => x + y,
                    SubNum => x - y,
                    MulNum => x * y,
                    _ => x / y,
                })
            }
            AddTsDur | SubTsDur => {
                let (t, d) = (self.eval_ts(a)?, self.eval_dur(b)?);
                let (r, sym) = if op == AddTsDur {
                    (t.checked_add(d), "+")
                } else {
                    (t.checked_sub(d), "-")
                };
                Value::Timestamp(r.ok_or_else(|| {
                    overflow(span, "timestamp", format!("{t}ms"), sym, format!("{d}ms"))
                })?)
            }
            SubTsTs => {
                let (t, u) = (self.eval_ts(a)?, self.eval_ts(b)?);
                Value::Duration(t.checked_sub(u).ok_or_else(|| {
                    overflow(span, "duration", format!("{t}ms"), "-", format!("{u}ms"))
                })?)
            }
            AddDur | SubDur => {
                let (x, y) = (self.eval_dur(a)?, self.eval_dur(b)?);
                let (r, sym) = if op == AddDur {
                    (x.checked_add(y), "+")
                } else {
                    (x.checked_sub(y), "-")
                };
                Value::Duration(r.ok_or_else(|| {
                    overflow(span, "duration", format!("{x}ms"), sym, format!("{y}ms"))
                })?)
            }
            MulDurNum => {
                // Either operand order: `duration * number` or `number * duration`.
                let (va, vb) = (self.eval(a)?, self.eval(b)?);
                let (d, x) = match (&va, &vb) {
                    (Value::Duration(d), Value::Number(x))
                    | (Value::Number(x), Value::Duration(d)) => (*d, *x),
                    (Value::Duration(d), Value::Int(i)) | (Value::Int(i), Value::Duration(d)) => {
                        (*d, *i as f64)
                    }
                    _ => return Err(internal_type(a, "duration and number", &va)),
                };
                Value::Duration(
                    math::mul_dur_num(d, x)
                        .ok_or_else(|| overflow(span, "duration", format!("{d}ms"), "*", x))?,
                )
            }
            Concat => {
                let (x, y) = (self.eval_str(a)?, self.eval_str(b)?);
                let mut s = String::with_capacity(x.len() + y.len());
                s.push_str(&x);
                s.push_str(&y);
                Value::Str(Arc::from(s))
            }
        })
    }

    fn compare(&mut self, op: CmpOp, a: &Expr, b: &Expr) -> Result<bool, EvalError> {
        let (x, y) = (self.eval(a)?, self.eval(b)?);
        match op {
            CmpOp::Eq => return Ok(x == y),
            CmpOp::Ne => return Ok(x != y),
            _ => {}
        }
        let order = match enum_type(&a.ty).or_else(|| enum_type(&b.ty)) {
            Some(e) => enum_order(e, &x, &y),
            None => match (&x, &y) {
                (Value::Int(p), Value::Int(q)) => Some(p.cmp(q)),
                (Value::Number(p), Value::Number(q)) => p.partial_cmp(q),
                (Value::Str(p), Value::Str(q)) => Some(p.as_bytes().cmp(q.as_bytes())),
                (Value::Timestamp(p), Value::Timestamp(q)) => Some(p.cmp(q)),
                (Value::Duration(p), Value::Duration(q)) => Some(p.cmp(q)),
                (Value::Bool(p), Value::Bool(q)) => Some(p.cmp(q)),
                _ => {
                    return Err(EvalError::internal(
                        a.span.to(b.span),
                        format!("cannot order {x:?} and {y:?}"),
                    ))
                }
            },
        };
        Ok(order.is_some_and(|o| match op {
            CmpOp::Lt => o == Ordering::Less,
            CmpOp::Le => o != Ordering::Greater,
            CmpOp::Gt => o == Ordering::Greater,
            _ => o != Ordering::Less,
        }))
    }

    fn call(&mut self, e: &Expr, f: Func, args: &[Expr]) -> Result<Value, EvalError> {
        let span = e.span;
        let arg = |i: usize| {
            args.get(i)
                .ok_or_else(|| EvalError::internal(span, format!("{f:?} needs argument {}", i + 1)))
        };
        Ok(match f {
            Func::Lower => Value::Str(Arc::from(self.eval_str(arg(0)?)?.to_lowercase())),
            Func::Upper => Value::Str(Arc::from(self.eval_str(arg(0)?)?.to_uppercase())),
            Func::Trim => Value::Str(Arc::from(self.eval_str(arg(0)?)?.trim())),
            Func::LenStr => Value::Int(text::char_len(&self.eval_str(arg(0)?)?)),
            Func::LenList => Value::Int(self.eval_list(arg(0)?)?.len() as i64),
            Func::Domain => Value::Str(Arc::from(text::domain(&self.eval_str(arg(0)?)?))),
            Func::MinInt | Func::MaxInt => {
                let (x, y) = (self.eval_int(arg(0)?)?, self.eval_int(arg(1)?)?);
                Value::Int(if f == Func::MinInt {
                    x.min(y)
                } else {
                    x.max(y)
                })
            }
            Func::MinNum | Func::MaxNum => {
                let (x, y) = (self.eval_num(arg(0)?)?, self.eval_num(arg(1)?)?);
                Value::Number(if f == Func::MinNum {
                    math::min_num(x, y)
                } else {
                    math::max_num(x, y)
                })
            }
            Func::MinTs | Func::MaxTs => {
                let (x, y) = (self.eval_ts(arg(0)?)?, self.eval_ts(arg(1)?)?);
                Value::Timestamp(if f == Func::MinTs { x.min(y) } else { x.max(y) })
            }
            Func::MinDur | Func::MaxDur => {
                let (x, y) = (self.eval_dur(arg(0)?)?, self.eval_dur(arg(1)?)?);
                Value::Duration(if f == Func::MinDur {
                    x.min(y)
                } else {
                    x.max(y)
                })
            }
            Func::AbsInt => {
                let x = self.eval_int(arg(0)?)?;
                Value::Int(x.checked_abs().ok_or_else(|| {
                    EvalError::new(span, format!("integer overflow in `abs({x})`"))
                })?)
            }
            Func::AbsNum => Value::Number(self.eval_num(arg(0)?)?.abs()),
            Func::AbsDur => {
                let d = self.eval_dur(arg(0)?)?;
                Value::Duration(d.checked_abs().ok_or_else(|| {
                    EvalError::new(span, format!("duration overflow in `abs({d}ms)`"))
                })?)
            }
            // `f64::round` rounds half away from zero, as docs/language.md says.
            Func::Round => Value::Number(self.eval_num(arg(0)?)?.round()),
            Func::Floor => Value::Number(self.eval_num(arg(0)?)?.floor()),
            Func::Ceil => Value::Number(self.eval_num(arg(0)?)?.ceil()),
            Func::Days => Value::Number(math::duration_in(self.eval_dur(arg(0)?)?, MS_PER_DAY)),
            Func::Hours => Value::Number(math::duration_in(self.eval_dur(arg(0)?)?, MS_PER_HOUR)),
            Func::Minutes => Value::Number(math::duration_in(self.eval_dur(arg(0)?)?, MS_PER_MIN)),
        })
    }

    fn aggregate(
        &mut self,
        e: &Expr,
        op: AggOp,
        list: &Expr,
        cond: Option<&Expr>,
        half_life_ms: Option<i64>,
    ) -> Result<Value, EvalError> {
        let items = self.eval_list(list)?;
        let mut count: i64 = 0;
        let mut best: Option<i64> = None;
        let mut weight = 0.0f64;
        for item in items.iter() {
            let matched = match cond {
                None => true,
                Some(c) => {
                    self.elems.push(item.clone());
                    let r = self.eval_bool(c);
                    self.elems.pop();
                    r?
                }
            };
            match op {
                AggOp::Any if matched => return Ok(Value::Bool(true)),
                AggOp::All if !matched => return Ok(Value::Bool(false)),
                AggOp::Count if matched => count += 1,
                AggOp::Earliest { at_field } | AggOp::Latest { at_field } if matched => {
                    if let Some(t) = element_time(e, item, at_field)? {
                        let earliest = matches!(op, AggOp::Earliest { .. });
                        best = Some(match best {
                            None => t,
                            Some(b) if earliest => b.min(t),
                            Some(b) => b.max(t),
                        });
                    }
                }
                AggOp::DecayedCount { at_field } if matched => {
                    let half_life = half_life_ms.ok_or_else(|| {
                        EvalError::internal(e.span, "decayed_count without a half-life")
                    })?;
                    if let Some(t) = element_time(e, item, at_field)? {
                        weight += math::half_life_weight(math::age_ms(self.now, t), half_life);
                    }
                }
                _ => {}
            }
        }
        Ok(match op {
            AggOp::Any => Value::Bool(false),
            AggOp::All => Value::Bool(true),
            AggOp::Count => Value::Int(count),
            AggOp::Earliest { .. } | AggOp::Latest { .. } => {
                best.map_or(Value::Missing, Value::Timestamp)
            }
            AggOp::DecayedCount { .. } => Value::Number(weight),
        })
    }
}

/// The `at` time of a list element: field `at_field` of a record (missing → `None`, the element
/// is skipped), or the element itself in a list of timestamps.
fn element_time(e: &Expr, item: &Value, at_field: u32) -> Result<Option<i64>, EvalError> {
    let v = match item {
        Value::Record(fields) => fields.get(at_field as usize).ok_or_else(|| {
            EvalError::internal(e.span, format!("record has no field {at_field}"))
        })?,
        v => v,
    };
    match v {
        Value::Timestamp(t) => Ok(Some(*t)),
        Value::Missing => Ok(None),
        v => Err(internal_type(e, "timestamp", v)),
    }
}

fn enum_type(ty: &Ty) -> Option<&crate::ir::EnumType> {
    match ty.base() {
        Ty::Enum(e) => Some(e),
        _ => None,
    }
}

/// Positions in declared order; `None` (unordered) for a stage detour or a value outside the enum.
fn enum_order(e: &crate::ir::EnumType, x: &Value, y: &Value) -> Option<Ordering> {
    let position = |v: &Value| {
        let Value::Str(s) = v else { return None };
        let i = e.index_of(s)?;
        match e.stage_path_len {
            Some(n) if i >= n => None,
            _ => Some(i),
        }
    };
    Some(position(x)?.cmp(&position(y)?))
}
