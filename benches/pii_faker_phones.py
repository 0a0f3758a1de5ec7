#!/usr/bin/env python3
"""PHONE_NUMBER recall on the phone numbers the Faker package (MIT) writes for 29 locales.

usage: benches/pii_faker_phones.py BIN [--per-locale N] [--seed S] [--dir DIR]
       (run with a Python that has faker, e.g. the bench venv)

Faker's `phone_number()` gives each locale's own ways of writing numbers (national and
international, with parentheses, slashes, dots, extensions), many of them outside the ranges
a numbering plan assigns. Each number goes into one of four sentences with a phone word
(`Phone:`, `my mobile number is`, `call me on … after six`, `reach me at`), one JSON record
per sentence; the number counts as found when a PHONE_NUMBER finding on its line masks all
its digits but at most one (an extension left out). Prints recall overall and per locale,
with the missed numbers' shapes.
"""
import argparse
import collections
import os
import random
import sys
import tempfile

import faker
from faker import Faker

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pii_faker  # noqa: E402  (the locale list of the Faker bench)
import pii_run  # noqa: E402

PHRASES = ["Phone: {p}", "my mobile number is {p}", "You can call me on {p} after six.",
           "reach me at {p}"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bin")
    ap.add_argument("--per-locale", type=int, default=40)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--dir")
    a = ap.parse_args()
    work = a.dir or tempfile.mkdtemp(prefix="faker-phones-")
    os.makedirs(work, exist_ok=True)
    r = random.Random(a.seed)
    truth = []
    src = os.path.join(work, "phones.jsonl")
    with open(src, "w") as out:
        for loc in pii_faker.LOCALES:
            f = Faker(loc)
            f.seed_instance(r.randrange(10**9))
            for i in range(a.per_locale):
                p = f.phone_number()
                truth.append((loc, p))
                out.write(pii_run.record(len(truth), PHRASES[i % len(PHRASES)].format(p=p)))
    found = collections.defaultdict(list)
    for row in pii_run.prompt_findings(a.bin, src, work):
        if row["pii_type"] == "PHONE_NUMBER":
            found[int(row["line"])].append(row["masked"])
    miss, total, examples = collections.Counter(), collections.Counter(), collections.defaultdict(list)
    for line, (loc, p) in enumerate(truth, 1):
        total[loc] += 1
        digits = sum(c.isdigit() for c in p)
        if not any(sum(c.isdigit() or c == "*" for c in m) >= digits - 1 for m in found[line]):
            miss[loc] += 1
            examples[loc].append(p)
    n, m = len(truth), sum(miss.values())
    print(f"Faker {faker.VERSION}, seed {a.seed}, "
          f"{len(pii_faker.LOCALES)} locales x {a.per_locale}: recall {1 - m / n:.3f} ({n - m}/{n})")
    for loc in sorted(total, key=lambda x: -miss[x]):
        if miss[loc]:
            print(f"  {loc}: {miss[loc]}/{total[loc]} missed, e.g. {examples[loc][:4]}")


if __name__ == "__main__":
    main()
