//! Conditions as disjunctive normal forms over constraints on terms.
//!
//! A condition becomes `conj₁ or conj₂ or …`; each conjunction constrains terms (a field, a
//! definition, `x ?? 0`) to value sets. Comparisons with constants, membership in constant lists,
//! `is present`/`is missing` and boolean terms are understood; everything else is a boolean term
//! of its own, so reasoning about it stays sound: terms are treated as independent, which only
//! adds combinations, so "no conjunction is possible" is a proof. The converse ("this conjunction
//! is possible") is only a proof when every term in it is free (see [`Freedom`]).
//!
//! `not` is pushed to the leaves (the negation of a leaf is the complement of its set, missing
//! and NaN included), boolean definitions are expanded, and sizes are capped: past a cap the
//! answer is "unknown" and no lint fires.
//!
//! Optional terms: a comparison on `x?` can only run where `x` is proven present, so giving it
//! any value on a missing `x` (we say false, and its negation true) does not change the value of
//! the whole condition; `x is missing` then constrains the same term to the missing point.

use super::compare::{cmp_set, const_cmp, flip, negate, op_words};
use super::sets::{IntSet, StrSet, TermSet, Vals};
use super::terms::{const_value, TermId, Terms};
use crate::ir::{CmpOp, DefId, Expr, ExprKind, Quant, Ty};
use crate::value::Value;
use std::collections::{BTreeMap, BTreeSet};

const MAX_CONJS: usize = 256;
const MAX_ATOMS: usize = 64;
const MAX_DEPTH: u32 = 24;

/// One constraint: `term ∈ set`, with how to say it (`greater than 5`).
#[derive(Debug, Clone)]
pub(super) struct Atom {
    pub term: TermId,
    pub set: TermSet,
    pub desc: String,
}

/// A conjunction of atoms and, per term, the intersection of their sets (never empty).
#[derive(Debug, Clone, Default)]
pub(super) struct Conj {
    pub atoms: Vec<Atom>,
    pub meet: BTreeMap<TermId, TermSet>,
}

/// Atoms on one term that cannot hold together.
#[derive(Debug, Clone)]
pub(super) struct Conflict {
    pub term: TermId,
    pub descs: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub(super) struct Dnf {
    /// The possible conjunctions; none means the condition never holds.
    pub conjs: Vec<Conj>,
    /// Why dropped conjunctions were impossible (the first few).
    pub conflicts: Vec<Conflict>,
    /// How many conjunctions were dropped as impossible.
    pub dropped: usize,
}

impl Dnf {
    pub fn truth() -> Dnf {
        Dnf {
            conjs: vec![Conj::default()],
            ..Dnf::default()
        }
    }

    pub fn falsity() -> Dnf {
        Dnf::default()
    }

    pub fn is_false(&self) -> bool {
        self.conjs.is_empty()
    }

    fn atom(atom: Atom) -> Dnf {
        let mut d = Dnf::default();
        match Conj::default().with(atom) {
            Ok(c) => d.conjs.push(c),
            Err(c) => d.drop_conflict(c),
        }
        d
    }

    fn drop_conflict(&mut self, c: Conflict) {
        self.dropped += 1;
        if self.conflicts.len() < 4 {
            self.conflicts.push(c);
        }
    }

    pub fn or(mut self, other: Dnf) -> Option<Dnf> {
        self.conjs.extend(other.conjs);
        self.dropped += other.dropped;
        for c in other.conflicts {
            if self.conflicts.len() < 4 {
                self.conflicts.push(c);
            }
        }
        (self.conjs.len() <= MAX_CONJS).then_some(self)
    }

