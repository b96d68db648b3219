/* Tests for the report writer: HTML (escaping, structure, the ids, numbers
 * at each column's digits, tests in APA style, nothing external), JSON (it
 * parses and holds every number exactly), CSV, and report_write's files,
 * including its failures, which leave nothing behind.
 *
 * With CLEVAL_SAMPLE_OUT=DIR in the environment it also writes a sample
 * report with every kind of chart to DIR (for the browser test). */
#include "testutil.h"

#include <dirent.h>
#include <jansson.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "report.h"
#include "report_doc.h"
#include "strbuf.h"

/* ---- A sample document --------------------------------------------------- */

static report_table *table(report_doc *d, const char *id, const char *title, report_section s,
                           const char *const *cols, size_t ncols) {
  report_table *t = report_table_new(id, title, s, cols, ncols);
  report_doc_add(d, t);
  return t;
}

/* One row: a format character per column ('s' text, 'i' count, 'n' number,
 * '-' NULL), then the values. */
static void row(report_table *t, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  size_t r = report_table_add_row(t);
  for (size_t c = 0; fmt[c]; c++) {
    switch (fmt[c]) {
    case 's': report_table_set_text(t, r, c, va_arg(ap, const char *)); break;
    case 'i': report_table_set_int(t, r, c, va_arg(ap, long long)); break;
    case 'n': report_table_set_num(t, r, c, va_arg(ap, double)); break;
    default: break;
    }
  }
  va_end(ap);
}

static void digits(report_table *t, const char *col, const char *heading, int d) {
  int c = report_table_find_column(t, col);
  assert_true(c >= 0);
  report_table_column(t, (size_t)c, heading, d);
}

static void chart(report_table *t, chart_kind kind, const char *cat, const char *series,
                  const char *const *values, int nvalues, const char *lo, const char *hi,
                  const char *ylabel, double ymax) {
  t->chart.kind = kind;
  t->chart.category_col = report_table_find_column(t, cat);
  t->chart.series_col = series ? report_table_find_column(t, series) : -1;
  for (int v = 0; v < nvalues; v++)
    t->chart.value_cols[v] = report_table_find_column(t, values[v]);
  t->chart.nvalues = nvalues;
  t->chart.ci_low_col = lo ? report_table_find_column(t, lo) : -1;
  t->chart.ci_high_col = hi ? report_table_find_column(t, hi) : -1;
  t->chart.y_label = ylabel;
  t->chart.y_max = ymax;
}

#define LEN(a) (sizeof(a) / sizeof *(a))

