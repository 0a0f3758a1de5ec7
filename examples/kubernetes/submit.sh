#!/usr/bin/env bash
# On a cluster: the shard Job, a wait for all its pods, then the merge Job. Needs kubectl,
# the PVC logwarden-data (logs under logs/part-NNNN/), the ConfigMap logwarden-config and the
# Secret logwarden-pii-key in the current namespace.
set -euo pipefail
cd "$(dirname "$0")"
kubectl delete job logwarden-shards logwarden-merge --ignore-not-found
kubectl apply -k .
kubectl wait --for=condition=complete job/logwarden-shards --timeout=6h
kubectl apply -f merge-job.yaml
kubectl wait --for=condition=complete job/logwarden-merge --timeout=1h
kubectl logs job/logwarden-merge
