/* One survey response stored whole: its row, its answers and, for a
 * self-assessment, its area scores (through score.c, as import stores
 * them), inside the caller's transaction. The web form uses it; it is the
 * one place a complete response is written from answers in memory. */
#ifndef CLEVAL_RESPONSE_H
#define CLEVAL_RESPONSE_H

#include <sqlite3.h>
#include <stddef.h>

#include "instrument.h"
#include "score.h"
#include "store.h"

typedef struct response_answer {
  const instrument_item *item;
  const instrument_option *option; /* one of item->scale's options */
} response_answer;

typedef struct response_new {
  const char *survey;       /* "self-assessment" or "long-term" */
  sqlite3_int64 leader_id;  /* leaders.id, or 0 for none (the anonymous follow-up) */
  const char *stage;        /* pre, post, followup */
  const char *role;         /* the role answered as, or NULL */
  const char *submitted_at; /* as it is to be stored */
  int random_id;            /* 1: a random id instead of the next one, so
                               that the id says nothing of when the
                               response came in relative to others */
} response_new;

/* Writes the response and its n answers (numeric scales as value,
 * categorical ones as code) and, for a self-assessment with a role, its
 * area scores under cfg, tallied as import tallies them: per area the sum
 * and number of the answers to the role's items, out of the role's items
 * in bank's self-assessment instrument (score_store_tally). *id gets the new response's id. Returns 0; -1
 * with a message, and *duplicate set to 1 when the leader already has a
 * response at that stage (the caller rolls back either way). */
int response_store(store *s, const response_new *r, const response_answer *a, size_t n,
                   const instrument_bank *bank, const score_settings *cfg, sqlite3_int64 *id, int *duplicate, char *err,
                   size_t errlen);

#endif