static report_doc *sample_doc(void) {
  report_doc *d = report_doc_new("Careers Leader Training: Impact on knowledge, practice and "
                                 "programmes");
  report_doc_key_message(d, "Knowledge rose in all four areas by 13 to 16 percentage points.");
  report_doc_key_message(d, "Establishments with a trained Careers Leader achieved 0.5 more "
                            "benchmarks <script>alert('km')</script> & more.");
  report_doc_conclusion(d, "The training improves knowledge and practice.");
  report_doc_method(d, "Matched sample: leaders with a pre and a post response in the same "
                       "role.");
  report_doc_method(d, "Baseline: the latest Compass return on or before 2018-07-31.");
  report_doc_provenance(d, "version", "cleval 0.1.0");
  report_doc_provenance(d, "date", "2026-11-24");
  report_doc_provenance(d, "data_sha256",
                        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  report_doc_provenance(d, "compass.baseline_cutoff", "2018-07-31");
  report_doc_question(d, "self-assessment", "school", "leadership", "sa_school_lead_1",
                      "Lead others in your school who deliver career guidance");
  report_doc_question(d, "self-assessment", "college_strategic", "management", "sa_cs_manage_1",
                      "Ensure that a programme of career guidance is in place "
                      "& that an appropriate <operational> team exists");
  report_doc_question(d, "long-term", "", "", "lt_conf_leadership",
                      "How confident are you in leadership?");

  static const char *const samples_cols[] = {"source", "issued", "achieved", "pct"};
  report_table *t = table(d, "samples", "Achieved and issued samples", SECTION_SAMPLES,
                          samples_cols, LEN(samples_cols));
  row(t, "siin", "Pre survey", 1466LL, 649LL, 44.25);
  row(t, "siin", "Post survey", 1466LL, 1116LL, 76.125);
  row(t, "siin", "Matched", 1466LL, 409LL, 27.899045020463847);
  row(t, "siin", "Long-term survey", 596LL, 225LL, 0.1);
  row(t, "s-i-", "Compass, comparison", 1500LL);
  digits(t, "pct", "Achieved (%)", 1);
  report_table_add_note(t, "Issued: leaders who completed the training.");

  static const char *const fig1_cols[] = {
      "area", "n",  "pre_mean", "post_mean", "mean_diff", "ci_low",     "ci_high",
      "t",    "df", "p",        "p_holm",    "cohens_dz", "wilcoxon_v", "wilcoxon_p"};
  t = table(d, "fig1",
            "Average knowledge score in each responsibility area, pre and post "
            "training",
            SECTION_LEVEL2, fig1_cols, LEN(fig1_cols));
  t->n = 409;
  row(t, "sinnnnnnnnnnnn", "leadership", 409LL, 74.34567, 89.25, 14.90433, 13.3, 16.5,
      19.034999999999997, 408.0, 1e-300, 4e-300, 0.9412, 70123.0, 2.5e-60);
  row(t, "sinnnnnnnnnnnn", "management", 409LL, 73.1, 88.0, 14.9, 13.4, 16.4, 21.0, 408.0, 3.2e-70,
      1.28e-69, 1.04, 70456.0, 1e-62);
  row(t, "sinnnnnnnnnnnn", "coordination", 409LL, 76.0, 89.0, 13.0, 11.5, 14.5, 17.0, 408.0, 1e-40,
      2e-40, 0.84, 66000.0, 1e-50);
  row(t, "sinnnnnnnnnnnn", "networking", 409LL, 71.0, 85.0, 14.000000000000002, 12.6, 15.4, 20.0,
      408.0, 0.0004, 0.0008, 0.99, 69000.0, 0.034);
  digits(t, "area", "Area", 0);
  digits(t, "n", "N", 0);
  digits(t, "pre_mean", "Pre (%)", 1);
  digits(t, "post_mean", "Post (%)", 1);
  digits(t, "t", "t", 2);
  digits(t, "df", "df", 0);
  digits(t, "p", "p", 3);
  digits(t, "p_holm", "p (Holm)", 3);
  digits(t, "cohens_dz", "dz", 2);
  digits(t, "wilcoxon_p", "Wilcoxon p", 3);
  static const char *const prepost[] = {"pre_mean", "post_mean"};
  chart(t, CHART_GROUPED, "area", NULL, prepost, 2, NULL, NULL, "Mean knowledge score (%)", 100);
  report_table_set_finding(t, "Knowledge rose in <every> area.");
  report_table_set_alt(t, "Mean knowledge score rose in every area, from 71-76 %% before to "
                          "85-89 %% after the training.");
  const char *areas[] = {"leadership", "management", "coordination", "networking"};
  double ts[] = {19.034999999999997, 21.0, 17.0, 20.0}, ps[] = {1e-300, 3.2e-70, 1e-40, 0.0004};
  double dz[] = {0.9412, 1.04, 0.84, 0.99};
  for (int a = 0; a < 4; a++) {
    table_test *x = report_table_add_test(t, areas[a], "paired-t", ts[a], 408, ps[a]);
    x->p_adjusted = ps[a] * 4;
    x->effect = dz[a];
    x->effect_name = strdup("cohens_dz");
  }
  report_table_add_test(t, "leadership", "wilcoxon", 70123.0, NAN, 2.5e-60);
  report_table_add_note(t, "Matched sample: pre and post responses of the same leader.");

  static const char *const t1_cols[] = {"group",     "area",   "n",       "pre_mean", "post_mean",
                                        "mean_diff", "ci_low", "ci_high", "p"};
  t = table(d, "table1", "Average knowledge score by establishment type", SECTION_LEVEL2, t1_cols,
            LEN(t1_cols));
  row(t, "ssinnnnnn", "college", "leadership", 50LL, 77.0, 90.0, 13.0, 9.0, 17.0, 1e-9);
  row(t, "ssinnnnnn", "send_ap", "leadership", 55LL, 71.0, 89.0, 18.0, 14.0, 22.0, 1e-12);
  row(t, "ssi------", "send_ap", "networking", 3LL);
  report_table_suppress_row(t, 2, 2, MARK_SUPPRESSED, 5);
  digits(t, "p", "p", 3);

  static const char *const fig2_cols[] = {"band", "area", "n", "mean_change", "ci_low", "ci_high"};
  t = table(d, "fig2", "Change in knowledge score by time in role", SECTION_LEVEL2, fig2_cols,
            LEN(fig2_cols));
  row(t, "ssinnn", "under 1 year", "leadership", 120LL, 19.5, 16.0, 23.0);
  row(t, "ssinnn", "under 1 year", "networking", 120LL, 17.25, 14.0, 20.5);
  row(t, "ssinnn", "over 5 years", "leadership", 90LL, 6.5, 3.0, 10.0);
  row(t, "ssinnn", "over 5 years", "networking", 90LL, -2.5, -6.0, 1.0);
  row(t, "ssi---", "3 to 5 years", "leadership", 4LL);
  static const char *const change[] = {"mean_change"};
  chart(t, CHART_GROUPED, "band", "area", change, 1, "ci_low", "ci_high",
        "Change in knowledge score (percentage points)", 0);
  report_table_add_note(t, "12 leaders gave no time in role and form no band.");

  static const char *const fig3_cols[] = {"band", "n", "agree_pct", "ci_low", "ci_high"};
  t = table(d, "fig3", "'The training increased my knowledge' by time in role", SECTION_LEVEL2,
            fig3_cols, LEN(fig3_cols));
  row(t, "sinnn", "under 1 year", 300LL, 97.5, 95.0, 98.8);
  row(t, "sinnn", "1 to 3 years", 280LL, 96.0, 93.1, 97.7);
  row(t, "sinnn", "over 5 years", 260LL, 95.2, 92.0, 97.2);
  static const char *const agree[] = {"agree_pct"};
  chart(t, CHART_BAR, "band", NULL, agree, 1, "ci_low", "ci_high", "Agree or strongly agree (%)",
        100);

  static const char *const fig4_cols[] = {
      "area", "n", "very_pct", "quite_pct", "not_very_pct", "not_at_all_pct"};
  t = table(d, "fig4", "Confidence in each responsibility area 6-24 months after the training",
            SECTION_LEVEL3, fig4_cols, LEN(fig4_cols));
  t->n = 225;
  row(t, "sinnnn", "leadership", 225LL, 56.0, 40.0, 3.1, 0.9);
  row(t, "sinnnn", "management", 225LL, 52.0, 44.0, 4.0, 0.0);
  row(t, "sinnnn", "coordination", 225LL, 60.4, 36.0, 3.6, 0.0);
  row(t, "si----", "networking", 0LL);
  digits(t, "very_pct", "Very confident (%)", 0);
  digits(t, "quite_pct", "Quite confident (%)", 0);
  digits(t, "not_very_pct", "Not very confident (%)", 0);
  digits(t, "not_at_all_pct", "Not at all confident (%)", 0);
  static const char *const conf[] = {"very_pct", "quite_pct", "not_very_pct", "not_at_all_pct"};
  chart(t, CHART_STACKED, "area", NULL, conf, 4, NULL, NULL, "Share of responses", 0);

  static const char *const fig5_cols[] = {"answer", "n", "pct"};
  t = table(d, "fig5", "'The training helped me identify actions to improve my practice'",
            SECTION_LEVEL3, fig5_cols, LEN(fig5_cols));
  t->n = 1116;
  row(t, "sin", "strongly disagree", 5LL, 0.4);
  row(t, "sin", "disagree", 6LL, 0.5);
  row(t, "sin", "neither", 22LL, 2.0);
  row(t, "sin", "agree", 450LL, 40.3);
  row(t, "sin", "strongly agree", 633LL, 56.7);
  static const char *const pct[] = {"pct"};
  chart(t, CHART_BAR, "answer", NULL, pct, 1, NULL, NULL, "Responses (%)", 100);

  static const char *const fig18_cols[] = {"group",  "n",      "baseline_mean", "post_mean",
                                           "change", "ci_low", "ci_high"};
  t = table(d, "fig18", "Average number of Gatsby Benchmarks achieved at baseline and post",
            SECTION_LEVEL4, fig18_cols, LEN(fig18_cols));
  row(t, "sinnnnn", "trained", 1100LL, 2.1, 4.5, 2.4, 2.3, 2.5);
  row(t, "sinnnnn", "untrained", 1500LL, 2.1, 3.9, 1.8, 1.7, 1.9);
  static const char *const bm[] = {"baseline_mean", "post_mean"};
  chart(t, CHART_GROUPED, "group", NULL, bm, 2, NULL, NULL, "Benchmarks achieved (of 8)", 8);

  t = table(d, "fig19", "Average number of Gatsby Benchmarks achieved, by training and hub",
            SECTION_LEVEL4, fig18_cols, LEN(fig18_cols));
  row(t, "sinnnnn", "trained_hub", 723LL, 2.3, 5.0, 2.7, 2.55, 2.85);
  row(t, "sinnnnn", "trained_nohub", 377LL, 1.8, 3.8, 2.0, 1.8, 2.2);
  row(t, "sinnnnn", "untrained_hub", 897LL, 2.2, 4.3, 2.1, 1.95, 2.25);
  row(t, "sinnnnn", "untrained_nohub", 603LL, 1.9, 3.4, 1.5, 1.35, 1.65);
  digits(t, "group", "Group", 0);
  chart(t, CHART_GROUPED, "group", NULL, bm, 2, NULL, NULL, "Benchmarks achieved (of 8)", 8);

  static const char *const fig21_cols[] = {"benchmark", "group", "n", "baseline_pct", "post_pct"};
  t = table(d, "fig21", "Establishments fully achieving each benchmark", SECTION_LEVEL4, fig21_cols,
            LEN(fig21_cols));
  for (long long b = 1; b <= 8; b++) {
    row(t, "isinn", b, "trained", 1100LL, 7.0 + 3 * (double)b, 41.0 + 4 * (double)b);
    row(t, "isinn", b, "untrained", 1500LL, 7.0 + 3 * (double)b, 32.0 + 3 * (double)b);
  }
  static const char *const bp[] = {"baseline_pct", "post_pct"};
  chart(t, CHART_GROUPED, "benchmark", "group", bp, 2, NULL, NULL, "Fully achieved (%)", 100);

  static const char *const did_cols[] = {"term",   "estimate", "se_cluster",
                                         "ci_low", "ci_high",  "p"};
  t = table(d, "did", "Difference-in-differences regression of benchmarks achieved", SECTION_LEVEL4,
            did_cols, LEN(did_cols));
  row(t, "snnnnn", "intercept", 1.9, 0.05, 1.8, 2.0, 1e-200);
  row(t, "snnnnn", "trained_x_post", 0.6, 0.08, 0.44, 0.76, 3e-13);
  digits(t, "estimate", "Estimate", 2);
  digits(t, "p", "p", 3);
  report_table_add_test(t, "trained_x_post", "did", 7.5, 2599, 3e-13);

  static const char *const alpha_cols[] = {"role", "area", "k", "n", "alpha"};
  t = table(d, "alpha", "Reliability of the self-assessment scales (Cronbach's alpha)",
            SECTION_APPENDIX, alpha_cols, LEN(alpha_cols));
  row(t, "ssiin", "school", "leadership", 7LL, 380LL, 0.912);
  digits(t, "alpha", "Alpha", 2);

  static const char *const awk_cols[] = {"label", "text", "value"};
  t = table(d, "awkward", "<script>alert(1)</script> & \"co\"", SECTION_LEVEL3, awk_cols,
            LEN(awk_cols));
  row(t, "ss-", "<b>bold</b> & co", "comma, \"quote\"\nnew line");
  row(t, "s-n", "nothing", -0.0001);
  static const char *const val[] = {"value"};
  chart(t, CHART_BAR, "label", NULL, val, 1, NULL, NULL, "<y> & label", 0);
  report_table_add_note(t, "A note with <script>alert('note')</script> & an ampersand.");
  table_test *x = report_table_add_test(t, "<i>label</i>", "<name>", NAN, NAN, NAN);
  x->effect = 0.5;
  x->effect_name = strdup("<eff>");

  static const char *const empty_cols[] = {"group", "pct"};
  t = table(d, "norows", "A table with no rows", SECTION_LEVEL4, empty_cols, LEN(empty_cols));
  chart(t, CHART_BAR, "group", NULL, pct, 1, NULL, NULL, NULL, 0);
  report_table_add_note(t, "No establishment had a post return.");

  t = table(d, "nocols", "A table with no columns", SECTION_APPENDIX, NULL, 0);
  return d;
}

/* ---- Helpers ------------------------------------------------------------- */

static char *html_of(const report_doc *d) {
  strbuf b = STRBUF_INIT;
  report_html(d, &b);
  return strbuf_detach(&b);
}

static char *json_of(const report_doc *d) {
  strbuf b = STRBUF_INIT;
  report_json(d, &b);
  return strbuf_detach(&b);
}

static size_t count(const char *hay, const char *needle) {
  size_t n = 0;
  for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
    n++;
  return n;
}

static const char *find(const char *hay, const char *needle) {
  const char *p = strstr(hay, needle);
  if (!p)
    fail_msg("not found: %s", needle);
  return p;
}

/* The HTML of the element with this id, up to its closing </figure>. */
static char *figure_of(const char *html, const char *id) {
  char key[128];
  snprintf(key, sizeof key, "<figure id=\"%s\"", id);
  const char *p = find(html, key);
  const char *end = find(p, "</figure>");
  return strndup(p, (size_t)(end - p));
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  strbuf b = STRBUF_INIT;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0)
    strbuf_put(&b, buf, n);
  fclose(f);
  return strbuf_detach(&b);
}

