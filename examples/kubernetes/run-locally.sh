#!/usr/bin/env bash
# Runs the recipe without a cluster: shard.sh once per index with JOB_COMPLETION_INDEX set,
# as each pod would (at most `nproc` at a time), then merge.sh as the merge Job would, then
# one `report` over all the shards, and checks the merged report equals it (every file but
# summary.json, whose timings differ). DATA holds logs/part-NNNN/ (examples/make-shards.sh).
# Usage: run-locally.sh DATA   Environment: LOGWARDEN, REPORT_OPTS.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
data=$(cd "${1:?usage: run-locally.sh DATA}" && pwd)
export LOGWARDEN=${LOGWARDEN:-logwarden}
export LOGS_ROOT=$data/logs STATES=$data/states REPORTS=$data/merged
shards=$(find "$LOGS_ROOT" -mindepth 1 -maxdepth 1 -name 'part-*' -type d | wc -l)
rm -rf "$STATES" "$REPORTS" "$data/single"
start=$(date +%s.%N)
running=0
for ((i = 0; i < shards; i++)); do
  JOB_COMPLETION_INDEX=$i sh "$here/shard.sh" &
  running=$((running + 1))
  if [ "$running" -ge "$(nproc)" ]; then wait -n; running=$((running - 1)); fi
done
while [ "$running" -gt 0 ]; do wait -n; running=$((running - 1)); done
SHARDS=$shards sh "$here/merge.sh"
end=$(date +%s.%N)
# One run over every shard, in shard order, named as the shards named them.
(cd "$LOGS_ROOT" && "$LOGWARDEN" report part-*/ -o "$data/single" --quiet ${REPORT_OPTS:-})
diff -r -x summary.json "$data/single" "$REPORTS"
echo "kubernetes recipe: $shards shards + merge in $(awk "BEGIN{printf \"%.1f\", $end - $start}") s;" \
  "merged report equals one run ($(find "$REPORTS" -type f ! -name summary.json | wc -l) files identical)"
