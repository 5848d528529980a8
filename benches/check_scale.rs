//! `check` and `eval`'s compile grow linearly with the rule file (SPEC §13): for generated
//! families of rules, the time at 1×, 4× and 16× the base size and the ratio to 1× (linear:
//! about 4 and 16; quadratic: 16 and 256). Prints a table; asserts nothing (timings are not
//! tests). `cargo bench --bench check_scale [-- FAMILY]`.

use smql::{Engine, Evaluator, RuleSet, SourceMap};
use std::fmt::Write;
use std::time::{Duration, Instant};

const SCHEMA: &str = "schema {\n  id: string key\n  x: int\n  n: number\n  s: string\n  b: bool\n  tags: list of string\n}\n";

/// A rule file of size `n` of each family.
fn family(name: &str, n: usize) -> String {
    let mut out = String::from(SCHEMA);
    match name {
        "or_chain" => {
            let terms: Vec<String> = (0..n).map(|i| format!("x == {i}")).collect();
            let _ = writeln!(out, "hit when {}", terms.join(" or "));
        }
        "and_chain" => {
            let terms: Vec<String> = (0..n).map(|i| format!("x != {i}")).collect();
            let _ = writeln!(out, "hit when {}", terms.join(" and "));
        }
        "definitions" => {
            out.push_str("d0 = x\n");
            for i in 1..n {
                let _ = writeln!(out, "d{i} = d{} + {i}", i - 1);
            }
        }
        "wide_score" => {
            out.push_str("score total {\n");
            for i in 0..n {
                let _ = writeln!(out, "  +{} when x > {i} and s != \"v{i}\"", 1 + i % 7);
            }
            out.push_str("}\n");
        }
        "if_chains" => {
            // Chains of `else if` up to the nesting limit, many of them.
            for k in 0..n / 16 {
                let _ = write!(out, "c{k} = ");
                for i in 0..16 {
                    let _ = write!(out, "if x == {i} then {i} else ");
                }
                out.push_str("0\n");
            }
        }
        "list_literal" => {
            let items: Vec<String> = (0..n).map(|i| format!("\"d{i}.example.com\"")).collect();
            let _ = writeln!(out, "abm when s in [{}]", items.join(", "));
        }
        "and_of_ors" => {
            // A DNF of this has 2^n conjunctions: the lints must give up, not enumerate.
            let terms: Vec<String> = (0..n)
                .map(|i| format!("(x == {i} or s == \"v{i}\")"))
                .collect();
            let _ = writeln!(out, "hit when {}", terms.join(" and "));
        }
        _ => unreachable!("a family of FAMILIES"),
    }
    out
}

/// (family, base size): 16× the base is the largest run.
const FAMILIES: [(&str, usize); 7] = [
    ("or_chain", 1_250),
    ("and_chain", 1_250),
    ("definitions", 250),
    ("wide_score", 250),
    ("if_chains", 256),
    ("list_literal", 6_250),
    ("and_of_ors", 250),
];

fn best_of(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    println!(
        "{:<14} {:>8} {:>10} {:>10} {:>10} {:>7} {:>7}   (compile: check + JIT, 16x)",
        "family", "1x size", "1x", "4x", "16x", "4x/1x", "16x/1x"
    );
    for (name, base) in FAMILIES {
        if !only.is_empty() && !only.iter().any(|o| name.contains(o.as_str())) {
            continue;
        }
        let times: Vec<Duration> = [1, 4, 16]
            .map(|k| {
                let text = family(name, base * k);
                best_of(3, || {
                    let mut sources = SourceMap::new();
                    sources.add("bench.smql", text.as_str());
                    let checked = smql::check::check(&sources);
                    assert!(checked.program.is_some(), "{name} x{k} does not check");
                })
            })
            .to_vec();
        let text = family(name, base * 16);
        let compile = best_of(1, || {
            let rules = RuleSet::compile_str("bench.smql", &text).expect("checks");
            Evaluator::new(&rules, Engine::Auto).expect("compiles");
        });
        let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1e3);
        let ratio = |a: Duration| a.as_secs_f64() / times[0].as_secs_f64().max(1e-9);
        println!(
            "{name:<14} {base:>8} {:>10} {:>10} {:>10} {:>7.1} {:>7.1}   {}",
            ms(times[0]),
            ms(times[1]),
            ms(times[2]),
            ratio(times[1]),
            ratio(times[2]),
            ms(compile)
        );
    }
}
