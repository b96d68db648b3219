/* The demo cohort simulator: a national Careers Leader training programme
 * (establishments, hubs, providers, leaders, enrolments, surveys, Compass
 * returns) drawn from a model whose parameters are known, so that a report
 * of the simulated data can be checked against the truth. */
#ifndef CLEVAL_SIM_H
#define CLEVAL_SIM_H

#include <stddef.h>

#include "vocab.h"

struct instrument_bank;
struct instrument_item;
struct instrument_option;

enum {
  SIM_AREAS = VOCAB_NAREAS,
  SIM_BENCHMARKS = 8,
  SIM_PROVIDERS = 12,
  SIM_TOPICS = 10,
  SIM_FUND_WAVES = 2
};

/* Types and roles as vocab.h numbers them (names: vocab_name). */
typedef enum sim_type {
  SIM_MAINSTREAM = VOCAB_MAINSTREAM,
  SIM_SPECIAL = VOCAB_SPECIAL,
  SIM_AP = VOCAB_AP,
  SIM_FE_COLLEGE = VOCAB_FE_COLLEGE,
  SIM_SIXTH_FORM = VOCAB_SIXTH_FORM_COLLEGE,
  SIM_NTYPES = VOCAB_NTYPES
} sim_type;

typedef enum sim_role {
  SIM_SCHOOL = VOCAB_SCHOOL,
  SIM_STRATEGIC = VOCAB_COLLEGE_STRATEGIC,
  SIM_OPERATIONAL = VOCAB_COLLEGE_OPERATIONAL,
  SIM_NROLES = VOCAB_NROLES
} sim_role;

typedef enum sim_status { SIM_COMPLETED, SIM_WITHDRAWN } sim_status;

typedef enum sim_stage {
  SIM_PRE = VOCAB_PRE,
  SIM_POST = VOCAB_POST,
  SIM_FOLLOWUP = VOCAB_FOLLOWUP
} sim_stage;

/* The model's parameters. sim_params_default() gives the calibrated
 * defaults; tests change single values (e.g. no training effect).
 * Knowledge is on a logit scale, Compass progress on a probit scale. */
typedef struct sim_params {
  /* Populations at scale 1. */
  double trained_establishments;   /* establishments with a leader who completed */
  double trained_leaders;          /* leaders who completed the training */
  double untrained_establishments; /* Compass users with no trained leader */
  double withdrawn_leaders;        /* enrolled, withdrew (at untrained establishments) */
  double hubs;

  /* Knowledge (self-assessment): answer Y = 1 + #{k : theta - d + e > cut[k]},
   * e standard logistic, d the item's difficulty. */
  double cut[4];
  double pre_mean[SIM_AREAS]; /* latent pre-training knowledge, mainstream */
  double pre_college, pre_send_ap, pre_send_ap_networking;
  double pre_experience; /* per unit of log(1 + years in role), centred */
  double sd_leader, sd_area, sd_item;
  double gain_mean[SIM_AREAS]; /* latent gain from training, mainstream */
  double gain_college, gain_send_ap, gain_experience;
  double sd_gain_leader, sd_gain_area, sd_provider;
  double gain_level6, gain_level7; /* accredited training, over non-accredited */
  double item_missing;             /* probability that one item is left blank */

  /* Survey response. */
  double pre_response, pre_response_early; /* started after / before the pre survey opened */
  double post_response_wave1, post_response;
  double post_knowledge_complete; /* post respondents who answered the knowledge items */
  double consent;                 /* willing to be contacted for further research */
  double months_unknown;          /* time in role not given */
  double duplicate_rate;          /* a survey abandoned part way, then submitted again */
  double followup_response;

  /* Compass: benchmark b is fully achieved when
   * level[b] + trend[b]*t + hub[b]*h + training[b]*s*(1 - (1 - training_in_hub)*h)
   * + capacity + persistent + occasion >= 0
   * (t years since 2018-07-31, h and s the hub and training exposures 0..1). */
  double bm_level[SIM_BENCHMARKS];
  double bm_trend[SIM_BENCHMARKS]; /* per year */
  double bm_hub[SIM_BENCHMARKS];
  double bm_training[SIM_BENCHMARKS];
  double bm_pandemic[SIM_BENCHMARKS]; /* share of progress lost from March 2020 */
  double training_in_hub;             /* multiplier of the training effect in a hub */
  double hub_selection;               /* level advantage of establishments that join hubs */
  double training_ramp, hub_ramp;     /* years until the effect is complete */
  double sd_capacity, sd_persistent, sd_occasion;
  double pandemic_ramp; /* years over which benchmark 6 falls back */
  double hub_member_trained, hub_member_untrained;
  double early_compass;   /* first return on or before 2018-07-31 */
  double compass_dropout; /* stops using Compass at some point */
} sim_params;

void sim_params_default(sim_params *p);

typedef struct sim_hub {
  char name[48];
  int region;
  int start; /* day number (days since 1970-01-01) */
} sim_hub;

typedef struct sim_provider {
  char id[16];
  const char *name;
  const char *accreditation; /* none, level6, level7 */
  double effect;             /* on the latent gain, all areas */
  double weight;             /* share of enrolments */
} sim_provider;

