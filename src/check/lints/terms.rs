//! Terms: the things conditions constrain (a field, a definition, `x ?? 0`, `title contains "vp"`),
//! identified by their structure modulo spans, each with the domain of values it can take.

use super::sets::{float_key, IntSet, StrSet, TermSet, Vals};
use crate::ir::{Expr, ExprKind, Program, Ty};
use crate::source::SourceMap;
use crate::value::Value;
use std::collections::HashMap;
use std::fmt::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) struct TermId(pub u32);

/// The values of a term, by kind.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Domain {
    /// Ints, timestamps, durations, bools (0, 1) and enum positions: `lo..=hi`.
    Ord {
        lo: i128,
        hi: i128,
        kind: OrdKind,
    },
    /// Numbers, as float keys, plus NaN.
    Num,
    Str,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum OrdKind {
    Int,
    Timestamp,
    Duration,
    Bool,
    /// An enum, a grade or `stage`: values by position.
    Enum(std::sync::Arc<crate::ir::EnumType>),
}

/// Whether a term is an input value that a lead may hold independently of every other term, so
/// any value of its domain is possible (the only terms a witness may use).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Freedom {
    /// A schema field.
    Field,
    /// `"lit" in list_field`: a list may hold any set of elements.
    Member,
    /// Computed from other terms.
    Bound,
}

#[derive(Debug, Clone)]
pub(super) struct TermInfo {
    pub domain: Domain,
    pub optional: bool,
    /// How the term reads in messages (its source text at first sight).
    pub display: String,
    pub freedom: Freedom,
}

impl TermInfo {
    pub fn universe(&self) -> TermSet {
        TermSet {
            vals: self.full_vals(),
            missing: self.optional,
            nan: self.domain == Domain::Num,
        }
    }

    pub fn full_vals(&self) -> Vals {
        match self.ord_bounds() {
            Some((lo, hi)) => Vals::Ord(IntSet::range(lo, hi)),
            None => Vals::Str(StrSet::all()),
        }
    }

    pub fn empty_vals(&self) -> Vals {
        match &self.domain {
            Domain::Str => Vals::Str(StrSet::In(Default::default())),
            _ => Vals::Ord(IntSet::empty()),
        }
    }

    /// The term's values outside `set`.
    pub fn complement(&self, set: &TermSet) -> TermSet {
        let vals = match (&set.vals, self.ord_bounds()) {
            (Vals::Ord(s), Some((lo, hi))) => Vals::Ord(s.complement(lo, hi)),
            (Vals::Str(s), _) => Vals::Str(s.complement()),
            (v, None) => v.clone(),
        };
        TermSet {
            vals,
            missing: self.optional && !set.missing,
            nan: self.domain == Domain::Num && !set.nan,
        }
    }

    /// The range of an ordered domain (numbers as float keys).
    pub fn ord_bounds(&self) -> Option<(i128, i128)> {
        match &self.domain {
            Domain::Ord { lo, hi, .. } => Some((*lo, *hi)),
            Domain::Num => Some((float_key(f64::NEG_INFINITY), float_key(f64::INFINITY))),
            Domain::Str => None,
        }
    }

    /// Every value but missing.
    pub fn present(&self) -> TermSet {
        TermSet::values(self.full_vals())
    }

    pub fn missing(&self) -> TermSet {
        TermSet::only_missing(self.empty_vals())
    }
}

pub(super) fn domain_of(ty: &Ty) -> Option<Domain> {
    let ord = |kind, lo: i128, hi: i128| Some(Domain::Ord { lo, hi, kind });
    let (min, max) = (i64::MIN as i128, i64::MAX as i128);
    match ty.base() {
        Ty::Int => ord(OrdKind::Int, min, max),
        Ty::Timestamp => ord(OrdKind::Timestamp, min, max),
        Ty::Duration => ord(OrdKind::Duration, min, max),
        Ty::Bool => ord(OrdKind::Bool, 0, 1),
        Ty::Enum(e) if !e.values.is_empty() => {
            ord(OrdKind::Enum(e.clone()), 0, e.values.len() as i128 - 1)
        }
        Ty::Number => Some(Domain::Num),
        Ty::String => Some(Domain::Str),
        _ => None,
    }
}

