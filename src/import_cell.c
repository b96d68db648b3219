/* Import's problems and cell validators (see import_internal.h): every
 * message names the file, line, column and the column's name. */
#include <float.h>
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
  /* An SPSS file's rows are cases, its columns variables; the message that
   * follows names the variable. */
  if (im->sav && line > 1)
    strbuf_printf(&b, "%s: case %ld: ", im->name, line - 1);
  else if (im->sav)
    strbuf_printf(&b, "%s: ", im->name);
  else
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

/* s folded (imp_fold) without spaces, '_' and '-': "Level 7" -> "level7". */
static void squeeze(const char *s, strbuf *out) {
  strbuf f = STRBUF_INIT;
  imp_fold(s, &f);
  strbuf_reset(out);
  for (const char *p = strbuf_str(&f); *p; p++)
    if (*p != ' ' && *p != '_' && *p != '-')
      strbuf_putc(out, *p);
  strbuf_free(&f);
}

/* Other names of enumeration codes: the labels the report prints and the
 * wordings exports use. */
static const char *const aliases[][2] = {
    {"mainstream", "mainstream school"},
    {"mainstream", "mainstream schools"},
    {"special", "special school"},
    {"special", "special schools"},
    {"special", "send"},
    {"ap", "alternative provision"},
    {"fe_college", "fe college"},
    {"fe_college", "further education college"},
    {"fe_college", "general fe college"},
    {"sixth_form_college", "sixth form college"},
    {"none", "not accredited"},
    {"none", "non-accredited"},
    {"college_strategic", "strategic"},
    {"college_strategic", "college strategic careers leader"},
    {"college_operational", "operational"},
    {"college_operational", "college operational careers leader"},
    {"school", "school careers leader"},
    {"pre", "pre-training"},
    {"pre", "before"},
    {"post", "post-training"},
    {"post", "after"},
};

int imp_enum_match(const char *s, const char *const *list) {
  int k = imp_list_index(s, list);
  if (k >= 0)
    return k;
  strbuf a = STRBUF_INIT, b = STRBUF_INIT;
  squeeze(s, &a);
  for (int i = 0; list[i] && k < 0; i++) {
    squeeze(list[i], &b);
    if (strcmp(strbuf_str(&a), strbuf_str(&b)) == 0)
      k = i;
    for (size_t j = 0; k < 0 && j < sizeof aliases / sizeof *aliases; j++) {
      if (strcmp(aliases[j][0], list[i]) != 0)
        continue;
      squeeze(aliases[j][1], &b);
      if (strcmp(strbuf_str(&a), strbuf_str(&b)) == 0)
        k = i;
    }
  }
  strbuf_free(&a);
  strbuf_free(&b);
  return k;
}

/* The code of list closest to s (edit distance at most 2, folded), or NULL. */
static const char *enum_near(const char *s, const char *const *list) {
  strbuf a = STRBUF_INIT, b = STRBUF_INIT;
  squeeze(s, &a);
  const char *best = NULL;
  size_t best_d = 3;
  for (int i = 0; list[i]; i++) {
    squeeze(list[i], &b);
    size_t d = imp_distance(strbuf_str(&a), strbuf_str(&b), 2);
    if (d < best_d && 2 * d < b.len) {
      best_d = d;
      best = list[i];
    }
  }
  strbuf_free(&a);
  strbuf_free(&b);
  return best;
}

bool imp_enum(importer *im, int i, const char *const *list, int *out) {
  const char *s;
  if (!imp_required(im, i, &s))
    return false;
  *out = imp_enum_match(s, list);
  if (*out < 0) {
    char showbuf[64];
    strbuf b = STRBUF_INIT;
    imp_list_join(&b, list);
    const char *near = enum_near(s, list);
    if (near)
      imp_fproblem(im, i, "%s is not one of: %s; did you mean \"%s\"?", SHOW(s), strbuf_str(&b),
                   near);
    else
      imp_fproblem(im, i, "%s is not one of: %s", SHOW(s), strbuf_str(&b));
    strbuf_free(&b);
    return false;
  }
  return true;
}

