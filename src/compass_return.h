/* One Compass return answered criterion by criterion (the web form): the
 * criteria of an establishment's variant of the Compass instrument, each
 * benchmark's percentage from the criteria met, and storing the return
 * with its benchmarks and answers in the rows `cleval import DB compass`
 * writes for the same return (compass_returns with its percentages bm1-bm8,
 * compass_answers). */
#ifndef CLEVAL_COMPASS_RETURN_H
#define CLEVAL_COMPASS_RETURN_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#include "instrument.h"
#include "store.h"

#define COMPASS_NBENCHMARKS 8
#define COMPASS_MAX_CRITERIA 64

/* The criteria of one variant (school or college) of a Compass instrument,
 * in the instrument's order. Points into the bank, which must outlive it. */
typedef struct compass_sheet {
  const instrument *in;
  bool college;
  const instrument_item *items[COMPASS_MAX_CRITERIA];
  size_t nitems;
  int per_benchmark[COMPASS_NBENCHMARKS]; /* criteria of benchmarks 1-8 */
} compass_sheet;

/* Whether establishment type (establishments.type) answers the college
 * variant: fe_college and sixth_form_college do. */
bool compass_type_college(const char *type);

/* Fills sheet with the criteria of instrument key (e.g. "compass-2014") for
 * a college or a school. Returns 0, or -1 with a message when the bank has
 * no such Compass instrument or it has no criteria for a benchmark. */
int compass_sheet_init(compass_sheet *sheet, const instrument_bank *bank, const char *key,
                       bool college, char *err, size_t errlen);

/* The percentage of a benchmark with met of total criteria met, to one
 * decimal as Compass returns carry it (2 of 3: 66.7); NAN when total is 0. */
double compass_pct(int met, int total);

/* Each benchmark's percentage from met (one entry per sheet item: 1 met,
 * 0 not met, -1 not answered, which counts as not met). */
void compass_sheet_score(const compass_sheet *sheet, const int *met, double pct[8]);

/* Stores a return of establishment_id dated submitted_at (as import keeps
 * it), with met (every item answered, 0 or 1) and the percentages of
 * compass_sheet_score, inside the caller's transaction. *return_id gets
 * its id. Returns 0; -1 with a message (a return of that establishment at
 * that time already exists, a database failure). */
int compass_return_store(store *s, sqlite3_int64 establishment_id, const char *submitted_at,
                         const compass_sheet *sheet, const int *met, sqlite3_int64 *return_id,
                         char *err, size_t errlen);

#endif
