/* The fund's KINDs: waves, allocations and bursaries. Each row is checked
 * as it is written against the ledger's rules (fund.c); these KINDs
 * rehearse their writes in the checking pass (rolled back), so that a rule
 * counts the file's earlier rows too and every refusal is a problem naming
 * its line. Enrolments are checked in memory instead (fund_enrolments). */
#include <stdio.h>
#include <string.h>

#include "date.h"
#include "fund.h"
#include "import_internal.h"

const colspec imp_cols_waves[] = {
    {"wave", true, false},   {"opens", true, false},          {"closes", true, false},
    {"places", true, false}, {"hub_target_pct", true, false}, {"bursary_pence", true, false},
    {NULL, false, false}};
enum { W_WAVE, W_OPENS, W_CLOSES, W_PLACES, W_TARGET, W_BURSARY };

const colspec imp_cols_allocations[] = {{"wave", true, false},
                                        {"provider_id", true, false},
                                        {"places", true, false},
                                        {NULL, false, false}};
enum { A_WAVE, A_PROVIDER, A_PLACES };

const colspec imp_cols_bursaries[] = {{"leader_id", true, false},
                                      {"wave", true, false},
                                      {"status", true, false},
                                      {"date", true, false},
                                      {NULL, false, false}};
enum { B_LEADER, B_WAVE, B_STATUS, B_DATE };

/* ms since 1970 -> YYYY-MM-DD. */
static void day_text(int64_t when, char *buf) {
  int64_t day = when / 86400000;
  if (when < 0 && when % 86400000)
    day--;
  date_format((int)day, buf);
}

/* A rule broken by the row just written: a problem on column i in the
 * checking pass; in the writing pass (where the same rows passed before)
 * a failure. */
static void refuse(importer *im, int i, const char *msg) {
  if (im->pass == 1) {
    imp_fproblem(im, i, "%s", msg);
    return;
  }
  snprintf(im->err, im->errlen, "%s:%ld: %s (the database changed during the import)", im->name,
           imp_line(im), msg);
  im->failed = true;
}

static void fund_failure(importer *im, const char *msg) {
  snprintf(im->err, im->errlen, "%s", msg);
  im->failed = true;
}

