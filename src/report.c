/* The report written out (see report.h): one self-contained HTML file with
 * inline SVG charts, report.json keyed by table id, and tables/ID.csv. It
 * walks a report_doc with one render_ function per element and computes no
 * statistics; rounding and layout are presentation. */
#include "report.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dirs.h"
#include "fund.h"
#include "jsonout.h"
#include "numfmt.h"
#include "strbuf.h"
#include "svg.h"
#include "xalloc.h"
#include "xlsx.h"

/* ---- Chapters ------------------------------------------------------------ */

typedef struct chapter {
  const char *id, *title, *intro;
} chapter;

static const chapter chapters[SECTION_NSECTIONS] = {
    [SECTION_SAMPLES] = {"ch-samples", "Who took part",
                         "The surveys issued and returned, the establishments whose Compass "
                         "returns were compared, and how far those who answered resemble "
                         "everyone who was trained."},
    [SECTION_DELIVERY] = {"ch-delivery", "Programme delivery",
                          "The training fund's places and completions by wave and provider, "
                          "the share of places taken in Careers Hubs against its target, and "
                          "the bursaries paid, from the fund's ledger."},
    [SECTION_LEVEL2] = {"ch-knowledge", "Did the training improve Careers Leader knowledge?",
                        "Level 2 of the Kirkpatrick model: the knowledge Careers Leaders gained "
                        "in the four responsibility areas (leadership, management, coordination "
                        "and networking), from the matched pre- and post-training "
                        "self-assessment surveys, by type of establishment, time in the role "
                        "and training provider."},
    [SECTION_LEVEL3] = {"ch-practice",
                        "Did the training lead to a change in Careers Leader practice?",
                        "Level 3 of the Kirkpatrick model: confidence and practice 6 to 24 "
                        "months after the training, from the anonymous long-term impact "
                        "survey, and the reflective questions of the post-training survey."},
    [SECTION_LEVEL4] = {"ch-results", "Did the training impact careers programmes?",
                        "Level 4 of the Kirkpatrick model: Gatsby Benchmarks fully achieved in "
                        "establishments' Compass returns at baseline and after the training, "
                        "for establishments with and without a trained Careers Leader, in and "
                        "out of Careers Hubs."},
    [SECTION_APPENDIX] = {"ch-reliability", "Reliability and further tables",
                          "The internal consistency of the self-assessment scales and the "
                          "further tables behind the chapters."},
};

static report_section section_of(const report_table *t) {
  return (int)t->section >= 0 && (int)t->section < (int)SECTION_NSECTIONS ? t->section
                                                                          : SECTION_APPENDIX;
}

/* ---- Numbers as text ----------------------------------------------------- */

/* n with thousands separators ("1,466"). */
static void put_grouped(strbuf *b, long long n) {
  char buf[48];
  numfmt_count(buf, sizeof buf, n);
  strbuf_puts(b, buf);
}

/* x rounded to digits decimals, never "-0.0". */
static void put_fixed(strbuf *b, double x, int digits) {
  char buf[64];
  numfmt_fixed(buf, sizeof buf, x, digits);
  strbuf_puts(b, buf);
}

/* A p value column: "p", "p_holm", "wilcoxon_p", ... */
static int is_p_column(const char *name) {
  size_t n = strlen(name);
  return strcmp(name, "p") == 0 || strncmp(name, "p_", 2) == 0 ||
         (n > 2 && strcmp(name + n - 2, "_p") == 0);
}

/* A column of codes rather than quantities: no thousands separators. */
static int is_code_column(const char *name) {
  static const char *const codes[] = {"wave", "year", "benchmark", "urn", "id", "code"};
  size_t n = strlen(name);
  for (size_t i = 0; i < sizeof codes / sizeof *codes; i++)
    if (strcmp(name, codes[i]) == 0)
      return 1;
  return n > 3 && strcmp(name + n - 3, "_id") == 0;
}

/* What a withheld cell says: "fewer than 5" or "none" in the first marked
 * cell of its row, nothing in the others. */
static void put_mark_html(strbuf *b, const report_table *t, size_t row, size_t col, const cell *x) {
  for (size_t c = 0; c < col; c++)
    if (report_table_cell(t, row, c)->mark != MARK_NONE)
      return;
  if (x->mark == MARK_EMPTY)
    strbuf_puts(b, "none");
  else if (x->mark == MARK_SECONDARY)
    strbuf_puts(b, "withheld");
  else
    strbuf_printf(b, "fewer than %d", t->small_cell);
}

/* Money is kept in integer pence ("paid_pence") and shown as pounds. */
static bool is_pence_column(const char *name) {
  size_t n = strlen(name);
  return n > 6 && strcmp(name + n - 6, "_pence") == 0;
}

static void put_cell_html(strbuf *b, const report_table *t, size_t row, size_t col, const cell *x) {
  int digits = t->digits[col];
  char buf[64];
  if (x->mark != MARK_NONE) {
    put_mark_html(b, t, row, col, x);
    return;
  }
  switch (x->kind) {
  case CELL_NULL: strbuf_puts(b, "\xE2\x80\x93"); break; /* – */
  case CELL_INT:
    if (is_pence_column(t->columns[col])) {
      /* Whole pounds drop their ".00", so the wave table fits at 1024 px. */
      fund_pounds(x->i, buf, sizeof buf);
      size_t n = strlen(buf);
      if (x->i % 100 == 0 && n > 3 && strcmp(buf + n - 3, ".00") == 0)
        buf[n - 3] = '\0';
      strbuf_put_html(b, buf);
    } else if (is_code_column(t->columns[col]))
      strbuf_printf(b, "%lld", x->i);
    else
      put_grouped(b, x->i);
    break;
  case CELL_TEXT: strbuf_put_html(b, report_table_display(t, x->text)); break;
  case CELL_NUMBER:
    /* p in APA style, as in the sentences: ".034", "< .001". */
    if (is_p_column(t->columns[col]))
      numfmt_p(buf, sizeof buf, x->num);
    else
      numfmt_fixed(buf, sizeof buf, x->num, digits);
    strbuf_put_html(b, buf);
    break;
  }
}

/* ---- Tests in APA style -------------------------------------------------- */

static const struct {
  const char *name, *label, *symbol;
} test_names[] = {
    {"paired-t", "paired t-test", "t"},
    {"welch-t", "Welch t-test", "t"},
    {"student-t", "Student t-test", "t"},
    {"t", "t-test", "t"},
    {"one-sample-t", "one-sample t-test", "t"},
    {"wilcoxon", "Wilcoxon signed-rank test", "V"},
    {"mann-whitney", "Mann\xE2\x80\x93Whitney test", "W"},
    {"chisq", "chi-square test", "\xCF\x87\xC2\xB2"},
    {"chi-square", "chi-square test", "\xCF\x87\xC2\xB2"},
    {"anova", "one-way ANOVA", "F"},
    {"welch-anova", "Welch ANOVA", "F"},
    {"kruskal-wallis", "Kruskal\xE2\x80\x93Wallis test", "H"},
    {"two-proportion", "two-proportion z-test", "z"},
    {"prop", "two-proportion z-test", "z"},
    {"z", "z-test", "z"},
    {"did", "difference-in-differences", "t"},
};

static const struct {
  const char *name, *symbol;
} effect_names[] = {
    {"cohens_dz", "d"},
    {"cohens_d", "d"},
    {"hedges_g", "g"},
    {"cramers_v", "V"},
    {"eta_squared", "\xCE\xB7\xC2\xB2"},
    {"omega_squared", "\xCF\x89\xC2\xB2"},
    {"r", "r"},
    {"odds_ratio", "OR"},
    {"difference", "difference"},
};

/* "p < .001", "p = .034", "p > .999": APA style, no leading zero. */
static void put_apa_p(strbuf *b, const char *prefix, double p) {
  char buf[32];
  numfmt_p_apa(buf, sizeof buf, p);
  strbuf_puts(b, prefix);
  strbuf_put_html(b, buf);
}

