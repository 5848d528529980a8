//! Tests (docs/language.md, "Tests"): `as of`, `given` values converted as data would be (docs/language.md, "How data is read"), `expect`s.

use super::cx::{a_ty, Cx};
use crate::data::convert::convert_text;
use crate::diag::Code;
use crate::diag::{did_you_mean, Diagnostic};
use crate::ir::{self, ExprKind, RecordType, Ty};
use crate::source::Span;
use crate::syntax::ast::{self, DataLit, DataLitKind};
use crate::value::Value;
use std::collections::HashMap;
use std::sync::Arc;

pub(crate) fn lower_test(cx: &mut Cx, t: &ast::Test) -> ir::Test {
    let as_of = t.as_of.as_ref().and_then(|e| as_of(cx, e));
    let mut lead: Vec<Value> = cx.fields.iter().map(|f| zero(&f.ty)).collect();
    let mut seen: HashMap<&str, Span> = HashMap::new();
    for g in &t.given {
        if let Some(first) = seen.get(g.name.name.as_str()) {
            cx.error(
                Diagnostic::error(
                    Code::TestGiven,
                    g.name.span,
                    format!(
                        "`{}` is given twice in test {:?}",
                        g.name.name, t.name.value
                    ),
                )
                .label("given again here")
                .with_secondary(*first, "first given here")
                .with_help("keep one value per field"),
            );
            continue;
        }
        seen.insert(&g.name.name, g.name.span);
        let Some(index) = cx.fields.iter().position(|f| f.name == g.name.name) else {
            if !cx.quiet_unknowns {
                let names = cx.fields.iter().map(|f| f.name.as_str());
                let mut d = Diagnostic::error(
                    Code::TestGiven,
                    g.name.span,
                    format!(
                        "test {:?} gives `{}`, which is not a field of the schema",
                        t.name.value, g.name.name
                    ),
                )
                .label("not in the schema");
                d = match did_you_mean(&g.name.name, names) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None => d.with_help("a test gives values to schema fields only; definitions, scores and grades are computed"),
                };
                cx.error(d);
            }
            continue;
        };
        let ty = cx.fields[index].ty.clone();
        match convert(
            cx,
            &g.value,
            &ty,
            &g.name.name,
            &format!("`{}`", g.name.name),
        ) {
            Ok(v) => lead[index] = v,
            Err(d) => {
                let d = if d.primary.text.is_none() && d.primary.span == g.value.span {
                    d.label(format!("`{}` has type `{ty}`", g.name.name))
                } else {
                    *d
                };
                cx.error(d);
            }
        }
    }
    let expects = t
        .expects
        .iter()
        .map(|e| {
            cx.present.clear();
            ir::Expect {
                expr: cx.cond(&e.expr),
                source: cx.sources.slice(e.expr.span).trim().into(),
                span: e.span,
            }
        })
        .collect();
    ir::Test {
        allow: super::decls::allow(&t.attrs),
        name: t.name.value.clone(),
        as_of,
        lead,
        expects,
        doc: t.attrs.doc.clone(),
        span: t.span,
    }
}

fn as_of(cx: &mut Cx, e: &ast::Expr) -> Option<i64> {
    cx.present.clear();
    let x = cx.expr(e);
    match x.kind {
        ExprKind::Const(Value::Timestamp(ms)) => Some(ms),
        _ if x.ty.is_error() => None,
        _ => {
            cx.error(
                Diagnostic::error(
                    Code::LiteralRequired,
                    e.span,
                    format!("`as of {}` must be a constant timestamp", cx.text(e.span)),
                )
                .with_help("write `as of date(\"2026-11-01\")` or `as of datetime(\"2026-11-01T09:30:00Z\")`"),
            );
            None
        }
    }
}

/// The zero value of a field that a test leaves out (docs/language.md, "Tests").
pub(crate) fn zero(ty: &Ty) -> Value {
    match ty {
        Ty::Int => Value::Int(0),
        Ty::Number => Value::Number(0.0),
        Ty::String => Value::str(""),
        Ty::Bool => Value::Bool(false),
        Ty::Timestamp => Value::Timestamp(0),
        Ty::Duration => Value::Duration(0),
        Ty::Enum(e) => Value::str(e.values.first().map_or("", String::as_str)),
        Ty::List(_) | Ty::Records(_) => Value::List(Arc::from(Vec::new())),
        Ty::Optional(_) | Ty::Error => Value::Missing,
    }
}

