//! A column's type from its sampled values, for `smql init`. Nothing is guessed silently: what
//! needs an `input` line is recorded in [`Needs`], and what could be read two ways is a note.

use super::layouts::{self, Written};
use super::numbers::{self, Marks};
use super::sample::{Declared, Sample};
use crate::data::convert::{parse_bool, parse_int, parse_number};

/// Cell texts that exports write for "no value", recognised when a column also has real values.
pub(crate) const MISSING_TEXTS: &[&str] = &[
    "null",
    "NULL",
    "Null",
    "None",
    "none",
    "[not provided]",
    "N/A",
    "n/a",
    "#N/A",
    "Select",
    "(blank)",
];

/// Distinct values at most for an enum (`one of`).
const ENUM_MAX: usize = 10;
/// Characters at most in an enum value.
const ENUM_VALUE_MAX: usize = 32;

/// A field's type as smql writes it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    Bool,
    Int,
    Number,
    Timestamp,
    String,
    Enum(Vec<String>),
    List(Box<Kind>),
    Records(Vec<(String, Kind, bool)>),
}

impl Kind {
    /// The type as written in a schema, `?` added when `optional`.
    pub fn text(&self, optional: bool) -> String {
        let base = match self {
            Kind::Bool => "bool".to_string(),
            Kind::Int => "int".to_string(),
            Kind::Number => "number".to_string(),
            Kind::Timestamp => "timestamp".to_string(),
            Kind::String => "string".to_string(),
            Kind::Enum(values) => {
                let quoted: Vec<String> = values.iter().map(|v| quote(v)).collect();
                format!("one of ({})", quoted.join(", "))
            }
            Kind::List(item) => return format!("list of {}", item.text(false)),
            Kind::Records(fields) => {
                let parts: Vec<String> = fields
                    .iter()
                    .map(|(n, k, opt)| format!("{n}: {}", k.text(*opt)))
                    .collect();
                return format!("list of {{ {} }}", parts.join(", "));
            }
        };
        if optional {
            format!("{base}?")
        } else {
            base
        }
    }
}

/// A string literal of smql.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// What the `input` block must say for the guesses to read the file.
#[derive(Debug, Default)]
pub(crate) struct Needs {
    pub timestamps: Vec<&'static str>,
    pub missing: Vec<String>,
    pub marks: Option<Marks>,
    pub currency: Vec<&'static str>,
    /// Columns with timestamps that have no offset (read as UTC unless `time zone` says).
    pub local: Vec<String>,
}

/// A column's guess.
#[derive(Debug)]
pub(crate) struct Guess {
    pub kind: Kind,
    pub optional: bool,
    /// Things the user must confirm (an ambiguous date order).
    pub note: Option<String>,
}

/// The file-wide number marks, from every column whose values all look like numbers.
pub(crate) fn file_marks(columns: &[Vec<Sample>]) -> Marks {
    let mut shapes = Vec::new();
    for column in columns {
        let texts = texts(column);
        if texts.is_empty() {
            continue;
        }
        let s: Option<Vec<numbers::Shape>> = texts.iter().map(|t| numbers::shape(t)).collect();
        if let Some(s) = s {
            shapes.extend(s);
        }
    }
    Marks::from_shapes(&shapes)
}

/// The non-missing texts of a column, trimmed, without the missing texts.
fn texts(column: &[Sample]) -> Vec<&str> {
    column
        .iter()
        .filter_map(|v| match v {
            Sample::Text(t) => Some(t.trim()),
            _ => None,
        })
        .filter(|t| !t.is_empty() && !MISSING_TEXTS.contains(t))
        .collect()
}

