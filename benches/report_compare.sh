#!/usr/bin/env bash
# `smql report` against `smql eval` of the same data to CSV: the cost of counting every section
# (funnel, breakdown, exact percentiles, deciles, velocity, flow, SLAs) over writing every row
# (target: under 1.3x eval).
#
#   benches/report_compare.sh [--runs N] [--leads N] [--profile release|bench] [--baseline SMQL]
#                             [--smql SMQL]
#
# Builds smql and gen_leads (`--profile bench`: the release settings without LTO and with 16
# codegen units, a build several times faster for comparing two versions), generates N leads
# (default 1,000,000) with event streams as NDJSON and as CSV, then times, interleaved, `smql
# eval examples/b2b-saas DATA -o out.csv` and `smql report examples/b2b-saas DATA --by source
# --outcome Customer --format json -o report.json`, and prints the medians and their ratio.
# `--baseline SMQL` times another build of smql (an earlier commit's) the same way in the same
# loop, alternating with this one, and prints its ratio beside. `--smql SMQL` times that binary
# instead of building one (gen_leads must have been built).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
data="$target/bench-data"
runs=5
leads=1000000
profile=release
baseline=""
prebuilt=""
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --leads) leads="$2"; shift 2 ;;
        --profile) profile="$2"; shift 2 ;;
        --baseline) baseline="$2"; shift 2 ;;
        --smql) prebuilt="$2"; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
case "$profile" in
    release) ;;
    bench) export CARGO_PROFILE_BENCH_LTO=false CARGO_PROFILE_BENCH_CODEGEN_UNITS=16 ;;
    *) echo "--profile is release or bench" >&2; exit 2 ;;
esac
mkdir -p "$data"
if [ -n "$prebuilt" ]; then
    smql="$prebuilt"
else
    echo "building smql and gen_leads ($profile)" >&2
    (cd "$repo" && cargo build --profile "$profile" --quiet --bin smql --example gen_leads)
    # Both profiles build into target/release.
    smql="$target/release/smql"
fi
if [ -n "$baseline" ]; then
    # A copy: the next build must not replace the binary being timed.
    cp "$smql" "$data/smql-candidate"
    smql="$data/smql-candidate"
fi

# shellcheck source=benches/lib.sh
source "$repo/benches/lib.sh"
# "NAME: wall eval …, report …: R; CPU eval …, report …: R" from two lists of "WALL CPU".
summary() {
    local name="$1" evals="$2" reports="$3" e d ec dc
    e=$(echo "$evals" | cut -d' ' -f1 | median)
    d=$(echo "$reports" | cut -d' ' -f1 | median)
    ec=$(echo "$evals" | cut -d' ' -f2 | median)
    dc=$(echo "$reports" | cut -d' ' -f2 | median)
    printf '%-6s %-9s %d leads, medians of %d: wall eval %.3f s, report %.3f s: %.2fx; CPU eval %.2f s, report %.2f s: %.2fx\n' \
        "$fmt" "$name" "$leads" "$runs" "$e" "$d" "$(echo "$d / $e" | bc -l)" "$ec" "$dc" "$(echo "$dc / $ec" | bc -l)"
}

for fmt in ndjson csv; do
    file=$(b2b_leads "$fmt")
    bins=("$smql"); [ -n "$baseline" ] && bins+=("$baseline")
    declare -A evals=() reports=()
    for _ in $(seq "$runs"); do
        for bin in "${bins[@]}"; do
            evals[$bin]+="$(elapsed "$bin" eval "$repo/examples/b2b-saas" "$file" --as-of 2026-11-01 -q -o "$data/out.csv")"$'\n'
            reports[$bin]+="$(elapsed "$bin" report "$repo/examples/b2b-saas" "$file" --as-of 2026-11-01 -q --by source --outcome Customer --format json -o "$data/report-${bin##*/}.json")"$'\n'
        done
    done
    if [ -n "$baseline" ] && ! cmp -s "$data/report-${smql##*/}.json" "$data/report-${baseline##*/}.json"; then
        echo "$fmt: the reports of smql and the baseline differ" >&2
        exit 1
    fi
    if [ -n "$baseline" ]; then
        summary baseline "$(printf '%s' "${evals[$baseline]}" | sed '/^$/d')" "$(printf '%s' "${reports[$baseline]}" | sed '/^$/d')"
    fi
    summary smql "$(printf '%s' "${evals[$smql]}" | sed '/^$/d')" "$(printf '%s' "${reports[$smql]}" | sed '/^$/d')"
    unset evals reports
done
