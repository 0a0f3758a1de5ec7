#!/usr/bin/env python3
"""Evaluation harness of the weekly failure review's clusters.

Plants human-written requests of a labelled intent set (default: HWU64, benches/data/) as
failure cases in logs made by `logwarden gen` over five ISO weeks, clean or with noise
(greetings, signatures, quoted replies, contact lines with PII, disclaimers, typos), runs
`logwarden review` on them, and scores its clusters of the reviewed week against the intents:
adjusted Rand index (ARI), B-cubed F1 and inverse purity. The anchor, TF-IDF + average-linkage
agglomerative clustering (scikit-learn), runs on the same cases in the same run.

Intents are split in two halves by a hash of their name: `dev` (for tuning thresholds, of
logwarden and of the baseline) and `test` (reported). Nothing here is tuned on `test`.

Usage: harness.py --bin target/release/logwarden [--split test] [--noise 0.3] [--threshold T]
       harness.py --bin ... --tune        (tunes both thresholds on the dev split)
"""
import argparse
import csv
import hashlib
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.join(HERE, "..", "data", "hwu64-intents.csv")
START = "2026-10-26"  # Monday of 2026-W44; the reviewed week is 2026-W48.
WEEK_STARTS = ["2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23"]
REVIEWED = "2026-W48"

NAMES = ["Maria", "John", "Priya", "Wei", "Olga", "Ahmed", "Lucas", "Anna", "Diego", "Kenji",
         "Fatima", "Noah", "Chloe", "Omar", "Ines", "Sam"]
SURNAMES = ["Lopez", "Smith", "Patel", "Chen", "Ivanova", "Hassan", "Martin", "Berg", "Rossi"]
COMPANIES = ["Acme Corp", "Globex Ltd", "Initech", "Umbrella Retail", "Stark Logistics"]
TITLES = ["Operations Manager", "Senior Analyst", "Office Assistant", "Head of Sales", "CTO"]
GREETINGS = ["Hi {n},", "Hello {n},", "Dear Support Team,", "Hi there,", "Hello,", "Good morning,",
             "Hey team!", "Dear Sir or Madam,", "Hi support,", "Good afternoon {n},"]
PLEASANTRIES = ["Hope you are doing well.", "I hope this email finds you well.",
                "Hope you had a great weekend.", "Thanks for getting back to me.",
                "Sorry to bother you again.", "I have a quick question."]
SIGN_OFFS = ["Best regards,", "Kind regards,", "Thanks,", "Cheers,", "Many thanks,", "Best,",
             "Thank you in advance,", "Sincerely,"]
QUOTED = [
    "Thank you for contacting us. Could you please share more details about the issue?",
    "We have received your request and will get back to you within 24 hours.",
    "Have you tried restarting the app? Let us know if the problem persists.",
    "Your ticket has been escalated to our technical team.",
]
DISCLAIMERS = [
    "This email and any attachments are confidential and intended solely for the addressee.",
    "Please consider the environment before printing this email.",
    "Sent from my iPhone",
]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Sep", "Oct", "Nov"]


# The baseline's distance threshold, tuned on the dev split (harness.py --tune).
TUNED_BASELINE_THRESHOLD = 0.93


def split_of(intent):
    return "dev" if int(hashlib.sha256(intent.encode()).hexdigest(), 16) % 2 == 0 else "test"


def load(path):
    by_intent = defaultdict(list)
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            t = row["text"].strip()
            if t:
                by_intent[row["intent"]].append(t)
    return by_intent


def typo(rng, text, p):
    words = text.split(" ")
    out = []
    for w in words:
        if len(w) > 3 and rng.random() < p:
            i = rng.randrange(len(w) - 1)
            kind = rng.randrange(3)
            if kind == 0:
                w = w[:i] + w[i + 1] + w[i] + w[i + 2:]
            elif kind == 1:
                w = w[:i] + w[i + 1:]
            else:
                w = w[:i] + w[i] + w[i:]
        out.append(w)
    return " ".join(out)


