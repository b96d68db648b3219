/* The finding under each figure (see findings.h): sentences from a table's
 * numbers, never claiming more than the numbers allow. */
#include "findings.h"

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numfmt.h"
#include "strbuf.h"
#include "vocab.h"

/* A knowledge change whose interval is wider than this many points is
 * called imprecise. */
#define WIDE_POINTS 20.0

/* ---- reading a table ----------------------------------------------------- */

/* A number of the table: NAN when the column is missing, the cell withheld
 * or not a number. */
static double val(const report_table *t, size_t r, const char *name) {
  int c = report_table_find_column(t, name);
  if (c < 0 || r >= t->nrows)
    return NAN;
  const cell *x = report_table_cell(t, r, (size_t)c);
  if (x->mark != MARK_NONE)
    return NAN;
  return x->kind == CELL_NUMBER ? x->num : x->kind == CELL_INT ? (double)x->i : NAN;
}

/* A label of the table as readers see it, into buf ("" when none): text
 * through the table's labels, a count as "Wave 2" style with its heading. */
static const char *lab(const report_table *t, size_t r, const char *name, char *buf, size_t n) {
  int c = report_table_find_column(t, name);
  buf[0] = '\0';
  if (c < 0 || r >= t->nrows)
    return buf;
  const cell *x = report_table_cell(t, r, (size_t)c);
  if (x->kind == CELL_TEXT)
    snprintf(buf, n, "%s", report_table_display(t, x->text));
  else if (x->kind == CELL_INT)
    snprintf(buf, n, "%s %lld", t->headings[c] ? t->headings[c] : t->columns[c], x->i);
  strbuf_trim_partial_utf8(buf); /* a long name is cut at a whole character */
  return buf;
}

/* The same for the middle of a sentence: a label the table gives a code
 * ("Mainstream schools" for mainstream) starts in lower case, unless it is
 * a name (Wave 2, Level 6, Benchmark 3); other text (a provider's name) is
 * kept as it is. */
static const char *lab_lower(const report_table *t, size_t r, const char *name, char *buf,
                             size_t n) {
  lab(t, r, name, buf, n);
  int c = report_table_find_column(t, name);
  const cell *x = c >= 0 ? report_table_cell(t, r, (size_t)c) : NULL;
  int coded = x && x->kind == CELL_TEXT && strcmp(report_table_display(t, x->text), x->text) != 0;
  if (coded && isupper((unsigned char)buf[0]) && !isupper((unsigned char)buf[1]) &&
      strncmp(buf, "Level", 5) != 0)
    buf[0] = (char)tolower((unsigned char)buf[0]);
  return buf;
}

/* Rows holding a cell marked why. */
static size_t rows_marked(const report_table *t, cell_mark why) {
  size_t k = 0;
  for (size_t r = 0; r < t->nrows; r++)
    for (size_t c = 0; c < t->ncols; c++)
      if (report_table_cell(t, r, c)->mark == why) {
        k++;
        break;
      }
  return k;
}

static void put_num(strbuf *b, double x, int digits) {
  char buf[64];
  numfmt_fixed(buf, sizeof buf, x, digits);
  strbuf_puts(b, buf);
}

/* "+12.3" */
static void put_signed(strbuf *b, double x, int digits) {
  char buf[64];
  numfmt_fixed(buf, sizeof buf, x, digits);
  if (buf[0] != '-' && strspn(buf, "0.") != strlen(buf))
    strbuf_putc(b, '+');
  strbuf_puts(b, buf);
}

static void put_ci(strbuf *b, double conf, double lo, double hi, int digits) {
  if (isnan(lo) || isnan(hi))
    return;
  strbuf_printf(b, ", %g %% CI ", conf * 100);
  put_num(b, lo, digits);
  strbuf_puts(b, " to ");
  put_num(b, hi, digits);
}

static void put_p(strbuf *b, double p) {
  char buf[32];
  numfmt_p_apa(buf, sizeof buf, p);
  strbuf_puts(b, buf);
}

/* The sentence on withheld groups, when there are any. */
static void put_withheld(strbuf *b, const report_table *t) {
  size_t k = rows_marked(t, MARK_SUPPRESSED), s = rows_marked(t, MARK_SECONDARY);
  if (k == 0 && s == 0)
    return;
  if (k > 0)
    strbuf_printf(b,
                  "%s%zu row%s of groups with fewer than %d %s %s withheld and not "
                  "compared.",
                  b->len ? " " : "", k, k == 1 ? "" : "s", t->small_cell,
                  t->section == SECTION_LEVEL4 ? "establishments" : "people",
                  k == 1 ? "is" : "are");
  if (s > 0)
    strbuf_printf(b,
                  "%s%zu more row%s %s withheld and not compared so that a smaller group "
                  "cannot be worked out from the total.",
                  b->len ? " " : "", s, s == 1 ? "" : "s", s == 1 ? "is" : "are");
}

static void finish(report_table *t, strbuf *b) {
  if (b->len)
    report_table_set_finding(t, "%s", strbuf_str(b));
  strbuf_free(b);
}

/* ---- knowledge ----------------------------------------------------------- */

static void f_fig1(report_table *t, double conf) {
  strbuf b = STRBUF_INIT;
  int tested = 0, up = 0, sig = 0;
  size_t best = 0, worst = 0;
  for (size_t r = 0; r < t->nrows; r++) {
    double d = val(t, r, "mean_diff");
    if (isnan(d))
      continue;
    if (!tested || d > val(t, best, "mean_diff"))
      best = r;
    if (!tested || d < val(t, worst, "mean_diff"))
      worst = r;
    tested++;
    up += d > 0;
    sig += val(t, r, "p_holm") < 0.05;
  }
  if (tested) {
    char a[96], w[96];
    static const char *const words[] = {"none", "one", "two", "three", "four"};
    if (up == tested && tested > 1)
      strbuf_printf(&b, "Mean knowledge scores rose in all %s areas compared",
                    tested <= 4 ? words[tested] : "the");
    else
      strbuf_printf(&b, "Mean knowledge scores rose in %s of the %s area%s compared",
                    up <= 4 ? words[up] : "some", tested <= 4 ? words[tested] : "several",
                    tested == 1 ? "" : "s");
    strbuf_printf(&b, "; the largest change was in %s (", lab_lower(t, best, "area", a, sizeof a));
    put_signed(&b, val(t, best, "mean_diff"), 1);
    strbuf_puts(&b, " points");
    put_ci(&b, conf, val(t, best, "ci_low"), val(t, best, "ci_high"), 1);
    strbuf_puts(&b, ")");
    if (tested > 1) {
      strbuf_printf(&b, ", the smallest in %s (", lab_lower(t, worst, "area", w, sizeof w));
      put_signed(&b, val(t, worst, "mean_diff"), 1);
      strbuf_puts(&b, " points)");
    }
    if (sig == tested)
      strbuf_printf(&b,
                    ". %s statistically significant after Holm correction for the %d "
                    "areas.",
                    tested == 1 ? "The change is" : "Every change is", tested);
    else
      strbuf_printf(&b,
                    ". %d of the %d changes %s statistically significant after Holm "
                    "correction; the others may be chance.",
                    sig, tested, sig == 1 ? "is" : "are");
  }
  put_withheld(&b, t);
  finish(t, &b);
}

