/* The demo cohort simulator (see sim.h): draws a whole programme from a
 * latent-variable model with GSL's MT19937, writes it as import CSV files
 * and writes the true effects it implies. */
#include "sim.h"

#include <errno.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "instrument.h"
#include "strbuf.h"
#include "vocab.h"
#include "xalloc.h"

/* ---- Names ------------------------------------------------------------ */

enum { NREGIONS = 9 };
static const char *const region_names[NREGIONS] = {
    "North East",    "North West",    "Yorkshire and the Humber",
    "East Midlands", "West Midlands", "East of England",
    "London",        "South East",    "South West"};
/* Roughly each region's share of England's secondary schools and colleges. */
static const double region_weights[NREGIONS] = {4.5, 13, 10, 8.5, 11, 11, 15, 16.5, 10.5};
/* FSM: a region's shift on the logit scale. */
static const double region_fsm[NREGIONS] = {0.3, 0.2, 0.15, 0, 0.15, -0.2, 0.2, -0.3, -0.2};

static const char *const places[] = {
    "Ashbourne",    "Beckford",    "Brackley",   "Calderbrook", "Chilton",      "Copperfield",
    "Dunmore",      "Eastleigh",   "Elmstead",   "Fairhaven",   "Fenwick",      "Foxley",
    "Greystone",    "Hadleigh",    "Harrowgate", "Hazelwood",   "Highcliffe",   "Hollins",
    "Ingleby",      "Kingsmead",   "Langford",   "Larkhill",    "Lydbrook",     "Marlow Vale",
    "Meadowbank",   "Millbrook",   "Moorside",   "Netherfield", "Northgate",    "Oakwood",
    "Orchard Park", "Pennington",  "Queensbury", "Radleigh",    "Redmarsh",     "Ridgeway",
    "Riverside",    "Rushmoor",    "St Aidan's", "St Bede's",   "Saltash Moor", "Sandbeck",
    "Stanford",     "Stonebridge", "Thornbury",  "Upton Park",  "Wavertree",    "Westbury",
    "Whitmore",     "Willowbrook", "Woodhouse",  "Yarrow"};
#define NPLACES (sizeof places / sizeof places[0])

static const char *const suffix_mainstream[] = {"Academy",        "High School",
                                                "School",         "Church of England Academy",
                                                "Grammar School", "Community School"};
static const char *const suffix_special[] = {"Special School", "School", "Academy"};
static const char *const suffix_ap[] = {"Pupil Referral Unit", "Alternative Provision Academy",
                                        "Learning Centre"};
static const char *const suffix_fe[] = {"College", "College of Further Education"};
static const char *const suffix_sixth[] = {"Sixth Form College"};

static const struct {
  const char *name, *accreditation;
} provider_list[SIM_PROVIDERS] = {
    {"Northern Careers Leadership Institute", "level7"},
    {"Pennine Guidance Partnership", "none"},
    {"Midlands Careers Development Centre", "level6"},
    {"Capital Careers Leaders Programme", "none"},
    {"Southern Universities Careers Consortium", "level7"},
    {"Westcountry Careers Academy", "level6"},
    {"East Anglia Careers Learning", "none"},
    {"Career Guidance Professional Training", "level6"},
    {"Coastal Schools Leadership Trust", "none"},
    {"Institute for Careers Practice", "level7"},
    {"Futures Leadership Network", "level6"},
    {"Pathways Careers Training", "none"},
};

/* Reflective items: the latent is a + b*gain + s*logistic. Keyed by item
 * id; other reflective items use the last row. */
static const struct {
  const char *id;
  double a, s;
} reflective_params[] = {
    {"post_knowledge", 1.85, 0.76},
    {"post_actions", 1.53, 0.67},
    {"post_faster", 1.2, 1.22},
    {NULL, 1.5, 1.0},
};
#define REFLECTIVE_GAIN 0.3

/* Long-term practice topics: base rates of having done it since the
 * training, of attributing it to the training when done, of it being new
 * (direct) rather than improved when attributed, and of wanting further
 * support. The answers vary with each leader's knowledge and gain around
 * these rates (sequential probit). Other topics use the last row. */
static const struct {
  const char *topic;
  double did, result, direct, want;
} topic_params[] = {
    {"evaluate", 0.80, 0.95, 0.53, 0.20},
    {"strategic", 0.84, 0.95, 0.52, 0.18},
    {"curriculum", 0.73, 0.90, 0.45, 0.41},
    {"profile", 0.73, 0.89, 0.34, 0.15},
    {"slt", 0.56, 0.86, 0.42, 0.13},
    {"governors", 0.47, 0.85, 0.45, 0.26},
    {"lmi", 0.55, 0.91, 0.44, 0.57},
    {"cpd", 0.54, 0.89, 0.46, 0.40},
    {"vocational", 0.45, 0.73, 0.39, 0.26},
    {"plo", 0.19, 0.79, 0.53, 0.42},
    {NULL, 0.5, 0.8, 0.5, 0.3},
};
/* Loadings of the practice answers on standardised post-training
 * knowledge (done), gain (attributed to training) and pre-training
 * knowledge (new rather than improved), and of wanting support on not
 * having done it and on knowledge. */
#define PRACTICE_DID_KNOWLEDGE 0.5
#define PRACTICE_RESULT_GAIN 0.6
#define PRACTICE_DIRECT_PRE (-0.5)
#define SUPPORT_NOT_DONE 0.5
#define SUPPORT_KNOWLEDGE (-0.3)
/* Long-term confidence per area: 0.8 * standardised post-training
 * knowledge + logistic, cut into very / quite / not very / not at all. */
#define CONFIDENCE_LOADING 0.8
static const double confidence_cuts[3] = {-0.26, -3.61, -5.77};
static const char *const confidence_codes[4] = {"very", "quite", "not_very", "not_at_all"};
static const char *const practice_codes[4] = {"direct", "improved", "not_result", "not_done"};
/* Long-term faster progress (agree5): a + b*gain + s*logistic. */
#define FOLLOWUP_FASTER_A 0.52
#define FOLLOWUP_FASTER_S 0.76

/* Partial Compass criteria for a benchmark not fully achieved: the share
 * met is Phi((z + PARTIAL_SHIFT) / PARTIAL_SCALE). */
#define PARTIAL_SHIFT 1.2
#define PARTIAL_SCALE 0.8
/* Centre of log(1 + years in role) in the simulated population. */
#define EXPERIENCE_CENTRE 1.155

const char *const sim_kinds[] = {"establishments", "providers",       "leaders",
                                 "waves",          "allocations",     "enrolments",
                                 "bursaries",      "self-assessment", "long-term",
                                 "compass"};
const size_t sim_nkinds = sizeof sim_kinds / sizeof sim_kinds[0];


/* ---- Parameters --------------------------------------------------------- */

void sim_params_default(sim_params *p) {
  static const sim_params def = {
      .trained_establishments = 1363,
      .trained_leaders = 1466,
      .untrained_establishments = 1814,
      .withdrawn_leaders = 90,
      .hubs = 40,

      .cut = {-4.0, -2.5, -0.8, 1.2},
      .pre_mean = {-0.11, -0.10, 0.06, -0.40},
      .pre_college = 0.29,
      .pre_send_ap = -0.45,
      .pre_send_ap_networking = -0.55,
      .pre_experience = 0.40,
      .sd_leader = 1.0,
      .sd_area = 0.4,
      .sd_item = 0.15,
      .gain_mean = {2.43, 2.20, 2.22, 2.04},
      .gain_college = -0.2,
      .gain_send_ap = 0.15,
      .gain_experience = -0.18,
      .sd_gain_leader = 1.5,
      .sd_gain_area = 1.1,
      .sd_provider = 0.15,
      .gain_level6 = 0.10,
      .gain_level7 = 0.20,
      .item_missing = 0.01,

      .pre_response = 0.67,
      .pre_response_early = 0.02,
      .post_response_wave1 = 0.875,
      .post_response = 0.70,
      .post_knowledge_complete = 0.89,
      .consent = 0.56,
      .months_unknown = 0.25,
      .duplicate_rate = 0.02,
      .followup_response = 0.378,

      .bm_level = {-1.45, -0.44, -0.93, -0.58, -0.28, -0.33, -1.01, -0.33},
      .bm_trend = {0.43, 0.31, 0.155, 0.155, 0.135, 0.10, 0.165, 0.365},
      .bm_hub = {0.29, 0.15, 0.35, 0.14, 0.25, 0.14, 0.35, 0.15},
      .bm_training = {0.36, 0.12, 0.27, 0.05, 0.28, 0.10, 0.28, 0.03},
      .bm_pandemic = {0, 0, 0, 0, 0, 1, 0, 0},
      .training_in_hub = 0.45,
      .hub_selection = 0.05,
      .training_ramp = 0.5,
      .hub_ramp = 0.5,
      .sd_capacity = 0.592,
      .sd_persistent = 0.592,
      .sd_occasion = 0.548,
      .pandemic_ramp = 0.5,
      .hub_member_trained = 0.715,
      .hub_member_untrained = 0.64,
      .early_compass = 0.88,
      .compass_dropout = 0.08,
  };
  *p = def;
}

