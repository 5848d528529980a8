//! The ordered parallel pipeline: output order is input order whatever the timing, records in =
//! out + rejected, `fail` stops at the first bad record in input order, memory stays bounded,
//! and chunking (sizes, short reads) never changes what is read.

use crate::support::data::*;
use smql::data::{ChunkSize, Format, Input, Reader, Reject};
use smql::ir::{Schema, Ty};
use smql::pipeline::{run, Config, Flow, OnError, PipelineError, Processed, Progress};
use smql::value::Value;
use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

fn lead_schema() -> Schema {
    schema(vec![
        field("id", Ty::String),
        field("visits", Ty::Int),
        field("tags", list(Ty::String)),
    ])
}

/// `n` NDJSON leads; every `bad_every`-th has a string for `visits`.
fn leads(n: usize, bad_every: usize) -> String {
    let mut s = String::new();
    for i in 1..=n {
        if bad_every > 0 && i % bad_every == 0 {
            s.push_str(&format!("{{\"id\":\"L{i}\",\"visits\":\"many\"}}\n"));
        } else {
            s.push_str(&format!(
                "{{\"id\":\"L{i}\",\"visits\":{i},\"tags\":[\"t{}\"]}}\n",
                i % 5
            ));
        }
    }
    s
}

fn reader_for(text: &str, records: usize) -> Reader {
    let input =
        Input::from_bytes("leads.ndjson", text.as_bytes().to_vec(), Format::Ndjson).expect("input");
    let size = ChunkSize {
        records,
        bytes: 1 << 20,
    };
    Reader::new(input, &lead_schema(), size).expect("reader")
}

fn id_of(v: &Value) -> String {
    match v {
        Value::Str(s) => s.to_string(),
        other => format!("{other:?}"),
    }
}

