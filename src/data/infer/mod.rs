//! `smql init`: a rule set scaffolded from an export. The header and the first rows are
//! sampled ([`sample`]), each column's type is guessed ([`guess`]: bool, int, number, timestamp
//! with its layout, lists, enums, optionals), and the `schema` is written with the `input`
//! block its guesses need and a comment per field showing sample values. What could be read two
//! ways (a date such as `01/02/2024`) is reported in [`Scaffold::notes`] and written out for
//! the user to confirm.

mod guess;
mod layouts;
mod numbers;
#[cfg(feature = "parquet")]
mod parquet_sample;
mod sample;

use super::input::Input;
use super::reject::InputError;
use guess::{quote, Kind, Needs};
use sample::Sample;

/// Rows sampled by default.
pub const SAMPLE_ROWS: usize = 1000;

/// A scaffolded rule set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scaffold {
    /// The rule set's text.
    pub text: String,
    /// What the user should confirm, one line each (also written as comments in `text`).
    pub notes: Vec<String>,
}

/// Scaffolds a rule set from `input`'s header and first `rows` records; `command` is how the
/// file is named in its first comment (`smql init leads.csv`).
pub fn scaffold(input: Input, rows: usize, command: &str) -> Result<Scaffold, InputError> {
    let name = input.name.clone();
    let s = sample::sample(input, rows.max(1))?;
    if s.names.is_empty() {
        return Err(InputError::Format {
            input: name,
            message: "no header or records to infer a schema from".to_string(),
            help: None,
        });
    }
    let marks = guess::file_marks(&s.columns);
    let mut needs = Needs::default();
    let names = field_names(&s.names);
    let mut notes = Vec::new();
    let mut fields = Vec::new();
    for (i, header) in s.names.iter().enumerate() {
        let g = guess::guess(
            header,
            &s.columns[i],
            s.declared[i].as_ref(),
            marks,
            &mut needs,
        );
        if let Some(n) = &g.note {
            notes.push(format!("column `{header}`: {n}"));
        }
        fields.push((g, i));
    }
    let key = key_column(&s.names, &s.columns, &fields);
    let mut out = String::new();
    out.push_str(&format!(
        "# Scaffolded by `{command}` from its header and {}: check each type, then add\n\
         # definitions, scores and stages (docs/language.md).\n",
        match s.rows {
            1 => "first record".to_string(),
            n => format!("first {n} records"),
        }
    ));
    if let Some(sheet) = &s.sheet {
        out.push_str(&format!("# Sheet {}.\n", quote(sheet)));
    }
    if !needs.local.is_empty() {
        let cols: Vec<String> = needs.local.iter().map(|c| format!("`{c}`")).collect();
        let line = format!(
            "timestamps in {} have no offset: they read as UTC unless `time zone` names their zone",
            cols.join(", ")
        );
        notes.push(line);
    }
    let input_block = input_block(&s, &needs);
    out.push('\n');
    if !input_block.is_empty() {
        out.push_str(&input_block);
        out.push('\n');
    }
    out.push_str("schema {\n");
    let occurrences = occurrences(&s.names);
    let width = fields
        .iter()
        .map(|(_, i)| names[*i].chars().count())
        .max()
        .unwrap_or(0);
    for (g, i) in &fields {
        let header = &s.names[*i];
        let is_key = key == Some(*i);
        let ty = if is_key {
            "string".to_string()
        } else {
            g.kind.text(g.optional)
        };
        let mut line = format!("  {:<w$} {ty}", format!("{}:", names[*i]), w = width + 1);
        if is_key {
            line.push_str(" key");
        }
        if names[*i] != *header || occurrences[*i].is_some() {
            line.push_str(&format!(" from {}", quote(header)));
            if let Some(n) = occurrences[*i] {
                line.push_str(&format!(" ({n})"));
            }
        }
        let shown = shown(&s.columns[*i]);
        if !shown.is_empty() {
            line.push_str(&format!("  # e.g. {shown}"));
        }
        if let Some(n) = &g.note {
            line.push_str(&format!("\n  # confirm: {n}"));
        }
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str("}\n");
    // In canonical layout when smql can format it (every line of `input` parses).
    let text = crate::syntax::format::format_text(&out).unwrap_or(out);
    Ok(Scaffold { text, notes })
}

/// The `input` block the guesses need, or nothing.
fn input_block(s: &sample::Sampled, needs: &Needs) -> String {
    let list = |items: &[&str]| {
        items
            .iter()
            .map(|t| quote(t))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut lines = Vec::new();
    if let Some(d) = s.delimiter {
        let shown = match d {
            b'\t' => "\\t".to_string(),
            d => (d as char).to_string(),
        };
        lines.push(format!("  delimiter \"{shown}\""));
    }
    if !needs.timestamps.is_empty() {
        lines.push(format!("  timestamps {}", list(&needs.timestamps)));
    }
    if !needs.local.is_empty() {
        lines.push(
            "  # time zone \"America/New_York\"  # name the zone of timestamps without an offset (UTC if not)"
                .to_string(),
        );
    }
    if !needs.missing.is_empty() {
        let texts: Vec<&str> = needs.missing.iter().map(String::as_str).collect();
        lines.push(format!("  missing {}", list(&texts)));
    }
    if let Some(example) = needs.marks.and_then(|m| m.example()) {
        lines.push(format!("  numbers \"{example}\""));
    }
    if !needs.currency.is_empty() {
        lines.push(format!("  currency {}", list(&needs.currency)));
    }
    if let Some(footer) = &s.footer {
        // The footer's first words: `Grand Totals (5700 records)` starts with `Grand Totals`.
        let start = footer.split(" (").next().unwrap_or(footer).trim();
        lines.push(format!("  footer {}", quote(start)));
    }
    if lines.iter().all(|l| l.trim_start().starts_with('#')) {
        return String::new();
    }
    format!("input {{\n{}\n}}\n", lines.join("\n"))
}

/// Up to three distinct sample values of a column, as a comment shows them.
fn shown(column: &[Sample]) -> String {
    let mut seen: Vec<String> = Vec::new();
    for v in column {
        let text = match v {
            Sample::Missing => continue,
            Sample::Text(t) if t.trim().is_empty() => continue,
            Sample::Text(t) => quote(&super::reject::shorten(t, 24)),
            Sample::Int(i) => i.to_string(),
            Sample::Float(f) => f.to_string(),
            Sample::Bool(b) => b.to_string(),
            Sample::Time(ms) | Sample::LocalTime(ms) => crate::time::format_timestamp(*ms),
            Sample::List(items) => match items.len() {
                1 => "[1 item]".to_string(),
                n => format!("[{n} items]"),
            },
            Sample::Records(items) => match items.len() {
                1 => "[1 record]".to_string(),
                n => format!("[{n} records]"),
            },
        };
        if !seen.contains(&text) {
            seen.push(text);
            if seen.len() == 3 {
                break;
            }
        }
    }
    seen.join(", ")
}

/// For each column whose name appears more than once in the header, its occurrence (from 1).
fn occurrences(names: &[String]) -> Vec<Option<usize>> {
    names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let total = names.iter().filter(|m| *m == n).count();
            (total > 1).then(|| names[..=i].iter().filter(|m| *m == n).count())
        })
        .collect()
}

