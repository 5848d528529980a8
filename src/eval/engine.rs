//! The [`Evaluator`]: a checked rule set made ready to evaluate, with the choice between the
//! JIT and the interpreter made once, for every command and embedder.
//!
//! ```text
//! RuleSet ──Evaluator::new(rules, Engine)──▶ Evaluator ──eval_batch(&Batch)──▶ Outcome (rows by id or name)
//!                                               │       ──eval_lead(&Lead)───▶ Scored (one lead)
//!                                               └─open(Input)──▶ Reader (strings stored as the engine reads them)
//! ```
//!
//! The engines give identical results (a property test checks it); they differ in speed and in
//! what they can compile. [`Engine::Auto`] compiles with the JIT and falls back to the
//! interpreter, with a [note](Evaluator::note), when the rules use something the JIT cannot
//! compile, or when compiling them would take long (over the JIT's [`Budget::DEFAULT`], checked
//! before compiling); [`Engine::Jit`] makes the first an error instead and compiles whatever it
//! takes. A batch the compiled kernel refuses (it
//! does not fit the schema: a bug) is evaluated by the interpreter and noted
//! ([`Evaluator::batch_note`]), never dropped.

use super::jit::{Budget, Jit, JitError};
use super::lead::{Explanation, Lead, Scored};
use super::outcome::Outcome;
use super::EvalError;
use crate::data::{Batch, ChunkSize, Input, InputError, Reader, StringSharing};
use crate::ir::{FieldSet, Program};
use crate::source::SourceMap;
use crate::RuleSet;
use std::fmt;
use std::sync::{Arc, Mutex};

/// Which evaluator runs the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Engine {
    /// The JIT, or the interpreter (with a note) when the JIT cannot compile the rules or they
    /// are over its [`Budget::DEFAULT`].
    #[default]
    Auto,
    /// The JIT, however long compiling takes; rules it cannot compile are an error.
    Jit,
    /// The reference interpreter.
    Interp,
}

/// The engine an [`Evaluator`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineKind {
    /// Machine code compiled with cranelift.
    Jit,
    /// The reference interpreter.
    Interp,
}

/// Why an [`Evaluator`] could not be made: [`Engine::Jit`] was asked for and the JIT cannot
/// compile the rules.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineError {
    message: String,
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EngineError {}

/// A rule set ready to evaluate. Share it between threads (`&Evaluator` is `Sync`); build it
/// once per rule set.
pub struct Evaluator {
    program: Arc<Program>,
    /// The rules' text, for messages and explanations that quote it.
    sources: SourceMap,
    jit: Option<Jit>,
    /// Why the interpreter runs although the JIT was wanted.
    note: Option<String>,
    /// The first batch the kernel refused, if any.
    batch_note: Mutex<Option<String>>,
    /// The fields the rules read ([`Program::fields_in_use`]), which every batch must have
    /// decoded (checked in debug builds).
    uses: FieldSet,
}

impl fmt::Debug for Evaluator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Evaluator")
            .field("engine", &self.engine())
            .field("note", &self.note)
            .finish()
    }
}

impl Evaluator {
    /// Prepares `rules` for evaluation with `engine` (compiling them, for the JIT).
    pub fn new(rules: &RuleSet, engine: Engine) -> Result<Evaluator, EngineError> {
        Evaluator::from_parts(rules.program.clone(), rules.sources.clone(), engine)
    }

    /// As [`Evaluator::new`], for a program built without the checker (generated IR, tests).
    #[doc(hidden)]
    pub fn from_program(program: Program, engine: Engine) -> Result<Evaluator, EngineError> {
        Evaluator::from_parts(program, SourceMap::new(), engine)
    }

    fn from_parts(
        program: Program,
        sources: SourceMap,
        engine: Engine,
    ) -> Result<Evaluator, EngineError> {
        // Every evaluator recurses on the expressions: refuse what could exhaust the stack
        // before the JIT's code generation or the interpreter meets it.
        if let Some(span) = crate::ir::depth::too_deep(&program) {
            let at = match sources.files().find(|(id, _)| *id == span.file) {
                Some((_, file)) => {
                    let (line, _) = file.line_col(span.start);
                    format!(" (`{}`, line {line})", file.name)
                }
                None => String::new(),
            };
            return Err(EngineError {
                message: format!(
                    "an expression{at} is more than {} levels deep, deeper than the rules can be evaluated",
                    crate::ir::depth::MAX_DEPTH
                ),
            });
        }
        let compiled = match engine {
            Engine::Interp => None,
            // Asked for by name: compiled however long it takes.
            Engine::Jit => Some(Jit::compile(&program)),
            Engine::Auto => Some(Jit::compile_within(&program, Budget::DEFAULT)),
        };
        let (jit, note) = match compiled {
            None => (None, None),
            Some(Ok(jit)) => (Some(jit), None),
            Some(Err(e)) => {
                let why = e.describe(&sources);
                if engine == Engine::Jit {
                    return Err(EngineError {
                        message: format!("`--engine jit` cannot compile these rules: {why}"),
                    });
                }
                let hint = if e.over_budget {
                    "; `--engine jit` compiles them anyway"
                } else {
                    ""
                };
                (
                    None,
                    Some(format!("evaluating with the interpreter: {why}{hint}")),
                )
            }
        };
        Ok(Evaluator {
            uses: program.fields_in_use(),
            program: Arc::new(program),
            sources,
            jit,
            note,
            batch_note: Mutex::new(None),
        })
    }