/* A table of changes by group and area (table1, cohorts, fig2, providers,
 * accreditation): the largest and smallest change among the groups shown,
 * whether their intervals overlap, imprecision, and withheld groups. */
static void f_groups(report_table *t, double conf, const char *group_col, const char *value_col,
                     const char *among) {
  strbuf b = STRBUF_INIT;
  size_t best = 0, worst = 0, shown = 0;
  char first_group[160] = "", g[160];
  int groups = 0;
  for (size_t r = 0; r < t->nrows; r++) {
    double d = val(t, r, value_col);
    if (isnan(d))
      continue;
    lab(t, r, group_col, g, sizeof g);
    if (!shown)
      snprintf(first_group, sizeof first_group, "%s", g); /* g is whole characters */
    else if (strcmp(g, first_group) != 0)
      groups = 2;
    if (!shown || d > val(t, best, value_col))
      best = r;
    if (!shown || d < val(t, worst, value_col))
      worst = r;
    shown++;
  }
  if (shown && !groups)
    groups = 1;
  if (groups == 1) {
    strbuf_printf(&b, "Only one group, %s, had enough people to show",
                  lab_lower(t, best, group_col, g, sizeof g));
    strbuf_puts(&b, ": its largest change was in ");
    char a[96];
    strbuf_puts(&b, lab_lower(t, best, "area", a, sizeof a));
    strbuf_puts(&b, " (");
    put_signed(&b, val(t, best, value_col), 1);
    strbuf_puts(&b, " points");
    put_ci(&b, conf, val(t, best, "ci_low"), val(t, best, "ci_high"), 1);
    strbuf_puts(&b, "), and there is no other group to compare it with.");
  } else if (groups == 2) {
    char a[96], g2[160], a2[96];
    strbuf_puts(&b, "Among the groups shown, the largest change was ");
    strbuf_printf(&b, among, lab_lower(t, best, group_col, g, sizeof g));
    strbuf_printf(&b, " in %s (", lab_lower(t, best, "area", a, sizeof a));
    put_signed(&b, val(t, best, value_col), 1);
    strbuf_puts(&b, " points");
    put_ci(&b, conf, val(t, best, "ci_low"), val(t, best, "ci_high"), 1);
    strbuf_puts(&b, ") and the smallest ");
    strbuf_printf(&b, among, lab_lower(t, worst, group_col, g2, sizeof g2));
    strbuf_printf(&b, " in %s (", lab_lower(t, worst, "area", a2, sizeof a2));
    put_signed(&b, val(t, worst, value_col), 1);
    strbuf_puts(&b, " points");
    put_ci(&b, conf, val(t, worst, "ci_low"), val(t, worst, "ci_high"), 1);
    strbuf_puts(&b, ")");
    double l1 = val(t, best, "ci_low"), h1 = val(t, best, "ci_high");
    double l2 = val(t, worst, "ci_low"), h2 = val(t, worst, "ci_high");
    if (!isnan(l1) && !isnan(l2))
      strbuf_puts(&b, l1 > h2 || l2 > h1 ? "; the intervals do not overlap."
                                         : "; the intervals overlap, so even these two may "
                                           "not differ.");
    else
      strbuf_puts(&b, ".");
    size_t wide = 0;
    for (size_t r = 0; r < t->nrows; r++)
      wide += val(t, r, "ci_high") - val(t, r, "ci_low") > WIDE_POINTS;
    if (wide)
      strbuf_printf(&b,
                    " %zu of the estimates shown have an interval wider than %g points, "
                    "so they are imprecise.",
                    wide, WIDE_POINTS);
  }
  /* One-way comparisons across the groups, where the table has them. */
  int anovas = 0, sig = 0;
  strbuf which = STRBUF_INIT;
  for (size_t i = 0; i < t->ntests; i++)
    if (strcmp(t->tests[i].name, "anova") == 0) {
      anovas++;
      if (t->tests[i].p < 0.05) {
        strbuf_puts(&which, sig++ ? ", " : "");
        strbuf_puts(&which, t->tests[i].label);
      }
    }
  if (anovas)
    strbuf_printf(&b,
                  sig ? " The providers' mean changes differ significantly in %s (one-way "
                        "ANOVA, not corrected for several areas)."
                      : " The providers' mean changes do not differ significantly in any "
                        "area (one-way ANOVA)%s.",
                  sig ? strbuf_str(&which) : "");
  strbuf_free(&which);
  put_withheld(&b, t);
  finish(t, &b);
}

static void f_fig3(report_table *t, double conf) {
  (void)conf;
  strbuf b = STRBUF_INIT;
  double k = 0, n = 0;
  size_t hi = 0, lo = 0, shown = 0;
  for (size_t r = 0; r < t->nrows; r++) {
    double p = val(t, r, "agree_pct"), m = val(t, r, "n");
    if (isnan(p) || isnan(m))
      continue;
    k += p * m / 100;
    n += m;
    if (!shown || p > val(t, hi, "agree_pct"))
      hi = r;
    if (!shown || p < val(t, lo, "agree_pct"))
      lo = r;
    shown++;
  }
  if (shown) {
    char g[96], g2[96];
    strbuf_puts(&b, "Of those shown, ");
    put_num(&b, 100 * k / n, 0);
    strbuf_puts(&b, " % agreed that the training increased their knowledge");
    if (shown > 1) {
      strbuf_puts(&b, ", from ");
      put_num(&b, val(t, lo, "agree_pct"), 0);
      strbuf_printf(&b, " %% (%s in the role) to ", lab_lower(t, lo, "band", g, sizeof g));
      put_num(&b, val(t, hi, "agree_pct"), 0);
      strbuf_printf(&b, " %% (%s)", lab_lower(t, hi, "band", g2, sizeof g2));
    }
    strbuf_puts(&b, ".");
  }
  put_withheld(&b, t);
  finish(t, &b);
}

