/* The training fund's ledger: waves of places, each provider's allocation
 * of a wave, enrolments against them, completions and the £1,000 bursary
 * (claimed -> approved -> paid). The rules are checks on an open
 * connection, meant to run inside the caller's write transaction right
 * after it writes, so that counting and writing are one step. Nothing here
 * prints. Money is integer pence throughout. */
#ifndef CLEVAL_FUND_H
#define CLEVAL_FUND_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#include "store.h"

/* What a check found: FUND_OK, or the rule broken. */
typedef enum fund_rule {
  FUND_OK = 0,
  FUND_COMPLETION_BEFORE_START, /* the completion is dated before the start */
  FUND_COMPLETION_OUTSIDE_WAVE, /* the completion is not within the wave's dates */
  FUND_LEADER_HOLDS_PLACE,      /* the leader already holds a place in the wave */
  FUND_WAVE_FULL,               /* more places taken than the wave has */
  FUND_ALLOCATION_USED,         /* more places taken than the provider's allocation */
  FUND_WAVE_UNKNOWN,            /* an allocation for a wave not in the fund */
  FUND_WAVE_SHRINKS,            /* a wave's places below those taken or allocated */
  FUND_WAVE_DATES,              /* a wave's dates leave out completions in it */
  FUND_ALLOCATION_SHRINKS,      /* an allocation below the places its provider took */
  FUND_ALLOCATIONS_EXCEED,      /* allocations of a wave add up to more than its places */
  FUND_BURSARY_REFUSED          /* a bursary step the rules do not allow */
} fund_rule;

/* Checks enrolment id, as it now stands in db, against the fund's rules:
 * its completion is not before its start and (when its wave is in the
 * fund) lies within the wave's dates; unless it is withdrawn (a withdrawal
 * frees the place), its leader holds no other place in the wave, and the
 * places taken in the wave and from its provider's allocation there are
 * not more than there are (a provider without an allocation has none).
 * A wave that is not in the `waves` table is outside the fund: only the
 * date and one-place rules apply to it. Returns FUND_OK (0), the first
 * rule broken (> 0, what is wrong in msg, without a file position), or -1
 * on a database failure (message in msg). */
int fund_check_enrolment(sqlite3 *db, sqlite3_int64 id, char *msg, size_t msglen);

/* The same rules for the enrolments of one file, checked in memory as an
 * import's checking pass reads its rows, before anything is written
 * (issue 19): each row is taken as if it and the rows before it had been
 * written, and checked as fund_check_enrolment would then check it. A
 * wave's dates and places, a provider's allocation and the places taken
 * in each are read from the database the first time a row needs them and
 * then moved by the rows; the places the file's rows hold are kept (memory
 * grows with the file's rows). Free with fund_enrolments_free before the
 * connection is closed. */
typedef struct fund_enrolments fund_enrolments;
fund_enrolments *fund_enrolments_new(sqlite3 *db);
void fund_enrolments_free(fund_enrolments *f);

/* One row as it would leave its enrolment. */
typedef struct fund_enrolment {
  sqlite3_int64 id; /* the stored enrolment it changes, or 0 for a new one */
  sqlite3_int64 leader, provider, wave;
  const char *leader_key, *provider_key;
  const char *start, *completion; /* YYYY-MM-DD as stored; completion "" when none */
  bool held;  /* the stored enrolment took a place (it was not withdrawn) */
  bool holds; /* it takes one as the row leaves it (not withdrawn) */
} fund_enrolment;

/* A stored enrolment of the same leader in the same wave. */
typedef struct fund_place {
  sqlite3_int64 id, provider;
  bool holds; /* not withdrawn */
} fund_place;

/* Takes row e (counted for the rows after it, refused or not, as a row
 * written would be) and checks it. others: the stored enrolments of e's
 * leader in e's wave other than e, as they were before the file (the
 * rows' changes to them are applied here). A file must not give one
 * enrolment twice. Returns FUND_OK, the rule broken (> 0, msg) or -1 on a
 * database failure (msg). */
int fund_enrolments_add(fund_enrolments *f, const fund_enrolment *e, const fund_place *others,
                        size_t nothers, char *msg, size_t msglen);

/* Checks wave as it now stands: its places are not fewer than the places
 * taken in it nor than its allocations together, and its dates hold every
 * completion in it. Returns FUND_OK, the rule broken (> 0, msg), or -1. */
int fund_check_wave(sqlite3 *db, int wave, char *msg, size_t msglen);

/* Checks provider_id's allocation of wave as it now stands: the wave is in
 * the fund, the allocation is not below the places the provider has taken
 * in it, and the wave's allocations together do not exceed its places.
 * Returns FUND_OK, the rule broken (> 0, msg), or -1. */
int fund_check_allocation(sqlite3 *db, int wave, sqlite3_int64 provider_id, char *msg,
                          size_t msglen);

/* The steps of a bursary claim, in the only order they may be taken. */
typedef enum fund_step { FUND_CLAIM, FUND_APPROVE, FUND_PAY } fund_step;

/* "claimed", "approved", "paid" (the statuses the steps reach), and the
 * verbs "claim", "approve", "pay"; NULL-terminated. */
extern const char *const fund_statuses[];
extern const char *const fund_step_names[];

/* Results of fund_bursary_step besides -1. */
enum { FUND_STEP_DONE = 0, FUND_STEP_REFUSED = 1, FUND_STEP_ALREADY = 2 };

