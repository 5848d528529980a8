//! What the criterion benches share: generated leads (the project's own generator, included
//! as a module), the example rule sets, and reading a whole input into batches.

#![allow(dead_code)] // each bench uses part of this

#[allow(dead_code, clippy::all)]
#[path = "../../examples/gen_leads.rs"]
mod gen_leads;

use smql::data::{Batch, ChunkSize, Format, Input, Reader};
use smql::source::SourceMap;
use smql::RuleSet;
use std::path::{Path, PathBuf};

/// 2026-11-01T00:00:00Z, the day the generated data is "as of".
pub const AS_OF: i64 = 1_793_491_200_000;

/// `n` generated leads in `format` (`Ndjson` or `Csv`), as `gen_leads N --format …` writes them.
pub fn leads(n: u64, format: Format) -> Vec<u8> {
    let format = match format {
        Format::Csv => gen_leads::Format::Csv,
        Format::Ndjson => gen_leads::Format::Ndjson,
        Format::Json => gen_leads::Format::Json,
        Format::Xlsx | Format::Parquet => panic!("the generator writes text formats only"),
    };
    let opts = gen_leads::Options {
        n,
        format,
        seed: 7,
        events: false,
    };
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = gen_leads::generate(&opts, &mut out);
    out
}

pub fn manifest_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// The sources of a rule set: one `.smql` file, or every `.smql` file of a directory.
pub fn sources(relative: &str) -> SourceMap {
    let path = manifest_path(relative);
    let mut files: Vec<PathBuf> = if path.is_dir() {
        std::fs::read_dir(&path)
            .map(|dir| dir.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default()
    } else {
        vec![path]
    };
    files.retain(|p| p.extension().is_some_and(|e| e == "smql"));
    files.sort();
    let mut map = SourceMap::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        map.add(file.display().to_string(), text);
    }
    map
}

/// The checked rule set at `relative` (panics with the diagnostics if it does not check: a
/// broken bench, not a user error).
pub fn rules(relative: &str) -> RuleSet {
    match RuleSet::compile(sources(relative)) {
        Ok(rules) => rules,
        Err(e) => panic!("{relative} does not check: {:?}", e.diagnostics),
    }
}

/// Every batch of `data` read with `rules`' schema.
pub fn batches(rules: &RuleSet, name: &str, data: Vec<u8>, format: Format) -> Vec<Batch> {
    let input = Input::from_bytes(name, data, format).expect("in-memory input");
    let reader = Reader::new(input, &rules.program.schema, ChunkSize::default())
        .expect("generated data fits the example schema");
    let (batches, rejects) = reader.read_all().expect("in-memory input");
    assert!(
        rejects.is_empty(),
        "generated leads were rejected: {rejects:?}"
    );
    batches
}
