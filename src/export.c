/* Exports (see export.h). Each KIND is a row source: a query whose rows
 * become cells, directly or pivoted (a survey response or a Compass return
 * per row, its answers spread over item columns). The writers (CSV, JSON,
 * .sav) walk a source's rows; the .sav writer walks them twice, as SPSS
 * needs the row count and string widths first. */
#include "export.h"

#include <errno.h>
#include <math.h>
#include <readstat.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "import.h"
#include "instrument.h"
#include "jsonout.h"
#include "score.h"
#include "tempfile.h"
#include "vocab.h"
#include "xalloc.h"

enum { CELL_NULL, CELL_TEXT, CELL_NUM };

typedef struct xcell {
  int kind;
  const char *text;
  double num;
} xcell;

typedef struct xcol {
  char *name;
  bool numeric;
  char *label;                   /* variable label (.sav), or NULL */
  const instrument_scale *scale; /* value labels (.sav), or NULL */
  size_t width;                  /* widest text (.sav strings) */
} xcol;

typedef struct xsrc {
  sqlite3 *db;
  int kind;
  export_options opt;
  bool pivot;       /* rows from main, answers from sub queries */
  bool merge_value; /* the last two SQL columns are value and code */
  xcol *cols;
  size_t ncols, cap;
  xcell *cells;
  sqlite3_stmt *main, *sub1, *sub2;
  instrument_bank *bank;
  int *item_col; /* items.id -> column, or -1 (pivots) */
  const instrument_scale **item_scale;
  sqlite3_int64 max_item;
  size_t nbase;        /* columns filled from main (after its hidden id) */
  size_t bm_col;       /* Compass: the column of bm1 */
  long instrument_col; /* Compass: the instrument column, or -1 */
  size_t score_col;    /* self-assessment .sav: the first area score column */
  bool has_scores;
} xsrc;

int export_format_parse(const char *name, export_format *out) {
  if (strcmp(name, "csv") == 0)
    *out = EXPORT_CSV;
  else if (strcmp(name, "json") == 0)
    *out = EXPORT_JSON;
  else if (strcmp(name, "sav") == 0)
    *out = EXPORT_SAV;
  else
    return -1;
  return 0;
}

void export_put_number(strbuf *b, double x) {
  char buf[40];
  for (int p = 15; p <= 17; p++) {
    snprintf(buf, sizeof buf, "%.*g", p, x);
    if (strtod(buf, NULL) == x)
      break;
  }
  strbuf_puts(b, buf);
}

static void add_col(xsrc *x, const char *name, bool numeric, const char *label,
                    const instrument_scale *scale) {
  x->cols = xgrow(x->cols, &x->cap, x->ncols + 1, sizeof *x->cols);
  xcol *c = &x->cols[x->ncols++];
  c->name = xstrdup(name);
  c->numeric = numeric;
  c->label = label ? xstrdup(label) : NULL;
  c->scale = scale;
  c->width = 1;
}

static int prepare(xsrc *x, sqlite3_stmt **st, const char *sql, char *err, size_t errlen) {
  if (sqlite3_prepare_v2(x->db, sql, -1, st, NULL) != SQLITE_OK)
    return store_fail(x->db, "export", err, errlen);
  return 0;
}

/* The items of some instruments as columns of a pivot. */
static int add_item_cols(xsrc *x, const char *where, char *err, size_t errlen) {
  char sql[512];
  snprintf(sql, sizeof sql,
           "SELECT it.id, it.item_key, i.key FROM items it JOIN instruments i"
           " ON i.id = it.instrument_id WHERE %s ORDER BY i.key = 'reflective', i.key,"
           " it.position",
           where);
  sqlite3_stmt *st;
  if (prepare(x, &st, sql, err, errlen) != 0)
    return -1;
  int step;
  while ((step = sqlite3_step(st)) == SQLITE_ROW) {
    sqlite3_int64 id = sqlite3_column_int64(st, 0);
    const char *key = (const char *)sqlite3_column_text(st, 1);
    const instrument *in = NULL;
    const instrument_item *it = instrument_bank_item(x->bank, key, &in);
    if (!it || id < 0)
      continue;
    if (id > x->max_item) {
      x->item_col = xrealloc(x->item_col, (size_t)(id + 1) * sizeof *x->item_col);
      x->item_scale = xrealloc(x->item_scale, (size_t)(id + 1) * sizeof *x->item_scale);
      for (sqlite3_int64 k = x->max_item + 1; k <= id; k++)
        x->item_col[k] = -1;
      x->max_item = id;
    }
    x->item_col[id] = (int)x->ncols;
    x->item_scale[id] = it->scale;
    add_col(x, key, true, it->text, it->scale);
  }
  sqlite3_finalize(st);
  if (step != SQLITE_DONE)
    return store_fail(x->db, "export", err, errlen);
  return 0;
}