/* Takes one step of the bursary claim of Careers Leader leader_key (the id
 * used in files) for wave, dated date (YYYY-MM-DD), in the caller's open
 * transaction on s, and appends it to the audit log (actor). A claim is
 * for a completed enrolment only, once, dated on or after the completion,
 * for the wave's bursary_pence (£1,000 when the wave is not in the fund);
 * approval follows the claim and payment the approval, each dated on or
 * after the step before; nothing goes backwards. Returns FUND_STEP_DONE,
 * FUND_STEP_REFUSED (why in msg), FUND_STEP_ALREADY when the claim has
 * already taken this step on this same date (nothing written; msg says
 * so: a second identical claim from the command line is refused with it,
 * a re-imported batch row is unchanged), or -1 on a database failure. */
int fund_bursary_step(store *s, const char *leader_key, int wave, fund_step step, const char *date,
                      const char *actor, char *msg, size_t msglen);

/* Bursary steps taken one after another on s (an import's rows): the
 * statements are prepared once. fund_bursaries_step is fund_bursary_step
 * (the same rules, results and audit entry); fund_bursaries_free(NULL)
 * does nothing; free it before the store is closed. */
typedef struct fund_bursaries fund_bursaries;
fund_bursaries *fund_bursaries_new(store *s);
void fund_bursaries_free(fund_bursaries *b);
int fund_bursaries_step(fund_bursaries *b, const char *leader_key, int wave, fund_step step,
                        const char *date, const char *actor, char *msg, size_t msglen);

/* One wave of the ledger. Shares are percentages (0-100), NAN when
 * undefined (nothing taken, or the wave not in the fund). */
typedef struct fund_wave {
  int wave;
  bool in_fund; /* the wave is in the waves table (else places etc. are 0) */
  char opens[11], closes[11];
  long long places, allocated, bursary_pence;
  long long taken; /* enrolments not withdrawn (enrolled or completed) */
  long long completed, withdrawn;
  long long hub_taken; /* taken by leaders whose establishment was in a hub
                          when they started */
  double hub_share;    /* hub_taken / taken x 100 */
  double hub_target;   /* the wave's hub_target_pct */
  /* Bursaries in pence: every claim made, those approved (or since paid),
   * those paid. */
  long long claimed_pence, approved_pence, paid_pence;
  long long claims, approvals, payments;
} fund_wave;

/* One provider in one wave. */
typedef struct fund_provider {
  int wave;
  char *provider_key, *name, *accreditation;
  long long allocated, taken, completed, withdrawn;
  double completion_rate; /* completed / (taken + withdrawn) x 100, NAN when none */
} fund_provider;

typedef struct fund_ledger {
  fund_wave *waves; /* ascending by wave */
  size_t nwaves;
  fund_provider *providers; /* by wave, then provider key */
  size_t nproviders;
} fund_ledger;

/* Reads the ledger: every wave in the fund or with enrolments, and every
 * provider with an allocation or enrolments in it (only wave `only` when
 * it is > 0). A wave's places, completions and bursaries count the
 * enrolments whose leader and establishment are there; a provider's count
 * them all. Returns 0 and *out (free with fund_ledger_free), or -1 with a
 * message. It is fund_ledger_tally on the enrolments as one query reads
 * them. */
int fund_ledger_load(sqlite3 *db, int only, fund_ledger **out, char *err, size_t errlen);

/* An enrolment's status as the ledger counts it. */
enum { FUND_ENROLLED, FUND_COMPLETED, FUND_WITHDRAWN };

/* One enrolment as the ledger counts it (fund_ledger_tally). */
typedef struct fund_entry {
  sqlite3_int64 id;          /* enrolments.id */
  sqlite3_int64 provider_id; /* enrolments.provider_id */
  int wave;
  int status; /* FUND_ENROLLED, FUND_COMPLETED or FUND_WITHDRAWN */
  /* 1: its leader's establishment was in a hub on its start date (it
   * joined on or before that day, or has no joining date); 0: not; -1:
   * its leader or establishment is not there (it counts for its provider
   * only). */
  int hub;
} fund_entry;

/* fund_entry.hub: -1 when the leader's establishment is not known, 1 when
 * it is in a hub that it joined (joined; NULL or "": always) on or before
 * the enrolment's start, 0 otherwise; both dates compared as UTC days
 * (date_utc_day), as the report's dataset compares them. */
int fund_hub_on_start(int known, int in_hub, const char *joined, const char *start);

/* enrolments.status as FUND_ENROLLED, FUND_COMPLETED, FUND_WITHDRAWN (any
 * other text, or NULL, as FUND_ENROLLED: it holds a place). */
int fund_entry_status(const char *status);

/* The ledger fund_ledger_load reads, from the enrolments a caller has
 * already read (entries: every row of the enrolments table, n of them, in
 * any order, or only those of wave `only` when it is > 0): the waves,
 * allocations, providers and bursary claims are read from db, by scans
 * (no join, no lookup per row), and everything counted in memory. The
 * dataset gives its own enrolments, so that the report reads none twice.
 * Returns 0 and *out (free with fund_ledger_free), or -1 with a message. */
int fund_ledger_tally(sqlite3 *db, const fund_entry *entries, size_t n, int only, fund_ledger **out,
                      char *err, size_t errlen);
void fund_ledger_free(fund_ledger *l);

/* Whether the wave's hub share falls short of its target (false when
 * either is undefined). */
bool fund_hub_short(const fund_wave *w);

/* n with thousands separators ("1,300") into buf (at least 32 bytes);
 * returns buf. */
char *fund_count(long long n, char *buf, size_t size);

/* pence as pounds, "£1,234.56" (a minus sign before the £ when negative),
 * into buf (at least 40 bytes); returns buf. */
char *fund_pounds(long long pence, char *buf, size_t size);

#endif
