#!/usr/bin/python3
"""The benchmark peer in pandas, scipy and statsmodels: what an analyst
would write instead of running `cleval report`. Reads the programme's CSV
files (as `cleval demo` writes them into DIR/csv) and the item bank (`cleval
instruments` as CSV), and computes fig1, table1, fig18, fig19, fig21 and
the DiD by the rules of docs/analysis.md with cleval's default settings,
writing them as JSON in report.json's shape ({id: {columns, rows}}).

Usage: /usr/bin/python3 bench/peer/report.py CSVDIR ITEMS.csv OUT.json

Rules taken from cleval, which docs/analysis.md states or implies:
- A leader's survey stage may be submitted more than once (rows sharing
  leader_id, stage, submitted_at are one submission); `cleval import` keeps
  one per leader and stage by its default duplicates rule,
  most_complete: a submission with knowledge answers before one without
  (under every rule), then the one answering the most knowledge items,
  then the latest submitted_at.
- Area score (percent method): sum / (5 k) x 100 of the k answered items of
  the role's area; missing when k < 0.5 x the area's items.
- Matched: a pre and a post response (the role is the leader's, so the same).
- Holm over the areas that were tested; Wilcoxon exact only when there are
  fewer than 50 pairs with no zeros and no tied |differences|.
- scipy 1.10's t.ppf is accurate to about 2.5e-9 relative, so the 97.5 %
  t quantile is polished by Newton steps (see tq) before the intervals.
"""
import json
import math
import sys

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import special, stats

AREAS = ['leadership', 'management', 'coordination', 'networking']
GROUPS = [('college', ('fe_college', 'sixth_form_college')), ('send_ap', ('special', 'ap')),
          ('mainstream', ('mainstream',))]
SMALL = 5
FEWER = 'fewer than %d' % SMALL
CUTOFF, POST_FROM, POST_TO, FULL, MIN_ANSWERED = '2018-07-31', '2020-03-01', '2021-03-31', 100.0, 0.5


def tq(df):
    """t(0.975, df), polished by Newton steps on the upper tail."""
    x = stats.t.ppf(0.975, df)
    for _ in range(3):
        tail = 0.5 * special.betainc(df / 2.0, 0.5, df / (df + x * x))
        x += (tail - 0.025) / stats.t.pdf(x, df)
    return float(x)


def num(x):
    return None if x is None or not math.isfinite(x) else float(x)


def table(columns):
    return {'columns': columns, 'rows': []}


def add(tab_, **kv):
    tab_['rows'].append([kv.get(c) for c in tab_['columns']])


def suppressed(tab_, **kv):
    row = [kv.get(c) for c in tab_['columns']]
    row[tab_['columns'].index('n') + 1] = FEWER
    tab_['rows'].append(row)


def paired(pre, post):
    """The paired t test of post - pre (scipy.stats.ttest_rel)."""
    d = post - pre
    n = len(d)
    res = stats.ttest_rel(post, pre)
    m = math.fsum(d) / n
    sd = d.std(ddof=1)
    h = tq(n - 1) * sd / math.sqrt(n)
    return {'n': n, 'pre_mean': pre.mean(), 'post_mean': post.mean(), 'mean_diff': m,
            'ci_low': m - h, 'ci_high': m + h, 't': float(res.statistic), 'df': n - 1,
            'p': float(res.pvalue), 'cohens_dz': m / sd}


def wilcoxon(pre, post):
    d = post - pre
    nz = d[d != 0]
    if len(nz) == 0:
        return None, None
    ranks = stats.rankdata(np.abs(nz))
    v = float(ranks[nz > 0].sum())
    exact = len(d) < 50 and len(nz) == len(d) and len(np.unique(np.abs(nz))) == len(nz)
    res = stats.wilcoxon(nz, zero_method='wilcox', correction=True,
                         method='exact' if exact else 'approx')
    return v, float(res.pvalue)


def holm(ps):
    idx = [i for i, p in enumerate(ps) if p is not None]
    order = sorted(idx, key=lambda i: ps[i])
    out, run = list(ps), 0.0
    for k, i in enumerate(order):
        run = max(run, min(1.0, (len(idx) - k) * ps[i]))
        out[i] = run
    return out


