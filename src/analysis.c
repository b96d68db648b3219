/* The report's tables from a dataset, following docs/analysis.md rule by
 * rule. Every statistic comes from stats.c; this file chooses the data,
 * applies the small-cell rule; findings.c words what the tables show. */
#include "analysis.h"
#include "analysis_cells.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings.h"
#include "numfmt.h"
#include "stats.h"
#include "strbuf.h"
#include "xalloc.h"

#ifndef CLEVAL_VERSION
#define CLEVAL_VERSION "0"
#endif

static void band_labels(analysis *a) {
  const report_config *c = a->cfg;
  a->nbands = c->nbands + 1;
  a->bands = xcalloc((size_t)a->nbands, sizeof *a->bands);
  for (int b = 0; b <= c->nbands; b++) {
    if (b == 0)
      snprintf(a->bands[b], sizeof a->bands[b], "under %g year%s", c->role_bands[0],
               c->role_bands[0] == 1 ? "" : "s");
    else if (b == c->nbands)
      snprintf(a->bands[b], sizeof a->bands[b], "over %g year%s", c->role_bands[b - 1],
               c->role_bands[b - 1] == 1 ? "" : "s");
    else
      snprintf(a->bands[b], sizeof a->bands[b], "%g to %g years", c->role_bands[b - 1],
               c->role_bands[b]);
  }
}

/* The alpha table's row of one role and area: k items answered in full by
 * n pre surveys, m their answers (n rows of k). */
static void alpha_row(analysis *a, report_table *t, int role, int ar, const double *m, size_t n,
                      size_t k) {
  size_t r = report_table_add_row(t);
  cells_text(t, r, "role", vocab_name(VOCAB_ROLE, role));
  cells_text(t, r, "area", AREAS(ar));
  cells_int(t, r, "k", (long long)k);
  cells_int(t, r, "n", (long long)n);
  if (cells_hidden(a, n)) {
    cells_suppress(a, t, r, n);
    return;
  }
  if (k < 2) {
    report_table_add_note(t, "%s, %s: no alpha, the area has fewer than two items.",
                          vocab_name(VOCAB_ROLE, role), AREAS(ar));
    return;
  }
  stats_alpha al;
  char err[256];
  if (stats_cronbach_alpha(m, n, k, &al, err, sizeof err) == 0) {
    cells_num(t, r, "alpha", al.alpha);
    static const char *const role_words[DS_NROLES] = {"school Careers Leaders",
                                                      "college strategic Careers Leaders",
                                                      "college operational Careers Leaders"};
    char v[32];
    numfmt_fixed(v, sizeof v, al.alpha, 2);
    if (al.alpha < 0)
      report_table_add_note(t,
                            "Warning: %s, %s: alpha is negative (%s). The items do not "
                            "form a scale for this group (they vary against each other), "
                            "so its area score should not be read as one measure.",
                            role_words[role], AREAS(ar), v);
    else if (al.alpha < 0.5)
      report_table_add_note(t,
                            "Warning: %s, %s: alpha is %s, below 0.5. The items may not "
                            "form a scale for this group, so its area score should be "
                            "read with care.",
                            role_words[role], AREAS(ar), v);
  } else
    report_table_add_note(t, "%s, %s: no alpha (%s).", vocab_name(VOCAB_ROLE, role), AREAS(ar),
                          err);
}