static int setup(xsrc *x, char *err, size_t errlen) {
  bool sav = x->opt.format == EXPORT_SAV;
  x->instrument_col = -1;
  x->max_item = -1;
  switch (x->kind) {
  case K_ESTABLISHMENTS:
    add_col(x, "urn", false, "Unique reference number", NULL);
    add_col(x, "name", false, "Establishment", NULL);
    add_col(x, "type", false, "Type of establishment", NULL);
    add_col(x, "region", false, "Region", NULL);
    add_col(x, "hub", false, "Careers Hub (empty: none)", NULL);
    add_col(x, "fsm_pct", true, "Pupils eligible for free school meals (%)", NULL);
    add_col(x, "hub_joined", false, "Date it joined its hub (empty: throughout)", NULL);
    return prepare(x, &x->main,
                   "SELECT e.urn, e.name, e.type, e.region, h.name, e.fsm_pct, e.hub_joined"
                   " FROM establishments e LEFT JOIN hubs h ON h.id = e.hub_id ORDER BY e.urn",
                   err, errlen);
  case K_LEADERS:
    add_col(x, "leader_id", false, "Careers Leader (pseudonymous id)", NULL);
    add_col(x, "urn", false, "Establishment URN", NULL);
    add_col(x, "role", false, "Role", NULL);
    add_col(x, "months_in_role", true, "Months in the role", NULL);
    add_col(x, "contact_consent", true, "Consents to be contacted", NULL);
    if (x->opt.include_personal) {
      add_col(x, "name", false, "Name", NULL);
      add_col(x, "email", false, "Email", NULL);
      return prepare(x, &x->main,
                     "SELECT l.leader_key, e.urn, l.role, l.months_in_role, l.contact_consent,"
                     " p.name, p.email FROM leaders l"
                     " JOIN establishments e ON e.id = l.establishment_id"
                     " LEFT JOIN leader_personal p ON p.leader_id = l.id ORDER BY l.leader_key",
                     err, errlen);
    }
    return prepare(x, &x->main,
                   "SELECT l.leader_key, e.urn, l.role, l.months_in_role, l.contact_consent"
                   " FROM leaders l JOIN establishments e ON e.id = l.establishment_id"
                   " ORDER BY l.leader_key",
                   err, errlen);
  case K_PROVIDERS:
    add_col(x, "provider_id", false, "Training provider", NULL);
    add_col(x, "name", false, "Name", NULL);
    add_col(x, "accreditation", false, "Accreditation", NULL);
    return prepare(x, &x->main,
                   "SELECT provider_key, name, accreditation FROM providers"
                   " ORDER BY provider_key",
                   err, errlen);
  case K_ENROLMENTS:
    add_col(x, "leader_id", false, "Careers Leader (pseudonymous id)", NULL);
    add_col(x, "provider_id", false, "Training provider", NULL);
    add_col(x, "wave", true, "Wave", NULL);
    add_col(x, "start_date", false, "Start date", NULL);
    add_col(x, "completion_date", false, "Completion date", NULL);
    add_col(x, "status", false, "Status", NULL);
    add_col(x, "bursary_claimed_date", false, "Bursary claimed on", NULL);
    return prepare(x, &x->main,
                   "SELECT l.leader_key, p.provider_key, n.wave, n.start_date,"
                   " n.completion_date, n.status, b.claimed_date FROM enrolments n"
                   " JOIN leaders l ON l.id = n.leader_id JOIN providers p ON p.id = n.provider_id"
                   " LEFT JOIN bursary_claims b ON b.enrolment_id = n.id"
                   " ORDER BY l.leader_key, p.provider_key, n.wave",
                   err, errlen);
  case K_SELF:
    if (!sav) {
      add_col(x, "leader_id", false, NULL, NULL);
      add_col(x, "stage", false, NULL, NULL);
      add_col(x, "submitted_at", false, NULL, NULL);
      add_col(x, "item_id", false, NULL, NULL);
      add_col(x, "value", false, NULL, NULL);
      x->merge_value = true;
      return prepare(x, &x->main,
                     "SELECT l.leader_key, r.stage, r.submitted_at, it.item_key, a.value, a.code"
                     " FROM responses r JOIN leaders l ON l.id = r.leader_id"
                     " LEFT JOIN answers a ON a.response_id = r.id"
                     " LEFT JOIN items it ON it.id = a.item_id"
                     " WHERE r.survey = 'self-assessment'"
                     " ORDER BY l.leader_key, r.stage = 'post', it.id",
                     err, errlen);
    }
    x->pivot = true;
    add_col(x, "leader_id", false, "Careers Leader (pseudonymous id)", NULL);
    add_col(x, "stage", false, "Survey stage (pre or post training)", NULL);
    add_col(x, "role", false, "Role answered as", NULL);
    add_col(x, "submitted_at", false, "Submitted at", NULL);
    x->nbase = 4;
    if (add_item_cols(x, "i.key IN ('self-assessment', 'reflective')", err, errlen) != 0)
      return -1;
    x->has_scores = true;
    x->score_col = x->ncols;
    for (int a = 0; a < SCORE_NAREAS; a++) {
      char label[96];
      snprintf(label, sizeof label, "Area score: %s (%%)", vocab_name(VOCAB_AREA, a));
      add_col(x, vocab_name(VOCAB_AREA, a), true, label, NULL);
    }
    if (prepare(x, &x->main,
                "SELECT r.id, l.leader_key, r.stage, r.role, r.submitted_at FROM responses r"
                " JOIN leaders l ON l.id = r.leader_id WHERE r.survey = 'self-assessment'"
                " ORDER BY l.leader_key, r.stage = 'post'",
                err, errlen) != 0 ||
        prepare(x, &x->sub1, "SELECT item_id, value, code FROM answers WHERE response_id = ?1", err,
                errlen) != 0 ||
        prepare(x, &x->sub2, "SELECT area, score FROM area_scores WHERE response_id = ?1", err,
                errlen) != 0)
      return -1;
    return 0;
  case K_LONGTERM:
    if (!sav) {
      add_col(x, "response_id", false, NULL, NULL);
      add_col(x, "submitted_at", false, NULL, NULL);
      add_col(x, "item_id", false, NULL, NULL);
      add_col(x, "value", false, NULL, NULL);
      x->merge_value = true;
      return prepare(x, &x->main,
                     "SELECT r.response_key, r.submitted_at, it.item_key, a.value, a.code"
                     " FROM responses r LEFT JOIN answers a ON a.response_id = r.id"
                     " LEFT JOIN items it ON it.id = a.item_id WHERE r.survey = 'long-term'"
                     " ORDER BY r.response_key, it.id",
                     err, errlen);
    }
    x->pivot = true;
    add_col(x, "response_id", false, "Response (anonymous id)", NULL);
    add_col(x, "submitted_at", false, "Submitted at", NULL);
    x->nbase = 2;
    if (add_item_cols(x, "i.key = 'long-term'", err, errlen) != 0)
      return -1;
    if (prepare(x, &x->main,
                "SELECT r.id, r.response_key, r.submitted_at FROM responses r"
                " WHERE r.survey = 'long-term' ORDER BY r.response_key",
                err, errlen) != 0 ||
        prepare(x, &x->sub1, "SELECT item_id, value, code FROM answers WHERE response_id = ?1", err,
                errlen) != 0)
      return -1;
    return 0;
  case K_WAVES:
    add_col(x, "wave", true, "Wave", NULL);
    add_col(x, "opens", false, "Opens", NULL);
    add_col(x, "closes", false, "Closes", NULL);
    add_col(x, "places", true, "Places", NULL);
    add_col(x, "hub_target_pct", true, "Share of places for Careers Hubs (%)", NULL);
    add_col(x, "bursary_pence", true, "Bursary (pence)", NULL);
    return prepare(x, &x->main,
                   "SELECT wave, opens, closes, places, hub_target_pct, bursary_pence FROM waves"
                   " ORDER BY wave",
                   err, errlen);
  case K_ALLOCATIONS:
    add_col(x, "wave", true, "Wave", NULL);
    add_col(x, "provider_id", false, "Training provider", NULL);
    add_col(x, "places", true, "Places allocated", NULL);
    return prepare(x, &x->main,
                   "SELECT a.wave, p.provider_key, a.places FROM allocations a"
                   " JOIN providers p ON p.id = a.provider_id ORDER BY a.wave, p.provider_key",
                   err, errlen);
  case K_BURSARIES:
    /* Every step taken, claims first, so that the file imports in order. */
    add_col(x, "leader_id", false, "Careers Leader (pseudonymous id)", NULL);
    add_col(x, "wave", true, "Wave", NULL);
    add_col(x, "status", false, "Step", NULL);
    add_col(x, "date", false, "Date", NULL);
    return prepare(x, &x->main,
                   "SELECT leader_key, wave, status, date FROM ("
                   " SELECT l.leader_key, e.wave, 'claimed' AS status, b.claimed_date AS date,"
                   "  1 AS step FROM bursary_claims b JOIN enrolments e ON e.id = b.enrolment_id"
                   "  JOIN leaders l ON l.id = e.leader_id"
                   " UNION ALL SELECT l.leader_key, e.wave, 'approved', b.approved_date, 2"
                   "  FROM bursary_claims b JOIN enrolments e ON e.id = b.enrolment_id"
                   "  JOIN leaders l ON l.id = e.leader_id WHERE b.approved_date IS NOT NULL"
                   " UNION ALL SELECT l.leader_key, e.wave, 'paid', b.paid_date, 3"
                   "  FROM bursary_claims b JOIN enrolments e ON e.id = b.enrolment_id"
                   "  JOIN leaders l ON l.id = e.leader_id WHERE b.paid_date IS NOT NULL)"
                   " ORDER BY step, leader_key, wave",
                   err, errlen);
  default: { /* compass */
    x->pivot = true;
    add_col(x, "urn", false, "Establishment URN", NULL);
    add_col(x, "submitted_at", false, "Submitted at", NULL);
    x->nbase = 2;
    x->bm_col = x->ncols;
    for (int b = 1; b <= 8; b++) {
      char name[16], label[64];
      snprintf(name, sizeof name, "bm%d", b);
      snprintf(label, sizeof label, "Gatsby Benchmark %d: criteria met (%%)", b);
      add_col(x, name, true, label, NULL);
    }
    sqlite3_stmt *st;
    if (prepare(x, &st,
                "SELECT EXISTS (SELECT 1 FROM compass_returns WHERE instrument_id IS NOT NULL),"
                " EXISTS (SELECT 1 FROM compass_answers)",
                err, errlen) != 0)
      return -1;
    int any_ins = 0, any_answers = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
      any_ins = sqlite3_column_int(st, 0);
      any_answers = sqlite3_column_int(st, 1);
    }
    sqlite3_finalize(st);
    if (any_ins || any_answers) {
      x->instrument_col = (long)x->ncols;
      add_col(x, "instrument", false, "Compass version", NULL);
    }
    if (any_answers && add_item_cols(x, "it.id IN (SELECT DISTINCT item_id FROM compass_answers)",
                                     err, errlen) != 0)
      return -1;
    if (prepare(x, &x->main,
                "SELECT c.id, e.urn, c.submitted_at, i.key, c.bm1, c.bm2, c.bm3, c.bm4, c.bm5,"
                " c.bm6, c.bm7, c.bm8 FROM compass_returns c"
                " JOIN establishments e ON e.id = c.establishment_id"
                " LEFT JOIN instruments i ON i.id = c.instrument_id"
                " ORDER BY e.urn, c.submitted_at",
                err, errlen) != 0 ||
        prepare(x, &x->sub2, "SELECT item_id, met, NULL FROM compass_answers WHERE return_id = ?1",
                err, errlen) != 0)
      return -1;
    return 0;
  }
  }
}

