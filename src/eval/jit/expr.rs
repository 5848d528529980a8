//! Expressions, one IR node at a time, with the interpreter's semantics (`eval::expr`): the
//! same evaluation order, short-circuits where it short-circuits, the same overflow checks.

use super::codegen::{unsupported, Elem, Gen, Val, R};
use super::helpers;
use super::plan::{Child, ColPath, ErrorForm, Kind, Slot, StrFn, CONCAT_CACHE, UNORDERED};
use super::JitError;
use crate::ir::{ArithOp, CmpOp, EnumType, Expr, ExprKind, FieldId, Func, Ty};
use crate::time::{MS_PER_DAY, MS_PER_HOUR, MS_PER_MIN};
use crate::value::Value as V;
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{types, BlockArg, InstBuilder, MemFlagsData, Value};

impl Gen<'_> {
    pub fn expr(&mut self, e: &Expr) -> R<Val> {
        crate::stack::deep(|| self.expr_node(e))
    }

    fn expr_node(&mut self, e: &Expr) -> R<Val> {
        let span = e.span;
        let v = match &e.kind {
            ExprKind::Const(v) => self.constant(e, v)?,
            ExprKind::Field(id) => self.field(e, *id)?,
            ExprKind::Def(id) => self.def_value(id.0 as usize)?,
            ExprKind::Score(id) => Val::scalar(self.score_value(id.0 as usize)?),
            ExprKind::Grade(id) => Val::scalar(self.grade_value(id.0 as usize)?),
            ExprKind::Stage => self.stage_value()?,
            ExprKind::Elem { level } => match self.elem(*level)? {
                Elem::Scalar(v) => Val::scalar(v),
                Elem::Record { .. } => return Err(unsupported(span, "a record used as a value")),
            },
            ExprKind::ElemField { level, index } => match self.elem(*level)? {
                Elem::Record { field, index: item } => {
                    self.record_field(field, *index, item, e.ty.is_optional(), e)?
                }
                Elem::Scalar(_) => return Err(JitError::internal("a field of a scalar element")),
            },
            ExprKind::Now => Val::scalar(self.slot(Slot::Now)),
            ExprKind::ToNumber(x) => Val::scalar(self.num(x)?),
            ExprKind::Neg(x) => Val::scalar(self.neg(e, x)?),
            ExprKind::Not(x) => {
                let v = self.bool(x)?;
                Val::scalar(self.b.ins().bxor_imm_s(v, 1))
            }
            ExprKind::And(a, b) => Val::scalar(self.and_or(a, b, true)?),
            ExprKind::Or(a, b) => Val::scalar(self.and_or(a, b, false)?),
            ExprKind::Arith(op, a, b) => Val::scalar(self.arith(e, *op, a, b)?),
            ExprKind::Cmp(op, a, b) => Val::scalar(self.compare(*op, a, b)?),
            ExprKind::In { x, list, negated } => Val::scalar(self.membership(x, list, *negated)?),
            ExprKind::ListLit(items) => self.list_lit(e, items)?,
            ExprKind::ListContains { list, quant, arg } => {
                Val::scalar(self.list_contains(list, *quant, arg)?)
            }
            ExprKind::TextContains {
                subject,
                quant,
                arg,
            } => Val::scalar(self.text_contains(subject, *quant, arg)?),
            ExprKind::StartsWith(s, p) => Val::scalar(self.text_affix(s, p, 1)?),
            ExprKind::EndsWith(s, p) => Val::scalar(self.text_affix(s, p, 2)?),
            ExprKind::Matches(s, pattern) => {
                let id = self.text_subject(s)?;
                Val::scalar(self.memo_pred(super::plan::Pred::Matches(pattern.clone()), id))
            }
            ExprKind::IsPresent(x) => Val::scalar(self.present(x)?),
            ExprKind::IsMissing(x) => {
                let p = self.present(x)?;
                Val::scalar(self.b.ins().bxor_imm_s(p, 1))
            }
            ExprKind::Coalesce(x, d) => self.coalesce(e, x, d)?,
            ExprKind::Within(t, d) => Val::scalar(self.within(t, d)?),
            ExprKind::If(c, a, b) => self.if_then_else(e, c, a, b)?,
            ExprKind::Call(f, args) => Val::scalar(self.call_fn(e, *f, args)?),
            ExprKind::Agg {
                op,
                list,
                cond,
                half_life_ms,
            } => self.aggregate(e, *op, list, cond.as_deref(), *half_life_ms)?,
        };
        Ok(self.coerce(v, &e.ty))
    }

    /// A scalar expression's value (its presence, if any, dropped: only for plain types).
    pub fn scalar(&mut self, e: &Expr) -> R<Value> {
        match self.expr(e)? {
            Val::Scalar { v, .. } => Ok(v),
            _ => Err(unsupported(e.span, "a list used as a single value")),
        }
    }

    pub fn bool(&mut self, e: &Expr) -> R<Value> {
        self.scalar(e)
    }

    /// A number (`F64`); an int is converted, as the interpreter's `eval_num` does.
    pub fn num(&mut self, e: &Expr) -> R<Value> {
        let v = self.scalar(e)?;
        Ok(if Kind::of(&e.ty) == Some(Kind::I64) {
            self.b.ins().fcvt_from_sint(types::F64, v)
        } else {
            v
        })
    }

    fn kind(e: &Expr) -> R<Kind> {
        Kind::of(&e.ty).ok_or_else(|| unsupported(e.span, "a value of this type"))
    }

    /// The element kind of a list expression.
    pub fn item_kind(e: &Expr) -> R<Kind> {
        match e.ty.base() {
            Ty::List(item) => Kind::of(item).ok_or_else(|| unsupported(e.span, "this list")),
            _ => Err(unsupported(e.span, "this list")),
        }
    }

    fn elem(&self, level: u32) -> R<Elem> {
        let i = (self.elems.len() as u64)
            .checked_sub(1 + u64::from(level))
            .ok_or_else(|| JitError::internal("no `where` element at this level"))?;
        self.elems
            .get(i as usize)
            .copied()
            .ok_or_else(|| JitError::internal("no `where` element at this level"))
    }

    fn constant(&mut self, e: &Expr, v: &V) -> R<Val> {
        Ok(match v {
            V::Missing => {
                let kind = Self::kind(e)?;
                let zero = self.zero(kind);
                let absent = self.iconst(types::I8, 0);
                Val::Scalar {
                    present: Some(absent),
                    v: zero,
                }
            }
            V::Int(i) | V::Timestamp(i) | V::Duration(i) => {
                Val::scalar(self.iconst(types::I64, *i))
            }
            V::Number(x) => Val::scalar(self.b.ins().f64const(*x)),
            V::Bool(b) => Val::scalar(self.iconst(types::I8, i64::from(*b))),
            V::Str(s) => Val::scalar(self.literal(s)),
            V::List(items) => {
                let kind = Self::item_kind(e)?;
                self.const_list(kind, items.to_vec())
            }
            V::Record(_) => return Err(unsupported(e.span, "a record constant")),
        })
    }

    pub fn zero(&mut self, kind: Kind) -> Value {
        match kind {
            Kind::F64 => self.b.ins().f64const(0.0),
            k => self.iconst(k.clif(), 0),
        }
    }

    pub fn const_list(&mut self, kind: Kind, items: Vec<V>) -> Val {
        let n = items.len() as i64;
        let i = self.plan.const_list(kind, items);
        let ptr = self.slot(Slot::ConstList(i));
        let len = self.iconst(types::I64, n);
        Val::List { ptr, len }
    }

    /// The id of string `e` for a use that reads only its text, through a predicate memoized
    /// per id: it gives the same answer whether or not equal strings share an id, so a field
    /// used only this way need not have its strings shared ([`Plan::compared_strings`]).
    pub fn text_subject(&mut self, e: &Expr) -> R<Value> {
        // Only a field itself: anything built from it (`coalesce`, a definition) may be
        // compared elsewhere.
        self.text_only = matches!(e.kind, ExprKind::Field(_));
        let v = self.scalar(e);
        self.text_only = false;
        v
    }

    fn field(&mut self, e: &Expr, id: FieldId) -> R<Val> {
        let p = self.p;
        let field = p
            .schema
            .fields
            .get(id.0 as usize)
            .ok_or_else(|| JitError::internal("a field outside the schema"))?;
        let top = ColPath {
            field: id.0,
            child: Child::Top,
        };
        let row = self.row;
        Ok(match field.ty.base() {
            Ty::List(item) => {
                let kind = Kind::of(item).ok_or_else(|| unsupported(e.span, "this list"))?;
                let (start, len) = self.list_range(top, row);
                let items = self.slot(Slot::Values(ColPath {
                    field: id.0,
                    child: Child::Items,
                }));
                let ptr = self.addr(items, start, kind.size());
                Val::List { ptr, len }
            }
            Ty::Records(_) => {
                let (start, len) = self.list_range(top, row);
                Val::Records {
                    field: id.0,
                    start,
                    len,
                }
            }
            base => {
                let kind = Kind::of(base).ok_or_else(|| unsupported(e.span, "this field"))?;
                if kind == Kind::Str
                    && !self.text_only
                    && !self.plan.compared_strings.contains(&id.0)
                {
                    self.plan.compared_strings.push(id.0);
                }
                let optional = e.ty.is_optional() && field.ty.is_optional();
                self.load_column(top, kind, row, optional)
            }
        })
    }

    /// Field `index` of item `item` of the records of field `field`.
    pub fn record_field(
        &mut self,
        field: u32,
        index: u32,
        item: Value,
        want_optional: bool,
        e: &Expr,
    ) -> R<Val> {
        let p = self.p;
        let ty = match p.schema.fields.get(field as usize).map(|f| f.ty.base()) {
            Some(Ty::Records(rt)) => rt
                .fields
                .get(index as usize)
                .map(|f| f.ty.clone())
                .ok_or_else(|| JitError::internal("a record field outside its type"))?,
            _ => return Err(JitError::internal("record elements of a non-record field")),
        };
        let kind = Kind::of(&ty).ok_or_else(|| unsupported(e.span, "this record field"))?;
        let path = ColPath {
            field,
            child: Child::Field(index),
        };
        Ok(self.load_column(path, kind, item, want_optional && ty.is_optional()))
    }

    fn neg(&mut self, e: &Expr, x: &Expr) -> R<Value> {
        let v = self.scalar(x)?;
        match x.ty.base() {
            Ty::Number => Ok(self.b.ins().fneg(v)),
            base @ (Ty::Int | Ty::Duration) => {
                let ms = *base == Ty::Duration;
                let what = if ms { "duration" } else { "integer" };
                let min = self.b.ins().icmp_imm_s(IntCC::Equal, v, i64::MIN);
                self.fail_if(min, e.span, ErrorForm::Neg { what, ms }, v, v);
                Ok(self.b.ins().ineg(v))
            }
            _ => Err(unsupported(e.span, "this negation")),
        }
    }

    fn and_or(&mut self, a: &Expr, b: &Expr, is_and: bool) -> R<Value> {
        let x = self.bool(a)?;
        let rhs = self.b.create_block();
        let merge = self.b.create_block();
        let r = self.b.append_block_param(merge, types::I8);
        if is_and {
            self.b.ins().brif(x, rhs, &[], merge, &[BlockArg::Value(x)]);
        } else {
            self.b.ins().brif(x, merge, &[BlockArg::Value(x)], rhs, &[]);
        }
        self.b.switch_to_block(rhs);
        let y = self.bool(b)?;
        self.b.ins().jump(merge, &[BlockArg::Value(y)]);
        self.b.switch_to_block(merge);
        Ok(r)
    }

    fn arith(&mut self, e: &Expr, op: ArithOp, a: &Expr, b: &Expr) -> R<Value> {
        use ArithOp::*;
        let span = e.span;
        Ok(match op {
            AddNum | SubNum | MulNum | DivNum => {
                let (x, y) = (self.num(a)?, self.num(b)?);
                match op {
                    AddNum => self.b.ins().fadd(x, y),
                    SubNum => self.b.ins().fsub(x, y),
                    MulNum => self.b.ins().fmul(x, y),
                    _ => self.b.ins().fdiv(x, y),
                }
            }
            MulDurNum => {
                // Either operand order; evaluated left to right like the interpreter.
                let dur_left = *a.ty.base() == Ty::Duration;
                let (d, x) = if dur_left {
                    let d = self.scalar(a)?;
                    (d, self.num(b)?)
                } else {
                    let x = self.num(a)?;
                    (self.scalar(b)?, x)
                };
                let ok = self.call_value(
                    helpers::mul_dur_ok as *const () as usize,
                    &[types::I64, types::F64],
                    types::I8,
                    &[d, x],
                    "mul_dur_ok",
                )?;
                let failed = self.b.ins().icmp_imm_s(IntCC::Equal, ok, 0);
                let bits = self.b.ins().bitcast(types::I64, MemFlagsData::new(), x);
                self.fail_if(failed, span, ErrorForm::MulDurNum, d, bits);
                self.call_value(
                    helpers::mul_dur as *const () as usize,
                    &[types::I64, types::F64],
                    types::I64,
                    &[d, x],
                    "mul_dur",
                )?
            }
            Concat => {
                let (x, y) = (self.scalar(a)?, self.scalar(b)?);
                self.concat(x, y)?
            }
            _ => {
                let (what, sym, a_ms, b_ms) = match op {
                    AddInt => ("integer", "+", false, false),
                    SubInt => ("integer", "-", false, false),
                    MulInt => ("integer", "*", false, false),
                    AddTsDur => ("timestamp", "+", true, true),
                    SubTsDur => ("timestamp", "-", true, true),
                    SubTsTs => ("duration", "-", true, true),
                    AddDur => ("duration", "+", true, true),
                    _ => ("duration", "-", true, true),
                };
                let (x, y) = (self.scalar(a)?, self.scalar(b)?);
                let (r, overflow) = match sym {
                    "+" => self.b.ins().sadd_overflow(x, y),
                    "-" => self.b.ins().ssub_overflow(x, y),
                    _ => self.b.ins().smul_overflow(x, y),
                };
                let form = ErrorForm::Binary {
                    what,
                    sym,
                    a_ms,
                    b_ms,
                };
                self.fail_if(overflow, span, form, x, y);
                r
            }
        })
    }

    /// `x + y` for string ids: a direct-mapped cache of the site, looked up inline, in front of
    /// the runtime's (the same few pairs come back row after row).
    fn concat(&mut self, x: Value, y: Value) -> R<Value> {
        let site = self.plan.concat_site();
        let cache = self.slot(Slot::ConcatCache(site));
        let hi = self.b.ins().uextend(types::I64, x);
        let hi = self.b.ins().ishl_imm_u(hi, 32);
        let lo = self.b.ins().uextend(types::I64, y);
        let key = self.b.ins().bor(hi, lo);
        // Fibonacci hashing: the top bits of `key * 2^64/φ` pick the entry.
        let mixed = self
            .b
            .ins()
            .imul_imm_s(key, 0x9E37_79B9_7F4A_7C15_u64 as i64);
        let shift = 64 - CONCAT_CACHE.trailing_zeros();
        let index = self.b.ins().ushr_imm_u(mixed, i64::from(shift));
        let entry = self.addr(cache, index, 16);
        let stored = self
            .b
            .ins()
            .load(types::I64, super::codegen::flags(), entry, 0);
        let hit = self.b.ins().icmp(IntCC::Equal, stored, key);
        let found = self.b.create_block();
        let miss = self.b.create_block();
        let done = self.b.create_block();
        let r = self.b.append_block_param(done, types::I32);
        self.b.set_cold_block(miss);
        self.b.ins().brif(hit, found, &[], miss, &[]);
        self.b.switch_to_block(found);
        let id = self
            .b
            .ins()
            .load(types::I32, super::codegen::flags(), entry, 8);
        self.b.ins().jump(done, &[BlockArg::Value(id)]);
        self.b.switch_to_block(miss);
        let rt = self.rt;
        let made = self.call_value(
            helpers::concat_cached as *const () as usize,
            &[types::I64, types::I32, types::I32, types::I64],
            types::I32,
            &[rt, x, y, entry],
            "concat",
        )?;
        self.b.ins().jump(done, &[BlockArg::Value(made)]);
        self.b.switch_to_block(done);
        Ok(r)
    }

    /// Value equality of two scalars of one kind (`I8`).
    pub fn equal(&mut self, kind: Kind, x: Value, y: Value) -> Value {
        match kind {
            Kind::F64 => self.b.ins().fcmp(FloatCC::Equal, x, y),
            _ => self.b.ins().icmp(IntCC::Equal, x, y),
        }
    }

    fn compare(&mut self, op: CmpOp, a: &Expr, b: &Expr) -> R<Value> {
        let x = self.scalar(a)?;
        let y = self.scalar(b)?;
        let kind = Self::kind(a)?;
        if matches!(op, CmpOp::Eq | CmpOp::Ne) {
            let eq = self.equal(kind, x, y);
            return Ok(if op == CmpOp::Ne {
                self.b.ins().bxor_imm_s(eq, 1)
            } else {
                eq
            });
        }
        let (signed, unsigned, float) = match op {
            CmpOp::Lt => (
                IntCC::SignedLessThan,
                IntCC::UnsignedLessThan,
                FloatCC::LessThan,
            ),
            CmpOp::Le => (
                IntCC::SignedLessThanOrEqual,
                IntCC::UnsignedLessThanOrEqual,
                FloatCC::LessThanOrEqual,
            ),
            CmpOp::Gt => (
                IntCC::SignedGreaterThan,
                IntCC::UnsignedGreaterThan,
                FloatCC::GreaterThan,
            ),
            _ => (
                IntCC::SignedGreaterThanOrEqual,
                IntCC::UnsignedGreaterThanOrEqual,
                FloatCC::GreaterThanOrEqual,
            ),
        };
        if let Some(e) = enum_type(&a.ty).or_else(|| enum_type(&b.ty)) {
            let pa = self.enum_pos(e, a, x);
            let pb = self.enum_pos(e, b, y);
            let oa = self
                .b
                .ins()
                .icmp_imm_u(IntCC::NotEqual, pa, i64::from(UNORDERED));
            let ob = self
                .b
                .ins()
                .icmp_imm_u(IntCC::NotEqual, pb, i64::from(UNORDERED));
            let ordered = self.b.ins().band(oa, ob);
            let c = self.b.ins().icmp(unsigned, pa, pb);
            return Ok(self.b.ins().band(ordered, c));
        }
        Ok(match kind {
            Kind::I64 => self.b.ins().icmp(signed, x, y),
            Kind::F64 => self.b.ins().fcmp(float, x, y),
            Kind::Bool => self.b.ins().icmp(unsigned, x, y),
            Kind::Str => {
                let rt = self.rt;
                let c = self.call_value(
                    helpers::str_cmp as *const () as usize,
                    &[types::I64, types::I32, types::I32],
                    types::I32,
                    &[rt, x, y],
                    "str_cmp",
                )?;
                self.b.ins().icmp_imm_s(signed, c, 0)
            }
        })
    }

    /// The position of string `v` (the value of `e`) in enum `t` (`I32`, [`UNORDERED`] if none).
    fn enum_pos(&mut self, t: &std::sync::Arc<EnumType>, e: &Expr, v: Value) -> Value {
        if let ExprKind::Const(V::Str(s)) = &e.kind {
            let pos = match t.index_of(s) {
                Some(i) if t.stage_path_len.is_none_or(|n| i < n) => i as i64,
                _ => i64::from(UNORDERED),
            };
            return self.iconst(types::I32, pos);
        }
        self.memo_strfn(StrFn::EnumPos(t.clone()), v)
    }

    fn present(&mut self, x: &Expr) -> R<Value> {
        Ok(match self.expr(x)? {
            Val::Scalar {
                present: Some(p), ..
            } => p,
            _ => self.iconst(types::I8, 1),
        })
    }

    fn coalesce(&mut self, e: &Expr, x: &Expr, d: &Expr) -> R<Val> {
        let xv = self.expr(x)?;
        let Val::Scalar {
            present: Some(p),
            v,
        } = xv
        else {
            return Ok(xv);
        };
        let tys = self.flat_types(&e.ty, e.span)?;
        let merge = self.b.create_block();
        let params: Vec<Value> = tys
            .iter()
            .map(|&t| self.b.append_block_param(merge, t))
            .collect();
        let have = self.b.create_block();
        let missing = self.b.create_block();
        self.b.ins().brif(p, have, &[], missing, &[]);
        self.b.switch_to_block(have);
        let hv = self.coerce(
            Val::Scalar {
                present: Some(p),
                v,
            },
            &e.ty,
        );
        self.b.ins().jump(merge, &Self::flatten(hv));
        self.b.switch_to_block(missing);
        let dv = self.expr(d)?;
        let dv = self.coerce(dv, &e.ty);
        self.b.ins().jump(merge, &Self::flatten(dv));
        self.b.switch_to_block(merge);
        Self::unflatten(&e.ty, &params, None, e.span)
    }

    /// `now - t <= d and t <= now`, exactly, where `now - t` may not fit in an `i64`.
    fn within(&mut self, t: &Expr, d: &Expr) -> R<Value> {
        let tv = self.scalar(t)?;
        let dv = self.scalar(d)?;
        let now = self.slot(Slot::Now);
        let (age, overflow) = self.b.ins().ssub_overflow(now, tv);
        let fits = self.b.ins().icmp(IntCC::SignedLessThanOrEqual, age, dv);
        // On overflow the true age is beyond the i64 range: negative (so `<= d`) exactly when
        // `now < t`.
        let huge_negative = self.b.ins().icmp(IntCC::SignedLessThan, now, tv);
        let within = self.b.ins().select(overflow, huge_negative, fits);
        let not_future = self.b.ins().icmp(IntCC::SignedLessThanOrEqual, tv, now);
        Ok(self.b.ins().band(within, not_future))
    }

    fn if_then_else(&mut self, e: &Expr, c: &Expr, a: &Expr, b: &Expr) -> R<Val> {
        let cond = self.bool(c)?;
        let tys = self.flat_types(&e.ty, e.span)?;
        let merge = self.b.create_block();
        let params: Vec<Value> = tys
            .iter()
            .map(|&t| self.b.append_block_param(merge, t))
            .collect();
        let then_block = self.b.create_block();
        let else_block = self.b.create_block();
        self.b.ins().brif(cond, then_block, &[], else_block, &[]);
        let mut field = None;
        for (block, branch) in [(then_block, a), (else_block, b)] {
            self.b.switch_to_block(block);
            let v = self.expr(branch)?;
            let v = self.coerce(v, &e.ty);
            if let Val::Records { field: f, .. } = v {
                if field.is_some_and(|g| g != f) {
                    return Err(unsupported(
                        e.span,
                        "an `if` choosing between different event lists",
                    ));
                }
                field = Some(f);
            }
            self.b.ins().jump(merge, &Self::flatten(v));
        }
        self.b.switch_to_block(merge);
        Self::unflatten(&e.ty, &params, field, e.span)
    }

    fn call_fn(&mut self, e: &Expr, f: Func, args: &[Expr]) -> R<Value> {
        let arg = |i: usize| {
            args.get(i)
                .ok_or_else(|| JitError::internal(format!("{f:?} needs argument {}", i + 1)))
        };
        let span = e.span;
        Ok(match f {
            Func::Lower | Func::Upper | Func::Trim | Func::Domain | Func::LenStr => {
                let s = self.scalar(arg(0)?)?;
                let func = match f {
                    Func::Lower => StrFn::Lower,
                    Func::Upper => StrFn::Upper,
                    Func::Trim => StrFn::Trim,
                    Func::Domain => StrFn::Domain,
                    _ => StrFn::LenStr,
                };
                let r = self.memo_strfn(func, s);
                if f == Func::LenStr {
                    self.b.ins().uextend(types::I64, r)
                } else {
                    r
                }
            }
            Func::LenList => match self.expr(arg(0)?)? {
                Val::List { len, .. } | Val::Records { len, .. } => len,
                Val::Scalar { .. } => return Err(unsupported(span, "`len` of this value")),
            },
            Func::MinInt
            | Func::MaxInt
            | Func::MinTs
            | Func::MaxTs
            | Func::MinDur
            | Func::MaxDur => {
                let (x, y) = (self.scalar(arg(0)?)?, self.scalar(arg(1)?)?);
                if matches!(f, Func::MinInt | Func::MinTs | Func::MinDur) {
                    self.b.ins().smin(x, y)
                } else {
                    self.b.ins().smax(x, y)
                }
            }
            Func::MinNum | Func::MaxNum => {
                let (x, y) = (self.num(arg(0)?)?, self.num(arg(1)?)?);
                if f == Func::MinNum {
                    self.min_num(x, y)
                } else {
                    self.max_num(x, y)
                }
            }
            Func::AbsInt | Func::AbsDur => {
                let x = self.scalar(arg(0)?)?;
                let ms = f == Func::AbsDur;
                let what = if ms { "duration" } else { "integer" };
                let min = self.b.ins().icmp_imm_s(IntCC::Equal, x, i64::MIN);
                self.fail_if(min, span, ErrorForm::Abs { what, ms }, x, x);
                self.b.ins().iabs(x)
            }
            Func::AbsNum => {
                let x = self.num(arg(0)?)?;
                self.b.ins().fabs(x)
            }
            Func::Round => {
                let x = self.num(arg(0)?)?;
                self.call_value(
                    helpers::round as *const () as usize,
                    &[types::F64],
                    types::F64,
                    &[x],
                    "round",
                )?
            }
            Func::Floor => {
                let x = self.num(arg(0)?)?;
                self.b.ins().floor(x)
            }
            Func::Ceil => {
                let x = self.num(arg(0)?)?;
                self.b.ins().ceil(x)
            }
            Func::Days | Func::Hours | Func::Minutes => {
                let d = self.scalar(arg(0)?)?;
                let unit = match f {
                    Func::Days => MS_PER_DAY,
                    Func::Hours => MS_PER_HOUR,
                    _ => MS_PER_MIN,
                };
                // `math::duration_in`: `ms as f64 / unit as f64`.
                let x = self.b.ins().fcvt_from_sint(types::F64, d);
                let u = self.b.ins().f64const(unit as f64);
                self.b.ins().fdiv(x, u)
            }
        })
    }
}

pub(super) fn enum_type(ty: &Ty) -> Option<&std::sync::Arc<EnumType>> {
    match ty.base() {
        Ty::Enum(e) => Some(e),
        _ => None,
    }
}
