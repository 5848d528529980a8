//! What each declaration uses and what uses it, read from the typed IR: the references to
//! fields, definitions, scores, grades and `stage` in its expressions.

use std::collections::{BTreeSet, HashMap};

use crate::ir::{DefId, Expr, ExprKind, FieldId, GradeId, Program, ScoreId};

/// A declaration with an entry in the glossary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Target {
    /// The `stages` (and `detours`) declaration; what uses `stage` uses it.
    Path,
    /// Step `i` of the path, then of the detours (`Stages::path` then `Stages::detours`). A
    /// definition that is a stage has its entry here, not among the definitions.
    Stage(usize),
    Field(FieldId),
    Def(DefId),
    Score(ScoreId),
    Grade(GradeId),
    /// Index into `Program::slas`.
    Sla(usize),
}

/// Direct references both ways (not their transitive closure: each entry links on).
#[derive(Debug, Default)]
pub(crate) struct Refs {
    stage_of: HashMap<DefId, usize>,
    uses: HashMap<Target, BTreeSet<Target>>,
    used_by: HashMap<Target, BTreeSet<Target>>,
}

impl Refs {
    pub(crate) fn new(program: &Program) -> Refs {
        let mut refs = Refs::default();
        if let Some(stages) = &program.stages {
            let steps = stages.path.iter().chain(&stages.detours);
            for (i, step) in steps.enumerate() {
                if let Some(def) = step.def {
                    refs.stage_of.entry(def).or_insert(i);
                    // `stage` is computed from the stages' definitions.
                    refs.link(Target::Path, Target::Stage(i));
                }
                refs.add(Target::Stage(i), step.at.as_ref());
            }
        }
        for (i, d) in program.defs.iter().enumerate() {
            let user = refs.def(DefId(i as u32));
            refs.add(user, [&d.expr]);
        }
        for (i, s) in program.scores.iter().enumerate() {
            refs.add(Target::Score(ScoreId(i as u32)), s.exprs());
        }
        for (i, g) in program.grades.iter().enumerate() {
            refs.add(
                Target::Grade(GradeId(i as u32)),
                g.arms.iter().map(|a| &a.cond),
            );
        }
        for (i, s) in program.slas.iter().enumerate() {
            refs.add(Target::Sla(i), s.kind.exprs());
        }
        refs
    }

    /// The entry of a definition: its stage when it is one.
    pub(crate) fn def(&self, id: DefId) -> Target {
        self.stage_of
            .get(&id)
            .map_or(Target::Def(id), |&i| Target::Stage(i))
    }

    /// What `t` refers to, directly.
    pub(crate) fn uses(&self, t: Target) -> impl Iterator<Item = Target> + '_ {
        self.uses.get(&t).into_iter().flatten().copied()
    }

    /// What refers to `t`, directly.
    pub(crate) fn used_by(&self, t: Target) -> impl Iterator<Item = Target> + '_ {
        self.used_by.get(&t).into_iter().flatten().copied()
    }

    /// The target an expression is, when it is nothing but a name (`SQL`, `sql_at`).
    pub(crate) fn bare(&self, e: &Expr) -> Option<Target> {
        match e.kind {
            ExprKind::Field(id) => Some(Target::Field(id)),
            ExprKind::Def(id) => Some(self.def(id)),
            ExprKind::Score(id) => Some(Target::Score(id)),
            ExprKind::Grade(id) => Some(Target::Grade(id)),
            ExprKind::Stage => Some(Target::Path),
            _ => None,
        }
    }

    fn add<'e>(&mut self, user: Target, exprs: impl IntoIterator<Item = &'e Expr>) {
        // An explicit stack: a chain of thousands of `and`s is as deep as it is long.
        let mut stack: Vec<&Expr> = exprs.into_iter().collect();
        let mut found = BTreeSet::new();
        while let Some(e) = stack.pop() {
            if let Some(t) = self.bare(e) {
                found.insert(t);
            }
            e.push_children(&mut stack);
        }
        for t in found {
            self.link(user, t);
        }
    }

    fn link(&mut self, user: Target, used: Target) {
        self.uses.entry(user).or_default().insert(used);
        self.used_by.entry(used).or_default().insert(user);
    }
}
