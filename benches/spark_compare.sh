#!/usr/bin/env bash
# smql eval vs the same rules compiled for Spark (`smql compile --dialect spark`) on local[2]:
# rows/s of each on generated leads, on this machine. See examples/spark/README.md.
#
#   benches/spark_compare.sh [--leads 200000] [--runs 3]
#
# Sets up (once, under the cargo target directory): the engines' venv (.ci/install-engines),
# release builds of `smql` and `gen_leads`, the generated leads (NDJSON with events) and their
# Parquet copy. Then times `smql eval examples/b2b-saas leads.ndjson` (median of --runs) and
# examples/spark/score.py over the Parquet directory (one run: Spark's start-up is reported
# apart), and checks that both scored every lead the same.
set -euo pipefail

leads=200000
runs=3
while [ $# -gt 0 ]; do
    case "$1" in
        --leads) leads="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        *) echo "usage: $0 [--leads N] [--runs N]" >&2; exit 2 ;;
    esac
done

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
py="$target/sql-engines/venv/bin/python"
data="$target/bench-data/spark-$leads"
rules="$repo/examples/b2b-saas"
as_of=2026-11-01
mkdir -p "$data"

"$repo/.ci/install-engines" >/dev/null
echo "building smql and gen_leads (release)" >&2
(cd "$repo" && cargo build --release --quiet --bin smql --example gen_leads)
smql="$target/release/smql"

if [ ! -s "$data/leads.ndjson" ]; then
    echo "generating $leads leads" >&2
    "$target/release/examples/gen_leads" "$leads" --events > "$data/leads.ndjson"
fi
"$smql" compile "$rules" --dialect spark --ddl -o "$data/create.sql"
"$smql" compile "$rules" --dialect spark --as-of "$as_of" -o "$data/score.sql"
if [ ! -d "$data/leads.parquet" ]; then
    echo "writing the leads as Parquet (smql compile --rows, then Spark)" >&2
    "$smql" compile "$rules" --dialect spark --rows "$data/leads.ndjson" -q -o "$data/rows.ndjson"
    (cd "$repo/examples/spark" && "$py" to_parquet.py --ddl "$data/create.sql" --rows "$data/rows.ndjson" --out "$data/leads.parquet")
fi

times=()
for _ in $(seq "$runs"); do
    start=$(date +%s.%N)
    "$smql" eval "$rules" "$data/leads.ndjson" --as-of "$as_of" --format ndjson -q -o "$data/eval.ndjson"
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc)")
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")

echo "smql eval: $leads leads in ${median} s (median of $runs): $(echo "$leads / $median" | bc) rows/s" >&2
(cd "$repo/examples/spark" && "$py" score.py --ddl "$data/create.sql" --query "$data/score.sql" \
    --leads "$data/leads.parquet" --out "$data/scored.parquet")

"$py" - "$data/eval.ndjson" "$data/scored.parquet" <<'PY'
import json, math, sys
import pyarrow.parquet as pq
want = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    want[r["id"]] = r
got = pq.read_table(sys.argv[2]).to_pylist()
bad = 0
for r in got:
    w = want[r["id"]]
    for k, v in w.items():
        g = r[k]
        same = (abs(v - g) <= 1e-9 * max(abs(v), abs(g)) or v == g) if isinstance(v, float) or isinstance(g, float) else v == g
        bad += not same
print("checked %d leads: %s" % (len(got), "the same as smql eval" if bad == 0 and len(got) == len(want) else "%d values differ" % bad), file=sys.stderr)
sys.exit(1 if bad or len(got) != len(want) else 0)
PY
