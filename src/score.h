/* Self-assessment answers -> area percentage scores, and pre/post matching.
 * Area scores are computed once, when answers land (import, web form), and
 * stored in area_scores for every self-assessment response, pre and post,
 * with score NULL when too few of the area's items were answered. */
#ifndef CLEVAL_SCORE_H
#define CLEVAL_SCORE_H

#include <sqlite3.h>
#include <stddef.h>

#include "store.h"
#include "vocab.h"

/* The four responsibility areas (vocab.h: VOCAB_AREA), in report order. */
#define SCORE_NAREAS VOCAB_NAREAS

typedef enum score_method {
  SCORE_PERCENT, /* sum / (5 x answered) x 100 */
  SCORE_RESCALED /* (sum - k) / (4k) x 100, k = items answered */
} score_method;

typedef struct score_settings {
  score_method method; /* setting score.method: percent (default) or rescaled */
  double min_answered; /* setting score.min_answered: the share of an area's items
                          that must be answered for it to have a score (default 0.5) */
} score_settings;

/* The defaults: percent, 0.5. */
void score_settings_default(score_settings *cfg);

/* Reads score.method and score.min_answered from the database's settings.
 * Returns -1 with a message when a setting holds something invalid. */
int score_settings_load(store *s, score_settings *cfg, char *err, size_t errlen);

/* One area's score from the sum of its answers (1-5 each), the number of
 * its items answered and the number of its items for the role: a
 * percentage (0-100 for percent; 0-100 for rescaled), or NAN when fewer
 * than cfg->min_answered x total items (or none) were answered. */
double score_area(double sum, int answered, int total, const score_settings *cfg);

/* The answers of one response, tallied per area. */
typedef struct score_tally {
  double sum[SCORE_NAREAS];
  int answered[SCORE_NAREAS];
  int total[SCORE_NAREAS]; /* items of the area for the response's role */
} score_tally;

/* Writes the four area_scores rows of a response from a tally (replacing
 * what was there), inside the caller's transaction if one is open. The
 * rows are written even when an area has no score (score NULL). */
int score_store_tally(store *s, sqlite3_int64 response_id, const score_tally *t,
                      const score_settings *cfg, char *err, size_t errlen);

/* The same for many responses, with one prepared statement: make a writer,
 * put each response's tally, free it (before closing the store). */
typedef struct score_writer score_writer;
int score_writer_new(score_writer **out, store *s, const score_settings *cfg, char *err,
                     size_t errlen);
int score_writer_put(score_writer *w, sqlite3_int64 response_id, const score_tally *t, char *err,
                     size_t errlen);
void score_writer_free(score_writer *w);

/* (Re)computes the area scores of one self-assessment response from its
 * answers in the database and the items of its role (responses.role), and
 * stores them. For the web form and after a settings change. Returns -1
 * with a message when the response does not exist or is not a
 * self-assessment response with a role. */
int score_response(store *s, sqlite3_int64 response_id, const score_settings *cfg, char *err,
                   size_t errlen);

/* Recomputes every self-assessment response's scores (after score.method
 * or score.min_answered changed), in one transaction. *n (if not NULL)
 * gets the number of responses scored. */
int score_rescore_all(store *s, const score_settings *cfg, size_t *n, char *err, size_t errlen);

/* One self-assessment response's stored area scores. */
typedef struct score_row {
  char *leader_key;           /* leaders.leader_key */
  char *stage;                /* "pre" or "post" */
  char *role;                 /* the role answered as; NULL when none */
  double score[SCORE_NAREAS]; /* NAN when the area has no score */
} score_row;

/* Lists every self-assessment response's area scores, ordered by leader_key
 * with pre before post. On success *out (free with score_rows_free) and *n
 * are set; on failure -1 with a message. */
int score_list(store *s, score_row **out, size_t *n, char *err, size_t errlen);
void score_rows_free(score_row *rows, size_t n);

/* Pre/post matching by leader, for the attrition table. */
typedef enum score_match_status {
  SCORE_MATCHED,      /* a pre and a post response, answered in the same role */
  SCORE_NO_PRE,       /* a post response only */
  SCORE_NO_POST,      /* a pre response only */
  SCORE_ROLE_CHANGED, /* both, but the role differs between the surveys */
  SCORE_NO_RESPONSE   /* a leader who answered neither survey */
} score_match_status;

typedef struct score_match {
  sqlite3_int64 leader_id; /* leaders.id */
  char *leader_key;        /* leaders.leader_key */
  score_match_status status;
  sqlite3_int64 pre_id, post_id; /* responses.id, 0 when absent */
  char *pre_role, *post_role;    /* the role answered as, NULL when absent */
} score_match;

/* "matched", "no_pre", "no_post", "role_changed", "no_response". */
const char *score_match_status_name(score_match_status st);

/* Lists every leader (ordered by leader_key) with their match status. On
 * success *out (free with score_match_free) and *n are set. */
int score_match_list(store *s, score_match **out, size_t *n, char *err, size_t errlen);
void score_match_free(score_match *m, size_t n);

#endif
