//! Dependencies among definitions, scores, grades and `stage`: cycles (docs/language.md, "Definitions") and the
//! evaluation order (dependencies first).
//!
//! Dependencies are read from the AST before typing, so value definitions can be typed in
//! order. Inside `where`, a bare name that is a field of the record element is not a lead name
//! (if it is both, the checker reports the ambiguity later).

use super::collect::{Namespace, Symbol};
use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::ir::{self, Node, RecordType, Ty};
use crate::source::Span;
use crate::syntax::ast::{self, ExprKind, PathRoot};
use std::collections::HashMap;
use std::sync::Arc;

/// A node of the dependency graph: its name and where it is declared.
pub(crate) struct NodeInfo {
    pub node: Node,
    pub name: String,
    pub span: Span,
    pub deps: Vec<usize>,
}

pub(crate) struct Ordered {
    /// Node indexes, dependencies first.
    pub order: Vec<usize>,
    /// Per node: part of a cycle.
    pub cyclic: Vec<bool>,
}

/// Collects the lead-level dependencies of an expression (node indexes via `index`).
pub(crate) struct DepWalker<'a> {
    pub ns: &'a Namespace,
    pub fields: &'a [ir::Field],
    pub index: &'a HashMap<Node, usize>,
    elems: Vec<Option<Arc<RecordType>>>,
}

impl<'a> DepWalker<'a> {
    pub fn new(
        ns: &'a Namespace,
        fields: &'a [ir::Field],
        index: &'a HashMap<Node, usize>,
    ) -> Self {
        DepWalker {
            ns,
            fields,
            index,
            elems: Vec::new(),
        }
    }

    fn lead(&self, name: &str, out: &mut Vec<usize>) {
        let node = match self.ns.get(name) {
            Some(Symbol::Def(id)) => Node::Def(id),
            Some(Symbol::Score(id)) => Node::Score(id),
            Some(Symbol::Grade(id)) => Node::Grade(id),
            Some(Symbol::Stage) => Node::Stage,
            None if self.ns.on_path.as_deref() == Some(name) => Node::Stage,
            Some(Symbol::Field(_)) | None => return,
        };
        if let Some(&i) = self.index.get(&node) {
            if !out.contains(&i) {
                out.push(i);
            }
        }
    }

    /// The record type of a `where` list that names a lead field.
    fn record_of(&self, list: &ast::Expr) -> Option<Arc<RecordType>> {
        let name = match &list.kind {
            ExprKind::Name(id) if !self.is_elem_field(&id.name) => &id.name,
            ExprKind::Path {
                root: PathRoot::Lead,
                field,
                ..
            } => &field.name,
            _ => return None,
        };
        match self.ns.get(name) {
            Some(Symbol::Field(id)) => match &self.fields.get(id.0 as usize)?.ty {
                Ty::Records(r) => Some(r.clone()),
                _ => None,
            },
            _ => None,
        }
    }

    fn is_elem_field(&self, name: &str) -> bool {
        self.elems.iter().flatten().any(|r| r.field(name).is_some())
    }

    pub fn expr(&mut self, e: &ast::Expr, out: &mut Vec<usize>) {
        match &e.kind {
            ExprKind::Int(_)
            | ExprKind::Number(_)
            | ExprKind::Str(_)
            | ExprKind::Bool(_)
            | ExprKind::Duration(_)
            | ExprKind::Now
            | ExprKind::It => {}
            ExprKind::Name(id) => {
                if !self.is_elem_field(&id.name) {
                    self.lead(&id.name, out);
                }
            }
            ExprKind::Path { root, field, .. } => {
                if *root == PathRoot::Lead {
                    self.lead(&field.name, out);
                }
            }
            ExprKind::List(items) => items.iter().for_each(|x| self.expr(x, out)),
            ExprKind::Call { args, .. } => args.iter().for_each(|x| self.expr(x, out)),
            ExprKind::Unary(_, x) | ExprKind::IsPresent(x) | ExprKind::IsMissing(x) => {
                self.expr(x, out)
            }
            ExprKind::Has { list, .. } => self.expr(list, out),
            ExprKind::Binary(_, a, b)
            | ExprKind::StartsWith(a, b)
            | ExprKind::EndsWith(a, b)
            | ExprKind::Matches(a, b)
            | ExprKind::Within(a, b)
            | ExprKind::In { x: a, list: b, .. }
            | ExprKind::Contains {
                subject: a, arg: b, ..
            } => {
                self.expr(a, out);
                self.expr(b, out);
            }
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => {
                self.expr(cond, out);
                self.expr(then, out);
                self.expr(otherwise, out);
            }
            ExprKind::Where { list, cond } => {
                self.expr(list, out);
                let r = self.record_of(list);
                self.elems.push(r);
                self.expr(cond, out);
                self.elems.pop();
            }
        }
    }
}

