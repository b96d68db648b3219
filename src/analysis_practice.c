/* Level 3 of the evaluation, practice and confidence: the long-term
 * survey's answers (figures 4, 5, 16 and 17, the practice and support
 * tables; docs/analysis.md). */
#include "analysis_cells.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "stats.h"
#include "strbuf.h"
#include "xalloc.h"

/* Answers of the long-term responses to an item: n answering, and per
 * code (or per value 1-5 for numeric items) how many. */
static size_t count_answers(const analysis *a, size_t item, ds_survey survey, int post_only,
                            const char *const *codes, size_t ncodes, size_t *k) {
  const dataset *ds = a->ds;
  size_t n = 0;
  memset(k, 0, ncodes * sizeof *k);
  if (item == DS_NONE)
    return 0;
  int sv = survey == DS_LONG_TERM;
  for (size_t q = 0; q < a->nby_survey[sv]; q++) { /* that survey's responses alone */
    size_t r = a->by_survey[sv][q];
    const ds_response *resp = &ds->responses[r];
    if (post_only && resp->stage != DS_POST)
      continue;
    const ds_answer *x = dataset_answer(ds, r, item);
    if (!x)
      continue;
    if (codes) {
      const char *code = dataset_answer_code(ds, x);
      if (!code)
        continue;
      for (size_t c = 0; c < ncodes; c++)
        if (strcmp(code, codes[c]) == 0) {
          k[c]++;
          n++;
          break;
        }
    } else if (!isnan(x->value)) {
      long v = lround(x->value);
      if (v >= 1 && (size_t)v <= ncodes)
        k[v - 1]++;
      n++;
    }
  }
  return n;
}

/* A distribution table: answer, n, pct; suppressed as a whole when fewer
 * than small_cell answered. */
static report_table *distribution(analysis *a, const char *id, const char *title,
                                  const char *const *labels, const size_t *k, size_t ncodes,
                                  size_t n) {
  static const column cols[] = {{"answer", "Answer", 0}, {"n", "n", 0}, {"pct", "%", 1}};
  report_table *t = TABLE(a, id, title, SECTION_LEVEL3, cols);
  for (size_t c = 0; c < ncodes; c++) {
    size_t r = report_table_add_row(t);
    cells_text(t, r, "answer", labels[c]);
    cells_int(t, r, "n", (long long)k[c]);
    cells_group_size(a, t, r, k[c]);
    if (cells_hidden(a, n))
      cells_suppress(a, t, r, n);
    else if (cells_hidden_count(a, k[c]))
      report_table_suppress_row(t, r, cells_col(t, "n"), MARK_SUPPRESSED, a->cfg->small_cell);
    else
      cells_num(t, r, "pct", 100.0 * (double)k[c] / (double)n);
  }
  cells_complement(a, t, NULL, NULL, 0); /* the answers add up to the title's N */
  cells_table_n(a, t, n);
  cells_chart(t, CHART_BAR, "answer", NULL, (const char *const[]){"pct"}, 1, NULL, NULL, "Answer",
              "Respondents (%)", 100);
  if (n == 0)
    report_table_add_note(t, "No one answered this question.");
  else if (cells_hidden(a, n))
    report_table_add_note(t,
                          "%c%s answered this question, so neither the counts nor the "
                          "percentages are shown.",
                          toupper((unsigned char)a->fewer[0]), a->fewer + 1);
  return t;
}

static const char *item_text(const dataset *ds, size_t item, const char *fallback) {
  return item == DS_NONE ? fallback : ds->items[item].text;
}

