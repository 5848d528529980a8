//! The AST, printed as rows of atoms (`layout.rs`), with the comments of the source put back
//! where they were.
//!
//! Atoms are emitted in source order, each with the byte range it came from. Before an atom, every
//! comment that starts before it is emitted: a comment that followed code on its line stays at
//! the end of the line it followed, any other gets a line of its own. Inside a statement a line
//! break of the source is kept (the grammar allowed it there, so it allows it in the output, which
//! has the same tokens); between the lines of a block the layout is the formatter's own.

use super::layout::{Atom, Kind, Row, Stmt};
use super::trivia::Trivia;
use crate::source::Span;
use crate::syntax::ast::*;

pub(super) struct Printer<'a> {
    pub t: &'a Trivia<'a>,
    next_comment: usize,
    pub rows: Vec<Row>,
    stmt: Option<Stmt>,
    /// End of the last atom or comment emitted, in the source.
    last_end: usize,
    /// At the start of the file or of a block, where no blank line goes.
    block_start: bool,
}

/// Indentation of a block's lines.
pub(super) const INDENT: usize = 2;

impl<'a> Printer<'a> {
    pub fn new(t: &'a Trivia<'a>) -> Printer<'a> {
        Printer {
            t,
            next_comment: 0,
            rows: Vec::new(),
            stmt: None,
            last_end: 0,
            block_start: true,
        }
    }

    pub fn file(mut self, file: &File) -> Vec<Row> {
        for item in &file.items {
            self.item(item);
        }
        self.comments_as_rows(usize::MAX, 0);
        self.rows
    }

    // -----------------------------------------------------------------------------------------
    // Rows, statements, atoms

    pub(super) fn blank_before(&self, pos: usize) -> bool {
        !self.block_start && self.t.newlines(self.last_end, pos) >= 2
    }

    /// The comments before `pos`, between statements: own-line ones become rows at `indent`,
    /// trailing ones go to the end of the last statement.
    pub(super) fn comments_as_rows(&mut self, pos: usize, indent: usize) {
        while let Some(c) = self.t.comments.get(self.next_comment) {
            if c.start >= pos {
                break;
            }
            if c.trailing {
                let last = self.rows.iter_mut().rev().find_map(|r| match r {
                    Row::Code(stmt) => Some(stmt),
                    _ => None,
                });
                match last {
                    Some(stmt) => stmt.atoms.push(comment_atom(&c.text, Kind::Trailing)),
                    None => self.rows.push(Row::Comment {
                        indent,
                        text: c.text.clone(),
                    }),
                }
            } else {
                if self.blank_before(c.start) {
                    self.rows.push(Row::Blank);
                }
                self.rows.push(Row::Comment {
                    indent,
                    text: c.text.clone(),
                });
                self.block_start = false;
            }
            self.last_end = c.end;
            self.next_comment += 1;
        }
    }

    /// Starts a statement at `indent` whose first token is at `pos`.
    pub(super) fn begin(&mut self, indent: usize, pos: usize) {
        self.end();
        self.comments_as_rows(pos, indent);
        if self.blank_before(pos) {
            self.rows.push(Row::Blank);
        }
        self.block_start = false;
        self.stmt = Some(Stmt {
            indent,
            ..Stmt::default()
        });
    }

    pub(super) fn end(&mut self) {
        if let Some(stmt) = self.stmt.take() {
            self.rows.push(Row::Code(stmt));
        }
    }

    fn stmt(&mut self) -> &mut Stmt {
        self.stmt.get_or_insert_with(Stmt::default)
    }

    pub fn set_comment_col(&mut self, col: usize) {
        self.stmt().comment_col = Some(col);
    }

    /// Emits `text`, which stands at `start..end` in the source, `space` spaces after the atom
    /// before it; on a new line if the source breaks the line there.
    pub fn atom(&mut self, text: &str, (start, end): (usize, usize), kind: Kind, space: usize) {
        self.atom_with(text, (start, end), kind, space, false);
    }

    /// Like [`Printer::atom`], always on a new line.
    pub fn atom_on_new_line(&mut self, text: &str, range: (usize, usize), kind: Kind) {
        self.atom_with(text, range, kind, 1, true);
    }

    fn atom_with(
        &mut self,
        text: &str,
        (start, end): (usize, usize),
        kind: Kind,
        space: usize,
        force: bool,
    ) {
        while let Some(c) = self.t.comments.get(self.next_comment) {
            if c.start >= start {
                break;
            }
            let mut atom = comment_atom(&c.text, Kind::OwnLine);
            let stmt = self.stmt.get_or_insert_with(Stmt::default);
            if c.trailing {
                atom.kind = Kind::Trailing;
            } else {
                let after_open = stmt.atoms.last().is_none_or(|a| a.kind == Kind::Open);
                atom.blank = !after_open && self.t.newlines(self.last_end, c.start) >= 2;
            }
            stmt.atoms.push(atom);
            self.last_end = c.end;
            self.next_comment += 1;
        }
        let newlines = self.t.newlines(self.last_end, start);
        let stmt = self.stmt();
        let after_open = stmt.atoms.last().is_none_or(|a| a.kind == Kind::Open);
        let hard = !stmt.atoms.is_empty() && (force || newlines > 0);
        stmt.atoms.push(Atom {
            text: text.to_string(),
            kind,
            space,
            hard,
            blank: hard && newlines >= 2 && kind != Kind::Close && !after_open,
        });
        self.last_end = self.last_end.max(end);
    }

    /// A word of the language (`when`, `up to`, `{`), at the `words` tokens from `pos`.
    pub fn kw(&mut self, text: &str, pos: usize, words: usize, space: usize) {
        let range = self.t.words_at(pos, words);
        let kind = match text {
            "(" | "[" | "{" => Kind::Open,
            ")" | "]" | "}" => Kind::Close,
            "and" | "or" => Kind::Breakable,
            _ => Kind::Code,
        };
        self.atom(text, range, kind, space);
    }

    /// Source text as it stands, such as a literal.
    pub fn verbatim(&mut self, span: Span, space: usize) {
        let text = self.t.slice(span);
        self.atom(
            text,
            (span.start as usize, span.end as usize),
            Kind::Code,
            space,
        );
    }

    pub fn ident(&mut self, id: &Ident, space: usize) {
        let range = (id.span.start as usize, id.span.end as usize);
        self.atom(&id.name, range, Kind::Code, space);
    }

    /// Opens a block: the header statement ends with `{`.
    pub(super) fn open_block(&mut self, after: usize) {
        self.kw("{", after, 1, 1);
        self.end();
        self.block_start = true;
    }

    /// Closes a block whose `}` ends at `end`; its lines were at `indent + 2`.
    pub(super) fn close_block(&mut self, indent: usize, end: usize) {
        self.end();
        let brace = end.saturating_sub(1);
        self.comments_as_rows(brace, indent + INDENT);
        self.block_start = false;
        self.stmt = Some(Stmt {
            indent,
            ..Stmt::default()
        });
        self.atom("}", (brace, end), Kind::Code, 0);
        self.end();
    }
}

fn comment_atom(text: &str, kind: Kind) -> Atom {
    Atom {
        text: text.to_string(),
        kind,
        space: 2,
        hard: false,
        blank: false,
    }
}
