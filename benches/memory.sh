#!/usr/bin/env bash
# Peak memory of logwarden on generated inputs: total RSS (includes the memory-mapped input's
# resident pages, which are reclaimable page cache) and the anonymous part (heap: what must
# not grow with the size of the text). Usage: benches/memory.sh [SIZES_IN_RECORDS...]
# Prints a Markdown table to paste into BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
BIN=${CARGO_TARGET_DIR:-target}/release/logwarden
DATA=${BENCH_DIR:-bench-data}
mkdir -p "$DATA"
if [ $# -gt 0 ]; then SIZES=("$@"); else SIZES=(450000 2250000); fi

# Runs a command, sampling /proc/PID/status every 20 ms; prints "peak_rss_kb peak_anon_kb secs".
peak() {
  local start end pid rss=0 anon=0
  start=$(date +%s.%N)
  "$@" > /dev/null 2>&1 &
  pid=$!
  while kill -0 "$pid" 2> /dev/null; do
    if [ -r "/proc/$pid/status" ]; then
      local r a
      r=$(awk '/^VmRSS:/{print $2}' "/proc/$pid/status" 2> /dev/null || echo 0)
      a=$(awk '/^RssAnon:/{print $2}' "/proc/$pid/status" 2> /dev/null || echo 0)
      [ -n "$r" ] && [ "$r" -gt "$rss" ] && rss=$r
      [ -n "$a" ] && [ "$a" -gt "$anon" ] && anon=$a
    fi
    sleep 0.02
  done
  wait "$pid" || true
  end=$(date +%s.%N)
  echo "$rss $anon $(awk "BEGIN{printf \"%.2f\", $end - $start}")"
}

echo "| input | records | command | peak RSS | peak anonymous | wall |"
echo "|---|---|---|---|---|---|"
for n in "${SIZES[@]}"; do
  f="$DATA/mem-$n.jsonl"
  [ -s "$f" ] || "$BIN" gen --records "$n" --seed 3 -o "$f"
  size=$(awk "BEGIN{printf \"%.1f GB\", $(stat -L -c %s "$f")/1e9}")
  for cmd in "sli --by day,model" "sli --by day,model --max-memory 4M" "pii" "report" "report --max-memory 4M"; do
    out=""
    case $cmd in report*) out="-o $DATA/mem-report" ;; esac
    # shellcheck disable=SC2086
    read -r rss anon secs < <(peak "$BIN" $cmd "$f" -q $out)
    echo "| $size | $n | \`$cmd\` | $((rss / 1024)) MB | $((anon / 1024)) MB | ${secs} s |"
  done
done
