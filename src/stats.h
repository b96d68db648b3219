/* The statistical tests of the evaluation, on GSL: t tests, rank tests,
 * chi-square, OLS with robust and cluster-robust errors, difference in
 * differences, Cronbach's alpha, p-value adjustment, Wilson intervals. Pure
 * functions: no I/O, results in plain structs, checked against R. */
#ifndef CLEVAL_STATS_H
#define CLEVAL_STATS_H

#include <stdbool.h>
#include <stddef.h>

#include "compsum.h"

/* Conventions for every function below.
 * - Data arrays are read only. NaN marks a missing value: it drops that pair
 *   (paired tests), that value (independent samples) or that row (OLS, DiD,
 *   alpha, ANOVA), and the count dropped is reported in the result. An
 *   infinite value is an error.
 * - Differences are always y - x; two-sample effects are mean(y) - mean(x).
 * - level is the confidence level of intervals, 0 < level < 1 (0.95).
 * - p values are two-sided and computed from upper-tail functions, so they
 *   stay accurate far into the tails (relative error about 1e-10 down to
 *   1e-300); a p value is 0 only when the true value is below the smallest
 *   double.
 * - Any finite magnitude: the data are scaled by a power of two (exactly)
 *   before anything is squared, so values near 1e308 or 1e-300 give the
 *   statistics of the same data near 1; t, F, p, effect sizes and alpha
 *   are the same at any scale.
 * - Return 0 on success with every number in *out finite (but an ANOVA's
 *   sums of squares, see there), or -1 with a message in err (errlen bytes,
 *   may be 0) and *out unspecified; a result that a double cannot hold
 *   (a mean or interval past 1e308, a coefficient of y near 1e300 on x
 *   near 1e-300) is such a failure, its message saying so.
 * - The first call switches GSL's abort-on-error handler off (process wide),
 *   since errors here come back as return values. */

/* ---- distributions ---- */

/* Two-sided p of a t statistic on df degrees of freedom (df > 0):
 * P(|T| >= |t|). Where that underflows GSL it is computed from its log. */
double stats_t_p(double t, double df);
/* Natural log of stats_t_p(t, df); finite even where the p underflows. */
double stats_t_logp(double t, double df);
/* Two-sided p of a standard normal statistic: P(|Z| >= |z|). */
double stats_z_p(double z);
/* Natural log of stats_z_p(z), finite for every finite z. */
double stats_z_logp(double z);
/* The critical value of a two-sided level interval on df degrees of
 * freedom: qt(1 - (1 - level) / 2, df). */
double stats_t_crit(double df, double level);

/* ---- t tests ---- */

typedef struct stats_paired {
  size_t n;       /* pairs used */
  size_t dropped; /* pairs with x or y missing */
  double mean_diff, sd_diff, se, t, df, p, ci_low, ci_high;
  double cohens_dz; /* mean_diff / sd_diff */
} stats_paired;

/* Paired t test on the n pairs (x[i], y[i]), difference y - x. Fails on
 * fewer than 2 usable pairs or all differences equal (zero variance). */
int stats_paired_t(const double *x, const double *y, size_t n, double level, stats_paired *out,
                   char *err, size_t errlen);
/* The same on the n differences d[i] = y[i] - x[i] themselves. */
int stats_paired_t_diff(const double *d, size_t n, double level, stats_paired *out, char *err,
                        size_t errlen);
/* The same on the one-pass sums of the usable differences (dropped: the
 * pairs left out for a missing value), as a file read without keeping it
 * gives them. Both functions above come down to this one, so all three give
 * the same bits on the same differences in the same order. */
int stats_paired_t_sums(const compsum_moments *s, size_t dropped, double level, stats_paired *out,
                        char *err, size_t errlen);

typedef struct stats_twosample {
  size_t n_x, n_y; /* values used */
  size_t dropped;  /* missing values ignored, both samples together */
  double mean_x, mean_y, sd_x, sd_y;
  double mean_diff; /* mean_y - mean_x */
  double se, t, df, p, ci_low, ci_high;
  double hedges_g; /* mean_diff / pooled sd x (1 - 3 / (4 (n_x + n_y) - 9)) */
} stats_twosample;

/* Welch's t test (unequal variances, Welch-Satterthwaite df) of y against x,
 * nx and ny values. Fails on fewer than 2 values in either sample or zero
 * variance in both. */
int stats_welch_t(const double *x, size_t nx, const double *y, size_t ny, double level,
                  stats_twosample *out, char *err, size_t errlen);