static void render_test(strbuf *b, const report_table *t, const table_test *x) {
  const char *label = NULL, *symbol = NULL;
  for (size_t i = 0; i < sizeof test_names / sizeof *test_names; i++)
    if (strcmp(x->name, test_names[i].name) == 0) {
      label = test_names[i].label;
      symbol = test_names[i].symbol;
    }
  strbuf_puts(b, "<li>");
  if (x->label && *x->label) {
    /* A label such as "college, leadership": each part by its display name. */
    const char *part = x->label;
    for (;;) {
      const char *sep = strstr(part, ", ");
      char *code = xstrndup(part, sep ? (size_t)(sep - part) : strlen(part));
      strbuf_put_html(b, report_table_display(t, code));
      free(code);
      if (!sep)
        break;
      strbuf_puts(b, ", ");
      part = sep + 2;
    }
    strbuf_puts(b, ", ");
  }
  strbuf_put_html(b, label ? label : x->name);
  strbuf_puts(b, ": ");
  int parts = 0;
  if (isfinite(x->statistic)) {
    strbuf_put_html(b, symbol ? symbol : "statistic");
    /* t and chi-square carry their degrees of freedom in brackets, F both of
     * its. */
    int bracket_df = symbol && (strcmp(symbol, "t") == 0 || symbol[0] == '\xCF' ||
                                (strcmp(symbol, "F") == 0 && isfinite(x->df2)));
    if (bracket_df && isfinite(x->df)) {
      strbuf_putc(b, '(');
      put_fixed(b, x->df, fabs(x->df - round(x->df)) < 1e-9 ? 0 : 2);
      if (isfinite(x->df2)) {
        strbuf_puts(b, ", ");
        put_fixed(b, x->df2, fabs(x->df2 - round(x->df2)) < 1e-9 ? 0 : 2);
      }
      strbuf_putc(b, ')');
    }
    strbuf_puts(b, " = ");
    put_fixed(b, x->statistic, NUMFMT_STAT_DIGITS);
    if (!bracket_df && isfinite(x->df)) {
      strbuf_puts(b, ", df = ");
      put_fixed(b, x->df, fabs(x->df - round(x->df)) < 1e-9 ? 0 : 2);
    }
    parts++;
  }
  if (isfinite(x->p)) {
    put_apa_p(b, parts++ ? ", " : "", x->p);
  }
  if (isfinite(x->p_adjusted))
    put_apa_p(b, parts++ ? ", adjusted " : "adjusted ", x->p_adjusted);
  if (isfinite(x->effect)) {
    const char *sym = x->effect_name ? x->effect_name : "effect";
    for (size_t i = 0; i < sizeof effect_names / sizeof *effect_names; i++)
      if (x->effect_name && strcmp(x->effect_name, effect_names[i].name) == 0)
        sym = effect_names[i].symbol;
    if (parts++)
      strbuf_puts(b, ", ");
    strbuf_put_html(b, sym);
    strbuf_puts(b, " = ");
    put_fixed(b, x->effect, NUMFMT_STAT_DIGITS);
  }
  if (!parts)
    strbuf_puts(b, "not computed");
  strbuf_puts(b, "</li>\n");
}

/* ---- Charts: a table's columns as an svg_chart --------------------------- */

typedef struct chart_data {
  svg_chart c;
  char **cats, **series;
  double *values, *lo, *hi;
} chart_data;

/* A cell as a label: its text, its count, its number at the column's digits. */
static char *cell_label(const report_table *t, size_t row, size_t col) {
  const cell *x = report_table_cell(t, row, col);
  strbuf b = STRBUF_INIT;
  switch (x->kind) {
  case CELL_NULL: strbuf_puts(&b, "n/a"); break;
  case CELL_INT: strbuf_printf(&b, "%lld", x->i); break;
  case CELL_TEXT: strbuf_puts(&b, report_table_display(t, x->text)); break;
  case CELL_NUMBER: put_fixed(&b, x->num, t->digits[col]); break;
  }
  return strbuf_detach(&b);
}

static const char *column_heading(const report_table *t, size_t col) {
  return t->headings[col] ? t->headings[col] : t->columns[col];
}

/* A series named by a count reads as "Wave 2" in a legend, not "2". */
static char *series_label(const report_table *t, size_t row, size_t col) {
  const cell *x = report_table_cell(t, row, col);
  if (x->kind != CELL_INT)
    return cell_label(t, row, col);
  strbuf b = STRBUF_INIT;
  strbuf_printf(&b, "%s %lld", column_heading(t, col), x->i);
  return strbuf_detach(&b);
}

static double cell_value(const report_table *t, size_t row, int col) {
  if (col < 0)
    return NAN;
  const cell *x = report_table_cell(t, row, (size_t)col);
  return x->kind == CELL_NUMBER ? x->num : x->kind == CELL_INT ? (double)x->i : NAN;
}

static int valid_col(const report_table *t, int col) { return col >= 0 && (size_t)col < t->ncols; }

static int chart_valid(const report_table *t) {
  const chart_spec *s = &t->chart;
  if (s->kind != CHART_BAR && s->kind != CHART_GROUPED && s->kind != CHART_STACKED)
    return 0;
  if (!valid_col(t, s->category_col) || s->nvalues < 1 || s->nvalues > CHART_MAX_SERIES)
    return 0;
  for (int v = 0; v < s->nvalues; v++)
    if (!valid_col(t, s->value_cols[v]))
      return 0;
  if (s->series_col != -1 && !valid_col(t, s->series_col))
    return 0;
  if (s->panel_col != -1 && !valid_col(t, s->panel_col))
    return 0;
  if ((s->ci_low_col != -1 && !valid_col(t, s->ci_low_col)) ||
      (s->ci_high_col != -1 && !valid_col(t, s->ci_high_col)))
    return 0;
  return 1;
}

/* The index of s in list, appending it when new. Takes ownership of s. */
static size_t intern(char ***list, size_t *n, char *s) {
  for (size_t i = 0; i < *n; i++)
    if (strcmp((*list)[i], s) == 0) {
      free(s);
      return i;
    }
  *list = xrealloc(*list, (*n + 1) * sizeof **list);
  (*list)[*n] = s;
  return (*n)++;
}

/* Whether row r is drawn: not left out of the chart, and in the panel (the
 * panel_col cell's label equal to panel) when panel is not NULL. */
static int chart_row(const report_table *t, size_t r, const char *panel) {
  if (t->no_chart && t->no_chart[r])
    return 0;
  if (!panel)
    return 1;
  char *v = series_label(t, r, (size_t)t->chart.panel_col);
  int same = strcmp(v, panel) == 0;
  free(v);
  return same;
}

/* The chart of t's rows in panel (NULL: every row). */
static void chart_build(const report_table *t, chart_data *d, const char *panel) {
  const chart_spec *s = &t->chart;
  memset(d, 0, sizeof *d);
  size_t nv = (size_t)s->nvalues, ncats = 0, nser = 0;
  int pivot = s->series_col >= 0 && s->kind != CHART_BAR;
  size_t *cat_of = xcalloc(t->nrows ? t->nrows : 1, sizeof *cat_of);
  size_t *ser_of = xcalloc(t->nrows ? t->nrows : 1, sizeof *ser_of);
  char **groups = NULL;
  size_t ngroups = 0;
  for (size_t r = 0; r < t->nrows; r++) {
    if (!chart_row(t, r, panel))
      continue;
    char *label = cell_label(t, r, (size_t)s->category_col);
    if (pivot) {
      cat_of[r] = intern(&d->cats, &ncats, label);
      ser_of[r] = intern(&groups, &ngroups, series_label(t, r, (size_t)s->series_col));
    } else {
      d->cats = xrealloc(d->cats, (ncats + 1) * sizeof *d->cats);
      d->cats[ncats] = label;
      cat_of[r] = ncats++;
    }
  }
  /* Series: the value columns, or each group (times each value column). */
  if (pivot) {
    nser = ngroups * nv;
    d->series = xcalloc(nser ? nser : 1, sizeof *d->series);
    for (size_t g = 0; g < ngroups; g++)
      for (size_t v = 0; v < nv; v++) {
        strbuf b = STRBUF_INIT;
        strbuf_puts(&b, groups[g]);
        if (nv > 1)
          strbuf_printf(&b, ": %s", column_heading(t, (size_t)s->value_cols[v]));
        d->series[g * nv + v] = strbuf_detach(&b);
      }
  } else {
    nser = nv;
    d->series = xcalloc(nser, sizeof *d->series);
    for (size_t v = 0; v < nv; v++)
      d->series[v] = xstrdup(column_heading(t, (size_t)s->value_cols[v]));
  }
  size_t cells = (ncats ? ncats : 1) * (nser ? nser : 1);
  d->values = xmalloc(cells * sizeof *d->values);
  d->lo = xmalloc(cells * sizeof *d->lo);
  d->hi = xmalloc(cells * sizeof *d->hi);
  for (size_t i = 0; i < cells; i++)
    d->values[i] = d->lo[i] = d->hi[i] = NAN;
  for (size_t r = 0; r < t->nrows; r++)
    for (size_t v = 0; v < nv && chart_row(t, r, panel); v++) {
      size_t k = cat_of[r] * nser + (pivot ? ser_of[r] * nv : 0) + v;
      d->values[k] = cell_value(t, r, s->value_cols[v]);
      if (v == 0) {
        d->lo[k] = cell_value(t, r, s->ci_low_col);
        d->hi[k] = cell_value(t, r, s->ci_high_col);
      }
    }
  for (size_t g = 0; g < ngroups; g++)
    free(groups[g]);
  free(groups);
  free(cat_of);
  free(ser_of);

  const char *first = t->columns[s->value_cols[0]];
  size_t flen = strlen(first);
  d->c.kind = s->kind == CHART_BAR ? SVG_BAR : s->kind == CHART_GROUPED ? SVG_GROUPED : SVG_STACKED;
  d->c.title = t->title;
  d->c.desc = t->alt;
  d->c.x_label = s->x_label;
  d->c.y_label = s->y_label;
  d->c.ncats = ncats;
  d->c.nseries = nser;
  d->c.categories = (const char *const *)d->cats;
  d->c.series = (const char *const *)d->series;
  d->c.values = d->values;
  d->c.ci_low = s->ci_low_col >= 0 && s->ci_high_col >= 0 ? d->lo : NULL;
  d->c.ci_high = s->ci_low_col >= 0 && s->ci_high_col >= 0 ? d->hi : NULL;
  d->c.y_max = s->y_max;
  d->c.digits = t->digits[s->value_cols[0]];
  d->c.unit = flen >= 3 && strcmp(first + flen - 3, "pct") == 0 ? "%" : NULL;
}

