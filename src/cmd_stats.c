/* cleval stats TEST [FILE.csv | -] [--json] [--yates]: one statistical test
 * on the columns of a CSV, printed APA style or as JSON. Printing only: the
 * columns are read by columns.c, the statistics computed by stats.c. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "columns.h"
#include "csvin.h"
#include "jsonout.h"
#include "numfmt.h"
#include "stats.h"
#include "strbuf.h"
#include "xalloc.h"

static int run(int argc, char **argv);

const command cmd_stats = {
    "stats",
    "run one statistical test on a CSV file (t tests, rank tests, OLS, DiD, ...)",
    "cleval stats TEST [FILE.csv | -] [--json] [--yates]",
    "Runs one test on the columns of FILE.csv (or standard input when FILE is\n"
    "'-' or absent) and prints the result APA style, or with --json an object\n"
    "with the keys below at full precision (%.17g). Columns are found by their\n"
    "header name. Differences are always y - x. p values are two-sided and\n"
    "accurate far into the tails (0 only below the smallest double). Intervals\n"
    "are 95 %, at any magnitude (1e-300 to 1e308).\n\n"
    "An empty cell is a missing value: it drops that pair (paired tests), that\n"
    "value (two-sample tests) or that row (ols, did, alpha), and the number\n"
    "dropped is reported (\"dropped\" in JSON).\n\n"
    "TESTS (columns in brackets)\n"
    "  paired-t      [x, y] paired t test of y - x, from compensated sums of the\n"
    "                differences taken as the file is read: no row is kept, so\n"
    "                a file of any size fits.\n"
    "                keys: n, dropped, mean_diff, sd_diff, se, t, df, p, ci_low,\n"
    "                ci_high, cohens_dz\n"
    "  welch-t       [x, y] Welch's two-sample t test of y against x (the columns\n"
    "                may have different lengths; empty cells are ignored).\n"
    "  student-t     [x, y] the same with a pooled variance; one value in a\n"
    "                sample is enough when the other has two or more.\n"
    "                keys: n_x, n_y, dropped, mean_x, mean_y, sd_x, sd_y,\n"
    "                mean_diff, se, t, df, p, ci_low, ci_high, hedges_g\n"
    "  wilcoxon      [x, y] Wilcoxon signed-rank test of y - x: zero differences\n"
    "                dropped, average ranks for ties; exact p when n < 50 with no\n"
    "                ties and no zeros, else the normal approximation with\n"
    "                continuity and tie correction (as R's wilcox.test).\n"
    "                keys: n (nonzero differences), zeros, dropped, v (sum of the\n"
    "                ranks of the positive differences), z, p, p_normal, exact\n"
    "  mann-whitney  [x, y] Wilcoxon rank-sum test of y against x; exact when both\n"
    "                samples have fewer than 50 values and no ties.\n"
    "                keys: n_x, n_y, dropped, w (rank sum of y minus\n"
    "                n_y(n_y+1)/2, R's wilcox.test(y, x)), z, p, p_normal, exact\n"
    "  chisq         [a table of counts: header row of column labels, first\n"
    "                column row labels] Pearson's chi-square test of\n"
    "                independence; --yates adds the continuity correction (2 x 2\n"
    "                tables only). keys: statistic, df, p, cramers_v (from the\n"
    "                uncorrected statistic), n, rows, cols, yates\n"
    "  ols           [y, then the predictors: every other column, in order]\n"
    "                least squares with an intercept. keys: terms[], coef[],\n"
    "                se[], se_hc1[] (White's HC1), t[], p[], r_squared,\n"
    "                adj_r_squared, sigma, df_resid, n, dropped\n"
    "  did           [unit, treated, post, y] difference in differences: OLS of\n"
    "                y on treated, post and treated x post (treated and post are\n"
    "                0 or 1; unit is any id). keys: estimate, se (classical),\n"
    "                se_cluster (clustered by unit, small-sample corrected as\n"
    "                Stata and R's sandwich::vcovCL type HC1), df_cluster\n"
    "                (units - 1), p_cluster, t_cluster, ci_low, ci_high (on\n"
    "                df_cluster), t, p, df, n, n_clusters, dropped\n"
    "  anova         [group, y] one-way ANOVA of y across groups (any labels).\n"
    "                keys: f, df1, df2, p, eta_squared, groups, n, dropped\n"
    "  alpha         [every column is an item] Cronbach's alpha, listwise.\n"
    "                keys: alpha, n, k, dropped\n"
    "  p-adjust      [p] Holm and Benjamini-Hochberg adjusted p values, as R's\n"
    "                p.adjust. keys: holm[], bh[] (one per row, null where the\n"
    "                cell was empty), n, dropped\n"
    "  prop          [k, n] the Wilson score interval of k / n, one per row.\n"
    "                keys: k[], n[], proportion[], ci_low[], ci_high[]\n\n"
    "Exit status: 0 done; 1 the file could not be read; 2 usage error (an\n"
    "unknown test or option); 3 invalid input: a missing column, a cell that\n"
    "is not a number (named FILE:LINE:COLUMN), too few usable values, zero\n"
    "variance, a singular design, a result past 1e308. Nothing is printed to\n"
    "standard output then.\n",
    run,
};

#define LEVEL 0.95

typedef struct label {
  const char *text;
  size_t row;
} label;

static int cmp_label(const void *a, const void *b) {
  const label *x = a, *y = b;
  int c = strcmp(x->text, y->text);
  return c ? c : (x->row > y->row) - (x->row < y->row);
}

/* Maps text labels to ids 0, 1, ... (equal labels, equal ids); a row
 * without a label (NULL) gets -1. Caller frees. */