int imp_scale_option(const instrument_scale *sc, const char *v) {
  int opt = instrument_scale_match(sc, v);
  if (opt >= 0)
    return opt;
  strbuf a = STRBUF_INIT, b = STRBUF_INIT;
  imp_fold(v, &a);
  for (size_t i = 0; i < sc->noptions && opt < 0; i++) {
    imp_fold(sc->options[i].code, &b);
    if (strcmp(strbuf_str(&a), strbuf_str(&b)) == 0)
      opt = (int)i;
    if (opt < 0 && sc->options[i].label) {
      imp_fold(sc->options[i].label, &b);
      if (strcmp(strbuf_str(&a), strbuf_str(&b)) == 0)
        opt = (int)i;
    }
  }
  /* A number with spaces around it. */
  if (opt < 0 && a.len)
    opt = instrument_scale_match(sc, strbuf_str(&a));
  strbuf_free(&a);
  strbuf_free(&b);
  return opt;
}

const char *imp_scale_near(const instrument_scale *sc, const char *v) {
  strbuf a = STRBUF_INIT, b = STRBUF_INIT;
  imp_fold(v, &a);
  const char *best = NULL;
  size_t best_d = 4;
  for (size_t i = 0; i < sc->noptions; i++) {
    if (!sc->options[i].label)
      continue;
    imp_fold(sc->options[i].label, &b);
    size_t d = imp_distance(strbuf_str(&a), strbuf_str(&b), 3);
    if (d < best_d && 3 * d < b.len) {
      best_d = d;
      best = sc->options[i].label;
    }
  }
  strbuf_free(&a);
  strbuf_free(&b);
  return best;
}