/// Guesses the type of column `name` from its values (and its declared type, for Parquet),
/// adding to `needs` what the `input` block must say.
pub(crate) fn guess(
    name: &str,
    column: &[Sample],
    declared: Option<&Declared>,
    marks: Marks,
    needs: &mut Needs,
) -> Guess {
    let mut optional = false;
    let mut typed: Vec<&Sample> = Vec::new();
    let mut texts: Vec<&str> = Vec::new();
    let mut lists = false;
    for v in column {
        match v {
            Sample::Missing => optional = true,
            Sample::Text(t) => {
                let t = t.trim();
                if t.is_empty() {
                    optional = true;
                } else if MISSING_TEXTS.contains(&t) {
                    optional = true;
                    if !needs.missing.iter().any(|m| m == t) {
                        needs.missing.push(t.to_string());
                    }
                } else {
                    texts.push(t);
                }
            }
            Sample::List(_) | Sample::Records(_) => {
                lists = true;
                typed.push(v);
            }
            Sample::LocalTime(_) => {
                // Read in the `input` block's zone: say so, as for text without an offset.
                if !needs.local.iter().any(|n| n == name) {
                    needs.local.push(name.to_string());
                }
                typed.push(v);
            }
            other => typed.push(other),
        }
    }
    // A column of nothing but missing texts does not need them as a `missing` line.
    if texts.is_empty() && typed.is_empty() {
        let kind = declared.map_or(Kind::String, declared_kind);
        return Guess {
            optional: !matches!(kind, Kind::List(_)),
            kind,
            note: None,
        };
    }
    if let Some(d) = declared {
        let kind = declared_kind(d);
        let kind = match kind {
            Kind::String => {
                text_kind(name, &texts, marks, needs, &mut None).unwrap_or(Kind::String)
            }
            k => k,
        };
        let kind = enum_of(kind, &texts);
        return Guess {
            optional: optional && !matches!(kind, Kind::List(_)),
            kind,
            note: None,
        };
    }
    if lists {
        let kind = list_kind(column, marks, needs);
        return Guess {
            kind,
            optional: false,
            note: None,
        };
    }
    let typed_kind = typed_kind(&typed);
    let mut note = None;
    let kind = match (typed_kind, texts.is_empty()) {
        (Some(k), true) => k,
        (None, false) if typed.is_empty() => text_kind(name, &texts, marks, needs, &mut note)
            .unwrap_or_else(|| list_or_string(name, &texts, marks, needs)),
        // Typed values and texts mixed (a JSON number here, a string there): text, unless the
        // texts read as the typed values' kind.
        (Some(k), false) => match text_kind(name, &texts, marks, needs, &mut note) {
            Some(t) if t == k || (k == Kind::Int && t == Kind::Number) => t,
            _ => Kind::String,
        },
        _ => Kind::String,
    };
    let kind = enum_of(kind, &texts);
    Guess {
        kind,
        optional,
        note,
    }
}

fn declared_kind(d: &Declared) -> Kind {
    match d {
        Declared::Bool => Kind::Bool,
        Declared::Int => Kind::Int,
        Declared::Number => Kind::Number,
        Declared::Timestamp => Kind::Timestamp,
        Declared::Text | Declared::Other(_) => Kind::String,
        Declared::List(item) => Kind::List(Box::new(declared_kind(item))),
    }
}

/// The kind of values the file typed (JSON numbers and booleans, spreadsheet cells).
fn typed_kind(values: &[&Sample]) -> Option<Kind> {
    let mut kind: Option<Kind> = None;
    for v in values {
        let k = match v {
            Sample::Int(_) => Kind::Int,
            Sample::Float(_) => Kind::Number,
            Sample::Bool(_) => Kind::Bool,
            Sample::Time(_) | Sample::LocalTime(_) => Kind::Timestamp,
            _ => return None,
        };
        kind = match (kind, k) {
            (None, k) => Some(k),
            (Some(a), b) if a == b => Some(a),
            (Some(Kind::Int), Kind::Number) | (Some(Kind::Number), Kind::Int) => Some(Kind::Number),
            _ => return None,
        };
    }
    kind
}