static long *label_ids(char **text, size_t n) {
  long *id = xmalloc((n ? n : 1) * sizeof *id);
  label *l = xmalloc((n ? n : 1) * sizeof *l);
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    id[i] = -1;
    if (text[i])
      l[m++] = (label){text[i], i};
  }
  qsort(l, m, sizeof *l, cmp_label);
  long next = -1;
  for (size_t k = 0; k < m; k++) {
    if (k == 0 || strcmp(l[k].text, l[k - 1].text) != 0)
      next++;
    id[l[k].row] = next;
  }
  free(l);
  return id;
}

/* ---- printing ---- */

/* APA p: "p < .001", "p = .034", "p > .999" (numfmt's, as the report). */
static void put_apa_p(strbuf *b, double p) {
  char s[32];
  numfmt_p_apa(s, sizeof s, p);
  strbuf_puts(b, s);
}

/* Decimals that show about three significant digits of the largest of the
 * values. */
static int decimals_for(double a, double b, double c) {
  double m = fmax(fabs(a), fmax(fabs(b), fabs(c)));
  if (!(m > 0))
    return 2;
  int d = 2 - (int)floor(log10(m));
  return d < 0 ? 0 : d > 6 ? 6 : d;
}

static void put_df(strbuf *b, double df) {
  if (df == floor(df))
    strbuf_printf(b, "%.0f", df);
  else
    strbuf_printf(b, "%.2f", df);
}

static void put_estimate_ci(strbuf *b, const char *label, double est, double lo, double hi) {
  int d = decimals_for(est, lo, hi);
  strbuf_printf(b, "%s %.*f [%.*f, %.*f]", label, d, est, d, lo, d, hi);
}

/* A test's --json object, made through jansson as its keys come and
 * written on one line by json_end. */
typedef struct jout {
  strbuf *b;
  json_t *o; /* made by the first key */
} jout;

static void json_put(jout *j, const char *key, json_t *v) {
  if (!j->o)
    j->o = json_object();
  jsonout_set(j->o, key, v);
}

static void json_num(jout *j, const char *key, double v) { json_put(j, key, jsonout_real(v)); }

static void json_size(jout *j, const char *key, size_t v) {
  json_put(j, key, json_integer((json_int_t)v));
}

static void json_bool(jout *j, const char *key, bool v) { json_put(j, key, json_boolean(v)); }

static void json_str(jout *j, const char *key, const char *v) {
  json_put(j, key, jsonout_string(v));
}

/* An array of n numbers; NaN entries are null. */
static void json_arr(jout *j, const char *key, const double *v, size_t n) {
  json_t *a = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(a, jsonout_real(v[i]));
  json_put(j, key, a);
}

static void json_end(jout *j) {
  if (!j->o)
    j->o = json_object();
  jsonout_put(j->b, j->o, JSONOUT_LINE);
  strbuf_putc(j->b, '\n');
  json_decref(j->o);
  j->o = NULL;
}

/* "2 pairs dropped (missing values)"; nothing when none were. */
static void put_dropped(strbuf *b, size_t dropped, const char *one, const char *many) {
  if (dropped)
    strbuf_printf(b, "%zu %s dropped (missing values)\n", dropped, dropped == 1 ? one : many);
}

/* ---- the tests ---- */

typedef struct ctx {
  const char *test;
  const char *name; /* file name for messages */
  bool json, yates;
  strbuf *out;
  char err[512];
} ctx;

/* Where columns.c hands its problems: printed, one a line. */
static void print_problem(void *ctx, const char *msg) {
  (void)ctx;
  cli_error("%s", msg);
}

static int stats_failed(ctx *c) {
  cli_error("%s: %s: %s", c->name, c->test, c->err);
  return EXIT_INVALID;
}

