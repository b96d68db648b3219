/* SPSS .sav files for import (see import_internal.h), read through
 * ReadStat. The file is read once into memory (it may be standard input or
 * a pipe), hashed, and parsed from there; each case becomes a row of text
 * cells given to the KIND's row function, as a CSV row would be:
 *   - a variable's name is its column's header;
 *   - a numeric value with a value label gives the label; for an item,
 *     the code of the answer the label names (when it names none, the
 *     number is kept: a scale's codes are accepted too); otherwise the
 *     number (integers without a point);
 *   - date and time formats (DATE, ADATE, EDATE, SDATE, DATETIME ...) give
 *     ISO 8601 text; system- and user-missing values an empty cell;
 *   - string values lose SPSS's trailing spaces.
 * Problems name the case number and the variable instead of line and
 * column (imp_problem). */
#include <errno.h>
#include <math.h>
#include <readstat.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import_internal.h"
#include "xalloc.h"

typedef struct sav_label {
  char *set;   /* the value-label set's name */
  double num;  /* numeric key */
  char *str;   /* string key (NULL for numeric) */
  char *label;
  /* The last item scale the label was looked up in, and the option it
   * names there (-1: none); most variables with one set share a scale. */
  const instrument_scale *scale;
  int opt;
} sav_label;

typedef struct sav_var {
  char *name;
  char *labels; /* the value-label set's name, or NULL */
  int date;     /* 0 none, 1 date, 2 date and time */
  size_t lab_first, lab_n; /* its set's labels in the sorted labels */
} sav_var;

struct imp_sav {
  unsigned char *data;
  size_t len, pos;
  sav_var *vars;
  size_t nvars, vars_cap;
  sav_label *labels;
  size_t nlabels, labels_cap;
  /* The current case's cells. */
  char **cell;
  size_t *cell_len, *cell_cap;
  int header; /* 0 not read, 1 usable, -1 with problems */
  char error[256];
};

bool imp_is_sav(const char *path) {
  size_t n = strlen(path);
  return n > 4 && strcasecmp(path + n - 4, ".sav") == 0;
}

/* ---------------------------------------------------------------------- */
/* ReadStat reads from memory. */

static int io_open(const char *path, void *ctx) {
  (void)path;
  ((imp_sav *)ctx)->pos = 0;
  return 0;
}

static int io_close(void *ctx) {
  (void)ctx;
  return 0;
}

static readstat_off_t io_seek(readstat_off_t off, readstat_io_flags_t whence, void *ctx) {
  imp_sav *sv = ctx;
  long long base = whence == READSTAT_SEEK_SET   ? 0
                   : whence == READSTAT_SEEK_CUR ? (long long)sv->pos
                                                 : (long long)sv->len;
  long long to = base + (long long)off;
  if (to < 0 || to > (long long)sv->len)
    return -1;
  sv->pos = (size_t)to;
  return (readstat_off_t)to;
}

static ssize_t io_read(void *buf, size_t n, void *ctx) {
  imp_sav *sv = ctx;
  size_t left = sv->len - sv->pos;
  if (n > left)
    n = left;
  memcpy(buf, sv->data + sv->pos, n);
  sv->pos += n;
  return (ssize_t)n;
}

static readstat_error_t io_update(long size, readstat_progress_handler fn, void *user, void *ctx) {
  (void)size;
  (void)fn;
  (void)user;
  (void)ctx;
  return READSTAT_OK;
}

/* ---------------------------------------------------------------------- */
/* Values as text. */