/* ---- practice ------------------------------------------------------------ */

/* The % of the rows whose answer code is one of codes; NAN when none is
 * there or one of them is withheld (a sum of the parts shown would
 * understate it). */
static double pct_of(const report_table *t, const char *const *codes, size_t ncodes) {
  double s = 0;
  int any = 0;
  int c = report_table_find_column(t, "answer");
  for (size_t r = 0; c >= 0 && r < t->nrows; r++) {
    const cell *x = report_table_cell(t, r, (size_t)c);
    if (x->kind != CELL_TEXT)
      continue;
    for (size_t k = 0; k < ncodes; k++)
      if (strcmp(x->text, codes[k]) == 0) {
        double p = val(t, r, "pct");
        if (isnan(p))
          return NAN;
        s += p;
        any = 1;
      }
  }
  return any ? s : NAN;
}

/* A distribution's sentence from three shares of it (NAN: not there or
 * withheld): "M % <main> (S % <sub>)<sep>O % <other>.", what is there of it,
 * then what is withheld; when none is there, why. */
static void f_shares(report_table *t, double main, const char *main_words, double sub,
                     const char *sub_words, const char *sep, double other,
                     const char *other_words) {
  strbuf b = STRBUF_INIT;
  if (!isnan(main) || !isnan(other)) {
    if (!isnan(main)) {
      put_num(&b, main, 0);
      strbuf_printf(&b, " %% %s", main_words);
      if (!isnan(sub)) {
        strbuf_puts(&b, " (");
        put_num(&b, sub, 0);
        strbuf_printf(&b, " %% %s)", sub_words);
      }
    }
    if (!isnan(other)) {
      strbuf_puts(&b, isnan(main) ? "" : sep);
      put_num(&b, other, 0);
      strbuf_printf(&b, " %% %s", other_words);
    }
    strbuf_puts(&b, ".");
    put_withheld(&b, t);
  } else if (t->n < 0) {
    strbuf_printf(&b, "Fewer than %d people answered, so the answers are not shown.",
                  t->small_cell);
  } else {
    put_withheld(&b, t);
  }
  finish(t, &b);
}

static void f_agreement(report_table *t) {
  static const char *const agree[] = {"agree", "strongly agree"};
  static const char *const strongly[] = {"strongly agree"};
  static const char *const disagree[] = {"disagree", "strongly disagree"};
  f_shares(t, pct_of(t, agree, 2), "agreed or strongly agreed", pct_of(t, strongly, 1), "strongly",
           " and ", pct_of(t, disagree, 2), "disagreed");
}

static void f_practice(report_table *t) {
  static const char *const sup[] = {"supported"};
  static const char *const notdone[] = {"not_done"};
  static const char *const direct[] = {"direct"};
  f_shares(t, pct_of(t, sup, 1), "said the training led them to do this or to improve it",
           pct_of(t, direct, 1), "did it as a direct result", "; ", pct_of(t, notdone, 1),
           "had not done it");
}

/* The rows of t with the highest and the lowest value (value(t, r, arg);
 * NAN leaves row r out), in *hi and *lo with their values; returns how
 * many rows have a value. */
typedef double row_value(const report_table *t, size_t r, int arg);
static size_t extremes(const report_table *t, row_value *value, int arg, size_t *hi, double *vh,
                       size_t *lo, double *vl) {
  size_t shown = 0;
  *hi = *lo = 0;
  *vh = *vl = 0;
  for (size_t r = 0; r < t->nrows; r++) {
    double v = value(t, r, arg);
    if (isnan(v))
      continue;
    if (!shown || v > *vh) {
      *hi = r;
      *vh = v;
    }
    if (!shown || v < *vl) {
      *lo = r;
      *vl = v;
    }
    shown++;
  }
  return shown;
}

/* Very or quite confident (%). */
static double confident(const report_table *t, size_t r, int arg) {
  (void)arg;
  return val(t, r, "very_pct") + val(t, r, "quite_pct");
}

static void f_fig4(report_table *t) {
  strbuf b = STRBUF_INIT;
  size_t hi, lo;
  double vh, vl;
  size_t shown = extremes(t, confident, 0, &hi, &vh, &lo, &vl);
  if (shown) {
    char a[64], a2[64];
    strbuf_printf(&b, "Months after the training, confidence was highest in %s (",
                  lab_lower(t, hi, "area", a, sizeof a));
    put_num(&b, vh, 0);
    strbuf_puts(&b, " % very or quite confident)");
    if (shown > 1 && lo != hi) {
      strbuf_printf(&b, " and lowest in %s (", lab_lower(t, lo, "area", a2, sizeof a2));
      put_num(&b, vl, 0);
      strbuf_puts(&b, " %)");
    }
    strbuf_puts(&b, ".");
  }
  put_withheld(&b, t);
  finish(t, &b);
}

static void f_support(report_table *t) {
  strbuf b = STRBUF_INIT;
  size_t order[3];
  size_t k = 0;
  for (size_t r = 0; r < t->nrows; r++) {
    double v = val(t, r, "pct");
    if (isnan(v))
      continue;
    /* insert r into the top three */
    size_t pos = k < 3 ? k : 3;
    while (pos > 0 && val(t, order[pos - 1], "pct") < v)
      pos--;
    if (pos < 3) {
      for (size_t j = (k < 3 ? k : 2); j > pos; j--)
        order[j] = order[j - 1];
      order[pos] = r;
      if (k < 3)
        k++;
    }
  }
  if (k) {
    char g[256];
    strbuf_printf(&b, "The support most wanted was %s (",
                  lab_lower(t, order[0], "topic", g, sizeof g));
    put_num(&b, val(t, order[0], "pct"), 0);
    strbuf_puts(&b, " %)");
    for (size_t i = 1; i < k; i++) {
      strbuf_printf(&b, "%s%s (", i + 1 == k ? ", then " : ", ",
                    lab_lower(t, order[i], "topic", g, sizeof g));
      put_num(&b, val(t, order[i], "pct"), 0);
      strbuf_puts(&b, " %)");
    }
    strbuf_puts(&b, ".");
  }
  put_withheld(&b, t);
  finish(t, &b);
}

/* ---- benchmarks ---------------------------------------------------------- */

