#!/usr/bin/env python3
"""Checksum-validated PII types against an independent oracle: python-stdnum.

usage: benches/pii_oracle.py LOGWARDEN [--per-type N] [--seed S] [--dir DIR]
       (run with a Python that has `python-stdnum` installed, e.g. the bench venv)

`gen` plants values made by logwarden's own generator, so a check-digit rule misread the same way
in the generator and in the detector would go unnoticed there. This bench takes the verdict from
python-stdnum (LGPL, used here only as a test oracle, nothing of it is shipped):

- for each type, random candidates of the type's shape are drawn; values stdnum calls valid
  are "valid", and copies of them with one character changed that stdnum calls invalid are
  "invalid" (same shape, broken check);
- each value is written into a prompt in one of several hand-written sentences that carry the
  type's context word (the detector needs one for weak shapes), compact and in the separator
  format stdnum's `format()` gives, one record per value;
- `logwarden pii` runs on the file; a valid value is found when its record has a finding of the
  type; an invalid value is a false alarm when its record has a finding of the type.

Two rules where logwarden deliberately follows the issuer over python-stdnum are counted apart
("deliberate") and do not fail the run: `DE_TAX_ID` rejects a digit repeated three times in a
row in the first ten digits (the BZSt rule since 2016; stdnum accepts it), and `US_ITIN` accepts
the middle groups 50–65 the IRS added in 2011 (stdnum still rejects them).

Output: a Markdown table (recall on valid values, false alarms on invalid ones, with the
disagreeing values' masked shapes) for BENCHMARKS.md. Exit status 1 when any type's recall is
below 0.99 or its false-alarm rate above 0.01.
"""
import argparse
import csv
import hashlib
import os
import random
import string
import sys
import tempfile

from stdnum import bitcoin, iban, luhn, verhoeff
from stdnum.au import abn, acn, tfn
from stdnum.ca import sin
from stdnum.de import idnr
from stdnum.es import dni, nie
from stdnum.fi import hetu
from stdnum.gb import nhs
from stdnum.in_ import aadhaar, gstin, pan
from stdnum.iso7064 import mod_11_10
from stdnum.it import codicefiscale
from stdnum.kr import rrn
from stdnum.pl import pesel
from stdnum.se import personnummer
from stdnum.tr import tckimlik
from stdnum.us import itin, rtn, ssn
from stdnum.za import idnr as za_idnr

import pii_run  # benches/pii_run.py, beside this script

D = string.digits
U = string.ascii_uppercase


def rd(r, n, alphabet=D):
    return "".join(r.choice(alphabet) for _ in range(n))


def birth(r):
    """A random real date as (yyyy, mm, dd) strings."""
    y = r.randint(1935, 2005)
    m = r.randint(1, 12)
    d = r.randint(1, 28)
    return f"{y:04d}", f"{m:02d}", f"{d:02d}"


# --- candidate makers: each returns a string of the type's shape (valid or not) -----------------

def mk_nhs(r):
    return rd(r, 10)


def mk_sin(r):
    return r.choice("1234567") + rd(r, 8)


def mk_abn(r):
    return r.choice("123456789") + rd(r, 10)


def mk_acn(r):
    return rd(r, 9)


def mk_tfn(r):
    return r.choice("123456789") + rd(r, 8)


def mk_aadhaar(r):
    s = r.choice("23456789") + rd(r, 10)
    return s + verhoeff.calc_check_digit(s) if r.random() < 0.5 else s + rd(r, 1)


def mk_pan(r):
    return rd(r, 3, U) + r.choice("CPHFATBLJG") + rd(r, 1, U) + rd(r, 4) + rd(r, 1, U)


def mk_gstin(r):
    state = f"{r.randint(1, 37):02d}"
    body = state + mk_pan(r) + r.choice("123456789") + "Z"
    return body + luhn.calc_check_digit(body, alphabet=D + U) if r.random() < 0.5 else body + rd(r, 1, D + U)


def mk_dni(r):
    n = rd(r, 8)
    return n + (dni.calc_check_digit(n) if r.random() < 0.5 else r.choice("TRWAGMYFPDXBNJZSQVHLCKE"))


