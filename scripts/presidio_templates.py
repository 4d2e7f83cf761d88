"""Gold spans from presidio-evaluator's sentence templates, filled with its
Fake Name Generator identities: a check on text deid was not written on.

presidio-evaluator (MIT; the identities CC BY-SA 3.0 US, Fake Name
Generator, fakenamegenerator.com) is the data generator behind Presidio's
synthetic benchmark: 195 templates of bank-bot chat, letters, signatures,
reviews and news, and 3,000 identities of 24 name sets (Czech, Chechen,
Greenlander, Japanese, ...). It is not a dependency of deid:

    pip download presidio-evaluator==0.3.2 --no-deps -d /tmp/pe
    (cd /tmp/pe && unzip -o -q presidio_evaluator-0.3.2-py3-none-any.whl)
    python3 scripts/presidio_templates.py /tmp/pe/presidio_evaluator/data_generator/raw_data 2 odd > /tmp/pt.jsonl
    bin/deid eval --gold /tmp/pt.jsonl --labels PERSON,LOCATION

Arguments: the raw_data folder, a seed, and which templates ("even", "odd"
or "all" by their line number). Even templates with seed 1 are the tuning
half; odd templates with seed 2 are only scored.

Labels: every name template (person, name, first_name, last_name, ...) is
PERSON, without the title templates before it (prefix_male is no name);
address parts (address, street_name, building_number, secondary_address,
city, country, state_abbr, zipcode, postcode) are LOCATION, joined into
one span when only spaces, commas or line breaks stand between them, as
deid's address rule writes them; organization is ORG; phone_number PHONE;
email EMAIL; url URL; ip_address IP; date_of_birth and date_time DATE;
iban, credit_card_number, ssn and us_driver_license ID. Nationalities,
jobs, ages, years and weekdays are not identifiers and carry no span.
Offsets are UTF-8 bytes.
"""
import csv, json, random, re, sys

raw, seed, which = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rng = random.Random(seed)
people = list(csv.DictReader(open(raw + '/FakeNameGenerator.com_3000.csv', encoding='utf-8-sig')))
orgs = [l.strip() for l in open(raw + '/companies_and_organizations.csv', encoding='utf-8')][1:]
nats = list(csv.DictReader(open(raw + '/nationalities.csv', encoding='utf-8-sig')))
dls = [l.strip() for l in open(raw + '/us_driver_licenses.csv', encoding='utf-8')][1:]
templates = [l.rstrip('\n') for l in open(raw + '/templates.txt', encoding='utf-8')]

PERSON = {'person', 'name', 'name_male', 'name_female', 'first_name', 'first_name_male', 'first_name_female',
          'first_name_nonbinary', 'last_name', 'last_name_male', 'last_name_female'}
LOCATION = {'address', 'street_name', 'building_number', 'secondary_address', 'city', 'country', 'state_abbr',
            'zipcode', 'postcode'}
OTHER = {'organization': 'ORG', 'phone_number': 'PHONE', 'email': 'EMAIL', 'url': 'URL', 'ip_address': 'IP',
         'date_of_birth': 'DATE', 'date_time': 'DATE', 'iban': 'ID', 'credit_card_number': 'ID', 'ssn': 'ID',
         'us_driver_license': 'ID'}
MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October',
          'November', 'December']


def luhn(prefix, n):
    d = [int(c) for c in prefix] + [rng.randint(0, 9) for _ in range(n - len(prefix) - 1)]
    s = 0
    for i, x in enumerate(reversed(d)):
        if i % 2 == 0:
            x *= 2
            x = x - 9 if x > 9 else x
        s += x
    return ''.join(map(str, d)) + str((10 - s % 10) % 10)


