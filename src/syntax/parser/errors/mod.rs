//! pest errors → diagnostics in the language's words.
//!
//! pest reports the furthest position it reached and the rules (and, with error detail on, the
//! literal tokens) it tried there. We turn those into at most three things a reader knows
//! ("a condition", "`{`", "a new line"), say what they were expected after ("after `when`",
//! "after the score name"), and add a help line for the mistakes we can recognise.

use super::build::Ctx;
use super::Rule;
use crate::diag::Code;
use crate::diag::{did_you_mean, Diagnostic};
use crate::source::Span;
use crate::syntax::words;
use context::{describe_prev, line_tail, operator_before, shorten, tokens, Tok};
use pest::error::{Error, ErrorVariant, InputLocation};

mod context;

/// What the parser could have accepted, in words.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Expect {
    // Listed in the order they are mentioned: the most specific first (see `tidy`).
    ScoreLine,
    GradeLine,
    SlaLine,
    TestLine,
    Field,
    Expr,
    Type,
    Name,
    Str,
    Number,
    Value,
    Token(String),
    Operator,
    NewLine,
}

/// The kind of declaration being parsed, from its first words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DeclKind {
    Schema,
    Score,
    Grade,
    Stages,
    Detours,
    Sla,
    Test,
    Def,
}

/// Builds the diagnostic for a pest error in the declaration `text` (at `ctx.base`).
pub(super) fn diagnostic(ctx: &Ctx<'_>, text: &str, e: &Error<Rule>) -> Diagnostic {
    let rule_pos = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let positives: &[Rule] = match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => positives,
        ErrorVariant::CustomError { .. } => &[],
    };
    let toks = tokens(text);
    let kind = decl_kind(text, &toks);
    // The literal tokens pest tried at its furthest position, unless that position is inside a
    // word (where a keyword's guard `!ident_char` failed, which says nothing to a reader).
    let attempts = e.parse_attempts();
    let token_pos = attempts.as_ref().map_or(0, |a| a.max_position);
    let inside_word = toks
        .iter()
        .any(|t| t.start < token_pos && token_pos < t.end);
    let token_expects: Vec<Expect> = attempts
        .iter()
        .flat_map(|a| a.expected_tokens())
        .filter_map(|t| expect_token(&t.to_string()))
        .collect();
    let use_tokens = !token_expects.is_empty() && !inside_word && token_pos >= rule_pos;

    // Expectations at the furthest position reached.
    let pos = if use_tokens { token_pos } else { rule_pos };
    let mut expects = Vec::new();
    if pos == rule_pos {
        expects.extend(positives.iter().filter_map(|r| expect_rule(*r, kind)));
    }
    if use_tokens {
        expects.extend(token_expects);
    }
    let found = toks.iter().copied().find(|t| t.end > pos);
    let prev = toks.iter().copied().rev().find(|t| t.end <= pos);
    let at_line_start = found.is_some_and(|t| t.line_start) || found.is_none();
    let found_is_eol = found.is_none_or(|t| text[pos.min(t.start)..t.start].contains('\n'));
    tidy(&mut expects, at_line_start && prev.is_some(), kind);

    let span_of = |t: Tok| Span::new(ctx.file, ctx.base + t.start, ctx.base + t.end);
    let slice = |t: Tok| &text[t.start..t.end];

    // A reserved word where a name was due.
    let reserved = [rule_pos, pos]
        .iter()
        .filter_map(|p| toks.iter().copied().find(|t| t.end > *p))
        .find(|t| words::is_reserved(slice(*t)));
    let wants_name = expects
        .iter()
        .any(|x| matches!(x, Expect::Name | Expect::Field))
        || prev.is_none();
    if let Some(t) = reserved.filter(|_| wants_name && !expects.contains(&Expect::Expr)) {
        let word = slice(t);
        return Diagnostic::error(
            Code::SyntaxReservedWord,
            span_of(t),
            format!("`{word}` is a reserved word and cannot be a name"),
        )
        .label("reserved word")
        .with_help(format!(
            "pick another name, such as `{word}_`: `{word}` is one of the words of the language"
        ));
    }

    // Nothing of a declaration matched.
    let Some(prev) = prev else {
        let t = found.unwrap_or(Tok {
            start: pos,
            end: pos,
            line_start: true,
        });
        let word = slice(t);
        let help = if word.starts_with(['+', '-']) {
            "score items go inside a block: `score NAME { +10 when … }`"
        } else if word.starts_with('"') {
            "grade arms go inside a block: `grade NAME { \"A\" when … }`"
        } else {
            "a declaration is `NAME when …`, `NAME = …`, `schema { … }`, `score NAME { … }`, \
             `grade NAME { … }`, `stages A -> B`, `detours X, Y`, `sla \"…\" { … }` or \
             `test \"…\" { … }`"
        };
        return Diagnostic::error(
            Code::SyntaxUnexpected,
            span_of(t),
            format!("expected a declaration, found `{}`", shorten(word)),
        )
        .label("not the start of a declaration")
        .with_help(help);
    };

    // A score item written without its sign.
    if let Some(t) = found.filter(|t| {
        expects.contains(&Expect::ScoreLine) && slice(*t).starts_with(|c: char| c.is_ascii_digit())
    }) {
        let points = slice(t);
        return Diagnostic::error(
            Code::SyntaxMissingSign,
            span_of(t),
            format!("score points `{}` need a sign", shorten(points)),
        )
        .label("add `+` or `-` here")
        .with_help(format!(
            "score items start with `+` or `-`: `+{points} when …` adds points, `-{points} when …` takes them away"
        ));
    }

    // A line that starts with an operator, or anything after a finished declaration.
    if let Some(t) = found.filter(|t| t.line_start && !found_is_eol) {
        let word = slice(t);
        if words::is_infix(word) {
            return Diagnostic::error(
                Code::SyntaxUnexpected,
                span_of(t),
                format!("a line cannot start with `{word}`"),
            )
            .label("the statement above ended with its line")
            .with_help(format!(
                "a statement ends with its line; to continue it, end the line above with \
                 `{word}`: `{} {word}`",
                line_tail(text, prev)
            ));
        }
        if expects.is_empty() {
            return Diagnostic::error(
                Code::SyntaxUnexpected,
                span_of(t),
                format!(
                    "unexpected `{}` after the end of the declaration",
                    shorten(word)
                ),
            )
            .label("not part of the declaration above")
            .with_help(
                "a declaration ends with its line: start a new one in the first column, or end \
                 the line above with `and`, `or` or another operator to continue it",
            );
        }
    }

    // `scor engagement {`: a misspelt declaration keyword reads as a definition's name.
    let first_word = toks.first().map_or("", |t| slice(*t));
    let keyword = (kind == DeclKind::Def && prev.start == 0 && toks.len() > 1)
        .then(|| did_you_mean(first_word, words::DECLARATION_KEYWORDS))
        .flatten();
    let what = phrase_list(&expects, slice(prev), kind);
    let dangling: Option<(String, String, String)> = what
        .clone()
        .filter(|_| expects.contains(&Expect::Expr))
        .and_then(|w| operator_before(text, &toks, prev).map(|(op, left)| (w, op, left)));
    // What follows `prev` on its line. (A newline may follow an operator, so pest may have
    // looked on the next line.)
    let same_line = found.filter(|t| !found_is_eol && !text[prev.end..t.start].contains('\n'));
    let message = match (what, found.filter(|t| t.line_start && !found_is_eol)) {
        // A dangling operator: name the operand it follows.
        _ if dangling.is_some() => {
            let (w, op, left) = dangling.clone().unwrap_or_default();
            match same_line {
                Some(t) => format!(
                    "`{op}` after `{left}` needs {w}, found `{}`",
                    shorten(slice(t))
                ),
                None => format!("`{op}` after `{left}` needs {w}"),
            }
        }
        // At the start of a line, what came before (on another line) says little.
        (Some(w), Some(t)) => format!("expected {w}, found `{}`", shorten(slice(t))),
        (Some(w), None) => match same_line {
            Some(t) => format!(
                "expected {w} after {}, found `{}`",
                describe_prev(text, &toks, prev, kind),
                shorten(slice(t))
            ),
            None => format!(
                "expected {w} after {}",
                describe_prev(text, &toks, prev, kind)
            ),
        },
        (None, _) => format!(
            "unexpected text after {}",
            describe_prev(text, &toks, prev, kind)
        ),
    };
    let (span, label) = match found {
        Some(t) if !found_is_eol => (span_of(t), format!("unexpected `{}`", shorten(slice(t)))),
        _ => {
            let at = ctx.base + prev.end;
            (
                Span::new(ctx.file, at, at),
                "the line ends here".to_string(),
            )
        }
    };
    let mut d = Diagnostic::error(Code::SyntaxUnexpected, span, message).label(label);
    if let Some(word) = keyword {
        d = d.with_help(format!("did you mean `{word}`?"));
    } else if let Some(help) = help(&expects, kind, found.filter(|_| !found_is_eol).map(slice)) {
        d = d.with_help(help);
    } else if let Some((w, op, _)) = dangling.filter(|_| same_line.is_none()) {
        d = d.with_help(format!(
            "write {w} after `{op}`, on this line or the next, or remove the `{op}`"
        ));
    } else if same_line.is_none() && expects == [Expect::Token("{".into())] {
        d = d.with_help(format!(
            "open the block on the same line: `{} {{`",
            line_tail(text, prev)
        ));
    }
    d
}