static void alpha(analysis *a) {
  static const column cols[] = {{"role", "Role", 0},
                                {"area", "Area", 0},
                                {"k", "Items", 0},
                                {"n", "n", 0},
                                {"alpha", "Cronbach's alpha", 2}};
  report_table *t = TABLE(a, "alpha", "Reliability of the self-assessment areas (Cronbach's alpha)",
                          SECTION_APPENDIX, cols);
  const dataset *ds = a->ds;
  /* Per role, each area's items and the rows of the pre surveys that
   * answer them all, gathered in one visit to each survey's answers (the
   * answers of 5 M are far apart in memory: a visit per area cost four
   * times as many cache misses). */
  size_t *items[DS_NAREAS], k[DS_NAREAS], n[DS_NAREAS];
  double *m[DS_NAREAS];
  for (int ar = 0; ar < DS_NAREAS; ar++) {
    items[ar] = xmalloc((ds->nitems + 1) * sizeof *items[ar]);
    m[ar] = NULL;
  }
  for (int role = 0; role < DS_NROLES; role++) {
    size_t nrole = 0;
    for (size_t l = 0; l < ds->nleaders; l++)
      nrole += ds->leaders[l].pre != DS_NONE && (int)ds->leaders[l].role == role;
    for (int ar = 0; ar < DS_NAREAS; ar++) {
      k[ar] = n[ar] = 0;
      for (size_t i = 0; i < ds->nitems; i++)
        if (strcmp(ds->items[i].instrument, "self-assessment") == 0 && ds->items[i].role &&
            strcmp(ds->items[i].role, vocab_name(VOCAB_ROLE, role)) == 0 && ds->items[i].area == ar)
          items[ar][k[ar]++] = i;
      m[ar] = xrealloc(m[ar], (nrole + 1) * (k[ar] + 1) * sizeof *m[ar]);
    }
    for (size_t l = 0; l < ds->nleaders; l++) {
      const ds_leader *ld = &ds->leaders[l];
      if (ld->pre == DS_NONE || (int)ld->role != role)
        continue;
      const ds_answer *ans = NULL;
      size_t na = 0;
      if (ld->pre < ds->nresponses) {
        ans = ds->responses[ld->pre].answers;
        na = ds->responses[ld->pre].nanswers;
      }
      /* an area's items and the answers both ascend by item: one walk
       * along the answers finds them all */
      for (int ar = 0; ar < DS_NAREAS; ar++) {
        size_t j = 0, q = 0, kk = k[ar];
        double *row = m[ar] + n[ar] * kk;
        for (; j < kk; j++) {
          while (q < na && ans[q].item < items[ar][j])
            q++;
          if (q == na || ans[q].item != items[ar][j] || isnan(ans[q].value))
            break;
          row[j] = ans[q].value;
        }
        n[ar] += j == kk;
      }
    }
    for (int ar = 0; ar < DS_NAREAS; ar++)
      alpha_row(a, t, role, ar, m[ar], n[ar], k[ar]);
  }
  for (int ar = 0; ar < DS_NAREAS; ar++) {
    free(items[ar]);
    free(m[ar]);
  }
  report_table_add_note(t, "Pre survey responses with every item of the area answered.");
}

