#!/bin/sh
# The command of each child of the array job (job-definition.json): child
# $AWS_BATCH_JOB_ARRAY_INDEX copies $STORE/logs/part-NNNN/ to local disk, folds it with
# `report --emit-state`, and puts the state at $STORE/states/NNNN.state (a retried child
# simply replaces it). STORE is an s3:// prefix (copied with the AWS CLI) or, to run the
# recipe locally, a directory. The file names in the reports are relative to the logs root.
# Environment: AWS_BATCH_JOB_ARRAY_INDEX (set by AWS Batch), STORE (required), WORK (a
# scratch directory, /tmp/logwarden), LOGWARDEN (logwarden), REPORT_OPTS (extra options, the
# same for every shard and the merge).
set -eu
: "${AWS_BATCH_JOB_ARRAY_INDEX:?set by AWS Batch in an array job}"
: "${STORE:?s3://bucket/prefix or a directory}"
i=$(printf %04d "$AWS_BATCH_JOB_ARRAY_INDEX")
work=${WORK:-/tmp/logwarden}/shard-$i
rm -rf "$work"
mkdir -p "$work/logs/part-$i"
case $STORE in
  s3://*) aws s3 cp --recursive --only-show-errors "$STORE/logs/part-$i/" "$work/logs/part-$i/" ;;
  *) cp -R "$STORE/logs/part-$i/." "$work/logs/part-$i/" ;;
esac
cd "$work/logs"
# shellcheck disable=SC2086 # REPORT_OPTS is a list of options
"${LOGWARDEN:-logwarden}" report "part-$i/" --emit-state "$work/$i.state" --quiet ${REPORT_OPTS:-}
case $STORE in
  s3://*) aws s3 cp --only-show-errors "$work/$i.state" "$STORE/states/$i.state" ;;
  *) mkdir -p "$STORE/states" && cp "$work/$i.state" "$STORE/states/.$i.state.tmp" &&
     mv "$STORE/states/.$i.state.tmp" "$STORE/states/$i.state" ;;
esac
rm -rf "$work"
