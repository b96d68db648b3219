/* The report's charts, drawn as inline SVG into a strbuf: horizontal bars
 * with labelled values, grouped bars, stacked 100 % bars and error bars, with
 * a text alternative. Drawing only: the numbers arrive computed. */
#ifndef CLEVAL_SVG_H
#define CLEVAL_SVG_H

#include <stddef.h>

struct strbuf;

typedef enum svg_kind {
  SVG_BAR,     /* one bar per category (the first series only) */
  SVG_GROUPED, /* per category, one bar per series */
  SVG_STACKED, /* per category, one bar of 100 %: a segment per series, each
                  its share of the category's total */
} svg_kind;

/* Charts are drawn on a view box SVG_WIDTH units wide in which no text is
 * smaller than 13 units; shown at SVG_MIN_PX pixels wide or more, every text
 * is at least 11 px (the report's stylesheet keeps charts that wide, in a
 * scrolling box when the screen is narrower). */
#define SVG_WIDTH 400
#define SVG_MIN_PX 340

/* A chart to draw. Nothing is owned: every pointer stays the caller's.
 * Category labels wrap onto two lines; a label too long even for two keeps
 * its full text in a tooltip (<title>). */
typedef struct svg_chart {
  svg_kind kind;
  const char *title;   /* the accessible name (<title>); may be NULL */
  int show_title;      /* also draw the title as text above the chart */
  const char *panel_title; /* with show_title: drawn instead of title (a
                              small multiple's name, e.g. "Benchmark 3");
                              NULL: title */
  const char *desc;    /* the text alternative (<desc>); NULL: a summary of
                          every value is written instead */
  const char *x_label; /* the category axis; NULL for none */
  const char *y_label; /* the value axis; NULL for none */
  size_t ncats, nseries;
  const char *const *categories;  /* ncats labels (NULL entries: "n/a") */
  const char *const *series;      /* nseries legend names; may be NULL when
                                     nseries is 1 */
  const double *values;           /* ncats x nseries, values[cat * nseries + s];
                                     NAN for missing (no bar, labelled "n/a") */
  const double *ci_low, *ci_high; /* error bars, same shape as values, or
                                     NULL; a NAN end: no error bar there */
  double y_max;                   /* upper end of the value axis; 0: from the data */
  int digits;                     /* decimals of the value labels */
  const char *unit;               /* appended to value labels ("%"); NULL for none */
} svg_chart;

/* Appends one <svg> element (role="img", with <title> and <desc>) drawing
 * c to out. Every text is escaped. Handles missing values, all-zero data,
 * negative values, one category and none ("No data" is drawn). */
void svg_render(const svg_chart *c, struct strbuf *out);

/* The palette, defined here once, used for series i as "#RRGGBB"; it
 * repeats after eight. Colour-blind safe (Okabe and Ito's hues, the light
 * ones darkened) and every colour at least 3:1 against white (WCAG 1.4.11).
 * Stacked charts use a diverging blue-to-vermillion order, for ordered
 * answers (very ... not at all). */
const char *svg_colour(svg_kind kind, size_t i);

#endif