/* The civil date of a day count from 1970-01-01 (H. Hinnant's algorithm). */
static void civil(long long z, long long *y, int *m, int *d) {
  z += 719468;
  long long era = (z >= 0 ? z : z - 146096) / 146097;
  long long doe = z - era * 146097;
  long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long long mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

/* An SPSS date (seconds since 1582-10-14) as ISO 8601. */
static void sav_date(double v, int kind, char *out, size_t size) {
  /* 1582-10-14 is 141428 days before 1970-01-01. */
  double secs = floor(v + 0.5) - 141428.0 * 86400.0;
  if (!(fabs(secs) < 1e14)) {
    snprintf(out, size, "%.17g", v);
    return;
  }
  long long t = (long long)secs;
  long long days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
  long long rest = t - days * 86400;
  long long y;
  int m, d;
  civil(days, &y, &m, &d);
  if (kind == 1)
    snprintf(out, size, "%04lld-%02d-%02d", y, m, d);
  else if (rest % 60)
    snprintf(out, size, "%04lld-%02d-%02dT%02d:%02d:%02d", y, m, d, (int)(rest / 3600),
             (int)(rest / 60 % 60), (int)(rest % 60));
  else
    snprintf(out, size, "%04lld-%02d-%02dT%02d:%02d", y, m, d, (int)(rest / 3600),
             (int)(rest / 60 % 60));
}

static int date_kind(const char *format) {
  if (!format)
    return 0;
  if (strncasecmp(format, "DATETIME", 8) == 0 || strncasecmp(format, "YMDHMS", 6) == 0)
    return 2;
  static const char *const dates[] = {"DATE", "ADATE", "EDATE", "SDATE", "JDATE"};
  for (size_t i = 0; i < sizeof dates / sizeof *dates; i++)
    if (strncasecmp(format, dates[i], strlen(dates[i])) == 0)
      return 1;
  return 0;
}

static sav_label *find_label(imp_sav *sv, const sav_var *v, readstat_value_t value) {
  bool str = readstat_value_type(value) == READSTAT_TYPE_STRING;
  const char *s = str ? readstat_string_value(value) : NULL;
  double x = str ? 0 : readstat_double_value(value);
  for (size_t i = v->lab_first; i < v->lab_first + v->lab_n; i++) {
    sav_label *l = &sv->labels[i];
    if (str ? l->str && s && strcmp(l->str, s) == 0 : !l->str && l->num == x)
      return l;
  }
  return NULL;
}

static int label_order(const void *a, const void *b) {
  const sav_label *x = a, *y = b;
  return strcmp(x->set, y->set);
}

/* Sorts the labels by set and gives each variable its set's range, so
 * that a value's label is looked up among its set's few (time linear in
 * the variables and labels, whatever their number). */
static void index_labels(imp_sav *sv) {
  if (sv->nlabels)
    qsort(sv->labels, sv->nlabels, sizeof *sv->labels, label_order);
  for (size_t i = 0; i < sv->nvars; i++) {
    sav_var *v = &sv->vars[i];
    v->lab_first = v->lab_n = 0;
    if (!v->labels)
      continue;
    size_t lo = 0, hi = sv->nlabels; /* the first label whose set is >= v's */
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (strcmp(sv->labels[mid].set, v->labels) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
    v->lab_first = lo;
    while (lo < sv->nlabels && strcmp(sv->labels[lo].set, v->labels) == 0)
      lo++;
    v->lab_n = lo - v->lab_first;
  }
}

static void set_cell(imp_sav *sv, size_t c, const char *s, size_t n) {
  if (n + 1 > sv->cell_cap[c])
    sv->cell[c] = xgrow(sv->cell[c], &sv->cell_cap[c], n + 1, 1);
  memcpy(sv->cell[c], s, n);
  sv->cell[c][n] = '\0';
  sv->cell_len[c] = n;
}

/* ---------------------------------------------------------------------- */
/* ReadStat's callbacks. */

static int on_variable(int index, readstat_variable_t *variable, const char *val_labels,
                       void *ctx) {
  importer *im = ctx;
  imp_sav *sv = im->sv;
  if (im->pass != 1 || index < 0)
    return READSTAT_HANDLER_OK; /* the second pass has them from the first */
  sv->vars = xgrow(sv->vars, &sv->vars_cap, sv->nvars + 1, sizeof *sv->vars);
  sav_var *v = &sv->vars[sv->nvars++];
  const char *name = readstat_variable_get_name(variable);
  v->name = xstrdup(name ? name : "");
  v->labels = val_labels ? xstrdup(val_labels) : NULL;
  v->date = readstat_variable_get_type_class(variable) == READSTAT_TYPE_CLASS_NUMERIC
                ? date_kind(readstat_variable_get_format(variable))
                : 0;
  return READSTAT_HANDLER_OK;
}

static int on_value_label(const char *val_labels, readstat_value_t value, const char *label,
                          void *ctx) {
  importer *im = ctx;
  imp_sav *sv = im->sv;
  if (im->pass != 1)
    return READSTAT_HANDLER_OK;
  sv->labels = xgrow(sv->labels, &sv->labels_cap, sv->nlabels + 1, sizeof *sv->labels);
  sav_label *l = &sv->labels[sv->nlabels++];
  l->set = xstrdup(val_labels ? val_labels : "");
  l->str = NULL;
  l->num = 0;
  if (readstat_value_type(value) == READSTAT_TYPE_STRING) {
    const char *s = readstat_string_value(value);
    l->str = xstrdup(s ? s : "");
  } else {
    l->num = readstat_double_value(value);
  }
  l->label = xstrdup(label ? label : "");
  l->scale = NULL;
  l->opt = -1;
  return READSTAT_HANDLER_OK;
}

/* The header, from the variables, once they are all known. */
static int sav_header(importer *im) {
  imp_sav *sv = im->sv;
  if (sv->nvars == 0) {
    imp_problem(im, 1, 1, "the SPSS file has no variables");
    return 1;
  }
  index_labels(sv);
  const char **names = xmalloc(sv->nvars * sizeof *names);
  size_t *lens = xmalloc(sv->nvars * sizeof *lens);
  for (size_t i = 0; i < sv->nvars; i++) {
    names[i] = sv->vars[i].name;
    lens[i] = strlen(names[i]);
  }
  int rc = imp_header(im, sv->nvars, names, lens);
  free(names);
  free(lens);
  sv->cell = xcalloc(sv->nvars, sizeof *sv->cell);
  sv->cell_len = xcalloc(sv->nvars, sizeof *sv->cell_len);
  sv->cell_cap = xcalloc(sv->nvars, sizeof *sv->cell_cap);
  for (size_t i = 0; i < sv->nvars; i++)
    set_cell(sv, i, "", 0);
  return rc;
}

static int on_value(int obs, readstat_variable_t *variable, readstat_value_t value, void *ctx) {
  importer *im = ctx;
  imp_sav *sv = im->sv;
  if (sv->header == 0)
    sv->header = sav_header(im) == 0 ? 1 : -1;
  if (sv->header < 0)
    return READSTAT_HANDLER_ABORT;
  int index = readstat_variable_get_index(variable);
  if (index < 0 || (size_t)index >= sv->nvars)
    return READSTAT_HANDLER_OK;
  size_t c = (size_t)index;
  const sav_var *v = &sv->vars[c];
  char num[64];
  if (readstat_value_is_missing(value, variable)) {
    set_cell(sv, c, "", 0);
  } else if (readstat_value_type(value) == READSTAT_TYPE_STRING) {
    const char *s = readstat_string_value(value);
    size_t n = s ? strlen(s) : 0;
    while (n && s[n - 1] == ' ')
      n--;
    set_cell(sv, c, s ? s : "", n);
  } else {
    double x = readstat_double_value(value);
    sav_label *l = find_label(sv, v, value);
    const char *label = l ? l->label : NULL;
    /* An item's answer: the option the label names (as its code), or,
     * when it names none, the number itself. */
    int k = im->itemcol ? im->itemcol[c] : -1;
    if (l && k >= 0) {
      const instrument_scale *sc = im->cat.items[k].it->scale;
      if (l->scale != sc) {
        l->scale = sc;
        l->opt = imp_scale_option(sc, l->label);
      }
      label = l->opt >= 0 ? sc->options[l->opt].code : NULL;
    }
    if (label) {
      set_cell(sv, c, label, strlen(label));
    } else {
      if (v->date)
        sav_date(x, v->date, num, sizeof num);
      else if (x == floor(x) && fabs(x) < 1e15)
        snprintf(num, sizeof num, "%lld", (long long)x);
      else
        snprintf(num, sizeof num, "%.15g", x);
      set_cell(sv, c, num, strlen(num));
    }
  }
  if (c + 1 == sv->nvars) {
    imp_process_row(im, sv->nvars, sv->cell, sv->cell_len, (long)obs + 2);
    for (size_t i = 0; i < sv->nvars; i++)
      set_cell(sv, i, "", 0);
    if (im->failed)
      return READSTAT_HANDLER_ABORT;
  }
  return READSTAT_HANDLER_OK;
}

static void on_error(const char *msg, void *ctx) {
  importer *im = ctx;
  if (!im->sv->error[0])
    snprintf(im->sv->error, sizeof im->sv->error, "%s", msg);
}

/* ---------------------------------------------------------------------- */

void imp_sav_load(importer *im, unsigned char *data, size_t len, char sha256[65]) {
  imp_sav *sv = im->sv = xcalloc(1, sizeof *sv);
  sv->data = data;
  sv->len = len;
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, sv->data, sv->len);
  sodium_bin2hex(sha256, 65, digest, sizeof digest);
}

int imp_sav_pass(importer *im) {
  imp_sav *sv = im->sv;
  readstat_parser_t *p = readstat_parser_init();
  if (!p) {
    snprintf(im->err, im->errlen, "ReadStat could not be initialised");
    return -1;
  }
  readstat_set_open_handler(p, io_open);
  readstat_set_close_handler(p, io_close);
  readstat_set_seek_handler(p, io_seek);
  readstat_set_read_handler(p, io_read);
  readstat_set_update_handler(p, io_update);
  readstat_set_io_ctx(p, sv);
  readstat_set_variable_handler(p, on_variable);
  readstat_set_value_label_handler(p, on_value_label);
  readstat_set_value_handler(p, on_value);
  readstat_set_error_handler(p, on_error);
  im->rows = 0;
  im->have_last = false;
  strbuf_reset(&im->last_key);
  sv->error[0] = '\0';
  readstat_error_t rc = readstat_parse_sav(p, im->name, im);
  readstat_parser_free(p);
  if (im->failed)
    return -1;
  if (sv->header < 0)
    return 1;
  if (rc != READSTAT_OK) {
    if (im->pass == 2) {
      snprintf(im->err, im->errlen, "%s: could not be read again: %s", im->name,
               readstat_error_message(rc));
      return -1;
    }
    imp_problem(im, 1, 1, "not a readable SPSS .sav file: %s%s%s", readstat_error_message(rc),
                sv->error[0] ? ": " : "", sv->error);
    return 1;
  }
  /* A file without cases still has a header to check. */
  if (sv->header == 0 && im->pass == 1)
    sv->header = sav_header(im) == 0 ? 1 : -1;
  return sv->header < 0 ? 1 : 0;
}

void imp_sav_free(imp_sav *sv) {
  if (!sv)
    return;
  free(sv->data);
  for (size_t i = 0; i < sv->nvars; i++) {
    free(sv->vars[i].name);
    free(sv->vars[i].labels);
    if (sv->cell)
      free(sv->cell[i]);
  }
  free(sv->vars);
  for (size_t i = 0; i < sv->nlabels; i++) {
    free(sv->labels[i].set);
    free(sv->labels[i].str);
    free(sv->labels[i].label);
  }
  free(sv->labels);
  free(sv->cell);
  free(sv->cell_len);
  free(sv->cell_cap);
  free(sv);
}