/// Tarjan's strongly connected components, iteratively (a chain of thousands of definitions
/// must not overflow the stack). Components come out dependencies first.
fn components(nodes: &[NodeInfo]) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let n = nodes.len();
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut out = Vec::new();
    let mut next = 0;
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        // (node, next edge to look at)
        let mut work = vec![(root, 0usize)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut edge)) = work.last_mut() {
            if let Some(&w) = nodes[v].deps.get(*edge) {
                *edge += 1;
                if index[w] == UNSEEN {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut comp = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp.push(w);
                    if w == v {
                        break;
                    }
                }
                out.push(comp);
            }
        }
    }
    out
}

/// Orders the nodes and reports every cycle once.
pub(crate) fn order(nodes: &[NodeInfo], diags: &mut Vec<Diagnostic>) -> Ordered {
    let mut cyclic = vec![false; nodes.len()];
    let mut order = Vec::with_capacity(nodes.len());
    for comp in components(nodes) {
        let is_cycle = comp.len() > 1 || nodes[comp[0]].deps.contains(&comp[0]);
        if is_cycle {
            for &m in &comp {
                cyclic[m] = true;
            }
            diags.push(cycle_error(nodes, &comp));
        }
        // Within a component any order will do: sort by source for determinism.
        let mut comp = comp;
        comp.sort_by_key(|&i| (nodes[i].span, i));
        order.extend(comp);
    }
    Ordered { order, cyclic }
}

/// One error per cycle: `a → b → a`, at the first member in source order, with a label on every
/// other member.
fn cycle_error(nodes: &[NodeInfo], comp: &[usize]) -> Diagnostic {
    let Some(&start) = comp.iter().min_by_key(|&&i| (nodes[i].span, i)) else {
        return Diagnostic::error(Code::NameCycle, Span::default(), "cycle");
    };
    let path = cycle_path(nodes, comp, start);
    let names: Vec<&str> = path.iter().map(|&i| nodes[i].name.as_str()).collect();
    let listed = names.join(" → ");
    let first = names.get(1).copied().unwrap_or(names[0]);
    let mut d = Diagnostic::error(
        Code::NameCycle,
        nodes[start].span,
        format!("`{}` depends on itself: `{listed}`", nodes[start].name),
    )
    .label(format!("`{}` uses `{first}`", nodes[start].name));
    for pair in path.windows(2).skip(1) {
        let (a, b) = (&nodes[pair[0]], &nodes[pair[1]]);
        d = d.with_secondary(a.span, format!("`{}` uses `{}`", a.name, b.name));
    }
    d.with_help("a definition, score, grade or `stage` cannot use itself, directly or through others; remove one of these uses")
}

/// A shortest cycle from `start` back to it, within the component: `[start, …, start]`.
fn cycle_path(nodes: &[NodeInfo], comp: &[usize], start: usize) -> Vec<usize> {
    if nodes[start].deps.contains(&start) {
        return vec![start, start];
    }
    let members: std::collections::HashSet<usize> = comp.iter().copied().collect();
    let mut parent: HashMap<usize, usize> = HashMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for &w in &nodes[v].deps {
            if w == start {
                let mut back = Vec::new();
                let mut cur = v;
                while cur != start {
                    back.push(cur);
                    match parent.get(&cur) {
                        Some(&p) => cur = p,
                        None => break,
                    }
                }
                back.reverse();
                let mut path = vec![start];
                path.extend(back);
                path.push(start);
                return path;
            }
            if members.contains(&w) && !parent.contains_key(&w) {
                parent.insert(w, v);
                queue.push_back(w);
            }
        }
    }
    vec![start, start]
}