static void methods(analysis *a) {
  report_doc *d = a->doc;
  const report_config *c = a->cfg;
  const compass_counts *k = &a->cc;
  const dataset *ds = a->ds;
  size_t st[5] = {0};
  for (size_t i = 0; i < ds->nleaders; i++)
    st[ds->leaders[i].match]++;
  report_doc_method(d,
                    "Knowledge: area scores are %s scores of the self-assessment items "
                    "(an area needs at least %g %% of its items answered). Before and after "
                    "are matched by Careers Leader: %zu matched, %zu answered only after, "
                    "%zu only before, %zu changed role between the surveys and are left out, "
                    "%zu answered neither.",
                    strcmp(ds->score_method, "rescaled") == 0 ? "rescaled (0 = all 1s)"
                                                              : "percentage",
                    100 * ds->score_min_answered, st[DS_MATCHED], st[DS_NO_PRE], st[DS_NO_POST],
                    st[DS_ROLE_CHANGED], st[DS_NO_RESPONSE]);
  report_doc_method(d,
                    "Tests: paired t tests with %g %% confidence intervals and an effect size "
                    "(Cohen's d for paired scores); "
                    "Wilcoxon signed-rank tests (exact below 50 pairs without ties or zeros); "
                    "Holm correction across the four areas; Wilson intervals for "
                    "percentages.",
                    cells_conf_pct(a));
  report_doc_method(d,
                    "Small numbers: any group of fewer than %d respondents shows \"%s\" "
                    "instead of figures, its size included; within a group shown, an answer "
                    "given by 1 to %d people has its count and percentage withheld the same "
                    "way. A group of no one reads \"none\". report.json lists every cell "
                    "withheld.",
                    c->small_cell, a->fewer, c->small_cell - 1);
  report_doc_method(d,
                    "Benchmarks: a benchmark counts as fully achieved at %g %% of its "
                    "criteria. Trained establishments: a Careers Leader completed the "
                    "training (%zu); comparison establishments: no Careers Leader enrolled "
                    "(%zu); %zu establishments where a Careers Leader enrolled but did not "
                    "complete (%zu of them only withdrawals) are in neither group.",
                    c->fully_achieved, k->trained, k->untrained, k->neither,
                    k->neither_withdrawn_only);
  report_doc_method(d,
                    "Baseline: the latest Compass return on or before %s (%zu trained, %zu "
                    "comparison); when there is none, for a trained establishment, its "
                    "earliest return before its training started (%zu). No baseline: %zu "
                    "trained and %zu comparison establishments excluded.",
                    c->baseline_cutoff, k->baseline_cutoff[0], k->baseline_cutoff[1],
                    k->baseline_fallback[0], k->no_baseline[0], k->no_baseline[1]);
  report_doc_method(d,
                    "Post: the latest return from %s to %s, and for a trained establishment "
                    "after its training was completed (%zu trained establishments had a "
                    "return in the window before completion passed over). No post return: "
                    "%zu trained and %zu comparison establishments excluded. Compared: %zu "
                    "trained and %zu comparison establishments.",
                    c->post_from, c->post_to, k->post_before_completion, k->no_post[0],
                    k->no_post[1], k->kept[0], k->kept[1]);
  report_doc_method(d,
                    "Hubs: an establishment counts as in a Careers Hub when it joined by the "
                    "date of its post return (%zu compared establishments joined later and "
                    "count as outside).",
                    k->hub_joined_later);
  char bands[256] = "";
  for (int b = 0; b < a->nbands; b++) {
    size_t len = strlen(bands);
    snprintf(bands + len, sizeof bands - len, "%s%s", b ? "; " : "", a->bands[b]);
  }
  strbuf_trim_partial_utf8(bands);
  report_doc_method(d, "Time in role bands at the pre survey: %s.", bands);
}

static void provenance(analysis *a) {
  report_doc *d = a->doc;
  const report_config *c = a->cfg;
  const dataset *ds = a->ds;
  report_doc_provenance(d, "cleval version", "%s", CLEVAL_VERSION);
  report_doc_provenance(d, "report date", "%s", c->date[0] ? c->date : "not set");
  report_doc_provenance(d, "data BLAKE2b-256", "%s", ds->digest);
  report_doc_provenance(d, "establishments", "%zu", ds->nestablishments);
  report_doc_provenance(d, "Careers Leaders", "%zu", ds->nleaders);
  report_doc_provenance(d, "survey responses", "%zu", ds->nresponses);
  report_doc_provenance(d, "Compass returns", "%zu", ds->nreturns);
  report_doc_provenance(d, "compass.baseline_cutoff", "%s", c->baseline_cutoff);
  report_doc_provenance(d, "compass.post_from", "%s", c->post_from);
  report_doc_provenance(d, "compass.post_to", "%s", c->post_to);
  report_doc_provenance(d, "compass.fully_achieved", "%g", c->fully_achieved);
  report_doc_provenance(d, "small_cell", "%d", c->small_cell);
  report_doc_provenance(d, "confidence", "%g", c->confidence);
  report_doc_provenance(d, "score.method", "%s", ds->score_method);
  report_doc_provenance(d, "score.min_answered", "%g", ds->score_min_answered);
}

