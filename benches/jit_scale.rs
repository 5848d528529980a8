//! How JIT compile time, compile memory and evaluation speed grow with the size of the rule set,
//! against the interpreter, on generated rule sets of N definitions (issue 15).
//!
//! ```text
//! cargo bench --bench jit_scale                                  # N = 250 … 4,000, 100,000 leads, 3 runs
//! cargo bench --bench jit_scale -- --sizes 250,1000 --leads 20000 --runs 5 --interp-leads 20000
//! cargo bench --bench jit_scale -- --print 1000 > scale-1000.smql   # the rule set itself
//! cargo bench --bench jit_scale -- --size 1000                     # the size of its kernel
//! ```
//!
//! The rule set of size N ([`scale_rules`]): the schema of `benches/bench.smql`, N boolean
//! definitions chained in runs of seven, N/10 scores of ten items each with a decay, and a grade
//! of four arms per score. Every measurement runs in a fresh child process (this program with
//! `--child`), so that peak RSS is that of one engine at one size: the child resets its peak
//! (`/proc/self/clear_refs`) before compiling and reads it (`VmHWM`) after. Per size and engine
//! it prints the medians of the runs:
//!
//! * `compile`: `Evaluator::new` (JIT compilation; nothing for the interpreter);
//! * `peak MB`: the peak RSS of the child while compiling (the checked rules included);
//! * `eval rows/s`: evaluating every lead on one thread, reading excluded (the interpreter's
//!   on the first `--interp-leads`, 10,000 by default: it is slow, and its cost per lead is
//!   the same for every lead);
//! * `total`: compile + eval of all the leads (the interpreter's from its rows/s), what the
//!   user waits for beyond reading the input,
//!
//! all in CPU seconds of the child's thread (the machine is shared), `wall` the same total by
//! the clock,
//! and the interpreter's total over the JIT's (above 1: the JIT is faster end to end). The
//! children also check that both engines give the same score totals (over the leads both
//! evaluated).
//!
//! ```text
//! cargo bench --bench jit_scale -- --wide 250,1000,4000      # one definition of N terms
//! ```
//!
//! measures the shape the JIT cannot cut ([`wide_rule`]: one definition, so one function): its
//! instructions, compile time and peak RSS with the JIT asked for by name, and the engine the
//! default (`Engine::Auto`, with its budget) picks. (Nesting is what makes one function cost
//! more than linear time, every pending operand staying live across the rest; the language
//! bounds it at 64 brackets.)

mod common;

use smql::data::{Batch, Format, Input, Reader};
use smql::ir::ScoreId;
use smql::{Engine, Evaluator, RuleSet};
use std::fmt::Write as _;
use std::process::Command;
use std::time::Instant;

const DEFAULT_SIZES: [usize; 5] = [250, 500, 1_000, 2_000, 4_000];

/// The generated rule set with `n` definitions.
///
/// ```text
/// dI when dI-1 and visits >= I % 13 and (company_size ?? 0) > I % 500 or downloaded "cI % 40"
/// score sS { +K when dJ and form_fills >= K   (K = 1 … 10)   decay 10% every 30d since … }
/// grade gS { "A" when sS >= 30  "B" when sS >= 15  "C" when sS > 0  else "D" }
/// ```
///
/// `dI-1 and` is left out every seven definitions, so that chains stay short.
fn scale_rules(n: usize) -> String {
    let mut out = schema_block();
    for i in 0..n {
        let _ = write!(out, "d{i} when ");
        if i % 7 != 0 {
            let _ = write!(out, "d{} and ", i - 1);
        }
        let _ = writeln!(
            out,
            "visits >= {} and (company_size ?? 0) > {} or downloaded \"c{}\"",
            i % 13,
            i % 500,
            i % 40
        );
    }
    for s in 0..n / 10 {
        let _ = writeln!(out, "\nscore s{s} {{");
        for k in 1..=10 {
            let j = (s * 10 + k * 7) % n;
            let _ = writeln!(out, "  +{k} when d{j} and form_fills >= {k}");
        }
        let _ = writeln!(out, "  decay 10% every 30d since closed_at ?? now\n}}");
        let _ = writeln!(
            out,
            "grade g{s} {{\n  \"A\" when s{s} >= 30\n  \"B\" when s{s} >= 15\n  \"C\" when s{s} > 0\n  else \"D\"\n}}"
        );
    }
    out
}

