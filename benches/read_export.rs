//! What an `input` block costs the reader: the same leads as a canonical CSV file (RFC 3339 in
//! UTC, plain numbers, empty cells) and as a CRM export (`;`-separated, `1/23/2023 12:00 AM` in
//! a time zone, `$1.200.000,50`, `null` for nothing, stray spaces in the header, a footer),
//! each read with its rules on one thread. The export is meant to stay within 10% of the
//! canonical file's time.
//!
//! `cargo bench --bench read_export`

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use smql::data::{ChunkSize, Format, Input, Reader};
use smql::ir::Schema;
use std::time::Duration;

const LEADS: usize = 50_000;

const SCHEMA: &str = r#"schema {
  id:            string     key
  email:         string
  created:       timestamp
  last_activity: timestamp?
  revenue:       number?
  visits:        int
  source:        string
  score:         int?
}
"#;

const INPUT: &str = r#"input {
  time zone  "America/Los_Angeles"
  timestamps "%m/%d/%Y %I:%M %p"
  missing    "null"
  numbers    "1.234,56"
  currency   "$"
  footer     "Grand Totals"
}
"#;

fn schema(text: &str) -> Schema {
    let mut sources = smql::source::SourceMap::new();
    sources.add("bench.smql", text);
    let checked = smql::check::check(&sources);
    checked.program.expect("the bench rules check").schema
}

/// The same leads twice: `(canonical, export)`.
fn leads(n: usize) -> (Vec<u8>, Vec<u8>) {
    let tz = jiff::tz::TimeZone::get("America/Los_Angeles").expect("bundled zone");
    let mut canonical =
        String::from("id,email,created,last_activity,revenue,visits,source,score\n");
    let mut export =
        String::from(" id ; email ;created;last_activity; revenue ;visits;source;score\n");
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |m: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % m
    };
    for i in 0..n {
        let minutes = 27_000_000 + next(3_000_000) as i64; // 2021–2026, to the minute
        let local = |m: i64| {
            let ts = jiff::Timestamp::from_second(m * 60).expect("in range");
            let zoned = ts.to_zoned_datetime(tz.clone());
            // The instant the local text reads back as: in the hour that repeats when clocks
            // go back, a wall-clock time without an offset is the earlier of its two instants.
            let back = (tz.to_ambiguous_timestamp(zoned.datetime()).compatible()).unwrap_or(ts);
            (
                back.to_string(),
                jiff::fmt::strtime::format("%-m/%-d/%Y %-I:%M %p", &zoned).expect("formats"),
            )
        };
        let (created, created_local) = local(minutes);
        let last = (next(4) != 0).then(|| local(minutes + next(100_000) as i64));
        // Whole cents divided once, so that the canonical file's shortest text of the number and
        // the export's cents are the same decimal (`x / 100.0 + 1000.0` is not always).
        let revenue = (next(3) != 0).then(|| (next(500_000_000) + 100_000) as f64 / 100.0);
        let score = (next(3) != 0).then(|| next(100));
        let visits = next(40);
        let source = ["Web", "Trade Show", "Partner", "Referral"][next(4) as usize];
        let (last_c, last_e) = last.unwrap_or_default();
        let revenue_c = revenue.map(|r| r.to_string()).unwrap_or_default();
        let revenue_e = revenue.map_or("null".to_string(), |r| {
            let cents = (r * 100.0).round() as u64;
            let whole = (cents / 100).to_string();
            let mut grouped = String::new();
            for (k, c) in whole.chars().enumerate() {
                if k > 0 && (whole.len() - k).is_multiple_of(3) {
                    grouped.push('.');
                }
                grouped.push(c);
            }
            format!("${grouped},{:02}", cents % 100)
        });
        let score_c = score.map(|s| s.to_string()).unwrap_or_default();
        let score_e = score.map_or("null".to_string(), |s| s.to_string());
        let last_e = if last_e.is_empty() {
            "null".to_string()
        } else {
            last_e
        };
        canonical.push_str(&format!(
            "L{i:07},lead{i}@acme.com,{created},{last_c},{revenue_c},{visits},{source},{score_c}\n"
        ));
        export.push_str(&format!(
            "L{i:07};lead{i}@acme.com;{created_local};{last_e};{revenue_e};{visits};{source};{score_e}\n"
        ));
    }
    export.push_str("\nGrand Totals (all records)\nConfidential Information - Do Not Distribute\n");
    (canonical.into_bytes(), export.into_bytes())
}

fn read(schema: &Schema, data: &[u8]) -> Vec<smql::data::Batch> {
    let input = Input::from_bytes("leads.csv", data.to_vec(), Format::Csv).expect("input");
    let reader = Reader::new(input, schema, ChunkSize::default()).expect("the header fits");
    let (batches, rejects) = reader.read_all().expect("reads");
    assert!(rejects.is_empty(), "{:?}", rejects.first());
    batches
}

fn bench_export(c: &mut Criterion) {
    let plain = schema(SCHEMA);
    let with_input = schema(&format!("{INPUT}\n{SCHEMA}"));
    let (canonical, export) = leads(LEADS);
    // Apples to apples: both files hold the same values.
    let (a, b) = (read(&plain, &canonical), read(&with_input, &export));
    let values = |bs: &[smql::data::Batch]| {
        bs.iter()
            .flat_map(|b| (0..b.len()).map(|r| b.lead(r)).collect::<Vec<_>>())
            .collect::<Vec<_>>()
    };
    assert_eq!(values(&a), values(&b), "the two files differ");
    let mut group = c.benchmark_group("read_export");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    for (name, schema, data) in [
        ("canonical", &plain, &canonical),
        ("export", &with_input, &export),
    ] {
        group.throughput(Throughput::Elements(LEADS as u64));
        group.bench_function(BenchmarkId::new("csv", name), |bench| {
            bench.iter(|| read(schema, data).len())
        });
    }
    group.finish();
}

criterion_group!(benches, bench_export);
criterion_main!(benches);
