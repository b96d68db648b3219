/* The import module's private parts, shared by its files: the state of one
 * import (importer), the KIND table's entry, the item catalog, and the
 * helpers every KIND's rows use (problems, cell validators, statements).
 * Nothing outside src/import*.c includes this. */
#ifndef CLEVAL_IMPORT_INTERNAL_H
#define CLEVAL_IMPORT_INTERNAL_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "csvin.h"
#include "date.h"
#include "fund.h"
#include "import.h"
#include "instrument.h"
#include "score.h"
#include "store.h"
#include "strbuf.h"
#include "subreg.h"
#include "vocab.h"

/* The duplicate rules, in the order of import_duplicate_rules[]. */
enum rule { R_LATEST_COMPLETE, R_LATEST, R_EARLIEST, R_MOST_COMPLETE, R_ERROR };

/* Leaders' roles as stored (vocab.h), and the stages a self-assessment file
 * may carry (pre, post: vocab's first two), NULL-terminated. */
#define imp_roles vocab_names(VOCAB_ROLE)
#define NROLES VOCAB_NROLES
extern const char *const imp_stages[];

/* ---------------------------------------------------------------------- */
/* The items installed in the database, with their scales (import_catalog.c). */

enum { INS_SELF, INS_REFLECTIVE, INS_LONGTERM, INS_COMPASS, INS_OTHER };

typedef struct citem {
  sqlite3_int64 id;            /* items.id */
  sqlite3_int64 instrument_id; /* instruments.id */
  const instrument *in;
  const instrument_item *it;
  int ins;  /* INS_* */
  int role; /* knowledge items: index in imp_roles; Compass: 0 school, 1 college; else -1 */
  int area; /* knowledge items: enum score_area; else -1 */
} citem;

struct smap;

typedef struct catalog {
  instrument_bank *bank;
  int64_t *instrument_ids; /* parallel to bank->list */
  citem *items;
  size_t n;
  struct smap *index; /* item_key -> index in items */
  int *by_id;         /* items.id -> index, -1 when none */
  sqlite3_int64 max_id;
  int total[NROLES][SCORE_NAREAS]; /* knowledge items per role and area */
  int knowledge[NROLES];           /* knowledge items per role */
  size_t nwords;                   /* 64-bit words in a bitset over items */
  /* Built by catalog_match_header for the kind hdr_ins: lower-case ids and
   * folded question texts -> index in items. */
  struct smap *hdr_ids, *hdr_texts;
  struct smap *hdr_twice; /* texts worded alike for two items of one role -> the second */
  int hdr_ins;
} catalog;

/* Reads the installed instruments and items of s; -1 with a message on a
 * failure. Free with catalog_free() whatever the return. */
int catalog_load(catalog *c, store *s, char *err, size_t errlen);
void catalog_free(catalog *c);
/* The index in c->items of the item with this id, or -1. */
int catalog_find(const catalog *c, const char *key, size_t len);
/* The item a header names: its id (any case), or its question text as the
 * instrument words it (with or without the instrument's stem, compared
 * folded, see imp_fold), among the items of instruments of kind ins (and the
 * reflective items with INS_SELF); -1 when none. When the text is that of
 * two items of one role (an instrument may word two items alike), *twice
 * (unless twice is NULL) is the second, else -1. */
int catalog_match_header(catalog *c, const char *name, int ins, int *twice);

/* A hash map from byte strings to numbers (import_catalog.c): get gives
 * the number's place or NULL; put adds key with val unless it is there
 * (*added) and gives the place. Free with imp_smap_free (NULL: nothing). */
struct smap *imp_smap_new(void);
size_t *imp_smap_get(const struct smap *m, const char *key, size_t len);
size_t *imp_smap_put(struct smap *m, const char *key, size_t len, size_t val, bool *added);
void imp_smap_free(struct smap *m);

/* Header names seen so far, compared as strcasecmp does, in time linear in
 * their number. */
typedef struct imp_nameset imp_nameset;
imp_nameset *imp_nameset_new(void);
/* Adds name under index; returns the index of an earlier name equal to it
 * (then name is not added), or -1. */
