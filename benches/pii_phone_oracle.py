#!/usr/bin/env python3
"""PHONE_NUMBER against an independent oracle: Python `phonenumbers` (Google's libphonenumber
port, Apache-2.0), at the metadata version logwarden's `phonenumber` crate carries (9.0.33).

usage: benches/pii_phone_oracle.py LOGWARDEN [--per-region N] [--seed S] [--dir DIR]
       (run with a Python that has `phonenumbers==9.0.33`, e.g. the bench venv)

For each region, random numbers are drawn around the region's example fixed-line and mobile
numbers (the last digits replaced); those `phonenumbers.is_valid_number` accepts are "valid",
and copies with one digit dropped that are not even a possible length are "impossible". Each is
written in libphonenumber's own formats — E.164 (`+442079460958`), INTERNATIONAL
(`+44 20 7946 0958`) and, for logwarden's default phone regions, NATIONAL (`020 7946 0958`) —
into a hand-written sentence, with or without a phone word, one record per value. A valid value
is found when its record has a PHONE_NUMBER finding covering all its digits; an impossible
value is a false alarm when its record has any PHONE_NUMBER finding.

One documented choice is counted apart ("deliberate"): a national number written 3-3-4 without a
trunk `0` (`222 123 4811`, Mexico's and Italy's own format) has NANP's shape and is judged by
NANP's rules unless a phone word (`Tel.`, `call`, `móvil`…) stands before it.

Output: a Markdown table per format for BENCHMARKS.md; exit status 1 when a format's recall,
deliberate misses aside, is below 0.99 or its false-alarm rate above 0.01.
"""
import argparse
import csv
import os
import random
import sys
import tempfile

import phonenumbers
from phonenumbers import PhoneNumberFormat as F
from phonenumbers import PhoneNumberType as T

import pii_run  # benches/pii_run.py, beside this script

# logwarden's default national-format phone regions (docs/pii.md), plus NANP.
NATIONAL = ["GB", "DE", "FR", "ES", "IT", "NL", "IN", "AU", "BR", "JP", "MX", "US", "CA"]
# `+CC` numbers are read for every country: a spread of numbering plans.
INTERNATIONAL_ONLY = ["ZA", "NG", "KE", "PL", "SE", "TR", "KR", "SG", "PH", "VN", "EG", "AR",
                      "CN", "RU", "CH", "BE", "AT", "IE", "PT", "NZ", "CZ", "GR", "IL", "AE",
                      "SA", "PK", "ID", "TH", "CO", "CL", "PE", "UA", "RO", "HU", "DK", "NO",
                      "FI", "MY", "BD", "MA"]

WITH_WORD = [
    "call me on {v} after six",
    "Tel: {v}",
    "my mobile number is {v}, text first",
    "{{\"phone\": \"{v}\"}}",
]
WITHOUT_WORD = [
    "reach me at {v} after six",
    "contact: {v}",
    "I wrote {v} on the form, is that right?",
    "ask for Anna at {v} tomorrow",
]


