/* SQLite storage: schema, migrations, transactions, audit log (see
 * store.h). A cleval database is recognised by its application_id; its
 * schema version is user_version. */
#include "store.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "instrument.h"
#include "jsonout.h"
#include "strbuf.h"
#include "tempfile.h"
#include "xalloc.h"

#define APPLICATION_ID 0x636C6576 /* "clev" */
/* How long a command waits for another one's lock before it gives up. */
#define BUSY_TIMEOUT_MS 30000

/* How long a connection waits for another program's lock: BUSY_TIMEOUT_MS,
 * or CLEVAL_BUSY_TIMEOUT_MS from the environment (1 to 3,600,000; for
 * tests, which cannot wait 30 s). */
static int busy_timeout_ms(void) {
  const char *e = getenv("CLEVAL_BUSY_TIMEOUT_MS");
  if (e && *e) {
    char *end;
    long v = strtol(e, &end, 10);
    if (*end == '\0' && v >= 1 && v <= 3600000)
      return (int)v;
  }
  return BUSY_TIMEOUT_MS;
}

/* "PATH: the database is locked by another program ..." into err. */
static int locked(const char *path, char *err, size_t errlen) {
  snprintf(err, errlen,
           "%s: the database is locked by another program (still locked after %g s); try "
           "again when it has finished",
           path, busy_timeout_ms() / 1000.0);
  return -1;
}

/* PRAGMA quick_check of a database, run on a connection and a thread of
 * its own while the store's connection reads (store_open_checking). */
typedef struct sound_check {
  pthread_t thread;
  char *name; /* what to open: the path, or an immutable URI */
  char *path; /* in messages */
  int flags;
  int rc; /* 0 sound, -1 (err) */
  char err[1024];
} sound_check;

struct store {
  sqlite3 *db;
  char *path;
  sound_check *check; /* running, until store_checked */
  char *unsound;       /* what the finished check found, NULL when sound */
  sqlite3_stmt *audit; /* store_audit's INSERT, prepared once */
};

/* 1: the programme's data. */
static const char *const migration1[] = {
    "CREATE TABLE hubs (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  name TEXT NOT NULL UNIQUE);\n",
    "CREATE TABLE establishments (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  urn TEXT NOT NULL UNIQUE,\n"
    "  name TEXT NOT NULL,\n"
    "  type TEXT NOT NULL CHECK (type IN ('mainstream', 'special', 'ap', 'fe_college',\n"
    "                                     'sixth_form_college')),\n"
    "  region TEXT NOT NULL,\n"
    "  hub_id INTEGER REFERENCES hubs(id),\n"
    "  hub_joined TEXT,  -- date it joined its hub; NULL = a member throughout\n"
    "  fsm_pct REAL CHECK (fsm_pct BETWEEN 0 AND 100));\n",
    "CREATE TABLE leaders (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  leader_key TEXT NOT NULL UNIQUE,  -- the pseudonymous id used in files\n"
    "  establishment_id INTEGER NOT NULL REFERENCES establishments(id),\n"
    "  role TEXT NOT NULL CHECK (role IN ('school', 'college_strategic',\n"
    "                                     'college_operational')),\n"
    "  months_in_role INTEGER CHECK (months_in_role >= 0),\n"
    "  contact_consent INTEGER NOT NULL DEFAULT 0 CHECK (contact_consent IN (0, 1)));\n",
    "CREATE INDEX leaders_establishment ON leaders(establishment_id);\n",
    "-- The key to real identities, apart from everything else.\n",
    "CREATE TABLE leader_personal (\n"
    "  leader_id INTEGER PRIMARY KEY REFERENCES leaders(id) ON DELETE CASCADE,\n"
    "  name TEXT,\n"
    "  email TEXT);\n",
    "CREATE TABLE providers (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  provider_key TEXT NOT NULL UNIQUE,\n"
    "  name TEXT NOT NULL,\n"
    "  accreditation TEXT NOT NULL CHECK (accreditation IN ('none', 'level6', 'level7')));\n",
    "CREATE TABLE enrolments (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  leader_id INTEGER NOT NULL REFERENCES leaders(id),\n"
    "  provider_id INTEGER NOT NULL REFERENCES providers(id),\n"
    "  wave INTEGER NOT NULL,\n"
    "  start_date TEXT NOT NULL,\n"
    "  completion_date TEXT,\n"
    "  status TEXT NOT NULL CHECK (status IN ('enrolled', 'completed', 'withdrawn')),\n"
    "  UNIQUE (leader_id, provider_id, wave));\n",
    "CREATE TABLE bursary_claims (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  enrolment_id INTEGER NOT NULL UNIQUE REFERENCES enrolments(id) ON DELETE CASCADE,\n"
    "  claimed_date TEXT NOT NULL,\n"
    "  amount_pence INTEGER NOT NULL DEFAULT 100000);\n",
    "CREATE TABLE instruments (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  key TEXT NOT NULL UNIQUE,\n"
    "  version INTEGER NOT NULL,\n"
    "  title TEXT NOT NULL,\n"
    "  definition TEXT NOT NULL);  -- the instrument's JSON as installed\n",
    "CREATE TABLE items (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  item_key TEXT NOT NULL UNIQUE,  -- stable forever once published\n"
    "  instrument_id INTEGER NOT NULL REFERENCES instruments(id),\n"
    "  position INTEGER NOT NULL,\n"
    "  role TEXT,\n"
    "  area TEXT,\n"
    "  topic TEXT,\n"
    "  benchmark INTEGER,\n"
    "  scale TEXT NOT NULL,\n"
    "  text TEXT NOT NULL);\n",
    "CREATE TABLE responses (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  survey TEXT NOT NULL CHECK (survey IN ('self-assessment', 'long-term')),\n"
    "  leader_id INTEGER REFERENCES leaders(id),  -- NULL: anonymous long-term survey\n"
    "  stage TEXT NOT NULL CHECK (stage IN ('pre', 'post', 'followup')),\n"
    "  role TEXT,  -- the role the leader answered as\n"
    "  response_key TEXT UNIQUE,  -- the survey platform's anonymous response id\n"
    "  submitted_at TEXT NOT NULL,\n"
    "  UNIQUE (leader_id, stage));\n",
    "CREATE TABLE answers (\n"
    "  response_id INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,\n"
    "  item_id INTEGER NOT NULL REFERENCES items(id),\n"
    "  value REAL,  -- Likert and 0/1 answers\n"
    "  code TEXT,   -- categorical answers: the scale's code\n"
    "  PRIMARY KEY (response_id, item_id)) WITHOUT ROWID;\n",
    "-- Area percentage scores, computed once when answers land.\n",
    "CREATE TABLE area_scores (\n"
    "  response_id INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,\n"
    "  area TEXT NOT NULL CHECK (area IN ('leadership', 'management', 'coordination',\n"
    "                                     'networking')),\n"
    "  score REAL,  -- NULL when too few items were answered\n"
    "  items_answered INTEGER NOT NULL,\n"
    "  items_total INTEGER NOT NULL,\n"
    "  PRIMARY KEY (response_id, area)) WITHOUT ROWID;\n",
    "CREATE TABLE compass_returns (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  establishment_id INTEGER NOT NULL REFERENCES establishments(id),\n"
    "  submitted_at TEXT NOT NULL,\n"
    "  instrument_id INTEGER REFERENCES instruments(id),\n"
    "  UNIQUE (establishment_id, submitted_at));\n",
    "CREATE TABLE compass_benchmarks (\n"
    "  return_id INTEGER NOT NULL REFERENCES compass_returns(id) ON DELETE CASCADE,\n"
    "  benchmark INTEGER NOT NULL CHECK (benchmark BETWEEN 1 AND 8),\n"
    "  pct REAL NOT NULL CHECK (pct BETWEEN 0 AND 100),\n"
    "  PRIMARY KEY (return_id, benchmark)) WITHOUT ROWID;\n",
    "CREATE TABLE compass_answers (\n"
    "  return_id INTEGER NOT NULL REFERENCES compass_returns(id) ON DELETE CASCADE,\n"
    "  item_id INTEGER NOT NULL REFERENCES items(id),\n"
    "  met INTEGER NOT NULL CHECK (met IN (0, 1)),\n"
    "  PRIMARY KEY (return_id, item_id)) WITHOUT ROWID;\n",
    "CREATE TABLE users (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  username TEXT NOT NULL UNIQUE,\n"
    "  password_hash TEXT NOT NULL,  -- libsodium crypto_pwhash_str\n"
    "  role TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'provider', 'leader',\n"
    "                                     'establishment')),\n"
    "  provider_id INTEGER REFERENCES providers(id),\n"
    "  establishment_id INTEGER REFERENCES establishments(id),\n"
    "  leader_id INTEGER REFERENCES leaders(id),\n"
    "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')));\n",
    "CREATE TABLE audit_log (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),\n"
    "  actor TEXT NOT NULL,\n"
    "  action TEXT NOT NULL,\n"
    "  detail TEXT);\n",
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log\n"
    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;\n",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log\n"
    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;\n",
    NULL};

