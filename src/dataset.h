/* Everything the report needs from a store, read once into plain arrays so
 * that analysis computes without touching the database. Rows refer to each
 * other by index into these arrays (never by SQL id); dates are ISO
 * "YYYY-MM-DD" strings ("" when missing), so they compare with strcmp. */
#ifndef CLEVAL_DATASET_H
#define CLEVAL_DATASET_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "vocab.h"

#define DS_NAREAS VOCAB_NAREAS /* leadership, management, coordination, networking */
#define DS_NBENCHMARKS 8
#define DS_NONE ((size_t)-1)
#define DS_DIGEST_BYTES 32

/* The fixed sets as vocab.h numbers them (names: vocab_name). */
typedef enum ds_type { /* establishments.type */
                       DS_MAINSTREAM = VOCAB_MAINSTREAM,
                       DS_SPECIAL = VOCAB_SPECIAL,
                       DS_AP = VOCAB_AP,
                       DS_FE_COLLEGE = VOCAB_FE_COLLEGE,
                       DS_SIXTH_FORM_COLLEGE = VOCAB_SIXTH_FORM_COLLEGE,
                       DS_NTYPES = VOCAB_NTYPES
} ds_type;

typedef enum ds_role {
  DS_SCHOOL = VOCAB_SCHOOL,
  DS_COLLEGE_STRATEGIC = VOCAB_COLLEGE_STRATEGIC,
  DS_COLLEGE_OPERATIONAL = VOCAB_COLLEGE_OPERATIONAL,
  DS_NROLES = VOCAB_NROLES
} ds_role;

typedef enum ds_status {
  DS_ENROLLED = VOCAB_ENROLLED,
  DS_COMPLETED = VOCAB_COMPLETED,
  DS_WITHDRAWN = VOCAB_WITHDRAWN
} ds_status;

typedef enum ds_stage {
  DS_PRE = VOCAB_PRE,
  DS_POST = VOCAB_POST,
  DS_FOLLOWUP = VOCAB_FOLLOWUP
} ds_stage;

typedef enum ds_survey { DS_SELF_ASSESSMENT, DS_LONG_TERM } ds_survey;

typedef enum ds_match { /* as score_match_status */
                        DS_MATCHED,
                        DS_NO_PRE,
                        DS_NO_POST,
                        DS_ROLE_CHANGED,
                        DS_NO_RESPONSE
} ds_match;

typedef struct ds_establishment {
  char *urn;
  char *name;
  ds_type type;
  char *region;
  size_t hub;          /* index into hubs, DS_NONE when in none */
  char hub_joined[11]; /* "" = a member throughout */
  double fsm_pct;      /* NAN when unknown */
} ds_establishment;

typedef struct ds_leader {
  char *key; /* the pseudonymous leader id */
  size_t establishment;
  ds_role role;
  int months_in_role;  /* -1 when unknown */
  int contact_consent; /* 0 or 1 */
  ds_match match;
  size_t pre, post; /* indices into responses, DS_NONE when absent */
} ds_leader;

typedef struct ds_provider {
  char *key;
  char *name;
  char *accreditation; /* "none", "level6", "level7" */
} ds_provider;

typedef struct ds_enrolment {
  size_t leader, provider;
  int wave;
  char start_date[11];
  char completion_date[11]; /* "" when not completed */
  ds_status status;
} ds_enrolment;

typedef struct ds_answer { /* 16 bytes: 5.2 M of them at scale 100 */
  double value;            /* likert and binary answers; NAN for categorical ones */
  uint32_t item;           /* index into items */
  uint32_t code;           /* a categorical answer's code: 1 + its index into the
                            * dataset's codes (dataset_answer_code); 0 for numeric ones */
} ds_answer;

typedef struct ds_response {
  ds_survey survey;
  ds_stage stage;
  size_t leader; /* DS_NONE for the anonymous long-term survey */
  int role;      /* ds_role answered as, -1 when not recorded */
  char submitted[11];
  double score[DS_NAREAS]; /* stored area scores; NAN when none */
  ds_answer *answers;      /* sorted by item index */
  size_t nanswers;
} ds_response;

