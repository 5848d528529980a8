//! Types of SMQL values (docs/language.md, "Types").

use std::fmt;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Ty {
    Int,
    Number,
    String,
    Bool,
    Timestamp,
    Duration,
    /// `one of (…)`, a grade's labels, or `stage`.
    Enum(Arc<EnumType>),
    /// `list of T`, T scalar (may be an enum).
    List(Box<Ty>),
    /// `list of { … }`
    Records(Arc<RecordType>),
    /// `T?`; never nested, never around a list.
    Optional(Box<Ty>),
    /// The type of an expression that already has an error reported: absorbs follow-on errors.
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EnumType {
    /// Values in declared order; for `stage`, the path then the detours.
    pub values: Vec<String>,
    /// `Some(n)` for `stage`: the first `n` values are the ordered path, the rest are detours,
    /// which are not `<`/`>` anything.
    pub stage_path_len: Option<usize>,
}

impl EnumType {
    pub fn index_of(&self, value: &str) -> Option<usize> {
        self.values.iter().position(|v| v == value)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RecordType {
    pub fields: Vec<RecordField>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RecordField {
    pub name: String,
    /// Scalar, possibly optional.
    pub ty: Ty,
}

impl RecordType {
    pub fn field(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }
}

impl Ty {
    pub fn optional(self) -> Ty {
        match self {
            Ty::Optional(_) | Ty::Error => self,
            t => Ty::Optional(Box::new(t)),
        }
    }

    pub fn is_optional(&self) -> bool {
        matches!(self, Ty::Optional(_))
    }

    /// The type without `?`.
    pub fn base(&self) -> &Ty {
        match self {
            Ty::Optional(t) => t,
            t => t,
        }
    }

    pub fn is_numeric(&self) -> bool {
        matches!(self, Ty::Int | Ty::Number)
    }

    /// Strings and enums (an enum value is a string).
    pub fn is_stringy(&self) -> bool {
        matches!(self, Ty::String | Ty::Enum(_))
    }

    pub fn is_error(&self) -> bool {
        matches!(self, Ty::Error)
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Int => f.write_str("int"),
            Ty::Number => f.write_str("number"),
            Ty::String => f.write_str("string"),
            Ty::Bool => f.write_str("bool"),
            Ty::Timestamp => f.write_str("timestamp"),
            Ty::Duration => f.write_str("duration"),
            Ty::Enum(e) if e.stage_path_len.is_some() => f.write_str("stage"),
            Ty::Enum(e) => {
                f.write_str("one of (")?;
                for (i, v) in e.values.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v:?}")?;
                }
                f.write_str(")")
            }
            Ty::List(t) => write!(f, "list of {t}"),
            Ty::Records(r) => {
                f.write_str("list of { ")?;
                for (i, fl) in r.fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}: {}", fl.name, fl.ty)?;
                }
                f.write_str(" }")
            }
            Ty::Optional(t) => write!(f, "{t}?"),
            Ty::Error => f.write_str("{error}"),
        }
    }
}
