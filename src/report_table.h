/* One table or figure of the report (keyed by its report.json id): columns,
 * cells, small-cell suppression, the chart drawn from it, its tests, notes
 * and finding. Tables are collected in a report_doc (report_doc.h); plain
 * data, so analysis computes them without I/O and the report writes them
 * without computing anything. */
#ifndef CLEVAL_REPORT_TABLE_H
#define CLEVAL_REPORT_TABLE_H

#include <stddef.h>

typedef enum cell_kind {
  CELL_NULL,   /* missing: JSON null, empty in CSV, "–" in HTML */
  CELL_NUMBER, /* a double; JSON %.17g, HTML rounded to the column's digits */
  CELL_INT,    /* a count */
  CELL_TEXT,   /* a label, or a suppression such as "fewer than 5" */
} cell_kind;

/* Why a cell holds no figure although its group exists: the small-cell rule
 * (a group of 1 to small_cell - 1) or an empty group (none). A marked cell
 * is CELL_NULL: JSON null, empty in CSV, listed in report.json's
 * "suppressed" record; the HTML prints "fewer than N" or "none" in the
 * row's first marked cell. */
typedef enum cell_mark {
  MARK_NONE,
  MARK_SUPPRESSED, /* below the small-cell threshold */
  MARK_EMPTY,      /* a group with no one in it */
  MARK_SECONDARY,  /* complementary suppression: a group large enough to show,
                      withheld so that a smaller withheld group beside it cannot
                      be worked out by subtracting the shown groups from a
                      total shown elsewhere (report.json reason "secondary";
                      the HTML prints "withheld") */
} cell_mark;

typedef struct cell {
  cell_kind kind;
  cell_mark mark;
  double num;  /* CELL_NUMBER */
  long long i; /* CELL_INT */
  char *text;  /* CELL_TEXT, owned by the table */
} cell;

/* The report's chapters, in the order they are printed. */
typedef enum report_section {
  SECTION_SAMPLES,  /* who took part: samples, attrition, representativeness */
  SECTION_DELIVERY, /* programme delivery: the fund's places, completions, bursaries */
  SECTION_LEVEL2,   /* Kirkpatrick level 2: knowledge (fig1-3, table1, providers) */
  SECTION_LEVEL3,   /* level 3: behaviour and practice (fig4-17) */
  SECTION_LEVEL4,   /* level 4: results, Compass benchmarks (fig18-21, did) */
  SECTION_APPENDIX, /* reliability, question bank, data sources */
  SECTION_NSECTIONS
} report_section;

typedef enum chart_kind {
  CHART_NONE,    /* a table only */
  CHART_BAR,     /* one bar per row: value_cols[0] against category_col */
  CHART_GROUPED, /* bars grouped by category_col, one series per value column
                    (e.g. pre_mean and post_mean), or one series per distinct
                    value of series_col when series_col >= 0 */
  CHART_STACKED, /* one 100 % bar per category, a segment per value column */
} chart_kind;

#define CHART_MAX_SERIES 8

/* How to draw a table as a chart; columns are indices into the table. */
typedef struct chart_spec {
  chart_kind kind;
  int category_col; /* x-axis categories */
  int series_col;   /* -1: the series are the value columns */
  int value_cols[CHART_MAX_SERIES];
  int nvalues;
  int ci_low_col, ci_high_col;   /* error bars around value_cols[0] (or each
                                    series' single value); -1 for none */
  const char *x_label, *y_label; /* static strings */
  double y_max;                  /* 0: from the data */
  int panel_col; /* -1; else small multiples: one chart per distinct value of
                    this column (in order of first appearance), all on the
                    same value axis */
} chart_spec;

/* A statistical test reported with a table (report.json "tests"). */
typedef struct table_test {
  char *label;                         /* what was compared, e.g. "leadership" */
  char *name;                          /* "paired-t", "wilcoxon", "did", "anova", ... */
  double statistic, df, p, p_adjusted; /* NAN where not applicable */
  double df2;        /* the second degrees of freedom of an F test; NAN when none */
  double effect;     /* effect size (dz, g, V), NAN when none */
  char *effect_name; /* "cohens_dz", ...; NULL when none */
} table_test;