/// One definition of `n` terms like those of [`scale_rules`], `or`ed as a balanced tree.
fn wide_rule(n: usize) -> String {
    fn terms(lo: usize, hi: usize, out: &mut String) {
        if hi - lo == 1 {
            let _ = write!(
                out,
                "(visits >= {} and (company_size ?? 0) > {} or downloaded \"c{lo}\")",
                lo % 13,
                lo % 500
            );
            return;
        }
        let mid = lo + (hi - lo) / 2;
        out.push('(');
        terms(lo, mid, out);
        out.push_str(" or ");
        terms(mid, hi, out);
        out.push(')');
    }
    let mut out = schema_block();
    out.push_str("wide when ");
    terms(0, n.max(1), &mut out);
    out.push('\n');
    out
}

/// The `schema { … }` block of `benches/bench.smql`.
fn schema_block() -> String {
    let bench = std::fs::read_to_string(common::manifest_path("benches/bench.smql"))
        .expect("benches/bench.smql is readable");
    let start = bench.find("schema {").expect("bench.smql has a schema");
    let len = bench[start..]
        .find("\n}")
        .expect("the schema block is closed");
    format!("{}\n", &bench[start..start + len + 2])
}

/// One child's measurements, in CPU seconds of its thread (the machine is shared: wall time
/// measures the neighbours too), and by the clock.
#[derive(Debug, Clone, Copy)]
struct Sample {
    compile_s: f64,
    compile_wall: f64,
    peak_mb: f64,
    eval_s: f64,
    eval_wall: f64,
    /// The rows evaluated.
    rows: usize,
    /// The sum of every score of the first rows (as many as every engine evaluated).
    checksum: f64,
}

