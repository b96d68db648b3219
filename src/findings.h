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

/* What the key messages and conclusions need beyond the tables. */
#define FINDINGS_PRACTICES 10 /* the practice items of fig6-fig15 */
typedef struct findings_context {
  double confidence; /* of the intervals (0.95) */
  int small_cell;    /* groups smaller than this are withheld */
  const char *fewer; /* "fewer than 5" */
  /* the topic code of each practice figure's item (fig6 first), NULL when
   * the instrument has no such item */
  const char *practice_topics[FINDINGS_PRACTICES];
  const char *first_band, *last_band; /* the first and last time-in-role bands */
} findings_context;

/* Adds the key messages (one per Kirkpatrick level, where the training
 * helped least, the support most wanted) and the conclusions (per level
 * and overall) to d, from its tables alone; call after findings_write. */
void findings_summarise(report_doc *d, const findings_context *c);

#endif