def draw(r, region, n):
    """Up to n valid numbers of the region (distinct), and as many impossible ones."""
    good = []
    seeds = [phonenumbers.example_number_for_type(region, t) for t in (T.FIXED_LINE, T.MOBILE)]
    seeds = [s for s in seeds if s is not None]
    tries = 0
    while len(good) < n and tries < n * 200 and seeds:
        tries += 1
        s = r.choice(seeds)
        nsn = str(s.national_number)
        k = r.randint(3, min(6, len(nsn) - 2))
        cand = nsn[:-k] + "".join(r.choice("0123456789") for _ in range(k))
        p = phonenumbers.PhoneNumber(country_code=s.country_code, national_number=int(cand))
        if cand.startswith("0") or not phonenumbers.is_valid_number(p):
            continue
        if phonenumbers.region_code_for_number(p) != region:
            continue
        if all(cand != str(g.national_number) for g in good):
            good.append(p)
    bad = []
    for p in good:
        nsn = str(p.national_number)
        i = r.randrange(len(nsn))
        short = nsn[:i] + nsn[i + 1:]
        if short.startswith("0"):
            continue
        q = phonenumbers.PhoneNumber(country_code=p.country_code, national_number=int(short))
        if not phonenumbers.is_possible_number(q):
            bad.append(q)
    return good, bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("logwarden")
    ap.add_argument("--per-region", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dir")
    a = ap.parse_args()
    r = random.Random(a.seed)
    work = a.dir or tempfile.mkdtemp(prefix="phone-oracle-")
    os.makedirs(work, exist_ok=True)
    data = os.path.join(work, "phones.jsonl")
    rows = []  # (line, region, format, valid, text of the number)
    with open(data, "w") as f:
        for region in NATIONAL + INTERNATIONAL_ONLY:
            good, bad = draw(r, region, a.per_region)
            formats = [("E164", F.E164), ("INTERNATIONAL", F.INTERNATIONAL)]
            if region in NATIONAL:
                formats.append(("NATIONAL", F.NATIONAL))
            for valid, numbers in ((True, good), (False, bad)):
                for k, p in enumerate(numbers):
                    name, fmt = formats[k % len(formats)]
                    shown = phonenumbers.format_number(p, fmt)
                    worded = k % 2 == 0
                    text = r.choice(WITH_WORD if worded else WITHOUT_WORD).format(v=shown)
                    rows.append((len(rows) + 1, region, name, valid, shown, worded))
                    f.write(pii_run.record(len(rows), text))
    with open(os.path.join(work, "values.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["line", "region", "format", "valid", "value", "phone_word"])
        w.writerows(rows)
    masked = {}
    for row in pii_run.prompt_findings(a.logwarden, data, work):
        if row["pii_type"] == "PHONE_NUMBER":
            masked.setdefault(int(row["line"]), []).append(row["masked"])

    def covers(line, shown):
        # The mask keeps the length and the last digits: a finding covers the number when its
        # masked text is at least as long as the number and ends with its last two digits.
        digits = [c for c in shown if c.isdigit()]
        return any(len(m) >= len(shown) and [c for c in m if c.isdigit()][-2:] == digits[-2:]
                   for m in masked.get(line, []))

    print(f"Python phonenumbers {phonenumbers.__version__} oracle, seed {a.seed}, up to "
          f"{a.per_region} valid numbers per region ({len(NATIONAL)} national-format regions, "
          f"{len(INTERNATIONAL_ONLY)} more for `+CC`), and one-digit-short impossible copies\n")
    print("| format | valid | found whole | recall | impossible | false alarms | rate | "
          "deliberate | other misses (region: number shape) |")
    print("|---|---|---|---|---|---|---|---|---|")

    def deliberate(x):
        groups = [len(g) for g in x[4].split(" ")]
        return x[2] == "NATIONAL" and not x[5] and groups == [3, 3, 4] and x[4][0] != "0"

    ok = True
    for name in ("E164", "INTERNATIONAL", "NATIONAL"):
        mine = [x for x in rows if x[2] == name]
        good = [x for x in mine if x[3]]
        bad = [x for x in mine if not x[3]]
        hit = [x for x in good if covers(x[0], x[4])]
        alarm = [x for x in bad if x[0] in masked]
        rec = len(hit) / len(good) if good else float("nan")
        rate = len(alarm) / len(bad) if bad else 0.0
        miss = [x for x in good if x not in hit]
        known = sum(deliberate(x) for x in miss)
        miss = [x for x in miss if not deliberate(x)]
        shapes = sorted({f"{x[1]}: " + "".join("9" if c.isdigit() else c for c in x[4])
                         for x in miss})
        if len(miss) > 0.01 * len(good) or rate > 0.01:
            ok = False
        print(f"| {name} | {len(good)} | {len(hit)} | {rec:.3f} | {len(bad)} | {len(alarm)} | "
              f"{rate:.3f} | {known} | {'; '.join(shapes[:6])}{' …' if len(shapes) > 6 else ''} |")
    print(f"\n(working files: {work})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