/* ---- Helpers ------------------------------------------------------------ */

static double clamp01(double x) { return x < 0 ? 0 : x > 1 ? 1 : x; }
static double logistic(double x) { return 1 / (1 + exp(-x)); }
static double years(int day) { return (day - date_days(2018, 7, 31)) / 365.25; }

static int uniform_day(gsl_rng *r, int from, int to) {
  return from + (int)gsl_rng_uniform_int(r, (unsigned long)(to - from + 1));
}

static size_t scaled(double n, double scale, size_t min) {
  double v = floor(n * scale + 0.5);
  return v < (double)min ? min : (size_t)v;
}

/* Index drawn with probabilities proportional to w[0..n-1]. */
static size_t pick(gsl_rng *r, const double *w, size_t n) {
  double total = 0;
  for (size_t i = 0; i < n; i++)
    total += w[i];
  double u = gsl_rng_uniform(r) * total;
  for (size_t i = 0; i + 1 < n; i++) {
    if (u < w[i])
      return i;
    u -= w[i];
  }
  return n - 1;
}

static const instrument_option *option_by_code(const instrument_item *it, const char *code) {
  return instrument_scale_option(it->scale, code);
}

static const instrument_option *option_by_value(const instrument_item *it, double v) {
  for (size_t i = 0; i < it->scale->noptions; i++)
    if (it->scale->options[i].value == v)
      return &it->scale->options[i];
  return NULL;
}

/* Ordinal answer 1..5 for a latent value y: 1 + #{k : y > cut[k]}. */
static int ordinal(const double cut[4], double y) {
  int v = 1;
  for (int k = 0; k < 4; k++)
    v += y > cut[k];
  return v;
}

/* ---- The simulation ------------------------------------------------------ */

/* What the simulation needs from the instruments, found once. */
typedef struct items {
  const instrument *sa, *refl, *lt, *compass;
  double *difficulty;                 /* per self-assessment item */
  size_t criteria[2][SIM_BENCHMARKS]; /* school / college Compass criteria */
} items;

typedef struct builder {
  sim *s;
  gsl_rng *r;
  items it;
  size_t cap_resp, cap_ans, cap_ret;
} builder;

static int area_index(const char *area) { return vocab_index(VOCAB_AREA, area); }

static int find_items(const instrument_bank *bank, items *it, char *err, size_t errlen) {
  it->sa = instrument_bank_get(bank, "self-assessment");
  it->refl = instrument_bank_get(bank, "reflective");
  it->lt = instrument_bank_get(bank, "long-term");
  it->compass = instrument_bank_get(bank, "compass-2014");
  const char *missing = !it->sa        ? "self-assessment"
                        : !it->refl    ? "reflective"
                        : !it->lt      ? "long-term"
                        : !it->compass ? "compass-2014"
                                       : NULL;
  if (missing) {
    snprintf(err, errlen, "the instrument bank has no '%s' instrument", missing);
    return -1;
  }
  for (size_t i = 0; i < it->sa->nitems; i++) {
    const instrument_item *item = &it->sa->items[i];
    if (area_index(item->area) < 0 || !item->role) {
      snprintf(err, errlen, "self-assessment item %s has no role or area", item->id);
      return -1;
    }
    for (int v = 1; v <= 5; v++)
      if (!option_by_value(item, v)) {
        snprintf(err, errlen, "self-assessment item %s: scale %s has no answer %d", item->id,
                 item->scale->name, v);
        return -1;
      }
  }
  for (size_t i = 0; i < it->refl->nitems; i++)
    for (int v = 1; v <= 5; v++)
      if (!option_by_value(&it->refl->items[i], v)) {
        snprintf(err, errlen, "reflective item %s: no answer %d", it->refl->items[i].id, v);
        return -1;
      }
  for (size_t i = 0; i < it->lt->nitems; i++) {
    const instrument_item *item = &it->lt->items[i];
    const char *const *codes = NULL;
    if (area_index(item->area) >= 0)
      codes = confidence_codes;
    else if (item->topic && strcmp(item->scale->kind, "categorical") == 0)
      codes = practice_codes;
    if (codes) {
      for (int k = 0; k < 4; k++)
        if (!option_by_code(item, codes[k])) {
          snprintf(err, errlen, "long-term item %s: scale %s has no option '%s'", item->id,
                   item->scale->name, codes[k]);
          return -1;
        }
    } else if (item->topic) {
      if (!option_by_value(item, 0) || !option_by_value(item, 1)) {
        snprintf(err, errlen, "long-term item %s: expected a 0/1 scale", item->id);
        return -1;
      }
    } else {
      for (int v = 1; v <= 5; v++)
        if (!option_by_value(item, v)) {
          snprintf(err, errlen, "long-term item %s: no answer %d", item->id, v);
          return -1;
        }
    }
  }
  for (size_t i = 0; i < it->compass->nitems; i++) {
    const instrument_item *item = &it->compass->items[i];
    int b = item->benchmark;
    if (b < 1 || b > SIM_BENCHMARKS || !item->role)
      continue;
    if (strcmp(item->role, "school") == 0)
      it->criteria[0][b - 1]++;
    else if (strcmp(item->role, "college") == 0)
      it->criteria[1][b - 1]++;
  }
  for (int v = 0; v < 2; v++)
    for (int b = 0; b < SIM_BENCHMARKS; b++)
      if (it->criteria[v][b] == 0)
        it->criteria[v][b] = 4; /* an instrument without criteria: quarters */
  return 0;
}

static sim_response *add_response(builder *b) {
  sim *s = b->s;
  s->responses = xgrow(s->responses, &b->cap_resp, s->nresponses + 1, sizeof *s->responses);
  sim_response *r = &s->responses[s->nresponses++];
  memset(r, 0, sizeof *r);
  r->answer0 = s->nanswers;
  return r;
}

static void add_answer(builder *b, sim_response *resp, const instrument_item *item,
                       const instrument_option *opt) {
  sim *s = b->s;
  s->answers = xgrow(s->answers, &b->cap_ans, s->nanswers + 1, sizeof *s->answers);
  s->answers[s->nanswers].item = item;
  s->answers[s->nanswers].option = opt;
  s->nanswers++;
  resp->nanswers++;
}

static void make_hubs(builder *b) {
  sim *s = b->s;
  s->nhubs = scaled(s->params.hubs, s->scale, 1);
  s->hubs = xcalloc(s->nhubs, sizeof *s->hubs);
  int count[NREGIONS] = {0};
  size_t first = (s->nhubs + 1) / 2; /* 20 of 40 from September 2018 */
  for (size_t i = 0; i < s->nhubs; i++) {
    sim_hub *h = &s->hubs[i];
    h->region = (int)pick(b->r, region_weights, NREGIONS);
    h->start = i < first ? date_days(2018, 9, 1) : date_days(2019, 9, 1);
    snprintf(h->name, sizeof h->name, "%s Careers Hub %d", region_names[h->region],
             ++count[h->region]);
  }
}

static void make_providers(builder *b) {
  sim *s = b->s;
  for (int i = 0; i < SIM_PROVIDERS; i++) {
    sim_provider *p = &s->providers[i];
    snprintf(p->id, sizeof p->id, "P%02d", i + 1);
    p->name = provider_list[i].name;
    p->accreditation = provider_list[i].accreditation;
    double acc = vocab_index(VOCAB_ACCREDITATION, p->accreditation) == VOCAB_LEVEL7  ? s->params.gain_level7
                 : vocab_index(VOCAB_ACCREDITATION, p->accreditation) == VOCAB_LEVEL6? s->params.gain_level6
                                                           : 0;
    p->effect = acc + gsl_ran_gaussian(b->r, s->params.sd_provider);
    p->weight = gsl_ran_gamma(b->r, 4, 1);
  }
}

