//! What goes wrong while reading: a record that does not fit the schema ([`Reject`], one record
//! left out), or an input that cannot be read at all ([`InputError`], the run stops).

use serde::Serialize;
use std::fmt;

/// A record left out of the results, with its reason. Serialized as one NDJSON line of the
/// rejects file: `{"record": N, "line": L, "error": "...", "raw": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reject {
    /// 1-based record number in the input (CSV: not counting the header).
    pub record: u64,
    /// 1-based line where the record starts.
    pub line: u64,
    /// Why, without the input name and position: ``field `visits`: expected int, found `"abc"` ``.
    pub error: String,
    /// The record's text as in the input (lossy UTF-8, line break removed).
    pub raw: String,
    /// What would read the record, when a line of the rules would (`missing "null"`, a
    /// `timestamps` layout): the rejects file has it only then.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Reject {
    /// The full message: ``leads.ndjson: record 17 (line 17): field `visits`: …``.
    pub fn describe(&self, input: &str) -> String {
        format!(
            "{input}: record {} (line {}): {}",
            self.record, self.line, self.error
        )
    }

    /// One line of the rejects file, with its trailing newline.
    pub fn to_ndjson(&self) -> String {
        let mut line = serde_json::to_string(self).unwrap_or_else(|_| String::from("{}"));
        line.push('\n');
        line
    }
}

/// Why a record does not fit, with what would read it when a line of the rules would.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Bad {
    pub error: String,
    pub help: Option<String>,
}

impl From<String> for Bad {
    fn from(error: String) -> Bad {
        Bad { error, help: None }
    }
}

/// An input that cannot be read (as opposed to one bad record): the run stops whatever
/// `--on-error` says, because records could be lost without anyone knowing which.
#[derive(Debug)]
pub enum InputError {
    /// Opening, reading or decompressing failed (a truncated gzip file ends up here).
    Io {
        input: String,
        error: std::io::Error,
    },
    /// The file name does not say which format it is and none was given.
    UnknownFormat { input: String },
    /// CSV: columns for required fields are not in the header.
    MissingColumns {
        input: String,
        missing: Vec<MissingColumn>,
        header: Vec<String>,
        /// The header looks like one column holding this separator.
        delimiter: Option<char>,
    },
    /// CSV: a field reads a name the header has more than once, without `(N)` to tell which,
    /// or with an N past them.
    RepeatedColumn {
        input: String,
        field: String,
        column: String,
        /// 1-based positions of the columns with that name.
        positions: Vec<usize>,
        occurrence: Option<u32>,
    },
    /// JSON: `(N)` past 1, which names a repeated column, and only a CSV header repeats one.
    Occurrence {
        input: String,
        field: String,
        column: String,
        occurrence: u32,
    },
    /// JSON: the input starts with something other than `[` or `{`.
    NotJson { input: String, found: String },
    /// JSON array: the input ends before the closing `]`.
    UnclosedArray { input: String, line: u64 },
    /// JSON array: something other than whitespace follows the closing `]`.
    TrailingData { input: String, line: u64 },
}

/// A required field whose column is not in the CSV header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingColumn {
    pub field: String,
    pub column: String,
    /// The nearest header name, if one is close.
    pub nearest: Option<String>,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Io { input, error } => {
                if error.kind() == std::io::ErrorKind::UnexpectedEof {
                    write!(f, "{input}: input ends unexpectedly ({error})")
                } else {
                    write!(f, "{input}: cannot read: {error}")
                }
            }
            InputError::UnknownFormat { input } => {
                write!(f, "{input}: cannot tell the input format from the name")
            }
            InputError::MissingColumns { input, missing, .. } => match missing.as_slice() {
                [m] => write!(
                    f,
                    "{input}: the header has no column `{}` for required field `{}`",
                    m.column, m.field
                ),
                _ => {
                    let names: Vec<String> = missing
                        .iter()
                        .map(|m| {
                            if m.column == m.field {
                                format!("`{}`", m.column)
                            } else {
                                format!("`{}` (field `{}`)", m.column, m.field)
                            }
                        })
                        .collect();
                    write!(
                        f,
                        "{input}: the header has no columns for required fields: {}",
                        names.join(", ")
                    )
                }
            },
            InputError::RepeatedColumn {
                input,
                field,
                column,
                positions,
                occurrence,
            } => {
                let at: Vec<String> = positions.iter().map(|p| p.to_string()).collect();
                match occurrence {
                    None => write!(
                        f,
                        "{input}: the header has {} columns named `{column}` (columns {}): field `{field}` must say which",
                        positions.len(),
                        at.join(", ")
                    ),
                    Some(n) => write!(
                        f,
                        "{input}: field `{field}` reads column {n} named `{column}`, but the header has {} (columns {})",
                        positions.len(),
                        at.join(", ")
                    ),
                }
            }
            InputError::Occurrence {
                input,
                field,
                column,
                occurrence,
            } => write!(
                f,
                "{input}: field `{field}` reads column {occurrence} named `{column}`, but a JSON record has one value per key"
            ),
            InputError::NotJson { input, found } => write!(
                f,
                "{input}: expected a JSON array `[` or an object `{{` per line, found `{found}`"
            ),
            InputError::UnclosedArray { input, line } => write!(
                f,
                "{input}: the JSON array is not closed (input ends on line {line} without `]`)"
            ),
            InputError::TrailingData { input, line } => {
                write!(
                    f,
                    "{input}: line {line}: unexpected data after the JSON array"
                )
            }
        }
    }
}