static void f_fig18(report_table *t) {
  strbuf b = STRBUF_INIT;
  double ct = val(t, 0, "change"), cu = val(t, 1, "change");
  if (!isnan(ct) && !isnan(cu)) {
    strbuf_puts(&b, "Establishments with a trained Careers Leader gained ");
    put_signed(&b, ct, 2);
    strbuf_puts(&b, " benchmarks on average, comparison establishments ");
    put_signed(&b, cu, 2);
    for (size_t i = 0; i < t->ntests; i++)
      if (strcmp(t->tests[i].name, "welch-t") == 0) {
        strbuf_puts(&b, t->tests[i].p < 0.05 ? "; the difference is statistically significant ("
                                             : "; the difference is not statistically "
                                               "significant (");
        put_p(&b, t->tests[i].p);
        strbuf_puts(&b, ")");
      }
    strbuf_puts(&b, ".");
  } else if (!isnan(ct)) {
    strbuf_puts(&b, "Establishments with a trained Careers Leader gained ");
    put_signed(&b, ct, 2);
    strbuf_puts(&b, " benchmarks on average; there is no comparison group to set this "
                    "against.");
  }
  put_withheld(&b, t);
  finish(t, &b);
}

static void f_fig19(report_table *t, double conf) {
  strbuf b = STRBUF_INIT;
  size_t best = 0, shown = 0;
  for (size_t r = 0; r < t->nrows; r++) {
    double v = val(t, r, "change");
    if (isnan(v))
      continue;
    if (!shown || v > val(t, best, "change"))
      best = r;
    shown++;
  }
  if (shown > 1) {
    static const char *const words[][2] = {
        {"trained_hub", "trained establishments in a Careers Hub"},
        {"trained_nohub", "trained establishments outside a hub"},
        {"untrained_hub", "comparison establishments in a hub"},
        {"untrained_nohub", "comparison establishments outside a hub"}};
    const cell *x = report_table_cell(t, best, 0);
    const char *g = x && x->kind == CELL_TEXT ? x->text : "";
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
      if (strcmp(g, words[i][0]) == 0)
        g = words[i][1];
    strbuf_printf(&b, "The largest gain among the groups shown was among %s (", g);
    put_signed(&b, val(t, best, "change"), 2);
    strbuf_puts(&b, " benchmarks");
    put_ci(&b, conf, val(t, best, "ci_low"), val(t, best, "ci_high"), 2);
    strbuf_puts(&b, "); the difference in differences below says how much of the gain the "
                    "training accounts for.");
  }
  put_withheld(&b, t);
  finish(t, &b);
}

static void f_did(report_table *t, double conf) {
  strbuf b = STRBUF_INIT;
  for (size_t r = 0; r < t->nrows; r++) {
    const cell *x = report_table_cell(t, r, 0);
    if (x->kind != CELL_TEXT || strcmp(x->text, "trained_x_post") != 0)
      continue;
    double est = val(t, r, "estimate"), p = val(t, r, "p");
    strbuf_puts(&b, "The training effect (the change in trained establishments beyond the "
                    "change in comparison ones) is ");
    put_signed(&b, est, 2);
    strbuf_puts(&b, " benchmarks");
    put_ci(&b, conf, val(t, r, "ci_low"), val(t, r, "ci_high"), 2);
    strbuf_puts(&b, ", ");
    put_p(&b, p);
    strbuf_puts(&b, p < 0.05 ? ": statistically significant."
                             : ": too uncertain to rule out "
                               "no effect.");
  }
  finish(t, &b);
}

/* put_withheld for fig20/21, whose rows are a benchmark of a group: a
 * group withheld for its size, or within a group shown a benchmark
 * fully achieved (or not) by too few establishments, or one withheld
 * beside it so that the group's mean (fig18) does not give it away. */
static void put_withheld_benchmarks(strbuf *b, const report_table *t) {
  int cn = report_table_find_column(t, "n");
  size_t groups = 0, within = 0, second = 0;
  for (size_t r = 0; cn >= 0 && r < t->nrows; r++) {
    if (report_table_cell(t, r, (size_t)cn)->mark == MARK_SUPPRESSED) {
      groups++;
      continue;
    }
    int small = 0, sec = 0;
    for (size_t c = (size_t)cn + 1; c < t->ncols; c++) {
      cell_mark m = report_table_cell(t, r, c)->mark;
      small |= m == MARK_SUPPRESSED;
      sec |= m == MARK_SECONDARY;
    }
    within += small;
    second += !small && sec;
  }
  if (groups)
    strbuf_printf(b,
                  "%s%zu row%s of groups with fewer than %d establishments %s withheld and "
                  "not compared.",
                  b->len ? " " : "", groups, groups == 1 ? "" : "s", t->small_cell,
                  groups == 1 ? "is" : "are");
  if (within)
    strbuf_printf(b,
                  "%s%zu benchmark%s of a group %s a percentage withheld: fully achieved, or "
                  "not, by fewer than %d establishments.",
                  b->len ? " " : "", within, within == 1 ? "" : "s", within == 1 ? "has" : "have",
                  t->small_cell);
  if (second)
    strbuf_printf(b,
                  "%s%zu more %s withheld so that a withheld one cannot be worked out from "
                  "the group's mean number of benchmarks achieved.",
                  b->len ? " " : "", second, second == 1 ? "is" : "are");
}

/* A trained group's post % (change: its rise from the baseline); NAN for
 * the other groups. */
static double trained_pct(const report_table *t, size_t r, int change) {
  const cell *g = report_table_cell(t, r, (size_t)report_table_find_column(t, "group"));
  if (!g || g->kind != CELL_TEXT || strcmp(g->text, "trained") != 0)
    return NAN;
  return change ? val(t, r, "post_pct") - val(t, r, "baseline_pct") : val(t, r, "post_pct");
}

static void f_fig20_21(report_table *t, int change) {
  strbuf b = STRBUF_INIT;
  size_t hi, lo;
  double vh, vl;
  size_t shown = extremes(t, trained_pct, change, &hi, &vh, &lo, &vl);
  if (shown > 1) {
    char bh[48], bl[48];
    lab(t, hi, "benchmark", bh, sizeof bh);
    lab(t, lo, "benchmark", bl, sizeof bl);
    if (change) {
      strbuf_printf(&b, "Among trained establishments the largest rise was in %s (from ", bh);
      put_num(&b, val(t, hi, "baseline_pct"), 0);
      strbuf_puts(&b, " % to ");
      put_num(&b, val(t, hi, "post_pct"), 0);
      strbuf_printf(&b, " %% fully achieving it) and the smallest in %s (", bl);
      put_signed(&b, vl, 0);
      strbuf_puts(&b, " percentage points).");
    } else {
      strbuf_printf(&b,
                    "At the post return, trained establishments most often fully achieved "
                    "%s (",
                    bh);
      put_num(&b, vh, 0);
      strbuf_printf(&b, " %%) and least often %s (", bl);
      put_num(&b, vl, 0);
      strbuf_puts(&b, " %).");
    }
  }
  put_withheld_benchmarks(&b, t);
  finish(t, &b);
}