static void make_establishments(builder *b, size_t ntrained) {
  sim *s = b->s;
  const sim_params *p = &s->params;
  static const double mix_trained[SIM_NTYPES] = {77.5, 10.5, 5.0, 5.0, 2.0};
  static const double mix_untrained[SIM_NTYPES] = {78, 10.5, 4.5, 4.8, 2.2};
  static const double fsm_logit[SIM_NTYPES] = {-1.82, -0.49, -0.20, -1.27, -1.66};
  for (size_t i = 0; i < s->nest; i++) {
    sim_establishment *e = &s->est[i];
    int trained = i < ntrained;
    snprintf(e->urn, sizeof e->urn, "%zu", (size_t)100001 + i);
    e->type = (sim_type)pick(b->r, trained ? mix_trained : mix_untrained, SIM_NTYPES);
    const char *const *suf;
    size_t nsuf;
    switch (e->type) {
    case SIM_SPECIAL:
      suf = suffix_special;
      nsuf = 3;
      break;
    case SIM_AP:
      suf = suffix_ap;
      nsuf = 3;
      break;
    case SIM_FE_COLLEGE:
      suf = suffix_fe;
      nsuf = 2;
      break;
    case SIM_SIXTH_FORM:
      suf = suffix_sixth;
      nsuf = 1;
      break;
    default:
      suf = suffix_mainstream;
      nsuf = 6;
      break;
    }
    snprintf(e->name, sizeof e->name, "%s %s", places[gsl_rng_uniform_int(b->r, NPLACES)],
             suf[gsl_rng_uniform_int(b->r, nsuf)]);
    e->hub = -1;
    e->hub_joined = -1;
    if (gsl_rng_uniform(b->r) < (trained ? p->hub_member_trained : p->hub_member_untrained)) {
      e->hub = (int)gsl_rng_uniform_int(b->r, s->nhubs);
      const sim_hub *h = &s->hubs[e->hub];
      e->region = h->region;
      if (gsl_rng_uniform(b->r) < 0.8) {
        e->hub_joined = h->start;
      } else {
        int from = h->start > date_days(2019, 1, 1) ? h->start : date_days(2019, 1, 1);
        e->hub_joined = uniform_day(b->r, from, date_days(2021, 6, 30));
      }
    } else {
      e->region = (int)pick(b->r, region_weights, NREGIONS);
    }
    double l = fsm_logit[e->type] + region_fsm[e->region] + (e->hub >= 0 ? 0.15 : 0) +
               gsl_ran_gaussian(b->r, 0.5);
    e->fsm_pct = floor(1000 * logistic(l) + 0.5) / 10;
    e->completion = e->start = -1;
    e->baseline_return = e->post_return = -1;
  }
}

static int is_college(sim_type t) { return vocab_type_is_college((int)t); }

static void add_leader(builder *b, size_t est, sim_role role, sim_status status) {
  sim *s = b->s;
  sim_leader *l = &s->leaders[s->nleaders];
  snprintf(l->id, sizeof l->id, "CL%06zu", s->nleaders + 1);
  s->nleaders++;
  l->est = est;
  l->role = role;
  l->status = status;
  l->pre_response = l->post_response = -1;
  l->completion = l->bursary = l->bursary_approved = l->bursary_paid = -1;
}

/* Leaders: one per trained establishment, extra ones (colleges' second
 * leaders first) up to the total, then the withdrawn at untrained ones. */
static void make_leaders(builder *b, size_t ntrained, size_t nleaders, size_t nwithdrawn) {
  sim *s = b->s;
  s->leaders = xcalloc(nleaders + nwithdrawn, sizeof *s->leaders);
  size_t extra = nleaders > ntrained ? nleaders - ntrained : 0;
  unsigned char *second = xcalloc(ntrained ? ntrained : 1, 1);
  for (size_t i = 0; i < ntrained && extra; i++)
    if (is_college(s->est[i].type) && gsl_rng_uniform(b->r) < 0.45) {
      second[i] = 1;
      extra--;
    }
  if (extra) {
    size_t nschools = 0;
    for (size_t i = 0; i < ntrained; i++)
      nschools += !second[i];
    size_t *pool = xmalloc((nschools ? nschools : 1) * sizeof *pool);
    size_t k = 0;
    for (size_t i = 0; i < ntrained; i++)
      if (!second[i])
        pool[k++] = i;
    if (extra > k)
      extra = k;
    size_t *chosen = xmalloc((extra ? extra : 1) * sizeof *chosen);
    gsl_ran_choose(b->r, chosen, extra, pool, k, sizeof *pool);
    for (size_t j = 0; j < extra; j++)
      second[chosen[j]] = 1;
    free(chosen);
    free(pool);
  }
  for (size_t i = 0; i < ntrained; i++) {
    const sim_establishment *e = &s->est[i];
    if (!is_college(e->type)) {
      add_leader(b, i, SIM_SCHOOL, SIM_COMPLETED);
      if (second[i])
        add_leader(b, i, SIM_SCHOOL, SIM_COMPLETED);
    } else if (second[i]) {
      add_leader(b, i, SIM_STRATEGIC, SIM_COMPLETED);
      add_leader(b, i, SIM_OPERATIONAL, SIM_COMPLETED);
    } else {
      add_leader(b, i, gsl_rng_uniform(b->r) < 0.45 ? SIM_STRATEGIC : SIM_OPERATIONAL,
                 SIM_COMPLETED);
    }
  }
  free(second);
  size_t nuntrained = s->nest - ntrained;
  if (nwithdrawn > nuntrained)
    nwithdrawn = nuntrained;
  if (nwithdrawn) {
    size_t *pool = xmalloc(nuntrained * sizeof *pool);
    for (size_t i = 0; i < nuntrained; i++)
      pool[i] = ntrained + i;
    size_t *chosen = xmalloc(nwithdrawn * sizeof *chosen);
    gsl_ran_choose(b->r, chosen, nwithdrawn, pool, nuntrained, sizeof *pool);
    for (size_t j = 0; j < nwithdrawn; j++) {
      sim_type t = s->est[chosen[j]].type;
      add_leader(b, chosen[j],
                 !is_college(t)                 ? SIM_SCHOOL
                 : gsl_rng_uniform(b->r) < 0.45 ? SIM_STRATEGIC
                                                : SIM_OPERATIONAL,
                 SIM_WITHDRAWN);
    }
    free(chosen);
    free(pool);
  }
}

/* Months in role, consent, provider, wave and dates. */
static void make_enrolments(builder *b) {
  sim *s = b->s;
  static const double band_p[4] = {0.30, 0.35, 0.15, 0.20};
  static const double wave_p[4] = {0.35, 0.30, 0.25, 0.10};
  int wave_from[4] = {date_days(2018, 9, 3), date_days(2019, 1, 7), date_days(2019, 9, 2),
                      date_days(2020, 1, 6)};
  int wave_to[4] = {date_days(2018, 12, 14), date_days(2019, 6, 28), date_days(2019, 12, 13),
                    date_days(2020, 3, 13)};
  double pw[SIM_PROVIDERS];
  for (int i = 0; i < SIM_PROVIDERS; i++)
    pw[i] = s->providers[i].weight;
  int lockdown = date_days(2020, 3, 23), last = date_days(2020, 12, 18);
  for (size_t i = 0; i < s->nleaders; i++) {
    sim_leader *l = &s->leaders[i];
    size_t band = pick(b->r, band_p, 4);
    double m;
    if (band == 0)
      m = gsl_rng_uniform(b->r) * 12;
    else if (band == 1)
      m = 12 + gsl_rng_uniform(b->r) * 24;
    else if (band == 2)
      m = 36 + gsl_rng_uniform(b->r) * 24;
    else
      m = 60 + gsl_ran_exponential(b->r, 40);
    l->months_in_role = m > 360 ? 360 : (int)m;
    l->months_known = gsl_rng_uniform(b->r) >= s->params.months_unknown;
    l->consent = gsl_rng_uniform(b->r) < s->params.consent;
    l->provider = (int)pick(b->r, pw, SIM_PROVIDERS);
    int w = (int)pick(b->r, wave_p, 4);
    l->wave = w + 1;
    l->start = uniform_day(b->r, wave_from[w], wave_to[w]);
    const char *acc = s->providers[l->provider].accreditation;
    double months = vocab_index(VOCAB_ACCREDITATION, acc) == VOCAB_LEVEL7  ? gsl_ran_flat(b->r, 8, 13)
                    : vocab_index(VOCAB_ACCREDITATION, acc) == VOCAB_LEVEL6? gsl_ran_flat(b->r, 6, 10)
                                                 : gsl_ran_flat(b->r, 3.5, 7);
    int end = l->start + (int)(months * 30.44);
    if (l->start < lockdown && end > lockdown)
      end += (int)(gsl_ran_flat(b->r, 1, 4) * 30.44); /* the pandemic delayed courses */
    if (l->status == SIM_COMPLETED) {
      l->completion = end < last ? end : last - (int)gsl_rng_uniform_int(b->r, 20);
      if (gsl_rng_uniform(b->r) < 0.93)
        l->bursary = l->completion + 7 + (int)gsl_rng_uniform_int(b->r, 114);
      sim_establishment *e = &s->est[l->est];
      e->trained++;
      if (e->completion < 0 || l->completion < e->completion)
        e->completion = l->completion;
      if (e->start < 0 || l->start < e->start)
        e->start = l->start;
    }
  }
}

