#!/usr/bin/python3
"""Writes the small programme in this directory (every import KIND), from a
fixed seed so that it never changes unless this script does. Run from the
repository root: /usr/bin/python3 tests/data/programme/generate.py"""
import csv, json, os, random

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.join(here, '..', '..', '..')
rng = random.Random(20190901)

def instrument(name):
    with open(os.path.join(root, 'instruments', name + '.json')) as f:
        return json.load(f)

sa = instrument('self-assessment')['items']
refl = [i['id'] for i in instrument('reflective')['items']]
lt = instrument('long-term')['items']
compass = instrument('compass-2014')['items']
role_items = {r: [i for i in sa if i['role'] == r]
              for r in ('school', 'college_strategic', 'college_operational')}

def write(name, header, rows):
    with open(os.path.join(here, name), 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(header)
        w.writerows(rows)

# Establishments: three hubs, a mix of types; names with commas and quotes.
ests = [
    ('100101', 'Oakfield Academy', 'mainstream', 'North West', 'Greater Manchester', '18.4', ''),
    ('100102', "St Mary's Catholic High School, Leyland", 'mainstream', 'North West', 'Lancashire', '9.7', '2019-01-15'),
    ('100103', 'Brookside Special School', 'special', 'North West', 'Greater Manchester', '41.2', ''),
    ('100104', 'The "Bridge" Pupil Referral Unit', 'ap', 'North East', '', '63.5', ''),
    ('100105', 'Riverside Community College', 'mainstream', 'North East', 'Tees Valley', '27.1', '2019-09-01'),
    ('100106', 'Hillcrest School', 'mainstream', 'Yorkshire and the Humber', '', '12', ''),
    ('100107', 'Moorland Primary and Secondary Academy', 'mainstream', 'North East', 'Tees Valley', '33.3', ''),
    ('100108', 'Kingsway Grammar School', 'mainstream', 'North West', '', '4.5', ''),
    ('130201', 'Northbank College', 'fe_college', 'North West', 'Greater Manchester', '22', ''),
    ('130202', 'Tees Sixth Form College', 'sixth_form_college', 'North East', 'Tees Valley', '15.8', '2020-01-06'),
    ('130203', 'Dale Valley College', 'fe_college', 'Yorkshire and the Humber', '', '19.6', ''),
    ('100109', 'Greenfields School', 'special', 'Yorkshire and the Humber', '', '38', ''),
]
write('establishments.csv',
      ['urn', 'name', 'type', 'region', 'hub', 'fsm_pct', 'hub_joined'], ests)

first = ['Amira', 'Ben', 'Chloe', 'Dev', 'Eleanor', 'Femi', 'Grace', 'Harpreet', 'Isaac',
         'Jo', 'Kofi', 'Lucy', 'Mohammed', 'Niamh', 'Owen', 'Priya', 'Rhys', 'Sian']
last = ['Ahmed', 'Brown', 'Clarke', 'Desai', 'Evans', 'Okafor', 'Green', 'Kaur', 'Jones',
        "O'Brien", 'Mensah', 'Hughes', 'Iqbal', 'Byrne', 'Lewis', 'Patel', 'Roberts', 'Thomas']
leaders = []
for i, e in enumerate(ests):
    urn, etype = e[0], e[2]
    roles = (['college_strategic', 'college_operational'] if etype in ('fe_college', 'sixth_form_college')
             else ['school'])
    for role in roles:
        n = len(leaders)
        lid = 'CL%04d' % (n + 1)
        months = rng.choice(['3', '8', '14', '26', '40', '75', ''])
        consent = rng.choice(['0', '1', '1'])
        name = '%s %s' % (first[n % len(first)], last[(n * 7) % len(last)])
        email = '%s.%s@example.org' % (first[n % len(first)].lower(),
                                       last[(n * 7) % len(last)].lower().replace("'", ''))
        if n % 5 == 4:
            name, email = '', ''  # no personal details on file
        leaders.append((lid, urn, role, months, consent, name, email))
write('leaders.csv',
      ['leader_id', 'urn', 'role', 'months_in_role', 'contact_consent', 'name', 'email'], leaders)

providers = [('P01', 'Careers Development Institute', 'none'),
             ('P02', 'University of Derby (iCeGS)', 'level7'),
             ('P03', 'Canterbury Christ Church University', 'level7'),
             ('P04', 'Career Connect, Level 6 Award', 'level6')]
write('providers.csv', ['provider_id', 'name', 'accreditation'], providers)

enrol = []
for n, l in enumerate(leaders):
    p = providers[n % 4][0]
    wave = 1 + n % 2
    start = '2019-%02d-%02d' % (9 + wave, 1 + n % 20)
    fate = n % 6
    if fate == 5:
        enrol.append((l[0], p, wave, start, '', 'withdrawn', ''))
    elif fate == 4:
        enrol.append((l[0], p, wave, start, '', 'enrolled', ''))
    else:
        done = '2020-%02d-%02d' % (2 + wave, 10 + n % 15)
        claim = '2020-%02d-%02d' % (5 + wave, 1 + n % 20) if fate != 3 else ''
        enrol.append((l[0], p, wave, start, done, 'completed', claim))
write('enrolments.csv', ['leader_id', 'provider_id', 'wave', 'start_date', 'completion_date',
                         'status', 'bursary_claimed_date'], enrol)

def likert(mean):
    return str(max(1, min(5, round(rng.gauss(mean, 0.8)))))

# Pre survey: the wide shape a survey platform exports, every item a
# column; one leader clicked twice (a second, partial submission), one
# skipped most of the networking items.
all_items = [i['id'] for i in sa]
pre_rows, pre_when = [], {}
for n, l in enumerate(leaders):
    if n % 6 == 5:
        continue  # never answered the pre survey
    when = '2019-%02d-%02dT%02d:%02d:00' % (9 + n % 3, 2 + n % 25, 9 + n % 8, (n * 13) % 60)
    pre_when[l[0]] = when
    ans = {i['id']: likert(3.6) for i in role_items[l[2]]}
    if n == 3:
        for i in role_items[l[2]]:
            if i['area'] == 'networking' and not i['id'].endswith('_01'):
                ans[i['id']] = ''
    pre_rows.append([l[0], 'pre', when] + [ans.get(i, '') for i in all_items])
    if n == 1:  # a second, incomplete submission five minutes later
        later = when[:-5] + '%02d:00' % ((int(when[-5:-3]) + 5) % 60)
        partial = [ans.get(i, '') if k < 6 else '' for k, i in enumerate(all_items)]
        pre_rows.append([l[0], 'pre', later] + partial)
write('self-assessment-pre.csv', ['leader_id', 'stage', 'submitted_at'] + all_items, pre_rows)

# Post survey: one answer per row, with the reflective items.
post = []
for n, l in enumerate(leaders):
    if n % 6 in (4, 5) or n == 7:
        continue  # no post survey (not completed, withdrawn, or did not answer)
    when = '2020-%02d-%02dT14:%02d:00Z' % (4 + n % 3, 1 + n % 27, n % 60)
    for i in role_items[l[2]]:
        post.append((l[0], 'post', when, i['id'], likert(4.4)))
    for r in refl:
        post.append((l[0], 'post', when, r, likert(4.3)))
# A leader who answered the post survey only.
l = leaders[5]
for i in role_items[l[2]]:
    post.append((l[0], 'post', '2020-05-20', i['id'], likert(4.2)))
write('self-assessment-post.csv', ['leader_id', 'stage', 'submitted_at', 'item_id', 'value'],
      post)

# Long-term survey: anonymous, one answer per row.
lt_rows = []
codes = {'confidence4': ['very', 'very', 'quite', 'not_very'],
         'practice4': ['direct', 'improved', 'not_result', 'not_done'],
         'selected': ['0', '0', '1'], 'agree5': ['3', '4', '5', '5']}
for r in range(9):
    rid = 'R_%s' % ''.join(rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ23456789') for _ in range(10))
    when = '2021-%02d-%02dT10:%02d:00' % (2 + r % 5, 3 + r, r * 6)
    for i in lt:
        if r == 4 and i['scale'] == 'selected':
            continue  # skipped the support question
        lt_rows.append((rid, when, i['id'], rng.choice(codes[i['scale']])))
write('long-term.csv', ['response_id', 'submitted_at', 'item_id', 'value'], lt_rows)

# Compass: a baseline and a later return for each establishment; a few
# later returns carry their criteria.
crit = [i for i in compass]
crit_ids = [i['id'] for i in crit]
rows = []
for n, e in enumerate(ests):
    college = e[2] in ('fe_college', 'sixth_form_college')
    variant = 'college' if college else 'school'
    for when, level in (('2018-07-%02d' % (2 + n), 0.35), ('2020-11-%02d' % (2 + n), 0.6)):
        met = {}
        bms = []
        for b in range(1, 9):
            items = [i for i in crit if i['role'] == variant and i['benchmark'] == b]
            m = [1 if rng.random() < level + 0.1 * (b in (2, 8)) else 0 for _ in items]
            for i, v in zip(items, m):
                met[i['id']] = str(v)
            bms.append('%g' % round(100.0 * sum(m) / len(m), 1))
        detailed = when.startswith('2020') and n % 3 == 0
        rows.append([e[0], when] + bms + (['compass-2014'] if detailed else ['']) +
                    [met.get(c, '') if detailed else '' for c in crit_ids])
write('compass.csv', ['urn', 'submitted_at'] + ['bm%d' % b for b in range(1, 9)] +
      ['instrument'] + crit_ids, rows)