impl Sample {
    /// Compile + eval of `leads` leads, CPU and wall seconds.
    fn totals(&self, leads: usize) -> (f64, f64) {
        let scale = leads as f64 / self.rows.max(1) as f64;
        (
            self.compile_s + self.eval_s * scale,
            self.compile_wall + self.eval_wall * scale,
        )
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    if let Some(n) = flag("--print") {
        print!("{}", scale_rules(n.parse().expect("--print N")));
        return;
    }
    if let Some(n) = flag("--size") {
        let rules = RuleSet::compile_str("scale.smql", &scale_rules(n.parse().expect("--size N")))
            .expect("the generated rules check");
        let jit = smql::eval::jit::Jit::compile(&rules.program).expect("the rules compile");
        println!(
            "{} instructions in {} functions",
            jit.instructions(),
            jit.functions()
        );
        return;
    }
    if let Some(spec) = flag("--child") {
        child(&spec);
        return;
    }
    if let Some(n) = flag("--wide-child") {
        wide_child(n.parse().expect("--wide-child N"));
        return;
    }
    if let Some(sizes) = flag("--wide") {
        wide(&sizes);
        return;
    }
    let sizes: Vec<usize> = flag("--sizes").map_or(DEFAULT_SIZES.to_vec(), |s| {
        s.split(',')
            .map(|n| n.trim().parse().expect("--sizes N,N,…"))
            .collect()
    });
    let leads: usize = flag("--leads").map_or(100_000, |n| n.parse().expect("--leads N"));
    let runs: usize = flag("--runs").map_or(3, |n| n.parse().expect("--runs N"));
    let interp_leads: usize = flag("--interp-leads")
        .map_or(10_000, |n| n.parse().expect("--interp-leads N"))
        .min(leads);
    let engines: Vec<String> = flag("--engines").map_or(vec!["jit".into(), "interp".into()], |s| {
        s.split(',').map(String::from).collect()
    });
    println!(
        "{leads} leads (the interpreter: {interp_leads}, extrapolated), medians of {runs} runs, \
         one thread, reading excluded; CPU seconds, and wall"
    );
    println!(
        "{:>6} {:>7} {:>10} {:>9} {:>12} {:>9} {:>9} {:>10}",
        "defs", "engine", "compile s", "peak MB", "eval rows/s", "total s", "wall s", "interp/jit"
    );
    for &n in &sizes {
        let mut medians: Vec<(String, Sample)> = Vec::new();
        let mut samples: Vec<Vec<Sample>> = vec![Vec::new(); engines.len()];
        // Engines interleaved run by run, so that both see the same machine.
        for _ in 0..runs {
            for (e, engine) in engines.iter().enumerate() {
                let evaluated = if engine == "interp" {
                    interp_leads
                } else {
                    leads
                };
                samples[e].push(spawn(n, engine, evaluated, interp_leads));
            }
        }
        for (engine, s) in engines.iter().zip(samples) {
            medians.push((engine.clone(), median_sample(&s)));
        }
        if let [(_, a), (_, b)] = &medians[..] {
            // Sums in a different order differ in the last bits; more is a bug.
            let close = (a.checksum - b.checksum).abs() <= 1e-6 * a.checksum.abs().max(1.0);
            assert!(
                close,
                "the engines disagree at {n} definitions: {a:?} {b:?}"
            );
        }
        let jit_total = medians
            .iter()
            .find(|(e, _)| e == "jit")
            .map(|(_, s)| s.totals(leads).0);
        for (engine, s) in &medians {
            let (total, wall) = s.totals(leads);
            let ratio = match (engine.as_str(), jit_total) {
                ("interp", Some(j)) => format!("{:.2}", total / j),
                _ => String::new(),
            };
            println!(
                "{n:>6} {engine:>7} {:>10.3} {:>9.1} {:>12.0} {total:>9.3} {wall:>9.3} {ratio:>10}",
                s.compile_s,
                s.peak_mb,
                s.rows as f64 / s.eval_s,
            );
        }
    }
}

/// Runs one child (`leads` leads, a checksum over the first `checked`) and parses its line.
fn spawn(n: usize, engine: &str, leads: usize, checked: usize) -> Sample {
    let exe = std::env::current_exe().expect("the bench knows its own path");
    let out = Command::new(exe)
        .args(["--child", &format!("{n},{engine},{leads},{checked}")])
        .output()
        .expect("the bench can run itself");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "child {n} {engine} failed: {}{}",
        text,
        String::from_utf8_lossy(&out.stderr)
    );
    let f: Vec<f64> = text
        .split_whitespace()
        .map(|w| w.parse().expect("the child prints numbers"))
        .collect();
    match f[..] {
        [compile_s, compile_wall, peak_mb, eval_s, eval_wall, rows, checksum] => Sample {
            compile_s,
            compile_wall,
            peak_mb,
            eval_s,
            eval_wall,
            rows: rows as usize,
            checksum,
        },
        _ => panic!("unexpected child output: {text}"),
    }
}