long imp_nameset_add(imp_nameset *s, const char *name, size_t index);
/* The index name was added under, or -1. */
long imp_nameset_find(imp_nameset *s, const char *name);
void imp_nameset_free(imp_nameset *s);
/* For a knowledge item k: the item of the same instrument and the same
 * question text for role (an index in imp_roles), or -1. */
int catalog_for_role(const catalog *c, int k, int role);
/* INS_* for an instrument key. */
int catalog_instrument_kind(const char *key);

/* ---------------------------------------------------------------------- */
/* The columns of a KIND. */

typedef struct colspec {
  const char *name;
  bool required;
  bool hidden; /* a placeholder that keeps indices shared between KINDs */
} colspec;

#define MAXSPEC 16

/* Column roles shared by both surveys (an index into the survey's spec). */
enum { S_KEY, S_STAGE, S_WHEN, S_ITEM, S_VALUE };

extern const colspec imp_cols_establishments[], imp_cols_leaders[], imp_cols_providers[],
    imp_cols_enrolments[], imp_cols_compass[], imp_cols_self[], imp_cols_longterm[],
    imp_cols_waves[], imp_cols_allocations[], imp_cols_bursaries[];

/* ---------------------------------------------------------------------- */
/* The state of one import. */

/* What becomes of a record: the register's actions, for every KIND. */
enum action {
  ACT_DISCARD = SUBREG_DISCARD,
  ACT_ADD = SUBREG_ADD,
  ACT_UPDATE = SUBREG_UPDATE,
  ACT_SAME = SUBREG_SAME
};

typedef struct spool_rec {
  uint32_t sub;
  uint16_t item;
  uint16_t opt;
} spool_rec;
/* The largest submission id, item index and option index a spool record
 * holds; imp_spool_put refuses more. */
#define SPOOL_MAX_SUB UINT32_MAX
#define SPOOL_MAX_ITEM UINT16_MAX
#define SPOOL_MAX_OPT UINT16_MAX
#define SPOOL_BUF 8192
#define ANSWER_BATCH 100

/* A survey submission (the register's record; subreg.h). */
typedef subreg_sub submission;

/* Prepared statements on the database, one slot each (imp_stmt). A KIND
 * that needs statements adds its ids here. */
enum stmt_id {
  Q_EST_GET,
  Q_HUB_ADD,
  Q_HUB_GET,
  Q_EST_PUT,
  Q_EST_ID,
  Q_LEADER_GET,
  Q_LEADER_PUT,
  Q_PERSONAL_PUT,
  Q_PERSONAL_DEL,
  Q_PROV_GET,
  Q_PROV_PUT,
  Q_LEADER_ID,
  Q_PROV_ID,
  Q_ENROL_GET,
  Q_ENROL_PUT,
  Q_CLAIM_PUT,
  Q_CLAIM_DEL,
  Q_RET_GET,
  Q_RET_ANSWERS,
  Q_RET_ADD,
  Q_RET_SET,
  Q_CA_DEL,
  Q_CA_ADD,
  Q_RESP_SELF,
  Q_RESP_KEY,
  Q_ANSWERS_OF,
  Q_RESP_ADD,
  Q_RESP_SET,
  Q_ANSWERS_DEL,
  Q_ANSWER_ADD,
  Q_LEADER_ROLE,
  Q_RESP_MAX,
  Q_WAVE_GET,
  Q_WAVE_PUT,
  Q_ALLOC_GET,
  Q_ALLOC_PUT,
  Q_EST_SET,
  Q_LEADER_SET,
  Q_PROV_SET,
  Q_ENROL_SET,
  Q_CLAIM_SET,
  Q_RET_ANY,
  Q_NONE_STORED,
  Q_COUNT
};

typedef struct importer importer;

/* What the checking pass found for a row of a registry KIND, so that the
 * writing pass looks nothing up again (imp_row_rec). */
