#!/usr/bin/env bash
# Runs the Spark recipe for real in local mode (local[2]): logwarden_spark.py over DATA's
# shards (logs/part-NNNN/, from examples/make-shards.sh), then one `report` over all the
# shards, and checks the merged report equals it (every file but summary.json, whose
# timings differ). Needs pyspark and a Java 17 runtime:
#   python3 -m venv ~/.cache/spark-venv && ~/.cache/spark-venv/bin/pip install pyspark
# Usage: run-locally.sh DATA   Environment: LOGWARDEN, PYTHON (the venv's python),
# MASTER (local[2]), REPORT_OPTS.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
data=$(cd "${1:?usage: run-locally.sh DATA}" && pwd)
bin=$(command -v "${LOGWARDEN:-logwarden}")
python=${PYTHON:-$HOME/.cache/spark-venv/bin/python}
rm -rf "$data/merged" "$data/single" "$data/states"
export PYSPARK_PYTHON=$python
start=$(date +%s.%N)
# shellcheck disable=SC2086
"$python" -c 'import pyspark, sys; from pyspark.sql import SparkSession' &&
  "$(dirname "$python")/spark-submit" --master "${MASTER:-local[2]}" --conf spark.ui.enabled=false \
    "$here/logwarden_spark.py" --logwarden "$bin" --logs-root "$data/logs" \
    --out "$data/merged" --states "$data/states" -- ${REPORT_OPTS:-} 2> "$data/spark.log"
end=$(date +%s.%N)
single_start=$(date +%s.%N)
(cd "$data/logs" && "$bin" report part-*/ -o "$data/single" --quiet ${REPORT_OPTS:-})
single_end=$(date +%s.%N)
diff -r -x summary.json "$data/single" "$data/merged"
echo "spark recipe ($(find "$data/logs" -mindepth 1 -maxdepth 1 -name 'part-*' | wc -l) shards," \
  "$(du -sh "$data/logs" | cut -f1)): spark-submit ${MASTER:-local[2]} $(awk "BEGIN{printf \"%.1f\", $end - $start}") s" \
  "wall (JVM start included); one report $(awk "BEGIN{printf \"%.1f\", $single_end - $single_start}") s;" \
  "merged report equals one run ($(find "$data/merged" -type f ! -name summary.json | wc -l) files identical)"
