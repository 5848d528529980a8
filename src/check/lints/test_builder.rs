//! The IR test kit ([`crate::ir::testkit`]) with a layer for the lint unit tests: every
//! expression is also printed into a source text, so spans and messages are real.

pub(super) use crate::ir::testkit::*;

use crate::ir::*;
use crate::source::{FileId, SourceMap, Span};
use crate::value::Value;

/// Builds IR and a source text in which every expression has its real span.
pub(super) struct B {
    pub fields: Vec<Field>,
    pub text: String,
}

impl B {
    pub(super) fn new(spec: &[(&str, Ty)]) -> B {
        B {
            fields: fields(spec),
            text: String::new(),
        }
    }

    pub(super) fn f(&self, name: &str) -> Expr {
        let Some(i) = self.fields.iter().position(|f| f.name == name) else {
            panic!("no field `{name}` in the test schema");
        };
        field(i as u32, self.fields[i].ty.clone())
    }

    /// A program with these fields and nothing else.
    pub(super) fn program(&self) -> Program {
        program_of(self.fields.clone())
    }

    /// Prints `x` into the text, giving it and its parts their spans.
    pub(super) fn place(&mut self, x: &mut Expr, defs: &[Def]) -> Span {
        let start = self.text.len();
        let mut kind = std::mem::replace(&mut x.kind, ExprKind::Stage);
        match &mut kind {
            ExprKind::Field(f) => self.text += &self.fields[f.0 as usize].name.clone(),
            ExprKind::Def(d) => self.text += &defs[d.0 as usize].name,
            ExprKind::Const(v) => {
                self.text += &match v {
                    Value::Int(i) => i.to_string(),
                    Value::Number(n) => format!("{n:?}"),
                    Value::Str(s) => format!("{s:?}"),
                    Value::Bool(b) => b.to_string(),
                    Value::Duration(d) => format!("{}d", *d / crate::time::MS_PER_DAY),
                    other => format!("{other:?}"),
                }
            }
            ExprKind::ToNumber(a) => {
                self.place(a, defs);
            }
            ExprKind::Not(a) => {
                self.text += "not (";
                self.place(a, defs);
                self.text += ")";
            }
            ExprKind::And(a, b) => self.infix(a, " and ", b, defs, true),
            ExprKind::Or(a, b) => self.infix(a, " or ", b, defs, true),
            ExprKind::Coalesce(a, b) => self.infix(a, " ?? ", b, defs, true),
            ExprKind::Within(a, b) => self.infix(a, " within ", b, defs, false),
            ExprKind::Cmp(op, a, b) => {
                let op = match op {
                    CmpOp::Eq => " == ",
                    CmpOp::Ne => " != ",
                    CmpOp::Lt => " < ",
                    CmpOp::Le => " <= ",
                    CmpOp::Gt => " > ",
                    CmpOp::Ge => " >= ",
                };
                self.infix(a, op, b, defs, false)
            }
            ExprKind::In {
                x: a,
                list,
                negated,
            } => {
                let word = if *negated { " not in " } else { " in " };
                self.infix(a, word, list, defs, false)
            }
            ExprKind::ListLit(items) => {
                self.text += "[";
                for (i, it) in items.iter_mut().enumerate() {
                    if i > 0 {
                        self.text += ", ";
                    }
                    self.place(it, defs);
                }
                self.text += "]";
            }
            ExprKind::IsPresent(a) => {
                self.place(a, defs);
                self.text += " is present";
            }
            ExprKind::IsMissing(a) => {
                self.place(a, defs);
                self.text += " is missing";
            }
            ExprKind::Score(s) => self.text += &format!("score{}", s.0),
            ExprKind::Now => self.text += "now",
            other => panic!("builder cannot print {other:?}"),
        }
        x.kind = kind;
        x.span = Span::new(FileId(0), start, self.text.len());
        x.span
    }

    pub(super) fn infix(
        &mut self,
        a: &mut Expr,
        op: &str,
        b: &mut Expr,
        defs: &[Def],
        parens: bool,
    ) {
        if parens {
            self.text += "(";
        }
        self.place(a, defs);
        self.text += op;
        self.place(b, defs);
        if parens {
            self.text += ")";
        }
    }

    pub(super) fn line(&mut self, s: &str) -> Span {
        let start = self.text.len();
        self.text += s;
        let span = Span::new(FileId(0), start, self.text.len());
        self.text += "\n";
        span
    }

    pub(super) fn sources(&self) -> SourceMap {
        let mut m = SourceMap::new();
        m.add("rules.smql", self.text.clone());
        m
    }
}

pub(super) fn schema() -> B {
    B::new(&[
        ("visits", Ty::Int),
        ("size", Ty::Int.optional()),
        ("revenue", Ty::Number),
        ("source", enum_ty(&["organic", "paid", "event"], None)),
        ("country", Ty::String),
        ("unsubscribed", Ty::Bool),
        ("closed_at", Ty::Timestamp.optional()),
        ("downloaded", Ty::List(Box::new(Ty::String))),
        ("last_seen", Ty::Timestamp),
    ])
}

/// Definitions `name when cond`, each on its own line with an optional allow comment above.
pub(super) fn with_defs(b: &mut B, defs: Vec<(&str, Expr, &[&str])>) -> Program {
    let mut out: Vec<Def> = defs
        .iter()
        .map(|(n, x, _)| Def {
            allow: Vec::new(),
            is_segment: true,
            ..def_node(n, x.clone())
        })
        .collect();
    let names = out.clone();
    for (d, (_, _, allow)) in out.iter_mut().zip(&defs) {
        if !allow.is_empty() {
            let line = b.line(&format!("# smql: allow({})", allow.join(", ")));
            let mut at = line.start as usize + "# smql: allow(".len();
            for name in allow.iter() {
                d.allow.push(Allow {
                    lint: name.to_string(),
                    span: Span::new(FileId(0), at, at + name.len()),
                });
                at += name.len() + ", ".len();
            }
        }
        let start = b.text.len();
        b.text += &format!("{} when ", d.name);
        b.place(&mut d.expr, &names);
        d.span = Span::new(FileId(0), start, b.text.len());
        b.text += "\n";
    }
    let mut p = b.program();
    p.defs = out;
    p
}
