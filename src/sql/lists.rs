//! Lists in SQL: membership, text search over several needles, and the aggregates over a
//! list's elements (`count`, `any`, `all`, `earliest`, `latest`, `decayed_count`), each written
//! the dialect's way: higher-order functions with lambdas (DuckDB, Spark, Snowflake) or
//! correlated subqueries over `UNNEST` (PostgreSQL, BigQuery).

use super::build::*;
use super::dialect::{ArrayContains, Arrays, Lists, Records, Search, UnnestFns};
use super::lower::{Elem, Lower, R};
use super::text;
use super::Refusal;
use crate::eval::text::fold;
use crate::ir::{AggOp, Expr, ExprKind, Quant, Ty};
use crate::source::Span;
use crate::value::Value;
use sqlparser::ast::{BinaryOperator as Op, Expr as Sql, Ident};

/// What an aggregate computes from the elements that pass its condition.
#[derive(Debug, Clone, Copy)]
pub(super) enum Fold {
    Count,
    Any,
    All,
    /// The least / greatest `at` (a record field, or the element itself), NULL when none.
    Min(Option<u32>),
    Max(Option<u32>),
    /// The sum of `0.5 ^ (age / half_life)` over the elements' `at`.
    Decayed(Option<u32>, i64),
}

/// Which text test: `contains`, `starts with`, `ends with`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TextOp {
    Contains,
    StartsWith,
    EndsWith,
}