static int do_paired(ctx *c, columns *t, bool wilcoxon) {
  jout j = {c->out, NULL};
  if (!wilcoxon) {
    /* The sums of y - x, taken as the file was read (columns.sums): no
     * row kept. */
    stats_paired r;
    if (t->overflows) {
      cli_error("%s:%ld: y - x is beyond the largest number a double holds (columns %s, %s; "
                "%zu row%s like it in all)",
                c->name, t->overflow_line, t->names[0], t->names[1], t->overflows,
                t->overflows == 1 ? "" : "s");
      return EXIT_INVALID;
    }
    if (stats_paired_t_sums(&t->sums, t->dropped, LEVEL, &r, c->err, sizeof c->err) != 0)
      return stats_failed(c);
    if (c->json) {
      json_str(&j, "test", c->test);
      json_size(&j, "n", r.n);
      json_size(&j, "dropped", r.dropped);
      json_num(&j, "mean_diff", r.mean_diff);
      json_num(&j, "sd_diff", r.sd_diff);
      json_num(&j, "se", r.se);
      json_num(&j, "t", r.t);
      json_num(&j, "df", r.df);
      json_num(&j, "p", r.p);
      json_num(&j, "ci_low", r.ci_low);
      json_num(&j, "ci_high", r.ci_high);
      json_num(&j, "cohens_dz", r.cohens_dz);
      json_num(&j, "level", LEVEL);
      json_end(&j);
      return EXIT_OK;
    }
    strbuf_printf(c->out, "paired t test of y - x, n = %zu pairs\n", r.n);
    put_dropped(c->out, r.dropped, "pair", "pairs");
    strbuf_puts(c->out, "t(");
    put_df(c->out, r.df);
    strbuf_printf(c->out, ") = %.2f, ", r.t);
    put_apa_p(c->out, r.p);
    strbuf_puts(c->out, ", ");
    put_estimate_ci(c->out, "mean difference", r.mean_diff, r.ci_low, r.ci_high);
    strbuf_printf(c->out, ", dz = %.2f\n", r.cohens_dz);
    return EXIT_OK;
  }
  stats_signrank r;
  if (stats_wilcoxon_diff(t->col[0], t->nrows, &r, c->err, sizeof c->err) != 0) /* y - x */
    return stats_failed(c);
  if (c->json) {
    json_str(&j, "test", c->test);
    json_size(&j, "n", r.n);
    json_size(&j, "zeros", r.zeros);
    json_size(&j, "dropped", r.dropped);
    json_num(&j, "v", r.v);
    json_num(&j, "z", r.z);
    json_num(&j, "p", r.p);
    json_num(&j, "p_normal", r.p_normal);
    json_bool(&j, "exact", r.exact);
    json_bool(&j, "ties", r.ties);
    json_end(&j);
    return EXIT_OK;
  }
  strbuf_printf(c->out, "Wilcoxon signed-rank test of y - x, n = %zu nonzero differences", r.n);
  if (r.zeros)
    strbuf_printf(c->out, " (%zu zero %s dropped)", r.zeros,
                  r.zeros == 1 ? "difference" : "differences");
  strbuf_putc(c->out, '\n');
  put_dropped(c->out, r.dropped, "pair", "pairs");
  strbuf_printf(c->out, "V = %.10g, ", r.v);
  put_apa_p(c->out, r.p);
  if (r.exact) {
    strbuf_puts(c->out, " (exact; normal approximation ");
    put_apa_p(c->out, r.p_normal);
    strbuf_puts(c->out, ")\n");
  } else {
    strbuf_printf(c->out, " (normal approximation, z = %.2f, with continuity%s correction)\n", r.z,
                  r.ties ? " and tie" : "");
  }
  return EXIT_OK;
}

/* kind 0 Welch, 1 Student, 2 Mann-Whitney. The columns may have different
 * lengths: the empty cells are ignored (and counted). */
