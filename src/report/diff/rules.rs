//! The rule changes of a diff: each declaration added, removed or changed between two versions
//! of a rule set. Declarations are compared as `smql fmt` prints them, with comments left out,
//! so re-spacing, re-wrapping or a new comment alone is no change; they are shown as `smql fmt`
//! prints them, comments included.

use crate::source::SourceMap;
use crate::syntax::ast;

/// What happened to one declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
        }
    }
}

/// One declaration's change: its name and kind (`definition`, `score`, …), with its old and new
/// text (canonical form).
#[derive(Debug, Clone, PartialEq)]
pub struct RuleChange {
    pub name: String,
    pub kind: &'static str,
    pub change: ChangeKind,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// A declaration of one version: kind, name, its formatted text and what is compared.
struct Decl {
    kind: &'static str,
    name: String,
    text: String,
    key: String,
}

/// Every declaration added, removed or changed from `old` to `new`: changed and removed ones in
/// the old version's order, then added ones in the new version's.
pub fn rule_changes(old: &SourceMap, new: &SourceMap) -> Vec<RuleChange> {
    let (a, b) = (declarations(old), declarations(new));
    let mut out = Vec::new();
    for d in &a {
        match b.iter().find(|e| e.kind == d.kind && e.name == d.name) {
            Some(e) if e.key == d.key => {}
            Some(e) => out.push(RuleChange {
                name: d.name.clone(),
                kind: d.kind,
                change: ChangeKind::Changed,
                old: Some(d.text.clone()),
                new: Some(e.text.clone()),
            }),
            None => out.push(RuleChange {
                name: d.name.clone(),
                kind: d.kind,
                change: ChangeKind::Removed,
                old: Some(d.text.clone()),
                new: None,
            }),
        }
    }
    for e in &b {
        if !a.iter().any(|d| d.kind == e.kind && d.name == e.name) {
            out.push(RuleChange {
                name: e.name.clone(),
                kind: e.kind,
                change: ChangeKind::Added,
                old: None,
                new: Some(e.text.clone()),
            });
        }
    }
    out
}

fn declarations(sources: &SourceMap) -> Vec<Decl> {
    let mut out = Vec::new();
    for (id, f) in sources.files() {
        // Both versions checked, so they format; the text as written is the fallback all the same.
        let text =
            crate::syntax::format::format_file(sources, id).unwrap_or_else(|_| f.text.clone());
        let mut formatted = SourceMap::new();
        let fid = formatted.add(f.name.clone(), text);
        let (file, _) = crate::syntax::parse_file(&formatted, fid);
        for item in &file.items {
            let (kind, name) = match item {
                ast::Item::Schema(_) => ("schema", "schema".to_string()),
                ast::Item::Input(_) => ("input", "input".to_string()),
                ast::Item::Def(d) => ("definition", d.name.name.clone()),
                ast::Item::Score(s) => ("score", s.name.name.clone()),
                ast::Item::Grade(g) => ("grade", g.name.name.clone()),
                ast::Item::Stages(_) => ("stages", "stages".to_string()),
                ast::Item::Detours(_) => ("detours", "detours".to_string()),
                ast::Item::Sla(s) => ("sla", s.name.value.clone()),
                ast::Item::Test(t) => ("test", t.name.value.clone()),
            };
            let text = formatted.slice(item.span()).trim_end().to_string();
            out.push(Decl {
                kind,
                name,
                key: canonical(&text),
                text,
            });
        }
    }
    out
}

/// What is compared of a declaration's text: every run of spaces, tabs and line breaks outside
/// string literals made one space, comments dropped.
fn canonical(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut space = false;
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.push(c);
                while let Some(d) = chars.next() {
                    out.push(d);
                    match d {
                        '\\' => {
                            if let Some(e) = chars.next() {
                                out.push(e);
                            }
                        }
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '#' => {
                for d in chars.by_ref() {
                    if d == '\n' {
                        break;
                    }
                }
                space = true;
            }
            c if c.is_whitespace() => space = true,
            c => {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.push(c);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(text: &str) -> SourceMap {
        let mut m = SourceMap::new();
        m.add("r.smql", text);
        m
    }

    const OLD: &str =
        "schema {\n  id: string key\n  visits: int\n}\nMQL when visits >= 3\nhot when visits > 9\n";

    #[test]
    fn layout_is_no_change_but_content_is() {
        let relaid = "schema {\n  id:     string key\n  visits: int\n}\n\nMQL when visits >=\n    3  # engaged\nhot when visits > 9\n";
        assert!(rule_changes(&map(OLD), &map(relaid)).is_empty());
        let changed = "schema {\n  id: string key\n  visits: int\n}\nMQL when visits >= 4\nnew when visits > 1\n";
        let c = rule_changes(&map(OLD), &map(changed));
        let summary: Vec<(&str, &str)> = c
            .iter()
            .map(|r| (r.name.as_str(), r.change.as_str()))
            .collect();
        assert_eq!(
            summary,
            [("MQL", "changed"), ("hot", "removed"), ("new", "added")]
        );
        assert_eq!(c[0].old.as_deref(), Some("MQL when visits >= 3"));
        // Shown formatted, with the comments inside the declaration.
        let score = |points: &str| {
            format!("schema {{\n  id: string key\n  visits: int\n}}\nscore s {{\n  # visits\n  {points} when visits > 1\n}}\n")
        };
        let s = rule_changes(&map(&score("+1")), &map(&score("+2")));
        assert_eq!(
            s[0].new.as_deref(),
            Some("score s {\n  # visits\n  +2 when visits > 1\n}")
        );
        assert_eq!(c[0].new.as_deref(), Some("MQL when visits >= 4"));
        assert_eq!(c[0].kind, "definition");
    }

    #[test]
    fn strings_keep_their_spaces() {
        let a = "schema {\n  id: string key\n}\nx = \"a  b\"\n";
        let b = "schema {\n  id: string key\n}\nx = \"a b\"\n";
        assert_eq!(rule_changes(&map(a), &map(b)).len(), 1);
    }
}