/* The fund's waves, as the seed describes them: wave 1 from April 2018 to
 * March 2020 with 1,300 places, wave 2 from April 2020 to March 2021 with
 * 650; a 60 % hub target and a £1,000 bursary. A leader whose training ran
 * past wave 1 (the pandemic delayed many) completes on wave 2's places.
 * Each provider is allocated the places its leaders took and a share of
 * the rest by its weight, so that every enrolment is within the rules.
 * Bursaries are approved two to four weeks after the claim and paid one
 * to two weeks after that, up to the demo's date. Draws no random numbers
 * (the rest of the programme is as it was). */
static const struct {
  int opens[3], closes[3];
  double places;
} fund_waves[SIM_FUND_WAVES] = {{{2018, 4, 1}, {2020, 3, 31}, 1300},
                                {{2020, 4, 1}, {2021, 3, 31}, 650}};
#define FUND_HUB_TARGET_PCT 60
#define FUND_BURSARY_PENCE 100000
#define DEMO_DAY_Y 2021
#define DEMO_DAY_M 4
#define DEMO_DAY_D 30

static void make_fund(sim *s) {
  long long taken[SIM_FUND_WAVES][SIM_PROVIDERS] = {{0}}, total[SIM_FUND_WAVES] = {0};
  int end1 = date_days(fund_waves[0].closes[0], fund_waves[0].closes[1], fund_waves[0].closes[2]);
  int today = date_days(DEMO_DAY_Y, DEMO_DAY_M, DEMO_DAY_D);
  for (size_t i = 0; i < s->nleaders; i++) {
    sim_leader *l = &s->leaders[i];
    l->fund_wave = l->status == SIM_COMPLETED && l->completion > end1 ? 2 : 1;
    if (l->status != SIM_WITHDRAWN) {
      taken[l->fund_wave - 1][l->provider]++;
      total[l->fund_wave - 1]++;
    }
    if (l->bursary >= 0) {
      int a = l->bursary + 14 + (int)(i % 15), p = a + 7 + (int)(i % 8);
      l->bursary_approved = a <= today ? a : -1;
      l->bursary_paid = l->bursary_approved >= 0 && p <= today ? p : -1;
    }
  }
  double wsum = 0;
  for (int p = 0; p < SIM_PROVIDERS; p++)
    wsum += s->providers[p].weight;
  for (int w = 0; w < SIM_FUND_WAVES; w++) {
    long long places = llround(fund_waves[w].places * s->scale);
    s->fund_places[w] = places > total[w] ? places : total[w];
    long long slack = s->fund_places[w] - total[w];
    for (int p = 0; p < SIM_PROVIDERS; p++)
      s->fund_alloc[w][p] =
          taken[w][p] + (long long)floor((double)slack * s->providers[p].weight / wsum);
  }
}

/* Latent knowledge before and after training, and the expected area
 * scores it implies. */
static void make_knowledge(builder *b) {
  sim *s = b->s;
  const sim_params *p = &s->params;
  for (size_t i = 0; i < s->nleaders; i++) {
    sim_leader *l = &s->leaders[i];
    sim_type t = s->est[l->est].type;
    int send_ap = t == SIM_SPECIAL || t == SIM_AP, college = is_college(t);
    double x = log1p(l->months_in_role / 12.0) - EXPERIENCE_CENTRE;
    double u = gsl_ran_gaussian_ziggurat(b->r, p->sd_leader);
    double v = gsl_ran_gaussian_ziggurat(b->r, p->sd_gain_leader);
    for (int a = 0; a < SIM_AREAS; a++) {
      double pre = p->pre_mean[a] + college * p->pre_college + send_ap * p->pre_send_ap +
                   (send_ap && a == 3) * p->pre_send_ap_networking + p->pre_experience * x + u +
                   gsl_ran_gaussian_ziggurat(b->r, p->sd_area);
      double gain = p->gain_mean[a] + college * p->gain_college + send_ap * p->gain_send_ap +
                    p->gain_experience * x + s->providers[l->provider].effect + v +
                    gsl_ran_gaussian_ziggurat(b->r, p->sd_gain_area);
      l->pre[a] = pre;
      l->post[a] = pre + gain;
    }
    /* Expected percentage scores: 20 * mean over the area's items of E[Y]. */
    double sum_pre[SIM_AREAS] = {0}, sum_post[SIM_AREAS] = {0};
    int n[SIM_AREAS] = {0};
    for (size_t j = 0; j < b->it.sa->nitems; j++) {
      const instrument_item *item = &b->it.sa->items[j];
      if (strcmp(item->role, vocab_name(VOCAB_ROLE, (int)l->role)) != 0)
        continue;
      int a = area_index(item->area);
      double d = b->it.difficulty[j];
      double e0 = 1, e1 = 1;
      for (int k = 0; k < 4; k++) {
        e0 += logistic(l->pre[a] - d - p->cut[k]);
        e1 += logistic(l->post[a] - d - p->cut[k]);
      }
      sum_pre[a] += e0;
      sum_post[a] += e1;
      n[a]++;
    }
    for (int a = 0; a < SIM_AREAS; a++) {
      l->expected_pre[a] = n[a] ? 20 * sum_pre[a] / n[a] : NAN;
      l->expected_post[a] = n[a] ? 20 * sum_post[a] / n[a] : NAN;
    }
  }
}

/* Mean and standard deviation over completers of f(leader). */
static void moments(const sim *s, double (*f)(const sim_leader *, int), int a, double *mean,
                    double *sd) {
  double sum = 0, sum2 = 0;
  size_t n = 0;
  for (size_t i = 0; i < s->nleaders; i++) {
    const sim_leader *l = &s->leaders[i];
    if (l->status != SIM_COMPLETED)
      continue;
    double x = f(l, a);
    sum += x;
    sum2 += x * x;
    n++;
  }
  *mean = n ? sum / n : 0;
  double var = n > 1 ? (sum2 - n * *mean * *mean) / (n - 1) : 1;
  *sd = var > 0 ? sqrt(var) : 1;
}

static double f_gain(const sim_leader *l, int a) {
  (void)a;
  double g = 0;
  for (int k = 0; k < SIM_AREAS; k++)
    g += l->post[k] - l->pre[k];
  return g / SIM_AREAS;
}
static double f_pre(const sim_leader *l, int a) {
  if (a >= 0)
    return l->pre[a];
  double g = 0;
  for (int k = 0; k < SIM_AREAS; k++)
    g += l->pre[k];
  return g / SIM_AREAS;
}
static double f_post(const sim_leader *l, int a) {
  if (a >= 0)
    return l->post[a];
  double g = 0;
  for (int k = 0; k < SIM_AREAS; k++)
    g += l->post[k];
  return g / SIM_AREAS;
}

/* Standardised latent summaries used by the reflective and long-term
 * answers. */
typedef struct standard {
  double gain_m, gain_s, pre_m, pre_s, post_m, post_s;
  double area_m[SIM_AREAS], area_s[SIM_AREAS];
} standard;

/* Draws the answers of leader l at stage: the knowledge items (unless
 * knowledge is 0) from the latent knowledge, then at the post stage the
 * reflective items; an abandoned attempt stops after limit answers. */
static void draw_answers(builder *b, sim_response *r, const sim_leader *l, int knowledge,
                         const standard *z, size_t limit) {
  const sim_params *p = &b->s->params;
  if (knowledge) {
    const double *theta = r->stage == SIM_PRE ? l->pre : l->post;
    for (size_t j = 0; j < b->it.sa->nitems && r->nanswers < limit; j++) {
      const instrument_item *item = &b->it.sa->items[j];
      if (strcmp(item->role, vocab_name(VOCAB_ROLE, (int)l->role)) != 0)
        continue;
      double y = theta[area_index(item->area)] - b->it.difficulty[j] + gsl_ran_logistic(b->r, 1.0);
      if (gsl_rng_uniform(b->r) < p->item_missing)
        continue;
      add_answer(b, r, item, option_by_value(item, ordinal(p->cut, y)));
    }
  }
  if (r->stage != SIM_POST)
    return;
  double g = (f_gain(l, -1) - z->gain_m) / z->gain_s;
  for (size_t j = 0; j < b->it.refl->nitems && r->nanswers < limit; j++) {
    const instrument_item *item = &b->it.refl->items[j];
    size_t k = 0;
    while (reflective_params[k].id && strcmp(reflective_params[k].id, item->id) != 0)
      k++;
    double y = reflective_params[k].a + REFLECTIVE_GAIN * g +
               reflective_params[k].s * gsl_ran_logistic(b->r, 1.0);
    if (gsl_rng_uniform(b->r) < p->item_missing)
      continue;
    add_answer(b, r, item, option_by_value(item, ordinal(p->cut, y)));
  }
}