/// Evaluates "rows": rejects leads whose visits are a multiple of `eval_bad` (like an overflow),
/// sleeps a little on some batches to shuffle completion order, writes ids.
fn process(batch: &smql::data::Batch, eval_bad: i64) -> Result<Processed<Vec<String>>, String> {
    if batch.seq().is_multiple_of(3) {
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let mut out = Processed::new(Vec::new());
    for r in 0..batch.len() {
        let lead = batch.lead(r);
        match lead[1] {
            Value::Int(v) if eval_bad > 0 && v % eval_bad == 0 => out
                .rejects
                .push(batch.reject(r, format!("integer overflow in `score` ({v})"))),
            _ => out.value.push(id_of(&lead[0])),
        }
    }
    Ok(out)
}

#[test]
fn output_order_is_input_order_with_tiny_batches_and_many_threads() {
    let text = leads(3_000, 0);
    for threads in [1, 2, 4, 7] {
        let mut ids = Vec::new();
        let config = Config {
            threads,
            on_error: OnError::Fail,
            max_in_flight: 0,
            max_rejects: None,
        };
        let summary = run(
            reader_for(&text, 7),
            &config,
            None,
            None,
            |b| {
                // A batch holds at most `ChunkSize::records` records, however the reading
                // thread cut the input.
                assert!(b.len() <= 7, "a batch of {} records", b.len());
                process(b, 0)
            },
            |batch_ids| {
                ids.extend(batch_ids);
                Ok(Flow::Continue)
            },
        )
        .expect("runs");
        let expected: Vec<String> = (1..=3_000).map(|i| format!("L{i}")).collect();
        assert_eq!(ids, expected, "threads {threads}");
        assert!(summary.batches >= 3_000_u64.div_ceil(7), "{summary:?}");
    }
}

/// Three workers, four batches in flight, bad records skipped.
fn skip_on_three_threads() -> Config {
    Config {
        threads: 3,
        on_error: OnError::Skip,
        max_in_flight: 4,
        max_rejects: None,
    }
}

#[test]
fn records_in_equal_records_out_plus_rejected_on_a_mixed_file() {
    let text = leads(5_000, 37);
    let mut ids = Vec::new();
    let mut rejects = Vec::new();
    let config = skip_on_three_threads();
    let summary = run(
        reader_for(&text, 64),
        &config,
        Some(&mut rejects),
        None,
        |b| process(b, 101),
        |batch_ids| {
            ids.extend(batch_ids);
            Ok(Flow::Continue)
        },
    )
    .expect("runs");
    let parse_bad = 5_000 / 37;
    let eval_bad = (1..=5_000).filter(|i| i % 101 == 0 && i % 37 != 0).count();
    assert_eq!(summary.records_in, 5_000);
    assert_eq!(summary.rejected as usize, parse_bad + eval_bad);
    assert_eq!(summary.records_in, summary.records_out + summary.rejected);
    assert_eq!(ids.len() as u64, summary.records_out);
    let lines: Vec<serde_json::Value> = String::from_utf8(rejects)
        .expect("utf-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("ndjson"))
        .collect();
    assert_eq!(lines.len() as u64, summary.rejected);
    let records: Vec<u64> = lines
        .iter()
        .map(|v| v["record"].as_u64().unwrap_or(0))
        .collect();
    assert!(
        records.windows(2).all(|w| w[0] < w[1]),
        "rejects in input order"
    );
    assert_eq!(
        lines[0]["error"],
        "field `visits`: expected int, found `\"many\"`"
    );
    assert_eq!(lines[0]["raw"], "{\"id\":\"L37\",\"visits\":\"many\"}");
    assert_eq!(lines[2]["record"], 101);
    assert_eq!(lines[2]["line"], 101);
    assert_eq!(lines[2]["error"], "integer overflow in `score` (101)");
    // Every record is somewhere, exactly once.
    let mut all: Vec<String> = ids;
    all.extend(records.iter().map(|r| format!("L{r}")));
    all.sort_by_key(|id| id[1..].parse::<u64>().unwrap_or(0));
    let expected: Vec<String> = (1..=5_000).map(|i| format!("L{i}")).collect();
    assert_eq!(all, expected);
}

#[test]
fn fail_stops_at_the_first_bad_record_in_input_order() {
    // Record 400 fails to evaluate, record 1000 fails to parse; small batches finish out of
    // order, but the error is always record 400's, and nothing after its batch is consumed.
    let mut text = leads(2_000, 0);
    text = text.replace(
        "{\"id\":\"L1000\",\"visits\":1000,",
        "{\"id\":\"L1000\",\"visits\":true,",
    );
    for _ in 0..5 {
        let mut ids = Vec::new();
        let config = Config {
            threads: 4,
            on_error: OnError::Fail,
            max_in_flight: 0,
            max_rejects: None,
        };
        let err = run(
            reader_for(&text, 50),
            &config,
            None,
            None,
            |b| process(b, 400),
            |batch_ids| {
                ids.extend(batch_ids);
                Ok(Flow::Continue)
            },
        )
        .expect_err("fails");
        assert_eq!(
            err.to_string(),
            "leads.ndjson: record 400 (line 400): integer overflow in `score` (400)"
        );
        let PipelineError::Rejected { reject, .. } = err else {
            panic!("a reject");
        };
        assert_eq!(
            reject.raw,
            "{\"id\":\"L400\",\"visits\":400,\"tags\":[\"t0\"]}"
        );
        assert_eq!(ids.len(), 350, "batches before record 400's were written");
    }
    // Without the evaluation error, the parse error is first.
    let config = Config::default();
    let err = run(
        reader_for(&text, 50),
        &config,
        None,
        None,
        |b| process(b, 0),
        |_| Ok(Flow::Continue),
    )
    .expect_err("fails");
    assert_eq!(
        err.to_string(),
        "leads.ndjson: record 1000 (line 1000): field `visits`: expected int, found `true`"
    );
}

#[test]
fn process_and_consume_errors_stop_the_run() {
    let text = leads(500, 0);
    let err = run(
        reader_for(&text, 10),
        &Config::default(),
        None,
        None,
        |b| {
            if b.record_number(0) > 200 {
                Err(format!("disk full at {}", b.record_number(0)))
            } else {
                Ok(Processed::new(()))
            }
        },
        |()| Ok(Flow::Continue),
    )
    .expect_err("fails");
    assert_eq!(err.to_string(), "disk full at 201");
    let mut consumed = 0;
    let err = run(
        reader_for(&text, 10),
        &Config::default(),
        None,
        None,
        |_| Ok(Processed::new(())),
        |()| {
            consumed += 1;
            if consumed == 3 {
                Err("broken pipe".to_string())
            } else {
                Ok(Flow::Continue)
            }
        },
    )
    .expect_err("fails");
    assert_eq!(err.to_string(), "broken pipe");
}

#[test]
fn a_panicking_worker_is_an_error_not_a_hang() {
    let text = leads(100, 0);
    let err = run(
        reader_for(&text, 10),
        &Config::default(),
        None,
        None,
        |b| {
            if b.seq() == 4 {
                panic!("bug in batch 4");
            }
            Ok::<_, String>(Processed::new(()))
        },
        |()| Ok(Flow::Continue),
    )
    .expect_err("fails");
    assert_eq!(
        err.to_string(),
        "internal error: a worker panicked: bug in batch 4"
    );
}

#[test]
fn stop_ends_the_run_early_like_explain_lead() {
    let text = leads(10_000, 0);
    let mut found = None;
    let summary = run(
        reader_for(&text, 100),
        &Config::default(),
        None,
        None,
        |b| {
            let hit = (0..b.len()).find(|&r| b.lead(r)[0] == Value::str("L777"));
            Ok::<_, String>(Processed::new(hit.map(|r| (b.record_number(r), b.lead(r)))))
        },
        |hit| match hit {
            Some(h) => {
                found = Some(h);
                Ok(Flow::Stop)
            }
            None => Ok(Flow::Continue),
        },
    )
    .expect("runs");
    assert!(summary.stopped);
    assert_eq!(summary.batches, 8);
    let (record, lead) = found.expect("found");
    assert_eq!(record, 777);
    assert_eq!(lead[1], Value::Int(777));
}

/// Reads at most `step` bytes per call and counts what it handed out.
struct Trickle {
    data: Vec<u8>,
    pos: usize,
    step: usize,
    served: Arc<AtomicU64>,
}

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.data.len() - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        self.served.fetch_add(n as u64, Ordering::SeqCst);
        // Vary the step so record boundaries fall everywhere.
        self.step = self.step % 13 + 1;
        Ok(n)
    }
}

