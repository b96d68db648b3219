/* Inline SVG charts for the report (see svg.h). Categories run down the
 * left, values along the bottom: long labels stay readable on a phone. */
#include "svg.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numfmt.h"
#include "strbuf.h"
#include "xalloc.h"

#define WIDTH ((double)SVG_WIDTH) /* view box width (see svg.h) */
#define CHAR_W 7.6     /* average advance of a 13px sans-serif character, generous */
#define LABEL_MAX 24   /* legend names longer than this are clipped */
#define LINE_MAX 22    /* characters of one line of a category label */
#define RIGHT_PAD 56.0 /* room for value labels right of the longest bar */

/* Okabe, M. and Ito, K. (2008) Color Universal Design, with the hues that
 * fail 3:1 against white (orange, sky blue, yellow) replaced by darker
 * ones; contrast on white: 5.2, 3.9, 3.4, 3.1, 21, 8.3, 6.1, 5.7. */
static const char *const palette[8] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                       "#000000", "#5D3A9B", "#994F00", "#666666"};
/* Ordered answers: dark blue, blue, vermillion, dark red (8.9, 4.1, 3.9,
 * 7.4 on white), then the rest of the palette. */
static const char *const stack_palette[8] = {"#00466E", "#3B82C4", "#D55E00", "#8F2D00",
                                             "#CC79A7", "#009E73", "#5D3A9B", "#000000"};

const char *svg_colour(svg_kind kind, size_t i) {
  return (kind == SVG_STACKED ? stack_palette : palette)[i % 8];
}

/* Relative luminance of "#RRGGBB" (WCAG 2). */
static double luminance(const char *hex) {
  double c[3];
  for (int i = 0; i < 3; i++) {
    char part[3] = {hex[1 + 2 * i], hex[2 + 2 * i], 0};
    double v = (double)strtol(part, NULL, 16) / 255;
    c[i] = v <= 0.03928 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
  }
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}

/* Text drawn on a fill: white or black, whichever contrasts more. */
static const char *ink_on(const char *fill) {
  double l = luminance(fill);
  return (1.05 / (l + 0.05)) >= ((l + 0.05) / 0.05) ? "#fff" : "#000";
}

static size_t utf8_len(const char *s) {
  size_t n = 0;
  for (; *s; s++)
    if (((unsigned char)*s & 0xC0) != 0x80)
      n++;
  return n;
}

/* s escaped, clipped to at most max characters (ellipsis included) at a
 * word break. */
static void put_clipped(strbuf *b, const char *s, size_t max) {
  if (utf8_len(s) <= max) {
    strbuf_put_html(b, s);
    return;
  }
  size_t n = 0;
  const char *p = s;
  for (; *p; p++)
    if (((unsigned char)*p & 0xC0) != 0x80 && n++ == max - 1)
      break;
  /* At the last word break in the second half, so no word is cut in two. */
  size_t len = (size_t)(p - s);
  for (size_t k = len; k > len / 2; k--)
    if (s[k] == ' ') {
      len = k;
      break;
    }
  while (len > 0 && strchr(" ,;:", s[len - 1]))
    len--;
  char *cut = xstrndup(s, len);
  strbuf_put_html(b, cut);
  strbuf_puts(b, "\xE2\x80\xA6"); /* … */
  free(cut);
}

static size_t clipped_len(const char *s) {
  size_t n = utf8_len(s);
  return n > LABEL_MAX ? LABEL_MAX : n;
}

/* The byte offset after the first max characters of s (or its end). */
static size_t chars_bytes(const char *s, size_t max) {
  size_t n = 0, i = 0;
  for (; s[i]; i++)
    if (((unsigned char)s[i] & 0xC0) != 0x80 && n++ == max)
      break;
  return i;
}

/* A category label on at most two lines of LINE_MAX characters, broken at
 * a space when there is one: the first line is s[0, *len1), the second
 * starts at s + *start2 (or is empty). */
static void wrap_label(const char *s, size_t *len1, size_t *start2) {
  if (utf8_len(s) <= LINE_MAX) {
    *len1 = *start2 = strlen(s);
    return;
  }
  size_t cut = chars_bytes(s, LINE_MAX);
  size_t k = cut;
  while (k > 0 && s[k] != ' ')
    k--;
  if (k > 0) {
    *len1 = k;
    *start2 = k + 1;
  } else {
    *len1 = *start2 = cut;
  }
}