typedef struct sim_establishment {
  char urn[24];
  char name[64];
  sim_type type;
  int region;
  int hub;        /* index into hubs, or -1 */
  int hub_joined; /* day, or -1 */
  double fsm_pct;
  int trained;    /* leaders who completed */
  int start;      /* earliest start of training of its leaders who completed, or -1 */
  int completion; /* earliest completion day of its leaders, or -1 */
  double capacity;
  double persistent[SIM_BENCHMARKS];
  size_t return0, nreturns; /* its Compass returns, in date order */
  /* Truth for the Compass analysis (when in_analysis): the expected number
   * of benchmarks achieved at the post return with and without training. */
  int in_analysis;                  /* has a baseline and a post return by the default rules */
  int baseline_return, post_return; /* indexes into returns, or -1 */
  double expected_with, expected_without;
} sim_establishment;

typedef struct sim_leader {
  char id[24];
  size_t est;
  sim_role role;
  int months_in_role;
  int months_known; /* 0: not given (an empty months_in_role) */
  int consent;
  int provider;
  int wave;      /* the cohort (1-4), for response rates */
  int fund_wave; /* the fund's wave that pays for the place: 2 when the
                    training ran past wave 1's last day, else 1 */
  int start, completion; /* days; completion -1 when withdrawn */
  sim_status status;
  int bursary;                                              /* claim day, or -1 */
  int bursary_approved, bursary_paid;                       /* days, or -1 */
  double pre[SIM_AREAS], post[SIM_AREAS];                   /* latent knowledge */
  double expected_pre[SIM_AREAS], expected_post[SIM_AREAS]; /* E[area % score] */
  int pre_response, post_response;                          /* indexes into responses, or -1 */
} sim_leader;

typedef struct sim_answer {
  const struct instrument_item *item;
  const struct instrument_option *option; /* its code is what the file carries */
} sim_answer;

typedef struct sim_response {
  size_t leader; /* SIM_NONE for the anonymous long-term survey */
  sim_stage stage;
  int day, sec;  /* submitted: day number and seconds into the day (UTC) */
  int discarded; /* an abandoned first attempt that a later submission replaces */
  char id[24];   /* long-term response id */
  size_t answer0, nanswers;
} sim_response;

typedef struct sim_return {
  size_t est;
  int day;
  float pct[SIM_BENCHMARKS]; /* criteria met, per cent (one decimal) */
} sim_return;

typedef struct sim_truth {
  /* Mean over completers of E[post % score] - E[pre % score], per area:
   * what the paired pre/post comparison estimates. */
  double knowledge_effect[SIM_AREAS];
  double knowledge_pre[SIM_AREAS], knowledge_post[SIM_AREAS];
  /* Mean over trained establishments in the Compass analysis of the
   * expected benchmarks achieved at the post return with training minus
   * without: the training effect that the difference-in-differences
   * estimates. Also split by hub membership at the post return. */
  double benchmark_effect;
  double benchmark_effect_hub, benchmark_effect_nohub;
  size_t benchmark_n, benchmark_n_hub, benchmark_n_nohub;
} sim_truth;

#define SIM_NONE ((size_t)-1)

typedef struct sim {
  unsigned long seed;
  double scale;
  sim_params params;
  sim_hub *hubs;
  size_t nhubs;
  sim_provider providers[SIM_PROVIDERS];
  sim_establishment *est;
  size_t nest;
  sim_leader *leaders;
  size_t nleaders;
  sim_response *responses; /* self-assessment (pre, post), then long-term */
  size_t nresponses, nfollowup;
  sim_answer *answers;
  size_t nanswers;
  sim_return *returns;
  size_t nreturns;
  size_t ninvited; /* invited to the long-term survey */
  /* The fund: places per wave (the seed's 1,300 and 650, scaled, or the
   * places taken when more) and each provider's allocation of them. */
  long long fund_places[SIM_FUND_WAVES];
  long long fund_alloc[SIM_FUND_WAVES][SIM_PROVIDERS];
  sim_truth truth;
  const struct instrument_bank *bank;
} sim;

/* Simulates a programme from params (NULL: the defaults) with the items of
 * bank (the built-in instruments: self-assessment, reflective, long-term,
 * compass-2014), seeding GSL's MT19937 with seed; every population is
 * multiplied by scale (0.1 to 100). The same seed, scale and params give
 * the same programme. bank must outlive the result. Returns 0, or -1 with
 * a message (a bad scale, an instrument missing from bank). Free with
 * sim_free(). */
int sim_new(sim **out, const struct instrument_bank *bank, const sim_params *params,
            unsigned long seed, double scale, char *err, size_t errlen);
void sim_free(sim *s);

/* The import KINDs the simulator writes, in dependency order. */
extern const char *const sim_kinds[];
extern const size_t sim_nkinds;

/* Writes DIR/KIND.csv for every kind (columns of DESIGN.md's import table).
 * DIR must exist. Returns 0, or -1 with a message. */
int sim_write_csv(const sim *s, const char *dir, char *err, size_t errlen);

/* Writes the true parameters and the effects they imply as JSON to path.
 * Returns 0, or -1 with a message. */
int sim_write_truth(const sim *s, const char *path, char *err, size_t errlen);

#endif
