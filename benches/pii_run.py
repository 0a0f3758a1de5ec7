"""What the PII oracle benches share: one labelled value per JSONL record, `logwarden pii` run
on the file, its findings read back (benches/pii_oracle.py, pii_phone_oracle.py,
pii_faker_phones.py)."""
import csv
import json
import os
import subprocess


def record(n, prompt):
    """The JSONL line of record `n` whose prompt is `prompt`."""
    return json.dumps({
        "ts": "2026-11-02T10:00:00Z", "request_id": f"r{n}",
        "model": "gpt-4o", "status": 200, "latency_ms": 100,
        "prompt": prompt, "response": "ok",
    }, ensure_ascii=False) + "\n"


def prompt_findings(logwarden, data, work):
    """Runs `logwarden pii` on `data` (outputs in `work`/out) and returns its findings in the
    prompt field, as rows of pii_findings.csv."""
    out = os.path.join(work, "out")
    subprocess.run([logwarden, "pii", data, "-o", out, "-q"], check=True)
    with open(os.path.join(out, "pii_findings.csv"), newline="") as f:
        return [row for row in csv.DictReader(f) if row["field"] == "prompt"]
