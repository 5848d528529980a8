//! Declarations: schema, definitions, scores, grades, SLAs, tests, attributes, spans.

use super::*;

#[test]
fn contextual_keywords_are_names_elsewhere() {
    let text = "schema {
  type: string
  count: int
  target: string
  at: timestamp
  score: number
  from: string from \"From\"
  events: list of { type: string, target: string, at: timestamp }
}
score = 1
count = count(events where type == \"x\")
total = count + score
score when target == \"a\"
stages = 3
sla \"s\" {
  count score > 1
  by at
  per month
  at least 2
}
";
    let (_, file) = parse_ok(text);
    let Some(Item::Schema(schema)) = file.items.first() else {
        panic!("no schema");
    };
    let names: Vec<_> = schema.fields.iter().map(|f| f.name.name.as_str()).collect();
    assert_eq!(
        names,
        ["type", "count", "target", "at", "score", "from", "events"]
    );
    assert_eq!(
        schema.fields[5].from.as_ref().map(|s| s.value.as_str()),
        Some("From")
    );
    let defs: Vec<_> = file
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Def(d) => Some((d.name.name.as_str(), d.kind, sexp(&d.expr))),
            _ => None,
        })
        .collect();
    assert_eq!(
        defs,
        [
            ("score", DefKind::Value, "1".to_string()),
            (
                "count",
                DefKind::Value,
                "(count (where events (== type \"x\")))".to_string()
            ),
            ("total", DefKind::Value, "(+ count score)".to_string()),
            ("score", DefKind::When, "(== target \"a\")".to_string()),
            ("stages", DefKind::Value, "3".to_string()),
        ]
    );
    let Some(Item::Sla(sla)) = file.items.last() else {
        panic!("no sla");
    };
    assert!(matches!(&sla.lines[0].kind, SlaLineKind::Count(e) if sexp(e) == "(> score 1)"));
    assert!(matches!(&sla.lines[1].kind, SlaLineKind::By(e) if sexp(e) == "at"));
}

#[test]
fn doc_comments_and_allowances_attach_to_what_follows() {
    let text = "## One lead.
## Exported nightly.
schema {
  ## The CRM id.
  id: string key
  # a plain comment
  visits: int
}

## Detached: a blank line follows.

# smql: allow(stage_skip, unsatisfiable)
## Customers.
# smql: allow(always_true)
Customer when closed
";
    let (sources, file) = parse_ok(text);
    let Some(Item::Schema(schema)) = file.items.first() else {
        panic!("no schema");
    };
    assert_eq!(
        schema.attrs.doc.as_deref(),
        Some("One lead.\nExported nightly.")
    );
    assert_eq!(schema.fields[0].attrs.doc.as_deref(), Some("The CRM id."));
    assert_eq!(schema.fields[1].attrs.doc, None);
    let attrs = file.items[1].attrs();
    assert_eq!(attrs.doc.as_deref(), Some("Customers."));
    let allowed: Vec<_> = attrs.allow.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(allowed, ["stage_skip", "unsatisfiable", "always_true"]);
    assert_eq!(sources.slice(attrs.allow[1].span), "unsatisfiable");
    assert_eq!(
        codes_of("# smql: allow stage_skip\nx when y\n"),
        [Code::SyntaxInvalidAllow]
    );
}

