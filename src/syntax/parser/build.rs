//! Declarations: pest pairs → AST items (expressions are in `expr.rs`).

use super::literal;
use super::Rule;
use crate::diag::Code;
use crate::diag::{did_you_mean, Diagnostic};
use crate::source::{FileId, Span};
use crate::syntax::ast::*;
use pest::iterators::Pair;
use std::cell::RefCell;

/// What building one declaration needs: where its text sits in the file, and where errors go.
pub(super) struct Ctx<'a> {
    pub file: FileId,
    /// Byte offset of the parsed text in the file.
    pub base: usize,
    /// The file's text.
    pub source: &'a str,
    /// Errors found while building (literal values, unknown types, missing `else`).
    pub diagnostics: RefCell<Vec<Diagnostic>>,
}

/// Keyword pairs carry no information beyond their span; builders skip them.
fn is_keyword(rule: Rule) -> bool {
    // Every keyword rule of the grammar is named `kw_…`.
    format!("{rule:?}").starts_with("kw_")
}

fn significant<'i>(pair: Pair<'i, Rule>) -> impl Iterator<Item = Pair<'i, Rule>> {
    pair.into_inner().filter(|p| !is_keyword(p.as_rule()))
}

/// Length of `text` without trailing blanks and a trailing comment on its last line.
fn code_len(text: &str) -> usize {
    let text = text.trim_end_matches([' ', '\t', '\r']);
    let last_line = text.rfind('\n').map_or(0, |i| i + 1);
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text[last_line..].char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '#' if !in_string => {
                return text[..last_line + i]
                    .trim_end_matches([' ', '\t', '\r'])
                    .len();
            }
            _ => {}
        }
    }
    text.len()
}

const TYPE_NAMES: [(&str, TypeExprKind); 6] = [
    ("int", TypeExprKind::Int),
    ("number", TypeExprKind::Number),
    ("string", TypeExprKind::String),
    ("bool", TypeExprKind::Bool),
    ("timestamp", TypeExprKind::Timestamp),
    ("duration", TypeExprKind::Duration),
];

