//! Before/after snapshots of every construct and of comments in awkward places, and the
//! examples, which are canonical.

use super::*;

/// Formats `text`, checks that formatting again changes nothing, and returns the result.
fn fmt(text: &str) -> String {
    let out = match format_text(text) {
        Ok(out) => out,
        Err(e) => panic!("{e}\n--- input:\n{text}"),
    };
    let again = format_text(&out).unwrap_or_else(|e| panic!("{e}\n--- output:\n{out}"));
    assert_eq!(again, out, "not idempotent");
    out
}

/// `examples/` and the fixtures that parse (those of `check` and the lints; the syntax fixtures
/// are broken on purpose) are in canonical layout; `.ci/run` checks the same with `smql fmt`.
#[test]
fn the_examples_and_fixtures_are_canonical() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dirs = ["examples", "tests/fixtures/check", "tests/fixtures/lints"].map(|d| root.join(d));
    let sources = SourceMap::load_paths(&dirs).unwrap();
    assert!(sources.files().count() >= 40);
    for (id, file) in sources.files() {
        let out = format_file(&sources, id).unwrap_or_else(|e| panic!("{}: {e}", file.name));
        if out != file.text {
            let diff = similar::TextDiff::from_lines(&file.text, &out);
            panic!(
                "{} is not canonical:\n{}",
                file.name,
                diff.unified_diff().header("file", "formatted")
            );
        }
    }
}

/// A before/after snapshot of formatting `input`.
fn snap(input: &str) -> String {
    format!("{input}\n---- formatted ----\n{}", fmt(input))
}

macro_rules! case {
    ($name:ident, $input:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(snap($input));
        }
    };
}

case!(
    schema,
    r#"schema {
## The record id.
id: string key
  email:string
title :  string?   from "Job Title"   # as the CRM says
size: int?
  tags: list of string # ids
plan: one of ("free","team")?  from "Plan"
  channels: list of one of ("web", "phone")
events: list of {type: string,at: timestamp}
nested: list of {
  a: int
  b: string  # inner
}
}
"#
);

case!(
    schema_on_one_line,
    "schema { id: string key, visits: int, at: timestamp? }\n"
);

case!(
    definitions,
    "MQL   when visits>=3 and downloaded \"pricing\"\nfree_email=[\"gmail.com\" ,\"yahoo.com\",]\n\n\n\ndays_idle =  days(now-last_activity_at)\n"
);

case!(
    expressions,
    r#"a = 1+2*3-4/(5-6)
b = (1+2)*3
c = -x + - 3 - -(4) + -(a)
d when not a and not (b or c) or (d and e)
e = x??0+1
f when x in [1,2,3] and y not in list and list "lit" and l contains 3
g when s contains any ["vp","head"] and s contains all ["a"] and s starts with "x" and s ends with "y"
h when s matches "(?i)^a" and t within 30d and x is present and y is missing
i = if a then 1 else if b then 2 else 3
j = count(events where type=="visit" and it.target==lead.x) + decayed_count(events where it.at within 7d, 14d)
k = lower(trim(x))+upper(domain(email))
l = ((a))
m = [ ]
n when true and not false and now > date("2026-01-01") and 95% < 1.5 and 1_000 > 2
"#
);

case!(
    scores,
    r#"score engagement {
+10 when visits >= 3
+ 2.5 per form_fills up to 10
-30 when unsubscribed
group "content" up to 25 {
+10 when downloaded "a"
+5 when downloaded "b"
}
+100 per decayed_count(events where type == "visit", 30d)
at least 0
at most   100
decay 50%   every 30d since last_activity_at
}
score empty {}
"#
);

case!(
    grades,
    "grade fit_grade {\n\"A\" when fit >= 40\n  \"BB\" when fit>=25\n else \"D\"\n}\n"
);

case!(
    stages_and_detours,
    "stages   Lead->MQL ->SQL\ndetours Disqualified,Recycled\n"
);

case!(
    stage_dates,
    "stages Lead   at created_at->MQL at(mql_at ?? created_at) ->\n  SQL at  sql_at-1d -> Customer # won\n"
);

case!(
    slas,
    r#"sla "deadline" {
owner sales
for SQL
from sql_at
until first_contact_at
within 1h
target 95%
}
sla "condition" {
  owner sales
  for MQL
  require first_contact_at is present
  target 80%
}
sla "volume" {
  owner marketing
  count MQL
  by mql_at
  per month
  at most 2500
}
"#
);