typedef struct ds_item {
  char *key;        /* "school_lead_01", "post_knowledge", "lt_conf_leadership" */
  char *instrument; /* instruments.key */
  int position;     /* order within its instrument */
  char *role;       /* NULL for every role */
  int area;         /* 0-3, -1 when none */
  char *topic;      /* NULL when none */
  int benchmark;    /* 1-8 for Compass criteria, else 0 */
  char *text;
} ds_item;

/* A benchmark's percentage in a ds_return: tenths of a percent (0-1000,
 * the one decimal Compass returns carry), or one of these. */
#define DS_PCT_NONE 0xFFFF  /* not recorded */
#define DS_PCT_EXACT 0xFFFE /* not a whole number of tenths: the dataset's return_pct holds it */

typedef struct ds_return { /* a Compass return: 32 bytes, 1.9 M of them at scale 100 */
  uint32_t establishment;  /* index into establishments */
  char submitted[11];
  uint16_t pct10[DS_NBENCHMARKS]; /* read with dataset_return_pct, set with
                                   * dataset_return_set_pct */
} ds_return;

struct fund_ledger;

typedef struct dataset {
  struct fund_ledger *fund; /* the fund's ledger by wave and provider (fund.h) */
  char **hubs;
  size_t nhubs;
  ds_establishment *establishments;
  size_t nestablishments;
  ds_leader *leaders; /* ordered by key */
  size_t nleaders;
  ds_provider *providers; /* ordered by key */
  size_t nproviders;
  ds_enrolment *enrolments; /* ordered by leader, then start date */
  size_t nenrolments;
  ds_response *responses; /* ordered by survey, stage, submission */
  size_t nresponses;
  ds_item *items; /* ordered by instrument, then position */
  size_t nitems;
  ds_return *returns; /* ordered by establishment, then date */
  size_t nreturns;
  /* Every percentage of returns 0 .. nreturn_pct - 1 as a double, made only
   * when some percentage is not a whole number of tenths; NULL otherwise. */
  double *return_pct;
  size_t nreturn_pct;
  char **codes; /* the categorical answers' codes, each once */
  size_t ncodes;
  char *score_method; /* setting score.method */
  double score_min_answered;
  /* The data's fingerprint: BLAKE2b-256 (libsodium's crypto_generichash)
   * of every value read, in the order read, in hex. */
  char digest[2 * DS_DIGEST_BYTES + 1];
  /* dataset_load's one array of every response's answers (each response's
   * answers point into it); NULL when each response owns its answers
   * (datasets built by hand). */
  ds_answer *answer_block;
  /* dataset_load's store of the establishments' and leaders' strings
   * (urn, name, region, key), packed together; NULL when each is an
   * allocation of its own (datasets built by hand). */
  struct ds_strings *strings;
} dataset;

/* Reads the store. Returns 0, or -1 with a message (a database error, a
 * value the schema should have prevented). Free with dataset_free. */
int dataset_load(store *s, dataset **out, char *err, size_t errlen);
void dataset_free(dataset *ds);

/* The item with this key, or DS_NONE (binary search on a sorted index is
 * not worth it at a few hundred items). */
size_t dataset_item(const dataset *ds, const char *key);

/* The answer of response r to item i, or NULL. */
const ds_answer *dataset_answer(const dataset *ds, size_t r, size_t item);

/* The code of categorical answer a (the dataset's string), NULL for a
 * numeric answer. */
const char *dataset_answer_code(const dataset *ds, const ds_answer *a);

/* The percentage of benchmark b (0-7) in return r; NAN when not recorded. */
double dataset_return_pct(const dataset *ds, size_t r, int b);

/* Sets it (NAN: not recorded); r < ds->nreturns. Any double is kept exactly:
 * one that is not a whole number of tenths makes ds->return_pct. */
void dataset_return_set_pct(dataset *ds, size_t r, int b, double pct);

#endif
