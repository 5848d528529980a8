//! A kernel as a sequence of functions of bounded size, so that compiling it costs time and
//! memory linear in the rule set.
//!
//! ```text
//! program.order ──steps()──▶ Def d0 · Def d1 · ScoreStart s0 · Item · Item · … · ScoreEnd s0 · GradeStart g0 · Arm · … · Stage
//!                             └──────── function 0 ────────┘ └───────── function 1 ─────────┘ …
//! function k (env, rt, start, end): for each row: skip it if it failed in an earlier function; its steps
//! ```
//!
//! Why: one function for the whole rule set keeps definitions live from where they are computed
//! to the scores far below that use them, across thousands of blocks, and cranelift's register
//! allocator works around every live range in every block it spans: time and memory grew with
//! the square of the rule set (issue 15; of 1,000 generated definitions compiled as one
//! function, register allocation took 94% of the time, by `cranelift_codegen::timing`).
//! Functions of a bounded number of instructions bound that product.
//!
//! Each function loops over the rows itself and the caller runs them one after the other over
//! the batch. What one function computes and a later one uses goes through memory: definitions,
//! scores, grades and the stage are in their output columns already (grades' label ids and the
//! stage's id in hidden ones), and a score or grade cut in the middle stores its running state
//! (the total and the open group's sum; the label chosen so far, if any) in hidden columns that
//! the next function loads. A row abandoned at an error is flagged by the error helper and
//! skipped by every later function, so each row evaluates exactly the nodes it would in one
//! function, in the same order: same results, same errors.
//!
//! The cuts of the kernel without explanations are chosen by size; the kernel with
//! explanations is cut at the same steps, so that both use the same buffers.

use super::codegen::{Gen, Val, R};
use super::plan::{DefOut, Kind, OutKind, Plan};
use super::{Budget, JitError};
use crate::ir::{Node, Program, ScoreEntry};
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{
    types, AbiParam, BlockArg, Function, InstBuilder, UserFuncName, Value,
};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::JITModule;
use cranelift_module::{FuncId, Linkage, Module};

/// One unit of code generation; functions are cut only between steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Step {
    Def(usize),
    ScoreStart(usize),
    /// Item `item` of entry `entry` of score `score` (`item` is 0 for an entry that is an
    /// item).
    Item {
        score: usize,
        entry: usize,
        item: usize,
    },
    GroupStart(usize),
    GroupEnd {
        score: usize,
        entry: usize,
    },
    ScoreEnd(usize),
    GradeStart(usize),
    Arm {
        grade: usize,
        arm: usize,
    },
    GradeEnd(usize),
    Stage,
}

/// Every step of `p`, in `p.order`.
pub(super) fn steps(p: &Program) -> Vec<Step> {
    let mut steps = Vec::new();
    for node in &p.order {
        match *node {
            Node::Def(id) => steps.push(Step::Def(id.0 as usize)),
            Node::Score(id) => {
                let score = id.0 as usize;
                steps.push(Step::ScoreStart(score));
                let entries = p.scores.get(score).map_or(&[][..], |s| &s.entries);
                for (entry, e) in entries.iter().enumerate() {
                    match e {
                        ScoreEntry::Item(_) => steps.push(Step::Item {
                            score,
                            entry,
                            item: 0,
                        }),
                        ScoreEntry::Group { items, .. } => {
                            steps.push(Step::GroupStart(score));
                            steps.extend((0..items.len()).map(|item| Step::Item {
                                score,
                                entry,
                                item,
                            }));
                            steps.push(Step::GroupEnd { score, entry });
                        }
                    }
                }
                steps.push(Step::ScoreEnd(score));
            }
            Node::Grade(id) => {
                let grade = id.0 as usize;
                steps.push(Step::GradeStart(grade));
                let arms = p.grades.get(grade).map_or(0, |g| g.arms.len());
                steps.extend((0..arms).map(|arm| Step::Arm { grade, arm }));
                steps.push(Step::GradeEnd(grade));
            }
            Node::Stage => steps.push(Step::Stage),
        }
    }
    steps
}

/// The score or grade a cut falls in, whose running state goes through hidden columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Open {
    Nothing,
    Score { score: usize, in_group: bool },
    Grade(usize),
}

