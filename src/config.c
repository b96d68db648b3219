/* Report settings from a JSON file. Every key is checked: an unknown key is
 * more likely a typo of a real one than something to ignore, and a silently
 * ignored "smal_cell" would publish cells the analyst meant to suppress. */
#include "config.h"

#include "date.h"
#include "xalloc.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CONFIG_MAX_BYTES (1 << 20)

void config_defaults(report_config *cfg) {
  memset(cfg, 0, sizeof *cfg);
  snprintf(cfg->title, sizeof cfg->title, "%s", "Evaluation of the Careers Leader training");
  cfg->date[0] = '\0';
  snprintf(cfg->baseline_cutoff, sizeof cfg->baseline_cutoff, "%s", CONFIG_BASELINE_CUTOFF);
  snprintf(cfg->post_from, sizeof cfg->post_from, "%s", CONFIG_POST_FROM);
  snprintf(cfg->post_to, sizeof cfg->post_to, "%s", CONFIG_POST_TO);
  cfg->fully_achieved = 100;
  cfg->small_cell = 5;
  cfg->role_bands[0] = 1;
  cfg->role_bands[1] = 3;
  cfg->role_bands[2] = 5;
  cfg->nbands = 3;
  cfg->confidence = 0.95;
}

/* What a parse needs to report a problem at the key it is about. */
typedef struct parse_ctx {
  const char *name, *text;
  size_t len;
  char *err;
  size_t errlen;
} parse_ctx;

/* jansson keeps no positions for parsed values, so the key is found in the
 * text: the first `"key"` followed by a colon. Line and column are 1-based. */
static void key_position(const parse_ctx *p, const char *key, int *line, int *col) {
  size_t klen = strlen(key);
  *line = 1;
  *col = 1;
  for (size_t i = 0; i + klen + 2 <= p->len; i++) {
    if (p->text[i] != '"' || memcmp(p->text + i + 1, key, klen) != 0 ||
        p->text[i + 1 + klen] != '"')
      continue;
    size_t j = i + klen + 2;
    while (j < p->len && strchr(" \t\r\n", p->text[j]))
      j++;
    if (j >= p->len || p->text[j] != ':')
      continue;
    for (size_t k = 0; k < i; k++) {
      if (p->text[k] == '\n') {
        (*line)++;
        *col = 1;
      } else if (((unsigned char)p->text[k] & 0xC0) != 0x80) {
        (*col)++; /* count characters, not UTF-8 continuation bytes */
      }
    }
    return;
  }
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int
fail(const parse_ctx *p, const char *key, const char *fmt, ...) {
  int line, col;
  key_position(p, key, &line, &col);
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  snprintf(p->err, p->errlen, "%s:%d:%d: \"%s\": %s", p->name, line, col, key, msg);
  return -1;
}

static int set_date(const parse_ctx *p, const char *key, json_t *v, char out[11]) {
  if (!json_is_string(v))
    return fail(p, key, "expected a date as a string \"YYYY-MM-DD\"");
  const char *s = json_string_value(v);
  int y, m, d;
  if (!date_parse(s, &y, &m, &d) || y < 1900)
    return fail(p, key, "\"%.40s\" is not a date written YYYY-MM-DD", s);
  memcpy(out, s, 11);
  return 0;
}

static int set_number(const parse_ctx *p, const char *key, json_t *v, double lo, double hi,
                      double *out) {
  if (!json_is_number(v))
    return fail(p, key, "expected a number from %g to %g", lo, hi);
  double x = json_number_value(v);
  if (!(x >= lo && x <= hi))
    return fail(p, key, "%g is out of range: expected a number from %g to %g", x, lo, hi);
  *out = x;
  return 0;
}

static int set_compass(const parse_ctx *p, const char *key, const char *sub, json_t *v,
                       report_config *c) {
  if (strcmp(sub, "baseline_cutoff") == 0)
    return set_date(p, key, v, c->baseline_cutoff);
  if (strcmp(sub, "post_from") == 0)
    return set_date(p, key, v, c->post_from);
  if (strcmp(sub, "post_to") == 0)
    return set_date(p, key, v, c->post_to);
  if (strcmp(sub, "fully_achieved") == 0)
    return set_number(p, key, v, 1, 100, &c->fully_achieved);
  return fail(p, key,
              "unknown Compass setting; expected baseline_cutoff, post_from, post_to or "
              "fully_achieved");
}

static int set_bands(const parse_ctx *p, const char *key, json_t *v, report_config *c) {
  size_t n = json_is_array(v) ? json_array_size(v) : 0;
  if (n == 0 || n > CONFIG_MAX_BANDS)
    return fail(p, key, "expected an array of 1 to %d band limits in years, ascending",
                CONFIG_MAX_BANDS);
  double bands[CONFIG_MAX_BANDS];
  for (size_t i = 0; i < n; i++) {
    json_t *b = json_array_get(v, i);
    if (!json_is_number(b) || !(json_number_value(b) > 0 && json_number_value(b) <= 60))
      return fail(p, key, "band limit %zu is not a number of years above 0 and at most 60", i + 1);
    bands[i] = json_number_value(b);
    if (i > 0 && !(bands[i] > bands[i - 1]))
      return fail(p, key, "band limits must be ascending: %g follows %g", bands[i], bands[i - 1]);
  }
  memcpy(c->role_bands, bands, n * sizeof *bands);
  c->nbands = (int)n;
  return 0;
}

static int set_key(const parse_ctx *p, const char *key, json_t *v, report_config *c) {
  if (strcmp(key, "title") == 0) {
    if (!json_is_string(v) || json_string_length(v) == 0)
      return fail(p, key, "expected a non-empty string");
    if (json_string_length(v) >= sizeof c->title)
      return fail(p, key, "longer than %zu bytes", sizeof c->title - 1);
    memcpy(c->title, json_string_value(v), json_string_length(v) + 1);
    return 0;
  }
  if (strcmp(key, "date") == 0)
    return set_date(p, key, v, c->date);
  if (strcmp(key, "small_cell") == 0) {
    if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 1000)
      return fail(p, key, "expected a whole number of respondents from 1 to 1000");
    c->small_cell = (int)json_integer_value(v);
    return 0;
  }
  if (strcmp(key, "confidence") == 0)
    return set_number(p, key, v, 0.5, 0.999, &c->confidence);
  if (strcmp(key, "role_bands") == 0)
    return set_bands(p, key, v, c);
  if (strncmp(key, "compass.", 8) == 0)
    return set_compass(p, key, key + 8, v, c);
  if (strcmp(key, "compass") == 0) {
    if (!json_is_object(v))
      return fail(p, key, "expected an object of Compass settings");
    const char *sub;
    json_t *sv;
    json_object_foreach(v, sub, sv) {
      if (set_compass(p, sub, sub, sv, c) != 0)
        return -1;
    }
    return 0;
  }
  return fail(p, key,
              "unknown setting; expected title, date, compass.baseline_cutoff, "
              "compass.post_from, compass.post_to, compass.fully_achieved, small_cell, "
              "role_bands or confidence");
}