/* 2: settings, and one-time survey tokens for the web server. */
static const char *const migration2[] = {
    "CREATE TABLE settings (\n"
    "  key TEXT PRIMARY KEY,\n"
    "  value TEXT NOT NULL);\n",
    "INSERT INTO settings (key, value) VALUES\n"
    "  ('import.duplicates', 'latest_complete'),\n"
    "  ('score.method', 'percent'),\n"
    "  ('score.min_answered', '0.5');\n",
    "CREATE TABLE survey_tokens (\n"
    "  token_hash TEXT PRIMARY KEY,  -- SHA-256 of the token; the token itself is never stored\n"
    "  leader_id INTEGER REFERENCES leaders(id),\n"
    "  stage TEXT NOT NULL CHECK (stage IN ('pre', 'post', 'followup')),\n"
    "  created_at TEXT NOT NULL,\n"
    "  used_at TEXT);\n",
    NULL};

/* 3: the web server: revoked links, answers saved before a survey is
 * submitted, who was invited to the anonymous follow-up (never which link
 * they got), login sessions, and the settings of all of these. */
static const char *const migration3[] = {
    "ALTER TABLE survey_tokens ADD COLUMN revoked_at TEXT;\n",
    "CREATE INDEX survey_tokens_leader ON survey_tokens(leader_id, stage);\n",
    "CREATE TABLE survey_drafts (\n"
    "  token_hash TEXT NOT NULL REFERENCES survey_tokens(token_hash) ON DELETE CASCADE,\n"
    "  item_id INTEGER NOT NULL REFERENCES items(id),\n"
    "  code TEXT NOT NULL,  -- the answer as the scale codes it\n"
    "  PRIMARY KEY (token_hash, item_id)) WITHOUT ROWID;\n",
    "-- Invited to the follow-up: the leader and the day, never the link.\n",
    "CREATE TABLE followup_invitations (\n"
    "  leader_id INTEGER PRIMARY KEY REFERENCES leaders(id) ON DELETE CASCADE,\n"
    "  invited_on TEXT NOT NULL);\n",
    "CREATE TABLE web_sessions (\n"
    "  id_hash TEXT PRIMARY KEY,  -- SHA-256 of the session cookie's value\n"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,\n"
    "  created_at INTEGER NOT NULL,  -- Unix time\n"
    "  last_seen INTEGER NOT NULL);\n",
    "INSERT INTO settings (key, value) VALUES\n"
    "  ('web.session_idle_minutes', '30'),\n"
    "  ('web.login_failures', '5'),\n"
    "  ('web.login_window_minutes', '15'),\n"
    "  ('web.token_failures', '20'),\n"
    "  ('web.token_window_minutes', '10'),\n"
    "  ('invite.followup_months', '6'),\n"
    "  ('invite.followup_as_of', '');\n",
    NULL};

/* 4: the training fund's ledger: waves, each provider's allocation of a
 * wave's places, and a bursary claim's steps (claimed -> approved -> paid). */
