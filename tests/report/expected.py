#!/usr/bin/python3
"""Computes every table of docs/analysis.md from the programme's CSV files
(as make_data.py writes them), independently of cleval: not from the
database, not from cleval's output. Writes the expected tables as JSON for
compare.py, and under "_scores" the area scores every response should have
been stored with (the `cleval scores DB --format csv` rows).

Usage: /usr/bin/python3 tests/report/expected.py DATADIR OUT.json [--coverage] [--any-data]

The default settings of src/config.h are assumed: baseline cut-off
2018-07-31, post window 2020-03-01..2021-03-31, fully achieved at 100 %,
small_cell 5, role bands [1, 3, 5] years, 95 % intervals; and the score
defaults (percent method, an area needs at least half its items answered).

Readings of docs/analysis.md where it leaves a choice (A1-A15, named in
the code where it applies them; listed in the report to the lead):
 A1 Suppression (issue 14: one rule for every count, percentage, mean and
    test): a row of a group of 1 to 4 keeps its labels; n and every cell
    after it are null, and report.json's "suppressed" record lists the row
    with reason "small". A group of 0 keeps n = 0 with the rest null,
    listed with reason "empty" (the report reads "none"). A distribution's
    group is everyone answering the item. Groups with n = 0 are still rows.
 A16 Complementary suppression (issue 20 item 3): where the parts of a
    total are shown (table1, cohorts, fig2, accreditation and fig1's
    areas; providers and their accreditation level's row; fig3's bands,
    a distribution's answers and the title's N; direct + improved =
    supported, and supported + not_result + not_done), a single part of
    n > 0 withheld beside shown parts takes the shown part of the smallest
    n > 0 with it (the first on a tie): n and the rest null, recorded with
    reason "secondary". fig4: within an area's row, a single answer
    withheld takes the smallest other answer of count > 0 with it.
 A2 Row sets: table1, fig2, fig3, fig4, accreditation, fig18-21 always have
    every group/band/area row in the documented order (areas within
    groups); providers lists every provider (by provider_id, the file's
    key, ascending) that has a matched leader; cohorts lists the waves of
    matched leaders' enrolments, ascending.
 A3 Distributions (fig5-17): small_cell applies to the number answering
    the item (the group), and within a group shown to each answer's count:
    an answer of 1 to 4 people has n and pct withheld (fig4: the answer's
    percentage; support: the % selecting, when 1 to 4 selected). pct is of
    those answering; the "supported" row of fig6-15 is direct + improved.
 A4 support: one row per lt_support_* item in instrument order; topic is
    the item id without "lt_support_" (e.g. "evaluate"); n is the number
    answering the item (as fig4's n), pct the % of them selecting it.
 A5 providers: provider is the provider's name; a matched leader's
    enrolment is the completed one (status completed with a completion
    date), the earliest start_date if several; the same enrolment gives
    the leader's wave in cohorts.
 A6 Trained establishment's training start: the earliest start_date of its
    leaders' completed enrolments (not of their withdrawn ones, nor of other
    leaders' at the establishment). The data make the readings agree
    (asserted below).
 A7 samples: issued for pre/post/matched = leaders with a completed
    enrolment; achieved = those of them with a pre response / a post
    response / matched (not responses of leaders who never completed).
    long-term: issued = leaders with contact_consent 1 and a completion
    date at least 6 calendar months before the first long-term response's
    date; achieved = long-term responses. Compass trained: issued = trained
    establishments, achieved = those with a baseline and a post return.
    Compass comparison: issued = establishments with no leader with any
    enrolment (with or without leaders), achieved = those with a baseline
    and a post return. pct = achieved / issued x 100. Labels: "pre
    survey", "post survey", "matched", "long-term", "Compass trained",
    "Compass comparison" (compared ignoring case).
 A8 Labels are compared ignoring case: fig5 answers "strongly disagree",
    "disagree", "neither agree nor disagree", "agree", "strongly agree";
    bands "under 1 year", "1 to 3 years", "3 to 5 years", "over 5 years".
 A9 hub in did/fig19 is one value per establishment (at its post return's
    date), the same in its baseline and post rows.
 A11 Dates compare as dates (the first 10 characters): the fallback
    baseline is strictly before the training start, the post return
    strictly after the completion (asserted: no return falls on a start or
    completion date, so "on" never decides).
 A12 fig3 counts every post response (post-only leaders too) by the band
    of the leader's months_in_role; fig2 only matched leaders.
 A13 fig1 p_holm: Holm over the areas that are not suppressed; the Wilcoxon
    "n < 50" is the number of pairs (with zeros the normal approximation is
    used anyway); ties are exact equality (make_data.py makes differences
    equal in exact arithmetic equal doubles, so a tolerance agrees).
 A14 fig18/19 change = mean of (post - baseline) = post_mean -
    baseline_mean; fig20/21 n = establishments in the group.
 A15 cohorts: rows only for waves with matched leaders; the leader's wave
    is that of the enrolment of A5 (L011 withdrew from wave 1 and completed
    wave 2: wave 2, provider P03).
 A10 The `tests` of fig16/17 and of providers (ANOVA) are not checked.
 A17 attrition: matched leaders (a pre and a post response) against
    post-only ones (a post response, no pre), whether or not they
    completed. Rows: type college, send_ap, mainstream; hub "in a hub",
    "not in a hub" (any hub named, whatever hub_joined says); fsm "mean
    free school meals %". matched_pct / post_only_pct: % of the group (the
    fsm row: the mean fsm_pct of the group's establishments with one). A
    group of 1 to 4 withholds its whole column ("small"; none: "empty"),
    its p too. Within a shown group a level of 1 to 4 is withheld
    ("small"); A16 within each characteristic and column: the smallest
    other level of count > 0 goes with it ("secondary"), and a
    characteristic with any level withheld has no test, its p withheld
    ("secondary"). p: chi-square without continuity correction over the
    type levels anyone is in, and over hub when both levels occur; fsm:
    Welch t, when both groups have 5 or more values. The table's N is
    matched + post-only, none when a group is 1 to 4 or empty.
 A18 samples: an achieved count of 1 to 4 is withheld with its rate
    ("small"). fig18-21: the title's N (matched establishments, trained +
    untrained) is withheld when one of the groups is 1 to 4. fig19: A16
    over trained_hub + trained_nohub (= fig18's trained) and the untrained
    pair.
 A19 fig3 against fig2 (differencing across tables): fig3 counts every
    post respondent, fig2 matched leaders only, so a fig3 band shown whose
    n minus any n fig2 shows for that band is 1 to 4 is withheld
    ("secondary", n and the rest), before A16 over fig3's bands.
 A20 fig20/21 within a group shown: a benchmark fully achieved, or not, by
    1 to 4 of the group's establishments has its percentage withheld
    ("small"; fig20 with its interval), baseline and post apart. The eight
    counts of a group add up to n x fig18's mean, so a single withheld
    benchmark takes the shown one of fewest achieving it (> 0; the first on
    a tie; if none, the first shown) with it ("secondary").
 A21 did: the hub terms are left out when all or none of the
    establishments compared are in a hub, and when a fig19 group is 1 to 4
    (the estimates with them, fig18 and fig19's shown rows would give the
    withheld group's means); no rows when trained or comparison is 1 to 4
    or empty, or fewer than 3 establishments are compared.
 Post-only count (issue 14 item 1b): the samples table's post survey minus
    matched gives the post-only group's size, which the attrition table
    withholds; no rule here, since that size cannot be hidden without every
    post-survey count and percentage (docs/analysis.md says why); what is
    withheld is every characteristic of the group (A17, A19).
"""
import csv
import json
import math
import os
import sys
from collections import OrderedDict, defaultdict

