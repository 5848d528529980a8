//! One function of a kernel: a loop over a row range that evaluates some steps of the program
//! (definitions, score items, grade arms, the stage: [`super::chunks`]) for each row, writing
//! output columns.
//!
//! ```text
//! function(env: *const u64, rt: *mut Runtime, start: u64, end: u64)
//!   for row in start..end:
//!     skip the row if an earlier function of the kernel failed it
//!     for each step: evaluate, store to its output column(s)
//!     on an evaluation error: call `helpers::error(rt, site, row, a, b)`, go to the next row
//! ```
//!
//! Values live in SSA registers within a function: the body of a row is straight-line apart
//! from diamonds that merge back (short-circuits, `if`, loops over lists), and an error leaves
//! the row for good, so every node's value dominates the steps after it. Values of earlier
//! functions are loaded from their columns where they are used.

use super::chunks::Kept;
use super::helpers;
use super::plan::{ColPath, ErrorForm, Kind, Plan, Slot};
use super::JitError;
use crate::ir::{Program, Ty};
use crate::source::Span;
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{
    types, AbiParam, Block, BlockArg, InstBuilder, MemFlagsData, SigRef, Signature, Type, Value,
};
use cranelift_codegen::isa::{CallConv, TargetFrontendConfig};
use cranelift_frontend::FunctionBuilder;
use std::collections::HashMap;

/// A compiled expression's value.
#[derive(Debug, Clone, Copy)]
pub(super) enum Val {
    /// A scalar ([`Kind`] by its type); `present` (`I8`) only for an optional expression.
    Scalar { present: Option<Value>, v: Value },
    /// A list of scalars: pointer to contiguous elements and their count (both `I64`).
    List { ptr: Value, len: Value },
    /// Rows `start .. start + len` of the child columns of the `list of {…}` field `field`.
    Records {
        field: u32,
        start: Value,
        len: Value,
    },
}

impl Val {
    pub fn scalar(v: Value) -> Val {
        Val::Scalar { present: None, v }
    }
}

/// The element of an enclosing `where`.
#[derive(Debug, Clone, Copy)]
pub(super) enum Elem {
    Scalar(Value),
    Record { field: u32, index: Value },
}

pub(super) type R<T> = Result<T, JitError>;

pub(super) fn unsupported(span: Span, what: &str) -> JitError {
    JitError {
        message: format!("the JIT cannot compile {what}"),
        span: Some(span),
        over_budget: false,
    }
}

pub(super) struct Gen<'a> {
    pub p: &'a Program,
    pub b: FunctionBuilder<'a>,
    pub plan: &'a mut Plan,
    /// What earlier functions of the kernel computed, and where.
    pub kept: &'a mut Kept,
    pub call_conv: CallConv,
    pub env: Value,
    pub rt: Value,
    pub row: Value,
    /// Where an error (or the end of a row) goes: the loop latch.
    pub next_row: Block,
    header: Block,
    exit: Block,
    /// Values computed in this function (the others are loaded from their columns).
    pub defs: Vec<Option<Val>>,
    pub scores: Vec<Option<Value>>,
    /// The label's string id.
    pub grades: Vec<Option<Value>>,
    pub stage: Option<Val>,
    /// The running total of the open score, and the sum of its open group.
    pub total: Option<Value>,
    pub group: Option<Value>,
    /// The open grade's merge block and its parameters (position, label id).
    pub arms: Option<(Block, Value, Value)>,
    pub elems: Vec<Elem>,
    /// Whether this kernel stores the explanation columns (the kernel without them skips the
    /// stores and the values only they need).
    pub explain: bool,
    /// Set while loading the subject of a use that reads only the string's text (see
    /// [`Gen::text_subject`]).
    pub text_only: bool,
    sigs: HashMap<(Vec<Type>, Option<Type>), SigRef>,
}

pub(super) fn flags() -> MemFlagsData {
    MemFlagsData::trusted()
}

impl<'a> Gen<'a> {
    /// Starts one function of a kernel in `b` (whose function has the kernel signature): the
    /// row loop, positioned in the body of a row. A row that failed in an earlier function of
    /// the kernel is skipped (only once an error site exists: otherwise none can have failed).
    pub fn begin(
        p: &'a Program,
        mut b: FunctionBuilder<'a>,
        plan: &'a mut Plan,
        kept: &'a mut Kept,
        call_conv: CallConv,
        explain: bool,
        first: bool,
    ) -> R<Gen<'a>> {
        let entry = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.switch_to_block(entry);
        let params = b.block_params(entry).to_vec();
        let [env, rt, start, end] = params[..] else {
            return Err(JitError::internal(
                "the kernel signature has four parameters",
            ));
        };
        let header = b.create_block();
        let row = b.append_block_param(header, types::I64);
        let body = b.create_block();
        let next_row = b.create_block();
        let exit = b.create_block();
        b.ins().jump(header, &[BlockArg::Value(start)]);

