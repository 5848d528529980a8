//! The checker end to end: one fixture per diagnostic code, rendered into snapshots; clean rule
//! sets; the reference example; a large generated rule set.

use smql::check::{check, Checked};
use smql::diag::render;
use smql::source::SourceMap;
use std::path::{Path, PathBuf};

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check")
}

/// Loads fixtures by file name (the name is what messages show).
fn load(names: &[&str]) -> SourceMap {
    let mut sources = SourceMap::new();
    for name in names {
        let text = std::fs::read_to_string(fixture_dir().join(name))
            .unwrap_or_else(|e| panic!("cannot read fixture {name}: {e}"));
        sources.add(*name, text);
    }
    sources
}

fn rendered(sources: &SourceMap, checked: &Checked) -> String {
    checked
        .diagnostics
        .iter()
        .map(|d| render(d, sources, false, 80))
        .collect::<Vec<_>>()
        .join("\n")
}

fn codes(checked: &Checked) -> Vec<&'static str> {
    checked
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect()
}

/// Each fixture must produce exactly the listed codes, in order; the rendering is snapshotted.
fn expect_codes(file: &str, expected: &[&str]) {
    let sources = load(&[file]);
    let checked = check(&sources);
    let text = rendered(&sources, &checked);
    assert_eq!(codes(&checked), expected, "{file}:\n{text}");
    assert_eq!(
        checked.program.is_some(),
        !checked.diagnostics.has_errors(),
        "{file}: a program is returned exactly when there are no errors"
    );
    let stem = file.trim_end_matches(".smql");
    insta::assert_snapshot!(stem, text);
}

#[test]
fn name_unknown() {
    expect_codes("name_unknown.smql", &["smql::name::unknown"]);
}

#[test]
fn name_duplicate() {
    expect_codes("name_duplicate.smql", &["smql::name::duplicate"]);
}

#[test]
fn name_cycle() {
    expect_codes("name_cycle.smql", &["smql::name::cycle"]);
}

#[test]
fn name_ambiguous() {
    expect_codes("name_ambiguous.smql", &["smql::name::ambiguous"]);
}

#[test]
fn type_mismatch() {
    expect_codes("type_mismatch.smql", &["smql::type::mismatch"]);
}

#[test]
fn type_optional() {
    expect_codes("type_optional.smql", &["smql::type::optional"]);
}

#[test]
fn type_not_optional() {
    expect_codes("type_not_optional.smql", &["smql::type::not_optional"]);
}

#[test]
fn type_enum_value() {
    expect_codes("type_enum_value.smql", &["smql::type::enum_value"]);
}

#[test]
fn call_unknown_function() {
    expect_codes(
        "call_unknown_function.smql",
        &["smql::call::unknown_function"],
    );
}

#[test]
fn call_arity() {
    expect_codes("call_arity.smql", &["smql::call::arity"]);
}

#[test]
fn literal_invalid() {
    expect_codes(
        "literal_invalid.smql",
        &["smql::literal::invalid", "smql::literal::invalid"],
    );
}

#[test]
fn literal_required() {
    expect_codes("literal_required.smql", &["smql::literal::required"]);
}

#[test]
fn schema_missing() {
    // Only the missing schema: the names it would declare are not reported as unknown.
    expect_codes("schema_missing.smql", &["smql::schema::missing"]);
}

#[test]
fn schema_duplicate() {
    expect_codes("schema_duplicate.smql", &["smql::schema::duplicate"]);
}

#[test]
fn schema_key() {
    expect_codes("schema_key.smql", &["smql::schema::key"]);
}

#[test]
fn schema_list() {
    expect_codes("schema_list.smql", &["smql::schema::list"]);
}

#[test]
fn schema_column() {
    expect_codes("schema_column.smql", &["smql::schema::column"]);
}

#[test]
fn stage_not_segment() {
    expect_codes("stage_not_segment.smql", &["smql::stage::not_segment"]);
}

#[test]
fn stage_duplicate() {
    expect_codes("stage_duplicate.smql", &["smql::stage::duplicate"]);
}