def phone(rng):
    return "+1 415 555 %04d" % rng.randrange(10000)


def email(rng, name, surname):
    return "%s.%s%d@example.com" % (name.lower(), surname.lower(), rng.randrange(100))


def noisy(rng, text):
    """Wraps a request in the mail and chat boilerplate real users add around it."""
    n, s = rng.choice(NAMES), rng.choice(SURNAMES)
    lines = []
    if rng.random() < 0.7:
        lines.append(rng.choice(GREETINGS).format(n=rng.choice(NAMES)))
    if rng.random() < 0.5:
        lines.append(rng.choice(PLEASANTRIES))
    body = typo(rng, text, 0.15)
    if rng.random() < 0.3:
        body += " You can reach me at %s or %s." % (email(rng, n, s), phone(rng))
    lines.append(body)
    if rng.random() < 0.6:
        lines.append("")
        lines.append(rng.choice(SIGN_OFFS))
        lines.append("%s %s" % (n, s))
        if rng.random() < 0.6:
            lines.append("%s, %s" % (rng.choice(TITLES), rng.choice(COMPANIES)))
        if rng.random() < 0.5:
            lines.append("Phone: %s | Email: %s" % (phone(rng), email(rng, n, s)))
    if rng.random() < 0.2:
        lines.append(rng.choice(DISCLAIMERS))
    if rng.random() < 0.35:
        lines.append("")
        lines.append("> On %s, %s %d, Support wrote:" % (rng.choice(DAYS), rng.choice(MONTHS),
                                                        rng.randrange(1, 29)))
        lines.append("> " + rng.choice(QUOTED))
    return "\n".join(lines)


def plan(by_intent, intents, rng):
    """Which texts of which intent land in which week: most intents every week; one intent
    only in the reviewed week (new); one growing (few cases early, many late)."""
    weeks = [[] for _ in WEEK_STARTS]
    new_intent, growing_intent = intents[0], intents[1]
    for intent in intents:
        texts = list(by_intent[intent])
        rng.shuffle(texts)
        if intent == new_intent:
            weeks[4] += [(intent, t) for t in texts[:80]]
        elif intent == growing_intent:
            sizes = [3, 6, 12, 24, 70]
            i = 0
            for w, k in enumerate(sizes):
                weeks[w] += [(intent, t) for t in texts[i:i + k]]
                i += k
        else:
            # About as many every week (up to 40), so only the planted intent grows.
            for j, t in enumerate(texts[:200]):
                weeks[j % 5] += [(intent, t)]
    return weeks, new_intent, growing_intent


def write_cases(path, weeks, noise, rng):
    truth = {}
    texts = {}
    with open(path, "a", encoding="utf-8") as f:
        n = 0
        for w, cases in enumerate(weeks):
            y, m, d = map(int, WEEK_STARTS[w].split("-"))
            for intent, text in cases:
                day = rng.randrange(7)
                hour, minute = rng.randrange(24), rng.randrange(60)
                dd = d + day
                mm, yy = m, y
                mdays = 31 if m == 10 else 30
                if dd > mdays:
                    dd -= mdays
                    mm += 1
                ts = "%04d-%02d-%02dT%02d:%02d:00Z" % (yy, mm, dd, hour, minute)
                prompt = noisy(rng, text) if rng.random() < noise else text
                rid = "hwu-%06d" % n
                n += 1
                rec = {"ts": ts, "request_id": rid, "status": 200, "model": "gpt-4o",
                       "version": "v1", "confidence": 0.2, "prompt": prompt,
                       "response": "I'm sorry, I can't help with that.",
                       "feedback": {"rating": -1, "comment": "not helpful"}}
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
                if w == 4:
                    truth[rid] = intent
                    texts[rid] = prompt
    return truth, texts


def contingency(pred, true):
    return Counter(zip(pred, true))


