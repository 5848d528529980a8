//! Binding a header's names to the schema's fields, the same for every format with a header
//! (CSV, `.xlsx`) or named columns (`.parquet`).
//!
//! Names match a field's column exactly; failing that, after trimming spaces (a note), then
//! ignoring case (a warning). A name the header repeats is told apart by the field's `(N)`. A
//! required field without its column is an error listing the header; an optional or list field
//! without one reads as missing / empty, with a warning. A field that is not decoded
//! ([`FieldPlan::skip`]) is not bound: its column may be there or not.

use super::fields::{FieldPlan, Shape};
use super::reject::{InputError, MissingColumn};

/// How a header name matched a field's column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Match {
    Exact,
    Trimmed,
    Caseless,
}

/// The header positions whose name is `column`: exact matches, else trimmed, else ignoring
/// case.
fn positions(names: &[String], column: &str) -> (Vec<usize>, Match) {
    let find = |eq: &dyn Fn(&str) -> bool| -> Vec<usize> {
        (0..names.len()).filter(|&i| eq(&names[i])).collect()
    };
    let exact = find(&|n| n == column);
    if !exact.is_empty() {
        return (exact, Match::Exact);
    }
    let trimmed = find(&|n| n.trim() == column.trim());
    if !trimmed.is_empty() {
        return (trimmed, Match::Trimmed);
    }
    let folded = column.trim().to_lowercase();
    (
        find(&|n| n.trim().to_lowercase() == folded),
        Match::Caseless,
    )
}

/// Where each field's column is, and what binding found worth saying.
pub(crate) struct Bound {
    /// Per field of the plan: the index of its column among the names, or `None` (the field
    /// reads as missing / empty).
    pub columns: Vec<Option<usize>>,
    pub warnings: Vec<String>,
    pub notes: Vec<String>,
    /// Required fields whose column is not there: the caller's error (CSV adds what the header
    /// looks like to it).
    pub missing: Vec<MissingColumn>,
}

/// Binds header `names` to the fields of `plan`. `records_unreadable` names the format when it
/// cannot hold a `list of {…}` field (`CSV`, `a spreadsheet`): such fields read as empty lists,
/// with a warning. A repeated name without `(N)` to tell it apart is an error.
pub(crate) fn bind_names(
    input: &str,
    names: &[String],
    plan: &[FieldPlan],
    records_unreadable: Option<&str>,
) -> Result<Bound, InputError> {
    let mut bound = Bound {
        columns: Vec::with_capacity(plan.len()),
        warnings: Vec::new(),
        notes: Vec::new(),
        missing: Vec::new(),
    };
    let nearest = |column: &str| {
        let trimmed = names.iter().map(|n| n.trim());
        crate::diag::did_you_mean(column, trimmed).map(str::to_string)
    };
    for field in plan {
        if field.skip {
            // Not decoded: whether the header has its column is not checked either.
            bound.columns.push(None);
            continue;
        }
        if let (Shape::Records(_), Some(format)) = (&field.shape, records_unreadable) {
            bound.warnings.push(format!(
                "{input}: field `{}` ({}) cannot be read from {format}: it reads as an empty list",
                field.name, field.expected
            ));
            bound.columns.push(None);
            continue;
        }
        let (found, how) = positions(names, &field.column);
        let column = match (found.as_slice(), field.occurrence) {
            ([], _) => None,
            ([one], None | Some(1)) => Some(*one),
            (many, Some(n)) if (n as usize) <= many.len() && many.len() > 1 => {
                Some(many[n as usize - 1])
            }
            (many, occurrence) => {
                return Err(InputError::RepeatedColumn {
                    input: input.to_string(),
                    field: field.name.clone(),
                    column: field.column.clone(),
                    positions: many.iter().map(|p| p + 1).collect(),
                    occurrence,
                })
            }
        };
        match (column, how) {
            (Some(i), Match::Trimmed) => bound.notes.push(format!(
                "{input}: field `{}` reads column `{}` (spaces around the name ignored)",
                field.name, names[i]
            )),
            (Some(i), Match::Caseless) => bound.warnings.push(format!(
                "{input}: field `{}` reads column `{}`, which matches `{}` only when case is ignored",
                field.name,
                names[i].trim(),
                field.column
            )),
            _ => {}
        }
        if column.is_none() {
            if field.may_be_absent() {
                let reads_as = match field.shape {
                    Shape::List(_) | Shape::Records(_) => "an empty list",
                    Shape::Scalar { .. } => "missing",
                };
                let hint = match nearest(&field.column) {
                    Some(n) => format!(" (did you mean `{n}`?)"),
                    None => String::new(),
                };
                bound.warnings.push(format!(
                    "{input}: the header has no column `{}`{hint}: field `{}` reads as {reads_as}",
                    field.column, field.name
                ));
            } else {
                bound.missing.push(MissingColumn {
                    field: field.name.clone(),
                    column: field.column.clone(),
                    nearest: nearest(&field.column),
                });
            }
        }
        bound.columns.push(column);
    }
    Ok(bound)
}
