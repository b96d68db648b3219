/* Tests for the SVG charts: every kind draws well-formed markup with its
 * text alternative; missing values, zeros, negative values, one category
 * and no data are drawn sensibly; every text is escaped. */
#include "testutil.h"

#include <ctype.h>

#include "strbuf.h"
#include "svg.h"

static size_t count(const char *hay, const char *needle) {
  size_t n = 0;
  for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
    n++;
  return n;
}

/* Well-formed XML as far as the charts use it: every tag closed in order,
 * attribute values quoted, '&' only in entities, no raw '<' in text. */
static void assert_well_formed(const char *s) {
  char stack[64][32];
  int depth = 0;
  for (const char *p = s; *p; p++) {
    if (*p == '&') {
      size_t n = strspn(p + 1, "abcdefghijklmnopqrstuvwxyz0123456789#");
      if (n == 0 || p[1 + n] != ';')
        fail_msg("bare '&' at: %.40s", p);
      continue;
    }
    if (*p == '>')
      fail_msg("bare '>' at: %.40s", p);
    if (*p != '<')
      continue;
    int closing = p[1] == '/';
    const char *name = p + 1 + closing;
    size_t n = strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
    if (n == 0 || n >= 32)
      fail_msg("bad tag at: %.40s", p);
    /* Attributes: name="value" with no '<' or raw '"' inside values. */
    const char *q = name + n;
    while (*q && *q != '>' && !(q[0] == '/' && q[1] == '>')) {
      if (*q == '"') {
        const char *end = strchr(q + 1, '"');
        assert_non_null(end);
        for (const char *v = q + 1; v < end; v++)
          if (*v == '<')
            fail_msg("'<' in an attribute at: %.40s", v);
        q = end + 1;
      } else {
        q++;
      }
    }
    assert_true(*q != '\0');
    int self = q[0] == '/';
    if (closing) {
      assert_true(depth > 0);
      depth--;
      if (strlen(stack[depth]) != n || strncmp(stack[depth], name, n) != 0)
        fail_msg("</%.*s> closes <%s>", (int)n, name, stack[depth]);
    } else if (!self) {
      assert_true(depth < 64);
      memcpy(stack[depth], name, n);
      stack[depth++][n] = '\0';
    }
    p = q + (self ? 1 : 0);
  }
  assert_int_equal(depth, 0);
}

/* The widths of the <rect>s filled with colour, in document order. */
static size_t rect_widths(const char *svg, const char *colour, double *w, size_t max) {
  size_t n = 0;
  char fill[32];
  snprintf(fill, sizeof fill, "fill=\"%s\"", colour);
  for (const char *p = svg; (p = strstr(p, "<rect ")); p++) {
    const char *end = strchr(p, '>');
    const char *f = strstr(p, fill);
    if (!f || f > end)
      continue;
    const char *wa = strstr(p, " width=\"");
    assert_true(wa && wa < end);
    if (n < max)
      w[n] = strtod(wa + 8, NULL);
    n++;
  }
  return n;
}

static void assert_no_nonfinite(const char *s) {
  /* Coordinates are printed with %.1f: a NaN or infinity would show. */
  assert_null(strstr(s, "nan"));
  assert_null(strstr(s, "inf"));
  assert_null(strstr(s, "NaN"));
}

static char *render(const svg_chart *c) {
  strbuf b = STRBUF_INIT;
  svg_render(c, &b);
  char *s = strbuf_detach(&b);
  assert_well_formed(s);
  assert_no_nonfinite(s);
  assert_non_null(strstr(s, "role=\"img\""));
  assert_int_equal(count(s, "<title>") >= 1, 1);
  assert_int_equal(count(s, "<desc>"), 1);
  return s;
}