static int do_twosample(ctx *c, columns *t, int kind) {
  const double *x = t->col[0], *y = t->col[1];
  size_t n = t->nrows;
  jout j = {c->out, NULL};
  if (kind == 2) {
    stats_ranksum r;
    if (stats_mann_whitney(x, n, y, n, &r, c->err, sizeof c->err) != 0)
      return stats_failed(c);
    if (c->json) {
      json_str(&j, "test", c->test);
      json_size(&j, "n_x", r.n_x);
      json_size(&j, "n_y", r.n_y);
      json_size(&j, "dropped", r.dropped);
      json_num(&j, "w", r.w);
      json_num(&j, "z", r.z);
      json_num(&j, "p", r.p);
      json_num(&j, "p_normal", r.p_normal);
      json_bool(&j, "exact", r.exact);
      json_bool(&j, "ties", r.ties);
      json_end(&j);
      return EXIT_OK;
    }
    strbuf_printf(c->out,
                  "Mann-Whitney (Wilcoxon rank-sum) test of y against x, "
                  "n_x = %zu, n_y = %zu\n",
                  r.n_x, r.n_y);
    put_dropped(c->out, r.dropped, "empty cell", "empty cells");
    strbuf_printf(c->out, "W = %.10g, ", r.w);
    put_apa_p(c->out, r.p);
    if (r.exact) {
      strbuf_puts(c->out, " (exact; normal approximation ");
      put_apa_p(c->out, r.p_normal);
      strbuf_puts(c->out, ")\n");
    } else {
      strbuf_printf(c->out, " (normal approximation, z = %.2f, with continuity%s correction)\n",
                    r.z, r.ties ? " and tie" : "");
    }
    return EXIT_OK;
  }
  stats_twosample r;
  int rc = kind == 0 ? stats_welch_t(x, n, y, n, LEVEL, &r, c->err, sizeof c->err)
                     : stats_student_t(x, n, y, n, LEVEL, &r, c->err, sizeof c->err);
  if (rc != 0)
    return stats_failed(c);
  if (c->json) {
    json_str(&j, "test", c->test);
    json_size(&j, "n_x", r.n_x);
    json_size(&j, "n_y", r.n_y);
    json_size(&j, "dropped", r.dropped);
    json_num(&j, "mean_x", r.mean_x);
    json_num(&j, "mean_y", r.mean_y);
    json_num(&j, "sd_x", r.sd_x);
    json_num(&j, "sd_y", r.sd_y);
    json_num(&j, "mean_diff", r.mean_diff);
    json_num(&j, "se", r.se);
    json_num(&j, "t", r.t);
    json_num(&j, "df", r.df);
    json_num(&j, "p", r.p);
    json_num(&j, "ci_low", r.ci_low);
    json_num(&j, "ci_high", r.ci_high);
    json_num(&j, "hedges_g", r.hedges_g);
    json_num(&j, "level", LEVEL);
    json_end(&j);
    return EXIT_OK;
  }
  strbuf_printf(c->out, "%s t test of y against x, n_x = %zu, n_y = %zu\n",
                kind == 0 ? "Welch's" : "Student's", r.n_x, r.n_y);
  put_dropped(c->out, r.dropped, "empty cell", "empty cells");
  strbuf_puts(c->out, "t(");
  put_df(c->out, r.df);
  strbuf_printf(c->out, ") = %.2f, ", r.t);
  put_apa_p(c->out, r.p);
  strbuf_puts(c->out, ", ");
  put_estimate_ci(c->out, "mean difference", r.mean_diff, r.ci_low, r.ci_high);
  strbuf_printf(c->out, ", g = %.2f\n", r.hedges_g);
  return EXIT_OK;
}

static int do_ols(ctx *c, columns *t) {
  /* column 0 is y; the predictors follow */
  size_t k = t->ncols - 1, p = k + 1, n = t->nrows;
  double *X = xmalloc((n ? n : 1) * p * sizeof *X);
  for (size_t i = 0; i < n; i++) {
    X[i * p] = 1;
    for (size_t j = 0; j < k; j++)
      X[i * p + 1 + j] = t->col[j + 1][i];
  }
  stats_ols r;
  int rc = stats_ols_fit(X, t->col[0], n, p, NULL, LEVEL, &r, c->err, sizeof c->err);
  free(X);
  if (rc != 0)
    return stats_failed(c);
  jout j = {c->out, NULL};
  if (c->json) {
    json_str(&j, "test", c->test);
    json_t *terms = json_array();
    json_array_append_new(terms, json_string("(Intercept)"));
    for (size_t i = 0; i < k; i++)
      json_array_append_new(terms, jsonout_string(t->names[i + 1]));
    json_put(&j, "terms", terms);
    json_arr(&j, "coef", r.coef, p);
    json_arr(&j, "se", r.se, p);
    json_arr(&j, "se_hc1", r.se_hc1, p);
    json_arr(&j, "t", r.t, p);
    json_arr(&j, "p", r.p_value, p);
    json_arr(&j, "ci_low", r.ci_low, p);
    json_arr(&j, "ci_high", r.ci_high, p);
    json_num(&j, "r_squared", r.r_squared);
    json_num(&j, "adj_r_squared", r.adj_r_squared);
    json_num(&j, "sigma", r.sigma);
    json_num(&j, "df_resid", r.df_resid);
    json_size(&j, "n", r.n);
    json_size(&j, "dropped", r.dropped);
    json_end(&j);
  } else {
    strbuf_printf(c->out,
                  "OLS regression of y, n = %zu, R-squared = %.3f (adjusted %.3f), "
                  "residual SE %.4g on %.0f df\n",
                  r.n, r.r_squared, r.adj_r_squared, r.sigma, r.df_resid);
    put_dropped(c->out, r.dropped, "row", "rows");
    strbuf_printf(c->out, "%-16s %12s %12s %12s %9s %9s\n", "term", "estimate", "SE", "SE (HC1)",
                  "t", "p");
    for (size_t i = 0; i < p; i++) {
      const char *name = i == 0 ? "(Intercept)" : t->names[i];
      char pbuf[32];
      numfmt_p(pbuf, sizeof pbuf, r.p_value[i]);
      strbuf_printf(c->out, "%-16s %12.6g %12.6g %12.6g %9.2f %9s\n", name, r.coef[i], r.se[i],
                    r.se_hc1[i], r.t[i], pbuf);
    }
  }
  stats_ols_clear(&r);
  return EXIT_OK;
}

