//! `smql compile --ddl`: the `CREATE TABLE` a table of leads needs for the compiled query, one
//! column per schema field with the dialect's type for it (SPEC §14.5).

use super::dialect::{Arrays, Records, Spec};
use crate::ir::{Field, Program, Ty};

/// `ARRAY<T>`, `T[]` or `ARRAY`, as the dialect writes the type of a list.
pub fn array_type(spec: &Spec, elem: &str) -> String {
    match spec.arrays {
        Arrays::Brackets | Arrays::ArrayBrackets => format!("{elem}[]"),
        Arrays::ArrayFn | Arrays::BracketsGeneric => format!("ARRAY<{elem}>"),
        Arrays::Construct => "ARRAY".to_string(),
    }
}

/// Quoted as the dialect quotes identifiers (the quote doubled inside).
pub fn quote(spec: &Spec, name: &str) -> String {
    let q = spec.quote;
    let mut s = String::with_capacity(name.len() + 2);
    s.push(q);
    for c in name.chars() {
        if c == q {
            s.push(q);
        }
        s.push(c);
    }
    s.push(q);
    s
}

/// The stored type of a scalar: durations are milliseconds in a `BIGINT`, enums text.
fn scalar(spec: &Spec, ty: &Ty) -> String {
    let t = &spec.types;
    match ty.base() {
        Ty::Int | Ty::Duration => t.int.to_string(),
        Ty::Number => t.number.to_string(),
        Ty::String | Ty::Enum(_) => t.string.to_string(),
        Ty::Bool => t.bool.to_string(),
        Ty::Timestamp => t.timestamp.to_string(),
        _ => t.string.to_string(),
    }
}

/// The stored type of a field's column.
pub fn column_type(spec: &Spec, ty: &Ty) -> String {
    match ty.base() {
        Ty::List(e) => array_type(spec, &scalar(spec, e)),
        Ty::Records(r) => match spec.records {
            Records::Jsonb => "JSONB".to_string(),
            Records::Variant => "ARRAY".to_string(),
            Records::Struct => {
                let fields: Vec<String> = r
                    .fields
                    .iter()
                    .map(|f| {
                        let name = quote(spec, &f.name);
                        let t = scalar(spec, &f.ty);
                        match spec.arrays {
                            Arrays::Brackets => format!("{name} {t}"),
                            Arrays::ArrayFn => format!("{name}: {t}"),
                            _ => format!("{name} {t}"),
                        }
                    })
                    .collect();
                match spec.arrays {
                    Arrays::Brackets => format!("STRUCT({})[]", fields.join(", ")),
                    _ => format!("ARRAY<STRUCT<{}>>", fields.join(", ")),
                }
            }
        },
        t => scalar(spec, t),
    }
}

/// The column a field is read from: its name, or with `input_names` its `from` name.
pub fn column_name(field: &Field, input_names: bool) -> &str {
    if input_names {
        &field.column
    } else {
        &field.name
    }
}

/// `CREATE TABLE name (…);` for the schema. Required scalar fields are `NOT NULL` where the
/// dialect's tables enforce it (not Spark's, whose file sources ignore it).
pub fn create_table(spec: &Spec, program: &Program, table: &str, input_names: bool) -> String {
    let mut out = format!("CREATE TABLE {} (\n", table_name(spec, table));
    let n = program.schema.fields.len();
    for (i, f) in program.schema.fields.iter().enumerate() {
        let required = !f.ty.is_optional() && !matches!(f.ty, Ty::List(_) | Ty::Records(_));
        let not_null = if required && spec.name != "Spark" {
            " NOT NULL"
        } else {
            ""
        };
        out.push_str(&format!(
            "  {} {}{not_null}{}\n",
            quote(spec, column_name(f, input_names)),
            column_type(spec, &f.ty),
            if i + 1 < n { "," } else { "" }
        ));
    }
    out.push_str(");\n");
    out
}

/// A table name as given: `schema.table` parts are quoted one by one.
pub fn table_name(spec: &Spec, table: &str) -> String {
    table
        .split('.')
        .map(|p| quote(spec, p))
        .collect::<Vec<_>>()
        .join(".")
}