static int role_items(const builder *b, sim_role role) {
  int n = 0;
  for (size_t j = 0; j < b->it.sa->nitems; j++)
    n += strcmp(b->it.sa->items[j].role, vocab_name(VOCAB_ROLE, (int)role)) == 0;
  return n;
}

/* Pre and post self-assessment surveys. Some leaders start a survey, give
 * up part way and submit again later (a duplicate submission that import
 * resolves by its rule: the later, complete one is kept). */
static void make_self_assessment(builder *b, const standard *z) {
  sim *s = b->s;
  const sim_params *p = &s->params;
  int opened = date_days(2018, 12, 15), closed = date_days(2020, 12, 31);
  for (size_t i = 0; i < s->nleaders; i++) {
    sim_leader *l = &s->leaders[i];
    if (l->status != SIM_COMPLETED)
      continue;
    int early = l->start < opened;
    int pre = gsl_rng_uniform(b->r) < (early ? p->pre_response_early : p->pre_response);
    int post = gsl_rng_uniform(b->r) < (l->wave == 1 ? p->post_response_wave1 : p->post_response);
    int complete = gsl_rng_uniform(b->r) < p->post_knowledge_complete;
    for (int stage = SIM_PRE; stage <= SIM_POST; stage++) {
      if (!(stage == SIM_PRE ? pre : post))
        continue;
      int day;
      if (stage == SIM_PRE) {
        day = early ? opened + (int)gsl_rng_uniform_int(b->r, 31)
                    : l->start - (int)gsl_rng_uniform_int(b->r, 15);
        if (day >= l->completion)
          day = l->completion - 1;
      } else {
        day = l->completion + (int)gsl_rng_uniform_int(b->r, 46);
        if (day > closed)
          day = l->completion +
                (int)gsl_rng_uniform_int(b->r, (unsigned long)(closed - l->completion + 1));
      }
      int sec = 8 * 3600 + (int)gsl_rng_uniform_int(b->r, 13 * 3600);
      if (gsl_rng_uniform(b->r) < p->duplicate_rate) {
        sim_response *d = add_response(b);
        d->leader = i;
        d->stage = (sim_stage)stage;
        d->discarded = 1;
        d->day = day;
        d->sec = sec - 300 - (int)gsl_rng_uniform_int(b->r, 5400);
        if (d->sec < 0) {
          d->sec += 86400;
          d->day--;
        }
        size_t half = (size_t)role_items(b, l->role) / 2;
        draw_answers(b, d, l, 1, z, 1 + gsl_rng_uniform_int(b->r, half ? half : 1));
      }
      sim_response *r = add_response(b);
      r->leader = i;
      r->stage = (sim_stage)stage;
      r->day = day;
      r->sec = sec;
      if (stage == SIM_PRE)
        l->pre_response = (int)(s->nresponses - 1);
      else
        l->post_response = (int)(s->nresponses - 1);
      draw_answers(b, r, l, stage == SIM_PRE || complete, z, (size_t)-1);
    }
  }
}

static size_t topic_index(const char *topic) {
  size_t k = 0;
  while (topic_params[k].topic && strcmp(topic_params[k].topic, topic) != 0)
    k++;
  return k;
}

/* Intercept of a probit whose marginal probability is p when the linear
 * predictor has an extra standard normal term with loading lambda. */
static double probit_intercept(double p, double lambda) {
  return gsl_cdf_ugaussian_Pinv(p) * sqrt(1 + lambda * lambda);
}

/* The anonymous long-term survey (January 2021): invited are the leaders
 * who consented and completed more than six months before it was sent. */
static void make_followup(builder *b, const standard *z) {
  sim *s = b->s;
  const sim_params *p = &s->params;
  int sent = date_days(2021, 1, 11), cutoff = date_days(2020, 7, 11);
  size_t *resp = xmalloc((s->nleaders ? s->nleaders : 1) * sizeof *resp);
  size_t n = 0;
  for (size_t i = 0; i < s->nleaders; i++) {
    const sim_leader *l = &s->leaders[i];
    if (l->status != SIM_COMPLETED || !l->consent || l->completion > cutoff)
      continue;
    s->ninvited++;
    if (gsl_rng_uniform(b->r) < p->followup_response)
      resp[n++] = i;
  }
  /* Anonymous: the order of the responses and their ids say nothing about
   * who answered. */
  gsl_ran_shuffle(b->r, resp, n, sizeof *resp);
  long long *when = xmalloc((n ? n : 1) * sizeof *when);
  for (size_t k = 0; k < n; k++)
    when[k] = (long long)(sent + (int)gsl_rng_uniform_int(b->r, 36)) * 86400 + 8 * 3600 +
              (long long)gsl_rng_uniform_int(b->r, 13 * 3600);
  for (size_t k = 1; k < n; k++) /* in submission order */
    for (size_t j = k; j > 0 && when[j - 1] > when[j]; j--) {
      long long t = when[j];
      when[j] = when[j - 1];
      when[j - 1] = t;
    }
  const instrument *lt = b->it.lt;
  for (size_t k = 0; k < n; k++) {
    const sim_leader *l = &s->leaders[resp[k]];
    sim_response *r = add_response(b);
    r->leader = SIM_NONE;
    r->stage = SIM_FOLLOWUP;
    r->day = (int)(when[k] / 86400);
    r->sec = (int)(when[k] % 86400);
    snprintf(r->id, sizeof r->id, "LT%05zu", k + 1);
    s->nfollowup++;
    double zg = (f_gain(l, -1) - z->gain_m) / z->gain_s;
    double zpre = (f_pre(l, -1) - z->pre_m) / z->pre_s;
    double zpost = (f_post(l, -1) - z->post_m) / z->post_s;
    int not_done[SIM_TOPICS + 8] = {0};
    /* Practice first: wanting support depends on it. */
    for (size_t j = 0; j < lt->nitems; j++) {
      const instrument_item *item = &lt->items[j];
      if (!item->topic || strcmp(item->scale->kind, "categorical") != 0)
        continue;
      size_t t = topic_index(item->topic);
      int code;
      if (probit_intercept(topic_params[t].did, PRACTICE_DID_KNOWLEDGE) +
              PRACTICE_DID_KNOWLEDGE * zpost + gsl_ran_gaussian_ziggurat(b->r, 1) <
          0)
        code = 3;
      else if (probit_intercept(topic_params[t].result, PRACTICE_RESULT_GAIN) +
                   PRACTICE_RESULT_GAIN * zg + gsl_ran_gaussian_ziggurat(b->r, 1) <
               0)
        code = 2;
      else
        code = probit_intercept(topic_params[t].direct, PRACTICE_DIRECT_PRE) +
                           PRACTICE_DIRECT_PRE * zpre + gsl_ran_gaussian_ziggurat(b->r, 1) >=
                       0
                   ? 0
                   : 1;
      if (t < SIM_TOPICS + 8)
        not_done[t] = code == 3;
      if (gsl_rng_uniform(b->r) < p->item_missing)
        continue;
      add_answer(b, r, item, option_by_code(item, practice_codes[code]));
    }
    for (size_t j = 0; j < lt->nitems; j++) {
      const instrument_item *item = &lt->items[j];
      int a = area_index(item->area);
      const instrument_option *opt = NULL;
      if (a >= 0) {
        double y = CONFIDENCE_LOADING * (l->post[a] - z->area_m[a]) / z->area_s[a] +
                   gsl_ran_logistic(b->r, 1.0);
        int c = 0;
        while (c < 3 && y <= confidence_cuts[c])
          c++;
        opt = option_by_code(item, confidence_codes[c]);
      } else if (item->topic && strcmp(item->scale->kind, "categorical") == 0) {
        continue; /* done above */
      } else if (item->topic) {
        size_t t = topic_index(item->topic);
        double pnd = 1 - topic_params[t].did;
        double w =
            probit_intercept(topic_params[t].want, SUPPORT_KNOWLEDGE) - SUPPORT_NOT_DONE * pnd;
        int want = w + SUPPORT_NOT_DONE * (t < SIM_TOPICS + 8 && not_done[t]) +
                       SUPPORT_KNOWLEDGE * zpost + gsl_ran_gaussian_ziggurat(b->r, 1) >=
                   0;
        opt = option_by_value(item, want);
      } else {
        double y = FOLLOWUP_FASTER_A + REFLECTIVE_GAIN * zg +
                   FOLLOWUP_FASTER_S * gsl_ran_logistic(b->r, 1.0);
        opt = option_by_value(item, ordinal(p->cut, y));
      }
      if (gsl_rng_uniform(b->r) < p->item_missing)
        continue;
      add_answer(b, r, item, opt);
    }
  }
  free(when);
  free(resp);
}