void imp_row_wave(importer *im) {
  double wave, places, target, pence;
  bool e1, e2, e3, e4, e5, e6;
  int64_t opens = 0, closes = 0;
  bool ok = imp_number(im, W_WAVE, 1, 1e6, false, &e1, &wave, true);
  bool dates = imp_date(im, W_OPENS, false, false, &e2, &opens);
  dates &= imp_date(im, W_CLOSES, false, false, &e3, &closes);
  ok &= dates;
  ok &= imp_number(im, W_PLACES, 0, 1e9, false, &e4, &places, true);
  ok &= imp_number(im, W_TARGET, 0, 100, false, &e5, &target, false);
  ok &= imp_number(im, W_BURSARY, 0, 1e12, false, &e6, &pence, true);
  char o[16], c[16];
  day_text(opens, o);
  day_text(closes, c);
  if (dates && closes < opens) {
    imp_fproblem(im, W_CLOSES, "the wave closes (%s) before it opens (%s)", c, o);
    ok = false;
  }
  if (ok) {
    char key[32];
    int n = snprintf(key, sizeof key, "%lld", (long long)wave);
    ok = imp_first_key(im, key, (size_t)n, W_WAVE, "this wave");
  }
  if (!ok || im->failed)
    return;
  sqlite3_stmt *q = imp_stmt(im, Q_WAVE_GET,
                             "SELECT opens, closes, places, hub_target_pct, bursary_pence"
                             " FROM waves WHERE wave = ?1");
  if (!q)
    return;
  sqlite3_bind_int64(q, 1, (sqlite3_int64)wave);
  int found = imp_query(im, q);
  if (found < 0)
    return;
  int action = ACT_ADD;
  if (found)
    action = imp_same_text(q, 0, o) && imp_same_text(q, 1, c) &&
                     sqlite3_column_int64(q, 2) == (sqlite3_int64)places &&
                     imp_same_real(q, 3, false, target) &&
                     sqlite3_column_int64(q, 4) == (sqlite3_int64)pence
                 ? ACT_SAME
                 : ACT_UPDATE;
  if (!imp_settle(im, q, action))
    return;
  sqlite3_stmt *w =
      imp_stmt(im, Q_WAVE_PUT,
               "INSERT INTO waves (wave, opens, closes, places, hub_target_pct, bursary_pence)"
               " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (wave) DO UPDATE SET"
               " opens = excluded.opens, closes = excluded.closes, places = excluded.places,"
               " hub_target_pct = excluded.hub_target_pct,"
               " bursary_pence = excluded.bursary_pence");
  if (!w)
    return;
  sqlite3_bind_int64(w, 1, (sqlite3_int64)wave);
  sqlite3_bind_text(w, 2, o, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(w, 3, c, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(w, 4, (sqlite3_int64)places);
  sqlite3_bind_double(w, 5, target);
  sqlite3_bind_int64(w, 6, (sqlite3_int64)pence);
  if (!imp_run(im, w, "writing a wave"))
    return;
  char msg[512];
  int rc = fund_check_wave(im->db, (int)wave, msg, sizeof msg);
  if (rc < 0)
    fund_failure(im, msg);
  else if (rc != FUND_OK)
    refuse(im, rc == FUND_WAVE_DATES ? W_CLOSES : W_PLACES, msg);
}

void imp_row_allocation(importer *im) {
  double wave, places;
  bool e1, e2;
  const char *pkey;
  sqlite3_int64 provider = 0;
  bool ok = imp_number(im, A_WAVE, 1, 1e6, false, &e1, &wave, true);
  if (imp_required(im, A_PROVIDER, &pkey))
    provider = imp_key_id(im, IMP_PROVIDERS, A_PROVIDER, pkey);
  ok &= provider != 0;
  ok &= imp_number(im, A_PLACES, 0, 1e9, false, &e2, &places, true);
  if (ok) {
    char key[64];
    int n = snprintf(key, sizeof key, "%lld/%lld", (long long)wave, (long long)provider);
    ok = imp_first_key(im, key, (size_t)n, A_PROVIDER, "this wave and provider_id");
  }
  if (!ok || im->failed)
    return;
  sqlite3_stmt *q = imp_stmt(im, Q_ALLOC_GET,
                             "SELECT places FROM allocations WHERE wave = ?1 AND provider_id = ?2");
  if (!q)
    return;
  sqlite3_bind_int64(q, 1, (sqlite3_int64)wave);
  sqlite3_bind_int64(q, 2, provider);
  int found = imp_query(im, q);
  if (found < 0)
    return;
  int action = !found                                                ? ACT_ADD
               : sqlite3_column_int64(q, 0) == (sqlite3_int64)places ? ACT_SAME
                                                                     : ACT_UPDATE;
  if (!imp_settle(im, q, action))
    return;
  sqlite3_stmt *w =
      imp_stmt(im, Q_ALLOC_PUT,
               "INSERT INTO allocations (wave, provider_id, places) VALUES (?1, ?2, ?3)"
               " ON CONFLICT (wave, provider_id) DO UPDATE SET places = excluded.places");
  if (!w)
    return;
  sqlite3_bind_int64(w, 1, (sqlite3_int64)wave);
  sqlite3_bind_int64(w, 2, provider);
  sqlite3_bind_int64(w, 3, (sqlite3_int64)places);
  if (!imp_run(im, w, "writing an allocation"))
    return;
  char msg[512];
  int rc = fund_check_allocation(im->db, (int)wave, provider, msg, sizeof msg);
  if (rc < 0)
    fund_failure(im, msg);
  else if (rc != FUND_OK)
    refuse(im, rc == FUND_WAVE_UNKNOWN ? A_WAVE : A_PLACES, msg);
}

void imp_row_bursary(importer *im) {
  double wave;
  bool e1, e2;
  int status;
  int64_t when = 0;
  const char *lkey;
  bool ok = imp_required(im, B_LEADER, &lkey);
  ok &= imp_number(im, B_WAVE, 1, 1e6, false, &e1, &wave, true);
  ok &= imp_enum(im, B_STATUS, fund_statuses, &status);
  ok &= imp_date(im, B_DATE, false, false, &e2, &when);
  if (ok) {
    strbuf key = STRBUF_INIT;
    strbuf_printf(&key, "%lld/%d/", (long long)wave, status);
    strbuf_puts(&key, lkey);
    ok = imp_first_key(im, strbuf_str(&key), key.len, B_STATUS, "this leader_id, wave and status");
    strbuf_free(&key);
  }
  if (!ok || im->failed)
    return;
  /* The step is taken in the checking pass too (rehearsed, rolled back),
   * which is how it is counted and how a refusal is found. */
  char day[16], msg[512];
  day_text(when, day);
  if (!im->bursaries)
    im->bursaries = fund_bursaries_new(im->s);
  int rc = fund_bursaries_step(im->bursaries, lkey, (int)wave, (fund_step)status, day,
                               im->opt->actor, msg, sizeof msg);
  if (rc < 0) {
    fund_failure(im, msg);
    return;
  }
  if (rc == FUND_STEP_REFUSED) {
    refuse(im, strstr(msg, "no Careers Leader") ? B_LEADER : B_STATUS, msg);
    return;
  }
  imp_count(im, rc == FUND_STEP_ALREADY ? ACT_SAME : status == FUND_CLAIM ? ACT_ADD : ACT_UPDATE);
}

void imp_check_enrolment(importer *im, const fund_enrolment *e, const fund_place *others,
                         size_t nothers, int col_leader, int col_provider, int col_wave,
                         int col_completion) {
  if (!im->fund)
    im->fund = fund_enrolments_new(im->db);
  char msg[512];
  int rc = fund_enrolments_add(im->fund, e, others, nothers, msg, sizeof msg);
  if (rc < 0) {
    fund_failure(im, msg);
    return;
  }
  if (rc == FUND_OK)
    return;
  int col = rc == FUND_LEADER_HOLDS_PLACE ? col_leader
            : rc == FUND_WAVE_FULL        ? col_wave
            : rc == FUND_ALLOCATION_USED  ? col_provider
                                          : col_completion;
  refuse(im, col, msg);
}