def scores(csvdir, items):
    """Pre and post area scores of every leader: a frame indexed by
    leader_id with columns (stage, area)."""
    leaders = pd.read_csv(csvdir + '/leaders.csv', dtype=str, keep_default_na=False)
    sa = pd.read_csv(csvdir + '/self-assessment.csv', dtype={'leader_id': str, 'stage': str,
                     'submitted_at': str, 'item_id': str, 'value': float})
    sa = sa[sa['stage'].isin(['pre', 'post'])]
    know = items[(items['instrument'] == 'self-assessment') & (items['area'] != '')]
    total = know.groupby(['role', 'area']).size().rename('total').reset_index()
    knowledge = know.groupby('role').size().rename('knowledge')
    sa = sa.merge(know[['item_id', 'area']], on='item_id', how='left')
    sa['know'] = sa['area'].notna()
    # the submission each leader's stage keeps: one with knowledge answers
    # before one without (under every rule), then the most knowledge items
    # answered, then the latest (the default rule, most_complete)
    sub = sa.groupby(['leader_id', 'stage', 'submitted_at'], sort=False)['know'].sum()
    sub = sub.rename('nknow').reset_index()
    sub = sub.merge(leaders[['leader_id', 'role']], on='leader_id')
    sub['complete'] = sub['nknow'] == sub['role'].map(knowledge)
    sub['has'] = sub['nknow'] > 0
    sub['when'] = pd.to_datetime(sub['submitted_at'], utc=True)
    sub = sub.sort_values(['leader_id', 'stage', 'nknow', 'when'])
    keep = sub.groupby(['leader_id', 'stage']).tail(1)[['leader_id', 'stage', 'submitted_at',
                                                        'role']]
    kept = sa[sa['know']].merge(keep, on=['leader_id', 'stage', 'submitted_at'])
    agg = kept.groupby(['leader_id', 'stage', 'role', 'area'])['value'].agg(['sum', 'count'])
    agg = agg.reset_index().merge(total, on=['role', 'area'])
    ok = agg['count'] + 1e-9 >= MIN_ANSWERED * agg['total']
    agg['score'] = np.where(ok, agg['sum'] / (5.0 * agg['count']) * 100.0, np.nan)
    wide = agg.pivot_table(index='leader_id', columns=['stage', 'area'], values='score',
                           dropna=False)
    has = keep.pivot_table(index='leader_id', columns='stage', values='role', aggfunc='size')
    matched = has.index[(has.get('pre', 0) > 0) & (has.get('post', 0) > 0)]
    return leaders, wide.reindex(matched)


def knowledge_tables(csvdir, items):
    leaders, wide = scores(csvdir, items)
    ests = pd.read_csv(csvdir + '/establishments.csv', dtype=str, keep_default_na=False)
    kind = leaders.merge(ests[['urn', 'type']], on='urn').set_index('leader_id')['type']
    group = kind.map({t: g for g, ts in GROUPS for t in ts}).reindex(wide.index)

    def pair(area, mask=None):
        w = wide if mask is None else wide[mask]
        both = w[('pre', area)].notna() & w[('post', area)].notna()
        return w.loc[both, ('pre', area)].to_numpy(), w.loc[both, ('post', area)].to_numpy()

    fig1 = table(['area', 'n', 'pre_mean', 'post_mean', 'mean_diff', 'ci_low', 'ci_high', 't',
                  'df', 'p', 'p_holm', 'cohens_dz', 'wilcoxon_v', 'wilcoxon_p'])
    res = []
    for a in AREAS:
        pre, post = pair(a)
        if len(pre) < SMALL:
            res.append((a, len(pre), None))
            continue
        r = paired(pre, post)
        r['wilcoxon_v'], r['wilcoxon_p'] = wilcoxon(pre, post)
        res.append((a, len(pre), r))
    for (a, n, r), ph in zip(res, holm([r['p'] if r else None for _, _, r in res])):
        if r is None:
            suppressed(fig1, area=a, n=n)
        else:
            add(fig1, area=a, p_holm=ph, **r)
    table1 = table(['group', 'area', 'n', 'pre_mean', 'post_mean', 'mean_diff', 'ci_low',
                    'ci_high', 'p'])
    for g, _ in GROUPS:
        for a in AREAS:
            pre, post = pair(a, group == g)
            if len(pre) < SMALL:
                suppressed(table1, group=g, area=a, n=len(pre))
            else:
                add(table1, group=g, area=a, **paired(pre, post))
    return fig1, table1


