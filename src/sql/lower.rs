//! IR expressions → SQL expressions, for any dialect (asking its [`Spec`]).
//!
//! Inside the query every value has one representation: ints `BIGINT`, numbers `DOUBLE`,
//! timestamps and durations `BIGINT` milliseconds (so `within`, decay and durations are integer
//! arithmetic, with `now` a literal under `--as-of`), enums and stages their label. A missing
//! value is `NULL`; narrowing guarantees it never decides a result (`FALSE AND NULL` is false),
//! except in the few places written to say so (`COALESCE(…, FALSE)` around enum orderings).
//!
//! Evaluation order: smql skips what it does not need (`and`, `if`, `??`), SQL engines may not.
//! An expression smql would skip can therefore stop the query with an overflow error where
//! `smql eval` gives a value; it can never give a different value.

use super::build::*;
use super::dialect::{Fail, Search, Spec};
use super::lists::TextOp;
use super::text;
use super::Refusal;
use crate::ir::{ArithOp, CmpOp, Expr, ExprKind, Func, Program, Quant, Ty};
use crate::source::Span;
use crate::time::{MS_PER_DAY, MS_PER_HOUR, MS_PER_MIN};
use crate::value::Value;
use sqlparser::ast::{BinaryOperator as Op, Expr as Sql, ObjectName};
use std::collections::BTreeSet;

pub(super) type R<T> = Result<T, Refusal>;

/// A column of the query: a field as loaded, a definition, score, grade or stage, or an
/// intermediate value computed once (`hoist`).
#[derive(Debug, Clone)]
pub(super) struct Column {
    pub name: String,
    pub expr: Sql,
    /// The columns `expr` reads (indices into the same list).
    pub deps: BTreeSet<usize>,
}

/// The element a `where` visits: how to read it, and its type.
#[derive(Debug, Clone)]
pub(super) struct Elem {
    pub value: Sql,
    pub ty: Ty,
}

/// The lowering of one rule set to one dialect.
pub(super) struct Lower<'a> {
    pub program: &'a Program,
    pub spec: &'static Spec,
    /// `--as-of` (epoch ms), else `now` is the engine's clock, read once into a column.
    pub now: Option<i64>,
    pub columns: Vec<Column>,
    /// Column of each field, definition, score, grade and of the stage.
    pub field_cols: Vec<usize>,
    pub def_cols: Vec<Option<usize>>,
    pub score_cols: Vec<Option<usize>>,
    pub grade_cols: Vec<Option<usize>>,
    pub stage_col: Option<usize>,
    pub now_col: Option<usize>,
    /// What the expression being lowered reads.
    pub deps: BTreeSet<usize>,
    /// The elements of the enclosing `where`s, innermost last.
    pub elems: Vec<Elem>,
    hoisted: usize,
    /// How many branches smql evaluates only for some leads (the right of `and`, `or`, `??`,
    /// the arms of `if`, later grade arms) enclose the expression being lowered.
    lazy: usize,
    /// Operations written so far that can stop the query (an overflow, a `fail`).
    fallible: std::cell::Cell<usize>,
}

pub(super) const I64_MIN_F: &str = "-9.223372036854775808e18";
pub(super) const I64_LIMIT_F: &str = "9.223372036854775808e18";

