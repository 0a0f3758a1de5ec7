#!/usr/bin/env bash
# Runs the recipe without a cluster: shard.sh once per index with JOB_COMPLETION_INDEX set,
# as each pod would, then merge.sh as the merge Job would, then one `report` over all the
# shards, and checks the merged report equals it (the loop: ../run-shards-locally.sh).
# DATA holds logs/part-NNNN/ (examples/make-shards.sh).
# Usage: run-locally.sh DATA   Environment: LOGWARDEN, REPORT_OPTS.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
data=$(cd "${1:?usage: run-locally.sh DATA}" && pwd)
export LOGWARDEN=${LOGWARDEN:-logwarden}
export LOGS_ROOT=$data/logs STATES=$data/states REPORTS=$data/merged
rm -rf "$STATES" "$REPORTS"
exec "$here/../run-shards-locally.sh" kubernetes "$here" JOB_COMPLETION_INDEX "$LOGS_ROOT" "$REPORTS"
