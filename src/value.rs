//! Runtime values, as the reference interpreter and `test` givens see them.
//!
//! Timestamps are UTC milliseconds since the epoch; durations are milliseconds. An enum value is
//! its string. A record (an element of `list of { … }`) holds its fields in the record type's
//! order.

use std::sync::Arc;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// An absent `T?`.
    Missing,
    Int(i64),
    Number(f64),
    Str(Arc<str>),
    Bool(bool),
    Timestamp(i64),
    Duration(i64),
    List(Arc<[Value]>),
    Record(Arc<[Value]>),
}

impl Value {
    pub fn str(s: &str) -> Value {
        Value::Str(Arc::from(s))
    }

    pub fn is_missing(&self) -> bool {
        matches!(self, Value::Missing)
    }
}
