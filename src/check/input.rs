//! The `input` block and the fields' `format` (docs/language.md, "Your CRM's export"): every
//! line checked where it is written, so that a bad layout or zone fails `smql check` in CI
//! rather than every record of a run.

use crate::diag::{did_you_mean, Code, Diagnostic};
use crate::ir::{InputSpec, NumberMarks};
use crate::source::Span;
use crate::syntax::ast::{self, InputKey, StrLit};
use crate::time::layout::{Layout, LayoutError};
use crate::time::zone::Zone;
use std::collections::HashMap;

/// Checks the block (`None`: the rule set has none, and every default holds).
pub(crate) fn lower(block: Option<&ast::Input>, diags: &mut Vec<Diagnostic>) -> InputSpec {
    let mut spec = InputSpec::default();
    let Some(block) = block else {
        return spec;
    };
    let mut seen: HashMap<InputKey, Span> = HashMap::new();
    for line in &block.lines {
        let word = line.key.keyword();
        if let Some(first) = seen.get(&line.key) {
            diags.push(
                Diagnostic::error(
                    Code::InputDuplicate,
                    line.keyword,
                    format!("a second `{word}` line in `input`"),
                )
                .label("second line")
                .with_secondary(*first, "first here")
                .with_help(format!(
                    "list every value on one line: `{word} \"a\", \"b\"`, or keep one line"
                )),
            );
            continue;
        }
        seen.insert(line.key, line.keyword);
        match line.key {
            InputKey::Delimiter => {
                if let Some(v) = single(line, diags) {
                    spec.delimiter = delimiter(v, diags);
                }
            }
            InputKey::TimeZone => {
                if let Some(v) = single(line, diags) {
                    spec.time_zone = time_zone(v, diags);
                }
            }
            InputKey::Numbers => {
                if let Some(v) = single(line, diags) {
                    match NumberMarks::from_example(&v.value) {
                        Ok(marks) => spec.numbers = Some(marks),
                        Err((message, help)) => diags.push(
                            Diagnostic::error(Code::InputInvalid, v.span, message)
                                .label("not an example number")
                                .with_help(help),
                        ),
                    }
                }
            }
            InputKey::Timestamps => {
                spec.timestamps = layouts(&line.values, diags);
            }
            InputKey::Missing | InputKey::Currency | InputKey::Footer => {
                let texts = match line.key {
                    InputKey::Missing => &mut spec.missing,
                    InputKey::Currency => &mut spec.currency,
                    _ => &mut spec.footer,
                };
                for v in &line.values {
                    if let Some(text) = text(line.key, v, diags) {
                        texts.push(text);
                    }
                }
            }
        }
    }
    spec
}

/// The one value of a line that takes one.
fn single<'l>(line: &'l ast::InputLine, diags: &mut Vec<Diagnostic>) -> Option<&'l StrLit> {
    if let Some(extra) = line.values.get(1) {
        let word = line.key.keyword();
        diags.push(
            Diagnostic::error(
                Code::InputInvalid,
                extra.span,
                format!("`{word}` takes one value"),
            )
            .label("a second value")
            .with_help(format!("keep one: `{word} {:?}`", line.values[0].value)),
        );
        return None;
    }
    line.values.first()
}

fn delimiter(v: &StrLit, diags: &mut Vec<Diagnostic>) -> Option<u8> {
    let b = v.value.as_bytes();
    match b {
        [c] if !matches!(c, b'"' | b'\n' | b'\r') => Some(*c),
        _ => {
            diags.push(
                Diagnostic::error(
                    Code::InputInvalid,
                    v.span,
                    format!("{:?} cannot separate CSV cells", v.value),
                )
                .label("not a delimiter")
                .with_help("a delimiter is one ASCII character other than a quote or a line break: `\",\"`, `\";\"`, `\"\\t\"`, `\"|\"`"),
            );
            None
        }
    }
}

fn time_zone(v: &StrLit, diags: &mut Vec<Diagnostic>) -> Option<String> {
    match Zone::new(&v.value) {
        Ok(_) => Some(v.value.clone()),
        Err(message) => {
            let names = crate::time::zone::names();
            let help = match did_you_mean(&v.value, names.iter().map(String::as_str)) {
                Some(n) => format!("did you mean `{n}`?"),
                None => "name a zone of the IANA database, such as `America/New_York`, \
                         `Europe/Berlin` or `UTC`"
                    .to_string(),
            };
            diags.push(
                Diagnostic::error(Code::InputTimeZone, v.span, message)
                    .label("unknown time zone")
                    .with_help(help),
            );
            None
        }
    }
}

/// Checks timestamp layouts (of `timestamps`, or a field's `format`); the good ones.
pub(crate) fn layouts(values: &[StrLit], diags: &mut Vec<Diagnostic>) -> Vec<String> {
    let mut out = Vec::new();
    for v in values {
        match Layout::new(&v.value) {
            Ok(_) => out.push(v.value.clone()),
            Err(e) => diags.push(layout_error(v, &e)),
        }
    }
    out
}

fn layout_error(v: &StrLit, e: &LayoutError) -> Diagnostic {
    // Without escapes the literal is its value between quotes, so the specifier's place in the
    // value is its place in the source, one byte on.
    let plain = (v.span.end - v.span.start) as usize == v.value.len() + 2;
    let span = if plain {
        Span::new(
            v.span.file,
            v.span.start as usize + 1 + e.start,
            v.span.start as usize + 1 + e.end,
        )
    } else {
        v.span
    };
    Diagnostic::error(Code::InputLayout, span, e.message.clone())
        .label("cannot be read")
        .with_help(e.help.clone())
}

/// A `missing`, `currency` or `footer` text.
fn text(key: InputKey, v: &StrLit, diags: &mut Vec<Diagnostic>) -> Option<String> {
    let trimmed = v.value.trim();
    let problem = match key {
        _ if trimmed.is_empty() => Some(match key {
            InputKey::Missing => "an empty cell already reads as missing",
            _ => "the text is empty",
        }),
        InputKey::Currency if trimmed.contains(|c: char| c.is_ascii_digit()) => {
            Some("a currency symbol cannot hold digits")
        }
        _ => None,
    };
    match problem {
        Some(message) => {
            let help = match key {
                InputKey::Missing => {
                    "list the texts that mean missing: `missing \"null\", \"[not provided]\"`"
                }
                InputKey::Currency => "list the symbols the export writes: `currency \"$\", \"€\"`",
                _ => "give the text the footer's first row starts with: `footer \"Grand Totals\"`",
            };
            diags.push(
                Diagnostic::error(Code::InputInvalid, v.span, message.to_string())
                    .label(format!("not a `{}` text", key.keyword()))
                    .with_help(help),
            );
            None
        }
        None => Some(trimmed.to_string()),
    }
}