/* ---- Compass ---------------------------------------------------------- */

/* The latent progress of benchmark bm at day, without the occasion noise;
 * with_training 0 gives the counterfactual without training. */
static double progress(const sim *s, const sim_establishment *e, int bm, int day,
                       int with_training) {
  const sim_params *p = &s->params;
  double t = years(day);
  double h = 0, tr = 0;
  if (e->hub >= 0 && day >= e->hub_joined)
    h = clamp01((day - e->hub_joined) / 365.25 / p->hub_ramp);
  if (with_training && e->completion >= 0 && day >= e->completion)
    tr = clamp01((day - e->completion) / 365.25 / p->training_ramp);
  double gain = p->bm_trend[bm] * t + p->bm_hub[bm] * h +
                p->bm_training[bm] * tr * (1 - (1 - p->training_in_hub) * h);
  double covid = clamp01((day - date_days(2020, 3, 23)) / 365.25 / p->pandemic_ramp);
  gain *= 1 - p->bm_pandemic[bm] * covid;
  return p->bm_level[bm] + (e->hub >= 0) * p->hub_selection + e->capacity + e->persistent[bm] +
         gain;
}

static double expected_achieved(const sim *s, const sim_establishment *e, int day, int with) {
  double sum = 0;
  for (int bm = 0; bm < SIM_BENCHMARKS; bm++)
    sum += gsl_cdf_ugaussian_P(progress(s, e, bm, day, with) / s->params.sd_occasion);
  return sum;
}

static void add_return(builder *b, size_t est, int day, const double *z, const items *it) {
  sim *s = b->s;
  s->returns = xgrow(s->returns, &b->cap_ret, s->nreturns + 1, sizeof *s->returns);
  sim_return *ret = &s->returns[s->nreturns++];
  ret->est = est;
  ret->day = day;
  int version = is_college(s->est[est].type);
  for (int bm = 0; bm < SIM_BENCHMARKS; bm++) {
    if (z[bm] >= 0) {
      ret->pct[bm] = 100;
    } else {
      size_t n = it->criteria[version][bm];
      size_t k = (size_t)floor(n * gsl_cdf_ugaussian_P((z[bm] + PARTIAL_SHIFT) / PARTIAL_SCALE));
      if (k > n - 1)
        k = n - 1;
      ret->pct[bm] = (float)(floor(1000.0 * k / n + 0.5) / 10);
    }
  }
}

/* Compass returns from 2017 to July 2021 for every establishment, and the
 * truth of the default baseline/post comparison. */
static void make_compass(builder *b) {
  sim *s = b->s;
  const sim_params *p = &s->params;
  int first_from = date_days(2017, 1, 1), cut = date_days(2018, 7, 31);
  int late_to = date_days(2020, 6, 30), post_from = date_days(2020, 3, 1);
  int post_to = date_days(2021, 3, 31), end = date_days(2021, 7, 31);
  for (size_t i = 0; i < s->nest; i++) {
    sim_establishment *e = &s->est[i];
    e->capacity = gsl_ran_gaussian_ziggurat(b->r, p->sd_capacity);
    for (int bm = 0; bm < SIM_BENCHMARKS; bm++)
      e->persistent[bm] = gsl_ran_gaussian_ziggurat(b->r, p->sd_persistent);
    int day = gsl_rng_uniform(b->r) < p->early_compass ? uniform_day(b->r, first_from, cut)
                                                       : uniform_day(b->r, cut + 1, late_to);
    int stop = gsl_rng_uniform(b->r) < p->compass_dropout ? uniform_day(b->r, day, post_to) : end;
    e->return0 = s->nreturns;
    double eps[SIM_BENCHMARKS];
    int prev = -1;
    while (day <= stop) {
      double rho = prev < 0 ? 0 : exp(-(day - prev) / 365.25);
      double z[SIM_BENCHMARKS];
      for (int bm = 0; bm < SIM_BENCHMARKS; bm++) {
        double fresh = gsl_ran_gaussian_ziggurat(b->r, p->sd_occasion);
        eps[bm] = prev < 0 ? fresh : rho * eps[bm] + sqrt(1 - rho * rho) * fresh;
        z[bm] = progress(s, e, bm, day, 1) + eps[bm];
      }
      add_return(b, i, day, z, &b->it);
      prev = day;
      day += 90 + (int)gsl_rng_uniform_int(b->r, 276);
    }
    e->nreturns = s->nreturns - e->return0;

    /* The default rules: baseline = latest return on or before 2018-07-31,
     * else (trained) the earliest before training started; post = latest
     * from 2020-03-01 to 2021-03-31, after training was completed. */
    int start = e->start;
    for (size_t k = 0; k < e->nreturns; k++) {
      const sim_return *ret = &s->returns[e->return0 + k];
      if (ret->day <= cut)
        e->baseline_return = (int)(e->return0 + k);
      if (ret->day >= post_from && ret->day <= post_to && (!e->trained || ret->day > e->completion))
        e->post_return = (int)(e->return0 + k);
    }
    if (e->baseline_return < 0 && e->trained && e->nreturns && s->returns[e->return0].day < start)
      e->baseline_return = (int)e->return0;
    e->in_analysis = e->baseline_return >= 0 && e->post_return >= 0;
    if (e->in_analysis && e->trained) {
      int d = s->returns[e->post_return].day;
      e->expected_with = expected_achieved(s, e, d, 1);
      e->expected_without = expected_achieved(s, e, d, 0);
    }
  }
}

static void make_truth(sim *s) {
  sim_truth *t = &s->truth;
  for (int a = 0; a < SIM_AREAS; a++) {
    double pre = 0, post = 0;
    size_t n = 0;
    for (size_t i = 0; i < s->nleaders; i++) {
      const sim_leader *l = &s->leaders[i];
      if (l->status != SIM_COMPLETED)
        continue;
      pre += l->expected_pre[a];
      post += l->expected_post[a];
      n++;
    }
    t->knowledge_pre[a] = n ? pre / n : NAN;
    t->knowledge_post[a] = n ? post / n : NAN;
    t->knowledge_effect[a] = n ? (post - pre) / n : NAN;
  }
  double all = 0, hub = 0, nohub = 0;
  for (size_t i = 0; i < s->nest; i++) {
    const sim_establishment *e = &s->est[i];
    if (!e->in_analysis || !e->trained)
      continue;
    double d = e->expected_with - e->expected_without;
    int in_hub = e->hub >= 0 && e->hub_joined <= s->returns[e->post_return].day;
    all += d;
    t->benchmark_n++;
    if (in_hub) {
      hub += d;
      t->benchmark_n_hub++;
    } else {
      nohub += d;
      t->benchmark_n_nohub++;
    }
  }
  t->benchmark_effect = t->benchmark_n ? all / t->benchmark_n : NAN;
  t->benchmark_effect_hub = t->benchmark_n_hub ? hub / t->benchmark_n_hub : NAN;
  t->benchmark_effect_nohub = t->benchmark_n_nohub ? nohub / t->benchmark_n_nohub : NAN;
}

int sim_new(sim **out, const instrument_bank *bank, const sim_params *params, unsigned long seed,
            double scale, char *err, size_t errlen) {
  *out = NULL;
  if (!(scale >= 0.1 && scale <= 100)) {
    snprintf(err, errlen, "scale must be from 0.1 to 100");
    return -1;
  }
  builder b = {0};
  if (find_items(bank, &b.it, err, errlen) != 0)
    return -1;
  sim *s = xcalloc(1, sizeof *s);
  s->seed = seed;
  s->scale = scale;
  s->bank = bank;
  if (params)
    s->params = *params;
  else
    sim_params_default(&s->params);
  b.s = s;
  b.r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(b.r, seed);
  b.it.difficulty = xcalloc(b.it.sa->nitems ? b.it.sa->nitems : 1, sizeof(double));
  for (size_t j = 0; j < b.it.sa->nitems; j++)
    b.it.difficulty[j] = gsl_ran_gaussian_ziggurat(b.r, s->params.sd_item);

  const sim_params *p = &s->params;
  size_t ntrained = scaled(p->trained_establishments, scale, 1);
  size_t nleaders = scaled(p->trained_leaders, scale, ntrained);
  size_t nuntrained = scaled(p->untrained_establishments, scale, 1);
  size_t nwithdrawn = scaled(p->withdrawn_leaders, scale, 0);
  make_hubs(&b);
  make_providers(&b);
  s->nest = ntrained + nuntrained;
  s->est = xcalloc(s->nest, sizeof *s->est);
  make_establishments(&b, ntrained);
  make_leaders(&b, ntrained, nleaders, nwithdrawn);
  make_enrolments(&b);
  make_fund(s);
  make_knowledge(&b);
  standard z;
  moments(s, f_gain, -1, &z.gain_m, &z.gain_s);
  moments(s, f_pre, -1, &z.pre_m, &z.pre_s);
  moments(s, f_post, -1, &z.post_m, &z.post_s);
  for (int a = 0; a < SIM_AREAS; a++)
    moments(s, f_post, a, &z.area_m[a], &z.area_s[a]);
  make_self_assessment(&b, &z);
  make_followup(&b, &z);
  make_compass(&b);
  make_truth(s);

  free(b.it.difficulty);
  gsl_rng_free(b.r);
  *out = s;
  return 0;
}

