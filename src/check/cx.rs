//! The checking context: what names mean, `where` scopes, proven-present places, diagnostics.

use super::collect::{Namespace, Symbol};
use super::narrow::Place;
use crate::diag::Code;
use crate::diag::{did_you_mean, quote, Diagnostic};
use crate::ir::{self, ExprKind, RecordType, Ty};
use crate::source::{SourceMap, Span};
use crate::syntax::ast;
use crate::value::Value;
use std::collections::HashSet;
use std::sync::Arc;

/// The element of an enclosing `where`.
pub(crate) enum Elem {
    Scalar(Ty),
    Record(Arc<RecordType>),
}

/// An enclosing `where`: its element, and the text of its list for messages.
pub(crate) struct Scope {
    pub elem: Elem,
    pub list: String,
}

pub(crate) struct Cx<'a> {
    pub sources: &'a SourceMap,
    pub ns: &'a Namespace,
    pub fields: &'a [ir::Field],
    /// Types of definitions: `None` until checked (a value definition in a cycle stays `None`
    /// and reads as `Ty::Error`).
    pub def_tys: Vec<Option<Ty>>,
    pub grade_tys: Vec<Ty>,
    pub stage_ty: Option<Ty>,
    /// Set when the schema is missing: every field would be unknown, so unknown names are not
    /// reported (the missing schema is).
    pub quiet_unknowns: bool,
    /// Names that the text declares but whose declarations did not parse: their uses are not
    /// reported as unknown (the syntax error is).
    pub broken: HashSet<String>,
    pub diags: Vec<Diagnostic>,
    /// Enclosing `where` scopes, outermost first.
    pub elems: Vec<Scope>,
    /// Places proven present at the point being checked.
    pub present: Vec<Place>,
}

pub(crate) fn mk(kind: ExprKind, ty: Ty, span: Span) -> ir::Expr {
    ir::Expr { kind, ty, span }
}

/// The placeholder for an expression whose error is already reported.
pub(crate) fn error_expr(span: Span) -> ir::Expr {
    mk(ExprKind::Const(Value::Missing), Ty::Error, span)
}

impl<'a> Cx<'a> {
    pub fn depth(&self) -> u32 {
        self.elems.len() as u32
    }

