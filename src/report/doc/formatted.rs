//! The rule text of each declaration as `smql fmt` prints it: every file formatted and parsed
//! again, its declarations looked up by kind and name.

use std::collections::HashMap;

use crate::source::{SourceMap, Span};
use crate::syntax::ast::{self, Item};
use crate::syntax::lexer::tokenize;

/// A declaration by kind and name (an SLA by its title).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    Def(String),
    Score(String),
    Grade(String),
    Stages,
    Detours,
    Sla(String),
    Schema,
}

/// The formatted files of a rule set and their declarations.
pub(crate) struct Formatted {
    sources: SourceMap,
    items: HashMap<Key, Item>,
}

impl Formatted {
    pub(crate) fn new(original: &SourceMap) -> Formatted {
        let mut sources = SourceMap::new();
        let mut items = HashMap::new();
        for (id, f) in original.files() {
            // A checked rule set formats; the text as written is the fallback all the same.
            let text =
                crate::syntax::format::format_file(original, id).unwrap_or_else(|_| f.text.clone());
            let fid = sources.add(f.name.clone(), text);
            let (file, _) = crate::syntax::parse_file(&sources, fid);
            for item in file.items {
                let key = match &item {
                    Item::Def(d) => Key::Def(d.name.name.clone()),
                    Item::Score(s) => Key::Score(s.name.name.clone()),
                    Item::Grade(g) => Key::Grade(g.name.name.clone()),
                    Item::Stages(_) => Key::Stages,
                    Item::Detours(_) => Key::Detours,
                    Item::Sla(s) => Key::Sla(s.name.value.clone()),
                    Item::Schema(_) => Key::Schema,
                    Item::Input(_) => continue,
                    Item::Test(_) => continue,
                };
                // The first declaration of a name is the one the checker kept.
                items.entry(key).or_insert(item);
            }
        }
        Formatted { sources, items }
    }

    pub(crate) fn item(&self, key: &Key) -> Option<&Item> {
        self.items.get(key)
    }

    /// The declaration's formatted text, comments inside it included (not its doc comment).
    pub(crate) fn text(&self, key: &Key) -> Option<String> {
        let item = self.item(key)?;
        Some(self.sources.slice(item.span()).trim_end().to_string())
    }

    /// The text of `span` on one line: comments left out, each line break and indentation made
    /// one space (for an expression quoted in a sentence or a table cell).
    pub(crate) fn inline(&self, span: Span) -> String {
        one_line(self.sources.slice(span))
    }

    pub(crate) fn score(&self, name: &str) -> Option<&ast::Score> {
        match self.item(&Key::Score(name.to_string()))? {
            Item::Score(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn sla(&self, title: &str) -> Option<&ast::Sla> {
        match self.item(&Key::Sla(title.to_string()))? {
            Item::Sla(s) => Some(s),
            _ => None,
        }
    }
}

/// `text` without comments, each run of whitespace and comments between tokens made one space.
pub(crate) fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    for token in tokenize(text) {
        if token.is_trivia() {
            gap = true;
            continue;
        }
        if gap && !out.is_empty() {
            out.push(' ');
        }
        gap = false;
        out.push_str(token.text(text));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_drops_comments_and_breaks_but_keeps_strings() {
        let text = "a and  # why\n    b == \"x  # y\"";
        assert_eq!(one_line(text), "a and b == \"x  # y\"");
        assert_eq!(one_line("domain(email)"), "domain(email)");
    }

    #[test]
    fn declarations_are_found_formatted() {
        let mut m = SourceMap::new();
        m.add(
            "r.smql",
            "schema {\n  id: string key\n  v: int\n}\n## doc\nhot when v>3  # trailing\nscore s {\n  +1 when v > 1\n  +1    when   hot\n}\n",
        );
        let f = Formatted::new(&m);
        assert_eq!(
            f.text(&Key::Def("hot".into())).as_deref(),
            Some("hot when v > 3")
        );
        assert_eq!(
            f.text(&Key::Score("s".into())).as_deref(),
            Some("score s {\n  +1 when v > 1\n  +1 when hot\n}")
        );
        assert!(f.text(&Key::Stages).is_none());
    }
}
