//! Messages that stand alone: a GitHub annotation shows the message and the help only, so each
//! names the expression as written, not only its type.

use super::check;
use crate::source::SourceMap;

const SCHEMA: &str = "schema {
  id: string key
  visits: int
  size: int?
  country: string
  title: string
  source: one of (\"organic\", \"paid\")
  created_at: timestamp
  downloaded: list of string
  events: list of { type: string, at: timestamp }
}
";

/// The message and help of the first diagnostic for `rules` (after the schema).
fn first(rules: &str) -> (String, Option<String>) {
    let mut sources = SourceMap::new();
    sources.add("rules.smql", format!("{SCHEMA}{rules}\n"));
    let checked = check(&sources);
    match checked.diagnostics.iter().next() {
        Some(d) => (d.message.clone(), d.help.clone()),
        None => panic!("no diagnostic for {rules:?}"),
    }
}

fn assert_first(rules: &str, message: &str, help: Option<&str>) {
    let (m, h) = first(rules);
    assert_eq!(m, message, "{rules}");
    assert_eq!(h.as_deref(), help, "{rules}");
}

#[test]
fn a_value_where_a_condition_is_due() {
    assert_first(
        "MQL when visits",
        "`visits` is an `int`, but a condition must be a `bool`",
        Some("compare it: `visits > 0`"),
    );
    assert_first(
        "MQL when visits >= 3 and country",
        "`country` is a `string`, but a condition must be a `bool`",
        Some("compare it: `country == \"…\"`, or search it: `country contains \"…\"`"),
    );
    assert_first(
        "MQL when count(downloaded)",
        "`count(downloaded)` is an `int`, but a condition must be a `bool`",
        Some("compare it: `count(downloaded) > 0`"),
    );
    assert_first(
        "MQL when source",
        "`source` is a `one of (\"organic\", \"paid\")`, but a condition must be a `bool`",
        Some("compare it: `source == \"organic\"`"),
    );
}

#[test]
fn comparisons_name_both_sides() {
    assert_first(
        "MQL when visits == \"3\"",
        "cannot compare `visits` (an `int`) with `\"3\"` (a `string`)",
        Some("write the number without quotes: `3`"),
    );
    assert_first(
        "MQL when created_at > \"2026-01-01\"",
        "cannot compare `created_at` (a `timestamp`) with `\"2026-01-01\"` (a `string`)",
        Some("write a date: `date(\"2026-01-01\")`"),
    );
    assert_first(
        "odd = visits + country",
        "cannot apply `+` to `visits` (an `int`) and `country` (a `string`)",
        Some("`+` adds numbers, durations, or a duration to a timestamp, and joins strings"),
    );
    assert_first(
        "x = if visits > 3 then 1 else \"a\"",
        "the branches of `if` have different types: `1` (an `int`) and `\"a\"` (a `string`)",
        Some("the branches of `if` must have one type"),
    );
}

#[test]
fn arguments_and_operands_name_their_role() {
    assert_first(
        "MQL when lower(visits) == \"a\"",
        "`visits` is an `int`, but the argument of `lower` must be a `string`",
        None,
    );
    assert_first(
        "MQL when title starts with 3",
        "`3` is an `int`, but the right side of `starts with` must be a `string`",
        None,
    );
    assert_first(
        "MQL when any(events)",
        "`any(events)` needs a condition",
        Some("write `any(events where …)`"),
    );
    assert_first(
        "MQL when size > 3",
        "`size` may be missing (it is an `int?`)",
        Some("write `size is present and …` or give a default: `size ?? 0`"),
    );
    assert_first(
        "MQL when count(events where kind == \"demo\") > 0",
        "unknown name `kind`",
        Some("declare it as a field of the schema (`kind: int`) or define it (`kind when …`, `kind = …`)"),
    );
}

#[test]
fn a_dangling_operator_names_what_it_follows() {
    assert_first(
        "MQL when visits >= 3 and downloaded \"pricing\" and",
        "`and` after `downloaded \"pricing\"` needs a condition",
        Some("write a condition after `and`, on this line or the next, or remove the `and`"),
    );
}

#[test]
fn long_expressions_are_shortened() {
    let (m, _) = first("MQL when visits + visits + visits + visits + visits + visits");
    assert_eq!(
        m,
        "`visits + visits + visits + visits + vis…` is an `int`, but a condition must be a `bool`"
    );
}