typedef struct row_rec {
  sqlite3_int64 ref1, ref2; /* enrolments: leader, provider; leaders: establishment */
  sqlite3_int64 id;         /* the stored record the row changes, or 0 */
  unsigned char action;     /* ACT_* */
  bool claimed;             /* enrolments: it has a bursary claim */
  bool found;               /* the row was checked and may be written */
} row_rec;

/* One KIND: how its file is read and what it writes (the table is in
 * import.c; see the comment at its top). */
typedef struct import_kind {
  const char *name;             /* as on the command line; import_kinds[] in the same order */
  const char *noun;             /* its records in the summary: "establishments" */
  const colspec *cols;          /* its columns, {NULL}-terminated; at most MAXSPEC */
  int items;                    /* INS_* of the items that may be columns, or -1 for none */
  bool survey;                  /* answers: long or wide form, resolved, written from the spool */
  void (*row)(importer *im);    /* checks (pass 1) or writes (pass 2) the current row */
  int (*resolve)(importer *im); /* survey: after pass 1, decides what each submission does */
  bool rehearse; /* pass 1 writes too, in a savepoint rolled back after it, so that
                    the fund's rules see the file's earlier rows (imp_writes) */
} import_kind;

struct importer {
  store *s;
  sqlite3 *db;
  int kind;
  const import_kind *k;
  const char *kind_name;
  const import_options *opt;
  import_result *res;
  char *err;
  size_t errlen;
  bool failed; /* a runtime failure; err holds it */

  csvin *r;
  char *inbuf;      /* the input read into memory, when csvin reads from there */
  const char *name; /* the input in messages: its path, or <stdin> for - */
  /* The current row, whatever read it: ncols fields and where it is (a
   * line of a CSV file; a case of an SPSS file when sav). */
  const char **rowf;
  long rowline;
  char **rowbuf; /* a CSV row's fields (pointers into the reader) */
  size_t *rowlen;
  bool sav;
  struct imp_sav *sv; /* an SPSS file (import_sav.c) */
  /* Qualtrics' extra header rows (question text, ImportId): how many were
   * skipped, and the first row after the header kept while the next one
   * tells whether it is one of them. */
  size_t extra_header_rows;
  /* --map: sources (folded) -> index in map_to; the columns renamed. */
  imp_nameset *map;
  char **map_to, **map_from; /* targets; sources as the map writes them */
  long *map_lines; /* where each was in the map file */
  long *map_next;  /* the next row renaming the same header (its next occurrence), or -1 */
  bool *map_used;
  size_t nmap, map_cap, nmapped;
  char map_sha256[65];
  char **held;
  size_t nheld;
  size_t *held_len;
  long held_line;
  int pass;         /* 1 check, 2 write */
  size_t rows;      /* rows read in this pass */

  /* The header. */
  size_t ncols;
  char **cols;
  const colspec *spec;
  int col[MAXSPEC]; /* spec index -> column index, or -1 */
  int date_order;   /* DATE_DMY or DATE_MDY */
  char datetext[MAXSPEC][DATE_ISO_MAX]; /* a date cell's ISO form (imp_date) */
  bool dateplain[MAXSPEC];              /* ... or the cell itself */
  bool wide;
  int *itemcol;             /* column -> item index (wide survey, Compass), or -1 */
  bool *bytext;             /* column named by its question text, not its item id */
  struct near_cand *near; /* names an unknown column may be a misspelling of */
  size_t nnear, near_cap;
  bool near_built;
  bool *speccol;            /* column is one of the KIND's own (spec) columns */
  int *row_items, *row_met; /* a Compass row's criteria (ncols each) */
  /* Compass: a bit per row (by im->rows), set when pass 1 found the row's
   * return in the database; pass 2 looks up only those. */
  unsigned char *ret_found;
  size_t ret_found_cap;
  /* Compass, pass 1: the last establishment asked whether it has returns
   * stored (0: none asked), and the answer. */
  sqlite3_int64 ret_est;
  int ret_est_any;
  /* Establishments, leaders, enrolments: whether their table held no row
   * when pass 1 began (imp_none_stored; 0 not asked yet, 1 none, 2 some). */
  int none_stored;
  bool has_items;
  const char **ignored; /* unknown columns ignored (names in cols) */
  size_t nignored, ignored_cap;
  bool *unnamed;        /* column has an empty header (ignored while its cells are empty) */
  size_t nunnamed;

