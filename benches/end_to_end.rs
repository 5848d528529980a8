//! End to end through the real binary: `smql eval benches/bench.smql leads.{ndjson,csv}
//! --as-of 2026-11-01 -o out.csv` on generated leads written to a temporary directory (the
//! file is in the page cache, as in `benches/duckdb_compare.sh`).
//!
//! `cargo bench --bench end_to_end`

mod common;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use smql::data::Format;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const LEADS: u64 = 200_000;

fn eval(data: &Path, out: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_smql"))
        .arg("eval")
        .arg(common::manifest_path("benches/bench.smql"))
        .arg(data)
        .args(["--as-of", "2026-11-01", "--quiet", "-o"])
        .arg(out)
        .status()
        .expect("smql runs");
    assert!(status.success(), "smql eval failed on {}", data.display());
}

fn bench_end_to_end(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("smql-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary directory");
    let mut group = c.benchmark_group("end_to_end");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10));
    for (name, format) in [("ndjson", Format::Ndjson), ("csv", Format::Csv)] {
        let data = dir.join(format!("leads.{name}"));
        let bytes = common::leads(LEADS, format);
        std::fs::write(&data, &bytes).expect("write the data");
        let out = dir.join("out.csv");
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(BenchmarkId::new("bench.smql", name), |b| {
            b.iter(|| eval(&data, &out))
        });
    }
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench_end_to_end);
criterion_main!(benches);
