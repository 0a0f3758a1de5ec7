#!/usr/bin/env bash
# On AWS: registers both job definitions, submits the array job (one child per shard) and the
# merge job depending on it (AWS Batch starts it once every child has succeeded).
# Usage: submit.sh QUEUE [SHARDS=8]   Needs the AWS CLI, the image of Dockerfile in ECR, and
# the ACCOUNT/REGION/BUCKET placeholders of the job definitions filled in.
set -euo pipefail
cd "$(dirname "$0")"
queue=${1:?usage: submit.sh QUEUE [SHARDS]}
shards=${2:-8}
aws batch register-job-definition --cli-input-json file://job-definition.json > /dev/null
aws batch register-job-definition --cli-input-json file://merge-job-definition.json > /dev/null
array=$(aws batch submit-job --job-name logwarden-shards --job-queue "$queue" \
  --job-definition logwarden-shard --array-properties "size=$shards" --query jobId --output text)
merge=$(aws batch submit-job --job-name logwarden-merge --job-queue "$queue" \
  --job-definition logwarden-merge --depends-on "jobId=$array" \
  --container-overrides "environment=[{name=SHARDS,value=$shards}]" --query jobId --output text)
echo "array job $array ($shards children), merge job $merge"
