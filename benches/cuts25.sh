#!/usr/bin/env bash
# The exact engine on every Solomon file of ../shared/instances/solomon cut to its first 25
# customers (depot row kept), distance objective, 60 s each, 1 thread, release build:
# `benches/cuts25.sh [SECONDS]` → benches/results/solomon25-exact-<S>s-1t.csv.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shared=../shared/instances/solomon
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for file in "$shared"/*.txt; do
    name=$(basename "$file" .txt)
    awk '/CUST NO/ {table = 1} table && $1 ~ /^[0-9]+$/ && $1 > 25 {exit} {print}' \
        "$file" > "$work/$name.txt"
done
cargo build --release --quiet
target/release/fieldsched bench "$work" --objective distance --solver exact \
    --time-limit "$seconds" --threads 1 \
    --out "benches/results/solomon25-exact-${seconds}s-1t.csv"
