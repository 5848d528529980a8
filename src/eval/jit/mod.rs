//! The cranelift JIT: a rule set compiled to native kernels over columnar batches.
//!
//! ```text
//! Jit::compile(&Program) ──▶ one JITModule, one kernel (functions of bounded size), freed on drop
//! jit.eval_batch(&Batch, now, explain) ──▶ BatchResult: output columns + per-row errors
//! ```
//!
//! # Use
//!
//! ```no_run
//! # fn demo(program: &smql::ir::Program, batch: &smql::data::Batch) -> Result<(), smql::eval::jit::JitError> {
//! use smql::eval::jit::Jit;
//! let jit = Jit::compile(program)?; // once per rule set; `Jit` is `Send + Sync`
//! let now = 1_790_000_000_000; // epoch ms
//! let result = jit.eval_batch(batch, now, false)?; // per batch, on any thread
//! for row in 0..result.len() {
//!     if let Some(err) = result.error(row) {
//!         eprintln!("row {row}: {err}");
//!         continue;
//!     }
//!     let _score = result.score(smql::ir::ScoreId(0), row);
//! }
//! # Ok(()) }
//! ```
//!
//! # The kernel
//!
//! `kernel(env: *const u64, rt: *mut Runtime, start: u64, end: u64)`, a sequence of functions
//! of that signature run one after the other: for each row of the range they evaluate every
//! definition, score, grade and the stage in `program.order` and store each into its output
//! column ([`codegen`] has the shape of one function, [`chunks`] how the program is cut into
//! functions of bounded size, which keeps compile time and memory linear in the rule set).
//! `env` is a table of pointers built per batch ([`plan::Slot`]): column values, presence bytes
//! and list offsets of the batch, memo tables, literal string ids, constant lists and output
//! columns.
//!
//! * **Scalars** are registers: `i64` (int, timestamp, duration), `f64`, `i8` bools, `u32`
//!   string ids. An optional carries an `i8` presence next to its value.
//! * **Strings** are ids into the batch's dictionary, extended per batch by the strings made
//!   while evaluating ([`runtime::Strings`]): one id per distinct string, so `==` is an integer
//!   compare. Literals are interned once per batch. String predicates (`contains`,
//!   `starts with`, `ends with`, `matches`, `in [literals]`, `contains any`) and functions
//!   (`lower`, `upper`, `trim`, `domain`, `len`, enum positions) are memo tables indexed by
//!   id, filled by a helper the first time a string is seen: a predicate runs once per distinct
//!   string, never per row. The tables also cover the first strings made in the batch (a
//!   domain, a label), so tests of those are loads too. `a + b` interns the concatenation,
//!   memoized per pair of ids behind a small direct-mapped cache the kernel reads inline.
//! * **Lists** are `(pointer, length)` into the batch's child column, a per-batch constant
//!   list, or a per-row buffer for list literals with computed elements; membership,
//!   `contains`, `count`/`any`/`all`/`earliest`/`latest`/`decayed_count` are inline loops.
//!   Event lists are `(start, length)` rows of the record field columns.
//! * **Errors** (integer, duration and timestamp overflow) branch to a cold block that records
//!   the interpreter's message for the row and moves on to the next row. Short-circuits match
//!   the interpreter's (`and`, `or`, `if`, `??`, `any`, `all`), so errors arise for exactly the
//!   same rows.
//! * **Explanations**: every score item also stores what decided it (the condition, or the
//!   per-value) and every decay its `since`; [`BatchResult::why`] rebuilds the interpreter's
//!   trace from them and renders it with the same [`crate::eval::why_items`]. These stores
//!   are in a second kernel, `smql_kernel_explain`, compiled and run only when an explanation
//!   is asked for; `smql_kernel` is the same code without them.
//!
//! Inline: comparisons, arithmetic with overflow checks, boolean logic, `min`/`max` with the
//! NaN rule of [`crate::eval::math`], `floor`/`ceil`/`abs`, `within`, table lookups, loops.
//! Helpers (`extern "C"`, total, in [`helpers`]): `decay`, `decayed_count` weights, `round`,
//! `duration * number` (the same `math` functions as the interpreter), string work on first
//! sight of a string, string ordering, text search with a per-row needle, error reporting.
//!
//! What cannot be compiled (an `if` choosing between two different event lists, a record used
//! as a value) makes [`Jit::compile`] fail with a [`JitError`] naming the construct and its
//! span; `smql eval` then falls back to the interpreter and says so. So does a rule set over
//! the [`Budget`] of [`Jit::compile_within`] (one rule so big that compiling it would take
//! long), before any time is spent compiling.

