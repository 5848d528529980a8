//! Lists and strings: membership and aggregate loops emitted inline, string predicates and
//! functions as per-batch memo tables indexed by string id (one helper call per distinct
//! string, then plain loads).

use super::codegen::{unsupported, Elem, Gen, Val, R};
use super::helpers;
use super::plan::{Child, ColPath, Kind, Pred, Slot, StrFn, PRED_UNKNOWN, STRFN_UNKNOWN};
use super::JitError;
use crate::eval::text;
use crate::ir::{AggOp, Expr, ExprKind, Quant, Ty};
use crate::value::Value as V;
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{types, Block, BlockArg, InstBuilder, Value};

/// The value of an expression that does not depend on the lead (literals, lists of literals,
/// definitions that are such lists), known when compiling.
pub(super) fn static_value(p: &crate::ir::Program, e: &Expr) -> Option<V> {
    match &e.kind {
        ExprKind::Const(v) => Some(v.clone()),
        ExprKind::ListLit(items) => items
            .iter()
            .map(|i| static_value(p, i))
            .collect::<Option<Vec<_>>>()
            .map(|vs| V::List(vs.into())),
        ExprKind::ToNumber(x) => match static_value(p, x)? {
            V::Int(i) => Some(V::Number(i as f64)),
            v @ V::Number(_) => Some(v),
            _ => None,
        },
        ExprKind::Def(id) => static_value(p, &p.defs.get(id.0 as usize)?.expr),
        _ => None,
    }
}