#[test]
fn memory_is_bounded_by_batches_in_flight_not_by_the_file() {
    // 20,000 records of exactly 64 bytes; batches of 100 records; at most 3 in flight.
    let mut text = String::new();
    for i in 0..20_000 {
        let line = format!("{{\"id\":\"L{i:06}\",\"visits\":{i:6},\"tags\":[]}}");
        text.push_str(&format!("{line:<63}\n"));
    }
    let served = Arc::new(AtomicU64::new(0));
    let input = Input::from_reader(
        "big.ndjson",
        Trickle {
            data: text.into_bytes(),
            pos: 0,
            step: 1 << 20,
            served: served.clone(),
        },
        Format::Ndjson,
    )
    .expect("input");
    let reader = Reader::new(
        input,
        &lead_schema(),
        ChunkSize {
            records: 100,
            bytes: 1 << 20,
        },
    )
    .expect("reader");
    let config = Config {
        threads: 2,
        on_error: OnError::Fail,
        max_in_flight: 3,
        max_rejects: None,
    };
    let mut consumed = 0u64;
    let mut ahead_max = 0u64;
    let mut progress_seen = Vec::new();
    let mut on_progress = |p: Progress| progress_seen.push(p);
    let summary = run(
        reader,
        &config,
        None,
        Some(&mut on_progress),
        |b| Ok::<_, String>(Processed::new(b.len() as u64)),
        |n| {
            consumed += n;
            let read = served.load(Ordering::SeqCst);
            ahead_max = ahead_max.max(read.saturating_sub(consumed * 64));
            Ok(Flow::Continue)
        },
    )
    .expect("runs");
    assert_eq!(summary.records_in, 20_000);
    // Read ahead: the chunks in flight, plus one read buffer and the gzip sniffing buffer.
    let bound = 3 * 100 * 64 + (1 << 20) + (1 << 16) + 64;
    assert!(ahead_max <= bound, "{ahead_max} > {bound}");
    assert!(ahead_max < 20_000 * 64 / 2);
    // Once per batch (of at most 100 records).
    assert_eq!(progress_seen.len() as u64, summary.batches);
    assert!(summary.batches >= 200, "{summary:?}");
    assert!(progress_seen
        .windows(2)
        .all(|w| w[0].records < w[1].records));
    assert_eq!(progress_seen.last().map(|p| p.records), Some(20_000));
    assert_eq!(progress_seen.last().map(|p| p.bytes), Some(20_000 * 64));
}