def ari(pred, true):
    c = contingency(pred, true)
    comb = lambda x: x * (x - 1) / 2
    n = len(pred)
    sum_ij = sum(comb(v) for v in c.values())
    a = sum(comb(v) for v in Counter(pred).values())
    b = sum(comb(v) for v in Counter(true).values())
    expected = a * b / comb(n) if n > 1 else 0
    mx = (a + b) / 2
    return (sum_ij - expected) / (mx - expected) if mx != expected else 1.0


def bcubed_f1(pred, true):
    c = contingency(pred, true)
    pc, tc = Counter(pred), Counter(true)
    n = len(pred)
    p = sum(v * v / pc[k[0]] for k, v in c.items()) / n
    r = sum(v * v / tc[k[1]] for k, v in c.items()) / n
    return 2 * p * r / (p + r)


def inverse_purity(pred, true):
    c = contingency(pred, true)
    best = defaultdict(int)
    for (k, t), v in c.items():
        best[t] = max(best[t], v)
    return sum(best.values()) / len(pred)


def scores(pred, true):
    spans = defaultdict(set)
    sizes = Counter(pred)
    for p, t in zip(pred, true):
        spans[p].add(t)
    mixed = [k for k, s in spans.items() if len(s) > 3]
    return {
        "ari": ari(pred, true),
        "bcubed_f1": bcubed_f1(pred, true),
        "inverse_purity": inverse_purity(pred, true),
        "clusters": len(sizes),
        "singletons": sum(1 for v in sizes.values() if v == 1),
        "intents": len(set(true)),
        "clusters_over_3_intents": len(mixed),
        "largest_mixed": max((sizes[k] for k in mixed), default=0),
    }


def baseline(texts, threshold):
    """The anchor: TF-IDF (unigrams + bigrams, sublinear tf) and scikit-learn's average-linkage
    agglomerative clustering with a cosine distance threshold. A text without any term gets a
    column of its own (cosine is undefined for a zero vector)."""
    import numpy as np
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer
    x = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit_transform(texts).toarray()
    empty = np.where(~x.any(axis=1))[0]
    if len(empty):
        pad = np.zeros((x.shape[0], len(empty)))
        pad[empty, np.arange(len(empty))] = 1.0
        x = np.hstack([x, pad])
    m = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                distance_threshold=threshold)
    return list(m.fit_predict(x))


def make_logs(args, split, noise, seed):
    by_intent = load(args.data)
    intents = sorted(i for i in by_intent if split_of(i) == split)
    rng = random.Random(seed)
    rng.shuffle(intents)
    weeks, new_i, grow_i = plan(by_intent, intents, rng)
    work = tempfile.mkdtemp(prefix="review-harness-", dir=args.work)
    logs = os.path.join(work, "logs.jsonl")
    with open(logs, "wb") as f:
        subprocess.run([args.bin, "gen", "--records", str(args.background), "--seed", str(seed),
                        "--days", "35", "--start", START], stdout=f, check=True)
    truth, texts = write_cases(logs, weeks, noise, rng)
    return work, logs, truth, texts, new_i, grow_i, len(intents)


def run_review(args, work, logs, threshold):
    out = os.path.join(work, "out")
    cmd = [args.bin, "review", logs, "--week", REVIEWED, "-o", out, "--quiet"]
    if threshold is not None:
        cfg = os.path.join(work, "logwarden.toml")
        with open(cfg, "w") as f:
            f.write("[review]\ncluster_similarity = %s\n" % threshold)
        cmd += ["--config", cfg]
    t0 = time.time()
    subprocess.run(cmd, check=True)
    secs = time.time() - t0
    with open(os.path.join(out, "failures.csv"), newline="", encoding="utf-8") as f:
        cluster_of = {r["request_id"]: r["cluster"] for r in csv.DictReader(f)}
    with open(os.path.join(out, "failure_clusters.csv"), newline="", encoding="utf-8") as f:
        clusters = {r["cluster"]: r for r in csv.DictReader(f)}
    return cluster_of, clusters, secs


