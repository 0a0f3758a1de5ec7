#!/bin/sh
# The command of the merge job (submitted with --depends-on the array job, so it starts once
# every child has succeeded): copies $STORE/states/ to local disk, checks all $SHARDS are
# there, merges them in shard order and puts the report folder at $STORE/reports/latest/.
# Environment: SHARDS (required), STORE (required), WORK (/tmp/logwarden), LOGWARDEN,
# REPORT_OPTS (as for the shards, plus e.g. "--fail-on any").
set -eu
: "${SHARDS:?the number of shards}"
: "${STORE:?s3://bucket/prefix or a directory}"
work=${WORK:-/tmp/logwarden}/merge
rm -rf "$work"
mkdir -p "$work/states"
case $STORE in
  s3://*) aws s3 cp --recursive --only-show-errors --exclude '*' --include '*.state' \
            "$STORE/states/" "$work/states/" ;;
  *) cp "$STORE"/states/*.state "$work/states/" ;;
esac
found=$(find "$work/states" -maxdepth 1 -name '*.state' | wc -l)
if [ "$found" -ne "$SHARDS" ]; then
  echo "merge: $found states in $STORE/states, expected $SHARDS" >&2
  exit 1
fi
# The glob sorts 0000.state, 0001.state, … as the shard numbers: one run's input order.
# shellcheck disable=SC2086
"${LOGWARDEN:-logwarden}" merge "$work"/states/*.state -o "$work/report" --quiet ${REPORT_OPTS:-}
case $STORE in
  s3://*) aws s3 sync --delete --only-show-errors "$work/report/" "$STORE/reports/latest/" ;;
  *) rm -rf "$STORE/reports/latest" && mkdir -p "$STORE/reports" &&
     cp -R "$work/report" "$STORE/reports/latest" ;;
esac
rm -rf "$work"