/* The names in a directory, sorted, comma-separated ("" when empty,
 * "(missing)" when it does not exist). */
static char *listing(const char *dir) {
  DIR *d = opendir(dir);
  if (!d)
    return strdup("(missing)");
  char *names[256];
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 256)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
      names[n++] = strdup(e->d_name);
  closedir(d);
  for (size_t i = 1; i < n; i++)
    for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
      char *s = names[j];
      names[j] = names[j - 1];
      names[j - 1] = s;
    }
  strbuf b = STRBUF_INIT;
  for (size_t i = 0; i < n; i++) {
    if (i)
      strbuf_putc(&b, ',');
    strbuf_puts(&b, names[i]);
    free(names[i]);
  }
  return strbuf_detach(&b);
}

static void assert_listing(const char *dir, const char *want) {
  char *got = listing(dir);
  if (strcmp(got, want) != 0)
    fail_msg("%s holds [%s], expected [%s]", dir, got, want);
  free(got);
}

static char *path_in(const char *dir, const char *name) {
  char *p = malloc(strlen(dir) + strlen(name) + 2);
  sprintf(p, "%s/%s", dir, name);
  return p;
}

/* ---- HTML ---------------------------------------------------------------- */

static void test_html_escapes_everything(void **state) {
  (void)state;
  report_doc *d = sample_doc();
  char *html = html_of(d);
  /* No markup from the data gets through: no script element at all. */
  assert_null(strstr(html, "<script"));
  assert_null(strstr(html, "<b>bold"));
  assert_null(strstr(html, "<i>label"));
  assert_null(strstr(html, "<operational>"));
  assert_null(strstr(html, "<eff>"));
  find(html, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;co&quot;");
  find(html, "<td>&lt;b&gt;bold&lt;/b&gt; &amp; co</td>");
  find(html, "comma, &quot;quote&quot;\nnew line");
  find(html, "benchmarks &lt;script&gt;alert(&#39;km&#39;)&lt;/script&gt; &amp; more.");
  find(html, "A note with &lt;script&gt;alert(&#39;note&#39;)&lt;/script&gt; &amp; an");
  find(html, "&lt;i&gt;label&lt;/i&gt;, &lt;name&gt;: &lt;eff&gt; = 0.50");
  find(html, "&amp; that an appropriate &lt;operational&gt; team exists");
  /* The chart's title and axis label are escaped too. */
  char *fig = figure_of(html, "awkward");
  find(fig, "<title>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;co&quot;</title>");
  find(fig, "&lt;y&gt; &amp; label");
  free(fig);
  /* Every '&' starts an entity. */
  for (const char *p = html; (p = strchr(p, '&')); p++) {
    size_t n = strspn(p + 1, "abcdefghijklmnopqrstuvwxyz0123456789#");
    if (n == 0 || p[1 + n] != ';')
      fail_msg("bare '&' at: %.40s", p);
  }
  free(html);
  report_doc_free(d);
}

static void test_html_structure(void **state) {
  (void)state;
  report_doc *d = sample_doc();
  char *html = html_of(d);
  assert_true(strncmp(html, "<!DOCTYPE html>\n<html lang=\"en\">", 32) == 0);
  find(html, "<meta charset=\"utf-8\">");
  find(html, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
  find(html, "<title>Careers Leader Training: Impact on knowledge");
  find(html, "@media print");
  /* Self-contained: no scripts, no external resources of any kind. */
  assert_null(strstr(html, " src="));
  assert_null(strstr(html, "href=\"http"));
  assert_null(strstr(html, "url("));
  assert_null(strstr(html, "@import"));
  assert_null(strstr(html, "<link"));
  /* Every href is a link inside the file, to an element that exists. */
  for (const char *p = html; (p = strstr(p, "href=\"")); p++) {
    assert_int_equal(p[6], '#');
    char id[128];
    size_t n = strcspn(p + 7, "\"");
    assert_true(n < 100);
    snprintf(id, sizeof id, "id=\"%.*s\"", (int)n, p + 7);
    assert_int_equal(count(html, id), 1);
  }
  /* One element per table, its id the table id, each id once. */
  for (size_t i = 0; i < d->ntables; i++) {
    char key[128];
    snprintf(key, sizeof key, "<figure id=\"%s\" ", d->tables[i]->id);
    assert_int_equal(count(html, key), 1);
    snprintf(key, sizeof key, "id=\"%s\"", d->tables[i]->id);
    assert_int_equal(count(html, key), 1);
  }
  /* A chart for each table that has one; none for the others. */
  assert_int_equal(count(html, "<svg "), 10);
  char *fig = figure_of(html, "fig1");
  /* The title is a heading (h3 under the chapter's h2) that names the figure. */
  find(fig, "aria-labelledby=\"fig1-title\">\n<h3 id=\"fig1-title\"><span "
            "class=\"figure-number\">Figure 1:</span> Average knowledge "
            "score in each responsibility area, pre and post training (N = 409)</h3>");
  /* The finding, escaped, between the heading and the chart. */
  find(fig, "</h3>\n<p class=\"finding\">Knowledge rose in &lt;every&gt; area.</p>\n<div "
            "class=\"figure-body");
  find(fig, "role=\"img\"");
  find(fig, "<desc>Mean knowledge score rose in every area, from 71-76 % before to 85-89 % "
            "after the training.</desc>");
  free(fig);
  fig = figure_of(html, "samples");
  assert_null(strstr(fig, "<svg"));
  free(fig);
  fig = figure_of(html, "table1");
  find(fig, "<span class=\"figure-number\">Table 1:</span>");
  free(fig);
  /* An empty table says so; a table without rows still draws its axes. */
  fig = figure_of(html, "norows");
  find(fig, ">No data</text>");
  find(fig, "No rows.");
  find(fig, "No establishment had a post return.");
  free(fig);
  fig = figure_of(html, "nocols");
  find(fig, "No data.");
  free(fig);

  /* The chapters in the seed report's order, each table in its own. */
  const char *order[] = {"id=\"ch-title\"",       "id=\"ch-key-messages\"",
                         "id=\"ch-contents\"",    "id=\"ch-samples\"",
                         "id=\"samples\"",        "id=\"ch-knowledge\"",
                         "id=\"fig1\"",           "id=\"table1\"",
                         "id=\"ch-practice\"",    "id=\"fig4\"",
                         "id=\"ch-results\"",     "id=\"fig18\"",
                         "id=\"fig19\"",          "id=\"did\"",
                         "id=\"ch-conclusions\"", "id=\"ch-methods\"",
                         "id=\"ch-sources\"",     "id=\"ch-reliability\"",
                         "id=\"alpha\"",          "id=\"ch-questions\""};
  const char *prev = html;
  for (size_t i = 0; i < LEN(order); i++) {
    const char *p = find(html, order[i]);
    if (p < prev)
      fail_msg("%s is out of order", order[i]);
    prev = p;
  }
  /* Key messages on the title page; contents link to every table. */
  find(html, "<li>Knowledge rose in all four areas by 13 to 16 percentage points.</li>");
  find(html, "<a href=\"#fig19\">");
  find(html, "<li>Baseline: the latest Compass return on or before 2018-07-31.</li>");
  find(html, "<th scope=\"row\">data_sha256</th><td>9f86d081884c7d659a2feaa0c55ad015a3bf4f1b"
             "2b0b822cd15d6c15b0f00a08</td>");
  /* The question bank: a collapsible block per instrument and role, one
   * item a row. */
  find(html, "<details class=\"role\">\n<summary>Self-assessment: School Careers Leaders (1 "
             "item)</summary>\n<ol class=\"items\">\n<li><span class=\"item-area\">Leadership:"
             "</span> Lead others in your school who deliver career guidance <span "
             "class=\"item-id\">(sa_school_lead_1)</span></li>");
  find(html, "<summary>Long-term (1 item)</summary>");
  find(html, "<p>The training improves knowledge and practice.</p>");
  /* The glossary in the methods appendix, and the skip link first. */
  find(html, "<h3 id=\"glossary\">Glossary</h3>");
  find(html, "<dt>Difference in differences</dt>");
  find(html, "<dt>Cluster-robust standard errors</dt>");
  find(html, "<body>\n<a class=\"skip-link\" href=\"#ch-contents\">");
  free(html);
  report_doc_free(d);
}

static void test_html_empty_document(void **state) {
  (void)state;
  /* Nothing computed at all: every chapter is still there and says so. */
  report_doc *d = report_doc_new("Empty & <new>");
  char *html = html_of(d);
  find(html, "<title>Empty &amp; &lt;new&gt;</title>");
  find(html, "<h1>Empty &amp; &lt;new&gt;</h1>");
  find(html, "No key messages were generated.");
  assert_int_equal(count(html, "No tables in this chapter."), 6);
  find(html, "No conclusions were generated.");
  find(html, "No methods notes were recorded.");
  find(html, "No provenance was recorded.");
  find(html, "No questions were recorded.");
  assert_null(strstr(html, "<figure"));
  assert_null(strstr(html, "<ol>\n</ol>"));
  assert_null(strstr(html, "<ul>\n</ul>"));
  free(html);
  report_doc_free(d);
}

/* A code shown by its label in the HTML table, chart and test line; JSON and
 * CSV keep the code, and an escaped label stays escaped. */
static void test_labels(void **state) {
  (void)state;
  report_doc *d = report_doc_new("Labels");
  static const char *const cols[] = {"group", "n", "change"};
  report_table *t = table(d, "fig19", "Groups", SECTION_LEVEL4, cols, 3);
  row(t, "sin", "trained_hub", 12LL, 2.5);
  row(t, "sin", "untrained_nohub", 9LL, 1.5);
  report_table_label(t, "trained_hub", "Trained, in a <hub>");
  report_table_label(t, "trained_hub", "Trained, in a hub & more"); /* replaces */
  report_table_add_test(t, "trained_hub", "welch-t", 2.0, 10, 0.07);
  report_table_add_test(t, "untrained_nohub, trained_hub", "welch-t", 2.0, 10, 0.07);
  t->chart = (chart_spec){CHART_BAR, 0, -1, {2}, 1, -1, -1, "Group", "Change", 0, -1};
  assert_string_equal(report_table_display(t, "trained_hub"), "Trained, in a hub & more");
  assert_string_equal(report_table_display(t, "untrained_nohub"), "untrained_nohub");
  /* A series named by a count: its column's heading and the count. */
  static const char *const wcols[] = {"wave", "area", "change"};
  report_table *w = table(d, "cohorts", "Waves", SECTION_LEVEL2, wcols, 3);
  report_table_column(w, 0, "Wave", 0);
  row(w, "isn", 1LL, "leadership", 6.0);
  row(w, "isn", 2LL, "leadership", 15.0);
  w->chart = (chart_spec){CHART_GROUPED, 1, 0, {2}, 1, -1, -1, "Area", "Change", 0, -1};
  char *html = html_of(d), *json = json_of(d);
  find(html, ">Wave 1<");
  find(html, ">Wave 2<");
  assert_true(count(html, "Trained, in a hub &amp; more") >= 4); /* cell, chart, tests */
  find(html, "<li>untrained_nohub, Trained, in a hub &amp; more, ");
  assert_null(strstr(html, "&lt;hub&gt;"));
  assert_null(strstr(html, ">trained_hub<"));
  find(html, "untrained_nohub");
  find(json, "\"trained_hub\"");
  assert_null(strstr(json, "Trained, in a hub"));
  strbuf b = STRBUF_INIT;
  report_table_csv(t, &b);
  char *csv = strbuf_detach(&b);
  find(csv, "trained_hub,12,");
  free(csv);
  free(json);
  free(html);
  report_doc_free(d);
}

static void test_html_numbers_and_tests(void **state) {
  (void)state;
  report_doc *d = sample_doc();
  char *html = html_of(d);
  char *fig = figure_of(html, "fig1");
  /* Rounded to the column's digits; counts with thousands separators. */
  find(fig, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Average "
            "knowledge score in each responsibility area, pre and post training (table)\">");
  find(fig, "<td>leadership</td><td class=\"num\">409</td><td class=\"num\">74.3</td>"
            "<td class=\"num\">89.2</td>");
  find(fig, "<td class=\"num\">19.03</td><td class=\"num\">408</td>");
  /* p in APA style, as in the text: a bound below .001, else three decimals. */
  find(fig, "<td class=\"num\">&lt; .001</td>");
  find(fig, "<td class=\"num\">.034</td>");
  find(fig, "<th scope=\"col\" class=\"num\">Pre (%)</th>");
  /* APA-style tests. */
  find(fig, "<li>leadership, paired t-test: t(408) = 19.03, p &lt; .001, adjusted p &lt; .001, "
            "d = 0.94</li>");
  find(fig, "<li>networking, paired t-test: t(408) = 20.00, p &lt; .001, adjusted p = .002, "
            "d = 0.99</li>");
  find(fig, "<li>leadership, Wilcoxon signed-rank test: V = 70123.00, p &lt; .001</li>");
  free(fig);
  fig = figure_of(html, "samples");
  find(fig, "<td class=\"num\">1,466</td><td class=\"num\">649</td><td class=\"num\">44.2</td>");
  /* NULL cells are a dash. */
  find(fig, "<td>Compass, comparison</td><td class=\"num\">\xE2\x80\x93</td><td "
            "class=\"num\">1,500</td><td class=\"num\">\xE2\x80\x93</td>");
  free(fig);
  /* A withheld row: "fewer than 5" where n was, nothing after it, and no
   * figure of it anywhere. */
  fig = figure_of(html, "table1");
  find(fig, "<td>networking</td><td class=\"num\">fewer than 5</td><td class=\"num\"></td>");
  assert_null(strstr(fig, ">3</td>"));
  free(fig);
  /* Never "-0.0". */
  fig = figure_of(html, "awkward");
  find(fig, "<td>nothing</td><td class=\"num\">\xE2\x80\x93</td><td class=\"num\">0.0</td>");
  free(fig);
  fig = figure_of(html, "fig21");
  find(fig, "<td class=\"num\">1</td><td>trained</td><td class=\"num\">1,100</td>");
  free(fig);
  fig = figure_of(html, "did");
  find(fig, "<li>trained_x_post, difference-in-differences: t(2599) = 7.50, p &lt; .001</li>");
  free(fig);
  free(html);
  report_doc_free(d);

  /* p formatting at the edges, df with decimals, other test kinds. */
  d = report_doc_new("t");
  static const char *const cols[] = {"x"};
  report_table *t = report_table_new("x", "x", SECTION_LEVEL2, cols, 1);
  report_table_add_test(t, "a", "welch-t", -2.345, 12.3456, 0.034);
  report_table_add_test(t, "b", "chisq", 7.8, 2, 0.9999);
  report_table_add_test(t, "c", "anova", 2.1, 11, 0.0995);
  report_table_add_test(t, "c2", "anova", 1.2, 11, 0.288)->df2 = 422;
  report_table_add_test(t, "d", "mann-whitney", 10, NAN, 0.001);
  report_table_add_test(t, "", "custom", NAN, NAN, 0.5);
  report_table_add_test(t, "f", "paired-t", NAN, NAN, NAN);
  report_doc_add(d, t);
  html = html_of(d);
  find(html, "<li>a, Welch t-test: t(12.35) = -2.35, p = .034</li>");
  find(html, "<li>b, chi-square test: \xCF\x87\xC2\xB2(2) = 7.80, p &gt; .999</li>");
  find(html, "<li>c, one-way ANOVA: F = 2.10, df = 11, p = .100</li>");
  find(html, "<li>c2, one-way ANOVA: F(11, 422) = 1.20, p = .288</li>");
  char *json = json_of(d);
  json_t *root = json_loads(json, 0, NULL),
         *tests = json_object_get(json_object_get(root, "x"), "tests");
  assert_int_equal(json_array_size(tests), 7);
  json_t *c2 = json_array_get(tests, 3);
  assert_string_equal(json_string_value(json_object_get(c2, "label")), "c2");
  assert_true(json_number_value(json_object_get(c2, "statistic")) == 1.2);
  assert_true(json_number_value(json_object_get(c2, "df")) == 11);
  assert_true(json_number_value(json_object_get(c2, "df2")) == 422);
  assert_int_equal(count(json, "\"df2\""), 1); /* only where there is one */
  json_decref(root);
  free(json);
  find(html, "<li>d, Mann\xE2\x80\x93Whitney test: W = 10.00, p = .001</li>");
  find(html, "<li>custom: p = .500</li>");
  find(html, "<li>f, paired t-test: not computed</li>");
  free(html);
  report_doc_free(d);
}

/* ---- JSON ---------------------------------------------------------------- */

static void assert_json_number(json_t *v, double want) {
  if (!json_is_number(v))
    fail_msg("expected the number %.17g", want);
  double got = json_number_value(v);
  if (memcmp(&got, &want, sizeof got) != 0 && !(got == 0 && want == 0))
    fail_msg("JSON holds %.17g, the table %.17g", got, want);
}

static void test_json_parses_and_round_trips(void **state) {
  (void)state;
  report_doc *d = sample_doc();
  char *text = json_of(d);
  json_error_t e;
  json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &e);
  if (!root)
    fail_msg("report.json does not parse: line %d: %s", e.line, e.text);
  assert_true(json_is_object(root));
  assert_int_equal(json_object_size(root), d->ntables + 1);
  for (size_t i = 0; i < d->ntables; i++) {
    const report_table *t = d->tables[i];
    json_t *o = json_object_get(root, t->id);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "title")), t->title);
    json_t *cols = json_object_get(o, "columns"), *rows = json_object_get(o, "rows");
    assert_int_equal(json_array_size(cols), t->ncols);
    for (size_t c = 0; c < t->ncols; c++)
      assert_string_equal(json_string_value(json_array_get(cols, c)), t->columns[c]);
    assert_true(json_is_array(rows));
    assert_int_equal(json_array_size(rows), t->nrows);
    /* Every cell exactly: numbers bit for bit, counts as integers. */
    for (size_t r = 0; r < t->nrows; r++) {
      json_t *jr = json_array_get(rows, r);
      assert_int_equal(json_array_size(jr), t->ncols);
      for (size_t c = 0; c < t->ncols; c++) {
        const cell *x = report_table_cell(t, r, c);
        json_t *v = json_array_get(jr, c);
        switch (x->kind) {
        case CELL_NULL: assert_true(json_is_null(v)); break;
        case CELL_NUMBER: assert_json_number(v, x->num); break;
        case CELL_INT:
          assert_true(json_is_integer(v));
          assert_int_equal(json_integer_value(v), x->i);
          break;
        case CELL_TEXT: assert_string_equal(json_string_value(v), x->text); break;
        }
      }
    }
    json_t *n = json_object_get(o, "n");
    if (t->n >= 0)
      assert_int_equal(json_integer_value(n), t->n);
    else
      assert_null(n);
    json_t *tests = json_object_get(o, "tests");
    assert_int_equal(json_array_size(tests), t->ntests);
    for (size_t k = 0; k < t->ntests; k++) {
      const table_test *x = &t->tests[k];
      json_t *jt = json_array_get(tests, k);
      assert_string_equal(json_string_value(json_object_get(jt, "label")), x->label);
      assert_string_equal(json_string_value(json_object_get(jt, "name")), x->name);
      const char *keys[] = {"statistic", "df", "p", "p_adjusted", "effect"};
      double vals[] = {x->statistic, x->df, x->p, x->p_adjusted, x->effect};
      for (int j = 0; j < 5; j++) {
        json_t *v = json_object_get(jt, keys[j]);
        assert_non_null(v);
        if (isfinite(vals[j]))
          assert_json_number(v, vals[j]);
        else
          assert_true(json_is_null(v));
      }
      json_t *en = json_object_get(jt, "effect_name");
      if (x->effect_name)
        assert_string_equal(json_string_value(en), x->effect_name);
      else
        assert_true(json_is_null(en));
    }
  }
  /* Spot checks against literal values. */
  json_t *fig1 = json_object_get(root, "fig1");
  json_t *r0 = json_array_get(json_object_get(fig1, "rows"), 0);
  assert_true(json_real_value(json_array_get(r0, 9)) == 1e-300);
  assert_true(json_real_value(json_array_get(r0, 7)) == 19.034999999999997);
  assert_true(json_real_value(json_array_get(json_array_get(json_object_get(fig1, "rows"), 3),
                                             4)) == 14.000000000000002);
  assert_string_equal(json_string_value(json_object_get(fig1, "section")), "level2");
  assert_string_equal(json_string_value(json_object_get(fig1, "chart")), "grouped");
  assert_string_equal(json_string_value(json_object_get(json_object_get(root, "fig4"), "chart")),
                      "stacked");
  assert_string_equal(json_string_value(json_object_get(json_object_get(root, "fig5"), "chart")),
                      "bar");
  assert_true(json_is_null(json_object_get(json_object_get(root, "samples"), "chart")));
  assert_int_equal(json_array_size(json_object_get(json_object_get(root, "norows"), "rows")), 0);
  assert_int_equal(json_array_size(json_object_get(json_object_get(root, "nocols"), "columns")), 0);
  json_t *meta = json_object_get(root, "_meta");
  assert_true(json_is_object(meta));
  assert_int_equal(json_array_size(json_object_get(meta, "key_messages")), 2);
  assert_int_equal(json_array_size(json_object_get(meta, "methods")), 2);
  assert_string_equal(
      json_string_value(json_object_get(json_object_get(meta, "provenance"), "date")),
      "2026-11-24");
  json_t *q = json_array_get(json_object_get(meta, "question_bank"), 1);
  assert_string_equal(json_string_value(json_object_get(q, "item_id")), "sa_cs_manage_1");
  json_decref(root);
  free(text);
  report_doc_free(d);

  /* An empty document is valid JSON too. */
  d = report_doc_new("empty");
  text = json_of(d);
  root = json_loads(text, JSON_REJECT_DUPLICATES, &e);
  assert_non_null(root);
  assert_int_equal(json_object_size(root), 1);
  json_decref(root);
  free(text);
  report_doc_free(d);
}

