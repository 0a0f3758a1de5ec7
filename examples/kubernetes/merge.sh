#!/bin/sh
# The command of the merge Job (merge-job.yaml): checks that all $SHARDS states are there,
# then merges them, in shard order, into the report folder $REPORTS (replaced atomically).
# Environment: SHARDS (required), STATES (/data/states), REPORTS (/data/reports/latest),
# LOGWARDEN (logwarden), REPORT_OPTS (as for the shards, plus e.g. "--fail-on any").
set -eu
: "${SHARDS:?the number of shards}"
states=${STATES:-/data/states}
found=$(find "$states" -maxdepth 1 -name '*.state' | wc -l)
if [ "$found" -ne "$SHARDS" ]; then
  echo "merge: $found states in $states, expected $SHARDS" >&2
  exit 1
fi
# The glob sorts 0000.state, 0001.state, … as the shard numbers: one run's input order.
# shellcheck disable=SC2086
exec "${LOGWARDEN:-logwarden}" merge "$states"/*.state -o "${REPORTS:-/data/reports/latest}" --quiet ${REPORT_OPTS:-}
