/* The columns of a CSV file that a statistical test reads (see
 * columns.h): cells read as numbers, every problem named by file, line and
 * column, and a large file read in pieces in parallel. */
#include "columns.h"

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
#include "strbuf.h"
#include "xalloc.h"

void columns_init(columns *t, const char *name, const char *const *names, size_t n) {
  memset(t, 0, sizeof *t);
  t->name = name;
  t->ncols = n;
  t->col = xcalloc(n ? n : 1, sizeof *t->col);
  t->names = xcalloc(n ? n : 1, sizeof *t->names);
  for (size_t j = 0; j < n; j++)
    t->names[j] = xstrdup(names[j]);
}

void columns_free(columns *t) {
  for (size_t j = 0; j < t->ncols; j++) {
    free(t->col[j]);
    free(t->names[j]);
  }
  free(t->col);
  free(t->names);
  free(t->sums);
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

/* The usual cell, s[0..len) followed by a NUL (as csvin's fields are):
 * [-]digits[.digits], at most 19 bytes, whose digits make an integer m of
 * at most 2^53. Then the number is m divided by an exact power of ten: one
 * correctly rounded division (Clinger's fast path), in *out, and true. The
 * digits are read up to the NUL without bounds checks (a NUL inside the
 * cell stops them early and leaves it to parse_cell_general, as does
 * anything else: false). */
static inline bool plain_number(const char *s, size_t len, double *out) {
  const unsigned char *u = (const unsigned char *)s;
  if (len - 1 >= 19) /* 1 to 19 bytes: m cannot overflow */
    return false;
  size_t neg = u[0] == '-', dot = 0, nf = 0;
  const unsigned char *p = u + neg, *q = p;
  uint64_t m = 0;
  unsigned d;
  while ((d = (unsigned)*q - '0') < 10) {
    m = m * 10 + d;
    q++;
  }
  if (d == (unsigned)('.' - '0')) {
    const unsigned char *f = ++q;
    dot = 1;
    while ((d = (unsigned)*q - '0') < 10) {
      m = m * 10 + d;
      q++;
    }
    nf = (size_t)(q - f);
  }
  if (q != u + len || (size_t)(q - p) <= dot || m > UINT64_C(1) << 53)
    return false;
  int64_t sm = ((int64_t)m ^ -(int64_t)neg) + (int64_t)neg; /* -0 is 0 */
  *out = (double)sm / pow10_tab[nf];
  return true;
}

/* Parses a cell, s[0..len) followed by a NUL: 1 for a number (in *out), 0
 * for an empty cell, -1 for anything else (words, "nan", "inf", hex, a
 * number too large). */
static inline int parse_cell(const char *s, size_t len, double *out) {
  return plain_number(s, len, out) ? 1 : parse_cell_general(s, len, out);
}

int columns_number(const char *s, size_t len, double *out) { return parse_cell(s, len, out); }

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
 * a record (csvin_cut_after). After a piece with no '"' at all the next one
 * starts a record, so it can be parsed on its own: by a reader (a libcsv
 * parser) of its own, numbering lines from where the piece starts, in a
 * thread of its own. The first piece is read in the calling thread and
 * prints its messages at once; the others keep theirs, and the rows are
 * joined and the messages printed in file order, so the result, the
 * messages and the counts are those of reading the file in one go.
 *
 * From a piece that holds a '"' on, the file is read in one go (a quoted
 * field may hold line feeds and run on past the piece's end); the last
 * piece, with no piece after it, is read on its own whatever it holds. As
 * quotes are rare in numeric data, nobody looks for one first: each piece
 * is read, and dropped if it held one (the first piece's reader, which
 * pauses at the piece's end, then goes on through the rest). Reading stops
 * for good where a piece stopped for good (a record too long), as one
 * reader would. A piece whose messages fill their buffer stops early, and
 * the rest of the file is read in one go from there.
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
  const char *from;      /* the rows start at from: the piece follows from..data */
  long first_line;       /* of from; then of data, once lines_counted */
  bool lines_counted;    /* the lines from `from` to data */
  const char *prev;      /* the piece before: prev..data */
  size_t index;          /* its place among the pieces, from 1 */
  struct prefix *prefix; /* the lines before each piece, shared */
  const int *idx;
  size_t ncols;
  int tidx;
  columns *shared;     /* the table whose arrays it writes into */
  atomic_bool *cancel; /* set: the piece is not needed after all */
  size_t at;           /* the row of shared where its rows start */
  columns view;        /* its rows in shared's arrays (not owned) */
  columns over;        /* its rows past their end */
  strbuf msgs;         /* its messages, each NUL-terminated */
  size_t cut;          /* bytes read when it stopped early for its messages */
  bool last;           /* the last piece of the file */
  bool quoted;         /* it holds a '"' (and is not the last): dropped */
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
static size_t stored_cols(const columns *t) { return t->diff ? 1 : t->ncols; }

/* How read_rows ended. */
enum { ROWS_END, ROWS_CUT };

/* What read_rows keeps while csvin_scan hands it a record's fields. */
typedef struct rows {
  columns *t, *over; /* rows go to t, and to over once t is fixed and full */
  csvin *r;
  const int *idx; /* the numeric columns */
  size_t ncols;
  int tidx;    /* the text column, or -1 */
  size_t x, y; /* idx[0] and idx[1], for pair_field */
  int *slot;   /* slot[f]: j where idx[j] == f, else -1 (f < nslot) */
  size_t nslot;
  piece *p;        /* the piece being read in a thread, or NULL */
  strbuf *msgs;    /* its messages, or NULL: print at once */
  size_t f;        /* the field being handed over */
  double *val;     /* the record's numbers, by j */
  signed char *pc; /* parse_cell's verdict on each, by j */
  char (*bad)[48]; /* a cell that is not a number, as its message shows it */
  size_t nbad;     /* such cells in the record */
  char *text;      /* the text cell (owned until the row takes it) */
  bool cancelled;
  size_t records; /* taken by row_record and pair_record in a plain stretch */
  bool stop;      /* ... until one of them asked to stop */
} rows;

/* The text column's cell, kept for the row. Out of line, as the cells
 * that are not numbers are: the usual cell is a number, read inline. */
static __attribute__((noinline, cold)) void keep_text(rows *w, const char *cell) {
  free(w->text);
  w->text = cell[0] ? xstrdup(cell) : NULL;
}

/* A cell of numeric column j that is not a number, as its message will
 * show it. */
static __attribute__((noinline, cold)) void keep_bad(rows *w, size_t j, const char *cell) {
  snprintf(w->bad[j], sizeof w->bad[j], "%.40s%s", cell, strlen(cell) > 40 ? "..." : "");
  w->nbad++;
}

static void row_field(void *data, size_t len, void *ctx) {
  rows *w = ctx;
  size_t f = w->f++;
  const char *cell = data;
  if ((int)f == w->tidx)
    keep_text(w, cell);
  if (f >= w->nslot || w->slot[f] < 0)
    return;
  size_t j = (size_t)w->slot[f];
  int pc = parse_cell(cell, len, &w->val[j]);
  w->pc[j] = (signed char)pc;
  if (pc < 0)
    keep_bad(w, j, cell);
}

/* Room for one more row in t (not fixed): after the first rows, for the
 * whole file at their size. */
static void columns_reserve(columns *t, csvin *r, int tidx) {
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

/* The record's y - x into the sums of t (columns x, y). */
static inline void sum_row(columns *t, const rows *w) {
  if (w->pc[0] != 1 || w->pc[1] != 1) {
    t->dropped++;
    return;
  }
  double d = w->val[1] - w->val[0];
  if (isfinite(d))
    exactsum_add(t->sums, d);
  else if (!t->overflows++)
    t->overflow_line = csvin_line(w->r);
}

/* The record into the arrays of t, as row t->nrows. */
static inline void keep_row(columns *t, rows *w) {
  if (t->nrows == t->cap)
    columns_reserve(t, w->r, w->tidx);
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
}

/* Whether the piece being read is not needed after all. */
static inline bool piece_cancelled(rows *w) {
  if (w->p && atomic_load_explicit(w->p->cancel, memory_order_relaxed)) {
    w->cancelled = true;
    return true;
  }
  return false;
}

/* After a record: whether the piece being read is to stop, as it is not
 * needed after all or its messages passed their limit. */
static inline bool row_stop(rows *w) {
  return piece_cancelled(w) || (w->msgs && w->msgs->len > PIECE_MSG_LIMIT);
}

/* Ready for the next record's fields. */
static inline void forget_record(rows *w) {
  w->f = 0;
  w->nbad = 0;
  for (size_t j = 0; j < w->ncols; j++) /* (a call to memset costs more here) */
    w->pc[j] = 0;
}

static bool row_end(const char *problem, void *ctx) {
  rows *w = ctx;
  columns *t = !w->t->sums && w->t->fixed && w->t->nrows == w->t->cap ? w->over : w->t;
  if (problem) {
    row_error(w->msgs, "%s", problem);
    t->problems++;
  } else {
    for (size_t j = 0; w->nbad && j < w->ncols; j++)
      if (w->pc[j] < 0) {
        row_error(w->msgs, "%s:%ld:%d: '%s' is not a number (column %s)", t->name, csvin_line(w->r),
                  w->idx[j] + 1, w->bad[j], t->names[j]);
        t->problems++;
      }
    if (t->sums)
      sum_row(t, w);
    else
      keep_row(t, w);
    t->nrows++;
  }
  forget_record(w);
  return row_stop(w);
}

/* A cell of a paired t test's columns that is not a plain number. */
static __attribute__((noinline)) void pair_cell(rows *w, size_t j, const char *cell, size_t len) {
  int pc = parse_cell_general(cell, len, &w->val[j]);
  w->pc[j] = (signed char)pc;
  if (pc < 0)
    keep_bad(w, j, cell);
}

/* The sink of a paired t test's sums: columns x and y, no text column,
 * nothing kept. What row_field and row_end do for it, in fewer steps, as
 * it runs for every cell of what may be a very large file; a record with
 * a problem goes to row_end. */
static void pair_field(void *data, size_t len, void *ctx) {
  rows *w = ctx;
  size_t f = w->f++, j = f == w->y;
  if (!j && f != w->x)
    return;
  if (plain_number(data, len, &w->val[j]))
    w->pc[j] = 1;
  else
    pair_cell(w, j, data, len);
}

static bool pair_end(const char *problem, void *ctx) {
  rows *w = ctx;
  if (problem || w->nbad)
    return row_end(problem, ctx);
  sum_row(w->t, w);
  w->t->nrows++;
  w->f = 0;
  w->pc[0] = w->pc[1] = 0;
  return piece_cancelled(w); /* (no message, so not past their limit) */
}

/* end(NULL, ctx) for the records of a plain stretch, which libcsv hands
 * over itself (see csvin_sink). One for each end, so that each inlines its
 * own (a shared helper taking the end as a pointer does not). */
static void row_record(int c, void *ctx) {
  (void)c;
  rows *w = ctx;
  if (w->stop)
    return;
  if (row_end(NULL, w))
    w->stop = true;
  else
    w->records++;
}

static void pair_record(int c, void *ctx) {
  (void)c;
  rows *w = ctx;
  if (w->stop)
    return;
  if (pair_end(NULL, w))
    w->stop = true;
  else
    w->records++;
}

/* Reads every record after the header: the numeric columns idx[0..ncols)
 * into t, and the text column tidx (or -1); once t is fixed and full, into
 * over. Reports each problem through row_error: at once, or for a piece p
 * into its messages. Returns ROWS_END at the end of the input (and, for a
 * piece, as soon as it is cancelled); for a piece, ROWS_CUT when its
 * messages passed PIECE_MSG_LIMIT (at the end of a line; p->cut the bytes
 * read). */
static int read_rows(csvin *r, const int *idx, size_t ncols, int tidx, columns *t, columns *over,
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
  csvin_sink sink = {row_field, row_end, &w, row_record, &w.records, &w.stop};
  if (t->sums && ncols == 2 && tidx < 0) {
    w.x = (size_t)idx[0];
    w.y = (size_t)idx[1];
    sink = (csvin_sink){pair_field, pair_end, &w, pair_record, &w.records, &w.stop};
  }
  int how = ROWS_END;
  while (csvin_scan(r, &sink) == 1 && !w.cancelled) {
    /* Stopped for the messages: cut at the end of a line. */
    uint64_t done = csvin_bytes_read(r);
    if (done > 0 && p->data[done - 1] == '\n') {
      p->cut = (size_t)done;
      how = ROWS_CUT;
      break;
    }
    /* (Not after a stop in a plain stretch, which ends its line: what
     * the rest of that stretch left in w is never read.) */
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
static void columns_append(columns *t, columns *u) {
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
static void view_init(columns *v, columns *t, size_t at) {
  columns_init(v, t->name, (const char *const *)t->names, t->ncols);
  v->diff = t->diff;
  v->fixed = true;
  if (t->sums) { /* sums of its own, merged in take_rows */
    v->sums = exactsum_new();
    return;
  }
  if (at >= t->cap)
    return;
  for (size_t j = 0; j < stored_cols(t); j++)
    v->col[j] = t->col[j] + at;
  if (t->text)
    v->text = t->text + at;
  v->cap = t->cap - at;
}

/* Frees a view (and its sums); with its rows' strings when `all` (the
 * rows were not taken). */
static void view_free(columns *v, bool all) {
  for (size_t j = 0; j < stored_cols(v); j++)
    v->col[j] = NULL;
  if (!all)
    v->text = NULL;
  else if (v->text) {
    for (size_t i = 0; i < v->nrows; i++)
      free(v->text[i]);
    v->text = NULL;
  }
  columns_free(v);
}

/* Moves the rows of piece p's view down to the end of t's rows, then
 * appends its other rows. */
static void take_rows(columns *t, piece *p) {
  size_t n = p->view.nrows;
  if (t->sums) {
    exactsum_merge(t->sums, p->view.sums);
    t->dropped += p->view.dropped;
    if (!t->overflows) /* the first in the file: the pieces come in order */
      t->overflow_line = p->view.overflow_line;
    t->overflows += p->view.overflows;
  } else if (n && p->at != t->nrows) { /* t->nrows < p->at: the pieces before it had fewer rows */
    for (size_t j = 0; j < stored_cols(t); j++)
      memmove(t->col[j] + t->nrows, t->col[j] + p->at, n * sizeof(double));
    if (t->text)
      memmove(t->text + t->nrows, t->text + p->at, n * sizeof *t->text);
  }
  t->nrows += n;
  t->problems += p->view.problems;
  view_free(&p->view, false);
  columns_append(t, &p->over);
}

/* The lines before each piece, for pieces that keep rows (whose first row
 * depends on them): piece i counts the lines of piece i - 1, all pieces at
 * once, and adds what piece i - 1 found before itself, so no piece counts
 * more than one piece's lines. A piece that will not count (it is not
 * read) gives up its place, and so does every piece after it: their rows
 * are not wanted then. */
typedef struct prefix {
  pthread_mutex_t lock;
  pthread_cond_t changed;
  enum { PREFIX_PENDING, PREFIX_KNOWN, PREFIX_ABANDONED } state[MAX_PIECES];
  size_t lf[MAX_PIECES], lone[MAX_PIECES]; /* before piece i */
} prefix;

static void prefix_init(prefix *x) {
  memset(x, 0, sizeof *x);
  pthread_mutex_init(&x->lock, NULL);
  pthread_cond_init(&x->changed, NULL);
}

static void prefix_destroy(prefix *x) {
  pthread_mutex_destroy(&x->lock);
  pthread_cond_destroy(&x->changed);
}

/* Piece i gives up its place (if it has not taken it). */
static void prefix_abandon(prefix *x, size_t i) {
  pthread_mutex_lock(&x->lock);
  if (x->state[i] == PREFIX_PENDING)
    x->state[i] = PREFIX_ABANDONED;
  pthread_cond_broadcast(&x->changed);
  pthread_mutex_unlock(&x->lock);
}

/* Piece p starts after lf line feeds and lone bare carriage returns from
 * p->from: its first line, and the row past every row the pieces before it
 * can hold (each line feed or bare carriage return ends one at most). */
static void lines_before_known(piece *p, size_t lf, size_t lone) {
  p->first_line += (long)lf;
  p->at = lf + lone;
  p->lines_counted = true;
}

/* The lines before piece p by the chain above: false when a piece before
 * it gave up (p gives up too, and is not read). */
static bool chain_lines_before(piece *p) {
  size_t i = p->index, lone, lf = csvin_count_lines(p->prev, (size_t)(p->data - p->prev), &lone);
  prefix *x = p->prefix;
  bool known = true;
  pthread_mutex_lock(&x->lock);
  if (i > 1) {
    while (x->state[i - 1] == PREFIX_PENDING)
      pthread_cond_wait(&x->changed, &x->lock);
    known = x->state[i - 1] == PREFIX_KNOWN;
    lf += x->lf[i - 1];
    lone += x->lone[i - 1];
  }
  x->state[i] = known ? PREFIX_KNOWN : PREFIX_ABANDONED;
  x->lf[i] = lf;
  x->lone[i] = lone;
  pthread_cond_broadcast(&x->changed);
  pthread_mutex_unlock(&x->lock);
  if (known)
    lines_before_known(p, lf, lone);
  return known;
}

/* Counts the lines of the pieces before p: p->first_line is then its own,
 * and p->at the first row they cannot reach (each record ends at a line
 * feed or a carriage return not followed by one). */
static void count_lines_before(piece *p) {
  if (p->lines_counted)
    return;
  size_t lone;
  size_t lf = csvin_count_lines(p->from, (size_t)(p->data - p->from), &lone);
  lines_before_known(p, lf, lone);
}

/* Maps in the pages of s[0..n), a part of the mapped file, at once: each
 * thread its own piece, side by side, which is faster than one thread
 * mapping the whole file first, and than a fault every few pages. Where
 * the kernel cannot (before Linux 5.14), the pages fault in as read. */
static void map_in(const char *s, size_t n) {
  long page = sysconf(_SC_PAGESIZE);
  uintptr_t from = (uintptr_t)s, start = page > 0 ? from - from % (uintptr_t)page : from;
  (void)madvise((void *)start, n + (size_t)(from - start), MADV_POPULATE_READ);
}

static void over_init(piece *p) {
  columns_init(&p->over, p->shared->name, (const char *const *)p->shared->names, p->shared->ncols);
  p->over.diff = p->shared->diff;
}

/* Drops what piece p read: it holds a quote, and a quoted field may run on
 * past its end, so the pieces after it are not what they seem; the file is
 * read on from its start in one go instead (see read_split). */
static void drop_piece(piece *p) {
  view_free(&p->view, true);
  view_init(&p->view, p->shared, SIZE_MAX);
  columns_free(&p->over);
  over_init(p);
  strbuf_reset(&p->msgs);
  p->cut = 0;
  p->stopped = false;
  p->quoted = true;
}

/* Reads a piece (not the first) into the arrays of p->shared from a row the
 * pieces before it cannot reach; returns NULL (a pthread start routine). A
 * piece that holds a quote (and is not the last) is read all the same, as
 * a quote is rare and looking for one first would cost a pass over the
 * piece, and then dropped. */
static void *read_piece(void *arg) {
  piece *p = arg;
  map_in(p->data, p->len);
  over_init(p);
  /* Rows kept: they start past every row the pieces before can hold, as
   * many as their lines. Only sums: the lines are counted only if a
   * message needs a line number. */
  if (!p->shared->sums && !chain_lines_before(p)) {
    view_init(&p->view, p->shared, SIZE_MAX);
    return NULL;
  }
  view_init(&p->view, p->shared, p->at);
  csvin *r;
  char err[512];
  if (csvin_open_mem(&r, p->shared->name, p->data, p->len, err, sizeof err) != 0) {
    row_error(&p->msgs, "%s", err);
    p->view.problems++;
    p->stopped = true;
    return NULL;
  }
  if (p->lines_counted)
    csvin_set_first_line(r, p->first_line);
  else
    csvin_set_first_line_after(r, p->first_line, p->from, (size_t)(p->data - p->from));
  read_rows(r, p->idx, p->ncols, p->tidx, &p->view, &p->over, p);
  p->stopped = csvin_stopped(r);
  if (!p->last && csvin_saw_quote(r))
    drop_piece(p);
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
                      int tidx, columns *t) {
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

/* The whole number the environment variable name holds, or fallback when
 * it is unset or holds anything else. */
static uint64_t env_count(const char *name, uint64_t fallback) {
  const char *v = getenv(name);
  if (!v || *v < '0' || *v > '9')
    return fallback;
  char *end;
  unsigned long long n = strtoull(v, &end, 10);
  return *end == '\0' ? (uint64_t)n : fallback;
}

/* CLEVAL_STATS_THREADS, or the processors online; at most MAX_PIECES. */
static size_t pieces_wanted(void) {
  uint64_t n = env_count("CLEVAL_STATS_THREADS", 0);
  if (n == 0) {
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    n = online > 0 ? (uint64_t)online : 1;
  }
  return n > MAX_PIECES ? MAX_PIECES : (size_t)n;
}

/* Reads the rows of the mapped file map[0..len), whose header r has read,
 * into t (empty), in pieces (see above). Returns false, having read
 * nothing, when there is nothing to cut. */
static bool read_split(csvin *r, const char *map, size_t len, const int *idx, size_t ncols,
                       int tidx, columns *t) {
  size_t start = (size_t)csvin_bytes_read(r); /* the header's line feed included */
  if (start >= len)
    return false;
  /* Where each piece starts (see csvin_cut_after). When rows are kept the
   * first piece is made 1 % longer, as the others first count the lines of
   * the piece before them (chain_lines_before). */
  size_t want = pieces_wanted(), cuts[MAX_PIECES + 1];
  cuts[0] = start;
  size_t npieces = 1;
  for (size_t k = 1; k < want; k++) {
    size_t at = start + (len - start) / want * k + (t->sums ? 0 : (len - start) / 100);
    if (at < cuts[npieces - 1])
      at = cuts[npieces - 1];
    size_t cut = csvin_cut_after(map, len, at, cuts[npieces - 1]);
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
   * lines, and never more than it can hold (a row takes 2 bytes at least);
   * none when only sums are kept. */
  if (!t->sums) {
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
  }
  t->fixed = true; /* until every thread is done */

  atomic_bool cancel;
  atomic_init(&cancel, false);
  prefix lines;
  prefix_init(&lines);
  piece p[MAX_PIECES];
  memset(p, 0, sizeof p);
  for (size_t i = 1; i < npieces; i++) {
    p[i].index = i;
    p[i].prefix = &lines;
    p[i].prev = map + cuts[i - 1];
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

  /* The first piece, here, straight into t, printing as it goes, by a
   * reader of the rest of the file that pauses at the piece's end. When it
   * held a quote, which may run on past that end, the other pieces are
   * not what they seem: this reader goes on through them (below). */
  columns over0;
  columns_init(&over0, t->name, (const char *const *)t->names, t->ncols);
  over0.diff = t->diff;
  csvin *r0;
  char err[512];
  bool whole = false, stop = false;
  if (csvin_open_mem(&r0, t->name, map + cuts[0], len - cuts[0], err, sizeof err) != 0) {
    cli_error("%s", err);
    t->problems++;
    stop = true;
  } else {
    map_in(map + cuts[0], cuts[1] - cuts[0]);
    csvin_set_first_line(r0, line0);
    csvin_pause_at(r0, cuts[1] - cuts[0]);
    read_rows(r0, idx, ncols, tidx, t, &over0, NULL);
    stop = csvin_stopped(r0);
    whole = !stop && csvin_saw_quote(r0);
    stop = stop || whole;
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
    else
      prefix_abandon(&lines, i); /* not read: the pieces after it go on */
    if (stop) {                  /* (tables never started are all zeros: freeing them is fine) */
      view_free(&p[i].view, true);
      columns_free(&p[i].over);
      continue;
    }
    used = i + 1;
    stop = p[i].quoted || p[i].stopped || p[i].cut;
  }

  /* Every thread is done: the rows and messages in file order. */
  t->fixed = false;
  columns_append(t, &over0);
  columns_free(&over0);
  for (size_t i = 1; i < used; i++) {
    print_msgs(&p[i].msgs);
    take_rows(t, &p[i]);
    columns_free(&p[i].over);
    if (p[i].quoted)
      read_rest(p[i].data, (size_t)(map + len - p[i].data),
                line0 + (long)csvin_count_lines(map + start, cuts[i] - start, &lone), idx, ncols,
                tidx, t);
    else if (p[i].cut) {
      count_lines_before(&p[i]);
      read_rest(p[i].data + p[i].cut, (size_t)(map + len - p[i].data) - p[i].cut,
                p[i].first_line + (long)csvin_count_lines(p[i].data, p[i].cut, &lone), idx, ncols,
                tidx, t);
    }
  }
  for (size_t i = 1; i < npieces; i++)
    strbuf_free(&p[i].msgs);
  prefix_destroy(&lines);
  if (whole) {
    csvin_pause_at(r0, 0);
    read_rows(r0, idx, ncols, tidx, t, NULL, NULL);
  }
  csvin_close(r0);
  return true;
}

/* Reads the rows after the header into t (see read_rows): in pieces when
 * the input allows, else in one go. */
void columns_read(columns_input *in, const int *idx, size_t ncols, int tidx, columns *t) {
  if (in->map && read_split(in->r, in->map, in->len, idx, ncols, tidx, t))
    return;
  if (in->map)
    map_in(in->map, in->len);
  read_rows(in->r, idx, ncols, tidx, t, NULL, NULL);
}

/* CLEVAL_STATS_PARALLEL_MIN_BYTES, or PARALLEL_MIN_BYTES. */
static uint64_t parallel_min_bytes(void) {
  return env_count("CLEVAL_STATS_PARALLEL_MIN_BYTES", PARALLEL_MIN_BYTES);
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
static void map_input(const char *path, columns_input *in) {
  if (strcmp(path, "-") == 0)
    return;
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return;
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
      (uint64_t)st.st_size >= parallel_min_bytes() && (uint64_t)st.st_size <= SIZE_MAX) {
    size_t len = (size_t)st.st_size;
    void *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0); /* pages mapped in by map_in */
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

void columns_close(columns_input *in) {
  csvin_close(in->r);
  in->r = NULL;
  if (in->map) {
    munmap(in->map, in->len);
    sigaction(SIGBUS, &sigbus_before, NULL);
  }
  in->map = NULL;
}

/* Opens the CSV and reads its header. */
int columns_open(const char *path, columns_input *in, char *err, size_t errlen) {
  memset(in, 0, sizeof *in);
  map_input(path, in);
  if (in->map ? csvin_open_mem(&in->r, path, in->map, in->len, err, errlen) != 0
              : csvin_open(&in->r, path, err, errlen) != 0) {
    columns_close(in);
    return EXIT_RUNTIME;
  }
  int rc = csvin_next(in->r, err, errlen);
  if (rc <= 0) {
    if (rc == 0)
      snprintf(err, errlen, "%s: empty file (expected a header row)", csvin_name(in->r));
    columns_close(in);
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
int columns_find(const csvin *r, const char *const *names, size_t n, int *idx) {
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
