//! The lints of docs/commands.md from source text: one fixture per lint (rendered into snapshots), near
//! misses that must not warn, allowances, and the reference example.

use smql::check::check;
use smql::diag::render;
use smql::{Diagnostic, SourceMap};
use std::path::Path;

fn fixture(name: &str) -> SourceMap {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/lints")
        .join(format!("{name}.smql"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut sources = SourceMap::new();
    sources.add(format!("{name}.smql"), text);
    sources
}

/// The warnings of a rule set that must check without errors.
fn warnings(sources: &SourceMap) -> Vec<Diagnostic> {
    let checked = check(sources);
    let errors: Vec<String> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| render(d, sources, false, 100))
        .collect();
    assert!(
        errors.is_empty(),
        "unexpected errors:\n{}",
        errors.join("\n")
    );
    assert!(checked.program.is_some(), "no program");
    checked.diagnostics.into_iter().collect()
}

fn rendered(name: &str) -> (Vec<&'static str>, String) {
    let sources = fixture(name);
    let ws = warnings(&sources);
    let codes = ws.iter().map(|d| d.code.as_str()).collect();
    let text = ws
        .iter()
        .map(|d| render(d, &sources, false, 80))
        .collect::<Vec<_>>()
        .join("\n");
    (codes, text)
}

macro_rules! lint_fixture {
    ($test:ident, $name:literal, [$($code:literal),* $(,)?]) => {
        #[test]
        fn $test() {
            let (codes, text) = rendered($name);
            let want: &[&str] = &[$($code),*];
            assert_eq!(codes, want, "{text}");
            insta::assert_snapshot!($name, text);
        }
    };
}

lint_fixture!(
    unsatisfiable,
    "unsatisfiable",
    [
        "smql::lint::unsatisfiable",
        "smql::lint::unsatisfiable",
        "smql::lint::unsatisfiable",
        "smql::lint::unsatisfiable",
    ]
);
lint_fixture!(
    always_true,
    "always_true",
    [
        "smql::lint::always_true",
        "smql::lint::always_true",
        "smql::lint::always_true",
        "smql::lint::always_true",
    ]
);
lint_fixture!(
    unreachable_arm,
    "unreachable_arm",
    [
        "smql::lint::unreachable_arm",
        "smql::lint::unreachable_arm",
        "smql::lint::unreachable_arm",
        "smql::lint::always_true",
    ]
);
lint_fixture!(
    dead_item,
    "dead_item",
    [
        "smql::lint::dead_item",
        "smql::lint::dead_item",
        "smql::lint::dead_item",
    ]
);
lint_fixture!(stage_skip, "stage_skip", ["smql::lint::stage_skip"]);
lint_fixture!(
    duplicate_item,
    "duplicate_item",
    [
        "smql::lint::duplicate_item",
        "smql::lint::duplicate_item",
        "smql::lint::duplicate_item",
    ]
);
lint_fixture!(
    test_needs_as_of,
    "test_needs_as_of",
    [
        "smql::lint::test_needs_as_of",
        "smql::lint::test_needs_as_of",
    ]
);
lint_fixture!(
    unknown_lint,
    "unknown_lint",
    ["smql::lint::unknown_lint", "smql::lint::unknown_lint"]
);
lint_fixture!(
    sla,
    "sla",
    [
        "smql::lint::unsatisfiable",
        "smql::lint::always_true",
        "smql::lint::unsatisfiable",
    ]
);

#[test]
fn near_misses_do_not_warn() {
    let (codes, text) = rendered("negatives");
    assert!(codes.is_empty(), "{text}");
}

#[test]
fn allowances_silence_every_lint() {
    let (codes, text) = rendered("allowed");
    assert!(codes.is_empty(), "{text}");
}

/// The reference example checks without warnings, and its one allowance is needed.
#[test]
fn acme_has_no_warnings_and_needs_its_allowance() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/examples/acme");
    if !dir.exists() {
        return;
    }
    let load = |strip_allow: bool| {
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.retain(|p: &std::path::PathBuf| p.extension().is_some_and(|x| x == "smql"));
        files.sort();
        let mut sources = SourceMap::new();
        for f in files {
            let mut text = std::fs::read_to_string(&f).unwrap_or_default();
            if strip_allow {
                text = text
                    .lines()
                    .filter(|l| l.trim() != "# smql: allow(stage_skip)")
                    .map(|l| format!("{l}\n"))
                    .collect();
            }
            sources.add(f.display().to_string(), text);
        }
        sources
    };
    let sources = load(false);
    let ws = warnings(&sources);
    let text: Vec<String> = ws.iter().map(|d| render(d, &sources, false, 100)).collect();
    assert!(ws.is_empty(), "{}", text.join("\n"));

    let stripped = load(true);
    let ws = warnings(&stripped);
    let codes: Vec<&str> = ws.iter().map(|d| d.code.as_str()).collect();
    let text: Vec<String> = ws
        .iter()
        .map(|d| render(d, &stripped, false, 100))
        .collect();
    assert_eq!(codes, ["smql::lint::stage_skip"], "{}", text.join("\n"));
    assert!(
        ws[0].message.contains("stage `Customer`"),
        "{}",
        ws[0].message
    );
}