static void chart_free(chart_data *d) {
  for (size_t i = 0; i < d->c.ncats; i++)
    free(d->cats[i]);
  for (size_t i = 0; i < d->c.nseries; i++)
    free(d->series[i]);
  free(d->cats);
  free(d->series);
  free(d->values);
  free(d->lo);
  free(d->hi);
}

/* ---- HTML ---------------------------------------------------------------- */

#define STR_(x) #x
#define STR(x) STR_(x)
#define SVG_MIN_CSS STR(SVG_MIN_PX) "px"

/* The stylesheet. Colours: the chart palette's blue (svg.h) as the accent;
 * ink and muted text at least 7:1 and 4.5:1 on white. */
static const char css[] =
    ":root{--ink:#1a1a1a;--muted:#4a4a4a;--rule:#d0d7de;--accent:#0072B2;--tint:#f3f7fa}\n"
    "*{box-sizing:border-box}\n"
    "html{-webkit-text-size-adjust:100%;text-size-adjust:100%}\n"
    "body{margin:0;font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;"
    "line-height:1.5;color:var(--ink);background:#fff}\n"
    ".skip-link{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem 1rem;"
    "z-index:2}\n.skip-link:focus{left:0}\n"
    ".page{max-width:72rem;margin:0 auto;padding:0 1rem 3rem}\n"
    "h1,h2,h3{line-height:1.25;overflow-wrap:break-word}\n"
    "h1{font-size:2rem;margin:0 0 .5rem}\n"
    "h2{font-size:1.5rem;margin:2.5rem 0 1rem;padding-bottom:.25rem;"
    "border-bottom:2px solid var(--accent)}\n"
    "h3{font-size:1.1rem;margin:0 0 .5rem}\n"
    "p,li,td,th,dd{overflow-wrap:break-word}\n"
    "a{color:#005A8C}\n"
    ".title-page{padding:3rem 0 1rem}\n"
    ".subtitle{font-size:1.1rem;color:var(--muted);margin:0 0 1.5rem}\n"
    ".key-messages{background:var(--tint);border-left:4px solid var(--accent);"
    "padding:.75rem 1rem 1rem;margin:1.5rem 0}\n"
    ".key-messages h2{margin-top:.5rem;border:0}\n"
    ".toc ol{padding-left:1.5rem}\n.toc li{margin:.15rem 0}\n"
    ".chapter-number{color:#005A8C}\n"
    ".intro,.finding{max-width:48rem}\n.finding{font-weight:500}\n"
    "figure{margin:2rem 0;padding-top:1rem;border-top:1px solid var(--rule)}\n"
    ".figure-body{display:grid;gap:1rem;grid-template-columns:minmax(0,1fr)}\n"
    "@media (min-width:64rem){.figure-body.with-chart{"
    "grid-template-columns:minmax(0,1fr) minmax(0,1fr);align-items:start}}\n"
    ".chart-wrap{overflow-x:auto;max-width:100%}\n"
    "svg.chart{display:block;width:100%;height:auto;max-width:30rem;min-width:" SVG_MIN_CSS "}\n"
    ".panels{display:grid;gap:.5rem 1.5rem;"
    "grid-template-columns:repeat(auto-fill,minmax(" SVG_MIN_CSS ",1fr))}\n"
    ".table-wrap{overflow-x:auto;max-width:100%}\n"
    ".table-wrap:focus{outline:2px solid var(--accent);outline-offset:2px}\n"
    "table{border-collapse:collapse;font-size:.875rem;font-variant-numeric:tabular-nums}\n"
    "th,td{padding:.3rem .4rem;border-bottom:1px solid var(--rule);text-align:left;"
    "vertical-align:top}\n"
    "thead th{border-bottom:2px solid var(--ink);vertical-align:bottom}\n"
    "td.num,th.num{text-align:right}\ntd.num{white-space:nowrap}\n"
    "tbody th,tbody td:first-child{background:#fff}\n"
    "@media (max-width:40rem){.table-wrap tr>:first-child{position:sticky;left:0;"
    "background:#fff;box-shadow:1px 0 0 var(--rule);max-width:9rem}}\n"
    ".kv th{white-space:nowrap}\n.kv td{overflow-wrap:anywhere}\n"
    ".tests{margin:.75rem 0 0}\n.tests ul{margin:.25rem 0;padding-left:1.25rem}\n"
    ".note{font-size:.875rem;color:var(--muted);margin:.5rem 0 0}\n"
    ".empty{font-style:italic;color:var(--muted)}\n"
    ".warning{border-left:4px solid #D55E00;padding-left:.5rem}\n"
    "details.role{margin:.5rem 0;border:1px solid var(--rule);padding:.25rem .75rem}\n"
    "details.role summary{cursor:pointer;font-weight:600}\n"
    "ol.items{padding-left:1.5rem}\nol.items li{margin:.35rem 0}\n"
    ".item-area{font-weight:600}\n.item-id{color:var(--muted);font-size:.8rem}\n"
    "dl.glossary dt{font-weight:600;margin-top:.5rem}\ndl.glossary dd{margin:0 0 0 1rem}\n"
    "footer{margin-top:3rem;font-size:.8rem;color:var(--muted)}\n";

/* The print stylesheet (A4; the page furniture is put_page_css's). */
static const char css_print[] =
    "@media print{body{font-size:10pt}.page{max-width:none;padding:0}.skip-link{display:none}"
    ".title-page,.toc{break-after:page}.chapter{break-before:page}"
    "figure{margin:1rem 0;padding-top:.5rem}"
    ".figure-body.with-chart,.chart-wrap,.tests,.note,.finding{break-inside:avoid}"
    "figure>h3,.finding{break-after:avoid}.table-wrap{break-before:avoid}"
    ".table-wrap,.chart-wrap{overflow:visible}"
    /* A figure stays with its table's first rows: a title never split
     * across pages, a chart beside its table (a grid row kept whole) or
     * above it (blocks, the table not broken from the chart); small
     * multiples two abreast, so that they leave room for the first rows. */
    "h2,h3{break-inside:avoid}"
    ".figure-body.with-chart{grid-template-columns:minmax(0,1fr) fit-content(50%)}"
    ".figure-body:not(.with-chart){display:block}.figure-body:not(.with-chart)>*+*{margin-top:1rem}"
    ".figure-body.print-side{display:grid;grid-template-columns:minmax(0,1fr) fit-content(50%);"
    "break-inside:avoid}.figure-body.print-side>*+*{margin-top:0}"
    ".panels{grid-template-columns:repeat(2,minmax(0,1fr))}"
    "table{font-size:9pt}th,td{padding:2px 3px}thead th{overflow-wrap:normal;word-break:normal}"
    "table.many thead th{font-size:7.5pt}table.many th,table.many td{padding:2px}"
    "svg.chart{max-width:24rem;min-width:0}"
    "details.role{border:0;padding:0}details.role>*{display:block}"
    "a{color:inherit;text-decoration:none}"
    ".key-messages{background:none}h2,h3{break-after:avoid}tr{break-inside:avoid}}\n";

/* s inside a CSS string: everything but letters, digits, spaces and other
 * characters than ASCII escaped. */
static void put_css_chars(strbuf *b, const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    /* a bidirectional control (U+202A-U+202E, U+2066-U+2069) is shown as
     * its code, as strbuf_put_html shows it, never obeyed */
    if (p[0] == 0xe2 && ((p[1] == 0x80 && p[2] >= 0xaa && p[2] <= 0xae) ||
                         (p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9))) {
      char code[16];
      snprintf(code, sizeof code, "[U+%04X]",
               0x2000u + (p[1] == 0x80 ? 0u : 0x40u) + (unsigned)(p[2] - 0x80));
      put_css_chars(b, code);
      p += 2;
    } else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
               *p == ' ' || *p >= 0x80) {
      strbuf_putc(b, (char)*p);
    } else {
      strbuf_printf(b, "\\%02x ", *p);
    }
  }
}

/* The page furniture of print: the title top left, page numbers bottom
 * right. */
static void put_page_css(strbuf *b, const char *title) {
  strbuf_puts(b, "@page{size:A4;margin:16mm 14mm 18mm;@top-left{content:\"");
  put_css_chars(b, title);
  strbuf_puts(b, "\";font-size:8pt;color:#4a4a4a}@bottom-right{content:\"Page \" counter(page) "
                 "\" of \" counter(pages);font-size:8pt;color:#4a4a4a}}\n");
}

/* "Figure 1: " for fig1, "Table 1: " for table1, nothing for other ids. */
static void put_figure_label(strbuf *b, const char *id) {
  const char *num = NULL, *word = NULL;
  if (strncmp(id, "fig", 3) == 0)
    num = id + 3, word = "Figure";
  else if (strncmp(id, "table", 5) == 0)
    num = id + 5, word = "Table";
  if (!num || !*num || strspn(num, "0123456789") != strlen(num))
    return;
  strbuf_printf(b, "<span class=\"figure-number\">%s %s:</span> ", word, num);
}

/* The largest value or interval end drawn, for panels on one axis. */
static double chart_top(const chart_data *d) {
  double top = 0;
  size_t cells = d->c.ncats * d->c.nseries;
  for (size_t i = 0; i < cells; i++) {
    if (isfinite(d->values[i]) && d->values[i] > top)
      top = d->values[i];
    if (d->c.ci_high && isfinite(d->hi[i]) && d->hi[i] > top)
      top = d->hi[i];
  }
  return top;
}

