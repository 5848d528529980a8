//! Declarations and blocks: schema, definitions, scores, grades, stages, SLAs, tests, with
//! their columns aligned (schema types, score points, grade labels, SLA keywords).

use super::layout::Kind;
use super::print::{Printer, INDENT};
use super::trivia::Trivia;
use crate::syntax::ast::*;

impl Printer<'_> {
    // -----------------------------------------------------------------------------------------
    // Declarations

    pub(super) fn item(&mut self, item: &Item) {
        match item {
            Item::Schema(s) => self.schema(s),
            Item::Input(b) => self.input(b),
            Item::Def(d) => {
                self.begin(0, d.span.start as usize);
                self.ident(&d.name, 0);
                let word = match d.kind {
                    DefKind::When => "when",
                    DefKind::Value => "=",
                };
                self.kw(word, d.name.span.end as usize, 1, 1);
                self.expr(&d.expr, 1);
                self.end();
            }
            Item::Score(s) => self.score(s),
            Item::Grade(g) => self.grade(g),
            Item::Stages(s) => {
                self.begin(0, s.span.start as usize);
                self.kw("stages", s.span.start as usize, 1, 0);
                for (i, name) in s.path.iter().enumerate() {
                    if i > 0 {
                        self.kw("->", s.path[i - 1].span.end as usize, 1, 1);
                    }
                    self.ident(name, 1);
                }
                self.end();
            }
            Item::Detours(d) => {
                self.begin(0, d.span.start as usize);
                self.kw("detours", d.span.start as usize, 1, 0);
                for (i, name) in d.names.iter().enumerate() {
                    if i > 0 {
                        self.kw(",", d.names[i - 1].span.end as usize, 1, 0);
                    }
                    self.ident(name, 1);
                }
                self.end();
            }
            Item::Sla(s) => self.sla(s),
            Item::Test(t) => self.test(t),
        }
    }

    fn schema(&mut self, s: &Schema) {
        let start = s.span.start as usize;
        self.begin(0, start);
        self.kw("schema", start, 1, 0);
        self.open_block(s.keyword.end as usize);
        let name_width = s
            .fields
            .iter()
            .map(|f| f.name.name.chars().count() + 2)
            .max()
            .unwrap_or(0);
        // A schema reads as a table: the column of `from` and of trailing comments is as wide
        // as the name column, or as the widest simple type needs (enums and records, wider,
        // are followed by two spaces).
        let type_width = s
            .fields
            .iter()
            .map(|f| self.type_part(f))
            .filter(|t| !t.contains(['(', '{']))
            .map(|t| t.chars().count() + 2)
            .max()
            .unwrap_or(0)
            .max(name_width);
        for f in &s.fields {
            self.begin(INDENT, f.span.start as usize);
            let name_len = f.name.name.chars().count() + 1;
            self.ident(&f.name, 0);
            self.kw(":", f.name.span.end as usize, 1, 0);
            let pad = name_width - name_len;
            self.field_tail(f, pad, type_width);
            self.set_comment_col(INDENT + name_width + type_width);
            self.end();
        }
        self.close_block(0, s.span.end as usize);
    }

    /// A field's type, `key` and `from`: the type `space` spaces after its name, `from` in the
    /// column `type_width` after the type's start (0: two spaces after the type).
    pub fn field_tail(&mut self, f: &FieldDecl, space: usize, type_width: usize) {
        self.ty(&f.ty, space);
        if let Some(key) = f.key {
            self.kw("key", key.start as usize, 1, 1);
        }
        if let Some(from) = &f.from {
            let used = self.type_part(f).chars().count();
            let gap = if used + 2 <= type_width {
                type_width - used
            } else {
                2
            };
            let after = f.key.map_or(f.ty.span.end, |k| k.end) as usize;
            self.kw("from", after, 1, gap);
            self.verbatim(from.span, 1);
            if let Some(n) = &f.occurrence {
                let range = (n.span.start as usize, n.span.end as usize);
                self.atom(&format!("({})", n.value), range, Kind::Code, 1);
            }
        }
        if let Some(format) = &f.format {
            // In the `from` column when there is no `from`, else after it.
            let space = match &f.from {
                Some(_) => 1,
                None => {
                    let used = self.type_part(f).chars().count();
                    if used + 2 <= type_width {
                        type_width - used
                    } else {
                        2
                    }
                }
            };
            self.kw("format", format.keyword.start as usize, 1, space);
            self.strings(&format.layouts, 1);
        }
    }

    /// String literals separated by `, `, the first `space` spaces after what precedes it.
    fn strings(&mut self, values: &[StrLit], space: usize) {
        for (i, v) in values.iter().enumerate() {
            if i == 0 {
                self.verbatim(v.span, space);
            } else {
                self.kw(",", values[i - 1].span.end as usize, 1, 0);
                self.verbatim(v.span, 1);
            }
        }
    }

    /// `input { … }`: one line per setting, the values in a column after the keywords.
    fn input(&mut self, b: &Input) {
        let start = b.span.start as usize;
        self.begin(0, start);
        self.kw("input", start, 1, 0);
        self.open_block(b.keyword.end as usize);
        let width = b
            .lines
            .iter()
            .map(|l| l.key.keyword().len())
            .max()
            .unwrap_or(0);
        for line in &b.lines {
            let word = line.key.keyword();
            self.begin(INDENT, line.span.start as usize);
            let range = (line.keyword.start as usize, line.keyword.end as usize);
            self.atom(word, range, Kind::Code, 0);
            self.strings(&line.values, width - word.len() + 1);
            self.end();
        }
        self.close_block(0, b.span.end as usize);
    }

    /// A field's type and `key` as one line of text, for alignment.
    fn type_part(&self, f: &FieldDecl) -> String {
        let mut text = super::expr::flat_type(self.t, &f.ty);
        if f.key.is_some() {
            text.push_str(" key");
        }
        text
    }

    fn score(&mut self, s: &Score) {
        let start = s.span.start as usize;
        self.begin(0, start);
        self.kw("score", start, 1, 0);
        self.ident(&s.name, 1);
        self.open_block(s.name.span.end as usize);
        let items: Vec<&ScoreItem> = s
            .lines
            .iter()
            .filter_map(|l| match l {
                ScoreLine::Item(i) => Some(i),
                _ => None,
            })
            .collect();
        let width = self.points_width(&items);
        for line in &s.lines {
            match line {
                ScoreLine::Item(item) => self.score_item(item, INDENT, width),
                ScoreLine::Group {
                    name,
                    up_to,
                    items,
                    span,
                } => {
                    self.begin(INDENT, span.start as usize);
                    self.kw("group", span.start as usize, 1, 0);
                    self.verbatim(name.span, 1);
                    self.kw("up to", name.span.end as usize, 2, 1);
                    self.amount(up_to, 1);
                    self.open_block(up_to.span.end as usize);
                    let refs: Vec<&ScoreItem> = items.iter().collect();
                    let width = self.points_width(&refs);
                    for item in items {
                        self.score_item(item, 2 * INDENT, width);
                    }
                    self.close_block(INDENT, span.end as usize);
                }
                ScoreLine::AtLeast(a) | ScoreLine::AtMost(a) => {
                    let word = match line {
                        ScoreLine::AtLeast(_) => "at least",
                        _ => "at most",
                    };
                    let pos = a.span.start as usize;
                    self.begin(INDENT, pos);
                    self.atom(word, (pos, pos), Kind::Code, 0);
                    self.amount(a, 1);
                    self.end();
                }
                ScoreLine::Decay {
                    rate,
                    every,
                    since,
                    span,
                } => {
                    self.begin(INDENT, span.start as usize);
                    self.kw("decay", span.start as usize, 1, 0);
                    self.amount(rate, 1);
                    self.kw("every", rate.span.end as usize, 1, 1);
                    self.expr(every, 1);
                    self.kw("since", every.span.end as usize, 1, 1);
                    self.expr(since, 1);
                    self.end();
                }
            }
        }
        self.close_block(0, s.span.end as usize);
    }

    /// An amount as written, without the blanks that `+ 10` may have.
    fn amount(&mut self, a: &Amount, space: usize) {
        let text = amount_text(self.t.slice(a.span));
        let range = (a.span.start as usize, a.span.end as usize);
        self.atom(&text, range, Kind::Code, space);
    }

    fn points_width(&self, items: &[&ScoreItem]) -> usize {
        items
            .iter()
            .map(|i| amount_text(self.t.slice(i.points.span)).chars().count())
            .max()
            .unwrap_or(0)
    }

    /// `+10 when C`, `+2 per X up to N`, the points padded to `width`.
    fn score_item(&mut self, item: &ScoreItem, indent: usize, width: usize) {
        self.begin(indent, item.span.start as usize);
        self.amount(&item.points, 0);
        let used = amount_text(self.t.slice(item.points.span)).chars().count();
        let space = width.saturating_sub(used) + 1;
        let after = item.points.span.end as usize;
        match &item.rule {
            ScoreRule::Always => {}
            ScoreRule::When(cond) => {
                self.kw("when", after, 1, space);
                self.expr(cond, 1);
            }
            ScoreRule::Per { x, up_to } => {
                self.kw("per", after, 1, space);
                self.expr(x, 1);
                if let Some(n) = up_to {
                    self.kw("up to", x.span.end as usize, 2, 1);
                    self.amount(n, 1);
                }
            }
        }
        self.end();
    }

    fn grade(&mut self, g: &Grade) {
        let start = g.span.start as usize;
        self.begin(0, start);
        self.kw("grade", start, 1, 0);
        self.ident(&g.name, 1);
        self.open_block(g.name.span.end as usize);
        let width = g
            .arms
            .iter()
            .map(|a| self.t.slice(a.label.span).chars().count())
            .max()
            .unwrap_or(0);
        for arm in &g.arms {
            self.begin(INDENT, arm.span.start as usize);
            self.verbatim(arm.label.span, 0);
            let used = self.t.slice(arm.label.span).chars().count();
            self.kw("when", arm.label.span.end as usize, 1, width - used + 1);
            self.expr(&arm.cond, 1);
            self.end();
        }
        if let Some(label) = &g.otherwise {
            let pos = label.span.start as usize;
            self.begin(INDENT, pos);
            self.atom("else", (pos, pos), Kind::Code, 0);
            self.verbatim(label.span, 1);
            self.end();
        }
        self.close_block(0, g.span.end as usize);
    }

    fn sla(&mut self, s: &Sla) {
        let start = s.span.start as usize;
        self.begin(0, start);
        self.kw("sla", start, 1, 0);
        self.verbatim(s.name.span, 1);
        self.open_block(s.name.span.end as usize);
        let width = sla_keyword_width(s);
        for line in &s.lines {
            let word = line.kind.keyword();
            self.begin(INDENT, line.span.start as usize);
            let (kw_start, kw_end) = (line.keyword.start as usize, line.keyword.end as usize);
            self.atom(word, (kw_start, kw_end), Kind::Code, 0);
            let space = width - word.len() + 1;
            match &line.kind {
                SlaLineKind::Owner(name) | SlaLineKind::Per(name) => self.ident(name, space),
                SlaLineKind::For(e)
                | SlaLineKind::From(e)
                | SlaLineKind::Until(e)
                | SlaLineKind::Within(e)
                | SlaLineKind::Target(e)
                | SlaLineKind::Require(e)
                | SlaLineKind::Count(e)
                | SlaLineKind::By(e)
                | SlaLineKind::AtLeast(e)
                | SlaLineKind::AtMost(e) => self.expr(e, space),
            }
            self.end();
        }
        self.close_block(0, s.span.end as usize);
    }

    fn test(&mut self, t: &Test) {
        let start = t.span.start as usize;
        self.begin(0, start);
        self.kw("test", start, 1, 0);
        self.verbatim(t.name.span, 1);
        self.open_block(t.name.span.end as usize);
        for line in test_lines(self.t, t) {
            match line {
                TestLine::AsOf(e) => {
                    let pos = e.span.start as usize;
                    self.begin(INDENT, pos);
                    self.atom("as of", (pos, pos), Kind::Code, 0);
                    self.expr(e, 1);
                }
                TestLine::Given { at, open, close } => {
                    self.begin(INDENT, at);
                    self.kw("given", at, 1, 0);
                    let fields: Vec<(&Ident, &DataLit)> = t
                        .given
                        .iter()
                        .filter(|f| {
                            (f.span.start as usize) > open && (f.span.end as usize) <= close
                        })
                        .map(|f| (&f.name, &f.value))
                        .collect();
                    let flat = super::expr::flat_fields(self.t, &fields);
                    let multiline = self.t.newlines(open, close) > 0
                        || INDENT + "given { ".len() + flat.chars().count() + 2
                            > super::layout::MAX_WIDTH;
                    self.fields_block(open, close, &fields, multiline, None, 1);
                }
                TestLine::Expect(x) => {
                    self.begin(INDENT, x.span.start as usize);
                    self.kw("expect", x.span.start as usize, 1, 0);
                    self.expr(&x.expr, 1);
                }
            }
            self.end();
        }
        self.close_block(0, t.span.end as usize);
    }
}