static void cell_from(xcell *c, sqlite3_stmt *st, int col) {
  switch (sqlite3_column_type(st, col)) {
  case SQLITE_NULL: c->kind = CELL_NULL; break;
  case SQLITE_INTEGER:
  case SQLITE_FLOAT:
    c->kind = CELL_NUM;
    c->num = sqlite3_column_double(st, col);
    break;
  default: c->kind = CELL_TEXT; c->text = (const char *)sqlite3_column_text(st, col);
  }
}

/* Answers of one response (or criteria of one return) into item columns:
 * value, or the option's value for a categorical code. */
static int fill_answers(xsrc *x, sqlite3_stmt *q, sqlite3_int64 id, char *err, size_t errlen) {
  sqlite3_reset(q);
  sqlite3_bind_int64(q, 1, id);
  int step;
  while ((step = sqlite3_step(q)) == SQLITE_ROW) {
    sqlite3_int64 item = sqlite3_column_int64(q, 0);
    int col = item >= 0 && item <= x->max_item ? x->item_col[item] : -1;
    if (col < 0)
      continue;
    xcell *c = &x->cells[col];
    if (sqlite3_column_type(q, 1) != SQLITE_NULL) {
      c->kind = CELL_NUM;
      c->num = sqlite3_column_double(q, 1);
    } else if (sqlite3_column_type(q, 2) != SQLITE_NULL) {
      const instrument_option *o =
          instrument_scale_option(x->item_scale[item], (const char *)sqlite3_column_text(q, 2));
      if (o) {
        c->kind = CELL_NUM;
        c->num = o->value;
      }
    }
  }
  if (step != SQLITE_DONE)
    return store_fail(x->db, "export", err, errlen);
  return 0;
}