static const char *const migration4[] = {
    "CREATE TABLE waves (\n"
    "  wave INTEGER PRIMARY KEY CHECK (wave >= 1),\n"
    "  opens TEXT NOT NULL,   -- YYYY-MM-DD, the first day\n"
    "  closes TEXT NOT NULL,  -- YYYY-MM-DD, the last day\n"
    "  places INTEGER NOT NULL CHECK (places >= 0),\n"
    "  hub_target_pct REAL NOT NULL CHECK (hub_target_pct BETWEEN 0 AND 100),\n"
    "  bursary_pence INTEGER NOT NULL CHECK (bursary_pence >= 0),\n"
    "  CHECK (closes >= opens));\n",
    "CREATE TABLE allocations (\n"
    "  wave INTEGER NOT NULL REFERENCES waves(wave),\n"
    "  provider_id INTEGER NOT NULL REFERENCES providers(id),\n"
    "  places INTEGER NOT NULL CHECK (places >= 0),\n"
    "  PRIMARY KEY (wave, provider_id)) WITHOUT ROWID;\n",
    "CREATE INDEX enrolments_wave ON enrolments(wave, provider_id, status);\n",
    "CREATE INDEX enrolments_leader_wave ON enrolments(leader_id, wave);\n",
    "ALTER TABLE bursary_claims ADD COLUMN status TEXT NOT NULL DEFAULT 'claimed'\n"
    "  CHECK (status IN ('claimed', 'approved', 'paid'));\n",
    "ALTER TABLE bursary_claims ADD COLUMN approved_date TEXT;\n",
    "ALTER TABLE bursary_claims ADD COLUMN paid_date TEXT;\n",
    NULL};

/* 5: establishments' reusable Compass links (only the token's SHA-256). */
static const char *const migration5[] = {
    "CREATE TABLE compass_links (\n"
    "  token_hash TEXT PRIMARY KEY,  -- SHA-256 of the token; the token itself is never stored\n"
    "  establishment_id INTEGER NOT NULL REFERENCES establishments(id),\n"
    "  created_at TEXT NOT NULL,\n"
    "  revoked_at TEXT);\n",
    "CREATE INDEX compass_links_establishment ON compass_links(establishment_id);\n", NULL};

/* 6: the same CHECK constraints, written as OR chains instead of IN lists.
 * SQLite evaluates `x IN (three or more constants)` by building a temporary
 * b-tree (about 87 KB) on every execution of a statement that writes the
 * table, which made each imported row grow and shrink the heap (issue 19);
 * `x = 'a' OR x = 'b' ...` accepts exactly the same values with plain
 * comparisons. The constraints are rewritten in place, SQLite's documented
 * way to change a CHECK constraint (the rows already satisfy it, so
 * nothing else changes); store_init_version then bumps schema_version so
 * that every connection reads the new schema. */
#define CHECK_OR(table, from, to)                                                                  \
  "UPDATE sqlite_master SET sql = replace(sql, '" from "', '" to "')"                              \
  " WHERE type = 'table' AND name = '" table "';\n"
static const char *const migration6[] = {
    "PRAGMA writable_schema = ON;\n",
    CHECK_OR("establishments",
             "type IN (''mainstream'', ''special'', ''ap'', ''fe_college'',\n"
             "                                     ''sixth_form_college'')",
             "type = ''mainstream'' OR type = ''special'' OR type = ''ap''\n"
             "    OR type = ''fe_college'' OR type = ''sixth_form_college''"),
    CHECK_OR("leaders",
             "role IN (''school'', ''college_strategic'',\n"
             "                                     ''college_operational'')",
             "role = ''school'' OR role = ''college_strategic''\n"
             "    OR role = ''college_operational''"),
    CHECK_OR("providers", "accreditation IN (''none'', ''level6'', ''level7'')",
             "accreditation = ''none'' OR accreditation = ''level6''\n"
             "    OR accreditation = ''level7''"),
    CHECK_OR("enrolments", "status IN (''enrolled'', ''completed'', ''withdrawn'')",
             "status = ''enrolled'' OR status = ''completed'' OR status = ''withdrawn''"),
    CHECK_OR("bursary_claims", "status IN (''claimed'', ''approved'', ''paid'')",
             "status = ''claimed'' OR status = ''approved'' OR status = ''paid''"),
    CHECK_OR("responses", "stage IN (''pre'', ''post'', ''followup'')",
             "stage = ''pre'' OR stage = ''post'' OR stage = ''followup''"),
    CHECK_OR("area_scores",
             "area IN (''leadership'', ''management'', ''coordination'',\n"
             "                                     ''networking'')",
             "area = ''leadership'' OR area = ''management''\n"
             "    OR area = ''coordination'' OR area = ''networking''"),
    CHECK_OR("users",
             "role IN (''admin'', ''analyst'', ''provider'', ''leader'',\n"
             "                                     ''establishment'')",
             "role = ''admin'' OR role = ''analyst'' OR role = ''provider''\n"
             "    OR role = ''leader'' OR role = ''establishment''"),
    CHECK_OR("survey_tokens", "stage IN (''pre'', ''post'', ''followup'')",
             "stage = ''pre'' OR stage = ''post'' OR stage = ''followup''"),
    "PRAGMA writable_schema = OFF;\n",
    NULL};
#undef CHECK_OR

/* 7: the audit log refuses an entry that would take an existing one's id
 * (INSERT OR REPLACE deletes the old row without firing the delete
 * trigger) and any field holding a line break or another control
 * character, so that no entry can pass for two. */
static const char *const migration7[] = {
    "CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log\n"
    "  WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)\n"
    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;\n",
    "CREATE TRIGGER audit_log_one_line BEFORE INSERT ON audit_log\n"
    "  WHEN NEW.actor GLOB ('*[' || char(1, 9, 10, 13, 27) || ']*')\n"
    "    OR NEW.action GLOB ('*[' || char(1, 9, 10, 13, 27) || ']*')\n"
    "    OR NEW.detail GLOB ('*[' || char(1, 9, 10, 13, 27) || ']*')\n"
    "  BEGIN SELECT RAISE(ABORT, 'an audit entry holds a control character'); END;\n",
    NULL};