/// What the functions of one kernel share besides the plan: where values computed by one
/// function are found by the later ones.
#[derive(Debug)]
pub(super) struct Kept {
    pub open: Open,
    /// By score: the hidden `F64` columns of its running total and its open group's sum.
    pub score_carry: Vec<(Option<u32>, Option<u32>)>,
    /// By grade: the hidden `U32` columns of the position and the id of the label chosen so
    /// far ([`UNDECIDED`] when no arm held yet).
    pub grade_carry: Vec<Option<(u32, u32)>>,
    /// By score: whether it was computed (its column is `plan.scores`).
    pub scores_done: Vec<bool>,
    /// By grade: the hidden `U32` column of its label's string id, once computed.
    pub grade_ids: Vec<Option<u32>>,
    /// The hidden columns of the stage's string id (`U32`) and presence (`U8`), once computed.
    pub stage: Option<(u32, u32)>,
}

/// The position carried for a grade none of whose arms held yet (positions are small).
pub(super) const UNDECIDED: i64 = u32::MAX as i64;

impl Kept {
    fn new(p: &Program) -> Kept {
        Kept {
            open: Open::Nothing,
            score_carry: vec![(None, None); p.scores.len()],
            grade_carry: vec![None; p.grades.len()],
            scores_done: vec![false; p.scores.len()],
            grade_ids: vec![None; p.grades.len()],
            stage: None,
        }
    }
}

/// How big one function may grow before the next step goes to a new one, in cranelift
/// instructions: big enough that calls and per-function work are noise, small enough that
/// compiling it stays cheap.
pub(super) const CUT_INSTS: usize = 4_000;

/// Where to cut a kernel.
#[derive(Debug, Clone, Copy)]
pub(super) enum Cuts<'c> {
    /// After the step that makes the function reach this many instructions.
    Size(usize),
    /// Before these steps (the cuts of a kernel already built).
    At(&'c [usize]),
}

/// A kernel: its functions in the order to run them, its plan, and where it was cut (step
/// indices that start a function, the first excepted).
pub(super) struct Built {
    pub funcs: Vec<FuncId>,
    pub plan: Plan,
    pub cuts: Vec<usize>,
    pub insts: usize,
}

/// Generates the functions of the kernel `name` of `p`, checks them against `budget`, then
/// defines (compiles) them.
pub(super) fn build(
    module: &mut JITModule,
    p: &Program,
    name: &str,
    explain: bool,
    cuts: Cuts<'_>,
    budget: Budget,
) -> R<Built> {
    let call_conv = module.isa().default_call_conv();
    let config = module.target_config();
    let mut sig = module.make_signature();
    sig.params
        .extend(std::iter::repeat_n(AbiParam::new(types::I64), 4));
    let steps = steps(p);
    let mut plan = Plan::for_program(p);
    let mut kept = Kept::new(p);
    let mut fctx = FunctionBuilderContext::new();
    let mut functions = Vec::new();
    let mut made_cuts = Vec::new();
    let mut total = 0;
    let mut at = 0;
    while at < steps.len() {
        let mut func = Function::with_name_signature(UserFuncName::default(), sig.clone());
        // The step that made the most instructions, to name in an error.
        let mut biggest: Option<(Step, usize)> = None;
        let b = FunctionBuilder::new(&mut func, &mut fctx);
        let mut g = Gen::begin(p, b, &mut plan, &mut kept, call_conv, explain, at == 0)?;
        g.resume()?;
        let mut i = at;
        while i < steps.len() {
            let cut_here = match cuts {
                Cuts::Size(n) => i > at && g.insts() >= n,
                Cuts::At(list) => i > at && list.binary_search(&i).is_ok(),
            };
            if cut_here {
                break;
            }
            let before = g.insts();
            g.step(steps[i])?;
            let size = g.insts() - before;
            if biggest.is_none_or(|(_, most)| size > most) {
                biggest = Some((steps[i], size));
            }
            i += 1;
        }
        g.suspend()?;
        g.end(config);
        let insts = func.dfg.num_insts();
        total += insts;
        if let Some(max) = budget.function_insts.filter(|&max| insts > max) {
            return Err(too_large(p, biggest.map(|(s, _)| s), insts, max));
        }
        functions.push(func);
        if at > 0 {
            made_cuts.push(at);
        }
        at = i;
    }
    let module_err = |e: cranelift_module::ModuleError| JitError::internal(format!("{e:?}"));
    let mut ctx = module.make_context();
    let mut funcs = Vec::with_capacity(functions.len());
    for (k, func) in functions.into_iter().enumerate() {
        let id = module
            .declare_function(&format!("{name}_{k}"), Linkage::Local, &sig)
            .map_err(module_err)?;
        ctx.func = func;
        module.define_function(id, &mut ctx).map_err(module_err)?;
        module.clear_context(&mut ctx);
        funcs.push(id);
    }
    Ok(Built {
        funcs,
        plan,
        cuts: made_cuts,
        insts: total,
    })
}

