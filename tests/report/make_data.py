#!/usr/bin/python3
"""Writes a small, realistic programme with known answers as CSV files of
every import KIND, for the end-to-end test of `cleval report`
(tests/report/run.sh). Deterministic: a fixed seed, stdlib only.

Usage: /usr/bin/python3 tests/report/make_data.py OUTDIR

What it holds on purpose (expected.py recomputes every figure from these
files; run it with --coverage to see the counts):
- establishments of all five types, three hubs, hub_joined dates before and
  after the post Compass return (in a hub at post or not);
- leaders of the three roles, months_in_role on the band limits (12, 36,
  60) and empty; a college whose operational leader withdrew; leaders with
  no enrolment; an establishment whose only leader withdrew (excluded from
  the Compass comparison); a leader who withdrew and re-enrolled with
  another provider and wave;
- five providers (none, level6, level7), one with fewer than 5 matched
  leaders; three waves, the third small;
- pre and post self-assessment in long form, all items of each role with
  some skipped; an area answered below half (missing) and one at exactly
  half (scored); zero differences and ties in most areas, and coordination
  engineered to have distinct, non-zero differences (Wilcoxon exact branch,
  n < 50); send_ap and the over-5-years band below 5 (suppressed);
- reflective post items, some skipped; a long-term survey with every lt_*
  item, one confidence item answered by fewer than 5;
- Compass returns 2017-2021 hitting every baseline/post rule: latest
  before the cut-off (and on it), fallback to the earliest return before
  training start, no baseline, returns outside the post window (before
  2020-03-01, after 2021-03-31, on both limits), in-window returns before
  completion only, the latest completion of a college's two leaders,
  untrained establishments without a baseline (no fallback for them).
"""
import csv
import json
import os
import sys
from fractions import Fraction
import random

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, '..', '..')
AREAS = ['leadership', 'management', 'coordination', 'networking']
ROLES = ['school', 'college_strategic', 'college_operational']


def instrument(name):
    with open(os.path.join(ROOT, 'instruments', name + '.json')) as f:
        return json.load(f)


