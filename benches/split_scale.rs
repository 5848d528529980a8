//! How far `smql eval` scales with cores, measured on this machine and modelled past it.
//!
//! The pipeline has one reading thread (read, gunzip, split into chunks of whole records) and
//! `--threads` workers (decode, evaluate, render). The workers scale; the reading thread does
//! not. So the bench measures, on the same file, in one run:
//!
//! - **floor**: reading the file and discarding it (what `cat` costs);
//! - **cut**: what the reading thread does with no workers at all (`Reader::split_all`): read,
//!   and cut the input at a record boundary near each chunk's size, the rate at which it can
//!   hand out work; with the file mapped into memory (the default) and read (`--no-mmap`);
//! - **split by record**: the same thread splitting record by record, as it did before the
//!   workers found their own records (`Reader::split_all_by_record`), for comparison;
//! - **eval `--threads k`**: the real binary end to end, wall time, rows/s and CPU time (and,
//!   with `--baseline BIN`, another build of smql timed in the same loop);
//!
//! and from the one-worker run derives the per-worker rate (CPU time of the run minus the
//! reading thread's share), hence how many workers one reading thread keeps busy and the
//! rows/s the design predicts at each thread count when every worker has its own core.
//!
//! ```text
//! cargo bench --bench split_scale -- [--leads N] [--runs R] [--threads 1,2,3,4] [--baseline BIN] [ndjson] [csv]
//! ```
//!
//! Medians of R runs (default 5); the file is generated once under `target/bench-data/` and is
//! in the page cache, as in `benches/duckdb_compare.sh`.

mod common;

use smql::data::{ChunkSize, Format, Input, Reader};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

struct Args {
    leads: u64,
    runs: usize,
    threads: Vec<usize>,
    formats: Vec<Format>,
    baseline: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        leads: 1_000_000,
        runs: 5,
        threads: vec![1, 2, 3, 4],
        formats: Vec::new(),
        baseline: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |what: &str| args.next().ok_or(format!("`{what}` needs a value"));
        match arg.as_str() {
            "--bench" => {} // passed by `cargo bench`
            "--leads" => a.leads = value("--leads")?.parse().map_err(|_| "bad --leads")?,
            "--runs" => a.runs = value("--runs")?.parse().map_err(|_| "bad --runs")?,
            "--threads" => {
                a.threads = value("--threads")?
                    .split(',')
                    .map(|t| t.trim().parse::<usize>().map_err(|_| "bad --threads"))
                    .collect::<Result<_, _>>()?
            }
            "--baseline" => a.baseline = Some(PathBuf::from(value("--baseline")?)),
            "ndjson" => a.formats.push(Format::Ndjson),
            "csv" => a.formats.push(Format::Csv),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if a.formats.is_empty() {
        a.formats = vec![Format::Ndjson, Format::Csv];
    }
    a.runs = a.runs.max(1);
    Ok(a)
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// CPU seconds (user + system) of this process's waited-for children, from `/proc/self/stat`
/// (`cutime`, `cstime`, in the kernel's fixed 100 ticks per second).
fn children_cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let tick = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok());
    match (tick(13), tick(14)) {
        (Some(u), Some(s)) => (u + s) / 100.0,
        _ => f64::NAN,
    }
}

/// The generated file of `n` leads, written once.
fn data_file(n: u64, format: Format) -> PathBuf {
    let ext = if format == Format::Csv {
        "csv"
    } else {
        "ndjson"
    };
    let path = common::manifest_path(&format!("target/bench-data/split-{n}.{ext}"));
    if !path.exists() {
        eprintln!("generating {}", path.display());
        let _ = std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")));
        std::fs::write(&path, common::leads(n, format)).expect("write the bench data");
    }
    path
}

fn timed(runs: usize, mut f: impl FnMut()) -> f64 {
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64()
            })
            .collect(),
    )
}

