#!/usr/bin/env bash
# Short fuzz run of every target: `fuzz/run.sh [SECONDS_PER_TARGET]` (default 60).
# Seeds each corpus from the bundled instances and, when present, ../shared/instances; keeps the
# corpora in fuzz/corpus and any crashing input in fuzz/artifacts (both git-ignored). A crash makes
# the script exit non-zero; copy the input into tests/fuzz/<target>/ once it is fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shared=../shared/instances
corpus=fuzz/corpus

seed() { # seed TARGET FILE...
    mkdir -p "$corpus/$1"
    local target="$1"; shift
    for f in "$@"; do [ -f "$f" ] && cp "$f" "$corpus/$target/$(basename "$f")"; done
    cp tests/fuzz/"$target"/* "$corpus/$target/" 2>/dev/null || true
}

seed native instances/*.json
seed solomon "$shared"/solomon/C101.txt "$shared"/solomon/R211.txt "$shared"/solomon/RC105.txt
seed trsp "$shared"/trsp_pillac/C101.100_25-5-5-5.txt "$shared"/trsp_pillac/R204.100_25-5-5-5.txt
mkdir -p "$corpus/strsp"
for name in C101_5x4_noTeam R101_5x4_Team; do
    kind="${name##*_}"
    tasks="$shared/strsp_kovacs/tasks_$kind/$name.txt"
    techs="$shared/strsp_kovacs/technicians_$kind/technicians_$name.txt"
    if [ -f "$tasks" ] && [ -f "$techs" ]; then
        { cat "$tasks"; printf '\0'; cat "$techs"; } > "$corpus/strsp/$name"
    fi
done
seed strsp
mkdir -p "$corpus/plan"
cargo run --release --quiet -- solve instances/tiny.json -o "$corpus/plan/tiny.plan.json" --quiet --iterations 200
seed plan
mkdir -p "$corpus/events" "$corpus/roads"
cat > "$corpus/events/sick.json" <<'JSON'
{"now": "2026-03-02T11:00:00+01:00", "events": [
 {"type": "absent", "technician": "T001", "from": "2026-03-02T11:00:00+01:00"},
 {"type": "running_late", "visit": "V0001", "extra": "PT30M"},
 {"type": "cancelled", "visit": "V0002"},
 {"type": "new_visit", "visit": {"id": "U", "site": "S0001", "kind": "repair", "duration": "PT1H"}}]}
JSON
seed events
python3 -c 'import json,sys; print(json.dumps(json.load(open("instances/roads.json"))["travel"]["network"]))' > "$corpus/roads/grid.json"
seed roads

status=0
for target in native solomon trsp strsp plan events roads; do
    echo "== $target: ${seconds}s"
    cargo +nightly fuzz run -O "$target" "$corpus/$target" -- \
        -max_total_time="$seconds" -max_len=262144 -print_final_stats=1 || status=1
done
exit $status