/* The width of a category label, wrapped, in characters. */
static size_t label_chars(const char *s) {
  size_t len1, start2;
  wrap_label(s, &len1, &start2);
  char *first = xstrndup(s, len1);
  size_t a = utf8_len(first), b = utf8_len(s + start2);
  free(first);
  if (b > LINE_MAX)
    b = LINE_MAX;
  return a > b ? a : b;
}

/* v with digits decimals and the unit (the report's one formatter); "n/a"
 * when not finite; never "-0". */
static void format_value(char *buf, size_t n, double v, int digits, const char *unit) {
  numfmt_fixed(buf, n, v, digits);
  if (isfinite(v) && unit) {
    size_t len = strlen(buf);
    snprintf(buf + len, n - len, "%s", unit);
  }
}

static const char *category(const svg_chart *c, size_t i) {
  return c->categories && c->categories[i] ? c->categories[i] : "n/a";
}

static const char *series_name(const svg_chart *c, size_t s, char *buf, size_t n) {
  if (c->series && c->series[s])
    return c->series[s];
  snprintf(buf, n, "Series %zu", s + 1);
  return buf;
}

static double at(const double *a, const svg_chart *c, size_t i, size_t s) {
  return a ? a[i * c->nseries + s] : NAN;
}

/* The value axis: [lo, hi] in steps of step, drawn from x0 to x1. */
typedef struct scale {
  double lo, hi, step, x0, x1;
} scale;

static double nice_step(double raw) {
  double e = pow(10, floor(log10(raw)));
  double f = raw / e;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * e;
}

static double sx(const scale *s, double v) {
  return s->x0 + (v - s->lo) / (s->hi - s->lo) * (s->x1 - s->x0);
}

static void widen(double *lo, double *hi, double v) {
  if (!isfinite(v))
    return;
  if (v < *lo)
    *lo = v;
  if (v > *hi)
    *hi = v;
}

/* The domain of a bar chart: zero, every value and error bar end, y_max. */
static void bar_domain(const svg_chart *c, size_t nb, scale *s) {
  double lo = 0, hi = 0;
  for (size_t i = 0; i < c->ncats; i++)
    for (size_t k = 0; k < nb; k++) {
      widen(&lo, &hi, at(c->values, c, i, k));
      widen(&lo, &hi, at(c->ci_low, c, i, k));
      widen(&lo, &hi, at(c->ci_high, c, i, k));
    }
  if (isfinite(c->y_max) && c->y_max > hi)
    hi = c->y_max;
  if (!(hi - lo > 0) || !isfinite(hi - lo)) {
    lo = 0;
    hi = 1;
  }
  s->step = nice_step((hi - lo) / 5);
  s->lo = floor(lo / s->step + 1e-9) * s->step;
  s->hi = ceil(hi / s->step - 1e-9) * s->step;
  if (!(s->hi > s->lo))
    s->hi = s->lo + s->step;
}

static void put_title_el(strbuf *b, const char *text) {
  strbuf_puts(b, "<title>");
  strbuf_put_html(b, text);
  strbuf_puts(b, "</title>");
}

/* The <desc>: the caller's text alternative, or every value in words. */
static void put_desc(strbuf *b, const svg_chart *c, size_t nb) {
  strbuf_puts(b, "<desc>");
  if (c->desc) {
    strbuf_put_html(b, c->desc);
  } else if (c->ncats == 0 || c->nseries == 0) {
    strbuf_puts(b, "No data.");
  } else {
    char v[64], nm[32];
    for (size_t i = 0; i < c->ncats; i++) {
      strbuf_put_html(b, category(c, i));
      strbuf_puts(b, ": ");
      for (size_t k = 0; k < nb; k++) {
        if (k)
          strbuf_puts(b, ", ");
        if (nb > 1) {
          strbuf_put_html(b, series_name(c, k, nm, sizeof nm));
          strbuf_putc(b, ' ');
        }
        format_value(v, sizeof v, at(c->values, c, i, k), c->digits, c->unit);
        strbuf_put_html(b, v);
        double lo = at(c->ci_low, c, i, k), hi = at(c->ci_high, c, i, k);
        if (isfinite(at(c->values, c, i, k)) && isfinite(lo) && isfinite(hi)) {
          strbuf_puts(b, " (CI ");
          format_value(v, sizeof v, lo, c->digits, c->unit);
          strbuf_put_html(b, v);
          strbuf_puts(b, " to ");
          format_value(v, sizeof v, hi, c->digits, c->unit);
          strbuf_put_html(b, v);
          strbuf_putc(b, ')');
        }
      }
      strbuf_puts(b, i + 1 < c->ncats ? "; " : ".");
    }
  }
  strbuf_puts(b, "</desc>");
}

