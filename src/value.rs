//! Runtime values, as the reference interpreter and `test` givens see them.
//!
//! Timestamps are UTC milliseconds since the epoch; durations are milliseconds. An enum value is
//! its string. A record (an element of `list of { … }`) holds its fields in the record type's
//! order.

use std::sync::Arc;

/// A value of a field, a definition, a score or a grade.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// An absent `T?`.
    Missing,
    /// An `int`.
    Int(i64),
    /// A `number` (scores are numbers).
    Number(f64),
    /// A `string`, an enum value (`one of (…)`), a grade's label or a stage's name.
    Str(Arc<str>),
    /// A `bool` (the value of a `NAME when …` definition).
    Bool(bool),
    /// A `timestamp`: UTC milliseconds since the epoch.
    Timestamp(i64),
    /// A `duration`, in milliseconds.
    Duration(i64),
    /// A `list of T` (of scalars, or of records for events).
    List(Arc<[Value]>),
    /// One element of a `list of { … }`: its fields in the record type's order.
    Record(Arc<[Value]>),
}

/// As people read it (explanations, test failures): strings quoted, lists `[a, b]`, numbers in
/// their shortest form, missing as `missing`.
impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::output::human(self, None))
    }
}

/// `missing`.
impl Default for Value {
    fn default() -> Value {
        Value::Missing
    }
}

impl Value {
    /// A string value.
    pub fn str(s: &str) -> Value {
        Value::Str(Arc::from(s))
    }

    /// Whether this is an absent `T?`.
    pub fn is_missing(&self) -> bool {
        matches!(self, Value::Missing)
    }
}
