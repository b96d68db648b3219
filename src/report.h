/* The report written out: DIR/report.html (self-contained, inline SVG
 * charts), DIR/report.json (keyed by table id), DIR/tables/ID.csv and
 * DIR/tables.xlsx (a sheet per table). The
 * renderer walks a report_doc and computes nothing. */
#ifndef CLEVAL_REPORT_H
#define CLEVAL_REPORT_H

#include <stddef.h>

#include "report_doc.h"

/* Writes the four outputs into outdir (created if missing). Every file is
 * written and fsynced in a temporary directory inside outdir
 * (.cleval-tmp.PID.N, with a marker file), committed, renamed into place
 * (report.html last) and outdir fsynced; a failure before the commit
 * leaves the previous report as it was. What killed runs left is cleared
 * first: a committed temporary directory is finished (rolled forward), an
 * uncommitted one removed, and so are the single temporary files of
 * earlier versions; only when their process has gone and, for
 * directories, the marker is there with its text. Nothing is written
 * through a symbolic link: a link (or anything not a regular file) where a
 * report file goes, or where tables/ goes, is refused before writing, as
 * is an outdir that is not a directory. Returns 0, or -1 with a message
 * naming the path. Readers during the renames may see old and new files
 * side by side for that moment. */
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