#[test]
fn stage_no_path() {
    expect_codes("stage_no_path.smql", &["smql::stage::no_path"]);
}

#[test]
fn score_duplicate_line() {
    expect_codes(
        "score_duplicate_line.smql",
        &["smql::score::duplicate_line"],
    );
}

#[test]
fn sla_missing_line() {
    expect_codes("sla_missing_line.smql", &["smql::sla::missing_line"]);
}

#[test]
fn sla_unexpected_line() {
    expect_codes("sla_unexpected_line.smql", &["smql::sla::unexpected_line"]);
}

#[test]
fn test_given() {
    expect_codes("test_given.smql", &["smql::test::given"]);
}

#[test]
fn where_misplaced() {
    expect_codes(
        "where_misplaced.smql",
        &["smql::where::misplaced", "smql::where::misplaced"],
    );
}

#[test]
fn several_independent_errors_each_once_in_order() {
    expect_codes(
        "several_errors.smql",
        &[
            "smql::name::unknown",
            "smql::type::optional",
            "smql::type::enum_value",
            "smql::type::mismatch",
            "smql::name::unknown",
        ],
    );
}

#[test]
fn duplicate_across_files_points_at_both() {
    let sources = load(&["dup_a.smql", "dup_b.smql"]);
    let checked = check(&sources);
    let text = rendered(&sources, &checked);
    assert_eq!(codes(&checked), ["smql::name::duplicate"], "{text}");
    let d = &checked.diagnostics.0[0];
    assert_eq!(d.secondary.len(), 1);
    assert_ne!(d.primary.span.file, d.secondary[0].span.file);
    insta::assert_snapshot!("duplicate_across_files", text);
}

#[test]
fn narrowing_checks_clean() {
    let sources = load(&["narrowing_ok.smql"]);
    let checked = check(&sources);
    assert!(
        checked.diagnostics.is_empty(),
        "{}",
        rendered(&sources, &checked)
    );
    assert!(checked.program.is_some());
}

#[test]
fn reference_example_checks() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/examples/acme");
    if !dir.exists() {
        return;
    }
    let sources = SourceMap::load_paths(&[dir]).expect("example readable");
    let checked = check(&sources);
    let errors: Vec<String> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| render(d, &sources, false, 100))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let program = checked.program.expect("program");
    assert_eq!(program.tests.len(), 7);
    assert_eq!(program.slas.len(), 3);
    let stages = program.stages.expect("stages");
    assert_eq!(stages.path.len(), 4);
    assert!(stages.path[0].def.is_none(), "`Lead` is left undefined");
    let customer = program.defs.iter().find(|d| d.name == "Customer");
    let allow = customer.map(|d| d.allow.clone()).unwrap_or_default();
    // The allowance keeps the span of its name.
    let allowed: Vec<(&str, &str)> = allow
        .iter()
        .map(|a| (a.lint.as_str(), sources.slice(a.span)))
        .collect();
    assert_eq!(allowed, [("stage_skip", "stage_skip")]);
}

/// A generated rule set of 2,000 definitions in a chain, with scores and grades over them.
fn large_rule_set(n: usize) -> String {
    let mut s = String::from(
        "schema {\n  id: string key\n  visits: int\n  size: int?\n  tags: list of string\n}\n",
    );
    for i in 0..n {
        let prev = if i == 0 {
            "visits > 0".to_string()
        } else {
            format!("d{} or visits > {i}", i - 1)
        };
        s.push_str(&format!(
            "d{i} when {prev} and (size is missing or size > {i}) and tags \"t{i}\"\n"
        ));
    }
    s.push_str("score total {\n");
    for i in (0..n).step_by(10) {
        s.push_str(&format!("  +1 when d{i}\n"));
    }
    s.push_str("}\n");
    s
}

