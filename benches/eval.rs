//! Evaluation rows/s on in-memory batches (reading is not timed): every engine on the rules of
//! `examples/b2b-saas` and of `benches/bench.smql`, over generated leads.
//!
//! `cargo bench --bench eval`
//!
//! An engine is a name and a function that evaluates every row of a batch and returns how many
//! rows it evaluated: the interpreter and the JIT.

mod common;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use smql::data::{Batch, Format};
use smql::eval::eval_lead;
use smql::ir::Program;
use std::hint::black_box;
use std::time::Duration;

const LEADS: u64 = 50_000;

/// Evaluates every row of one batch; returns the rows that evaluated without error.
type Engine<'p> = Box<dyn Fn(&Batch) -> usize + 'p>;

fn engines(program: &Program) -> Vec<(&'static str, Engine<'_>)> {
    let interp: Engine<'_> = Box::new(move |batch: &Batch| {
        (0..batch.len())
            .filter(|&row| {
                let lead = batch.lead(row);
                black_box(eval_lead(program, &lead, common::AS_OF, None)).is_ok()
            })
            .count()
    });
    let jit = smql::eval::jit::Jit::compile(program).expect("the bench rules compile");
    let jit: Engine<'_> =
        Box::new(
            move |batch: &Batch| match jit.eval_batch(batch, common::AS_OF, false) {
                Ok(result) => (0..result.len())
                    .filter(|&row| black_box(result.error(row)).is_none())
                    .count(),
                Err(_) => 0,
            },
        );
    vec![("interp", interp), ("jit", jit)]
}

fn bench_eval(c: &mut Criterion) {
    let mut group = c.benchmark_group("eval");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    for (rules_name, rules_path) in [
        ("b2b-saas", "examples/b2b-saas"),
        ("bench", "benches/bench.smql"),
    ] {
        let rules = common::rules(rules_path);
        let batches = common::batches(
            &rules,
            "leads.ndjson",
            common::leads(LEADS, Format::Ndjson),
            Format::Ndjson,
        );
        let rows: usize = batches.iter().map(Batch::len).sum();
        group.throughput(Throughput::Elements(rows as u64));
        for (engine_name, engine) in engines(&rules.program) {
            group.bench_function(BenchmarkId::new(rules_name, engine_name), |b| {
                b.iter(|| batches.iter().map(&engine).sum::<usize>())
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench_eval);
criterion_main!(benches);