/// The kind of a column of texts, if every one reads as it: bool, int, number or timestamp.
fn text_kind(
    name: &str,
    texts: &[&str],
    marks: Marks,
    needs: &mut Needs,
    note: &mut Option<String>,
) -> Option<Kind> {
    if texts.is_empty() {
        return None;
    }
    if texts.iter().all(|t| parse_bool(t).is_some()) {
        return Some(Kind::Bool);
    }
    // Eight-digit dates before ints: `20210105` is a day, not a number of anything.
    if let Some(written) = layouts::recognise(texts) {
        match written {
            Written::Standard { local } => {
                if local && !needs.local.iter().any(|n| n == name) {
                    needs.local.push(name.to_string());
                }
            }
            Written::Layouts { layouts, ambiguous } => {
                for l in &layouts {
                    if !needs.timestamps.contains(l) {
                        needs.timestamps.push(l);
                    }
                }
                needs.local.push(name.to_string());
                if let Some(example) = ambiguous {
                    *note = Some(format!(
                        "dates such as `{example}` could be month/day or day/month: read as month/day (`{}`); if they are day/month, write `%d/%m` in the layout",
                        layouts.first().copied().unwrap_or("%m/%d/%Y")
                    ));
                }
            }
        }
        return Some(Kind::Timestamp);
    }
    // Ids with leading zeros (`007`, zip codes) would lose them as numbers.
    let leading_zero = |t: &str| {
        let d = t.strip_prefix(['-', '+']).unwrap_or(t).as_bytes();
        d.len() > 1 && d[0] == b'0' && d[1].is_ascii_digit()
    };
    if texts.iter().any(|t| leading_zero(t)) {
        return None;
    }
    if texts.iter().all(|t| parse_int(t).is_some()) {
        return Some(Kind::Int);
    }
    if texts.iter().all(|t| parse_number(t).is_some()) {
        return Some(Kind::Number);
    }
    // Currency, grouping and decimal commas: needs `numbers` / `currency`.
    let shapes: Option<Vec<numbers::Shape>> = texts.iter().map(|t| numbers::shape(t)).collect();
    let shapes = shapes?;
    if !shapes.iter().all(|s| marks.reads(s)) {
        return None;
    }
    let mut needs_marks = false;
    for s in &shapes {
        if let Some(c) = s.currency {
            if !needs.currency.contains(&c) {
                needs.currency.push(c);
            }
        }
        needs_marks |= s.grouping.is_some() || s.three_after.is_some() || s.decimal_comma;
    }
    if needs_marks && marks != Marks::Plain {
        needs.marks = Some(marks);
    }
    let money = shapes.iter().any(|s| s.currency.is_some());
    if !money && shapes.iter().all(|s| !marks.fraction(s)) {
        Some(Kind::Int)
    } else {
        Some(Kind::Number)
    }
}

/// Texts with `;` are lists (of the kind their parts read as); other texts are strings.
fn list_or_string(name: &str, texts: &[&str], marks: Marks, needs: &mut Needs) -> Kind {
    let listy = texts.iter().any(|t| t.contains(';'));
    let parts: Vec<&str> = texts
        .iter()
        .flat_map(|t| t.split(';'))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if listy && parts.iter().all(|p| p.chars().count() <= 60) {
        let item = text_kind(name, &parts, marks, needs, &mut None).unwrap_or(Kind::String);
        let item = enum_of(item, &parts);
        return Kind::List(Box::new(item));
    }
    Kind::String
}

/// JSON arrays: a list of the kind of their items, or of records.
fn list_kind(column: &[Sample], marks: Marks, needs: &mut Needs) -> Kind {
    let mut items: Vec<Sample> = Vec::new();
    let mut records: Vec<&Vec<(String, Sample)>> = Vec::new();
    for v in column {
        match v {
            Sample::List(l) => items.extend(l.iter().cloned()),
            Sample::Records(r) => records.extend(r.iter()),
            _ => {}
        }
    }
    if !records.is_empty() {
        let mut names: Vec<String> = Vec::new();
        for r in &records {
            for (k, _) in r.iter() {
                if !names.contains(k) {
                    names.push(k.clone());
                }
            }
        }
        let fields = names
            .iter()
            .map(|n| {
                let values: Vec<Sample> = records
                    .iter()
                    .map(|r| {
                        r.iter()
                            .find(|(k, _)| k == n)
                            .map_or(Sample::Missing, |(_, v)| v.clone())
                    })
                    .collect();
                let g = guess(n, &values, None, marks, needs);
                let kind = match g.kind {
                    Kind::List(_) | Kind::Records(_) => Kind::String,
                    k => k,
                };
                (n.clone(), kind, g.optional)
            })
            .collect();
        return Kind::Records(fields);
    }
    let g = guess("", &items, None, marks, needs);
    match g.kind {
        Kind::List(_) | Kind::Records(_) => Kind::List(Box::new(Kind::String)),
        k => Kind::List(Box::new(k)),
    }
}