/* 8: the default duplicates rule becomes most_complete (most knowledge
 * items answered, then the latest); a database still holding the old
 * default, latest_complete, moves with it. */
static const char *const migration8[] = {
    "UPDATE settings SET value = 'most_complete'\n"
    "  WHERE key = 'import.duplicates' AND value = 'latest_complete';\n",
    NULL};

/* 9: a Compass return's eight benchmark percentages become columns bm1-bm8
 * of compass_returns (NULL: not recorded), moved from compass_benchmarks,
 * which goes: one b-tree row a return instead of nine (issue 19: the
 * benchmark rows were the largest share of the Compass import and of the
 * report's loading). The columns keep compass_benchmarks' check; the move
 * runs in the migration's one transaction. */
#define BM_COL(n)                                                                                  \
  "ALTER TABLE compass_returns ADD COLUMN bm" #n " REAL CHECK (bm" #n " BETWEEN 0 AND 100);\n"
#define BM_PCT(n) "max(CASE benchmark WHEN " #n " THEN pct END)"
static const char *const migration9[] = {
    BM_COL(1),
    BM_COL(2),
    BM_COL(3),
    BM_COL(4),
    BM_COL(5),
    BM_COL(6),
    BM_COL(7),
    BM_COL(8),
    "UPDATE compass_returns SET (bm1, bm2, bm3, bm4, bm5, bm6, bm7, bm8) =\n"
    "  (SELECT " BM_PCT(1) ", " BM_PCT(2) ", " BM_PCT(3) ", " BM_PCT(
        4) ",\n"
           "          " BM_PCT(5) ", " BM_PCT(6) ", " BM_PCT(7) ", " BM_PCT(
               8) "\n"
                  "   FROM compass_benchmarks WHERE return_id = compass_returns.id);\n",
    "DROP TABLE compass_benchmarks;\n",
    NULL};
#undef BM_COL
#undef BM_PCT

/* Numbered migrations: migrations[i] takes the schema from version i to
 * i + 1, one statement per string. Published migrations never change; new
 * ones are appended. */
static const char *const *const migrations[] = {migration1, migration2, migration3,
                                                migration4, migration5, migration6,
                                                migration7, migration8, migration9};
#define LATEST ((int)(sizeof migrations / sizeof migrations[0]))

int store_schema_latest(void) { return LATEST; }

/* The file of db's main database as the user would name it: relative to
 * the working directory when it lies below it (SQLite keeps the absolute
 * path), "" for none (in memory). Caller frees. */
static char *db_file_name(sqlite3 *db) {
  const char *f = db ? sqlite3_db_filename(db, "main") : NULL;
  if (!f || !*f)
    return xstrdup("");
  char cwd[4096];
  size_t n;
  if (getcwd(cwd, sizeof cwd) && (n = strlen(cwd)) > 1 && strncmp(f, cwd, n) == 0 && f[n] == '/')
    return xstrdup(f + n + 1);
  return xstrdup(f);
}

/* Whether what already names db's file (a path, or the file a temporary
 * database stands in for): its last component begins the file's. */
static bool names_file(const char *what, const char *file) {
  if (!strchr(what, '/') && !strchr(what, '.'))
    return false;
  const char *w = strrchr(what, '/'), *f = strrchr(file, '/');
  w = w ? w + 1 : what;
  f = f ? f + 1 : file;
  return *w && strncmp(f, w, strlen(w)) == 0;
}

int store_fail(sqlite3 *db, const char *what, char *err, size_t errlen) {
  const char *msg = db ? sqlite3_errmsg(db) : "out of memory";
  char *file = db_file_name(db);
  int code = db ? sqlite3_errcode(db) & 0xff : 0;
  if (*file && (code == SQLITE_BUSY || code == SQLITE_LOCKED))
    locked(file, err, errlen);
  else if (*file && !names_file(what, file))
    snprintf(err, errlen, "%s: %s: %s", file, what, msg);
  else
    snprintf(err, errlen, "%s: %s", what, msg);
  free(file);
  return -1;
}

int store_step_id(sqlite3 *db, const char *what, const char *sql, sqlite3_int64 id,
                  const char *text, long long *out, char *err, size_t errlen) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
    return store_fail(db, what, err, errlen);
  sqlite3_bind_int64(st, 1, id);
  if (text)
    sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  long long v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : sqlite3_changes(db);
  sqlite3_finalize(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return store_fail(db, what, err, errlen);
  if (out)
    *out = v;
  return 0;
}

static int exec(sqlite3 *db, const char *sql, char *err, size_t errlen) {
  char *msg = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    snprintf(err, errlen, "%s", msg ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    return -1;
  }
  return 0;
}

/* Says in err why SQLite could not use the file at path (rc is the
 * failed call's result): a file that is not SQLite, a damaged one, a lock
 * still held after the busy timeout, or the operating system's reason. */