static void test_bar_labels_values(void **state) {
  (void)state;
  const char *cats[] = {"under 1 year", "1 to 3 years", "3 to 5 years"};
  double v[] = {97.26, 96.0, 98.5};
  svg_chart c = {.kind = SVG_BAR,
                 .title = "Training increased my knowledge",
                 .ncats = 3,
                 .nseries = 1,
                 .categories = cats,
                 .values = v,
                 .digits = 1,
                 .unit = "%",
                 .y_max = 100,
                 .y_label = "Agree (%)",
                 .x_label = "Time in role"};
  char *s = render(&c);
  assert_non_null(strstr(s, "<title>Training increased my knowledge</title>"));
  assert_non_null(strstr(s, ">97.3%</text>"));
  assert_non_null(strstr(s, ">96.0%</text>"));
  assert_non_null(strstr(s, ">98.5%</text>"));
  assert_non_null(strstr(s, ">under 1 year</tspan>"));
  assert_non_null(strstr(s, ">Agree (%)</text>"));
  assert_non_null(strstr(s, ">Time in role</text>"));
  /* The axis runs to y_max: ticks at 0 ... 100 %. */
  assert_non_null(strstr(s, ">100%</text>"));
  assert_non_null(strstr(s, ">0%</text>"));
  /* The generated text alternative lists every value. */
  assert_non_null(strstr(s, "<desc>under 1 year: 97.3%; 1 to 3 years: 96.0%; 3 to 5 years: "
                            "98.5%.</desc>"));
  double w[3];
  assert_int_equal(rect_widths(s, svg_colour(SVG_BAR, 0), w, 3), 3);
  /* Widths in proportion to the values. */
  assert_close(w[0] / w[2], 97.26 / 98.5, 0.01);
  assert_close(w[1] / w[2], 96.0 / 98.5, 0.01);
  /* The title is the accessible name; drawn only when asked. */
  assert_int_equal(count(s, "font-weight=\"bold\""), 0);
  free(s);
  c.show_title = 1;
  s = render(&c);
  assert_non_null(strstr(s, "font-weight=\"bold\">Training increased my knowledge</text>"));
  free(s);
}

static void test_grouped_legend_and_series(void **state) {
  (void)state;
  const char *cats[] = {"leadership", "management", "coordination", "networking"};
  const char *series[] = {"Pre", "Post"};
  double v[] = {74, 89, 73, 88, 76, 89, 71, 85};
  svg_chart c = {.kind = SVG_GROUPED,
                 .title = "Knowledge",
                 .ncats = 4,
                 .nseries = 2,
                 .categories = cats,
                 .series = series,
                 .values = v,
                 .digits = 0,
                 .y_max = 100};
  char *s = render(&c);
  double pre[4], post[4];
  assert_int_equal(rect_widths(s, svg_colour(SVG_GROUPED, 0), pre, 4), 4 + 1); /* + legend */
  assert_int_equal(rect_widths(s, svg_colour(SVG_GROUPED, 1), post, 4), 4 + 1);
  assert_non_null(strstr(s, ">Pre</text>"));
  assert_non_null(strstr(s, ">Post</text>"));
  /* Tooltips name category, series and value. */
  assert_non_null(strstr(s, "<title>management, Post: 88</title>"));
  assert_non_null(strstr(s, "<desc>leadership: Pre 74, Post 89; management: Pre 73, Post 88;"));
  free(s);
}

static void test_missing_values(void **state) {
  (void)state;
  const char *cats[] = {"college", "send_ap", NULL};
  const char *series[] = {"Pre", "Post"};
  double v[] = {77, NAN, NAN, NAN, 70, 88};
  svg_chart c = {.kind = SVG_GROUPED,
                 .title = "t",
                 .ncats = 3,
                 .nseries = 2,
                 .categories = cats,
                 .series = series,
                 .values = v,
                 .digits = 1};
  char *s = render(&c);
  /* Two bars of the first colour (77, 70) and one of the second (88), plus
   * the legend swatches; the three missing ones are labelled instead. */
  double w[8];
  assert_int_equal(rect_widths(s, svg_colour(SVG_GROUPED, 0), w, 8), 2 + 1);
  assert_int_equal(rect_widths(s, svg_colour(SVG_GROUPED, 1), w, 8), 1 + 1);
  assert_int_equal(count(s, ">n/a</text>"), 3);
  assert_int_equal(count(s, ">n/a</tspan>"), 1); /* the NULL category's label */
  assert_non_null(strstr(s, "send_ap: Pre n/a, Post n/a"));
  free(s);

  /* Every value missing: an axis, no bars, no NaN coordinates. */
  double none[] = {NAN, NAN, NAN};
  svg_chart all = {
      .kind = SVG_BAR, .title = "t", .ncats = 3, .nseries = 1, .categories = cats, .values = none};
  s = render(&all);
  assert_int_equal(rect_widths(s, svg_colour(SVG_BAR, 0), w, 8), 0);
  assert_int_equal(count(s, "class=\"na\""), 3);
  free(s);
}