#[test]
fn large_rule_sets_check() {
    let mut sources = SourceMap::new();
    sources.add("large.smql", large_rule_set(2_000));
    let started = std::time::Instant::now();
    let (_, syntax) = smql::syntax::parse_file(&sources, smql::source::FileId(0));
    let parsing = started.elapsed();
    assert!(syntax.is_empty());
    let started = std::time::Instant::now();
    let checked = check(&sources);
    let elapsed = started.elapsed();
    assert!(
        checked.diagnostics.is_empty(),
        "{}",
        rendered(&sources, &checked)
    );
    let program = checked.program.expect("program");
    assert_eq!(program.defs.len(), 2_000);
    assert_eq!(program.order.len(), 2_001);
    // Not a timing assertion (tests run on shared machines): printed for the record.
    eprintln!("parsed 2,000 definitions in {parsing:?}; parsed and checked in {elapsed:?}");
}

#[test]
fn every_construct_checks_clean_and_lowers() {
    use smql::ir::{ExprKind, Ty};
    let sources = load(&["features_ok.smql"]);
    let checked = check(&sources);
    assert!(
        checked.diagnostics.is_empty(),
        "{}",
        rendered(&sources, &checked)
    );
    let p = checked.program.expect("program");
    let def = |n: &str| {
        p.defs
            .iter()
            .find(|d| d.name == n)
            .unwrap_or_else(|| panic!("no definition {n}"))
    };
    // `stage` is optional: the first stage has a definition.
    let stages = p.stages.as_ref().expect("stages");
    assert!(stages.ty.is_optional());
    assert_eq!(stages.path.len(), 3);
    assert_eq!(stages.detours.len(), 1);
    assert_eq!(def("first_visit").expr.ty, Ty::Timestamp.optional());
    assert_eq!(def("idle_days").expr.ty, Ty::Number);
    assert_eq!(def("heat").expr.ty, Ty::Number);
    assert_eq!(def("rounded").expr.ty, Ty::Number);
    assert_eq!(def("later").expr.ty, Ty::Timestamp);
    assert_eq!(def("label").expr.ty, Ty::String);
    assert!(matches!(def("senior").expr.kind, ExprKind::And(..)));
    // Every node once, each after what it uses.
    let pos = |node: smql::ir::Node| p.order.iter().position(|n| *n == node);
    assert_eq!(
        p.order.len(),
        p.defs.len() + p.scores.len() + p.grades.len() + 1
    );
    assert!(pos(smql::ir::Node::Stage) < pos(smql::ir::Node::Def(smql::ir::DefId(4))));
    assert_eq!(p.slas.len(), 2);
    let t = &p.tests[0];
    assert_eq!(t.lead.len(), p.schema.fields.len());
    assert!(t.as_of.is_some());
    let score = &p.scores[0];
    assert_eq!(score.entries.len(), 4);
    assert_eq!(score.at_most, Some(100.0));
    assert!(score.decay.is_some());
    let smql::ir::ScoreEntry::Item(per) = &score.entries[1] else {
        panic!("item")
    };
    assert_eq!(&*per.source, "per visits up to 20");
}

#[test]
fn a_declaration_with_a_syntax_error_is_not_also_unknown() {
    let mut sources = SourceMap::new();
    sources.add(
        "broken.smql",
        "schema {\n  id: string key\n  visits: int\n}\n\nMQL when visits >= >= 3\nSQL when MQL and visits > 9\nOther when nope\n",
    );
    let checked = check(&sources);
    let text = rendered(&sources, &checked);
    let codes = codes(&checked);
    assert!(
        codes
            .iter()
            .all(|c| c.starts_with("smql::syntax::") || *c == "smql::name::unknown"),
        "{text}"
    );
    // `MQL` did not parse, so its use is not reported; `nope` is a genuine unknown name.
    let unknown: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "smql::name::unknown")
        .collect();
    assert_eq!(unknown.len(), 1, "{text}");
    assert!(unknown[0].message.contains("nope"), "{text}");
}

#[test]
fn input_duplicate() {
    expect_codes("input_duplicate.smql", &["smql::input::duplicate"]);
}

#[test]
fn input_invalid() {
    expect_codes("input_invalid.smql", &["smql::input::invalid"]);
}

#[test]
fn input_time_zone() {
    expect_codes("input_time_zone.smql", &["smql::input::time_zone"]);
}

