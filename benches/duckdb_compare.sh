#!/usr/bin/env bash
# smql vs DuckDB, end to end from a file to CSV out, on generated leads: see benches/README.md.
#
#   benches/duckdb_compare.sh [--runs N] [--leads 1000000] [--rss-leads "1000000 4000000"]
#
# Sets up (once, under the cargo target directory): a Python venv with DuckDB from PyPI, a
# release build of `smql` and of the `gen_leads` example, and the generated data. Then times
# `smql eval benches/bench.smql leads.{ndjson,csv} --as-of 2026-11-01 -o out.csv` against the same
# rules in DuckDB SQL (benches/bench_duckdb.sql, 2 threads), checks that both wrote the same rows,
# and measures smql's peak RSS.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
venv="$target/duckdb-venv"
data="$target/bench-data"
mkdir -p "$data"

if ! "$venv/bin/python" -c 'import duckdb' 2>/dev/null; then
    echo "setting up DuckDB in $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet duckdb
fi
if [ ! -x /usr/bin/time ]; then
    echo "installing GNU time (for peak RSS)" >&2
    apt-get install -y time >/dev/null 2>&1 || (apt-get update >/dev/null && apt-get install -y time >/dev/null)
fi

echo "building smql and gen_leads (release)" >&2
(cd "$repo" && cargo build --release --quiet --bin smql --example gen_leads)

exec "$venv/bin/python" "$repo/benches/duckdb_compare.py" \
    --smql "$target/release/smql" \
    --gen "$target/release/examples/gen_leads" \
    --rules "$repo/benches/bench.smql" \
    --sql "$repo/benches/bench_duckdb.sql" \
    --data "$data" \
    "$@"