impl std::error::Error for InputError {}

impl InputError {
    /// The same error about the input named `name` (splitters do not know the name).
    pub(crate) fn in_input(mut self, name: &str) -> InputError {
        match &mut self {
            InputError::Io { input, .. }
            | InputError::UnknownFormat { input }
            | InputError::MissingColumns { input, .. }
            | InputError::RepeatedColumn { input, .. }
            | InputError::Occurrence { input, .. }
            | InputError::NotJson { input, .. }
            | InputError::UnclosedArray { input, .. }
            | InputError::TrailingData { input, .. } => *input = name.to_string(),
        }
        self
    }

    /// Extra sentences for the user, where a fix is known.
    pub fn help(&self) -> Option<String> {
        match self {
            InputError::UnknownFormat { .. } => Some(
                "name the file `.json`, `.ndjson`, `.jsonl` or `.csv` (optionally `.gz`), or \
                 pass `--input-format json|ndjson|csv`"
                    .to_string(),
            ),
            InputError::RepeatedColumn {
                column, positions, ..
            } => {
                let ways: Vec<String> = (1..=positions.len())
                    .map(|n| format!("`from {column:?} ({n})`"))
                    .collect();
                Some(format!(
                    "exports repeat a name for an associated record's column (the contact's, then the company's): {}",
                    ways.join(", ")
                ))
            }
            InputError::Occurrence { .. } => {
                Some("remove `(N)` from the field: it tells repeated CSV columns apart".into())
            }
            InputError::MissingColumns {
                missing,
                header,
                delimiter: Some(d),
                ..
            } if header.len() <= 1 && !missing.is_empty() => Some(format!(
                "the header looks like one column holding `{}` separators: add `delimiter {:?}` to the rule set's `input` block (or pass `--csv-delimiter {}`)",
                d.escape_default(),
                d.to_string(),
                if *d == '\t' { "'\\t'".to_string() } else { format!("'{d}'") }
            )),
            InputError::MissingColumns {
                missing, header, ..
            } => {
                let mut help = if header.is_empty() {
                    "the header row is empty".to_string()
                } else {
                    let cols: Vec<String> = header.iter().map(|h| format!("`{h}`")).collect();
                    format!("the header's columns are {}", cols.join(", "))
                };
                for m in missing {
                    if let Some(n) = &m.nearest {
                        help.push_str(&format!("; did you mean `{n}` for `{}`?", m.column));
                    }
                }
                help.push_str(
                    "; if the column has another name, write `from \"NAME\"` on the field",
                );
                Some(help)
            }
            InputError::Io { error, .. } if error.kind() == std::io::ErrorKind::UnexpectedEof => {
                Some("the file may be truncated (an interrupted download or copy?)".to_string())
            }
            _ => None,
        }
    }
}

/// Text shortened for a message: at most `max` characters, `…` marking a cut.
pub fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((cut, _)) => format!("{}…", &text[..cut]),
    }
}

/// How long a value found in data may be in a message.
pub const FOUND_MAX: usize = 40;

/// A JSON string as found in data, quoted as in JSON and shortened: `"abc"`.
pub fn found_json_string(s: &str) -> String {
    let quoted = serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"));
    shorten(&quoted, FOUND_MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortens_on_char_boundaries() {
        assert_eq!(shorten("abc", 40), "abc");
        assert_eq!(shorten("ééééé", 3), "ééé…");
        assert_eq!(found_json_string("a\"b"), r#""a\"b""#);
        assert_eq!(found_json_string(&"x".repeat(100)).chars().count(), 41);
    }

    #[test]
    fn reject_describes_and_serializes() {
        let r = Reject {
            help: None,
            record: 17,
            line: 18,
            error: "field `visits`: expected int, found `\"abc\"`".into(),
            raw: "{\"visits\":\"abc\"}".into(),
        };
        assert_eq!(
            r.describe("leads.ndjson"),
            "leads.ndjson: record 17 (line 18): field `visits`: expected int, found `\"abc\"`"
        );
        assert_eq!(
            r.to_ndjson(),
            "{\"record\":17,\"line\":18,\"error\":\"field `visits`: expected int, found `\\\"abc\\\"`\",\"raw\":\"{\\\"visits\\\":\\\"abc\\\"}\"}\n"
        );
    }

    #[test]
    fn missing_columns_list_header_and_nearest() {
        let e = InputError::MissingColumns {
            input: "leads.csv".into(),
            missing: vec![MissingColumn {
                field: "visits".into(),
                column: "visits".into(),
                nearest: Some("Visits".into()),
            }],
            header: vec!["id".into(), "Visits".into()],
            delimiter: None,
        };
        assert_eq!(
            e.to_string(),
            "leads.csv: the header has no column `visits` for required field `visits`"
        );
        let help = e.help().unwrap_or_default();
        assert!(
            help.starts_with(
                "the header's columns are `id`, `Visits`; did you mean `Visits` for `visits`?"
            ),
            "{help}"
        );
    }
}
