//! Syntax errors: reserved words, recovery, odd inputs, and the words of the messages.

use super::*;

#[test]
fn reserved_words_cannot_be_names() {
    assert_eq!(codes_of("when = 3\n"), [Code::SyntaxReservedWord]);
    assert_eq!(
        codes_of("schema {\n  in: int\n}\n"),
        [Code::SyntaxReservedWord]
    );
    let (_, _, d) = parse("lead when x\n");
    assert_eq!(
        d[0].message,
        "`lead` is a reserved word and cannot be a name"
    );
    // A name that merely starts with a reserved word is fine.
    parse_ok("index = 1\nnowhere when isolated\n");
}

#[test]
fn every_independent_error_is_reported_once() {
    let text = "MQL when\nscore s\n  +10 when a\n}\nx = 1\ngrade g {\n  \"A\" when (a\n}\ny = [1, 2\nz = 1)\n";
    let (_, file, d) = parse(text);
    let found: Vec<_> = d.iter().map(|d| (d.code, d.message.as_str())).collect();
    assert_eq!(
        found,
        [
            (
                Code::SyntaxUnexpected,
                "expected a condition after `MQL when`"
            ),
            (Code::SyntaxUnexpected, "expected `{` after `score s`"),
            (Code::SyntaxUnclosed, "unclosed `(` in `\"A\" when (a`"),
            (Code::SyntaxUnclosed, "unclosed `[` in `y = [1, 2`"),
            (Code::SyntaxUnexpected, "`)` closes nothing in `z = 1)`"),
        ]
    );
    // `x = 1` still parses.
    assert!(file
        .items
        .iter()
        .any(|i| matches!(i, Item::Def(d) if d.name.name == "x")));
}

#[test]
fn odd_inputs() {
    let deep = format!("x = {}1{}\n", "(".repeat(5000), ")".repeat(5000));
    assert_eq!(codes_of(&deep), [Code::SyntaxTooDeep]);
    let nested = format!("x = {}1{}\n", "(".repeat(60), ")".repeat(60));
    assert!(codes_of(&nested).is_empty());
    // Declarations need not start in column 0.
    let (_, f) = parse_ok("  a = 1\n  b when a\n");
    assert_eq!(f.items.len(), 2);
    let (_, f, d) = parse("");
    assert!(f.items.is_empty() && d.is_empty());
    let (_, f, d) = parse("# only a comment\n\n## and a doc\n");
    assert!(f.items.is_empty() && d.is_empty());
    let (sources, f) = parse_ok("\u{feff}MQL when a\r\nx = [1,\r\n 2] # two\r\n");
    assert_eq!(f.items.len(), 2);
    assert_eq!(sources.slice(f.items[0].span()), "MQL when a");
}

/// The first message and help of each text: the words a rule author reads.
fn message(text: &str) -> (String, Option<String>) {
    let (_, _, d) = parse(text);
    match d.into_iter().next() {
        Some(d) => (d.message, d.help),
        None => panic!("no error in {text:?}"),
    }
}

#[test]
fn messages_speak_the_language() {
    let cases: [(&str, &str, Option<&str>); 19] = [
        // A dangling operator names the operand it follows.
        (
            "MQL when visits >= 3 and downloaded \"pricing\" and\n",
            "`and` after `downloaded \"pricing\"` needs a condition",
            Some("write a condition after `and`, on this line or the next, or remove the `and`"),
        ),
        (
            "x = a +\n",
            "`+` after `a` needs an expression",
            Some("write an expression after `+`, on this line or the next, or remove the `+`"),
        ),
        (
            "MQL when title starts with\n",
            "`starts with` after `title` needs an expression",
            Some("write an expression after `starts with`, on this line or the next, or remove the `starts with`"),
        ),
        (
            "MQL when (a or b) and\n",
            "`and` after `(a or b)` needs a condition",
            Some("write a condition after `and`, on this line or the next, or remove the `and`"),
        ),
        (
            "score s {\n  +5 when count(events where it.type == \"demo\") >=\n}\n",
            "`>=` after `count(events where it.type == \"demo\")` needs an expression",
            Some("write an expression after `>=`, on this line or the next, or remove the `>=`"),
        ),
        (
            "scor engagement {\n  +1 when a\n}\n",
            "expected `when` or `=` after the name `scor`, found `engagement`",
            Some("did you mean `score`?"),
        ),
        (
            "sla \"x\" {\n  target\n}\n",
            "expected an expression after `target`",
            None,
        ),
        (
            "test \"t\" {\n  as of\n}\n",
            "expected an expression after `as of`",
            None,
        ),
        (
            "schema {\n  a: one of (\"x\" \"y\")\n}\n",
            "expected `)` or `,` after `\"x\"`, found `\"y\"`",
            None,
        ),
        ("stages A ->\n", "expected a stage name after `->`", None),
        ("detours A,\n", "expected a detour name after `,`", None),
        (
            "score s {\n  +1 per x up to y\n}\n",
            "expected a number after `up to`, found `y`",
            None,
        ),
        (
            "score s {\n  decay 10% every 30d\n}\n",
            "expected `since` or an operator after `30d`",
            None,
        ),
        (
            "score s {\n  group content up to 5 {\n    +1 when a\n  }\n}\n",
            "expected a string in double quotes after `group`, found `content`",
            Some("text is written in double quotes: `\"content\"`"),
        ),
        (
            "score s {\n  +5 country\n}\n",
            "expected `when`, `per` or `}` after the points `+5`, found `country`",
            None,
        ),
        (
            "MQL when a is\n",
            "expected `present` or `missing` after `a is`",
            None,
        ),
        (
            "x = a.b\n",
            "expected an operator or a new line after `a`, found `.`",
            Some("a dot only follows `it` or `lead`: `it.at`, `lead.visits`"),
        ),
        (
            "\"A\" when x\n",
            "expected a declaration, found `\"A\"`",
            Some("grade arms go inside a block: `grade NAME { \"A\" when … }`"),
        ),
        (
            "sla \"s\" {\n  per\n}\n",
            "expected a period (`day`, `week`, `month`, `quarter` or `year`) after `per`",
            None,
        ),
    ];
    for (text, expected, help) in cases {
        let (m, h) = message(text);
        assert_eq!(m, expected, "{text:?}");
        assert_eq!(h.as_deref(), help, "{text:?}");
    }
    let (m, h) = message("test \"t\" {\n  given {\n    visits: three\n  }\n}\n");
    assert!(
        m.starts_with("expected a value (a number, `\"text\"`"),
        "{m}"
    );
    assert_eq!(
        h.as_deref(),
        Some("text is written in double quotes: `\"three\"`")
    );
}