  catalog cat;
  int rule;
  score_settings score;

  /* The register of keys and submissions (a private temporary database). */
  subreg *reg;
  submission cur, proto; /* the current row's submission; a new one's fields */
  submission walk;       /* a submission read walking the register */
  sqlite3_int64 next_response_id;
  strbuf keybuf;
  /* The previous row's key, so that consecutive rows of one submission
   * need no lookups, and its leader. */
  strbuf last_key;
  bool have_last;
  strbuf leader_key;
  sqlite3_int64 leader_id;
  int leader_role;
  bool leader_valid;

  sqlite3_stmt *st[Q_COUNT];
  /* The last establishment found by URN (leaders and Compass rows come in
   * runs of one establishment; the table is not written meanwhile). */
  char est_urn[64];
  sqlite3_int64 est_id;
  bool est_college;

  /* Survey answers found in pass 1, spooled to a temporary file so that
   * pass 2 need not parse the CSV again: 8 bytes per answer. */
  FILE *spool;
  struct spool_rec *spool_buf;
  size_t spool_n;
  /* Answers waiting to be inserted, ANSWER_BATCH rows per statement. */
  sqlite3_stmt *batch;
  size_t batch_n;
  /* Hubs' ids by name, as the establishments' writing pass found or
   * added them. */
  struct smap *hubs;
  /* What the checking pass found for each row (imp_row_rec). */
  row_rec *recs;
  size_t recs_cap;
  /* Enrolments: the fund's checks in memory (fund.c); the stored
   * enrolments of a row's leader in its wave. */
  fund_enrolments *fund;
  fund_bursaries *bursaries; /* bursaries: the steps' statements */
  fund_place *others;
  size_t others_cap;
  /* Providers' ids by key, as imp_key_id found them. */
  struct imp_key_cache *prov_cache;
  size_t nprov_cache, prov_cache_cap;
};

/* Takes the header (n names as read, not trimmed) and checks it against the
 * KIND: 0 usable, 1 with problems (import.c). */
int imp_header(importer *im, size_t n, const char *const *names, const size_t *lens);
/* Checks (pass 1) or writes (pass 2) one row of n fields f (lengths len),
 * from line (an SPSS case: its number + 1). */
void imp_process_row(importer *im, size_t n, char *const *f, const size_t *len, long line);

/* SPSS .sav files (import_sav.c): whether path names one; taking the file
 * read whole (data, len bytes, xmalloc'ed; im owns it from then on) and
 * hashing it into sha256; a pass over its cases (the header from its
 * variables in pass 1): 0, 1 with problems, -1. */
typedef struct imp_sav imp_sav;
bool imp_is_sav(const char *path);
void imp_sav_load(importer *im, unsigned char *data, size_t len, char sha256[65]);
int imp_sav_pass(importer *im);
void imp_sav_free(imp_sav *sv);

/* ---------------------------------------------------------------------- */
/* Rows of each KIND (import_registry.c, import_survey.c). */

void imp_row_establishment(importer *im);
void imp_row_leader(importer *im);
void imp_row_provider(importer *im);
void imp_row_enrolment(importer *im);
void imp_row_compass(importer *im);
/* The fund's KINDs (import_fund.c). */
void imp_row_wave(importer *im);
void imp_row_allocation(importer *im);
void imp_row_bursary(importer *im);
/* Checks an enrolment row in the checking pass against the fund's rules,
 * in memory (fund_enrolments_add: e as the row leaves it, others the
 * stored enrolments of its leader in its wave); a refusal is a problem on
 * the column the rule concerns (the spec indices given). */
void imp_check_enrolment(importer *im, const fund_enrolment *e, const fund_place *others,
                         size_t nothers, int col_leader, int col_provider, int col_wave,
                         int col_completion);
