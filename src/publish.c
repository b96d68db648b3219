/* From a database to a written report. */
#include "publish.h"

#include <stdio.h>
#include <time.h>

#include "analysis.h"
#include "dataset.h"
#include "report.h"

int publish_report(store *s, const report_config *cfg, const char *outdir, report_doc **out,
                   char *err, size_t errlen) {
  report_config c = *cfg;
  if (!c.date[0]) {
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(c.date, sizeof c.date, "%Y-%m-%d", &tm);
  }
  dataset *ds = NULL;
  if (dataset_load(s, &c, &ds, err, errlen) != 0)
    return -1;
  report_doc *doc = analysis_run(ds, &c);
  dataset_free(ds);
  int rc = report_write(doc, outdir, err, errlen);
  if (rc == 0 && out)
    *out = doc;
  else
    report_doc_free(doc);
  return rc;
}
