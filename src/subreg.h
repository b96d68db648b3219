/* The survey register of an import: a private temporary SQLite database of
 * the keys a file has shown (to find a key given twice) and of the survey
 * submissions in it, with what each answers, so that memory stays the same
 * however many rows and submissions a file holds. One submission at a time
 * is in memory (a subreg_sub), read and written back by the caller. */
#ifndef CLEVAL_SUBREG_H
#define CLEVAL_SUBREG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "score.h"
#include "strbuf.h"

typedef struct subreg subreg;

/* What becomes of a submission (subreg_decide): import's actions. */
enum { SUBREG_DISCARD, SUBREG_ADD, SUBREG_UPDATE, SUBREG_SAME };

/* One submission: a leader's survey at a stage and time, or a long-term
 * response. */
typedef struct subreg_sub {
  int64_t id;        /* in the register; 0: none */
  int64_t leader_id; /* self-assessment: leaders.id */
  strbuf name;       /* the leader's id, or the long-term response_id */
  strbuf submitted_at;
  int64_t when; /* ms since 1970 UTC */
  long line;    /* where the file first shows it */
  int stage;    /* 0 pre, 1 post; long-term: -1 */
  int role;     /* the leader's role; long-term: -1 */
  int nanswers, nknow;
  uint64_t fp; /* order-independent fingerprint of (item, option) pairs */
  double sum[SCORE_NAREAS];
  int cnt[SCORE_NAREAS];
  uint64_t *bits; /* the items answered: the register's nwords words */
  bool dirty;     /* changed since read from the register */
  int action;     /* SUBREG_*, as decided (read by subreg_next) */
  int64_t response_id;
} subreg_sub;

/* A new, empty register for bitsets of nwords 64-bit words. -1 with a
 * message on a failure. Free with subreg_free() (NULL does nothing). */
int subreg_open(subreg **out, size_t nwords, char *err, size_t errlen);
void subreg_free(subreg *r);

/* How many bytes the keys seen may take in memory (a table and their
 * records; 32 MB unless set); keys seen once that is reached are kept in
 * the temporary database. Set it before the first subreg_seen. */
void subreg_seen_memory(subreg *r, size_t bytes);

/* A zeroed submission with room for the register's bitset; free what it
 * holds with subreg_sub_free(). */
void subreg_sub_init(subreg_sub *s, const subreg *r);
void subreg_sub_free(subreg_sub *s);

/* Records key as seen on line. Returns 1 the first time, 0 when it was seen
 * before (*first: the line it was first seen on), -1 on a failure. The
 * keys are kept in memory up to a budget (subreg_seen_memory), the rest in
 * the temporary database. */
int subreg_seen(subreg *r, const void *key, size_t len, long line, long *first, char *err,
                size_t errlen);

/* Makes the submission with this key current in *cur (writing the
 * previous current one back first when it changed): read from the
 * register, or, when the key is new, registered with the fields of proto
 * (name, submitted_at, leader_id, stage, role, when), first seen on line,
 * nothing answered (*added true). 0, or -1 on a failure. */
int subreg_find(subreg *r, const void *key, size_t len, const subreg_sub *proto, long line,
                subreg_sub *cur, bool *added, char *err, size_t errlen);

/* Writes cur's counts, sums and bitset back when it changed. 0 or -1. */
int subreg_save(subreg *r, subreg_sub *cur, char *err, size_t errlen);

/* The number of submissions registered. */
size_t subreg_count(const subreg *r);

/* Records what becomes of submission id (SUBREG_*) and its response id in
 * the database (0: none). 0 or -1. */
int subreg_decide(subreg *r, int64_t id, int action, int64_t response_id, char *err, size_t errlen);

/* The decided action and response id of submission id (SUBREG_DISCARD and
 * 0 when there is none). 0 or -1. */
int subreg_action(subreg *r, int64_t id, int *action, int64_t *response_id, char *err,
                  size_t errlen);

/* The answers the submissions to add or update hold. -1 on a failure. */
int64_t subreg_answers_to_write(subreg *r, char *err, size_t errlen);

/* Walking the submissions: subreg_begin() in one of these orders, then
 * subreg_next() until it returns 0 (1: *out holds the next submission, its
 * bitset not read; -1 a failure). Another walk restarts it. */
enum subreg_order {
  SUBREG_BY_LEADER, /* leader_id, stage, line: groups of one leader and stage */
  SUBREG_BY_ID,     /* the order they were registered in */
  SUBREG_WRITES     /* those to add or update, by id */
};
int subreg_begin(subreg *r, int order, char *err, size_t errlen);
int subreg_next(subreg *r, subreg_sub *out, char *err, size_t errlen);

#endif