static void question_bank(analysis *a) {
  /* In the order a Careers Leader meets them: the self-assessment (the seed
   * report's Appendix 2) first, Compass last; instruments not named here
   * after those. */
  static const char *const order[] = {"self-assessment", "reflective", "long-term", NULL};
  const dataset *ds = a->ds;
  size_t norder = sizeof order / sizeof *order;
  for (size_t pass = 0; pass < norder; pass++)
    for (size_t i = 0; i < ds->nitems; i++) {
      const ds_item *it = &ds->items[i];
      bool named = false;
      for (size_t k = 0; k + 1 < norder; k++)
        named = named || strcmp(it->instrument, order[k]) == 0;
      if (order[pass] ? strcmp(it->instrument, order[pass]) != 0 : named)
        continue;
      report_doc_question(a->doc, it->instrument, it->role ? it->role : "",
                          it->area >= 0 ? AREAS(it->area)
                          : it->topic   ? it->topic
                                        : "",
                          it->key, it->text);
    }
}

/* ---- the whole report -------------------------------------------------------------------- */

/* Gives code its label in t when a text cell of t holds it. */
static void label_if_used(report_table *t, const char *code, const char *label) {
  for (size_t c = 0; c < t->nrows * t->ncols; c++)
    if (t->cells[c].kind == CELL_TEXT && strcmp(t->cells[c].text, code) == 0) {
      report_table_label(t, code, label);
      return;
    }
}

/* How the HTML shows the codes that report.json keeps. An entry with a table
 * id applies to that table only (a "hub" is a variable in attrition and a
 * model term in did). */
static void display_labels(const analysis *a) {
  report_doc *d = a->doc;
  static const struct {
    const char *table, *code, *label;
  } dict[] = {
      {NULL, "trained", "Trained"},
      {NULL, "untrained", "Not trained"},
      {NULL, "trained_hub", "Trained, in a hub"},
      {NULL, "trained_nohub", "Trained, not in a hub"},
      {NULL, "untrained_hub", "Not trained, in a hub"},
      {NULL, "untrained_nohub", "Not trained, not in a hub"},
      {NULL, "direct", "Done as a direct result"},
      {NULL, "improved", "Done before, improved as a result"},
      {NULL, "not_result", "Done, not as a result"},
      {NULL, "not_done", "Not done"},
      {NULL, "supported", "Supported (first two)"},
      {"attrition", "type", "Type of establishment"},
      {"attrition", "fsm", "Free school meals"},
      {"attrition", "hub", "Careers Hub"},
      {"samples", "pre survey", "Pre survey"},
      {"samples", "post survey", "Post survey"},
      {"samples", "matched", "Matched, pre and post"},
      {"samples", "long-term", "Long-term survey"},
      {"attrition", "in a hub", "In a hub"},
      {"attrition", "not in a hub", "Not in a hub"},
      {"attrition", "mean free school meals %", "Mean % of pupils"},
      {"did", "intercept", "Intercept"},
      {"did", "post", "Post"},
      {"did", "trained", "Trained"},
      {"did", "hub", "In a hub"},
      {"did", "hub_x_post", "In a hub \xC3\x97 post"},
      {"did", "trained_x_post", "Trained \xC3\x97 post"},
  };
  size_t ncap = (size_t)a->nbands + 5; /* bands and agreement levels */
  for (size_t i = 0; i < d->ntables; i++) {
    report_table *t = d->tables[i];
    for (size_t k = 0; k < ncap; k++) { /* shown with a capital */
      const char *code = k < (size_t)a->nbands ? a->bands[k] : cells_agree[k - (size_t)a->nbands];
      char label[64];
      snprintf(label, sizeof label, "%s", code);
      label[0] = (char)toupper((unsigned char)label[0]);
      label_if_used(t, code, label);
    }
    static const vocab_set sets[] = {VOCAB_AREA, VOCAB_ROLE, VOCAB_GROUP, VOCAB_ACCREDITATION};
    for (size_t k = 0; k < sizeof sets / sizeof *sets; k++)
      for (int v = 0; v < (int)vocab_count(sets[k]); v++)
        /* "none" is a fund's accreditation only where a table says so */
        if (sets[k] != VOCAB_ACCREDITATION || v != VOCAB_NOT_ACCREDITED ||
            strcmp(t->id, "accreditation") == 0 || strcmp(t->id, "providers") == 0)
          label_if_used(t, vocab_name(sets[k], v), vocab_label(sets[k], v));
    for (size_t k = 0; k < sizeof dict / sizeof *dict; k++)
      if (!dict[k].table || strcmp(dict[k].table, t->id) == 0)
        label_if_used(t, dict[k].code, dict[k].label);
  }
}

