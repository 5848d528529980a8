//! The documents in `docs/` kept true by the test suite.
//!
//! `docs/language.md`: every ```` ```smql ```` block is checked. A block with a `schema` is a whole
//! rule set; any other block is a fragment, checked after the document's one
//! ```` ```smql prelude ```` block (the schema the examples refer to). A plain block must check
//! without errors or warnings and have `test` blocks, which must pass: the examples are
//! evaluated, not only checked. ```` ```smql error=CODE ```` must fail, every error having that
//! code; ```` ```smql warning=CODE ```` must check, every warning having that code, and its
//! tests must pass. The code of a marked block must also be named in the prose of its section,
//! so the text says what the example shows. The table of diagnostic codes must list exactly the
//! codes the sources define, and every lint has a row.
//!
//! `docs/commands.md`: every subcommand has a section, which names each of its options (by its
//! long name), their values and its positional arguments; every exit code is in the table.
//!
//! Both: every link to a heading (`[…](#anchor)`, `[…](language.md#anchor)`) finds it.

use crate::diag::{render, Code, Diagnostic, Lint, Severity};
use crate::source::SourceMap;
use crate::RuleSet;
use clap::CommandFactory;

const LANGUAGE: &str = include_str!("../docs/language.md");
const COMMANDS: &str = include_str!("../docs/commands.md");

/// `now` for the tests of the examples that have no `as of` (the lint `test_needs_as_of` makes
/// sure none of them depends on it).
const NOW: i64 = 1_793_491_200_000; // 2026-11-01T00:00:00Z

/// What a ```` ```smql ```` block is expected to do.
#[derive(Debug, Clone, PartialEq)]
enum Expect {
    Prelude,
    Clean,
    Error(String),
    Warning(String),
}

#[derive(Debug)]
struct Block {
    /// 1-based line of the opening fence.
    line: usize,
    expect: Expect,
    text: String,
}

/// The fenced blocks of a Markdown text: `(line of the fence, info string, body)`.
fn fenced(doc: &str) -> Vec<(usize, String, String)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, String, String)> = None;
    for (i, line) in doc.lines().enumerate() {
        let fence = line.trim_start().strip_prefix("```");
        match (&mut open, fence) {
            (None, Some(info)) => open = Some((i + 1, info.trim().to_string(), String::new())),
            (Some(_), Some(rest)) if rest.trim().is_empty() => {
                out.extend(open.take());
            }
            (Some((_, _, body)), _) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "a fenced block is never closed");
    out
}

/// The ```` ```smql ```` blocks of `doc`. Any other info string starting with `smql` is a
/// mistake (a block that would silently go unchecked).
fn smql_blocks(doc: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    for (line, info, text) in fenced(doc) {
        let mut words = info.split_whitespace();
        if words.next() != Some("smql") {
            assert!(
                !info.starts_with("smql"),
                "line {line}: unknown block kind `{info}`"
            );
            continue;
        }
        let mark = words.next();
        let expect = match (mark, mark.and_then(|m| m.split_once('=')), words.next()) {
            (None, _, _) => Expect::Clean,
            (Some("prelude"), _, None) => Expect::Prelude,
            (_, Some(("error", code)), None) => Expect::Error(code.to_string()),
            (_, Some(("warning", code)), None) => Expect::Warning(code.to_string()),
            _ => panic!("line {line}: unknown block kind `{info}`"),
        };
        blocks.push(Block { line, expect, text });
    }
    blocks
}

/// Whether the block declares its own schema (a line starting with `schema {`).
fn has_schema(text: &str) -> bool {
    text.lines().any(|l| {
        l.strip_prefix("schema")
            .is_some_and(|r| r.trim_start().starts_with('{'))
    })
}