def mk_nie(r):
    n = r.choice("XYZ") + rd(r, 7)
    return n + (nie.calc_check_digit(n) if r.random() < 0.5 else r.choice("TRWAGMYFPDXBNJZSQVHLCKE"))


def mk_cf(r):
    y, m, d = birth(r)
    day = int(d) + (40 if r.random() < 0.5 else 0)
    body = (rd(r, 6, U) + y[2:] + "ABCDEHLMPRST"[int(m) - 1] + f"{day:02d}"
            + r.choice(U) + rd(r, 3))
    return body + codicefiscale.calc_check_digit(body) if r.random() < 0.5 else body + rd(r, 1, U)


def mk_pesel(r):
    y, m, d = birth(r)
    mm = int(m) + (20 if y.startswith("20") else 0)
    body = y[2:] + f"{mm:02d}" + d + rd(r, 4)
    return body + pesel.calc_check_digit(body) if r.random() < 0.5 else body + rd(r, 1)


def mk_hetu(r):
    y, m, d = birth(r)
    sep = "-" if y.startswith("19") else "A"
    z = f"{r.randint(2, 899):03d}"
    q = "0123456789ABCDEFHJKLMNPRSTUVWXY"[int(d + m + y[2:] + z) % 31]
    return d + m + y[2:] + sep + z + (q if r.random() < 0.5 else r.choice("0123456789ABCDEFHJKLMNPRSTUVWXY"))


def mk_pnr(r):
    y, m, d = birth(r)
    body = y[2:] + m + d + rd(r, 3)
    c = luhn.calc_check_digit(body) if r.random() < 0.5 else rd(r, 1)
    return y[2:] + m + d + "-" + body[6:] + c


def mk_rrn(r):
    y, m, d = birth(r)
    g = "1" if y.startswith("19") else "3"
    body = y[2:] + m + d + g + rd(r, 5)
    return body + rrn.calc_check_digit(body) if r.random() < 0.5 else body + rd(r, 1)


def mk_za(r):
    y, m, d = birth(r)
    body = y[2:] + m + d + rd(r, 4) + r.choice("01") + "8"
    return body + luhn.calc_check_digit(body) if r.random() < 0.5 else body + rd(r, 1)


def mk_tckn(r):
    body = r.choice("123456789") + rd(r, 8)
    return body + tckimlik.calc_check_digits(body) if r.random() < 0.5 else body + rd(r, 2)


def mk_idnr(r):
    # ten digits, first not 0, one digit twice or three times, then the check digit.
    while True:
        body = r.choice("123456789") + rd(r, 9)
        counts = sorted((body.count(c) for c in set(body)), reverse=True)
        if counts[0] in (2, 3) and (counts[0] == 3 or counts[1] == 1):
            break
    return body + mod_11_10.calc_check_digit(body) if r.random() < 0.5 else body + rd(r, 1)


def mk_itin(r):
    return "9" + rd(r, 2) + r.choice(["70", "75", "80", "85", "90", "92", "94", "98"]) + rd(r, 4)


def mk_rtn(r):
    body = r.choice(["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12",
                     "21", "22", "26", "31", "32"]) + rd(r, 6)
    return body + rtn.calc_check_digit(body) if r.random() < 0.5 else body + rd(r, 1)


def mk_ssn(r):
    return f"{r.randint(1, 899):03d}" + f"{r.randint(1, 99):02d}" + f"{r.randint(1, 9999):04d}"


def mk_card(r):
    pre, n = r.choice([("4", 16), ("51", 16), ("55", 16), ("2221", 16), ("34", 15), ("37", 15),
                       ("6011", 16), ("3528", 16)])
    body = pre + rd(r, n - len(pre) - 1)
    return body + luhn.calc_check_digit(body) if r.random() < 0.5 else body + rd(r, 1)


def mk_iban(r):
    cc, bban = r.choice([
        ("DE", lambda: rd(r, 18)),
        ("GB", lambda: rd(r, 4, U) + rd(r, 14)),
        ("NL", lambda: rd(r, 4, U) + rd(r, 10)),
        ("AT", lambda: rd(r, 16)),
        ("CH", lambda: rd(r, 17)),
        ("PL", lambda: rd(r, 24)),
        ("BE", lambda: rd(r, 12)),
        ("SE", lambda: rd(r, 20)),
    ])
    b = bban()
    check = iban.calc_check_digits(cc + "00" + b) if r.random() < 0.7 else rd(r, 2)
    return cc + check + b