/* ---- who took part and reliability --------------------------------------- */

static void f_samples(report_table *t) {
  strbuf b = STRBUF_INIT;
  for (size_t r = 0; r < t->nrows; r++) {
    const cell *x = report_table_cell(t, r, 0);
    if (x->kind == CELL_TEXT && strcmp(x->text, "matched") == 0 && !isnan(val(t, r, "pct"))) {
      put_num(&b, val(t, r, "pct"), 0);
      strbuf_puts(&b, " % of the Careers Leaders who completed the training answered both the "
                      "pre and the post survey (");
      put_num(&b, val(t, r, "achieved"), 0);
      strbuf_puts(&b, " of ");
      put_num(&b, val(t, r, "issued"), 0);
      strbuf_puts(&b, "): the matched sample behind the knowledge chapter.");
    }
  }
  finish(t, &b);
}

static void f_attrition(report_table *t) {
  strbuf b = STRBUF_INIT, sig = STRBUF_INIT;
  int k = 0;
  for (size_t i = 0; i < t->ntests; i++)
    if (t->tests[i].p < 0.05) {
      strbuf_puts(&sig, k++ ? " and " : "");
      strbuf_puts(&sig, t->tests[i].label);
    }
  if (t->ntests == 0)
    strbuf_puts(&b, "The matched and post-only respondents are not compared: one group is too "
                    "small or empty.");
  else if (k)
    strbuf_printf(&b,
                  "Matched and post-only respondents differ in %s, so the matched sample "
                  "may not represent everyone who answered after the training.",
                  strbuf_str(&sig));
  else {
    /* Only what was tested: a characteristic with a level withheld has
     * no test (its p would give the level away). */
    strbuf_puts(&b, "Matched and post-only respondents do not differ significantly in ");
    for (size_t i = 0; i < t->ntests; i++) {
      const char *l = t->tests[i].label;
      size_t n = strlen(l);
      if (n > 2 && strcmp(l + n - 2, " %") == 0) /* "free school meals %" */
        n -= 2;
      strbuf_printf(&b, "%s%.*s", i == 0 ? "" : i + 1 == t->ntests ? " or " : ", ", (int)n, l);
    }
    strbuf_puts(&b, ", so on these the matched sample resembles everyone who answered after "
                    "the training.");
  }
  int untested = 0;
  int pc = report_table_find_column(t, "p");
  for (size_t r = 0; pc >= 0 && r < t->nrows; r++)
    untested |= report_table_cell(t, r, (size_t)pc)->mark == MARK_SECONDARY;
  if (t->ntests > 0 && untested)
    strbuf_puts(&b, " The other characteristics are not tested: a level of them has too few "
                    "Careers Leaders to show.");
  strbuf_free(&sig);
  finish(t, &b);
}

static void f_alpha(report_table *t) {
  strbuf b = STRBUF_INIT;
  double lo = INFINITY, hi = -INFINITY;
  int shown = 0, weak = 0;
  for (size_t r = 0; r < t->nrows; r++) {
    double a = val(t, r, "alpha");
    if (isnan(a))
      continue;
    lo = a < lo ? a : lo;
    hi = a > hi ? a : hi;
    shown++;
    weak += a < 0.7;
  }
  if (shown) {
    strbuf_puts(&b, "Cronbach's alpha ranges from ");
    put_num(&b, lo, 2);
    strbuf_puts(&b, " to ");
    put_num(&b, hi, 2);
    strbuf_printf(&b,
                  "; %d of the %d areas shown fall below 0.7, the usual mark of a "
                  "reliable scale.",
                  weak, shown);
  }
  put_withheld(&b, t);
  finish(t, &b);
}

void findings_write(report_doc *d, double confidence) {
  for (size_t i = 0; i < d->ntables; i++) {
    report_table *t = d->tables[i];
    const char *id = t->id;
    if (strcmp(id, "fig1") == 0)
      f_fig1(t, confidence);
    else if (strcmp(id, "table1") == 0)
      f_groups(t, confidence, "group", "mean_diff", "among %s");
    else if (strcmp(id, "cohorts") == 0)
      f_groups(t, confidence, "wave", "mean_diff", "in %s");
    else if (strcmp(id, "fig2") == 0)
      f_groups(t, confidence, "band", "mean_change", "among those %s in the role");
    else if (strcmp(id, "providers") == 0)
      f_groups(t, confidence, "provider", "mean_change", "with %s");
    else if (strcmp(id, "accreditation") == 0)
      f_groups(t, confidence, "accreditation", "mean_change", "with %s providers");
    else if (strcmp(id, "fig3") == 0)
      f_fig3(t, confidence);
    else if (strcmp(id, "fig4") == 0)
      f_fig4(t);
    else if (strcmp(id, "fig5") == 0 || strcmp(id, "fig16") == 0 || strcmp(id, "fig17") == 0)
      f_agreement(t);
    else if (strncmp(id, "fig", 3) == 0 && atoi(id + 3) >= 6 && atoi(id + 3) <= 15)
      f_practice(t);
    else if (strcmp(id, "support") == 0)
      f_support(t);
    else if (strcmp(id, "fig18") == 0)
      f_fig18(t);
    else if (strcmp(id, "fig19") == 0)
      f_fig19(t, confidence);
    else if (strcmp(id, "did") == 0)
      f_did(t, confidence);
    else if (strcmp(id, "fig20") == 0)
      f_fig20_21(t, 0);
    else if (strcmp(id, "fig21") == 0)
      f_fig20_21(t, 1);
    else if (strcmp(id, "samples") == 0)
      f_samples(t);
    else if (strcmp(id, "attrition") == 0)
      f_attrition(t);
    else if (strcmp(id, "alpha") == 0)
      f_alpha(t);
  }
}

/* ---- key messages and conclusions ---------------------------------------- */

/* A cell of the table by column name; NULL when there is no such cell. */
static const cell *at(const report_table *t, size_t r, const char *name) {
  int c = report_table_find_column(t, name);
  return c < 0 || r >= t->nrows ? NULL : report_table_cell(t, r, (size_t)c);
}

static double conf_pct(const findings_context *a) { return a->confidence * 100; }

