//! `smql doc` through the real binary: the glossary of `examples/b2b-saas` in Markdown and HTML
//! (snapshots), every link finding its anchor, user text escaped in HTML, and
//! `--check-undocumented`.

use crate::support::{smql_in, text};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `smql doc ARGS…` run in the repository, so the files are named as relative paths (as they
/// would be in CI); its stdout, after checking that it exits 0.
fn doc(args: &[&str]) -> String {
    let mut all = vec!["doc"];
    all.extend_from_slice(args);
    let out = smql_in(root(), &all);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    text(&out.stdout)
}

/// Every `(#…)` target of a Markdown link, and every `id="…"` of the explicit anchors.
fn markdown_links(md: &str) -> (Vec<String>, Vec<String>) {
    (between(md, "](#", ")"), between(md, "<a id=\"", "\""))
}

/// The texts between each `open` and the next `close`.
fn between(text: &str, open: &str, close: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(open) {
        rest = &rest[i + open.len()..];
        let end = rest.find(close).unwrap_or(rest.len());
        out.push(rest[..end].to_string());
        rest = &rest[end..];
    }
    out
}

fn assert_links_resolve(targets: &[String], anchors: &[String], what: &str) {
    let set: HashSet<&String> = anchors.iter().collect();
    assert_eq!(
        set.len(),
        anchors.len(),
        "{what}: an anchor is defined twice"
    );
    let missing: Vec<&String> = targets.iter().filter(|t| !set.contains(t)).collect();
    assert!(
        missing.is_empty(),
        "{what}: links to no anchor: {missing:?}"
    );
    assert!(targets.len() > 100, "{what}: only {} links", targets.len());
}

#[test]
fn markdown_glossary_of_the_example() {
    insta::assert_snapshot!("b2b_saas_markdown", doc(&["examples/b2b-saas"]));
}

#[test]
fn html_glossary_of_the_example() {
    insta::assert_snapshot!("b2b_saas_html", doc(&["--html", "examples/b2b-saas"]));
}

#[test]
fn every_markdown_link_finds_its_anchor() {
    let md = doc(&["examples/b2b-saas"]);
    let (targets, anchors) = markdown_links(&md);
    assert_links_resolve(&targets, &anchors, "markdown");
    for expected in [
        "definition-work_email",
        "stage-mql",
        "score-engagement",
        "field-email",
    ] {
        assert!(anchors.iter().any(|a| a == expected), "no `#{expected}`");
    }
}

#[test]
fn every_html_link_finds_its_anchor() {
    let html = doc(&["--html", "examples/b2b-saas"]);
    let targets = between(&html, "href=\"#", "\"");
    let anchors = between(&html, " id=\"", "\"");
    assert_links_resolve(&targets, &anchors, "html");
}

#[test]
fn anchors_do_not_depend_on_the_order_of_the_files() {
    let dir = "examples/b2b-saas";
    let files =
        ["tests", "slas", "scoring", "schema", "lifecycle"].map(|f| format!("{dir}/{f}.smql"));
    let mut args: Vec<&str> = files.iter().map(String::as_str).collect();
    let reversed = doc(&args);
    args.reverse();
    let sorted = doc(&args);
    assert_eq!(markdown_links(&reversed), markdown_links(&sorted));
    // Only the list of files in the first paragraph differs.
    let body = |md: &str| md.lines().skip(3).collect::<Vec<_>>().join("\n");
    assert_eq!(body(&reversed), body(&sorted));
}

#[test]
fn html_escapes_user_text() {
    let html = doc(&["--html", "tests/fixtures/doc/escaping.smql"]);
    for raw in ["<script", "<u>", "<i>", "<b>", "\"W\""] {
        assert!(!html.contains(raw), "`{raw}` is in the page unescaped");
    }
    for escaped in [
        "&lt;script&gt;alert(&quot;doc&quot;)&lt;/script&gt; &amp; 'quotes' <code>&lt;code&gt;</code>",
        "A &lt;u&gt;field&lt;/u&gt; &amp; its &quot;column&quot;.",
        "<strong>&lt;i&gt;grouped&lt;/i&gt;</strong>",
        "<h3>&lt;b&gt;&quot;Calls&quot;&lt;/b&gt; &amp; more</h3>",
        "<code>&lt;V &amp; &quot;W&quot;&gt;</code>",
    ] {
        assert!(html.contains(escaped), "no `{escaped}` in the page");
    }
    assert!(html.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
    ));
    for external in [
        "<script", "src=", "http:", "https:", "@import", "url(", "<link",
    ] {
        assert!(!html.contains(external), "`{external}` in the page");
    }
    // Markdown escapes it too, but for the doc text, which is Markdown.
    let md = doc(&["tests/fixtures/doc/escaping.smql"]);
    assert!(md.contains("\\<b\\>\"Calls\"\\</b\\> \\& more"), "{md}");
}

#[test]
fn check_undocumented_lists_exactly_what_lacks_a_doc_comment() {
    let out = smql_in(
        root(),
        &[
            "doc",
            "--check-undocumented",
            "tests/fixtures/doc/undocumented",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let file = "tests/fixtures/doc/undocumented/rules.smql";
    let expected: String = [
        "11: stage `SQL`",
        "13: detour `Junk`",
        "15: definition `senior`",
        "22: score `fit`",
        "26: grade `band`",
    ]
    .iter()
    .map(|l| format!("{file}:{l} has no doc comment\n"))
    .collect();
    assert_eq!(text(&out.stdout), expected);
    assert!(text(&out.stderr).contains("5 declarations have no doc comment"));
}

#[test]
fn check_undocumented_passes_when_all_is_documented() {
    let out = smql_in(
        root(),
        &[
            "doc",
            "--check-undocumented",
            "tests/fixtures/doc/escaping.smql",
        ],
    );
    // `heat` has no doc comment: document it in a copy.
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        "tests/fixtures/doc/escaping.smql:11: score `heat` has no doc comment\n"
    );
    let dir = scratch("documented");
    let source = std::fs::read_to_string(root().join("tests/fixtures/doc/escaping.smql"))
        .expect("read the fixture");
    let file = dir.join("rules.smql");
    std::fs::write(&file, source.replace("score heat", "## Heat.\nscore heat"))
        .expect("write the copy");
    let path = file.display().to_string();
    let out = smql_in(root(), &["doc", "--check-undocumented", &path]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn output_file_and_usage_errors() {
    let dir = scratch("output");
    let page = dir.join("glossary.html");
    let path = page.display().to_string();
    let out = smql_in(root(), &["doc", "--html", "-o", &path, "examples/b2b-saas"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    let written = std::fs::read_to_string(&page).expect("the page is written");
    assert!(written.starts_with("<!DOCTYPE html>"));
    let both = smql_in(
        root(),
        &["doc", "--html", "--check-undocumented", "examples/b2b-saas"],
    );
    assert_eq!(both.status.code(), Some(2));
    let missing = smql_in(root(), &["doc", "no/such/rules"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("cannot read `no/such/rules`"));
    let _ = std::fs::remove_dir_all(dir);
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("smql-doc-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}