static int describe(sqlite3 *db, int rc, const char *path, char *err, size_t errlen) {
  int sys = db ? sqlite3_system_errno(db) : 0;
  switch (rc & 0xff) {
  case SQLITE_NOTADB:
    snprintf(err, errlen, "%s: not a cleval database (not an SQLite database at all)", path);
    break;
  case SQLITE_CORRUPT:
    snprintf(err, errlen,
             "%s: the database is damaged (%s); restore it from a backup with 'cleval restore'",
             path, db ? sqlite3_errmsg(db) : "corrupt");
    break;
  case SQLITE_BUSY:
  case SQLITE_LOCKED: locked(path, err, errlen); break;
  case SQLITE_READONLY:
    snprintf(err, errlen, "%s: the database cannot be written (%s%s%s)", path,
             db ? sqlite3_errmsg(db) : "read-only", sys ? ": " : "", sys ? strerror(sys) : "");
    break;
  case SQLITE_CANTOPEN:
  case SQLITE_IOERR:
  case SQLITE_PERM:
  case SQLITE_FULL:
    snprintf(err, errlen, "%s: cannot use the database (%s%s%s)", path,
             db ? sqlite3_errmsg(db) : "cannot open", sys ? ": " : "", sys ? strerror(sys) : "");
    break;
  default: snprintf(err, errlen, "%s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
  }
  return -1;
}

/* Opens the file with our connection settings. */
static int connect(sqlite3 **db, const char *path, int flags, char *err, size_t errlen) {
  int rc = sqlite3_open_v2(path, db, flags, NULL);
  if (rc != SQLITE_OK) {
    describe(*db, rc, path, err, errlen);
    sqlite3_close(*db);
    *db = NULL;
    return -1;
  }
  sqlite3_busy_timeout(*db, busy_timeout_ms());
  sqlite3_extended_result_codes(*db, 1);
  if (exec(*db, "PRAGMA foreign_keys = ON", err, errlen) != 0) {
    sqlite3_close(*db);
    *db = NULL;
    return -1;
  }
  return 0;
}

/* Runs a one-value pragma or query, with describe()'s message on failure. */
static int query_int(sqlite3 *db, const char *sql, const char *path, int *out, char *err,
                     size_t errlen) {
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
  if (rc == SQLITE_OK) {
    rc = sqlite3_step(st);
    *out = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
  }
  sqlite3_finalize(st);
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return 0;
  return describe(db, rc, path, err, errlen);
}

/* Reads the application id and version; fails when the file is not a
 * SQLite database at all or belongs to something else. A locked, unreadable
 * or damaged file is said to be so, never "not a cleval database". */
static int identify(sqlite3 *db, const char *path, int *version, char *err, size_t errlen) {
  int app = 0, tables = 0;
  if (query_int(db, "PRAGMA application_id", path, &app, err, errlen) != 0 ||
      query_int(db, "SELECT count(*) FROM sqlite_master", path, &tables, err, errlen) != 0 ||
      query_int(db, "PRAGMA user_version", path, version, err, errlen) != 0)
    return -1;
  if (app != APPLICATION_ID && !(app == 0 && tables == 0 && *version == 0)) {
    snprintf(err, errlen, "%s: not a cleval database (it belongs to another program)", path);
    return -1;
  }
  return 0;
}

/* PRAGMA quick_check: the file's structure (pages, records, indexes) is
 * sound. A damaged database fails with a message naming the first fault. */
static int check_sound(sqlite3 *db, const char *path, char *err, size_t errlen) {
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &st, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step(st);
  if (rc != SQLITE_ROW) {
    describe(db, rc, path, err, errlen);
    sqlite3_finalize(st);
    return -1;
  }
  const char *v = (const char *)sqlite3_column_text(st, 0);
  if (!v || strcmp(v, "ok") != 0) {
    /* One line: SQLite's report may name the schema on a line of its own. */
    char why[256];
    snprintf(why, sizeof why, "%s", v ? v : "quick_check gave no answer");
    if (strncmp(why, "*** in database main ***\n", 25) == 0)
      memmove(why, why + 25, strlen(why + 25) + 1);
    for (char *c = why; *c; c++)
      if (*c == '\n' || *c == '\r')
        *c = ' ';
    snprintf(err, errlen,
             "%s: the database is damaged (%s); restore it from a backup with 'cleval restore'",
             path, why);
    sqlite3_finalize(st);
    return -1;
  }
  sqlite3_finalize(st);
  return 0;
}

static int audit_insert(sqlite3 *db, const char *actor, const char *action, const char *detail,
                        char *err, size_t errlen);

static bool file_exists(const char *path, off_t *size) {
  struct stat st;
  if (stat(path, &st) != 0)
    return false;
  *size = st.st_size;
  return true;
}

static int install_instruments(sqlite3 *db, const instrument_bank *bank, char *err, size_t errlen) {
  /* Published items never change: existing ids are left as they are. */
  const char *ins_instr = "INSERT INTO instruments (key, version, title, definition)"
                          " VALUES (?1, ?2, ?3, ?4)"
                          " ON CONFLICT (key) DO UPDATE SET version = excluded.version,"
                          " title = excluded.title, definition = excluded.definition"
                          " WHERE excluded.version > instruments.version";
  const char *get_instr = "SELECT id FROM instruments WHERE key = ?1";
  const char *ins_item = "INSERT OR IGNORE INTO items (item_key, instrument_id, position, role,"
                         " area, topic, benchmark, scale, text)"
                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
  sqlite3_stmt *s1 = NULL, *s2 = NULL, *s3 = NULL;
  int rc = -1;
  if (sqlite3_prepare_v2(db, ins_instr, -1, &s1, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db, get_instr, -1, &s2, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db, ins_item, -1, &s3, NULL) != SQLITE_OK) {
    store_fail(db, "installing instruments", err, errlen);
    goto cleanup;
  }
  for (size_t i = 0; i < bank->n; i++) {
    const instrument *in = bank->list[i];
    sqlite3_reset(s1);
    sqlite3_bind_text(s1, 1, in->key, -1, SQLITE_STATIC);
    sqlite3_bind_int(s1, 2, in->version);
    sqlite3_bind_text(s1, 3, in->title, -1, SQLITE_STATIC);
    sqlite3_bind_text(s1, 4, in->source, -1, SQLITE_STATIC);
    sqlite3_reset(s2);
    sqlite3_bind_text(s2, 1, in->key, -1, SQLITE_STATIC);
    if (sqlite3_step(s1) != SQLITE_DONE || sqlite3_step(s2) != SQLITE_ROW) {
      store_fail(db, in->key, err, errlen);
      goto cleanup;
    }
    sqlite3_int64 instr_id = sqlite3_column_int64(s2, 0);
    for (size_t j = 0; j < in->nitems; j++) {
      const instrument_item *it = &in->items[j];
      sqlite3_reset(s3);
      sqlite3_bind_text(s3, 1, it->id, -1, SQLITE_STATIC);
      sqlite3_bind_int64(s3, 2, instr_id);
      sqlite3_bind_int64(s3, 3, (sqlite3_int64)j + 1);
      sqlite3_bind_text(s3, 4, it->role, -1, SQLITE_STATIC);
      sqlite3_bind_text(s3, 5, it->area, -1, SQLITE_STATIC);
      sqlite3_bind_text(s3, 6, it->topic, -1, SQLITE_STATIC);
      if (it->benchmark)
        sqlite3_bind_int(s3, 7, it->benchmark);
      else
        sqlite3_bind_null(s3, 7);
      sqlite3_bind_text(s3, 8, it->scale->name, -1, SQLITE_STATIC);
      sqlite3_bind_text(s3, 9, it->text, -1, SQLITE_STATIC);
      if (sqlite3_step(s3) != SQLITE_DONE) {
        store_fail(db, it->id, err, errlen);
        goto cleanup;
      }
    }
  }
  rc = 0;
cleanup:
  sqlite3_finalize(s1);
  sqlite3_finalize(s2);
  sqlite3_finalize(s3);
  return rc;
}

int store_init(const char *path, const instrument_bank *bank, const char *actor, int *from_version,
               int *was_current, char *err, size_t errlen) {
  return store_init_version(path, bank, actor, LATEST, from_version, was_current, err, errlen);
}

int store_init_version(const char *path, const instrument_bank *bank, const char *actor, int target,
                       int *from_version, int *was_current, char *err, size_t errlen) {
  *from_version = 0;
  *was_current = 0;
  off_t size = 0;
  bool existed = file_exists(path, &size);
  sqlite3 *db = NULL;
  /* A new database is made in a temporary file beside path and linked
   * into place when complete: an interrupted init leaves no half-made
   * database at path (only PATH.tmp-PID-XXXXXX, which nothing reads and
   * the next init removes: tempfile_clean). */
  char *tmp = NULL;
  tempfile_clean(path, time(NULL)); /* what killed inits left */
  if (!existed) {
    int fd = tempfile_open(path, &tmp, err, errlen);
    if (fd < 0)
      return -1;
    close(fd);
  }
  if (connect(&db, tmp ? tmp : path, SQLITE_OPEN_READWRITE, err, errlen) != 0) {
    if (tmp)
      remove(tmp);
    free(tmp);
    return -1;
  }
  int version = 0;
  if (identify(db, path, &version, err, errlen) != 0)
    goto fail;
  if (existed && size > 0 && version == 0) {
    snprintf(err, errlen, "%s: not a cleval database; refusing to overwrite it", path);
    goto fail;
  }
  *from_version = version;
  if (target < 1 || target > LATEST) {
    snprintf(err, errlen, "schema version %d does not exist (1 to %d)", target, LATEST);
    goto fail;
  }
  if (version == target) {
    *was_current = 1;
    snprintf(err, errlen, "%s: already a cleval database at schema version %d; nothing to do", path,
             version);
    goto fail;
  }
  if (version > target) {
    snprintf(err, errlen,
             "%s: schema version %d is newer than this cleval understands (%d); upgrade cleval",
             path, version, target);
    goto fail;
  }
  /* WAL cannot be switched on inside a transaction. */
  if (exec(db, "PRAGMA journal_mode = WAL", err, errlen) != 0 ||
      exec(db, "BEGIN IMMEDIATE", err, errlen) != 0)
    goto fail;
  for (int v = version; v < target; v++) {
    int failed = 0;
    for (const char *const *stmt = migrations[v]; *stmt && !failed; stmt++)
      failed = exec(db, *stmt, err, errlen) != 0;
    if (failed) {
      char msg[512];
      snprintf(msg, sizeof msg, "%s: migration to schema version %d failed: %s", path, v + 1, err);
      snprintf(err, errlen, "%s", msg);
      goto rollback;
    }
  }
  /* A migration may have rewritten sqlite_master (6 does): a new
   * schema_version makes every connection read the schema again. */
  int cookie = 0;
  if (query_int(db, "PRAGMA schema_version", path, &cookie, err, errlen) != 0)
    goto rollback;
  char pragmas[160];
  snprintf(pragmas, sizeof pragmas,
           "PRAGMA application_id = %d; PRAGMA user_version = %d; PRAGMA schema_version = %d",
           APPLICATION_ID, target, cookie + 1);
  if (exec(db, pragmas, err, errlen) != 0 || install_instruments(db, bank, err, errlen) != 0)
    goto rollback;
  char detail[128];
  snprintf(detail, sizeof detail, "schema version %d -> %d", version, target);
  if (audit_insert(db, actor, version ? "migrate" : "init", detail, err, errlen) != 0)
    goto rollback;
  if (exec(db, "COMMIT", err, errlen) != 0)
    goto rollback;
  if (sqlite3_close(db) != SQLITE_OK) {
    store_fail(db, path, err, errlen);
    goto fail;
  }
  db = NULL;
  if (tmp) {
    /* link() refuses to replace a file made at path meanwhile. */
    if (link(tmp, path) != 0 && (errno != EPERM || rename(tmp, path) != 0)) {
      snprintf(err, errlen, "%s: cannot put the new database in place: %s", path, strerror(errno));
      goto fail;
    }
    remove(tmp);
    free(tmp);
  }
  return 0;
rollback:
  sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
fail:
  sqlite3_close(db);
  if (tmp) {
    remove(tmp);
    free(tmp);
  }
  return -1;
}

/* Whether path lies on a filesystem mounted read-only: nobody can write
 * the database there, so SQLite may read it as immutable (it needs no
 * -shm file, which it could not create). */
static bool on_readonly_fs(const char *path) {
  struct statvfs vfs;
  return statvfs(path, &vfs) == 0 && (vfs.f_flag & ST_RDONLY);
}

static void *sound_check_run(void *arg);

static bool in_wal_mode(sqlite3 *db) {
  sqlite3_stmt *st = NULL;
  bool wal = sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL) == SQLITE_OK &&
             sqlite3_step(st) == SQLITE_ROW &&
             sqlite3_stricmp((const char *)sqlite3_column_text(st, 0), "wal") == 0;
  sqlite3_finalize(st);
  return wal;
}