static void fig4(analysis *a) {
  static const column cols[] = {{"area", "Area", 0},
                                {"n", "n", 0},
                                {"very_pct", "Very (%)", 1},
                                {"quite_pct", "Quite (%)", 1},
                                {"not_very_pct", "Not very (%)", 1},
                                {"not_at_all_pct", "Not at all (%)", 1}};
  static const char *const codes[] = {"very", "quite", "not_very", "not_at_all"};
  report_table *t = TABLE(a, "fig4",
                          "Confidence in each area of the role, some months after "
                          "the training",
                          SECTION_LEVEL3, cols);
  size_t most = 0;
  for (int ar = 0; ar < DS_NAREAS; ar++) {
    char key[64];
    snprintf(key, sizeof key, "lt_conf_%s", AREAS(ar));
    size_t k[4];
    size_t n = count_answers(a, dataset_item(a->ds, key), DS_LONG_TERM, 0, codes, 4, k);
    most = n > most ? n : most;
    size_t r = report_table_add_row(t);
    cells_text(t, r, "area", AREAS(ar));
    cells_int(t, r, "n", (long long)n);
    if (cells_hidden(a, n)) {
      cells_suppress(a, t, r, n);
      continue;
    }
    long long sz[4];
    unsigned char withheld[4];
    for (int c = 0; c < 4; c++) {
      char name[32];
      snprintf(name, sizeof name, "%s_pct", codes[c]);
      sz[c] = (long long)k[c];
      withheld[c] = (unsigned char)cells_hidden_count(a, k[c]);
      if (withheld[c])
        report_table_suppress(t, r, cells_col(t, name), MARK_SUPPRESSED, a->cfg->small_cell);
      else
        cells_num(t, r, name, 100.0 * (double)k[c] / (double)n);
    }
    /* The four percentages add up to 100: one withheld takes another. */
    long c2 = report_table_pick_complement(sz, withheld, 4);
    if (c2 >= 0) {
      char name[32];
      snprintf(name, sizeof name, "%s_pct", codes[c2]);
      report_table_suppress(t, r, cells_col(t, name), MARK_SECONDARY, a->cfg->small_cell);
    }
  }
  cells_table_n(a, t, most);
  cells_chart(t, CHART_STACKED, "area", NULL,
              (const char *const[]){"very_pct", "quite_pct", "not_very_pct", "not_at_all_pct"}, 4,
              NULL, NULL, "Area", "Respondents (%)", 100);
  report_table_add_note(t, "Long-term survey respondents answering each item.");
}

/* A practice table's sum row r (supported = direct + improved) is a total
 * of rows 0 and 1 and, with rows 2 and 3, a part of the title's N: each of
 * the three relations is covered until none gives a withheld count away. */
static void supported_complement(analysis *a, report_table *t, size_t r) {
  if (a->sized != t || a->nsizes <= r)
    return;
  static const size_t parts[3][4] = {{0, 1, 2, 3}, {0, 1}, {2, 3}};
  static const size_t nparts[3] = {4, 2, 3};
  for (int round = 0; round < 4; round++) {
    int changed = 0;
    for (int rel = 0; rel < 3; rel++) {
      size_t rows[4];
      long long sz[4];
      for (size_t i = 0; i < nparts[rel]; i++) {
        rows[i] = rel == 2 && i == 2 ? r : parts[rel][i];
        sz[i] = a->sizes[rows[i]];
      }
      /* direct + improved against the supported row: only while it shows */
      if (rel == 1 && report_table_row_marked(t, r))
        continue;
      changed |= report_table_suppress_complement(t, rows, sz, nparts[rel], cells_col(t, "n"),
                                                  a->cfg->small_cell) >= 0;
    }
    if (!changed)
      break;
  }
}

static void practice(analysis *a) {
  static const char *const codes[] = {"direct", "improved", "not_result", "not_done"};
  static const char *const labels[] = {"direct", "improved", "not_result", "not_done"};
  const dataset *ds = a->ds;
  int fig = 6;
  for (size_t i = 0; i < ds->nitems && fig <= 15; i++) {
    if (strncmp(ds->items[i].key, "lt_practice_", 12) != 0)
      continue;
    size_t k[4];
    size_t n = count_answers(a, i, DS_LONG_TERM, 0, codes, 4, k);
    char id[16], title[512];
    snprintf(id, sizeof id, "fig%d", fig++);
    snprintf(title, sizeof title, "\"%s\"", ds->items[i].text);
    strbuf_trim_partial_utf8(title);
    report_table *t = distribution(a, id, title, labels, k, 4, n);
    size_t r = report_table_add_row(t);
    cells_text(t, r, "answer", "supported");
    cells_int(t, r, "n", (long long)(k[0] + k[1]));
    cells_group_size(a, t, r, k[0] + k[1]);
    if (cells_hidden(a, n))
      cells_suppress(a, t, r, n);
    else if (cells_hidden_count(a, k[0] + k[1]))
      report_table_suppress_row(t, r, cells_col(t, "n"), MARK_SUPPRESSED, a->cfg->small_cell);
    else
      cells_num(t, r, "pct", 100.0 * (double)(k[0] + k[1]) / (double)n);
    supported_complement(a, t, r);
    report_table_chart_skip(t, r); /* a sum: in the table, not beside its parts */
    report_table_add_note(t, "Long-term survey respondents. Supported: done as a direct result "
                             "of the training, or done before and improved as a result (the "
                             "sum of the first two rows, so the chart leaves it out).");
  }
  for (; fig <= 15; fig++) {
    char id[16];
    snprintf(id, sizeof id, "fig%d", fig);
    size_t k[4] = {0};
    report_table *t =
        distribution(a, id, "A practice item missing from the item bank", labels, k, 4, 0);
    report_table_add_note(t, "The database holds fewer than ten practice items.");
  }
}