/// Rows (record, line, values), rejects, and the input error that ended the read, if any.
type ReadAll = (Vec<(u64, u64, Vec<Value>)>, Vec<Reject>, Option<String>);

/// Everything a read produces, for comparing chunkings.
fn read_everything(bytes: &[u8], format: Format, records: usize, step: usize) -> ReadAll {
    let schema = lead_schema();
    let input = Input::from_reader(
        "x",
        Trickle {
            data: bytes.to_vec(),
            pos: 0,
            step,
            served: Arc::new(AtomicU64::new(0)),
        },
        format,
    )
    .expect("input");
    let mut reader = match Reader::new(input, &schema, ChunkSize { records, bytes: 64 }) {
        Ok(r) => r,
        Err(e) => return (vec![], vec![], Some(e.to_string())),
    };
    let mut rows = Vec::new();
    let mut rejects = Vec::new();
    loop {
        match reader.next_batch() {
            Ok(Some(d)) => {
                for r in 0..d.batch.len() {
                    rows.push((d.batch.record_number(r), d.batch.line(r), d.batch.lead(r)));
                }
                rejects.extend(d.rejects);
            }
            Ok(None) => return (rows, rejects, None),
            Err(e) => return (rows, rejects, Some(e.to_string())),
        }
    }
}

#[test]
fn chunk_sizes_and_short_reads_never_change_what_is_read() {
    let ndjson = format!(
        "{}\n\r\n{{\"id\":\"x\",\"visits\":1}}\r\n{{broken\n{{\"id\":\"y\",\"visits\":2,\"tags\":[\"a\",\"b\"]}}",
        leads(40, 9)
    );
    let array = {
        // An unbalanced `{broken` would swallow the rest of an array: use a balanced bad one.
        let items: Vec<&str> = ndjson
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                if l == "{broken" {
                    "{\"id\": nope, \"x\": [\"],\"]}"
                } else {
                    l
                }
            })
            .collect();
        format!("[\n{}\n]  \n", items.join(" ,\n  "))
    };
    let csv = {
        let mut s = String::from("id,visits,tags\r\n");
        for i in 0..40 {
            s.push_str(&format!("\"L{i}\n\"\"q\"\"\",{i},a;b\r\n"));
            if i % 7 == 0 {
                s.push_str("bad,x,\n\n");
            }
            if i % 11 == 0 {
                s.push_str("q\"uote,1,\"x,y\"\"z\"\r");
            }
        }
        s
    };
    for (text, format) in [
        (ndjson.as_str(), Format::Ndjson),
        (array.as_str(), Format::Json),
        (csv.as_str(), Format::Csv),
    ] {
        let reference = read_everything(text.as_bytes(), format, 1_000_000, 1 << 20);
        assert!(reference.0.len() > 30, "{format:?}: {:?}", reference);
        assert!(!reference.1.is_empty(), "{format:?}");
        assert_eq!(reference.2, None, "{format:?}");
        for records in [1, 2, 3, 10] {
            for step in [1, 2, 5, 64] {
                let got = read_everything(text.as_bytes(), format, records, step);
                assert_eq!(got, reference, "{format:?} records {records} step {step}");
            }
        }
    }
}

