#!/usr/bin/env bash
# Runs the recipe without AWS: STORE is a local directory standing for the S3 prefix (DATA,
# which holds logs/part-NNNN/ from examples/make-shards.sh); shard.sh once per index with
# AWS_BATCH_JOB_ARRAY_INDEX set, as each child would, then merge.sh as the dependent job
# would, then one `report` over all the shards, and checks the merged report equals it (the
# loop: ../run-shards-locally.sh).
# Usage: run-locally.sh DATA   Environment: LOGWARDEN, REPORT_OPTS.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
data=$(cd "${1:?usage: run-locally.sh DATA}" && pwd)
export LOGWARDEN=${LOGWARDEN:-logwarden}
export STORE=$data WORK=$data/work
rm -rf "$STORE/states" "$STORE/reports" "$WORK"
exec "$here/../run-shards-locally.sh" aws-batch "$here" AWS_BATCH_JOB_ARRAY_INDEX "$STORE/logs" "$STORE/reports/latest"
