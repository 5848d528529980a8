//! From rows of atoms to text: indentation, line breaks, the 100-column limit.
//!
//! The printer (`print.rs`) turns the AST into rows: statements made of atoms (words,
//! operators, brackets, comments), own-line comments and blank lines. A statement keeps the line
//! breaks of the source (`Atom::hard`); this module indents its lines and breaks the ones
//! longer than [`MAX_WIDTH`] after `and`/`or`.
//!
//! Long lines break *after* `and`/`or`, continued two spaces deeper: outside brackets a line
//! may only continue after an operator (docs/language.md, "Rule sets and files"), so a break before `and` would not parse
//! there, and the canonical examples (`examples/b2b-saas/scoring.smql`, `pricing_interest`)
//! break after `or` with two spaces. (The first version of the spec said "before", with four spaces; see docs/commands.md, `smql fmt`.)
//!
//! A continuation line is indented two spaces deeper than the line that opened the innermost
//! bracket still open, or than the statement's first line when no bracket of the statement is
//! open; a line that starts with a closing bracket is indented like the line that opened it.

/// Lines longer than this are broken after `and`/`or` where they have one.
pub(super) const MAX_WIDTH: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Code,
    /// `(`, `[`, `{` inside a statement.
    Open,
    /// `)`, `]`, `}` inside a statement.
    Close,
    /// `and`, `or`: a long line may break after it.
    Breakable,
    /// A comment at the end of the line before it.
    Trailing,
    /// A comment on a line of its own.
    OwnLine,
}

#[derive(Debug, Clone)]
pub(super) struct Atom {
    pub text: String,
    pub kind: Kind,
    /// Spaces before the atom when it does not start a line.
    pub space: usize,
    /// The atom starts a new line.
    pub hard: bool,
    /// A blank line comes before it, when it starts a line.
    pub blank: bool,
}

/// One statement: a declaration, a block's line, a block's header or closing brace.
#[derive(Debug, Clone, Default)]
pub(super) struct Stmt {
    pub indent: usize,
    pub atoms: Vec<Atom>,
    /// The column of a trailing comment on the first line (schema fields align theirs).
    pub comment_col: Option<usize>,
}

#[derive(Debug, Clone)]
pub(super) enum Row {
    Code(Stmt),
    Comment { indent: usize, text: String },
    Blank,
}

#[derive(Debug, Default)]
struct Line {
    indent: usize,
    text: String,
    /// Columns used, indentation included.
    width: usize,
    comment: Option<String>,
    comment_col: Option<usize>,
    blank: bool,
    /// The text is a comment (a comment on a line of its own).
    text_is_comment: bool,
}

impl Line {
    fn new(indent: usize) -> Line {
        Line {
            indent,
            width: indent,
            ..Line::default()
        }
    }

    fn push(&mut self, text: &str) {
        self.text.push_str(text);
        self.width += text.chars().count();
    }

    /// A line of only `comment`.
    fn comment(indent: usize, comment: &str) -> Line {
        let mut line = Line::new(indent);
        line.push(comment);
        line.text_is_comment = true;
        line
    }

    /// Whether the line ends in a comment already (nothing may follow it on the line).
    fn ends_in_comment(&self) -> bool {
        self.comment.is_some() || self.text_is_comment
    }
}

/// The file's text: rows joined by newlines, runs of blank lines as one, none at the start or
/// the end, no trailing blanks, one final newline.
pub(super) fn render(rows: &[Row]) -> String {
    let mut lines: Vec<Line> = Vec::new();
    let mut blank = false;
    for row in rows {
        match row {
            Row::Blank => blank = true,
            Row::Comment { indent, text } => {
                let mut line = Line::new(*indent);
                line.push(text);
                line.blank = std::mem::take(&mut blank);
                lines.push(line);
            }
            Row::Code(stmt) => {
                let first = lines.len();
                layout(stmt, &mut lines);
                if let Some(line) = lines.get_mut(first) {
                    line.blank |= std::mem::take(&mut blank);
                }
            }
        }
    }
    let mut out = String::new();
    for line in &lines {
        if line.blank && !out.is_empty() && !out.ends_with("\n\n") {
            out.push('\n');
        }
        let mut text = " ".repeat(line.indent);
        text.push_str(&line.text);
        if let Some(comment) = &line.comment {
            let col = line.comment_col.unwrap_or(0).max(line.width + 2);
            let pad = if line.text.is_empty() {
                0
            } else {
                col - line.width
            };
            text.push_str(&" ".repeat(pad));
            text.push_str(comment);
        }
        out.push_str(text.trim_end());
        out.push('\n');
    }
    out
}

/// A point after `and`/`or` where the current line could end.
struct Candidate {
    atom: usize,
    depth: usize,
    text_len: usize,
    width: usize,
    stack: Vec<usize>,
}