static void render_chart(strbuf *b, const report_table *t) {
  chart_data d;
  if (t->chart.panel_col < 0) {
    chart_build(t, &d, NULL);
    strbuf_puts(b, "<div class=\"chart-wrap\">");
    svg_render(&d.c, b);
    strbuf_puts(b, "</div>\n");
    chart_free(&d);
    return;
  }
  /* Small multiples: a panel per distinct value, all on one axis. */
  char **panels = NULL;
  size_t npanels = 0;
  for (size_t r = 0; r < t->nrows; r++)
    if (!t->no_chart || !t->no_chart[r])
      intern(&panels, &npanels, series_label(t, r, (size_t)t->chart.panel_col));
  double top = t->chart.y_max;
  for (size_t i = 0; i < npanels && !(top > 0); i++) {
    chart_build(t, &d, panels[i]);
    double v = chart_top(&d);
    top = v > top ? v : top;
    chart_free(&d);
  }
  strbuf_puts(b, "<div class=\"chart-wrap panels\" role=\"group\" aria-label=\"");
  strbuf_put_html(b, t->title);
  strbuf_puts(b, "\">");
  for (size_t i = 0; i < npanels; i++) {
    chart_build(t, &d, panels[i]);
    strbuf title = STRBUF_INIT;
    strbuf_printf(&title, "%s: %s", t->title, panels[i]);
    d.c.title = strbuf_str(&title);
    d.c.desc = NULL; /* a summary of the panel's values */
    d.c.show_title = 1;
    d.c.panel_title = panels[i];
    d.c.y_max = top;
    strbuf_puts(b, "<div class=\"panel\">");
    svg_render(&d.c, b);
    strbuf_puts(b, "</div>");
    strbuf_free(&title);
    chart_free(&d);
    free(panels[i]);
  }
  free(panels);
  strbuf_puts(b, "</div>\n");
}

static void render_table_grid(strbuf *b, const report_table *t) {
  if (t->ncols == 0) {
    strbuf_puts(b, "<p class=\"empty\">No data.</p>\n");
    return;
  }
  /* A scrolling box that keyboard users can reach and screen readers name. */
  strbuf_puts(b, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"");
  strbuf_put_html(b, t->title);
  /* A table of many columns may print its headings smaller (print CSS):
   * they break only at spaces, so their longest words set its width. */
  strbuf_puts(b, t->ncols >= 10 ? " (table)\"><table class=\"many\">\n<thead><tr>"
                                : " (table)\"><table>\n<thead><tr>");
  for (size_t c = 0; c < t->ncols; c++) {
    /* Numeric columns align right: judged by their first non-empty cell. */
    int num = 0;
    for (size_t r = 0; r < t->nrows; r++) {
      const cell *x = report_table_cell(t, r, c);
      if (x->kind != CELL_NULL) {
        num = x->kind == CELL_NUMBER || x->kind == CELL_INT;
        break;
      }
    }
    strbuf_puts(b, num ? "<th scope=\"col\" class=\"num\">" : "<th scope=\"col\">");
    strbuf_put_html(b, column_heading(t, c));
    strbuf_puts(b, "</th>");
  }
  strbuf_puts(b, "</tr></thead>\n<tbody>\n");
  if (t->nrows == 0)
    strbuf_printf(b, "<tr><td colspan=\"%zu\" class=\"empty\">No rows.</td></tr>\n", t->ncols);
  for (size_t r = 0; r < t->nrows; r++) {
    strbuf_puts(b, "<tr>");
    for (size_t c = 0; c < t->ncols; c++) {
      const cell *x = report_table_cell(t, r, c);
      int num = x->kind == CELL_NUMBER || x->kind == CELL_INT || x->kind == CELL_NULL;
      strbuf_puts(b, num ? "<td class=\"num\">" : "<td>");
      put_cell_html(b, t, r, c, x);
      strbuf_puts(b, "</td>");
    }
    strbuf_puts(b, "</tr>\n");
  }
  strbuf_puts(b, "</tbody>\n</table></div>\n");
}

/* A table too wide to share the width with its chart goes under it. */
static int table_is_wide(const report_table *t) { return t->ncols > 5; }

static void render_figure(strbuf *b, const report_table *t) {
  int chart = t->chart.kind != CHART_NONE && chart_valid(t);
  strbuf_puts(b, "<figure id=\"");
  strbuf_put_html(b, t->id);
  strbuf_puts(b, "\" aria-labelledby=\"");
  strbuf_put_html(b, t->id);
  strbuf_puts(b, "-title\">\n<h3 id=\"");
  strbuf_put_html(b, t->id);
  strbuf_puts(b, "-title\">");
  put_figure_label(b, t->id);
  strbuf_put_html(b, t->title);
  if (t->n >= 0) {
    strbuf_puts(b, " (N = ");
    put_grouped(b, t->n);
    strbuf_putc(b, ')');
  }
  strbuf_puts(b, "</h3>\n");
  if (t->finding) {
    strbuf_puts(b, "<p class=\"finding\">");
    strbuf_put_html(b, t->finding);
    strbuf_puts(b, "</p>\n");
  }
  /* On screen a wide table goes under its chart; in print (half an A4
   * page is narrower than half a screen but the type smaller) one of six
   * columns still fits beside it (print-side). */
  if (chart && t->chart.panel_col < 0 && !table_is_wide(t))
    strbuf_puts(b, "<div class=\"figure-body with-chart\">\n");
  else if (chart && t->chart.panel_col < 0 && t->ncols <= 6)
    strbuf_puts(b, "<div class=\"figure-body print-side\">\n");
  else
    strbuf_puts(b, "<div class=\"figure-body\">\n");
  if (chart)
    render_chart(b, t);
  render_table_grid(b, t);
  strbuf_puts(b, "</div>\n");
  if (t->ntests) {
    strbuf_puts(b, "<div class=\"tests\"><p class=\"note\">Statistical tests (two-sided):</p><ul "
                   "class=\"note\">\n");
    for (size_t i = 0; i < t->ntests; i++)
      render_test(b, t, &t->tests[i]);
    strbuf_puts(b, "</ul></div>\n");
  }
  for (size_t i = 0; i < t->nnotes; i++) {
    strbuf_puts(b, "<p class=\"note\">");
    strbuf_put_html(b, t->notes[i]);
    strbuf_puts(b, "</p>\n");
  }
  strbuf_puts(b, "</figure>\n");
}

void report_figure_html(const report_table *t, strbuf *out) { render_figure(out, t); }

static void render_list(strbuf *b, const char *tag, char **items, size_t n, const char *none) {
  if (n == 0) {
    strbuf_printf(b, "<p class=\"empty\">%s</p>\n", none);
    return;
  }
  strbuf_printf(b, "<%s>\n", tag);
  for (size_t i = 0; i < n; i++) {
    strbuf_puts(b, "<li>");
    strbuf_put_html(b, items[i]);
    strbuf_puts(b, "</li>\n");
  }
  strbuf_printf(b, "</%s>\n", tag);
}

/* The value of a provenance key, or NULL. */
static const char *provenance(const report_doc *doc, const char *key) {
  for (size_t i = 0; i < doc->nprovenance; i++)
    if (strcmp(doc->provenance[2 * i], key) == 0)
      return doc->provenance[2 * i + 1];
  return NULL;
}

static void render_title_page(strbuf *b, const report_doc *doc) {
  strbuf_puts(b, "<header class=\"title-page\" id=\"ch-title\">\n<h1>");
  strbuf_put_html(b, doc->title);
  strbuf_puts(b, "</h1>\n<p class=\"subtitle\">Impact of Careers Leader training on knowledge, "
                 "practice and careers programmes, measured against the Gatsby Benchmarks");
  const char *date = provenance(doc, "date");
  if (date) {
    strbuf_puts(b, ". ");
    strbuf_put_html(b, date);
  }
  strbuf_puts(b, "</p>\n<section class=\"key-messages\" id=\"ch-key-messages\">\n"
                 "<h2>Key messages</h2>\n");
  render_list(b, "ul", doc->key_messages, doc->nkey_messages, "No key messages were generated.");
  strbuf_puts(b, "</section>\n</header>\n");
}

/* One entry of the contents, with the tables of a chapter beneath it. */
static void toc_entry(strbuf *b, const report_doc *doc, const char *id, const char *title,
                      int section) {
  strbuf_printf(b, "<li><a href=\"#%s\">", id);
  strbuf_put_html(b, title);
  strbuf_puts(b, "</a>");
  int any = 0;
  for (size_t i = 0; section >= 0 && i < doc->ntables; i++) {
    const report_table *t = doc->tables[i];
    if ((int)section_of(t) != section)
      continue;
    strbuf_puts(b, any++ ? "<li><a href=\"#" : "\n<ol>\n<li><a href=\"#");
    strbuf_put_html(b, t->id);
    strbuf_puts(b, "\">");
    put_figure_label(b, t->id);
    strbuf_put_html(b, t->title);
    strbuf_puts(b, "</a></li>\n");
  }
  if (any)
    strbuf_puts(b, "</ol>\n");
  strbuf_puts(b, "</li>\n");
}

static const char *const appendix_ids[4] = {"ch-methods", "ch-sources", "ch-reliability",
                                            "ch-questions"};