/* The next row into x->cells: 1, 0 at the end, -1 on failure. */
static int src_next(xsrc *x, char *err, size_t errlen) {
  int step = sqlite3_step(x->main);
  if (step == SQLITE_DONE)
    return 0;
  if (step != SQLITE_ROW)
    return store_fail(x->db, "export", err, errlen);
  for (size_t i = 0; i < x->ncols; i++)
    x->cells[i].kind = CELL_NULL;
  if (!x->pivot) {
    size_t n = x->merge_value ? x->ncols - 1 : x->ncols;
    for (size_t i = 0; i < n; i++)
      cell_from(&x->cells[i], x->main, (int)i);
    if (x->merge_value) {
      cell_from(&x->cells[n], x->main, (int)n);
      if (x->cells[n].kind == CELL_NULL)
        cell_from(&x->cells[n], x->main, (int)n + 1);
    }
    return 1;
  }
  sqlite3_int64 id = sqlite3_column_int64(x->main, 0);
  for (size_t i = 0; i < x->nbase; i++)
    cell_from(&x->cells[i], x->main, (int)i + 1);
  if (x->kind == K_COMPASS) { /* bm1-bm8 are main's columns 4-11 */
    for (int b = 0; b < 8; b++)
      cell_from(&x->cells[x->bm_col + (size_t)b], x->main, 4 + b);
    if (x->instrument_col >= 0)
      cell_from(&x->cells[x->instrument_col], x->main, 3);
    if (x->max_item >= 0 && fill_answers(x, x->sub2, id, err, errlen) != 0)
      return -1;
    return 1;
  }
  if (fill_answers(x, x->sub1, id, err, errlen) != 0)
    return -1;
  if (x->has_scores) {
    sqlite3_reset(x->sub2);
    sqlite3_bind_int64(x->sub2, 1, id);
    while ((step = sqlite3_step(x->sub2)) == SQLITE_ROW) {
      int a = vocab_index(VOCAB_AREA, (const char *)sqlite3_column_text(x->sub2, 0));
      if (a >= 0)
        cell_from(&x->cells[x->score_col + (size_t)a], x->sub2, 1);
    }
    if (step != SQLITE_DONE)
      return store_fail(x->db, "export", err, errlen);
  }
  return 1;
}