def iban():
    bban = ''.join(str(rng.randint(0, 9)) for _ in range(18))
    cc = rng.choice(['DE', 'FR', 'ES', 'IT', 'NL', 'GB'])
    if cc == 'GB':
        bban = ''.join(rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ') for _ in range(4)) + bban[:14]
    num = ''.join(str(int(c, 36)) for c in bban + cc + '00')
    check = 98 - int(num) % 97
    s = cc + '%02d' % check + bban
    return ' '.join(s[i:i + 4] for i in range(0, len(s), 4)) if rng.random() < 0.5 else s


def split_street(s):
    m = re.match(r'^(\d+[A-Za-z]?)\s+(.+)$', s)
    if m:
        return m.group(1), m.group(2)
    m = re.match(r'^(.+?)\s+(\d+[A-Za-z]?)$', s)
    if m:
        return m.group(2), m.group(1)
    return '', s


def value(key, p):
    street_no, street = split_street(p['StreetAddress'])
    if key in ('person', 'name', 'name_male', 'name_female'):
        return p['GivenName'] + (' ' + p['MiddleInitial'] + '.' if rng.random() < 0.2 else '') + ' ' + p['Surname']
    if key.startswith('first_name'):
        return p['GivenName']
    if key.startswith('last_name'):
        return p['Surname']
    if key == 'address':
        parts = [p['StreetAddress']]
        if rng.random() < 0.3:
            parts.append(value('secondary_address', p))
        return ', '.join(parts + [p['City'], (p['State'] + ' ' if p['State'] and rng.random() < 0.5 else '') + p['ZipCode']])
    if key == 'street_name':
        return street
    if key == 'building_number':
        return street_no or str(rng.randint(1, 999))
    if key == 'secondary_address':
        return rng.choice(['Apt. ', 'Suite ', 'Flat ', 'Unit ']) + str(rng.randint(1, 999))
    if key == 'city':
        return p['City']
    if key == 'country':
        return p['CountryFull']
    if key == 'state_abbr':
        return p['State'] or 'NY'
    if key in ('zipcode', 'postcode'):
        return p['ZipCode']
    if key == 'organization':
        return rng.choice(orgs)
    if key == 'phone_number':
        return ('+' + p['TelephoneCountryCode'] + ' ' if rng.random() < 0.5 else '') + p['TelephoneNumber']
    if key == 'email':
        return p['EmailAddress']
    if key == 'url':
        return rng.choice(['https://www.', 'http://', 'www.']) + p['Domain'].lower()
    if key == 'ip_address':
        return '.'.join(str(rng.randint(1, 254)) for _ in range(4))
    if key in ('date_of_birth', 'date_time'):
        m, d, y = p['Birthday'].split('/')
        return rng.choice(['%s/%s/%s' % (m, d, y), '%s %s %s' % (d, MONTHS[int(m) - 1], y),
                           '%s %s, %s' % (MONTHS[int(m) - 1], d, y), '%s-%02d-%02d' % (y, int(m), int(d))])
    if key == 'iban':
        return iban()
    if key == 'credit_card_number':
        return luhn(rng.choice(['4', '51', '37']), 16)
    if key == 'ssn':
        return '%03d-%02d-%04d' % (rng.randint(1, 665), rng.randint(1, 99), rng.randint(1, 9999))
    if key == 'us_driver_license':
        return rng.choice(dls)
    if key == 'nationality':
        return rng.choice(nats)['nationality'].capitalize()
    if key == 'nation_woman':
        return rng.choice(nats)['woman'].capitalize()
    if key == 'nation_plural':
        return rng.choice(nats)['plural'].capitalize()
    if key == 'job':
        return p['Occupation']
    if key == 'age':
        return str(rng.randint(18, 90))
    if key == 'year':
        return str(rng.randint(1950, 2023))
    if key == 'day_of_week':
        return rng.choice(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'])
    if key.startswith('prefix'):
        return rng.choice(['Mr.', 'Dr.', 'Mr'] if 'male' in key and 'female' not in key else ['Mrs.', 'Ms.', 'Dr.', 'Miss'])
    return key


SLOT = re.compile(r'\{\{(\w+)\}\}')
n = 0
for ti, t in enumerate(templates):
    if not t.strip() or (which == 'even' and ti % 2) or (which == 'odd' and ti % 2 == 0):
        continue
    t = t.replace('\\n', '\n')
    for rep in range(10):
        p = rng.choice(people)
        text, spans, pos = '', [], 0
        for m in SLOT.finditer(t):
            text += t[pos:m.start()]
            key = m.group(1)
            if rng.random() < 0.3:
                p = rng.choice(people)  # another person for the next slot
            v = value(key, p)
            start = len(text.encode())
            text += v
            label = 'PERSON' if key in PERSON else 'LOCATION' if key in LOCATION else OTHER.get(key)
            if label:
                spans.append({'start': start, 'end': len(text.encode()), 'label': label})
            pos = m.end()
        text += t[pos:]
        # Adjacent address parts are one LOCATION span.
        merged = []
        b = text.encode()
        for s in spans:
            if merged and merged[-1]['label'] == 'LOCATION' == s['label'] and \
                    re.fullmatch(rb'[ ,\n]*', b[merged[-1]['end']:s['start']]):
                merged[-1]['end'] = s['end']
            else:
                merged.append(dict(s))
        n += 1
        print(json.dumps({'id': 'pt-%d-%d-%d' % (seed, ti, rep), 'text': text, 'spans': merged}, ensure_ascii=False))