static const char *const appendix_titles[4] = {
    "Appendix 1: Methods and the rules used", "Appendix 2: Data sources and provenance",
    "Appendix 3: Reliability and further tables", "Appendix 4: Question bank"};

static void render_toc(strbuf *b, const report_doc *doc) {
  strbuf_puts(b, "<nav class=\"toc\" id=\"ch-contents\" aria-label=\"Contents\">\n"
                 "<h2>Contents</h2>\n<ol>\n");
  for (int s = SECTION_SAMPLES; s <= SECTION_LEVEL4; s++)
    toc_entry(b, doc, chapters[s].id, chapters[s].title, s);
  toc_entry(b, doc, "ch-conclusions", "Conclusions", -1);
  strbuf_puts(b, "</ol>\n<ul>\n");
  for (int a = 0; a < 4; a++)
    toc_entry(b, doc, appendix_ids[a], appendix_titles[a], a == 2 ? SECTION_APPENDIX : -1);
  strbuf_puts(b, "</ul>\n</nav>\n");
}

static void render_section_tables(strbuf *b, const report_doc *doc, report_section s) {
  int any = 0;
  for (size_t i = 0; i < doc->ntables; i++)
    if (section_of(doc->tables[i]) == s) {
      render_figure(b, doc->tables[i]);
      any = 1;
    }
  if (!any)
    strbuf_puts(b, "<p class=\"empty\">No tables in this chapter.</p>\n");
}

static void render_chapter(strbuf *b, const report_doc *doc, report_section s, int number) {
  const chapter *ch = &chapters[s];
  strbuf_printf(b, "<section class=\"chapter\" id=\"%s\">\n<h2>", ch->id);
  if (number)
    strbuf_printf(b, "<span class=\"chapter-number\">%d |</span> ", number);
  strbuf_put_html(b, ch->title);
  strbuf_puts(b, "</h2>\n<p class=\"intro\">");
  strbuf_put_html(b, ch->intro);
  strbuf_puts(b, "</p>\n");
  render_section_tables(b, doc, s);
  strbuf_puts(b, "</section>\n");
}

static void render_appendix_start(strbuf *b, int a) {
  strbuf_printf(b, "<section class=\"chapter appendix\" id=\"%s\">\n<h2>", appendix_ids[a]);
  strbuf_put_html(b, appendix_titles[a]);
  strbuf_puts(b, "</h2>\n");
}

/* A provenance key in words; the setting's name follows in brackets, as
 * it is written in a --config file. */
static const char *provenance_words(const char *key) {
  static const char *const words[][2] = {
      {"compass.baseline_cutoff", "Latest date of a baseline Compass return"},
      {"compass.post_from", "Earliest date of a post Compass return"},
      {"compass.post_to", "Latest date of a post Compass return"},
      {"compass.fully_achieved", "Percentage at which a benchmark is fully achieved"},
      {"small_cell", "Smallest group shown (small-cell threshold)"},
      {"confidence", "Confidence level of intervals"},
      {"score.method", "Area score method"},
      {"score.min_answered", "Share of an area's items needed for a score"},
  };
  for (size_t i = 0; i < sizeof words / sizeof *words; i++)
    if (strcmp(key, words[i][0]) == 0)
      return words[i][1];
  return NULL;
}

/* The glossary of the methods appendix: the statistical terms a reader
 * meets in the tables and sentences. */
static const char *const glossary[][2] = {
    {"Confidence interval (CI)",
     "The range of values the data are consistent with. A 95 % interval would contain the true "
     "value in 95 of 100 repetitions of the study; a wide interval means an imprecise estimate."},
    {"p value",
     "How often a difference at least this large would arise by chance if there were no real "
     "difference. Below .05 is called statistically significant; \"p < .001\" means below one "
     "in a thousand."},
    {"Holm correction",
     "When several areas are tested at once, some would look significant by chance alone. The "
     "Holm method raises each p value to allow for the number of tests; the adjusted p is "
     "shown beside the plain one."},
    {"Effect size (Cohen's d)",
     "The size of a change measured in standard deviations, so that changes on different "
     "scales can be compared: about 0.2 is small, 0.5 medium and 0.8 large. For before and "
     "after scores of the same people it is the mean change divided by the standard deviation "
     "of the changes."},
    {"Wilcoxon signed-rank test",
     "A check on the paired t test that uses only the order of the changes, not their size, "
     "so a few extreme answers cannot drive it. V is the sum of the ranks of the rises."},
    {"Difference in differences",
     "The change in establishments with a trained Careers Leader minus the change in "
     "comparison establishments over the same period: the part of the change the training "
     "may account for, once the change that happened anyway is taken off."},
    {"Cluster-robust standard errors",
     "Each establishment appears twice in the difference in differences (baseline and post), "
     "and its two returns are related. Cluster-robust standard errors (the HC1 form) allow "
     "for this, so the intervals are not too narrow."},
    {"Cronbach's alpha",
     "How consistently the items of an area are answered: 0.7 or more is the usual mark of a "
     "reliable scale; below 0.5, or negative, the items may not measure one thing."},
    {"Small-cell rule",
     "A group with fewer people than the threshold shows no figures at all, not even its "
     "size, so that no one can be identified and no estimate rests on a handful of answers. "
     "Such groups read \"fewer than N\"; a group with no one in it reads \"none\"."},
    {"Kirkpatrick levels",
     "Level 2: what participants learnt (knowledge); level 3: whether they changed what they "
     "do (practice); level 4: results for the organisation (Gatsby Benchmarks achieved)."},
};

static void render_glossary(strbuf *b) {
  strbuf_puts(b, "<h3 id=\"glossary\">Glossary</h3>\n<dl class=\"glossary\">\n");
  for (size_t i = 0; i < sizeof glossary / sizeof *glossary; i++) {
    strbuf_puts(b, "<dt>");
    strbuf_put_html(b, glossary[i][0]);
    strbuf_puts(b, "</dt><dd>");
    strbuf_put_html(b, glossary[i][1]);
    strbuf_puts(b, "</dd>\n");
  }
  strbuf_puts(b, "</dl>\n");
}

static void render_provenance(strbuf *b, const report_doc *doc) {
  strbuf_puts(b, "<p class=\"intro\">What a reader needs to reproduce this report exactly: the "
                 "program version, the settings used and a digest of the data read.</p>\n");
  if (doc->nprovenance == 0) {
    strbuf_puts(b, "<p class=\"empty\">No provenance was recorded.</p>\n");
    return;
  }
  strbuf_puts(b, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Data "
                 "sources and settings (table)\"><table class=\"kv\">\n<tbody>\n");
  for (size_t i = 0; i < doc->nprovenance; i++) {
    strbuf_puts(b, "<tr><th scope=\"row\">");
    const char *words = provenance_words(doc->provenance[2 * i]);
    if (words) {
      strbuf_put_html(b, words);
      strbuf_puts(b, " <span class=\"item-id\">(setting ");
      strbuf_put_html(b, doc->provenance[2 * i]);
      strbuf_puts(b, ")</span>");
    } else {
      strbuf_put_html(b, doc->provenance[2 * i]);
    }
    strbuf_puts(b, "</th><td>");
    strbuf_put_html(b, doc->provenance[2 * i + 1]);
    strbuf_puts(b, "</td></tr>\n");
  }
  strbuf_puts(b, "</tbody>\n</table></div>\n");
}

/* A role code in words for the question bank. */
static const char *role_words(const char *role) {
  static const char *const words[][2] = {{"school", "School Careers Leaders"},
                                         {"college_strategic", "College strategic Careers Leaders"},
                                         {"college_operational", "College operational Careers "
                                                                 "Leaders"}};
  for (size_t i = 0; i < sizeof words / sizeof *words; i++)
    if (strcmp(role, words[i][0]) == 0)
      return words[i][1];
  return role;
}

/* The question bank: one collapsible block per instrument and role, one
 * item a row (readable on a phone, where a five-column table is not). */
static void render_question_bank(strbuf *b, const report_doc *doc) {
  if (doc->nquestions == 0) {
    strbuf_puts(b, "<p class=\"empty\">No questions were recorded.</p>\n");
    return;
  }
  for (size_t i = 0; i < doc->nquestions;) {
    const char *instr = doc->question_bank[5 * i], *role = doc->question_bank[5 * i + 1];
    size_t j = i;
    while (j < doc->nquestions && strcmp(doc->question_bank[5 * j], instr) == 0 &&
           strcmp(doc->question_bank[5 * j + 1], role) == 0)
      j++;
    strbuf_puts(b, "<details class=\"role\">\n<summary>");
    char title[128];
    snprintf(title, sizeof title, "%s", instr);
    if (title[0] >= 'a' && title[0] <= 'z')
      title[0] = (char)(title[0] - 'a' + 'A');
    strbuf_put_html(b, title);
    if (*role) {
      strbuf_puts(b, ": ");
      strbuf_put_html(b, role_words(role));
    }
    strbuf_printf(b, " (%zu item%s)</summary>\n<ol class=\"items\">\n", j - i,
                  j - i == 1 ? "" : "s");
    for (size_t k = i; k < j; k++) {
      const char *area = doc->question_bank[5 * k + 2], *id = doc->question_bank[5 * k + 3],
                 *text = doc->question_bank[5 * k + 4];
      strbuf_puts(b, "<li>");
      if (*area) {
        strbuf_puts(b, "<span class=\"item-area\">");
        char a[64];
        snprintf(a, sizeof a, "%s", area);
        if (a[0] >= 'a' && a[0] <= 'z')
          a[0] = (char)(a[0] - 'a' + 'A');
        strbuf_put_html(b, a);
        strbuf_puts(b, ":</span> ");
      }
      strbuf_put_html(b, text);
      strbuf_puts(b, " <span class=\"item-id\">(");
      strbuf_put_html(b, id);
      strbuf_puts(b, ")</span></li>\n");
    }
    strbuf_puts(b, "</ol>\n</details>\n");
    i = j;
  }
}