/* ---- CSV ----------------------------------------------------------------- */

static void test_csv(void **state) {
  (void)state;
  report_doc *d = sample_doc();
  strbuf b = STRBUF_INIT;
  report_table_csv(report_doc_table(d, "samples"), &b);
  assert_string_equal(strbuf_str(&b), "source,issued,achieved,pct\n"
                                      "Pre survey,1466,649,44.25\n"
                                      "Post survey,1466,1116,76.125\n"
                                      "Matched,1466,409,27.899045020463848\n"
                                      "Long-term survey,596,225,0.10000000000000001\n"
                                      "\"Compass, comparison\",,1500,\n");
  strbuf_reset(&b);
  report_table_csv(report_doc_table(d, "awkward"), &b);
  assert_string_equal(strbuf_str(&b), "label,text,value\n"
                                      "<b>bold</b> & co,\"comma, \"\"quote\"\"\nnew line\",\n"
                                      "nothing,,-0.0001\n");
  strbuf_reset(&b);
  report_table_csv(report_doc_table(d, "norows"), &b);
  assert_string_equal(strbuf_str(&b), "group,pct\n");
  strbuf_reset(&b);
  report_table_csv(report_doc_table(d, "nocols"), &b);
  assert_string_equal(strbuf_str(&b), "\n");
  strbuf_free(&b);
  report_doc_free(d);
}