#[test]
fn input_layout() {
    expect_codes("input_layout.smql", &["smql::input::layout"]);
}

#[test]
fn schema_format() {
    expect_codes("schema_format.smql", &["smql::schema::format"]);
}

/// The `input` block, `(N)`, `format`, a bare score item and the undefined first stage used as
/// a name all check and lower.
#[test]
fn the_input_block_and_its_companions_check_clean() {
    use smql::ir::{ExprKind, Rule};
    let sources = load(&["input_ok.smql"]);
    let checked = check(&sources);
    assert!(
        checked.diagnostics.is_empty(),
        "{}",
        rendered(&sources, &checked)
    );
    let p = checked.program.expect("program");
    let input = &p.schema.input;
    assert_eq!(input.delimiter, Some(b';'));
    assert_eq!(input.time_zone.as_deref(), Some("America/New_York"));
    assert_eq!(input.timestamps, ["%m/%d/%Y %I:%M %p", "%m/%d/%y %H:%M"]);
    assert_eq!(input.missing, ["null", "None", "[not provided]"]);
    assert_eq!(input.currency, ["$", "R$"]);
    assert_eq!(input.footer, ["Grand Totals"]);
    let marks = input.numbers.expect("numbers");
    assert_eq!((marks.group, marks.decimal), (Some('.'), ','));
    let field = |n: &str| &p.schema.fields[p.schema.field_named(n).expect("field").0 as usize];
    assert_eq!(field("created").occurrence, Some(1));
    assert_eq!(field("company_created").occurrence, Some(2));
    assert_eq!(field("closed").format, ["%d.%m.%Y"]);
    assert_eq!(field("visits").occurrence, None);
    let on_path = p.defs.iter().find(|d| d.name == "on_path").expect("def");
    assert!(
        matches!(&on_path.expr.kind, ExprKind::Cmp(_, a, _) if matches!(a.kind, ExprKind::Stage)),
        "{:?}",
        on_path.expr.kind
    );
    let score = &p.scores[0];
    let smql::ir::ScoreEntry::Item(base) = &score.entries[0] else {
        panic!("an item");
    };
    assert!(matches!(base.rule, Rule::Always));
    assert_eq!((base.points, &*base.source), (9.0, "base"));
}

#[test]
fn a_broken_schema_is_one_error_not_also_a_missing_schema() {
    let mut sources = SourceMap::new();
    sources.add(
        "reserved.smql",
        "schema {\n  id: string key\n  missing: int\n}\n\nhot when id == \"a\"\n",
    );
    let checked = check(&sources);
    let text = rendered(&sources, &checked);
    assert_eq!(codes(&checked), ["smql::syntax::reserved_word"], "{text}");
}

#[test]
fn an_undefined_first_stage_is_a_name_for_being_on_the_path() {
    let mut sources = SourceMap::new();
    sources.add(
        "stages.smql",
        "schema {\n  id: string key\n  visits: int\n}\n\nstages Lead -> MQL\ndetours Out\nMQL when visits >= 3\nOut when visits < 0\nactive when Lead and visits > 0\n\ntest \"a lead on the path\" {\n  given { visits: 1 }\n  expect Lead\n  expect active\n}\n\ntest \"a detour is not on the path\" {\n  given { visits: -1 }\n  expect not Lead\n}\n",
    );
    let checked = check(&sources);
    let text = rendered(&sources, &checked);
    assert!(checked.diagnostics.is_empty(), "{text}");
    let dir = std::env::temp_dir().join(format!("smql-on-path-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch");
    let file = dir.join("stages.smql");
    let (_, source) = sources.files().next().expect("a file");
    std::fs::write(&file, &source.text).expect("write");
    for engine in ["jit", "interp"] {
        let out =
            crate::support::smql(&["test", file.to_str().expect("utf-8"), "--engine", engine]);
        let stdout = crate::support::text(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{engine}: {stdout}");
        assert!(stdout.contains("2 passed, 0 failed"), "{engine}: {stdout}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