void sim_free(sim *s) {
  if (!s)
    return;
  free(s->hubs);
  free(s->est);
  free(s->leaders);
  free(s->responses);
  free(s->answers);
  free(s->returns);
  free(s);
}

/* ---- Output --------------------------------------------------------------- */

typedef struct out {
  FILE *f;
  strbuf b;
  const char *path;
  int failed;
} out;

static int out_open(out *o, const char *dir, const char *name, char *path, size_t pathlen,
                    char *err, size_t errlen) {
  snprintf(path, pathlen, "%s/%s", dir, name);
  o->path = path;
  o->failed = 0;
  strbuf_init(&o->b);
  o->f = fopen(path, "wb");
  if (!o->f) {
    snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
    return -1;
  }
  return 0;
}

static void out_flush(out *o) {
  if (o->b.len && fwrite(o->b.data, 1, o->b.len, o->f) != o->b.len)
    o->failed = 1;
  strbuf_reset(&o->b);
}

/* Ends a row; writes the buffer out now and then. */
static void out_row(out *o) {
  strbuf_puts(&o->b, "\n");
  if (o->b.len > (1u << 20))
    out_flush(o);
}

static int out_close(out *o, char *err, size_t errlen) {
  out_flush(o);
  int bad = o->failed || ferror(o->f);
  if (fclose(o->f) != 0)
    bad = 1;
  strbuf_free(&o->b);
  if (bad) {
    snprintf(err, errlen, "%s: write failed: %s", o->path, strerror(errno ? errno : EIO));
    return -1;
  }
  return 0;
}

static void put_date(strbuf *b, int day) {
  char d[16];
  if (day < 0)
    return;
  date_format(day, d);
  strbuf_puts(b, d);
}

/* A percentage (0-100) as the shortest decimal with at most one decimal
 * place, from its whole tenths (no floating-point formatting: Compass files
 * have millions of them at large scales). */
static void put_pct(strbuf *b, double x) {
  long t = lround(x * 10);
  char buf[24];
  int n = snprintf(buf, sizeof buf, "%ld", t / 10);
  if (t % 10) {
    buf[n++] = '.';
    buf[n++] = (char)('0' + t % 10);
  }
  strbuf_put(b, buf, (size_t)n);
}

static void write_establishments(const sim *s, out *o) {
  strbuf_puts(&o->b, "urn,name,type,region,hub,fsm_pct,hub_joined");
  out_row(o);
  for (size_t i = 0; i < s->nest; i++) {
    const sim_establishment *e = &s->est[i];
    strbuf_printf(&o->b, "%s,", e->urn);
    strbuf_put_csv(&o->b, e->name);
    strbuf_printf(&o->b, ",%s,", vocab_name(VOCAB_TYPE, (int)e->type));
    strbuf_put_csv(&o->b, region_names[e->region]);
    strbuf_putc(&o->b, ',');
    if (e->hub >= 0)
      strbuf_put_csv(&o->b, s->hubs[e->hub].name);
    strbuf_putc(&o->b, ',');
    put_pct(&o->b, e->fsm_pct);
    strbuf_putc(&o->b, ',');
    put_date(&o->b, e->hub_joined);
    out_row(o);
  }
}

static void write_providers(const sim *s, out *o) {
  strbuf_puts(&o->b, "provider_id,name,accreditation");
  out_row(o);
  for (int i = 0; i < SIM_PROVIDERS; i++) {
    strbuf_printf(&o->b, "%s,", s->providers[i].id);
    strbuf_put_csv(&o->b, s->providers[i].name);
    strbuf_printf(&o->b, ",%s", s->providers[i].accreditation);
    out_row(o);
  }
}

static void write_leaders(const sim *s, out *o) {
  strbuf_puts(&o->b, "leader_id,urn,role,months_in_role,contact_consent");
  out_row(o);
  for (size_t i = 0; i < s->nleaders; i++) {
    const sim_leader *l = &s->leaders[i];
    strbuf_printf(&o->b, "%s,%s,%s,", l->id, s->est[l->est].urn, vocab_name(VOCAB_ROLE, (int)l->role));
    if (l->months_known)
      strbuf_printf(&o->b, "%d", l->months_in_role);
    strbuf_printf(&o->b, ",%d", l->consent);
    out_row(o);
  }
}

static void write_enrolments(const sim *s, out *o) {
  strbuf_puts(&o->b,
              "leader_id,provider_id,wave,start_date,completion_date,status,bursary_claimed_date");
  out_row(o);
  for (size_t i = 0; i < s->nleaders; i++) {
    const sim_leader *l = &s->leaders[i];
    strbuf_printf(&o->b, "%s,%s,%d,", l->id, s->providers[l->provider].id, l->fund_wave);
    put_date(&o->b, l->start);
    strbuf_putc(&o->b, ',');
    put_date(&o->b, l->completion);
    strbuf_printf(&o->b, ",%s,", vocab_name(VOCAB_STATUS, l->status == SIM_COMPLETED ? VOCAB_COMPLETED : VOCAB_WITHDRAWN));
    put_date(&o->b, l->bursary);
    out_row(o);
  }
}

static void write_waves(const sim *s, out *o) {
  strbuf_puts(&o->b, "wave,opens,closes,places,hub_target_pct,bursary_pence");
  out_row(o);
  for (int w = 0; w < SIM_FUND_WAVES; w++) {
    strbuf_printf(&o->b, "%d,", w + 1);
    put_date(&o->b, date_days(fund_waves[w].opens[0], fund_waves[w].opens[1],
                              fund_waves[w].opens[2]));
    strbuf_putc(&o->b, ',');
    put_date(&o->b, date_days(fund_waves[w].closes[0], fund_waves[w].closes[1],
                              fund_waves[w].closes[2]));
    strbuf_printf(&o->b, ",%lld,%d,%d", s->fund_places[w], FUND_HUB_TARGET_PCT,
                  FUND_BURSARY_PENCE);
    out_row(o);
  }
}

static void write_allocations(const sim *s, out *o) {
  strbuf_puts(&o->b, "wave,provider_id,places");
  out_row(o);
  for (int w = 0; w < SIM_FUND_WAVES; w++)
    for (int p = 0; p < SIM_PROVIDERS; p++) {
      strbuf_printf(&o->b, "%d,%s,%lld", w + 1, s->providers[p].id, s->fund_alloc[w][p]);
      out_row(o);
    }
}

/* The approvals and payments of the claims that enrolments.csv makes. */
static void write_bursaries(const sim *s, out *o) {
  strbuf_puts(&o->b, "leader_id,wave,status,date");
  out_row(o);
  for (int step = 0; step < 2; step++)
    for (size_t i = 0; i < s->nleaders; i++) {
      const sim_leader *l = &s->leaders[i];
      int day = step == 0 ? l->bursary_approved : l->bursary_paid;
      if (day < 0)
        continue;
      strbuf_printf(&o->b, "%s,%d,%s,", l->id, l->fund_wave, step == 0 ? "approved" : "paid");
      put_date(&o->b, day);
      out_row(o);
    }
}

/* A response's submission time, YYYY-MM-DDThh:mm:ssZ. */
static void format_time(const sim_response *r, char *buf) {
  char d[16];
  date_format(r->day, d);
  unsigned sec = (unsigned)r->sec % 86400u;
  snprintf(buf, 32, "%sT%02u:%02u:%02uZ", d, sec / 3600 % 24u, sec / 60 % 60u, sec % 60u);
}

static void put_answer(strbuf *b, const sim_answer *a) {
  strbuf_put_csv(b, a->item->id);
  strbuf_putc(b, ',');
  strbuf_put_csv(b, a->option->code);
}

