//! The JIT agrees exactly with the interpreter on the project's example and on the shared
//! reference rule set (skipped when `../shared` is missing).

use crate::support::jit;
use smql::data::{ChunkSize, Format, Input, Reader};
use smql::eval::jit::Jit;
use smql::source::SourceMap;
use smql::RuleSet;
use std::path::{Path, PathBuf};

fn compile(dir: &Path) -> RuleSet {
    let sources = SourceMap::load_paths(&[dir.to_path_buf()]).expect("the rules are readable");
    match RuleSet::compile(sources) {
        Ok(r) => r,
        Err(e) => {
            let messages: Vec<String> = e.diagnostics.iter().map(|d| d.message.clone()).collect();
            panic!("the rules do not check: {messages:#?}");
        }
    }
}

fn check_dir(dir: PathBuf) {
    let rules = compile(&dir);
    let jit = Jit::compile(&rules.program).expect("the rules compile");
    for data in ["leads.ndjson", "leads.csv"] {
        let reader =
            Reader::open(&dir.join(data), None, &rules.program.schema).expect("the data opens");
        let (batches, rejects) = reader.read_all().expect("the data reads");
        assert!(rejects.is_empty(), "{rejects:?}");
        let rows: usize = batches.iter().map(|b| b.len()).sum();
        assert!(rows > 100, "{data}: only {rows} rows");
        for now in ["2026-11-01", "2027-06-30T12:00:00Z", "1970-01-01"] {
            let now = smql::time::parse_timestamp(now).expect("a valid instant");
            for batch in &batches {
                if let Err(e) = jit::compare_batch(&rules.program, &jit, batch, now) {
                    panic!("{} {data} at {now}: {e}", dir.display());
                }
            }
        }
    }
}

#[test]
fn b2b_saas_example_agrees() {
    check_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/b2b-saas"));
}

#[test]
fn acme_reference_agrees() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/examples/acme");
    if !dir.exists() {
        eprintln!("skipped: {} is missing", dir.display());
        return;
    }
    check_dir(dir);
}

/// Rules that make more strings per batch than the memo tables have room for (two made per
/// row): tests of the made strings beyond the tables go through the runtime's own memo, and
/// every string test and `+` still agrees with the interpreter.
#[test]
fn made_strings_beyond_the_memo_tables_agree() {
    let rules = r#"
schema {
  id:    string key
  email: string
  tag:   string
}
long = (email + "/X") + tag
long_lower = lower(long)
has_x when long_lower contains "/x" and long_lower ends with tag
opening when long starts with "USER1" or long_lower starts with "user2"
any_of when long contains any ["/xA", "kelvin"]
all_of when long_lower contains all ["/x", "@host"]
free when domain(email) in ["host1.com", "host3.com"]
pair = tag + tag
"#;
    let mut sources = SourceMap::new();
    sources.add("made.smql".to_string(), rules.to_string());
    let rules = match RuleSet::compile(sources) {
        Ok(r) => r,
        Err(e) => panic!("the rules do not check: {:?}", e.diagnostics),
    };
    let mut data = String::new();
    for i in 0..6000 {
        let tag = ["a", "B", "\u{212A}elvin", "ſ"][i % 4];
        data.push_str(&format!(
            "{{\"id\":\"{i}\",\"email\":\"User{i}@Host{}.COM\",\"tag\":\"{tag}\"}}\n",
            i % 7
        ));
    }
    let input = Input::from_bytes("made.ndjson", data.into_bytes(), Format::Ndjson)
        .expect("in-memory input");
    let reader = Reader::new(input, &rules.program.schema, ChunkSize::default())
        .expect("the data fits the schema");
    let (batches, rejects) = reader.read_all().expect("in-memory input");
    assert!(rejects.is_empty(), "{rejects:?}");
    let jit = Jit::compile(&rules.program).expect("the rules compile");
    let now = smql::time::parse_timestamp("2026-11-01").expect("a valid instant");
    for batch in &batches {
        if let Err(e) = jit::compare_batch(&rules.program, &jit, batch, now) {
            panic!("{e}");
        }
    }
}
