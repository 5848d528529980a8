//! `smql diff` through the real binary: its counts agree with two `smql eval` runs of the two
//! versions, layout-only edits are no change, the CI gate, the formats, and `--base REV` on a
//! temporary git repository.

use crate::support::{smql, smql_in, text};
use serde_json::Value as Json;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn example(name: &str) -> String {
    root().join("examples").join(name).display().to_string()
}

fn leads() -> String {
    root()
        .join("examples/b2b-saas/leads.ndjson")
        .display()
        .to_string()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("smql-diff-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

fn diff_json(args: &[&str]) -> Json {
    let out = smql(args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("diff --format json is JSON")
}

/// `id → row` of `smql eval … --select id,COLUMNS --format ndjson`.
fn eval_rows(rules: &str, columns: &str) -> HashMap<String, Json> {
    let select = format!("id,{columns}");
    let out = smql(&[
        "eval",
        rules,
        &leads(),
        "--as-of",
        "2026-11-01",
        "--select",
        &select,
        "--format",
        "ndjson",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    text(&out.stdout)
        .lines()
        .map(|l| {
            let row: Json = serde_json::from_str(l).expect("an NDJSON row");
            (row["id"].as_str().expect("an id").to_string(), row)
        })
        .collect()
}

#[test]
fn counts_agree_with_two_evals() {
    let (old, new) = (example("b2b-saas"), example("b2b-saas-next"));
    let d = diff_json(&[
        "diff",
        &old,
        &new,
        &leads(),
        "--as-of",
        "2026-11-01",
        "--format",
        "json",
    ]);
    let columns = "stage,engagement,fit_grade,MQL";
    let (a, b) = (eval_rows(&old, columns), eval_rows(&new, columns));
    assert_eq!(d["records"], a.len());
    // Recomputed from the two evals: stage transitions, MQL flips, engagement rises.
    let mut stage: HashMap<(String, String), u64> = HashMap::new();
    let (mut became_true, mut rose, mut changed) = (0u64, 0u64, 0u64);
    let mut max_rise = 0f64;
    for (id, x) in &a {
        let y = &b[id];
        let s = |r: &Json| {
            r["stage"]
                .as_str()
                .map_or("null".to_string(), str::to_string)
        };
        *stage.entry((s(x), s(y))).or_insert(0) += 1;
        if x["MQL"] == false && y["MQL"] == true {
            became_true += 1;
        }
        let (e0, e1) = (
            x["engagement"].as_f64().unwrap(),
            y["engagement"].as_f64().unwrap(),
        );
        if e1 > e0 {
            rose += 1;
            max_rise = max_rise.max(e1 - e0);
        }
        if x != y {
            changed += 1;
        }
    }
    for entry in d["stage"].as_array().expect("a stage matrix") {
        let from = entry["from"].as_str().unwrap_or("null").to_string();
        let to = entry["to"].as_str().unwrap_or("null").to_string();
        assert_eq!(
            entry["count"],
            stage[&(from.clone(), to.clone())],
            "{from} → {to}"
        );
    }
    assert_eq!(d["stage"].as_array().unwrap().len(), stage.len());
    assert_eq!(d["definitions"]["MQL"]["became_true"], became_true);
    assert!(became_true > 0, "the example change makes new MQLs");
    assert_eq!(d["scores"]["engagement"]["rose"], rose);
    assert_eq!(
        d["scores"]["engagement"]["max_change"].as_f64().unwrap(),
        max_rise
    );
    // `changed` counts every output; the four selected ones are a lower bound.
    assert!(d["changed"].as_u64().unwrap() >= changed);
    let rules: Vec<&str> = d["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert!(
        rules.contains(&"MQL") && rules.contains(&"engagement"),
        "{rules:?}"
    );
    let examples = d["examples"].as_array().unwrap();
    assert_eq!(examples.len(), 10);
    let why = examples[0]["why"].as_array().unwrap();
    assert!(
        why.iter()
            .any(|w| w.as_str().unwrap().contains("+25 when pricing_interest")),
        "{why:?}"
    );
}

#[test]
fn a_layout_only_edit_changes_nothing() {
    let dir = scratch("layout");
    let src = root().join("examples/b2b-saas");
    for f in std::fs::read_dir(&src).unwrap() {
        let p = f.unwrap().path();
        if p.extension().is_some_and(|e| e == "smql") {
            let t = std::fs::read_to_string(&p).unwrap();
            // Wider spacing, a comment, and a blank line: layout only.
            let t = t
                .replace(" when ", "  when  ")
                .replace("\n}\n", "\n}\n\n# note\n");
            std::fs::write(dir.join(p.file_name().unwrap()), t).unwrap();
        }
    }
    let d = diff_json(&[
        "diff",
        &example("b2b-saas"),
        dir.to_str().unwrap(),
        &leads(),
        "--as-of",
        "2026-11-01",
        "--format",
        "json",
    ]);
    assert_eq!(d["changed"], 0);
    assert_eq!(d["rules"].as_array().unwrap().len(), 0, "{}", d["rules"]);
    assert_eq!(d["examples"].as_array().unwrap().len(), 0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_ci_gate_and_the_formats() {
    let (old, new, data) = (example("b2b-saas"), example("b2b-saas-next"), leads());
    let run = |extra: &[&str]| {
        let mut args = vec!["diff", &old, &new, &data, "--as-of", "2026-11-01"];
        args.extend_from_slice(extra);
        smql(&args)
    };
    // 73 of 1,000 records change stage in the example.
    assert_eq!(run(&["--fail-if-changed", "5"]).status.code(), Some(1));
    assert_eq!(run(&["--fail-if-changed", "10%"]).status.code(), Some(0));
    assert_eq!(run(&["--fail-if-changed", "150"]).status.code(), Some(2));
    let md = text(&run(&["--format", "markdown"]).stdout);
    assert!(md.starts_with("**smql diff**: "), "{md}");
    assert!(
        md.contains("| old \\ new |") && md.contains("<details>"),
        "{md}"
    );
    let human = text(&run(&[]).stdout);
    assert!(human.contains("stage (old → new)"), "{human}");
    let wrong = run(&["extra.csv"]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(
        text(&wrong.stderr).contains("takes OLD NEW DATA"),
        "{}",
        text(&wrong.stderr)
    );
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", text(&out.stderr));
}

#[test]
fn base_reads_the_old_rules_from_git() {
    if Command::new("git").arg("--version").output().is_err() {
        assert!(std::env::var("CI").is_err(), "git is needed under CI");
        eprintln!("skipped: git is not installed");
        return;
    }
    let repo = scratch("git");
    let rules = repo.join("rules");
    std::fs::create_dir_all(rules.join("sub")).unwrap();
    let copy = |from: &str, to: &Path| {
        for f in std::fs::read_dir(root().join("examples").join(from)).unwrap() {
            let p = f.unwrap().path();
            if p.extension().is_some_and(|e| e == "smql") {
                std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
            }
        }
    };
    copy("b2b-saas", &rules);
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "v1"]);
    copy("b2b-saas-next", &rules);
    git(&repo, &["commit", "-q", "-am", "v2"]);
    std::fs::write(
        rules.join("scoring.smql"),
        std::fs::read_to_string(rules.join("scoring.smql"))
            .unwrap()
            .replace("+8   when api_curious", "+9   when api_curious"),
    )
    .unwrap();

    // From a subdirectory, with paths relative to it; the working tree is not touched.
    let before = std::fs::read_to_string(rules.join("scoring.smql")).unwrap();
    let out = smql_in(
        &rules.join("sub"),
        &[
            "diff",
            "--base",
            "HEAD~1",
            "..",
            &leads(),
            "--as-of",
            "2026-11-01",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let d: Json = serde_json::from_slice(&out.stdout).unwrap();
    assert!(d["definitions"]["MQL"]["became_true"].as_u64().unwrap() > 0);
    assert_eq!(
        std::fs::read_to_string(rules.join("scoring.smql")).unwrap(),
        before
    );
    let text_of = |rev: &str| {
        let out = smql_in(
            &repo,
            &[
                "diff",
                "--base",
                rev,
                "rules",
                &leads(),
                "--format",
                "json",
                "--as-of",
                "2026-11-01",
            ],
        );
        (out.status.code(), text(&out.stdout), text(&out.stderr))
    };
    // HEAD differs from the working tree only by the uncommitted +9.
    let (code, json, _) = text_of("HEAD");
    assert_eq!(code, Some(0));
    let d: Json = serde_json::from_str(&json).unwrap();
    let names: Vec<&str> = d["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["engagement"]);

    let (code, _, err) = text_of("no-such-rev");
    assert_eq!(code, Some(2));
    assert!(err.contains("`no-such-rev` is not a revision"), "{err}");

    // The repository is the one that holds the rules, wherever smql runs from; rules outside
    // any repository are an error.
    let (code, _, _) = {
        let out = smql_in(
            &std::env::temp_dir(),
            &[
                "diff",
                "--base",
                "HEAD",
                rules.to_str().unwrap(),
                &leads(),
                "--format",
                "json",
                "--as-of",
                "2026-11-01",
            ],
        );
        (out.status.code(), (), ())
    };
    assert_eq!(code, Some(0));
    let outside = scratch("outside");
    copy("b2b-saas", &outside);
    let out = smql_in(&outside, &["diff", "--base", "HEAD", ".", &leads()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("not inside a git repository"),
        "{}",
        text(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&repo);
    let _ = std::fs::remove_dir_all(&outside);
}
