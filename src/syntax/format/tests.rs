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

#[test]
fn the_examples_are_canonical() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let sources = SourceMap::load_paths(&[root]).unwrap();
    assert!(sources.files().count() >= 5);
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