static void src_free(xsrc *x) {
  sqlite3_finalize(x->main);
  sqlite3_finalize(x->sub1);
  sqlite3_finalize(x->sub2);
  for (size_t i = 0; i < x->ncols; i++) {
    free(x->cols[i].name);
    free(x->cols[i].label);
  }
  free(x->cols);
  free(x->cells);
  free(x->item_col);
  free(x->item_scale);
  instrument_bank_free(x->bank);
}

/* ---------------------------------------------------------------------- */
/* Writers. */

static int flush(strbuf *b, FILE *out, bool force) {
  if (b->len < (1 << 16) && !force)
    return 0;
  size_t n = b->len;
  int rc = n && fwrite(b->data, 1, n, out) != n ? -1 : 0;
  strbuf_reset(b);
  return rc;
}

static int write_text(xsrc *x, FILE *out, size_t *rows, char *err, size_t errlen) {
  bool json = x->opt.format == EXPORT_JSON;
  strbuf b = STRBUF_INIT;
  if (!json) {
    for (size_t i = 0; i < x->ncols; i++) {
      if (i)
        strbuf_putc(&b, ',');
      strbuf_put_csv(&b, x->cols[i].name);
    }
    strbuf_putc(&b, '\n');
  }
  int rc;
  size_t n = 0;
  while ((rc = src_next(x, err, errlen)) == 1) {
    if (json) {
      json_t *o = json_object();
      for (size_t i = 0; i < x->ncols; i++) {
        const xcell *c = &x->cells[i];
        jsonout_set(o, x->cols[i].name,
                    c->kind == CELL_NUM    ? jsonout_real(c->num)
                    : c->kind == CELL_TEXT ? jsonout_string(c->text)
                                           : json_null());
      }
      jsonout_item(&b, n, o);
    } else {
      for (size_t i = 0; i < x->ncols; i++) {
        const xcell *c = &x->cells[i];
        if (i)
          strbuf_putc(&b, ',');
        if (c->kind == CELL_NUM)
          export_put_number(&b, c->num);
        else if (c->kind == CELL_TEXT)
          strbuf_put_csv(&b, c->text);
      }
      strbuf_putc(&b, '\n');
    }
    n++;
    if (flush(&b, out, false) != 0) {
      rc = -2;
      break;
    }
  }
  if (rc == 0 && json)
    jsonout_end_items(&b, n);
  if (rc == 0 && flush(&b, out, true) != 0)
    rc = -2;
  strbuf_free(&b);
  if (rc == -2)
    snprintf(err, errlen, "writing failed: %s", strerror(errno));
  *rows = n;
  return rc == 0 ? 0 : -1;
}

