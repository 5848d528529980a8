//! Reader throughput on a file, for profiling and quick before/after numbers (criterion's
//! `read` bench covers the same on generated in-memory data):
//!
//! ```text
//! cargo bench --bench read_file -- FILE [--rules FILE.smql] [--threads N] [--runs R]
//!     [--single | --pipeline]
//! ```
//!
//! Reads FILE with the schema of `--rules` (default `benches/bench.smql`) `R` times (default 5)
//! on one thread (read, split and decode in turn) and through the pipeline with `N` workers
//! (default 2), and prints the median MB/s of each.

use smql::data::{ChunkSize, Input, Reader};
use smql::pipeline::{run, Config, Flow, OnError, Processed};
use std::path::{Path, PathBuf};
use std::time::Instant;

struct Args {
    file: PathBuf,
    rules: PathBuf,
    threads: usize,
    runs: usize,
    /// `--single` / `--pipeline`: measure only that.
    single: bool,
    pipeline: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut file = None;
    let mut rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/bench.smql");
    let (mut threads, mut runs, mut only) = (2, 5, None);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |what: &str| args.next().ok_or(format!("`{what}` needs a value"));
        match a.as_str() {
            "--bench" => {} // passed by `cargo bench`
            "--rules" => rules = PathBuf::from(value("--rules")?),
            "--threads" => threads = value("--threads")?.parse().map_err(|_| "bad --threads")?,
            "--runs" => runs = value("--runs")?.parse().map_err(|_| "bad --runs")?,
            "--single" => only = Some(true),
            "--pipeline" => only = Some(false),
            other => file = Some(PathBuf::from(other)),
        }
    }
    Ok(Args {
        file: file.ok_or("usage: read_file FILE [--rules F] [--threads N] [--runs R]")?,
        rules,
        threads,
        runs: runs.max(1),
        single: only != Some(false),
        pipeline: only != Some(true),
    })
}

/// "median (best)" of throughputs.
fn summary(mut xs: Vec<f64>) -> String {
    xs.sort_by(f64::total_cmp);
    format!(
        "{:.0} MB/s (best {:.0})",
        xs[xs.len() / 2],
        xs[xs.len() - 1]
    )
}

fn main() -> Result<(), String> {
    let args = parse_args()?;
    let text = std::fs::read_to_string(&args.rules).map_err(|e| e.to_string())?;
    let rules = smql::RuleSet::compile_str(&args.rules.display().to_string(), &text)
        .map_err(|e| format!("{:?}", e.diagnostics))?;
    let schema = &rules.program.schema;
    let size = std::fs::metadata(&args.file)
        .map_err(|e| e.to_string())?
        .len() as f64;
    let open = || {
        Input::open(&args.file, None)
            .and_then(|input| Reader::new(input, schema, ChunkSize::default()))
            .map_err(|e| e.to_string())
    };

    let mut single = Vec::new();
    let mut rows = 0;
    for _ in 0..if args.single { args.runs } else { 0 } {
        let start = Instant::now();
        let mut reader = open()?;
        rows = 0;
        while let Some(d) = reader.next_batch().map_err(|e| e.to_string())? {
            rows += d.batch.len() + d.rejects.len();
            reader.recycle(d.batch);
        }
        single.push(size / 1e6 / start.elapsed().as_secs_f64());
    }
    if args.single {
        println!(
            "{}: {rows} records, {:.0} MB; one thread: {}",
            args.file.display(),
            size / 1e6,
            summary(single)
        );
    }
    if !args.pipeline {
        return Ok(());
    }

    let config = Config {
        threads: args.threads,
        on_error: OnError::Skip,
        max_in_flight: 0,
        max_rejects: None,
    };
    let mut piped = Vec::new();
    for _ in 0..args.runs {
        let start = Instant::now();
        let mut count = 0usize;
        run(
            open()?,
            &config,
            None,
            None,
            |b| Ok::<_, String>(Processed::new(b.len())),
            |n| {
                count += n;
                Ok(Flow::Continue)
            },
        )
        .map_err(|e| e.to_string())?;
        piped.push(size / 1e6 / start.elapsed().as_secs_f64());
    }
    println!("pipeline, {} workers: {}", args.threads, summary(piped));
    Ok(())
}