import numpy as np
from scipy import special, stats

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, '..', '..')
AREAS = ['leadership', 'management', 'coordination', 'networking']
ROLES = ['school', 'college_strategic', 'college_operational']
GROUPS = [('college', ('fe_college', 'sixth_form_college')), ('send_ap', ('special', 'ap')),
          ('mainstream', ('mainstream',))]
BANDS = [('under 1 year', 0, 1), ('1 to 3 years', 1, 3), ('3 to 5 years', 3, 5),
         ('over 5 years', 5, math.inf)]
AGREE = ['strongly disagree', 'disagree', 'neither agree nor disagree', 'agree', 'strongly agree']
SMALL = 5
SUPPRESSED = 'fewer than %d' % SMALL
CUTOFF, POST_FROM, POST_TO, FULL = '2018-07-31', '2020-03-01', '2021-03-31', 100.0
Z = stats.norm.ppf(0.975)


def instrument(name):
    with open(os.path.join(ROOT, 'instruments', name + '.json')) as f:
        return json.load(f)


def read(datadir, name):
    with open(os.path.join(datadir, name), newline='') as f:
        return list(csv.DictReader(f))


# ---- statistics (scipy / numpy) -------------------------------------------

def tq(df):
    """t(0.975, df). scipy 1.10's t.ppf is off by about 2.5e-9 relative
    (t.ppf(0.975, 43) = 2.0166921941428133; R's qt gives 2.016692199227824),
    so the quantile is polished by Newton steps on the upper tail
    0.5 I_{df/(df+x^2)}(df/2, 1/2) (regularized incomplete beta), after
    which it agrees with R's qt(0.975, df) to the last digit or two."""
    x = stats.t.ppf(0.975, df)
    for _ in range(4):
        tail = 0.5 * special.betainc(df / 2.0, 0.5, df / (df + x * x))
        x += (tail - 0.025) / stats.t.pdf(x, df)
    return float(x)


def tci(x):
    """mean, ci_low, ci_high: mean +- t(0.975, n-1) sd / sqrt(n)."""
    x = np.asarray(x, float)
    n = len(x)
    m = x.mean()
    if n < 2:
        return m, None, None
    h = tq(n - 1) * x.std(ddof=1) / math.sqrt(n)
    return m, m - h, m + h


def paired(pre, post):
    """Paired t of post - pre: the fig1 numbers (scipy.stats.ttest_rel)."""
    pre, post = np.asarray(pre, float), np.asarray(post, float)
    d = post - pre
    n = len(d)
    res = stats.ttest_rel(post, pre)
    m, lo, hi = tci(d)
    return {'n': n, 'pre_mean': pre.mean(), 'post_mean': post.mean(), 'mean_diff': m,
            'ci_low': lo, 'ci_high': hi, 't': float(res.statistic), 'df': n - 1,
            'p': float(res.pvalue), 'cohens_dz': m / d.std(ddof=1)}


def wilcoxon(pre, post):
    """V = sum of ranks (of |d|, average ranks for ties) of the positive
    differences, zeros dropped; p exact when fewer than 50 pairs with no
    ties and no zeros, else normal with continuity and tie correction
    (scipy.stats.wilcoxon zero_method='wilcox', correction=True, method
    'exact' / 'approx'; R's wilcox.test(paired = TRUE) makes the same
    choice). make_data.py guarantees that differences equal in exact
    arithmetic are equal doubles, so exact comparison finds the ties."""
    d = np.asarray(post, float) - np.asarray(pre, float)
    zeros = int(np.sum(d == 0))
    nz = d[d != 0]
    if len(nz) == 0:
        return None, None
    r = stats.rankdata(np.abs(nz))
    v = float(r[nz > 0].sum())
    ties = len(np.unique(np.abs(nz))) < len(nz)
    exact = len(d) < 50 and not ties and zeros == 0
    res = stats.wilcoxon(nz, zero_method='wilcox', correction=True,
                         method='exact' if exact else 'approx')
    return v, float(res.pvalue)


def holm(ps):
    """Holm-adjusted p values (R's p.adjust(method = "holm")); None stays."""
    idx = [i for i, p in enumerate(ps) if p is not None]
    m = len(idx)
    order = sorted(idx, key=lambda i: ps[i])
    out = list(ps)
    run = 0.0
    for k, i in enumerate(order):
        run = max(run, min(1.0, (m - k) * ps[i]))
        out[i] = run
    return out


def wilson(x, n):
    """Wilson 95 % interval of x / n, in percent."""
    p = x / n
    den = 1 + Z * Z / n
    c = (p + Z * Z / (2 * n)) / den
    h = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / den
    return 100 * (c - h), 100 * (c + h)


def alpha(mat):
    """Cronbach's alpha of an n x k matrix."""
    mat = np.asarray(mat, float)
    k = mat.shape[1]
    return k / (k - 1) * (1 - mat.var(axis=0, ddof=1).sum() / mat.sum(axis=1).var(ddof=1))