void imp_row_survey(importer *im);
int imp_resolve_self(importer *im);
int imp_resolve_longterm(importer *im);
/* Spools one answer (submission sub, item index item, option index opt)
 * for pass 2; false with im->failed and a message when one of them is out
 * of the record's range or the temporary file cannot be written. */
bool imp_spool_put(importer *im, int64_t sub, int item, int opt);
/* Pass 2 of a survey: responses, answers from the spool, scores. */
int imp_write_responses(importer *im);
int imp_write_answers(importer *im);
int imp_write_scores(importer *im);
/* The answers a dry run would write. */
void imp_count_answers(importer *im);

/* Called every row (pass 1) or every batch of answers (pass 2); reports
 * progress to the caller's callback now and then (import.c). */
void imp_progress_tick(importer *im);

/* ---------------------------------------------------------------------- */
/* Problems and cells (import_cell.c). All problems are collected in
 * im->res; messages go only into the checking pass (pass 1). */

/* A problem at line and column of the file. */
void imp_problem(importer *im, long line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A problem with spec column i of the current row; the message starts with
 * the column's name. Only in pass 1. */
void imp_fproblem(importer *im, int i, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A problem message that is complete ("FILE:LINE:COL: what"). */
void imp_add_problem(importer *im, const char *msg);
/* csvin's messages are "FILE:LINE:COL: what"; the column's name is added. */
void imp_csv_problem(importer *im, const char *msg);

/* A value for a message: quoted, control characters replaced, at most
 * about 40 bytes (cut at a character boundary). SHOW needs a local
 * char showbuf[64]. */
const char *imp_show(const char *s, char *buf, size_t size);
#define SHOW(s) imp_show((s), showbuf, sizeof showbuf)

static inline long imp_line(const importer *im) { return im->rowline; }
/* Field c (0-based) of the current row. */
static inline const char *imp_field(const importer *im, size_t c) { return im->rowf[c]; }

/* The cell of spec column i in the current row, or NULL when the file has
 * no such column; its column number (1-based). A leading single quote that
 * strbuf_put_csv put before a cell a spreadsheet would take for a formula
 * ('=, '+, '-, '@) is dropped, so an export re-imports as it was. */
static inline const char *imp_cell(const importer *im, int i) {
  if (im->col[i] < 0)
    return NULL;
  const char *s = im->rowf[im->col[i]];
  return s[0] == '\'' && s[1] && strchr("=+-@\t\r", s[1]) ? s + 1 : s;
}
static inline int imp_colno(const importer *im, int i) { return im->col[i] + 1; }

static inline bool imp_empty(const char *s) { return !s || !*s; }

/* Whether the row function writes in this pass: always in pass 2, and in
 * pass 1 too for a KIND that rehearses. */
static inline bool imp_writes(const importer *im) {
  return im->pass == 2 || (im->pass == 1 && im->k->rehearse);
}

/* The index of s in a NULL-terminated list, or -1. */
int imp_list_index(const char *s, const char *const *list);
/* "a, b, c" */
void imp_list_join(strbuf *b, const char *const *list);

/* s as compared with names and labels: trimmed, ASCII letters in lower
 * case, runs of spaces (also no-break and other Unicode spaces) as one
 * space, typographic quotes and dashes as ' " and -. Into out (reset). */
void imp_fold(const char *s, strbuf *out);
/* The edit distance (Levenshtein) of a and b, or cap + 1 when it is more
 * than cap. */
size_t imp_distance(const char *a, const char *b, size_t cap);

/* The index in list of s: the code itself, or the code or one of its
 * other names (the report's labels: "Level 7", "Special school") after
 * folding case, spaces, '_' and '-'; -1 when none. */
int imp_enum_match(const char *s, const char *const *list);
/* The option of sc a cell means: its code, a number equal to an option's
 * value, or its code or label after folding (imp_fold); -1 when none. */
int imp_scale_option(const instrument_scale *sc, const char *v);
/* The label of sc closest to v (a few edits), for "did you mean"; or NULL. */
const char *imp_scale_near(const instrument_scale *sc, const char *v);

/* A plain decimal number (digits with an optional sign and point) into
 * *out, as strtod reads it; false when s is not one (or is not finite). */
bool imp_parse_decimal(const char *s, double *out);

/* Cell validators: each checks spec column i of the current row, records a
 * problem naming the column when it is wrong and returns whether it is
 * right. */
bool imp_required(importer *im, int i, const char **out);
bool imp_enum(importer *im, int i, const char *const *list, int *out);
/* A number in [lo, hi]; *empty set (and true returned) for an empty cell
 * when allow_empty. */
bool imp_number(importer *im, int i, double lo, double hi, bool allow_empty, bool *empty,
                double *out, bool integer);
/* A date (with allow_time, a date and time); *when in ms since 1970 UTC. */
bool imp_date(importer *im, int i, bool allow_time, bool allow_empty, bool *empty, int64_t *when);
/* The date of spec column i as stored, after imp_date() accepted it: the
 * cell when it was ISO as stored, else its ISO form (UTC). */
const char *imp_date_text(const importer *im, int i);
/* Records key (of spec column i) as seen on this line; a second sighting
 * is a problem ("WHAT appears twice"). Only in the checking pass. */
bool imp_first_key(importer *im, const char *key, size_t len, int i, const char *what);

/* ---------------------------------------------------------------------- */
/* The database (import.c). */

/* Records a failure of the database (im->failed, im->err): "FILE: what
 * (the statement's first three words): SQLite's message". sql may be NULL. */
void imp_db_fail(importer *im, const char *sql, const char *what);
/* Puts the file's name before im->err's message, unless it is there. */
void imp_name_error(importer *im);
/* Statement slot id of the database, prepared from sql the first time,
 * reset and cleared; NULL (im->failed, im->err) on a failure. */
sqlite3_stmt *imp_stmt(importer *im, int id, const char *sql);
/* Steps a statement expected to finish (an INSERT, UPDATE, DELETE). */
bool imp_run(importer *im, sqlite3_stmt *st, const char *what);
/* Steps a query: 1 a row, 0 none, -1 failure. */
int imp_query(importer *im, sqlite3_stmt *st);
/* The id of the leader (IMP_LEADERS, by leader_key) or provider
 * (IMP_PROVIDERS, by provider_key) with this key, or 0 with a problem on
 * spec column i ("no provider has the id X (import providers first)") or a
 * failure (im->failed). Providers are remembered once found. */
enum { IMP_LEADERS, IMP_PROVIDERS };
typedef struct imp_key_cache {
  char *key;
  sqlite3_int64 id;
} imp_key_cache;
sqlite3_int64 imp_key_id(importer *im, int table, int i, const char *key);
/* Whether the KIND's table (sql: "SELECT 1 FROM TABLE LIMIT 1") held no
 * row when the import began: 1 (then pass 1, which writes nothing, finds
 * none of the file's rows stored and looks none up: a first import makes
 * no lookup per row), 0, or -1 on a failure. Asked once. */
int imp_none_stored(importer *im, const char *sql);
/* The record of the current row (by im->rows): pass 1 fills it for every
 * row it checks, pass 2 reads it (a failure, im->failed, when pass 1 did
 * not fill it). Zeroed when new; NULL on a failure. */
row_rec *imp_row_rec(importer *im);
/* Binds s, or NULL when it is empty. */
void imp_bind_opt_text(sqlite3_stmt *st, int i, const char *s);
/* Whether column c of a row equals s (NULL and "" are the same). */
bool imp_same_text(sqlite3_stmt *st, int c, const char *s);
bool imp_same_real(sqlite3_stmt *st, int c, bool empty, double x);
/* Counts a record's action (added, updated, unchanged) in pass 1. */
void imp_count(importer *im, int action);
/* The end of a row's comparison with the database: resets q (the lookup;
 * NULL: none), counts action and says whether the row is written now
 * (imp_writes, and the record is not ACT_SAME). */
bool imp_settle(importer *im, sqlite3_stmt *q, int action);

#endif