/* ---- report_write --------------------------------------------------------- */

static void test_write_creates_everything(void **state) {
  (void)state;
  report_doc *d = sample_doc();
  char *dir = test_tmpdir(), *out = path_in(dir, "a/b/out"), err[512] = "";
  if (report_write(d, out, err, sizeof err) != 0)
    fail_msg("report_write: %s", err);
  assert_listing(out, "report.html,report.json,tables,tables.xlsx");
  char *tables = path_in(out, "tables");
  assert_listing(tables, "alpha.csv,awkward.csv,did.csv,fig1.csv,fig18.csv,fig19.csv,fig2.csv,"
                         "fig21.csv,fig3.csv,fig4.csv,fig5.csv,nocols.csv,norows.csv,"
                         "samples.csv,table1.csv");
  /* The files hold exactly what the renderers produce. */
  char *html = html_of(d), *json = json_of(d);
  char *p = path_in(out, "report.html"), *got = slurp(p);
  assert_string_equal(got, html);
  free(p);
  free(got);
  p = path_in(out, "report.json");
  got = slurp(p);
  assert_string_equal(got, json);
  free(p);
  free(got);
  for (size_t i = 0; i < d->ntables; i++) {
    char name[128];
    snprintf(name, sizeof name, "%s.csv", d->tables[i]->id);
    strbuf b = STRBUF_INIT;
    report_table_csv(d->tables[i], &b);
    p = path_in(tables, name);
    got = slurp(p);
    assert_non_null(got);
    assert_string_equal(got, strbuf_str(&b));
    free(p);
    free(got);
    strbuf_free(&b);
  }
  /* Readable by others, as any output file (umask permitting). */
  struct stat st;
  p = path_in(out, "report.html");
  assert_int_equal(stat(p, &st), 0);
  mode_t mask = umask(0);
  umask(mask);
  assert_int_equal(st.st_mode & 0777, 0666 & ~mask);
  free(p);

  /* Writing again replaces the files; stray files in tables/ stay. */
  report_doc_free(d);
  d = report_doc_new("Second");
  report_doc_add(d, report_table_new("fig1", "Only one", SECTION_LEVEL2, NULL, 0));
  if (report_write(d, out, err, sizeof err) != 0)
    fail_msg("report_write again: %s", err);
  p = path_in(out, "report.html");
  got = slurp(p);
  find(got, "<title>Second</title>");
  free(p);
  free(got);
  assert_listing(out, "report.html,report.json,tables,tables.xlsx");
  free(html);
  free(json);
  free(tables);
  free(out);
  test_rmdir(dir);
  report_doc_free(d);
}