/// Help for the mistakes we recognise.
fn help(expects: &[Expect], kind: DeclKind, found: Option<&str>) -> Option<String> {
    let found = found?;
    let keywords = block_keywords(expects, kind);
    let candidates = expects
        .iter()
        .filter_map(|x| match x {
            Expect::Token(t) => Some(t.as_str()),
            _ => None,
        })
        .chain(keywords.iter().copied())
        .filter(|t| t.starts_with(|c: char| c.is_ascii_alphabetic()));
    if let Some(word) = did_you_mean(found, candidates) {
        return Some(format!("did you mean `{word}`?"));
    }
    let operator_due = expects.contains(&Expect::Operator);
    if found.starts_with('\'') {
        return Some("strings are written in double quotes: `\"…\"`".into());
    }
    if found == "." {
        return Some("a dot only follows `it` or `lead`: `it.at`, `lead.visits`".into());
    }
    let is_word = found.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
    if is_word
        && expects
            .iter()
            .any(|x| matches!(x, Expect::Str | Expect::Value))
    {
        return Some(format!("text is written in double quotes: `\"{found}\"`"));
    }
    if found == "=" && operator_due {
        return Some("to compare two values, write `==`".into());
    }
    if kind == DeclKind::Stages && is_word && expects.contains(&Expect::Token("->".into())) {
        return Some("stages are separated by `->`: `stages Lead -> MQL -> SQL`".into());
    }
    if kind == DeclKind::Detours && is_word && expects.contains(&Expect::Token(",".into())) {
        return Some("detours are separated by commas: `detours Disqualified, Recycled`".into());
    }
    if operator_due && is_word && !words::is_reserved(found) {
        return Some("to combine two conditions, join them with `and` or `or`".into());
    }
    None
}