/* Student's t test (pooled variance, df = n_x + n_y - 2); as stats_welch_t. */
int stats_student_t(const double *x, size_t nx, const double *y, size_t ny, double level,
                    stats_twosample *out, char *err, size_t errlen);

/* Mean of one sample with its t-based interval (for figures: means with
 * 95 % CI). Fails on fewer than 2 values; zero variance is allowed (the
 * interval is then the mean itself). */
typedef struct stats_mean {
  size_t n, dropped;
  double mean, sd, se, df, ci_low, ci_high;
} stats_mean;
int stats_mean_ci(const double *x, size_t n, double level, stats_mean *out, char *err,
                  size_t errlen);

/* ---- rank tests (as R's wilcox.test with its defaults) ---- */

typedef struct stats_signrank {
  size_t n;       /* nonzero differences ranked */
  size_t zeros;   /* zero differences dropped */
  size_t dropped; /* pairs with x or y missing */
  bool ties;      /* some |differences| tied */
  bool exact;     /* p is the exact one (n < 50, no ties, no zeros) */
  double v;       /* sum of the ranks of the positive differences */
  double z;       /* normal statistic, continuity and tie corrected */
  double p;       /* the exact p when exact, else p_normal */
  double p_normal;
} stats_signrank;

/* Wilcoxon signed-rank test of the differences y - x: zeros dropped, average
 * ranks for ties. Fails on fewer than 2 usable pairs or all differences
 * zero. */
int stats_wilcoxon(const double *x, const double *y, size_t n, stats_signrank *out, char *err,
                   size_t errlen);
/* The same on the n differences d[i] = y[i] - x[i] themselves. */
int stats_wilcoxon_diff(const double *d, size_t n, stats_signrank *out, char *err, size_t errlen);

typedef struct stats_ranksum {
  size_t n_x, n_y, dropped;
  bool ties, exact; /* exact when n_x < 50, n_y < 50 and no ties */
  double w;         /* rank sum of y - n_y (n_y + 1) / 2, R's wilcox.test(y, x) */
  double z, p, p_normal;
} stats_ranksum;

/* Mann-Whitney (Wilcoxon rank-sum) test of y against x. W counts the pairs
 * with y > x (ties half), so it is R's wilcox.test(y, x)$statistic. Fails on
 * an empty sample or all values equal. */
int stats_mann_whitney(const double *x, size_t nx, const double *y, size_t ny, stats_ranksum *out,
                       char *err, size_t errlen);

/* ---- contingency tables ---- */

typedef struct stats_chisq {
  size_t rows, cols;
  double n; /* total count */
  double statistic, df, p;
  double cramers_v; /* from the uncorrected statistic */
  bool yates;       /* the continuity correction was applied */
} stats_chisq;

/* Pearson's chi-square test of independence on a rows x cols table of
 * counts (row-major). yates asks for the continuity correction, which
 * applies only to a 2 x 2 table (an error otherwise), as R's chisq.test.
 * Fails on a table smaller than 2 x 2, a negative or non-finite count, or a
 * row or column whose total is zero. */
int stats_chisq_test(const double *counts, size_t rows, size_t cols, bool yates, stats_chisq *out,
                     char *err, size_t errlen);

/* ---- regression ---- */

typedef struct stats_ols {
  size_t n;       /* observations used */
  size_t p;       /* coefficients (columns of X) */
  size_t dropped; /* rows with a missing value in y or X */
  double r_squared, adj_r_squared;
  double sigma;    /* residual standard error */
  double df_resid; /* n - p */
  /* Arrays of p values each, owned by the result (stats_ols_clear): */
  double *coef;
  double *se, *t, *p_value;                   /* classical */
  double *se_hc1;                             /* heteroskedasticity-robust, HC1 */
  double *ci_low, *ci_high;                   /* classical, on df_resid */
  size_t n_clusters;                          /* 0 when fitted without clusters */
  double df_cluster;                          /* n_clusters - 1 */
  double *se_cluster, *t_cluster, *p_cluster; /* NULL without clusters */
  double *ci_low_cluster, *ci_high_cluster;   /* on df_cluster; NULL without */
} stats_ols;

/* Ordinary least squares of y on the n x p design X (row-major; include a
 * column of ones for an intercept: R-squared is centred when X has a
 * constant column, as R's summary.lm). cluster, when not NULL, gives each
 * row's cluster id and adds cluster-robust standard errors with the
 * small-sample factor G/(G-1) x (N-1)/(N-K) of Stata and R's
 * sandwich::vcovCL(type = "HC1"), tested on G - 1 degrees of freedom.
 * Fails on fewer observations than p + 1, a singular (rank deficient)
 * design, zero residual variance (a perfect fit), or fewer than 2 clusters.
 * On success the caller releases the arrays with stats_ols_clear(out). */
