//! The `schema` block (docs/language.md, "The schema"): field types, the key, input columns.

use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::ir::{self, EnumType, FieldId, RecordField, RecordType, Ty};
use crate::source::Span;
use crate::syntax::ast::{self, TypeExpr, TypeExprKind};
use std::collections::HashMap;
use std::sync::Arc;

/// Lowers the schema. Every field gets an id (duplicate names are reported by the namespace).
pub(crate) fn lower(
    s: &ast::Schema,
    input: ir::InputSpec,
    diags: &mut Vec<Diagnostic>,
) -> ir::Schema {
    let mut fields = Vec::with_capacity(s.fields.len());
    let mut key: Option<(FieldId, Span)> = None;
    let mut columns: HashMap<(String, u32), (Span, &str)> = HashMap::new();
    for (i, f) in s.fields.iter().enumerate() {
        let name = f.name.name.as_str();
        let ty = field_type(name, &f.ty, diags);
        if let Some(k) = f.key {
            if let Some((first_id, first)) = key {
                let first_name = &s.fields[first_id.0 as usize].name.name;
                diags.push(
                    Diagnostic::error(
                        Code::SchemaKey,
                        k,
                        format!(
                            "`{name}` is a second `key` field, after `{first_name}`: a schema has at most one"
                        ),
                    )
                    .label("second key")
                    .with_secondary(first, "first key here")
                    .with_help("keep `key` on the field that identifies a lead"),
                );
            } else {
                key = Some((FieldId(i as u32), k));
            }
            if !matches!(ty, Ty::String | Ty::Int | Ty::Error) {
                let help = match &ty {
                    Ty::Optional(t) if matches!(**t, Ty::String | Ty::Int) => {
                        format!("remove the `?`: every lead has a key (`{name}: {t} key`)")
                    }
                    _ => "mark a `string` or `int` field as the key".to_string(),
                };
                diags.push(
                    Diagnostic::error(
                        Code::SchemaKey,
                        f.ty.span,
                        format!(
                            "the key `{name}` must be a required `string` or `int`, but it is {}",
                            super::cx::a_ty(&ty)
                        ),
                    )
                    .label("the key's type")
                    .with_secondary(k, "marked as the key here")
                    .with_help(help),
                );
            }
        }
        let column = f
            .from
            .as_ref()
            .map_or(f.name.name.clone(), |c| c.value.clone());
        let column_span = f.from.as_ref().map_or(f.name.span, |c| c.span);
        let occurrence = occurrence(f, diags);
        let which = occurrence.unwrap_or(1);
        if let Some((first, first_name)) = columns.get(&(column.clone(), which)) {
            let first = *first;
            let what = match occurrence {
                Some(n) => format!("column {n} named `{column}`"),
                None => format!("input column `{column}`"),
            };
            diags.push(
                Diagnostic::error(
                    Code::SchemaColumn,
                    column_span,
                    format!("`{name}` and `{first_name}` both read the {what}"),
                )
                .label("second field reading it")
                .with_secondary(first, "first read here")
                .with_help("give one of them a different `from \"…\"` column"),
            );
        } else {
            columns.insert((column.clone(), which), (column_span, name));
        }
        let format = field_format(name, f, &ty, diags);
        fields.push(ir::Field {
            name: f.name.name.clone(),
            column,
            occurrence,
            format,
            ty,
            doc: f.attrs.doc.clone(),
            span: f.span,
        });
    }
    ir::Schema {
        fields,
        key: key.map(|(id, _)| id),
        input,
    }
}

/// `(N)` after `from`: counted from 1.
fn occurrence(f: &ast::FieldDecl, diags: &mut Vec<Diagnostic>) -> Option<u32> {
    let n = f.occurrence?;
    match u32::try_from(n.value) {
        Ok(v) if v >= 1 => Some(v),
        _ => {
            diags.push(
                Diagnostic::error(
                    Code::SchemaColumn,
                    n.span,
                    format!("`({})` is not a column's occurrence", n.value),
                )
                .label("counted from 1")
                .with_help("`(1)` is the first column with that name, `(2)` the second"),
            );
            None
        }
    }
}

/// `format "…"`: timestamp layouts, for a field of timestamps only.
fn field_format(
    name: &str,
    f: &ast::FieldDecl,
    ty: &Ty,
    diags: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let Some(format) = &f.format else {
        return Vec::new();
    };
    let timestamps = match ty {
        Ty::List(item) => matches!(**item, Ty::Timestamp),
        t => matches!(t.base(), Ty::Timestamp | Ty::Error),
    };
    if !timestamps {
        diags.push(
            Diagnostic::error(
                Code::SchemaFormat,
                format.keyword,
                format!(
                    "`format` gives timestamp layouts, but `{name}` is {}",
                    super::cx::a_ty(ty)
                ),
            )
            .label("layouts for a timestamp")
            .with_secondary(f.ty.span, "the field's type")
            .with_help("remove `format`, or make the field a `timestamp`"),
        );
        return Vec::new();
    }
    super::input::layouts(&format.layouts, diags)
}

/// The type of the top-level field `name`: scalar, `T?`, `list of T` or `list of { … }`.
fn field_type(name: &str, t: &TypeExpr, diags: &mut Vec<Diagnostic>) -> Ty {
    match &t.kind {
        TypeExprKind::List(elem) => {
            if let Some(q) = t.optional {
                diags.push(optional_list(name, q));
            }
            list_element(name, elem, diags).map_or(Ty::Error, |e| Ty::List(Box::new(e)))
        }
        TypeExprKind::Records(decls) => {
            if let Some(q) = t.optional {
                diags.push(optional_list(name, q));
            }
            records(name, decls, diags)
        }
        _ => scalar_type(name, t, diags),
    }
}