typedef struct report_table {
  char *id; /* "fig1", "table1", "did", ...; the HTML element id */
  char *title;
  report_section section;
  size_t ncols;
  char **columns;  /* report.json column names (fixed for the DESIGN.md ids) */
  char **headings; /* human headings for HTML, NULL entries = use the name */
  int *digits;     /* decimals shown in HTML per column (JSON is full precision) */
  size_t nrows, caprows;
  cell *cells; /* nrows x ncols, row-major */
  long long n; /* respondents or establishments behind it; -1 when none */
  table_test *tests;
  size_t ntests;
  chart_spec chart;
  char *alt;    /* the chart's text alternative (NULL when no chart) */
  char **notes; /* sentences printed under the table: sources, suppression,
                   what is missing and why */
  size_t nnotes;
  unsigned char *no_chart; /* per row: 1 = in the table, not in the chart
                              (e.g. a sum beside its parts); NULL = all */
  char *finding;   /* one sentence under the figure saying what it shows,
                      computed from its numbers; NULL when none */
  int small_cell;  /* the threshold behind MARK_SUPPRESSED cells (0: none) */
  char **labels;  /* "code", "label" pairs: how the HTML and charts show a text
                     cell holding a code ("trained_hub" -> "Trained, in a hub");
                     JSON and CSV keep the codes, which scripts read */
  size_t nlabels; /* number of pairs */
} report_table;


/* A new empty table with the given columns (copied). Caller frees with
 * report_table_free, or hands it to report_doc_add (report_doc.h). */
report_table *report_table_new(const char *id, const char *title, report_section section,
                               const char *const *columns, size_t ncols);
void report_table_free(report_table *t);

/* Sets the HTML heading and decimals of column col. */
void report_table_column(report_table *t, size_t col, const char *heading, int digits);

/* Appends a row of NULL cells and returns its index. */
size_t report_table_add_row(report_table *t);
void report_table_set_num(report_table *t, size_t row, size_t col, double x); /* NaN -> NULL */
void report_table_set_int(report_table *t, size_t row, size_t col, long long x);
void report_table_set_text(report_table *t, size_t row, size_t col, const char *s);
const cell *report_table_cell(const report_table *t, size_t row, size_t col);
/* The column's index, or -1. */
int report_table_find_column(const report_table *t, const char *name);

/* Withholds the cells of row from column from to the last: each becomes
 * CELL_NULL marked why (MARK_SUPPRESSED for a group of 1 to small_cell - 1,
 * MARK_EMPTY for an empty group). A label column must come before from. */
void report_table_suppress_row(report_table *t, size_t row, size_t from, cell_mark why,
                               int small_cell);
/* Withholds one cell (as above; MARK_SECONDARY for complementary
 * suppression). The first MARK_SECONDARY cell of a table adds a note saying
 * why such cells read "withheld". */
void report_table_suppress(report_table *t, size_t row, size_t col, cell_mark why, int small_cell);
/* Complementary (secondary) suppression of one additive relation: k parts
 * (groups) whose total is shown elsewhere (a total row, another table, the
 * title's N), part i of size sizes[i] and already withheld when withheld[i]
 * is nonzero. One withheld part of size > 0 beside parts all shown could be
 * recovered by subtraction, so then the shown part of smallest size > 0
 * (the first on a tie) must be withheld too. Returns its index, -1 when
 * nothing more need be withheld (no part withheld, or two or more), or -2
 * when one must be and no shown part of size > 0 is left (the total must
 * then be withheld instead). Pure: marks nothing; the web dashboard and the
 * report share it. */
long report_table_pick_complement(const long long *sizes, const unsigned char *withheld, size_t k);

/* report_table_pick_complement over rows rows[0..k) of t, part i of size sizes[i]
 * (the group's n, known to the caller even where its cell is withheld); a
 * part is withheld when its row has a MARK_SUPPRESSED or MARK_SECONDARY
 * cell. The row chosen has its cells from column from onward withheld as
 * MARK_SECONDARY. Returns the
 * chosen row's index into rows, -1 or -2 as report_table_pick_complement. */
long report_table_suppress_complement(report_table *t, const size_t *rows, const long long *sizes,
                                      size_t k, size_t from, int small_cell);

/* 1 when some cell of row is marked. */
int report_table_row_marked(const report_table *t, size_t row);

/* Sets the chart's value columns: n (1 to CHART_MAX_SERIES) column
 * indices of t. Returns 0; -1, changing nothing, when n or a column is out
 * of range (issue 18 defect 7: value_cols has CHART_MAX_SERIES places). */
int report_table_chart_values(report_table *t, const int *cols, int n);

/* Leaves row out of the table's chart (it stays in the table). */
void report_table_chart_skip(report_table *t, size_t row);
/* Sets the sentence under the table (replacing any). */
void report_table_set_finding(report_table *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Shows text cells equal to code as label in the HTML (strings copied). */
void report_table_label(report_table *t, const char *code, const char *label);
/* The label of a code, or text itself when it has none. */
const char *report_table_display(const report_table *t, const char *text);

/* Adds a test (strings copied); returns it for effect sizes to be set. */
table_test *report_table_add_test(report_table *t, const char *label, const char *name,
                                  double statistic, double df, double p);
void report_table_add_note(report_table *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void report_table_set_alt(report_table *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
