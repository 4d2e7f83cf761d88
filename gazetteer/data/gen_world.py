#!/usr/bin/env python3
"""Builds the world name and place lists deid embeds from the project's
shared gazetteers (../shared/gazetteers, see LICENSE.md here for sources and
licences). Run from this directory: python3 gen_world.py [SHARED_DIR].

  world_names.tsv   lower-case name tokens with f (first name), s (surname)
                    or fs: Faker's first names and surnames of 86 locales
                    (MIT) and every US Census 2010 surname with 100+ bearers
                    (public domain), each accented one also unaccented, as
                    English text writes it ("ivanisevic");
  world_places.tsv  one-word GeoNames places with 1,000+ people (CC BY 4.0):
                    the lower-case name and the largest population of a
                    place of that name, accented names also unaccented;
  world_cities.txt  GeoNames places of two words or more with 100,000+
                    people (CC BY 4.0), lower-case, one per line, accented
                    names also unaccented ("sao paulo"): a phrase needs
                    matching as a whole, so only the large ones are kept.

Both are sorted by UTF-8 bytes (Python sorts str by code point, the same
order), so deid binary-searches them in place without building a map.

Output is sorted, so the files are reproducible byte for byte."""
import re, sys, unicodedata

src = sys.argv[1] if len(sys.argv) > 1 else "../../../../shared/gazetteers"
TOK = re.compile(r"[^\W\d_]+", re.UNICODE)


def toks(s):
    s = unicodedata.normalize("NFC", s).lower()
    return [t for t in TOK.findall(s) if len(t) >= 2]


def tsv(name):
    with open(f"{src}/{name}", encoding="utf-8") as f:
        next(f)
        for line in f:
            yield line.rstrip("\n").split("\t")


# Letters NFKD does not decompose, as English text writes them.
SPECIAL = {"ł": "l", "đ": "d", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ı": "i", "ə": "a", "þ": "th", "ð": "d", "ħ": "h"}


def fold(t):
    """t as English text writes it without accents ("ivanišević" ->
    "ivanisevic"), or "" when some letter has no ASCII form."""
    t = "".join(SPECIAL.get(c, c) for c in t)
    t = "".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c))
    return t if t.isascii() and t.isalpha() else ""


def with_folds(d, merge):
    """d plus the unaccented spelling of every accented key, merged into an
    entry the spelling may already have."""
    out = dict(d)
    for k, v in d.items():
        f = fold(k)
        if f and f != k:
            out[f] = merge(out[f], v) if f in out else v
    return out


names = {}
for row in tsv("world_first_names_faker.tsv"):
    for t in toks(row[0]):
        names[t] = names.get(t, "") + "f" if "f" not in names.get(t, "") else names[t]
for row in tsv("world_surnames_faker.tsv"):
    for t in toks(row[0]):
        if "s" not in names.get(t, ""):
            names[t] = names.get(t, "") + "s"
with open(f"{src}/us_census2010_surnames.txt", encoding="utf-8") as f:
    for line in f:
        for t in toks(line.strip()):
            if "s" not in names.get(t, ""):
                names[t] = names.get(t, "") + "s"
names = with_folds(names, lambda a, b: "".join(c for c in "fs" if c in a + b))
with open("world_names.tsv", "w", encoding="utf-8") as f:
    for k in sorted(names):
        f.write(f"{k}\t{names[k]}\n")

places = {}
for row in tsv("world_places_geonames_cities1000.tsv"):
    t, pop = toks(row[0]), int(row[2] or 0)
    if len(t) != 1 or len(t[0]) < 3:
        continue  # multi-word places need phrase matching; one word is enough evidence here
    places[t[0]] = max(places.get(t[0], 0), pop)
places = with_folds(places, max)
with open("world_places.tsv", "w", encoding="utf-8") as f:
    for k in sorted(places):
        f.write(f"{k}\t{places[k]}\n")

cities = set()
for row in tsv("world_places_geonames_cities1000.tsv"):
    name, pop = unicodedata.normalize("NFC", row[0]).lower().strip(), int(row[2] or 0)
    t = toks(name)
    if pop < 100000 or len(t) < 2 or any(c.isdigit() for c in name):
        continue
    cities.add(name)
    f = " ".join(fold(w) for w in t)
    if all(fold(w) for w in t) and f != " ".join(t):
        cities.add(f)
with open("world_cities.txt", "w", encoding="utf-8") as f:
    for k in sorted(cities):
        f.write(k + "\n")
print(len(names), "name tokens;", len(places), "places;", len(cities), "city phrases")