/// A `given` value as data would be read (docs/language.md, "How data is read"). `field` is the schema field, `place` what the
/// value is given for, in messages: "`visits`", "an element of `tags`", "`events.at`".
fn convert(
    cx: &Cx,
    v: &DataLit,
    ty: &Ty,
    field: &str,
    place: &str,
) -> Result<Value, Box<Diagnostic>> {
    let found = || cx.text(v.span);
    let mismatch = |help: Option<String>| -> Box<Diagnostic> {
        let d = Diagnostic::error(
            Code::TestGiven,
            v.span,
            format!("`{}` does not fit {place}, {}", found(), a_ty(ty)),
        );
        Box::new(d.with_help(help.unwrap_or_else(|| value_help(ty))))
    };
    match (&v.kind, ty) {
        (_, Ty::Error) => Ok(Value::Missing),
        (DataLitKind::Missing, Ty::Optional(_)) => Ok(Value::Missing),
        (DataLitKind::Missing, _) => Err(mismatch(Some(
            "`missing` is only for optional (`T?`) fields".into(),
        ))),
        (_, Ty::Optional(inner)) => convert(cx, v, inner, field, place),
        (DataLitKind::Str(s), Ty::List(_) | Ty::Records(_)) => {
            Err(mismatch(Some(format!("write a list: `[{s:?}]`"))))
        }
        (DataLitKind::Str(s), t) => convert_text(t, s).map_err(|_| mismatch(None)),
        (DataLitKind::Int(i), Ty::Int) => Ok(Value::Int(*i)),
        (DataLitKind::Int(i), Ty::Number) => Ok(Value::Number(*i as f64)),
        (DataLitKind::Number(x), Ty::Number) => Ok(Value::Number(*x)),
        (DataLitKind::Int(i), Ty::Timestamp) => Ok(Value::Timestamp(*i)),
        (DataLitKind::Int(i), Ty::Duration) => Ok(Value::Duration(*i)),
        (DataLitKind::Bool(b), Ty::Bool) => Ok(Value::Bool(*b)),
        (DataLitKind::List(items), Ty::List(elem)) => {
            let values = items
                .iter()
                .map(|i| convert(cx, i, elem, field, &format!("an element of `{field}`")))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Value::List(Arc::from(values)))
        }
        (DataLitKind::List(items), Ty::Records(r)) => {
            let values = items
                .iter()
                .map(|i| record(cx, i, r, field))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Value::List(Arc::from(values)))
        }
        (DataLitKind::List(_), _) => Err(mismatch(None)),
        (DataLitKind::Record(_), _) => Err(mismatch(None)),
        _ => Err(mismatch(None)),
    }
}

/// How to write a `given` value of type `ty`.
fn value_help(ty: &Ty) -> String {
    match ty {
        Ty::Int => "write a whole number, such as `3`".into(),
        Ty::Number => "write a number, such as `2.5` or `40%`".into(),
        Ty::String => "write text in double quotes, such as `\"…\"`".into(),
        Ty::Bool => "write `true` or `false`".into(),
        Ty::Timestamp => "write an RFC 3339 instant (`\"2026-11-01T09:30:00Z\"`), a day \
                          (`\"2026-11-01\"`) or epoch milliseconds"
            .into(),
        Ty::Duration => "write a duration in quotes, such as `\"14d\"`, or milliseconds".into(),
        Ty::Enum(e) => format!(
            "the values are {}",
            e.values
                .iter()
                .map(|v| format!("`{v:?}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Ty::List(_) => "write a list, such as `[\"a\", \"b\"]`".into(),
        Ty::Records(_) => "write a list of records, such as `[{ … }]`".into(),
        Ty::Optional(t) => value_help(t),
        Ty::Error => String::new(),
    }
}

/// `{ name: value, … }` for a `list of { … }` field; fields left out take zero values.
fn record(cx: &Cx, v: &DataLit, r: &RecordType, field: &str) -> Result<Value, Box<Diagnostic>> {
    let DataLitKind::Record(entries) = &v.kind else {
        let first = r.fields.first().map_or("at", |f| f.name.as_str());
        return Err(Box::new(
            Diagnostic::error(
                Code::TestGiven,
                v.span,
                format!(
                    "`{}` is not a record, but the elements of `{field}` are records",
                    cx.text(v.span)
                ),
            )
            .with_help(format!("write each element as `{{ {first}: … }}`")),
        ));
    };
    let mut values: Vec<Value> = r.fields.iter().map(|f| zero(&f.ty)).collect();
    let mut seen: HashMap<&str, Span> = HashMap::new();
    for (name, value) in entries {
        if let Some(first) = seen.get(name.name.as_str()) {
            return Err(Box::new(
                Diagnostic::error(
                    Code::TestGiven,
                    name.span,
                    format!("`{}` is given twice in a record of `{field}`", name.name),
                )
                .with_secondary(*first, "first given here"),
            ));
        }
        seen.insert(&name.name, name.span);
        let Some(i) = r.field(&name.name) else {
            let mut d = Diagnostic::error(
                Code::TestGiven,
                name.span,
                format!("the records of `{field}` have no field `{}`", name.name),
            );
            d = match did_you_mean(&name.name, r.fields.iter().map(|f| f.name.as_str())) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => d.with_help(format!(
                    "their fields are {}",
                    r.fields
                        .iter()
                        .map(|f| format!("`{}`", f.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            };
            return Err(Box::new(d));
        };
        let place = format!("`{field}.{}`", name.name);
        values[i] = convert(cx, value, &r.fields[i].ty, field, &place)?;
    }
    Ok(Value::Record(Arc::from(values)))
}