def compass_tables(csvdir):
    ests = pd.read_csv(csvdir + '/establishments.csv', dtype=str, keep_default_na=False)
    leaders = pd.read_csv(csvdir + '/leaders.csv', dtype=str, keep_default_na=False)
    enrol = pd.read_csv(csvdir + '/enrolments.csv', dtype=str, keep_default_na=False)
    comp = pd.read_csv(csvdir + '/compass.csv', dtype={'urn': str, 'submitted_at': str})
    bms = ['bm%d' % b for b in range(1, 9)]
    comp['date'] = comp['submitted_at'].str[:10]
    full = comp[bms].ge(FULL)  # NaN is not achieved
    comp['achieved'] = full.sum(axis=1)
    comp[bms] = full

    enrol = enrol.merge(leaders[['leader_id', 'urn']], on='leader_id')
    done = enrol[(enrol['status'] == 'completed') & (enrol['completion_date'] != '')]
    tr = done.groupby('urn').agg(start=('start_date', 'min'), completion=('completion_date', 'max'))
    neither = set(enrol['urn']) - set(tr.index)

    comp = comp[~comp['urn'].isin(neither)].copy()
    comp['order'] = np.arange(len(comp))  # file order breaks ties of equal times
    comp = comp.merge(tr, left_on='urn', right_index=True, how='left')
    comp = comp.sort_values(['urn', 'submitted_at', 'order'])
    by_cut = comp[comp['date'] <= CUTOFF].groupby('urn').tail(1)
    fallback = comp[comp['start'].notna() & (comp['date'] < comp['start'])]
    fallback = fallback.groupby('urn').head(1)
    base = pd.concat([by_cut, fallback[~fallback['urn'].isin(by_cut['urn'])]]).set_index('urn')
    in_window = (comp['date'] >= POST_FROM) & (comp['date'] <= POST_TO)
    after = comp['completion'].isna() | (comp['date'] > comp['completion'])
    post = comp[in_window & after].groupby('urn').tail(1).set_index('urn')

    units = base.index.intersection(post.index).sort_values()
    base, post = base.loc[units], post.loc[units]
    e = ests.set_index('urn').loc[units]
    u = pd.DataFrame({'trained': post['start'].notna().to_numpy(),
                      'hub': ((e['hub'] != '') & ((e['hub_joined'] == '') |
                                                  (e['hub_joined'] <= post['date']))).to_numpy(),
                      'y0': base['achieved'].to_numpy(), 'y1': post['achieved'].to_numpy()},
                     index=units)

    cols = ['group', 'n', 'baseline_mean', 'post_mean', 'change', 'ci_low', 'ci_high']

    def bm_row(t, name, sel):
        g = u[sel]
        n = len(g)
        if n < SMALL:
            suppressed(t, group=name, n=n)
            return
        d = (g['y1'] - g['y0']).to_numpy(float)
        m, h = d.mean(), tq(n - 1) * d.std(ddof=1) / math.sqrt(n)
        mb = g['y0'].mean()
        add(t, group=name, n=n, baseline_mean=mb, post_mean=mb + m, change=m, ci_low=m - h,
            ci_high=m + h)

    fig18, fig19 = table(cols), table(cols)
    bm_row(fig18, 'trained', u['trained'])
    bm_row(fig18, 'untrained', ~u['trained'])
    for name, t_, h_ in (('trained_hub', True, True), ('trained_nohub', True, False),
                         ('untrained_hub', False, True), ('untrained_nohub', False, False)):
        bm_row(fig19, name, (u['trained'] == t_) & (u['hub'] == h_))

    fig21 = table(['benchmark', 'group', 'n', 'baseline_pct', 'post_pct'])
    for b in range(1, 9):
        for name, t_ in (('trained', True), ('untrained', False)):
            sel = (u['trained'] == t_).to_numpy()
            n = int(sel.sum())
            if n < SMALL:
                suppressed(fig21, benchmark=b, group=name, n=n)
                continue
            kb = int(base['bm%d' % b].to_numpy()[sel].sum())
            kp = int(post['bm%d' % b].to_numpy()[sel].sum())
            add(fig21, benchmark=b, group=name, n=n, baseline_pct=100.0 * kb / n,
                post_pct=100.0 * kp / n)

    # DiD: two rows per establishment, OLS with cluster-robust (HC1) SE
    long = pd.concat([
        pd.DataFrame({'unit': np.arange(len(u)), 'trained': u['trained'].astype(float).to_numpy(),
                      'post': float(p), 'hub': u['hub'].astype(float).to_numpy(),
                      'y': (u['y1'] if p else u['y0']).astype(float).to_numpy()})
        for p in (0, 1)])
    long['trained_x_post'] = long['trained'] * long['post']
    long['hub_x_post'] = long['hub'] * long['post']
    terms = ['trained', 'post', 'trained_x_post']
    if long['hub'].nunique() == 2:
        terms += ['hub', 'hub_x_post']
    X = sm.add_constant(long[terms], has_constant='add')
    fit = sm.OLS(long['y'], X).fit(cov_type='cluster', cov_kwds={'groups': long['unit']},
                                   use_t=True)
    G = len(u)
    q = tq(G - 1)
    did = table(['term', 'estimate', 'se_cluster', 'ci_low', 'ci_high', 'p'])
    for name, col in zip(['intercept'] + terms, X.columns):
        b, se = float(fit.params[col]), float(fit.bse[col])
        add(did, term=name, estimate=b, se_cluster=se, ci_low=b - q * se, ci_high=b + q * se,
            p=float(fit.pvalues[col]))
    return fig18, fig19, fig21, did


def main():
    if len(sys.argv) != 4:
        sys.exit('usage: report.py CSVDIR ITEMS.csv OUT.json')
    csvdir, items_csv, out = sys.argv[1:]
    items = pd.read_csv(items_csv, dtype=str, keep_default_na=False)
    fig1, table1 = knowledge_tables(csvdir, items)
    fig18, fig19, fig21, did = compass_tables(csvdir)
    res = {'fig1': fig1, 'table1': table1, 'fig18': fig18, 'fig19': fig19, 'fig21': fig21,
           'did': did}
    for t in res.values():
        t['rows'] = [[num(x) if isinstance(x, (float, np.floating)) else
                      int(x) if isinstance(x, np.integer) else x for x in r] for r in t['rows']]
    with open(out, 'w') as f:
        json.dump(res, f)


if __name__ == '__main__':
    main()