B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58(data):
    n = int.from_bytes(data, "big")
    s = ""
    while n:
        n, k = divmod(n, 58)
        s = B58[k] + s
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + s


def mk_btc(r):
    payload = bytes([r.choice([0, 5])]) + bytes(r.getrandbits(8) for _ in range(20))
    check = hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    return b58(payload + check)


def same(mod):
    return lambda v: mod.is_valid(v)


def fmt_of(mod):
    return (lambda v: mod.format(v)) if hasattr(mod, "format") else None


# type, stdnum validity, maker, formatter, context words (one is used per sentence)
TYPES = [
    ("UK_NHS", same(nhs), mk_nhs, fmt_of(nhs), ["NHS number", "NHS no."]),
    ("CA_SIN", same(sin), mk_sin, fmt_of(sin), ["SIN", "social insurance number"]),
    ("AU_ABN", same(abn), mk_abn, fmt_of(abn), ["ABN", "business number"]),
    ("AU_ACN", same(acn), mk_acn, fmt_of(acn), ["ACN", "company number"]),
    ("AU_TFN", same(tfn), mk_tfn, fmt_of(tfn), ["TFN", "tax file number"]),
    ("IN_AADHAAR", same(aadhaar), mk_aadhaar, fmt_of(aadhaar), ["Aadhaar", "UIDAI number"]),
    ("IN_PAN", same(pan), mk_pan, None, ["PAN", "PAN card"]),
    ("IN_GSTIN", same(gstin), mk_gstin, None, ["GSTIN", "GST number"]),
    ("ES_NIF", same(dni), mk_dni, None, ["DNI", "NIF"]),
    ("ES_NIE", same(nie), mk_nie, None, ["NIE", "número de extranjero"]),
    ("IT_FISCAL_CODE", same(codicefiscale), mk_cf, None, ["codice fiscale", "CF"]),
    ("PL_PESEL", same(pesel), mk_pesel, None, ["PESEL", "numer PESEL"]),
    ("FI_HETU", same(hetu), mk_hetu, None, ["henkilötunnus", "HETU"]),
    ("SE_PERSONNUMMER", same(personnummer), mk_pnr, None, ["personnummer", "personnummer:"]),
    ("KR_RRN", same(rrn), mk_rrn, fmt_of(rrn), ["RRN", "resident registration number"]),
    ("ZA_ID", same(za_idnr), mk_za, None, ["ID number", "South African ID"]),
    ("TR_TCKN", same(tckimlik), mk_tckn, None, ["TCKN", "TC kimlik no"]),
    ("DE_TAX_ID", same(idnr), mk_idnr, fmt_of(idnr), ["Steuer-ID", "Steueridentifikationsnummer"]),
    ("US_ITIN", same(itin), mk_itin, fmt_of(itin), ["ITIN", "ITIN number"]),
    ("US_ABA_ROUTING", same(rtn), mk_rtn, None, ["routing number", "ABA"]),
    ("US_SSN", same(ssn), mk_ssn, fmt_of(ssn), ["SSN", "social security number"]),
    ("CREDIT_CARD", lambda v: luhn.is_valid(v), mk_card, None, ["card", "credit card"]),
    ("IBAN_CODE", same(iban), mk_iban, fmt_of(iban), ["IBAN", "bank account"]),
    ("CRYPTO_BTC", same(bitcoin), mk_btc, None, ["bitcoin address", "BTC wallet"]),
]

SENTENCES = [
    "my {kw} is {v}, can you check it?",
    "Please update the form. {kw}: {v}",
    "{kw} {v} — is this the right format?",
    "I typed {kw} = {v} into the portal and it failed.",
    "Customer wrote: \"my {kw} is {v}\". What should we do?",
]


