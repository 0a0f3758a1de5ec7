#!/usr/bin/env bash
# Demo input for the recipes: `logwarden gen` data cut into SHARDS directories of whole lines,
# OUT/logs/part-0000/requests.jsonl … (the layout every recipe reads: one directory a shard).
# Usage: examples/make-shards.sh OUT [SHARDS=8] [RECORDS=40000]
# Environment: LOGWARDEN (the binary; default `logwarden` on PATH).
set -euo pipefail
out=${1:?usage: make-shards.sh OUT [SHARDS] [RECORDS]}
shards=${2:-8}
records=${3:-40000}
bin=${LOGWARDEN:-logwarden}
mkdir -p "$out/logs"
"$bin" gen --records "$records" --seed 19 -o "$out/all.jsonl"
split -n "l/$shards" -d -a 4 "$out/all.jsonl" "$out/part-"
for f in "$out"/part-*; do
  mkdir -p "$out/logs/$(basename "$f")"
  mv "$f" "$out/logs/$(basename "$f")/requests.jsonl"
done
rm "$out/all.jsonl"
echo "$out/logs: $shards shards of $records generated records ($(du -sh "$out/logs" | cut -f1))"