/// The interned terms of one lint run.
pub(super) struct Terms<'a> {
    pub program: &'a Program,
    pub sources: &'a SourceMap,
    infos: Vec<TermInfo>,
    index: HashMap<String, TermId>,
}

impl<'a> Terms<'a> {
    pub fn new(program: &'a Program, sources: &'a SourceMap) -> Terms<'a> {
        Terms {
            program,
            sources,
            infos: Vec::new(),
            index: HashMap::new(),
        }
    }

    pub fn info(&self, id: TermId) -> &TermInfo {
        &self.infos[id.0 as usize]
    }

    /// The term for a value expression, if its type has a domain we reason about.
    pub fn value_term(&mut self, e: &Expr) -> Option<TermId> {
        let (domain, optional, freedom) = match &e.kind {
            ExprKind::Field(f) => {
                let ty = &self.program.field(*f).ty;
                (domain_of(ty)?, ty.is_optional(), Freedom::Field)
            }
            ExprKind::Def(d) => {
                let ty = &self.program.def(*d).expr.ty;
                (domain_of(ty)?, ty.is_optional(), Freedom::Bound)
            }
            _ => (domain_of(&e.ty)?, e.ty.is_optional(), Freedom::Bound),
        };
        let key = canonical(e);
        let display = self.display(e);
        Some(self.intern(key, domain, optional, freedom, display))
    }

    /// A boolean expression we do not look inside: a term of its own, true or false.
    pub fn bool_term(&mut self, e: &Expr) -> TermId {
        let display = self.display(e);
        let freedom = match &e.kind {
            ExprKind::Field(_) => Freedom::Field,
            _ => Freedom::Bound,
        };
        let domain = Domain::Ord {
            lo: 0,
            hi: 1,
            kind: OrdKind::Bool,
        };
        self.intern(canonical(e), domain, false, freedom, display)
    }

    /// `x in list` as a boolean term of its own (used when `list` is not a constant).
    pub fn member_term(&mut self, x: &Expr, list: &Expr, display: String) -> TermId {
        let freedom = match (&list.kind, const_value(self.program, x, 0)) {
            (ExprKind::Field(_), Some(_)) => Freedom::Member,
            _ => Freedom::Bound,
        };
        let key = format!("(member {} {})", canonical(list), canonical(x));
        let domain = Domain::Ord {
            lo: 0,
            hi: 1,
            kind: OrdKind::Bool,
        };
        self.intern(key, domain, false, freedom, display)
    }

    fn intern(
        &mut self,
        key: String,
        domain: Domain,
        optional: bool,
        freedom: Freedom,
        display: String,
    ) -> TermId {
        if let Some(&id) = self.index.get(&key) {
            // A term seen both narrowed and not: keep the wider view (missing possible).
            self.infos[id.0 as usize].optional |= optional;
            return id;
        }
        let id = TermId(self.infos.len() as u32);
        self.infos.push(TermInfo {
            domain,
            optional,
            display,
            freedom,
        });
        self.index.insert(key, id);
        id
    }

    pub fn display(&self, e: &Expr) -> String {
        match &e.kind {
            ExprKind::Field(f) => self.program.field(*f).name.clone(),
            ExprKind::Def(d) => self.program.def(*d).name.clone(),
            ExprKind::Score(s) => self.program.score(*s).name.clone(),
            ExprKind::Grade(g) => self.program.grade(*g).name.clone(),
            ExprKind::Stage => "stage".to_string(),
            ExprKind::ToNumber(x) => self.display(x),
            _ => {
                let text = self.sources.slice(e.span).trim();
                if text.is_empty() {
                    canonical(e)
                } else {
                    crate::diag::quote(text)
                }
            }
        }
    }
}