#[test]
fn scores_and_grades() {
    let (_, file) = parse_ok(
        "score engagement {
  +10 when visits >= 3
  -30 when unsubscribed
  +2  per form_fills up to 10
  + 1.5 per email_opens
  group \"content\" up to 25 {
    +10 when downloaded \"whitepaper-ai\"
    +10 when downloaded \"ebook\"
  }
  at least 0
  at most 100
  decay 50% every 30d since last_activity_at
}
grade fit_grade {
  \"A\" when fit >= 40
  \"B\" when fit >= 25
  else \"D\"
}
",
    );
    let Some(Item::Score(score)) = file.items.first() else {
        panic!("no score");
    };
    let lines: Vec<String> = score
        .lines
        .iter()
        .map(|l| match l {
            ScoreLine::Item(i) => match &i.rule {
                ScoreRule::Always => format!("{} always", i.points.value),
                ScoreRule::When(c) => format!("{} when {}", i.points.value, sexp(c)),
                ScoreRule::Per { x, up_to } => {
                    format!(
                        "{} per {} {:?}",
                        i.points.value,
                        sexp(x),
                        up_to.map(|a| a.value)
                    )
                }
            },
            ScoreLine::Group {
                name, up_to, items, ..
            } => format!("group {} {} {}", name.value, up_to.value, items.len()),
            ScoreLine::AtLeast(a) => format!("at least {}", a.value),
            ScoreLine::AtMost(a) => format!("at most {}", a.value),
            ScoreLine::Decay {
                rate, every, since, ..
            } => format!("decay {} {} {}", rate.value, sexp(every), sexp(since)),
        })
        .collect();
    assert_eq!(
        lines,
        [
            "10 when (>= visits 3)",
            "-30 when unsubscribed",
            "2 per form_fills Some(10.0)",
            "1.5 per email_opens None",
            "group content 25 2",
            "at least 0",
            "at most 100",
            "decay 0.5 2592000000ms last_activity_at",
        ]
    );
    let Some(Item::Grade(grade)) = file.items.get(1) else {
        panic!("no grade");
    };
    assert_eq!(grade.arms.len(), 2);
    assert_eq!(
        grade.otherwise.as_ref().map(|s| s.value.as_str()),
        Some("D")
    );

    assert_eq!(
        codes_of("grade g {\n  \"A\" when x\n}\n"),
        [Code::SyntaxMissingElse]
    );
    assert_eq!(
        codes_of("grade g {\n  else \"D\"\n  \"A\" when x\n}\n"),
        [Code::SyntaxUnexpected]
    );
    assert_eq!(
        codes_of("score s {\n  10 when x\n}\n"),
        [Code::SyntaxMissingSign]
    );
}

#[test]
fn every_sla_kind() {
    let (_, file) = parse_ok(
        "sla \"deadline\" {
  owner  sales
  for    SQL
  from   sql_at
  until  first_contact_at
  within 1h
  target 95%
}
sla \"condition\" {
  owner   sales
  for     MQL
  require first_contact_at is present
  target  80%
}
sla \"volume\" {
  owner    marketing
  count    MQL
  by       mql_at
  per      month
  at least 2500
  at most  9000
}
",
    );
    let kinds: Vec<Vec<String>> = file
        .items
        .iter()
        .map(|i| match i {
            Item::Sla(s) => s
                .lines
                .iter()
                .map(|l| match &l.kind {
                    SlaLineKind::Owner(n) => format!("owner {}", n.name),
                    SlaLineKind::Per(n) => format!("per {}", n.name),
                    SlaLineKind::For(e) => format!("for {}", sexp(e)),
                    SlaLineKind::From(e) => format!("from {}", sexp(e)),
                    SlaLineKind::Until(e) => format!("until {}", sexp(e)),
                    SlaLineKind::Within(e) => format!("within {}", sexp(e)),
                    SlaLineKind::Target(e) => format!("target {}", sexp(e)),
                    SlaLineKind::Require(e) => format!("require {}", sexp(e)),
                    SlaLineKind::Count(e) => format!("count {}", sexp(e)),
                    SlaLineKind::By(e) => format!("by {}", sexp(e)),
                    SlaLineKind::AtLeast(e) => format!("at least {}", sexp(e)),
                    SlaLineKind::AtMost(e) => format!("at most {}", sexp(e)),
                })
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            vec![
                "owner sales",
                "for SQL",
                "from sql_at",
                "until first_contact_at",
                "within 3600000ms",
                "target 0.95"
            ],
            vec![
                "owner sales",
                "for MQL",
                "require (present first_contact_at)",
                "target 0.8"
            ],
            vec![
                "owner marketing",
                "count MQL",
                "by mql_at",
                "per month",
                "at least 2500",
                "at most 9000"
            ],
        ]
    );
}