/* A practice or support topic in words, for sentences. */
static const char *topic_words(const char *topic) {
  static const char *const words[][2] = {
      {"evaluate", "evaluating the careers programme"},
      {"strategic", "updating the strategic careers programme"},
      {"curriculum", "helping subject teachers link careers to the curriculum"},
      {"profile", "raising the profile of careers"},
      {"slt", "engaging senior leaders with the careers programme"},
      {"governors", "engaging governors with the careers programme"},
      {"lmi", "using labour market information"},
      {"cpd", "supporting staff CPD"},
      {"vocational", "encounters with providers of vocational qualifications and apprenticeships"},
      {"plo", "progressive learning outcomes"},
  };
  for (size_t i = 0; topic && i < sizeof words / sizeof *words; i++)
    if (strcmp(topic, words[i][0]) == 0)
      return words[i][1];
  return topic ? topic : "one practice";
}

/* The topic, in words, of the k-th practice item (fig6 + k). */
static const char *practice_topic(const findings_context *a, int k) {
  return topic_words(k >= 0 && k < FINDINGS_PRACTICES ? a->practice_topics[k] : NULL);
}

/* ---- words ---------------------------------------------------------------------------- */

/* The practice items (fig6-15) by their "supported" %, highest first:
 * fills idx with up to 10 figure offsets (0 = fig6) and returns how many
 * are shown. */
static int practice_order(report_doc *d, int *idx, double *pct) {
  int k = 0;
  for (int f = 6; f <= 15; f++) {
    char id[16];
    snprintf(id, sizeof id, "fig%d", f);
    const report_table *t = report_doc_table(d, id);
    if (!t || t->nrows < 5)
      continue;
    double s = val(t, 4, "pct");
    if (isnan(s))
      continue;
    int j = k++;
    while (j > 0 && pct[j - 1] < s) {
      pct[j] = pct[j - 1];
      idx[j] = idx[j - 1];
      j--;
    }
    pct[j] = s;
    idx[j] = f - 6;
  }
  return k;
}

/* A "fewer than 5" or a count, for N in sentences. */
static void n_words(const findings_context *a, long long n, char *buf, size_t len) {
  if (n < 0)
    snprintf(buf, len, "%s", a->fewer);
  else
    numfmt_count(buf, len, n);
}