    pub fn and(self, other: Dnf) -> Option<Dnf> {
        let mut out = Dnf {
            conjs: Vec::new(),
            conflicts: self.conflicts,
            dropped: self.dropped + other.dropped,
        };
        out.conflicts.extend(other.conflicts);
        out.conflicts.truncate(4);
        for a in &self.conjs {
            for b in &other.conjs {
                match a.merge(b) {
                    Ok(c) if c.atoms.len() > MAX_ATOMS => return None,
                    Ok(c) => out.conjs.push(c),
                    Err(c) => out.drop_conflict(c),
                }
                if out.conjs.len() > MAX_CONJS {
                    return None;
                }
            }
        }
        Some(out)
    }
}

impl Conj {
    fn with(mut self, atom: Atom) -> Result<Conj, Conflict> {
        let met = match self.meet.get(&atom.term) {
            Some(s) => s.intersect(&atom.set),
            None => atom.set.clone(),
        };
        let term = atom.term;
        self.atoms.push(atom);
        if met.is_empty() {
            return Err(self.explain(term));
        }
        self.meet.insert(term, met);
        Ok(self)
    }

    fn merge(&self, other: &Conj) -> Result<Conj, Conflict> {
        let mut out = self.clone();
        for a in &other.atoms {
            out = out.with(a.clone())?;
        }
        Ok(out)
    }

    /// The fewest atoms on `term` that already clash: one, two, or all of them.
    fn explain(&self, term: TermId) -> Conflict {
        let on: Vec<&Atom> = self.atoms.iter().filter(|a| a.term == term).collect();
        let descs = |atoms: &[&Atom]| atoms.iter().map(|a| a.desc.clone()).collect::<Vec<_>>();
        if let Some(a) = on.iter().find(|a| a.set.is_empty()) {
            return Conflict {
                term,
                descs: descs(&[a]),
            };
        }
        for (i, a) in on.iter().enumerate() {
            for b in &on[i + 1..] {
                if a.set.intersect(&b.set).is_empty() {
                    return Conflict {
                        term,
                        descs: descs(&[a, b]),
                    };
                }
            }
        }
        let mut all = descs(&on);
        all.dedup();
        Conflict { term, descs: all }
    }
}

/// Builds [`Dnf`]s from IR conditions; remembers the definitions it expanded.
pub(super) struct Logic<'a> {
    pub terms: Terms<'a>,
    /// Boolean definitions expanded since the last [`Logic::reset_touched`].
    pub touched: BTreeSet<DefId>,
}