static void write_self_assessment(const sim *s, out *o) {
  strbuf_puts(&o->b, "leader_id,stage,submitted_at,item_id,value");
  out_row(o);
  for (size_t i = 0; i < s->nresponses; i++) {
    const sim_response *r = &s->responses[i];
    if (r->stage == SIM_FOLLOWUP)
      continue;
    char d[32];
    format_time(r, d);
    for (size_t k = 0; k < r->nanswers; k++) {
      strbuf_printf(&o->b, "%s,%s,%s,", s->leaders[r->leader].id,
                    vocab_name(VOCAB_STAGE, (int)r->stage), d);
      put_answer(&o->b, &s->answers[r->answer0 + k]);
      out_row(o);
    }
  }
}

static void write_long_term(const sim *s, out *o) {
  strbuf_puts(&o->b, "response_id,submitted_at,item_id,value");
  out_row(o);
  for (size_t i = 0; i < s->nresponses; i++) {
    const sim_response *r = &s->responses[i];
    if (r->stage != SIM_FOLLOWUP)
      continue;
    char d[32];
    format_time(r, d);
    for (size_t k = 0; k < r->nanswers; k++) {
      strbuf_printf(&o->b, "%s,%s,", r->id, d);
      put_answer(&o->b, &s->answers[r->answer0 + k]);
      out_row(o);
    }
  }
}

static void write_compass(const sim *s, out *o) {
  strbuf_puts(&o->b, "urn,submitted_at,bm1,bm2,bm3,bm4,bm5,bm6,bm7,bm8");
  out_row(o);
  for (size_t i = 0; i < s->nreturns; i++) {
    const sim_return *r = &s->returns[i];
    strbuf_printf(&o->b, "%s,", s->est[r->est].urn);
    put_date(&o->b, r->day);
    for (int bm = 0; bm < SIM_BENCHMARKS; bm++) {
      strbuf_putc(&o->b, ',');
      put_pct(&o->b, r->pct[bm]);
    }
    out_row(o);
  }
}

int sim_write_csv(const sim *s, const char *dir, char *err, size_t errlen) {
  static void (*const writers[])(const sim *, out *) = {
      write_establishments, write_providers,       write_leaders,   write_waves,
      write_allocations,    write_enrolments,      write_bursaries, write_self_assessment,
      write_long_term,      write_compass};
  for (size_t k = 0; k < sim_nkinds; k++) {
    char name[64], path[4096];
    snprintf(name, sizeof name, "%s.csv", sim_kinds[k]);
    out o;
    if (out_open(&o, dir, name, path, sizeof path, err, errlen) != 0)
      return -1;
    writers[k](s, &o);
    if (out_close(&o, err, errlen) != 0)
      return -1;
  }
  return 0;
}

/* ---- Truth ---------------------------------------------------------------- */

static json_t *areas_json(const double *v) {
  json_t *o = json_object();
  for (int a = 0; a < SIM_AREAS; a++)
    json_object_set_new(o, vocab_name(VOCAB_AREA, a), json_real(v[a]));
  return o;
}

static json_t *array_json(const double *v, size_t n) {
  json_t *a = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(a, json_real(v[i]));
  return a;
}

static json_t *params_json(const sim_params *p) {
  json_t *o = json_object();
#define NUM(name) json_object_set_new(o, #name, json_real(p->name))
#define ARR(name, n) json_object_set_new(o, #name, array_json(p->name, n))
  NUM(trained_establishments);
  NUM(trained_leaders);
  NUM(untrained_establishments);
  NUM(withdrawn_leaders);
  NUM(hubs);
  ARR(cut, 4);
  ARR(pre_mean, SIM_AREAS);
  NUM(pre_college);
  NUM(pre_send_ap);
  NUM(pre_send_ap_networking);
  NUM(pre_experience);
  NUM(sd_leader);
  NUM(sd_area);
  NUM(sd_item);
  ARR(gain_mean, SIM_AREAS);
  NUM(gain_college);
  NUM(gain_send_ap);
  NUM(gain_experience);
  NUM(sd_gain_leader);
  NUM(sd_gain_area);
  NUM(sd_provider);
  NUM(gain_level6);
  NUM(gain_level7);
  NUM(item_missing);
  NUM(pre_response);
  NUM(pre_response_early);
  NUM(post_response_wave1);
  NUM(post_response);
  NUM(post_knowledge_complete);
  NUM(consent);
  NUM(months_unknown);
  NUM(duplicate_rate);
  NUM(followup_response);
  ARR(bm_level, SIM_BENCHMARKS);
  ARR(bm_trend, SIM_BENCHMARKS);
  ARR(bm_hub, SIM_BENCHMARKS);
  ARR(bm_training, SIM_BENCHMARKS);
  ARR(bm_pandemic, SIM_BENCHMARKS);
  NUM(training_in_hub);
  NUM(hub_selection);
  NUM(training_ramp);
  NUM(hub_ramp);
  NUM(sd_capacity);
  NUM(sd_persistent);
  NUM(sd_occasion);
  NUM(pandemic_ramp);
  NUM(hub_member_trained);
  NUM(hub_member_untrained);
  NUM(early_compass);
  NUM(compass_dropout);
#undef NUM
#undef ARR
  return o;
}

static int response_has_knowledge(const sim *s, const sim_response *r) {
  for (size_t k = 0; k < r->nanswers; k++)
    if (s->answers[r->answer0 + k].item->area)
      return 1;
  return 0;
}

int sim_write_truth(const sim *s, const char *path, char *err, size_t errlen) {
  const sim_truth *t = &s->truth;
  json_t *root = json_object();
  json_object_set_new(root, "seed", json_integer((json_int_t)s->seed));
  json_object_set_new(root, "scale", json_real(s->scale));
  json_t *k = json_object();
  json_object_set_new(k, "description",
                      json_string("Mean over leaders who completed the training of the expected "
                                  "area percentage score after minus before training (percentage "
                                  "points): what the paired pre/post comparison estimates."));
  json_object_set_new(k, "effect_pp", areas_json(t->knowledge_effect));
  json_object_set_new(k, "pre_pp", areas_json(t->knowledge_pre));
  json_object_set_new(k, "post_pp", areas_json(t->knowledge_post));
  json_object_set_new(root, "knowledge", k);
  json_t *c = json_object();
  json_object_set_new(c, "description",
                      json_string("Mean over trained establishments in the Compass comparison "
                                  "(default baseline and post rules) of the expected number of "
                                  "benchmarks fully achieved at the post return with training "
                                  "minus without: what the difference-in-differences estimates."));
  json_object_set_new(c, "effect", json_real(t->benchmark_effect));
  json_object_set_new(c, "effect_hub", json_real(t->benchmark_effect_hub));
  json_object_set_new(c, "effect_nohub", json_real(t->benchmark_effect_nohub));
  json_object_set_new(c, "n", json_integer((json_int_t)t->benchmark_n));
  json_object_set_new(c, "n_hub", json_integer((json_int_t)t->benchmark_n_hub));
  json_object_set_new(c, "n_nohub", json_integer((json_int_t)t->benchmark_n_nohub));
  json_object_set_new(root, "benchmarks", c);
  size_t completed = 0, pre = 0, post = 0, matched = 0;
  for (size_t i = 0; i < s->nleaders; i++) {
    const sim_leader *l = &s->leaders[i];
    completed += l->status == SIM_COMPLETED;
    pre += l->pre_response >= 0;
    post += l->post_response >= 0;
    matched += l->pre_response >= 0 && l->post_response >= 0 &&
               response_has_knowledge(s, &s->responses[l->post_response]);
  }
  json_t *n = json_object();
  json_object_set_new(n, "hubs", json_integer((json_int_t)s->nhubs));
  json_object_set_new(n, "establishments", json_integer((json_int_t)s->nest));
  json_object_set_new(n, "leaders", json_integer((json_int_t)s->nleaders));
  json_object_set_new(n, "leaders_completed", json_integer((json_int_t)completed));
  json_object_set_new(n, "pre_surveys", json_integer((json_int_t)pre));
  json_object_set_new(n, "post_surveys", json_integer((json_int_t)post));
  json_object_set_new(n, "matched", json_integer((json_int_t)matched));
  json_object_set_new(n, "followup_invited", json_integer((json_int_t)s->ninvited));
  json_object_set_new(n, "followup_responses", json_integer((json_int_t)s->nfollowup));
  json_object_set_new(n, "compass_returns", json_integer((json_int_t)s->nreturns));
  json_object_set_new(root, "populations", n);
  json_object_set_new(root, "parameters", params_json(&s->params));
  int rc = json_dump_file(root, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  json_decref(root);
  if (rc != 0) {
    snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno ? errno : EIO));
    return -1;
  }
  return 0;
}