#[test]
fn tests_with_data_literals() {
    let (_, file) = parse_ok(
        "test \"recent visits count more\" {
  as of date(\"2026-11-01\")
  given {
    visits: 3, unsubscribed: false
    deal_value: -2.5
    share: 10%
    title: missing
    downloaded: [\"pricing\"]
    events: [
      { type: \"visit\", target: \"/pricing\", at: \"2026-11-01T00:00:00Z\" },
      {
        type: \"visit\"
        at: \"2026-10-18\"
      }
    ]
  }
  expect engagement == 4.5
  expect MQL
}
",
    );
    let Some(Item::Test(test)) = file.items.first() else {
        panic!("no test");
    };
    assert_eq!(test.name.value, "recent visits count more");
    assert!(test.as_of.is_some());
    assert_eq!(test.expects.len(), 2);
    let given: Vec<(&str, &DataLitKind)> = test
        .given
        .iter()
        .map(|g| (g.name.name.as_str(), &g.value.kind))
        .collect();
    assert_eq!(given[0], ("visits", &DataLitKind::Int(3)));
    assert_eq!(given[1], ("unsubscribed", &DataLitKind::Bool(false)));
    assert_eq!(given[2], ("deal_value", &DataLitKind::Number(-2.5)));
    assert_eq!(given[3], ("share", &DataLitKind::Number(0.1)));
    assert_eq!(given[4], ("title", &DataLitKind::Missing));
    let DataLitKind::List(events) = given[6].1 else {
        panic!("events is not a list");
    };
    assert_eq!(events.len(), 2);
    let DataLitKind::Record(second) = &events[1].kind else {
        panic!("not a record");
    };
    let keys: Vec<_> = second.iter().map(|(k, _)| k.name.as_str()).collect();
    assert_eq!(keys, ["type", "at"]);
}

#[test]
fn schema_types() {
    let (_, file) = parse_ok(
        "schema {
  id: string key
  source: one of (\"organic\", \"paid\")
  size: int? from \"Number of Employees\"
  tags: list of string
  kinds: list of one of (\"a\", \"b\")
  events: list of { type: string, at: timestamp }
  wait: duration
  ok: bool
  score: number?
}
",
    );
    let Some(Item::Schema(schema)) = file.items.first() else {
        panic!("no schema");
    };
    let kinds: Vec<String> = schema
        .fields
        .iter()
        .map(|f| {
            let kind = match &f.ty.kind {
                TypeExprKind::OneOf(_) => "OneOf".to_string(),
                TypeExprKind::List(_) => "List".to_string(),
                TypeExprKind::Records(_) => "Records".to_string(),
                other => format!("{other:?}"),
            };
            kind + if f.ty.optional.is_some() { "?" } else { "" }
        })
        .collect();
    assert_eq!(
        kinds,
        ["String", "OneOf", "Int?", "List", "List", "Records", "Duration", "Bool", "Number?"]
    );
    assert!(schema.fields[0].key.is_some());
    assert!(
        matches!(&schema.fields[4].ty.kind, TypeExprKind::List(t) if matches!(t.kind, TypeExprKind::OneOf(ref v) if v.len() == 2))
    );
    assert_eq!(
        codes_of("schema {\n  a: strin\n}\n"),
        [Code::SyntaxUnknownType]
    );
}

#[test]
fn spans_point_at_the_source() {
    let text = "## doc\nMQL when visits >= 3 and downloaded \"pricing\"\n";
    let (sources, file) = parse_ok(text);
    let Some(Item::Def(def)) = file.items.first() else {
        panic!("no def");
    };
    assert_eq!(
        sources.slice(def.span),
        "MQL when visits >= 3 and downloaded \"pricing\""
    );
    assert_eq!(sources.slice(def.name.span), "MQL");
    let ExprKind::Binary(BinOp::And, lhs, rhs) = &def.expr.kind else {
        panic!("not an and");
    };
    assert_eq!(sources.slice(lhs.span), "visits >= 3");
    assert_eq!(sources.slice(rhs.span), "downloaded \"pricing\"");
    let ExprKind::Has { value, .. } = &rhs.kind else {
        panic!("not a has");
    };
    assert_eq!(sources.slice(value.span), "\"pricing\"");

    let (sources, file) = parse_ok("score s {\n  +20 when (size ?? 0) >= 200\n}\n");
    let Some(Item::Score(score)) = file.items.first() else {
        panic!("no score");
    };
    let Some(ScoreLine::Item(item)) = score.lines.first() else {
        panic!("no item");
    };
    assert_eq!(sources.slice(item.span), "+20 when (size ?? 0) >= 200");
    let ScoreRule::When(cond) = &item.rule else {
        panic!("not a when");
    };
    assert_eq!(sources.slice(cond.span), "(size ?? 0) >= 200");
    assert_eq!(item.points.span, Span::new(FileId(0), 12, 15));

    // Trailing blanks and comments are not part of a node.
    let (sources, file) =
        parse_ok("score s {\n  +5 per x   # \"why\"\n  -1 when y == \"#\" # hash\n}\n");
    let Some(Item::Score(score)) = file.items.first() else {
        panic!("no score");
    };
    let texts: Vec<_> = score
        .lines
        .iter()
        .map(|l| match l {
            ScoreLine::Item(i) => sources.slice(i.span),
            _ => "",
        })
        .collect();
    assert_eq!(texts, ["+5 per x", "-1 when y == \"#\""]);
}

#[test]
fn the_grammar_of_record_parses_a_whole_file() {
    let text = "schema {\n  id: string key\n}\n\n## doc\nMQL when a and\n  b\nstages A -> B\n";
    assert!(SmqlParser::parse(Rule::file, text).is_ok());
}
