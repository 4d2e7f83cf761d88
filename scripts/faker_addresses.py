"""Synthetic international addresses and names with gold spans, from Faker.

A check of the address rules on the kind of text the Presidio synthetic
benchmark is made of (Faker's address and name providers of 43 locales in
sentence templates); it is not a dev split of real text. Seed 1 was used
while writing the rules, seed 2 only to score them:

    python3 -m venv /tmp/fk && /tmp/fk/bin/pip install faker==40.63.0
    /tmp/fk/bin/python scripts/faker_addresses.py 2 2000 > /tmp/held.jsonl
    bin/deid eval --gold /tmp/held.jsonl --labels PERSON,LOCATION

Each address is one LOCATION span (its parts joined), each name a PERSON
span; offsets are UTF-8 bytes. Faker is MIT-licensed and is not a
dependency of deid.
"""
import os, sys, json, random
# Some of Faker's providers iterate sets of str, whose order follows
# PYTHONHASHSEED: without a fixed one every run writes other data.
if os.environ.get('PYTHONHASHSEED') != '0':
    os.execve(sys.executable, [sys.executable] + sys.argv, dict(os.environ, PYTHONHASHSEED='0'))
from faker import Faker
seed = int(sys.argv[1]); n = int(sys.argv[2])
locs = ['fi_FI','it_CH','en_US','de_DE','pt_BR','fr_FR','pl_PL','nl_NL','es_ES','en_IN','cs_CZ','hu_HU','tr_TR','ro_RO','sv_SE','da_DK','no_NO','en_AU','en_NZ','en_IE','en_CA','fr_CA','es_MX','id_ID','en_PH','zu_ZA','sk_SK','sl_SI','hr_HR','de_AT','de_CH','fr_CH','nl_BE','en_GB','es_AR','es_CO','es_CL','pt_PT','it_IT','vi_VN','et_EE','lt_LT','lv_LV']
rng = random.Random(seed)
fk = {l: Faker(l) for l in locs}
for l in locs: fk[l].seed_instance(seed * 1000 + locs.index(l))
T = [
 ("My address is {A}.", 'A'), ("Please send the forms to {A}", 'A'), ("I moved to {A} last month and I hate it.", 'A'),
 ("{N} lives at {A}.", 'NA'), ("Ship to: {N}, {A}", 'NA'), ("Her new place is {S}, near the station.", 'S'),
 ("We met at {S} in {C}.", 'SC'), ("Contact {N} at {S}, {C}", 'NSC'), ("I'm staying at {S} {X} for now", 'SX'),
 ("the flat at {S}, {X} is damp", 'SX'), ("Deliver to {X}, {S}, {C} {P}", 'XSCP'), ("{N} from {C} called today.", 'NC'),
 ("Address: {A}", 'A'), ("he grew up on {S} in {C}, {P}", 'SCP'),
]
def one(f, key):
    try:
        if key == 'A': return f.address().replace('\n', ', ')
        if key == 'S': return f.street_address()
        if key == 'X': return f.secondary_address() if hasattr(f, 'secondary_address') else 'Apt. %d' % rng.randint(1, 999)
        if key == 'C': return f.city()
        if key == 'P': return f.postcode()
        if key == 'N': return f.name()
    except AttributeError:
        return None
for i in range(n):
    l = rng.choice(locs); f = fk[l]
    tpl, keys = rng.choice(T)
    # In the template's order, not a set's: a set of str iterates in
    # PYTHONHASHSEED's order, which made each run's data differ.
    vals = {k: one(f, k) for k in dict.fromkeys(keys)}
    if any(v is None for v in vals.values()): continue
    text = ''; spans = []; j = 0
    import re
    for m in re.finditer(r'\{(\w)\}', tpl):
        text += tpl[j:m.start()]
        k = m.group(1); v = vals[k]
        st = len(text.encode()); text += v
        spans.append({'start': st, 'end': len(text.encode()), 'label': 'PERSON' if k == 'N' else 'LOCATION'})
        j = m.end()
    text += tpl[j:]
    # merge adjacent LOCATION spans separated only by ", " or " "
    merged = []
    for s in spans:
        if merged and merged[-1]['label'] == s['label'] == 'LOCATION' and text.encode()[merged[-1]['end']:s['start']].decode() in (', ', ' '):
            merged[-1]['end'] = s['end']
        else: merged.append(s)
    print(json.dumps({'id': '%s-%d' % (l, i), 'text': text, 'spans': merged}, ensure_ascii=False))