impl Lower<'_> {
    /// The elements of a constant list: a literal, or a definition that is one
    /// (`free_email = [...]`), so they can be written inline.
    pub fn const_items(&self, e: &Expr) -> Option<Vec<Expr>> {
        match &e.kind {
            ExprKind::ListLit(items)
                if items.iter().all(|i| matches!(i.kind, ExprKind::Const(_))) =>
            {
                Some(items.clone())
            }
            ExprKind::Def(id) => self
                .program
                .defs
                .get(id.0 as usize)
                .and_then(|d| self.const_items(&d.expr)),
            _ => None,
        }
    }

    /// An array value of `items`.
    pub fn array(&self, span: Span, items: Vec<Sql>, elem_ty: &Ty) -> R<Sql> {
        if items.is_empty() {
            let t = self.type_name(span, &Ty::List(Box::new(elem_ty.clone())))?;
            let empty = match self.spec.arrays {
                Arrays::ArrayFn => call("array", vec![]),
                Arrays::Construct => return Ok(call("ARRAY_CONSTRUCT", vec![])),
                Arrays::ArrayBrackets => Sql::Array(sqlparser::ast::Array {
                    elem: vec![],
                    named: true,
                }),
                Arrays::Brackets | Arrays::BracketsGeneric => Sql::Array(sqlparser::ast::Array {
                    elem: vec![],
                    named: false,
                }),
            };
            return Ok(cast(empty, &t));
        }
        Ok(match self.spec.arrays {
            Arrays::ArrayFn => call("array", items),
            Arrays::Construct => call("ARRAY_CONSTRUCT", items),
            Arrays::ArrayBrackets => Sql::Array(sqlparser::ast::Array {
                elem: items,
                named: true,
            }),
            Arrays::Brackets | Arrays::BracketsGeneric => Sql::Array(sqlparser::ast::Array {
                elem: items,
                named: false,
            }),
        })
    }

    pub fn list_len(&self, l: Sql, is_records: bool) -> Sql {
        let f = if is_records && self.spec.records == Records::Jsonb {
            "jsonb_array_length"
        } else {
            self.spec.cardinality
        };
        cast(call(f, vec![l]), self.spec.types.int)
    }

    /// `x in list`, exact (NaN is in no list).
    pub fn member(&mut self, x: &Expr, list: &Expr) -> R<Sql> {
        let number = x.ty.base() == &Ty::Number;
        let xv = self.expr(x)?;
        if let Some(items) = self.const_items(list) {
            let items = items.iter().map(|i| self.expr(i)).collect::<R<Vec<_>>>()?;
            return Ok(self.member_of_items(xv, items, number));
        }
        let l = self.expr(list)?;
        Ok(self.member_of_array(xv, l, number))
    }

    fn member_of_items(&mut self, x: Sql, items: Vec<Sql>, number: bool) -> Sql {
        if items.is_empty() {
            return boolean(false);
        }
        if number && self.spec.nan == super::dialect::Nan::Total {
            let x = self.hoist(x);
            return and(not(self.is_nan(x.clone())), in_list(x, items, false));
        }
        in_list(x, items, false)
    }

    fn member_of_array(&mut self, x: Sql, l: Sql, number: bool) -> Sql {
        let x = if number { self.hoist(x) } else { x };
        let test = match self.spec.array_contains {
            ArrayContains::Call(f) => call(f, vec![l, x.clone()]),
            ArrayContains::Any => Sql::AnyOp {
                left: Box::new(paren(x.clone())),
                compare_op: Op::Eq,
                right: Box::new(l),
                is_some: false,
            },
            ArrayContains::InUnnest => in_unnest(x.clone(), l),
            ArrayContains::Variant => call("ARRAY_CONTAINS", vec![cast(x.clone(), "VARIANT"), l]),
        };
        if number && self.spec.nan == super::dialect::Nan::Total {
            and(not(self.is_nan(x)), test)
        } else {
            test
        }
    }

    /// `list contains x`, `list contains any [..]`, `list contains all [..]`.
    pub fn list_contains(&mut self, list: &Expr, quant: Quant, arg: &Expr) -> R<Sql> {
        if quant == Quant::One {
            return self.member(arg, list);
        }
        let elem_ty = match arg.ty.base() {
            Ty::List(t) => (**t).clone(),
            _ => Ty::String,
        };
        let number = elem_ty.base() == &Ty::Number;
        if let Some(items) = self.const_items(arg) {
            let l = self.expr(list)?;
            let l = self.hoist(l);
            let mut tests = Vec::new();
            for i in &items {
                let v = self.expr(i)?;
                tests.push(self.member_of_array(v, l.clone(), number));
            }
            return Ok(join(tests, quant == Quant::Any));
        }
        let l = self.expr(list)?;
        let l = self.hoist(l);
        let a = self.expr(arg)?;
        let fold = if quant == Quant::Any {
            Fold::Any
        } else {
            Fold::All
        };
        self.visit(arg.span, a, &elem_ty, fold, &mut |me, elem| {
            Ok(me.member_of_array(elem.value.clone(), l.clone(), number))
        })
    }

    /// Case-insensitive `contains` / `starts with` / `ends with` (`One`: one needle; `Any` /
    /// `All`: a list of needles), folding both sides with smql's simple case folding.
    pub fn text_search(&mut self, subject: &Expr, quant: Quant, arg: &Expr, op: TextOp) -> R<Sql> {
        let how = match op {
            TextOp::Contains => self.spec.contains,
            TextOp::StartsWith => self.spec.starts_with,
            TextOp::EndsWith => self.spec.ends_with,
        };
        let literals: Option<Vec<String>> = match quant {
            Quant::One => match &arg.kind {
                ExprKind::Const(Value::Str(s)) => Some(vec![fold(s)]),
                _ => None,
            },
            _ => self.const_items(arg).and_then(|items| {
                items
                    .iter()
                    .map(|i| match &i.kind {
                        ExprKind::Const(Value::Str(s)) => Some(fold(s)),
                        _ => None,
                    })
                    .collect()
            }),
        };
        let s = self.expr(subject)?;
        if let Some(needles) = literals {
            // Literal needles are folded here; the subject needs only the folds of the
            // needles' characters.
            let chars: String = needles.concat();
            let folded = self.translate(s, &text::fold_for(&chars));
            let folded = if needles.len() > 1 {
                self.hoist(folded)
            } else {
                folded
            };
            let mut tests = Vec::new();
            for n in &needles {
                let lit = self.string(arg.span, n)?;
                tests.push(self.search_text(how, op, folded.clone(), lit));
            }
            if tests.is_empty() {
                return Ok(boolean(quant == Quant::All));
            }
            return Ok(join(tests, quant != Quant::All));
        }
        let folded = self.translate(s, &text::tables().fold);
        let folded = self.hoist(folded);
        if quant == Quant::One {
            let n = self.expr(arg)?;
            let n = self.translate(n, &text::tables().fold);
            return Ok(self.search_text(how, op, folded, n));
        }
        let a = self.expr(arg)?;
        let fold = if quant == Quant::Any {
            Fold::Any
        } else {
            Fold::All
        };
        self.visit(arg.span, a, &Ty::String, fold, &mut |me, elem| {
            let n = me.translate(elem.value.clone(), &text::tables().fold);
            Ok(me.search_text(how, op, folded.clone(), n))
        })
    }

    fn search_text(&self, how: Search, op: TextOp, s: Sql, n: Sql) -> Sql {
        match (how, op) {
            (Search::Slice, TextOp::StartsWith) => {
                let len = call(self.spec.char_length, vec![n.clone()]);
                eq(call("left", vec![s, len]), n)
            }
            _ => self.search(how, s, n),
        }
    }

    /// `count`, `any`, `all`, `earliest`, `latest`, `decayed_count` of the IR.
    pub fn aggregate(
        &mut self,
        span: Span,
        op: AggOp,
        list: &Expr,
        cond: Option<&Expr>,
        half_life_ms: Option<i64>,
    ) -> R<Sql> {
        let is_records = matches!(list.ty.base(), Ty::Records(_));
        let at = |f: u32| is_records.then_some(f);
        let fold = match op {
            AggOp::Count => Fold::Count,
            AggOp::Any => Fold::Any,
            AggOp::All => Fold::All,
            AggOp::Earliest { at_field } => Fold::Min(at(at_field)),
            AggOp::Latest { at_field } => Fold::Max(at(at_field)),
            AggOp::DecayedCount { at_field } => {
                let h = half_life_ms
                    .ok_or_else(|| Refusal::internal(span, "decayed_count without a half-life"))?;
                Fold::Decayed(at(at_field), h)
            }
        };
        let elem_ty = match list.ty.base() {
            Ty::List(t) => (**t).clone(),
            other => other.clone(),
        };
        let l = self.expr(list)?;
        match cond {
            Some(c) => self.visit(span, l, &elem_ty, fold, &mut |me, _| me.expr(c)),
            None => {
                let no_cond = self.visit(span, l.clone(), &elem_ty, fold, &mut |_, _| {
                    Ok(boolean(true))
                })?;
                Ok(match fold {
                    Fold::Count => self.list_len(l, is_records),
                    Fold::Any => bin(self.list_len(l, is_records), Op::Gt, int(0)),
                    Fold::All => boolean(true),
                    _ => no_cond,
                })
            }
        }
    }

    /// The fold of `list`'s elements that satisfy `cond` (built with the element pushed on
    /// `elems`).
    pub fn visit(
        &mut self,
        span: Span,
        list: Sql,
        elem_ty: &Ty,
        fold: Fold,
        cond: &mut dyn FnMut(&mut Self, &Elem) -> R<Sql>,
    ) -> R<Sql> {
        let depth = self.elems.len();
        let var = raw(&format!("x{depth}"));
        let value = match (self.spec.lists, elem_ty) {
            (Lists::Unnest(UnnestFns::Postgres), _) => dotted(vec![var.clone(), raw("v")]),
            _ => col(var.clone()),
        };
        let elem = Elem {
            value,
            ty: elem_ty.clone(),
        };
        self.elems.push(elem.clone());
        let c = cond(self, &elem);
        let c = match c {
            Ok(c) => c,
            Err(e) => {
                self.elems.pop();
                return Err(e);
            }
        };
        let result = match self.spec.lists {
            Lists::Lambda(fns) => self.fold_lambda(span, fns, list, var, &elem, c, fold),
            Lists::Unnest(u) => self.fold_unnest(span, u, list, var, &elem, c, fold),
        };
        self.elems.pop();
        result
    }

    /// An element's `at` (a record field, or the element itself), in epoch ms.
    fn at_of(&mut self, span: Span, elem: &Elem, at: Option<u32>) -> R<Sql> {
        match at {
            Some(f) => self.elem_field(span, elem, f),
            None => Ok(elem.value.clone()),
        }
    }

    /// `0.5 ^ (max(0, now - t) / half_life)` (as `math::half_life_weight` of `math::age_ms`).
    fn weight(&mut self, t: Sql, half_life: i64) -> Sql {
        let now = self.now();
        let n = self.spec.types.number;
        let wide = self.spec.types.wide;
        let age = if_then(
            bin(t.clone(), Op::GtEq, now.clone()),
            self.number(0.0),
            cast(bin(cast(now, wide), Op::Minus, cast(t, wide)), n),
        );
        let exponent = bin(age, Op::Divide, self.number(half_life as f64));
        self.power(self.number(0.5), exponent, 0.5)
    }

    /// `base ^ e` for `0 <= base < 1` and `e >= 0`; where the engine fails on underflow
    /// (PostgreSQL), a result below the least double is written as the 0 it rounds to.
    pub fn power(&mut self, base: Sql, e: Sql, base_value: f64) -> Sql {
        if self.spec.name != "PostgreSQL" || base_value <= 0.0 || base_value >= 1.0 {
            return call("power", vec![base, e]);
        }
        // base^e < 2^-1075 (rounds to 0) exactly when e > 1075 / -log2(base).
        let limit = 1075.0 / -base_value.log2();
        let e = self.hoist(e);
        if_then(
            bin(e.clone(), Op::Gt, self.number(limit)),
            self.number(0.0),
            call("power", vec![base, e]),
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn fold_lambda(
        &mut self,
        span: Span,
        fns: super::dialect::LambdaFns,
        list: Sql,
        var: Ident,
        elem: &Elem,
        c: Sql,
        fold: Fold,
    ) -> R<Sql> {
        let lam = |body: Sql| lambda(vec![var.clone()], body, fns.keyword);
        let filtered = |c: Sql| call(fns.filter, vec![list.clone(), lam(c)]);
        let size = |l: Sql| cast(call(fns.size, vec![l]), self.spec.types.int);
        Ok(match fold {
            Fold::Count => size(filtered(c)),
            Fold::Any => bin(size(filtered(c)), Op::Gt, int(0)),
            Fold::All => eq(size(filtered(not(c))), int(0)),
            Fold::Min(at) | Fold::Max(at) => {
                let t = self.at_of(span, elem, at)?;
                let times = call(fns.transform, vec![filtered(c), lam(t)]);
                let f = if matches!(fold, Fold::Min(_)) {
                    fns.min
                } else {
                    fns.max
                };
                call(f, vec![times])
            }
            Fold::Decayed(at, half_life) => {
                let t = self.at_of(span, elem, at)?;
                let w = self.weight(t.clone(), half_life);
                // A missing `at` counts nothing.
                let w = if_then(is_null(t), self.number(0.0), w);
                match fns.fold {
                    Some(f) => {
                        let acc = raw("acc");
                        let step = lambda(
                            vec![acc.clone(), var.clone()],
                            bin(col(acc), Op::Plus, w),
                            fns.keyword,
                        );
                        call(f, vec![filtered(c), self.number(0.0), step])
                    }
                    None => {
                        let ws = call(fns.transform, vec![filtered(c), lam(w)]);
                        call("coalesce", vec![call(fns.sum, vec![ws]), self.number(0.0)])
                    }
                }
            }
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn fold_unnest(
        &mut self,
        span: Span,
        u: UnnestFns,
        list: Sql,
        var: Ident,
        elem: &Elem,
        c: Sql,
        fold: Fold,
    ) -> R<Sql> {
        let from = match (u, &elem.ty) {
            (UnnestFns::Postgres, Ty::Records(_)) => {
                table_function("jsonb_array_elements", vec![list], var, vec![raw("v")])
            }
            (UnnestFns::Postgres, _) => unnest(list, var, vec![raw("v")]),
            (UnnestFns::BigQuery, _) => unnest(list, var, vec![]),
        };
        let q = |items: Vec<sqlparser::ast::SelectItem>, filter: Sql| {
            select(vec![], items, Some(from.clone()), Some(filter))
        };
        let one = sqlparser::ast::SelectItem::UnnamedExpr(int(1));
        Ok(match fold {
            Fold::Count => subquery(q(
                vec![sqlparser::ast::SelectItem::UnnamedExpr(count_star())],
                c,
            )),
            Fold::Any => exists(q(vec![one], c), false),
            Fold::All => exists(q(vec![one], not(c)), true),
            Fold::Min(at) | Fold::Max(at) => {
                let t = self.at_of(span, elem, at)?;
                let f = if matches!(fold, Fold::Min(_)) {
                    "min"
                } else {
                    "max"
                };
                subquery(q(
                    vec![sqlparser::ast::SelectItem::UnnamedExpr(call(f, vec![t]))],
                    c,
                ))
            }
            Fold::Decayed(at, half_life) => {
                let t = self.at_of(span, elem, at)?;
                let w = self.weight(t, half_life);
                let sum = call("coalesce", vec![call("sum", vec![w]), self.number(0.0)]);
                subquery(q(vec![sqlparser::ast::SelectItem::UnnamedExpr(sum)], c))
            }
        })
    }

    /// Field `index` of a record element, in the query's representation.
    pub fn elem_field(&mut self, span: Span, elem: &Elem, index: u32) -> R<Sql> {
        let Ty::Records(rt) = &elem.ty else {
            return Err(Refusal::internal(
                span,
                "a field of an element that is not a record",
            ));
        };
        let field = rt
            .fields
            .get(index as usize)
            .ok_or_else(|| Refusal::internal(span, "a record has no such field"))?;
        let base = field.ty.base().clone();
        let q = self.spec.quote;
        let raw_value = match self.spec.records {
            Records::Struct => {
                let Sql::Identifier(var) = &elem.value else {
                    return Err(Refusal::internal(
                        span,
                        "a record element is not a variable",
                    ));
                };
                dotted(vec![var.clone(), quoted(q, &field.name)])
            }
            Records::Jsonb => bin(
                elem.value.clone(),
                Op::LongArrow,
                single_quoted(&field.name),
            ),
            Records::Variant => call("GET", vec![elem.value.clone(), single_quoted(&field.name)]),
        };
        let typed = match (self.spec.records, &base) {
            (Records::Struct, _) => raw_value,
            (_, Ty::Timestamp) => cast(raw_value, self.spec.types.timestamp),
            (_, t) => {
                let name = self.type_name(span, t)?;
                cast(raw_value, &name)
            }
        };
        Ok(match base {
            Ty::Timestamp => super::query::to_epoch_ms(self.spec, typed),
            _ => typed,
        })
    }
}

/// `a OR b OR …` (`any`) or `a AND b AND …`.
fn join(tests: Vec<Sql>, any: bool) -> Sql {
    let mut it = tests.into_iter();
    let Some(first) = it.next() else {
        return boolean(!any);
    };
    it.fold(first, |acc, t| if any { or(acc, t) } else { and(acc, t) })
}
