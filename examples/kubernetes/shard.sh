#!/bin/sh
# The command of each pod of the Indexed Job (job.yaml): shard $JOB_COMPLETION_INDEX reads
# $LOGS_ROOT/part-NNNN/ and writes its folded state to $STATES/NNNN.state (atomically, so a
# retried pod simply replaces it). The file names in the reports are relative to $LOGS_ROOT.
# Environment: JOB_COMPLETION_INDEX (set by Kubernetes), LOGS_ROOT (/data/logs),
# STATES (/data/states), LOGWARDEN (logwarden), REPORT_OPTS (extra options, the same for
# every shard and the merge, e.g. "--by day,model").
set -eu
: "${JOB_COMPLETION_INDEX:?set by Kubernetes in an Indexed Job}"
i=$(printf %04d "$JOB_COMPLETION_INDEX")
states=${STATES:-/data/states}
mkdir -p "$states"
cd "${LOGS_ROOT:-/data/logs}"
# shellcheck disable=SC2086 # REPORT_OPTS is a list of options
exec "${LOGWARDEN:-logwarden}" report "part-$i/" --emit-state "$states/$i.state" --quiet ${REPORT_OPTS:-}