/// A string kind with few distinct, short values, each seen more than once on average, becomes an
/// enum of them (in order of first appearance).
fn enum_of(kind: Kind, texts: &[&str]) -> Kind {
    match kind {
        Kind::String => {}
        Kind::List(item) if *item == Kind::String => {
            return Kind::List(Box::new(enum_of(Kind::String, texts)))
        }
        k => return k,
    }
    let mut distinct: Vec<&str> = Vec::new();
    for t in texts {
        if !distinct.contains(t) {
            if distinct.len() == ENUM_MAX || t.chars().count() > ENUM_VALUE_MAX {
                return Kind::String;
            }
            distinct.push(t);
        }
    }
    if distinct.len() >= 2 && texts.len() >= 2 * distinct.len() {
        Kind::Enum(distinct.iter().map(|s| s.to_string()).collect())
    } else {
        Kind::String
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(values: &[&str]) -> (Guess, Needs) {
        let column: Vec<Sample> = values
            .iter()
            .map(|v| {
                if v.is_empty() {
                    Sample::Missing
                } else {
                    Sample::Text(v.to_string())
                }
            })
            .collect();
        let marks = file_marks(std::slice::from_ref(&column));
        let mut needs = Needs::default();
        (guess("c", &column, None, marks, &mut needs), needs)
    }

    #[test]
    fn scalars_from_text() {
        assert_eq!(of(&["yes", "no", "YES"]).0.kind, Kind::Bool);
        assert_eq!(of(&["0", "1", "1"]).0.kind, Kind::Bool);
        assert_eq!(of(&["3", "12", "-4"]).0.kind, Kind::Int);
        assert_eq!(of(&["007", "12"]).0.kind, Kind::String);
        assert_eq!(of(&["3", "12.5"]).0.kind, Kind::Number);
        let (g, n) = of(&["2024-01-02", ""]);
        assert_eq!((g.kind, g.optional), (Kind::Timestamp, true));
        assert_eq!(n.local, ["c"]);
        assert_eq!(of(&["a", "b", "c"]).0.kind, Kind::String);
    }

    #[test]
    fn enums_lists_missing_texts() {
        let (g, _) = of(&["organic", "paid", "organic", "paid", "event", "organic"]);
        assert_eq!(
            g.kind,
            Kind::Enum(vec!["organic".into(), "paid".into(), "event".into()])
        );
        let (g, _) = of(&["/pricing;/demo", "/docs", ""]);
        assert_eq!(
            (g.kind, g.optional),
            (Kind::List(Box::new(Kind::String)), true)
        );
        let (g, n) = of(&["12", "null", "[not provided]"]);
        assert_eq!((g.kind, g.optional), (Kind::Int, true));
        assert_eq!(n.missing, ["null", "[not provided]"]);
    }

    #[test]
    fn money_and_layouts_need_input_lines() {
        let (g, n) = of(&["$200,000 ", "$1,500"]);
        assert_eq!(g.kind, Kind::Number);
        assert_eq!((n.currency, n.marks), (vec!["$"], Some(Marks::CommaGroups)));
        let (g, n) = of(&["146.536,25", "R$ 100.000"]);
        assert_eq!(g.kind, Kind::Number);
        assert_eq!(n.marks, Some(Marks::DecimalComma));
        let (g, n) = of(&["01/02/2024", "03/04/2024"]);
        assert_eq!(g.kind, Kind::Timestamp);
        assert_eq!(n.timestamps, ["%m/%d/%Y"]);
        assert!(g.note.is_some_and(|m| m.contains("`01/02/2024`")));
    }
}
