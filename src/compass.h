/* Which Compass returns the benchmark comparison uses: each establishment's
 * baseline and post return under the rules of docs/analysis.md, whether it
 * is trained, in the comparison group or in neither, and a count of what
 * every rule kept or excluded for the methods section. Computation only. */
#ifndef CLEVAL_COMPASS_H
#define CLEVAL_COMPASS_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "dataset.h"

typedef enum compass_group {
  COMPASS_TRAINED,   /* a leader completed the training */
  COMPASS_UNTRAINED, /* no leader ever enrolled: the comparison group */
  COMPASS_NEITHER    /* enrolled but never completed (withdrawn, in training) */
} compass_group;

typedef struct compass_unit {
  size_t establishment;
  compass_group group;
  char start[11], completion[11];       /* training dates (trained only) */
  size_t baseline, post;                /* indices into ds->returns, DS_NONE when none */
  bool baseline_fallback;               /* baseline from before training, after the cut-off */
  bool hub;                             /* in a hub at the post return's date */
  int achieved_baseline, achieved_post; /* benchmarks fully achieved */
} compass_unit;

typedef struct compass_counts {
  size_t trained, untrained, neither; /* establishments in each group */
  size_t neither_withdrawn_only;      /* of neither: every enrolment withdrawn */
  size_t kept[2];                     /* with both returns: trained, untrained */
  size_t baseline_cutoff[2], baseline_fallback[2];
  size_t no_baseline[2], no_post[2]; /* excluded, by group */
  size_t post_before_completion;     /* trained: in-window returns passed over */
  size_t hub_joined_later;           /* kept, hub joined after the post return */
} compass_counts;

/* Benchmarks of return r with pct >= cfg->fully_achieved. */
int compass_achieved(const dataset *ds, size_t r, const report_config *cfg);

/* One unit per establishment, in establishment order (free *out). */
void compass_units(const dataset *ds, const report_config *cfg, compass_unit **out, size_t *n,
                   compass_counts *counts);

/* Whether a unit is in the comparison: its group is trained or untrained
 * and it has both a baseline and a post return. */
bool compass_compared(const compass_unit *u);

#endif
