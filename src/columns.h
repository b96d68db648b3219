/* The columns of a CSV file that a statistical test reads: numbers found
 * by their header names, kept in arrays (NaN for an empty cell), or for a
 * paired t test only summed, with every cell that is not a number, and
 * every malformed record, reported as FILE:LINE:COLUMN. Read in one pass
 * with csvin_next: memory beyond the arrays is bounded by the widest row.
 * Problems go to the caller's callback; nothing is printed. Used by
 * `cleval stats`. */
#ifndef CLEVAL_COLUMNS_H
#define CLEVAL_COLUMNS_H

#include <stdbool.h>
#include <stddef.h>

#include "compsum.h"
#include "csvin.h"

typedef struct columns {
  const char *name; /* file name for messages */
  size_t ncols;     /* numeric columns */
  bool diff;        /* paired tests: col[0] holds y - x of columns x, y */
  bool sum_only;    /* with diff: y - x is summed into sums, not kept */
  compsum_moments sums;
  size_t dropped;     /* sum_only: rows with x or y empty */
  size_t overflows;   /* sum_only: rows where y - x is beyond the largest double */
  long overflow_line; /* sum_only: the line of the first of them, 0 for none */
  char **names;       /* their header names */
  double **col;       /* col[j][i], NaN for an empty cell */
  size_t nrows, cap;
  char **text; /* the text column's cells, when one was asked for */
  size_t problems;
} columns;

/* Where the functions below hand each problem they find: msg, valid only
 * during the call, is "FILE:LINE:COLUMN: what is wrong" (or "FILE:LINE:
 * what is wrong"); ctx is the caller's. */
typedef void columns_problem_fn(void *ctx, const char *msg);

/* Finds the columns names[0..n) in the header record hdr, into idx (-1 for
 * one missing). Returns 0 when all are there; else hands each one missing
 * to problem and returns -1. */
int columns_find(const csvin *hdr, const char *const *names, size_t n, int *idx,
                 columns_problem_fn *problem, void *ctx);

/* An empty table of n numeric columns with these header names; name is
 * the file's, for messages. Set diff before reading for a paired test, and
 * sum_only too when only the moments of the differences are wanted: then
 * no row is kept and nrows counts them. */
void columns_init(columns *t, const char *name, const char *const *names, size_t n);
void columns_free(columns *t);

/* A cell as a number: 1 for a number (in *out), 0 for an empty cell, -1
 * for anything else. s[len] must be a NUL (as csvin's fields have). */
int columns_number(const char *s, size_t len, double *out);

/* Reads the rows after the header from r: the numeric columns
 * idx[0..ncols) into t, and the text column tidx (or -1) into t->text.
 * Every problem (a malformed record, a cell that is not a number) is handed
 * to problem and counted in t->problems; reading goes on past it, so all
 * of them are found. Returns 0, or -1 when there was any problem. */
int columns_read(csvin *r, const int *idx, size_t ncols, int tidx, columns *t,
                 columns_problem_fn *problem, void *ctx);

#endif
