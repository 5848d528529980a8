//! Property: for random well-typed rule sets over a fixed schema (every type, optionals, lists,
//! event records) and random data (i64 extremes, -0.0, huge floats, empty and Unicode strings,
//! empty lists, missing optionals, instants near the epoch and far away), the JIT gives exactly
//! the interpreter's values (floats bit for bit), explanations and error rows.
//!
//! Rules and data are drawn from a "choice tape" of integers: each choice takes the next
//! integer modulo the number of options, so shrinking the tape toward zeros shrinks the rules
//! toward the simplest options. `SMQL_PROPTEST_CASES` sets the number of cases (default 64).

use crate::support::gen::{leads, Elem, Gen, Pools, Tape, SCHEMA};
use crate::support::jit;
use proptest::prelude::*;
use smql::data::{ChunkSize, Format, Input, Reader, StringSharing};
use smql::eval::jit::Jit;
use smql::RuleSet;

/// NDJSON leads drawn from the tape.
fn data(t: &mut Tape, rows: usize) -> String {
    let strs = [
        "",
        "a",
        "A",
        "Ab c",
        "ÉCOLE",
        "école",
        "straße",
        "STRASSE",
        "İstanbul",
        "x@Gmail.COM",
        "VP Marketing",
        "  padded  ",
        "ΣΑΣ",
        "σας",
        "visit",
        "gmail.com",
    ];
    let nums = [
        0.0, -0.0, 2.5, -1e300, 1e300, 0.1, 123.456, -7.0, 5e-324, 1e16,
    ];
    let instants = [
        0i64,
        -1,
        1,
        86_400_000,
        1_790_000_000_000,
        1_793_491_200_000,
        -62_135_596_800_000,
        253_402_300_799_999,
        253_402_214_400_000,
        -62_135_596_799_999,
        1_793_400_000_000,
    ]
    // As data writes them: a JSON integer is epoch milliseconds only with 11 to 13 digits, so
    // the instants near the epoch and the far ones (years 1 and 9999) are RFC 3339 text.
    .map(smql::time::format_timestamp);
    let pools = Pools {
        strs: &strs,
        nums: &nums,
        instants: &instants,
    };
    leads(t, rows, &pools)
}

fn run_case(rules_tape: &[u32], data_tape: &[u32]) -> Result<(), String> {
    let mut g = Gen {
        t: Tape {
            tape: rules_tape,
            pos: 0,
        },
        defs: Vec::new(),
        scores: Vec::new(),
        grades: Vec::new(),
        stage: None,
        elem: Elem::None,
    };
    let source = format!("{SCHEMA}{}", g.rules());
    let rules = RuleSet::compile_str("props.smql", &source).map_err(|e| {
        let messages: Vec<String> = e
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| {
                format!(
                    "{} (`{}`)",
                    d.message,
                    sources_text(&e.sources, d.primary.span)
                )
            })
            .collect();
        format!("generated rules do not check: {messages:#?}\n{source}")
    })?;
    let jit = Jit::compile(&rules.program).map_err(|e| format!("jit: {e}\n{source}"))?;
    let mut t = Tape {
        tape: data_tape,
        pos: 0,
    };
    let rows = 1 + t.pick(40);
    let leads = data(&mut t, rows);
    let input = Input::from_bytes("leads.ndjson", leads.clone().into_bytes(), Format::Ndjson)
        .map_err(|e| e.to_string())?;
    let size = ChunkSize {
        records: 1 + t.pick(16),
        bytes: 1 << 20,
    };
    // Read as `smql eval` reads for the JIT, taking every field the kernel may leave unshared
    // as unshared (an adaptive field is, in a batch of mostly new strings): so a field whose
    // ids a kernel compares but `string_sharing` does not call shared shows as a difference.
    let sharing: Vec<StringSharing> = jit
        .string_sharing()
        .into_iter()
        .map(|s| match s {
            StringSharing::Adaptive => StringSharing::Unshared,
            s => s,
        })
        .collect();
    let reader = Reader::sharing_strings_of(input, &rules.program.schema, size, &sharing)
        .map_err(|e| e.to_string())?;
    let (batches, rejects) = reader.read_all().map_err(|e| e.to_string())?;
    if !rejects.is_empty() {
        return Err(format!("generated data was rejected: {rejects:?}"));
    }
    for now in [1_793_491_200_000i64, 0, i64::MAX, -86_400_000] {
        for batch in &batches {
            jit::compare_batch(&rules.program, &jit, batch, now)
                .map_err(|e| format!("now {now}: {e}\n--- rules\n{source}\n--- data\n{leads}"))?;
        }
    }
    Ok(())
}

fn sources_text(sources: &smql::SourceMap, span: smql::Span) -> String {
    sources.slice(span).to_string()
}

fn cases() -> u32 {
    std::env::var("SMQL_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn jit_equals_interpreter(
        rules in prop::collection::vec(any::<u32>(), 0..2000),
        data in prop::collection::vec(any::<u32>(), 0..2000),
    ) {
        if let Err(e) = run_case(&rules, &data) {
            prop_assert!(false, "{}", e);
        }
    }
}

/// The all-zero tape (simplest choices) and a few fixed tapes always run.
#[test]
fn fixed_tapes_agree() {
    for seed in 0u32..24 {
        let rules: Vec<u32> = (0..2000u32)
            .map(|i| {
                i.wrapping_mul(2_654_435_761)
                    .wrapping_add(seed.wrapping_mul(40_503))
            })
            .collect();
        let data: Vec<u32> = (0..2000u32)
            .map(|i| i.wrapping_mul(2_246_822_519).wrapping_add(seed))
            .collect();
        if let Err(e) = run_case(&rules, &data) {
            panic!("seed {seed}: {e}");
        }
    }
    run_case(&[], &[]).unwrap_or_else(|e| panic!("{e}"));
}