/* Powers of ten a double holds exactly. */
static const double exact_tens[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                    1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                    1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

bool imp_parse_decimal(const char *s, double *out) {
  const char *p = s;
  bool neg = *p == '-';
  if (*p == '+' || *p == '-')
    p++;
  /* The digits as a whole number m and the places after the point k: when
   * m < 2^53 and k <= 22 both are exact doubles, and m / 10^k, one
   * correctly rounded division, is the value strtod gives (Clinger's fast
   * path); else strtod. */
  uint64_t m = 0;
  size_t digits = 0, frac = 0;
  bool exact = true;
  for (; *p >= '0' && *p <= '9'; p++, digits++) {
    exact = exact && m < ((uint64_t)1 << 53) / 10;
    m = m * 10 + (uint64_t)(*p - '0');
  }
  if (*p == '.') {
    for (p++; *p >= '0' && *p <= '9'; p++, frac++) {
      exact = exact && m < ((uint64_t)1 << 53) / 10;
      m = m * 10 + (uint64_t)(*p - '0');
    }
  }
  if (!(digits + frac) || *p)
    return false;
  /* Only where a double division rounds once (not with x87's extended
   * registers, as on 32-bit x86 without SSE: rounded twice, it can miss
   * strtod's result by an ulp). */
  if (FLT_EVAL_METHOD == 0 && exact && frac < sizeof exact_tens / sizeof *exact_tens) {
    double v = (double)m / exact_tens[frac];
    *out = neg ? -v : v;
    return true;
  }
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
  if (integer && lo == 0 && hi == 1 && !imp_parse_decimal(s, out)) {
    /* A yes/no column: Yes and No as well as 1 and 0. */
    static const char *const yesno[] = {"no", "yes", NULL};
    static const char *const yn[] = {"n", "y", NULL};
    static const char *const tf[] = {"false", "true", NULL};
    int k = imp_enum_match(s, yesno);
    k = k >= 0 ? k : imp_enum_match(s, yn);
    k = k >= 0 ? k : imp_enum_match(s, tf);
    if (k >= 0) {
      *out = k;
      return true;
    }
    imp_fproblem(im, i, "%s is not 1 or 0 (Yes or No)", SHOW(s));
    return false;
  }
  /* Spreadsheets write a percentage column's cells with their sign
   * ("12.5%": 12.5 on the 0-100 scale) and whole numbers as "8.0". */
  bool percent = !integer && lo == 0 && hi == 100;
  size_t n = strlen(s);
  bool read;
  if (percent && n > 1 && s[n - 1] == '%') {
    char num[64];
    size_t k = n - 1;
    while (k && s[k - 1] == ' ')
      k--;
    read = k < sizeof num && (memcpy(num, s, k), num[k] = '\0', imp_parse_decimal(num, out));
  } else {
    read = imp_parse_decimal(s, out);
  }
  if (!read || (integer && (*out != floor(*out) || fabs(*out) > 1e15))) {
    char dot[64];
    double v;
    bool comma = !read && n < sizeof dot && strchr(s, ',');
    if (comma) {
      memcpy(dot, s, n + 1);
      *strchr(dot, ',') = '.';
      comma = imp_parse_decimal(dot, &v);
    }
    imp_fproblem(im, i, "%s is not %s%s", SHOW(s), integer ? "a whole number" : "a number",
                 comma ? " (a decimal comma? write a point: cleval reads 12.5, not 12,5)" : "");
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
  char note[256];
  int rc = date_read(s, allow_time, im->date_order, when, im->datetext[i], &im->dateplain[i], note,
                     sizeof note);
  if (rc == 1) {
    char hint[160];
    date_hint(s, hint, sizeof hint);
    imp_fproblem(im, i, "%s is not a date (expected %s)%s", SHOW(s),
                 allow_time ? "YYYY-MM-DD or YYYY-MM-DDThh:mm:ss, or DD/MM/YYYY [hh:mm[:ss]]"
                            : "YYYY-MM-DD or DD/MM/YYYY",
                 hint);
  } else if (rc == 2)
    imp_fproblem(im, i, "%s is not a real date%s", SHOW(s), allow_time ? " and time" : "");
  else if (rc == 3)
    imp_fproblem(im, i, "%s is not a date: %s (--date-order %s if the file writes dates so)",
                 SHOW(s), note, im->date_order == DATE_MDY ? "dmy" : "mdy");
  else if (rc == 4)
    imp_fproblem(im, i, "%s is not a date: %s", SHOW(s), note);
  return rc == 0;
}

const char *imp_date_text(const importer *im, int i) {
  return im->dateplain[i] ? imp_cell(im, i) : im->datetext[i];
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

void imp_fold(const char *s, strbuf *out) {
  strbuf_reset(out);
  bool space = false;
  for (const unsigned char *p = (const unsigned char *)s; *p;) {
    int c = *p;
    size_t n = 1;
    if (c == 0xC2 && p[1] == 0xA0) { /* no-break space */
      c = ' ';
      n = 2;
    } else if (c == 0xE2 && p[1] == 0x80 && p[2]) {
      unsigned char t = p[2];
      n = 3;
      if (t == 0x98 || t == 0x99 || t == 0x9B || t == 0xB2)
        c = '\'';
      else if (t == 0x9C || t == 0x9D || t == 0x9F || t == 0xB3)
        c = '"';
      else if (t >= 0x90 && t <= 0x95)
        c = '-';
      else if (t <= 0x8A || t == 0xAF)
        c = ' ';
      else
        n = 1; /* another character: kept as it is */
    }
    p += n;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      space = true;
      continue;
    }
    if (space && out->len)
      strbuf_putc(out, ' ');
    space = false;
    if (c >= 'A' && c <= 'Z')
      c += 'a' - 'A';
    strbuf_putc(out, (char)c);
  }
}

size_t imp_distance(const char *a, const char *b, size_t cap) {
  size_t la = strlen(a), lb = strlen(b);
  if ((la > lb ? la - lb : lb - la) > cap)
    return cap + 1;
  size_t *row = xmalloc((lb + 1) * sizeof *row);
  for (size_t j = 0; j <= lb; j++)
    row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t diag = row[0], best = row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t up = row[j];
      size_t v = diag + (a[i - 1] != b[j - 1]);
      if (up + 1 < v)
        v = up + 1;
      if (row[j - 1] + 1 < v)
        v = row[j - 1] + 1;
      row[j] = v;
      diag = up;
      if (v < best)
        best = v;
    }
    if (best > cap) {
      free(row);
      return cap + 1;
    }
  }
  size_t d = row[lb];
  free(row);
  return d;
}