static int do_did(ctx *c, columns *t) {
  long *unit = label_ids(t->text, t->nrows);
  /* A row without a unit cannot be clustered: treat it as missing. */
  double *y = xmalloc((t->nrows ? t->nrows : 1) * sizeof *y);
  for (size_t i = 0; i < t->nrows; i++)
    y[i] = unit[i] < 0 ? NAN : t->col[2][i];
  stats_did r;
  int rc = stats_did_fit(unit, t->col[0], t->col[1], y, t->nrows, LEVEL, &r, c->err, sizeof c->err);
  free(y);
  free(unit);
  if (rc != 0)
    return stats_failed(c);
  jout j = {c->out, NULL};
  if (c->json) {
    json_str(&j, "test", c->test);
    json_num(&j, "estimate", r.estimate);
    json_num(&j, "se", r.se);
    json_num(&j, "se_cluster", r.se_cluster);
    json_num(&j, "df_cluster", r.df_cluster);
    json_num(&j, "p_cluster", r.p_cluster);
    json_num(&j, "t_cluster", r.t_cluster);
    json_num(&j, "ci_low", r.ci_low);
    json_num(&j, "ci_high", r.ci_high);
    json_num(&j, "t", r.t);
    json_num(&j, "df", r.df);
    json_num(&j, "p", r.p);
    json_size(&j, "n", r.n);
    json_size(&j, "n_clusters", r.n_clusters);
    json_size(&j, "dropped", r.dropped);
    json_num(&j, "level", LEVEL);
    json_end(&j);
    return EXIT_OK;
  }
  strbuf_printf(c->out, "difference in differences (treated x post), n = %zu rows in %zu units\n",
                r.n, r.n_clusters);
  put_dropped(c->out, r.dropped, "row", "rows");
  strbuf_puts(c->out, "clustered by unit: t(");
  put_df(c->out, r.df_cluster);
  strbuf_printf(c->out, ") = %.2f, ", r.t_cluster);
  put_apa_p(c->out, r.p_cluster);
  strbuf_puts(c->out, ", ");
  put_estimate_ci(c->out, "estimate", r.estimate, r.ci_low, r.ci_high);
  strbuf_printf(c->out, ", SE %.4g\nclassical: t(", r.se_cluster);
  put_df(c->out, r.df);
  strbuf_printf(c->out, ") = %.2f, ", r.t);
  put_apa_p(c->out, r.p);
  strbuf_printf(c->out, ", SE %.4g\n", r.se);
  return EXIT_OK;
}

static int do_anova(ctx *c, columns *t) {
  long *g = label_ids(t->text, t->nrows);
  double *y = xmalloc((t->nrows ? t->nrows : 1) * sizeof *y);
  for (size_t i = 0; i < t->nrows; i++)
    y[i] = g[i] < 0 ? NAN : t->col[0][i];
  stats_anova r;
  int rc = stats_anova_oneway(y, g, t->nrows, &r, c->err, sizeof c->err);
  free(y);
  free(g);
  if (rc != 0)
    return stats_failed(c);
  jout j = {c->out, NULL};
  if (c->json) {
    json_str(&j, "test", c->test);
    json_num(&j, "f", r.f);
    json_num(&j, "df1", r.df1);
    json_num(&j, "df2", r.df2);
    json_num(&j, "p", r.p);
    json_num(&j, "eta_squared", r.eta_squared);
    json_size(&j, "groups", r.groups);
    json_size(&j, "n", r.n);
    json_size(&j, "dropped", r.dropped);
    json_end(&j);
    return EXIT_OK;
  }
  strbuf_printf(c->out, "one-way ANOVA of y across %zu groups, n = %zu\n", r.groups, r.n);
  put_dropped(c->out, r.dropped, "row", "rows");
  strbuf_printf(c->out, "F(%.0f, %.0f) = %.2f, ", r.df1, r.df2, r.f);
  put_apa_p(c->out, r.p);
  strbuf_printf(c->out, ", eta-squared = %.2f\n", r.eta_squared);
  return EXIT_OK;
}