static void test_all_zero_and_one_category(void **state) {
  (void)state;
  const char *cats[] = {"only"};
  double zero[] = {0};
  svg_chart c = {.kind = SVG_BAR,
                 .title = "zero",
                 .ncats = 1,
                 .nseries = 1,
                 .categories = cats,
                 .values = zero,
                 .digits = 2};
  char *s = render(&c);
  double w[2];
  assert_int_equal(rect_widths(s, svg_colour(SVG_BAR, 0), w, 2), 1);
  assert_close(w[0], 0, 1e-12);
  assert_non_null(strstr(s, ">0.00</text>"));
  /* A usable axis even though the data span nothing: 0 to 1. */
  assert_non_null(strstr(s, ">1.0</text>"));
  free(s);
}

static void test_negative_values_and_error_bars(void **state) {
  (void)state;
  const char *cats[] = {"under 1 year", "over 5 years"};
  double v[] = {16.5, -2.25}, lo[] = {12.0, -6.5}, hi[] = {21.0, 2.0};
  svg_chart c = {.kind = SVG_BAR,
                 .title = "Change",
                 .ncats = 2,
                 .nseries = 1,
                 .categories = cats,
                 .values = v,
                 .ci_low = lo,
                 .ci_high = hi,
                 .digits = 1};
  char *s = render(&c);
  assert_int_equal(count(s, "class=\"ci\""), 2);
  assert_non_null(strstr(s, "<desc>under 1 year: 16.5 (CI 12.0 to 21.0); over 5 years: "));
  assert_non_null(strstr(s, ">-2.3</text>") ? strstr(s, ">-2.3</text>")
                                            : strstr(s, ">-2.2</text>"));
  assert_non_null(strstr(s, ">16.5</text>"));
  /* The axis covers the lower error bar end: a tick at -10 or below. */
  assert_non_null(strstr(s, ">-10</text>"));
  /* The zero line is drawn darker than the grid. */
  assert_non_null(strstr(s, "stroke=\"#555\""));
  /* The negative bar ends left of the zero line: its x plus width is the
   * positive bar's x (both start or end at zero). */
  const char *r1 = strstr(s, "<rect ");
  const char *r2 = strstr(r1 + 1, "<rect ");
  double x1 = strtod(strstr(r1, " x=\"") + 4, NULL);
  double x2 = strtod(strstr(r2, " x=\"") + 4, NULL), w2 = strtod(strstr(r2, " width=\"") + 8, NULL);
  assert_close(x2 + w2, x1, 0.11);
  assert_true(x2 < x1);
  free(s);

  /* Only negative values. */
  double neg[] = {-3, -1};
  svg_chart n = {
      .kind = SVG_BAR, .title = "neg", .ncats = 2, .nseries = 1, .categories = cats, .values = neg};
  s = render(&n);
  assert_non_null(strstr(s, ">-3</text>"));
  free(s);
}

static void test_stacked_shares(void **state) {
  (void)state;
  const char *cats[] = {"leadership", "networking", "nobody answered"};
  const char *series[] = {"very", "quite", "not very", "not at all"};
  double v[] = {56, 40, 3, 1, 30, 30, 20, 20, NAN, 0, NAN, 0};
  svg_chart c = {.kind = SVG_STACKED,
                 .title = "Confidence",
                 .ncats = 3,
                 .nseries = 4,
                 .categories = cats,
                 .series = series,
                 .values = v,
                 .digits = 0,
                 .unit = "%"};
  char *s = render(&c);
  double w[4][8];
  size_t n[4];
  for (size_t k = 0; k < 4; k++)
    n[k] = rect_widths(s, svg_colour(SVG_STACKED, k), w[k], 8);
  /* Two categories with data, one segment each per series, plus the legend. */
  for (size_t k = 0; k < 4; k++)
    assert_int_equal(n[k], 2 + 1);
  /* Each bar is the full width: the segments of a row add up. Legend
   * swatches come first (width 12). */
  double row0 = w[0][1] + w[1][1] + w[2][1] + w[3][1];
  double row1 = w[0][2] + w[1][2] + w[2][2] + w[3][2];
  assert_close(row0, row1, 0.5);
  assert_close(w[0][1] / row0, 0.56, 0.01);
  assert_close(w[3][2] / row1, 0.20, 0.01);
  /* Segment labels where they fit; the empty row is dashed and n/a. */
  assert_non_null(strstr(s, ">56%</text>"));
  assert_non_null(strstr(s, "stroke-dasharray"));
  assert_non_null(strstr(s, ">n/a</text>"));
  assert_non_null(strstr(s, "<title>leadership, not at all: 1%</title>"));
  /* Light colours carry black text, the dark blue white. */
  assert_non_null(strstr(s, "fill=\"#fff\">56%</text>"));
  free(s);
}

