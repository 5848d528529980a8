//! One lead at a time, for embedders, `smql test` and `smql explain`: a [`Lead`] in, a
//! [`Scored`] (or an [`Explanation`]) out, read by name.

use super::engine::Evaluator;
use super::trace::Trace;
use super::LeadValues;
use crate::data::{Batch, ChunkSize, Format, Input, Reader};
use crate::ir::{Name, Program};
use crate::value::Value;
use std::fmt;
use std::sync::Arc;

/// One lead, read by a rule set's schema (a one-row batch: both engines evaluate it as they
/// evaluate a file).
#[derive(Debug, Clone)]
pub struct Lead {
    batch: Batch,
}

/// Why a lead could not be read: the message names the field and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadError {
    message: String,
}

impl fmt::Display for LeadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for LeadError {}

impl Lead {
    /// A lead from one JSON object (`{"id": "L-1", "visits": 4}`), read exactly as a record of
    /// an NDJSON file is (the same conversions, the same errors).
    pub fn from_json(evaluator: &Evaluator, json: &str) -> Result<Lead, LeadError> {
        let error = |message: String| LeadError { message };
        let line = json.replace(['\n', '\r'], " ");
        let input = Input::from_bytes("lead", line.into_bytes(), Format::Ndjson)
            .map_err(|e| error(e.to_string()))?;
        // Every string shared: a one-row batch costs nothing to intern, and either engine may
        // compare any field's strings.
        let schema = &evaluator.program().schema;
        let reader =
            Reader::new(input, schema, ChunkSize::default()).map_err(|e| error(e.to_string()))?;
        let (mut batches, rejects) = reader.read_all().map_err(|e| error(e.to_string()))?;
        if let Some(r) = rejects.first() {
            return Err(error(r.error.clone()));
        }
        match (batches.pop(), batches.is_empty()) {
            (Some(batch), true) if batch.len() == 1 => Ok(Lead { batch }),
            _ => Err(error("expected one JSON object".to_string())),
        }
    }

    /// A lead from a JSON object value (`serde_json::json!({"visits": 4})`).
    pub fn from_json_value(
        evaluator: &Evaluator,
        json: &serde_json::Value,
    ) -> Result<Lead, LeadError> {
        Lead::from_json(evaluator, &json.to_string())
    }

    /// A lead from one value per schema field, in schema order, as a test's `given` or
    /// [`Batch::lead`] gives them.
    pub fn from_values(program: &Program, values: Vec<Value>) -> Result<Lead, LeadError> {
        Batch::from_leads(&program.schema, &[values])
            .map(|batch| Lead { batch })
            .map_err(|message| LeadError { message })
    }

    /// Row `row` of `batch` as a lead of its own.
    pub fn from_row(program: &Program, batch: &Batch, row: usize) -> Result<Lead, LeadError> {
        Lead::from_values(program, batch.lead(row))
    }

    pub(crate) fn batch(&self) -> &Batch {
        &self.batch
    }

    /// The lead's fields, one value per schema field.
    pub fn fields(&self) -> Vec<Value> {
        self.batch.lead(0)
    }
}

/// One evaluated lead, read by name.
#[derive(Debug, Clone)]
pub struct Scored {
    program: Arc<Program>,
    fields: Vec<Value>,
    values: LeadValues,
}

impl Scored {
    pub(crate) fn new(program: Arc<Program>, fields: Vec<Value>, values: LeadValues) -> Scored {
        Scored {
            program,
            fields,
            values,
        }
    }

    /// The score called `name`.
    pub fn score(&self, name: &str) -> Option<f64> {
        match self.program.lookup(name)? {
            Name::Score(id) => self.values.scores.get(id.0 as usize).copied(),
            _ => None,
        }
    }

    /// The label of the grade called `name`.
    pub fn grade(&self, name: &str) -> Option<&str> {
        match self.program.lookup(name)? {
            Name::Grade(id) => self.values.grades.get(id.0 as usize).map(|g| &*g.label),
            _ => None,
        }
    }

    /// The value of the definition called `name`.
    pub fn definition(&self, name: &str) -> Option<Value> {
        match self.program.lookup(name)? {
            Name::Def(id) => self.values.defs.get(id.0 as usize).cloned(),
            _ => None,
        }
    }

    /// The lead's stage; `None` when it reached none.
    pub fn stage(&self) -> Option<&str> {
        match &self.values.stage {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The value of any declared name: a field, definition, score, grade or `stage`.
    pub fn get(&self, name: &str) -> Option<Value> {
        Some(match self.program.lookup(name)? {
            Name::Field(id) => self.fields.get(id.0 as usize)?.clone(),
            Name::Def(id) => self.values.defs.get(id.0 as usize)?.clone(),
            Name::Score(id) => Value::Number(*self.values.scores.get(id.0 as usize)?),
            Name::Grade(id) => Value::Str(self.values.grades.get(id.0 as usize)?.label.clone()),
            Name::Stage => self.values.stage.clone(),
        })
    }

    /// Every value, by id.
    pub fn values(&self) -> &LeadValues {
        &self.values
    }

    /// The lead's fields, one value per schema field.
    pub fn fields(&self) -> &[Value] {
        &self.fields
    }
}

/// One lead, evaluated and explained: its fields, every value, and why each score, grade and
/// the stage came out as they did.
#[derive(Debug, Clone)]
pub struct Explanation {
    /// One value per schema field.
    pub fields: Vec<Value>,
    /// Every definition, score, grade and the stage.
    pub values: LeadValues,
    /// Why each score, grade and the stage came out as they did.
    pub trace: Trace,
}