fn static_strs(p: &crate::ir::Program, e: &Expr) -> Option<Vec<String>> {
    match static_value(p, e)? {
        V::List(items) => items
            .iter()
            .map(|v| match v {
                V::Str(s) => Some(s.to_string()),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

fn static_str(p: &crate::ir::Program, e: &Expr) -> Option<String> {
    match static_value(p, e)? {
        V::Str(s) => Some(s.to_string()),
        _ => None,
    }
}

impl Gen<'_> {
    /// Predicate `pred` of string `id` (`I8`): a table load, or one helper call the first time
    /// a string is seen in this batch.
    pub fn memo_pred(&mut self, pred: Pred, id: Value) -> Value {
        let i = self.plan.pred(pred);
        let table = self.slot(Slot::PredTable(i));
        self.memo(table, id, 1, types::I8, i64::from(PRED_UNKNOWN), |g, id| {
            let (rt, i) = (g.rt, g.iconst(types::I32, i64::from(i)));
            g.call(
                helpers::pred as *const () as usize,
                &[types::I64, types::I32, types::I32],
                Some(types::I8),
                &[rt, i, id],
            )
        })
    }

    /// String function `f` of string `id` (`I32`), memoized like [`Gen::memo_pred`].
    pub fn memo_strfn(&mut self, f: StrFn, id: Value) -> Value {
        let i = self.plan.strfn(f);
        let table = self.slot(Slot::StrFnTable(i));
        self.memo(
            table,
            id,
            4,
            types::I32,
            i64::from(STRFN_UNKNOWN),
            |g, id| {
                let (rt, i) = (g.rt, g.iconst(types::I32, i64::from(i)));
                g.call(
                    helpers::strfn as *const () as usize,
                    &[types::I64, types::I32, types::I32],
                    Some(types::I32),
                    &[rt, i, id],
                )
            },
        )
    }

    fn memo(
        &mut self,
        table: Value,
        id: Value,
        size: i64,
        ty: types::Type,
        unknown: i64,
        slow: impl FnOnce(&mut Self, Value) -> Option<Value>,
    ) -> Value {
        let memo_len = self.slot(Slot::MemoLen);
        let id64 = self.b.ins().uextend(types::I64, id);
        let in_table = self.b.ins().icmp(IntCC::UnsignedLessThan, id64, memo_len);
        let fast = self.b.create_block();
        let slow_block = self.b.create_block();
        let done = self.b.create_block();
        let r = self.b.append_block_param(done, ty);
        self.b.set_cold_block(slow_block);
        self.b.ins().brif(in_table, fast, &[], slow_block, &[]);
        self.b.switch_to_block(fast);
        let a = self.addr(table, id64, size);
        let v = self.b.ins().load(ty, super::codegen::flags(), a, 0);
        let known = self.b.ins().icmp_imm_u(IntCC::NotEqual, v, unknown);
        self.b
            .ins()
            .brif(known, done, &[BlockArg::Value(v)], slow_block, &[]);
        self.b.switch_to_block(slow_block);
        let computed = match slow(self, id) {
            Some(c) => c,
            None => self.iconst(ty, 0),
        };
        self.b.ins().jump(done, &[BlockArg::Value(computed)]);
        self.b.switch_to_block(done);
        r
    }

    /// `x in list` / `x not in list`.
    pub fn membership(&mut self, x: &Expr, list: &Expr, negated: bool) -> R<Value> {
        let strs = (Kind::of(&x.ty) == Some(Kind::Str))
            .then(|| static_strs(self.p, list))
            .flatten();
        let has = match strs {
            Some(strs) => {
                let xv = self.text_subject(x)?;
                self.memo_pred(Pred::InStrs(strs), xv)
            }
            None => {
                let xv = self.scalar(x)?;
                let kind = Self::item_kind(list)?;
                let l = self.expr(list)?;
                self.list_has(l, kind, xv, list)?
            }
        };
        Ok(if negated {
            self.b.ins().bxor_imm_s(has, 1)
        } else {
            has
        })
    }

    /// A loop over `0 .. len`: `body(g, i, exit)` emits one iteration and either jumps to
    /// `exit` with a result or falls through (to the next iteration). Returns the `I8` result,
    /// `otherwise` when the loop ends.
    fn search(
        &mut self,
        len: Value,
        otherwise: i64,
        body: impl FnOnce(&mut Self, Value, Block) -> R<()>,
    ) -> R<Value> {
        let head = self.b.create_block();
        let i = self.b.append_block_param(head, types::I64);
        let step = self.b.create_block();
        let exit = self.b.create_block();
        let r = self.b.append_block_param(exit, types::I8);
        let zero = self.iconst(types::I64, 0);
        self.b.ins().jump(head, &[BlockArg::Value(zero)]);
        self.b.switch_to_block(head);
        let more = self.b.ins().icmp(IntCC::SignedLessThan, i, len);
        let end = self.iconst(types::I8, otherwise);
        self.b
            .ins()
            .brif(more, step, &[], exit, &[BlockArg::Value(end)]);
        self.b.switch_to_block(step);
        body(self, i, exit)?;
        let next = self.b.ins().iadd_imm_s(i, 1);
        self.b.ins().jump(head, &[BlockArg::Value(next)]);
        self.b.switch_to_block(exit);
        Ok(r)
    }

    /// Whether list `l` (elements of `kind`) holds a value equal to `x` (`I8`).
    fn list_has(&mut self, l: Val, kind: Kind, x: Value, e: &Expr) -> R<Value> {
        let Val::List { ptr, len } = l else {
            return Err(unsupported(e.span, "membership in a list of records"));
        };
        self.search(len, 0, |g, i, exit| {
            let item = g.load_at(kind, ptr, i);
            let eq = g.equal(kind, item, x);
            let one = g.iconst(types::I8, 1);
            let cont = g.b.create_block();
            g.b.ins().brif(eq, exit, &[BlockArg::Value(one)], cont, &[]);
            g.b.switch_to_block(cont);
            Ok(())
        })
    }

    /// `[a, b, …]`: a per-batch constant list, or per-row elements in a plan buffer.
    pub fn list_lit(&mut self, e: &Expr, items: &[Expr]) -> R<Val> {
        let kind = Self::item_kind(e)?;
        if let Some(V::List(values)) = static_value(self.p, e) {
            return Ok(self.const_list(kind, values.to_vec()));
        }
        let n = items.len();
        let buf = self.plan.list_buf(kind, n);
        let base = self.slot(Slot::ListBuf(buf));
        let row = self.row;
        let ptr = self.addr(base, row, kind.size() * n as i64);
        for (j, item) in items.iter().enumerate() {
            let v = match kind {
                Kind::F64 => self.num(item)?,
                _ => self.scalar(item)?,
            };
            let j = self.iconst(types::I64, j as i64);
            self.store_at(kind, ptr, j, v);
        }
        let len = self.iconst(types::I64, n as i64);
        Ok(Val::List { ptr, len })
    }

    /// `list contains x`, `contains any [..]`, `contains all [..]` (exact).
    pub fn list_contains(&mut self, list: &Expr, quant: Quant, arg: &Expr) -> R<Value> {
        let kind = Self::item_kind(list)?;
        let l = self.expr(list)?;
        if quant == Quant::One {
            let x = self.scalar(arg)?;
            return self.list_has(l, kind, x, list);
        }
        let Val::List { ptr, len } = self.expr(arg)? else {
            return Err(unsupported(arg.span, "this list"));
        };
        let any = quant == Quant::Any;
        self.search(len, i64::from(!any), |g, i, exit| {
            let a = g.load_at(kind, ptr, i);
            let has = g.list_has(l, kind, a, list)?;
            let decided = g.iconst(types::I8, i64::from(any));
            let cont = g.b.create_block();
            if any {
                g.b.ins()
                    .brif(has, exit, &[BlockArg::Value(decided)], cont, &[]);
            } else {
                g.b.ins()
                    .brif(has, cont, &[], exit, &[BlockArg::Value(decided)]);
            }
            g.b.switch_to_block(cont);
            Ok(())
        })
    }

    /// `s contains "x"`, `contains any [..]`, `contains all [..]` (case-insensitive).
    pub fn text_contains(&mut self, subject: &Expr, quant: Quant, arg: &Expr) -> R<Value> {
        let s = self.text_subject(subject)?;
        match quant {
            Quant::One => self.text_affix_with(s, arg, 0),
            Quant::Any | Quant::All => {
                if let Some(needles) = static_strs(self.p, arg) {
                    let folded = needles.iter().map(|n| text::fold(n)).collect();
                    let pred = if quant == Quant::Any {
                        Pred::ContainsAny(folded)
                    } else {
                        Pred::ContainsAll(folded)
                    };
                    return Ok(self.memo_pred(pred, s));
                }
                let Val::List { ptr, len } = self.expr(arg)? else {
                    return Err(unsupported(arg.span, "this list"));
                };
                let rt = self.rt;
                let all = self.iconst(types::I32, i64::from(quant == Quant::All));
                self.call_value(
                    helpers::text_list as *const () as usize,
                    &[types::I64, types::I32, types::I32, types::I64, types::I64],
                    types::I8,
                    &[rt, all, s, ptr, len],
                    "text_list",
                )
            }
        }
    }

    /// `s starts with p` (`kind` 1) / `s ends with p` (2).
    pub fn text_affix(&mut self, subject: &Expr, pattern: &Expr, kind: u32) -> R<Value> {
        let s = self.text_subject(subject)?;
        self.text_affix_with(s, pattern, kind)
    }

    /// Contains (0), starts with (1), ends with (2) of subject id `s` and needle `arg`.
    fn text_affix_with(&mut self, s: Value, arg: &Expr, kind: u32) -> R<Value> {
        if let Some(n) = static_str(self.p, arg) {
            let n = text::fold(&n);
            let pred = match kind {
                0 => Pred::Contains(n),
                1 => Pred::StartsWith(n),
                _ => Pred::EndsWith(n),
            };
            return Ok(self.memo_pred(pred, s));
        }
        let n = self.scalar(arg)?;
        let rt = self.rt;
        let k = self.iconst(types::I32, i64::from(kind));
        self.call_value(
            helpers::text1 as *const () as usize,
            &[types::I64, types::I32, types::I32, types::I32],
            types::I8,
            &[rt, k, s, n],
            "text1",
        )
    }

    /// The `at` time of a list element: field `at_field` of a record (with its presence), or
    /// the element itself in a list of timestamps.
    fn element_time(&mut self, elem: Elem, at_field: u32, e: &Expr) -> R<(Value, Value)> {
        match elem {
            Elem::Scalar(v) => Ok((self.iconst(types::I8, 1), v)),
            Elem::Record { field, index } => {
                let optional = self.record_field_optional(field, at_field);
                let path = ColPath {
                    field,
                    child: Child::Field(at_field),
                };
                match self.load_column(path, Kind::I64, index, optional) {
                    Val::Scalar { present, v } => {
                        let p = present.unwrap_or_else(|| self.b.ins().iconst(types::I8, 1));
                        Ok((p, v))
                    }
                    _ => Err(unsupported(e.span, "this element time")),
                }
            }
        }
    }

    fn record_field_optional(&self, field: u32, index: u32) -> bool {
        match self
            .p
            .schema
            .fields
            .get(field as usize)
            .map(|f| f.ty.base())
        {
            Some(Ty::Records(rt)) => rt
                .fields
                .get(index as usize)
                .is_some_and(|f| f.ty.is_optional()),
            _ => false,
        }
    }

    /// `count`, `any`, `all`, `earliest`, `latest`, `decayed_count` over a list, `where`
    /// evaluated per element in order (`any`/`all` stop at the first deciding element).
    pub fn aggregate(
        &mut self,
        e: &Expr,
        op: AggOp,
        list: &Expr,
        cond: Option<&Expr>,
        half_life_ms: Option<i64>,
    ) -> R<Val> {
        let l = self.expr(list)?;
        let len = match l {
            Val::List { len, .. } | Val::Records { len, .. } => len,
            Val::Scalar { .. } => return Err(unsupported(e.span, "an aggregate over this value")),
        };
        let item_kind = match l {
            Val::List { .. } => Some(Self::item_kind(list)?),
            _ => None,
        };
        // Accumulators, by operation.
        let acc_types: Vec<types::Type> = match op {
            AggOp::Any | AggOp::All => vec![],
            AggOp::Count => vec![types::I64],
            AggOp::Earliest { .. } | AggOp::Latest { .. } => vec![types::I8, types::I64],
            AggOp::DecayedCount { .. } => vec![types::F64],
        };
        let result_types: Vec<types::Type> = match op {
            AggOp::Any | AggOp::All => vec![types::I8],
            _ => acc_types.clone(),
        };
        let head = self.b.create_block();
        let i = self.b.append_block_param(head, types::I64);
        let accs: Vec<Value> = acc_types
            .iter()
            .map(|&t| self.b.append_block_param(head, t))
            .collect();
        let step = self.b.create_block();
        let exit = self.b.create_block();
        let results: Vec<Value> = result_types
            .iter()
            .map(|&t| self.b.append_block_param(exit, t))
            .collect();
        let mut init = vec![self.iconst(types::I64, 0)];
        for &t in &acc_types {
            init.push(if t == types::F64 {
                self.b.ins().f64const(0.0)
            } else {
                self.iconst(t, 0)
            });
        }
        let init: Vec<BlockArg> = init.into_iter().map(BlockArg::Value).collect();
        self.b.ins().jump(head, &init);

        self.b.switch_to_block(head);
        let more = self.b.ins().icmp(IntCC::SignedLessThan, i, len);
        let finished: Vec<BlockArg> = match op {
            AggOp::Any => vec![BlockArg::Value(self.iconst(types::I8, 0))],
            AggOp::All => vec![BlockArg::Value(self.iconst(types::I8, 1))],
            _ => accs.iter().copied().map(BlockArg::Value).collect(),
        };
        self.b.ins().brif(more, step, &[], exit, &finished);

        self.b.switch_to_block(step);
        let elem = match (l, item_kind) {
            (Val::List { ptr, .. }, Some(kind)) => Elem::Scalar(self.load_at(kind, ptr, i)),
            (Val::Records { field, start, .. }, _) => Elem::Record {
                field,
                index: self.b.ins().iadd(start, i),
            },
            _ => return Err(JitError::internal("an aggregate over a scalar")),
        };
        let matched = match cond {
            None => self.iconst(types::I8, 1),
            Some(c) => {
                self.elems.push(elem);
                let r = self.bool(c);
                self.elems.pop();
                r?
            }
        };
        let latch = self.b.create_block();
        let latch_accs: Vec<Value> = acc_types
            .iter()
            .map(|&t| self.b.append_block_param(latch, t))
            .collect();
        match op {
            AggOp::Any | AggOp::All => {
                let any = matches!(op, AggOp::Any);
                let decided = self.iconst(types::I8, i64::from(any));
                if any {
                    self.b
                        .ins()
                        .brif(matched, exit, &[BlockArg::Value(decided)], latch, &[]);
                } else {
                    self.b
                        .ins()
                        .brif(matched, latch, &[], exit, &[BlockArg::Value(decided)]);
                }
            }
            AggOp::Count => {
                let one = self.b.ins().uextend(types::I64, matched);
                let n = self.b.ins().iadd(accs[0], one);
                self.b.ins().jump(latch, &[BlockArg::Value(n)]);
            }
            AggOp::Earliest { at_field } | AggOp::Latest { at_field } => {
                let (present, t) = self.element_time(elem, at_field, e)?;
                let update = self.b.ins().band(matched, present);
                let (has, best) = (accs[0], accs[1]);
                let better = if matches!(op, AggOp::Earliest { .. }) {
                    self.b.ins().smin(best, t)
                } else {
                    self.b.ins().smax(best, t)
                };
                let candidate = self.b.ins().select(has, better, t);
                let best = self.b.ins().select(update, candidate, best);
                let has = self.b.ins().bor(has, update);
                self.b
                    .ins()
                    .jump(latch, &[BlockArg::Value(has), BlockArg::Value(best)]);
            }
            AggOp::DecayedCount { at_field } => {
                let half_life = half_life_ms
                    .ok_or_else(|| JitError::internal("decayed_count without a half-life"))?;
                let (present, t) = self.element_time(elem, at_field, e)?;
                let update = self.b.ins().band(matched, present);
                let add = self.b.create_block();
                self.b
                    .ins()
                    .brif(update, add, &[], latch, &[BlockArg::Value(accs[0])]);
                self.b.switch_to_block(add);
                let now = self.slot(Slot::Now);
                let hl = self.iconst(types::I64, half_life);
                let w = self.call_value(
                    helpers::half_life as *const () as usize,
                    &[types::I64, types::I64, types::I64],
                    types::F64,
                    &[now, t, hl],
                    "half_life",
                )?;
                let sum = self.b.ins().fadd(accs[0], w);
                self.b.ins().jump(latch, &[BlockArg::Value(sum)]);
            }
        }
        self.b.switch_to_block(latch);
        let next = self.b.ins().iadd_imm_s(i, 1);
        let mut args = vec![BlockArg::Value(next)];
        args.extend(latch_accs.iter().copied().map(BlockArg::Value));
        self.b.ins().jump(head, &args);

        self.b.switch_to_block(exit);
        Ok(match op {
            AggOp::Earliest { .. } | AggOp::Latest { .. } => Val::Scalar {
                present: Some(results[0]),
                v: results[1],
            },
            _ => Val::scalar(results[0]),
        })
    }
}