case!(
    tests,
    r#"test "one" {
as of date("2026-11-01")
given {visits: 3, downloaded: ["pricing"]}
expect MQL
expect engagement==30
}
test "two" {
  given {
    email: "a@b.io", visits: 3
    events: [
      { type: "form", target: "demo", at: "2026-10-31T12:00:00Z" },
      { type: "visit", target: "/pricing", at: "2026-11-01T00:00:00Z" },
    ]
    score: -1.5
    nothing: missing
    flag: true
    rec: { a: 1 }
  }
  expect stage == "MQL"
  as of datetime("2026-11-01T09:30:00Z")
}
test "a long given goes one field per line" {
  given { email: "someone.with.a.long.address@example.com", title: "Vice President of Everything", visits: 3 }
}
"#
);

case!(
    comments_in_awkward_places,
    r#"# the file's first line


## A doc comment, directly above.
# smql: allow(stage_skip)
MQL when a # trailing

## A doc comment, then a plain one: not a doc any more.
# plain
SQL when b


score s { # after the brace
  +1 when a
  # between items

  +2 when b # end of line
  group "g" up to 5 {
    # first in group
    +1 when c
    # last in group
  }
  # after the last item
} # after the block

# above a test
test "t" {
  expect a # why
  # before the brace
}
x = (a # inside parentheses
  + b)
# at the end of the file
"#
);

case!(
    long_lines,
    r#"reachable when first_condition_name and second_condition_name or third_condition_name and fourth_condition
score s {
  +10 when a_long_condition_name and another_long_condition_name and (one_more_condition or yet_another)
}
kept = if demo_requested_at is present then round(hours(now - demo_requested_at)) else 0.0 + 1.0
"#
);

case!(
    line_breaks_the_source_chose,
    r#"size_band = (if company_size is missing then "unknown"
      else if company_size >= 1_000 then "enterprise"
else "smb")
p when pages "/pricing" or
        downloaded "pricing"
titles = [
"chief",
   "ceo",
]
"#
);

#[test]
fn a_file_with_syntax_errors_is_not_formatted() {
    match format_text("MQL when (a and\nscore s {\n") {
        Err(FormatError::Syntax(d)) => assert!(!d.is_empty()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_soundness_check_catches_a_changed_meaning() {
    let text = "a when x and y # why\n";
    let mut sources = SourceMap::new();
    let id = sources.add("t", text);
    let (ast, _) = parse_file(&sources, id);
    assert!(soundness_check(&ast, text, text).is_ok());
    let wrong = [
        ("a when x or y # why\n", "parses to different rules"),
        ("a when x and y\n", "comments"),
        ("a when x and\n", "does not parse"),
    ];
    for (out, why) in wrong {
        match soundness_check(&ast, text, out) {
            Err(FormatError::Unsound(msg)) => assert!(msg.contains(why), "{msg}"),
            other => panic!("{out:?}: {other:?}"),
        }
    }
    let message = FormatError::Unsound("x".into()).to_string();
    assert!(message.contains("bug in smql"), "{message}");
}

#[test]
fn crlf_tabs_and_a_byte_order_mark() {
    assert_eq!(
        fmt("\u{feff}score s {\r\n\t+1 when a\t# c \r\n}\r\n"),
        "score s {\n  +1 when a  # c\n}\n"
    );
}

#[test]
fn empty_and_comment_only_files() {
    assert_eq!(fmt(""), "");
    assert_eq!(fmt("\n \n\t\n"), "");
    assert_eq!(
        fmt("\n\n# only\n\n\n## comments   \n"),
        "# only\n\n## comments\n"
    );
}

case!(
    input_block,
    r#"## How the CRM writes it.
input   {
delimiter ";"   # Excel, German locale
  time   zone "Europe/Berlin"
   timestamps "%d.%m.%Y %H:%M","%d.%m.%y"
missing "null" ,  "[not provided]"
  footer "Grand Totals"
}
"#
);

case!(
    schema_occurrence_and_format,
    r#"schema {
  id: string key from "Record ID"
  created: timestamp from "Create Date"   ( 1 )
  company_created: timestamp? from "Create Date" (2)   # the company's
  closed: timestamp?   format   "%d.%m.%Y",  "%Y%m%d"
}
"#
);

case!(
    bare_score_item,
    r#"score s {
  +  9
  +10 when a
  -2 per b up to 4
}
"#
);

/// Parentheses doubled in the source are printed once, and a comment after each `(` would then
/// share a line: the second goes on a line of its own instead of replacing the first, also
/// after a comment on a line of its own (found by `generated_rule_sets_with_mangled_spacing`).
#[test]
fn comments_after_doubled_parentheses_are_all_kept() {
    assert_eq!(fmt("L = (# a\n(# b\nt))\n"), "L = (  # a\n  # b\n  t)\n");
    assert_eq!(
        fmt("L = (\n# own\n(# b\nt))\n"),
        "L = (\n  # own\n  # b\n  t)\n"
    );
    assert_eq!(
        fmt("L = ((# a\n(# b\n(# c\nt))))\n"),
        "L = (  # a\n  # b\n  # c\n  t)\n"
    );
}