impl Ctx<'_> {
    /// The span of a pair, without the whitespace and comment that pest's implicit skipping may
    /// leave at its end (`a ~ b*` keeps the skip when `b*` matches nothing).
    pub(super) fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        let (start, end) = (self.base + s.start(), self.base + s.end());
        Span::new(self.file, start, start + code_len(&self.source[start..end]))
    }

    pub(super) fn error(&self, d: Diagnostic) {
        self.diagnostics.borrow_mut().push(d);
    }

    /// The value, or `None` after recording the error.
    pub(super) fn ok<T>(&self, r: literal::Result<T>) -> Option<T> {
        r.map_err(|d| self.error(*d)).ok()
    }

    pub(super) fn starts_with_digit(&self, offset: usize) -> bool {
        self.source
            .as_bytes()
            .get(offset)
            .is_some_and(u8::is_ascii_digit)
    }

    pub(super) fn ident(&self, pair: Pair<'_, Rule>) -> Ident {
        Ident {
            name: pair.as_str().to_string(),
            span: self.span(&pair),
        }
    }

    pub(super) fn str_lit(&self, pair: Pair<'_, Rule>) -> StrLit {
        let span = self.span(&pair);
        let raw = pair.as_str();
        let value = self.ok(literal::string(raw, span)).unwrap_or_else(|| {
            // Keep the text as written, so names and labels stay recognisable.
            raw.trim_matches('"').to_string()
        });
        StrLit { value, span }
    }

    fn amount(&self, pair: Pair<'_, Rule>) -> Amount {
        let span = self.span(&pair);
        let value = self.ok(literal::amount(pair.as_str(), span)).unwrap_or(0.0);
        Amount { value, span }
    }

    /// Builds the declaration inside a `Rule::item` pair.
    pub(super) fn item(&self, item: Pair<'_, Rule>) -> Option<Item> {
        let decl = item.into_inner().find(|p| p.as_rule() != Rule::EOI)?;
        let span = self.span(&decl);
        let attrs = self.attrs_above(span.start as usize);
        Some(match decl.as_rule() {
            Rule::schema => Item::Schema(self.schema(decl, attrs)),
            Rule::input => Item::Input(self.input(decl, attrs)),
            Rule::score => Item::Score(self.score(decl, attrs)),
            Rule::grade => Item::Grade(self.grade(decl, attrs)),
            Rule::stages => Item::Stages(Stages {
                attrs,
                path: significant(decl)
                    .filter(|p| p.as_rule() == Rule::ident)
                    .map(|p| self.ident(p))
                    .collect(),
                span,
            }),
            Rule::detours => Item::Detours(Detours {
                attrs,
                names: significant(decl).map(|p| self.ident(p)).collect(),
                span,
            }),
            Rule::sla => Item::Sla(self.sla(decl, attrs)?),
            Rule::test => Item::Test(self.test(decl, attrs)?),
            _ => Item::Def(self.def(decl, attrs)?),
        })
    }

    // -----------------------------------------------------------------------------------------
    // Schema

    fn schema(&self, pair: Pair<'_, Rule>, attrs: Attrs) -> Schema {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let keyword = inner.next().map_or(span, |k| self.span(&k));
        Schema {
            attrs,
            keyword,
            fields: inner.map(|f| self.field(f)).collect(),
            span,
        }
    }

    fn field(&self, pair: Pair<'_, Rule>) -> FieldDecl {
        let span = self.span(&pair);
        let mut field = FieldDecl {
            attrs: self.attrs_above(span.start as usize),
            name: Ident {
                name: String::new(),
                span,
            },
            ty: TypeExpr {
                kind: TypeExprKind::String,
                optional: None,
                span,
            },
            key: None,
            from: None,
            occurrence: None,
            format: None,
            span,
        };
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => field.name = self.ident(p),
                Rule::type_expr => field.ty = self.type_expr(p),
                Rule::kw_key => field.key = Some(self.span(&p)),
                Rule::from_field => {
                    for part in significant(p) {
                        match part.as_rule() {
                            Rule::occurrence => {
                                let span = self.span(&part);
                                let value = part
                                    .into_inner()
                                    .next()
                                    .and_then(|n| {
                                        let span = self.span(&n);
                                        self.ok(literal::int(n.as_str(), span))
                                    })
                                    .map_or(1, |n| n.unsigned_abs());
                                field.occurrence = Some(Occurrence { value, span });
                            }
                            _ => field.from = Some(self.str_lit(part)),
                        }
                    }
                }
                Rule::format_field => {
                    let mut inner = p.into_inner();
                    let keyword = inner.next().map_or(span, |k| self.span(&k));
                    field.format = Some(FieldFormat {
                        keyword,
                        layouts: inner.map(|s| self.str_lit(s)).collect(),
                    });
                }
                _ => {}
            }
        }
        field
    }

    // -----------------------------------------------------------------------------------------
    // Input

    fn input(&self, pair: Pair<'_, Rule>, attrs: Attrs) -> Input {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let keyword = inner.next().map_or(span, |k| self.span(&k));
        let lines = inner
            .filter(|p| p.as_rule() == Rule::input_line)
            .filter_map(|line| {
                let line_span = self.span(&line);
                let mut parts = line.into_inner();
                let kw = parts.next()?;
                let keyword = self.span(&kw);
                let key = match kw.into_inner().next()?.as_rule() {
                    Rule::kw_delimiter => InputKey::Delimiter,
                    Rule::time_zone => InputKey::TimeZone,
                    Rule::kw_timestamps => InputKey::Timestamps,
                    Rule::kw_missing => InputKey::Missing,
                    Rule::kw_numbers => InputKey::Numbers,
                    Rule::kw_currency => InputKey::Currency,
                    _ => InputKey::Footer,
                };
                Some(InputLine {
                    key,
                    keyword,
                    values: parts.map(|s| self.str_lit(s)).collect(),
                    span: line_span,
                })
            })
            .collect();
        Input {
            attrs,
            keyword,
            lines,
            span,
        }
    }

    fn type_expr(&self, pair: Pair<'_, Rule>) -> TypeExpr {
        let span = self.span(&pair);
        let mut ty = TypeExpr {
            kind: TypeExprKind::String,
            optional: None,
            span,
        };
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::optional => ty.optional = Some(self.span(&p)),
                _ => ty.kind = self.type_kind(p),
            }
        }
        ty
    }

    fn type_kind(&self, pair: Pair<'_, Rule>) -> TypeExprKind {
        match pair.as_rule() {
            Rule::one_of => {
                TypeExprKind::OneOf(significant(pair).map(|s| self.str_lit(s)).collect())
            }
            Rule::list_type => {
                let Some(elem) = significant(pair).next() else {
                    return TypeExprKind::String;
                };
                let span = self.span(&elem);
                match elem.as_rule() {
                    Rule::record_type => {
                        TypeExprKind::Records(elem.into_inner().map(|f| self.field(f)).collect())
                    }
                    _ => {
                        let kind = elem
                            .into_inner()
                            .next()
                            .map_or(TypeExprKind::String, |k| self.type_kind(k));
                        TypeExprKind::List(Box::new(TypeExpr {
                            kind,
                            optional: None,
                            span,
                        }))
                    }
                }
            }
            _ => self.type_name(pair),
        }
    }

    /// `int`, `number`, … An unknown name is reported; the closest type stands in for it.
    fn type_name(&self, pair: Pair<'_, Rule>) -> TypeExprKind {
        let name = pair.as_str();
        if let Some((_, kind)) = TYPE_NAMES.iter().find(|(n, _)| *n == name) {
            return kind.clone();
        }
        let guess = did_you_mean(name, TYPE_NAMES.iter().map(|(n, _)| *n));
        let help = match (guess, name) {
            (_, "list") => "a list type names its elements: `list of string`".to_string(),
            (_, "one") => "an enum lists its values: `one of (\"a\", \"b\")`".to_string(),
            (Some(g), _) => format!("did you mean `{g}`?"),
            (None, _) => "the types are `int`, `number`, `string`, `bool`, `timestamp`, \
                          `duration`, `one of (…)`, `list of T` and `list of { … }`"
                .to_string(),
        };
        self.error(
            Diagnostic::error(
                Code::SyntaxUnknownType,
                self.span(&pair),
                format!("unknown type `{name}`"),
            )
            .label("not a type")
            .with_help(help),
        );
        guess
            .and_then(|g| TYPE_NAMES.iter().find(|(n, _)| *n == g))
            .map_or(TypeExprKind::String, |(_, k)| k.clone())
    }

    // -----------------------------------------------------------------------------------------
    // Definitions, scores, grades

    fn def(&self, pair: Pair<'_, Rule>, attrs: Attrs) -> Option<Def> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let name = self.ident(inner.next()?);
        let kind = match inner.next()?.as_rule() {
            Rule::kw_when => DefKind::When,
            _ => DefKind::Value,
        };
        let expr = self.expr(inner.next()?);
        Some(Def {
            attrs,
            name,
            kind,
            expr,
            span,
        })
    }

    fn score(&self, pair: Pair<'_, Rule>, attrs: Attrs) -> Score {
        let span = self.span(&pair);
        let mut inner = significant(pair);
        let name = match inner.next() {
            Some(p) => self.ident(p),
            None => Ident {
                name: String::new(),
                span,
            },
        };
        let lines = inner.filter_map(|p| self.score_line(p)).collect();
        Score {
            attrs,
            name,
            lines,
            span,
        }
    }

    fn score_line(&self, pair: Pair<'_, Rule>) -> Option<ScoreLine> {
        let span = self.span(&pair);
        Some(match pair.as_rule() {
            Rule::score_item => ScoreLine::Item(self.score_item(pair)?),
            Rule::group => {
                let mut inner = significant(pair);
                let name = self.str_lit(inner.next()?);
                let up_to = self.up_to(inner.next()?)?;
                let items = inner.filter_map(|p| self.score_item(p)).collect();
                ScoreLine::Group {
                    name,
                    up_to,
                    items,
                    span,
                }
            }
            Rule::at_least => ScoreLine::AtLeast(self.amount(significant(pair).next()?)),
            Rule::at_most => ScoreLine::AtMost(self.amount(significant(pair).next()?)),
            _ => {
                let mut inner = significant(pair);
                let rate = self.amount(inner.next()?);
                let every = self.expr(inner.next()?);
                let since = self.expr(inner.next()?);
                ScoreLine::Decay {
                    rate,
                    every,
                    since,
                    span,
                }
            }
        })
    }

    fn score_item(&self, pair: Pair<'_, Rule>) -> Option<ScoreItem> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let points = self.amount(inner.next()?);
        let Some(rule_pair) = inner.next() else {
            return Some(ScoreItem {
                points,
                rule: ScoreRule::Always,
                span,
            });
        };
        let rule = match rule_pair.as_rule() {
            Rule::when_rule => ScoreRule::When(self.expr(significant(rule_pair).next()?)),
            _ => {
                let mut parts = significant(rule_pair);
                let x = self.expr(parts.next()?);
                let up_to = parts.next().and_then(|u| self.up_to(u));
                ScoreRule::Per { x, up_to }
            }
        };
        Some(ScoreItem { points, rule, span })
    }

    fn up_to(&self, pair: Pair<'_, Rule>) -> Option<Amount> {
        significant(pair).next().map(|a| self.amount(a))
    }

    fn grade(&self, pair: Pair<'_, Rule>, attrs: Attrs) -> Grade {
        let span = self.span(&pair);
        let mut inner = significant(pair);
        let name = match inner.next() {
            Some(p) => self.ident(p),
            None => Ident {
                name: String::new(),
                span,
            },
        };
        let mut arms = Vec::new();
        let mut otherwise: Option<StrLit> = None;
        for line in inner {
            let line_span = self.span(&line);
            let rule = line.as_rule();
            let mut parts = significant(line);
            let Some(label) = parts.next().map(|s| self.str_lit(s)) else {
                continue;
            };
            if let Some(previous) = &otherwise {
                self.error(
                    Diagnostic::error(
                        Code::SyntaxUnexpected,
                        line_span,
                        format!("grade `{}` has a line after its `else` line", name.name),
                    )
                    .label("never reached")
                    .with_secondary(previous.span, "the grade ends here")
                    .with_help("the `else` line comes last: move this line above it"),
                );
                continue;
            }
            if rule == Rule::grade_else {
                otherwise = Some(label);
            } else if let Some(cond) = parts.next() {
                arms.push(GradeArm {
                    label,
                    cond: self.expr(cond),
                    span: line_span,
                });
            }
        }
        if otherwise.is_none() {
            self.error(
                Diagnostic::error(
                    Code::SyntaxMissingElse,
                    name.span,
                    format!("grade `{}` has no `else` line", name.name),
                )
                .label("every grade needs an `else` value")
                .with_help(
                    "add a last line `else \"…\"` with the grade of a lead that no arm matches",
                ),
            );
        }
        Grade {
            attrs,
            name,
            arms,
            otherwise,
            span,
        }
    }

    // -----------------------------------------------------------------------------------------
    // SLAs and tests

    fn sla(&self, pair: Pair<'_, Rule>, attrs: Attrs) -> Option<Sla> {
        let span = self.span(&pair);
        let mut inner = significant(pair);
        let name = self.str_lit(inner.next()?);
        let lines = inner.filter_map(|p| self.sla_line(p)).collect();
        Some(Sla {
            attrs,
            name,
            lines,
            span,
        })
    }

    fn sla_line(&self, pair: Pair<'_, Rule>) -> Option<SlaLine> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let keyword_pair = inner.next()?;
        let keyword = self.span(&keyword_pair);
        let arg = inner.next()?;
        let kind = match keyword_pair.as_rule() {
            Rule::kw_owner => SlaLineKind::Owner(self.ident(arg)),
            Rule::kw_per => SlaLineKind::Per(self.ident(arg)),
            _ => {
                let expr = self.expr(arg);
                match keyword_pair.into_inner().next()?.as_rule() {
                    Rule::kw_for => SlaLineKind::For(expr),
                    Rule::kw_from => SlaLineKind::From(expr),
                    Rule::kw_until => SlaLineKind::Until(expr),
                    Rule::kw_within => SlaLineKind::Within(expr),
                    Rule::kw_target => SlaLineKind::Target(expr),
                    Rule::kw_require => SlaLineKind::Require(expr),
                    Rule::kw_count => SlaLineKind::Count(expr),
                    Rule::kw_by => SlaLineKind::By(expr),
                    Rule::sla_at_least => SlaLineKind::AtLeast(expr),
                    _ => SlaLineKind::AtMost(expr),
                }
            }
        };
        Some(SlaLine {
            kind,
            keyword,
            span,
        })
    }

    fn test(&self, pair: Pair<'_, Rule>, attrs: Attrs) -> Option<Test> {
        let span = self.span(&pair);
        let mut inner = significant(pair);
        let mut test = Test {
            attrs,
            name: self.str_lit(inner.next()?),
            as_of: None,
            given: Vec::new(),
            expects: Vec::new(),
            span,
        };
        for line in inner {
            let line_span = self.span(&line);
            match line.as_rule() {
                Rule::as_of => {
                    let Some(e) = significant(line).next() else {
                        continue;
                    };
                    if let Some(first) = &test.as_of {
                        self.error(
                            Diagnostic::error(
                                Code::SyntaxUnexpected,
                                line_span,
                                format!("test \"{}\" has a second `as of` line", test.name.value),
                            )
                            .label("second `as of`")
                            .with_secondary(first.span, "first `as of`")
                            .with_help("a test runs at one instant: keep one `as of` line"),
                        );
                    } else {
                        test.as_of = Some(self.expr(e));
                    }
                }
                Rule::given => {
                    for f in line
                        .into_inner()
                        .filter(|p| p.as_rule() == Rule::data_field)
                    {
                        let span = self.span(&f);
                        if let Some((name, value)) = self.data_field(f) {
                            test.given.push(GivenField { name, value, span });
                        }
                    }
                }
                _ => {
                    if let Some(e) = significant(line).next() {
                        test.expects.push(Expect {
                            expr: self.expr(e),
                            span: line_span,
                        });
                    }
                }
            }
        }
        Some(test)
    }

    fn data_field(&self, pair: Pair<'_, Rule>) -> Option<(Ident, DataLit)> {
        let mut inner = pair.into_inner();
        let name = self.ident(inner.next()?);
        let value = self.data(inner.next()?);
        Some((name, value))
    }

    fn data(&self, pair: Pair<'_, Rule>) -> DataLit {
        let span = self.span(&pair);
        let text = pair.as_str();
        let kind = match pair.as_rule() {
            Rule::data_list => DataLitKind::List(pair.into_inner().map(|p| self.data(p)).collect()),
            Rule::data_record => DataLitKind::Record(
                pair.into_inner()
                    .filter_map(|f| self.data_field(f))
                    .collect(),
            ),
            Rule::data_number if text.contains(['.', '%']) => {
                DataLitKind::Number(self.ok(literal::amount(text, span)).unwrap_or(0.0))
            }
            Rule::data_number => {
                let (negative, digits) = match text.strip_prefix('-') {
                    Some(d) => (true, d),
                    None => (false, text),
                };
                let n = self.ok(literal::int(digits, span)).unwrap_or(0);
                DataLitKind::Int(if negative { -n } else { n })
            }
            Rule::string => DataLitKind::Str(self.str_lit(pair).value),
            Rule::boolean => DataLitKind::Bool(text == "true"),
            _ => DataLitKind::Missing,
        };
        DataLit { kind, span }
    }
}