/// The column that identifies a record: id-like by name, every sampled value present and
/// different. `None` if there is no such column (records are then numbered).
fn key_column(
    names: &[String],
    columns: &[Vec<Sample>],
    fields: &[(guess::Guess, usize)],
) -> Option<usize> {
    let rank = |name: &str| {
        let n = name.trim().to_ascii_lowercase();
        if n == "id" || n == "key" {
            Some(0)
        } else if n.ends_with(" id") || n.ends_with("_id") || n.ends_with("id") && n.len() <= 12 {
            Some(1)
        } else if n.contains("email") {
            Some(2)
        } else {
            None
        }
    };
    let unique = |column: &[Sample]| {
        let mut seen = std::collections::HashSet::new();
        !column.is_empty()
            && column.iter().all(|v| match v {
                Sample::Text(t) if !t.trim().is_empty() => seen.insert(t.trim().to_string()),
                Sample::Int(i) => seen.insert(i.to_string()),
                _ => false,
            })
    };
    fields
        .iter()
        .filter(|(g, i)| {
            matches!(g.kind, Kind::String | Kind::Int | Kind::Enum(_)) && unique(&columns[*i])
        })
        .filter_map(|(_, i)| rank(&names[*i]).map(|r| (r, *i)))
        .min()
        .map(|(_, i)| i)
}

/// A field name per column: the header in snake case (`Number of Employees` →
/// `number_of_employees`), never a reserved word, each name once.
fn field_names(headers: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let mut base = snake_case(h);
        if base.is_empty() {
            base = format!("column_{}", i + 1);
        }
        if base.starts_with(|c: char| c.is_ascii_digit()) {
            base = format!("c_{base}");
        }
        if crate::syntax::words::is_reserved(&base) {
            base.push('_');
        }
        let mut name = base.clone();
        let mut n = 2;
        while out.contains(&name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        out.push(name);
    }
    out
}

fn snake_case(h: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in h.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && prev_lower && !out.ends_with('_') {
                out.push('_');
            }
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            out.push(c.to_ascii_lowercase());
        } else {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            prev_lower = false;
        }
    }
    out.trim_end_matches('_').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_headers() {
        let h: Vec<String> = [
            "Id",
            "Number of Employees",
            "LeadSource",
            "Create Date",
            "Create Date",
            "in",
            "1st touch",
            "",
            "hs_lead_status",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            field_names(&h),
            [
                "id",
                "number_of_employees",
                "lead_source",
                "create_date",
                "create_date_2",
                "in_",
                "c_1st_touch",
                "column_8",
                "hs_lead_status"
            ]
        );
        assert_eq!(occurrences(&h)[2..5], [None, Some(1), Some(2)]);
    }
}
