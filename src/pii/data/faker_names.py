#!/usr/bin/env python3
"""Regenerates faker_given.txt and faker_surnames.txt from the PyPI package Faker (MIT).

usage: python3 faker_names.py FAKER_DIR   (FAKER_DIR: the unpacked `faker-40.54.0` wheel)

Reads every `faker/providers/person/<locale>` Provider's first- and last-name lists
(including the romanized lists of zh_CN, zh_TW, ja_JP), splits multi-word entries, folds
accents and strokes (`Łukasz` -> `lukasz`), and keeps the words that are three or more
letters a-z (one inner hyphen allowed), are not in the other gazetteers of this folder, are
not a word of the `wamerican` dictionary (`/usr/share/dict/words`: lowercase words and proper
nouns, so places and brands go too) and are not in a guard list of `src/pii/names.rs`.
Non-Latin scripts (Cyrillic, Greek, Arabic, Hangul, kana, Han, Devanagari...) fold to
non-ASCII and are dropped.
"""
import collections, importlib, os, re, sys, unicodedata

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, sys.argv[1])
base = os.path.join(sys.argv[1], "faker", "providers", "person")
FOLD = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ı": "i", "ß": "ss", "æ": "ae",
                      "œ": "oe", "þ": "th", "ð": "d"})


def fold(w):
    w = unicodedata.normalize("NFKD", w.lower().translate(FOLD))
    return "".join(c for c in w if not unicodedata.combining(c))


GIVEN = ["first_names", "first_names_male", "first_names_female", "first_names_nonbinary",
         "first_romanized_names", "first_names_male_romanized",
         "first_names_female_romanized", "first_name_males", "first_name_females"]
SURNAMES = ["last_names", "last_names_male", "last_names_female", "last_romanized_names",
            "last_names_romanized", "last_names_nonbinary"]
found = {"given": collections.defaultdict(set), "sur": collections.defaultdict(set)}
for loc in sorted(os.listdir(base)):
    if not os.path.isdir(os.path.join(base, loc)) or loc.startswith("__"):
        continue
    provider = importlib.import_module(f"faker.providers.person.{loc}").Provider
    for attrs, kind in ((GIVEN, "given"), (SURNAMES, "sur")):
        for a in attrs:
            v = getattr(provider, a, None)
            if v is None or isinstance(v, (property, str)) or callable(v):
                continue
            for name in (list(v.keys()) if isinstance(v, dict) else list(v)):
                for part in str(name).split():
                    f = fold(part)
                    if re.fullmatch(r"[a-z]+(-[a-z]+)?", f):
                        found[kind][f].add(loc)

known = {"given": set(), "sur": set()}
for f in ["us_given.txt", "intl_given.txt", "ssa_given.txt"]:
    known["given"] |= set(open(os.path.join(here, f)).read().split())
for f in ["us_surnames.txt", "intl_surnames.txt", "census2010_surnames.txt"]:
    known["sur"] |= set(open(os.path.join(here, f)).read().split())
dictionary = {w.strip().lower() for w in open("/usr/share/dict/words") if "'" not in w}
src = open(os.path.join(here, "..", "names.rs")).read()
guard = set()
for c in ["AMBIGUOUS", "MODELS", "PLACES", "TECH", "INSTITUTION", "GENERIC"]:
    m = re.search(r'const %s: &str = "(.*?)";' % c, src, re.S)
    guard |= {x.strip() for x in m.group(1).replace("\\\n", "").split("\\n") if x.strip()}
for kind, out in (("given", "faker_given.txt"), ("sur", "faker_surnames.txt")):
    keep = sorted(w for w in found[kind] if w not in known[kind] and w not in dictionary
                  and w not in guard and re.fullmatch(r"[a-z]{3,}(-[a-z]{2,})?", w))
    with open(os.path.join(here, out), "w") as f:
        f.write("\n".join(keep) + "\n")
    print(out, len(keep))
