#!/usr/bin/env python3
"""Precision and recall of the national-identifier, wallet, MAC and date-of-birth types on
`logwarden gen` data (planted values with valid check digits, plus decoys with broken check
digits or a digit too few), and the CPU time of `pii` against a baseline binary on the same
file.

usage: benches/pii_national.py LOGWARDEN [--baseline OLD_LOGWARDEN] [--records N] [--seed S]
       [--runs R] [--dir DIR]

A finding matches a planted value when line, field and type agree. Writes a Markdown table to
stdout (paste it into BENCHMARKS.md).
"""
import argparse
import collections
import csv
import os
import resource
import subprocess
import sys
import time

NATIONAL = [
    "UK_NHS", "UK_NINO", "CA_SIN", "AU_ABN", "AU_ACN", "AU_TFN", "AU_MEDICARE", "IN_AADHAAR",
    "IN_PAN", "IN_GSTIN", "ES_NIF", "ES_NIE", "IT_FISCAL_CODE", "PL_PESEL", "FI_HETU",
    "SE_PERSONNUMMER", "KR_RRN", "SG_NRIC_FIN", "ZA_ID", "TR_TCKN", "DE_TAX_ID", "US_ITIN",
    "US_ABA_ROUTING", "US_NPI", "US_MBI", "CRYPTO_BTC", "CRYPTO_ETH", "MAC_ADDRESS",
    "DATE_OF_BIRTH",
]
CHECKSUM = {
    "UK_NHS", "CA_SIN", "AU_ABN", "AU_ACN", "AU_TFN", "AU_MEDICARE", "IN_AADHAAR", "IN_GSTIN",
    "ES_NIF", "ES_NIE", "IT_FISCAL_CODE", "PL_PESEL", "FI_HETU", "SE_PERSONNUMMER", "KR_RRN",
    "SG_NRIC_FIN", "ZA_ID", "TR_TCKN", "DE_TAX_ID", "US_ABA_ROUTING", "US_NPI", "CRYPTO_BTC",
    "CRYPTO_ETH",
}


def cpu_run(cmd):
    """Runs cmd; returns (wall seconds, user+sys CPU seconds of the child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.monotonic()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    wall = time.monotonic() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("logwarden")
    ap.add_argument("--baseline")
    ap.add_argument("--records", type=int, default=450000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dir", default="target/bench-national")
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    data = os.path.join(a.dir, "gen.jsonl")
    truth = os.path.join(a.dir, "truth.csv")
    subprocess.run([a.logwarden, "gen", "--records", str(a.records), "--seed", str(a.seed),
                    "-o", data, "--truth", truth], check=True)
    out = os.path.join(a.dir, "out")
    subprocess.run([a.logwarden, "pii", data, "-o", out, "-q"], check=True)

    planted = collections.Counter()
    per_type = collections.Counter()
    with open(truth, newline="") as f:
        for r in csv.DictReader(f):
            if r["pii_type"] in NATIONAL:
                planted[(r["line"], r["field"], r["pii_type"])] += 1
                per_type[r["pii_type"]] += 1
    found = collections.Counter()
    with open(os.path.join(out, "pii_findings.csv"), newline="") as f:
        for r in csv.DictReader(f):
            if r["pii_type"] in NATIONAL:
                found[(r["line"], r["field"], r["pii_type"])] += 1
    tp = collections.Counter()
    fp = collections.Counter()
    for k, n in found.items():
        m = min(n, planted.get(k, 0))
        tp[k[2]] += m
        fp[k[2]] += n - m
    print(f"gen --records {a.records} --seed {a.seed}: {sum(per_type.values())} planted "
          "national values\n")
    print("| type | checksum | planted | found | false positives | precision | recall |")
    print("|---|---|---|---|---|---|---|")
    worst = 1.0
    for t in NATIONAL:
        p = per_type[t]
        f = tp[t] + fp[t]
        prec = tp[t] / f if f else 1.0
        rec = tp[t] / p if p else float("nan")
        if t in CHECKSUM and p:
            worst = min(worst, prec, rec)
        print(f"| `{t}` | {'yes' if t in CHECKSUM else 'no'} | {p} | {tp[t]} | {fp[t]} | "
              f"{prec:.3f} | {rec:.3f} |")
    print(f"\nlowest precision or recall over checksum types: {worst:.3f}")

    if a.baseline:
        print("\n| binary | CPU s (user+sys), best of %d | wall s |" % a.runs)
        print("|---|---|---|")
        for name, exe in (("baseline", a.baseline), ("this build", a.logwarden)):
            best = None
            for i in range(a.runs):
                o = os.path.join(a.dir, f"time-{name.replace(' ', '-')}-{i}")
                wall, cpu = cpu_run([exe, "pii", data, "-o", o, "-q"])
                best = (wall, cpu) if best is None or cpu < best[1] else best
            print(f"| {name} | {best[1]:.2f} | {best[0]:.2f} |")
    return 0 if worst >= 0.99 else 1


if __name__ == "__main__":
    sys.exit(main())