static int do_alpha(ctx *c, columns *t) {
  size_t n = t->nrows, k = t->ncols;
  double *items = xmalloc((n ? n : 1) * k * sizeof *items);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < k; j++)
      items[i * k + j] = t->col[j][i];
  stats_alpha r;
  int rc = stats_cronbach_alpha(items, n, k, &r, c->err, sizeof c->err);
  free(items);
  if (rc != 0)
    return stats_failed(c);
  jout j = {c->out, NULL};
  if (c->json) {
    json_str(&j, "test", c->test);
    json_num(&j, "alpha", r.alpha);
    json_size(&j, "n", r.n);
    json_size(&j, "k", r.k);
    json_size(&j, "dropped", r.dropped);
    json_end(&j);
    return EXIT_OK;
  }
  strbuf_printf(c->out, "Cronbach's alpha = %.3f (k = %zu items, n = %zu complete rows)\n", r.alpha,
                r.k, r.n);
  put_dropped(c->out, r.dropped, "row", "rows");
  return EXIT_OK;
}

static int do_padjust(ctx *c, columns *t) {
  size_t n = t->nrows, m = 0;
  const double *p = t->col[0];
  double *v = xmalloc((n ? n : 1) * sizeof *v);
  double *holm = xmalloc((n ? n : 1) * sizeof *holm);
  double *bh = xmalloc((n ? n : 1) * sizeof *bh);
  double *h = xmalloc((n ? n : 1) * sizeof *h);
  double *b = xmalloc((n ? n : 1) * sizeof *b);
  int rc = EXIT_OK;
  for (size_t i = 0; i < n; i++)
    if (!isnan(p[i]))
      v[m++] = p[i];
  if (stats_p_adjust(v, m, STATS_HOLM, h, c->err, sizeof c->err) != 0 ||
      stats_p_adjust(v, m, STATS_BH, b, c->err, sizeof c->err) != 0) {
    rc = stats_failed(c);
    goto cleanup;
  }
  for (size_t i = 0, k = 0; i < n; i++) {
    bool miss = isnan(p[i]);
    holm[i] = miss ? NAN : h[k];
    bh[i] = miss ? NAN : b[k];
    k += !miss;
  }
  jout j = {c->out, NULL};
  if (c->json) {
    json_str(&j, "test", c->test);
    json_arr(&j, "holm", holm, n);
    json_arr(&j, "bh", bh, n);
    json_size(&j, "n", m);
    json_size(&j, "dropped", n - m);
    json_end(&j);
  } else {
    strbuf_printf(c->out, "adjusted p values (%zu)\n", m);
    put_dropped(c->out, n - m, "empty cell", "empty cells");
    strbuf_printf(c->out, "%6s %12s %12s %12s\n", "row", "p", "Holm", "BH");
    for (size_t i = 0; i < n; i++) {
      if (isnan(p[i]))
        strbuf_printf(c->out, "%6zu %12s %12s %12s\n", i + 1, "", "", "");
      else
        strbuf_printf(c->out, "%6zu %12.4g %12.4g %12.4g\n", i + 1, p[i], holm[i], bh[i]);
    }
  }
cleanup:
  free(b);
  free(h);
  free(bh);
  free(holm);
  free(v);
  return rc;
}

static int do_prop(ctx *c, columns *t) {
  size_t n = t->nrows;
  double *est = xmalloc((n ? n : 1) * 3 * sizeof *est);
  double *lo = est + n, *hi = est + 2 * n;
  for (size_t i = 0; i < n; i++) {
    stats_prop r;
    if (isnan(t->col[0][i]) || isnan(t->col[1][i])) {
      snprintf(c->err, sizeof c->err, "row %zu: k and n are both required", i + 1);
      free(est);
      return stats_failed(c);
    }
    if (stats_wilson(t->col[0][i], t->col[1][i], LEVEL, &r, c->err, sizeof c->err) != 0) {
      char e[sizeof c->err];
      memcpy(e, c->err, sizeof e);
      snprintf(c->err, sizeof c->err, "row %zu: %.400s", i + 1, e);
      free(est);
      return stats_failed(c);
    }
    est[i] = r.estimate;
    lo[i] = r.ci_low;
    hi[i] = r.ci_high;
  }
  jout j = {c->out, NULL};
  if (c->json) {
    json_str(&j, "test", c->test);
    json_arr(&j, "k", t->col[0], n);
    json_arr(&j, "n", t->col[1], n);
    json_arr(&j, "proportion", est, n);
    json_arr(&j, "ci_low", lo, n);
    json_arr(&j, "ci_high", hi, n);
    json_num(&j, "level", LEVEL);
    json_end(&j);
  } else {
    strbuf_puts(c->out, "proportions with 95% Wilson score intervals\n");
    for (size_t i = 0; i < n; i++)
      strbuf_printf(c->out, "%.10g/%.10g = %.3f [%.3f, %.3f]\n", t->col[0][i], t->col[1][i], est[i],
                    lo[i], hi[i]);
  }
  free(est);
  return EXIT_OK;
}