/* Opens path with flags. PRAGMA quick_check before it returns; or, when
 * background, in a thread of its own (store_checked). */
static int open_flags(store **out, const char *path, int flags, bool background, char *err,
                      size_t errlen) {
  *out = NULL;
  off_t size;
  if (!file_exists(path, &size)) {
    snprintf(err, errlen, "%s: no such database (create it with 'cleval init %s')", path, path);
    return -1;
  }
  sqlite3 *db = NULL;
  bool readonly = !(flags & SQLITE_OPEN_READWRITE);
  if (!readonly && on_readonly_fs(path)) {
    snprintf(err, errlen,
             "%s: the database cannot be written (it is on a read-only filesystem); "
             "reports and exports can still read it",
             path);
    return -1;
  }
  char *name = NULL; /* an immutable URI that opened it */
  if (readonly && on_readonly_fs(path)) {
    char *uri = sqlite3_mprintf("file:%s?immutable=1", path);
    /* The path is a file name, not a URI: every character it holds that a
     * URI would read ('?', '#', '%') must not reach SQLite raw. */
    bool plain = strpbrk(path, "?#%") == NULL;
    int rc = plain ? connect(&db, uri, flags | SQLITE_OPEN_URI, err, errlen) : -1;
    if (rc == 0)
      name = xstrdup(uri);
    sqlite3_free(uri);
    if (rc != 0 && connect(&db, path, flags, err, errlen) != 0)
      return -1;
  } else if (connect(&db, path, flags, err, errlen) != 0) {
    return -1;
  }
  int version = 0;
  if (identify(db, path, &version, err, errlen) != 0) {
    sqlite3_close(db);
    free(name);
    return -1;
  }
  if (version != LATEST) {
    if (version == 0)
      snprintf(err, errlen, "%s: not a cleval database (create one with 'cleval init')", path);
    else if (version < LATEST)
      snprintf(err, errlen,
               "%s: schema version %d is older than this cleval's %d; migrate it with "
               "'cleval init %s'",
               path, version, LATEST, path);
    else
      snprintf(err, errlen, "%s: schema version %d is newer than this cleval understands (%d)",
               path, version, LATEST);
    sqlite3_close(db);
    free(name);
    return -1;
  }
  /* A writer checks beside its reading only in WAL mode, where the check's
   * reading cannot hold up the writer's commit; in a rollback journal it
   * could (a backup file is one). */
  if (background && !readonly && !in_wal_mode(db))
    background = false;
  sound_check *check = NULL;
  if (background) {
    check = xcalloc(1, sizeof *check);
    check->name = name ? name : xstrdup(path);
    check->path = xstrdup(path);
    /* The check only reads: read-only, whoever opened the store. */
    check->flags = (flags & ~SQLITE_OPEN_READWRITE) | SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX |
                   (name ? SQLITE_OPEN_URI : 0);
    name = NULL;
    if (pthread_create(&check->thread, NULL, sound_check_run, check) != 0) {
      free(check->name);
      free(check->path);
      free(check);
      check = NULL;
      background = false;
    }
  }
  free(name);
  if (!background && check_sound(db, path, err, errlen) != 0) {
    sqlite3_close(db);
    return -1;
  }
  store *s = xcalloc(1, sizeof *s);
  s->db = db;
  s->path = xstrdup(path);
  s->check = check;
  *out = s;
  return 0;
}