/// The error of a function over the budget, naming the rule of its biggest step.
fn too_large(p: &Program, step: Option<Step>, insts: usize, max: usize) -> JitError {
    let span = step.and_then(|s| match s {
        Step::Def(i) => p.defs.get(i).map(|d| d.span),
        Step::Item { score, entry, item } => match p.scores.get(score)?.entries.get(entry)? {
            ScoreEntry::Item(it) => Some(it.span),
            ScoreEntry::Group { items, .. } => items.get(item).map(|it| it.span),
        },
        Step::ScoreStart(i)
        | Step::ScoreEnd(i)
        | Step::GroupStart(i)
        | Step::GroupEnd { score: i, .. } => p.scores.get(i).map(|s| s.span),
        Step::Arm { grade, arm } => p.grades.get(grade)?.arms.get(arm).map(|a| a.span),
        Step::GradeStart(i) | Step::GradeEnd(i) => p.grades.get(i).map(|g| g.span),
        Step::Stage => p.stages.as_ref().map(|s| s.span),
    });
    JitError {
        message: format!(
            "a rule is too large to compile quickly ({insts} instructions, the budget is {max})"
        ),
        span,
        over_budget: true,
    }
}

impl Gen<'_> {
    /// At the start of a function: the state of the score or grade the cut fell in, from its
    /// hidden columns.
    pub fn resume(&mut self) -> R<()> {
        match self.kept.open {
            Open::Nothing => {}
            Open::Score { score, in_group } => {
                let (total, group) = self
                    .kept
                    .score_carry
                    .get(score)
                    .copied()
                    .unwrap_or_default();
                let total =
                    total.ok_or_else(|| JitError::internal("a cut score without its total"))?;
                self.total = Some(self.load_out(total, Kind::F64));
                if in_group {
                    let group =
                        group.ok_or_else(|| JitError::internal("a cut group without its sum"))?;
                    self.group = Some(self.load_out(group, Kind::F64));
                }
            }
            Open::Grade(grade) => {
                let (pos_col, id_col) = self
                    .kept
                    .grade_carry
                    .get(grade)
                    .copied()
                    .flatten()
                    .ok_or_else(|| JitError::internal("a cut grade without its label"))?;
                let pos = self.load_out(pos_col, Kind::Str);
                let id = self.load_out(id_col, Kind::Str);
                self.grade_start();
                let (merge, ..) = self
                    .arms
                    .ok_or_else(|| JitError::internal("a grade without its merge block"))?;
                let undecided = self.b.ins().icmp_imm_s(IntCC::Equal, pos, UNDECIDED);
                let arms = self.b.create_block();
                self.b.ins().brif(
                    undecided,
                    arms,
                    &[],
                    merge,
                    &[BlockArg::Value(pos), BlockArg::Value(id)],
                );
                self.b.switch_to_block(arms);
            }
        }
        Ok(())
    }

    /// At the end of a function: the state of the open score or grade, to its hidden columns.
    pub fn suspend(&mut self) -> R<()> {
        match self.kept.open {
            Open::Nothing => {}
            Open::Score { score, in_group } => {
                let total = self
                    .total
                    .take()
                    .ok_or_else(|| JitError::internal("an open score without its total"))?;
                let col = self.carry_col(score, false);
                self.store_out(col, Kind::F64, total);
                if in_group {
                    let group = self
                        .group
                        .take()
                        .ok_or_else(|| JitError::internal("an open group without its sum"))?;
                    let col = self.carry_col(score, true);
                    self.store_out(col, Kind::F64, group);
                }
            }
            Open::Grade(grade) => {
                let (merge, pos, id) = self
                    .arms
                    .take()
                    .ok_or_else(|| JitError::internal("an open grade without its arms"))?;
                // No arm of this function held: still undecided.
                let undecided = self.iconst(types::I32, UNDECIDED);
                let none = self.iconst(types::I32, 0);
                self.b
                    .ins()
                    .jump(merge, &[BlockArg::Value(undecided), BlockArg::Value(none)]);
                self.b.switch_to_block(merge);
                let (pos_col, id_col) = match self.kept.grade_carry.get(grade).copied().flatten() {
                    Some(cols) => cols,
                    None => {
                        let cols = (
                            self.plan.output(OutKind::U32, false),
                            self.plan.output(OutKind::U32, false),
                        );
                        if let Some(slot) = self.kept.grade_carry.get_mut(grade) {
                            *slot = Some(cols);
                        }
                        cols
                    }
                };
                self.store_out(pos_col, Kind::Str, pos);
                self.store_out(id_col, Kind::Str, id);
            }
        }
        Ok(())
    }

    /// The hidden column of score `score`'s running total (or its group's sum).
    fn carry_col(&mut self, score: usize, group: bool) -> u32 {
        let (total, sum) = self
            .kept
            .score_carry
            .get(score)
            .copied()
            .unwrap_or_default();
        let known = if group { sum } else { total };
        if let Some(col) = known {
            return col;
        }
        let col = self.plan.output(OutKind::F64, false);
        if let Some((total, sum)) = self.kept.score_carry.get_mut(score) {
            *(if group { sum } else { total }) = Some(col);
        }
        col
    }

    /// Output column `col` (elements of `kind`) at the current row.
    fn load_out(&mut self, col: u32, kind: Kind) -> Value {
        let base = self.slot(super::plan::Slot::Output(col));
        let row = self.row;
        self.load_at(kind, base, row)
    }

    /// The value of definition `i`: computed in this function, or loaded from its columns.
    pub fn def_value(&mut self, i: usize) -> R<Val> {
        if let Some(v) = self.defs.get(i).copied().flatten() {
            return Ok(v);
        }
        let out = self.plan.defs.get(i).cloned().flatten();
        Ok(match out {
            Some(DefOut::Scalar {
                kind,
                value,
                present,
            }) => {
                let v = self.load_out(value, kind);
                let present = present.map(|col| self.load_out(col, Kind::Bool));
                Val::Scalar { present, v }
            }
            Some(DefOut::List { ptr, len, .. }) => Val::List {
                ptr: self.load_out(ptr, Kind::I64),
                len: self.load_out(len, Kind::I64),
            },
            Some(DefOut::Records { field, start, len }) => Val::Records {
                field,
                start: self.load_out(start, Kind::I64),
                len: self.load_out(len, Kind::I64),
            },
            None => {
                return Err(JitError::internal(
                    "a definition used before it is computed",
                ))
            }
        })
    }

    /// The total of score `i` (`F64`).
    pub fn score_value(&mut self, i: usize) -> R<Value> {
        if let Some(v) = self.scores.get(i).copied().flatten() {
            return Ok(v);
        }
        match (self.kept.scores_done.get(i), self.plan.scores.get(i)) {
            (Some(true), Some(&col)) => Ok(self.load_out(col, Kind::F64)),
            _ => Err(JitError::internal("a score used before it is computed")),
        }
    }

    /// The string id of grade `i`'s label (`I32`).
    pub fn grade_value(&mut self, i: usize) -> R<Value> {
        if let Some(v) = self.grades.get(i).copied().flatten() {
            return Ok(v);
        }
        match self.kept.grade_ids.get(i).copied().flatten() {
            Some(col) => Ok(self.load_out(col, Kind::Str)),
            None => Err(JitError::internal("a grade used before it is computed")),
        }
    }

    /// The stage: its string id, present when the lead reached one.
    pub fn stage_value(&mut self) -> R<Val> {
        if let Some(v) = self.stage {
            return Ok(v);
        }
        match self.kept.stage {
            Some((id, present)) => Ok(Val::Scalar {
                present: Some(self.load_out(present, Kind::Bool)),
                v: self.load_out(id, Kind::Str),
            }),
            None => Err(JitError::internal("the stage used before it is computed")),
        }
    }
}

#[cfg(test)]
#[path = "chunks_tests.rs"]
mod tests;
