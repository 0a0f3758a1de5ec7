#!/usr/bin/env bash
# Builds the fuzz seed corpora under fuzz/corpus/<target>/ from the test fixtures and a small
# generated sample: single lines for the line targets, whole small files for `report`.
set -euo pipefail
cd "$(dirname "$0")"
lw=${LOGWARDEN:-../target/release/logwarden}
mkdir -p corpus/json_line corpus/detectors corpus/redaction corpus/report
sample=$(mktemp)
trap 'rm -f "$sample"' EXIT
"$lw" gen --records 300 --seed 5 -o "$sample"
python3 - "$sample" ../tests/fixtures/*.jsonl ../tests/fixtures/formats/* <<'PY'
import hashlib, sys, os
def put(target, data):
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join("corpus", target, name), "wb") as f:
        f.write(data)
for path in sys.argv[1:]:
    if os.path.isdir(path):
        continue
    data = open(path, "rb").read()
    lines = [l for l in data.split(b"\n") if l.strip()]
    for l in lines[:200]:
        for t in ("json_line", "detectors", "redaction"):
            put(t, l)
    # report: first byte picks the preset (0 = auto); keep files small.
    for i in range(0, min(len(lines), 200), 20):
        put("report", b"\x00" + b"\n".join(lines[i:i + 20]) + b"\n")
PY
for t in corpus/*; do echo "$t: $(ls "$t" | wc -l) seeds"; done