impl<'a> Logic<'a> {
    pub fn new(terms: Terms<'a>) -> Logic<'a> {
        Logic {
            terms,
            touched: BTreeSet::new(),
        }
    }

    pub fn reset_touched(&mut self) {
        self.touched.clear();
    }

    /// The condition (`pos`) or its negation as a DNF; `None` when too large to tell.
    pub fn dnf(&mut self, e: &Expr, pos: bool) -> Option<Dnf> {
        self.walk(e, pos, None, 0)
    }

    fn walk(&mut self, e: &Expr, pos: bool, via: Option<DefId>, depth: u32) -> Option<Dnf> {
        if depth > MAX_DEPTH {
            return None;
        }
        let d = depth + 1;
        match &e.kind {
            ExprKind::Const(Value::Bool(b)) => Some(if *b == pos {
                Dnf::truth()
            } else {
                Dnf::falsity()
            }),
            ExprKind::Not(x) => self.walk(x, !pos, via, d),
            ExprKind::And(a, b) | ExprKind::Or(a, b) => {
                let is_and = matches!(e.kind, ExprKind::And(..));
                let l = self.walk(a, pos, via, d)?;
                let r = self.walk(b, pos, via, d)?;
                if is_and == pos {
                    l.and(r)
                } else {
                    l.or(r)
                }
            }
            ExprKind::If(c, a, b) if e.ty == Ty::Bool => {
                let then = self
                    .walk(c, true, via, d)?
                    .and(self.walk(a, pos, via, d)?)?;
                let other = self
                    .walk(c, false, via, d)?
                    .and(self.walk(b, pos, via, d)?)?;
                then.or(other)
            }
            ExprKind::Def(id) if self.terms.program.def(*id).expr.ty == Ty::Bool => {
                self.touched.insert(*id);
                let program = self.terms.program;
                self.walk(&program.def(*id).expr, pos, via.or(Some(*id)), d)
            }
            _ => self.leaf(e, pos, via),
        }
    }

    fn leaf(&mut self, e: &Expr, pos: bool, via: Option<DefId>) -> Option<Dnf> {
        let understood = match &e.kind {
            ExprKind::Cmp(op, a, b) => self.compare(*op, a, b, pos, via),
            ExprKind::In { x, list, negated } => self.membership(e, x, list, pos != *negated, via),
            ExprKind::ListContains {
                list,
                quant: Quant::One,
                arg,
            } => self.membership(e, arg, list, pos, via),
            ExprKind::ListContains { list, quant, arg } => {
                self.contains_many(list, *quant, arg, pos, via)
            }
            ExprKind::IsPresent(x) | ExprKind::IsMissing(x) => {
                let want_present = matches!(e.kind, ExprKind::IsPresent(_)) == pos;
                self.terms.value_term(x).map(|t| {
                    let info = self.terms.info(t);
                    let (set, desc) = if want_present {
                        (info.present(), "present")
                    } else {
                        (info.missing(), "missing")
                    };
                    self.atom(t, set, desc.to_string(), via)
                })
            }
            _ => None,
        };
        if understood.is_some() {
            return understood;
        }
        let t = self.terms.bool_term(e);
        let desc = if pos { "true" } else { "false" };
        Some(self.atom(
            t,
            TermSet::values(Vals::Ord(IntSet::point(pos as i128))),
            desc.into(),
            via,
        ))
    }

    fn atom(&self, term: TermId, set: TermSet, desc: String, via: Option<DefId>) -> Dnf {
        let info = self.terms.info(term);
        let desc = match via {
            Some(d) => format!("{desc} (in `{}`)", self.terms.program.def(d).name),
            None => desc,
        };
        Dnf::atom(Atom {
            term,
            set: set.intersect(&info.universe()),
            desc,
        })
    }

    /// `term OP constant`, either way round, through `int → number` and `x ?? constant`.
    fn compare(
        &mut self,
        op: CmpOp,
        a: &Expr,
        b: &Expr,
        pos: bool,
        via: Option<DefId>,
    ) -> Option<Dnf> {
        let program = self.terms.program;
        let (term_e, op, const_e) = if const_value(program, b, 0).is_some() {
            (a, op, b)
        } else if const_value(program, a, 0).is_some() {
            (b, flip(op), a)
        } else {
            return None;
        };
        let c = const_value(program, const_e, 0)?;
        let term_e = strip_to_number(term_e, &c);
        let (term_e, default) = match &term_e.kind {
            ExprKind::Coalesce(x, d) => (x.as_ref(), Some((const_value(program, d, 0)?, d))),
            _ => (term_e, None),
        };
        let term_e = strip_to_number(term_e, &c);
        let t = self.terms.value_term(term_e)?;
        let info = self.terms.info(t).clone();
        let mut set = cmp_set(&info, op, &c)?;
        if let Some((d, _)) = &default {
            // `x ?? d OP c` holds for a missing `x` exactly when `d OP c` does.
            set.missing = const_cmp(d, op, &c)?;
        }
        let text = self.terms.display(const_e);
        let text = match const_e.kind {
            ExprKind::Def(_) => format!("`{text}`"),
            _ => text,
        };
        let (set, op) = if pos {
            (set, op)
        } else {
            (info.complement(&set), negate(op))
        };
        let mut desc = format!("{} {text}", op_words(op));
        if let Some((_, d)) = default {
            desc = format!("{desc} (missing counts as {})", self.terms.display(d));
        }
        Some(self.atom(t, set, desc, via))
    }

    /// `x in list`: a set constraint on `x` when the list is constant, else a term of its own.
    fn membership(
        &mut self,
        e: &Expr,
        x: &Expr,
        list: &Expr,
        pos: bool,
        via: Option<DefId>,
    ) -> Option<Dnf> {
        let program = self.terms.program;
        if let Some(Value::List(items)) = const_value(program, list, 0) {
            let t = self.terms.value_term(x)?;
            let info = self.terms.info(t).clone();
            // One union of all the points: unioning them one by one copies the set each time,
            // quadratic in the list's length (a list of 10,000 domains took seconds).
            let points: Option<Vec<TermSet>> =
                items.iter().map(|v| cmp_set(&info, CmpOp::Eq, v)).collect();
            let set = union_all(info.empty_vals(), points?)?;
            let set = if pos { set } else { info.complement(&set) };
            let list_text = match list.kind {
                ExprKind::Def(_) => format!("in `{}`", self.terms.display(list)),
                _ => format!("one of {}", self.terms.display(list)),
            };
            let desc = if pos {
                list_text
            } else {
                format!("not {list_text}")
            };
            return Some(self.atom(t, set, desc, via));
        }
        let display = self.terms.display(e);
        let display = match &e.kind {
            ExprKind::In { negated: true, .. } => format!("not ({display})"),
            _ => display,
        };
        let t = self.terms.member_term(x, list, display);
        let desc = if pos { "true" } else { "false" };
        Some(self.atom(
            t,
            TermSet::values(Vals::Ord(IntSet::point(pos as i128))),
            desc.into(),
            via,
        ))
    }

    /// `list contains any [a, b]` is `a in list or b in list`; `all` is `and`.
    fn contains_many(
        &mut self,
        list: &Expr,
        quant: Quant,
        arg: &Expr,
        pos: bool,
        via: Option<DefId>,
    ) -> Option<Dnf> {
        let ExprKind::ListLit(items) = &arg.kind else {
            return None;
        };
        let mut acc: Option<Dnf> = None;
        for item in items {
            let member = Expr {
                kind: ExprKind::ListContains {
                    list: Box::new(list.clone()),
                    quant: Quant::One,
                    arg: Box::new(item.clone()),
                },
                ty: Ty::Bool,
                span: item.span,
            };
            let d = self.membership(&member, item, list, pos, via)?;
            // any: or when positive, and when negated; all: the other way round.
            let conjoin = (quant == Quant::All) == pos;
            acc = Some(match acc {
                None => d,
                Some(prev) if conjoin => prev.and(d)?,
                Some(prev) => prev.or(d)?,
            });
        }
        acc.or_else(|| {
            Some(if (quant == Quant::All) == pos {
                Dnf::truth()
            } else {
                Dnf::falsity()
            })
        })
    }
}

/// `int → number` compared with a number constant: reason on the int itself.
fn strip_to_number<'e>(e: &'e Expr, c: &Value) -> &'e Expr {
    match (&e.kind, c) {
        (ExprKind::ToNumber(inner), Value::Number(_)) if inner.ty.base() == &Ty::Int => inner,
        _ => e,
    }
}

/// The union of `sets`, each of the kind of `empty`; `None` when one is not (a string set
/// that excludes values: its union is not a finite set).
fn union_all(empty: Vals, sets: Vec<TermSet>) -> Option<TermSet> {
    let missing = sets.iter().any(|s| s.missing);
    let nan = sets.iter().any(|s| s.nan);
    let vals = match empty {
        Vals::Ord(_) => {
            let mut parts = Vec::with_capacity(sets.len());
            for s in sets {
                let Vals::Ord(x) = s.vals else { return None };
                parts.push(x);
            }
            Vals::Ord(IntSet::union_all(parts))
        }
        Vals::Str(_) => {
            let mut all = BTreeSet::new();
            for s in sets {
                let Vals::Str(StrSet::In(x)) = s.vals else {
                    return None;
                };
                all.extend(x);
            }
            Vals::Str(StrSet::In(all))
        }
    };
    Some(TermSet { vals, missing, nan })
}
