//! What a condition reads, through the definitions it names: the fields, and the scores, grades
//! and stage (which the lints take as atoms). Two conditions that read different things are
//! practically never equivalent, so the duplicate-item lint compares by implication only the
//! items that read the same things, instead of every pair of a score's items.

use crate::ir::{Expr, ExprKind, Node, Program};

/// One thing a condition reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Read {
    Field(u32),
    Score(u32),
    Grade(u32),
    Stage,
    Now,
}

/// The reads of every definition, computed once, dependencies first.
pub(super) struct Supports {
    defs: Vec<Vec<Read>>,
}

impl Supports {
    pub fn new(program: &Program) -> Supports {
        let mut defs = vec![Vec::new(); program.defs.len()];
        for node in &program.order {
            if let Node::Def(id) = node {
                let i = id.0 as usize;
                if let Some(def) = program.defs.get(i) {
                    let reads = reads(&def.expr, &defs);
                    defs[i] = reads;
                }
            }
        }
        Supports { defs }
    }

    /// What `e` reads, sorted, each once.
    pub fn of(&self, e: &Expr) -> Vec<Read> {
        reads(e, &self.defs)
    }
}

fn reads(e: &Expr, defs: &[Vec<Read>]) -> Vec<Read> {
    let mut out = Vec::new();
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        match &e.kind {
            ExprKind::Field(id) => out.push(Read::Field(id.0)),
            ExprKind::Def(id) => out.extend(defs.get(id.0 as usize).into_iter().flatten()),
            ExprKind::Score(id) => out.push(Read::Score(id.0)),
            ExprKind::Grade(id) => out.push(Read::Grade(id.0)),
            ExprKind::Stage => out.push(Read::Stage),
            ExprKind::Now => out.push(Read::Now),
            _ => e.push_children(&mut stack),
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::testkit::*;
    use crate::ir::{CmpOp, DefId, Ty};

    #[test]
    fn reads_go_through_definitions() {
        let mut p = program(&[("visits", Ty::Int), ("title", Ty::String)]);
        p.defs.push(def_node(
            "active",
            cmp(CmpOp::Ge, field(0, Ty::Int), int(3)),
        ));
        p.order.push(Node::Def(DefId(0)));
        let supports = Supports::new(&p);
        let via_def = and(
            def(0, Ty::Bool),
            cmp(CmpOp::Eq, field(1, Ty::String), s("vp")),
        );
        let direct = and(
            cmp(CmpOp::Gt, field(0, Ty::Int), int(2)),
            cmp(CmpOp::Eq, field(1, Ty::String), s("cto")),
        );
        assert_eq!(supports.of(&via_def), supports.of(&direct));
        assert_eq!(supports.of(&direct), vec![Read::Field(0), Read::Field(1)]);
        assert_eq!(supports.of(&field(1, Ty::String)), vec![Read::Field(1)]);
    }
}