static void test_write_fails_on_directory_where_file_goes(void **state) {
  (void)state;
  report_doc *d = sample_doc();
  char *dir = test_tmpdir(), *out = path_in(dir, "out"), err[512] = "";
  assert_int_equal(mkdir(out, 0777), 0);
  char *html = path_in(out, "report.html");
  assert_int_equal(mkdir(html, 0777), 0);
  assert_int_equal(report_write(d, out, err, sizeof err), -1);
  find(err, html);
  find(err, "not a regular file");
  /* Nothing written, and the tables directory it made is gone again. */
  assert_listing(out, "report.html");
  assert_listing(html, "");
  free(html);

  /* The same for one table's CSV file. */
  char *out2 = path_in(dir, "out2"), *csv = path_in(dir, "out2/tables/fig19.csv");
  char *tables2 = path_in(dir, "out2/tables");
  assert_int_equal(mkdir(out2, 0777), 0);
  assert_int_equal(mkdir(tables2, 0777), 0);
  assert_int_equal(mkdir(csv, 0777), 0);
  assert_int_equal(report_write(d, out2, err, sizeof err), -1);
  find(err, csv);
  assert_listing(out2, "tables");
  assert_listing(tables2, "fig19.csv");
  free(out2);
  free(csv);
  free(tables2);
  free(out);
  test_rmdir(dir);
  report_doc_free(d);
}