# Checked once against R 4 (2026-11-24) on this data (make_data.py seed
# 20240917), the DiD rows dumped as /tmp/did.csv (unit,trained,post,hub,y):
#   m <- lm(y ~ trained * post + hub + hub:post, data = d)
#   V <- sandwich::vcovCL(m, cluster = ~unit, type = "HC1")
#   G <- length(unique(d$unit)); se <- sqrt(diag(V)); tq <- qt(0.975, G - 1)
#   cbind(coef(m), se, coef(m) - tq * se, coef(m) + tq * se,
#         2 * pt(-abs(coef(m) / se), G - 1))
# gave trained:post 1.157992565055763, se 0.604263253761875, CI
# -0.0524921897835293 .. 2.36847731989505, p 0.0604269481230753, and
# intercept se 0.264024729416192: equal to ols_cluster() below to 1e-14
# relative. Since A21 this data's did table leaves the hub terms out (a
# fig19 group is 1 to 4); checked again (R 4, 2026-12-03) on the same
# rows: m <- lm(y ~ trained * post, data = d), the same vcovCL, gave
# trained:post 1.308823529411768, se 0.5017531208638258, CI
# 0.3036912468883541 .. 2.313955811935182, p 0.0116388248984123, and
# intercept 1.647058823529411 (se 0.3060125583175352): equal to
# ols_cluster() to 1e-14 relative. fig1 agreed likewise with t.test(post, pre, paired = TRUE) and
# wilcox.test(post, pre, paired = TRUE, correct = TRUE) (coordination: V
# 608, exact p 3.41127037245315e-04; leadership V 615, normal-approximation
# p 9.26579106049798e-07).
def ols_cluster(X, y, cl):
    """OLS with HC1-type cluster-robust covariance (sandwich::vcovCL(type =
    "HC1")): V = G/(G-1) (N-1)/(N-K) (X'X)^-1 (sum_g X_g'u_g u_g'X_g) (X'X)^-1;
    t on G-1 df. Returns rows (estimate, se, ci_low, ci_high, p)."""
    X, y = np.asarray(X, float), np.asarray(y, float)
    N, K = X.shape
    bread = np.linalg.inv(X.T @ X)
    b = bread @ X.T @ y
    u = y - X @ b
    groups = sorted(set(cl))
    G = len(groups)
    meat = np.zeros((K, K))
    for g in groups:
        s = np.zeros(K)
        for i in range(N):
            if cl[i] == g:
                s += X[i] * u[i]
        meat += np.outer(s, s)
    V = (G / (G - 1)) * ((N - 1) / (N - K)) * bread @ meat @ bread
    se = np.sqrt(np.diag(V))
    q = tq(G - 1)
    out = []
    for j in range(K):
        t = b[j] / se[j]
        out.append((float(b[j]), float(se[j]), float(b[j] - q * se[j]), float(b[j] + q * se[j]),
                    float(2 * stats.t.sf(abs(t), G - 1))))
    return out


# ---- tables -------------------------------------------------------------------

class Table:
    def __init__(self, columns):
        self.columns = columns
        self.rows = []
        self.sup = []  # [row, reason] of the suppressed rows (A1)
        self.size = []  # each row's group size, shown or not (A16)
        self.n = 'unchecked'  # the title's N (A18): a number, None (withheld)

    def add(self, **kv):
        self.rows.append([kv.get(c) for c in self.columns])
        self.size.append(kv.get('n'))

    def complement(self, keys, rows=None):
        """A16: within each set of rows agreeing in the key columns, a
        single withheld part of n > 0 takes the smallest shown one with it.
        Returns whether a row was withheld."""
        rows = list(range(len(self.rows))) if rows is None else rows
        sets = OrderedDict()
        for i in rows:
            sets.setdefault(tuple(self.rows[i][self.columns.index(k)] for k in keys), []).append(i)
        withheld = {x[0] for x in self.sup if x[1] in ('small', 'secondary')}
        changed = False
        for part in sets.values():
            sized = [i for i in part if (self.size[i] or 0) > 0]
            if len([i for i in sized if i in withheld]) != 1:
                continue
            shown = [i for i in sized if i not in withheld]
            if not shown:
                continue
            pick = min(shown, key=lambda i: (self.size[i], i))
            k = self.columns.index('n')
            for j in range(k, len(self.columns)):
                self.rows[pick][j] = None
            self.sup.append([pick, 'secondary'])
            withheld.add(pick)
            changed = True
        return changed

    def suppressed(self, group_n=None, **kv):
        """A1: labels kept; n and the rest null for a small group (0 < group
        n < 5), n = 0 and the rest null for an empty one; recorded."""
        gn = kv.get('n') if group_n is None else group_n
        row = [kv.get(c) for c in self.columns]
        k = self.columns.index('n')
        row[k] = 0 if gn == 0 else None
        for j in range(k + 1, len(row)):
            row[j] = None
        self.sup.append([len(self.rows), 'empty' if gn == 0 else 'small'])
        self.rows.append(row)
        self.size.append(kv.get('n'))


def band_of(months):
    if months == '':
        return None
    y = float(months) / 12.0
    for name, lo, hi in BANDS:
        if lo <= y < hi:
            return name
    return None


