//! Replays the committed fuzz corpus (`fuzz/corpus/TARGET/`) through the functions the fuzz
//! targets call (`smql::fuzzing`), so that a crash found and fixed stays fixed without
//! libFuzzer. See the README, "Security and limits", for running the fuzzers.

use std::path::Path;

#[test]
fn every_corpus_file_passes_its_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    for (name, target) in smql::fuzzing::TARGETS {
        let dir = root.join(name);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        assert!(!files.is_empty(), "no corpus for `{name}`");
        for f in files {
            let data = std::fs::read(&f).expect("read corpus file");
            let replay = std::panic::catch_unwind(|| target(&data));
            assert!(replay.is_ok(), "`{name}` fails on {}", f.display());
        }
    }
}

/// The readers' corpora read alike from a file mapped into memory and from memory (rows, and
/// rejects with their messages): the mapped chunker is the other way every file is read.
#[test]
fn the_reader_corpora_read_alike_mapped() {
    use smql::data::Format;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let scratch = std::env::temp_dir().join(format!("smql-corpus-mapped-{}", std::process::id()));
    for (name, format) in [
        ("read_ndjson", Format::Ndjson),
        ("read_json", Format::Json),
        ("read_csv", Format::Csv),
    ] {
        let dir = root.join(name);
        let files = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for f in files.filter_map(|e| e.ok().map(|e| e.path())) {
            let data = std::fs::read(&f).expect("read corpus file");
            let replay = std::panic::catch_unwind(|| {
                smql::fuzzing::mapped_reads_alike(&data, format, &scratch)
            });
            assert!(
                replay.is_ok(),
                "`{name}` reads differently mapped: {}",
                f.display()
            );
        }
    }
    let _ = std::fs::remove_file(&scratch);
}
