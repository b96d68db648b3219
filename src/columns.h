/* The columns of a CSV file that a statistical test reads: numbers found
 * by their header names, kept in arrays (NaN for an empty cell), with every
 * cell that is not a number, and every malformed record, reported as
 * FILE:LINE:COLUMN. A large regular file is mapped and read in pieces in
 * parallel, with the results and messages of reading it in one go. Used by
 * `cleval stats`. */
#ifndef CLEVAL_COLUMNS_H
#define CLEVAL_COLUMNS_H

#include <stdbool.h>
#include <stddef.h>

#include "csvin.h"
#include "exactsum.h"

typedef struct columns {
  const char *name; /* file name for messages */
  size_t ncols;     /* numeric columns */
  bool diff;        /* paired tests: col[0] holds y - x of columns x, y */
  exactsum *sums;   /* set (with diff) before reading: y - x is summed here,
                       not kept, for a paired t test (owned) */
  size_t dropped;   /* sums: rows with x or y empty */
  size_t overflows; /* sums: rows where y - x is beyond the largest double */
  long overflow_line; /* sums: the line of the first of them, 0 for none */
  char **names;     /* their header names */
  double **col;     /* col[j][i], NaN for an empty cell */
  size_t nrows, cap;
  bool fixed;  /* the arrays may not move (a thread writes into them) */
  char **text; /* the text column's cells, when one was asked for */
  size_t problems;
} columns;

/* A CSV file being read: a reader past the header, and the file mapped
 * into memory when it is large (the reader reads the mapping then). */
typedef struct columns_input {
  csvin *r;
  char *map;
  size_t len;
} columns_input;

/* Opens path ("-" for standard input) and reads its header. Returns
 * EXIT_OK; EXIT_RUNTIME when it cannot be read, EXIT_INVALID when it has
 * no header, with the message in err. Close with columns_close. */
int columns_open(const char *path, columns_input *in, char *err, size_t errlen);
void columns_close(columns_input *in);

/* Finds the columns names[0..n) in the header of r, into idx; prints each
 * one missing and returns how many are. */
int columns_find(const csvin *r, const char *const *names, size_t n, int *idx);

/* An empty table of n numeric columns with these header names; name is
 * the file's, for messages. Set diff before reading for a paired test, and
 * sums too when only the moments of the differences are wanted: then no
 * row is kept, nrows counts them, and a large file is read with no memory
 * beyond its mapping. */
void columns_init(columns *t, const char *name, const char *const *names, size_t n);
void columns_free(columns *t);

/* A cell as a number: 1 for a number (in *out), 0 for an empty cell, -1
 * for anything else. s[len] must be a NUL (as csvin's fields have). */
int columns_number(const char *s, size_t len, double *out);

/* Reads the rows after the header: the numeric columns idx[0..ncols) into
 * t, and the text column tidx (or -1) into t->text. Each problem is
 * printed and counted in t->problems. */
void columns_read(columns_input *in, const int *idx, size_t ncols, int tidx, columns *t);

#endif
