#!/usr/bin/env bash
# `pii` (every type on) against ripgrep 14 running the 12 plain patterns of
# benches/pii_patterns.txt over the same generated ~1 GB file, alternated in one run, best of 3
# wall-clock seconds each. Usage: benches/pii_vs_ripgrep.sh [FILE] (default: generated with
# `logwarden gen --records 450000 --seed 1`). RG=path/to/rg picks the ripgrep binary.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${CARGO_TARGET_DIR:-target}/release/logwarden
RG=${RG:-rg}
THREADS=${THREADS:-2}
FILE=${1:-${BENCH_DIR:-bench-data}/big.jsonl}
if [ ! -s "$FILE" ]; then
  mkdir -p "$(dirname "$FILE")"
  "$BIN" gen --records 450000 --seed 1 -o "$FILE"
fi
"$RG" --version | sed -n 1p
cat "$FILE" > /dev/null   # warm the page cache for both alike
best_lw="" best_rg=""
wall() { local s e; s=$(date +%s.%N); "$@" > /dev/null 2>&1 || true; e=$(date +%s.%N); awk "BEGIN{printf \"%.2f\", $e - $s}"; }
for i in 1 2 3; do
  t=$(wall "$BIN" pii "$FILE" -j "$THREADS" -q)
  r=$(wall "$RG" -c -j "$THREADS" -f benches/pii_patterns.txt "$FILE")
  echo "run $i: logwarden pii ${t} s, ripgrep ${r} s"
  if [ -z "$best_lw" ] || awk "BEGIN{exit !($t < $best_lw)}"; then best_lw=$t; fi
  if [ -z "$best_rg" ] || awk "BEGIN{exit !($r < $best_rg)}"; then best_rg=$r; fi
done
echo "best: logwarden pii ${best_lw} s, ripgrep ${best_rg} s, ratio $(awk "BEGIN{printf \"%.2f\", $best_lw/$best_rg}")"