static void test_write_fails_on_file_where_directory_goes(void **state) {
  (void)state;
  report_doc *d = sample_doc();
  char *dir = test_tmpdir(), err[512] = "";
  /* The output directory is a file. */
  char *file = test_write_file(dir, "plain", "x");
  assert_int_equal(report_write(d, file, err, sizeof err), -1);
  find(err, file);
  /* A parent of it is a file. */
  char *below = path_in(file, "out");
  assert_int_equal(report_write(d, below, err, sizeof err), -1);
  find(err, file);
  find(err, "cannot create directory");
  /* tables/ is a file: nothing else is written, the new directory goes. */
  char *out = path_in(dir, "new/out"), *tables = path_in(dir, "new/out/tables");
  char *parent = path_in(dir, "new");
  assert_int_equal(mkdir(parent, 0777), 0);
  assert_int_equal(mkdir(out, 0777), 0);
  free(test_write_file(out, "tables", "not a directory"));
  assert_int_equal(report_write(d, out, err, sizeof err), -1);
  find(err, tables);
  assert_listing(out, "tables");
  /* A new output directory is removed again after a failure. */
  char *fresh = path_in(dir, "fresh/deeper");
  report_doc *bad = report_doc_new("bad");
  report_doc_add(bad, report_table_new("x", "x", SECTION_LEVEL2, NULL, 0));
  report_doc_add(bad, report_table_new("x", "again", SECTION_LEVEL2, NULL, 0));
  assert_int_equal(report_write(bad, fresh, err, sizeof err), -1);
  find(err, "\"x\" is used twice");
  assert_listing(dir, "new,plain");
  report_doc_free(bad);
  free(fresh);
  free(parent);
  free(out);
  free(tables);
  free(below);
  free(file);
  test_rmdir(dir);
  report_doc_free(d);
}