int config_parse(report_config *cfg, const char *name, const char *text, size_t len, char *err,
                 size_t errlen) {
  parse_ctx p = {name, text, len, err, errlen};
  json_error_t jerr;
  json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
  if (!root) {
    snprintf(err, errlen, "%s:%d:%d: %s", name, jerr.line, jerr.column, jerr.text);
    return -1;
  }
  if (!json_is_object(root)) {
    json_decref(root);
    snprintf(err, errlen, "%s:1:1: expected a JSON object of settings", name);
    return -1;
  }
  report_config c = *cfg; /* cfg changes only if every setting is good */
  const char *key;
  json_t *v;
  int rc = 0;
  json_object_foreach(root, key, v) {
    if ((rc = set_key(&p, key, v, &c)) != 0)
      break;
  }
  json_decref(root);
  if (rc == 0 && strcmp(c.post_from, c.post_to) > 0)
    rc = fail(&p, "post_to", "the post window ends (%s) before it starts (%s)", c.post_to,
              c.post_from);
  if (rc == 0)
    *cfg = c;
  return rc;
}

int config_load(report_config *cfg, const char *path, char *err, size_t errlen) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    return -2;
  }
  struct stat st;
  if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
    snprintf(err, errlen, "%s: not a regular file", path);
    fclose(f);
    return -2;
  }
  if (st.st_size > CONFIG_MAX_BYTES) {
    snprintf(err, errlen, "%s: %lld bytes is too large for a config file (limit %d)", path,
             (long long)st.st_size, CONFIG_MAX_BYTES);
    fclose(f);
    return -1;
  }
  size_t n = (size_t)st.st_size;
  char *text = xmalloc(n + 1);
  size_t got = fread(text, 1, n, f);
  int rerr = ferror(f);
  fclose(f);
  if (rerr || got != n) {
    free(text);
    snprintf(err, errlen, "%s: read failed", path);
    return -2;
  }
  int rc = config_parse(cfg, path, text, n, err, errlen);
  free(text);
  return rc;
}
