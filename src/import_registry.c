/* Import's registry KINDs (establishments, leaders, providers, enrolments)
 * and Compass returns: their columns, and for each row the checks (pass 1)
 * and the write when it differs from the database (pass 2). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_internal.h"
#include "xalloc.h"

#define est_types vocab_names(VOCAB_TYPE)
#define accreditations vocab_names(VOCAB_ACCREDITATION)
#define statuses vocab_names(VOCAB_STATUS)
enum { ST_ENROLLED, ST_COMPLETED, ST_WITHDRAWN };

const colspec imp_cols_establishments[] = {{"urn", true, false},         {"name", true, false},
                                           {"type", true, false},        {"region", true, false},
                                           {"hub", true, false},         {"fsm_pct", true, false},
                                           {"hub_joined", false, false}, {NULL, false, false}};
enum { E_URN, E_NAME, E_TYPE, E_REGION, E_HUB, E_FSM, E_JOINED };

const colspec imp_cols_leaders[] = {{"leader_id", true, false},
                                    {"urn", true, false},
                                    {"role", true, false},
                                    {"months_in_role", true, false},
                                    {"contact_consent", true, false},
                                    {"name", false, false},
                                    {"email", false, false},
                                    {NULL, false, false}};
enum { L_ID, L_URN, L_ROLE, L_MONTHS, L_CONSENT, L_NAME, L_EMAIL };

const colspec imp_cols_providers[] = {{"provider_id", true, false},
                                      {"name", true, false},
                                      {"accreditation", true, false},
                                      {NULL, false, false}};
enum { P_ID, P_NAME, P_ACCR };

const colspec imp_cols_enrolments[] = {{"leader_id", true, false},
                                       {"provider_id", true, false},
                                       {"wave", true, false},
                                       {"start_date", true, false},
                                       {"completion_date", true, false},
                                       {"status", true, false},
                                       {"bursary_claimed_date", false, false},
                                       {NULL, false, false}};
enum { N_LEADER, N_PROVIDER, N_WAVE, N_START, N_COMPLETION, N_STATUS, N_BURSARY };

const colspec imp_cols_compass[] = {
    {"urn", true, false}, {"submitted_at", true, false}, {"bm1", true, false},
    {"bm2", true, false}, {"bm3", true, false},          {"bm4", true, false},
    {"bm5", true, false}, {"bm6", true, false},          {"bm7", true, false},
    {"bm8", true, false}, {"instrument", false, false},  {NULL, false, false}};
enum { C_URN, C_WHEN, C_BM1, C_INSTRUMENT = C_BM1 + 8 };

/* establishments, leaders, providers, enrolments: each row is checked and
 * compared with the database in pass 1 and written (when it differs) in
 * pass 2; establishments, leaders and enrolments keep what pass 1 found
 * for each row (imp_row_rec), so that pass 2 looks nothing up again (one
 * transaction: nothing else writes meanwhile, and the file holds each key
 * once). */