static void key_messages(report_doc *d, const findings_context *a) {
  report_table *t = report_doc_table(d, "fig1");
  int up = 0, sig = 0, tested = 0, best = -1, worst = -1;
  for (int ar = 0; ar < VOCAB_NAREAS; ar++) {
    double diff = val(t, (size_t)ar, "mean_diff"), ph = val(t, (size_t)ar, "p_holm");
    if (isnan(diff))
      continue;
    tested++;
    up += diff > 0;
    sig += ph < 0.05 && diff > 0;
    if (best < 0 || diff > val(t, (size_t)best, "mean_diff"))
      best = ar;
    if (worst < 0 || diff < val(t, (size_t)worst, "mean_diff"))
      worst = ar;
  }
  /* Level 2: knowledge. */
  if (tested == 0) {
    report_doc_key_message(d,
                           "Knowledge (Kirkpatrick level 2): before and after the training "
                           "cannot be compared: fewer than %d Careers Leaders answered both "
                           "surveys.",
                           a->small_cell);
  } else {
    char p[32], nw[32];
    numfmt_p_apa(p, sizeof p, val(t, (size_t)best, "p_holm"));
    n_words(a, t->n, nw, sizeof nw);
    report_doc_key_message(
        d,
        "Knowledge (Kirkpatrick level 2): of the %s Careers Leaders analysed, who assessed "
        "their knowledge before and after the training, mean scores rose in %s of the %s "
        "areas compared; the largest change was in %s (from %.1f %% to %.1f %%, %+.1f points, "
        "%g %% CI %.1f to %.1f, %s after Holm correction) and the smallest in %s (%+.1f "
        "points).",
        nw, up == tested ? "each" : (const char *[]){"none", "one", "two", "three"}[up],
        (const char *[]){"", "one", "two", "three", "four"}[tested], vocab_name(VOCAB_AREA, best),
        val(t, (size_t)best, "pre_mean"), val(t, (size_t)best, "post_mean"),
        val(t, (size_t)best, "mean_diff"), conf_pct(a), val(t, (size_t)best, "ci_low"),
        val(t, (size_t)best, "ci_high"), p, vocab_name(VOCAB_AREA, worst),
        val(t, (size_t)worst, "mean_diff"));
    if (sig == tested)
      report_doc_key_message(d, "Every rise is statistically significant after correction for "
                                "testing four areas.");
    else
      report_doc_key_message(d,
                             "%d of the %d changes %s statistically significant after "
                             "correction for four areas; the others may be due to chance.",
                             sig, tested, sig == 1 ? "is" : "are");
  }
  /* Agreement that the training increased knowledge, all bands together. */
  t = report_doc_table(d, "fig3");
  double k = 0, n = 0;
  for (size_t r = 0; r < t->nrows; r++) {
    double pct = val(t, r, "agree_pct"), m = val(t, r, "n");
    if (!isnan(pct) && !isnan(m)) {
      k += pct * m / 100;
      n += m;
    }
  }
  if (n > 0)
    report_doc_key_message(d,
                           "%.0f %% of the Careers Leaders shown who answered the post survey "
                           "agreed that the training increased their knowledge of careers "
                           "leadership.",
                           100 * k / n);
  /* Level 3: practice, where it helped most and least, and the support
   * wanted. */
  int idx[10];
  double pct[10];
  int np = practice_order(d, idx, pct);
  if (np >= 2)
    report_doc_key_message(d,
                           "Practice (Kirkpatrick level 3): months after the training, between "
                           "%.0f %% and %.0f %% of Careers Leaders said it led them to start or "
                           "improve each of %d practices; most often %s (%.0f %%), least often "
                           "%s (%.0f %%) and %s (%.0f %%), where the training helped least.",
                           pct[np - 1], pct[0], np, practice_topic(a, idx[0]), pct[0],
                           practice_topic(a, idx[np - 1]), pct[np - 1],
                           practice_topic(a, idx[np - 2]), pct[np - 2]);
  if (np >= 2) {
    /* The practices whose share is withheld (a part below the small-cell
     * threshold, or withheld beside one), named so that a reader does not
     * take the ones shown for all ten. */
    strbuf w = STRBUF_INIT;
    int nw = 0;
    for (int f = 6; f <= 15; f++) {
      char id[16];
      snprintf(id, sizeof id, "fig%d", f);
      const report_table *t = report_doc_table(d, id);
      int shown = 0;
      for (int i = 0; i < np; i++)
        shown |= idx[i] == f - 6;
      if (!t || t->nrows < 5 || shown || report_table_cell(t, 4, 0)->kind != CELL_TEXT)
        continue;
      strbuf_printf(&w, "%s%s", nw++ ? "; " : "", practice_topic(a, f - 6));
    }
    if (nw)
      report_doc_key_message(
          d,
          "Practice (Kirkpatrick level 3): for %d more practice%s (%s) the share "
          "is withheld: too few Careers "
          "Leaders gave one of the answers to show it without giving them away.",
          nw, nw == 1 ? "" : "s", strbuf_str(&w));
    strbuf_free(&w);
  }
  if (np < 2)
    report_doc_key_message(d, "Practice (Kirkpatrick level 3): too few Careers Leaders answered "
                              "the long-term survey to say how their practice changed.");
  t = report_doc_table(d, "support");
  size_t top = SIZE_MAX, second = SIZE_MAX;
  for (size_t r = 0; t && r < t->nrows; r++) {
    double v = val(t, r, "pct");
    if (isnan(v))
      continue;
    if (top == SIZE_MAX || v > val(t, top, "pct")) {
      second = top;
      top = r;
    } else if (second == SIZE_MAX || v > val(t, second, "pct")) {
      second = r;
    }
  }
  if (top != SIZE_MAX && second != SIZE_MAX) {
    char t1[256], t2[256];
    snprintf(t1, sizeof t1, "%s", report_table_display(t, at(t, top, "topic")->text));
    snprintf(t2, sizeof t2, "%s", report_table_display(t, at(t, second, "topic")->text));
    strbuf_trim_partial_utf8(t1);
    strbuf_trim_partial_utf8(t2);
    t1[0] = (char)tolower((unsigned char)t1[0]);
    t2[0] = (char)tolower((unsigned char)t2[0]);
    report_doc_key_message(d,
                           "Practice (Kirkpatrick level 3): the further support most wanted was "
                           "%s (%.0f %% of those answering) and %s (%.0f %%).",
                           t1, val(t, top, "pct"), t2, val(t, second, "pct"));
  }
  /* Level 4: benchmarks. */
  t = report_doc_table(d, "fig18");
  double ct = val(t, 0, "change"), cu = val(t, 1, "change");
  if (!isnan(ct) && !isnan(cu))
    report_doc_key_message(d,
                           "Careers programmes (Kirkpatrick level 4): establishments whose "
                           "Careers Leader completed the training went from %.2f to %.2f of "
                           "the eight Gatsby Benchmarks fully achieved (%+.2f); comparison "
                           "establishments went from %.2f to %.2f (%+.2f).",
                           val(t, 0, "baseline_mean"), val(t, 0, "post_mean"), ct,
                           val(t, 1, "baseline_mean"), val(t, 1, "post_mean"), cu);
  else if (!isnan(ct))
    report_doc_key_message(d,
                           "Careers programmes (Kirkpatrick level 4): establishments whose "
                           "Careers Leader completed the training went from %.2f to %.2f of "
                           "the eight Gatsby Benchmarks fully achieved (%+.2f); with no "
                           "comparison group shown, this cannot be credited to the training.",
                           val(t, 0, "baseline_mean"), val(t, 0, "post_mean"), ct);
  else
    report_doc_key_message(d, "Careers programmes (Kirkpatrick level 4): too few establishments "
                              "have a baseline and a post Compass return to compare.");
  t = report_doc_table(d, "did");
  bool hub_terms = false; /* the model drops them when there is no hub variation */
  for (size_t r = 0; r < t->nrows; r++) {
    const cell *c = at(t, r, "term");
    if (c->kind == CELL_TEXT && strstr(c->text, "hub"))
      hub_terms = true;
  }
  const char *subject = hub_terms ? "Allowing for hub membership, training" : "Training";
  for (size_t r = 0; r < t->nrows; r++) {
    const cell *c = at(t, r, "term");
    if (c->kind != CELL_TEXT || strcmp(c->text, "trained_x_post") != 0)
      continue;
    double est = val(t, r, "estimate"), p = val(t, r, "p");
    char ps[32];
    numfmt_p_apa(ps, sizeof ps, p);
    if (p < 0.05)
      report_doc_key_message(d,
                             "%s is associated with %.2f more benchmarks fully achieved "
                             "(%g %% CI %.2f to %.2f, %s).",
                             subject, est, conf_pct(a), val(t, r, "ci_low"), val(t, r, "ci_high"),
                             ps);
    else
      report_doc_key_message(d,
                             "%s the estimated effect of training is %.2f benchmarks (%g %% CI "
                             "%.2f to %.2f, %s): too uncertain to rule out no effect.",
                             hub_terms ? "Allowing for hub membership,"
                                       : "Across the establishments compared,",
                             est, conf_pct(a), val(t, r, "ci_low"), val(t, r, "ci_high"), ps);
  }
}

/* How two estimates with confidence intervals compare, in words that do not
 * claim more than the intervals allow. */
static const char *overlap_words(double lo1, double hi1, double lo2, double hi2) {
  if (isnan(lo1) || isnan(hi1) || isnan(lo2) || isnan(hi2))
    return "";
  return lo1 > hi2 || lo2 > hi1 ? "; the confidence intervals do not overlap"
                                : "; the confidence intervals overlap, so the difference may be "
                                  "chance";
}

