//! Diagnostics: one plain struct for every error and lint, rendered through miette.
//!
//! Producers (parser, checker, lints) build [`Diagnostic`] values with a stable `code`
//! (`smql::syntax::…`, `smql::name::unknown`, `smql::type::mismatch`, `smql::lint::…`), a primary
//! label, optional secondary labels and a `help` line. Rendering needs the [`SourceMap`]; a
//! secondary label in another file becomes a related diagnostic so both places are shown.

mod code;

pub use code::{Code, Lint};

use crate::source::{SourceMap, Span};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub span: Span,
    pub text: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// Stable code, e.g. `smql::type::mismatch`. Lints use `smql::lint::NAME`.
    pub code: Code,
    pub severity: Severity,
    /// Lowercase, no trailing period, user text in backticks.
    pub message: String,
    pub primary: Label,
    pub secondary: Vec<Label>,
    /// Extra sentences: how to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            primary: Label { span, text: None },
            secondary: Vec::new(),
            help: None,
        }
    }

    pub fn warning(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, span, message)
        }
    }

    /// Text under the primary span.
    pub fn label(mut self, text: impl Into<String>) -> Diagnostic {
        self.primary.text = Some(text.into());
        self
    }

    pub fn with_secondary(mut self, span: Span, text: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label {
            span,
            text: Some(text.into()),
        });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The lint name for `smql::lint::NAME` codes.
    pub fn lint_name(&self) -> Option<&'static str> {
        self.code.lint_name()
    }
}

/// Every diagnostic of a run, in source order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// Source order (file, then offset), duplicates (same code and span) removed.
    pub fn sort(&mut self) {
        self.0.sort_by_key(|d| (d.primary.span, d.code));
        self.0.dedup_by(|a, b| {
            a.code == b.code && a.primary.span == b.primary.span && a.message == b.message
        });
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// Where a diagnostic points, resolved for printing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

pub fn locate(sources: &SourceMap, span: Span) -> Location {
    let f = sources.file(span.file);
    let (line, column) = f.line_col(span.start);
    let (end_line, end_column) = f.line_col(span.end);
    Location {
        file: f.name.clone(),
        line,
        column,
        end_line,
        end_column,
    }
}

/// A diagnostic bound to its sources, ready for miette.
pub struct Report<'a> {
    diag: &'a Diagnostic,
    source: NamedSource<String>,
    labels: Vec<LabeledSpan>,
    related: Vec<Related>,
}

/// A second place in another file ("first declared here").
#[derive(Debug)]
struct Related {
    message: String,
    source: NamedSource<String>,
    label: LabeledSpan,
}

impl<'a> Report<'a> {
    pub fn new(diag: &'a Diagnostic, sources: &SourceMap) -> Report<'a> {
        let file = diag.primary.span.file;
        let named = |id| {
            let f = sources.file(id);
            NamedSource::new(f.name.clone(), f.text.clone())
        };
        let labeled = |l: &Label, primary: bool| {
            let span = SourceSpan::from(l.span.range());
            if primary {
                LabeledSpan::new_primary_with_span(l.text.clone(), span)
            } else {
                LabeledSpan::new_with_span(l.text.clone(), span)
            }
        };
        let mut labels = vec![labeled(&diag.primary, true)];
        let mut related = Vec::new();
        for l in &diag.secondary {
            if l.span.file == file {
                labels.push(labeled(l, false));
            } else {
                related.push(Related {
                    message: l.text.clone().unwrap_or_default(),
                    source: named(l.span.file),
                    label: labeled(l, true),
                });
            }
        }
        Report {
            diag,
            source: named(file),
            labels,
            related,
        }
    }
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diag, f)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diag.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diag
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|r| r as &dyn miette::Diagnostic),
        ))
    }
}

impl fmt::Display for Related {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
impl std::error::Error for Related {}
impl miette::Diagnostic for Related {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(self.label.clone())))
    }
}

/// Renders one diagnostic as text. `color` picks the theme; `width` wraps lines.
pub fn render(diag: &Diagnostic, sources: &SourceMap, color: bool, width: usize) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_links(false);
    let mut out = String::new();
    let report = Report::new(diag, sources);
    if handler.render_report(&mut out, &report).is_err() {
        // Rendering only fails on a formatter error; fall back to the plain message.
        let loc = locate(sources, diag.primary.span);
        out = format!(
            "{}:{}:{}: {}\n",
            loc.file, loc.line, loc.column, diag.message
        );
    }
    out
}

/// The longest user text a message quotes, in characters.
pub const QUOTE_MAX: usize = 40;

/// User text for a message, which must stand alone (a GitHub annotation shows no source): runs of
/// whitespace collapsed to one space, and at most [`QUOTE_MAX`] characters, the last one `…`
/// when shortened.
pub fn quote(text: &str) -> String {
    let t = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.chars().count() > QUOTE_MAX {
        let short: String = t.chars().take(QUOTE_MAX - 1).collect();
        format!("{}…", short.trim_end())
    } else {
        t
    }
}

/// "did you mean `x`?" candidates: the closest name by Jaro similarity above 0.7.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro(name, c), c))
        .filter(|(s, _)| *s > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_code_label_and_help() {
        let mut sources = SourceMap::new();
        let f = sources.add("rules.smql", "MQL when visit >= 3\n");
        let d = Diagnostic::error(
            Code::NameUnknown,
            Span::new(f, 9, 14),
            "unknown name `visit`",
        )
        .label("not a field or definition")
        .with_help("did you mean `visits`?");
        let text = render(&d, &sources, false, 80);
        assert!(text.contains("smql::name::unknown"), "{text}");
        assert!(text.contains("rules.smql:1:10"), "{text}");
        assert!(text.contains("did you mean `visits`?"), "{text}");
    }

    #[test]
    fn quote_collapses_whitespace_and_shortens() {
        assert_eq!(quote("  visits >=\n   3 "), "visits >= 3");
        let long = "a_rather_long_name and another_long_name and more";
        let q = quote(long);
        assert_eq!(q, "a_rather_long_name and another_long_nam…");
        assert_eq!(q.chars().count(), QUOTE_MAX);
        assert_eq!(quote(&"é".repeat(50)).chars().count(), QUOTE_MAX);
    }

    #[test]
    fn did_you_mean_picks_closest() {
        assert_eq!(
            did_you_mean("visit", ["visits", "email", "pages"]),
            Some("visits")
        );
        assert_eq!(did_you_mean("zzz", ["visits", "email"]), None);
    }
}