report_doc *analysis_run(const dataset *ds, const report_config *cfg) {
  analysis a = {.ds = ds, .cfg = cfg};
  a.doc = report_doc_new(cfg->title);
  snprintf(a.fewer, sizeof a.fewer, "fewer than %d", cfg->small_cell);
  band_labels(&a);
  size_t nl = ds->nleaders + 1;
  a.matched = xmalloc(nl * sizeof *a.matched);
  a.enrolment = xmalloc(nl * sizeof *a.enrolment);
  a.pre = xmalloc((nl > ds->nestablishments ? nl : ds->nestablishments + 1) * sizeof *a.pre);
  a.post = xmalloc((nl > ds->nestablishments ? nl : ds->nestablishments + 1) * sizeof *a.post);
  for (size_t i = 0; i < ds->nleaders; i++) {
    a.enrolment[i] = DS_NONE;
    if (ds->leaders[i].match == DS_MATCHED)
      a.matched[a.nmatched++] = i;
  }
  for (size_t e = 0; e < ds->nenrolments; e++) {
    const ds_enrolment *x = &ds->enrolments[e];
    if (x->status != DS_COMPLETED || !x->completion_date[0])
      continue;
    size_t *cur = &a.enrolment[x->leader];
    if (*cur == DS_NONE || strcmp(x->start_date, ds->enrolments[*cur].start_date) < 0)
      *cur = e;
  }
  /* Each survey's responses, for the chapters that count one survey's
   * answers item by item (a pass over every response each time before). */
  size_t nlong = 0;
  for (size_t r = 0; r < ds->nresponses; r++)
    nlong += ds->responses[r].survey == DS_LONG_TERM;
  a.by_survey[0] = xmalloc((ds->nresponses - nlong + 1) * sizeof *a.by_survey[0]);
  a.by_survey[1] = xmalloc((nlong + 1) * sizeof *a.by_survey[1]);
  for (size_t r = 0; r < ds->nresponses; r++) {
    int sv = ds->responses[r].survey == DS_LONG_TERM;
    a.by_survey[sv][a.nby_survey[sv]++] = r;
  }
  compass_units(ds, cfg, &a.units, &a.nunits, &a.cc);

  analysis_samples(&a);
  analysis_knowledge(&a);
  analysis_practice(&a);
  analysis_benchmarks(&a);
  alpha(&a);
  display_labels(&a); /* before the prose, which names groups as readers see them */
  findings_write(a.doc, cfg->confidence);
  findings_context fc = {.confidence = cfg->confidence,
                         .small_cell = cfg->small_cell,
                         .fewer = a.fewer,
                         .first_band = a.nbands ? a.bands[0] : "",
                         .last_band = a.nbands ? a.bands[a.nbands - 1] : ""};
  int k = 0;
  for (size_t i = 0; i < ds->nitems && k < FINDINGS_PRACTICES; i++)
    if (strncmp(ds->items[i].key, "lt_practice_", 12) == 0)
      fc.practice_topics[k++] = ds->items[i].topic;
  findings_summarise(a.doc, &fc);
  methods(&a);
  provenance(&a);
  question_bank(&a);

  free(a.bands);
  free(a.matched);
  free(a.enrolment);
  free(a.pre);
  free(a.post);
  free(a.sizes);
  free(a.units);
  free(a.by_survey[0]);
  free(a.by_survey[1]);
  return a.doc;
}
