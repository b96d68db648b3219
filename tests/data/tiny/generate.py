#!/usr/bin/python3
"""Writes the tiny programme in this directory: 18 Careers Leaders, one tiny
group and no comparison establishments, for the report's honest limits
(issue 14). From a fixed seed, so it never changes unless this script does.
Run from the repository root: /usr/bin/python3 tests/data/tiny/generate.py

What it holds, and what the report must do with it:
- 14 matched leaders in mainstream schools; 2 matched in special schools
  (send_ap: a group of 2, withheld); no college (an empty group, "none").
- 2 more leaders in mainstream schools answered only the post survey: the
  post-only group of the attrition table is 2 (withheld, no tests).
- 3 long-term responses: every level 3 distribution withheld.
- Compass returns only for the trained establishments: no comparison group,
  so no difference in differences.
- The school coordination items answered so that two run against the other
  three: Cronbach's alpha is negative.
"""
import csv, json, os, random

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.join(here, '..', '..', '..')
rng = random.Random(20261202)


def instrument(name):
    with open(os.path.join(root, 'instruments', name + '.json')) as f:
        return json.load(f)


def write(name, header, rows):
    with open(os.path.join(here, name), 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(header)
        w.writerows(rows)


sa = [i for i in instrument('self-assessment')['items'] if i['role'] == 'school']
lt = instrument('long-term')['items']

ests, leaders, enrol, sa_rows, compass = [], [], [], [], []
hubs = ['Tees Valley', 'Lancashire', '']
for k in range(18):
    urn = str(200100 + k)
    typ = 'special' if k in (14, 15) else 'mainstream'
    ests.append([urn, 'School %02d' % k, typ, 'North East', hubs[k % 3], '%.1f' % (10 + k), ''])
    lid = 'T%03d' % k
    leaders.append([lid, urn, 'school', 6 + 7 * k, 1])
    enrol.append([lid, 'P1' if k % 2 else 'P2', 1, '2019-09-02', '2020-01-20', 'completed', ''])
    stages = ['post'] if k >= 16 else ['pre', 'post']
    for st in stages:
        day = '2019-09-01T09:00:00' if st == 'pre' else '2020-01-25T09:00:00'
        v = rng.randint(2, 4)
        for it in sa:
            if it['area'] == 'coordination':
                # two items with v, three with 6 - v: they vary against each other
                n = int(it['id'][-2:])
                x = v if n <= 2 else 6 - v
            else:
                x = min(5, max(1, rng.randint(2, 4) + (1 if st == 'post' else 0)))
            sa_rows.append([lid, st, day, it['id'], x])
        if st == 'post':
            for item in ('post_knowledge', 'post_actions', 'post_faster'):
                sa_rows.append([lid, st, day, item, rng.choice([3, 4, 4, 5, 5])])
    compass.append([urn, '2018-06-01'] + [rng.choice([0, 50, 100]) for _ in range(8)])
    compass.append([urn, '2020-11-02'] + [rng.choice([50, 100, 100]) for _ in range(8)])

write('establishments.csv', ['urn', 'name', 'type', 'region', 'hub', 'fsm_pct', 'hub_joined'], ests)
write('leaders.csv', ['leader_id', 'urn', 'role', 'months_in_role', 'contact_consent'], leaders)
write('providers.csv', ['provider_id', 'name', 'accreditation'],
      [['P1', 'North Careers Training', 'level6'], ['P2', 'Coast Careers Institute', 'none']])
write('enrolments.csv', ['leader_id', 'provider_id', 'wave', 'start_date', 'completion_date',
                         'status', 'bursary_claimed_date'], enrol)
write('self-assessment.csv', ['leader_id', 'stage', 'submitted_at', 'item_id', 'value'], sa_rows)
write('compass.csv', ['urn', 'submitted_at'] + ['bm%d' % i for i in range(1, 9)], compass)
lt_rows = []
for r in range(3):
    rid = 'R_TINY%d' % r
    for it in lt:
        iid = it['id']
        if iid.startswith('lt_conf_'):
            v = rng.choice(['very', 'quite'])
        elif iid.startswith('lt_practice_'):
            v = rng.choice(['direct', 'improved', 'not_done'])
        elif iid.startswith('lt_support_'):
            v = rng.choice([0, 1])
        else:
            v = rng.choice([3, 4, 5])
        lt_rows.append([rid, '2021-02-01T10:00:00', iid, v])
write('long-term.csv', ['response_id', 'submitted_at', 'item_id', 'value'], lt_rows)
