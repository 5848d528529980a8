//! Rule files a user may write by accident (truncated, mangled, half-edited) never panic the
//! parser, checker or lints, and every diagnostic points inside its file. A seeded mutation
//! fuzzer over the example rule set; `SMQL_FUZZ_CASES` runs longer locally.

use smql::source::SourceMap;
use std::path::PathBuf;

/// SplitMix64: small, seeded, reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Fragments that stress the grammar where it is subtle.
const PIECES: &[&str] = &[
    "\n",
    " and ",
    " or ",
    "not ",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "\"",
    "\\",
    "#",
    "##",
    "->",
    ",",
    "??",
    " is present",
    " is missing",
    " where ",
    "it.",
    "lead.",
    "+10 when ",
    "per ",
    " up to ",
    "1_000",
    "95%",
    "30d",
    "9999999999999999999999",
    "date(\"2026-02-30\")",
    "matches \"(\"",
    "é",
    "𝔘",
    "\u{0}",
    "\t",
    "stages A -> B",
    "score",
    "grade",
    "sla",
    "test",
    "given",
    "expect",
];

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(chars.len() + 1);
        match rng.below(5) {
            0 if !chars.is_empty() => {
                let end = (at + 1 + rng.below(40)).min(chars.len());
                chars.drain(at.min(end)..end);
            }
            1 => chars.truncate(at),
            2 => {
                let piece = PIECES[rng.below(PIECES.len())];
                chars.splice(at..at, piece.chars());
            }
            3 if !chars.is_empty() => {
                // Duplicate a line-sized slice somewhere else.
                let from = rng.below(chars.len());
                let slice: Vec<char> = chars[from..(from + 60).min(chars.len())].to_vec();
                chars.splice(at.min(chars.len())..at.min(chars.len()), slice);
            }
            _ => {
                let piece = PIECES[rng.below(PIECES.len())];
                let end = (at + piece.chars().count()).min(chars.len());
                chars.splice(at..end, piece.chars());
            }
        }
    }
    chars.into_iter().collect()
}

#[test]
fn mangled_rule_files_never_panic_and_spans_stay_in_bounds() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/b2b-saas");
    let mut originals = Vec::new();
    for name in [
        "schema.smql",
        "scoring.smql",
        "lifecycle.smql",
        "slas.smql",
        "tests.smql",
    ] {
        originals.push((
            name,
            std::fs::read_to_string(dir.join(name)).expect("example file"),
        ));
    }
    let cases: usize = std::env::var("SMQL_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150);
    let mut rng = Rng(0x5EED);
    for case in 0..cases {
        let victim = rng.below(originals.len());
        let mut sources = SourceMap::new();
        let mut mangled = String::new();
        for (i, (name, text)) in originals.iter().enumerate() {
            if i == victim {
                mangled = mutate(&mut rng, text);
                sources.add(*name, mangled.clone());
            } else {
                sources.add(*name, text.clone());
            }
        }
        let checked = std::panic::catch_unwind(|| smql::check::check(&sources));
        let Ok(checked) = checked else {
            panic!(
                "case {case}: check panicked on this `{}`:\n{mangled}",
                originals[victim].0
            );
        };
        for d in checked.diagnostics.iter() {
            for span in std::iter::once(d.primary.span).chain(d.secondary.iter().map(|l| l.span)) {
                let len = sources.file(span.file).text.len();
                assert!(
                    span.start <= span.end && span.end as usize <= len,
                    "case {case}: span {span:?} outside the file ({len} bytes): {}",
                    d.message
                );
            }
            assert!(
                !d.message.is_empty() && !d.message.contains("Rule::"),
                "case {case}: {}",
                d.message
            );
            // Rendering must not panic either.
            let _ = smql::diag::render(d, &sources, false, 80);
        }
    }
}