fn optional_list(name: &str, q: Span) -> Diagnostic {
    Diagnostic::error(
        Code::SchemaList,
        q,
        format!("the list `{name}` cannot be optional"),
    )
    .with_help("remove the `?`: an absent list reads as `[]`")
}

/// The element of `list of T` (the type of `name`): a required scalar or enum.
fn list_element(name: &str, t: &TypeExpr, diags: &mut Vec<Diagnostic>) -> Option<Ty> {
    match &t.kind {
        TypeExprKind::List(_) => {
            diags.push(
                Diagnostic::error(
                    Code::SchemaList,
                    t.span,
                    format!("`{name}` is a list of lists, but a list cannot hold lists"),
                )
                .with_help("use `list of T` with a scalar `T`, or `list of { … }` for records"),
            );
            None
        }
        TypeExprKind::Records(_) => {
            diags.push(
                Diagnostic::error(
                    Code::SchemaList,
                    t.span,
                    format!("the records of `{name}` must be written `list of {{ … }}`"),
                )
                .with_help("write `list of { field: T, … }` directly, without a second `list of`"),
            );
            None
        }
        _ => {
            if let Some(q) = t.optional {
                diags.push(
                    Diagnostic::error(
                        Code::SchemaList,
                        q,
                        format!("the list `{name}` cannot hold missing values"),
                    )
                    .with_help("remove the `?`: there is no `list of T?`"),
                );
            }
            Some(scalar(name, t, diags))
        }
    }
}

/// `list of { … }` (the type of `list`): record fields are scalars (possibly optional), without
/// `key` or `from`.
fn records(list: &str, decls: &[ast::FieldDecl], diags: &mut Vec<Diagnostic>) -> Ty {
    let mut fields: Vec<RecordField> = Vec::with_capacity(decls.len());
    let mut seen: HashMap<&str, Span> = HashMap::new();
    for f in decls {
        if let Some(first) = seen.get(f.name.name.as_str()) {
            diags.push(super::collect::duplicate(&f.name.name, f.name.span, *first));
        } else {
            seen.insert(&f.name.name, f.name.span);
        }
        if let Some(k) = f.key {
            diags.push(
                Diagnostic::error(
                    Code::SchemaKey,
                    k,
                    format!(
                        "`{list}.{}` cannot be the key: a field of a record is not a lead's",
                        f.name.name
                    ),
                )
                .with_help("mark a top-level field of the schema as `key`"),
            );
        }
        if let Some(from) = &f.from {
            diags.push(
                Diagnostic::error(
                    Code::SchemaColumn,
                    from.span,
                    format!(
                        "`{list}.{}` cannot have `from`: it is not supported inside `list of {{ … }}`",
                        f.name.name
                    ),
                )
                .with_help("name the record field as the input names it"),
            );
        }
        if let Some(format) = &f.format {
            diags.push(
                Diagnostic::error(
                    Code::SchemaFormat,
                    format.keyword,
                    format!(
                        "`{list}.{}` cannot have `format`: it is not supported inside `list of {{ … }}`",
                        f.name.name
                    ),
                )
                .with_help("give the layout to every timestamp with `timestamps \"…\"` in the `input` block"),
            );
        }
        let ty = match &f.ty.kind {
            TypeExprKind::List(_) | TypeExprKind::Records(_) => {
                diags.push(
                    Diagnostic::error(
                        Code::SchemaList,
                        f.ty.span,
                        format!("the record field `{list}.{}` must be a scalar", f.name.name),
                    )
                    .with_help("lists are only allowed at the top level of the schema"),
                );
                Ty::Error
            }
            _ => scalar_type(&format!("{list}.{}", f.name.name), &f.ty, diags),
        };
        fields.push(RecordField {
            name: f.name.name.clone(),
            ty,
        });
    }
    Ty::Records(Arc::new(RecordType { fields }))
}

/// A scalar with its `?` (the type of `name`).
fn scalar_type(name: &str, t: &TypeExpr, diags: &mut Vec<Diagnostic>) -> Ty {
    let ty = scalar(name, t, diags);
    if t.optional.is_some() {
        ty.optional()
    } else {
        ty
    }
}

/// A scalar without its `?` (the type of `name`, or of its elements).
fn scalar(name: &str, t: &TypeExpr, diags: &mut Vec<Diagnostic>) -> Ty {
    match &t.kind {
        TypeExprKind::Int => Ty::Int,
        TypeExprKind::Number => Ty::Number,
        TypeExprKind::String => Ty::String,
        TypeExprKind::Bool => Ty::Bool,
        TypeExprKind::Timestamp => Ty::Timestamp,
        TypeExprKind::Duration => Ty::Duration,
        TypeExprKind::OneOf(values) => enum_type(name, values, diags),
        TypeExprKind::List(_) | TypeExprKind::Records(_) => Ty::Error,
    }
}

fn enum_type(name: &str, values: &[ast::StrLit], diags: &mut Vec<Diagnostic>) -> Ty {
    let mut out: Vec<String> = Vec::with_capacity(values.len());
    let mut seen: HashMap<&str, Span> = HashMap::new();
    for v in values {
        if let Some(first) = seen.get(v.value.as_str()) {
            diags.push(
                Diagnostic::error(
                    Code::NameDuplicate,
                    v.span,
                    format!(
                        "the value `{:?}` is listed twice in the type of `{name}`",
                        v.value
                    ),
                )
                .label("listed again here")
                .with_secondary(*first, "first listed here")
                .with_help("remove one of them"),
            );
            continue;
        }
        seen.insert(&v.value, v.span);
        out.push(v.value.clone());
    }
    Ty::Enum(Arc::new(EnumType {
        values: out,
        stage_path_len: None,
    }))
}
