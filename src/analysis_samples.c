/* Who the evaluation heard from: the samples and their response rates, the
 * attrition between the pre and post surveys, and the programme's delivery
 * from the fund's ledger (docs/analysis.md). */
#include "analysis_cells.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fund.h"
#include "stats.h"
#include "xalloc.h"

/* The date six calendar months before d (the day kept, as text compares). */
static void six_months_before(const char *d, char out[11]) {
  unsigned y = (unsigned)atoi(d) % 10000, m = (unsigned)atoi(d + 5) % 100;
  if (m <= 6) {
    m += 6;
    y = (y + 9999) % 10000;
  } else {
    m -= 6;
  }
  snprintf(out, 11, "%04u-%02u-%.2s", y, m % 100, d + 8);
}

static void samples(analysis *a) {
  static const column cols[] = {{"source", "Source", 0},
                                {"issued", "Invited", 0},
                                {"achieved", "Responded", 0},
                                {"pct", "Response rate (%)", 1}};
  report_table *t =
      TABLE(a, "samples", "Samples: who was asked and who answered", SECTION_SAMPLES, cols);
  const dataset *ds = a->ds;
  unsigned char *completer = xcalloc(ds->nleaders + 1, 1);
  char first_lt[11] = "";
  size_t nlt = 0;
  for (size_t r = 0; r < ds->nresponses; r++)
    if (ds->responses[r].survey == DS_LONG_TERM) {
      nlt++;
      if (!first_lt[0] || strcmp(ds->responses[r].submitted, first_lt) < 0)
        strcpy(first_lt, ds->responses[r].submitted);
    }
  char limit[11] = "";
  if (first_lt[0])
    six_months_before(first_lt, limit);
  unsigned char *lt_issued = xcalloc(ds->nleaders + 1, 1);
  for (size_t i = 0; i < ds->nenrolments; i++) {
    const ds_enrolment *e = &ds->enrolments[i];
    if (e->status != DS_COMPLETED || !e->completion_date[0])
      continue;
    completer[e->leader] = 1;
    if (limit[0] && strcmp(e->completion_date, limit) <= 0 &&
        ds->leaders[e->leader].contact_consent)
      lt_issued[e->leader] = 1;
  }
  size_t issued = 0, pre = 0, post = 0, matched = 0, lti = 0;
  for (size_t i = 0; i < ds->nleaders; i++) {
    lti += lt_issued[i];
    if (!completer[i])
      continue;
    issued++;
    pre += ds->leaders[i].pre != DS_NONE;
    post += ds->leaders[i].post != DS_NONE;
    matched += ds->leaders[i].match == DS_MATCHED;
  }
  /* The surveys are issued on completion: the invited count is the
   * ledger's completions (fund.c), which is the completers unless a leader
   * completed in two waves. */
  if (ds->fund) {
    long long done = 0;
    for (size_t i = 0; i < ds->fund->nwaves; i++)
      done += ds->fund->waves[i].completed;
    issued = (size_t)done;
  }
  struct {
    const char *source;
    size_t issued, achieved;
  } rows[] = {{"pre survey", issued, pre},
              {"post survey", issued, post},
              {"matched", issued, matched},
              {"long-term", lti, nlt},
              {"Compass trained", a->cc.trained, a->cc.kept[0]},
              {"Compass comparison", a->cc.untrained, a->cc.kept[1]}};
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
    size_t r = report_table_add_row(t);
    cells_text(t, r, "source", rows[i].source);
    cells_int(t, r, "issued", (long long)rows[i].issued);
    /* A group of respondents too small to show is withheld here as in its
     * figures (the long-term survey's, fig18's comparison group), rate
     * included; none is shown. */
    if (cells_hidden_count(a, rows[i].achieved)) {
      report_table_suppress(t, r, cells_col(t, "achieved"), MARK_SUPPRESSED, a->cfg->small_cell);
      report_table_suppress(t, r, cells_col(t, "pct"), MARK_SUPPRESSED, a->cfg->small_cell);
      continue;
    }
    cells_int(t, r, "achieved", (long long)rows[i].achieved);
    if (rows[i].issued)
      cells_num(t, r, "pct", 100.0 * (double)rows[i].achieved / (double)rows[i].issued);
  }
  free(completer);
  free(lt_issued);
  cells_chart(t, CHART_BAR, "source", NULL, (const char *const[]){"pct"}, 1, NULL, NULL, "Source",
              "Response rate (%)", 100);
  report_table_add_note(t,
                        "Surveys: Careers Leaders who completed the training (the completions "
                        "in the fund's ledger). Long-term: "
                        "those who agreed to be contacted and completed at least six months "
                        "before the survey opened%s%s%s. Compass: establishments with a "
                        "baseline and a post return (in and out of a Careers Hub: the n of "
                        "Figure 19; both groups together: the N of Figure 18).",
                        first_lt[0] ? " (" : "", first_lt[0] ? first_lt : "",
                        first_lt[0] ? ")" : "");
}

