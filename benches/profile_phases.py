#!/usr/bin/env python3
"""Where `smql eval`'s CPU time goes, by phase: `perf record` of one run, each symbol's self
time put in a phase by its name.

    benches/profile_phases.py --smql target/release/smql --data leads.ndjson [--rules R] [--runs 3]

Needs `perf` (Debian: `linux-perf`). Prints, per phase, the share of the samples of the smql
process (every thread: reading, workers, writing). A symbol no pattern names counts as
"other"; `--show-other 20` lists the largest of them, to keep the patterns honest.
"""

import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile

# First match wins: order from the most specific.
PHASES = [
    ("read: the kernel's copy from the page cache", r"^\[k\] (_copy_to_iter|copy_page_to_iter|filemap_|ext4_|copy_user|rep_movs)"),
    ("cut and split into records", r"split::|LineSplitter|CsvSplitter|Coarse|memchr.*(memrchr|rfind)"),
    ("UTF-8 check", r"simdutf8|from_utf8|validate_utf8"),
    ("decode: JSON scanning", r"json_scan|data::json::|serde_json"),
    ("decode: CSV cells", r"data::csv::|csv_core"),
    ("decode: converting and storing values", r"data::fields::|data::batch::|data::text::|data::convert::|time::read|Decoder::decode|parse_number|lexical"),
    ("decode: interning strings", r"data::dict::|foldhash|hashbrown"),
    ("evaluate: the JIT kernel and its helpers", r"smql_kernel|eval::jit|eval::text|eval::row|eval::interp"),
    ("write: rendering and writing rows", r"smql::output::|eval::outcome::|write_all|fmt::"),
    ("memory: copies, zeroing, allocation, page faults", r"memmove|memcpy|memset|malloc|_int_free|cfree|unlink_chunk|\[k\] (clear_page|exc_page_fault|do_anonymous_page|__handle_mm_fault|handle_mm_fault|alloc_pages|__alloc|get_page_from_freelist|free_unref|mas_|mt_find|lru|__lruvec|folio|zap_|unmap)"),
    ("memchr (the scanners' searches)", r"memchr"),
    ("threads: waking, switching, locks", r"\[k\] (finish_task_switch|_raw_spin|futex|schedule|try_to_wake|irqentry|__schedule)|pthread_|syscall|std::sync"),
]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--smql", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--rules", default=os.path.join(os.path.dirname(__file__), "bench.smql"))
    p.add_argument("--runs", type=int, default=3, help="runs recorded together (more samples)")
    p.add_argument("--freq", type=int, default=4000)
    p.add_argument("--show-other", type=int, default=0)
    a = p.parse_args()

    counts = collections.Counter()
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(a.runs):
            data = os.path.join(tmp, f"perf{run}.data")
            cmd = ["perf", "record", "-q", "-F", str(a.freq), "-o", data, "--",
                   a.smql, "eval", a.rules, a.data, "--as-of", "2026-11-01", "--quiet",
                   "-o", "/dev/null"]
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
            report = subprocess.run(
                ["perf", "report", "-i", data, "--no-children", "--sort", "sym", "--stdio",
                 "-F", "sample,sym"],
                check=True, capture_output=True, text=True).stdout
            for line in report.splitlines():
                m = re.match(r"\s*(\d+)\s+(.*\S)\s*$", line)
                if m and not line.lstrip().startswith("#"):
                    counts[m.group(2)] += int(m.group(1))
    total = sum(counts.values())
    if total == 0:
        sys.exit("no samples (is perf allowed? see /proc/sys/kernel/perf_event_paranoid)")
    by_phase = collections.Counter()
    other = collections.Counter()
    for sym, n in counts.items():
        for phase, pattern in PHASES:
            if re.search(pattern, sym):
                by_phase[phase] += n
                break
        else:
            by_phase["other"] += n
            other[sym] += n
    print(f"{a.data}: {total} samples over {a.runs} runs")
    for phase, n in by_phase.most_common():
        print(f"  {100 * n / total:5.1f}%  {phase}")
    for sym, n in other.most_common(a.show_other):
        print(f"           {100 * n / total:5.2f}%  {sym}")


if __name__ == "__main__":
    main()