def one_change(r, v):
    """v with one letter or digit replaced by another of the same kind."""
    idx = [i for i, c in enumerate(v) if c.isalnum()]
    i = r.choice(idx)
    c = v[i]
    pool = D if c.isdigit() else (U if c.isupper() else string.ascii_lowercase)
    alt = r.choice([x for x in pool if x != c])
    return v[:i] + alt + v[i + 1:]


def draw(r, valid_of, maker, n):
    """n stdnum-valid values and n same-shape values stdnum rejects (one character changed)."""
    good, bad = [], []
    tries = 0
    while len(good) < n and tries < n * 500:
        tries += 1
        v = maker(r)
        if valid_of(v) and v not in good:
            good.append(v)
    for v in good:
        for _ in range(50):
            w = one_change(r, v)
            if not valid_of(w):
                bad.append(w)
                break
    return good, bad


def deliberate(name, valid, value):
    """True where logwarden follows the issuer's newer rule and stdnum does not (see above)."""
    d = "".join(c for c in value if c.isdigit())
    if name == "DE_TAX_ID" and valid:
        return any(d[i] == d[i + 1] == d[i + 2] for i in range(8))
    if name == "US_ITIN" and not valid:
        return 50 <= int(d[3:5]) <= 65
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("logwarden")
    ap.add_argument("--per-type", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dir")
    a = ap.parse_args()
    r = random.Random(a.seed)
    work = a.dir or tempfile.mkdtemp(prefix="pii-oracle-")
    os.makedirs(work, exist_ok=True)
    data = os.path.join(work, "oracle.jsonl")
    rows = []  # (line, type, valid, value)
    with open(data, "w") as f:
        for name, valid_of, maker, fmt, kws in TYPES:
            good, bad = draw(r, valid_of, maker, a.per_type)
            for valid, values in ((True, good), (False, bad)):
                for k, v in enumerate(values):
                    shown = fmt(v) if (fmt and k % 2 == 1) else v
                    text = r.choice(SENTENCES).format(kw=r.choice(kws), v=shown)
                    rows.append((len(rows) + 1, name, valid, shown))
                    f.write(pii_run.record(len(rows), text))
    with open(os.path.join(work, "values.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["line", "pii_type", "stdnum_valid", "value"])
        w.writerows(rows)
    found = {}
    for row in pii_run.prompt_findings(a.logwarden, data, work):
        found.setdefault(int(row["line"]), set()).add(row["pii_type"])

    def shape(v):
        return "".join("9" if c.isdigit() else ("A" if c.isalpha() else c) for c in v)

    print(f"python-stdnum oracle, seed {a.seed}, up to {a.per_type} valid + "
          f"{a.per_type} one-character-changed invalid values per type, half in stdnum's "
          "separator format\n")
    print("| type | valid | found | recall | invalid | false alarms | rate | deliberate | "
          "other misses (shape) |")
    print("|---|---|---|---|---|---|---|---|---|")
    worst_ok = True
    for name, *_ in TYPES:
        mine = [x for x in rows if x[1] == name]
        good = [x for x in mine if x[2]]
        bad = [x for x in mine if not x[2]]
        hit = [x for x in good if name in found.get(x[0], ())]
        alarm = [x for x in bad if name in found.get(x[0], ())]
        rec = len(hit) / len(good) if good else float("nan")
        rate = len(alarm) / len(bad) if bad else 0.0
        missed = [x for x in good if x not in hit]
        known = sum(deliberate(name, True, x[3]) for x in missed)
        known += sum(deliberate(name, False, x[3]) for x in alarm)
        other = [x for x in missed if not deliberate(name, True, x[3])]
        other_alarms = [x for x in alarm if not deliberate(name, False, x[3])]
        miss = sorted({shape(x[3]) for x in other})[:3]
        if len(other) > 0.01 * len(good) or len(other_alarms) > 0.01 * max(len(bad), 1):
            worst_ok = False
        print(f"| `{name}` | {len(good)} | {len(hit)} | {rec:.3f} | {len(bad)} | {len(alarm)} | "
              f"{rate:.3f} | {known} | {', '.join(miss)} |")
    print(f"\n(working files: {work})")
    return 0 if worst_ok else 1


if __name__ == "__main__":
    sys.exit(main())