        b.switch_to_block(header);
        let done = b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, row, end);
        b.ins().brif(done, exit, &[], body, &[]);

        b.switch_to_block(body);
        let mut g = Gen {
            p,
            b,
            plan,
            kept,
            call_conv,
            env,
            rt,
            row,
            next_row,
            header,
            exit,
            defs: vec![None; p.defs.len()],
            scores: vec![None; p.scores.len()],
            grades: vec![None; p.grades.len()],
            stage: None,
            total: None,
            group: None,
            arms: None,
            elems: Vec::new(),
            explain,
            text_only: false,
            sigs: HashMap::new(),
        };
        if !first && !g.plan.sites.is_empty() {
            let failed = g.slot(Slot::Failed);
            let failed = g.load_at(Kind::Bool, failed, row);
            let go_on = g.b.create_block();
            g.b.ins().brif(failed, next_row, &[], go_on, &[]);
            g.b.switch_to_block(go_on);
        }
        Ok(g)
    }

    /// Ends the function: the row loop's latch and exit.
    pub fn end(mut self, config: TargetFrontendConfig) {
        let (row, header, next_row, exit) = (self.row, self.header, self.next_row, self.exit);
        self.b.ins().jump(next_row, &[]);
        self.b.switch_to_block(next_row);
        let next = self.b.ins().iadd_imm_s(row, 1);
        self.b.ins().jump(header, &[BlockArg::Value(next)]);
        self.b.switch_to_block(exit);
        self.b.ins().return_(&[]);
        self.b.seal_all_blocks();
        self.b.finalize(config);
    }

    /// The instructions of the function so far.
    pub fn insts(&self) -> usize {
        self.b.func.dfg.num_insts()
    }

    // -----------------------------------------------------------------------------------------
    // Loads, stores, calls

    /// Slot `slot` of the environment (`I64`).
    pub fn slot(&mut self, slot: Slot) -> Value {
        let i = self.plan.slot(slot);
        self.b.ins().load(
            types::I64,
            flags().with_readonly(),
            self.env,
            (i * 8) as i32,
        )
    }

    /// `base + index * size` for `I64` `base` and `index`.
    pub fn addr(&mut self, base: Value, index: Value, size: i64) -> Value {
        let off = if size == 1 {
            index
        } else {
            self.b.ins().imul_imm_s(index, size)
        };
        self.b.ins().iadd(base, off)
    }

    /// Element `index` of kind `kind` at `base`.
    pub fn load_at(&mut self, kind: Kind, base: Value, index: Value) -> Value {
        let a = self.addr(base, index, kind.size());
        self.b.ins().load(kind.clif(), flags(), a, 0)
    }

    pub fn store_at(&mut self, kind: Kind, base: Value, index: Value, v: Value) {
        let a = self.addr(base, index, kind.size());
        self.b.ins().store(flags(), v, a, 0);
    }

    /// Stores `v` to output column `col` at the current row.
    pub fn store_out(&mut self, col: u32, kind: Kind, v: Value) {
        let base = self.slot(Slot::Output(col));
        let row = self.row;
        self.store_at(kind, base, row, v);
    }

    /// A scalar of column `path` at item `index` (`I64`), with its presence when `optional`.
    pub fn load_column(&mut self, path: ColPath, kind: Kind, index: Value, optional: bool) -> Val {
        let base = self.slot(Slot::Values(path));
        let v = self.load_at(kind, base, index);
        let present = optional.then(|| {
            let p = self.slot(Slot::Present(path));
            self.load_at(Kind::Bool, p, index)
        });
        Val::Scalar { present, v }
    }

    /// Items `offsets[index] .. offsets[index + 1]` of list column `path`: `(start, len)`.
    pub fn list_range(&mut self, path: ColPath, index: Value) -> (Value, Value) {
        let offsets = self.slot(Slot::Offsets(path));
        let a = self.addr(offsets, index, 4);
        let start = self.b.ins().load(types::I32, flags(), a, 0);
        let end = self.b.ins().load(types::I32, flags(), a, 4);
        let start = self.b.ins().uextend(types::I64, start);
        let end = self.b.ins().uextend(types::I64, end);
        let len = self.b.ins().isub(end, start);
        (start, len)
    }

    /// Calls the Rust function at `addr` with the C calling convention.
    pub fn call(
        &mut self,
        addr: usize,
        params: &[Type],
        ret: Option<Type>,
        args: &[Value],
    ) -> Option<Value> {
        let key = (params.to_vec(), ret);
        let sig = match self.sigs.get(&key) {
            Some(&s) => s,
            None => {
                let mut sig = Signature::new(self.call_conv);
                sig.params.extend(params.iter().map(|&t| AbiParam::new(t)));
                sig.returns.extend(ret.map(AbiParam::new));
                let s = self.b.import_signature(sig);
                self.sigs.insert(key, s);
                s
            }
        };
        let callee = self.b.ins().iconst(types::I64, addr as i64);
        let call = self.b.ins().call_indirect(sig, callee, args);
        self.b.inst_results(call).first().copied()
    }

    /// A call to helper `name` (at `addr`) that returns a value of type `ret`.
    pub fn call_value(
        &mut self,
        addr: usize,
        params: &[Type],
        ret: Type,
        args: &[Value],
        name: &str,
    ) -> R<Value> {
        self.call(addr, params, Some(ret), args)
            .ok_or_else(|| JitError::internal(format!("{name} returns a value")))
    }

    pub fn iconst(&mut self, ty: Type, v: i64) -> Value {
        self.b.ins().iconst(ty, v)
    }

    /// Branches to an error when `failed` (non-zero): the error names site `site` with
    /// operands `a`, `b` (`I64`); the row is abandoned (and flagged by the helper, so that the
    /// later functions of the kernel skip it). Continues in a fresh block otherwise.
    pub fn fail_if(&mut self, failed: Value, span: Span, form: ErrorForm, a: Value, b: Value) {
        let site = self.plan.site(span, form);
        let err = self.b.create_block();
        let ok = self.b.create_block();
        self.b.set_cold_block(err);
        self.b.ins().brif(failed, err, &[], ok, &[]);
        self.b.switch_to_block(err);
        let site = self.iconst(types::I32, i64::from(site));
        let (rt, row) = (self.rt, self.row);
        self.call(
            helpers::error as *const () as usize,
            &[types::I64, types::I32, types::I64, types::I64, types::I64],
            None,
            &[rt, site, row, a, b],
        );
        self.b.ins().jump(self.next_row, &[]);
        self.b.switch_to_block(ok);
    }

    /// The id of literal string `s` in this batch (`I32`).
    pub fn literal(&mut self, s: &str) -> Value {
        let i = self.plan.literal(s);
        let v = self.slot(Slot::Literal(i));
        self.b.ins().ireduce(types::I32, v)
    }

    /// `v` shaped for type `to`: adds `present = 1` for an optional target, drops the
    /// presence for a plain one (the checker proved the value present).
    pub fn coerce(&mut self, v: Val, to: &Ty) -> Val {
        match v {
            Val::Scalar { present, v } => {
                let present = if to.is_optional() {
                    Some(present.unwrap_or_else(|| self.b.ins().iconst(types::I8, 1)))
                } else {
                    None
                };
                Val::Scalar { present, v }
            }
            other => other,
        }
    }

    /// The cranelift types a value of type `ty` is passed as between blocks.
    pub fn flat_types(&self, ty: &Ty, span: Span) -> R<Vec<Type>> {
        match ty.base() {
            Ty::List(_) | Ty::Records(_) => Ok(vec![types::I64, types::I64]),
            base => {
                let kind =
                    Kind::of(base).ok_or_else(|| unsupported(span, "a value of this type"))?;
                Ok(if ty.is_optional() {
                    vec![types::I8, kind.clif()]
                } else {
                    vec![kind.clif()]
                })
            }
        }
    }

    pub fn flatten(v: Val) -> Vec<BlockArg> {
        match v {
            Val::Scalar { present, v } => present
                .into_iter()
                .chain([v])
                .map(BlockArg::Value)
                .collect(),
            Val::List { ptr, len } => vec![BlockArg::Value(ptr), BlockArg::Value(len)],
            Val::Records { start, len, .. } => vec![BlockArg::Value(start), BlockArg::Value(len)],
        }
    }

    /// The value of type `ty` passed as the parameters `params` (see [`Gen::flat_types`]);
    /// `field` for records.
    pub fn unflatten(ty: &Ty, params: &[Value], field: Option<u32>, span: Span) -> R<Val> {
        Ok(match (ty.base(), params) {
            (Ty::List(_), [ptr, len]) => Val::List {
                ptr: *ptr,
                len: *len,
            },
            (Ty::Records(_), [start, len]) => Val::Records {
                field: field.ok_or_else(|| unsupported(span, "this list of records"))?,
                start: *start,
                len: *len,
            },
            (_, [present, v]) if ty.is_optional() => Val::Scalar {
                present: Some(*present),
                v: *v,
            },
            (_, [v]) => Val::scalar(*v),
            _ => return Err(JitError::internal("block parameters do not fit their type")),
        })
    }
}