/// A run of blank lines longer than a chunk makes chunks without records: they make no batch,
/// and neither the records after them nor their numbers are lost, read on one thread or in the
/// pipeline.
#[test]
fn chunks_of_blank_lines_make_no_batch_and_lose_nothing() {
    let mut text = leads(30, 0);
    text.push_str(&"  \n".repeat(2000));
    for i in 31..=40 {
        text.push_str(&format!("{{\"id\":\"L{i}\",\"visits\":{i},\"tags\":[]}}\n"));
    }
    text.push_str("{\"id\":\"L41\",\"visits\":\"many\"}\n");
    text.push_str(&"\n".repeat(500));
    text.push_str("   ");
    let expected: Vec<String> = (1..=40).map(|i| format!("L{i}")).collect();
    let reader = || {
        let input = Input::from_bytes("blank.ndjson", text.as_bytes().to_vec(), Format::Ndjson)
            .expect("input");
        let size = ChunkSize {
            records: 7,
            bytes: 256,
        };
        Reader::new(input, &lead_schema(), size).expect("reader")
    };
    let (batches, rejects) = reader().read_all().expect("reads");
    let ids: Vec<String> = batches
        .iter()
        .flat_map(|b| (0..b.len()).map(move |r| id_of(&b.lead(r)[0])))
        .collect();
    assert_eq!(ids, expected);
    assert!(batches.iter().all(|b| !b.is_empty()));
    let lines: Vec<(u64, u64)> = rejects.iter().map(|r| (r.record, r.line)).collect();
    assert_eq!(lines, [(41, 30 + 2000 + 10 + 1)]);

    let config = Config {
        threads: 3,
        on_error: OnError::Skip,
        max_in_flight: 0,
        max_rejects: None,
    };
    let mut ids = Vec::new();
    let mut out = Vec::new();
    let summary = run(
        reader(),
        &config,
        Some(&mut out),
        None,
        |b| {
            assert!(!b.is_empty(), "an empty batch");
            process(b, 0)
        },
        |batch_ids| {
            ids.extend(batch_ids);
            Ok(Flow::Continue)
        },
    )
    .expect("runs");
    assert_eq!(ids, expected);
    assert_eq!((summary.records_in, summary.rejected), (41, 1));
    let reject: serde_json::Value = serde_json::from_slice(out.trim_ascii()).expect("one reject");
    assert_eq!(
        (reject["record"].as_u64(), reject["line"].as_u64()),
        (Some(41), Some(2041))
    );
}

/// A file of a few MiB is mapped into memory by default, and reads exactly as the same file
/// read with `read` (`--no-mmap`): the same rows in order, the same rejects with their record
/// numbers, lines and raw text (kept from the mapping), through the parallel pipeline, for
/// NDJSON and for CSV with a byte order mark and quoted line breaks.
#[test]
fn a_mapped_file_reads_as_a_read_one() {
    let dir = std::env::temp_dir().join(format!("smql-mapped-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let ndjson = leads(60_000, 997);
    let pad = "p".repeat(20);
    let mut csv = String::from("\u{feff}id,visits,tags\r\n");
    for i in 1..=60_000 {
        match i % 1009 {
            0 => csv.push_str(&format!("L{i},many,x\r\n")),
            5 => csv.push_str(&format!("L{i},{i},\"two\nlines;t{}\"\r\n", i % 5)),
            _ => csv.push_str(&format!("L{i},{i},t{};{pad}\r\n", i % 5)),
        }
    }
    // Every 997th NDJSON lead and every 1009th CSV lead does not fit.
    for (name, text, good) in [
        ("leads.ndjson", ndjson, 60_000 - 60_000 / 997),
        ("leads.csv", csv, 60_000 - 60_000 / 1009),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, &text).expect("writes the file");
        assert!(text.len() > 1 << 20, "large enough to be mapped");
        let read_with = |mapped: bool| {
            let input = Input::open(&path, None).expect("opens");
            let input = if mapped { input } else { input.without_mmap() };
            assert_eq!(input.is_mapped(), mapped, "{name}");
            let reader = Reader::new(input, &lead_schema(), ChunkSize::default()).expect("reader");
            let (mut ids, mut rejects) = (Vec::new(), Vec::new());
            let config = skip_on_three_threads();
            let summary = run(
                reader,
                &config,
                Some(&mut rejects),
                None,
                |b| process(b, 0),
                |batch_ids| {
                    ids.extend(batch_ids);
                    Ok(Flow::Continue)
                },
            )
            .expect("runs");
            (
                summary.records_in,
                ids,
                String::from_utf8(rejects).expect("utf-8"),
            )
        };
        let (mapped, read) = (read_with(true), read_with(false));
        assert_eq!(mapped.0, 60_000, "{name}");
        assert_eq!(mapped.1.len(), good, "{name}");
        assert!(mapped.2.contains("\"raw\":"), "{name}: {}", mapped.2);
        assert_eq!(mapped, read, "{name}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