/* The legend, wrapped to the width; returns its height. */
static double put_legend(strbuf *b, const svg_chart *c, double top) {
  double x = 8, y = top, row = 18;
  char nm[32];
  for (size_t s = 0; s < c->nseries; s++) {
    const char *name = series_name(c, s, nm, sizeof nm);
    double w = 12 + 6 + (double)clipped_len(name) * CHAR_W + 16;
    if (x > 8 && x + w > WIDTH - 8) {
      x = 8;
      y += row;
    }
    strbuf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/>", x,
                  y + 1, svg_colour(c->kind, s));
    strbuf_printf(b, "<text x=\"%.1f\" y=\"%.1f\">", x + 18, y + 11);
    if (utf8_len(name) > LABEL_MAX)
      put_title_el(b, name);
    put_clipped(b, name, LABEL_MAX);
    strbuf_puts(b, "</text>");
    x += w;
  }
  return y + row - top + 4;
}

static void put_ticks(strbuf *b, const scale *s, double top, double h, const char *unit) {
  int decimals = s->step >= 1 ? 0 : (int)ceil(-log10(s->step) - 1e-9);
  if (decimals > 10)
    decimals = 10;
  /* Label every tick, or every second, third ...: whatever keeps the
   * longest label clear of its neighbours. */
  char lab[64];
  size_t widest = 0;
  for (int k = 0; k <= 50 && s->lo + k * s->step <= s->hi + s->step * 1e-6; k++) {
    format_value(lab, sizeof lab, s->lo + k * s->step, decimals, unit);
    if (strlen(lab) > widest)
      widest = strlen(lab);
  }
  double px = (sx(s, s->lo + s->step) - sx(s, s->lo));
  int every = px > 0 ? (int)ceil(((double)widest * 7.2 + 8) / px) : 1;
  if (every < 1)
    every = 1;
  int kzero = (int)lround(-s->lo / s->step);
  strbuf_puts(b, "<g class=\"axis\" text-anchor=\"middle\">");
  for (int k = 0; k <= 50; k++) {
    double v = s->lo + k * s->step;
    if (v > s->hi + s->step * 1e-6)
      break;
    if (fabs(v) < s->step * 1e-6)
      v = 0;
    double x = sx(s, v);
    strbuf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>", x,
                  top, x, top + h, v == 0 ? "#555" : "#ddd");
    /* Counted from zero, which the axis always holds, so 0 is labelled. */
    if ((k - kzero) % every != 0)
      continue;
    format_value(lab, sizeof lab, v, decimals, unit);
    strbuf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#333\">", x, top + h + 15);
    strbuf_put_html(b, lab);
    strbuf_puts(b, "</text>");
  }
  strbuf_puts(b, "</g>");
}

static void put_category_label(strbuf *b, const char *label, double x, double y) {
  size_t len1, start2;
  wrap_label(label, &len1, &start2);
  const char *rest = label + start2;
  strbuf_printf(b, "<text class=\"cat\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", x, y);
  if (!*rest) {
    strbuf_printf(b, "<tspan x=\"%.1f\" dy=\"0.35em\">", x);
    strbuf_put_html(b, label);
    strbuf_puts(b, "</tspan></text>");
    return;
  }
  /* Two lines; cut with an ellipsis and the whole label as a tooltip when
   * even two are too few. */
  if (utf8_len(rest) > LINE_MAX)
    put_title_el(b, label);
  char *first = xstrndup(label, len1);
  strbuf_printf(b, "<tspan x=\"%.1f\" dy=\"-0.25em\">", x);
  strbuf_put_html(b, first);
  strbuf_printf(b, "</tspan><tspan x=\"%.1f\" dy=\"1.2em\">", x);
  put_clipped(b, rest, LINE_MAX);
  strbuf_puts(b, "</tspan></text>");
  free(first);
}

/* The tooltip of a bar: "category, series: value". */
static void put_bar_title(strbuf *b, const svg_chart *c, size_t i, size_t k, size_t nb,
                          const char *value) {
  char nm[32];
  strbuf_puts(b, "<title>");
  strbuf_put_html(b, category(c, i));
  if (nb > 1 || c->kind == SVG_STACKED) {
    strbuf_puts(b, ", ");
    strbuf_put_html(b, series_name(c, k, nm, sizeof nm));
  }
  strbuf_puts(b, ": ");
  strbuf_put_html(b, value);
  strbuf_puts(b, "</title>");
}

