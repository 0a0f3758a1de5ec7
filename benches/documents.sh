#!/usr/bin/env bash
# JSON documents vs JSON Lines: times `sli --by day,model` on the same records written as JSON
# Lines (memory-mapped, chunked in parallel) and as one pretty-printed JSON array (streamed and
# reshaped record by record), and DuckDB's `read_json(format='array')` on the same array, in the
# same run. Usage: benches/documents.sh [RECORDS]. Needs python3 with duckdb.
set -euo pipefail
cd "$(dirname "$0")/.."
RECORDS=${1:-100000}
THREADS=2
DATA=${BENCH_DIR:-bench-data}
mkdir -p "$DATA"
BIN=${CARGO_TARGET_DIR:-target}/release/logwarden
LINES="$DATA/docs-$RECORDS.jsonl"
ARRAY="$DATA/docs-$RECORDS.json"
[ -s "$LINES" ] || "$BIN" gen --records "$RECORDS" --seed 1 -o "$LINES"
[ -s "$ARRAY" ] || python3 - "$LINES" "$ARRAY" <<'PY'
import json, sys
with open(sys.argv[1]) as src, open(sys.argv[2], "w") as out:
    out.write("[\n")
    first = True
    for line in src:
        if not line.strip():
            continue
        out.write(("" if first else ",\n") + json.dumps(json.loads(line), indent=2, ensure_ascii=False))
        first = False
    out.write("\n]\n")
PY
cat "$LINES" "$ARRAY" > /dev/null
best() {
  local b=""
  for _ in 1 2 3; do
    local t
    /usr/bin/time -f "%e" -o "$DATA/.time" "$@" > /dev/null 2> /dev/null
    t=$(tail -1 "$DATA/.time")
    if [ -z "$b" ] || awk "BEGIN{exit !($t < $b)}"; then b=$t; fi
  done
  echo "$b"
}
L=$(best "$BIN" sli --by day,model "$LINES" -j $THREADS -q)
A=$(best "$BIN" sli --by day,model "$ARRAY" -j $THREADS -q)
D=$(best python3 benches/duckdb_sli.py "$ARRAY" $THREADS array)
"$BIN" sli --by day,model "$LINES" -q > "$DATA/docs-lines.csv"
"$BIN" sli --by day,model "$ARRAY" -q > "$DATA/docs-array.csv"
# Same rows; sums may differ in the last digits (chunks and stream blocks add in other groups).
SAME=$(python3 - "$DATA/docs-lines.csv" "$DATA/docs-array.csv" <<'PY'
import csv, sys
a, b = (list(csv.reader(open(f))) for f in sys.argv[1:3])
def same(x, y):
    try:
        return abs(float(x) - float(y)) <= 1e-9 * max(1.0, abs(float(y)))
    except ValueError:
        return x == y
print("yes" if len(a) == len(b) and all(len(r) == len(s) and all(map(same, r, s)) for r, s in zip(a, b)) else "NO")
PY
)
echo "records=$RECORDS jsonl_bytes=$(stat -c %s "$LINES") array_bytes=$(stat -c %s "$ARRAY")"
echo "sli on JSON Lines: ${L}s; on the JSON array: ${A}s; DuckDB read_json(format='array') process: ${D}s; same table: $SAME"
