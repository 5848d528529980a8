#!/usr/bin/env bash
# `smql diff` against one `smql eval` of the same data: the cost of evaluating two versions of a
# rule set in one read (target: under 1.5x one eval).
#
#   benches/diff_compare.sh [--runs N] [--leads N]
#
# Builds the release binaries, generates N leads (default 1,000,000) with event streams as
# NDJSON and as CSV, then times, interleaved, `smql eval examples/b2b-saas DATA -o out.csv` and
# `smql diff examples/b2b-saas examples/b2b-saas-next DATA --format json -o diff.json`, and prints
# the medians and their ratio.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
data="$target/bench-data"
runs=5
leads=1000000
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --leads) leads="$2"; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
mkdir -p "$data"
echo "building smql and gen_leads (release)" >&2
(cd "$repo" && cargo build --release --quiet --bin smql --example gen_leads)
smql="$target/release/smql"

# shellcheck source=benches/lib.sh
source "$repo/benches/lib.sh"

for fmt in ndjson csv; do
    file=$(b2b_leads "$fmt")
    eval_times=(); diff_times=()
    for _ in $(seq "$runs"); do
        eval_times+=("$(elapsed "$smql" eval "$repo/examples/b2b-saas" "$file" --as-of 2026-11-01 -q -o "$data/out.csv")")
        diff_times+=("$(elapsed "$smql" diff "$repo/examples/b2b-saas" "$repo/examples/b2b-saas-next" "$file" --as-of 2026-11-01 -q --format json -o "$data/diff.json")")
    done
    e=$(printf '%s\n' "${eval_times[@]}" | cut -d' ' -f1 | median)
    d=$(printf '%s\n' "${diff_times[@]}" | cut -d' ' -f1 | median)
    ec=$(printf '%s\n' "${eval_times[@]}" | cut -d' ' -f2 | median)
    dc=$(printf '%s\n' "${diff_times[@]}" | cut -d' ' -f2 | median)
    printf '%-6s %d leads, medians of %d: wall eval %.3f s, diff %.3f s: %.2fx; CPU eval %.2f s, diff %.2f s: %.2fx\n' \
        "$fmt" "$leads" "$runs" "$e" "$d" "$(echo "$d / $e" | bc -l)" "$ec" "$dc" "$(echo "$dc / $ec" | bc -l)"
done