def write(outdir, name, header, rows):
    with open(os.path.join(outdir, name), 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(header)
        w.writerows(rows)


def score_float(vals):
    # The documented formula, in the order sum / (5 x answered) x 100.
    return sum(vals) / (5.0 * len(vals)) * 100.0


def score_frac(vals):
    return Fraction(sum(vals) * 100, 5 * len(vals))


def main(outdir):
    rng = random.Random(20240917)
    sa = instrument('self-assessment')['items']
    items = {(r, a): [i['id'] for i in sa if i['role'] == r and i['area'] == a]
             for r in ROLES for a in AREAS}
    lt = instrument('long-term')['items']

    # ---- establishments -------------------------------------------------
    # (category, type, count): trained = every leader completed (or one
    # withdrew beside a completer); enrolled = training not completed;
    # withdrawn = the only leader withdrew; noenrol = leaders without
    # enrolments; noleader = no leader on file.
    plan = [('trained', 'mainstream', 38), ('trained', 'special', 3), ('trained', 'ap', 1),
            ('trained', 'fe_college', 3), ('trained', 'sixth_form_college', 3),
            ('enrolled', 'mainstream', 3), ('withdrawn', 'mainstream', 1),
            ('noenrol', 'mainstream', 7), ('noenrol', 'special', 1),
            ('noleader', 'mainstream', 9), ('noleader', 'ap', 1), ('noleader', 'fe_college', 1),
            ('noleader', 'sixth_form_college', 1)]
    hubs = ['Greater Manchester', 'Tees Valley', 'Lancashire']
    regions = {'Greater Manchester': 'North West', 'Lancashire': 'North West',
               'Tees Valley': 'North East', '': 'Yorkshire and the Humber'}
    ests = []
    n = 0
    for cat, etype, count in plan:
        for k in range(count):
            n += 1
            urn = '%d' % (140000 + 7 * n)
            ests.append({'urn': urn, 'cat': cat, 'type': etype, 'k': k, 'n': n})
    # hubs: trained about 60 %, untrained comparison: fewer than 5 in a hub at post
    for e in ests:
        if e['cat'] == 'trained':
            e['hub'] = hubs[e['n'] % 3] if e['n'] % 5 in (0, 1, 3) else ''
        elif e['cat'] in ('noenrol', 'noleader'):
            inhub = ((e['cat'] == 'noenrol' and e['type'] == 'mainstream' and e['k'] in (0, 4)) or
                     (e['cat'] == 'noleader' and e['type'] == 'mainstream' and e['k'] in (0, 4)) or
                     (e['cat'] == 'noleader' and e['type'] == 'ap'))
            e['hub'] = hubs[e['k'] % 3] if inhub else ''
        else:
            e['hub'] = hubs[1]
        e['hub_joined'] = ''
    # hub_joined: before the post return (in a hub), after it (not yet)
    trained = [e for e in ests if e['cat'] == 'trained' and e['hub']]
    trained[0]['hub_joined'] = '2019-01-15'
    trained[1]['hub_joined'] = '2021-02-01'   # post returns are earlier: not in a hub
    trained[2]['hub_joined'] = '2020-09-01'
    untr = [e for e in ests if e['cat'] in ('noenrol', 'noleader') and e['hub']]
    untr[0]['hub_joined'] = '2021-03-01'       # joined after its post return
    untr[1]['hub_joined'] = '2018-09-01'
    names = ['Oakfield', 'Brookside', 'Riverside', 'Hillcrest', 'Moorland', 'Kingsway',
             'Greenfields', 'Ashworth', 'Beechwood', 'Castleton', 'Dunmore', 'Elmhurst']
    kinds = {'mainstream': 'Academy', 'special': 'Special School', 'ap': 'Pupil Referral Unit',
             'fe_college': 'College', 'sixth_form_college': 'Sixth Form College'}
    rows = []
    for e in ests:
        name = '%s %s' % (names[e['n'] % len(names)], kinds[e['type']])
        if e['n'] % 9 == 2:
            name = 'St %s\'s %s, %s' % (names[(e['n'] + 3) % len(names)], kinds[e['type']],
                                       'Upper "Site"')
        e['fsm'] = '%g' % round(5 + (e['n'] * 37 % 500) / 10.0, 1)
        rows.append([e['urn'], name, e['type'], regions[e['hub']], e['hub'], e['fsm'],
                     e['hub_joined']])
    write(outdir, 'establishments.csv',
          ['urn', 'name', 'type', 'region', 'hub', 'fsm_pct', 'hub_joined'], rows)

    # ---- leaders ----------------------------------------------------------
    leaders = []

    def add_leader(e, role, fate):
        lid = 'L%03d' % (len(leaders) + 1)
        ld = {'id': lid, 'urn': e['urn'], 'role': role, 'fate': fate, 'est': e}
        leaders.append(ld)
        return ld

    for e in ests:
        if e['cat'] == 'trained':
            if e['type'] in ('fe_college', 'sixth_form_college'):
                add_leader(e, 'college_strategic', 'completed')
                add_leader(e, 'college_operational',
                           'withdrawn' if (e['type'], e['k']) == ('fe_college', 1) else 'completed')
            else:
                add_leader(e, 'school', 'completed')
                if e['k'] in (5, 17):
                    add_leader(e, 'school', 'withdrawn')
        elif e['cat'] == 'enrolled':
            add_leader(e, 'school', 'enrolled')
        elif e['cat'] == 'withdrawn':
            add_leader(e, 'school', 'withdrawn')
        elif e['cat'] == 'noenrol':
            add_leader(e, 'school', 'none')
    # one leader withdrew and re-enrolled (completed) with another provider
    reenrol = [l for l in leaders if l['fate'] == 'completed' and l['role'] == 'school'][9]
    reenrol['reenrol'] = True

    completers = [l for l in leaders if l['fate'] == 'completed']
    # survey status of completers: matched, post-only, pre-only, none
    status = {}
    for i, l in enumerate(completers):
        s = 'matched'
        if i in (3, 14, 27, 38, 44):
            s = 'post_only'
        elif i in (6, 21, 33):
            s = 'pre_only'
        elif i == 40:
            s = 'none'
        status[l['id']] = s
    for l in leaders:
        if l['fate'] in ('enrolled', 'withdrawn'):
            status[l['id']] = 'pre_only'
        elif l['fate'] == 'none':
            status[l['id']] = 'none'
        l['survey'] = status[l['id']]
    matched = [l for l in leaders if l['survey'] == 'matched']

    # months in role: band limits, empties; at most 3 matched over 5 years
    months_cycle = ['3', '11', '12', '18', '24', '35', '', '36', '40', '48', '59', '8', '30',
                    '20', '45', '', '6', '14', '50', '26']
    over5 = 0
    for i, l in enumerate(leaders):
        m = months_cycle[i % len(months_cycle)]
        if l['survey'] == 'matched' and over5 < 3 and i % 7 == 3:
            m = ['60', '75', '130'][over5]
            over5 += 1
        elif l['survey'] == 'post_only' and i % 2 == 0:
            m = '64'
        l['months'] = m
        l['consent'] = '0' if i % 4 == 1 else '1'
    write(outdir, 'leaders.csv', ['leader_id', 'urn', 'role', 'months_in_role', 'contact_consent'],
          [[l['id'], l['urn'], l['role'], l['months'], l['consent']] for l in leaders])

    # ---- providers and enrolments ----------------------------------------
    providers = [('P01', 'Careers Development Institute', 'none'),
                 ('P02', 'University of Derby (iCeGS)', 'level7'),
                 ('P03', 'Canterbury Christ Church University', 'level7'),
                 ('P04', 'Career Connect, Level 6 Award', 'level6'),
                 ('P05', 'Northern Careers Network', 'none')]
    write(outdir, 'providers.csv', ['provider_id', 'name', 'accreditation'], providers)
    enrol = []
    p05 = 0
    w3 = 0
    for i, l in enumerate(leaders):
        if l['fate'] == 'none':
            continue
        prov = ['P01', 'P02', 'P03', 'P04'][i % 4]
        wave = 1 + i % 2
        if l['survey'] == 'matched' and p05 < 3 and i % 11 == 5:
            prov = 'P05'
            p05 += 1
        if l['survey'] == 'matched' and w3 < 4 and i % 9 == 4:
            wave = 3
            w3 += 1
        start = {1: '2019-10-%02d', 2: '2019-11-%02d', 3: '2020-01-%02d'}[wave] % (1 + i % 20)
        done = {1: '2020-02-%02d', 2: '2020-05-%02d', 3: '2020-08-%02d'}[wave] % (3 + i % 24)
        l['start'], l['done'], l['wave'], l['prov'] = start, done, wave, prov
        if l.get('reenrol'):
            # withdrew from P01 in wave 1, then completed with P03 in wave 2
            enrol.append((l['id'], 'P01', 1, '2019-10-07', '', 'withdrawn', ''))
            prov, wave, l['prov'], l['wave'] = 'P03', 2, 'P03', 2
            start, done = '2019-11-18', '2020-05-20'
            l['start'], l['done'] = start, done
        if l['fate'] == 'completed':
            claim = '' if i % 6 == 2 else done[:5] + '%02d' % (int(done[5:7]) + 2) + done[7:]
            enrol.append((l['id'], prov, wave, start, done, 'completed', claim))
        elif l['fate'] == 'enrolled':
            enrol.append((l['id'], prov, wave, start, '', 'enrolled', ''))
        else:
            enrol.append((l['id'], prov, wave, start, '', 'withdrawn', ''))
    write(outdir, 'enrolments.csv', ['leader_id', 'provider_id', 'wave', 'start_date',
                                     'completion_date', 'status', 'bursary_claimed_date'], enrol)

    # ---- self-assessment ----------------------------------------------------
    def answers(role, mean, skip):
        out = {}
        for a in AREAS:
            for it in items[(role, a)]:
                if rng.random() < skip:
                    continue
                out[it] = max(1, min(5, int(round(rng.gauss(mean, 0.9)))))
        return out

    def area_vals(ans, role, a):
        return [ans[i] for i in items[(role, a)] if i in ans]

    def scored(ans, role, a):
        v = area_vals(ans, role, a)
        return len(v) > 0 and len(v) + 1e-9 >= 0.5 * len(items[(role, a)])

    sa_rows = []
    seen = {a: {Fraction(0): 0.0} for a in AREAS}  # area -> exact diff -> float diff
    for i, l in enumerate(leaders):
        role = l['role']
        pre = post = None
        if l['survey'] in ('matched', 'pre_only'):
            pre = answers(role, 3.3 + 0.3 * (i % 3 == 0), 0.06)
        if l['survey'] in ('matched', 'post_only'):
            post = answers(role, 4.1 + 0.2 * (i % 4 == 0), 0.06)
        if l['survey'] == 'matched':
            if i % 13 == 0:  # no change in leadership
                for it in items[(role, 'leadership')]:
                    post.pop(it, None)
                    if it in pre:
                        post[it] = pre[it]
            if i % 17 == 1:  # no change in management
                for it in items[(role, 'management')]:
                    post.pop(it, None)
                    if it in pre:
                        post[it] = pre[it]
            if len(matched) and l is matched[4]:  # networking below half at pre: missing
                for it in items[(role, 'networking')][1:]:
                    pre.pop(it, None)
            if l is matched[7]:  # management exactly half answered at post: scored
                mi = items[(role, 'management')]
                for it in mi:
                    post[it] = post.get(it, 4)
                for it in mi[:len(mi) // 2]:
                    post.pop(it)
            # Coordination gets distinct, non-zero differences; and in every
            # area a difference equal to another in exact arithmetic must be
            # the same double (ties are ties whatever tolerance ranks them,
            # a zero is exactly 0): redraw the leader's post answers of the
            # area until both hold.
            for a in AREAS:
                tries = 0
                while scored(pre, role, a) and scored(post, role, a):
                    fd = score_frac(area_vals(post, role, a)) - score_frac(area_vals(pre, role, a))
                    dd = (score_float(area_vals(post, role, a)) -
                          score_float(area_vals(pre, role, a)))
                    ok = seen[a].get(fd, dd) == dd
                    if a == 'coordination':
                        ok = ok and fd != 0 and fd not in seen[a] and -fd not in seen[a]
                        if ok:
                            seen[a][fd] = dd
                    if ok:
                        seen[a][fd] = dd
                        break
                    tries += 1
                    assert tries < 10000
                    for it in items[(role, a)]:
                        if tries < 50:  # new values, the same items answered
                            if it in post:
                                post[it] = max(1, min(5, int(round(rng.gauss(3.9, 1.1)))))
                            continue
                        post.pop(it, None)
                        if rng.random() > 0.2:
                            post[it] = max(1, min(5, int(round(rng.gauss(3.9, 1.1)))))
        l['pre'], l['post'] = pre, post
        if pre is not None:
            when = '2019-%02d-%02dT%02d:%02d:00' % (9 + i % 3, 2 + i % 25, 8 + i % 9, i * 7 % 60)
            for it in sorted(pre, key=lambda x: [s['id'] for s in sa].index(x)):
                sa_rows.append((l['id'], 'pre', when, it, pre[it]))
        if post is not None:
            d = l.get('done', '2020-06-01')
            when = '2020-%02d-%02dT%02d:%02d:00Z' % (int(d[5:7]) + 1, 1 + i % 27, 9 + i % 8,
                                                     i * 11 % 60)
            for it in sorted(post, key=lambda x: [s['id'] for s in sa].index(x)):
                sa_rows.append((l['id'], 'post', when, it, post[it]))
            refl = {'post_knowledge': [2, 3, 4, 4, 5, 5], 'post_actions': [1, 2, 3, 4, 4, 5, 5],
                    'post_faster': [2, 3, 3, 4, 5, 5]}
            for r in ('post_knowledge', 'post_actions', 'post_faster'):
                if (i + len(r)) % 10 == 0:
                    continue  # skipped
                sa_rows.append((l['id'], 'post', when, r, rng.choice(refl[r])))
    write(outdir, 'self-assessment.csv', ['leader_id', 'stage', 'submitted_at', 'item_id', 'value'],
          sa_rows)

    # ---- long-term survey -----------------------------------------------------
    lt_rows = []
    conf = ['very', 'very', 'quite', 'quite', 'quite', 'not_very', 'not_at_all']
    prac = ['direct', 'direct', 'improved', 'improved', 'not_result', 'not_done']
    for r in range(31):
        rid = 'R_%04d%s' % (r * 37 + 11, 'ABCDEFGH'[r % 8])
        when = '2021-%02d-%02dT%02d:%02d:00' % (1 + r % 6, 11 + r % 17, 9 + r % 7, r * 3 % 60)
        for it in lt:
            iid, scale = it['id'], it['scale']
            if iid == 'lt_conf_networking' and r % 7 != 0:
                continue  # answered by 5 of 31; one of them skips below
            if iid == 'lt_conf_networking' and r == 28:
                continue
            if scale == 'selected' and r % 6 == 5:
                continue  # skipped the support question
            if r % 9 == 4 and iid in ('lt_practice_lmi', 'lt_faster', 'lt_conf_management'):
                continue
            if scale == 'confidence4':
                v = rng.choice(conf)
            elif scale == 'practice4':
                v = rng.choice(prac)
            elif scale == 'selected':
                v = '1' if rng.random() < 0.35 else '0'
            else:
                v = str(rng.choice([2, 3, 4, 4, 5]))
            lt_rows.append((rid, when, iid, v))
    write(outdir, 'long-term.csv', ['response_id', 'submitted_at', 'item_id', 'value'], lt_rows)

    # ---- Compass ---------------------------------------------------------------
    def bms(p100):
        out = []
        for b in range(8):
            if rng.random() < p100 + (0.1 if b in (1, 7) else 0):
                out.append('100')
            else:
                out.append(rng.choice(['0', '25', '33.3', '50', '66.7', '75', '99.9', '87.5']))
        return out

    comp = []

    def ret(e, when, p):
        comp.append([e['urn'], when] + bms(p + (0.1 if e['hub'] else 0)))

    tr_i = 0
    for e in ests:
        d = 1 + e['n'] % 27
        if e['cat'] == 'trained':
            lds = [l for l in leaders if l['urn'] == e['urn'] and l['fate'] == 'completed']
            start = min(l['start'] for l in lds)
            done = max(l['done'] for l in lds)
            sc = tr_i % 12
            tr_i += 1
            if e['type'] in ('fe_college', 'sixth_form_college') and e['k'] == 0:
                # the later completion decides: only in-window return is
                # between the two leaders' completions -> no post
                ret(e, '2018-05-%02d' % d, 0.2)
                mid = '2020-%02d-%02d' % (int(done[5:7]) - 1, 1)
                assert min(l['done'] for l in lds) < mid < done, (lds, mid)
                ret(e, mid, 0.45)
                continue
            if sc == 0:    # fallback: no return by the cut-off, earliest before start
                ret(e, '2018-11-%02d' % d, 0.2)
                ret(e, '2019-04-%02d' % d, 0.25)
                ret(e, '2020-12-%02d' % d, 0.5)
            elif sc == 1:  # only pre-training return is after the cut-off
                ret(e, '2019-02-%02d' % d, 0.2)
                ret(e, '2021-03-31', 0.5)       # on the post_to limit
                ret(e, '2021-05-%02d' % d, 0.6)  # after the window
            elif sc == 2:  # no baseline: first return after training start
                ret(e, '%s-%02d' % (start[:7], min(28, int(start[8:]) + 3)), 0.3)
                ret(e, '2020-11-%02d' % d, 0.5)
            elif sc == 3:  # return on the cut-off and one a day after
                ret(e, '2017-06-%02d' % d, 0.1)
                ret(e, '2018-07-31', 0.2)
                ret(e, '2018-08-01', 0.25)
                ret(e, '2020-10-%02d' % d, 0.5)
            elif sc == 4 and done > '2020-04-01':  # in-window returns before completion only
                ret(e, '2018-03-%02d' % d, 0.2)
                ret(e, '2020-03-01', 0.4)
                ret(e, '%s-01' % done[:7], 0.4)
                ret(e, '2021-06-%02d' % d, 0.6)
            elif sc == 5:  # post return on post_from (a wave-1 completer) or later
                ret(e, '2018-01-%02d' % d, 0.2)
                ret(e, '2020-03-01' if done < '2020-03-01' else '2020-09-%02d' % d, 0.45)
                ret(e, '2020-02-20', 0.4)
            else:          # the common case: several returns
                ret(e, '2017-09-%02d' % d, 0.1)
                ret(e, '2018-%02d-%02d' % (2 + sc % 5, d), 0.2)
                ret(e, '2019-06-%02d' % d, 0.3)
                ret(e, '2020-%02d-%02d' % (9 + sc % 3, d), 0.45)
                if sc % 2:
                    ret(e, '2021-%02d-%02d' % (1 + sc % 3, d), 0.5)
        elif e['cat'] in ('noenrol', 'noleader'):
            if e['k'] == 2:     # untrained, no return by the cut-off: no fallback
                ret(e, '2018-10-%02d' % d, 0.2)
                ret(e, '2020-11-%02d' % d, 0.3)
            elif e['k'] == 3 and e['cat'] == 'noleader' and e['type'] == 'mainstream':
                ret(e, '2018-04-%02d' % d, 0.2)  # no post: only after the window
                ret(e, '2021-04-01', 0.3)
            else:
                ret(e, '2018-%02d-%02d' % (1 + e['k'] % 6, d), 0.2)
                if e['k'] % 3 == 0:
                    ret(e, '2019-09-%02d' % d, 0.25)
                ret(e, '2020-%02d-%02d' % (3 + e['k'] % 8, d), 0.3)
                if e['n'] % 2:
                    ret(e, '2020-03-01', 0.3)
        else:  # enrolled, withdrawn: complete returns, excluded all the same
            ret(e, '2018-06-%02d' % d, 0.2)
            ret(e, '2020-12-%02d' % d, 0.4)
    keys = [(r[0], r[1]) for r in comp]
    assert len(set(keys)) == len(keys), 'two Compass returns of one establishment on one day'
    comp.sort(key=lambda r: (r[1], r[0]))
    write(outdir, 'compass.csv', ['urn', 'submitted_at'] + ['bm%d' % b for b in range(1, 9)], comp)


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit('usage: make_data.py OUTDIR')
    os.makedirs(sys.argv[1], exist_ok=True)
    main(sys.argv[1])
