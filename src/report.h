/* The report written out: DIR/report.html (self-contained, inline SVG
 * charts), DIR/report.json (keyed by table id), DIR/tables/ID.csv and
 * DIR/tables.xlsx (a sheet per table). The
 * renderer walks a report_doc and computes nothing. */
#ifndef CLEVAL_REPORT_H
#define CLEVAL_REPORT_H

#include <stddef.h>

#include "table.h"

/* Writes the four outputs into outdir (created if missing). Files are
 * written to temporaries and renamed into place, so a failure leaves no
 * half-written report. Returns 0, or -1 with a message naming the path. */
int report_write(const report_doc *doc, const char *outdir, char *err, size_t errlen);

/* The parts, for tests and the web server: each appends to out. */
struct strbuf;
void report_html(const report_doc *doc, struct strbuf *out);
void report_json(const report_doc *doc, struct strbuf *out);
void report_table_csv(const report_table *t, struct strbuf *out);
/* One table as the report draws it: <figure id=ID> with its chart, table,
 * tests and notes (for the web server's dashboards). */
void report_figure_html(const report_table *t, struct strbuf *out);

#endif