    /// The rules being evaluated.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// The rules' source text (for messages and explanations that quote it).
    pub fn sources(&self) -> &SourceMap {
        &self.sources
    }

    /// The engine that runs.
    pub fn engine(&self) -> EngineKind {
        match self.jit {
            Some(_) => EngineKind::Jit,
            None => EngineKind::Interp,
        }
    }

    /// Why the interpreter runs although [`Engine::Auto`] wanted the JIT, for the user to know.
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// The first batch the JIT could not evaluate (and the interpreter did), if any, for the
    /// user to know after a run.
    pub fn batch_note(&self) -> Option<String> {
        self.batch_note.lock().ok().and_then(|n| n.clone())
    }

    /// A reader of `input` by the rules' schema, storing strings the way the engine reads them
    /// (the JIT compares some fields' strings by id and needs them shared; the others are stored
    /// without a lookup).
    pub fn open(&self, input: Input) -> Result<Reader, InputError> {
        self.open_for(&[self], input)
    }

    /// A reader of `input` whose batches every one of `evaluators` can evaluate (they share
    /// this evaluator's schema): each field's strings stored shared if any of them needs it.
    pub fn open_for(&self, evaluators: &[&Evaluator], input: Input) -> Result<Reader, InputError> {
        let schema = &self.program.schema;
        let mut sharing: Option<Vec<StringSharing>> = None;
        for ev in evaluators {
            let Some(jit) = &ev.jit else {
                // The interpreter reads strings by text; shared ones cost only the lookup.
                return Reader::new(input, schema, ChunkSize::default());
            };
            let theirs = jit.string_sharing();
            sharing = Some(match sharing {
                None => theirs,
                Some(ours) => ours
                    .into_iter()
                    .zip(theirs)
                    .map(|(a, b)| most_shared(a, b))
                    .collect(),
            });
        }
        match sharing {
            Some(s) => Reader::sharing_strings_of(input, schema, ChunkSize::default(), &s),
            None => Reader::new(input, schema, ChunkSize::default()),
        }
    }

    /// Evaluates every row of `batch` (read by this program's schema) at `now` (epoch ms). With
    /// `explain`, also keeps why each score came out as it did ([`Outcome::why`]).
    pub fn eval_batch<'a>(&'a self, batch: &'a Batch, now: i64, explain: bool) -> Outcome<'a> {
        debug_assert!(
            self.uses.ids().all(|f| batch.decoded(f.0 as usize)),
            "a field the rules read was not decoded"
        );
        if let Some(jit) = &self.jit {
            match jit.eval_batch(batch, now, explain) {
                Ok(result) => return Outcome::jit(&self.program, batch, now, result),
                Err(e) => self.note_batch(&e),
            }
        }
        Outcome::interpret(&self.program, batch, now, explain)
    }

    fn note_batch(&self, e: &JitError) {
        if let Ok(mut note) = self.batch_note.lock() {
            note.get_or_insert_with(|| {
                format!(
                    "the JIT could not evaluate a batch ({}); it was evaluated with the interpreter",
                    e.message
                )
            });
        }
    }

    /// Evaluates one lead at `now` (epoch ms).
    pub fn eval_lead(&self, lead: &Lead, now: i64) -> Result<Scored, EvalError> {
        let outcome = self.eval_batch(lead.batch(), now, false);
        let values = outcome.lead_values(0)?;
        Ok(Scored::new(self.program.clone(), lead.fields(), values))
    }

    /// Evaluates one lead at `now` and explains every definition, score item, grade arm and the
    /// stage (`smql explain`).
    pub fn explain(&self, lead: &Lead, now: i64) -> Result<Explanation, EvalError> {
        let outcome = self.eval_batch(lead.batch(), now, true);
        outcome.explanation(0)
    }
}