void imp_row_establishment(importer *im) {
  const char *urn, *name, *region, *hub = imp_cell(im, E_HUB), *joined = imp_cell(im, E_JOINED);
  int type;
  double fsm;
  bool fsm_empty, joined_empty = true;
  int64_t when;
  bool ok = imp_required(im, E_URN, &urn);
  ok = ok && imp_first_key(im, urn, strlen(urn), E_URN, "this urn");
  ok &= imp_required(im, E_NAME, &name);
  ok &= imp_enum(im, E_TYPE, est_types, &type);
  ok &= imp_required(im, E_REGION, &region);
  ok &= imp_number(im, E_FSM, 0, 100, true, &fsm_empty, &fsm, false);
  if (joined) {
    bool joined_ok = imp_date(im, E_JOINED, false, true, &joined_empty, &when);
    ok &= joined_ok;
    if (joined_ok && !joined_empty)
      joined = imp_date_text(im, E_JOINED);
    if (!joined_empty && imp_empty(hub)) {
      imp_fproblem(im, E_JOINED, "a date is given but the hub column is empty");
      ok = false;
    }
  }
  if (!ok || im->failed)
    return;
  /* Pass 2 writes what pass 1 found (the row's record). */
  row_rec *rec = imp_row_rec(im);
  if (!rec)
    return;
  int action = rec->action;
  if (im->pass == 1) {
    action = ACT_ADD;
    int none = imp_none_stored(im, "SELECT 1 FROM establishments LIMIT 1");
    if (none < 0)
      return;
    sqlite3_stmt *q = none ? NULL
                           : imp_stmt(im, Q_EST_GET,
                                      "SELECT e.name, e.type, e.region, h.name, e.hub_joined,"
                                      " e.fsm_pct FROM establishments e"
                                      " LEFT JOIN hubs h ON h.id = e.hub_id WHERE e.urn = ?1");
    if (!none) {
      if (!q)
        return;
      sqlite3_bind_text(q, 1, urn, -1, SQLITE_STATIC);
      int found = imp_query(im, q);
      if (found < 0)
        return;
      if (found)
        action = imp_same_text(q, 0, name) && imp_same_text(q, 1, est_types[type]) &&
                         imp_same_text(q, 2, region) && imp_same_text(q, 3, hub) &&
                         (!joined || imp_same_text(q, 4, joined)) &&
                         imp_same_real(q, 5, fsm_empty, fsm)
                     ? ACT_SAME
                     : ACT_UPDATE;
      sqlite3_reset(q);
    }
    imp_count(im, action);
    *rec = (row_rec){0, 0, 0, (unsigned char)action, false, true};
    return;
  }
  if (action == ACT_SAME)
    return;
  sqlite3_int64 hub_id = 0;
  if (!imp_empty(hub)) {
    /* A hub's id, added the first time a row names it, then remembered. */
    if (!im->hubs)
      im->hubs = imp_smap_new();
    size_t *known = imp_smap_get(im->hubs, hub, strlen(hub));
    if (known) {
      hub_id = (sqlite3_int64)*known;
    } else {
      sqlite3_stmt *h = imp_stmt(im, Q_HUB_ADD, "INSERT OR IGNORE INTO hubs (name) VALUES (?1)");
      if (!h)
        return;
      sqlite3_bind_text(h, 1, hub, -1, SQLITE_STATIC);
      if (!imp_run(im, h, "adding a hub"))
        return;
      h = imp_stmt(im, Q_HUB_GET, "SELECT id FROM hubs WHERE name = ?1");
      if (!h)
        return;
      sqlite3_bind_text(h, 1, hub, -1, SQLITE_STATIC);
      if (imp_query(im, h) != 1)
        return;
      hub_id = sqlite3_column_int64(h, 0);
      sqlite3_reset(h);
      bool added;
      imp_smap_put(im->hubs, hub, strlen(hub), (size_t)hub_id, &added);
    }
  }
  /* A plain INSERT or UPDATE, as pass 1 found: an upsert makes SQLite keep
   * a statement journal for every row (issue 19). */
  sqlite3_stmt *w =
      action == ACT_ADD
          ? imp_stmt(im, Q_EST_PUT,
                     "INSERT INTO establishments (urn, name, type, region, hub_id, hub_joined,"
                     " fsm_pct) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
          : imp_stmt(im, Q_EST_SET,
                     "UPDATE establishments SET name = ?2, type = ?3, region = ?4, hub_id = ?5,"
                     " hub_joined = CASE WHEN ?8 THEN ?6 ELSE hub_joined END, fsm_pct = ?7"
                     " WHERE urn = ?1");
  if (!w)
    return;
  sqlite3_bind_text(w, 1, urn, -1, SQLITE_STATIC);
  sqlite3_bind_text(w, 2, name, -1, SQLITE_STATIC);
  sqlite3_bind_text(w, 3, est_types[type], -1, SQLITE_STATIC);
  sqlite3_bind_text(w, 4, region, -1, SQLITE_STATIC);
  if (hub_id)
    sqlite3_bind_int64(w, 5, hub_id);
  imp_bind_opt_text(w, 6, joined);
  if (!fsm_empty)
    sqlite3_bind_double(w, 7, fsm);
  if (action != ACT_ADD)
    sqlite3_bind_int(w, 8, joined != NULL);
  imp_run(im, w, "writing an establishment");
}

/* The id of the establishment with this URN (0 when none) and whether it
 * is a college; a problem when there is none. */
static sqlite3_int64 establishment(importer *im, int i, const char *urn, bool *college) {
  if (im->est_id && strcmp(urn, im->est_urn) == 0) {
    if (college)
      *college = im->est_college;
    return im->est_id;
  }
  bool is_college = false;
  sqlite3_stmt *q = imp_stmt(im, Q_EST_ID, "SELECT id, type FROM establishments WHERE urn = ?1");
  if (!q)
    return 0;
  sqlite3_bind_text(q, 1, urn, -1, SQLITE_STATIC);
  int found = imp_query(im, q);
  sqlite3_int64 id = 0;
  if (found == 1) {
    id = sqlite3_column_int64(q, 0);
    const char *t = (const char *)sqlite3_column_text(q, 1);
    is_college = vocab_type_is_college(vocab_index(VOCAB_TYPE, t));
    if (college)
      *college = is_college;
  } else if (found == 0) {
    char showbuf[64];
    imp_fproblem(im, i, "no establishment has URN %s (import establishments first)", SHOW(urn));
  }
  sqlite3_reset(q);
  if (id && strlen(urn) < sizeof im->est_urn) {
    strcpy(im->est_urn, urn);
    im->est_id = id;
    im->est_college = is_college;
  } else {
    im->est_id = 0;
  }
  return id;
}

static bool plausible_email(const char *s) {
  const char *at = strchr(s, '@');
  return at && at != s && at[1] && !strchr(at + 1, '@') && !strpbrk(s, " \t,;<>") &&
         strchr(at + 1, '.');
}

/* Pass 1 checks the row and looks up its establishment and leader; pass 2
 * writes what pass 1 found (the row's record), looking up the stored
 * personal details only for an update that gives them. */
void imp_row_leader(importer *im) {
  const char *key, *urn, *name = imp_cell(im, L_NAME), *email = imp_cell(im, L_EMAIL);
  int role;
  double months, consent;
  bool months_empty, consent_empty;
  char showbuf[64];
  row_rec *rec = imp_row_rec(im);
  if (!rec)
    return;
  bool ok = imp_required(im, L_ID, &key);
  ok = ok && imp_first_key(im, key, strlen(key), L_ID, "this leader_id");
  sqlite3_int64 est = 0;
  if (imp_required(im, L_URN, &urn))
    est = im->pass == 2 ? rec->ref1 : establishment(im, L_URN, urn, NULL);
  ok &= est != 0;
  ok &= imp_enum(im, L_ROLE, imp_roles, &role);
  ok &= imp_number(im, L_MONTHS, 0, 1e15, true, &months_empty, &months, true);
  ok &= imp_number(im, L_CONSENT, 0, 1, false, &consent_empty, &consent, true);
  if (!imp_empty(email) && !plausible_email(email)) {
    imp_fproblem(im, L_EMAIL, "%s is not an email address", SHOW(email));
    ok = false;
  }
  if (!ok || im->failed || (im->pass == 2 && rec->action == ACT_SAME))
    return;
  int action = im->pass == 2 ? rec->action : ACT_ADD;
  sqlite3_int64 id = im->pass == 2 ? rec->id : 0;
  char *old_name = NULL, *old_email = NULL;
  int none = im->pass == 1 ? imp_none_stored(im, "SELECT 1 FROM leaders LIMIT 1") : 0;
  if (none < 0)
    return;
  if ((im->pass == 1 && !none) || (im->pass == 2 && action == ACT_UPDATE && (name || email))) {
    sqlite3_stmt *q = imp_stmt(im, Q_LEADER_GET,
                               "SELECT l.id, l.establishment_id, l.role, l.months_in_role,"
                               " l.contact_consent, p.name, p.email"
                               " FROM leaders l LEFT JOIN leader_personal p ON p.leader_id = l.id"
                               " WHERE l.leader_key = ?1");
    if (!q)
      return;
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    int found = imp_query(im, q);
    if (found < 0)
      return;
    id = found ? sqlite3_column_int64(q, 0) : 0;
    if (found) {
      bool same = sqlite3_column_int64(q, 1) == est && imp_same_text(q, 2, imp_roles[role]) &&
                  imp_same_real(q, 3, months_empty, months) &&
                  sqlite3_column_int(q, 4) == consent && (!name || imp_same_text(q, 5, name)) &&
                  (!email || imp_same_text(q, 6, email));
      action = same ? ACT_SAME : ACT_UPDATE;
      if (sqlite3_column_text(q, 5))
        old_name = xstrdup((const char *)sqlite3_column_text(q, 5));
      if (sqlite3_column_text(q, 6))
        old_email = xstrdup((const char *)sqlite3_column_text(q, 6));
    }
    sqlite3_reset(q);
  }
  if (im->pass == 1) {
    imp_count(im, action);
    *rec = (row_rec){est, 0, id, (unsigned char)action, false, true};
    goto done;
  }
  /* INSERT or UPDATE as found above; no upsert, no RETURNING (each costs
   * SQLite a statement journal or a temporary table per row). */
  sqlite3_stmt *w =
      action == ACT_ADD
          ? imp_stmt(im, Q_LEADER_PUT,
                     "INSERT INTO leaders (leader_key, establishment_id, role, months_in_role,"
                     " contact_consent) VALUES (?1, ?2, ?3, ?4, ?5)")
          : imp_stmt(im, Q_LEADER_SET,
                     "UPDATE leaders SET establishment_id = ?2, role = ?3, months_in_role = ?4,"
                     " contact_consent = ?5 WHERE id = ?6");
  if (!w)
    goto done;
  sqlite3_bind_text(w, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_int64(w, 2, est);
  sqlite3_bind_text(w, 3, imp_roles[role], -1, SQLITE_STATIC);
  if (!months_empty)
    sqlite3_bind_int64(w, 4, (sqlite3_int64)months);
  sqlite3_bind_int(w, 5, (int)consent);
  if (action != ACT_ADD)
    sqlite3_bind_int64(w, 6, id);
  if (!imp_run(im, w, "writing a leader"))
    goto done;
  if (action == ACT_ADD)
    id = sqlite3_last_insert_rowid(im->db);
  if (name || email) {
    const char *n = name ? name : old_name, *e = email ? email : old_email;
    if (imp_empty(n) && imp_empty(e)) {
      w = imp_stmt(im, Q_PERSONAL_DEL, "DELETE FROM leader_personal WHERE leader_id = ?1");
      if (!w)
        goto done;
      sqlite3_bind_int64(w, 1, id);
    } else {
      w = imp_stmt(im, Q_PERSONAL_PUT,
                   "INSERT OR REPLACE INTO leader_personal (leader_id, name, email)"
                   " VALUES (?1, ?2, ?3)");
      if (!w)
        goto done;
      sqlite3_bind_int64(w, 1, id);
      imp_bind_opt_text(w, 2, n);
      imp_bind_opt_text(w, 3, e);
    }
    imp_run(im, w, "writing a leader's personal details");
  }
done:
  free(old_name);
  free(old_email);
}

void imp_row_provider(importer *im) {
  const char *key, *name;
  int accr;
  bool ok = imp_required(im, P_ID, &key);
  ok = ok && imp_first_key(im, key, strlen(key), P_ID, "this provider_id");
  ok &= imp_required(im, P_NAME, &name);
  ok &= imp_enum(im, P_ACCR, accreditations, &accr);
  if (!ok || im->failed)
    return;
  sqlite3_stmt *q =
      imp_stmt(im, Q_PROV_GET, "SELECT name, accreditation FROM providers WHERE provider_key = ?1");
  if (!q)
    return;
  sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
  int found = imp_query(im, q);
  if (found < 0)
    return;
  int action = !found ? ACT_ADD
               : imp_same_text(q, 0, name) && imp_same_text(q, 1, accreditations[accr])
                   ? ACT_SAME
                   : ACT_UPDATE;
  if (!imp_settle(im, q, action))
    return;
  sqlite3_stmt *w =
      action == ACT_ADD
          ? imp_stmt(im, Q_PROV_PUT,
                     "INSERT INTO providers (provider_key, name, accreditation) VALUES (?1, ?2, ?3)")
          : imp_stmt(im, Q_PROV_SET,
                     "UPDATE providers SET name = ?2, accreditation = ?3 WHERE provider_key = ?1");
  if (!w)
    return;
  sqlite3_bind_text(w, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text(w, 2, name, -1, SQLITE_STATIC);
  sqlite3_bind_text(w, 3, accreditations[accr], -1, SQLITE_STATIC);
  imp_run(im, w, "writing a provider");
}

/* Pass 1 looks up a row's leader, provider and enrolment and checks the
 * fund's rules in memory (nothing is written); pass 2 writes what pass 1
 * found, looking nothing up again (one transaction: nothing else writes
 * meanwhile, and the file holds each enrolment once). */
void imp_row_enrolment(importer *im) {
  const char *lkey, *pkey, *bursary = imp_cell(im, N_BURSARY);
  double wave;
  bool wave_empty, start_empty, done_empty, claim_empty = true;
  int64_t start = 0, done = 0, claim = 0;
  int status;
  sqlite3_int64 leader = 0, provider = 0;
  row_rec *rec = imp_row_rec(im);
  if (!rec)
    return;
  if (imp_required(im, N_LEADER, &lkey))
    leader = im->pass == 2 ? rec->ref1 : imp_key_id(im, IMP_LEADERS, N_LEADER, lkey);
  if (imp_required(im, N_PROVIDER, &pkey))
    provider = im->pass == 2 ? rec->ref2 : imp_key_id(im, IMP_PROVIDERS, N_PROVIDER, pkey);
  bool ok = leader && provider;
  bool wave_ok = imp_number(im, N_WAVE, 1, 1e15, false, &wave_empty, &wave, true);
  ok &= wave_ok;
  ok &= imp_date(im, N_START, false, false, &start_empty, &start);
  bool done_ok = imp_date(im, N_COMPLETION, false, true, &done_empty, &done);
  ok &= done_ok;
  bool status_ok = imp_enum(im, N_STATUS, statuses, &status);
  ok &= status_ok;
  bool claim_ok = true;
  if (bursary) {
    claim_ok = imp_date(im, N_BURSARY, false, true, &claim_empty, &claim);
    ok &= claim_ok;
    if (claim_ok && done_ok && !claim_empty) {
      if (done_empty) {
        imp_fproblem(im, N_BURSARY,
                     "a bursary claim needs a completion_date (it is paid on "
                     "completion)");
        ok = false;
      } else if (claim < done) {
        imp_fproblem(im, N_BURSARY, "the claim (%s) is dated before the completion (%s)", bursary,
                     imp_cell(im, N_COMPLETION));
        ok = false;
      }
    }
  }
  const char *start_s = start_empty ? NULL : imp_date_text(im, N_START);
  const char *done_s = done_ok && !done_empty ? imp_date_text(im, N_COMPLETION) : "";
  if (bursary && claim_ok && !claim_empty)
    bursary = imp_date_text(im, N_BURSARY);
  if (done_ok && !done_empty && !start_empty && done < start) {
    imp_fproblem(im, N_COMPLETION, "the completion (%s) is dated before the start (%s)",
                 imp_cell(im, N_COMPLETION), imp_cell(im, N_START));
    ok = false;
  }
  if (status_ok && done_ok) {
    if (status == ST_COMPLETED && done_empty) {
      imp_fproblem(im, N_COMPLETION, "empty, but the status is completed");
      ok = false;
    } else if (status != ST_COMPLETED && !done_empty) {
      imp_fproblem(im, N_COMPLETION, "a completion date is given, but the status is %s",
                   statuses[status]);
      ok = false;
    }
  }
  if (ok && im->pass == 1) {
    /* The register's key: the three ids as 8 bytes each, no formatting. */
    char key[24];
    uint64_t ids[3] = {(uint64_t)leader, (uint64_t)provider, (uint64_t)wave};
    for (int k = 0; k < 24; k++)
      key[k] = (char)(unsigned char)(ids[k / 8] >> (56 - 8 * (k % 8)));
    ok = imp_first_key(im, key, sizeof key, N_WAVE, "this leader_id, provider_id and wave");
  }
  if (!ok || im->failed)
    return;
  sqlite3_int64 id;
  int action;
  bool claimed;
  if (im->pass == 1) {
    /* The leader's enrolments in the wave, this one among them (by its
     * provider) or not: one statement for the comparison and the rule
     * that a leader holds one place in a wave. */
    int none = imp_none_stored(im, "SELECT 1 FROM enrolments LIMIT 1");
    if (none < 0)
      return;
    sqlite3_stmt *q = none ? NULL
                           : imp_stmt(im, Q_ENROL_GET,
                                      "SELECT e.id, e.provider_id, e.start_date,"
                                      " e.completion_date, e.status, b.claimed_date"
                                      " FROM enrolments e"
                                      " LEFT JOIN bursary_claims b ON b.enrolment_id = e.id"
                                      " WHERE e.leader_id = ?1 AND e.wave = ?2 ORDER BY e.id");
    if (!none && !q)
      return;
    if (q) {
      sqlite3_bind_int64(q, 1, leader);
      sqlite3_bind_int64(q, 2, (sqlite3_int64)wave);
    }
    size_t nothers = 0;
    int rc = 0;
    bool held = false;
    id = 0;
    claimed = false;
    action = ACT_ADD;
    while (q && (rc = imp_query(im, q)) == 1) {
      bool holds = !imp_same_text(q, 4, statuses[ST_WITHDRAWN]);
      if (sqlite3_column_int64(q, 1) != provider) {
        im->others = xgrow(im->others, &im->others_cap, nothers + 1, sizeof *im->others);
        im->others[nothers++] =
            (fund_place){sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1), holds};
        continue;
      }
      id = sqlite3_column_int64(q, 0);
      claimed = sqlite3_column_type(q, 5) != SQLITE_NULL;
      held = holds;
      action = imp_same_text(q, 2, start_s) && imp_same_text(q, 3, done_s) &&
                       imp_same_text(q, 4, statuses[status]) &&
                       (!bursary || imp_same_text(q, 5, bursary))
                   ? ACT_SAME
                   : ACT_UPDATE;
    }
    if (q)
      sqlite3_reset(q);
    if (rc < 0)
      return;
    imp_count(im, action);
    *rec = (row_rec){leader, provider, id, (unsigned char)action, claimed, true};
    if (action == ACT_SAME)
      return;
    /* The fund's rules, counted with this row and the rows before it. */
    fund_enrolment e = {id,     leader, provider, (sqlite3_int64)wave,         lkey,
                        pkey,   start_s, done_s,  held, status != ST_WITHDRAWN};
    imp_check_enrolment(im, &e, im->others, nothers, N_LEADER, N_PROVIDER, N_WAVE,
                        N_COMPLETION);
    return;
  }
  id = rec->id;
  action = rec->action;
  claimed = rec->claimed;
  if (action == ACT_SAME)
    return;
  /* INSERT or UPDATE as found above (no upsert, no RETURNING). */
  sqlite3_stmt *w =
      action == ACT_ADD
          ? imp_stmt(im, Q_ENROL_PUT,
                     "INSERT INTO enrolments (leader_id, provider_id, wave, start_date,"
                     " completion_date, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
          : imp_stmt(im, Q_ENROL_SET,
                     "UPDATE enrolments SET start_date = ?4, completion_date = ?5, status = ?6"
                     " WHERE id = ?7");
  if (!w)
    return;
  if (action == ACT_ADD) {
    sqlite3_bind_int64(w, 1, leader);
    sqlite3_bind_int64(w, 2, provider);
    sqlite3_bind_int64(w, 3, (sqlite3_int64)wave);
  } else {
    sqlite3_bind_int64(w, 7, id);
  }
  sqlite3_bind_text(w, 4, start_s, -1, SQLITE_STATIC);
  imp_bind_opt_text(w, 5, done_s);
  sqlite3_bind_text(w, 6, statuses[status], -1, SQLITE_STATIC);
  if (!imp_run(im, w, "writing an enrolment"))
    return;
  if (action == ACT_ADD)
    id = sqlite3_last_insert_rowid(im->db);
  if (bursary) {
    /* A claim is for the wave's bursary; one approved or paid is never
     * undone by a file (cleval bursary and KIND bursaries take the steps). */
    if (claim_empty) {
      w = imp_stmt(im, Q_CLAIM_DEL,
                   "DELETE FROM bursary_claims WHERE enrolment_id = ?1 AND status = 'claimed'");
      if (!w)
        return;
      sqlite3_bind_int64(w, 1, id);
    } else if (claimed) {
      w = imp_stmt(im, Q_CLAIM_SET,
                   "UPDATE bursary_claims SET claimed_date = ?2 WHERE enrolment_id = ?1");
      if (!w)
        return;
      sqlite3_bind_int64(w, 1, id);
      sqlite3_bind_text(w, 2, bursary, -1, SQLITE_STATIC);
    } else {
      w = imp_stmt(im, Q_CLAIM_PUT,
                   "INSERT INTO bursary_claims (enrolment_id, claimed_date, amount_pence)"
                   " VALUES (?1, ?2, coalesce((SELECT bursary_pence FROM waves WHERE wave = ?3),"
                   " 100000))");
      if (!w)
        return;
      sqlite3_bind_int64(w, 1, id);
      sqlite3_bind_text(w, 2, bursary, -1, SQLITE_STATIC);
      sqlite3_bind_int64(w, 3, (sqlite3_int64)wave);
    }
    imp_run(im, w, "writing a bursary claim");
  }
}

/* ---------------------------------------------------------------------- */
/* Compass returns: urn, submitted_at, bm1-bm8, optionally the instrument
 * and its criteria (item ids as columns, 0/1). */

/* Whether establishment est has any return stored (1, 0; -1 a failure),
 * asked once a run of its rows: a file's first import looks up no return
 * row by row. Pass 1 only (nothing is written meanwhile). */
static int establishment_has_returns(importer *im, sqlite3_int64 est) {
  if (im->ret_est == est)
    return im->ret_est_any;
  sqlite3_stmt *q = imp_stmt(im, Q_RET_ANY,
                             "SELECT 1 FROM compass_returns WHERE establishment_id = ?1 LIMIT 1");
  if (!q)
    return -1;
  sqlite3_bind_int64(q, 1, est);
  int any = imp_query(im, q);
  sqlite3_reset(q);
  if (any < 0)
    return -1;
  im->ret_est = est;
  im->ret_est_any = any;
  return any;
}

void imp_row_compass(importer *im) {
  const char *urn, *ins = imp_cell(im, C_INSTRUMENT);
  char showbuf[64];
  bool college = false, empty;
  int64_t when;
  sqlite3_int64 est = 0, ins_id = 0;
  bool ok = true;
  if (imp_required(im, C_URN, &urn))
    est = establishment(im, C_URN, urn, &college);
  ok &= est != 0;
  bool when_ok = imp_date(im, C_WHEN, true, false, &empty, &when);
  ok &= when_ok;
  double pct[8];
  for (int b = 0; b < 8; b++)
    ok &= imp_number(im, C_BM1 + b, 0, 100, false, &empty, &pct[b], false);
  if (!imp_empty(ins)) {
    for (size_t k = 0; k < im->cat.bank->n; k++)
      if (strcmp(im->cat.bank->list[k]->key, ins) == 0 &&
          catalog_instrument_kind(ins) == INS_COMPASS)
        ins_id = im->cat.instrument_ids[k];
    if (!ins_id) {
      imp_fproblem(im, C_INSTRUMENT, "%s is not a Compass instrument of this database", SHOW(ins));
      ok = false;
    }
  }
  /* Criteria: 0/1 answers of the establishment's variant, one instrument. */
  int *met = im->row_met, *items = im->row_items, nmet = 0;
  for (size_t c = 0; c < im->ncols && im->has_items; c++) {
    int k = im->itemcol[c];
    const char *v = imp_field(im, c);
    if (k < 0 || !*v)
      continue;
    const citem *ci = &im->cat.items[k];
    int opt = imp_scale_option(ci->it->scale, v);
    if (opt < 0) {
      imp_problem(im, imp_line(im), (int)c + 1, "%s: %s is not 0 (not met) or 1 (met)", im->cols[c],
                  SHOW(v));
      ok = false;
      continue;
    }
    if (est && ci->role != (college ? 1 : 0)) {
      imp_problem(im, imp_line(im), (int)c + 1,
                  "%s: a criterion for %s, but establishment %s is a %s; leave it empty",
                  im->cols[c], ci->role ? "colleges" : "schools", urn,
                  college ? "college" : "school");
      ok = false;
      continue;
    }
    if (!ins_id)
      ins_id = ci->instrument_id;
    else if (ci->instrument_id != ins_id) {
      imp_problem(im, imp_line(im), (int)c + 1,
                  "%s: a criterion of %s, but this row's return is of another instrument",
                  im->cols[c], ci->in->key);
      ok = false;
      continue;
    }
    items[nmet] = k;
    met[nmet++] = (int)ci->it->scale->options[opt].value;
  }
  if (ok) {
    /* The key: the establishment's id as 8 bytes, most significant first,
     * then the date as stored. Rows come by establishment, whose ids
     * follow the file's order, so the register's b-tree grows at its end
     * (a decimal id put 10 before 9 and sent each insert elsewhere). */
    const char *when_text = imp_date_text(im, C_WHEN);
    size_t wn = strlen(when_text);
    char kbuf[8 + 64], *key = wn <= 64 ? kbuf : xmalloc(8 + wn);
    for (int k = 0; k < 8; k++)
      key[k] = (char)(unsigned char)((uint64_t)est >> (56 - 8 * k));
    memcpy(key + 8, when_text, wn);
    ok = imp_first_key(im, key, 8 + wn, C_WHEN, "this urn and submitted_at");
    if (key != kbuf)
      free(key);
  }
  if (!ok || im->failed)
    return;
  /* The return as stored, with its eight percentages (compass_returns'
   * bm1-bm8 since schema version 9). */
  sqlite3_stmt *q =
      imp_stmt(im, Q_RET_GET,
               "SELECT id, instrument_id, bm1, bm2, bm3, bm4, bm5, bm6, bm7, bm8"
               " FROM compass_returns WHERE establishment_id = ?1 AND submitted_at = ?2");
  if (!q)
    return;
  /* Pass 2 finds what pass 1 found: the file holds each key once and
   * nothing else writes meanwhile. A row whose return pass 1 did not find
   * is added without looking again. */
  size_t bit = im->rows, byte = bit / 8;
  unsigned char mask = (unsigned char)(1u << (bit % 8));
  int found = 0;
  int any = im->pass == 1 ? establishment_has_returns(im, est) : 1;
  if (any < 0)
    return;
  if ((im->pass == 1 && any) || (byte < im->ret_found_cap && (im->ret_found[byte] & mask))) {
    sqlite3_bind_int64(q, 1, est);
    sqlite3_bind_text(q, 2, imp_date_text(im, C_WHEN), -1, SQLITE_STATIC);
    found = imp_query(im, q);
    if (found < 0)
      return;
  }
  if (im->pass == 1 && found) {
    if (byte >= im->ret_found_cap) {
      size_t cap = im->ret_found_cap;
      im->ret_found = xgrow(im->ret_found, &im->ret_found_cap, byte + 1, 1);
      memset(im->ret_found + cap, 0, im->ret_found_cap - cap);
    }
    im->ret_found[byte] |= mask;
  }
  sqlite3_int64 ret = found ? sqlite3_column_int64(q, 0) : 0;
  sqlite3_int64 old_ins = found ? sqlite3_column_int64(q, 1) : 0;
  bool same_pct = found != 0;
  for (int b = 0; b < 8 && found; b++)
    if (sqlite3_column_type(q, 2 + b) == SQLITE_NULL || sqlite3_column_double(q, 2 + b) != pct[b])
      same_pct = false;
  sqlite3_reset(q);
  bool determined = ins_id != 0 || ins != NULL; /* else keep what is there */
  int action = ACT_ADD;
  if (found) {
    bool same = same_pct && (!determined || old_ins == ins_id);
    if (im->has_items && same) {
      q = imp_stmt(im, Q_RET_ANSWERS,
                   "SELECT item_id, met FROM compass_answers WHERE return_id = ?1");
      if (!q)
        return;
      sqlite3_bind_int64(q, 1, ret);
      int m = 0, rc;
      while ((rc = imp_query(im, q)) == 1) {
        sqlite3_int64 id = sqlite3_column_int64(q, 0);
        int v = sqlite3_column_int(q, 1), hit = 0;
        m++;
        for (int j = 0; j < nmet; j++)
          if (im->cat.items[items[j]].id == id)
            hit = met[j] == v;
        same = same && hit;
      }
      sqlite3_reset(q);
      if (rc < 0)
        return;
      same = same && m == nmet;
    }
    action = same ? ACT_SAME : ACT_UPDATE;
  }
  if (!imp_settle(im, NULL, action))
    return;
  /* One row a return: its eight percentages are columns. */
  sqlite3_stmt *w;
  if (!found) {
    w = imp_stmt(im, Q_RET_ADD,
                 "INSERT INTO compass_returns (establishment_id, submitted_at, instrument_id,"
                 " bm1, bm2, bm3, bm4, bm5, bm6, bm7, bm8)"
                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
    if (!w)
      return;
    sqlite3_bind_int64(w, 1, est);
    sqlite3_bind_text(w, 2, imp_date_text(im, C_WHEN), -1, SQLITE_STATIC);
    if (ins_id)
      sqlite3_bind_int64(w, 3, ins_id);
    else
      sqlite3_bind_null(w, 3);
  } else {
    w = imp_stmt(im, Q_RET_SET,
                 "UPDATE compass_returns SET instrument_id = ?3, bm1 = ?4, bm2 = ?5, bm3 = ?6,"
                 " bm4 = ?7, bm5 = ?8, bm6 = ?9, bm7 = ?10, bm8 = ?11 WHERE id = ?1");
    if (!w)
      return;
    sqlite3_bind_int64(w, 1, ret);
    if (determined ? ins_id != 0 : old_ins != 0)
      sqlite3_bind_int64(w, 3, determined ? ins_id : old_ins);
    else
      sqlite3_bind_null(w, 3);
  }
  for (int b = 0; b < 8; b++)
    sqlite3_bind_double(w, 4 + b, pct[b]);
  if (!imp_run(im, w, "writing a Compass return"))
    return;
  if (!found)
    ret = sqlite3_last_insert_rowid(im->db);
  else if (im->has_items) {
    sqlite3_stmt *d = imp_stmt(im, Q_CA_DEL, "DELETE FROM compass_answers WHERE return_id = ?1");
    if (!d)
      return;
    sqlite3_bind_int64(d, 1, ret);
    if (!imp_run(im, d, "writing a Compass return"))
      return;
  }
  for (int j = 0; j < nmet; j++) {
    sqlite3_stmt *w = imp_stmt(im, Q_CA_ADD,
                               "INSERT INTO compass_answers (return_id, item_id, met)"
                               " VALUES (?1, ?2, ?3)");
    if (!w)
      return;
    sqlite3_bind_int64(w, 1, ret);
    sqlite3_bind_int64(w, 2, im->cat.items[items[j]].id);
    sqlite3_bind_int(w, 3, met[j]);
    if (!imp_run(im, w, "writing a Compass return"))
      return;
  }
}