mod chunks;
mod codegen;
mod expr;
mod helpers;
mod lists;
mod nodes;
mod plan;
mod result;
mod runtime;
mod validate;

pub use result::BatchResult;

use crate::data::{Batch, StringSharing};
use crate::ir::Program;
use crate::source::{SourceMap, Span};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{default_libcall_names, FuncId};
use plan::Plan;
use runtime::{Buffers, Runtime, Strings};
use std::ffi::c_void;
use std::fmt;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Why a rule set could not be compiled, or a batch not evaluated.
#[derive(Debug, Clone, PartialEq)]
pub struct JitError {
    /// Lowercase, no trailing period.
    pub message: String,
    /// The construct that could not be compiled.
    pub span: Option<Span>,
    /// The rules can be compiled, but are over the [`Budget`] they were compiled within.
    pub over_budget: bool,
}

impl JitError {
    fn new(message: impl Into<String>) -> JitError {
        JitError {
            message: message.into(),
            span: None,
            over_budget: false,
        }
    }

    /// An inconsistency in the IR (a bug), reported instead of panicking.
    pub(crate) fn internal(message: impl fmt::Display) -> JitError {
        JitError::new(format!("internal: {message}"))
    }

    /// The message with `file:line:col` of the span, when there is one.
    pub fn describe(&self, sources: &SourceMap) -> String {
        match self.span {
            Some(span) if (span.file.0 as usize) < sources.files().count() => {
                let file = sources.file(span.file);
                let (line, col) = file.line_col(span.start);
                format!(
                    "{} (`{}` at {}:{line}:{col})",
                    self.message,
                    sources.slice(span),
                    file.name
                )
            }
            _ => self.message.clone(),
        }
    }
}

impl fmt::Display for JitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for JitError {}

/// Limits on the code [`Jit::compile_within`] makes, checked after generating it and before
/// cranelift compiles any of it. A kernel is cut into functions of a few thousand instructions
/// ([`chunks`]), which compile in time linear in their number; but a function holds at least
/// one whole definition, score item or grade arm, and compiling one function costs more than
/// linear time in its instructions (every value pending across a long stretch of code is one
/// more live range to allocate around all of it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Instructions of any one function.
    pub function_insts: Option<usize>,
}

impl Budget {
    /// What [`crate::Engine::Auto`] compiles. Measured with `benches/jit_scale.rs --wide`
    /// (one definition of thousands of terms): a function of 100,000 instructions compiles in
    /// about 0.5 s and 90 MB, one of 450,000 in about 3 s and 360 MB. The whole kernel is not
    /// limited: 4,000 definitions make about 340,000 instructions in 86 functions, compiled in
    /// 0.7 s and 40 MB, and the JIT then makes up for its compile time within a few hundred
    /// leads.
    pub const DEFAULT: Budget = Budget {
        function_insts: Some(100_000),
    };

    /// No limit: compile whatever it takes.
    pub const UNLIMITED: Budget = Budget {
        function_insts: None,
    };
}

/// `kernel(env, runtime, start, end)`.
type Kernel = unsafe extern "C" fn(*const u64, *mut c_void, u64, u64);

/// A compiled rule set. Share it between threads: kernels are pure functions of their inputs,
/// and every call gets its own per-batch state.
pub struct Jit {
    /// `Some` until dropped (freeing needs ownership); locked to add the kernel with
    /// explanations.
    module: Mutex<Option<JITModule>>,
    /// Functions run one after the other over the batch ([`chunks`]).
    kernel: Vec<Kernel>,
    /// The same code plus the stores of the explanation columns, compiled the first time an
    /// explanation is asked for (most runs never ask).
    explaining: OnceLock<Result<Explaining, JitError>>,
    /// The plan of `kernel`; the kernel with explanations has its own slots, and the rest
    /// (buffers, columns, error sites) the same.
    plan: Plan,
    /// Where `kernel` was cut: the kernel with explanations is cut at the same steps.
    cuts: Vec<usize>,
    program: Program,
    compile_time: Duration,
    /// Cranelift instructions of `kernel` (a measure of its size).
    insts: usize,
    /// Buffers of finished batches, reused by the next ones (no page faults, no zeroing).
    pool: Mutex<Vec<Buffers>>,
}

/// The kernel with the explanation columns and its slots.
struct Explaining {
    kernel: Vec<Kernel>,
    slots: Vec<plan::Slot>,
}

/// Buffers kept for reuse: enough for the batches in flight on a few threads.
const POOLED: usize = 4;