/// What both of two readers of a field's strings need.
fn most_shared(a: StringSharing, b: StringSharing) -> StringSharing {
    use StringSharing::*;
    match (a, b) {
        (Shared, _) | (_, Shared) => Shared,
        (Adaptive, _) | (_, Adaptive) => Adaptive,
        (Unshared, Unshared) => Unshared,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: &str = r#"
schema {
  id: string key
  visits: int
  title: string?
}
MQL when visits >= 3
score fit {
  +10 when title is present and title contains "vp"
  +2 per visits up to 10
}
grade tier {
  "A" when fit >= 15
  else "B"
}
stages Lead -> MQL
"#;

    fn rules() -> RuleSet {
        match RuleSet::compile_str("rules.smql", RULES) {
            Ok(r) => r,
            Err(e) => panic!("{:?}", e.diagnostics),
        }
    }

    #[test]
    fn both_engines_score_a_lead_the_same_by_name() {
        let rules = rules();
        for engine in [Engine::Jit, Engine::Interp] {
            let ev = Evaluator::new(&rules, engine).unwrap();
            let lead =
                Lead::from_json(&ev, r#"{"id": "L-1", "visits": 4, "title": "VP Sales"}"#).unwrap();
            let s = ev.eval_lead(&lead, 0).unwrap();
            assert_eq!(s.score("fit"), Some(18.0), "{engine:?}");
            assert_eq!(s.definition("MQL"), Some(crate::value::Value::Bool(true)));
            assert_eq!(s.grade("tier"), Some("A"));
            assert_eq!(s.stage(), Some("MQL"));
            assert_eq!(s.score("nope"), None);
        }
    }

    #[test]
    fn rules_over_the_budget_run_on_the_interpreter_by_default_with_a_note() {
        use crate::ir::testkit::*;
        use crate::ir::{ArithOp, CmpOp, DefId, Node, Ty};
        // One definition of 8,000 overflow-checked terms `visits * k + k > 7`, `or`ed as a
        // balanced tree: one function, far over the budget.
        fn tree(lo: i64, hi: i64) -> crate::ir::Expr {
            if hi - lo == 1 {
                let x = arith(ArithOp::MulInt, field(0, Ty::Int), int(lo));
                let x = arith(ArithOp::AddInt, x, int(lo));
                return cmp(CmpOp::Gt, x, int(7));
            }
            let mid = lo + (hi - lo) / 2;
            or(tree(lo, mid), tree(mid, hi))
        }
        let mut p = program(&[("visits", Ty::Int)]);
        p.defs.push(def_node("wide", tree(0, 8_000)));
        p.order.push(Node::Def(DefId(0)));
        let ev = Evaluator::from_program(p, Engine::Auto).unwrap();
        assert_eq!(ev.engine(), EngineKind::Interp);
        let note = ev.note().unwrap_or_default();
        assert!(note.contains("too large to compile quickly"), "{note}");
        assert!(
            note.contains("`--engine jit` compiles them anyway"),
            "{note}"
        );
        let lead = Lead::from_json(&ev, r#"{"visits": 4}"#).unwrap();
        let outcome = ev.eval_batch(lead.batch(), 0, false);
        assert_eq!(outcome.def(DefId(0), 0), crate::value::Value::Bool(true));
    }

    #[test]
    fn ir_deeper_than_the_evaluators_can_recurse_is_refused_by_every_engine() {
        use crate::ir::testkit::*;
        use crate::ir::{DefId, Node, Ty};
        // Generated IR (the checker's never is this deep): `not not … true`, past the limit.
        let deep = || {
            let mut e = b(true);
            for _ in 0..crate::ir::depth::MAX_DEPTH + 10 {
                e = not(e);
            }
            e
        };
        for engine in [Engine::Auto, Engine::Jit, Engine::Interp] {
            let mut p = program(&[("visits", Ty::Int)]);
            p.defs.push(def_node("deep", deep()));
            p.order.push(Node::Def(DefId(0)));
            let err = match Evaluator::from_program(p, engine) {
                Ok(_) => panic!("{engine:?} accepted an expression deeper than the limit"),
                Err(e) => e.to_string(),
            };
            assert!(
                err.contains("more than 1024 levels deep, deeper than the rules can be evaluated"),
                "{engine:?}: {err}"
            );
        }
        // At the limit, both engines evaluate it, on this test's ordinary thread.
        let mut at = b(true);
        for _ in 1..crate::ir::depth::MAX_DEPTH {
            at = not(at);
        }
        for engine in [Engine::Jit, Engine::Interp] {
            let mut p = program(&[("visits", Ty::Int)]);
            p.defs.push(def_node("deep", at.clone()));
            p.order.push(Node::Def(DefId(0)));
            let ev = Evaluator::from_program(p, engine).unwrap();
            let lead = Lead::from_json(&ev, r#"{"visits": 4}"#).unwrap();
            let outcome = ev.eval_batch(lead.batch(), 0, false);
            // 1023 `not`s of `true`.
            assert_eq!(
                outcome.def(DefId(0), 0),
                crate::value::Value::Bool(false),
                "{engine:?}"
            );
        }
    }

    #[test]
    fn engine_choice_is_reported() {
        let rules = rules();
        let jit = Evaluator::new(&rules, Engine::Auto).unwrap();
        assert_eq!(jit.engine(), EngineKind::Jit);
        assert_eq!(jit.note(), None);
        let interp = Evaluator::new(&rules, Engine::Interp).unwrap();
        assert_eq!(interp.engine(), EngineKind::Interp);
    }
}
