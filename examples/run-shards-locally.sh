#!/usr/bin/env bash
# The shard loop the Kubernetes and AWS Batch recipes share when run without a cluster: the
# recipe's shard.sh once per shard with INDEX_VAR set to its index, as each pod or array child
# would (at most `nproc` at a time), then its merge.sh as the merge job would, then one
# `report` over every shard, and a check that the merged report equals it (every file but
# summary.json, whose timings differ). Called by kubernetes/ and aws-batch/run-locally.sh.
# Usage: run-shards-locally.sh NAME RECIPE_DIR INDEX_VAR LOGS MERGED
#   LOGS holds part-NNNN/ (examples/make-shards.sh); MERGED is where merge.sh writes the report;
#   the single run goes to LOGS/../single.
# Environment: LOGWARDEN, REPORT_OPTS, and what the recipe's scripts read.
set -euo pipefail
name=${1:?usage: run-shards-locally.sh NAME RECIPE_DIR INDEX_VAR LOGS MERGED}
recipe=$2 index_var=$3 logs=$4 merged=$5
single=$(dirname "$logs")/single
shards=$(find "$logs" -mindepth 1 -maxdepth 1 -name 'part-*' -type d | wc -l)
rm -rf "$single"
start=$(date +%s.%N)
running=0
for ((i = 0; i < shards; i++)); do
  env "$index_var=$i" sh "$recipe/shard.sh" &
  running=$((running + 1))
  if [ "$running" -ge "$(nproc)" ]; then wait -n; running=$((running - 1)); fi
done
while [ "$running" -gt 0 ]; do wait -n; running=$((running - 1)); done
SHARDS=$shards sh "$recipe/merge.sh"
end=$(date +%s.%N)
# One run over every shard, in shard order, named as the shards named them.
# shellcheck disable=SC2086 # REPORT_OPTS is a list of options
(cd "$logs" && "${LOGWARDEN:-logwarden}" report part-*/ -o "$single" --quiet ${REPORT_OPTS:-})
diff -r -x summary.json "$single" "$merged"
echo "$name recipe: $shards shards + merge in $(awk "BEGIN{printf \"%.1f\", $end - $start}") s;" \
  "merged report equals one run ($(find "$merged" -type f ! -name summary.json | wc -l) files identical)"
