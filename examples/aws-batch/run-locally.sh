#!/usr/bin/env bash
# Runs the recipe without AWS: STORE is a local directory standing for the S3 prefix (DATA,
# which holds logs/part-NNNN/ from examples/make-shards.sh); shard.sh once per index with
# AWS_BATCH_JOB_ARRAY_INDEX set, as each child would (at most `nproc` at a time), then
# merge.sh as the dependent job would, then one `report` over all the shards, and checks the
# merged report equals it (every file but summary.json, whose timings differ).
# Usage: run-locally.sh DATA   Environment: LOGWARDEN, REPORT_OPTS.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
data=$(cd "${1:?usage: run-locally.sh DATA}" && pwd)
export LOGWARDEN=${LOGWARDEN:-logwarden}
export STORE=$data WORK=$data/work
shards=$(find "$STORE/logs" -mindepth 1 -maxdepth 1 -name 'part-*' -type d | wc -l)
rm -rf "$STORE/states" "$STORE/reports" "$WORK" "$data/single"
start=$(date +%s.%N)
running=0
for ((i = 0; i < shards; i++)); do
  AWS_BATCH_JOB_ARRAY_INDEX=$i sh "$here/shard.sh" &
  running=$((running + 1))
  if [ "$running" -ge "$(nproc)" ]; then wait -n; running=$((running - 1)); fi
done
while [ "$running" -gt 0 ]; do wait -n; running=$((running - 1)); done
SHARDS=$shards sh "$here/merge.sh"
end=$(date +%s.%N)
(cd "$STORE/logs" && "$LOGWARDEN" report part-*/ -o "$data/single" --quiet ${REPORT_OPTS:-})
diff -r -x summary.json "$data/single" "$STORE/reports/latest"
echo "aws-batch recipe: $shards shards + merge in $(awk "BEGIN{printf \"%.1f\", $end - $start}") s;" \
  "merged report equals one run ($(find "$STORE/reports/latest" -type f ! -name summary.json | wc -l) files identical)"
