//! A batch must have exactly the shape the schema promises before a kernel may read it: the
//! kernel trusts every length and offset it loads. `Batch` fields are public, so this is checked
//! once per batch (linear in the offsets, independent of the rules).

use super::plan::{Child, ColPath, Slot};
use crate::data::{Batch, Column, Scalar};
use crate::ir::{Schema, Ty};

/// The column at `path`, if the batch has it.
pub(super) fn column(batch: &Batch, path: ColPath) -> Option<&Column> {
    let top = batch.columns.get(path.field as usize)?;
    match path.child {
        Child::Top => Some(top),
        Child::Items => match top {
            Column::List(l) => Some(&l.items),
            _ => None,
        },
        Child::Field(j) => match top {
            Column::Records(r) => r.fields.get(j as usize),
            _ => None,
        },
    }
}

/// Checks that every column of `batch` that `slots` point into fits its schema field: its
/// kind, `rows` values, a `present` column exactly for optional fields, offsets that start at 0,
/// never decrease and stay within the child columns. The kernel reads no other column (a
/// field the reader did not decode has an empty one).
pub(super) fn batch_fits(batch: &Batch, schema: &Schema, slots: &[Slot]) -> Result<(), String> {
    if batch.columns.len() != schema.fields.len() {
        return Err(format!(
            "the batch has {} columns for {} schema fields",
            batch.columns.len(),
            schema.fields.len()
        ));
    }
    let mut read = vec![false; schema.fields.len()];
    for slot in slots {
        if let Slot::Values(c) | Slot::Present(c) | Slot::Offsets(c) = slot {
            match read.get_mut(c.field as usize) {
                Some(r) => *r = true,
                None => return Err(format!("no field {} in the schema", c.field)),
            }
        }
    }
    let rows = batch.len();
    let fields = schema.fields.iter().zip(&batch.columns).zip(read);
    for ((field, column), _) in fields.filter(|(_, read)| *read) {
        column_fits(column, &field.ty, rows)
            .map_err(|e| format!("column `{}`: {e}", field.name))?;
    }
    Ok(())
}

fn column_fits(column: &Column, ty: &Ty, rows: usize) -> Result<(), String> {
    match (ty.base(), column) {
        (Ty::List(item), Column::List(l)) => {
            let items = offsets_fit(&l.offsets, rows)?;
            if item.is_optional() {
                return Err("list items cannot be missing".into());
            }
            scalar_fits(&l.items, item, items, true)
        }
        (Ty::Records(rt), Column::Records(r)) => {
            let items = offsets_fit(&r.offsets, rows)?;
            if r.fields.len() != rt.fields.len() {
                return Err("wrong number of record fields".into());
            }
            for (f, c) in rt.fields.iter().zip(&r.fields) {
                scalar_fits(c, &f.ty, items, true)?;
            }
            Ok(())
        }
        _ => scalar_fits(column, ty, rows, false),
    }
}

/// `at_least`: child columns may hold more items than the offsets use.
fn scalar_fits(column: &Column, ty: &Ty, len: usize, at_least: bool) -> Result<(), String> {
    fn check<T>(s: &Scalar<T>, optional: bool, len: usize, at_least: bool) -> Result<(), String> {
        let ok = |n: usize| if at_least { n >= len } else { n == len };
        if !ok(s.values.len()) {
            return Err(format!("{} values for {len} rows", s.values.len()));
        }
        match (&s.present, optional) {
            (Some(p), true) if ok(p.len()) => Ok(()),
            (None, false) => Ok(()),
            (Some(_), false) => Ok(()), // never read
            _ => Err("an optional column without presence flags".into()),
        }
    }
    let optional = ty.is_optional();
    match (ty.base(), column) {
        (Ty::Int, Column::Int(s))
        | (Ty::Timestamp, Column::Timestamp(s))
        | (Ty::Duration, Column::Duration(s)) => check(s, optional, len, at_least),
        (Ty::Number, Column::Number(s)) => check(s, optional, len, at_least),
        (Ty::Bool, Column::Bool(s)) => check(s, optional, len, at_least),
        (Ty::String | Ty::Enum(_), Column::Str(s)) => check(s, optional, len, at_least),
        (ty, _) => Err(format!("the column does not hold `{ty}` values")),
    }
}

/// The number of items the offsets of `rows` rows cover.
fn offsets_fit(offsets: &[u32], rows: usize) -> Result<usize, String> {
    if offsets.len() != rows + 1 {
        return Err(format!("{} offsets for {rows} rows", offsets.len()));
    }
    if offsets.first() != Some(&0) || offsets.windows(2).any(|w| w[0] > w[1]) {
        return Err("offsets do not start at 0 or decrease".into());
    }
    Ok(offsets.last().copied().unwrap_or(0) as usize)
}