// SAFETY: finalized code is immutable executable memory: adding the kernel with explanations
// (under the module's lock) allocates new pages and leaves those of `kernel` alone, and the
// module is freed only in `drop` (which has `&mut self`). The functions only read their
// arguments and write the buffers of the call that invoked them, so calling them from several
// threads at once is fine.
unsafe impl Send for Jit {}
// SAFETY: see `Send`: `&Jit` gives access to the immutable plan, program and code, and to the
// module only under its lock.
unsafe impl Sync for Jit {}

impl Drop for Jit {
    fn drop(&mut self) {
        let module = match self.module.get_mut() {
            Ok(module) => module.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        if let Some(module) = module {
            // SAFETY: the function pointers die with `self`; no `BatchResult` outlives the
            // `Jit` (it borrows it), so no code of this module can run after this.
            unsafe { module.free_memory() };
        }
    }
}

impl fmt::Debug for Jit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Jit")
            .field("slots", &self.plan.slots.len())
            .field("functions", &self.kernel.len())
            .field("insts", &self.insts)
            .field("compile_time", &self.compile_time)
            .finish()
    }
}

impl Jit {
    /// Compiles every definition, score, grade and the stage of `program` into kernels,
    /// however long that takes.
    pub fn compile(program: &Program) -> Result<Jit, JitError> {
        Jit::compile_within(program, Budget::UNLIMITED)
    }

    /// As [`Jit::compile`], but fails (before compiling) when the code would exceed `budget`.
    pub fn compile_within(program: &Program, budget: Budget) -> Result<Jit, JitError> {
        Jit::compile_cut(program, budget, cut_insts())
    }

    /// As [`Jit::compile_within`], cutting the kernels into functions of about `cut`
    /// instructions.
    fn compile_cut(program: &Program, budget: Budget, cut: usize) -> Result<Jit, JitError> {
        let started = Instant::now();
        let mut module = new_module()?;
        let cuts = chunks::Cuts::Size(cut);
        let built = chunks::build(&mut module, program, "smql_kernel", false, cuts, budget)
            .and_then(|built| {
                module.finalize_definitions().map_err(module_error)?;
                Ok(built)
            });
        let built = match built {
            Ok(built) => built,
            Err(e) => {
                // SAFETY: nothing of this module was handed out.
                unsafe { module.free_memory() };
                return Err(e);
            }
        };
        Ok(Jit {
            kernel: functions(&module, &built.funcs),
            module: Mutex::new(Some(module)),
            explaining: OnceLock::new(),
            plan: built.plan,
            cuts: built.cuts,
            program: program.clone(),
            compile_time: started.elapsed(),
            insts: built.insts,
            pool: Mutex::new(Vec::new()),
        })
    }

    /// The kernel with explanations, compiled on first use.
    fn explaining(&self) -> Result<&Explaining, JitError> {
        self.explaining
            .get_or_init(|| self.compile_explaining())
            .as_ref()
            .map_err(Clone::clone)
    }

    fn compile_explaining(&self) -> Result<Explaining, JitError> {
        let mut module = self
            .module
            .lock()
            .map_err(|_| JitError::internal("the JIT module's lock is poisoned"))?;
        let module = module
            .as_mut()
            .ok_or_else(|| JitError::internal("the JIT module is gone"))?;
        let cuts = chunks::Cuts::At(&self.cuts);
        let name = "smql_kernel_explain";
        let built = chunks::build(module, &self.program, name, true, cuts, Budget::UNLIMITED)?;
        module.finalize_definitions().map_err(module_error)?;
        if built.cuts != self.cuts || !self.plan.same_buffers(&built.plan) {
            return Err(JitError::internal(
                "the kernels with and without explanations need different buffers",
            ));
        }
        Ok(Explaining {
            kernel: functions(module, &built.funcs),
            slots: built.plan.slots,
        })
    }

    /// The number of functions of the kernel (a measure of its size).
    pub fn functions(&self) -> usize {
        self.kernel.len()
    }

    /// The cranelift instructions of the kernel (a measure of its size).
    pub fn instructions(&self) -> usize {
        self.insts
    }

    /// The program this was compiled from.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// How long [`Jit::compile`] took.
    pub fn compile_time(&self) -> Duration {
        self.compile_time
    }

    /// Per schema field, how the reader may store its strings: shared if the kernels use their
    /// ids as more than a key to memoized text predicates, adaptive if only that, unshared if
    /// the kernels do not read the field's columns at all
    /// (`crate::data::Reader::sharing_strings_of`).
    pub fn string_sharing(&self) -> Vec<StringSharing> {
        let mut read = vec![false; self.program.schema.fields.len()];
        for slot in &self.plan.slots {
            if let plan::Slot::Values(c) | plan::Slot::Present(c) | plan::Slot::Offsets(c) = slot {
                if let Some(r) = read.get_mut(c.field as usize) {
                    *r = true;
                }
            }
        }
        read.iter()
            .enumerate()
            .map(|(field, &read)| {
                if !read {
                    StringSharing::Unshared
                } else if self.plan.compared_strings.contains(&(field as u32)) {
                    StringSharing::Shared
                } else {
                    StringSharing::Adaptive
                }
            })
            .collect()
    }

