/* cleval stats TEST [FILE.csv | -] [--json] [--yates]: one statistical test
 * on the columns of a CSV, printed APA style or as JSON. Reading and
 * printing only; the statistics are in stats.c. */
#include <ctype.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "csvin.h"
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
    "are 95 %.\n\n"
    "An empty cell is a missing value: it drops that pair (paired tests), that\n"
    "value (two-sample tests) or that row (ols, did, alpha), and the number\n"
    "dropped is reported (\"dropped\" in JSON).\n\n"
    "TESTS (columns in brackets)\n"
    "  paired-t      [x, y] paired t test of y - x.\n"
    "                keys: n, dropped, mean_diff, sd_diff, se, t, df, p, ci_low,\n"
    "                ci_high, cohens_dz\n"
    "  welch-t       [x, y] Welch's two-sample t test of y against x (the columns\n"
    "                may have different lengths; empty cells are ignored).\n"
    "  student-t     [x, y] the same with a pooled variance.\n"
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
    "A file of 4 MiB or more is read in parallel, one piece per processor;\n"
    "CLEVAL_STATS_THREADS sets the number of pieces (1 reads in one go).\n\n"
    "Exit status: 0 done; 1 the file could not be read; 2 usage error (an\n"
    "unknown test or option); 3 invalid input: a missing column, a cell that\n"
    "is not a number (named FILE:LINE:COLUMN), too few usable values, zero\n"
    "variance, a singular design. Nothing is printed to standard output then.\n",
    run,
};

#define LEVEL 0.95

/* ---- reading ---- */

typedef struct table {
  const char *name; /* file name for messages */
  size_t ncols;     /* numeric columns */
  bool diff;        /* paired tests: col[0] holds y - x of columns x, y */
  char **names;     /* their header names */
  double **col;     /* col[j][i], NaN for an empty cell */
  size_t nrows, cap;
  bool fixed;  /* the arrays may not move (a thread writes into them) */
  char **text; /* the text column's cells, when one was asked for */
  size_t problems;
} table;

static void table_init(table *t, const char *name, const char *const *names, size_t n) {
  memset(t, 0, sizeof *t);
  t->name = name;
  t->ncols = n;
  t->col = xcalloc(n ? n : 1, sizeof *t->col);
  t->names = xcalloc(n ? n : 1, sizeof *t->names);
  for (size_t j = 0; j < n; j++)
    t->names[j] = xstrdup(names[j]);
}

static void table_free(table *t) {
  for (size_t j = 0; j < t->ncols; j++) {
    free(t->col[j]);
    free(t->names[j]);
  }
  free(t->col);
  free(t->names);
  if (t->text)
    for (size_t i = 0; i < t->nrows; i++)
      free(t->text[i]);
  free(t->text);
}