/* ---- Programme delivery: the fund's ledger -------------------------------------------- */

/* Places, completions, the hub share and bursaries by wave, and places and
 * completions by provider, from the ledger the dataset read (fund.c). */
static void delivery(analysis *a) {
  const fund_ledger *l = a->ds->fund;
  static const column wcols[] = {{"wave", "Wave", 0},
                                 {"places", "Places", 0},
                                 {"allocated", "Allocated", 0},
                                 {"taken", "Taken", 0},
                                 {"completed", "Completed", 0},
                                 {"withdrawn", "Withdrawn", 0},
                                 {"completion_rate", "Completed (%)", 1},
                                 {"hub_taken", "Taken in hubs", 0},
                                 {"hub_share", "Hub share (%)", 1},
                                 {"hub_target", "Hub target (%)", 0},
                                 {"claimed_pence", "Claimed", 0},
                                 {"approved_pence", "Approved", 0},
                                 {"paid_pence", "Paid", 0}};
  report_table *t = TABLE(a, "delivery", "Places, completions, the hub share and bursaries by wave",
                          SECTION_DELIVERY, wcols);
  long long taken = 0, completed = 0, paid = 0, places = 0;
  for (size_t i = 0; l && i < l->nwaves; i++) {
    const fund_wave *w = &l->waves[i];
    size_t r = report_table_add_row(t);
    cells_int(t, r, "wave", w->wave);
    if (w->in_fund)
      cells_int(t, r, "places", w->places);
    cells_int(t, r, "allocated", w->allocated);
    cells_int(t, r, "taken", w->taken);
    cells_int(t, r, "completed", w->completed);
    cells_int(t, r, "withdrawn", w->withdrawn);
    if (w->taken + w->withdrawn)
      cells_num(t, r, "completion_rate",
                100.0 * (double)w->completed / (double)(w->taken + w->withdrawn));
    cells_int(t, r, "hub_taken", w->hub_taken);
    cells_num(t, r, "hub_share", w->hub_share);
    cells_num(t, r, "hub_target", w->hub_target);
    cells_int(t, r, "claimed_pence", w->claimed_pence);
    cells_int(t, r, "approved_pence", w->approved_pence);
    cells_int(t, r, "paid_pence", w->paid_pence);
    taken += w->taken;
    completed += w->completed;
    paid += w->paid_pence;
    places += w->in_fund ? w->places : 0;
    if (fund_hub_short(w))
      report_table_add_note(t,
                            "Wave %d: Careers Leaders in Careers Hubs took %.1f%% of the places "
                            "taken, short of the %g%% target.",
                            w->wave, w->hub_share, w->hub_target);
  }
  t->n = taken;
  if (!l || !l->nwaves) {
    report_table_add_note(t, "No waves, allocations or enrolments have been imported, so there "
                             "is nothing to show of the fund (import KIND waves, allocations "
                             "and enrolments).");
    return;
  }
  cells_chart(t, CHART_GROUPED, "wave", NULL, (const char *const[]){"places", "taken", "completed"},
              3, NULL, NULL, "Wave", "Places", 0);
  report_table_set_alt(t,
                       "Places, places taken and completions by wave: %lld places in the fund, "
                       "%lld taken, %lld completed.",
                       places, taken, completed);
  char pounds[40];
  report_table_add_note(
      t,
      "From the fund's ledger. Taken: enrolled or completed (a withdrawal frees its place). "
      "Completed (%%): completed out of every enrolment, withdrawn ones included. Hub share: "
      "places taken by Careers Leaders whose establishment was in a Careers Hub when they "
      "started. Claimed, Approved, Paid: bursaries, in pounds (a claim stays counted as it is "
      "approved and paid). Bursaries paid in all: %s.",
      fund_pounds(paid, pounds, sizeof pounds));

  static const column pcols[] = {{"wave", "Wave", 0},
                                 {"provider", "Provider", 0},
                                 {"accreditation", "Accreditation", 0},
                                 {"allocated", "Allocated", 0},
                                 {"taken", "Taken", 0},
                                 {"completed", "Completed", 0},
                                 {"withdrawn", "Withdrawn", 0},
                                 {"completion_rate", "Completion rate (%)", 1}};
  report_table *p = TABLE(a, "delivery_providers", "Places and completions by wave and provider",
                          SECTION_DELIVERY, pcols);
  long long pt = 0;
  for (size_t i = 0; i < l->nproviders; i++) {
    const fund_provider *f = &l->providers[i];
    size_t r = report_table_add_row(p);
    cells_int(p, r, "wave", f->wave);
    cells_text(p, r, "provider", f->name);
    cells_text(p, r, "accreditation", f->accreditation);
    cells_int(p, r, "allocated", f->allocated);
    cells_int(p, r, "taken", f->taken);
    cells_int(p, r, "completed", f->completed);
    cells_int(p, r, "withdrawn", f->withdrawn);
    cells_num(p, r, "completion_rate", f->completion_rate);
    pt += f->taken;
  }
  p->n = pt;
  report_table_label(p, "none", "Not accredited");
  report_table_label(p, "level6", "Level 6");
  report_table_label(p, "level7", "Level 7");
}

