/* The finding under each figure: one or two sentences saying what the
 * numbers of a table show, computed from those numbers alone with guards
 * (significance after correction, the width of an interval, withheld small
 * groups, which are never compared and are said to be withheld). */
#ifndef CLEVAL_FINDINGS_H
#define CLEVAL_FINDINGS_H

#include "report_doc.h"

/* Sets t->finding of every table of d that has something to say (tables
 * keep NULL when they have not). Reads the tables only, with their display
 * labels, so call it after the labels are set; confidence is the level of
 * the intervals (0.95). Never fails. */
void findings_write(report_doc *d, double confidence);

#endif
