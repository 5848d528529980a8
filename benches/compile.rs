//! Rule compile time for `examples/b2b-saas` and the benchmark rule set: parse, resolve,
//! type-check and lint, from source text to the checked IR (`check/…`); and the JIT, from the IR
//! to finalized machine code (`jit/…`).
//!
//! `cargo bench --bench compile`

mod common;

use criterion::{criterion_group, criterion_main, Criterion};
use smql::RuleSet;
use std::hint::black_box;

fn bench_compile(c: &mut Criterion) {
    let mut group = c.benchmark_group("compile");
    for (name, path) in [
        ("b2b-saas", "examples/b2b-saas"),
        ("bench", "benches/bench.smql"),
    ] {
        let sources = common::sources(path);
        // A broken example is a broken bench: fail loudly once, not silently per iteration.
        let _ = common::rules(path);
        group.bench_function(format!("check/{name}"), |b| {
            b.iter(|| RuleSet::compile(black_box(sources.clone())).is_ok())
        });
        let program = common::rules(path).program;
        group.bench_function(format!("jit/{name}"), |b| {
            b.iter(|| smql::eval::jit::Jit::compile(black_box(&program)).is_ok())
        });
    }
    group.finish();
}

criterion_group!(benches, bench_compile);
criterion_main!(benches);
