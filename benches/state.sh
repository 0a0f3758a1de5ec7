#!/usr/bin/env bash
# Durable state: the nightly incremental `report --state` (35 daily files, one new) against a
# full scan of the same files (outputs compared byte for byte), state size per million
# requests, and `merge` of 64 shard states. Usage: benches/state.sh [RECORDS_PER_DAY] [DAYS]
# (default 13600 records ≈ 30 MB a day, 35 days). Prints Markdown lines for BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
BIN=$(realpath "${CARGO_TARGET_DIR:-target}/release/logwarden")
DATA=${BENCH_DIR:-bench-data}/state
PER_DAY=${1:-13600}
DAYS=${2:-35}
mkdir -p "$DATA"
cd "$DATA"
secs() { local s e; s=$(date +%s.%N); "$@" > /dev/null 2>&1; e=$(date +%s.%N); awk "BEGIN{printf \"%.2f\", $e - $s}"; }
# Wall, user and system seconds of a command.
times3() { local TIMEFORMAT='%R s wall, %U s user, %S s system'; { time "$@" > /dev/null 2>&1; } 2>&1; }

# One generated history, cut into daily files (by line count); the last two are the two nights'.
total=$((PER_DAY * (DAYS + 1)))
[ -s all.jsonl ] && [ "$(wc -l < all.jsonl)" -eq "$total" ] || "$BIN" gen --records "$total" --days $((DAYS + 1)) --seed 5 -o all.jsonl
rm -rf days new st full inc shards states merged
mkdir -p days new
split -l "$PER_DAY" -d -a 3 --additional-suffix=.jsonl all.jsonl new/day-
last=$(ls new | tail -1)
before=$(ls new | tail -2 | head -1)
for f in new/day-*.jsonl; do
  n=$(basename "$f")
  [ "$n" = "$last" ] || [ "$n" = "$before" ] || mv "$f" days/
done

# A full run that keeps its state; then the night that adds the file before the last (with the
# default 35 days it is a Sunday: the week under review moves on, so the review clusters anew,
# and the kept prefix is used for the first time, so its findings are rendered and kept); then
# tonight: one more file, a Monday (the typical night: both kept).
"$BIN" report days -o inc -q --state st
mv "new/$before" days/
t_week=$(secs "$BIN" report days -o inc -q --state st)
mv "new/$last" days/
bytes=$(du -cb days/*.jsonl | tail -1 | cut -f1)
t_inc=$(secs "$BIN" report days -o inc -q --state st)
t_full=$(secs "$BIN" report days -o full -q)
same=identical
for f in full/*; do
  n=$(basename "$f")
  [ "$n" = summary.json ] && continue
  cmp -s "$f" "inc/$n" || same="DIFFERENT ($n)"
done
kept=$(python3 -c "import json;i=json.load(open('inc/summary.json'))['incremental'];print(i.get('review_clusters_reused'), i.get('findings_rows_reused'))")
echo "- $DAYS + 1 daily files, $(awk "BEGIN{printf \"%.2f\", $bytes / 1e9}") GB: full scan ${t_full} s, nightly \`report --state\` ${t_inc} s ($(awk "BEGIN{printf \"1/%.0f\", $t_full / $t_inc}"); clustering and prefix findings kept: $kept); the night before, when the week under review moved on, ${t_week} s ($(awk "BEGIN{printf \"1/%.0f\", $t_full / $t_week}")); outputs $same"
# The fixed cost: the same night again with nothing new (every file reused, state kept).
echo "- nightly run with nothing new (the fixed cost): $(times3 "$BIN" report days -o inc -q --state st)"
requests=$(python3 -c "import json;print(json.load(open('full/summary.json'))['scan']['records'])")
state=$(find st/report.state st/bodies -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
echo "- state (index and bodies): $(awk "BEGIN{printf \"%.1f\", $state / 1e6}") MB for $requests requests = $(awk "BEGIN{printf \"%.1f\", $state / $requests}") bytes per request ($(awk "BEGIN{printf \"%.0f\", $state / $requests}") MB per million)"

# 64 shards: one state each, then one merge.
mkdir -p shards states
split -n l/64 -d -a 2 --additional-suffix=.jsonl all.jsonl shards/s-
for f in shards/*.jsonl; do
  "$BIN" report "$f" -q --emit-state "states/$(basename "$f" .jsonl).state"
done
t_merge=$(secs "$BIN" merge states/*.state -o merged -q)
sz=$(du -cb states/*.state | tail -1 | cut -f1)
echo "- merge of 64 shard states ($(awk "BEGIN{printf \"%.0f\", $sz / 1e6}") MB, $total requests): ${t_merge} s"
