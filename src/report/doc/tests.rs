//! Unit tests of the glossary: what the entries say, and that nothing depends on file order.

use super::*;
use crate::source::SourceMap;
use crate::RuleSet;

const SCHEMA: &str = "## One lead.\nschema {\n  id:      string key\n  visits:  int\n  title:   string?  from \"Job Title\"\n  seen_at: timestamp\n  sql_at:  timestamp?\n  called:  timestamp?\n}\n";

const RULES: &str = r#"## Engaged.
MQL when visits >= 3
SQL when MQL and hot

stages Lead -> MQL -> SQL
detours Junk

## Not worth a call.
Junk when title is present and title == "student"

hot when heat >= 10
## Unused.
spare = visits * 2

## Heat.
score heat {
  +2 per visits up to 10
  group "titles" up to 5 {
    +3 when title is present
    +4 when visits > 9
  }
  at least 0
  decay 10% every 2w since seen_at
}

grade band {
  "A" when heat >= 8 and stage >= "MQL"
  else "B"
}

## Calls.
sla "Sales calls SQLs" {
  owner  sales
  for    SQL
  from   sql_at
  until  called
  within 90m
  target 95%
}

sla "Sales works MQLs" {
  owner   sales
  for     MQL
  require called is present
  target  80%
}

sla "Marketing delivers" {
  owner    marketing
  count    MQL and sql_at is present
  by       seen_at
  per      week
  at least 1
  at most  20
}
"#;

fn rules(files: &[(&str, &str)]) -> RuleSet {
    let mut sources = SourceMap::new();
    for (name, text) in files {
        sources.add(*name, *text);
    }
    match RuleSet::compile(sources) {
        Ok(r) => r,
        Err(e) => panic!("the rules check: {e}"),
    }
}

fn sample() -> Glossary {
    glossary(&rules(&[("schema.smql", SCHEMA), ("rules.smql", RULES)]))
}

fn entry<'g>(g: &'g Glossary, anchor: &str) -> &'g Entry {
    g.sections
        .iter()
        .flat_map(|s| &s.entries)
        .find(|e| e.anchor == anchor)
        .unwrap_or_else(|| panic!("no entry `#{anchor}`"))
}

fn anchors(links: &Option<Vec<Link>>) -> Vec<&str> {
    links.iter().flatten().map(|l| l.anchor.as_str()).collect()
}

/// Running text as plain text, links and code shown as `name`.
fn plain(parts: &[Inline]) -> String {
    parts
        .iter()
        .map(|p| match p {
            Inline::Text(t) => t.clone(),
            Inline::Strong(t) => format!("*{t}*"),
            Inline::Code(c) => format!("`{c}`"),
            Inline::Link(l) => format!("[{}]", l.text),
        })
        .collect()
}

#[test]
fn sections_come_in_the_specs_order_with_stages_once() {
    let g = sample();
    let titles: Vec<&str> = g.sections.iter().map(|s| s.title).collect();
    assert_eq!(
        titles,
        [
            "Lifecycle",
            "Definitions",
            "Scores",
            "Grades",
            "SLAs",
            "Fields"
        ]
    );
    let names = |i: usize| -> Vec<&str> {
        g.sections[i]
            .entries
            .iter()
            .map(|e| e.anchor.as_str())
            .collect()
    };
    assert_eq!(
        names(0),
        [
            "stages",
            "stage-lead",
            "stage-mql",
            "stage-sql",
            "stage-junk"
        ]
    );
    // Stage definitions are not entered twice; the rest are alphabetical.
    assert_eq!(names(1), ["definition-hot", "definition-spare"]);
    assert_eq!(
        names(4),
        [
            "sla-marketing-delivers",
            "sla-sales-calls-sqls",
            "sla-sales-works-mqls"
        ]
    );
    assert_eq!(g.sections[5].doc.as_deref(), Some("One lead."));
}

#[test]
fn uses_and_used_by_link_both_ways() {
    let g = sample();
    let sql = entry(&g, "stage-sql");
    assert_eq!(anchors(&sql.uses), ["stage-mql", "definition-hot"]);
    assert_eq!(anchors(&sql.used_by), ["stages", "sla-sales-calls-sqls"]);
    assert_eq!(sql.kind, "stage 3 of 3");
    assert_eq!(sql.rule.as_deref(), Some("SQL when MQL and hot"));
    let heat = entry(&g, "score-heat");
    assert_eq!(
        anchors(&heat.uses),
        ["field-visits", "field-title", "field-seen_at"]
    );
    assert_eq!(anchors(&heat.used_by), ["definition-hot", "grade-band"]);
    // `stage >= "MQL"` uses the path; the path uses the stages' definitions.
    assert_eq!(
        anchors(&entry(&g, "grade-band").uses),
        ["stages", "score-heat"]
    );
    let path = entry(&g, "stages");
    assert_eq!(
        anchors(&path.uses),
        ["stage-mql", "stage-sql", "stage-junk"]
    );
    assert_eq!(anchors(&path.used_by), ["grade-band"]);
    assert_eq!(
        path.rule.as_deref(),
        Some("stages Lead -> MQL -> SQL\ndetours Junk")
    );
    let title = entry(&g, "field-title");
    assert!(title.uses.is_none());
    assert_eq!(anchors(&title.used_by), ["stage-junk", "score-heat"]);
    assert_eq!(plain(&title.facts[0]), "column `Job Title`");
    assert_eq!(entry(&g, "field-id").facts.len(), 2, "the key is said");
    assert_eq!(
        anchors(&entry(&g, "definition-spare").used_by),
        [] as [&str; 0]
    );
}