/* chisq reads its own shape: labels in the header and the first column. */
static int do_chisq(ctx *c, csvin *r) {
  size_t cols = csvin_nfields(r) > 0 ? csvin_nfields(r) - 1 : 0;
  if (cols < 2) {
    cli_error("%s:%ld: a table needs a header with a label column and at least 2 count "
              "columns",
              c->name, csvin_line(r));
    return EXIT_INVALID;
  }
  double *counts = NULL;
  size_t rows = 0, cap = 0, problems = 0;
  char err[512];
  int rc;
  while ((rc = csvin_next(r, err, sizeof err)) != 0) {
    if (rc < 0) {
      cli_error("%s", err);
      problems++;
      continue;
    }
    if (csvin_nfields(r) != cols + 1) {
      cli_error("%s:%ld: the row has %zu fields; the header has %zu", c->name, csvin_line(r),
                csvin_nfields(r), cols + 1);
      problems++;
      continue;
    }
    counts = xgrow(counts, &cap, (rows + 1) * cols, sizeof *counts);
    for (size_t jj = 0; jj < cols; jj++) {
      double v;
      const char *cell = csvin_field(r, jj + 1);
      int pc = columns_number(cell, csvin_field_len(r, jj + 1), &v);
      if (pc != 1 || v < 0) {
        cli_error("%s:%ld:%zu: '%.40s' is not a count (a number 0 or more)", c->name, csvin_line(r),
                  jj + 2, cell);
        problems++;
        v = 0;
      }
      counts[rows * cols + jj] = v;
    }
    rows++;
  }
  int status = EXIT_OK;
  if (problems) {
    status = EXIT_INVALID;
    goto cleanup;
  }
  stats_chisq s;
  if (stats_chisq_test(counts, rows, cols, c->yates, &s, c->err, sizeof c->err) != 0) {
    status = stats_failed(c);
    goto cleanup;
  }
  jout j = {c->out, NULL};
  if (c->json) {
    json_str(&j, "test", c->test);
    json_num(&j, "statistic", s.statistic);
    json_num(&j, "df", s.df);
    json_num(&j, "p", s.p);
    json_num(&j, "cramers_v", s.cramers_v);
    json_num(&j, "n", s.n);
    json_size(&j, "rows", s.rows);
    json_size(&j, "cols", s.cols);
    json_bool(&j, "yates", s.yates);
    json_end(&j);
  } else {
    strbuf_printf(c->out, "chi-square test of independence, %zu x %zu table, N = %.10g%s\n", rows,
                  cols, s.n, s.yates ? ", Yates continuity correction" : "");
    strbuf_printf(c->out, "chi2(%.0f, N = %.10g) = %.2f, ", s.df, s.n, s.statistic);
    put_apa_p(c->out, s.p);
    strbuf_printf(c->out, ", Cramer's V = %.2f\n", s.cramers_v);
  }
cleanup:
  free(counts);
  return status;
}

/* ---- dispatch ---- */

enum kind {
  PAIRED_T,
  WILCOXON,
  WELCH_T,
  STUDENT_T,
  MANN_WHITNEY,
  CHISQ,
  OLS,
  DID,
  ANOVA,
  ALPHA,
  P_ADJUST,
  PROP
};

static const struct {
  const char *name;
  enum kind kind;
} tests[] = {
    {"paired-t", PAIRED_T},
    {"welch-t", WELCH_T},
    {"student-t", STUDENT_T},
    {"wilcoxon", WILCOXON},
    {"mann-whitney", MANN_WHITNEY},
    {"chisq", CHISQ},
    {"ols", OLS},
    {"did", DID},
    {"anova", ANOVA},
    {"alpha", ALPHA},
    {"p-adjust", P_ADJUST},
    {"prop", PROP},
};
#define NTESTS (sizeof tests / sizeof tests[0])