/// A test's lines in source order (the AST keeps `as of`, `given` and `expect` apart).
enum TestLine<'t> {
    AsOf(&'t Expr),
    /// A `given` block: the keyword's offset, and those of its braces.
    Given {
        at: usize,
        open: usize,
        close: usize,
    },
    Expect(&'t Expect),
}

fn test_lines<'t>(trivia: &Trivia<'_>, t: &'t Test) -> Vec<TestLine<'t>> {
    let mut lines: Vec<(usize, TestLine<'t>)> = Vec::new();
    if let Some(e) = &t.as_of {
        lines.push((e.span.start as usize, TestLine::AsOf(e)));
    }
    for x in &t.expects {
        lines.push((x.span.start as usize, TestLine::Expect(x)));
    }
    // `given {` at the test's own level (depth 1): a field may be called `given`, but never
    // followed by `{` there.
    let body = trivia.code_in(t.name.span.end as usize, t.span.end as usize);
    let mut depth = 0usize;
    for (k, tok) in body.iter().enumerate() {
        let text = tok.text(trivia.text);
        match text {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => depth = depth.saturating_sub(1),
            "given" if depth == 1 => {
                let brace = body.get(k + 1).filter(|b| b.text(trivia.text) == "{");
                if let Some(close) = brace.and_then(|b| trivia.partner_of(b.start)) {
                    let open = body[k + 1].start;
                    let line = TestLine::Given {
                        at: tok.start,
                        open,
                        close: close.start,
                    };
                    lines.push((tok.start, line));
                }
            }
            _ => {}
        }
    }
    lines.sort_by_key(|(at, _)| *at);
    lines.into_iter().map(|(_, l)| l).collect()
}

/// `+ 10` → `+10`.
fn amount_text(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The keyword column of an SLA: as wide as the longest keyword its kind (docs/language.md, "SLAs") has, so that
/// SLAs of one kind look alike whichever optional lines they use (`at most` lines up with
/// where `at least` would be).
fn sla_keyword_width(s: &Sla) -> usize {
    let has = |f: fn(&SlaLineKind) -> bool| s.lines.iter().any(|l| f(&l.kind));
    let kind_width = if has(|k| {
        matches!(
            k,
            SlaLineKind::Count(_)
                | SlaLineKind::By(_)
                | SlaLineKind::Per(_)
                | SlaLineKind::AtLeast(_)
                | SlaLineKind::AtMost(_)
        )
    }) {
        "at least".len()
    } else if has(|k| matches!(k, SlaLineKind::Require(_))) {
        "require".len()
    } else {
        "within".len()
    };
    s.lines
        .iter()
        .map(|l| l.kind.keyword().len())
        .chain([kind_width])
        .max()
        .unwrap_or(0)
}