static void test_escaping(void **state) {
  (void)state;
  const char *cats[] = {"<script>alert(1)</script>", "a & b \"quoted\" 'single'"};
  const char *series[] = {"x<y", "p&q"};
  double v[] = {1, 2, 3, 4};
  svg_chart c = {.kind = SVG_GROUPED,
                 .title = "T<i>&",
                 .show_title = 1,
                 .desc = "D</desc><script>",
                 .x_label = "<x>",
                 .y_label = "&y",
                 .ncats = 2,
                 .nseries = 2,
                 .categories = cats,
                 .series = series,
                 .values = v,
                 .unit = "<u>"};
  char *s = render(&c);
  assert_null(strstr(s, "<script"));
  assert_null(strstr(s, "<i>"));
  assert_null(strstr(s, "<u>"));
  assert_non_null(strstr(s, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  assert_non_null(strstr(s, "a &amp; b &quot;quoted&quot; &#39;single&#39;"));
  assert_non_null(strstr(s, "<title>T&lt;i&gt;&amp;</title>"));
  assert_non_null(strstr(s, "<desc>D&lt;/desc&gt;&lt;script&gt;</desc>"));
  assert_non_null(strstr(s, ">x&lt;y</text>"));
  assert_non_null(strstr(s, ">&amp;y</text>"));
  free(s);
}

static void test_long_labels_clipped(void **state) {
  (void)state;
  /* 46 characters, three of them multi-byte: two lines of at most 22,
   * broken at spaces; the second clipped at its last word break with an
   * ellipsis; the whole label stays in a <title> (a tooltip). */
  const char *cats[] = {"Établissements de l’enseignement supérieur ok"};
  double v[] = {5};
  svg_chart c = {
      .kind = SVG_BAR, .title = "t", .ncats = 1, .nseries = 1, .categories = cats, .values = v};
  char *s = render(&c);
  assert_non_null(strstr(s, "<title>Établissements de l’enseignement supérieur ok</title>"));
  assert_non_null(strstr(s, ">Établissements de</tspan>"));
  assert_non_null(strstr(s, ">l’enseignement\xE2\x80\xA6</tspan>"));
  free(s);
  /* Wrapped onto two lines, not cut: no tooltip needed. */
  const char *two[] = {"Special schools and alternative provision"};
  c.categories = two;
  s = render(&c);
  assert_non_null(strstr(s, ">Special schools and</tspan>"));
  assert_non_null(strstr(s, ">alternative provision</tspan>"));
  assert_null(strstr(s, "\xE2\x80\xA6"));
  free(s);
  /* No break at all: cut on a character boundary. */
  const char *one[] = {"Établissementsdel’enseignementsupérieurdesrégions"};
  c.categories = one;
  s = render(&c);
  assert_non_null(strstr(s, ">Établissementsdel’ense</tspan>"));
  assert_non_null(strstr(s, ">ignementsupérieurdesr\xE2\x80\xA6</tspan>"));
  free(s);
}

static void test_no_data(void **state) {
  (void)state;
  svg_chart c = {.kind = SVG_GROUPED, .title = "empty"};
  char *s = render(&c);
  assert_non_null(strstr(s, ">No data</text>"));
  assert_non_null(strstr(s, "<desc>No data.</desc>"));
  assert_null(strstr(s, "<rect"));
  free(s);
}

/* The x of every tick label (text in the axis group), in order. */
static size_t tick_xs(const char *svg, double *xs, size_t max) {
  const char *g = strstr(svg, "<g class=\"axis\"");
  assert_non_null(g);
  const char *end = strstr(g, "</g>");
  size_t n = 0;
  for (const char *p = g; (p = strstr(p, "<text x=\"")) && p < end; p++)
    if (n < max)
      xs[n++] = strtod(p + 9, NULL);
  return n;
}

static void test_tick_labels_do_not_collide(void **state) {
  (void)state;
  /* Tiny values make long tick labels (-0.00010): fewer labels, still
   * every grid line. */
  const char *cats[] = {"a label of 24 characters", "b"};
  double v[] = {-0.0001, 0.00002};
  svg_chart c = {.kind = SVG_BAR,
                 .title = "tiny",
                 .ncats = 2,
                 .nseries = 1,
                 .categories = cats,
                 .values = v,
                 .digits = 5,
                 .x_label = "x"};
  char *s = render(&c);
  double xs[32];
  size_t n = tick_xs(s, xs, 32);
  assert_true(n >= 2);
  for (size_t i = 1; i < n; i++)
    assert_true(xs[i] - xs[i - 1] >= 8 * 7.2);
  assert_true(count(s, "<line ") > n);
  assert_non_null(strstr(s, "fill=\"#333\">0.00000</text>"));
  free(s);
  /* Ordinary percentages keep a label on every tick. */
  double p[] = {45, 90};
  svg_chart q = {.kind = SVG_BAR,
                 .title = "pct",
                 .ncats = 2,
                 .nseries = 1,
                 .categories = cats,
                 .values = p,
                 .y_max = 100,
                 .unit = "%"};
  s = render(&q);
  assert_int_equal(tick_xs(s, xs, 32), 6);
  free(s);
}

static void test_palette(void **state) {
  (void)state;
  /* Okabe-Ito: eight distinct colours per kind, repeating after eight. */
  for (int kind = SVG_BAR; kind <= SVG_STACKED; kind++) {
    for (size_t i = 0; i < 8; i++) {
      const char *c = svg_colour((svg_kind)kind, i);
      assert_int_equal(strlen(c), 7);
      for (size_t j = 0; j < i; j++)
        assert_string_not_equal(c, svg_colour((svg_kind)kind, j));
    }
    assert_string_equal(svg_colour((svg_kind)kind, 8), svg_colour((svg_kind)kind, 0));
  }
  assert_string_equal(svg_colour(SVG_GROUPED, 0), "#0072B2");
  assert_string_equal(svg_colour(SVG_GROUPED, 1), "#D55E00");
  /* WCAG 1.4.11: every bar colour at least 3:1 against the white page. */
  for (int kind = SVG_BAR; kind <= SVG_STACKED; kind++)
    for (size_t i = 0; i < 8; i++) {
      const char *hex = svg_colour((svg_kind)kind, i);
      double ch[3];
      for (int k = 0; k < 3; k++) {
        char part[3] = {hex[1 + 2 * k], hex[2 + 2 * k], 0};
        double x = (double)strtol(part, NULL, 16) / 255;
        ch[k] = x <= 0.03928 ? x / 12.92 : pow((x + 0.055) / 1.055, 2.4);
      }
      double lum = 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
      if (1.05 / (lum + 0.05) < 3)
        fail_msg("%s has contrast %.2f on white", hex, 1.05 / (lum + 0.05));
    }
}

static void test_many_series_legend_wraps(void **state) {
  (void)state;
  const char *cats[] = {"1", "2"};
  const char *series[] = {
      "trained_hub: baseline",     "trained_hub: post",       "trained_nohub: baseline",
      "trained_nohub: post",       "untrained_hub: baseline", "untrained_hub: post",
      "untrained_nohub: baseline", "untrained_nohub: post",   "ninth"};
  double v[18];
  for (int i = 0; i < 18; i++)
    v[i] = i * 5.5;
  svg_chart c = {.kind = SVG_GROUPED,
                 .title = "many",
                 .ncats = 2,
                 .nseries = 9,
                 .categories = cats,
                 .series = series,
                 .values = v,
                 .digits = 1};
  char *s = render(&c);
  /* All legend entries lie inside the view box. */
  double width = strtod(strstr(s, "viewBox=\"0 0 ") + 13, NULL);
  assert_true(width >= 320);
  for (const char *p = s; (p = strstr(p, "<text x=\"")); p++) {
    double x = strtod(p + 9, NULL);
    assert_true(x >= 0 && x < width);
  }
  assert_non_null(strstr(s, ">ninth</text>"));
  free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bar_labels_values),
      cmocka_unit_test(test_grouped_legend_and_series),
      cmocka_unit_test(test_missing_values),
      cmocka_unit_test(test_all_zero_and_one_category),
      cmocka_unit_test(test_negative_values_and_error_bars),
      cmocka_unit_test(test_stacked_shares),
      cmocka_unit_test(test_escaping),
      cmocka_unit_test(test_long_labels_clipped),
      cmocka_unit_test(test_no_data),
      cmocka_unit_test(test_tick_labels_do_not_collide),
      cmocka_unit_test(test_palette),
      cmocka_unit_test(test_many_series_legend_wraps),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