static int run_test(ctx *c, enum kind kind, csvin *r) {
  if (kind == CHISQ)
    return do_chisq(c, r);
  const char *xy[] = {"x", "y"};
  const char *did[] = {"treated", "post", "y"};
  const char *ycol[] = {"y"};
  const char *pcol[] = {"p"};
  const char *kn[] = {"k", "n"};
  const char *const *names = xy;
  size_t n = 2;
  const char *text = NULL;
  const char **all = NULL; /* ols and alpha: every column, by position */
  int *idx = NULL;
  int tidx = -1;
  bool missing = false;
  switch (kind) {
  case DID:
    names = did;
    n = 3;
    text = "unit";
    break;
  case ANOVA:
    names = ycol;
    n = 1;
    text = "group";
    break;
  case P_ADJUST:
    names = pcol;
    n = 1;
    break;
  case PROP:
    names = kn;
    n = 2;
    break;
  case OLS:
  case ALPHA: {
    size_t nf = csvin_nfields(r);
    int yi = kind == OLS ? csvin_header_index(r, "y") : -1;
    if (kind == OLS && yi < 0) {
      names = ycol; /* reported as missing below */
      n = 1;
      break;
    }
    all = xcalloc(nf + 1, sizeof *all);
    idx = xcalloc(nf + 1, sizeof *idx);
    n = 0;
    if (yi >= 0) {
      all[n] = "y";
      idx[n++] = yi;
    }
    for (size_t i = 0; i < nf; i++)
      if ((int)i != yi) {
        all[n] = csvin_field(r, i);
        idx[n++] = (int)i;
      }
    names = all;
    break;
  }
  default: break;
  }
  if (!idx) {
    idx = xcalloc(n + 1, sizeof *idx);
    missing = columns_find(r, names, n, idx, print_problem, NULL) != 0;
  }
  if (text && columns_find(r, &text, 1, &tidx, print_problem, NULL) != 0)
    missing = true;
  columns t;
  columns_init(&t, c->name, names, n);
  t.diff = kind == PAIRED_T || kind == WILCOXON;
  t.sum_only = kind == PAIRED_T;
  free(all);
  int status = EXIT_INVALID;
  if (missing)
    goto cleanup;
  if (columns_read(r, idx, n, tidx, &t, print_problem, NULL) != 0)
    goto cleanup;
  switch (kind) {
  case PAIRED_T: status = do_paired(c, &t, false); break;
  case WILCOXON: status = do_paired(c, &t, true); break;
  case WELCH_T: status = do_twosample(c, &t, 0); break;
  case STUDENT_T: status = do_twosample(c, &t, 1); break;
  case MANN_WHITNEY: status = do_twosample(c, &t, 2); break;
  case OLS: status = do_ols(c, &t); break;
  case DID: status = do_did(c, &t); break;
  case ANOVA: status = do_anova(c, &t); break;
  case ALPHA: status = do_alpha(c, &t); break;
  case P_ADJUST: status = do_padjust(c, &t); break;
  case PROP: status = do_prop(c, &t); break;
  case CHISQ: break;
  }
cleanup:
  columns_free(&t);
  free(idx);
  return status;
}

static int run(int argc, char **argv) {
  bool json = false, yates = false;
  const cli_option opts[] = {
      {"json", 0, false, NULL, &json},
      {"yates", 0, false, NULL, &yates},
      {NULL, 0, false, NULL, NULL},
  };
  const char *pos[2];
  int npos;
  if (cli_parse(&cmd_stats, argc, argv, opts, pos, 2, &npos) != 0)
    return EXIT_USAGE;
  if (npos < 1)
    return cli_usage(&cmd_stats, "expected a TEST");
  size_t which = NTESTS;
  for (size_t i = 0; i < NTESTS; i++)
    if (strcmp(tests[i].name, pos[0]) == 0)
      which = i;
  if (which == NTESTS) {
    strbuf b = STRBUF_INIT;
    for (size_t i = 0; i < NTESTS; i++)
      strbuf_printf(&b, " %s", tests[i].name);
    int rc = cli_usage(&cmd_stats, "unknown test '%s'; expected one of:%s", pos[0], strbuf_str(&b));
    strbuf_free(&b);
    return rc;
  }
  if (yates && tests[which].kind != CHISQ)
    return cli_usage(&cmd_stats, "--yates applies only to chisq");
  const char *path = npos > 1 ? pos[1] : "-";
  char err[1024];
  csvin *r;
  if (csvin_open(&r, path, err, sizeof err) != 0) {
    cli_error("%s", err);
    return EXIT_RUNTIME;
  }
  int status = csvin_next(r, err, sizeof err); /* the header */
  if (status <= 0) {
    if (status == 0)
      cli_error("%s: empty file (expected a header row)", csvin_name(r));
    else
      cli_error("%s", err);
    csvin_close(r);
    return EXIT_INVALID;
  }
  strbuf out = STRBUF_INIT;
  ctx c = {tests[which].name, csvin_name(r), json, yates, &out, {0}};
  status = run_test(&c, tests[which].kind, r);
  if (status == EXIT_OK)
    fwrite(strbuf_str(&out), 1, out.len, stdout); /* checked in main */
  strbuf_free(&out);
  csvin_close(r);
  return status;
}