static void support(analysis *a) {
  static const column cols[] = {{"topic", "Topic", 0}, {"n", "n", 0}, {"pct", "Wanted (%)", 1}};
  report_table *t = TABLE(a, "support", "Further support wanted", SECTION_LEVEL3, cols);
  const dataset *ds = a->ds;
  size_t most = 0;
  for (size_t i = 0; i < ds->nitems; i++) {
    if (strncmp(ds->items[i].key, "lt_support_", 11) != 0)
      continue;
    size_t k[1]; /* answers 1 (selected); 0 counts in n only */
    size_t n = count_answers(a, i, DS_LONG_TERM, 0, NULL, 1, k);
    most = n > most ? n : most;
    size_t r = report_table_add_row(t);
    cells_text(t, r, "topic", ds->items[i].key + 11);
    const char *text = ds->items[i].text, *colon = strstr(text, ": ");
    char label[512]; /* "Further support wanted: evaluating ..." -> "Evaluating ..." */
    snprintf(label, sizeof label, "%s", colon ? colon + 2 : text);
    strbuf_trim_partial_utf8(label);
    label[0] = (char)toupper((unsigned char)label[0]);
    report_table_label(t, ds->items[i].key + 11, label);
    cells_int(t, r, "n", (long long)n);
    /* Those not selecting it are a count too: with n shown, a percentage
     * near 100 would give away 1 to small_cell - 1 of them. */
    if (cells_hidden(a, n))
      cells_suppress(a, t, r, n);
    else if (cells_hidden_count(a, k[0]) || cells_hidden_count(a, n - k[0]))
      report_table_suppress(t, r, cells_col(t, "pct"), MARK_SUPPRESSED, a->cfg->small_cell);
    else
      cells_num(t, r, "pct", 100.0 * (double)k[0] / (double)n);
  }
  cells_table_n(a, t, most);
  cells_chart(t, CHART_BAR, "topic", NULL, (const char *const[]){"pct"}, 1, NULL, NULL, "Topic",
              "Respondents wanting support (%)", 100);
  report_table_add_note(t, "Long-term survey respondents answering each topic; %% of them "
                           "selecting it.");
}

static void fig5(analysis *a) {
  size_t k[5], item = dataset_item(a->ds, "post_actions");
  size_t n = count_answers(a, item, DS_SELF_ASSESSMENT, 1, NULL, 5, k);
  char title[512]; /* quoted, as the seed report and figures 6-15 quote a question */
  snprintf(
      title, sizeof title, "\"%s\"",
      item_text(a->ds, item, "The training helped me identify actions to improve my practice"));
  report_table *t = distribution(a, "fig5", title, cells_agree, k, 5, n);
  report_table_add_note(t, "Post survey respondents.");
}

/* Faster progress towards the benchmarks: at the end of the training
 * (fig16) and months later (fig17), strongly agree compared. */
static void fig16_17(analysis *a) {
  const dataset *ds = a->ds;
  size_t k16[5], k17[5];
  size_t item = dataset_item(ds, "post_faster");
  size_t n16 = count_answers(a, item, DS_SELF_ASSESSMENT, 1, NULL, 5, k16);
  /* The same question at two times, titled as the seed report does: the
   * question quoted, then when it was asked. */
  char title[512];
  snprintf(title, sizeof title, "\"%s\": the post survey, at the end of the training",
           item_text(ds, item, "Faster progress towards the benchmarks"));
  report_table *t16 = distribution(a, "fig16", title, cells_agree, k16, 5, n16);
  report_table_add_note(t16, "Post survey respondents, at the end of the training.");
  item = dataset_item(ds, "lt_faster");
  size_t n17 = count_answers(a, item, DS_LONG_TERM, 0, NULL, 5, k17);
  snprintf(title, sizeof title, "\"%s\": the long-term survey, some months after the training",
           item_text(ds, item, "Faster progress towards the benchmarks"));
  report_table *t17 = distribution(a, "fig17", title, cells_agree, k17, 5, n17);
  report_table_add_note(t17, "Long-term survey respondents, some months after the training.");
  size_t small = (size_t)a->cfg->small_cell;
  if (n16 < small || n17 < small || n16 == 0 || n17 == 0)
    return;
  double counts[4] = {(double)k16[4], (double)(n16 - k16[4]), (double)k17[4],
                      (double)(n17 - k17[4])};
  stats_chisq c;
  char err[256];
  if (stats_chisq_test(counts, 2, 2, false, &c, err, sizeof err) != 0)
    return;
  for (int i = 0; i < 2; i++) {
    table_test *x = report_table_add_test(i ? t17 : t16, "strongly agree, post vs long-term",
                                          "chisq", c.statistic, c.df, c.p);
    x->effect = c.cramers_v;
    x->effect_name = xstrdup("cramers_v");
  }
}

void analysis_practice(analysis *a) {
  fig4(a);
  fig5(a);
  practice(a);
  support(a);
  fig16_17(a);
}