/// The words that start a line of the block being parsed, when such a line is due.
fn block_keywords(expects: &[Expect], kind: DeclKind) -> &'static [&'static str] {
    let due = |x: Expect| expects.contains(&x);
    match kind {
        DeclKind::Test if due(Expect::TestLine) => &words::TEST_LINE_WORDS,
        DeclKind::Sla if due(Expect::SlaLine) => &words::SLA_LINE_WORDS,
        DeclKind::Score if due(Expect::ScoreLine) => &words::SCORE_LINE_WORDS,
        DeclKind::Grade if due(Expect::GradeLine) => &words::GRADE_LINE_WORDS,
        _ => &[],
    }
}

/// The expectation a rule stands for, in the context of a declaration kind.
fn expect_rule(rule: Rule, kind: DeclKind) -> Option<Expect> {
    use Rule::*;
    Some(match rule {
        EOI => Expect::NewLine,
        item | file => return None,
        // `not` starts an expression or is part of `not in`: other rules tell which is due.
        kw_not => return None,
        expr | op_neg | paren | list | path | kw_if | kw_now | kw_it | int | number | percent
        | duration | boolean | call | op_not => Expect::Expr,
        op_where | kw_where | op_or | op_and | op_not_in | op_in | op_contains_any
        | op_contains_all | op_contains | op_starts_with | op_ends_with | op_matches
        | op_within | op_eq | op_ne | op_le | op_lt | op_ge | op_gt | op_coalesce | op_add
        | op_sub | op_mul | op_div | op_is_present | op_is_missing | op_has | kw_and | kw_or
        | kw_in | kw_is | kw_contains | kw_matches | kw_starts | kw_ends => Expect::Operator,
        kw_within if kind != DeclKind::Sla => Expect::Operator,
        ident if kind == DeclKind::Schema => Expect::Field,
        field => Expect::Field,
        ident => Expect::Name,
        string if kind == DeclKind::Grade => Expect::GradeLine,
        string => Expect::Str,
        points | kw_group | kw_decay | group | at_least | at_most | decay | score_item => {
            Expect::ScoreLine
        }
        kw_at if kind == DeclKind::Score => Expect::ScoreLine,
        kw_else | grade_arm | grade_else if kind == DeclKind::Grade => Expect::GradeLine,
        kw_owner | kw_for | kw_from | kw_until | kw_within | kw_target | kw_require | kw_count
        | kw_by | kw_at | sla_kw | sla_line | sla_at_least | sla_at_most
            if kind == DeclKind::Sla =>
        {
            Expect::SlaLine
        }
        kw_per if kind == DeclKind::Sla => Expect::SlaLine,
        kw_as | kw_given | kw_expect | as_of | given | expect if kind == DeclKind::Test => {
            Expect::TestLine
        }
        type_expr | type_name | kw_one | kw_list | one_of | list_type | elem_type | record_type => {
            Expect::Type
        }
        amount => Expect::Number,
        data_number | data_list | data_record => Expect::Value,
        data_field => Expect::Name,
        arrow => Expect::Token("->".into()),
        define => Expect::Token("=".into()),
        optional => Expect::Token("?".into()),
        other => {
            let name = format!("{other:?}");
            let word = name.strip_prefix("kw_")?;
            Expect::Token(word.to_string())
        }
    })
}