static void *sound_check_run(void *arg) {
  sound_check *c = arg;
  sqlite3 *db = NULL;
  c->rc = connect(&db, c->name, c->flags, c->err, sizeof c->err);
  if (c->rc == 0)
    c->rc = check_sound(db, c->path, c->err, sizeof c->err);
  sqlite3_close(db);
  return NULL;
}

int store_checked(store *s, char *err, size_t errlen) {
  sound_check *c = s->check;
  if (c) {
    pthread_join(c->thread, NULL);
    s->check = NULL;
    if (c->rc != 0)
      s->unsound = xstrdup(c->err);
    free(c->name);
    free(c->path);
    free(c);
  }
  if (!s->unsound)
    return 0;
  snprintf(err, errlen, "%s", s->unsound);
  return -1;
}

int store_check_file(const char *path, int *version, char *err, size_t errlen) {
  *version = 0;
  off_t size;
  if (!file_exists(path, &size)) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return -1;
  }
  sqlite3 *db;
  if (connect(&db, path, SQLITE_OPEN_READONLY, err, errlen) != 0)
    return -1;
  int rc = identify(db, path, version, err, errlen);
  if (rc == 0 && (*version < 1 || *version > LATEST)) {
    if (*version < 1)
      snprintf(err, errlen, "%s: not a cleval database", path);
    else
      snprintf(err, errlen, "%s: schema version %d is newer than this cleval understands (%d)",
               path, *version, LATEST);
    rc = -1;
  }
  if (rc == 0)
    rc = check_sound(db, path, err, errlen);
  sqlite3_close(db);
  return rc;
}

int store_open(store **out, const char *path, char *err, size_t errlen) {
  return open_flags(out, path, SQLITE_OPEN_READWRITE, false, err, errlen);
}

/* NOMUTEX: the read-only callers (report, scores, instruments, user list)
 * use their connection from one thread, so SQLite's per-call mutex (about a
 * fifth of a report's data loading) is not needed. */
int store_open_readonly(store **out, const char *path, char *err, size_t errlen) {
  return open_flags(out, path, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, false, err, errlen);
}

/* quick_check reads and decodes every page of the file (a fifth of a
 * report's time): a report runs it beside its own reading. */
int store_open_checking(store **out, const char *path, char *err, size_t errlen) {
  return open_flags(out, path, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, true, err, errlen);
}

/* The same for an import, whose reading pass runs beside the check (at
 * scale 100 the check is about half of a long-term import's time). The
 * import uses its connection from one thread (the check has its own), so
 * NOMUTEX spares it a mutex on every bind, step and column read. */
int store_open_checking_writable(store **out, const char *path, char *err, size_t errlen) {
  return open_flags(out, path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, true, err, errlen);
}

void store_close(store *s) {
  if (!s)
    return;
  char ignored[8];
  store_checked(s, ignored, sizeof ignored);
  sqlite3_finalize(s->audit);
  sqlite3_close(s->db);
  free(s->path);
  free(s->unsound);
  free(s);
}

sqlite3 *store_db(store *s) { return s->db; }

const char *store_path(const store *s) { return s->path; }

