/* Private to the analysis (analysis*.c): the state a report's chapters
 * share while they are built, and the cell helpers every chapter fills its
 * tables through, so that the small-cell rule is applied in one place. */
#ifndef CLEVAL_ANALYSIS_CELLS_H
#define CLEVAL_ANALYSIS_CELLS_H

#include <stddef.h>

#include "compass.h"
#include "config.h"
#include "dataset.h"
#include "report_doc.h"
#include "vocab.h"

#define AREAS(ar) vocab_name(VOCAB_AREA, ar)

/* Establishment types grouped as the seed report's table 1 does (vocab.h). */
#define NGROUPS VOCAB_NGROUPS

/* The five agreement levels, "strongly disagree" to "strongly agree". */
extern const char *const cells_agree[5];

typedef struct analysis {
  const dataset *ds;
  const report_config *cfg;
  report_doc *doc;
  char fewer[32];  /* "fewer than 5" */
  size_t *matched; /* leaders with a matched pre and post response */
  size_t nmatched;
  size_t *enrolment; /* per leader: the completed enrolment (earliest), DS_NONE */
  char (*bands)[48]; /* band labels */
  int nbands;
  compass_unit *units;
  size_t nunits;
  compass_counts cc;
  double *pre, *post;   /* scratch, nleaders each */
  size_t *by_survey[2]; /* the responses of each ds_survey, in order */
  size_t nby_survey[2];
  const report_table *sized; /* the table whose group sizes sizes[] holds */
  long long *sizes;          /* per row of it: the group's n, withheld or not */
  size_t nsizes;
} analysis;

typedef struct column {
  const char *name, *heading;
  int digits;
} column;

/* A new table of the document with the columns cols (name, heading, digits). */
report_table *cells_table(analysis *a, const char *id, const char *title, report_section s,
                          const column *cols, size_t ncols);
#define TABLE(a, id, title, s, cols) cells_table(a, id, title, s, cols, sizeof cols / sizeof *cols)

size_t cells_col(const report_table *t, const char *name);
const cell *cells_at(const report_table *t, size_t r, const char *name);
void cells_num(report_table *t, size_t r, const char *name, double x);
void cells_int(report_table *t, size_t r, const char *name, long long x);
void cells_text(report_table *t, size_t r, const char *name, const char *s);

/* The small-cell rule: a group of n shows no figures. */
int cells_hidden(const analysis *a, size_t n);
/* The same for a count inside a shown group. */
int cells_hidden_count(const analysis *a, size_t k);
void cells_suppress(const analysis *a, report_table *t, size_t r, size_t n);
void cells_table_n(const analysis *a, report_table *t, size_t n);
void cells_group_size(analysis *a, const report_table *t, size_t r, size_t n);
void cells_complement(analysis *a, report_table *t, const char *key1, const char *key2,
                      size_t first_rows);

void cells_chart(report_table *t, chart_kind kind, const char *cat, const char *series,
                 const char *const *values, int nvalues, const char *lo, const char *hi,
                 const char *x_label, const char *y_label, double y_max);

/* The mean of x[0..n), NAN when n is 0. */
double cells_mean(const double *x, size_t n);
/* The confidence level as a percentage (95). */
double cells_conf_pct(const analysis *a);

/* The chapters, each adding its tables to a->doc in the report's order. */
void analysis_samples(analysis *a);    /* samples, attrition, delivery */
void analysis_knowledge(analysis *a);  /* level 2 */
void analysis_practice(analysis *a);   /* level 3 */
void analysis_benchmarks(analysis *a); /* level 4 */

#endif