    /// Evaluates every row of `batch` at instant `now` (epoch ms). With `explain`, also keeps
    /// what [`BatchResult::why`] needs. Fails only when the batch does not fit the schema.
    pub fn eval_batch<'a>(
        &'a self,
        batch: &'a Batch,
        now: i64,
        explain: bool,
    ) -> Result<BatchResult<'a>, JitError> {
        let (kernel, slots) = if explain {
            let explaining = self.explaining()?;
            (&explaining.kernel, &explaining.slots)
        } else {
            (&self.kernel, &self.plan.slots)
        };
        validate::batch_fits(batch, &self.program.schema, slots)
            .map_err(|e| JitError::new(format!("the batch does not fit the schema: {e}")))?;
        let rows = batch.len();
        let mut strings = Strings::new(&batch.dict);
        let mut buffers = self
            .pool
            .lock()
            .ok()
            .and_then(|mut pool| pool.pop())
            .unwrap_or_else(Buffers::empty);
        buffers.prepare(&self.plan, &mut strings, rows, explain);
        let env = buffers
            .env(&self.plan, slots, batch, now, explain)
            .map_err(|e| JitError::internal(format!("cannot set up the kernel: {e}")))?;
        let mut rt = Runtime::new(&self.plan, strings, &env);
        let rt_ptr: *mut Runtime = &mut rt;
        for function in kernel {
            // SAFETY: `env.slots` holds, slot by slot, what the plan promised the kernel's
            // functions: pointers into `batch` (checked to fit the schema above, so every row,
            // offset and item index they derive is in bounds) and into `buffers` (sized for
            // `rows` rows, memo tables with `plan::memo_len(dictionary length)` entries, the
            // bound the kernel checks ids against). `rt` is alive and not otherwise borrowed
            // during the call. The functions never unwind (helpers are total).
            unsafe { function(env.slots.as_ptr(), rt_ptr.cast(), 0, rows as u64) };
        }
        let (strings, mut errors) = rt.into_parts();
        errors.sort_by_key(|(row, _)| *row);
        Ok(BatchResult::new(
            self, batch, strings, buffers, errors, now, explain,
        ))
    }

    fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Takes back the buffers of a finished batch.
    fn recycle(&self, buffers: Buffers) {
        if let Ok(mut pool) = self.pool.lock() {
            if pool.len() < POOLED {
                pool.push(buffers);
            }
        }
    }
}

/// A module for the native machine.
fn new_module() -> Result<JITModule, JitError> {
    let setting = |e: settings::SetError| JitError::internal(format!("cranelift setting: {e}"));
    let mut flags = settings::builder();
    flags.set("opt_level", "speed").map_err(setting)?;
    let verify = if cfg!(debug_assertions) {
        "true"
    } else {
        "false"
    };
    flags.set("enable_verifier", verify).map_err(setting)?;
    flags
        .set("use_colocated_libcalls", "false")
        .map_err(setting)?;
    flags.set("is_pic", "false").map_err(setting)?;
    let isa = cranelift_native::builder()
        .map_err(|m| JitError::new(format!("the JIT does not support this machine: {m}")))?
        .finish(settings::Flags::new(flags))
        .map_err(|e| JitError::new(format!("the JIT does not support this machine: {e}")))?;
    Ok(JITModule::new(JITBuilder::with_isa(
        isa,
        default_libcall_names(),
    )))
}

fn module_error(e: cranelift_module::ModuleError) -> JitError {
    JitError::internal(format!("{e:?}"))
}

/// The finalized functions `ids` of `module`.
fn functions(module: &JITModule, ids: &[FuncId]) -> Vec<Kernel> {
    ids.iter()
        .map(|&id| {
            let code = module.get_finalized_function(id);
            // SAFETY: `code` is a finalized function of a kernel, generated with exactly this
            // signature (four pointer-sized integer parameters, no result, the platform's C
            // calling convention).
            unsafe { std::mem::transmute::<*const u8, Kernel>(code) }
        })
        .collect()
}

/// How many instructions a function of a kernel holds before the next step goes to a new one:
/// [`chunks::CUT_INSTS`], or `SMQL_JIT_CUT_INSTS` (for tests: `1` cuts after every step; the
/// results are the same).
fn cut_insts() -> usize {
    std::env::var("SMQL_JIT_CUT_INSTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(chunks::CUT_INSTS)
}
