//! Property tests: over generated rule sets, written with random spacing, line breaks and
//! comments wherever the grammar allows them, and over the examples with their spacing mangled.
//! parse(fmt(x)) == parse(x), fmt(fmt(x)) == fmt(x), comments(fmt(x)) == comments(x).

mod generate;

use super::trivia::comment_texts;
use super::*;
use crate::syntax::lexer::{tokenize, TokenKind};
use generate::{decl, write_file, Rng};
use proptest::prelude::*;

fn parse(text: &str) -> crate::syntax::ast::File {
    let mut sources = SourceMap::new();
    let id = sources.add("t", text);
    let (file, diags) = parse_file(&sources, id);
    assert!(
        diags.is_empty(),
        "{:?}\n{text}",
        diags.first().map(|d| &d.message)
    );
    file
}

/// Every property at once, on one input that parses.
fn check_all(text: &str) -> Result<String, TestCaseError> {
    let input = parse(text);
    let out = format_text(text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
    prop_assert!(
        same_ignoring_spans(&input, &parse(&out)),
        "{text}\n----\n{out}"
    );
    prop_assert_eq!(comment_texts(text), comment_texts(&out));
    let again = format_text(&out).map_err(|e| TestCaseError::fail(format!("{e}\n{out}")))?;
    prop_assert_eq!(&again, &out, "not idempotent:\n{}", text);
    Ok(out)
}

/// Changes the spacing between tokens (and the indentation) and adds blank lines where there
/// is one already, and blanks at the ends of lines: all of what the formatter must undo.
fn mangle_spacing(text: &str, seed: u64) -> String {
    let mut rng = Rng(seed);
    let mut out = String::new();
    let tokens = tokenize(text);
    for (i, t) in tokens.iter().enumerate() {
        let s = t.text(text);
        match t.kind {
            TokenKind::Space => out.push_str(rng.pick(&[" ", "  ", "\t", " \t "])),
            TokenKind::Newline => {
                if rng.one_in(3) {
                    out.push_str(rng.pick(&[" ", "\t"]));
                }
                out.push('\n');
                let blank_next = tokens
                    .get(i + 1)
                    .is_some_and(|n| n.kind == TokenKind::Newline);
                if blank_next && rng.one_in(2) {
                    out.push_str("\n \n");
                }
            }
            _ => out.push_str(s),
        }
    }
    out
}

fn examples() -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let sources = SourceMap::load_paths(&[root]).unwrap_or_default();
    sources.files().map(|(_, f)| f.text.clone()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn generated_rule_sets(decls in prop::collection::vec(decl(), 1..6), seed in any::<u64>()) {
        let text = write_file(&decls, seed);
        check_all(&text)?;
    }

    #[test]
    fn generated_rule_sets_with_mangled_spacing(
        decls in prop::collection::vec(decl(), 1..6),
        seed in any::<u64>(),
    ) {
        let text = mangle_spacing(&write_file(&decls, seed), seed ^ 1);
        check_all(&text)?;
    }

}

proptest! {
    // Each case formats a whole example file, twice: fewer cases.
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn mangled_examples_format_back(file in 0usize..16, seed in any::<u64>()) {
        let texts = examples();
        prop_assume!(!texts.is_empty());
        let canonical = &texts[file % texts.len()];
        let mangled = mangle_spacing(canonical, seed);
        let out = check_all(&mangled)?;
        prop_assert_eq!(&out, canonical);
    }
}

/// Pieces that the grammar treats subtly, for random edits of the examples.
const PIECES: &[&str] = &[
    "\n",
    "\n\n",
    " and ",
    " or ",
    "not ",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "#",
    "## d\n",
    "# c\n",
    "->",
    ",",
    "??",
    " is present",
    " where ",
    "it.",
    "+10 when ",
    " per ",
    " up to ",
    "1_000",
    "95%",
    "30d",
    "\t",
    "  ",
    " ",
    "\"s\"",
    "- ",
    "x",
    "\r\n",
    "# smql: allow(x)\n",
];

fn edit(text: &str, edits: &[(prop::sample::Index, usize, usize)]) -> String {
    let mut text = text.to_string();
    for (at, piece, delete) in edits {
        let mut i = at.index(text.len() + 1);
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        let mut j = (i + delete % 3).min(text.len());
        while !text.is_char_boundary(j) {
            j += 1;
        }
        text.replace_range(i..j, PIECES[piece % PIECES.len()]);
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 32,
        max_global_rejects: 1 << 16,
        ..ProptestConfig::default()
    })]

    /// Edited examples that still parse are formatted soundly: the edits put comments, line
    /// breaks and brackets where no generator would.
    #[test]
    fn edited_examples_that_parse(
        file in 0usize..16,
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<usize>(), any::<usize>()), 1..4),
    ) {
        let texts = examples();
        prop_assume!(!texts.is_empty());
        let text = edit(&texts[file % texts.len()], &edits);
        let mut sources = SourceMap::new();
        let id = sources.add("t", text.as_str());
        let (_, diags) = parse_file(&sources, id);
        prop_assume!(diags.is_empty());
        check_all(&text)?;
    }
}