/// A constant value: a literal, a folded `-c` or `int → number`, or a definition that is one.
pub(super) fn const_value(program: &Program, e: &Expr, depth: u32) -> Option<Value> {
    match &e.kind {
        ExprKind::Const(v) => Some(v.clone()),
        ExprKind::ToNumber(x) => match const_value(program, x, depth)? {
            Value::Int(i) => Some(Value::Number(i as f64)),
            v @ Value::Number(_) => Some(v),
            _ => None,
        },
        ExprKind::Neg(x) => match const_value(program, x, depth)? {
            Value::Int(i) => i.checked_neg().map(Value::Int),
            Value::Number(f) => Some(Value::Number(-f)),
            Value::Duration(d) => d.checked_neg().map(Value::Duration),
            _ => None,
        },
        ExprKind::ListLit(items) => {
            let vals: Option<Vec<Value>> = items
                .iter()
                .map(|i| const_value(program, i, depth))
                .collect();
            Some(Value::List(vals?.into()))
        }
        ExprKind::Def(d) if depth < 8 => const_value(program, &program.def(*d).expr, depth + 1),
        _ => None,
    }
}

/// The structure of an expression without spans: equal keys mean equal values for every lead.
pub(super) fn canonical(e: &Expr) -> String {
    let mut out = String::new();
    write_canonical(e, &mut out);
    out
}

fn write_canonical(e: &Expr, out: &mut String) {
    use ExprKind::*;
    let sub = |tag: &str, parts: &[&Expr], out: &mut String| {
        out.push('(');
        out.push_str(tag);
        for p in parts {
            out.push(' ');
            write_canonical(p, out);
        }
        out.push(')');
    };
    match &e.kind {
        Const(v) => {
            let _ = write!(out, "{v:?}");
        }
        Field(f) => {
            let _ = write!(out, "field#{}", f.0);
        }
        Def(d) => {
            let _ = write!(out, "def#{}", d.0);
        }
        Score(s) => {
            let _ = write!(out, "score#{}", s.0);
        }
        Grade(g) => {
            let _ = write!(out, "grade#{}", g.0);
        }
        Stage => out.push_str("stage"),
        Elem { level } => {
            let _ = write!(out, "elem#{level}");
        }
        ElemField { level, index } => {
            let _ = write!(out, "elem#{level}.{index}");
        }
        Now => out.push_str("now"),
        ToNumber(x) => sub("num", &[x], out),
        Neg(x) => sub("neg", &[x], out),
        Not(x) => sub("not", &[x], out),
        And(a, b) => sub("and", &[a, b], out),
        Or(a, b) => sub("or", &[a, b], out),
        Arith(op, a, b) => sub(&format!("{op:?}"), &[a, b], out),
        Cmp(op, a, b) => sub(&format!("{op:?}"), &[a, b], out),
        In { x, list, negated } => sub(if *negated { "notin" } else { "in" }, &[x, list], out),
        ListLit(items) => {
            let parts: Vec<&Expr> = items.iter().collect();
            sub("list", &parts, out)
        }
        ListContains { list, quant, arg } => {
            sub(&format!("lcontains-{quant:?}"), &[list, arg], out)
        }
        TextContains {
            subject,
            quant,
            arg,
        } => sub(&format!("tcontains-{quant:?}"), &[subject, arg], out),
        StartsWith(a, b) => sub("starts", &[a, b], out),
        EndsWith(a, b) => sub("ends", &[a, b], out),
        Matches(a, p) => sub(&format!("matches {:?}", p.source), &[a], out),
        IsPresent(x) => sub("present", &[x], out),
        IsMissing(x) => sub("missing", &[x], out),
        Coalesce(a, b) => sub("??", &[a, b], out),
        Within(a, b) => sub("within", &[a, b], out),
        If(c, a, b) => sub("if", &[c, a, b], out),
        Call(f, args) => {
            let parts: Vec<&Expr> = args.iter().collect();
            sub(&format!("{f:?}"), &parts, out)
        }
        Agg {
            op,
            list,
            cond,
            half_life_ms,
        } => {
            let tag = format!("{op:?} {half_life_ms:?}");
            match cond {
                Some(c) => sub(&tag, &[list, c], out),
                None => sub(&tag, &[list], out),
            }
        }
    }
}