/// The expectation a literal token stands for, from pest's display of it: the token itself, or
/// `a..z` for a character range (pest does not export the token type).
fn expect_token(text: &str) -> Option<Expect> {
    let chars: Vec<char> = text.chars().collect();
    if let [_, '.', '.', _] = chars.as_slice() {
        // Character ranges come from names and numbers being continued; the rules that start
        // names and numbers are reported as rules.
        return None;
    }
    Some(match text {
        "BUILTIN_RULE" => return None,
        " " | "\t" | "\r" | "#" | "_" => return None,
        "\n" => Expect::NewLine,
        "\"" => Expect::Str,
        t => Expect::Token(t.to_string()),
    })
}

/// Removes what another expectation already covers, and a new line at the start of a line.
fn tidy(expects: &mut Vec<Expect>, at_line_start: bool, kind: DeclKind) {
    // Group by kind (the enum's order), keeping the order pest found tokens in.
    expects.sort_by(|a, b| match (a, b) {
        (Expect::Token(_), Expect::Token(_)) => std::cmp::Ordering::Equal,
        _ => a.cmp(b),
    });
    let mut seen = Vec::new();
    expects.retain(|x| {
        let new = !seen.contains(x);
        seen.push(x.clone());
        new
    });
    let has = |x: &Expect| expects.contains(x);
    let expr = has(&Expect::Expr);
    let operator = has(&Expect::Operator);
    let number = has(&Expect::Number);
    let block_line = [
        Expect::ScoreLine,
        Expect::GradeLine,
        Expect::SlaLine,
        Expect::TestLine,
        Expect::Field,
    ]
    .iter()
    .any(|x| expects.contains(x));
    let covered: Vec<&str> = block_keywords(expects, kind).to_vec();
    let value = has(&Expect::Value);
    let in_brackets = has(&Expect::Token(")".into())) || has(&Expect::Token("]".into()));
    expects.retain(|x| match x {
        Expect::Token(t) if covered.contains(&t.as_str()) => false,
        // In test data, a value covers the literals it may start with.
        Expect::Expr | Expect::Str if value => false,
        Expect::Token(t) if value && ["{", "[", "missing", "-"].contains(&t.as_str()) => false,
        // Inside brackets a new line is whitespace: not worth mentioning.
        Expect::NewLine if in_brackets => false,
        Expect::Name | Expect::Number => !expr,
        Expect::Str => !expr && !operator,
        // A new line is always acceptable after an operator (the line continues): not worth
        // mentioning when an expression is due.
        Expect::NewLine => !at_line_start && !expr,
        Expect::Token(t) => {
            let t = t.as_str();
            let starts_expr = [
                "(", "[", "-", "not", "if", "now", "it", "lead", "true", "false",
            ];
            let is_operator = words::is_infix(t) || ["not", "is"].contains(&t);
            // After a name, `(` would make it a call: true, but rarely what was meant.
            !(expr && starts_expr.contains(&t))
                && !(operator && (is_operator || t == "("))
                && !(number && ["+", "-"].contains(&t))
                && !(block_line && ["+", "-", "\""].contains(&t))
        }
        _ => true,
    });
}

