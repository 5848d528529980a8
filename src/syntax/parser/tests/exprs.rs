//! Expressions: precedence, operators, sugar, calls, literals, continuation lines.

use super::*;

#[test]
fn precedence_follows_the_spec() {
    assert_eq!(
        shape("a or b and not c == d"),
        "(or a (and b (not (== c d))))"
    );
    assert_eq!(shape("x ?? 0 + 1"), "(?? x (+ 0 1))");
    assert_eq!(shape("-a * b"), "(* (neg a) b)");
    assert_eq!(shape("a + b * c - d / e"), "(- (+ a (* b c)) (/ d e))");
    assert_eq!(shape("a ?? b == c"), "(== (?? a b) c)");
    assert_eq!(shape("a ?? b ?? c"), "(?? a (?? b c))");
    assert_eq!(shape("(a or b) and c"), "(and (or a b) c)");
    assert_eq!(shape("not a or b"), "(or (not a) b)");
    assert_eq!(shape("x is present and x > 3"), "(and (present x) (> x 3))");
    assert_eq!(shape("x is missing or y"), "(or (missing x) y)");
    assert_eq!(shape("if a then 1 else 2 + 3"), "(if a 1 (+ 2 3))");
    assert_eq!(shape("a - -3"), "(- a -3)");
    assert_eq!(shape("-(3)"), "(neg 3)");
}

#[test]
fn tests_and_membership() {
    assert_eq!(shape("c in [\"US\", \"CA\"]"), "(in c [\"US\" \"CA\"])");
    assert_eq!(shape("c not in xs"), "(not-in c xs)");
    assert_eq!(shape("t contains \"vp\""), "(contains-One t \"vp\")");
    assert_eq!(shape("t contains any xs"), "(contains-Any t xs)");
    assert_eq!(shape("t contains all [1, 2]"), "(contains-All t [1 2])");
    assert_eq!(shape("t starts with \"a\""), "(starts t \"a\")");
    assert_eq!(shape("t ends with \"a\""), "(ends t \"a\")");
    assert_eq!(shape("t matches \"^a\""), "(matches t \"^a\")");
    assert_eq!(shape("t within 30d"), "(within t 2592000000ms)");
    assert_eq!(
        shape("a + 1 within 1h and b"),
        "(and (within (+ a 1) 3600000ms) b)"
    );
}

#[test]
fn list_sugar_is_has() {
    assert_eq!(
        shape("downloaded \"pricing\""),
        "(has downloaded \"pricing\")"
    );
    assert_eq!(
        shape("visits >= 3 and downloaded \"pricing\""),
        "(and (>= visits 3) (has downloaded \"pricing\"))"
    );
    assert_eq!(shape("not pages \"/demo\""), "(not (has pages \"/demo\"))");
}

#[test]
fn calls_where_paths_and_names() {
    assert_eq!(
        shape("decayed_count(events where type == \"visit\", 14d)"),
        "(decayed_count (where events (== type \"visit\")) 1209600000ms)"
    );
    assert_eq!(shape("count(events)"), "(count events)");
    assert_eq!(
        shape("count(events where a == 1 and b or c)"),
        "(count (where events (or (and (== a 1) b) c)))"
    );
    // Misplaced, but parsed: the checker explains where `where` belongs.
    assert_eq!(shape("events where a"), "(where events a)");
    assert_eq!(
        shape("any(events where it.at > lead.created_at)"),
        "(any (where events (> It.at Lead.created_at)))"
    );
    assert_eq!(
        shape("count(tags where it == \"x\")"),
        "(count (where tags (== it \"x\")))"
    );
    assert_eq!(
        shape("days(now - last_activity_at)"),
        "(days (- now last_activity_at))"
    );
    assert_eq!(
        shape("domain(email) in free_email"),
        "(in (domain email) free_email)"
    );
    assert_eq!(shape("[]"), "[]");
    assert_eq!(shape("true or false"), "(or true false)");
}

#[test]
fn literals() {
    assert_eq!(shape("1_000"), "1000");
    assert_eq!(shape("2.5"), "2.5");
    assert_eq!(shape("95%"), "0.95");
    assert_eq!(shape("-12"), "-12");
    assert_eq!(
        shape("45s + 30m + 1h + 14d + 2w + 250ms"),
        "(+ (+ (+ (+ (+ 45000ms 1800000ms) 3600000ms) 1209600000ms) 1209600000ms) 250ms)"
    );
    assert_eq!(
        shape(r#""a\"b\\c\nd\te\u{e9}""#),
        "\"a\\\"b\\\\c\\nd\\te\u{e9}\""
    );
    assert_eq!(
        codes_of("x = 99999999999999999999\n"),
        [Code::SyntaxNumberOverflow]
    );
    assert_eq!(codes_of("x = 30x\n"), [Code::SyntaxInvalidDuration]);
    assert_eq!(codes_of("x = 1.5h\n"), [Code::SyntaxInvalidDuration]);
    assert_eq!(
        codes_of("x = 99999999999999w\n"),
        [Code::SyntaxNumberOverflow]
    );
    assert_eq!(codes_of("x = \"a\\qb\"\n"), [Code::SyntaxInvalidEscape]);
    assert_eq!(codes_of("x = \"abc\n"), [Code::SyntaxUnterminatedString]);
}

#[test]
fn a_bad_literal_keeps_its_declaration() {
    let (_, file, diagnostics) = parse("x = 99999999999999999999 + 1\ny = x\n");
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(file.items.len(), 2);
}

#[test]
fn continuation_lines() {
    let (_, file) = parse_ok(
        "MQL when visits >= 3 and
  downloaded \"pricing\"
total = 1 +
  2 *
  3
nested = (a
  or b # a comment inside parentheses
  or c)
items = [
  \"a\",
  \"b\",
]
stages Lead ->
  MQL -> SQL
detours Disqualified,
  Recycled
",
    );
    let shapes: Vec<_> = file
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Def(d) => Some(sexp(&d.expr)),
            _ => None,
        })
        .collect();
    assert_eq!(
        shapes,
        [
            "(and (>= visits 3) (has downloaded \"pricing\"))",
            "(+ 1 (* 2 3))",
            "(or (or a b) c)",
            "[\"a\" \"b\"]",
        ]
    );
    assert!(matches!(&file.items[4], Item::Stages(s) if s.path.len() == 3));
    assert!(matches!(&file.items[5], Item::Detours(d) if d.names.len() == 2));
}

#[test]
fn statements_end_at_the_end_of_the_line() {
    let (_, _, d) = parse("MQL when visits >= 3\n  and downloaded \"pricing\"\n");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].message, "a line cannot start with `and`");
}