static void put_file(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

/* A killed run (issue 18 defect 2): its temporary directory, once
 * committed, is rolled forward by the next run, even when that run then
 * fails; one not committed is removed and its files never reach the
 * report. */
static void test_write_finishes_a_killed_run(void **state) {
  (void)state;
  pid_t child = fork();
  if (child == 0)
    _exit(0);
  assert_true(child > 0);
  waitpid(child, NULL, 0); /* a process that has gone */
  report_doc *d = sample_doc();
  char *dir = test_tmpdir(), *out = path_in(dir, "out"), err[512] = "";
  char done[256], undone[256], p[512];
  snprintf(done, sizeof done, "%s/.cleval-tmp.%ld.0", out, (long)child);
  snprintf(undone, sizeof undone, "%s/.cleval-tmp.%ld.1", out, (long)child);
  assert_int_equal(mkdir(out, 0777), 0);
  const char *mark = "cleval report: a report being written; removed when it is in place\n";
  for (int k = 0; k < 2; k++) {
    const char *t = k ? undone : done;
    assert_int_equal(mkdir(t, 0777), 0);
    snprintf(p, sizeof p, "%s/tables", t);
    assert_int_equal(mkdir(p, 0777), 0);
    snprintf(p, sizeof p, "%s/.cleval-report-tmp", t);
    put_file(p, mark);
    snprintf(p, sizeof p, "%s/report.json", t);
    put_file(p, k ? "NOT COMMITTED" : "ROLLED FORWARD");
    snprintf(p, sizeof p, "%s/tables/fig1.csv", t);
    put_file(p, k ? "NOT COMMITTED" : "ROLLED FORWARD");
  }
  snprintf(p, sizeof p, "%s/.complete", done);
  put_file(p, "");
  /* The new report cannot be written (a file size limit) ... */
  struct rlimit old, small;
  assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
  small = old;
  small.rlim_cur = 2048;
  void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
  assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
  int rc = report_write(d, out, err, sizeof err);
  assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
  signal(SIGXFSZ, prev);
  assert_int_equal(rc, -1);
  /* ... but the killed run's committed report is in place, the rest gone. */
  assert_listing(out, "report.json,tables");
  snprintf(p, sizeof p, "%s/report.json", out);
  char *json = slurp(p);
  assert_string_equal(json, "ROLLED FORWARD");
  free(json);
  snprintf(p, sizeof p, "%s/tables", out);
  assert_listing(p, "fig1.csv");
  /* A run that succeeds leaves no temporary directory of its own. */
  if (report_write(d, out, err, sizeof err) != 0)
    fail_msg("%s", err);
  assert_listing(out, "report.html,report.json,tables,tables.xlsx");
  report_doc_free(d);
  free(out);
  free(dir);
}

static void test_write_fails_when_writing_fails(void **state) {
  (void)state;
  /* A file size limit makes write() fail part way through report.html
   * (EFBIG): the temporaries and the new directories are removed. */
  report_doc *d = sample_doc();
  char *dir = test_tmpdir(), *out = path_in(dir, "out"), err[512] = "";
  struct rlimit old, small;
  assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
  small = old;
  small.rlim_cur = 2048;
  void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
  assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
  int rc = report_write(d, out, err, sizeof err);
  assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
  signal(SIGXFSZ, prev);
  assert_int_equal(rc, -1);
  char *html = path_in(out, "report.html");
  find(err, html);
  find(err, "cannot write");
  assert_listing(dir, "");
  free(html);

  /* An existing report survives a failed rewrite unchanged. */
  if (report_write(d, out, err, sizeof err) != 0)
    fail_msg("%s", err);
  char *json = path_in(out, "report.json"), *before = slurp(json);
  report_doc *other = report_doc_new("other");
  assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
  prev = signal(SIGXFSZ, SIG_IGN);
  report_doc_add(other, report_table_new("big", "big", SECTION_LEVEL2, NULL, 0));
  for (int i = 0; i < 300; i++)
    report_doc_method(other, "A long methods note, number %d, to make the HTML large.", i);
  rc = report_write(other, out, err, sizeof err);
  assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
  signal(SIGXFSZ, prev);
  assert_int_equal(rc, -1);
  char *after = slurp(json);
  assert_string_equal(after, before);
  assert_listing(out, "report.html,report.json,tables,tables.xlsx");
  free(after);
  free(before);
  free(json);
  report_doc_free(other);
  free(out);
  test_rmdir(dir);
  report_doc_free(d);
}

static void test_write_rejects_bad_ids(void **state) {
  (void)state;
  const char *bad[] = {"../escape", "a/b", "", "_meta", "ch-samples", "with space", "-x"};
  char *dir = test_tmpdir(), *out = path_in(dir, "out"), err[512];
  for (size_t i = 0; i < LEN(bad); i++) {
    report_doc *d = report_doc_new("t");
    report_doc_add(d, report_table_new(bad[i], "t", SECTION_LEVEL2, NULL, 0));
    err[0] = '\0';
    assert_int_equal(report_write(d, out, err, sizeof err), -1);
    find(err, "table id");
    report_doc_free(d);
  }
  assert_listing(dir, "");
  free(out);
  test_rmdir(dir);
}

/* With CLEVAL_SAMPLE_OUT=DIR the program writes the sample report there
 * (for the browser test and for eyes) instead of running the tests. */
static int write_sample(const char *dir) {
  report_doc *d = sample_doc();
  char err[512];
  int rc = report_write(d, dir, err, sizeof err);
  if (rc != 0)
    fprintf(stderr, "%s\n", err);
  report_doc_free(d);
  return rc == 0 ? 0 : 1;
}

int main(void) {
  const char *sample = getenv("CLEVAL_SAMPLE_OUT");
  if (sample && *sample)
    return write_sample(sample);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_html_escapes_everything),
      cmocka_unit_test(test_html_structure),
      cmocka_unit_test(test_html_empty_document),
      cmocka_unit_test(test_labels),
      cmocka_unit_test(test_html_numbers_and_tests),
      cmocka_unit_test(test_json_parses_and_round_trips),
      cmocka_unit_test(test_csv),
      cmocka_unit_test(test_write_creates_everything),
      cmocka_unit_test(test_write_fails_on_directory_where_file_goes),
      cmocka_unit_test(test_write_fails_on_file_where_directory_goes),
      cmocka_unit_test(test_write_fails_when_writing_fails),
      cmocka_unit_test(test_write_finishes_a_killed_run),
      cmocka_unit_test(test_write_rejects_bad_ids),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
