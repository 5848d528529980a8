//! Which values a row of `smql eval` holds: the default columns of SPEC §9, or `--select`.

use crate::data::Batch;
use crate::diag::did_you_mean;
use crate::eval::LeadValues;
use crate::ir::{DefId, FieldId, GradeId, Program, ScoreId, Ty};
use crate::output::Column;
use crate::value::Value;

/// One output column's source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// The 1-based record number (`record`), for schemas without a key.
    Record,
    Field(FieldId),
    Def(DefId),
    Score(ScoreId),
    Grade(GradeId),
    Stage,
}

/// The default: the key (or `record`), `stage` when declared, every score, then every grade.
pub(crate) fn default_columns(program: &Program) -> Vec<(String, Source)> {
    let mut cols = vec![match program.schema.key {
        Some(k) => (program.field(k).name.clone(), Source::Field(k)),
        None => ("record".to_string(), Source::Record),
    }];
    if program.stages.is_some() {
        cols.push(("stage".to_string(), Source::Stage));
    }
    for (i, s) in program.scores.iter().enumerate() {
        cols.push((s.name.clone(), Source::Score(ScoreId(i as u32))));
    }
    for (i, g) in program.grades.iter().enumerate() {
        cols.push((g.name.clone(), Source::Grade(GradeId(i as u32))));
    }
    cols
}

/// Resolves `--select` names; an unknown name is a usage error with a "did you mean".
pub(crate) fn select_columns(
    program: &Program,
    names: &[&str],
) -> Result<Vec<(String, Source)>, String> {
    names
        .iter()
        .map(|&name| resolve(program, name).map(|s| (name.to_string(), s)))
        .collect()
}

fn resolve(program: &Program, name: &str) -> Result<Source, String> {
    if let Some(id) = program.schema.field_named(name) {
        return Ok(Source::Field(id));
    }
    if let Some(i) = program.defs.iter().position(|d| d.name == name) {
        return Ok(Source::Def(DefId(i as u32)));
    }
    if let Some(i) = program.scores.iter().position(|d| d.name == name) {
        return Ok(Source::Score(ScoreId(i as u32)));
    }
    if let Some(i) = program.grades.iter().position(|d| d.name == name) {
        return Ok(Source::Grade(GradeId(i as u32)));
    }
    if name == "stage" && program.stages.is_some() {
        return Ok(Source::Stage);
    }
    if name == "record" {
        return Ok(Source::Record);
    }
    let candidates = all_names(program);
    let mut message =
        format!("`--select` names `{name}`, which is not a field, definition, score or grade");
    if let Some(near) = did_you_mean(name, candidates.iter().map(String::as_str)) {
        message.push_str(&format!("; did you mean `{near}`?"));
    }
    Err(message)
}

fn all_names(program: &Program) -> Vec<String> {
    let mut names: Vec<String> = program
        .schema
        .fields
        .iter()
        .map(|f| f.name.clone())
        .collect();
    names.extend(program.defs.iter().map(|d| d.name.clone()));
    names.extend(program.scores.iter().map(|d| d.name.clone()));
    names.extend(program.grades.iter().map(|d| d.name.clone()));
    if program.stages.is_some() {
        names.push("stage".to_string());
    }
    names
}

/// The writer's columns (record lists need their field names for JSON objects).
pub(crate) fn output_columns(program: &Program, cols: &[(String, Source)]) -> Vec<Column> {
    cols.iter()
        .map(|(name, source)| {
            let ty = match source {
                Source::Field(f) => Some(&program.field(*f).ty),
                Source::Def(d) => Some(&program.def(*d).expr.ty),
                _ => None,
            };
            match ty {
                Some(Ty::Records(r)) => Column::records(
                    name.clone(),
                    r.fields.iter().map(|f| f.name.clone()).collect(),
                ),
                _ => Column::new(name.clone()),
            }
        })
        .collect()
}

/// The value of one column for one evaluated row.
pub(crate) fn value_of(
    source: Source,
    batch: &Batch,
    row: usize,
    lead: &[Value],
    values: &LeadValues,
) -> Value {
    match source {
        Source::Record => Value::Int(batch.record_number(row) as i64),
        Source::Field(f) => lead.get(f.0 as usize).cloned().unwrap_or(Value::Missing),
        Source::Def(d) => values
            .defs
            .get(d.0 as usize)
            .cloned()
            .unwrap_or(Value::Missing),
        Source::Score(s) => values
            .scores
            .get(s.0 as usize)
            .map_or(Value::Missing, |x| Value::Number(*x)),
        Source::Grade(g) => values
            .grades
            .get(g.0 as usize)
            .map_or(Value::Missing, |g| Value::Str(g.label.clone())),
        Source::Stage => values.stage.clone(),
    }
}