/// "a condition, `)` or a new line": at most three alternatives.
fn phrase_list(expects: &[Expect], prev: &str, kind: DeclKind) -> Option<String> {
    let condition_words = [
        "when", "and", "or", "not", "if", "require", "expect", "where",
    ];
    let phrases: Vec<String> = expects
        .iter()
        .map(|x| match x {
            Expect::ScoreLine => "a score item (`+10 when …`)".to_string(),
            Expect::GradeLine => "a grade line (`\"A\" when …`, `else \"…\"`)".to_string(),
            Expect::SlaLine => "an SLA line (`owner`, `for`, `target`, …)".to_string(),
            Expect::TestLine => "a test line (`as of`, `given`, `expect`)".to_string(),
            Expect::Field => "a field (`name: type`)".to_string(),
            Expect::Expr if condition_words.contains(&prev) => "a condition".to_string(),
            Expect::Expr => "an expression".to_string(),
            Expect::Type => "a type".to_string(),
            Expect::Name if kind == DeclKind::Sla && prev == "per" => {
                "a period (`day`, `week`, `month`, `quarter` or `year`)".to_string()
            }
            Expect::Name if kind == DeclKind::Sla && prev == "owner" => {
                "the owner's name (`sales`, `marketing`, …)".to_string()
            }
            Expect::Name if kind == DeclKind::Stages => "a stage name".to_string(),
            Expect::Name if kind == DeclKind::Detours => "a detour name".to_string(),
            Expect::Name => "a name".to_string(),
            Expect::Str => "a string in double quotes".to_string(),
            Expect::Number => "a number".to_string(),
            Expect::Value => {
                "a value (a number, `\"text\"`, `true`, `false`, `missing` or `[…]`)".to_string()
            }
            Expect::Token(t) => format!("`{t}`"),
            Expect::Operator => "an operator".to_string(),
            Expect::NewLine => "a new line".to_string(),
        })
        .take(3)
        .collect();
    match phrases.as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        [init @ .., last] => Some(format!("{} or {last}", init.join(", "))),
    }
}

fn decl_kind(text: &str, toks: &[Tok]) -> DeclKind {
    let word = |i: usize| toks.get(i).map_or("", |t| &text[t.start..t.end]);
    let is_name = |w: &str| w.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
    match (word(0), word(1)) {
        ("schema", "{" | "") => DeclKind::Schema,
        ("score", w) if is_name(w) && w != "when" => DeclKind::Score,
        ("grade", w) if is_name(w) && w != "when" => DeclKind::Grade,
        ("stages", w) if is_name(w) && w != "when" => DeclKind::Stages,
        ("detours", w) if is_name(w) && w != "when" => DeclKind::Detours,
        ("sla", w) if w.starts_with('"') || w == "{" => DeclKind::Sla,
        ("test", w) if w.starts_with('"') || w == "{" => DeclKind::Test,
        _ => DeclKind::Def,
    }
}