#[test]
fn a_score_is_a_table_with_its_group_clamp_and_decay() {
    let g = sample();
    let t = entry(&g, "score-heat").table.clone().expect("a table");
    let rows: Vec<(String, String, bool)> = t
        .rows
        .iter()
        .map(|r| (r.points.clone(), plain(&r.condition), r.in_group))
        .collect();
    let row = |p: &str, c: &str, g: bool| (p.to_string(), c.to_string(), g);
    assert_eq!(
        rows,
        [
            row("+2 per", "`visits`, up to 10 points", false),
            row(
                "up to 5",
                "group *titles*: the items below, their sum capped",
                false
            ),
            row("+3", "`title is present`", true),
            row("+4", "`visits > 9`", true),
        ]
    );
    let notes: Vec<String> = t.notes.iter().map(|n| plain(n)).collect();
    assert_eq!(
        notes,
        [
            "The total is at least 0.",
            "Then it decays by 10% every 2 weeks since [seen_at]."
        ]
    );
}

#[test]
fn every_kind_of_sla_reads_as_a_sentence() {
    let g = sample();
    let sentence = |a: &str| plain(&entry(&g, a).summary[0]);
    assert_eq!(
        sentence("sla-sales-calls-sqls"),
        "*sales* promises [called] within 90 minutes of [sql_at] for at least 95% of [SQL] \
         leads (those with [sql_at])."
    );
    assert_eq!(
        sentence("sla-sales-works-mqls"),
        "*sales* promises `called is present` for at least 80% of [MQL] leads."
    );
    assert_eq!(
        sentence("sla-marketing-delivers"),
        "*marketing* promises between 1 and 20 leads a week where `MQL and sql_at is present`, \
         counted by the week of [seen_at] (ISO weeks, from Monday)."
    );
    assert_eq!(entry(&g, "sla-marketing-delivers").kind, "volume SLA");
}

#[test]
fn undocumented_lists_stages_definitions_scores_and_grades() {
    let g = sample();
    let listed: Vec<String> = g.undocumented().iter().map(|u| u.to_string()).collect();
    assert_eq!(
        listed,
        [
            "rules.smql:5: stage path `stages` has no doc comment",
            "rules.smql:3: stage `SQL` has no doc comment",
            "rules.smql:11: definition `hot` has no doc comment",
            "rules.smql:26: grade `band` has no doc comment",
        ]
    );
}

#[test]
fn nothing_depends_on_the_order_of_the_files() {
    // Definitions in both files, so that their declaration order changes with the files'.
    let (one, two) = RULES.split_at(RULES.find("hot when").unwrap_or(0));
    let a = glossary(&rules(&[
        ("s.smql", SCHEMA),
        ("1.smql", one),
        ("2.smql", two),
    ]));
    let b = glossary(&rules(&[
        ("2.smql", two),
        ("1.smql", one),
        ("s.smql", SCHEMA),
    ]));
    assert_eq!(a.sections, b.sections);
    assert_eq!(render_markdown(&a).lines().skip(3).collect::<Vec<_>>(), {
        render_markdown(&b).lines().skip(3).collect::<Vec<_>>()
    });
}

#[test]
fn names_that_make_the_same_anchor_get_distinct_ones() {
    let text = "schema {\n  id: string key\n  v: int\n}\nMQL when v > 1\nmql when v > 2\n";
    let g = glossary(&rules(&[("r.smql", text)]));
    let defs: Vec<(&str, &str)> = g.sections[0]
        .entries
        .iter()
        .map(|e| (e.name.as_str(), e.anchor.as_str()))
        .collect();
    assert_eq!(
        defs,
        [("MQL", "definition-mql"), ("mql", "definition-mql--2")]
    );
}

#[test]
fn doc_text_splits_into_paragraphs_and_code_spans() {
    let p = doc_paragraphs("Use `smql report`\nweekly.\n\n``a ` b`` and `open");
    assert_eq!(
        p,
        [
            vec![
                Inline::Text("Use ".into()),
                Inline::Code("smql report".into()),
                Inline::Text("\nweekly.".into()),
            ],
            vec![
                Inline::Code("a ` b".into()),
                Inline::Text(" and `open".into()),
            ],
        ]
    );
}

#[test]
fn html_escapes_user_text_and_loads_nothing() {
    let text = "schema {\n  id: string key\n  v: int\n}\n## <script>alert(\"x\")</script> & 'q'\nhot when v > 1\nsla \"<b>\\\"calls\\\"</b>\" {\n  owner  sales\n  for    hot\n  require v > 2\n  target 50%\n}\n";
    let page = render_html(&glossary(&rules(&[("r.smql", text)])));
    assert!(!page.contains("<script"), "{page}");
    assert!(!page.contains("<b>"), "{page}");
    assert!(page.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 'q'"));
    assert!(page.contains("&lt;b&gt;&quot;calls&quot;&lt;/b&gt;"));
    assert!(page.contains(&format!("content=\"{CSP}\"")));
    for external in ["src=", "http:", "https:", "@import", "url("] {
        assert!(!page.contains(external), "`{external}` in the page");
    }
}