void report_html(const report_doc *doc, strbuf *b) {
  strbuf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                 "<meta name=\"generator\" content=\"cleval\">\n<title>");
  strbuf_put_html(b, doc->title);
  strbuf_puts(b, "</title>\n<style>\n");
  strbuf_puts(b, css);
  strbuf_puts(b, css_print);
  put_page_css(b, doc->title);
  strbuf_puts(b, "</style>\n</head>\n<body>\n<a class=\"skip-link\" href=\"#ch-contents\">Skip "
                 "to the contents</a>\n<div class=\"page\">\n");
  render_title_page(b, doc);
  render_toc(b, doc);
  strbuf_puts(b, "<main>\n");
  for (int s = SECTION_SAMPLES; s <= SECTION_LEVEL4; s++)
    render_chapter(b, doc, (report_section)s, s + 1);

  /* The chapter after the last level's (the seed's 6 | Conclusion). */
  strbuf_printf(b,
                "<section class=\"chapter\" id=\"ch-conclusions\">\n<h2><span "
                "class=\"chapter-number\">%d |</span> Conclusions</h2>\n",
                SECTION_LEVEL4 + 2);
  if (doc->nconclusions == 0)
    strbuf_puts(b, "<p class=\"empty\">No conclusions were generated.</p>\n");
  for (size_t i = 0; i < doc->nconclusions; i++) {
    strbuf_puts(b, "<p>");
    strbuf_put_html(b, doc->conclusions[i]);
    strbuf_puts(b, "</p>\n");
  }
  strbuf_puts(b, "</section>\n");

  render_appendix_start(b, 0);
  render_list(b, "ol", doc->methods, doc->nmethods, "No methods notes were recorded.");
  render_glossary(b);
  strbuf_puts(b, "</section>\n");
  render_appendix_start(b, 1);
  render_provenance(b, doc);
  strbuf_puts(b, "</section>\n");
  render_appendix_start(b, 2);
  strbuf_puts(b, "<p class=\"intro\">");
  strbuf_put_html(b, chapters[SECTION_APPENDIX].intro);
  strbuf_puts(b, "</p>\n");
  render_section_tables(b, doc, SECTION_APPENDIX);
  strbuf_puts(b, "</section>\n");
  render_appendix_start(b, 3);
  strbuf_puts(b, "<p class=\"intro\">The items of the built-in instruments, as each respondent "
                 "role saw them.</p>\n");
  render_question_bank(b, doc);
  strbuf_puts(b, "</section>\n</main>\n<footer><p>Written by cleval");
  const char *version = provenance(doc, "version");
  if (version) {
    strbuf_putc(b, ' ');
    strbuf_put_html(b, version);
  }
  strbuf_puts(b, ". Every table's numbers are also in report.json and tables/ID.csv beside "
                 "this file.</p></footer>\n</div>\n</body>\n</html>\n");
}

/* ---- JSON ---------------------------------------------------------------- */

static json_t *json_cell(const cell *x) {
  switch (x->kind) {
  case CELL_NUMBER: return jsonout_real(x->num);
  case CELL_INT: return json_integer(x->i);
  case CELL_TEXT: return jsonout_string(x->text);
  case CELL_NULL: break;
  }
  return json_null();
}

static const char *const section_names[SECTION_NSECTIONS] = {"samples", "delivery", "level2",
                                                             "level3",  "level4",   "appendix"};

static json_t *json_test(const table_test *x) {
  json_t *o = json_object();
  jsonout_set(o, "label", jsonout_string(x->label));
  jsonout_set(o, "name", jsonout_string(x->name));
  jsonout_set(o, "statistic", jsonout_real(x->statistic));
  jsonout_set(o, "df", jsonout_real(x->df));
  if (isfinite(x->df2)) /* F tests only: the key is absent elsewhere */
    jsonout_set(o, "df2", jsonout_real(x->df2));
  jsonout_set(o, "p", jsonout_real(x->p));
  jsonout_set(o, "p_adjusted", jsonout_real(x->p_adjusted));
  jsonout_set(o, "effect", jsonout_real(x->effect));
  jsonout_set(o, "effect_name", jsonout_string(x->effect_name));
  return o;
}

/* The cells withheld: row by row, the columns and why ("small": a group
 * below the threshold, "empty": a group of none), then in a record of its
 * own the row's cells withheld as "secondary": so that a small group
 * cannot be found by subtraction from a total. */
static json_t *json_suppressed(const report_table *t) {
  json_t *a = json_array();
  for (size_t r = 0; r < t->nrows; r++) {
    for (int secondary = 0; secondary < 2; secondary++) {
      cell_mark why = MARK_NONE;
      json_t *cols = json_array();
      for (size_t c = 0; c < t->ncols; c++) {
        const cell *x = report_table_cell(t, r, c);
        if (x->mark == MARK_NONE || (x->mark == MARK_SECONDARY) != secondary)
          continue;
        if (why == MARK_NONE || x->mark == MARK_SUPPRESSED)
          why = x->mark;
        json_array_append_new(cols, jsonout_string(t->columns[c]));
      }
      if (json_array_size(cols) == 0) {
        json_decref(cols);
        continue;
      }
      json_t *o = json_object();
      jsonout_set(o, "row", json_integer((json_int_t)r));
      jsonout_set(o, "columns", cols);
      jsonout_set(o, "reason",
                  json_string(why == MARK_EMPTY       ? "empty"
                              : why == MARK_SECONDARY ? "secondary"
                                                      : "small"));
      json_array_append_new(a, o);
    }
  }
  return a;
}

static json_t *json_table(const report_table *t) {
  json_t *o = json_object();
  jsonout_set(o, "title", jsonout_string(t->title));
  jsonout_set(o, "section", json_string(section_names[section_of(t)]));
  jsonout_set(o, "columns", jsonout_strings(t->columns, t->ncols));
  json_t *rows = json_array();
  for (size_t r = 0; r < t->nrows; r++) {
    json_t *row = json_array();
    for (size_t c = 0; c < t->ncols; c++)
      json_array_append_new(row, json_cell(report_table_cell(t, r, c)));
    json_array_append_new(rows, row);
  }
  jsonout_set(o, "rows", rows);
  if (t->n >= 0)
    jsonout_set(o, "n", json_integer(t->n));
  json_t *tests = json_array();
  for (size_t i = 0; i < t->ntests; i++)
    json_array_append_new(tests, json_test(&t->tests[i]));
  jsonout_set(o, "tests", tests);
  jsonout_set(o, "notes", jsonout_strings(t->notes, t->nnotes));
  jsonout_set(o, "finding", jsonout_string(t->finding));
  jsonout_set(o, "suppressed", json_suppressed(t));
  if (t->small_cell > 0)
    jsonout_set(o, "small_cell", json_integer(t->small_cell));
  /* Which chart report.html draws for it (the browser test checks it). */
  static const char *const kinds[] = {NULL, "bar", "grouped", "stacked"};
  jsonout_set(o, "chart", jsonout_string(chart_valid(t) ? kinds[t->chart.kind] : NULL));
  return o;
}

void report_json(const report_doc *doc, strbuf *b) {
  json_t *root = json_object();
  for (size_t i = 0; i < doc->ntables; i++)
    jsonout_set(root, doc->tables[i]->id, json_table(doc->tables[i]));
  json_t *meta = json_object();
  jsonout_set(meta, "title", jsonout_string(doc->title));
  jsonout_set(meta, "key_messages", jsonout_strings(doc->key_messages, doc->nkey_messages));
  jsonout_set(meta, "conclusions", jsonout_strings(doc->conclusions, doc->nconclusions));
  jsonout_set(meta, "methods", jsonout_strings(doc->methods, doc->nmethods));
  json_t *prov = json_object();
  for (size_t i = 0; i < doc->nprovenance; i++)
    jsonout_set(prov, doc->provenance[2 * i], jsonout_string(doc->provenance[2 * i + 1]));
  jsonout_set(meta, "provenance", prov);
  static const char *const keys[5] = {"instrument", "role", "area", "item_id", "text"};
  json_t *bank = json_array();
  for (size_t i = 0; i < doc->nquestions; i++) {
    json_t *q = json_object();
    for (int k = 0; k < 5; k++)
      jsonout_set(q, keys[k], jsonout_string(doc->question_bank[5 * i + (size_t)k]));
    json_array_append_new(bank, q);
  }
  jsonout_set(meta, "question_bank", bank);
  jsonout_set(root, "_meta", meta);
  jsonout_put(b, root, JSONOUT_FILE);
  strbuf_putc(b, '\n');
  json_decref(root);
}

/* ---- CSV ----------------------------------------------------------------- */