/* An SPSS variable name: a letter first, then letters, digits, '_' or '.',
 * at most 64 bytes, not a reserved word, not ending in '.', unique
 * (ignoring case) among names[0..n). */
static void spss_name(const char *in, char out[65], char (*names)[65], size_t n) {
  static const char *const reserved[] = {"ALL", "AND", "BY",  "EQ", "GE", "GT",   "LE",
                                         "LT",  "NE",  "NOT", "OR", "TO", "WITH", NULL};
  size_t j = 0;
  if (!((in[0] >= 'a' && in[0] <= 'z') || (in[0] >= 'A' && in[0] <= 'Z')))
    out[j++] = 'v';
  for (size_t i = 0; in[i] && j < 60; i++) {
    char c = in[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.';
    out[j++] = ok ? c : '_';
  }
  while (j > 1 && out[j - 1] == '.')
    j--;
  out[j] = '\0';
  for (size_t r = 0; reserved[r]; r++)
    if (strcasecmp(out, reserved[r]) == 0) {
      out[j++] = '_';
      out[j] = '\0';
    }
  for (int k = 2;; k++) {
    bool clash = false;
    for (size_t i = 0; i < n && !clash; i++)
      clash = strcasecmp(names[i], out) == 0;
    if (!clash)
      break;
    char suffix[16];
    int len = snprintf(suffix, sizeof suffix, "_%d", k % 10000);
    memcpy(out + (j > 58 ? 58 : j), suffix, (size_t)len + 1);
  }
}

static ssize_t sav_write(const void *data, size_t len, void *ctx) {
  FILE *f = ctx;
  return fwrite(data, 1, len, f) == len ? (ssize_t)len : -1;
}

static int write_sav(xsrc *x, const char *kind, FILE *out, size_t *rows, char *err, size_t errlen) {
  /* First walk: the row count and the width of every string column. */
  int rc;
  size_t n = 0;
  while ((rc = src_next(x, err, errlen)) == 1) {
    n++;
    for (size_t i = 0; i < x->ncols; i++)
      if (!x->cols[i].numeric && x->cells[i].kind == CELL_TEXT) {
        size_t w = strlen(x->cells[i].text);
        if (w > x->cols[i].width)
          x->cols[i].width = w;
      }
  }
  if (rc != 0)
    return -1;
  sqlite3_reset(x->main);

  readstat_writer_t *w = readstat_writer_init();
  readstat_set_data_writer(w, sav_write);
  char label[128];
  snprintf(label, sizeof label, "cleval %s export", kind);
  readstat_writer_set_file_label(w, label);
  readstat_writer_set_compression(w, READSTAT_COMPRESS_ROWS);
  /* One value label set per scale name. */
  const instrument_scale **scales = xcalloc(x->ncols + 1, sizeof *scales);
  readstat_label_set_t **sets = xcalloc(x->ncols + 1, sizeof *sets);
  size_t nsets = 0;
  char(*names)[65] = xcalloc(x->ncols + 1, sizeof *names);
  for (size_t i = 0; i < x->ncols; i++) {
    xcol *c = &x->cols[i];
    spss_name(c->name, names[i], names, i);
    readstat_variable_t *v =
        readstat_add_variable(w, names[i], c->numeric ? READSTAT_TYPE_DOUBLE : READSTAT_TYPE_STRING,
                              c->numeric ? 0 : c->width);
    if (c->label)
      readstat_variable_set_label(v, c->label);
    if (c->scale) {
      readstat_label_set_t *ls = NULL;
      for (size_t k = 0; k < nsets && !ls; k++)
        if (strcmp(scales[k]->name, c->scale->name) == 0)
          ls = sets[k];
      if (!ls) {
        ls = readstat_add_label_set(w, READSTAT_TYPE_DOUBLE, c->scale->name);
        for (size_t o = 0; o < c->scale->noptions; o++)
          readstat_label_double_value(ls, c->scale->options[o].value, c->scale->options[o].label);
        scales[nsets] = c->scale;
        sets[nsets++] = ls;
      }
      readstat_variable_set_label_set(v, ls);
      readstat_variable_set_measure(v, strcmp(c->scale->kind, "binary") == 0
                                           ? READSTAT_MEASURE_NOMINAL
                                           : READSTAT_MEASURE_ORDINAL);
    } else {
      readstat_variable_set_measure(v,
                                    c->numeric ? READSTAT_MEASURE_SCALE : READSTAT_MEASURE_NOMINAL);
    }
  }
  readstat_error_t e = readstat_begin_writing_sav(w, out, (long)n);
  size_t written = 0;
  while (e == READSTAT_OK && (rc = src_next(x, err, errlen)) == 1) {
    e = readstat_begin_row(w);
    for (size_t i = 0; i < x->ncols && e == READSTAT_OK; i++) {
      readstat_variable_t *v = readstat_get_variable(w, (int)i);
      const xcell *c = &x->cells[i];
      if (x->cols[i].numeric)
        e = c->kind == CELL_NUM ? readstat_insert_double_value(w, v, c->num)
                                : readstat_insert_missing_value(w, v);
      else
        e = readstat_insert_string_value(w, v, c->kind == CELL_TEXT ? c->text : "");
    }
    if (e == READSTAT_OK)
      e = readstat_end_row(w);
    written++;
  }
  if (e == READSTAT_OK && rc == 0)
    e = readstat_end_writing(w);
  if (e != READSTAT_OK)
    snprintf(err, errlen, "writing the .sav file failed: %s", readstat_error_message(e));
  readstat_writer_free(w);
  free(scales);
  free(sets);
  free(names);
  *rows = written;
  return e == READSTAT_OK && rc == 0 ? 0 : -1;
}

int export_kind(store *s, const char *kind, const export_options *opt, const char *path,
                size_t *rows, char *err, size_t errlen) {
  int k = -1;
  for (int i = 0; import_kinds[i]; i++)
    if (strcmp(import_kinds[i], kind) == 0)
      k = i;
  if (k < 0) {
    snprintf(err, errlen, "unknown kind \"%s\"", kind);
    return -1;
  }
  xsrc x;
  memset(&x, 0, sizeof x);
  x.db = store_db(s);
  x.kind = k;
  x.opt = *opt;
  FILE *out = NULL;
  bool to_file = path && strcmp(path, "-") != 0;
  char *tmp = NULL;
  size_t n = 0;
  int rc = -1;
  bool in_txn = false;
  if (store_instruments(s, &x.bank, NULL, err, errlen) != 0 || setup(&x, err, errlen) != 0)
    goto cleanup;
  x.cells = xcalloc(x.ncols, sizeof *x.cells);
  /* Nothing leaves before its audit entry is committed: the export is
   * written to a temporary file (beside path, or an unnamed one for
   * standard output) inside a write transaction that also holds the
   * entry; only after COMMIT is the file renamed into place or copied
   * out. A failure at any step leaves no file. */
  if (to_file) {
    tempfile_clean(path, time(NULL)); /* what killed exports left */
    int fd = tempfile_open(path, &tmp, err, errlen);
    if (fd < 0)
      goto cleanup;
    out = fdopen(fd, "wb");
    if (!out && fd >= 0)
      close(fd);
  } else {
    out = tmpfile();
  }
  if (!out) {
    snprintf(err, errlen, "%s: cannot write: %s", to_file ? path : "a temporary file",
             strerror(errno));
    goto cleanup;
  }
  /* One transaction, so that both .sav walks see the same data. */
  if (store_begin(s, err, errlen) != 0)
    goto cleanup; /* the message names the database */
  in_txn = true;
  if ((opt->format == EXPORT_SAV ? write_sav(&x, kind, out, &n, err, errlen)
                                 : write_text(&x, out, &n, err, errlen)) != 0) {
    if (to_file && strncmp(err, "writing failed", 14) == 0) {
      char why[512];
      snprintf(why, sizeof why, "%s", err);
      snprintf(err, errlen, "%s: %s", path, why);
    }
    goto cleanup;
  }
  if (fflush(out) != 0 || ferror(out)) {
    snprintf(err, errlen, "%s: writing failed: %s", to_file ? path : "a temporary file",
             strerror(errno));
    goto cleanup;
  }
  static const char *const formats[] = {"csv", "json", "sav"};
  strbuf detail = STRBUF_INIT;
  strbuf_printf(&detail, "kind=%s format=%s file=%s rows=%zu personal=%s", kind,
                formats[opt->format],
                opt->file ? opt->file
                : to_file ? path
                          : "-",
                n, k == K_LEADERS && opt->include_personal ? "yes" : "no");
  int arc = store_audit(s, opt->actor, "export", strbuf_str(&detail), err, errlen);
  strbuf_free(&detail);
  if (arc != 0)
    goto cleanup;
  in_txn = false;
  if (store_commit(s, err, errlen) != 0) {
    char why[512];
    snprintf(why, sizeof why, "%s", err);
    snprintf(err, errlen, "cannot record the export in the audit log: %s", why);
    goto cleanup;
  }
  if (to_file) {
    FILE *f = out;
    out = NULL;
    if (fsync(fileno(f)) != 0 || fclose(f) != 0) {
      snprintf(err, errlen, "%s: writing failed: %s", path, strerror(errno));
      goto cleanup;
    }
    if (rename(tmp, path) != 0) {
      snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
      goto cleanup;
    }
    free(tmp);
    tmp = NULL;
  } else {
    rewind(out);
    char buf[65536];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, out)) > 0)
      if (fwrite(buf, 1, got, stdout) != got)
        break;
    if (ferror(out) || fflush(stdout) != 0 || ferror(stdout)) {
      snprintf(err, errlen, "writing standard output failed: %s", strerror(errno));
      goto cleanup;
    }
  }
  rc = 0;
cleanup:
  if (in_txn)
    store_rollback(s);
  if (out)
    fclose(out);
  if (tmp) {
    remove(tmp);
    free(tmp);
  }
  if (rows)
    *rows = n;
  src_free(&x);
  return rc;
}
