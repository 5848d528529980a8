"""The measuring half of benches/duckdb_compare.sh (run it through that script, which sets up
DuckDB, the binaries and the paths)."""

import argparse
import os
import re
import statistics
import subprocess
import sys
import time

import duckdb

AS_OF = "2026-11-01"
# DuckDB gets one thread per core; smql's default is one worker per core plus one, with its
# reading thread beside them. On the 2-core machine DuckDB is no faster with 3 threads than
# with 2 (NDJSON: 0.97-1.01 s against 0.97-1.00 s, medians of 5).
THREADS = os.cpu_count() or 2


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--smql", required=True)
    p.add_argument("--gen", required=True)
    p.add_argument("--rules", required=True)
    p.add_argument("--sql", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--leads", type=int, default=1_000_000)
    p.add_argument("--rss-leads", default="1000000 4000000")
    p.add_argument("--baseline", help="another smql binary, timed in the same runs (an A/B)")
    p.add_argument("--baseline-args", default="",
                   help="extra `eval` arguments for the baseline (`--no-mmap`)")
    return p.parse_args()


def data_file(args, n, fmt):
    """The generated file of `n` leads in `fmt`, made with the project's generator if missing."""
    path = os.path.join(args.data, f"leads-{n}.{fmt}")
    if not os.path.exists(path):
        print(f"generating {path}", file=sys.stderr)
        tmp = path + ".tmp"
        with open(tmp, "wb") as out:
            subprocess.run([args.gen, str(n), "--format", fmt], stdout=out, check=True)
        os.replace(tmp, path)
    return path


def duckdb_query(args, path, fmt, out):
    sql = open(args.sql).read()
    if fmt == "ndjson":
        src = f"read_json('{path}', format = 'newline_delimited')"
    else:
        # CSV list cells are `;`-joined, as smql reads them; an empty cell is an empty list.
        src = (
            "(SELECT * REPLACE ("
            "coalesce(string_split(downloaded, ';'), []) AS downloaded, "
            "coalesce(string_split(pages, ';'), []) AS pages) "
            f"FROM read_csv('{path}'))"
        )
    return sql.replace("{SRC}", src).replace("{OUT}", out)


def time_duckdb_once(args, path, fmt, out):
    query = duckdb_query(args, path, fmt, out)
    con = duckdb.connect()
    con.execute(f"SET threads = {THREADS}")
    start = time.perf_counter()
    con.execute(query)
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed


def smql_command(args, path, out, binary=None, extra=()):
    return [binary or args.smql, "eval", args.rules, path, "--as-of", AS_OF, "--quiet", "-o",
            out, *extra]


def time_command(command):
    start = time.perf_counter()
    subprocess.run(command, check=True)
    return time.perf_counter() - start


def time_all(args, path, fmt, smql_out, duck_out):
    """Medians of smql, DuckDB (and the baseline), their runs interleaved so that a change in
    the machine's load falls on all of them alike."""
    ours, theirs, base = [], [], []
    for _ in range(args.runs):
        ours.append(time_command(smql_command(args, path, smql_out)))
        theirs.append(time_duckdb_once(args, path, fmt, duck_out))
        if args.baseline:
            base_out = os.path.join(args.data, f"out-baseline-{fmt}.csv")
            command = smql_command(args, path, base_out, args.baseline,
                                   args.baseline_args.split())
            base.append(time_command(command))
    median = statistics.median
    return median(ours), median(theirs), (median(base) if base else None)


def time_floors(args, path):
    """The floor under any engine: `cat` of the file, and `smql eval` of rules that read only
    the key (every byte still scanned, one field decoded and written)."""
    key_rules = os.path.join(args.data, "key-only.smql")
    with open(key_rules, "w") as f:
        f.write("# Only the key: the floor of reading the file (benches/duckdb_compare.py)\n"
                "schema {\n  id: string key\n}\n")
    cat, key = [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        subprocess.run(["cat", path], check=True, stdout=subprocess.DEVNULL)
        cat.append(time.perf_counter() - start)
        start = time.perf_counter()
        subprocess.run([args.smql, "eval", key_rules, path, "--quiet", "-o", "/dev/null"],
                       check=True)
        key.append(time.perf_counter() - start)
    return statistics.median(cat), statistics.median(key)


def peak_rss_mb(args, path, out):
    """Maximum resident set size of one `smql eval` run, from GNU time."""
    run = subprocess.run(
        ["/usr/bin/time", "-v"] + smql_command(args, path, out),
        check=True,
        stderr=subprocess.PIPE,
        text=True,
    )
    kb = re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr)
    return int(kb.group(1)) / 1024 if kb else float("nan")


def compare(smql_out, duck_out):
    """Rows of both outputs by id: (number of rows, differing ids with both versions)."""

    def rows(path):
        with open(path) as f:
            header = f.readline().strip().split(",")
            want = ["id", "stage", "engagement", "fit"]
            if header != want:
                raise SystemExit(f"{path}: header {header}, expected {want}")
            return dict(line.rstrip("\n").split(",", 1) for line in f)

    ours, theirs = rows(smql_out), rows(duck_out)
    differ = [
        (key, ours.get(key), theirs.get(key))
        for key in sorted(set(ours) | set(theirs))
        if ours.get(key) != theirs.get(key)
    ]
    return len(ours), len(theirs), differ


def main():
    args = parse_args()
    out_dir = args.data
    print(f"{args.leads} leads, {args.runs} runs each, medians; DuckDB {duckdb.__version__} "
          f"with {THREADS} threads; {os.cpu_count()} cores (a shared machine: expect noise)")
    print(f"{'format':8} {'size':>8} {'smql':>8} {'duckdb':>8} {'duckdb/smql':>12}")
    failures = 0
    for fmt in ["ndjson", "csv"]:
        path = data_file(args, args.leads, fmt)
        smql_out = os.path.join(out_dir, f"out-smql-{fmt}.csv")
        duck_out = os.path.join(out_dir, f"out-duckdb-{fmt}.csv")
        ours, theirs, base = time_all(args, path, fmt, smql_out, duck_out)
        size = os.path.getsize(path) / 1e6
        print(f"{fmt:8} {size:6.0f}MB {ours:7.3f}s {theirs:7.3f}s {theirs / ours:11.2f}x")
        if base is not None:
            print(f"  baseline {args.baseline} {args.baseline_args}: {base:.3f}s "
                  f"(baseline/smql {base / ours:.2f}x, DuckDB/baseline {theirs / base:.2f}x)")
        cat, key = time_floors(args, path)
        print(f"  floor: cat {cat:.3f}s; smql reading only the key {key:.3f}s "
              f"({key / ours:.0%} of the full run)")
        n_ours, n_theirs, differ = compare(smql_out, duck_out)
        if n_ours != args.leads or n_theirs != args.leads or differ:
            failures += 1
            print(f"  MISMATCH: smql wrote {n_ours} rows, DuckDB {n_theirs}; "
                  f"{len(differ)} ids differ, e.g. (id, smql, duckdb):")
            for d in differ[:5]:
                print(f"    {d}")
        else:
            print(f"  same {n_ours} rows (id, stage, engagement, fit)")
    for n in [int(x) for x in args.rss_leads.split()]:
        for fmt in ["ndjson", "csv"]:
            path = data_file(args, n, fmt)
            rss = peak_rss_mb(args, path, os.path.join(out_dir, f"out-rss-{fmt}.csv"))
            print(f"peak RSS, smql eval, {n} leads {fmt}: {rss:.0f} MB")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