void report_table_csv(const report_table *t, strbuf *b) {
  for (size_t c = 0; c < t->ncols; c++) {
    if (c)
      strbuf_putc(b, ',');
    strbuf_put_csv(b, t->columns[c]);
  }
  strbuf_putc(b, '\n');
  for (size_t r = 0; r < t->nrows; r++) {
    for (size_t c = 0; c < t->ncols; c++) {
      const cell *x = report_table_cell(t, r, c);
      if (c)
        strbuf_putc(b, ',');
      if (x->kind == CELL_NUMBER)
        strbuf_put_number(b, x->num);
      else if (x->kind == CELL_INT)
        strbuf_printf(b, "%lld", x->i);
      else if (x->kind == CELL_TEXT)
        strbuf_put_csv(b, x->text);
    }
    strbuf_putc(b, '\n');
  }
}

/* ---- Writing the files --------------------------------------------------- */

/* Table ids become element ids, JSON keys and file names: letters, digits,
 * '_' and '-', starting with a letter or digit, unique, and not "ch-..."
 * (the chapters' element ids). */
static int check_ids(const report_doc *doc, char *err, size_t errlen) {
  for (size_t i = 0; i < doc->ntables; i++) {
    const char *id = doc->tables[i]->id;
    size_t n = strlen(id);
    int ok = n > 0 && n <= 64 &&
             strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                        "0123456789_-") == n &&
             id[0] != '_' && id[0] != '-' && strncmp(id, "ch-", 3) != 0;
    if (!ok) {
      snprintf(err, errlen, "table id \"%.80s\" is not usable as a file name and element id", id);
      return -1;
    }
    for (size_t j = 0; j < i; j++)
      if (strcmp(doc->tables[j]->id, id) == 0) {
        snprintf(err, errlen, "table id \"%s\" is used twice", id);
        return -1;
      }
  }
  return 0;
}

/* ---- writing the report atomically ----------------------------------------
 *
 * Every file is written into a temporary directory inside the output
 * directory (OUT/.cleval-tmp.PID.N, on the same file system), each file
 * fsynced, then the directory; a file ".complete" then commits the report,
 * and the files are renamed into place (report.html last) and the output
 * directory fsynced. A run killed before the commit leaves a temporary
 * directory that the next run removes; one killed after it is rolled
 * forward by the next run. Only directories that are provably cleval's (the
 * name, a marker file with its exact text, a process that no longer runs)
 * are touched, and within them only the report's own file names; nothing
 * is opened through a symbolic link. */

#define TMP_PREFIX ".cleval-tmp."
#define TMP_MARK ".cleval-report-tmp"
#define TMP_MARK_TEXT "cleval report: a report being written; removed when it is in place\n"
#define TMP_DONE ".complete"

static const char *const REPORT_FILES[] = {"tables.xlsx", "report.json", "report.html"};

/* Writes len bytes to a new file path (never through a link), fsynced;
 * a message names shown (the file's name in place). */
static int write_new_file(const char *path, const char *shown, const char *data, size_t len,
                          char *err, size_t errlen) {
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
  if (fd < 0) {
    snprintf(err, errlen, "%s: cannot create: %s", shown, strerror(errno));
    return -1;
  }
  while (len > 0) {
    ssize_t w = write(fd, data, len);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0) {
      snprintf(err, errlen, "%s: cannot write: %s", shown, w < 0 ? strerror(errno) : "no space");
      close(fd);
      return -1;
    }
    data += w;
    len -= (size_t)w;
  }
  if (fsync(fd) != 0 || close(fd) != 0) {
    snprintf(err, errlen, "%s: cannot write: %s", shown, strerror(errno));
    return -1;
  }
  return 0;
}

/* fsync of a file or directory by name; a file system that cannot sync a
 * directory (EINVAL) is not an error. */
static int sync_path(const char *path, char *err, size_t errlen) {
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    snprintf(err, errlen, "%s: cannot open to sync: %s", path, strerror(errno));
    return -1;
  }
  int rc = fsync(fd);
  int e = errno;
  close(fd);
  if (rc != 0 && e != EINVAL) {
    snprintf(err, errlen, "%s: cannot sync: %s", path, strerror(e));
    return -1;
  }
  return 0;
}

/* A table's CSV name: ID.csv, no slash, not hidden. */
static bool is_csv_name(const char *name) {
  size_t n = strlen(name);
  return n > 4 && name[0] != '.' && !strchr(name, '/') && strcmp(name + n - 4, ".csv") == 0;
}

