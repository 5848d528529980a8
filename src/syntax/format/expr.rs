//! Expressions, types and data literals, as atoms.
//!
//! Literals are printed as written (`1_000`, `95%`, `30d`, a string's escapes): the AST keeps
//! their values, the source their spelling. Parentheses are kept where the source has them (one
//! pair where it has several): the AST drops them, and they are often there for the reader
//! (`not (x is missing)`).

use super::layout::Kind;
use super::print::Printer;
use super::trivia::Trivia;
use crate::source::Span;
use crate::syntax::ast::*;

fn start(span: Span) -> usize {
    span.start as usize
}

fn end(span: Span) -> usize {
    span.end as usize
}

impl Printer<'_> {
    pub fn expr(&mut self, e: &Expr, space: usize) {
        if self.t.is_parenthesized(e.span) {
            let inner = self.t.strip_parens(e.span);
            self.atom("(", (start(e.span), start(e.span) + 1), Kind::Open, space);
            self.expr_kind(e, inner, 0);
            self.atom(")", (end(e.span) - 1, end(e.span)), Kind::Close, 0);
        } else {
            self.expr_kind(e, e.span, space);
        }
    }

    /// An operator of `words` words (`is present`) after `lhs`.
    fn op(&mut self, text: &str, lhs: &Expr, words: usize) {
        self.kw(text, end(lhs.span), words, 1);
    }

    fn expr_kind(&mut self, e: &Expr, span: Span, space: usize) {
        match &e.kind {
            ExprKind::Int(_) | ExprKind::Number(_) | ExprKind::Duration(_) => {
                // `- 3` is the literal -3: written without the blank.
                let text: String = self
                    .t
                    .slice(span)
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect();
                self.atom(&text, (start(span), end(span)), Kind::Code, space);
            }
            ExprKind::Str(_) => self.verbatim(span, space),
            ExprKind::Bool(b) => {
                let text = if *b { "true" } else { "false" };
                self.atom(text, (start(span), end(span)), Kind::Code, space);
            }
            ExprKind::Now => self.atom("now", (start(span), end(span)), Kind::Code, space),
            ExprKind::It => self.atom("it", (start(span), end(span)), Kind::Code, space),
            ExprKind::Name(id) => self.ident(id, space),
            ExprKind::Path { root, field, .. } => {
                let root = match root {
                    PathRoot::It => "it",
                    PathRoot::Lead => "lead",
                };
                let text = format!("{root}.{}", field.name);
                self.atom(&text, (start(span), end(span)), Kind::Code, space);
            }
            ExprKind::List(items) => {
                self.atom("[", (start(span), start(span) + 1), Kind::Open, space);
                self.comma_list(items, end(span), "]");
            }
            ExprKind::Unary(UnOp::Not, x) => {
                self.kw("not", start(span), 1, space);
                self.expr(x, 1);
            }
            ExprKind::Unary(UnOp::Neg, x) => {
                self.kw("-", start(span), 1, space);
                self.expr(x, 0);
            }
            ExprKind::Binary(op, a, b) => {
                self.expr(a, space);
                self.op(op.as_str(), a, 1);
                self.expr(b, 1);
            }
            ExprKind::In { x, list, negated } => {
                self.expr(x, space);
                match negated {
                    true => self.op("not in", x, 2),
                    false => self.op("in", x, 1),
                }
                self.expr(list, 1);
            }
            ExprKind::Has { list, value } => {
                self.expr(list, space);
                self.verbatim(value.span, 1);
            }
            ExprKind::Contains {
                subject,
                quant,
                arg,
            } => {
                self.expr(subject, space);
                match quant {
                    Quantifier::One => self.op("contains", subject, 1),
                    Quantifier::Any => self.op("contains any", subject, 2),
                    Quantifier::All => self.op("contains all", subject, 2),
                }
                self.expr(arg, 1);
            }
            ExprKind::StartsWith(a, b) => self.infix_words(a, "starts with", 2, b, space),
            ExprKind::EndsWith(a, b) => self.infix_words(a, "ends with", 2, b, space),
            ExprKind::Matches(a, b) => self.infix_words(a, "matches", 1, b, space),
            ExprKind::Within(a, b) => self.infix_words(a, "within", 1, b, space),
            ExprKind::IsPresent(x) => {
                self.expr(x, space);
                self.op("is present", x, 2);
            }
            ExprKind::IsMissing(x) => {
                self.expr(x, space);
                self.op("is missing", x, 2);
            }
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => {
                self.kw("if", start(span), 1, space);
                self.expr(cond, 1);
                self.op("then", cond, 1);
                self.expr(then, 1);
                self.op("else", then, 1);
                self.expr(otherwise, 1);
            }
            ExprKind::Call { func, args } => {
                self.ident(func, space);
                self.kw("(", end(func.span), 1, 0);
                self.comma_list(args, end(span), ")");
            }
            ExprKind::Where { list, cond } => self.infix_words(list, "where", 1, cond, space),
        }
    }

    fn infix_words(&mut self, a: &Expr, text: &str, words: usize, b: &Expr, space: usize) {
        self.expr(a, space);
        self.op(text, a, words);
        self.expr(b, 1);
    }

    /// `a, b, c]` or `a, b)`: the items after an opening bracket, and the closing one, which
    /// ends at `close_end`. A trailing comma is dropped.
    fn comma_list(&mut self, items: &[Expr], close_end: usize, close: &str) {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.kw(",", end(items[i - 1].span), 1, 0);
            }
            self.expr(item, if i > 0 { 1 } else { 0 });
        }
        self.atom(close, (close_end - 1, close_end), Kind::Close, 0);
    }

    // -----------------------------------------------------------------------------------------
    // Types

    pub fn ty(&mut self, t: &TypeExpr, space: usize) {
        let at = start(t.span);
        match &t.kind {
            TypeExprKind::OneOf(values) => {
                self.kw("one of", at, 2, space);
                let (_, of_end) = self.t.words_at(at, 2);
                self.kw("(", of_end, 1, 1);
                let open = self.t.code_at(of_end).map_or(of_end, |t| t.start);
                let close = self.t.partner_of(open).map_or(end(t.span), |t| t.end);
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        self.kw(",", end(values[i - 1].span), 1, 0);
                    }
                    self.verbatim(v.span, if i > 0 { 1 } else { 0 });
                }
                self.atom(")", (close - 1, close), Kind::Close, 0);
            }
            TypeExprKind::List(elem) => {
                self.kw("list of", at, 2, space);
                self.ty(elem, 1);
            }
            TypeExprKind::Records(fields) => {
                self.kw("list of", at, 2, space);
                let (_, of_end) = self.t.words_at(at, 2);
                let open = self.t.code_at(of_end).map_or(of_end, |t| t.start);
                let close = self.t.partner_of(open).map_or(end(t.span), |t| t.start);
                let multiline = self.t.newlines(open, close) > 0;
                self.atom("{", (open, open + 1), Kind::Open, 1);
                for (i, f) in fields.iter().enumerate() {
                    let range = (start(f.name.span), end(f.name.span));
                    if multiline {
                        self.atom_on_new_line(&f.name.name, range, Kind::Code);
                    } else {
                        if i > 0 {
                            self.kw(",", end(fields[i - 1].span), 1, 0);
                        }
                        self.atom(&f.name.name, range, Kind::Code, 1);
                    }
                    self.kw(":", end(f.name.span), 1, 0);
                    self.field_tail(f, 1, 0);
                }
                if multiline {
                    self.atom_on_new_line("}", (close, close + 1), Kind::Close);
                } else {
                    self.atom("}", (close, close + 1), Kind::Close, 1);
                }
            }
            _ => self.kw(type_name(&t.kind), at, 1, space),
        }
        if let Some(q) = t.optional {
            self.atom("?", (start(q), end(q)), Kind::Code, 0);
        }
    }

    // -----------------------------------------------------------------------------------------
    // Data (test inputs)

    /// `{ a: 1, b: 2 }` on one line, or one field per line; the braces are at `open` and
    /// `close`. `pads` widens each field but the last (records aligned in a list).
    pub fn fields_block(
        &mut self,
        open: usize,
        close: usize,
        fields: &[(&Ident, &DataLit)],
        multiline: bool,
        pads: Option<&[usize]>,
        space: usize,
    ) {
        self.atom("{", (open, open + 1), Kind::Open, space);
        for (i, (name, value)) in fields.iter().enumerate() {
            let range = (start(name.span), end(name.span));
            if multiline {
                self.atom_on_new_line(&name.name, range, Kind::Code);
            } else {
                let space = match (i, pads) {
                    (0, _) => 1,
                    (_, Some(p)) => 1 + p.get(i - 1).copied().unwrap_or(0),
                    _ => 1,
                };
                if i > 0 {
                    self.kw(",", end(fields[i - 1].1.span), 1, 0);
                }
                self.atom(&name.name, range, Kind::Code, space);
            }
            self.kw(":", end(name.span), 1, 0);
            self.data(value, 1);
        }
        let space = if fields.is_empty() { 0 } else { 1 };
        if multiline {
            self.atom_on_new_line("}", (close, close + 1), Kind::Close);
        } else {
            self.atom("}", (close, close + 1), Kind::Close, space);
        }
    }

    fn data(&mut self, d: &DataLit, space: usize) {
        match &d.kind {
            DataLitKind::List(items) => {
                let open = start(d.span);
                self.atom("[", (open, open + 1), Kind::Open, space);
                let pads = record_pads(self.t, items, open);
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.kw(",", end(items[i - 1].span), 1, 0);
                    }
                    let space = usize::from(i > 0);
                    match (&item.kind, &pads) {
                        (DataLitKind::Record(fields), Some(pads)) => {
                            let refs: Vec<(&Ident, &DataLit)> =
                                fields.iter().map(|(k, v)| (k, v)).collect();
                            let (o, c) = (start(item.span), end(item.span) - 1);
                            self.fields_block(
                                o,
                                c,
                                &refs,
                                false,
                                pads.get(i).map(Vec::as_slice),
                                space,
                            );
                        }
                        _ => self.data(item, space),
                    }
                }
                let close = end(d.span);
                self.atom("]", (close - 1, close), Kind::Close, 0);
            }
            DataLitKind::Record(fields) => {
                let refs: Vec<(&Ident, &DataLit)> = fields.iter().map(|(k, v)| (k, v)).collect();
                let (o, c) = (start(d.span), end(d.span) - 1);
                let multiline = self.t.newlines(o, c) > 0;
                self.fields_block(o, c, &refs, multiline, None, space);
            }
            DataLitKind::Bool(b) => {
                let text = if *b { "true" } else { "false" };
                self.atom(text, (start(d.span), end(d.span)), Kind::Code, space);
            }
            DataLitKind::Missing => {
                self.atom("missing", (start(d.span), end(d.span)), Kind::Code, space)
            }
            DataLitKind::Int(_) | DataLitKind::Number(_) | DataLitKind::Str(_) => {
                self.verbatim(d.span, space)
            }
        }
    }
}