static void conclusions(report_doc *d, const findings_context *a) {
  /* Level 2, overall. */
  report_table *t = report_doc_table(d, "fig1");
  int tested = 0, sig = 0;
  for (int ar = 0; ar < VOCAB_NAREAS; ar++) {
    double diff = val(t, (size_t)ar, "mean_diff");
    if (isnan(diff))
      continue;
    tested++;
    sig += val(t, (size_t)ar, "p_holm") < 0.05 && diff > 0;
  }
  if (tested && sig == tested)
    report_doc_conclusion(
        d,
        "Knowledge (level 2): the training was followed by a statistically "
        "significant rise in self-assessed knowledge in %s area%s compared.",
        tested == 1 ? "the one" : (const char *[]){"", "", "both", "all three", "all four"}[tested],
        tested == 1 ? "" : "s");
  else if (tested)
    report_doc_conclusion(d,
                          "Knowledge (level 2): the training was followed by a statistically "
                          "significant rise in self-assessed knowledge in %d of the %d areas "
                          "compared; in the others the change may be chance.",
                          sig, tested);
  /* Which group of establishments gained most in leadership knowledge,
   * among the groups shown only. */
  t = report_doc_table(d, "table1");
  int best = -1, shown = 0, hidden_groups = 0;
  double bd = -INFINITY;
  for (size_t r = 0; r < t->nrows; r += VOCAB_NAREAS) {
    double v = val(t, r, "mean_diff");
    if (isnan(v)) {
      hidden_groups += report_table_row_marked(t, r) && (at(t, r, "n")->mark == MARK_SUPPRESSED ||
                                                         at(t, r, "n")->mark == MARK_SECONDARY);
      continue;
    }
    shown++;
    if (v > bd) {
      bd = v;
      best = (int)r;
    }
  }
  if (best >= 0) {
    char group[128], withheld[160] = "";
    snprintf(group, sizeof group, "%s",
             report_table_display(t, at(t, (size_t)best, "group")->text));
    strbuf_trim_partial_utf8(group);
    group[0] = (char)tolower((unsigned char)group[0]);
    if (hidden_groups)
      snprintf(withheld, sizeof withheld,
               " (%d group%s of establishments %s too small to show and %s not compared)",
               hidden_groups, hidden_groups == 1 ? "" : "s", hidden_groups == 1 ? "is" : "are",
               hidden_groups == 1 ? "is" : "are");
    if (shown == 1)
      report_doc_conclusion(d,
                            "Knowledge (level 2): only Careers Leaders in %s were numerous "
                            "enough to show by type of establishment: they gained %+.1f points "
                            "in leadership knowledge (%g %% CI %.1f to %.1f); there is no other "
                            "group to compare them with%s.",
                            group, bd, conf_pct(a), val(t, (size_t)best, "ci_low"),
                            val(t, (size_t)best, "ci_high"), withheld);
    else
      report_doc_conclusion(d,
                            "Knowledge (level 2): of the types of establishment shown, the "
                            "largest gain in leadership knowledge was among Careers Leaders in "
                            "%s (%+.1f points, %g %% CI %.1f to %.1f)%s.",
                            group, bd, conf_pct(a), val(t, (size_t)best, "ci_low"),
                            val(t, (size_t)best, "ci_high"), withheld);
  } else if (hidden_groups)
    report_doc_conclusion(d,
                          "Knowledge (level 2): no type of establishment can be shown on its own "
                          "(%d group%s too small, or withheld so that a small one cannot be "
                          "worked out from the total), so the types are not compared.",
                          hidden_groups, hidden_groups == 1 ? " is" : "s are");
  t = report_doc_table(d, "fig2");
  size_t lr = t->nrows >= VOCAB_NAREAS ? t->nrows - VOCAB_NAREAS : 0;
  double first = val(t, 0, "mean_change"), last = val(t, lr, "mean_change");
  if (!isnan(first) && !isnan(last))
    report_doc_conclusion(d,
                          "Knowledge (level 2): Careers Leaders %s in the role gained %s in "
                          "leadership knowledge (%+.1f points) than those %s (%+.1f points)%s.",
                          a->first_band, first > last ? "more" : "less", first, a->last_band, last,
                          overlap_words(val(t, 0, "ci_low"), val(t, 0, "ci_high"),
                                        val(t, lr, "ci_low"), val(t, lr, "ci_high")));
  /* Level 3. */
  int idx[10];
  double pct[10];
  int np = practice_order(d, idx, pct), most = 0;
  for (int i = 0; i < np; i++)
    most += pct[i] >= 50;
  if (np >= 2)
    report_doc_conclusion(d,
                          "Practice (level 3): for %d of the %d practices asked about, at least "
                          "half of those answering said the training led them to start or "
                          "improve it; it helped least with %s (%.0f %%) and %s (%.0f %%), "
                          "where further support may be needed.",
                          most, np, practice_topic(a, idx[np - 1]), pct[np - 1],
                          practice_topic(a, idx[np - 2]), pct[np - 2]);
  /* Level 4. */
  t = report_doc_table(d, "fig19");
  double th = val(t, 0, "change"), tn = val(t, 1, "change");
  if (!isnan(th) && !isnan(tn))
    report_doc_conclusion(d,
                          "Careers programmes (level 4): trained establishments in a Careers "
                          "Hub gained %+.2f benchmarks, those outside a hub %+.2f%s.",
                          th, tn,
                          overlap_words(val(t, 0, "ci_low"), val(t, 0, "ci_high"),
                                        val(t, 1, "ci_low"), val(t, 1, "ci_high")));
  t = report_doc_table(d, "did");
  double effect = NAN, effect_p = NAN, elo = NAN, ehi = NAN;
  for (size_t r = 0; r < t->nrows; r++) {
    const cell *c = at(t, r, "term");
    if (c->kind == CELL_TEXT && strcmp(c->text, "trained_x_post") == 0) {
      effect = val(t, r, "estimate");
      effect_p = val(t, r, "p");
      elo = val(t, r, "ci_low");
      ehi = val(t, r, "ci_high");
    }
  }
  if (!isnan(effect))
    report_doc_conclusion(d,
                          "Careers programmes (level 4): beyond the change in comparison "
                          "establishments, the training is %s (%+.2f benchmarks, %g %% CI "
                          "%.2f to %.2f).",
                          effect_p < 0.05 ? "associated with a statistically significant gain"
                                          : "not shown to make a difference that chance "
                                            "cannot explain",
                          effect, conf_pct(a), elo, ehi);
  else if (tested || np >= 2)
    report_doc_conclusion(d, "Careers programmes (level 4): no estimate of the training's effect "
                             "on benchmarks can be made from these data (see the difference in "
                             "differences table for why).");
  /* Overall. */
  if (tested || np >= 2 || !isnan(effect))
    report_doc_conclusion(
        d, "Overall: %s; %s; %s.",
        tested ? (sig ? "Careers Leaders' knowledge rose after the training (level 2)"
                      : "no rise in Careers Leaders' knowledge could be shown (level 2)")
               : "knowledge could not be compared (level 2)",
        np >= 2 ? (most * 2 >= np ? "most reported changes in practice that they credit to it "
                                    "(level 3)"
                                  : "fewer than half reported changes in most practices "
                                    "(level 3)")
                : "practice could not be assessed (level 3)",
        !isnan(effect) ? (effect_p < 0.05 ? "and establishments with a trained Careers Leader "
                                            "improved more against the Gatsby Benchmarks than "
                                            "comparison ones (level 4)"
                                          : "and the benchmark gains of trained establishments "
                                            "cannot be told apart from those of comparison "
                                            "ones (level 4)")
                       : "and its effect on careers programmes could not be estimated (level 4)");
  if (d->nconclusions == 0)
    report_doc_conclusion(d, "The data are too thin for conclusions: see the samples table for "
                             "what is missing.");
}

void findings_summarise(report_doc *d, const findings_context *c) {
  key_messages(d, c);
  conclusions(d, c);
}
