//! The words of the language, listed once: reserved words, operator words and symbols, and the
//! keywords that start a declaration or a line of a block.
//!
//! The grammar (`grammar/smql.pest`) is the language of record; the tests below read it and
//! probe the parser, so that a word added there and not here (or the reverse) fails a test.
//! The layout pass, the syntax error messages and the checker's reserved-name check use these
//! lists instead of their own.

/// Reserved everywhere: never a name (the grammar's `reserved` rule). Every other keyword is
/// contextual, so a field may be called `type`, `count`, `target`, `at` or `score`.
pub const RESERVED: [&str; 23] = [
    "and", "or", "not", "in", "is", "present", "missing", "contains", "matches", "starts", "ends",
    "with", "within", "where", "when", "if", "then", "else", "true", "false", "now", "it", "lead",
];

/// The words that begin a binary operator (`starts with`, `ends with` and `contains any` are
/// two words: the first is listed). A line that starts with one of them continues the line
/// above, which is an error the parser explains.
pub const INFIX_WORDS: [&str; 9] = [
    "where", "and", "or", "in", "contains", "matches", "starts", "ends", "within",
];

/// The symbols of binary operators. `-` is also unary, and `-` and `+` also start score items.
pub const INFIX_SYMBOLS: [&str; 11] = ["==", "!=", "<", "<=", ">", ">=", "??", "+", "-", "*", "/"];

/// Words after which an expression is not complete, so a line ending with one continues on
/// the next line: operator words, `not` (prefix, or the first word of `not in`) and the second
/// words of `contains any`, `contains all`, `starts with` and `ends with`.
pub const CONTINUING_WORDS: [&str; 11] = [
    "where", "and", "or", "not", "in", "contains", "any", "all", "with", "matches", "within",
];

/// The keywords that start a declaration other than a definition (`NAME when …`, `NAME = …`).
pub const DECLARATION_KEYWORDS: [&str; 8] = [
    "schema", "input", "score", "grade", "stages", "detours", "sla", "test",
];

/// The words that start a line of the `input` block (`time` begins `time zone`).
pub const INPUT_LINE_WORDS: [&str; 7] = [
    "delimiter",
    "time",
    "timestamps",
    "missing",
    "numbers",
    "currency",
    "footer",
];

/// The words that start a line of a score block, besides the points of an item.
pub const SCORE_LINE_WORDS: [&str; 3] = ["group", "at", "decay"];

/// The words that start a line of a grade block, besides an arm's label.
pub const GRADE_LINE_WORDS: [&str; 1] = ["else"];

/// The words that start a line of an SLA block (`at` begins `at least` and `at most`).
pub const SLA_LINE_WORDS: [&str; 11] = [
    "owner", "for", "from", "until", "within", "target", "require", "count", "by", "per", "at",
];

/// The words that start a line of a test block (`as` begins `as of`).
pub const TEST_LINE_WORDS: [&str; 3] = ["as", "given", "expect"];

/// Whether `word` is reserved.
pub fn is_reserved(word: &str) -> bool {
    RESERVED.contains(&word)
}