    pub fn error(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// The source text of a span, shortened for messages.
    pub fn text(&self, span: Span) -> String {
        quote(self.sources.slice(span))
    }

    /// "`visits` (an `int`)": an expression as written, with its type.
    pub fn described(&self, e: &ir::Expr) -> String {
        format!("`{}` ({})", self.text(e.span), a_ty(&e.ty))
    }

    /// The type a read of `place` has here: its declared type, narrowed when proven present.
    fn narrowed(&self, place: Place, ty: Ty) -> Ty {
        match ty {
            Ty::Optional(inner) if self.present.contains(&place) => *inner,
            t => t,
        }
    }

    /// A bare name: an element field of an enclosing `where` (innermost first), or a lead name.
    pub fn name(&mut self, id: &ast::Ident) -> ir::Expr {
        let elem_hit = self
            .elems
            .iter()
            .enumerate()
            .rev()
            .find_map(|(depth, s)| match &s.elem {
                Elem::Record(r) => r.field(&id.name).map(|i| (depth, i)),
                Elem::Scalar(_) => None,
            });
        match (elem_hit, self.ns.get(&id.name)) {
            (Some(_), Some(_)) => {
                let mut d = Diagnostic::error(
                    Code::NameAmbiguous,
                    id.span,
                    format!(
                        "inside `where`, `{}` is both a field of the elements of `{}` and a lead name",
                        id.name,
                        self.elems.last().map_or("", |s| s.list.as_str())
                    ),
                )
                .label("ambiguous inside `where`")
                .with_help(format!(
                    "write `it.{0}` for the element's field or `lead.{0}` for the lead's",
                    id.name
                ));
                if let Some(first) = self.ns.span_of(&id.name) {
                    d = d.with_secondary(first, "the lead name is declared here");
                }
                self.error(d);
                error_expr(id.span)
            }
            (Some((depth, index)), None) => self.elem_field(depth, index as u32, id.span),
            (None, Some(sym)) => self.symbol(sym, id.span),
            (None, None) if self.ns.on_path.as_deref() == Some(id.name.as_str()) => {
                self.on_path(id)
            }
            (None, None) => self.unknown(id),
        }
    }

    /// The undefined first stage's name: `stage >= "FIRST"` (docs/language.md, "Stages and
    /// detours"), true for every lead on the path and false for a detour.
    fn on_path(&mut self, id: &ast::Ident) -> ir::Expr {
        let stage = ast::Expr {
            kind: ast::ExprKind::Name(ast::Ident {
                name: "stage".into(),
                span: id.span,
            }),
            span: id.span,
        };
        let first = ast::Expr {
            kind: ast::ExprKind::Str(id.name.clone()),
            span: id.span,
        };
        self.compare(ast::BinOp::Ge, &stage, &first, id.span)
    }

    /// `lead.name`: a lead name, whatever the enclosing `where`s hold.
    pub fn lead_name(&mut self, id: &ast::Ident, span: Span) -> ir::Expr {
        match self.ns.get(&id.name) {
            Some(sym) => {
                let mut e = self.symbol(sym, id.span);
                e.span = span;
                e
            }
            None if self.ns.on_path.as_deref() == Some(id.name.as_str()) => {
                let mut e = self.on_path(id);
                e.span = span;
                e
            }
            None => self.unknown(id),
        }
    }

    /// `it.name`: a field of the innermost record element.
    pub fn it_field(&mut self, id: &ast::Ident, span: Span) -> ir::Expr {
        let Some(inner) = self.elems.last() else {
            self.error(it_outside_where(span, &self.text(span)));
            return error_expr(span);
        };
        let list = inner.list.clone();
        match &inner.elem {
            Elem::Record(r) => match r.field(&id.name) {
                Some(i) => {
                    let depth = self.elems.len() - 1;
                    let mut e = self.elem_field(depth, i as u32, id.span);
                    e.span = span;
                    e
                }
                None => {
                    let mut d = Diagnostic::error(
                        Code::NameUnknown,
                        id.span,
                        format!(
                            "`it.{}`: the elements of `{list}` have no field `{}`",
                            id.name, id.name
                        ),
                    )
                    .label("not a field of the element");
                    let names = r.fields.iter().map(|f| f.name.as_str());
                    d = match did_you_mean(&id.name, names) {
                        Some(s) => d.with_help(format!("did you mean `{s}`?")),
                        None => d.with_help(format!("its fields are {}", field_list(r))),
                    };
                    self.error(d);
                    error_expr(span)
                }
            },
            Elem::Scalar(ty) => {
                let msg = format!(
                    "`it.{}`: the elements of `{list}` are `{ty}` values, which have no fields",
                    id.name
                );
                self.error(
                    Diagnostic::error(Code::TypeMismatch, span, msg)
                        .label(format!("`it` is {} here", a_ty(ty)))
                        .with_help("write `it` for the element itself"),
                );
                error_expr(span)
            }
        }
    }

    /// `it`: the innermost element, when it is a scalar.
    pub fn it(&mut self, span: Span) -> ir::Expr {
        let Some(scope) = self.elems.last() else {
            self.error(it_outside_where(span, &self.text(span)));
            return error_expr(span);
        };
        match &scope.elem {
            Elem::Scalar(ty) => mk(ExprKind::Elem { level: 0 }, ty.clone(), span),
            Elem::Record(r) => {
                let first = r.fields.first().map_or("at", |f| f.name.as_str());
                let help = format!("use one of its fields, such as `it.{first}`");
                let msg = format!(
                    "`it` is a whole record of `{}` here, not a value",
                    scope.list
                );
                self.error(
                    Diagnostic::error(Code::TypeMismatch, span, msg)
                        .label("a record is not a value")
                        .with_help(help),
                );
                error_expr(span)
            }
        }
    }

    fn elem_field(&self, depth: usize, index: u32, span: Span) -> ir::Expr {
        let ty = match &self.elems[depth].elem {
            Elem::Record(r) => r.fields[index as usize].ty.clone(),
            Elem::Scalar(_) => Ty::Error,
        };
        let place = Place::Elem {
            depth: depth as u32,
            index,
        };
        let level = (self.elems.len() - 1 - depth) as u32;
        mk(
            ExprKind::ElemField { level, index },
            self.narrowed(place, ty),
            span,
        )
    }

    fn symbol(&self, sym: Symbol, span: Span) -> ir::Expr {
        match sym {
            Symbol::Field(id) => {
                let ty = self.fields[id.0 as usize].ty.clone();
                mk(
                    ExprKind::Field(id),
                    self.narrowed(Place::Field(id.0), ty),
                    span,
                )
            }
            Symbol::Def(id) => {
                let ty = self.def_tys[id.0 as usize].clone().unwrap_or(Ty::Error);
                mk(ExprKind::Def(id), self.narrowed(Place::Def(id.0), ty), span)
            }
            Symbol::Score(id) => mk(ExprKind::Score(id), Ty::Number, span),
            Symbol::Grade(id) => mk(
                ExprKind::Grade(id),
                self.grade_tys[id.0 as usize].clone(),
                span,
            ),
            Symbol::Stage => {
                let ty = self.stage_ty.clone().unwrap_or(Ty::Error);
                mk(ExprKind::Stage, self.narrowed(Place::Stage, ty), span)
            }
        }
    }

    fn unknown(&mut self, id: &ast::Ident) -> ir::Expr {
        if self.quiet_unknowns || self.broken.contains(&id.name) {
            return error_expr(id.span);
        }
        let mut candidates: Vec<&str> = self.ns.names().collect();
        for s in &self.elems {
            if let Elem::Record(r) = &s.elem {
                candidates.extend(r.fields.iter().map(|f| f.name.as_str()));
            }
        }
        let mut d = Diagnostic::error(
            Code::NameUnknown,
            id.span,
            format!("unknown name `{}`", id.name),
        )
        .label("not a field, definition, score or grade");
        if let Some(s) = did_you_mean(&id.name, candidates) {
            d = d.with_help(format!("did you mean `{s}`?"));
        } else if id.name == "stage" {
            d = d.with_help("`stage` exists once the rule set declares `stages A -> B -> …`");
        } else {
            d = d.with_help(format!(
                "declare it as a field of the schema (`{0}: int`) or define it (`{0} when …`, `{0} = …`)",
                id.name
            ));
        }
        self.error(d);
        error_expr(id.span)
    }
}

/// "an `int`", "a `string`": a type with its article, for messages.
pub(crate) fn a_ty(ty: &Ty) -> String {
    let t = quote(&ty.to_string());
    let article = if t.starts_with("int") { "an" } else { "a" };
    format!("{article} `{t}`")
}

fn it_outside_where(span: Span, text: &str) -> Diagnostic {
    Diagnostic::error(
        Code::WhereMisplaced,
        span,
        if text == "it" {
            "`it` is only defined inside `where`".to_string()
        } else {
            format!("`{text}` is outside `where`: `it` is only defined inside one")
        },
    )
    .with_help("use `it` in the condition of `count(L where …)`, `any(…)`, `all(…)` and the like")
}

fn field_list(r: &RecordType) -> String {
    r.fields
        .iter()
        .map(|f| format!("`{}`", f.name))
        .collect::<Vec<_>>()
        .join(", ")
}