int stats_ols_fit(const double *X, const double *y, size_t n, size_t p, const long *cluster,
                  double level, stats_ols *out, char *err, size_t errlen);
/* Frees the arrays inside r and zeroes it (not r itself); NULL is a no-op. */
void stats_ols_clear(stats_ols *r);

/* Row i (0 <= i < n) of a design given on demand: its p values into x, its
 * y into *y and, when cluster is not NULL, its cluster id into *cluster.
 * Called several times for each row, in any order: the same row must give
 * the same values each time. */
typedef void (*stats_ols_row_fn)(void *ctx, size_t i, double *x, double *y, long *cluster);

/* stats_ols_fit on n rows that row(ctx, i, ...) gives as they are needed,
 * so the design is never held: the same results (stats_ols_fit is this
 * function reading its arrays). clustered asks for the cluster-robust
 * errors, row giving the ids. The fit reads the rows in order four times
 * (and once more in cluster order when the cluster ids of the rows used
 * ever decrease: it then sorts them, 16 bytes a row); otherwise its memory
 * is O(p^2) and a block of 512 rows. Fails as stats_ols_fit; on success
 * the caller releases out with stats_ols_clear. */
int stats_ols_fit_rows(stats_ols_row_fn row, void *ctx, size_t n, size_t p, bool clustered,
                       double level, stats_ols *out, char *err, size_t errlen);

typedef struct stats_did {
  size_t n, dropped, n_clusters;
  double estimate;                                     /* the treated x post coefficient */
  double se, t, df, p;                                 /* classical */
  double se_cluster, t_cluster, df_cluster, p_cluster; /* clustered by unit */
  double ci_low, ci_high;                              /* cluster-robust, on df_cluster */
} stats_did;

/* Difference in differences: y = b0 + b1 treated + b2 post + b3 treated x post,
 * by OLS, with the classical and the unit-clustered (as stats_ols_fit) errors
 * of b3. treated and post must be 0 or 1. Fails as stats_ols_fit. */
int stats_did_fit(const long *unit, const double *treated, const double *post, const double *y,
                  size_t n, double level, stats_did *out, char *err, size_t errlen);

/* ---- scales, comparisons, proportions ---- */

typedef struct stats_alpha {
  size_t n, k, dropped; /* complete rows used, items, rows dropped */
  double alpha;
} stats_alpha;

/* Cronbach's alpha of k items over n respondents (items row-major: n rows
 * of k), listwise deletion. Fails on k < 2, fewer than 2 complete rows or a
 * total score with zero variance. */
int stats_cronbach_alpha(const double *items, size_t n, size_t k, stats_alpha *out, char *err,
                         size_t errlen);

typedef enum stats_adjust { STATS_HOLM, STATS_BH } stats_adjust;

/* Adjusts the n p values in p (each in [0, 1]) for multiple comparisons,
 * as R's p.adjust(p, "holm") or "BH", into out (n values, may be p). Fails
 * on n == 0 or a p value outside [0, 1]. */
int stats_p_adjust(const double *p, size_t n, stats_adjust method, double *out, char *err,
                   size_t errlen);

typedef struct stats_prop {
  double k, n, estimate, ci_low, ci_high;
} stats_prop;

/* The Wilson score interval for k successes in n trials (0 <= k <= n,
 * n > 0). */
int stats_wilson(double k, double n, double level, stats_prop *out, char *err, size_t errlen);

typedef struct stats_anova {
  size_t n, groups, dropped;
  /* The sums of squares: ss_between * 2^ss_exp is the sum in y's units
   * squared. ss_exp is 0 unless those sums would pass the largest double
   * or fall below the smallest normal one (y beyond about 1e154 or below
   * 1e-154): then they are kept in the units the test worked in (y times
   * 2^-e, ss_exp = 2e) instead of becoming inf or 0. */
  double ss_between, ss_within;
  int ss_exp;
  double f, df1, df2, p;
  double eta_squared; /* ss_between / (ss_between + ss_within) */
} stats_anova;

/* One-way ANOVA of y across the groups named by group[i] (any ids), as R's
 * anova(lm(y ~ factor(group))). Fails on fewer than 2 groups, no more
 * observations than groups, or zero variance within groups. */
int stats_anova_oneway(const double *y, const long *group, size_t n, stats_anova *out, char *err,
                       size_t errlen);

#endif