static void draw_bars(strbuf *b, const svg_chart *c, const scale *s, size_t nb, double top,
                      double band, double bh) {
  double zero = sx(s, s->lo > 0 ? s->lo : s->hi < 0 ? s->hi : 0);
  for (size_t i = 0; i < c->ncats; i++) {
    for (size_t k = 0; k < nb; k++) {
      double y = top + (double)i * band + 7 + (double)k * bh;
      double v = at(c->values, c, i, k), lo = at(c->ci_low, c, i, k), hi = at(c->ci_high, c, i, k);
      char lab[64];
      format_value(lab, sizeof lab, v, c->digits, c->unit);
      if (!isfinite(v)) {
        strbuf_printf(b,
                      "<text class=\"na\" x=\"%.1f\" y=\"%.1f\" dy=\"0.35em\" "
                      "font-style=\"italic\" fill=\"#595959\">n/a</text>",
                      zero + 4, y + (bh - 3) / 2);
        continue;
      }
      const char *fill = svg_colour(c->kind, k);
      double xv = sx(s, v);
      strbuf_printf(b,
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                    "fill=\"%s\">",
                    xv < zero ? xv : zero, y, fabs(xv - zero), bh - 3, fill);
      put_bar_title(b, c, i, k, nb, lab);
      strbuf_puts(b, "</rect>");
      double cy = y + (bh - 3) / 2, end = xv;
      if (isfinite(lo) && isfinite(hi)) {
        double xl = sx(s, lo), xh = sx(s, hi);
        strbuf_printf(b,
                      "<path class=\"ci\" d=\"M%.1f %.1fH%.1fM%.1f %.1fV%.1fM%.1f %.1fV%.1f\" "
                      "stroke=\"#222\" stroke-width=\"1.2\" fill=\"none\"/>",
                      xl, cy, xh, xl, cy - 4, cy + 4, xh, cy - 4, cy + 4);
        end = v >= 0 ? (xh > xv ? xh : xv) : (xl < xv ? xl : xv);
      }
      if (v >= 0)
        strbuf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" dy=\"0.35em\" font-size=\"13\">", end + 4,
                      cy);
      else
        strbuf_printf(b,
                      "<text x=\"%.1f\" y=\"%.1f\" dy=\"0.35em\" font-size=\"13\" "
                      "text-anchor=\"end\">",
                      end - 4, cy);
      strbuf_put_html(b, lab);
      strbuf_puts(b, "</text>");
    }
  }
}

static void draw_stacked(strbuf *b, const svg_chart *c, const scale *s, double top, double band,
                         double bh) {
  for (size_t i = 0; i < c->ncats; i++) {
    double y = top + (double)i * band + 5, total = 0;
    for (size_t k = 0; k < c->nseries; k++) {
      double v = at(c->values, c, i, k);
      if (isfinite(v) && v > 0)
        total += v;
    }
    if (!(total > 0) || !isfinite(total)) {
      strbuf_printf(b,
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
                    "stroke=\"#999\" stroke-dasharray=\"4 3\"/>"
                    "<text class=\"na\" x=\"%.1f\" y=\"%.1f\" dy=\"0.35em\" "
                    "text-anchor=\"middle\" font-style=\"italic\" fill=\"#595959\">n/a</text>",
                    s->x0, y, s->x1 - s->x0, bh, (s->x0 + s->x1) / 2, y + bh / 2);
      continue;
    }
    double cum = 0;
    for (size_t k = 0; k < c->nseries; k++) {
      double v = at(c->values, c, i, k);
      if (!isfinite(v) || v <= 0)
        continue;
      double xa = sx(s, cum / total * 100), xb = sx(s, (cum + v) / total * 100);
      cum += v;
      const char *fill = svg_colour(c->kind, k);
      char lab[64];
      format_value(lab, sizeof lab, v, c->digits, c->unit);
      strbuf_printf(b,
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
                    "stroke=\"#fff\" stroke-width=\"1.5\">",
                    xa, y, xb - xa, bh, fill);
      put_bar_title(b, c, i, k, c->nseries, lab);
      strbuf_puts(b, "</rect>");
      if (xb - xa >= (double)strlen(lab) * 6.8 + 6) {
        strbuf_printf(b,
                      "<text x=\"%.1f\" y=\"%.1f\" dy=\"0.35em\" text-anchor=\"middle\" "
                      "font-size=\"13\" fill=\"%s\">",
                      (xa + xb) / 2, y + bh / 2, ink_on(fill));
        strbuf_put_html(b, lab);
        strbuf_puts(b, "</text>");
      }
    }
  }
}