def compute(datadir):
    sa_items = instrument('self-assessment')['items']
    lt_items = instrument('long-term')['items']
    items = {(r, a): [i['id'] for i in sa_items if i['role'] == r and i['area'] == a]
             for r in ROLES for a in AREAS}

    ests = {e['urn']: e for e in read(datadir, 'establishments.csv')}
    leaders = OrderedDict((l['leader_id'], l) for l in read(datadir, 'leaders.csv'))
    providers = OrderedDict((p['provider_id'], p) for p in read(datadir, 'providers.csv'))
    enrol = read(datadir, 'enrolments.csv')
    sa = read(datadir, 'self-assessment.csv')
    lt = read(datadir, 'long-term.csv')
    comp = read(datadir, 'compass.csv')
    cov = OrderedDict()

    # ---- area scores (one response per leader and stage in this data) ----
    answers = defaultdict(dict)  # (leader, stage) -> item -> value
    for r in sa:
        answers[(r['leader_id'], r['stage'])][r['item_id']] = float(r['value'])

    def score(lid, stage, area):
        role = leaders[lid]['role']
        its = items[(role, area)]
        vals = [answers[(lid, stage)][i] for i in its if i in answers[(lid, stage)]]
        # percent method: sum / (5 x answered) x 100; missing when fewer
        # than half the area's items were answered
        if not vals or len(vals) < 0.5 * len(its):
            return None
        return sum(vals) / (5.0 * len(vals)) * 100.0

    has = {st: {lid for (lid, s) in answers if s == st} for st in ('pre', 'post')}
    # matched: a pre and a post response (roles never change in this data)
    matched = [lid for lid in leaders if lid in has['pre'] and lid in has['post']]
    cov['matched leaders'] = len(matched)
    cov['post-only leaders'] = len([l for l in leaders if l in has['post'] and l not in has['pre']])

    def pairs(lids, area):
        pre, post = [], []
        for lid in lids:
            a, b = score(lid, 'pre', area), score(lid, 'post', area)
            if a is not None and b is not None:
                pre.append(a)
                post.append(b)
        return pre, post

    missing = sum(1 for lid in matched for a in AREAS
                  if score(lid, 'pre', a) is None or score(lid, 'post', a) is None)
    cov['matched leader-areas without a score'] = missing

    T = OrderedDict()

    # ---- fig1 -------------------------------------------------------------
    t = Table(['area', 'n', 'pre_mean', 'post_mean', 'mean_diff', 'ci_low', 'ci_high', 't', 'df',
               'p', 'p_holm', 'cohens_dz', 'wilcoxon_v', 'wilcoxon_p'])
    res = []
    for a in AREAS:
        pre, post = pairs(matched, a)
        if len(pre) < SMALL:
            res.append((a, len(pre), None))
            continue
        r = paired(pre, post)
        r['wilcoxon_v'], r['wilcoxon_p'] = wilcoxon(pre, post)
        d = np.asarray(post) - np.asarray(pre)
        cov['fig1 %s: zeros, ties' % a] = [int(np.sum(d == 0)),
                                           len(d[d != 0]) - len(np.unique(np.abs(d[d != 0])))]
        res.append((a, len(pre), r))
    adj = holm([r['p'] if r else None for _, _, r in res])
    for (a, n, r), ph in zip(res, adj):
        if r is None:
            t.suppressed(area=a, n=n)
        else:
            t.add(area=a, p_holm=ph, **r)
    T['fig1'] = t

    # ---- table1 and cohorts ---------------------------------------------------
    def type_group(lid):
        et = ests[leaders[lid]['urn']]['type']
        return [g for g, types in GROUPS if et in types][0]

    t = Table(['group', 'area', 'n', 'pre_mean', 'post_mean', 'mean_diff', 'ci_low', 'ci_high',
               'p'])
    for g, _ in GROUPS:
        lids = [l for l in matched if type_group(l) == g]
        for a in AREAS:
            pre, post = pairs(lids, a)
            if len(pre) < SMALL:
                t.suppressed(group=g, area=a, n=len(pre))
            else:
                t.add(group=g, area=a, **paired(pre, post))
    t.complement(['area'])
    T['table1'] = t

    def completed_enrolment(lid):
        # A5: the completed enrolment, the earliest start if several
        es = [e for e in enrol if e['leader_id'] == lid and e['status'] == 'completed'
              and e['completion_date']]
        return min(es, key=lambda e: e['start_date']) if es else None

    t = Table(['wave', 'area', 'n', 'pre_mean', 'post_mean', 'mean_diff', 'ci_low', 'ci_high',
               'p'])
    wave_of = {l: int(completed_enrolment(l)['wave']) for l in matched if completed_enrolment(l)}
    for w in sorted(set(wave_of.values())):
        lids = [l for l in matched if wave_of.get(l) == w]
        for a in AREAS:
            pre, post = pairs(lids, a)
            if len(pre) < SMALL:
                t.suppressed(wave=w, area=a, n=len(pre))
            else:
                t.add(wave=w, area=a, **paired(pre, post))
    t.complement(['area'])
    T['cohorts'] = t

    # ---- fig2, fig3 -----------------------------------------------------------
    t = Table(['band', 'area', 'n', 'mean_change', 'ci_low', 'ci_high'])
    for b, _, _ in BANDS:
        lids = [l for l in matched if band_of(leaders[l]['months_in_role']) == b]
        for a in AREAS:
            pre, post = pairs(lids, a)
            if len(pre) < SMALL:
                t.suppressed(band=b, area=a, n=len(pre))
            else:
                m, lo, hi = tci(np.asarray(post) - np.asarray(pre))
                t.add(band=b, area=a, n=len(pre), mean_change=m, ci_low=lo, ci_high=hi)
    t.complement(['area'])
    T['fig2'] = t
    cov['matched leaders without months_in_role'] = len(
        [l for l in matched if leaders[l]['months_in_role'] == ''])

    t = Table(['band', 'n', 'agree_pct', 'ci_low', 'ci_high'])
    for b, _, _ in BANDS:
        vals = [answers[(l, 'post')]['post_knowledge'] for l in leaders
                if l in has['post'] and 'post_knowledge' in answers[(l, 'post')]
                and band_of(leaders[l]['months_in_role']) == b]
        n = len(vals)
        if n < SMALL:
            t.suppressed(band=b, n=n)
        else:
            x = sum(1 for v in vals if v >= 4)
            lo, hi = wilson(x, n)
            t.add(band=b, n=n, agree_pct=100.0 * x / n, ci_low=lo, ci_high=hi)
    # A19: a band shown here whose n minus an n fig2 shows for the band is
    # 1 to 4 is withheld (secondary), before the complement over the bands.
    f2 = T['fig2']
    for i, row in enumerate(t.rows):
        if row[1] is None:
            continue
        diffs = [row[1] - r2[2] for r2 in f2.rows if r2[0] == row[0] and r2[2] is not None]
        if any(0 < d < SMALL for d in diffs):
            for j in range(1, len(row)):
                row[j] = None
            t.sup.append([i, 'secondary'])
    t.complement([])
    T['fig3'] = t

    # ---- providers, accreditation ------------------------------------------------
    prov_of = {l: completed_enrolment(l)['provider_id'] for l in matched if completed_enrolment(l)}
    t = Table(['provider', 'accreditation', 'area', 'n', 'mean_change', 'ci_low', 'ci_high'])
    for pid in sorted(providers):
        lids = [l for l in matched if prov_of.get(l) == pid]
        if not lids:
            continue
        p = providers[pid]
        for a in AREAS:
            pre, post = pairs(lids, a)
            kv = dict(provider=p['name'], accreditation=p['accreditation'], area=a, n=len(pre))
            if len(pre) < SMALL:
                t.suppressed(**kv)
            else:
                m, lo, hi = tci(np.asarray(post) - np.asarray(pre))
                t.add(mean_change=m, ci_low=lo, ci_high=hi, **kv)
    t.complement(['accreditation', 'area'])
    T['providers'] = t
    t = Table(['accreditation', 'area', 'n', 'mean_change', 'ci_low', 'ci_high'])
    for acc in ('none', 'level6', 'level7'):
        lids = [l for l in matched if l in prov_of and providers[prov_of[l]]['accreditation'] == acc]
        for a in AREAS:
            pre, post = pairs(lids, a)
            if len(pre) < SMALL:
                t.suppressed(accreditation=acc, area=a, n=len(pre))
            else:
                m, lo, hi = tci(np.asarray(post) - np.asarray(pre))
                t.add(accreditation=acc, area=a, n=len(pre), mean_change=m, ci_low=lo, ci_high=hi)
    t.complement(['area'])
    T['accreditation'] = t

    # ---- level 3 ---------------------------------------------------------------------
    ltans = defaultdict(dict)  # response -> item -> value (text)
    ltdate = {}
    for r in lt:
        ltans[r['response_id']][r['item_id']] = r['value']
        ltdate[r['response_id']] = r['submitted_at'][:10]

    t = Table(['area', 'n', 'very_pct', 'quite_pct', 'not_very_pct', 'not_at_all_pct'])
    for a in AREAS:
        vals = [r['lt_conf_' + a] for r in ltans.values() if 'lt_conf_' + a in r]
        n = len(vals)
        if n < SMALL:
            t.suppressed(area=a, n=n)
            continue
        kv = {c + '_pct': 100.0 * vals.count(c) / n for c in ('very', 'quite', 'not_very',
                                                              'not_at_all')}
        # A3: an answer of 1 to 4 people is withheld, cell by cell
        cells = [c + '_pct' for c in ('very', 'quite', 'not_very', 'not_at_all')
                 if 0 < vals.count(c) < SMALL]
        for c in cells:
            kv[c] = None
        if cells:
            t.sup.append([len(t.rows), 'small', cells])
        if len(cells) == 1:  # A16: the other answers would give it away
            others = [c + '_pct' for c in ('very', 'quite', 'not_very', 'not_at_all')
                      if vals.count(c) > 0 and c + '_pct' not in cells]
            if others:
                pick = min(others, key=lambda c: vals.count(c[:-4]))
                kv[pick] = None
                t.sup.append([len(t.rows), 'secondary', [pick]])
        t.add(area=a, n=n, **kv)
    T['fig4'] = t

    def distribution(vals, codes, labels):
        t = Table(['answer', 'n', 'pct'])
        n = len(vals)
        for c, lab in zip(codes, labels):
            k = vals.count(c)
            if n < SMALL:
                t.suppressed(answer=lab, n=k, group_n=n)
            elif 0 < k < SMALL:  # A3: an answer of 1 to 4 people, withheld
                t.suppressed(answer=lab, n=k)
            else:
                t.add(answer=lab, n=k, pct=100.0 * k / n)
        t.complement([])
        return t

    def post_item(item):
        return [str(int(answers[(l, 'post')][item])) for l in leaders
                if l in has['post'] and item in answers[(l, 'post')]]

    likert = ['1', '2', '3', '4', '5']
    T['fig5'] = distribution(post_item('post_actions'), likert, AGREE)
    practice = [i['id'] for i in lt_items if i['id'].startswith('lt_practice_')]
    assert len(practice) == 10
    for k, item in enumerate(practice):
        vals = [r[item] for r in ltans.values() if item in r]
        codes = ['direct', 'improved', 'not_result', 'not_done']
        t = distribution(vals, codes, codes)
        n = len(vals)
        s = vals.count('direct') + vals.count('improved')
        if n < SMALL:
            t.suppressed(answer='supported', n=s, group_n=n)
        elif 0 < s < SMALL:
            t.suppressed(answer='supported', n=s)
        else:
            t.add(answer='supported', n=s, pct=100.0 * s / n)
        # A16: direct + improved = supported; supported + the rest = all
        for _ in range(4):
            c = t.complement([], [0, 1, 2, 3])
            if 4 not in {x[0] for x in t.sup}:
                c = t.complement([], [0, 1]) or c
            c = t.complement([], [2, 3, 4]) or c
            if not c:
                break
        T['fig%d' % (6 + k)] = t
    t = Table(['topic', 'n', 'pct'])
    for i in lt_items:
        if not i['id'].startswith('lt_support_'):
            continue
        vals = [r[i['id']] for r in ltans.values() if i['id'] in r]
        n = len(vals)
        topic = i['id'][len('lt_support_'):]
        if n < SMALL:
            t.suppressed(topic=topic, n=n)
        else:
            k = vals.count('1')
            if 0 < k < SMALL:  # A3: 1 to 4 selecting it
                t.sup.append([len(t.rows), 'small', ['pct']])
                t.add(topic=topic, n=n, pct=None)
            else:
                t.add(topic=topic, n=n, pct=100.0 * k / n)
    T['support'] = t
    T['fig16'] = distribution(post_item('post_faster'), likert, AGREE)
    T['fig17'] = distribution([r['lt_faster'] for r in ltans.values() if 'lt_faster' in r],
                              likert, AGREE)

    # ---- level 4: Compass ---------------------------------------------------------------
    returns = defaultdict(list)  # urn -> [(date, achieved, [fully achieved per bm])]
    for r in comp:
        full = [float(r['bm%d' % b]) >= FULL for b in range(1, 9)]
        returns[r['urn']].append((r['submitted_at'][:10], sum(full), full))
    lead_of = defaultdict(list)
    for l in leaders.values():
        lead_of[l['urn']].append(l['leader_id'])
    enrolled_any = {leaders[e['leader_id']]['urn'] for e in enrol}
    done_enrol = [e for e in enrol if e['status'] == 'completed' and e['completion_date']]
    trained = defaultdict(list)
    for e in done_enrol:
        trained[leaders[e['leader_id']]['urn']].append(e)
    start = {u: min(e['start_date'] for e in es) for u, es in trained.items()}  # A6
    done = {u: max(e['completion_date'] for e in es) for u, es in trained.items()}
    for u in trained:
        for d, _, _ in returns[u]:
            assert d != start[u] and d != done[u], 'a return on a start or completion date'

    def count(key):
        cov[key] = cov.get(key, 0) + 1

    def baseline(u):
        rs = [r for r in returns[u] if r[0] <= CUTOFF]
        if rs:
            count('baseline: latest by the cut-off')
            if len(rs) > 1:
                count('baseline: latest of several by the cut-off')
            if max(rs)[0] == CUTOFF:
                count('baseline: on the cut-off date')
            return max(rs)
        if u in trained:
            rs = [r for r in returns[u] if r[0] < start[u]]
            if rs:
                count('baseline: fallback, earliest before training start')
                if len(rs) > 1:
                    count('baseline: fallback, earliest of several')
                return min(rs)
            count('baseline: none for a trained establishment')
        elif any(r[0] > CUTOFF for r in returns[u]):
            count('baseline: none for an untrained one with later returns (no fallback)')
        return None

    def post(u):
        rs = [r for r in returns[u] if POST_FROM <= r[0] <= POST_TO
              and (u not in trained or r[0] > done[u])]
        if any(r[0] > POST_TO for r in returns[u]):
            count('post: a return after post_to passed over')
        if any(CUTOFF < r[0] < POST_FROM for r in returns[u]):
            count('post: a return before post_from passed over')
        if u in trained and any(POST_FROM <= r[0] <= POST_TO and r[0] < done[u]
                                for r in returns[u]):
            count('post: an in-window return before completion passed over')
            if not rs:
                count('post: none, every in-window return before completion')
            if len(trained[u]) > 1 and any(
                    POST_FROM <= r[0] <= POST_TO and
                    min(e['completion_date'] for e in trained[u]) < r[0] < done[u]
                    for r in returns[u]):
                count('post: between two leaders\' completions passed over')
        if rs and max(rs)[0] == POST_FROM:
            count('post: on post_from')
        if rs and max(rs)[0] == POST_TO:
            count('post: on post_to')
        return max(rs) if rs else None

    units = []  # (urn, trained, hub, baseline return, post return)
    for u in sorted(ests):
        istr = u in trained
        if not istr and u in enrolled_any:
            continue  # a leader enrolled (withdrew or not finished): in neither group
        b, p = baseline(u), post(u)
        if b is None or p is None:
            key = 'excluded (no %s): %s' % ('baseline' if b is None else 'post',
                                            'trained' if istr else 'untrained')
            cov[key] = cov.get(key, 0) + 1
            continue
        e = ests[u]
        hub = e['hub'] != '' and (e['hub_joined'] == '' or e['hub_joined'] <= p[0])
        if e['hub_joined']:
            count('hub_joined %s the post return' % ('by' if hub else 'after'))
        units.append((u, istr, hub, b, p))
    # A6: the data must give the same baselines whichever enrolments count
    # for an establishment's training start (its leaders' completed ones,
    # all of their enrolments, or every enrolment at the establishment).
    for u in trained:
        alts = [min(e['start_date'] for e in enrol if e['leader_id'] in
                    {x['leader_id'] for x in trained[u]}),
                min(e['start_date'] for e in enrol if leaders[e['leader_id']]['urn'] == u)]
        for alt in alts:
            if not [r for r in returns[u] if r[0] <= CUTOFF]:
                a = [r for r in returns[u] if r[0] < alt]
                b = [r for r in returns[u] if r[0] < start[u]]
                assert (min(a) if a else None) == (min(b) if b else None), \
                    'A6 matters for %s' % u
    cov['excluded: enrolled but not trained'] = len(enrolled_any - set(trained))
    cov['excluded: only withdrawn leaders'] = len(
        [u for u in enrolled_any - set(trained)
         if all(e['status'] == 'withdrawn' for e in enrol if leaders[e['leader_id']]['urn'] == u)])

    def bm_row(t, name, us, **kv):
        if len(us) < SMALL:
            t.suppressed(group=name, n=len(us), **kv)
            return
        y0 = [x[3][1] for x in us]
        y1 = [x[4][1] for x in us]
        m, lo, hi = tci(np.asarray(y1, float) - np.asarray(y0, float))
        t.add(group=name, n=len(us), baseline_mean=float(np.mean(y0)),
              post_mean=float(np.mean(y1)), change=m, ci_low=lo, ci_high=hi)

    cols = ['group', 'n', 'baseline_mean', 'post_mean', 'change', 'ci_low', 'ci_high']
    t = Table(cols)
    bm_row(t, 'trained', [x for x in units if x[1]])
    bm_row(t, 'untrained', [x for x in units if not x[1]])
    ntr = len([x for x in units if x[1]])
    n_units = None if any(0 < k < SMALL for k in (ntr, len(units) - ntr)) else len(units)  # A18
    t.n = n_units
    T['fig18'] = t
    t = Table(cols)
    for name, tr, hub in (('trained_hub', True, True), ('trained_nohub', True, False),
                          ('untrained_hub', False, True), ('untrained_nohub', False, False)):
        us = [x for x in units if x[1] == tr and x[2] == hub]
        cov['fig19 ' + name] = len(us)
        bm_row(t, name, us)
    t.complement([], [0, 1])  # A18: the parts of fig18's trained row
    t.complement([], [2, 3])
    t.n = n_units
    T['fig19'] = t

    # A21: the hub terms are left out when every establishment compared is
    # in a hub or none is, and when a group of fig19 is 1 to 4 (with them
    # the estimates would give its mean by the normal equations). No rows
    # without both groups of 5 or more, or with fewer than 3 establishments.
    X, y, cl = [], [], []
    g19 = [len([x for x in units if x[1] == tr and x[2] == hub])
           for tr in (True, False) for hub in (True, False)]
    hub_terms = (any(x[2] for x in units) and not all(x[2] for x in units)
                 and not any(0 < k < SMALL for k in g19))
    for u, tr, hub, b, p in units:
        for per, r in ((0, b), (1, p)):
            X.append([1, int(tr), per, int(tr) * per, int(hub), int(hub) * per][:6 if hub_terms else 4])
            y.append(r[1])
            cl.append(u)
    t = Table(['term', 'estimate', 'se_cluster', 'ci_low', 'ci_high', 'p'])
    terms = ['intercept', 'trained', 'post', 'trained_x_post', 'hub', 'hub_x_post']
    if ntr >= SMALL and len(units) - ntr >= SMALL and len(units) >= 3:
        for term, (est, se, lo, hi, p) in zip(terms, ols_cluster(X, y, cl)):
            t.add(term=term, estimate=est, se_cluster=se, ci_low=lo, ci_high=hi, p=p)
    T['did'] = t

    counts = {}
    t20 = Table(['benchmark', 'group', 'n', 'post_pct', 'ci_low', 'ci_high'])
    t21 = Table(['benchmark', 'group', 'n', 'baseline_pct', 'post_pct'])
    for bm in range(1, 9):
        for name, tr in (('trained', True), ('untrained', False)):
            us = [x for x in units if x[1] == tr]
            n = len(us)
            if n < SMALL:
                t20.suppressed(benchmark=bm, group=name, n=n)
                t21.suppressed(benchmark=bm, group=name, n=n)
                continue
            kb = sum(1 for x in us if x[3][2][bm - 1])
            kp = sum(1 for x in us if x[4][2][bm - 1])
            lo, hi = wilson(kp, n)
            t20.add(benchmark=bm, group=name, n=n, post_pct=100.0 * kp / n, ci_low=lo, ci_high=hi)
            t21.add(benchmark=bm, group=name, n=n, baseline_pct=100.0 * kb / n,
                    post_pct=100.0 * kp / n)
            counts[(name, 'baseline_pct', bm)] = kb
            counts[(name, 'post_pct', bm)] = kp
    # A20: within a group shown, a benchmark fully achieved or not by 1 to 4
    # establishments has its percentage withheld ("small"; fig20 its
    # interval too); the eight counts of a group add up to n x fig18's mean,
    # so a single one withheld takes the shown benchmark of fewest
    # achieving it (the first on a tie; a zero only when no other is left)
    # with it ("secondary").
    marks = defaultdict(list)  # (row, reason) -> fig21 columns
    for gi, name in enumerate(('trained', 'untrained')):
        n = len([x for x in units if x[1] == (name == 'trained')])
        if n < SMALL:
            continue
        for c in ('baseline_pct', 'post_pct'):
            k = {bm: counts[(name, c, bm)] for bm in range(1, 9)}
            small = [bm for bm in k if 0 < k[bm] < SMALL or 0 < n - k[bm] < SMALL]
            pick = []
            if len(small) == 1:
                shown = [bm for bm in k if bm not in small]
                pos = [bm for bm in shown if k[bm] > 0]
                pick = [min(pos, key=lambda bm: (k[bm], bm))] if pos else shown[:1]
            for bm in small + pick:
                r = 2 * (bm - 1) + gi
                marks[(r, 'small' if bm in small else 'secondary')].append(c)
    for (r, reason), cs in sorted(marks.items()):
        for c in cs:
            t21.rows[r][t21.columns.index(c)] = None
        t21.sup.append([r, reason, [c for c in t21.columns if c in cs]])
        if 'post_pct' in cs:
            for c in ('post_pct', 'ci_low', 'ci_high'):
                t20.rows[r][t20.columns.index(c)] = None
            t20.sup.append([r, reason, ['post_pct', 'ci_low', 'ci_high']])
    t20.n = t21.n = n_units
    T['fig20'] = t20
    T['fig21'] = t21

    # ---- samples ---------------------------------------------------------------------------
    completers = {e['leader_id'] for e in done_enrol}
    t = Table(['source', 'issued', 'achieved', 'pct'])

    def srow(src, issued, achieved):
        if 0 < achieved < SMALL:  # A18
            t.sup.append([len(t.rows), 'small', ['achieved', 'pct']])
            t.add(source=src, issued=issued)
            return
        t.add(source=src, issued=issued, achieved=achieved,
              pct=100.0 * achieved / issued if issued else None)

    srow('pre survey', len(completers), len(completers & has['pre']))
    srow('post survey', len(completers), len(completers & has['post']))
    srow('matched', len(completers), len(completers & set(matched)))
    first_lt = min(ltdate.values())
    y_, m_, d_ = int(first_lt[:4]), int(first_lt[5:7]), first_lt[8:10]
    m_ -= 6
    if m_ < 1:
        m_, y_ = m_ + 12, y_ - 1
    limit = '%04d-%02d-%s' % (y_, m_, d_)  # 6 calendar months before
    lt_issued = {e['leader_id'] for e in done_enrol if e['completion_date'] <= limit
                 and leaders[e['leader_id']]['contact_consent'] == '1'}
    assert all(e['completion_date'] != limit for e in done_enrol)
    srow('long-term', len(lt_issued), len(ltans))
    tr_units = [x for x in units if x[1]]
    srow('Compass trained', len(trained), len(tr_units))
    comparison = [u for u in ests if u not in enrolled_any]
    srow('Compass comparison', len(comparison), len(units) - len(tr_units))
    T['samples'] = t

    # ---- attrition (A17) -----------------------------------------------------------------------
    post_only = [l for l in leaders if l in has['post'] and l not in has['pre']]
    grp = [matched, post_only]
    cols = ['characteristic', 'level', 'matched_pct', 'post_only_pct', 'p']
    t = Table(cols)
    shown = [len(g) >= SMALL for g in grp]

    def est(lid):
        return ests[leaders[lid]['urn']]

    levels = {'type': [(g, lambda l, g=g: type_group(l) == g) for g, _ in GROUPS],
              'hub': [('in a hub', lambda l: est(l)['hub'] != ''),
                      ('not in a hub', lambda l: est(l)['hub'] == '')]}
    marks = defaultdict(lambda: defaultdict(list))  # row -> reason -> columns
    row0 = 0
    for ch in ('type', 'hub'):
        lv = levels[ch]
        counts = [[sum(1 for l in g if f(l)) for g in grp] for _, f in lv]
        withheld = set()  # (level, group)
        for s_ in range(2):
            if not shown[s_]:
                continue
            small = [i for i in range(len(lv)) if 0 < counts[i][s_] < SMALL]
            withheld |= {(i, s_, 'small') for i in small}
            if len(small) == 1:  # A16
                others = [i for i in range(len(lv)) if counts[i][s_] > 0 and i not in small]
                if others:
                    pick = min(others, key=lambda i: (counts[i][s_], i))
                    withheld.add((pick, s_, 'secondary'))
        p = None
        if all(shown) and not withheld:
            tab = [c for c in counts if sum(c) > 0]
            if len(tab) >= 2:
                p = float(stats.chi2_contingency(np.array(tab, float), correction=False)[1])
        for i, (name, _) in enumerate(lv):
            r = row0 + i
            kv = {'characteristic': ch, 'level': name}
            for s_, c in enumerate(('matched_pct', 'post_only_pct')):
                w = [x[2] for x in withheld if x[0] == i and x[1] == s_]
                if not shown[s_]:
                    marks[r]['empty' if not grp[s_] else 'small'].append(c)
                elif w:
                    marks[r][w[0]].append(c)
                else:
                    kv[c] = 100.0 * counts[i][s_] / len(grp[s_])
            if all(shown):
                if withheld:
                    marks[r]['secondary'].append('p')
                else:
                    kv['p'] = p
            else:
                marks[r]['empty' if not all(grp) else 'small'].append('p')
            t.add(**kv)
        row0 += len(lv)
    fsm = [[float(est(l)['fsm_pct']) for l in g if est(l)['fsm_pct'] != ''] for g in grp]
    fshown = [shown[i] and len(fsm[i]) >= SMALL for i in range(2)]
    kv = {'characteristic': 'fsm', 'level': 'mean free school meals %'}
    for s_, c in enumerate(('matched_pct', 'post_only_pct')):
        if fshown[s_]:
            kv[c] = float(np.mean(fsm[s_]))
        else:
            marks[row0]['empty' if not grp[s_] else 'small'].append(c)
    if all(fshown):
        kv['p'] = float(stats.ttest_ind(fsm[0], fsm[1], equal_var=False).pvalue)
    else:
        marks[row0]['empty' if not all(grp) else 'small'].append('p')
    t.add(**kv)
    for r in sorted(marks):
        for reason, cs in marks[r].items():
            # one record a row for small and empty together ("small" wins)
            if reason == 'empty' and 'small' in marks[r]:
                continue
            if reason == 'small' and 'empty' in marks[r]:
                cs = [c for c in cols if c in cs or c in marks[r]['empty']]
            t.sup.append([r, reason, cs])
    t.n = None if not all(shown) else len(matched) + len(post_only)
    cov['attrition: a level withheld beside shown ones'] = len(
        [x for x in t.sup if x[1] == 'secondary'])
    T['attrition'] = t

    # ---- alpha ----------------------------------------------------------------------------------
    t = Table(['role', 'area', 'k', 'n', 'alpha'])
    for role in ROLES:
        pre_lids = [l for l in leaders if l in has['pre'] and leaders[l]['role'] == role]
        for a in AREAS:
            its = items[(role, a)]
            mat = [[answers[(l, 'pre')][i] for i in its] for l in pre_lids
                   if all(i in answers[(l, 'pre')] for i in its)]
            if len(mat) < SMALL:
                t.suppressed(role=role, area=a, k=len(its), n=len(mat))
            else:
                t.add(role=role, area=a, k=len(its), n=len(mat), alpha=float(alpha(mat)))
    T['alpha'] = t

    # ---- the stored area scores (`cleval scores`), keyed by leader, stage ----
    t = Table(['leader_id', 'stage', 'role'] + AREAS)
    for lid in leaders:
        for st in ('pre', 'post'):
            if lid in has[st]:
                t.add(leader_id=lid, stage=st, role=leaders[lid]['role'],
                      **{a: score(lid, st, a) for a in AREAS})
    S = t

    for tid, tb in T.items():
        cov['%s rows (suppressed)' % tid] = [len(tb.rows),
                                             len(tb.sup)]
    return T, S, cov


