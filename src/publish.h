/* The whole path from a database to a written report: read the data
 * (dataset), compute the tables (analysis), write them (report). Shared by
 * `cleval report` and `cleval demo`. */
#ifndef CLEVAL_PUBLISH_H
#define CLEVAL_PUBLISH_H

#include <stddef.h>

#include "config.h"
#include "store.h"
#include "report_doc.h"

/* Reads s, builds the report with cfg (cfg->date "" = today, UTC) and
 * writes it into outdir. On success returns 0 and, when doc is not NULL,
 * hands over the document (caller frees with report_doc_free) for a
 * summary. Returns -1 with a message on failure; nothing is left half
 * written. Returns -2, writing nothing, when the database holds nothing to
 * evaluate (no matched pre/post self-assessments and no Compass returns),
 * with a message naming what is missing and the import that supplies it. */
int publish_report(store *s, const report_config *cfg, const char *outdir, report_doc **doc,
                   char *err, size_t errlen);

/* Prints outdir/report.html to outdir/report.pdf with Chromium in headless
 * mode (A4, the report's print stylesheet: page numbers and the title in
 * the margins). The browser is $CHROMIUM when set, else the first of
 * chromium, chromium-browser, google-chrome on the PATH. Writes to a
 * temporary file renamed into place. Returns 0; -1 with a message when no
 * browser is found (saying how to get one) or printing fails. */
int publish_pdf(const char *outdir, char *err, size_t errlen);

#endif