fn compile(prelude: &str, block: &Block) -> Result<RuleSet, Box<crate::CompileError>> {
    let mut sources = SourceMap::new();
    if block.expect != Expect::Prelude && !has_schema(&block.text) {
        sources.add("prelude.smql", prelude);
    }
    sources.add(
        format!("language.md:{}", block.line + 1),
        block.text.as_str(),
    );
    RuleSet::compile(sources)
}

fn shown(diags: &[Diagnostic], sources: &SourceMap) -> String {
    diags
        .iter()
        .map(|d| render(d, sources, false, 100))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs the block's tests on both engines; returns how many ran, or the failures.
fn run_tests(rules: &RuleSet) -> Result<usize, String> {
    let mut failures = Vec::new();
    let engines = [crate::eval::Engine::Jit, crate::eval::Engine::Interp];
    for engine in engines {
        let evaluator = crate::eval::Evaluator::new(rules, engine).map_err(|e| e.to_string())?;
        for test in &rules.program.tests {
            let outcome = crate::eval::run_test(&evaluator, test, NOW);
            if !outcome.passed {
                failures.push(format!(
                    "test {:?}: {}",
                    test.name,
                    outcome.failures.join("; ")
                ));
            }
        }
    }
    if failures.is_empty() {
        Ok(rules.program.tests.len())
    } else {
        Err(failures.join("\n"))
    }
}

/// The prose of the section (between headings) around `line`: its text outside fenced blocks.
fn section_prose(doc: &str, line: usize) -> String {
    let mut in_code = false;
    // Per line: whether it is prose, and whether it is a heading.
    let lines: Vec<(&str, bool, bool)> = doc
        .lines()
        .map(|l| {
            let fence = l.trim_start().starts_with("```");
            if fence {
                in_code = !in_code;
            }
            let prose = !fence && !in_code;
            (l, prose, prose && l.starts_with('#'))
        })
        .collect();
    let at = line.saturating_sub(1);
    let start = (0..at).rev().find(|&i| lines[i].2).unwrap_or(0);
    let end = (at..lines.len())
        .find(|&i| lines[i].2)
        .unwrap_or(lines.len());
    lines[start..end]
        .iter()
        .filter(|(_, prose, _)| *prose)
        .map(|(l, _, _)| *l)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Checks one block; returns the number of tests it ran.
fn check_block(prelude: &str, block: &Block) -> Result<usize, String> {
    let at = format!("docs/language.md:{}", block.line);
    let compiled = compile(prelude, block);
    match (&block.expect, compiled) {
        (Expect::Prelude | Expect::Clean, Ok(rules)) => {
            if !rules.warnings.is_empty() {
                let text = shown(&rules.warnings.0, &rules.sources);
                return Err(format!("{at}: the example has warnings:\n{text}"));
            }
            // An example is evaluated, not only checked: it shows what it computes.
            if block.expect == Expect::Clean && rules.program.tests.is_empty() {
                return Err(format!("{at}: the example has no `test` block"));
            }
            run_tests(&rules).map_err(|e| format!("{at}: {e}"))
        }
        (Expect::Warning(code), Ok(rules)) => {
            let codes: Vec<&str> = rules.warnings.iter().map(|d| d.code.as_str()).collect();
            if codes.is_empty() || codes.iter().any(|c| c != code) {
                let text = shown(&rules.warnings.0, &rules.sources);
                return Err(format!("{at}: expected only `{code}` warnings:\n{text}"));
            }
            run_tests(&rules).map_err(|e| format!("{at}: {e}"))
        }
        (Expect::Error(code), Err(failed)) => {
            let errors: Vec<&Diagnostic> = failed
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .collect();
            if errors.is_empty() || errors.iter().any(|d| d.code.as_str() != code) {
                let text = shown(&failed.diagnostics.0, &failed.sources);
                return Err(format!("{at}: expected only `{code}` errors:\n{text}"));
            }
            Ok(0)
        }
        (Expect::Error(code), Ok(_)) => Err(format!("{at}: expected `{code}`, but it checks")),
        (_, Err(failed)) => {
            let text = shown(&failed.diagnostics.0, &failed.sources);
            Err(format!("{at}: the example does not check:\n{text}"))
        }
    }
}

#[test]
fn every_language_example_checks_and_its_tests_pass() {
    let blocks = smql_blocks(LANGUAGE);
    let preludes: Vec<&Block> = blocks
        .iter()
        .filter(|b| b.expect == Expect::Prelude)
        .collect();
    assert_eq!(preludes.len(), 1, "exactly one ```smql prelude block");
    let prelude = preludes[0].text.as_str();
    assert!(has_schema(prelude), "the prelude declares the schema");

    let mut problems = Vec::new();
    let mut tests = 0;
    for block in &blocks {
        match check_block(prelude, block) {
            Ok(n) => tests += n,
            Err(e) => problems.push(e),
        }
        if let Expect::Error(code) | Expect::Warning(code) = &block.expect {
            if !section_prose(LANGUAGE, block.line).contains(code.as_str()) {
                problems.push(format!(
                    "docs/language.md:{}: the text around the example does not name `{code}`",
                    block.line
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    assert!(tests >= blocks.len() / 2, "only {tests} tests ran");
}

#[test]
fn the_table_of_codes_lists_every_code_and_lint() {
    let row = regex::Regex::new(r"(?m)^\| `(smql::[a-z_]+::[a-z_]+)` \|").unwrap();
    let documented: std::collections::BTreeSet<String> = row
        .captures_iter(LANGUAGE)
        .map(|c| c[1].to_string())
        .collect();
    let defined: std::collections::BTreeSet<String> =
        Code::ALL.iter().map(|c| c.as_str().to_string()).collect();
    let missing: Vec<_> = defined.difference(&documented).collect();
    let stale: Vec<_> = documented.difference(&defined).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "docs/language.md's table of codes: missing {missing:?}, no longer defined {stale:?}"
    );
    for name in Lint::ALL.map(Lint::name) {
        assert!(
            LANGUAGE.contains(&format!("| `{name}` |")),
            "the lint `{name}` has no row in docs/language.md's table of lints"
        );
    }
}

/// The `## ` section of commands.md whose heading names `smql NAME`.
fn command_section<'d>(doc: &'d str, name: &str) -> Option<&'d str> {
    let heading = format!("## `smql {name}`");
    let start = doc.find(&heading)?;
    let rest = &doc[start + heading.len()..];
    let end = rest.find("\n## ").map_or(rest.len(), |i| i + 1);
    Some(&rest[..end])
}

/// `word` occurs in `text` with no letter, digit, `_` or `-` on either side.
fn has_word(text: &str, word: &str) -> bool {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })
}

#[test]
fn every_command_option_and_exit_code_is_documented() {
    let cli = crate::cli::Cli::command();
    let mut problems = Vec::new();
    for sub in cli.get_subcommands() {
        let name = sub.get_name();
        let Some(section) = command_section(COMMANDS, name) else {
            problems.push(format!("no section \"## `smql {name}`\""));
            continue;
        };
        for arg in sub.get_arguments() {
            if arg.is_hide_set() {
                continue;
            }
            let mut names = Vec::new();
            match (arg.get_long(), arg.get_short()) {
                (Some(long), _) => names.push(format!("--{long}")),
                (None, Some(short)) => names.push(format!("-{short}")),
                (None, None) => {
                    let values = arg.get_value_names().unwrap_or_default();
                    names.extend(values.iter().map(|v| v.to_string()));
                }
            }
            if arg.get_action().takes_values() {
                let values = arg.get_possible_values();
                names.extend(
                    values
                        .iter()
                        .filter(|v| !v.is_hide_set())
                        .map(|v| v.get_name().to_string()),
                );
            }
            for n in names {
                if !has_word(section, &n) {
                    problems.push(format!("`smql {name}`: `{n}` is not documented"));
                }
            }
        }
    }
    use crate::cli::exit::{FAILURE, OK, USAGE};
    let table = COMMANDS
        .find("## Exit codes")
        .map_or("", |i| &COMMANDS[i..]);
    for code in [OK, FAILURE, USAGE] {
        if !table.contains(&format!("| `{code}` |")) {
            problems.push(format!(
                "exit code {code} is not in the table of exit codes"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "docs/commands.md:\n{}",
        problems.join("\n")
    );
}

/// GitHub's anchor for a heading: lower case, punctuation dropped, spaces as `-`.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

fn anchors(doc: &str) -> Vec<String> {
    let mut in_code = false;
    let mut out = Vec::new();
    for line in doc.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        } else if !in_code && line.starts_with('#') {
            out.push(slug(line.trim_start_matches('#')));
        }
    }
    out
}

#[test]
fn links_between_the_documents_lead_somewhere() {
    let link = regex::Regex::new(r"\]\(([a-z]+\.md)?#([^)]+)\)").unwrap();
    let docs = [("language.md", LANGUAGE), ("commands.md", COMMANDS)];
    let mut broken = Vec::new();
    for (name, doc) in docs {
        for c in link.captures_iter(doc) {
            let target = c.get(1).map_or(name, |m| m.as_str());
            let Some((_, target_doc)) = docs.iter().find(|(n, _)| *n == target) else {
                broken.push(format!("{name}: no document `{target}`"));
                continue;
            };
            if !anchors(target_doc).contains(&c[2].to_string()) {
                broken.push(format!("{name}: no heading for `{target}#{}`", &c[2]));
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn the_checks_of_the_documents_can_fail() {
    // A block checks against what its mark says: the same text, marked otherwise, fails.
    let prelude = smql_blocks(LANGUAGE)
        .into_iter()
        .find(|b| b.expect == Expect::Prelude)
        .map(|b| b.text)
        .unwrap_or_default();
    let block = |expect: Expect, text: &str| Block {
        line: 1,
        expect,
        text: text.to_string(),
    };
    let wrong_value = "test \"t\" {\n  given { visits: 3 }\n  expect visits == 4\n}\n";
    assert!(check_block(&prelude, &block(Expect::Clean, wrong_value)).is_err());
    let untested = "a when visits > 3\n";
    assert!(check_block(&prelude, &block(Expect::Clean, untested)).is_err());
    let tested = "a when visits > 3\ntest \"t\" {\n  given { visits: 4 }\n  expect a\n}\n";
    assert_eq!(check_block(&prelude, &block(Expect::Clean, tested)), Ok(1));
    let optional = "senior when title contains \"vp\"\n";
    assert!(check_block(&prelude, &block(Expect::Clean, optional)).is_err());
    let right = Expect::Error("smql::type::optional".into());
    assert_eq!(check_block(&prelude, &block(right, optional)), Ok(0));
    let wrong = Expect::Error("smql::type::mismatch".into());
    assert!(check_block(&prelude, &block(wrong, optional)).is_err());
    let lint = "never when visits > 5 and visits < 3\n";
    assert!(check_block(&prelude, &block(Expect::Clean, lint)).is_err());
    // A section must name its example's code; a command must document its options.
    let doc = "# a\nsee `smql::a::c`\n```smql error=smql::a::b\nsmql::a::b\n```\n# b\nsmql::a::b\n";
    assert!(!section_prose(doc, 3).contains("smql::a::b"));
    assert!(section_prose(doc, 3).contains("smql::a::c"));
    assert!(has_word("`--as-of TIMESTAMP`", "--as-of"));
    assert!(!has_word("`--as-of-date`", "--as-of"));
    assert!(command_section("## `smql eval`\n--x\n## `smql test`\n", "test").is_some());
    assert!(command_section("## `smql eval`\n", "sla").is_none());
    assert_eq!(slug(" `smql check`"), "smql-check");
    assert_eq!(anchors("# A, b\n```\n# c\n```\n"), ["a-b"]);
}