static bool is_regular(const char *path) {
  struct stat st;
  return lstat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool is_real_dir(const char *path) {
  struct stat st;
  return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* 1 when the process of a temporary name's PID has gone. */
static bool pid_gone(const char *digits) {
  char *end;
  errno = 0;
  long pid = strtol(digits, &end, 10);
  if (errno || end == digits || pid <= 0 || (pid_t)pid == getpid())
    return false;
  return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/* 1 when dir holds cleval's marker with its exact text. */
static bool has_marker(const char *dir) {
  strbuf p = STRBUF_INIT;
  strbuf_printf(&p, "%s/" TMP_MARK, dir);
  bool ok = false;
  int fd =
      is_regular(strbuf_str(&p)) ? open(strbuf_str(&p), O_RDONLY | O_CLOEXEC | O_NOFOLLOW) : -1;
  if (fd >= 0) {
    char buf[sizeof TMP_MARK_TEXT + 1];
    ssize_t n = read(fd, buf, sizeof buf);
    ok = n == (ssize_t)(sizeof TMP_MARK_TEXT - 1) && memcmp(buf, TMP_MARK_TEXT, (size_t)n) == 0;
    close(fd);
  }
  strbuf_free(&p);
  return ok;
}

/* Renames the finished report in tmp over its files in outdir (the tables'
 * CSVs first, report.html last), then syncs outdir. */
static int move_into_place(const char *tmp, const char *outdir, char *err, size_t errlen) {
  strbuf a = STRBUF_INIT, b = STRBUF_INIT;
  int rc = -1;
  strbuf_printf(&a, "%s/tables", tmp);
  DIR *d = opendir(strbuf_str(&a));
  if (d) {
    strbuf_reset(&b);
    strbuf_printf(&b, "%s/tables", outdir);
    if (mkdir(strbuf_str(&b), 0777) != 0 && errno != EEXIST) {
      snprintf(err, errlen, "%s: cannot create directory: %s", strbuf_str(&b), strerror(errno));
      closedir(d);
      goto cleanup;
    }
    if (!is_real_dir(strbuf_str(&b))) {
      snprintf(err, errlen, "%s: exists and is not a directory", strbuf_str(&b));
      closedir(d);
      goto cleanup;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
      if (!is_csv_name(e->d_name))
        continue;
      strbuf_reset(&a);
      strbuf_reset(&b);
      strbuf_printf(&a, "%s/tables/%s", tmp, e->d_name);
      strbuf_printf(&b, "%s/tables/%s", outdir, e->d_name);
      if (is_regular(strbuf_str(&a)) && rename(strbuf_str(&a), strbuf_str(&b)) != 0) {
        snprintf(err, errlen, "%s: cannot replace: %s", strbuf_str(&b), strerror(errno));
        closedir(d);
        goto cleanup;
      }
    }
    closedir(d);
    strbuf_reset(&b);
    strbuf_printf(&b, "%s/tables", outdir);
    if (sync_path(strbuf_str(&b), err, errlen) != 0)
      goto cleanup;
  }
  for (size_t i = 0; i < sizeof REPORT_FILES / sizeof *REPORT_FILES; i++) {
    strbuf_reset(&a);
    strbuf_reset(&b);
    strbuf_printf(&a, "%s/%s", tmp, REPORT_FILES[i]);
    strbuf_printf(&b, "%s/%s", outdir, REPORT_FILES[i]);
    if (is_regular(strbuf_str(&a)) && rename(strbuf_str(&a), strbuf_str(&b)) != 0) {
      snprintf(err, errlen, "%s: cannot replace: %s", strbuf_str(&b), strerror(errno));
      goto cleanup;
    }
  }
  rc = sync_path(outdir, err, errlen);
cleanup:
  strbuf_free(&a);
  strbuf_free(&b);
  return rc;
}

/* Removes a temporary report directory: its report files, CSVs, commit
 * file and marker (last), then the directories; anything else stays, and
 * so does the directory holding it. */
static void remove_temp(const char *tmp) {
  strbuf p = STRBUF_INIT;
  strbuf_printf(&p, "%s/tables", tmp);
  DIR *d = is_real_dir(strbuf_str(&p)) ? opendir(strbuf_str(&p)) : NULL;
  if (d) {
    struct dirent *e;
    while ((e = readdir(d))) {
      if (!is_csv_name(e->d_name))
        continue;
      strbuf_reset(&p);
      strbuf_printf(&p, "%s/tables/%s", tmp, e->d_name);
      if (is_regular(strbuf_str(&p)))
        unlink(strbuf_str(&p));
    }
    closedir(d);
    strbuf_reset(&p);
    strbuf_printf(&p, "%s/tables", tmp);
    rmdir(strbuf_str(&p));
  }
  static const char *const names[] = {"tables.xlsx", "report.json", "report.html", TMP_DONE,
                                      TMP_MARK};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    strbuf_reset(&p);
    strbuf_printf(&p, "%s/%s", tmp, names[i]);
    if (is_regular(strbuf_str(&p)))
      unlink(strbuf_str(&p));
  }
  rmdir(tmp);
  strbuf_free(&p);
}

/* A file name of the report's earlier temporaries: ".NAME.tmpPID[.K]" of
 * a report file (or a CSV when csv); *pid points at PID. */
static bool old_temp_name(const char *name, bool csv, const char **pid) {
  static const char *const names[] = {"report.html", "report.json", "tables.xlsx", "report.pdf"};
  const char *t = name[0] == '.' ? strstr(name, ".tmp") : NULL;
  if (!t || t == name || !isdigit((unsigned char)t[4]))
    return false;
  size_t n = (size_t)(t - name - 1);
  bool known = false;
  if (csv)
    known = n > 4 && strncmp(t - 4, ".csv", 4) == 0;
  for (size_t i = 0; !csv && i < sizeof names / sizeof *names; i++)
    known |= strlen(names[i]) == n && strncmp(name + 1, names[i], n) == 0;
  const char *q = t + 4 + strspn(t + 4, "0123456789");
  if (*q == '.')
    q += 1 + strspn(q + 1, "0123456789");
  *pid = t + 4;
  return known && *q == '\0';
}

/* Clears what killed runs left in outdir: temporary report directories
 * (rolled forward when committed, else removed) and the single temporary
 * files of earlier versions, in each case only when their process has gone. */
static void clean_stale(const char *outdir) {
  DIR *d = opendir(outdir);
  if (!d)
    return;
  strbuf p = STRBUF_INIT;
  char err[256];
  struct dirent *e;
  while ((e = readdir(d))) {
    const char *pid;
    strbuf_reset(&p);
    strbuf_printf(&p, "%s/%s", outdir, e->d_name);
    if (strncmp(e->d_name, TMP_PREFIX, strlen(TMP_PREFIX)) == 0) {
      if (!pid_gone(e->d_name + strlen(TMP_PREFIX)) || !is_real_dir(strbuf_str(&p)) ||
          !has_marker(strbuf_str(&p)))
        continue;
      strbuf done = STRBUF_INIT;
      strbuf_printf(&done, "%s/" TMP_DONE, strbuf_str(&p));
      if (is_regular(strbuf_str(&done)))
        (void)move_into_place(strbuf_str(&p), outdir, err, sizeof err);
      strbuf_free(&done);
      remove_temp(strbuf_str(&p));
    } else if (old_temp_name(e->d_name, false, &pid) && pid_gone(pid) &&
               is_regular(strbuf_str(&p))) {
      unlink(strbuf_str(&p));
    }
  }
  closedir(d);
  strbuf_reset(&p);
  strbuf_printf(&p, "%s/tables", outdir);
  d = is_real_dir(strbuf_str(&p)) ? opendir(strbuf_str(&p)) : NULL;
  while (d && (e = readdir(d))) {
    const char *pid;
    if (!old_temp_name(e->d_name, true, &pid) || !pid_gone(pid))
      continue;
    strbuf_reset(&p);
    strbuf_printf(&p, "%s/tables/%s", outdir, e->d_name);
    if (is_regular(strbuf_str(&p)))
      unlink(strbuf_str(&p));
  }
  if (d)
    closedir(d);
  strbuf_free(&p);
}

int report_write(const report_doc *doc, const char *outdir, char *err, size_t errlen) {
  if (!outdir || !*outdir) {
    snprintf(err, errlen, "no output directory given");
    return -1;
  }
  if (check_ids(doc, err, errlen) != 0)
    return -1;
  size_t nfiles = 2 + doc->ntables;
  strbuf *text = xcalloc(nfiles, sizeof *text);
  char **name = xcalloc(nfiles, sizeof *name); /* relative to the directory */
  char **made = NULL; /* directories dirs_make created, removed on failure */
  size_t nmade = 0;
  int rc = -1, committed = 0;
  strbuf path = STRBUF_INIT, tmp = STRBUF_INIT;

  /* Everything is rendered before anything touches the disk. */
  report_html(doc, &text[0]);
  report_json(doc, &text[1]);
  name[0] = xstrdup("report.html");
  name[1] = xstrdup("report.json");
  for (size_t i = 0; i < doc->ntables; i++) {
    report_table_csv(doc->tables[i], &text[2 + i]);
    strbuf_printf(&path, "tables/%s.csv", doc->tables[i]->id);
    name[2 + i] = strbuf_detach(&path);
  }

  struct stat st;
  if (stat(outdir, &st) == 0 && !S_ISDIR(st.st_mode)) {
    snprintf(err, errlen,
             "%s: exists and is not a directory (the report is a directory of files: "
             "give a new or existing directory)",
             outdir);
    goto cleanup;
  }
  if (dirs_make(outdir, &made, &nmade, err, errlen) != 0)
    goto cleanup;
  /* Nothing is written through a symbolic link, and a directory (or
   * anything else) where a file must go would make a rename fail half way:
   * refuse before writing. */
  strbuf_printf(&path, "%s/tables", outdir);
  if (lstat(strbuf_str(&path), &st) == 0 && !S_ISDIR(st.st_mode)) {
    snprintf(err, errlen, "%s: exists and is not a directory%s", strbuf_str(&path),
             S_ISLNK(st.st_mode) ? " (a symbolic link, which the report does not follow)" : "");
    goto cleanup;
  }
  for (size_t i = 0; i <= nfiles; i++) {
    strbuf_reset(&path);
    strbuf_printf(&path, "%s/%s", outdir, i < nfiles ? name[i] : "tables.xlsx");
    if (lstat(strbuf_str(&path), &st) == 0 && !S_ISREG(st.st_mode)) {
      snprintf(err, errlen, "%s: exists and is not a regular file%s", strbuf_str(&path),
               S_ISLNK(st.st_mode) ? " (a symbolic link, which the report does not follow)" : "");
      goto cleanup;
    }
  }
  clean_stale(outdir);

  for (int k = 0;; k++) {
    strbuf_reset(&tmp);
    strbuf_printf(&tmp, "%s/" TMP_PREFIX "%ld.%d", outdir, (long)getpid(), k);
    if (mkdir(strbuf_str(&tmp), 0777) == 0)
      break;
    if (errno != EEXIST || k >= 100) {
      snprintf(err, errlen, "%s: cannot create directory: %s", strbuf_str(&tmp), strerror(errno));
      strbuf_reset(&tmp);
      goto cleanup;
    }
  }
  strbuf_reset(&path);
  strbuf_printf(&path, "%s/" TMP_MARK, strbuf_str(&tmp));
  if (write_new_file(strbuf_str(&path), strbuf_str(&path), TMP_MARK_TEXT, strlen(TMP_MARK_TEXT),
                     err, errlen) != 0)
    goto cleanup;
  strbuf_reset(&path);
  strbuf_printf(&path, "%s/tables", strbuf_str(&tmp));
  if (mkdir(strbuf_str(&path), 0777) != 0) {
    snprintf(err, errlen, "%s: cannot create directory: %s", strbuf_str(&path), strerror(errno));
    goto cleanup;
  }
  for (size_t i = 0; i < nfiles; i++) {
    strbuf_reset(&path);
    strbuf_printf(&path, "%s/%s", outdir, name[i]);
    char *shown = strbuf_detach(&path);
    strbuf_printf(&path, "%s/%s", strbuf_str(&tmp), name[i]);
    int w =
        write_new_file(strbuf_str(&path), shown, strbuf_str(&text[i]), text[i].len, err, errlen);
    free(shown);
    if (w != 0)
      goto cleanup;
  }
  /* tables.xlsx: the library writes the file; synced after. */
  strbuf_reset(&path);
  strbuf_printf(&path, "%s/tables.xlsx", strbuf_str(&tmp));
  if (xlsx_write(doc, strbuf_str(&path), err, errlen) != 0 ||
      sync_path(strbuf_str(&path), err, errlen) != 0)
    goto cleanup;
  strbuf_reset(&path);
  strbuf_printf(&path, "%s/tables", strbuf_str(&tmp));
  if (sync_path(strbuf_str(&path), err, errlen) != 0 ||
      sync_path(strbuf_str(&tmp), err, errlen) != 0)
    goto cleanup;
  /* The commit: from here a killed run is rolled forward by the next. */
  strbuf_reset(&path);
  strbuf_printf(&path, "%s/" TMP_DONE, strbuf_str(&tmp));
  if (write_new_file(strbuf_str(&path), strbuf_str(&path), "", 0, err, errlen) != 0 ||
      sync_path(strbuf_str(&tmp), err, errlen) != 0)
    goto cleanup;
  committed = 1;
  if (move_into_place(strbuf_str(&tmp), outdir, err, errlen) != 0)
    goto cleanup;
  rc = 0;

cleanup:
  /* A temporary directory goes, unless it holds a committed report not
   * yet all in place: the next run finishes it. */
  if (tmp.len && (rc == 0 || !committed))
    remove_temp(strbuf_str(&tmp));
  for (size_t i = 0; i < nfiles; i++) {
    free(name[i]);
    strbuf_free(&text[i]);
  }
  /* Directories this call created go again on failure (rmdir removes only
   * empty ones). */
  for (size_t i = nmade; i-- > 0;) {
    if (rc != 0)
      rmdir(made[i]);
    free(made[i]);
  }
  free(made);
  free(name);
  free(text);
  strbuf_free(&path);
  strbuf_free(&tmp);
  return rc;
}