impl<'a> Lower<'a> {
    pub fn new(program: &'a Program, spec: &'static Spec, now: Option<i64>) -> Lower<'a> {
        Lower {
            program,
            spec,
            now,
            columns: Vec::new(),
            field_cols: Vec::new(),
            def_cols: vec![None; program.defs.len()],
            score_cols: vec![None; program.scores.len()],
            grade_cols: vec![None; program.grades.len()],
            stage_col: None,
            now_col: None,
            deps: BTreeSet::new(),
            elems: Vec::new(),
            hoisted: 0,
            lazy: 0,
            fallible: std::cell::Cell::new(0),
        }
    }

    /// Adds a column computed from what has been read since the last `take_deps`.
    pub fn push_column(&mut self, name: String, expr: Sql) -> usize {
        let deps = std::mem::take(&mut self.deps);
        self.columns.push(Column { name, expr, deps });
        self.columns.len() - 1
    }

    /// A reference to column `i` (and a dependency on it).
    pub fn col(&mut self, i: usize) -> Sql {
        self.deps.insert(i);
        col(raw(&self.columns[i].name))
    }

    /// `e` computed once, in a column of its own, when it would otherwise be written twice
    /// (a `min` reads both operands twice). Inside a `where` it stays inline: it depends on
    /// the element. Inside a lazy branch too: a column is computed for every row, and an
    /// overflow in it would stop the query for a lead smql never evaluates it for (SQL's
    /// CASE, COALESCE, AND and OR evaluate lazily, as smql does).
    pub fn hoist(&mut self, e: Sql) -> Sql {
        let simple = match &e {
            Sql::Identifier(_) | Sql::CompoundIdentifier(_) | Sql::Value(_) => true,
            Sql::Cast { expr, .. } => matches!(**expr, Sql::Value(_)),
            _ => false,
        };
        if simple || !self.elems.is_empty() || self.lazy > 0 {
            return e;
        }
        self.hoisted += 1;
        let deps = self.deps.clone();
        self.columns.push(Column {
            name: format!("t{}", self.hoisted),
            expr: e,
            deps,
        });
        let i = self.columns.len() - 1;
        self.col(i)
    }

    /// `x` lowered as a branch smql evaluates only for some leads (see [`Lower::hoist`]).
    pub fn lazily(&mut self, x: &Expr) -> R<Sql> {
        Ok(self.lazily_fallible(x)?.0)
    }

    /// [`Lower::lazily`], and whether the branch can stop the query.
    fn lazily_fallible(&mut self, x: &Expr) -> R<(Sql, bool)> {
        let before = self.fallible.get();
        self.lazy += 1;
        let r = self.expr(x);
        self.lazy -= 1;
        Ok((r?, self.fallible.get() > before))
    }

    /// Notes an operation that can stop the query.
    pub fn may_fail(&self) {
        self.fallible.set(self.fallible.get() + 1);
    }

    /// `a and b`, `a or b`, `a ?? b`: `b` only where smql evaluates it. An engine whose
    /// operators evaluate every operand gets a CASE when `b` can stop the query.
    fn lazy_operator(&mut self, kind: &ExprKind) -> R<Sql> {
        let (ExprKind::And(a, b) | ExprKind::Or(a, b) | ExprKind::Coalesce(a, b)) = kind else {
            return Err(Refusal::internal(Span::default(), "not a lazy operator"));
        };
        let a = self.expr(a)?;
        let (b, fallible) = self.lazily_fallible(b)?;
        let eager = fallible && !self.spec.lazy_operators;
        Ok(match kind {
            ExprKind::And(..) if eager => if_then(a, b, boolean(false)),
            ExprKind::And(..) => and(a, b),
            ExprKind::Or(..) if eager => if_then(a, boolean(true), b),
            ExprKind::Or(..) => or(a, b),
            _ if eager => {
                let a = self.hoist(a);
                if_then(is_not_null(a.clone()), a, b)
            }
            _ => call("coalesce", vec![a, b]),
        })
    }

    // -----------------------------------------------------------------------------------------
    // Literals

    pub fn int(&self, v: i64) -> Sql {
        let lit = if v == i64::MIN {
            bin(int(-i64::MAX), Op::Minus, int(1))
        } else {
            int(v)
        };
        cast(lit, self.spec.types.int)
    }

    pub fn number(&self, x: f64) -> Sql {
        let text = if x.is_nan() {
            return cast(single_quoted("NaN"), self.spec.types.number);
        } else if x.is_infinite() {
            let s = if x > 0.0 { "Infinity" } else { "-Infinity" };
            return cast(single_quoted(s), self.spec.types.number);
        } else if x == 0.0 && x.is_sign_negative() {
            return cast(single_quoted("-0"), self.spec.types.number);
        } else {
            // Scientific notation: read as a double by every engine (a plain `0.1` is a
            // DECIMAL in DuckDB, Spark and Snowflake), and `{:e}` is the shortest text that
            // reads back to the same double.
            format!("{x:e}")
        };
        cast(number_text(text), self.spec.types.number)
    }

    pub fn string(&self, span: Span, s: &str) -> R<Sql> {
        text::literal(self.spec, s).map_err(|why| Refusal::new(span, self.spec, why))
    }

    /// A regex pattern or other text with backslashes and no quotes, read back exactly.
    pub fn pattern_literal(&self, p: &str) -> Sql {
        match self.spec.strings {
            super::dialect::Strings::Standard => single_quoted(p),
            super::dialect::Strings::Backslash { .. } => single_quoted(&p.replace('\\', "\\\\")),
        }
    }

    pub fn constant(&mut self, span: Span, v: &Value, ty: &Ty) -> R<Sql> {
        Ok(match v {
            Value::Missing => cast(null(), &self.type_name(span, ty.base())?),
            Value::Int(i) => self.int(*i),
            Value::Number(x) => self.number(*x),
            Value::Str(s) => self.string(span, s)?,
            Value::Bool(b) => boolean(*b),
            Value::Timestamp(ms) | Value::Duration(ms) => self.int(*ms),
            Value::List(items) => {
                let elem_ty = match ty.base() {
                    Ty::List(t) => (**t).clone(),
                    _ => Ty::String,
                };
                let items = items
                    .iter()
                    .map(|i| self.constant(span, i, &elem_ty))
                    .collect::<R<Vec<_>>>()?;
                self.array(span, items, &elem_ty)?
            }
            Value::Record(_) => {
                return Err(Refusal::new(
                    span,
                    self.spec,
                    "a record literal has no SQL form".to_string(),
                ))
            }
        })
    }

    /// The name of a scalar type inside the query (timestamps and durations are milliseconds).
    pub fn type_name(&self, span: Span, ty: &Ty) -> R<String> {
        let t = &self.spec.types;
        Ok(match ty.base() {
            Ty::Int | Ty::Timestamp | Ty::Duration => t.int.to_string(),
            Ty::Number => t.number.to_string(),
            Ty::String | Ty::Enum(_) => t.string.to_string(),
            Ty::Bool => t.bool.to_string(),
            Ty::List(e) => super::ddl::array_type(self.spec, &self.type_name(span, e)?),
            other => {
                return Err(Refusal::new(
                    span,
                    self.spec,
                    format!("a value of type `{other}` has no SQL type here"),
                ))
            }
        })
    }

    /// The query stops with `message` (where it would give an int).
    pub fn fail(&self, message: &str) -> Sql {
        self.fail_as(message, self.spec.types.int)
    }

    /// The query stops with `message`, where it would give a value of type `ty`.
    pub fn fail_as(&self, message: &str, ty: &str) -> Sql {
        self.may_fail();
        let text = single_quoted(&format!("smql: {message}"));
        match self.spec.fail {
            Fail::Function(f) => call(f, vec![text]),
            // `concat` is not folded while planning (it is only stable), so the cast fails
            // only on the rows that reach it; PostgreSQL folds `CAST('…' AS BIGINT)` itself
            // in a branch no row takes.
            Fail::CastText => {
                let failing = cast(call("concat", vec![text]), self.spec.types.int);
                if ty == self.spec.types.int {
                    failing
                } else {
                    cast(failing, ty)
                }
            }
        }
    }

    pub fn now(&mut self) -> Sql {
        match (self.now, self.now_col) {
            (Some(ms), _) => self.int(ms),
            (None, Some(c)) => self.col(c),
            (None, None) => self.int(0),
        }
    }

    // -----------------------------------------------------------------------------------------
    // Expressions

    pub fn expr(&mut self, e: &Expr) -> R<Sql> {
        let span = e.span;
        Ok(match &e.kind {
            ExprKind::Const(v) => self.constant(span, v, &e.ty)?,
            ExprKind::Field(id) => {
                let c = self.field_cols[id.0 as usize];
                self.col(c)
            }
            ExprKind::Def(id) => self.node_col(span, self.def_cols[id.0 as usize])?,
            ExprKind::Score(id) => self.node_col(span, self.score_cols[id.0 as usize])?,
            ExprKind::Grade(id) => self.node_col(span, self.grade_cols[id.0 as usize])?,
            ExprKind::Stage => self.node_col(span, self.stage_col)?,
            ExprKind::Elem { level } => self.elem(span, *level)?.value,
            ExprKind::ElemField { level, index } => {
                let elem = self.elem(span, *level)?;
                self.elem_field(span, &elem, *index)?
            }
            ExprKind::Now => self.now(),
            ExprKind::ToNumber(x) => {
                let x = self.expr(x)?;
                cast(x, self.spec.types.number)
            }
            ExprKind::Neg(x) => {
                let is_number = x.ty.base() == &Ty::Number;
                let v = self.expr(x)?;
                if is_number {
                    neg(v)
                } else {
                    let what = if x.ty.base() == &Ty::Duration {
                        "duration"
                    } else {
                        "integer"
                    };
                    let zero = self.int(0);
                    self.checked(Op::Minus, zero, v, what)
                }
            }
            ExprKind::Not(x) => not(self.expr(x)?),
            ExprKind::And(..) | ExprKind::Or(..) | ExprKind::Coalesce(..) => {
                self.lazy_operator(&e.kind)?
            }
            ExprKind::Arith(op, a, b) => self.arith(*op, a, b)?,
            ExprKind::Cmp(op, a, b) => self.compare(*op, a, b)?,
            ExprKind::In { x, list, negated } => {
                let r = self.member(x, list)?;
                if *negated {
                    not(r)
                } else {
                    r
                }
            }
            ExprKind::ListLit(items) => {
                let elem_ty = match e.ty.base() {
                    Ty::List(t) => (**t).clone(),
                    _ => Ty::String,
                };
                let items = items.iter().map(|i| self.expr(i)).collect::<R<Vec<_>>>()?;
                self.array(span, items, &elem_ty)?
            }
            ExprKind::ListContains { list, quant, arg } => self.list_contains(list, *quant, arg)?,
            ExprKind::TextContains {
                subject,
                quant,
                arg,
            } => self.text_search(subject, *quant, arg, TextOp::Contains)?,
            ExprKind::StartsWith(s, p) => self.text_search(s, Quant::One, p, TextOp::StartsWith)?,
            ExprKind::EndsWith(s, p) => self.text_search(s, Quant::One, p, TextOp::EndsWith)?,
            ExprKind::Matches(s, pattern) => {
                let p =
                    super::regex::translate(&pattern.source, self.spec.regex, self.spec.max_repeat)
                        .map_err(|why| Refusal::new(span, self.spec, why))?;
                let s = self.expr(s)?;
                let p = self.pattern_literal(&p);
                self.search(self.spec.regex_search, s, p)
            }
            ExprKind::IsPresent(x) => is_not_null(self.expr(x)?),
            ExprKind::IsMissing(x) => is_null(self.expr(x)?),
            ExprKind::Within(t, d) => self.within(t, d)?,
            ExprKind::If(c, a, b) => if_then(self.expr(c)?, self.lazily(a)?, self.lazily(b)?),
            ExprKind::Call(f, args) => self.call(span, *f, args)?,
            ExprKind::Agg {
                op,
                list,
                cond,
                half_life_ms,
            } => self.aggregate(span, *op, list, cond.as_deref(), *half_life_ms)?,
        })
    }

    fn node_col(&mut self, span: Span, c: Option<usize>) -> R<Sql> {
        match c {
            Some(c) => Ok(self.col(c)),
            None => Err(Refusal::internal(
                span,
                "a name is used before it is computed",
            )),
        }
    }

    fn elem(&self, span: Span, level: u32) -> R<Elem> {
        let depth = self.elems.len();
        depth
            .checked_sub(1 + level as usize)
            .and_then(|i| self.elems.get(i))
            .cloned()
            .ok_or_else(|| Refusal::internal(span, "no `where` element at this level"))
    }

    fn arith(&mut self, op: ArithOp, a: &Expr, b: &Expr) -> R<Sql> {
        use ArithOp::*;
        let (x, y) = (self.expr(a)?, self.expr(b)?);
        Ok(match op {
            AddInt => self.checked(Op::Plus, x, y, "integer"),
            SubInt => self.checked(Op::Minus, x, y, "integer"),
            MulInt => self.checked(Op::Multiply, x, y, "integer"),
            AddNum => bin(x, Op::Plus, y),
            SubNum => bin(x, Op::Minus, y),
            MulNum => bin(x, Op::Multiply, y),
            DivNum => self.divide(x, y),
            AddTsDur => self.checked(Op::Plus, x, y, "timestamp"),
            SubTsDur => self.checked(Op::Minus, x, y, "timestamp"),
            SubTsTs | SubDur => self.checked(Op::Minus, x, y, "duration"),
            AddDur => self.checked(Op::Plus, x, y, "duration"),
            MulDurNum => {
                // Either operand order; the number may still be an int.
                let (d, n, n_ty) = if a.ty.base() == &Ty::Duration {
                    (x, y, b.ty.base().clone())
                } else {
                    (y, x, a.ty.base().clone())
                };
                let n = if n_ty == Ty::Int {
                    cast(n, self.spec.types.number)
                } else {
                    n
                };
                let product = bin(cast(d, self.spec.types.number), Op::Multiply, n);
                let rounded = if self.spec.round_half_away {
                    call("round", vec![product])
                } else {
                    self.round_half_away(product)
                };
                self.checked_i64_of(rounded, "duration overflow")
            }
            Concat => bin(x, Op::StringConcat, y),
        })
    }

    fn compare(&mut self, op: CmpOp, a: &Expr, b: &Expr) -> R<Sql> {
        let enum_ty = match (a.ty.base(), b.ty.base()) {
            (Ty::Enum(e), _) | (_, Ty::Enum(e)) => Some(e.clone()),
            _ => None,
        };
        if let (Some(e), false) = (&enum_ty, matches!(op, CmpOp::Eq | CmpOp::Ne)) {
            return self.compare_enum(op, e, a, b);
        }
        let (x, y) = (self.expr(a)?, self.expr(b)?);
        Ok(match a.ty.base() {
            Ty::Number => self.compare_numbers(op, x, y),
            Ty::String if self.spec.collate_c && !matches!(op, CmpOp::Eq | CmpOp::Ne) => {
                let c = |e: Sql| Sql::Collate {
                    expr: Box::new(paren(e)),
                    collation: ObjectName::from(vec![quoted('"', "C")]),
                };
                bin(c(x), cmp_op(op), c(y))
            }
            _ => bin(x, cmp_op(op), y),
        })
    }

    /// `<` … `>=` of enums (and `stage`) by declared position; a label outside the order (a
    /// detour) is not ordered at all.
    fn compare_enum(&mut self, op: CmpOp, e: &crate::ir::EnumType, a: &Expr, b: &Expr) -> R<Sql> {
        let ordered: Vec<&String> = match e.stage_path_len {
            Some(n) => e.values.iter().take(n).collect(),
            None => e.values.iter().collect(),
        };
        let holds = |p: usize, q: usize| match op {
            CmpOp::Lt => p < q,
            CmpOp::Le => p <= q,
            CmpOp::Gt => p > q,
            _ => p >= q,
        };
        // Against a label: the set of labels that compare so (`stage >= "MQL"` is `stage IN
        // ('MQL', 'SQL', …)`).
        let literal = |x: &Expr| match &x.kind {
            ExprKind::Const(Value::Str(s)) => Some(s.clone()),
            _ => None,
        };
        let (lit, other, flipped) = match (literal(a), literal(b)) {
            (_, Some(s)) => (Some(s), a, false),
            (Some(s), _) => (Some(s), b, true),
            _ => (None, a, false),
        };
        if let Some(s) = lit {
            let Some(q) = ordered.iter().position(|v| v.as_str() == &*s) else {
                return Ok(boolean(false));
            };
            let labels: Vec<&String> = ordered
                .iter()
                .enumerate()
                .filter(|&(p, _)| if flipped { holds(q, p) } else { holds(p, q) })
                .map(|(_, v)| *v)
                .collect();
            if labels.is_empty() {
                return Ok(boolean(false));
            }
            let x = self.expr(other)?;
            let items = labels
                .iter()
                .map(|l| self.string(other.span, l))
                .collect::<R<Vec<_>>>()?;
            return Ok(call(
                "coalesce",
                vec![in_list(x, items, false), boolean(false)],
            ));
        }
        let position = |l: &mut Self, x: &Expr| -> R<Sql> {
            let v = l.expr(x)?;
            let arms = ordered
                .iter()
                .enumerate()
                .map(|(i, label)| Ok((l.string(x.span, label)?, int(i as i64))))
                .collect::<R<Vec<_>>>()?;
            Ok(case_of(v, arms, None))
        };
        let (p, q) = (position(self, a)?, position(self, b)?);
        Ok(call(
            "coalesce",
            vec![bin(p, cmp_op(op), q), boolean(false)],
        ))
    }

    fn within(&mut self, t: &Expr, d: &Expr) -> R<Sql> {
        let tv = self.expr(t)?;
        if let (Some(now), ExprKind::Const(Value::Duration(dv))) = (self.now, &d.kind) {
            // Both known: `now - d <= t <= now`, the bound computed here without overflow.
            let lower = now as i128 - *dv as i128;
            if *dv < 0 {
                return Ok(boolean(false));
            }
            let tv = self.hoist(tv);
            let upper = bin(tv.clone(), Op::LtEq, self.int(now));
            return Ok(if lower < i64::MIN as i128 {
                upper
            } else {
                and(upper, bin(tv, Op::GtEq, self.int(lower as i64)))
            });
        }
        let tv = self.hoist(tv);
        let dv = self.expr(d)?;
        let now = self.now();
        let wide = self.spec.types.wide;
        let age = bin(cast(now.clone(), wide), Op::Minus, cast(tv.clone(), wide));
        Ok(and(bin(age, Op::LtEq, dv), bin(tv, Op::LtEq, now)))
    }

    fn call(&mut self, span: Span, f: Func, args: &[Expr]) -> R<Sql> {
        let arg = |i: usize| {
            args.get(i)
                .ok_or_else(|| Refusal::internal(span, "a function is missing an argument"))
        };
        let a = |l: &mut Self, i: usize| -> R<Sql> { l.expr(arg(i)?) };
        Ok(match f {
            Func::Lower => {
                let s = a(self, 0)?;
                self.lower_text(s)
            }
            Func::Upper => {
                let s = a(self, 0)?;
                self.upper_text(s)
            }
            Func::Trim => {
                let s = a(self, 0)?;
                let chars = self.string(span, &text::white_space())?;
                match self.spec.trim_chars {
                    super::dialect::TrimChars::Call(f) => call(f, vec![s, chars]),
                    super::dialect::TrimChars::Both => Sql::Trim {
                        expr: Box::new(s),
                        trim_where: Some(sqlparser::ast::TrimWhereField::Both),
                        trim_what: Some(Box::new(chars)),
                        trim_characters: None,
                    },
                }
            }
            Func::LenStr => {
                let s = a(self, 0)?;
                cast(call(self.spec.char_length, vec![s]), self.spec.types.int)
            }
            Func::LenList => {
                let l = a(self, 0)?;
                let is_records = matches!(arg(0)?.ty.base(), Ty::Records(_));
                self.list_len(l, is_records)
            }
            Func::Domain => {
                let s = a(self, 0)?;
                let after = self.after_last_at(span, s)?;
                self.lower_text(after)
            }
            Func::MinInt | Func::MinTs | Func::MinDur => {
                let (x, y) = (a(self, 0)?, a(self, 1)?);
                self.min_max_int(x, y, false)
            }
            Func::MaxInt | Func::MaxTs | Func::MaxDur => {
                let (x, y) = (a(self, 0)?, a(self, 1)?);
                self.min_max_int(x, y, true)
            }
            Func::MinNum | Func::MaxNum => {
                let (x, y) = (a(self, 0)?, a(self, 1)?);
                self.min_max_num(x, y, f == Func::MaxNum)
            }
            Func::AbsInt => {
                let x = a(self, 0)?;
                self.checked_abs(x, "integer")
            }
            Func::AbsDur => {
                let x = a(self, 0)?;
                self.checked_abs(x, "duration")
            }
            Func::AbsNum => call("abs", vec![a(self, 0)?]),
            Func::Round => {
                let x = a(self, 0)?;
                if self.spec.round_half_away {
                    call("round", vec![x])
                } else {
                    self.round_half_away(x)
                }
            }
            Func::Floor => {
                let x = a(self, 0)?;
                self.floor_ceil(x, false)
            }
            Func::Ceil => {
                let x = a(self, 0)?;
                self.floor_ceil(x, true)
            }
            Func::Days | Func::Hours | Func::Minutes => {
                let unit = match f {
                    Func::Days => MS_PER_DAY,
                    Func::Hours => MS_PER_HOUR,
                    _ => MS_PER_MIN,
                };
                let d = a(self, 0)?;
                let n = self.spec.types.number;
                bin(cast(d, n), Op::Divide, self.number(unit as f64))
            }
        })
    }

    /// A text test spelled the dialect's way.
    pub fn search(&self, how: Search, s: Sql, n: Sql) -> Sql {
        match how {
            Search::Call(f) => call(f, vec![s, n]),
            Search::PositionOf(f) => bin(call(f, vec![s, n]), Op::Gt, int(0)),
            Search::Operator(_) => bin(s, Op::PGRegexMatch, n),
            Search::Slice => {
                let len = call(self.spec.char_length, vec![n.clone()]);
                eq(call("right", vec![s, len]), n)
            }
        }
    }
}

pub(super) fn cmp_op(op: CmpOp) -> Op {
    match op {
        CmpOp::Eq => Op::Eq,
        CmpOp::Ne => Op::NotEq,
        CmpOp::Lt => Op::Lt,
        CmpOp::Le => Op::LtEq,
        CmpOp::Gt => Op::Gt,
        CmpOp::Ge => Op::GtEq,
    }
}
