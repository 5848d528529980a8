//! The pull-request workflow of `examples/ci/smql.yml`, run as GitHub would run its `smql` steps
//! (not GitHub itself): on a temporary repository whose `main` holds the example rules and whose
//! branch holds their next version, every `run: smql …` line of the workflow passes, and the
//! diff it writes for the pull-request comment shows the change.

use crate::support::{smql_in, text};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", text(&out.stderr));
}

/// Copies the `.smql` files of `examples/NAME` into `to` (links followed).
fn copy_rules(name: &str, to: &Path) {
    for f in std::fs::read_dir(root().join("examples").join(name)).expect("the example") {
        let p = f.expect("an entry").path();
        if p.extension().is_some_and(|e| e == "smql") {
            std::fs::copy(&p, to.join(p.file_name().expect("a name"))).expect("copy");
        }
    }
}

/// The words of a `run:` line, as a shell would split them (double quotes only), with the
/// workflow's variables given the values they have for a pull request into `main`.
fn words(line: &str) -> Vec<String> {
    let line = line.replace("\"$BASE\"", "main");
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

#[test]
fn the_workflow_steps_pass_on_a_pull_request() {
    if Command::new("git").arg("--version").output().is_err() {
        assert!(std::env::var("CI").is_err(), "git is needed under CI");
        eprintln!("skipped: git is not installed");
        return;
    }
    let workflow =
        std::fs::read_to_string(root().join("examples/ci/smql.yml")).expect("the workflow");
    let steps: Vec<Vec<String>> = workflow
        .lines()
        .filter_map(|l| l.trim().strip_prefix("run: smql "))
        .map(words)
        .collect();
    assert_eq!(steps.len(), 4, "fmt, check, test and diff: {steps:?}");

    let repo = std::env::temp_dir().join(format!("smql-workflow-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&repo);
    std::fs::create_dir_all(repo.join("rules")).expect("a rules directory");
    std::fs::create_dir_all(repo.join("sample")).expect("a sample directory");
    std::fs::copy(
        root().join("examples/b2b-saas/leads.csv"),
        repo.join("sample/leads.csv"),
    )
    .expect("the sample leads");
    copy_rules("b2b-saas", &repo.join("rules"));
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "the rules as agreed"]);
    git(&repo, &["checkout", "-q", "-b", "lower-mql-threshold"]);
    copy_rules("b2b-saas-next", &repo.join("rules"));
    git(
        &repo,
        &[
            "commit",
            "-q",
            "-am",
            "MQL from 25 points, +8 for API readers",
        ],
    );

    for step in &steps {
        let args: Vec<&str> = step.iter().map(String::as_str).collect();
        let out = smql_in(&repo, &args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "smql {}\n{}{}",
            args.join(" "),
            text(&out.stdout),
            text(&out.stderr)
        );
    }
    let comment =
        std::fs::read_to_string(repo.join("smql-diff.md")).expect("the diff for the comment");
    assert!(comment.starts_with("**smql diff**: "), "{comment}");
    assert!(comment.contains("changed definition `MQL`"), "{comment}");
    assert!(
        comment.contains("+ MQL when work_email and engagement >= 25"),
        "{comment}"
    );
    assert!(comment.contains("<details>"), "{comment}");

    // A layout-only commit on top is no rule change, and `fmt --check` catches a messy one.
    let scoring = repo.join("rules/scoring.smql");
    let messy = std::fs::read_to_string(&scoring)
        .expect("readable")
        .replace("+25  when", "+25 when");
    std::fs::write(&scoring, messy).expect("writable");
    let fmt: Vec<&str> = steps[0].iter().map(String::as_str).collect();
    assert_eq!(smql_in(&repo, &fmt).status.code(), Some(1));
    let _ = std::fs::remove_dir_all(&repo);
}
