//! The glossary as data, shared by the Markdown and the HTML writers: what each entry says is
//! decided here once, how it looks is theirs.

/// The glossary of one rule set.
#[derive(Debug, Clone, PartialEq)]
pub struct Glossary {
    /// The rule files, as given.
    pub files: Vec<String>,
    /// `test` blocks of the rule set (they have no entries).
    pub tests: usize,
    /// The non-empty sections, in the order of SPEC §14.4.
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// `Lifecycle`, `Definitions`, …
    pub title: &'static str,
    /// `section-lifecycle`, …
    pub anchor: &'static str,
    /// Doc text of the whole section: the `schema` block's, for the fields.
    pub doc: Option<String>,
    pub entries: Vec<Entry>,
}

/// One declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Unique in the glossary, stable across runs and orders of files: `definition-mql`.
    pub anchor: String,
    /// The name, or an SLA's title.
    pub name: String,
    /// Names are code (`MQL`); an SLA title and "Stage path" are prose.
    pub name_is_code: bool,
    /// `stage path`, `stage`, `detour`, `definition`, `score`, `grade`, `SLA` or `field`.
    pub category: &'static str,
    /// The kind as shown: `definition`, `stage 2 of 5`, `detour 1 of 2`, `deadline SLA`, ….
    pub kind: String,
    /// The value's type, as written in SMQL (`bool`, `one of ("A", "B")`, `timestamp?`).
    pub ty: Option<String>,
    /// More about the kind: a field's column, the key, an SLA's owner.
    pub facts: Vec<Vec<Inline>>,
    pub location: Location,
    /// The `##` doc text, lines joined with `\n`.
    pub doc: Option<String>,
    /// Paragraphs that say what the declaration means: the path, an SLA as a sentence.
    pub summary: Vec<Vec<Inline>>,
    /// A score's items.
    pub table: Option<ScoreTable>,
    /// The declaration as `smql fmt` prints it.
    pub rule: Option<String>,
    /// What it refers to; `None` where nothing can be referred to (a field, the path).
    pub uses: Option<Vec<Link>>,
    /// What refers to it; `None` where nothing can refer to it (an SLA).
    pub used_by: Option<Vec<Link>>,
    /// `--check-undocumented` asks for a doc comment here: the path, stages, definitions,
    /// scores and grades (not an undefined first stage, which has nowhere to put one).
    pub needs_doc: bool,
}

/// Where a declaration is written (1-based line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: usize,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// A link to another entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub text: String,
    pub anchor: String,
    /// Shown as code (a name) rather than prose (an SLA title).
    pub code: bool,
}

/// A piece of running text.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    Text(String),
    /// SMQL text: a name, an expression, a duration.
    Code(String),
    Strong(String),
    Link(Link),
}

/// A score's items in order, then how its total is bounded and decays.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreTable {
    pub rows: Vec<ScoreRow>,
    /// Sentences after the table: the clamp, the decay.
    pub notes: Vec<Vec<Inline>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ScoreRow {
    /// `+10`, `+4 per`, `up to 15` (a group's cap).
    pub points: String,
    pub condition: Vec<Inline>,
    /// An item inside a group.
    pub in_group: bool,
}

/// A declaration without a doc comment, for `--check-undocumented`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undocumented {
    pub location: Location,
    /// `stage path`, `stage`, `detour`, `definition`, `score`, `grade`.
    pub kind: &'static str,
    pub name: String,
}

impl std::fmt::Display for Undocumented {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} `{}` has no doc comment",
            self.location, self.kind, self.name
        )
    }
}

impl Glossary {
    /// What the glossary covers: `The rule set in a.smql, b.smql: 5 stages and 2 detours, …`.
    pub fn intro(&self) -> Vec<Inline> {
        let mut out = vec![Inline::Text(format!(
            "The rule set in {} ",
            if self.files.len() == 1 {
                "file"
            } else {
                "files"
            }
        ))];
        for (i, f) in self.files.iter().enumerate() {
            if i > 0 {
                out.push(Inline::Text(", ".into()));
            }
            out.push(Inline::Code(f.clone()));
        }
        let count = |category: &str| {
            self.sections
                .iter()
                .flat_map(|s| &s.entries)
                .filter(|e| e.category == category)
                .count()
        };
        let mut parts = Vec::new();
        for (category, one, many) in [
            ("stage", "stage", "stages"),
            ("detour", "detour", "detours"),
            ("definition", "definition", "definitions"),
            ("score", "score", "scores"),
            ("grade", "grade", "grades"),
            ("SLA", "SLA", "SLAs"),
            ("field", "field", "fields"),
        ] {
            let n = count(category);
            if n > 0 {
                parts.push(format!("{n} {}", if n == 1 { one } else { many }));
            }
        }
        if self.tests > 0 {
            let s = if self.tests == 1 { "" } else { "s" };
            parts.push(format!("{} test{s}", self.tests));
        }
        let list = match parts.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
            None => "no declarations".into(),
        };
        out.push(Inline::Text(format!(": {list}.")));
        out
    }

    /// The declarations `--check-undocumented` asks a doc comment of and that have none, in
    /// glossary order.
    pub fn undocumented(&self) -> Vec<Undocumented> {
        self.sections
            .iter()
            .flat_map(|s| &s.entries)
            .filter(|e| e.needs_doc && e.doc.as_deref().is_none_or(|d| d.trim().is_empty()))
            .map(|e| Undocumented {
                location: e.location.clone(),
                kind: e.category,
                name: if e.category == "stage path" {
                    "stages".into()
                } else {
                    e.name.clone()
                },
            })
            .collect()
    }
}

/// Doc text as paragraphs (split at blank lines) of text and `code` spans, for writers that do
/// not take Markdown: a run of backticks opens a code span that the next run of the same length
/// closes; an unmatched run is text.
pub fn doc_paragraphs(doc: &str) -> Vec<Vec<Inline>> {
    let mut paragraphs = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in doc.lines().chain(std::iter::once("")) {
        if line.trim().is_empty() {
            if !current.is_empty() {
                paragraphs.push(code_spans(&current.join("\n")));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    paragraphs
}

fn code_spans(text: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while let Some(start) = rest.find('`') {
        let run = rest[start..].len() - rest[start..].trim_start_matches('`').len();
        let after = &rest[start + run..];
        let close = find_run(after, run);
        plain.push_str(&rest[..start]);
        match close {
            Some(end) => {
                if !plain.is_empty() {
                    out.push(Inline::Text(std::mem::take(&mut plain)));
                }
                let code = after[..end].replace('\n', " ");
                let code = match code.strip_prefix(' ').and_then(|c| c.strip_suffix(' ')) {
                    Some(inner) if !inner.trim().is_empty() => inner.to_string(),
                    _ => code,
                };
                out.push(Inline::Code(code));
                rest = &after[end + run..];
            }
            None => {
                plain.push_str(&rest[start..start + run]);
                rest = after;
            }
        }
    }
    plain.push_str(rest);
    if !plain.is_empty() {
        out.push(Inline::Text(plain));
    }
    out
}

/// Offset of the next run of exactly `n` backticks in `text`.
fn find_run(text: &str, n: usize) -> Option<usize> {
    let mut i = 0;
    while let Some(off) = text[i..].find('`') {
        let start = i + off;
        let len = text[start..].len() - text[start..].trim_start_matches('`').len();
        if len == n {
            return Some(start);
        }
        i = start + len;
    }
    None
}