void svg_render(const svg_chart *c, strbuf *out) {
  int stacked = c->kind == SVG_STACKED;
  size_t nb = c->kind == SVG_BAR ? (c->nseries ? 1 : 0) : c->nseries;
  int empty = c->ncats == 0 || nb == 0 || !c->values;

  /* The value axis first: negative values need room on the left. */
  scale s = {0, 100, 20, 0, 0};
  if (!stacked && !empty)
    bar_domain(c, nb, &s);

  strbuf body = STRBUF_INIT;
  double top = 8;
  if (c->show_title && (c->panel_title || c->title)) {
    strbuf_printf(&body, "<text x=\"8\" y=\"%.1f\" font-size=\"14\" font-weight=\"bold\">",
                  top + 13);
    put_clipped(&body, c->panel_title ? c->panel_title : c->title, 44);
    strbuf_puts(&body, "</text>");
    top += 24;
  }
  if (!empty && (stacked || nb > 1))
    top += put_legend(&body, c, top);

  double height;
  if (empty) {
    strbuf_printf(&body,
                  "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-style=\"italic\" "
                  "fill=\"#595959\">No data</text>",
                  WIDTH / 2, top + 20);
    height = top + 36;
  } else {
    double label_w = 0;
    for (size_t i = 0; i < c->ncats; i++) {
      double w = (double)label_chars(category(c, i)) * CHAR_W;
      if (w > label_w)
        label_w = w;
    }
    if (label_w < 24)
      label_w = 24;
    double left = 8 + (c->x_label ? 20 : 0);
    if (label_w > WIDTH / 2 - left - 10)
      label_w = WIDTH / 2 - left - 10;
    double label_x = left + label_w;
    /* Labels of negative bars sit left of them: room for the longest. */
    double neg_pad = 0;
    for (size_t i = 0; !stacked && s.lo < 0 && i < c->ncats; i++)
      for (size_t k = 0; k < nb; k++) {
        double v = at(c->values, c, i, k);
        char lab[64];
        format_value(lab, sizeof lab, v, c->digits, c->unit);
        double w = (double)strlen(lab) * 7.2 + 8;
        if (isfinite(v) && v < 0 && w > neg_pad)
          neg_pad = w;
      }
    s.x0 = label_x + 10 + neg_pad;
    s.x1 = WIDTH - (stacked ? 24 : RIGHT_PAD);
    double bh = stacked ? 26 : nb == 1 ? 22 : nb == 2 ? 19 : 16;
    double band = stacked ? 36 : (double)nb * bh + 14;
    double plot_top = top + 4, plot_h = (double)c->ncats * band;

    put_ticks(&body, &s, plot_top, plot_h, stacked ? "%" : c->unit);
    for (size_t i = 0; i < c->ncats; i++)
      put_category_label(&body, category(c, i), label_x, plot_top + (double)i * band + band / 2);
    if (stacked)
      draw_stacked(&body, c, &s, plot_top, band, bh);
    else
      draw_bars(&body, c, &s, nb, plot_top, band, bh);

    height = plot_top + plot_h + 24;
    if (c->y_label) {
      /* Centred under the plot when it fits there, else under the chart. */
      double w = (double)utf8_len(c->y_label) * CHAR_W, mid = (s.x0 + s.x1) / 2;
      if (mid + w / 2 > WIDTH - 4 || mid - w / 2 < 4)
        mid = WIDTH / 2;
      strbuf_printf(&body, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", mid,
                    height + 8);
      put_clipped(&body, c->y_label, (size_t)((WIDTH - 8) / CHAR_W));
      strbuf_puts(&body, "</text>");
      height += 20;
    }
    size_t xfit = (size_t)((plot_h + 8) / CHAR_W);
    if (c->x_label && utf8_len(c->x_label) <= xfit) {
      strbuf_printf(&body,
                    "<text transform=\"translate(14 %.1f) rotate(-90)\" text-anchor=\"middle\">",
                    plot_top + plot_h / 2);
      strbuf_put_html(&body, c->x_label);
      strbuf_puts(&body, "</text>");
    }
    height += 4;
  }

  strbuf_printf(out,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 %.0f "
                "%.0f\" width=\"%.0f\" height=\"%.0f\" role=\"img\">",
                WIDTH, ceil(height), WIDTH, ceil(height));
  put_title_el(out, c->title ? c->title : "Chart");
  put_desc(out, c, nb);
  /* Text style on a group: HTML checkers know these attributes on <g>. */
  strbuf_puts(out, "<g font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, Arial, "
                   "sans-serif\" font-size=\"13\" fill=\"#1a1a1a\">");
  strbuf_put(out, strbuf_str(&body), body.len);
  strbuf_puts(out, "</g></svg>");
  strbuf_free(&body);
}