/// Whether `token` (a word or a symbol) begins a binary operator.
pub fn is_infix(token: &str) -> bool {
    INFIX_WORDS.contains(&token) || INFIX_SYMBOLS.contains(&token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parser::{Rule, SmqlParser};
    use pest::Parser;
    use std::collections::BTreeSet;

    const GRAMMAR: &str = include_str!("../../grammar/smql.pest");

    /// The text of the grammar rule `name`: from its name to the brace that closes its body
    /// (braces inside string literals do not count).
    fn rule_text(name: &str) -> &'static str {
        let start = GRAMMAR
            .match_indices(name)
            .map(|(i, _)| i)
            .find(|&i| {
                (i == 0 || GRAMMAR.as_bytes()[i - 1] == b'\n')
                    && GRAMMAR[i + name.len()..].trim_start().starts_with('=')
            })
            .unwrap_or_else(|| panic!("the grammar has no rule `{name}`"));
        let (mut depth, mut in_string, mut escaped) = (0, false, false);
        for (i, c) in GRAMMAR[start..].char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' if in_string => escaped = true,
                '"' => in_string = !in_string,
                '{' if !in_string => depth += 1,
                '}' if !in_string => {
                    depth -= 1;
                    if depth == 0 {
                        return &GRAMMAR[start..start + i + 1];
                    }
                }
                _ => {}
            }
        }
        panic!("the rule `{name}` does not end")
    }

    /// The double-quoted literals of a grammar text.
    fn literals(text: &str) -> BTreeSet<&str> {
        text.split('"').skip(1).step_by(2).collect()
    }

    /// The rule names `kw_*` declared in the grammar section titled `// Reserved words.`.
    fn reserved_keyword_rules() -> BTreeSet<&'static str> {
        let section = GRAMMAR
            .split("// Reserved words.")
            .nth(1)
            .and_then(|s| s.split("\n\n").next())
            .unwrap_or("");
        section
            .lines()
            .filter_map(|l| l.split_whitespace().next())
            .filter_map(|w| w.strip_prefix("kw_"))
            .collect()
    }

    #[test]
    fn reserved_matches_the_grammar_rule() {
        let listed: BTreeSet<&str> = RESERVED.iter().copied().collect();
        assert_eq!(
            listed.len(),
            RESERVED.len(),
            "a reserved word is listed twice"
        );
        assert_eq!(literals(rule_text("reserved")), listed);
        // Every reserved word has its keyword rule, but `true` and `false`: they are literals.
        let mut rules = reserved_keyword_rules();
        rules.extend(literals(rule_text("boolean")));
        assert_eq!(rules, listed);
    }

    #[test]
    fn the_parser_rejects_each_reserved_word_as_a_name() {
        for word in RESERVED {
            let whole = |rule, text: &str| {
                SmqlParser::parse(rule, text)
                    .ok()
                    .and_then(|mut p| p.next())
                    .is_some_and(|p| p.as_str() == text)
            };
            assert!(whole(Rule::reserved, word), "`{word}` is not `reserved`");
            assert!(!whole(Rule::ident, word), "`{word}` parses as a name");
            // Only the whole word is reserved.
            let longer = format!("{word}_x");
            assert!(whole(Rule::ident, &longer), "`{longer}` is not a name");
        }
        // A contextual keyword is a name.
        for word in DECLARATION_KEYWORDS.iter().chain(&SLA_LINE_WORDS) {
            if !is_reserved(word) {
                assert!(
                    SmqlParser::parse(Rule::ident, word).is_ok(),
                    "`{word}` is not a name"
                );
            }
        }
    }

    #[test]
    fn operator_words_and_symbols_are_the_grammars_operators() {
        // Every operator of the grammar's `infix` rule starts with a listed word or symbol.
        let infix = rule_text("infix");
        let mut firsts = BTreeSet::new();
        for op in infix
            .split(|c: char| c.is_whitespace() || c == '|')
            .filter(|w| w.starts_with("op_"))
        {
            let body = rule_text(op);
            let first = match body.split_once("kw_") {
                Some((before, after)) if !before.contains('"') => {
                    after.split(|c: char| !c.is_ascii_alphanumeric()).next()
                }
                _ => literals(body).into_iter().next(),
            };
            firsts.insert(first.unwrap_or_else(|| panic!("no first word in `{op}`")));
        }
        let listed: BTreeSet<&str> = INFIX_WORDS.iter().chain(&INFIX_SYMBOLS).copied().collect();
        // `not in` starts with `not`, which is listed with the continuing words (it is prefix too).
        firsts.remove("not");
        assert_eq!(firsts, listed);
    }

    #[test]
    fn continuing_words_leave_an_expression_incomplete() {
        for word in CONTINUING_WORDS {
            assert!(
                GRAMMAR.contains(&format!("kw_{word} ")),
                "`{word}` is not a keyword of the grammar"
            );
            let text = format!("a when b {word}");
            assert!(
                SmqlParser::parse(Rule::item, &text).is_err(),
                "`{text}` parses"
            );
        }
        // Every operator word but the two-word ones (`starts with`, `ends with`) continues a
        // line by itself.
        for word in INFIX_WORDS {
            assert!(
                CONTINUING_WORDS.contains(&word) || ["starts", "ends"].contains(&word),
                "`{word}` does not continue a line"
            );
        }
    }

    #[test]
    fn declaration_keywords_are_the_grammars_declarations() {
        let decl = rule_text("decl");
        let kinds: BTreeSet<&str> = decl
            .split(|c: char| c.is_whitespace() || c == '|')
            .skip_while(|w| *w != "_{")
            .filter(|w| w.chars().all(|c| c.is_ascii_lowercase()) && !w.is_empty())
            .filter(|w| *w != "def")
            .collect();
        let listed: BTreeSet<&str> = DECLARATION_KEYWORDS.iter().copied().collect();
        assert_eq!(kinds, listed);
    }

    #[test]
    fn block_words_start_lines_of_their_blocks() {
        let blocks: [(&str, &[&str]); 5] = [
            (
                "input {\n  delimiter \";\"\n  time zone \"UTC\"\n  timestamps \"%F\", \"%D\"\n  missing \"null\"\n  numbers \"1.234,56\"\n  currency \"$\"\n  footer \"Total\"\n}",
                &INPUT_LINE_WORDS,
            ),
            (
                "score s {\n  +1 when a\n  group \"g\" up to 5 {\n    +1 when a\n  }\n  at least 0\n  decay 10% every 30d since t\n}",
                &SCORE_LINE_WORDS,
            ),
            ("grade g {\n  \"A\" when a\n  else \"B\"\n}", &GRADE_LINE_WORDS),
            (
                "sla \"s\" {\n  owner sales\n  for a\n  from t\n  until u\n  within 1h\n  target 90%\n  require a\n  count a\n  by t\n  per week\n  at least 1\n}",
                &SLA_LINE_WORDS,
            ),
            ("test \"t\" {\n  as of now\n  given { a: 1 }\n  expect a\n}", &TEST_LINE_WORDS),
        ];
        for (text, words) in blocks {
            assert!(SmqlParser::parse(Rule::item, text).is_ok(), "{text}");
            let starts: BTreeSet<&str> = text
                .lines()
                .skip(1)
                .filter_map(|l| l.split_whitespace().next())
                .filter(|w| w.starts_with(|c: char| c.is_ascii_lowercase()))
                .collect();
            let listed: BTreeSet<&str> = words.iter().copied().collect();
            assert_eq!(starts, listed, "{text}");
        }
    }
}
