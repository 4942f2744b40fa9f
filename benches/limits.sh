#!/usr/bin/env bash
# Time limits and scale, measured on whole `fieldsched solve` runs (reading, solving, checking
# and writing the plan): wall-clock time against --time-limit, peak memory (GNU time's maximum
# resident set size), visits served and late, and whether `fieldsched check` accepts the plan.
#
#   benches/limits.sh [LIMITS] [THREADS]     e.g. benches/limits.sh "10 60" 2
#
# Instances: generated ones of 100, 1 000, 2 000, 5 000 and 10 000 visits (one technician per ten
# visits, two working days, three SLA tiers, six skills with levels; generated into target/limits),
# and, when ../shared/instances is present, Solomon R102, Gehring–Homberger C1_10_1 (1 000
# customers) and the exact engine on C101 and R104 cut to 25 customers. Writes
# benches/results/limits.csv and prints a markdown table. Run it alone: it measures time.
set -euo pipefail
cd "$(dirname "$0")/.."
limits="${1:-10 60}"
threads="${2:-2}"
command -v /usr/bin/time >/dev/null || { echo "error: needs GNU time (apt-get install time)" >&2; exit 1; }
cargo build --release --quiet
bin=target/release/fieldsched
work=target/limits
mkdir -p "$work" benches/results
shared=../shared/instances

cases=()  # "name|file|extra arguments"
for n in 100 1000 2000 5000 10000; do
    file="$work/generated-$n.json"
    [ -f "$file" ] || "$bin" generate --visits "$n" --technicians $((n / 10)) --days 2 --seed 1 -o "$file" >/dev/null
    cases+=("generated-$n|$file|")
done
if [ -d "$shared" ]; then
    cases+=("solomon-R102|$shared/solomon/R102.txt|")
    cases+=("homberger-c1_10_1|$shared/homberger/1000/c1_10_1.txt|")
    # The exact engine on Solomon files cut to their first 25 customers (depot row kept).
    for name in C101 R104; do
        awk '/CUST NO/ {table = 1} table && $1 ~ /^[0-9]+$/ && $1 > 25 {exit} {print}' \
            "$shared/solomon/$name.txt" > "$work/$name.25.txt"
        cases+=("exact-$name.25|$work/$name.25.txt|--solver exact --objective distance")
    done
else
    echo "notice: $shared not found; measuring the generated instances only" >&2
fi

csv=benches/results/limits.csv
echo "instance,solver,visits,threads,time_limit,wall,over_percent,within,peak_mib,assigned,unassigned,late,objective,feasible" > "$csv"
printf '| instance | solver | T (s) | wall (s) | over T | within T+10%%+0.5 s | peak MiB | served | left out | late | checked |\n|---|---|---|---|---|---|---|---|---|---|---|\n'
for limit in $limits; do
    for case in "${cases[@]}"; do
        IFS='|' read -r name file extra <<<"$case"
        plan="$work/$name-$limit.plan.json"
        # shellcheck disable=SC2086
        /usr/bin/time -f "%e %M" -o "$work/time" "$bin" solve "$file" -o "$plan" --quiet \
            --time-limit "$limit" --threads "$threads" --seed 1 $extra > "$work/out"
        read -r wall kib < "$work/time"
        # shellcheck disable=SC2046
        if "$bin" check "$file" "$plan" $(grep -o -- '--objective [a-z]*' <<<"$extra") > "$work/check"; then
            feasible=true
        else
            feasible=false
        fi
        field() { sed -n "s/^$1 *//p" "$work/out" | head -n 1; }
        visits=$(field visits)
        assigned=$(awk '{print $1}' <<<"$visits")
        unassigned=$(awk '{print $3}' <<<"$visits")
        late=$( (grep -o '[0-9]* late' "$work/out" || true) | awk '{s += $1} END {print s + 0}')
        objective=$(field objective | awk '{print $NF}')
        solver=$(field solver | awk '{print $1}')
        over=$(awk -v w="$wall" -v t="$limit" 'BEGIN {printf "%.1f", 100 * (w - t) / t}')
        within=$(awk -v w="$wall" -v t="$limit" 'BEGIN {print (w <= 1.1 * t + 0.5) ? "yes" : "NO"}')
        mib=$((kib / 1024))
        echo "$name,$solver,$((assigned + unassigned)),$threads,$limit,$wall,$over,$within,$mib,$assigned,$unassigned,$late,$objective,$feasible" >> "$csv"
        echo "| $name | $solver | $limit | $wall | $over % | $within | $mib | $assigned | $unassigned | $late | $feasible |"
    done
done
echo
echo "written to $csv ($(nproc) cores, threads $threads, seed 1)"