fn main() -> Result<(), String> {
    let args = parse_args()?;
    let rules = common::rules("benches/bench.smql");
    let schema = &rules.program.schema;
    let bench = common::manifest_path("benches/bench.smql");
    for &format in &args.formats {
        let path = data_file(args.leads, format);
        let bytes = std::fs::metadata(&path).map_err(|e| e.to_string())?.len() as f64;
        let mb = bytes / 1e6;
        let rows = args.leads as f64;

        let floor = timed(args.runs, || {
            let mut f = std::fs::File::open(&path).expect("open");
            let mut buf = vec![0u8; 128 << 10];
            while f.read(&mut buf).map(|n| n > 0).unwrap_or(false) {}
        });
        let by_record = timed(args.runs, || {
            let reader = Reader::open(&path, None, schema).expect("the bench data opens");
            let (records, _) = reader.split_all_by_record().expect("the bench data splits");
            assert_eq!(records, args.leads);
        });
        let split = timed(args.runs, || {
            let reader = Reader::open(&path, None, schema).expect("the bench data opens");
            let (handed_out, _) = reader.split_all().expect("the bench data splits");
            // Every byte but a CSV header's.
            assert!(
                handed_out as f64 > bytes * 0.99,
                "{handed_out} of {bytes} bytes"
            );
        });

        let split_read = timed(args.runs, || {
            let input = Input::open(&path, None)
                .expect("the bench data opens")
                .without_mmap();
            let reader = Reader::new(input, schema, ChunkSize::default()).expect("it reads");
            let (handed_out, _) = reader.split_all().expect("the bench data splits");
            assert!(handed_out as f64 > bytes * 0.99);
        });

        println!(
            "\n{} leads, {:.0} MB ({:?}), medians of {}",
            args.leads, mb, format, args.runs
        );
        println!(
            "  floor (read, discard)         {:>7.3} s  {:>7.0} MB/s",
            floor,
            mb / floor
        );
        println!(
            "  split by record (before)      {:>7.3} s  {:>7.0} MB/s",
            by_record,
            mb / by_record
        );
        println!(
            "  cut only, read (--no-mmap)    {:>7.3} s  {:>7.0} MB/s   {:.2}x the split by record",
            split_read,
            mb / split_read,
            by_record / split_read
        );
        println!(
            "  cut only, mapped (default)    {:>7.3} s  {:>7.0} MB/s   {:.2}x the split by record",
            split,
            mb / split,
            by_record / split
        );

        let eval = |smql: &Path, k: usize| -> Result<(f64, f64), String> {
            let cpu0 = children_cpu();
            let t = Instant::now();
            let status = Command::new(smql)
                .arg("eval")
                .arg(&bench)
                .arg(&path)
                .args(["--as-of", "2026-11-01", "--quiet", "--threads"])
                .arg(k.to_string())
                .args(["-o", "/dev/null"])
                .status()
                .map_err(|e| e.to_string())?;
            let wall = t.elapsed().as_secs_f64();
            if !status.success() {
                return Err(format!(
                    "{} eval failed on {}",
                    smql.display(),
                    path.display()
                ));
            }
            Ok((wall, children_cpu() - cpu0))
        };
        let ours = PathBuf::from(env!("CARGO_BIN_EXE_smql"));
        let mut per_worker = None;
        println!("  eval --threads k (wall, rows/s, CPU s, predicted rows/s with k+1 cores):");
        for &k in &args.threads {
            let (mut walls, mut cpus, mut base_walls) = (Vec::new(), Vec::new(), Vec::new());
            for _ in 0..args.runs {
                let (wall, cpu) = eval(&ours, k)?;
                walls.push(wall);
                cpus.push(cpu);
                if let Some(b) = &args.baseline {
                    base_walls.push(eval(b, k)?.0);
                }
            }
            let (wall, cpu) = (median(walls), median(cpus));
            // One worker: its CPU is the run's less the reading thread's (the cut above).
            let w = *per_worker.get_or_insert(mb / (cpu - split).max(1e-9));
            let predicted = rows * (k as f64 * w).min(mb / split) / mb;
            let baseline = if base_walls.is_empty() {
                String::new()
            } else {
                let b = median(base_walls);
                format!("   baseline {b:>7.3} s ({:.2}x)", b / wall)
            };
            println!(
                "    k={k}  {wall:>7.3} s  {:>6.2} M rows/s  {cpu:>6.2} CPU s   model {:>6.2} M rows/s{baseline}",
                rows / wall / 1e6,
                predicted / 1e6
            );
        }
        if let Some(w) = per_worker {
            let feeds = (mb / split) / w;
            println!(
                "  one worker splits, decodes and evaluates {w:.0} MB/s; one reading thread hands \
                 out {:.0} MB/s: it keeps {feeds:.1} workers busy (splitting by record: {:.1})",
                mb / split,
                (mb / by_record) / w
            );
        }
    }
    Ok(())
}
