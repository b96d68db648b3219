/* Import's problems and cell validators (see import_internal.h): every
 * message names the file, line, column and the column's name. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "import_internal.h"
#include "xalloc.h"

void imp_add_problem(importer *im, const char *msg) {
  import_result *res = im->res;
  if (res->nproblems < IMPORT_MAX_PROBLEMS) {
    res->problems = xrealloc(res->problems, (res->nproblems + 1) * sizeof *res->problems);
    res->problems[res->nproblems++] = xstrdup(msg);
  }
  res->problems_total++;
}

void imp_problem(importer *im, long line, int col, const char *fmt, ...) {
  if (im->res->problems_total >= IMPORT_MAX_PROBLEMS) {
    im->res->problems_total++;
    return;
  }
  strbuf b = STRBUF_INIT;
  strbuf_printf(&b, "%s:%ld:%d: ", im->name, line, col);
  va_list ap;
  va_start(ap, fmt);
  strbuf_vprintf(&b, fmt, ap);
  va_end(ap);
  imp_add_problem(im, strbuf_str(&b));
  strbuf_free(&b);
}

/* A value for a message: quoted, control characters replaced, at most
 * about 40 bytes (cut at a character boundary). */
const char *imp_show(const char *s, char *buf, size_t size) {
  size_t j = 0, max = size - 6;
  buf[j++] = '"';
  size_t i;
  for (i = 0; s[i] && j < max; i++) {
    unsigned char c = (unsigned char)s[i];
    if (j + 4 >= max && (c & 0xC0) != 0x80)
      break;
    buf[j++] = c < 0x20 || c == 0x7F ? '?' : (char)c;
  }
  while (s[i] && (((unsigned char)s[i]) & 0xC0) == 0x80 && j > 1) {
    /* Do not end inside a character: drop its lead bytes. */
    while (j > 1 && (((unsigned char)buf[j - 1]) & 0xC0) == 0x80)
      j--;
    if (j > 1)
      j--;
    break;
  }
  if (s[i]) {
    memcpy(buf + j, "...", 3);
    j += 3;
  }
  buf[j++] = '"';
  buf[j] = '\0';
  return buf;
}

/* A problem with spec column i of the current row; the message starts with
 * the column's name. */
void imp_fproblem(importer *im, int i, const char *fmt, ...) {
  if (im->pass != 1)
    return;
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  imp_problem(im, imp_line(im), imp_colno(im, i), "%s: %s", im->spec[i].name, msg);
}

/* csvin's messages are "FILE:LINE:COL: what"; the column's name is added. */
void imp_csv_problem(importer *im, const char *msg) {
  size_t n = strlen(im->name);
  if (im->cols && strncmp(msg, im->name, n) == 0 && msg[n] == ':') {
    char *end;
    long line = strtol(msg + n + 1, &end, 10);
    if (*end == ':') {
      long col = strtol(end + 1, &end, 10);
      if (*end == ':' && col >= 1 && (size_t)col <= im->ncols) {
        imp_problem(im, line, (int)col, "%s:%s", im->cols[col - 1], end + 1);
        return;
      }
    }
  }
  imp_add_problem(im, msg);
}

/* ---------------------------------------------------------------------- */
/* Values. */

bool imp_required(importer *im, int i, const char **out) {
  const char *s = imp_cell(im, i);
  *out = s ? s : "";
  if (imp_empty(s)) {
    imp_fproblem(im, i, "empty; a value is required");
    return false;
  }
  return true;
}

void imp_list_join(strbuf *b, const char *const *list) {
  for (size_t i = 0; list[i]; i++)
    strbuf_printf(b, "%s%s", i ? ", " : "", list[i]);
}

bool imp_enum(importer *im, int i, const char *const *list, int *out) {
  const char *s;
  if (!imp_required(im, i, &s))
    return false;
  *out = imp_list_index(s, list);
  if (*out < 0) {
    char showbuf[64];
    strbuf b = STRBUF_INIT;
    imp_list_join(&b, list);
    imp_fproblem(im, i, "%s is not one of: %s", SHOW(s), strbuf_str(&b));
    strbuf_free(&b);
    return false;
  }
  return true;
}

/* A plain decimal number: digits with an optional sign and point. */
static bool parse_decimal(const char *s, double *out) {
  const char *p = s;
  if (*p == '+' || *p == '-')
    p++;
  size_t digits = strspn(p, "0123456789");
  p += digits;
  if (*p == '.') {
    size_t frac = strspn(p + 1, "0123456789");
    digits += frac;
    p += 1 + frac;
  }
  if (!digits || *p)
    return false;
  *out = strtod(s, NULL);
  return isfinite(*out);
}

/* A number in [lo, hi]; *empty set (and true returned) for an empty cell
 * when allow_empty. */
bool imp_number(importer *im, int i, double lo, double hi, bool allow_empty, bool *empty,
                double *out, bool integer) {
  const char *s = imp_cell(im, i);
  char showbuf[64];
  *empty = imp_empty(s);
  *out = 0;
  if (*empty) {
    if (!allow_empty)
      imp_fproblem(im, i, "empty; a value is required");
    return allow_empty;
  }
  if (!parse_decimal(s, out) || (integer && (strchr(s, '.') || fabs(*out) > 1e15))) {
    imp_fproblem(im, i, "%s is not %s", SHOW(s), integer ? "a whole number" : "a number");
    return false;
  }
  if (*out < lo || *out > hi) {
    if (lo == 0 && hi == 100 && !integer)
      imp_fproblem(im, i, "%s is not a percentage from 0 to 100", SHOW(s));
    else if (hi >= 1e15)
      imp_fproblem(im, i, "%s is out of range (at least %g)", SHOW(s), lo);
    else
      imp_fproblem(im, i, "%s is out of range (%g to %g)", SHOW(s), lo, hi);
    return false;
  }
  return true;
}

bool imp_date(importer *im, int i, bool allow_time, bool allow_empty, bool *empty, int64_t *when) {
  const char *s = imp_cell(im, i);
  char showbuf[64];
  *empty = imp_empty(s);
  *when = 0;
  if (*empty) {
    if (!allow_empty)
      imp_fproblem(im, i, "empty; a date is required");
    return allow_empty;
  }
  int rc = date_parse_when(s, allow_time, when);
  if (rc == 1)
    imp_fproblem(im, i, "%s is not a date (expected %s)", SHOW(s),
                 allow_time ? "YYYY-MM-DD or YYYY-MM-DDThh:mm:ss" : "YYYY-MM-DD");
  else if (rc == 2)
    imp_fproblem(im, i, "%s is not a real date%s", SHOW(s), allow_time ? " and time" : "");
  return rc == 0;
}

int imp_list_index(const char *s, const char *const *list) {
  for (int i = 0; s && list[i]; i++)
    if (strcmp(s, list[i]) == 0)
      return i;
  return -1;
}

/* Records key (of spec column i) as seen on this line; a second sighting
 * is a problem. Only in the checking pass. */
bool imp_first_key(importer *im, const char *key, size_t len, int i, const char *what) {
  if (im->pass != 1)
    return true;
  long first;
  int rc = subreg_seen(im->reg, key, len, imp_line(im), &first, im->err, im->errlen);
  if (rc < 0)
    im->failed = true;
  if (rc != 0)
    return rc > 0;
  imp_fproblem(im, i, "%s appears twice in the file (first on line %ld)", what, first);
  return false;
}
