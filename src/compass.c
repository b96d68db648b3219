/* Baseline and post Compass returns per establishment. */
#include "compass.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

int compass_achieved(const dataset *ds, size_t r, const report_config *cfg) {
  int k = 0;
  for (int b = 0; b < DS_NBENCHMARKS; b++)
    if (dataset_return_pct(ds, r, b) >= cfg->fully_achieved) /* false for NAN */
      k++;
  return k;
}

bool compass_compared(const compass_unit *u) {
  return u->group != COMPASS_NEITHER && u->baseline != DS_NONE && u->post != DS_NONE;
}

/* Training dates and group of every establishment, from the enrolments:
 * trained when a leader completed (status completed with a date); the start
 * is the earliest start and the completion the latest completion of those
 * completed enrolments. */
static void training(const dataset *ds, compass_unit *u, size_t *withdrawn_only) {
  unsigned char *enrolled = xcalloc(ds->nestablishments + 1, 1);
  unsigned char *active = xcalloc(ds->nestablishments + 1, 1);
  for (size_t i = 0; i < ds->nenrolments; i++) {
    const ds_enrolment *e = &ds->enrolments[i];
    size_t est = ds->leaders[e->leader].establishment;
    enrolled[est] = 1;
    if (e->status != DS_WITHDRAWN)
      active[est] = 1;
    if (e->status != DS_COMPLETED || !e->completion_date[0])
      continue;
    compass_unit *x = &u[est];
    if (x->group != COMPASS_TRAINED) {
      x->group = COMPASS_TRAINED;
      strcpy(x->start, e->start_date);
      strcpy(x->completion, e->completion_date);
      continue;
    }
    if (strcmp(e->start_date, x->start) < 0)
      strcpy(x->start, e->start_date);
    if (strcmp(e->completion_date, x->completion) > 0)
      strcpy(x->completion, e->completion_date);
  }
  *withdrawn_only = 0;
  for (size_t i = 0; i < ds->nestablishments; i++)
    if (u[i].group != COMPASS_TRAINED && enrolled[i]) {
      u[i].group = COMPASS_NEITHER;
      if (!active[i])
        (*withdrawn_only)++;
    }
  free(enrolled);
  free(active);
}

void compass_units(const dataset *ds, const report_config *cfg, compass_unit **out, size_t *n,
                   compass_counts *c) {
  compass_unit *u = xcalloc(ds->nestablishments ? ds->nestablishments : 1, sizeof *u);
  memset(c, 0, sizeof *c);
  for (size_t i = 0; i < ds->nestablishments; i++) {
    u[i].establishment = i;
    u[i].group = COMPASS_UNTRAINED;
    u[i].baseline = u[i].post = DS_NONE;
  }
  training(ds, u, &c->neither_withdrawn_only);

  /* Returns are ordered by establishment, then date: one pass per run. */
  for (size_t r0 = 0; r0 < ds->nreturns;) {
    size_t est = ds->returns[r0].establishment, r1 = r0;
    while (r1 < ds->nreturns && ds->returns[r1].establishment == est)
      r1++;
    compass_unit *x = &u[est];
    bool trained = x->group == COMPASS_TRAINED;
    size_t base = DS_NONE, fallback = DS_NONE, post = DS_NONE;
    bool passed_over = false;
    for (size_t r = r0; r < r1; r++) {
      const char *d = ds->returns[r].submitted;
      if (strcmp(d, cfg->baseline_cutoff) <= 0)
        base = r; /* the latest by the cut-off */
      if (trained && fallback == DS_NONE && strcmp(d, x->start) < 0)
        fallback = r; /* the earliest before training */
      if (strcmp(d, cfg->post_from) >= 0 && strcmp(d, cfg->post_to) <= 0) {
        if (!trained || strcmp(d, x->completion) > 0)
          post = r; /* the latest in the window (after completion) */
        else
          passed_over = true;
      }
    }
    if (base == DS_NONE && trained && fallback != DS_NONE) {
      base = fallback;
      x->baseline_fallback = true;
    }
    x->baseline = base;
    x->post = post;
    if (passed_over)
      c->post_before_completion++;
    r0 = r1;
  }

  for (size_t i = 0; i < ds->nestablishments; i++) {
    compass_unit *x = &u[i];
    if (x->group == COMPASS_NEITHER) {
      c->neither++;
      continue;
    }
    int g = x->group == COMPASS_TRAINED ? 0 : 1;
    if (g == 0)
      c->trained++;
    else
      c->untrained++;
    if (x->baseline == DS_NONE) {
      c->no_baseline[g]++;
      continue;
    }
    if (x->post == DS_NONE) {
      c->no_post[g]++;
      continue;
    }
    c->kept[g]++;
    if (x->baseline_fallback)
      c->baseline_fallback[g]++;
    else
      c->baseline_cutoff[g]++;
    const ds_establishment *e = &ds->establishments[i];
    const char *pd = ds->returns[x->post].submitted;
    x->hub = e->hub != DS_NONE && (!e->hub_joined[0] || strcmp(e->hub_joined, pd) <= 0);
    if (e->hub != DS_NONE && !x->hub)
      c->hub_joined_later++;
    x->achieved_baseline = compass_achieved(ds, x->baseline, cfg);
    x->achieved_post = compass_achieved(ds, x->post, cfg);
  }
  *out = u;
  *n = ds->nestablishments;
}
