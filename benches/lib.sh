# What benches/report_compare.sh and benches/diff_compare.sh share; sourced, not run. Uses
# `$data` (where generated files and timings go), `$target` (the cargo target directory, for
# gen_leads) and `$leads`.

# The median of the numbers on stdin, one per line.
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# Wall time and CPU time (user + sys) of one run of the command, as "WALL CPU".
elapsed() {
    local s e cpu
    s=$(date +%s.%N)
    /usr/bin/time -f "%U %S" -o "$data/time.txt" "$@" >/dev/null 2>&1
    cpu=$(awk '{print $1 + $2}' "$data/time.txt")
    e=$(date +%s.%N)
    echo "$(echo "$e - $s" | bc) $cpu"
}

# The path of `$leads` generated leads in format $1 (`ndjson`, with event streams, or `csv`),
# generated on first use.
b2b_leads() {
    local fmt="$1" file="$data/b2b-$leads.$1" events=""
    if [ ! -f "$file" ]; then
        echo "generating $file" >&2
        [ "$fmt" = ndjson ] && events="--events"
        "$target/release/examples/gen_leads" "$leads" --format "$fmt" $events > "$file.tmp"
        mv "$file.tmp" "$file"
    fi
    echo "$file"
}