/// Lays out one statement's lines, appended to `out`.
fn layout(stmt: &Stmt, out: &mut Vec<Line>) {
    let atoms = &stmt.atoms;
    let mut breaks: Vec<bool> = atoms.iter().map(|a| a.hard).collect();
    let first_line = out.len();
    let mut cur = Line::new(stmt.indent);
    cur.comment_col = stmt.comment_col;
    // The current line has no atom yet and its indentation is still to be decided.
    let mut fresh = false;
    // For each open bracket, the indentation of the line that opened it.
    let mut stack: Vec<usize> = Vec::new();
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut i = 0;
    while i < atoms.len() {
        let atom = &atoms[i];
        let continuation = stack.last().copied().unwrap_or(stmt.indent) + 2;
        match atom.kind {
            Kind::Trailing => {
                let previous = out[first_line..].last_mut().filter(|_| cur.text.is_empty());
                match previous {
                    Some(previous) if !previous.ends_in_comment() => {
                        previous.comment = Some(atom.text.clone())
                    }
                    None if cur.text.is_empty() => cur = Line::comment(cur.indent, &atom.text),
                    None if !cur.ends_in_comment() => cur.comment = Some(atom.text.clone()),
                    // The line has a comment already (two trailing comments, the code between
                    // them not printed: the second of `((`): this one goes on a line of its own.
                    _ => {
                        if !cur.text.is_empty() {
                            out.push(std::mem::replace(&mut cur, Line::new(continuation)));
                        }
                        out.push(Line::comment(continuation, &atom.text));
                        cur = Line::new(continuation);
                        fresh = true;
                    }
                }
                if let Some(next) = breaks.get_mut(i + 1) {
                    *next = true;
                }
                i += 1;
                continue;
            }
            Kind::OwnLine => {
                if !cur.text.is_empty() {
                    out.push(std::mem::replace(&mut cur, Line::new(continuation)));
                }
                let mut line = Line::comment(continuation, &atom.text);
                line.blank = atom.blank && out.len() > first_line;
                out.push(line);
                cur = Line::new(continuation);
                fresh = true;
                i += 1;
                continue;
            }
            _ => {}
        }
        if breaks[i] && !cur.text.is_empty() {
            out.push(std::mem::take(&mut cur));
            cur.blank = atom.blank;
            fresh = true;
        }
        if fresh {
            cur.indent = match atom.kind {
                Kind::Close => stack.last().copied().unwrap_or(stmt.indent),
                _ => continuation,
            };
            cur.width = cur.indent;
            fresh = false;
            candidates.clear();
        }
        if !cur.text.is_empty() {
            cur.push(&" ".repeat(atom.space));
        }
        cur.push(&atom.text);
        match atom.kind {
            Kind::Open => stack.push(cur.indent),
            Kind::Close => {
                stack.pop();
            }
            _ => {}
        }
        if cur.width > MAX_WIDTH {
            // Break after the shallowest `and`/`or` of the line, the last of those.
            let best = candidates
                .iter()
                .enumerate()
                .min_by_key(|(k, c)| (c.depth, std::cmp::Reverse(*k)))
                .map(|(k, _)| k);
            if let Some(best) = best {
                let c = candidates.swap_remove(best);
                cur.text.truncate(c.text_len);
                cur.width = c.width;
                stack = c.stack;
                breaks[c.atom + 1] = true;
                candidates.clear();
                i = c.atom + 1;
                continue;
            }
        }
        if atom.kind == Kind::Breakable && i + 1 < atoms.len() {
            if cur.width > MAX_WIDTH {
                breaks[i + 1] = true;
            } else {
                candidates.push(Candidate {
                    atom: i,
                    depth: stack.len(),
                    text_len: cur.text.len(),
                    width: cur.width,
                    stack: stack.clone(),
                });
            }
        }
        i += 1;
    }
    if !cur.text.is_empty() || cur.comment.is_some() {
        out.push(cur);
    }
    // Only the statement's first line aligns its comment.
    for line in out.iter_mut().skip(first_line + 1) {
        line.comment_col = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn atom(text: &str, kind: Kind) -> Atom {
        Atom {
            text: text.to_string(),
            kind,
            space: 1,
            hard: false,
            blank: false,
        }
    }

    fn chain(n: usize) -> Stmt {
        let mut atoms = vec![atom("long_name", Kind::Code), atom("when", Kind::Code)];
        for k in 0..n {
            if k > 0 {
                atoms.push(atom("and", Kind::Breakable));
            }
            atoms.push(atom(&format!("condition_{k:02} > 10"), Kind::Code));
        }
        Stmt {
            indent: 0,
            atoms,
            comment_col: None,
        }
    }

    #[test]
    fn long_lines_break_after_and_or() {
        let text = render(&[Row::Code(chain(9))]);
        for line in text.lines() {
            assert!(line.chars().count() <= MAX_WIDTH, "{line}");
        }
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines[0].ends_with(" and"));
        assert!(lines[1].starts_with("  condition_"));
    }

    #[test]
    fn short_lines_stay_whole() {
        assert_eq!(
            render(&[Row::Code(chain(2))]),
            "long_name when condition_00 > 10 and condition_01 > 10\n"
        );
    }

    #[test]
    fn brackets_indent_their_lines() {
        let mut a = vec![
            atom("x", Kind::Code),
            atom("=", Kind::Code),
            atom("[", Kind::Open),
            atom("1,", Kind::Code),
            atom("2", Kind::Code),
            atom("]", Kind::Close),
        ];
        a[3].hard = true;
        a[3].space = 0;
        a[4].hard = true;
        a[5].hard = true;
        let stmt = Stmt {
            indent: 2,
            atoms: a,
            comment_col: None,
        };
        assert_eq!(render(&[Row::Code(stmt)]), "  x = [\n    1,\n    2\n  ]\n");
    }
}