int store_begin(store *s, char *err, size_t errlen) {
  if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
    int code = sqlite3_errcode(s->db) & 0xff;
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
      return locked(s->path, err, errlen);
    snprintf(err, errlen, "cannot start a transaction on %s: %s", s->path, sqlite3_errmsg(s->db));
    return -1;
  }
  return 0;
}

int store_commit(store *s, char *err, size_t errlen) {
  if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "cannot commit to %s: %s", s->path, sqlite3_errmsg(s->db));
    store_rollback(s);
    return -1;
  }
  return 0;
}

void store_rollback(store *s) {
  if (!sqlite3_get_autocommit(s->db))
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

/* A copy of s with every control character written as an escape (\n,
 * \r, \t, \\, \xNN): one line, whatever a file name held. */
static char *one_line(const char *s) {
  strbuf b = STRBUF_INIT;
  for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
    switch (*p) {
    case '\\': strbuf_puts(&b, "\\\\"); break;
    case '\n': strbuf_puts(&b, "\\n"); break;
    case '\r': strbuf_puts(&b, "\\r"); break;
    case '\t': strbuf_puts(&b, "\\t"); break;
    default:
      if (*p < 0x20 || *p == 0x7f)
        strbuf_printf(&b, "\\x%02x", *p);
      else
        strbuf_putc(&b, (char)*p);
    }
  }
  return strbuf_detach(&b);
}

#define AUDIT_INSERT "INSERT INTO audit_log (actor, action, detail) VALUES (?1, ?2, ?3)"

/* Runs the audit log's INSERT st for one entry, then resets it. */
static int audit_run(sqlite3 *db, sqlite3_stmt *st, const char *actor, const char *action,
                     const char *detail, char *err, size_t errlen) {
  char *a = one_line(actor), *b = one_line(action);
  sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, detail, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  if (rc != SQLITE_DONE)
    store_fail(db, "audit log", err, errlen);
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  free(a);
  free(b);
  return rc == SQLITE_DONE ? 0 : -1;
}

static int audit_insert(sqlite3 *db, const char *actor, const char *action, const char *detail,
                        char *err, size_t errlen) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, AUDIT_INSERT, -1, &st, NULL) != SQLITE_OK)
    return store_fail(db, "audit log", err, errlen);
  int rc = audit_run(db, st, actor, action, detail, err, errlen);
  sqlite3_finalize(st);
  return rc;
}

/* The store's own INSERT is prepared once: a run of bursary steps writes
 * an entry each, and preparing it (with the log's triggers) cost more than
 * the step (issue 19). */
int store_audit(store *s, const char *actor, const char *action, const char *detail, char *err,
                size_t errlen) {
  if (!s->audit && sqlite3_prepare_v2(s->db, AUDIT_INSERT, -1, &s->audit, NULL) != SQLITE_OK) {
    s->audit = NULL;
    return store_fail(s->db, "audit log", err, errlen);
  }
  char *d = detail ? one_line(detail) : NULL;
  int rc = audit_run(s->db, s->audit, actor, action, d, err, errlen);
  free(d);
  return rc;
}

int store_audit_db(sqlite3 *db, const char *actor, const char *action, const char *const *fields,
                   char *err, size_t errlen) {
  json_t *o = json_object();
  for (size_t i = 0; fields && fields[i] && fields[i + 1]; i += 2)
    jsonout_set(o, fields[i], jsonout_string(fields[i + 1]));
  strbuf b = STRBUF_INIT;
  jsonout_put(&b, o, JSON_COMPACT);
  json_decref(o);
  /* JSON has escaped every control character below 0x20: one line. */
  int rc = audit_insert(db, actor, action, strbuf_str(&b), err, errlen);
  strbuf_free(&b);
  return rc;
}

int store_setting_get(store *s, const char *key, const char *def, char **out, char *err,
                      size_t errlen) {
  *out = NULL;
  sqlite3_stmt *st;
  int rc = sqlite3_prepare_v2(s->db, "SELECT value FROM settings WHERE key = ?1", -1, &st, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
      const unsigned char *v = sqlite3_column_text(st, 0);
      *out = xstrdup(v ? (const char *)v : def);
    } else if (rc == SQLITE_DONE) {
      *out = xstrdup(def);
    }
  }
  if (!*out)
    snprintf(err, errlen, "setting %s: %s", key, sqlite3_errmsg(s->db));
  sqlite3_finalize(st);
  return *out ? 0 : -1;
}

char *store_setting(store *s, const char *key, const char *def) {
  char *v, err[256];
  return store_setting_get(s, key, def, &v, err, sizeof err) == 0 ? v : xstrdup(def);
}

int store_instruments(store *s, instrument_bank **out, int64_t **ids, char *err, size_t errlen) {
  sqlite3 *db = store_db(s);
  sqlite3_stmt *st;
  *out = NULL;
  if (ids)
    *ids = NULL;
  if (sqlite3_prepare_v2(db, "SELECT id, key, definition FROM instruments ORDER BY key", -1, &st,
                         NULL) != SQLITE_OK)
    return store_fail(db, "reading instruments", err, errlen);
  instrument_bank *b = xcalloc(1, sizeof *b);
  int64_t *idv = NULL;
  int step, rc = 0;
  while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
    const char *key = (const char *)sqlite3_column_text(st, 1);
    const char *def = (const char *)sqlite3_column_text(st, 2);
    instrument *in;
    if (instrument_parse(&in, key, def, (size_t)sqlite3_column_bytes(st, 2), err, errlen) != 0) {
      rc = -1;
      break;
    }
    b->list = xrealloc(b->list, (b->n + 1) * sizeof *b->list);
    idv = xrealloc(idv, (b->n + 1) * sizeof *idv);
    idv[b->n] = sqlite3_column_int64(st, 0);
    b->list[b->n++] = in;
  }
  if (rc == 0 && step != SQLITE_DONE)
    rc = store_fail(db, "reading instruments", err, errlen);
  sqlite3_finalize(st);
  if (rc != 0) {
    instrument_bank_free(b);
    free(idv);
    return -1;
  }
  *out = b;
  if (ids)
    *ids = idv;
  else
    free(idv);
  return 0;
}
