//! What each declaration uses and what uses it, read from the typed IR: the references to
//! fields, definitions, scores, grades and `stage` in its expressions.

use std::collections::{BTreeSet, HashMap};

use crate::ir::{
    DefId, Expr, ExprKind, FieldId, GradeId, Program, Rule, ScoreEntry, ScoreId, SlaKind,
};

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
            }
        }
        for (i, d) in program.defs.iter().enumerate() {
            let user = refs.def(DefId(i as u32));
            refs.add(user, [&d.expr]);
        }
        for (i, s) in program.scores.iter().enumerate() {
            let mut exprs = Vec::new();
            for entry in &s.entries {
                let items = match entry {
                    ScoreEntry::Item(item) => std::slice::from_ref(item),
                    ScoreEntry::Group { items, .. } => items.as_slice(),
                };
                for item in items {
                    match &item.rule {
                        Rule::When(c) => exprs.push(c),
                        Rule::Per { x, .. } => exprs.push(x),
                        // A base score reads nothing.
                        Rule::Always => {}
                    }
                }
            }
            exprs.extend(s.decay.as_ref().map(|d| &d.since));
            refs.add(Target::Score(ScoreId(i as u32)), exprs);
        }
        for (i, g) in program.grades.iter().enumerate() {
            refs.add(
                Target::Grade(GradeId(i as u32)),
                g.arms.iter().map(|a| &a.cond),
            );
        }
        for (i, s) in program.slas.iter().enumerate() {
            let exprs: Vec<&Expr> = match &s.kind {
                SlaKind::Deadline {
                    population,
                    from,
                    until,
                    ..
                } => vec![population, from, until],
                SlaKind::Condition {
                    population,
                    require,
                    ..
                } => vec![population, require],
                SlaKind::Volume { population, by, .. } => vec![population, by],
            };
            refs.add(Target::Sla(i), exprs);
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
            children(e, &mut stack);
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

/// Pushes the sub-expressions of `e`. Inside `where`, the element (`it`, its fields) is not a
/// name of the lead, so only the lead's names are references.
fn children<'e>(e: &'e Expr, stack: &mut Vec<&'e Expr>) {
    match &e.kind {
        ExprKind::Const(_)
        | ExprKind::Field(_)
        | ExprKind::Def(_)
        | ExprKind::Score(_)
        | ExprKind::Grade(_)
        | ExprKind::Stage
        | ExprKind::Elem { .. }
        | ExprKind::ElemField { .. }
        | ExprKind::Now => {}
        ExprKind::ToNumber(x)
        | ExprKind::Neg(x)
        | ExprKind::Not(x)
        | ExprKind::IsPresent(x)
        | ExprKind::IsMissing(x)
        | ExprKind::Matches(x, _) => stack.push(x),
        ExprKind::And(a, b)
        | ExprKind::Or(a, b)
        | ExprKind::Arith(_, a, b)
        | ExprKind::Cmp(_, a, b)
        | ExprKind::StartsWith(a, b)
        | ExprKind::EndsWith(a, b)
        | ExprKind::Coalesce(a, b)
        | ExprKind::Within(a, b)
        | ExprKind::In { x: a, list: b, .. }
        | ExprKind::ListContains {
            list: a, arg: b, ..
        }
        | ExprKind::TextContains {
            subject: a, arg: b, ..
        } => {
            stack.push(a);
            stack.push(b);
        }
        ExprKind::If(c, a, b) => stack.extend([&**c, &**a, &**b]),
        ExprKind::ListLit(items) | ExprKind::Call(_, items) => stack.extend(items),
        ExprKind::Agg { list, cond, .. } => {
            stack.push(list);
            stack.extend(cond.as_deref());
        }
    }
}