/// When the records of a list stand one per line, each on one line, with the same fields:
/// how much to widen each field but the last so that they line up in columns.
fn record_pads(t: &Trivia<'_>, items: &[DataLit], open: usize) -> Option<Vec<Vec<usize>>> {
    let mut rows: Vec<Vec<(&str, String)>> = Vec::new();
    let mut prev_end = open + 1;
    for item in items {
        let DataLitKind::Record(fields) = &item.kind else {
            return None;
        };
        if t.newlines(prev_end, start(item.span)) == 0
            || t.newlines(start(item.span), end(item.span)) > 0
        {
            return None;
        }
        prev_end = end(item.span);
        rows.push(
            fields
                .iter()
                .map(|(k, v)| (k.name.as_str(), format!("{}: {},", k.name, flat_data(t, v))))
                .collect(),
        );
    }
    let first = rows.first()?;
    let same_names =
        |r: &Vec<(&str, String)>| r.iter().map(|(n, _)| n).eq(first.iter().map(|(n, _)| n));
    if rows.len() < 2 || !rows.iter().all(same_names) {
        return None;
    }
    let columns = first.len().saturating_sub(1);
    let widths: Vec<usize> = (0..columns)
        .map(|j| {
            rows.iter()
                .map(|r| r[j].1.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let pads = rows
        .iter()
        .map(|r| {
            (0..columns)
                .map(|j| widths[j] - r[j].1.chars().count())
                .collect()
        })
        .collect();
    Some(pads)
}

fn type_name(kind: &TypeExprKind) -> &'static str {
    match kind {
        TypeExprKind::Int => "int",
        TypeExprKind::Number => "number",
        TypeExprKind::String => "string",
        TypeExprKind::Bool => "bool",
        TypeExprKind::Timestamp => "timestamp",
        TypeExprKind::Duration => "duration",
        TypeExprKind::OneOf(_) => "one of",
        TypeExprKind::List(_) | TypeExprKind::Records(_) => "list of",
    }
}

/// A type on one line, as the formatter writes it.
pub(super) fn flat_type(t: &Trivia<'_>, ty: &TypeExpr) -> String {
    let mut text = match &ty.kind {
        TypeExprKind::OneOf(values) => {
            let values: Vec<&str> = values.iter().map(|v| t.slice(v.span)).collect();
            format!("one of ({})", values.join(", "))
        }
        TypeExprKind::List(elem) => format!("list of {}", flat_type(t, elem)),
        TypeExprKind::Records(fields) => {
            let fields: Vec<String> = fields
                .iter()
                .map(|f| {
                    let mut s = format!("{}: {}", f.name.name, flat_type(t, &f.ty));
                    if f.key.is_some() {
                        s.push_str(" key");
                    }
                    if let Some(from) = &f.from {
                        s.push_str(&format!("  from {}", t.slice(from.span)));
                    }
                    s
                })
                .collect();
            format!("list of {{ {} }}", fields.join(", "))
        }
        kind => type_name(kind).to_string(),
    };
    if ty.optional.is_some() {
        text.push('?');
    }
    text
}

/// A data literal on one line.
pub(super) fn flat_data(t: &Trivia<'_>, d: &DataLit) -> String {
    match &d.kind {
        DataLitKind::List(items) => {
            let items: Vec<String> = items.iter().map(|i| flat_data(t, i)).collect();
            format!("[{}]", items.join(", "))
        }
        DataLitKind::Record(fields) => {
            let refs: Vec<(&Ident, &DataLit)> = fields.iter().map(|(k, v)| (k, v)).collect();
            if refs.is_empty() {
                "{}".to_string()
            } else {
                format!("{{ {} }}", flat_fields(t, &refs))
            }
        }
        DataLitKind::Bool(b) => b.to_string(),
        DataLitKind::Missing => "missing".to_string(),
        _ => t.slice(d.span).to_string(),
    }
}

/// `a: 1, b: 2`
pub(super) fn flat_fields(t: &Trivia<'_>, fields: &[(&Ident, &DataLit)]) -> String {
    let parts: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{}: {}", k.name, flat_data(t, v)))
        .collect();
    parts.join(", ")
}