static const double pow10_tab[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* A cell that is not a plain [-]digits[.digits] (see parse_cell): blanks
 * around it trimmed, then only digits, signs, a point and an exponent, read
 * by strtod (correctly rounded, as the plain path is). */
static int parse_cell_general(const char *s, size_t len, double *out) {
  const char *p = s, *e = s + len;
  while (p < e && (*p == ' ' || *p == '\t'))
    p++;
  while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
    e--;
  if (p == e)
    return 0;
  size_t n = (size_t)(e - p);
  for (size_t k = 0; k < n; k++) {
    char c = p[k];
    if (!(isdigit((unsigned char)c) || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'))
      return -1;
  }
  char buf[128];
  if (n >= sizeof buf)
    return -1;
  memcpy(buf, p, n);
  buf[n] = '\0';
  char *end;
  double v = strtod(buf, &end);
  if (end != buf + n || end == buf || !isfinite(v))
    return -1;
  *out = v == 0 ? 0.0 : v; /* no negative zero */
  return 1;
}

/* Parses a cell, s[0..len) followed by a NUL (as csvin's fields are): 1 for
 * a number (in *out), 0 for an empty cell, -1 for anything else (words,
 * "nan", "inf", hex, a number too large). The usual cell, [-]digits[.digits]
 * with at most 15 digits, is an integer below 2^53 divided by an exact power
 * of ten: one correctly rounded division (Clinger's fast path), read up to
 * the NUL without bounds checks (a NUL inside the cell stops the digits
 * early and leaves it to the general path, as does anything else). */
static inline int parse_cell(const char *s, size_t len, double *out) {
  const unsigned char *u = (const unsigned char *)s;
  size_t i = u[0] == '-', nd, nf = 0;
  uint64_t m = 0;
  unsigned d;
  while ((d = (unsigned)u[i] - '0') < 10) {
    m = m * 10 + d;
    i++;
  }
  nd = i - (u[0] == '-');
  if (u[i] == '.') {
    size_t f = ++i;
    while ((d = (unsigned)u[i] - '0') < 10) {
      m = m * 10 + d;
      i++;
    }
    nf = i - f;
    nd += nf;
  }
  if (i == len && nd >= 1 && nd <= 15) {
    /* Negated before the division, which rounds -m exactly as m; m == 0
     * keeps its sign, so there is no negative zero. */
    double num = u[0] == '-' && m ? -(double)m : (double)m;
    *out = num / pow10_tab[nf];
    return 1;
  }
  return parse_cell_general(s, len, out);
}

/* A message about a row: printed at once (msgs NULL), or appended to msgs,
 * NUL-terminated, to be printed later in file order (a piece of the file
 * read in a thread: see read_split). */
static void row_error(strbuf *msgs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void row_error(strbuf *msgs, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  if (msgs) {
    strbuf_vprintf(msgs, fmt, ap);
    strbuf_putc(msgs, '\0');
  } else {
    strbuf b = STRBUF_INIT;
    strbuf_vprintf(&b, fmt, ap);
    cli_error("%s", strbuf_str(&b));
    strbuf_free(&b);
  }
  va_end(ap);
}

/* ---- reading a large file in pieces, in parallel ----
 *
 * A large regular file (at least CLEVAL_STATS_PARALLEL_MIN_BYTES bytes,
 * PARALLEL_MIN_BYTES by default; the variable lets the tests take both
 * paths on a small file) is mapped into memory. The rows after the header
 * are cut into as many pieces as there are processors (at most MAX_PIECES;
 * CLEVAL_STATS_THREADS sets the number), each just after a line that holds
 * a record (cut_after). After a piece with no '"' at all the next one
 * starts a record, so it can be parsed on its own: by a reader (a libcsv
 * parser) of its own, numbering lines from where the piece starts, in a
 * thread of its own. The first piece is read in the calling thread and
 * prints its messages at once; the others keep theirs, and the rows are
 * joined and the messages printed in file order, so the result, the
 * messages and the counts are those of reading the file in one go.
 *
 * From a piece that holds a '"' on, the file is read in one go (a quoted
 * field may hold line feeds); the last piece, with no piece after it, is
 * read on its own whatever it holds. Reading stops for good where a piece
 * stopped for good (a record too long), as one reader would. A piece whose
 * messages fill their buffer stops early, and the rest of the file is read
 * in one go from there.
 *
 * The rows go straight into the arrays of the table, sized beforehand from
 * the first lines: the first piece from row 0, every other piece from a
 * row that the pieces before it cannot reach (each record ends at a line
 * feed or a carriage return not followed by one: at most that many rows),
 * so no thread ever moves or overwrites another's rows. In the usual file
 * every line is a row and the pieces' rows meet exactly; otherwise they are
 * moved together afterwards. Rows past the arrays' end go to a table of
 * the piece's own, appended afterwards. */
#define PARALLEL_MIN_BYTES ((uint64_t)4 << 20)
#define MAX_PIECES 8

/* A piece of the file read in a thread. */
typedef struct piece {
  const char *data; /* the piece: data[0..len) */
  size_t len;
  const char *from; /* the rows start at from: the piece follows from..data */
  long first_line;  /* of from; then of data */
  const int *idx;
  size_t ncols;
  int tidx;
  table *shared;       /* the table whose arrays it writes into */
  atomic_bool *cancel; /* set: the piece is not needed after all */
  size_t at;           /* the row of shared where its rows start */
  table view;          /* its rows in shared's arrays (not owned) */
  table over;          /* its rows past their end */
  strbuf msgs;         /* its messages, each NUL-terminated */
  size_t cut;          /* bytes read when it stopped early for its messages */
  bool last;           /* the last piece of the file */
  bool quoted;         /* it holds a '"' (and is not the last): not read */
  bool stopped;        /* reading stopped for good in it */
  bool threaded;       /* read in a thread (to be joined) */
  pthread_t thread;
} piece;

/* A piece stops (and the rest of the file is read in one go, printing as it
 * goes) once its buffered messages pass this size, so a file of nothing but
 * errors needs no more memory than this. */
#define PIECE_MSG_LIMIT (256 * 1024)

/* The arrays of a table that hold rows: the numeric columns (one for a
 * paired test) and the text column (when asked for). */
static size_t stored_cols(const table *t) { return t->diff ? 1 : t->ncols; }

/* How read_rows ended. */
enum { ROWS_END, ROWS_CUT };

/* What read_rows keeps while csvin_scan hands it a record's fields. */
typedef struct rows {
  table *t, *over; /* rows go to t, and to over once t is fixed and full */
  csvin *r;
  const int *idx; /* the numeric columns */
  size_t ncols;
  int tidx;  /* the text column, or -1 */
  int *slot; /* slot[f]: j where idx[j] == f, else -1 (f < nslot) */
  size_t nslot;
  piece *p;        /* the piece being read in a thread, or NULL */
  strbuf *msgs;    /* its messages, or NULL: print at once */
  size_t f;        /* the field being handed over */
  double *val;     /* the record's numbers, by j */
  signed char *pc; /* parse_cell's verdict on each, by j */
  char (*bad)[48]; /* a cell that is not a number, as its message shows it */
  char *text;      /* the text cell (owned until the row takes it) */
  bool cancelled;
} rows;

static void row_field(void *data, size_t len, void *ctx) {
  rows *w = ctx;
  size_t f = w->f++;
  const char *cell = data;
  if ((int)f == w->tidx) {
    free(w->text);
    w->text = cell[0] ? xstrdup(cell) : NULL;
  }
  if (f >= w->nslot || w->slot[f] < 0)
    return;
  size_t j = (size_t)w->slot[f];
  w->pc[j] = (signed char)parse_cell(cell, len, &w->val[j]);
  if (w->pc[j] < 0)
    snprintf(w->bad[j], sizeof w->bad[j], "%.40s%s", cell, strlen(cell) > 40 ? "..." : "");
}

/* Room for one more row in t (not fixed): after the first rows, for the
 * whole file at their size. */
static void table_reserve(table *t, csvin *r, int tidx) {
  uint64_t total = csvin_total_bytes(r), done = csvin_bytes_read(r);
  size_t want = t->cap ? 2 * t->cap : 1024;
  if (t->cap && total > done && done > 0) {
    double est = (double)total / (double)done * (double)t->nrows * 1.05 + 1024;
    if (est > (double)want && est < 1e12)
      want = (size_t)est;
  }
  t->cap = want;
  for (size_t j = 0; j < stored_cols(t); j++)
    t->col[j] = xrealloc_big(t->col[j], t->cap * sizeof(double));
  if (tidx >= 0)
    t->text = xrealloc(t->text, t->cap * sizeof *t->text);
}

static bool row_end(const char *problem, void *ctx) {
  rows *w = ctx;
  table *t = w->t->fixed && w->t->nrows == w->t->cap ? w->over : w->t;
  if (problem) {
    row_error(w->msgs, "%s", problem);
    t->problems++;
  } else {
    for (size_t j = 0; j < w->ncols; j++)
      if (w->pc[j] < 0) {
        row_error(w->msgs, "%s:%ld:%d: '%s' is not a number (column %s)", t->name, csvin_line(w->r),
                  w->idx[j] + 1, w->bad[j], t->names[j]);
        t->problems++;
      }
    if (t->nrows == t->cap)
      table_reserve(t, w->r, w->tidx);
    if (t->diff) {
      double x = w->pc[0] == 1 ? w->val[0] : NAN, y = w->pc[1] == 1 ? w->val[1] : NAN;
      t->col[0][t->nrows] = isnan(x) || isnan(y) ? NAN : y - x;
    } else {
      for (size_t j = 0; j < w->ncols; j++)
        t->col[j][t->nrows] = w->pc[j] == 1 ? w->val[j] : NAN;
    }
    if (w->tidx >= 0) {
      t->text[t->nrows] = w->text;
      w->text = NULL;
    }
    t->nrows++;
  }
  w->f = 0;
  memset(w->pc, 0, w->ncols);
  if (w->p && atomic_load_explicit(w->p->cancel, memory_order_relaxed)) {
    w->cancelled = true;
    return true;
  }
  return w->msgs && w->msgs->len > PIECE_MSG_LIMIT;
}

/* Reads every record after the header: the numeric columns idx[0..ncols)
 * into t, and the text column tidx (or -1); once t is fixed and full, into
 * over. Reports each problem through row_error: at once, or for a piece p
 * into its messages. Returns ROWS_END at the end of the input (and, for a
 * piece, as soon as it is cancelled); for a piece, ROWS_CUT when its
 * messages passed PIECE_MSG_LIMIT (at the end of a line; p->cut the bytes
 * read). */
static int read_rows(csvin *r, const int *idx, size_t ncols, int tidx, table *t, table *over,
                     piece *p) {
  rows w = {.t = t,
            .over = over,
            .r = r,
            .idx = idx,
            .ncols = ncols,
            .tidx = tidx,
            .p = p,
            .msgs = p ? &p->msgs : NULL};
  for (size_t j = 0; j < ncols; j++)
    if ((size_t)idx[j] + 1 > w.nslot)
      w.nslot = (size_t)idx[j] + 1;
  w.slot = xmalloc((w.nslot ? w.nslot : 1) * sizeof *w.slot);
  for (size_t f = 0; f < w.nslot; f++)
    w.slot[f] = -1;
  for (size_t j = 0; j < ncols; j++)
    w.slot[idx[j]] = (int)j;
  w.val = xcalloc(ncols ? ncols : 1, sizeof *w.val);
  w.pc = xcalloc(ncols ? ncols : 1, sizeof *w.pc);
  w.bad = xcalloc(ncols ? ncols : 1, sizeof *w.bad);
  csvin_sink sink = {row_field, row_end, &w};
  int how = ROWS_END;
  while (csvin_scan(r, &sink) == 1 && !w.cancelled) {
    /* Stopped for the messages: cut at the end of a line. */
    uint64_t done = csvin_bytes_read(r);
    if (done > 0 && p->data[done - 1] == '\n') {
      p->cut = (size_t)done;
      how = ROWS_CUT;
      break;
    }
  }
  free(w.text);
  free(w.slot);
  free(w.val);
  free(w.pc);
  free(w.bad);
  return how;
}

/* Appends the rows of u to t (not fixed) and adds up the problems; u is
 * left empty. */
static void table_append(table *t, table *u) {
  size_t n = t->nrows + u->nrows;
  t->problems += u->problems;
  u->problems = 0;
  if (u->nrows == 0)
    return;
  if (n > t->cap) {
    for (size_t j = 0; j < stored_cols(t); j++)
      t->col[j] = xrealloc_big(t->col[j], n * sizeof(double));
    if (u->text)
      t->text = xrealloc(t->text, n * sizeof *t->text);
    t->cap = n;
  }
  for (size_t j = 0; j < stored_cols(t); j++)
    memcpy(t->col[j] + t->nrows, u->col[j], u->nrows * sizeof(double));
  if (u->text) /* the strings change hands */
    memcpy(t->text + t->nrows, u->text, u->nrows * sizeof *t->text);
  t->nrows = n;
  free(u->text);
  u->text = NULL;
  u->nrows = 0;
}

/* The rows of t from row `at` on, as a fixed table of its own for a piece
 * to write into (nothing when at is past t's arrays). */
static void view_init(table *v, table *t, size_t at) {
  table_init(v, t->name, (const char *const *)t->names, t->ncols);
  v->diff = t->diff;
  v->fixed = true;
  if (at >= t->cap)
    return;
  for (size_t j = 0; j < stored_cols(t); j++)
    v->col[j] = t->col[j] + at;
  if (t->text)
    v->text = t->text + at;
  v->cap = t->cap - at;
}

/* Frees a view; with its rows' strings when `all` (the rows were not
 * taken). */
static void view_free(table *v, bool all) {
  for (size_t j = 0; j < stored_cols(v); j++)
    v->col[j] = NULL;
  if (!all)
    v->text = NULL;
  else if (v->text) {
    for (size_t i = 0; i < v->nrows; i++)
      free(v->text[i]);
    v->text = NULL;
  }
  table_free(v);
}

/* Moves the rows of piece p's view down to the end of t's rows, then
 * appends its other rows. */
static void take_rows(table *t, piece *p) {
  size_t n = p->view.nrows;
  if (n && p->at != t->nrows) { /* t->nrows < p->at: the pieces before it had fewer rows */
    for (size_t j = 0; j < stored_cols(t); j++)
      memmove(t->col[j] + t->nrows, t->col[j] + p->at, n * sizeof(double));
    if (t->text)
      memmove(t->text + t->nrows, t->text + p->at, n * sizeof *t->text);
  }
  t->nrows += n;
  t->problems += p->view.problems;
  view_free(&p->view, false);
  table_append(t, &p->over);
}

/* Reads a piece (not the first) into the arrays of p->shared from a row the
 * pieces before it cannot reach; returns NULL (a pthread start routine). */
static void *read_piece(void *arg) {
  piece *p = arg;
  table_init(&p->over, p->shared->name, (const char *const *)p->shared->names, p->shared->ncols);
  p->over.diff = p->shared->diff;
  if (!p->last && memchr(p->data, '"', p->len)) {
    p->quoted = true;
    view_init(&p->view, p->shared, SIZE_MAX);
    return NULL;
  }
  size_t lone;
  size_t lf = csvin_count_lines(p->from, (size_t)(p->data - p->from), &lone);
  p->first_line += (long)lf;
  p->at = lf + lone;
  view_init(&p->view, p->shared, p->at);
  csvin *r;
  char err[512];
  if (csvin_open_mem(&r, p->shared->name, p->data, p->len, err, sizeof err) != 0) {
    row_error(&p->msgs, "%s", err);
    p->view.problems++;
    p->stopped = true;
    return NULL;
  }
  csvin_set_first_line(r, p->first_line);
  read_rows(r, p->idx, p->ncols, p->tidx, &p->view, &p->over, p);
  p->stopped = csvin_stopped(r);
  csvin_close(r);
  return NULL;
}

/* Prints the messages of a piece, in order. */
static void print_msgs(const strbuf *msgs) {
  for (size_t at = 0; at < msgs->len; at += strlen(msgs->data + at) + 1)
    cli_error("%s", msgs->data + at);
}

/* Reads data[0..len), which starts line `line`, in one go into t (not
 * fixed), printing as it goes. */
static void read_rest(const char *data, size_t len, long line, const int *idx, size_t ncols,
                      int tidx, table *t) {
  csvin *r;
  char err[512];
  if (csvin_open_mem(&r, t->name, data, len, err, sizeof err) != 0) {
    cli_error("%s", err);
    t->problems++;
    return;
  }
  csvin_set_first_line(r, line);
  read_rows(r, idx, ncols, tidx, t, NULL, NULL);
  csvin_close(r);
}

/* Where a piece may start, at or after `at`: just past a line feed that
 * ends a line with more than blanks on it (spaces, tabs, carriage returns),
 * so that a reader on the whole file returns there, a record read, and a
 * reader on the rest takes up from there as it would. (After blank lines
 * it would not: it goes on to the next record, counting the blank lines
 * into its record length and, after a line of only spaces, numbering the
 * record by that line.) Lines are looked at back to `floor` at most; 0
 * when there is no such place before the end. */
static size_t cut_after(const char *map, size_t len, size_t at, size_t floor) {
  while (at < len) {
    const char *nl = memchr(map + at, '\n', len - at);
    if (!nl)
      return 0;
    size_t end = (size_t)(nl - map);
    for (size_t k = end; k > floor && map[k - 1] != '\n'; k--)
      if (map[k - 1] != ' ' && map[k - 1] != '\t' && map[k - 1] != '\r')
        return end + 1 < len ? end + 1 : 0;
    at = end + 1;
  }
  return 0;
}

/* CLEVAL_STATS_THREADS, or the processors online; at most MAX_PIECES. */
static size_t pieces_wanted(void) {
  const char *v = getenv("CLEVAL_STATS_THREADS");
  long n = 0;
  if (v && *v) {
    char *end;
    n = strtol(v, &end, 10);
    if (*end != '\0')
      n = 0;
  }
  if (n <= 0)
    n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : n > MAX_PIECES ? MAX_PIECES : (size_t)n;
}

/* Reads the rows of the mapped file map[0..len), whose header r has read,
 * into t (empty), in pieces (see above). Returns false, having read
 * nothing, when there is nothing to cut. */
static bool read_split(csvin *r, const char *map, size_t len, const int *idx, size_t ncols,
                       int tidx, table *t) {
  size_t start = (size_t)csvin_bytes_read(r); /* the header's line feed included */
  if (start >= len)
    return false;
  /* Where each piece starts (see cut_after). The first piece is made 1 %
   * longer, as the others first count the lines before them. */
  size_t want = pieces_wanted(), cuts[MAX_PIECES + 1];
  cuts[0] = start;
  size_t npieces = 1;
  for (size_t k = 1; k < want; k++) {
    size_t at = start + (len - start) / want * k + (len - start) / 100;
    if (at < cuts[npieces - 1])
      at = cuts[npieces - 1];
    size_t cut = cut_after(map, len, at, cuts[npieces - 1]);
    if (!cut)
      break;
    cuts[npieces++] = cut;
  }
  if (npieces < 2)
    return false;
  cuts[npieces] = len;
  size_t lone, body = len - start, sample = body < 65536 ? body : 65536;
  long line0 = 1 + (long)csvin_count_lines(map, start, &lone);

  /* The arrays, for the rows of the whole file at the density of its first
   * lines, and never more than it can hold (a row takes 2 bytes at least). */
  double est =
      (double)csvin_count_lines(map + start, sample, &lone) / (double)sample * (double)body;
  size_t cap = (size_t)(est * 1.05) + 1024;
  if (cap > body / 2 + 1)
    cap = body / 2 + 1;
  for (size_t j = 0; j < stored_cols(t); j++)
    t->col[j] = xrealloc_big(t->col[j], cap * sizeof(double));
  if (tidx >= 0)
    t->text = xrealloc(t->text, cap * sizeof *t->text);
  t->cap = cap;
  t->fixed = true; /* until every thread is done */

  atomic_bool cancel;
  atomic_init(&cancel, false);
  piece p[MAX_PIECES];
  memset(p, 0, sizeof p);
  for (size_t i = 1; i < npieces; i++) {
    p[i].data = map + cuts[i];
    p[i].len = cuts[i + 1] - cuts[i];
    p[i].from = map + start;
    p[i].first_line = line0;
    p[i].idx = idx;
    p[i].ncols = ncols;
    p[i].tidx = tidx;
    p[i].shared = t;
    p[i].last = i + 1 == npieces;
    p[i].cancel = &cancel;
    p[i].threaded = pthread_create(&p[i].thread, NULL, read_piece, &p[i]) == 0;
  }

  /* The first piece, here, straight into t, printing as it goes; or, when
   * it holds a quote, nothing yet: then the file is read in one go by r. */
  table over0;
  table_init(&over0, t->name, (const char *const *)t->names, t->ncols);
  over0.diff = t->diff;
  bool whole = memchr(map + cuts[0], '"', cuts[1] - cuts[0]) != NULL, stop = whole;
  if (whole) {
    atomic_store(&cancel, true);
  } else {
    csvin *r0;
    char err[512];
    if (csvin_open_mem(&r0, t->name, map + cuts[0], cuts[1] - cuts[0], err, sizeof err) != 0) {
      cli_error("%s", err);
      t->problems++;
      stop = true;
    } else {
      csvin_set_first_line(r0, line0);
      read_rows(r0, idx, ncols, tidx, t, &over0, NULL);
      stop = csvin_stopped(r0);
      csvin_close(r0);
    }
  }

  /* Wait for the others, in order; those after a piece where reading
   * stopped are not wanted. */
  size_t used = 1; /* the pieces whose rows count */
  for (size_t i = 1; i < npieces; i++) {
    if (stop)
      atomic_store(&cancel, true);
    if (p[i].threaded)
      pthread_join(p[i].thread, NULL);
    else if (!stop)
      read_piece(&p[i]); /* no thread was to be had: the same work, here */
    if (stop) {          /* (tables never started are all zeros: freeing them is fine) */
      view_free(&p[i].view, true);
      table_free(&p[i].over);
      continue;
    }
    used = i + 1;
    stop = p[i].quoted || p[i].stopped || p[i].cut;
  }

  /* Every thread is done: the rows and messages in file order. */
  t->fixed = false;
  table_append(t, &over0);
  table_free(&over0);
  for (size_t i = 1; i < used; i++) {
    print_msgs(&p[i].msgs);
    take_rows(t, &p[i]);
    table_free(&p[i].over);
    if (p[i].quoted)
      read_rest(p[i].data, (size_t)(map + len - p[i].data),
                line0 + (long)csvin_count_lines(map + start, cuts[i] - start, &lone), idx, ncols,
                tidx, t);
    else if (p[i].cut)
      read_rest(p[i].data + p[i].cut, (size_t)(map + len - p[i].data) - p[i].cut,
                p[i].first_line + (long)csvin_count_lines(p[i].data, p[i].cut, &lone), idx, ncols,
                tidx, t);
  }
  for (size_t i = 1; i < npieces; i++)
    strbuf_free(&p[i].msgs);
  if (whole)
    read_rows(r, idx, ncols, tidx, t, NULL, NULL);
  return true;
}

/* The input of a test: a reader past the header, and the file mapped into
 * memory when it is large (the reader reads the mapping then). */
typedef struct input {
  csvin *r;
  char *map;
  size_t len;
} input;

/* Reads the rows after the header into t (see read_rows): in pieces when
 * the input allows, else in one go. */
static void read_body(input *in, const int *idx, size_t ncols, int tidx, table *t) {
  if (in->map && read_split(in->r, in->map, in->len, idx, ncols, tidx, t))
    return;
  read_rows(in->r, idx, ncols, tidx, t, NULL, NULL);
}

/* CLEVAL_STATS_PARALLEL_MIN_BYTES, or PARALLEL_MIN_BYTES. */
static uint64_t parallel_min_bytes(void) {
  const char *v = getenv("CLEVAL_STATS_PARALLEL_MIN_BYTES");
  if (v && *v) {
    char *end;
    unsigned long long n = strtoull(v, &end, 10);
    if (*end == '\0')
      return (uint64_t)n;
  }
  return PARALLEL_MIN_BYTES;
}

/* A mapped file that shrinks while it is read (another program truncates
 * or rewrites it) raises SIGBUS where its pages are gone. Then reading
 * stops with this message and status 1, as for a file that cannot be read;
 * nothing has been printed to standard output yet. */
static char shrank_msg[600];
static size_t shrank_len;
static struct sigaction sigbus_before;

static void on_sigbus(int sig) {
  (void)sig;
  ssize_t w = write(STDERR_FILENO, shrank_msg, shrank_len); /* all a handler may do */
  (void)w;
  _exit(EXIT_RUNTIME);
}

/* Maps path into memory when it is a regular file large enough to be read
 * in pieces; on any failure leaves in->map NULL (it is read as a stream). */
static void map_input(const char *path, input *in) {
  if (strcmp(path, "-") == 0)
    return;
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return;
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
      (uint64_t)st.st_size >= parallel_min_bytes() && (uint64_t)st.st_size <= SIZE_MAX) {
    size_t len = (size_t)st.st_size;
    int flags = MAP_PRIVATE;
#ifdef MAP_POPULATE
    flags |= MAP_POPULATE; /* the whole file is read: map it all at once */
#endif
    void *m = mmap(NULL, len, PROT_READ, flags, fd, 0);
    if (m != MAP_FAILED) {
      in->map = m;
      in->len = len;
      int n = snprintf(shrank_msg, sizeof shrank_msg,
                       "cleval: %s: the file shrank while it was being read (is another "
                       "program writing it?)\n",
                       path);
      shrank_len = n < 0 ? 0 : (size_t)n < sizeof shrank_msg ? (size_t)n : sizeof shrank_msg - 1;
      struct sigaction sa;
      memset(&sa, 0, sizeof sa);
      sa.sa_handler = on_sigbus;
      sigemptyset(&sa.sa_mask);
      sigaction(SIGBUS, &sa, &sigbus_before);
    }
  }
  close(fd);
}

static void close_input(input *in) {
  csvin_close(in->r);
  in->r = NULL;
  if (in->map) {
    munmap(in->map, in->len);
    sigaction(SIGBUS, &sigbus_before, NULL);
  }
  in->map = NULL;
}

/* Opens the CSV and reads its header. */
static int open_csv(const char *path, input *in, char *err, size_t errlen) {
  memset(in, 0, sizeof *in);
  map_input(path, in);
  if (in->map ? csvin_open_mem(&in->r, path, in->map, in->len, err, errlen) != 0
              : csvin_open(&in->r, path, err, errlen) != 0) {
    close_input(in);
    return EXIT_RUNTIME;
  }
  int rc = csvin_next(in->r, err, errlen);
  if (rc <= 0) {
    if (rc == 0)
      snprintf(err, errlen, "%s: empty file (expected a header row)", csvin_name(in->r));
    close_input(in);
    return EXIT_INVALID;
  }
  return EXIT_OK;
}

static void list_header(const csvin *r, strbuf *b) {
  for (size_t i = 0; i < csvin_nfields(r); i++) {
    if (i)
      strbuf_puts(b, ", ");
    strbuf_puts(b, csvin_field(r, i));
  }
}

/* Finds the columns names[0..n) in the header; prints each one missing. */
static int find_columns(const csvin *r, const char *const *names, size_t n, int *idx) {
  int missing = 0;
  for (size_t j = 0; j < n; j++) {
    idx[j] = csvin_header_index(r, names[j]);
    if (idx[j] < 0) {
      strbuf b = STRBUF_INIT;
      list_header(r, &b);
      cli_error("%s:%ld: no column named '%s' (the header has: %s)", csvin_name(r), csvin_line(r),
                names[j], strbuf_str(&b));
      strbuf_free(&b);
      missing++;
    }
  }
  return missing;
}

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

/* APA p: "p < .001", "p = .034", "p > .999". */
static void put_apa_p(strbuf *b, double p) {
  if (p < 0.001)
    strbuf_puts(b, "p < .001");
  else if (p >= 0.9995)
    strbuf_puts(b, "p > .999");
  else {
    char s[32];
    snprintf(s, sizeof s, "%.3f", p);
    strbuf_printf(b, "p = %s", s[0] == '0' ? s + 1 : s);
  }
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

/* JSON object building: json_key writes the separator and the key. */
typedef struct jout {
  strbuf *b;
  bool first;
} jout;

static void json_key(jout *j, const char *key) {
  strbuf_puts(j->b, j->first ? "{" : ", ");
  j->first = false;
  strbuf_put_json(j->b, key);
  strbuf_puts(j->b, ": ");
}

static void json_num(jout *j, const char *key, double v) {
  json_key(j, key);
  strbuf_put_number(j->b, v);
}

static void json_size(jout *j, const char *key, size_t v) {
  json_key(j, key);
  strbuf_printf(j->b, "%zu", v);
}

static void json_bool(jout *j, const char *key, bool v) {
  json_key(j, key);
  strbuf_puts(j->b, v ? "true" : "false");
}

static void json_str(jout *j, const char *key, const char *v) {
  json_key(j, key);
  strbuf_put_json(j->b, v);
}

/* An array of n numbers; NaN entries print as null. */
static void json_arr(jout *j, const char *key, const double *v, size_t n) {
  json_key(j, key);
  strbuf_putc(j->b, '[');
  for (size_t i = 0; i < n; i++) {
    if (i)
      strbuf_puts(j->b, ", ");
    strbuf_put_number(j->b, v[i]);
  }
  strbuf_putc(j->b, ']');
}

static void json_end(jout *j) { strbuf_puts(j->b, j->first ? "{}\n" : "}\n"); }

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

static int stats_failed(ctx *c) {
  cli_error("%s: %s: %s", c->name, c->test, c->err);
  return EXIT_INVALID;
}

static int do_paired(ctx *c, table *t, bool wilcoxon) {
  const double *d = t->col[0]; /* y - x, read so (table.diff) */
  jout j = {c->out, true};
  if (!wilcoxon) {
    stats_paired r;
    if (stats_paired_t_diff(d, t->nrows, LEVEL, &r, c->err, sizeof c->err) != 0)
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
  if (stats_wilcoxon_diff(d, t->nrows, &r, c->err, sizeof c->err) != 0)
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
static int do_twosample(ctx *c, table *t, int kind) {
  const double *x = t->col[0], *y = t->col[1];
  size_t n = t->nrows;
  jout j = {c->out, true};
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

static int do_ols(ctx *c, table *t) {
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
  jout j = {c->out, true};
  if (c->json) {
    json_str(&j, "test", c->test);
    json_key(&j, "terms");
    strbuf_puts(c->out, "[\"(Intercept)\"");
    for (size_t i = 0; i < k; i++) {
      strbuf_puts(c->out, ", ");
      strbuf_put_json(c->out, t->names[i + 1]);
    }
    strbuf_putc(c->out, ']');
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
      if (r.p_value[i] < 0.001)
        snprintf(pbuf, sizeof pbuf, "< .001");
      else
        snprintf(pbuf, sizeof pbuf, "%.3f", r.p_value[i]);
      strbuf_printf(c->out, "%-16s %12.6g %12.6g %12.6g %9.2f %9s\n", name, r.coef[i], r.se[i],
                    r.se_hc1[i], r.t[i], pbuf);
    }
  }
  stats_ols_clear(&r);
  return EXIT_OK;
}

static int do_did(ctx *c, table *t) {
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
  jout j = {c->out, true};
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

static int do_anova(ctx *c, table *t) {
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
  jout j = {c->out, true};
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

static int do_alpha(ctx *c, table *t) {
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
  jout j = {c->out, true};
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

static int do_padjust(ctx *c, table *t) {
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
  jout j = {c->out, true};
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

static int do_prop(ctx *c, table *t) {
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
  jout j = {c->out, true};
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
      int pc = parse_cell(cell, csvin_field_len(r, jj + 1), &v);
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
  jout j = {c->out, true};
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

static int run_test(ctx *c, enum kind kind, input *in) {
  csvin *r = in->r;
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
  int missing = 0, tidx = -1;
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
    missing = find_columns(r, names, n, idx);
  }
  if (text && find_columns(r, &text, 1, &tidx) > 0)
    missing++;
  table t;
  table_init(&t, c->name, names, n);
  t.diff = kind == PAIRED_T || kind == WILCOXON;
  free(all);
  int status = EXIT_INVALID;
  if (missing)
    goto cleanup;
  read_body(in, idx, n, tidx, &t);
  if (t.problems)
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
  table_free(&t);
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
  input in;
  int status = open_csv(path, &in, err, sizeof err);
  if (status != EXIT_OK) {
    cli_error("%s", err);
    return status;
  }
  strbuf out = STRBUF_INIT;
  ctx c = {tests[which].name, csvin_name(in.r), json, yates, &out, {0}};
  status = run_test(&c, tests[which].kind, &in);
  if (status == EXIT_OK) {
    fwrite(strbuf_str(&out), 1, out.len, stdout);
    if (fflush(stdout) != 0 || ferror(stdout)) {
      cli_error("cannot write the result to standard output");
      status = EXIT_RUNTIME;
    }
  }
  strbuf_free(&out);
  close_input(&in);
  return status;
}
