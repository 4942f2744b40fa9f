#!/usr/bin/env bash
# Short fuzz run of every target (or of those named): `fuzz/run.sh [SECONDS_PER_TARGET]
# [TARGET...]` (default 60 s, every target).
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
seed_strsp() { # seed_strsp NAME TASKS TECHNICIANS: both files joined by a NUL byte
    if [ -f "$2" ] && [ -f "$3" ]; then
        { cat "$2"; printf '\0'; cat "$3"; } > "$corpus/strsp/$1"
    fi
}
kovacs="$shared/strsp_kovacs"
seed_strsp C101_5x4_noTeam "$kovacs/tasks_noTeam/C101_5x4_noTeam.txt" \
    "$kovacs/technicians_noTeam/technicians_C101_5x4_noTeam.txt"
seed_strsp C103_5x4_Team "$kovacs/tasks_Team/C103_5x4_Team.txt" \
    "$kovacs/technicians_Team/technicians_5x4_Team.txt"
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
targets=("${@:2}")
[ ${#targets[@]} -gt 0 ] || targets=(native solomon trsp strsp plan events roads)
for target in "${targets[@]}"; do
    echo "== $target: ${seconds}s"
    cargo +nightly fuzz run -O "$target" "$corpus/$target" -- \
        -max_total_time="$seconds" -max_len=262144 -print_final_stats=1 || status=1
done
exit $status
