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
  /* Nothing to evaluate: neither knowledge (level 2) nor benchmarks
   * (level 4) can be reported. */
  size_t matched = 0;
  for (size_t i = 0; i < ds->nleaders; i++)
    matched += ds->leaders[i].match == DS_MATCHED;
  if (matched == 0 && ds->nreturns == 0) {
    snprintf(err, errlen,
             "nothing to report: no Careers Leader has both a pre- and a post-training "
             "self-assessment (import them with `cleval import DB self-assessment FILE`) and "
             "there are no Compass returns (`cleval import DB compass FILE`)%s",
             ds->nleaders == 0 ? "; there are no Careers Leaders either (`cleval import DB "
                                 "leaders FILE`, after `establishments`)"
                               : "");
    dataset_free(ds);
    return -2;
  }
  report_doc *doc = analysis_run(ds, &c);
  dataset_free(ds);
  int rc = report_write(doc, outdir, err, errlen);
  if (rc == 0 && out)
    *out = doc;
  else
    report_doc_free(doc);
  return rc;
}