def evaluate(args, split, noise, seed, threshold, base_threshold, quiet=False):
    work, logs, truth, texts, new_i, grow_i, n_intents = make_logs(args, split, noise, seed)
    cluster_of, clusters, secs = run_review(args, work, logs, threshold)
    ids = sorted(truth)
    true = [truth[i] for i in ids]
    pred = [cluster_of[i] for i in ids]
    ours = scores(pred, true)
    ours["seconds"] = round(secs, 2)
    # Status of each intent's main cluster (the one holding most of its cases).
    main = {}
    for intent in set(true):
        c = Counter(p for p, t in zip(pred, true) if t == intent).most_common(1)[0][0]
        main[intent] = clusters[c]["status"]
    every_week = [i for i in main if i not in (new_i, grow_i)]
    ours["status_new_intent"] = main[new_i]
    ours["status_growing_intent"] = main[grow_i]
    ours["recurring_intents_flagged_new"] = sum(1 for i in every_week if main[i] == "new")
    ours["recurring_intents"] = len(every_week)
    ours["resolved_rows"] = sum(1 for c in clusters.values() if c["status"] == "resolved")
    result = {"split": split, "noise": noise, "seed": seed, "cases": len(ids),
              "threshold": threshold, "logwarden": ours}
    if base_threshold is not None:
        t0 = time.time()
        bpred = baseline([texts[i] for i in ids], base_threshold)
        b = scores(bpred, true)
        b["seconds"] = round(time.time() - t0, 2)
        result["baseline"] = b
        result["baseline_threshold"] = base_threshold
    if not args.keep:
        subprocess.run(["rm", "-rf", work])
    if not quiet:
        print(json.dumps(result), flush=True)
    return result


def tune(args):
    """Both thresholds on the dev split, at the clean and the noisy level together (the mean
    ARI over both): one setting each, as a user would run it."""
    best = {}
    grid_ours = [0.1, 0.12, 0.15, 0.18, 0.2, 0.25, 0.3, 0.35]
    grid_base = [0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]
    for name, grid in (("logwarden", grid_ours), ("baseline", grid_base)):
        for t in grid:
            aris = []
            for noise in (0.0, args.noise):
                if name == "logwarden":
                    r = evaluate(args, "dev", noise, args.seed, t, None, quiet=True)
                    aris.append(r["logwarden"]["ari"])
                else:
                    r = evaluate(args, "dev", noise, args.seed, None, t, quiet=True)
                    aris.append(r["baseline"]["ari"])
            mean = sum(aris) / len(aris)
            print(json.dumps({"tune": name, "threshold": t, "ari_clean": aris[0],
                              "ari_noisy": aris[1], "mean": mean}), flush=True)
            if mean > best.get(name, (-1, None))[0]:
                best[name] = (mean, t)
    print(json.dumps({"best": {k: v[1] for k, v in best.items()}}))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", required=True)
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--split", default="test", choices=["dev", "test"])
    ap.add_argument("--noise", type=float, default=0.3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--threshold", type=float, default=None,
                    help="review.cluster_similarity (default: logwarden's own default)")
    ap.add_argument("--baseline-threshold", type=float, default=None,
                    help="cosine distance threshold of the baseline (default: tuned on dev)")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--background", type=int, default=20000,
                    help="records of `logwarden gen` around the planted cases")
    ap.add_argument("--work", default=os.environ.get("TMPDIR", "/tmp"))
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--tune", action="store_true")
    ap.add_argument("--clean-and-noisy", action="store_true",
                    help="run the split clean and with --noise, both methods")
    args = ap.parse_args()
    if args.baseline_threshold is None:
        args.baseline_threshold = TUNED_BASELINE_THRESHOLD
    if args.no_baseline:
        args.baseline_threshold = None
    if args.tune:
        tune(args)
    elif args.clean_and_noisy:
        for noise in (0.0, args.noise):
            evaluate(args, args.split, noise, args.seed, args.threshold, args.baseline_threshold)
    else:
        evaluate(args, args.split, args.noise, args.seed, args.threshold, args.baseline_threshold)


if __name__ == "__main__":
    sys.exit(main())