static void attrition(analysis *a) {
  static const column cols[] = {{"characteristic", "Characteristic", 0},
                                {"level", "Level", 0},
                                {"matched_pct", "Matched", 1},
                                {"post_only_pct", "Post only", 1},
                                {"p", "p", 4}};
  report_table *t = TABLE(a, "attrition", "Attrition: matched and post-only respondents compared",
                          SECTION_SAMPLES, cols);
  const dataset *ds = a->ds;
  /* counts[level][0 matched, 1 post only] */
  double type[NGROUPS][2] = {{0}}, hub[2][2] = {{0}};
  double *fm = xmalloc((ds->nleaders + 1) * sizeof *fm),
         *fp = xmalloc((ds->nleaders + 1) * sizeof *fp);
  size_t nm = 0, np = 0, nfm = 0, nfp = 0;
  for (size_t i = 0; i < ds->nleaders; i++) {
    const ds_leader *l = &ds->leaders[i];
    int s = l->match == DS_MATCHED ? 0 : l->match == DS_NO_PRE ? 1 : -1;
    if (s < 0)
      continue;
    const ds_establishment *e = &ds->establishments[l->establishment];
    type[vocab_type_group(e->type)][s]++;
    hub[e->hub != DS_NONE ? 0 : 1][s]++;
    if (s == 0) {
      nm++;
      if (!isnan(e->fsm_pct))
        fm[nfm++] = e->fsm_pct;
    } else {
      np++;
      if (!isnan(e->fsm_pct))
        fp[nfp++] = e->fsm_pct;
    }
  }
  char err[256];
  /* The small-cell rule: a group (matched or post only) too small to show
   * gives no percentages, means or tests. */
  int show_m = !cells_hidden(a, nm), show_p = !cells_hidden(a, np);
  /* Complementary suppression (issue 20 item 3): a characteristic's levels
   * are parts of their group (100 %), so one level withheld for its count
   * takes the next-smallest level of that group with it (sec), and a
   * characteristic with a level withheld gets no test (its p would let the
   * withheld counts be found by trying each). */
  unsigned char sec[NGROUPS + 2][2] = {{0}};
  int partial[2] = {0, 0}; /* type, hub */
  for (int ch = 0; ch < 2; ch++)
    for (int s = 0; s < 2; s++) {
      if (!(s ? show_p : show_m))
        continue;
      size_t k = ch ? 2 : NGROUPS, base = ch ? NGROUPS : 0;
      long long sz[NGROUPS + 2];
      unsigned char wh[NGROUPS + 2];
      for (size_t g = 0; g < k; g++) {
        sz[g] = (long long)(ch ? hub[g][s] : type[g][s]);
        wh[g] = (unsigned char)cells_hidden_count(a, (size_t)sz[g]);
        partial[ch] |= wh[g];
      }
      long pick = report_table_pick_complement(sz, wh, k);
      if (pick >= 0)
        sec[base + (size_t)pick][s] = 1;
    }
  /* Chi-square over the levels that occur. */
  double counts[NGROUPS * 2];
  size_t lv = 0;
  for (int g = 0; g < NGROUPS; g++)
    if (type[g][0] + type[g][1] > 0) {
      counts[2 * lv] = type[g][0];
      counts[2 * lv + 1] = type[g][1];
      lv++;
    }
  stats_chisq c;
  double p_type = NAN, p_hub = NAN;
  if (show_m && show_p && !partial[0] && lv >= 2 &&
      stats_chisq_test(counts, lv, 2, false, &c, err, sizeof err) == 0) {
    p_type = c.p;
    report_table_add_test(t, "establishment type", "chisq", c.statistic, c.df, c.p);
  }
  double hc[4] = {hub[0][0], hub[0][1], hub[1][0], hub[1][1]};
  if (show_m && show_p && !partial[1] && hub[0][0] + hub[0][1] > 0 && hub[1][0] + hub[1][1] > 0 &&
      stats_chisq_test(hc, 2, 2, false, &c, err, sizeof err) == 0) {
    p_hub = c.p;
    report_table_add_test(t, "hub membership", "chisq", c.statistic, c.df, c.p);
  }
  size_t cm = cells_col(t, "matched_pct"), cp = cells_col(t, "post_only_pct"),
         cpv = cells_col(t, "p");
  static const char *const hub_levels[] = {"in a hub", "not in a hub"};
  for (int row = 0; row < NGROUPS + 3; row++) {
    size_t r = report_table_add_row(t);
    double vm = NAN, vp = NAN, p = NAN;
    if (row < NGROUPS) {
      cells_text(t, r, "characteristic", "type");
      cells_text(t, r, "level", vocab_name(VOCAB_GROUP, row));
      vm = nm ? 100 * type[row][0] / (double)nm : NAN;
      vp = np ? 100 * type[row][1] / (double)np : NAN;
      p = p_type;
    } else if (row < NGROUPS + 2) {
      int h = row - NGROUPS;
      cells_text(t, r, "characteristic", "hub");
      cells_text(t, r, "level", hub_levels[h]);
      vm = nm ? 100 * hub[h][0] / (double)nm : NAN;
      vp = np ? 100 * hub[h][1] / (double)np : NAN;
      p = p_hub;
    } else {
      cells_text(t, r, "characteristic", "fsm");
      cells_text(t, r, "level", "mean free school meals %");
      show_m = show_m && !cells_hidden(a, nfm);
      show_p = show_p && !cells_hidden(a, nfp);
      vm = nfm ? cells_mean(fm, nfm) : NAN;
      vp = nfp ? cells_mean(fp, nfp) : NAN;
      stats_twosample w;
      if (show_m && show_p &&
          stats_welch_t(fm, nfm, fp, nfp, a->cfg->confidence, &w, err, sizeof err) == 0) {
        p = w.p;
        table_test *x = report_table_add_test(t, "free school meals %", "welch-t", w.t, w.df, w.p);
        x->effect = w.hedges_g;
        x->effect_name = xstrdup("hedges_g");
      }
    }
    cell_mark mm = nm == 0 ? MARK_EMPTY : MARK_SUPPRESSED,
              mp = np == 0 ? MARK_EMPTY : MARK_SUPPRESSED;
    /* The count behind a percentage, for the cell rule (the fsm row is a
     * mean of the group, not a count). */
    double km = row < NGROUPS ? type[row][0] : row < NGROUPS + 2 ? hub[row - NGROUPS][0] : -1;
    double kp = row < NGROUPS ? type[row][1] : row < NGROUPS + 2 ? hub[row - NGROUPS][1] : -1;
    int sm = row < NGROUPS + 2 && sec[row][0], sp = row < NGROUPS + 2 && sec[row][1];
    int part = row < NGROUPS ? partial[0] : row < NGROUPS + 2 ? partial[1] : 0;
    if (show_m && km >= 0 && cells_hidden_count(a, (size_t)km))
      report_table_suppress(t, r, cm, MARK_SUPPRESSED, a->cfg->small_cell);
    else if (show_m && sm)
      report_table_suppress(t, r, cm, MARK_SECONDARY, a->cfg->small_cell);
    else if (show_m)
      report_table_set_num(t, r, cm, vm);
    else
      report_table_suppress(t, r, cm, mm, a->cfg->small_cell);
    if (show_p && kp >= 0 && cells_hidden_count(a, (size_t)kp))
      report_table_suppress(t, r, cp, MARK_SUPPRESSED, a->cfg->small_cell);
    else if (show_p && sp)
      report_table_suppress(t, r, cp, MARK_SECONDARY, a->cfg->small_cell);
    else if (show_p)
      report_table_set_num(t, r, cp, vp);
    else
      report_table_suppress(t, r, cp, mp, a->cfg->small_cell);
    if (show_m && show_p && part)
      report_table_suppress(t, r, cpv, MARK_SECONDARY, a->cfg->small_cell);
    else if (show_m && show_p)
      report_table_set_num(t, r, cpv, p);
    else
      report_table_suppress(t, r, cpv, nm == 0 || np == 0 ? MARK_EMPTY : MARK_SUPPRESSED,
                            a->cfg->small_cell);
  }
  free(fm);
  free(fp);
  /* A withheld group's size is not given away by the total either. */
  t->n = cells_hidden(a, nm) || cells_hidden(a, np) ? -1 : (long long)(nm + np);
  char nms[32], nps[32];
  if (cells_hidden(a, nm) && nm)
    snprintf(nms, sizeof nms, "%s", a->fewer);
  else
    snprintf(nms, sizeof nms, "%zu", nm);
  if (cells_hidden(a, np) && np)
    snprintf(nps, sizeof nps, "%s", a->fewer);
  else
    snprintf(nps, sizeof nps, "%zu", np);
  if (show_m && show_p && (partial[0] || partial[1]))
    report_table_add_note(t,
                          "%s%s%s not tested: a level has too few Careers Leaders to show, and "
                          "the next-smallest level of its group is withheld too (\"withheld\"), "
                          "so that neither can be worked out from the others or from the test.",
                          partial[0] ? "Type of establishment" : "",
                          partial[0] && partial[1] ? " and hub membership are" : "",
                          partial[0] && !partial[1]   ? " is"
                          : !partial[0] && partial[1] ? "Hub membership is"
                                                      : "");
  if (cells_hidden(a, nm) || cells_hidden(a, np))
    report_table_add_note(t,
                          "The groups are not compared: the %s group (%s) is too small to "
                          "show, so its figures and the tests are withheld.",
                          cells_hidden(a, np) ? "post-only" : "matched",
                          cells_hidden(a, np) ? nps : nms);
  report_table_add_note(t,
                        "%s matched and %s post-only Careers Leaders. Type and hub: %% of "
                        "each group, chi-square test; free school meals: mean %% of pupils, "
                        "Welch t test. A small p suggests the matched sample differs from "
                        "those who answered only after the training.",
                        nms, nps);
}

void analysis_samples(analysis *a) {
  samples(a);
  attrition(a);
  delivery(a);
}