# What the data must exercise (make_data.py's purpose); expected.py fails
# when a change of the generator loses one of these.
REQUIRED = [
    'baseline: latest of several by the cut-off', 'baseline: on the cut-off date',
    'baseline: fallback, earliest of several', 'baseline: none for a trained establishment',
    'baseline: none for an untrained one with later returns (no fallback)',
    'post: a return after post_to passed over', 'post: a return before post_from passed over',
    'post: none, every in-window return before completion',
    'post: between two leaders\' completions passed over', 'post: on post_from',
    'post: on post_to', 'hub_joined by the post return', 'hub_joined after the post return',
    'excluded (no post): untrained', 'excluded: only withdrawn leaders',
    'matched leader-areas without a score', 'matched leaders without months_in_role',
    'post-only leaders', 'attrition: a level withheld beside shown ones']
SUPPRESSION_REQUIRED = ['table1', 'cohorts', 'fig2', 'fig3', 'providers', 'fig4', 'fig19',
                        'alpha']


def check_coverage(T, cov):
    missing = [k for k in REQUIRED if not cov.get(k)]
    missing += ['a suppressed row in ' + k for k in SUPPRESSION_REQUIRED
                if not any(x[1] == 'small' for x in T[k].sup)]
    fig1 = {r[0]: r for r in T['fig1'].rows}
    if cov['fig1 coordination: zeros, ties'] != [0, 0] or fig1['coordination'][1] >= 50:
        missing.append('fig1 coordination: the exact Wilcoxon branch')
    if not any(cov['fig1 %s: zeros, ties' % a][0] for a in AREAS):
        missing.append('fig1: zero differences')
    if not any(cov['fig1 %s: zeros, ties' % a][1] for a in AREAS):
        missing.append('fig1: tied differences')
    return missing


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    if len(args) != 2:
        sys.exit('usage: expected.py DATADIR OUT.json [--coverage]')
    T, S, cov = compute(args[0])
    # --any-data: another programme than make_data.py's (tests/data/tiny),
    # whose coverage is not required
    missing = [] if '--any-data' in sys.argv else check_coverage(T, cov)
    if missing:
        sys.exit('expected.py: the data no longer exercise: ' + '; '.join(missing))
    out = OrderedDict((k, dict({'columns': t.columns, 'rows': t.rows, 'suppressed': t.sup},
                               **({} if t.n == 'unchecked' else {'n': t.n})))
                      for k, t in T.items())
    out['_scores'] = {'columns': S.columns, 'rows': S.rows}  # not a report table
    with open(args[1], 'w') as f:
        json.dump(out, f, indent=1, allow_nan=False)
    if '--coverage' in sys.argv:
        for k, v in cov.items():
            print('%-50s %s' % (k, v))


if __name__ == '__main__':
    main()
