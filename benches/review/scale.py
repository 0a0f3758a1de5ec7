#!/usr/bin/env python3
"""Scale benchmark of `logwarden review`: N failure cases in one ISO week (HWU64 requests, 30 %
wrapped in mail boilerplate with typos, so texts are diverse as real ones), plus as many
successful requests; times the review and reads its peak memory (GNU time's max RSS).

Usage: scale.py --bin target/release/logwarden --cases 10000 100000 300000 [--threads 2]
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


def write(path, cases, seed):
    by_intent = harness.load(harness.DEFAULT_DATA)
    pool = [(i, t) for i, ts in sorted(by_intent.items()) for t in ts]
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as f:
        for n in range(cases * 2):
            day, hour, minute = rng.randrange(7), rng.randrange(24), rng.randrange(60)
            ts = "2026-11-%02dT%02d:%02d:00Z" % (23 + day, hour, minute)
            rec = {"ts": ts, "request_id": "s-%07d" % n, "status": 200, "model": "gpt-4o",
                   "version": "v1", "confidence": 0.9}
            if n % 2 == 0:
                _, text = rng.choice(pool)
                rec["confidence"] = 0.2
                rec["prompt"] = harness.noisy(rng, text) if rng.random() < 0.3 else text
            else:
                rec["prompt"] = "ok"
            f.write(json.dumps(rec) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--cases", type=int, nargs="+", default=[10000, 100000, 300000])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--work", default=os.environ.get("TMPDIR", "/tmp"))
    args = ap.parse_args()
    for n in args.cases:
        work = tempfile.mkdtemp(prefix="review-scale-", dir=args.work)
        logs = os.path.join(work, "logs.jsonl")
        write(logs, n, 1)
        out = os.path.join(work, "out")
        r = subprocess.run(["/usr/bin/time", "-f", "%e %M %U", args.bin, "review", logs,
                            "--week", "2026-W48", "-o", out, "-j", str(args.threads)],
                           capture_output=True, text=True, check=True)
        last = r.stderr.strip().splitlines()
        wall, rss_kb, user = last[-1].split()
        clusters = sum(1 for _ in open(os.path.join(out, "failure_clusters.csv"))) - 1
        print(json.dumps({"cases": n, "bytes": os.path.getsize(logs), "seconds": float(wall),
                          "user_seconds": float(user), "peak_rss_mb": int(rss_kb) // 1024,
                          "clusters": clusters, "note": last[-2] if len(last) > 1 else ""}),
              flush=True)
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
