#!/usr/bin/env bash
# Field days: generated instances with the field rules (a break in every shift, overtime, caps,
# preferences, SLA tiers), solved by this build (and by a baseline binary when given), seed 1.
# One row per solve: construction (iterations 0) and each time limit; travel in minutes, cost,
# late visits, visits left out and search iterations, from the plan file.
#
#   benches/field.sh [LIMITS] [THREADS] [BASELINE]    e.g. benches/field.sh "10 60" 1 /tmp/old
#
# Sizes (visits/technicians): 300/30, 1000/100, 5000/500, two days, generated with seed 7 into
# target/field. Writes benches/results/field-days-<threads>t.csv. Run it alone: it measures time.
set -euo pipefail
cd "$(dirname "$0")/.."
limits="${1:-10 60}"
threads="${2:-1}"
baseline="${3:-}"
cargo build --release --quiet
bin=target/release/fieldsched
work=target/field
mkdir -p "$work" benches/results
out="benches/results/field-days-${threads}t.csv"
echo "visits,engine,limit_s,threads,cost,travel_min,late,unassigned,iterations" > "$out"
row() { # engine binary visits file limit
    local engine=$1 exe=$2 n=$3 file=$4 limit=$5 args
    if [ "$limit" = 0 ]; then args=(--iterations 0); else args=(--time-limit "$limit"); fi
    "$exe" solve "$file" "${args[@]}" --threads "$threads" --seed 1 -o "$work/plan.json" >/dev/null 2>&1
    python3 - "$work/plan.json" "$engine" "$n" "$limit" "$threads" >> "$out" <<'EOF'
import json, sys
plan = json.load(open(sys.argv[1]))
k = plan["kpis"]
late = sum(t["late"] for t in k["sla"].values())
iterations = plan["solver"].get("iterations", "")
print(f"{sys.argv[3]},{sys.argv[2]},{sys.argv[4]},{sys.argv[5]},{k['cost']:.2f},"
      f"{k['travel_time']:.1f},{late},{k['visits_unassigned']},{iterations}")
EOF
    tail -1 "$out"
}
for n in 300 1000 5000; do
    file="$work/field-$n.json"
    [ -f "$file" ] || "$bin" generate --visits "$n" --technicians $((n / 10)) --days 2 --seed 7 \
        --field-rules -o "$file" >/dev/null
    for limit in 0 $limits; do
        row this "$bin" "$n" "$file" "$limit"
        [ -z "$baseline" ] || row baseline "$baseline" "$n" "$file" "$limit"
    done
done
