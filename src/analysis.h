/* Levels 2, 3 and 4 of the evaluation: the data of a store turned into the
 * report's tables, figures, key messages and methods notes (a report_doc).
 * Reading the store is dataset.c's job; everything here is computation. */
#ifndef CLEVAL_ANALYSIS_H
#define CLEVAL_ANALYSIS_H

#include <stddef.h>

#include "config.h"
#include "report_doc.h"

struct dataset;

/* Builds the whole report from a loaded dataset. Never fails on thin data:
 * empty groups, a role with no respondents, no Compass returns after the
 * cut-off give tables with notes saying what is missing. Returns the
 * document (caller frees with report_doc_free). */
report_doc *analysis_run(const struct dataset *ds, const report_config *cfg);

#endif
