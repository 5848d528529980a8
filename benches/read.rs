//! Reader throughput (MB/s) on generated leads held in memory: NDJSON and CSV, read with the
//! schema of `benches/bench.smql` (13 of the generator's 25 fields) and of `examples/b2b-saas`
//! (all of them), on one thread and through the pipeline with two workers.
//!
//! `cargo bench --bench read` (add `-- ndjson` to run a subset).

mod common;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use smql::data::{ChunkSize, Format, Input, Reader};
use smql::ir::Schema;
use smql::pipeline::{run, Config, Flow, OnError, Processed};
use std::time::Duration;

const LEADS: u64 = 50_000;

fn reader(schema: &Schema, data: &[u8], format: Format) -> Reader {
    let input = Input::from_bytes("leads", data.to_vec(), format).expect("in-memory input");
    Reader::new(input, schema, ChunkSize::default()).expect("the header fits the schema")
}

/// Reads, splits and decodes on the calling thread; returns the number of records.
fn read_single(schema: &Schema, data: &[u8], format: Format) -> usize {
    let mut reader = reader(schema, data, format);
    let mut records = 0;
    while let Ok(Some(decoded)) = reader.next_batch() {
        records += decoded.batch.len() + decoded.rejects.len();
        reader.recycle(decoded.batch);
    }
    records
}

/// Reads on the calling thread, decodes on `threads` workers.
fn read_pipeline(schema: &Schema, data: &[u8], format: Format, threads: usize) -> usize {
    let config = Config {
        threads,
        on_error: OnError::Skip,
        max_in_flight: 0,
        max_rejects: None,
    };
    let mut records = 0;
    let result = run(
        reader(schema, data, format),
        &config,
        None,
        None,
        |batch| Ok::<_, String>(Processed::new(batch.len())),
        |n| {
            records += n;
            Ok(Flow::Continue)
        },
    );
    result.map_or(0, |_| records)
}

fn bench_read(c: &mut Criterion) {
    let mut group = c.benchmark_group("read");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    for (rules_name, rules_path) in [
        ("bench", "benches/bench.smql"),
        ("b2b", "examples/b2b-saas"),
    ] {
        let rules = common::rules(rules_path);
        let schema = &rules.program.schema;
        for (format_name, format) in [("ndjson", Format::Ndjson), ("csv", Format::Csv)] {
            let data = common::leads(LEADS, format);
            group.throughput(Throughput::Bytes(data.len() as u64));
            let id = |how: &str| BenchmarkId::new(format!("{format_name}/{rules_name}"), how);
            group.bench_function(id("1-thread"), |b| {
                b.iter(|| read_single(schema, &data, format))
            });
            group.bench_function(id("pipeline-2"), |b| {
                b.iter(|| read_pipeline(schema, &data, format, 2))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench_read);
criterion_main!(benches);