/// The per-field medians of `samples`.
fn median_sample(samples: &[Sample]) -> Sample {
    let med = |f: fn(&Sample) -> f64| {
        let mut v: Vec<f64> = samples.iter().map(f).collect();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    Sample {
        compile_s: med(|s| s.compile_s),
        compile_wall: med(|s| s.compile_wall),
        peak_mb: med(|s| s.peak_mb),
        eval_s: med(|s| s.eval_s),
        eval_wall: med(|s| s.eval_wall),
        rows: samples[0].rows,
        checksum: samples[0].checksum,
    }
}

/// `N,ENGINE,LEADS,CHECKED`: compiles, evaluates, prints
/// `compile_s compile_wall peak_mb eval_s eval_wall rows checksum`.
fn child(spec: &str) {
    let parts: Vec<&str> = spec.split(',').collect();
    let [n, engine, leads, checked] = parts[..] else {
        panic!("--child N,ENGINE,LEADS,CHECKED");
    };
    let n: usize = n.parse().expect("N");
    let leads: u64 = leads.parse().expect("LEADS");
    let checked: usize = checked.parse().expect("CHECKED");
    let engine = match engine {
        "jit" => Engine::Jit,
        "interp" => Engine::Interp,
        other => panic!("unknown engine {other}"),
    };
    let rules = match RuleSet::compile_str("scale.smql", &scale_rules(n)) {
        Ok(r) => r,
        Err(e) => panic!("the generated rules do not check: {:?}", e.diagnostics),
    };
    reset_peak_rss();
    let (wall, cpu) = (Instant::now(), cpu_s());
    let evaluator = Evaluator::new(&rules, engine).expect("the generated rules compile");
    let compile_s = cpu_s() - cpu;
    let compile_wall = wall.elapsed().as_secs_f64();
    let peak_mb = peak_rss_mb();

    let data = common::leads(leads, Format::Ndjson);
    let input = Input::from_bytes("leads.ndjson", data, Format::Ndjson).expect("in-memory input");
    let reader: Reader = evaluator.open(input).expect("the leads fit the schema");
    let (batches, rejects) = reader.read_all().expect("in-memory input");
    assert!(rejects.is_empty(), "generated leads were rejected");
    let rows: usize = batches.iter().map(Batch::len).sum();

    let (wall, cpu) = (Instant::now(), cpu_s());
    let mut checksum = 0.0;
    let mut first = 0;
    for batch in &batches {
        let outcome = evaluator.eval_batch(batch, common::AS_OF, false);
        for row in outcome.ok_rows().filter(|row| first + row < checked) {
            for s in 0..rules.program.scores.len() {
                checksum += outcome.score(ScoreId(s as u32), row);
            }
        }
        first += batch.len();
    }
    let eval_s = cpu_s() - cpu;
    let eval_wall = wall.elapsed().as_secs_f64();
    println!("{compile_s} {compile_wall} {peak_mb} {eval_s} {eval_wall} {rows} {checksum}");
}

/// CPU time of this thread so far, in seconds (`/proc/thread-self/schedstat`: time on a CPU,
/// in ns; 0 where there is no such file). The kernel brings that count up to date when the
/// thread yields, else only at its next tick.
fn cpu_s() -> f64 {
    std::thread::yield_now();
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    let ns: f64 = stat
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0.0);
    ns / 1e9
}

/// Resets the process's peak RSS to its current RSS (Linux 4.0 and later; else a no-op, and
/// the peak includes what came before).
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// `VmHWM` in MB (0 where `/proc` has no such line).
fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// `--wide N,N,…`: one line per size, from a child each.
fn wide(sizes: &str) {
    println!(
        "{:>6} {:>9} {:>10} {:>9} {:>8}",
        "terms", "insts", "compile s", "peak MB", "default"
    );
    let exe = std::env::current_exe().expect("the bench knows its own path");
    for n in sizes.split(',') {
        let out = Command::new(&exe)
            .args(["--wide-child", n.trim()])
            .output()
            .expect("the bench can run itself");
        assert!(
            out.status.success(),
            "wide child {n} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        print!("{}", String::from_utf8_lossy(&out.stdout));
    }
}

/// `--wide-child N`: the JIT asked for by name, then the default engine's choice.
fn wide_child(n: usize) {
    let rules = match RuleSet::compile_str("wide.smql", &wide_rule(n)) {
        Ok(r) => r,
        Err(e) => panic!("the generated rules do not check: {:?}", e.diagnostics),
    };
    reset_peak_rss();
    let cpu = cpu_s();
    let jit = smql::eval::jit::Jit::compile(&rules.program).expect("the rule compiles");
    let compile_s = cpu_s() - cpu;
    let peak_mb = peak_rss_mb();
    let default = Evaluator::new(&rules, Engine::Auto).expect("the default engine never fails");
    let picked = match default.engine() {
        smql::EngineKind::Jit => "jit",
        smql::EngineKind::Interp => "interp",
    };
    println!(
        "{n:>6} {:>9} {compile_s:>10.3} {peak_mb:>9.1} {picked:>8}",
        jit.instructions()
    );
}
