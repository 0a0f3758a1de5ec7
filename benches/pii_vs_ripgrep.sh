#!/usr/bin/env bash
# `pii` (every default type on) against ripgrep 14 running the 12 plain patterns of
# benches/pii_patterns.txt over the same generated ~1 GB file, run back to back in one script,
# RUNS rounds (default 3). Prints wall, user and system seconds of every run and the ratio of
# the best wall times and of the best CPU (user+sys) times.
# Usage: benches/pii_vs_ripgrep.sh [FILE] (default: generated with
# `logwarden gen --records 450000 --seed 1`). RG=path/to/rg picks the ripgrep binary;
# RG_CAP=SECONDS stops a ripgrep run after that long (reported as "> CAP").
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-${CARGO_TARGET_DIR:-target}/release/logwarden}
RG=${RG:-rg}
THREADS=${THREADS:-2}
RUNS=${RUNS:-3}
RG_CAP=${RG_CAP:-0}
FILE=${1:-${BENCH_DIR:-bench-data}/big.jsonl}
if [ ! -s "$FILE" ]; then
  mkdir -p "$(dirname "$FILE")"
  "$BIN" gen --records 450000 --seed 1 -o "$FILE"
fi
"$RG" --version | sed -n 1p
echo "file: $FILE ($(stat -c %s "$FILE") bytes), threads $THREADS, $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
cat "$FILE" > /dev/null   # warm the page cache for both alike
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
# timed LABEL CMD…: runs CMD with GNU time, prints "wall user sys" (seconds).
timed() {
  local cap=$1; shift
  if [ "$cap" != 0 ]; then
    /usr/bin/time -f "%e %U %S" -o "$OUT/t" timeout "$cap" "$@" > /dev/null 2>&1 || true
  else
    /usr/bin/time -f "%e %U %S" -o "$OUT/t" "$@" > /dev/null 2>&1 || true
  fi
  tail -n 1 "$OUT/t"
}
best() { sort -g | head -n 1; }
: > "$OUT/lw" ; : > "$OUT/rg"
for i in $(seq 1 "$RUNS"); do
  read -r lw_w lw_u lw_s < <(timed 0 "$BIN" pii "$FILE" -j "$THREADS" -q -o "$OUT/pii")
  read -r rg_w rg_u rg_s < <(timed "$RG_CAP" "$RG" -c -j "$THREADS" -f benches/pii_patterns.txt "$FILE")
  lw_c=$(awk "BEGIN{printf \"%.2f\", $lw_u + $lw_s}")
  rg_c=$(awk "BEGIN{printf \"%.2f\", $rg_u + $rg_s}")
  echo "run $i: logwarden pii wall ${lw_w} s cpu ${lw_c} s (user ${lw_u}, sys ${lw_s}); ripgrep wall ${rg_w} s cpu ${rg_c} s (user ${rg_u}, sys ${rg_s}); load $(cut -d' ' -f1 /proc/loadavg)"
  echo "$lw_w $lw_c" >> "$OUT/lw"; echo "$rg_w $rg_c" >> "$OUT/rg"
done
bw_lw=$(cut -d' ' -f1 "$OUT/lw" | best); bc_lw=$(cut -d' ' -f2 "$OUT/lw" | best)
bw_rg=$(cut -d' ' -f1 "$OUT/rg" | best); bc_rg=$(cut -d' ' -f2 "$OUT/rg" | best)
echo "best wall: logwarden ${bw_lw} s, ripgrep ${bw_rg} s, ratio $(awk "BEGIN{printf \"%.3f\", $bw_lw/$bw_rg}")"
echo "best cpu:  logwarden ${bc_lw} s, ripgrep ${bc_rg} s, ratio $(awk "BEGIN{printf \"%.3f\", $bc_lw/$bc_rg}")"
