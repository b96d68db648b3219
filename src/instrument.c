/* Instrument JSON parsing and validation with jansson (see instrument.h). */
#include "instrument.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "instruments_embed.h"
#include "strbuf.h"
#include "xalloc.h"
#include "vocab.h"

static const char *const known_kinds[] = {"likert", "categorical", "binary", NULL};

static bool in_list(const char *s, const char *const *list) {
  for (; *list; list++)
    if (strcmp(s, *list) == 0)
      return true;
  return false;
}

/* Whether id is usable as an SPSS variable name: a letter first, then
 * letters, digits or underscores, at most 32 bytes. */
static bool valid_item_id(const char *id) {
  size_t n = strlen(id);
  if (n == 0 || n > 32 || !((id[0] >= 'a' && id[0] <= 'z') || (id[0] >= 'A' && id[0] <= 'Z')))
    return false;
  for (size_t i = 0; i < n; i++) {
    char c = id[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
      return false;
  }
  return true;
}

/* Reads an optional string member; a present non-string is an error. */
static int get_string(json_t *obj, const char *key, bool required, char **out, const char *where,
                      char *err, size_t errlen) {
  json_t *v = json_object_get(obj, key);
  *out = NULL;
  if (!v || json_is_null(v)) {
    if (required) {
      snprintf(err, errlen, "%s: missing \"%s\"", where, key);
      return -1;
    }
    return 0;
  }
  if (!json_is_string(v)) {
    snprintf(err, errlen, "%s: \"%s\" must be a string", where, key);
    return -1;
  }
  if (required && json_string_length(v) == 0) {
    snprintf(err, errlen, "%s: \"%s\" is empty", where, key);
    return -1;
  }
  *out = xstrdup(json_string_value(v));
  return 0;
}

static int parse_scale(instrument_scale *sc, const char *name, json_t *v, const char *file,
                       char *err, size_t errlen) {
  char where[256];
  snprintf(where, sizeof where, "%s: scale \"%s\"", file, name);
  sc->name = xstrdup(name);
  if (!json_is_object(v)) {
    snprintf(err, errlen, "%s: must be an object", where);
    return -1;
  }
  if (get_string(v, "kind", true, &sc->kind, where, err, errlen) != 0)
    return -1;
  if (!in_list(sc->kind, known_kinds)) {
    snprintf(err, errlen, "%s: unknown kind \"%s\" (expected likert, categorical or binary)", where,
             sc->kind);
    return -1;
  }
  json_t *opts = json_object_get(v, "options");
  if (!json_is_array(opts) || json_array_size(opts) < 2) {
    snprintf(err, errlen, "%s: \"options\" must be an array of at least two options", where);
    return -1;
  }
  sc->noptions = json_array_size(opts);
  sc->options = xcalloc(sc->noptions, sizeof *sc->options);
  for (size_t i = 0; i < sc->noptions; i++) {
    json_t *o = json_array_get(opts, i);
    instrument_option *op = &sc->options[i];
    char w[300];
    snprintf(w, sizeof w, "%s option %zu", where, i + 1);
    if (!json_is_object(o)) {
      snprintf(err, errlen, "%s: must be an object", w);
      return -1;
    }
    if (get_string(o, "code", true, &op->code, w, err, errlen) != 0 ||
        get_string(o, "label", true, &op->label, w, err, errlen) != 0)
      return -1;
    json_t *val = json_object_get(o, "value");
    if (val && !json_is_number(val)) {
      snprintf(err, errlen, "%s: \"value\" must be a number", w);
      return -1;
    }
    op->value = val ? json_number_value(val) : (double)(i + 1);
    for (size_t j = 0; j < i; j++)
      if (strcmp(sc->options[j].code, op->code) == 0) {
        snprintf(err, errlen, "%s: code \"%s\" appears twice", where, op->code);
        return -1;
      }
  }
  return 0;
}

static int parse_item(instrument *in, instrument_item *it, size_t index, json_t *v,
                      const char *file, char *err, size_t errlen) {
  char where[256];
  snprintf(where, sizeof where, "%s: item %zu", file, index + 1);
  if (!json_is_object(v)) {
    snprintf(err, errlen, "%s: must be an object", where);
    return -1;
  }
  if (get_string(v, "id", true, &it->id, where, err, errlen) != 0)
    return -1;
  snprintf(where, sizeof where, "%s: item %zu (%s)", file, index + 1, it->id);
  if (!valid_item_id(it->id)) {
    snprintf(err, errlen,
             "%s: id must start with a letter and hold only letters, digits and '_' "
             "(at most 32), so SPSS accepts it",
             where);
    return -1;
  }
  char *scale = NULL;
  if (get_string(v, "text", true, &it->text, where, err, errlen) != 0 ||
      get_string(v, "role", false, &it->role, where, err, errlen) != 0 ||
      get_string(v, "area", false, &it->area, where, err, errlen) != 0 ||
      get_string(v, "topic", false, &it->topic, where, err, errlen) != 0 ||
      get_string(v, "note", false, &it->note, where, err, errlen) != 0 ||
      get_string(v, "scale", true, &scale, where, err, errlen) != 0) {
    free(scale);
    return -1;
  }
  for (size_t i = 0; i < in->nscales; i++)
    if (strcmp(in->scales[i].name, scale) == 0)
      it->scale = &in->scales[i];
  if (!it->scale) {
    snprintf(err, errlen, "%s: scale \"%s\" is not defined in \"scales\"", where, scale);
    free(scale);
    return -1;
  }
  free(scale);
  if (it->role && vocab_index(VOCAB_ROLE, it->role) < 0 && strcmp(it->role, "college") != 0) {
    snprintf(err, errlen, "%s: unknown role \"%s\"", where, it->role);
    return -1;
  }
  if (it->area && vocab_index(VOCAB_AREA, it->area) < 0) {
    snprintf(err, errlen, "%s: unknown area \"%s\"", where, it->area);
    return -1;
  }
  json_t *bm = json_object_get(v, "benchmark");
  if (bm) {
    if (!json_is_integer(bm) || json_integer_value(bm) < 1 || json_integer_value(bm) > 8) {
      snprintf(err, errlen, "%s: \"benchmark\" must be an integer from 1 to 8", where);
      return -1;
    }
    it->benchmark = (int)json_integer_value(bm);
  }
  for (size_t j = 0; j < index; j++)
    if (strcmp(in->items[j].id, it->id) == 0) {
      snprintf(err, errlen, "%s: id \"%s\" appears twice", where, it->id);
      return -1;
    }
  return 0;
}

int instrument_parse(instrument **out, const char *name, const char *json, size_t len, char *err,
                     size_t errlen) {
  *out = NULL;
  json_error_t jerr;
  json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
  if (!root) {
    snprintf(err, errlen, "%s:%d:%d: invalid JSON: %s", name, jerr.line, jerr.column, jerr.text);
    return -1;
  }
  instrument *in = xcalloc(1, sizeof *in);
  in->source = xstrndup(json, len);
  int rc = -1;
  if (!json_is_object(root)) {
    snprintf(err, errlen, "%s: the top level must be an object", name);
    goto cleanup;
  }
  if (get_string(root, "instrument", true, &in->key, name, err, errlen) != 0 ||
      get_string(root, "title", true, &in->title, name, err, errlen) != 0 ||
      get_string(root, "description", false, &in->description, name, err, errlen) != 0 ||
      get_string(root, "stem", false, &in->stem, name, err, errlen) != 0)
    goto cleanup;
  json_t *ver = json_object_get(root, "version");
  if (!json_is_integer(ver) || json_integer_value(ver) < 1) {
    snprintf(err, errlen, "%s: \"version\" must be a positive integer", name);
    goto cleanup;
  }
  in->version = (int)json_integer_value(ver);

  json_t *stages = json_object_get(root, "stages");
  if (!json_is_array(stages) || json_array_size(stages) == 0) {
    snprintf(err, errlen, "%s: \"stages\" must be a non-empty array", name);
    goto cleanup;
  }
  in->nstages = json_array_size(stages);
  in->stages = xcalloc(in->nstages, sizeof *in->stages);
  for (size_t i = 0; i < in->nstages; i++) {
    json_t *s = json_array_get(stages, i);
    if (!json_is_string(s) || (vocab_index(VOCAB_STAGE, json_string_value(s)) < 0 &&
                                 strcmp(json_string_value(s), "compass") != 0)) {
      snprintf(err, errlen, "%s: stage %zu must be one of pre, post, followup, compass", name,
               i + 1);
      goto cleanup;
    }
    in->stages[i] = xstrdup(json_string_value(s));
  }

  json_t *scales = json_object_get(root, "scales");
  if (!json_is_object(scales) || json_object_size(scales) == 0) {
    snprintf(err, errlen, "%s: \"scales\" must be a non-empty object", name);
    goto cleanup;
  }
  in->scales = xcalloc(json_object_size(scales), sizeof *in->scales);
  const char *sname;
  json_t *sval;
  json_object_foreach(scales, sname, sval) {
    if (parse_scale(&in->scales[in->nscales++], sname, sval, name, err, errlen) != 0)
      goto cleanup;
  }

  json_t *items = json_object_get(root, "items");
  if (!json_is_array(items) || json_array_size(items) == 0) {
    snprintf(err, errlen, "%s: \"items\" must be a non-empty array", name);
    goto cleanup;
  }
  in->items = xcalloc(json_array_size(items), sizeof *in->items);
  for (size_t i = 0; i < json_array_size(items); i++) {
    in->nitems = i + 1;
    if (parse_item(in, &in->items[i], i, json_array_get(items, i), name, err, errlen) != 0)
      goto cleanup;
  }
  rc = 0;
cleanup:
  json_decref(root);
  if (rc != 0)
    instrument_free(in);
  else
    *out = in;
  return rc;
}

void instrument_free(instrument *in) {
  if (!in)
    return;
  for (size_t i = 0; i < in->nscales; i++) {
    instrument_scale *s = &in->scales[i];
    for (size_t j = 0; j < s->noptions; j++) {
      free(s->options[j].code);
      free(s->options[j].label);
    }
    free(s->options);
    free(s->name);
    free(s->kind);
  }
  for (size_t i = 0; i < in->nitems; i++) {
    instrument_item *it = &in->items[i];
    free(it->id);
    free(it->text);
    free(it->role);
    free(it->area);
    free(it->topic);
    free(it->note);
  }
  for (size_t i = 0; i < in->nstages; i++)
    free(in->stages[i]);
  free(in->stages);
  free(in->scales);
  free(in->items);
  free(in->key);
  free(in->title);
  free(in->description);
  free(in->stem);
  free(in->source);
  free(in);
}

static void bank_add(instrument_bank *b, instrument *in) {
  b->list = xrealloc(b->list, (b->n + 1) * sizeof *b->list);
  b->list[b->n++] = in;
}

/* Item ids and instrument keys must be unique across the whole bank. */
static int check_bank(const instrument_bank *b, char *err, size_t errlen) {
  for (size_t i = 0; i < b->n; i++) {
    for (size_t k = 0; k < i; k++)
      if (strcmp(b->list[i]->key, b->list[k]->key) == 0) {
        snprintf(err, errlen, "instrument \"%s\" is defined twice", b->list[i]->key);
        return -1;
      }
    for (size_t j = 0; j < b->list[i]->nitems; j++) {
      const char *id = b->list[i]->items[j].id;
      for (size_t k = 0; k < i; k++)
        for (size_t m = 0; m < b->list[k]->nitems; m++)
          if (strcmp(b->list[k]->items[m].id, id) == 0) {
            snprintf(err, errlen, "item id \"%s\" is used by both \"%s\" and \"%s\"", id,
                     b->list[k]->key, b->list[i]->key);
            return -1;
          }
    }
  }
  return 0;
}

int instrument_bank_builtin(instrument_bank **out, char *err, size_t errlen) {
  instrument_bank *b = xcalloc(1, sizeof *b);
  *out = NULL;
  for (size_t i = 0; i < embedded_instruments_count; i++) {
    const struct embedded_file *f = &embedded_instruments[i];
    instrument *in;
    if (instrument_parse(&in, f->name, f->data, f->size, err, errlen) != 0) {
      instrument_bank_free(b);
      return -1;
    }
    bank_add(b, in);
  }
  if (check_bank(b, err, errlen) != 0) {
    instrument_bank_free(b);
    return -1;
  }
  *out = b;
  return 0;
}

static int compare_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int read_file(const char *path, strbuf *into, char *err, size_t errlen) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    return -1;
  }
  char chunk[8192];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
    strbuf_put(into, chunk, n);
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    snprintf(err, errlen, "%s: read error", path);
    return -1;
  }
  return 0;
}

int instrument_bank_load_dir(instrument_bank **out, const char *dir, char *err, size_t errlen) {
  *out = NULL;
  DIR *d = opendir(dir);
  if (!d) {
    snprintf(err, errlen, "%s: cannot open directory: %s", dir, strerror(errno));
    return -1;
  }
  char **names = NULL;
  size_t nnames = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t len = strlen(e->d_name);
    if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0) {
      names = xgrow(names, &cap, nnames + 1, sizeof *names);
      names[nnames++] = xstrdup(e->d_name);
    }
  }
  closedir(d);
  if (nnames > 1) /* (qsort's array may not be NULL, as names is when empty) */
    qsort(names, nnames, sizeof *names, compare_names);
  instrument_bank *b = xcalloc(1, sizeof *b);
  int rc = 0;
  for (size_t i = 0; i < nnames && rc == 0; i++) {
    strbuf path = STRBUF_INIT, text = STRBUF_INIT;
    strbuf_printf(&path, "%s/%s", dir, names[i]);
    instrument *in;
    rc = read_file(path.data, &text, err, errlen);
    if (rc == 0)
      rc = instrument_parse(&in, path.data, strbuf_str(&text), text.len, err, errlen);
    if (rc == 0)
      bank_add(b, in);
    strbuf_free(&path);
    strbuf_free(&text);
  }
  for (size_t i = 0; i < nnames; i++)
    free(names[i]);
  free(names);
  if (rc == 0)
    rc = check_bank(b, err, errlen);
  if (rc != 0) {
    instrument_bank_free(b);
    return -1;
  }
  *out = b;
  return 0;
}

void instrument_bank_free(instrument_bank *b) {
  if (!b)
    return;
  for (size_t i = 0; i < b->n; i++)
    instrument_free(b->list[i]);
  free(b->list);
  free(b);
}

const instrument_item *instrument_bank_item(const instrument_bank *b, const char *id,
                                            const instrument **owner) {
  for (size_t i = 0; i < b->n; i++)
    for (size_t j = 0; j < b->list[i]->nitems; j++)
      if (strcmp(b->list[i]->items[j].id, id) == 0) {
        if (owner)
          *owner = b->list[i];
        return &b->list[i]->items[j];
      }
  return NULL;
}

const instrument *instrument_bank_get(const instrument_bank *b, const char *key) {
  for (size_t i = 0; i < b->n; i++)
    if (strcmp(b->list[i]->key, key) == 0)
      return b->list[i];
  return NULL;
}

const instrument_option *instrument_scale_option(const instrument_scale *s, const char *code) {
  for (size_t i = 0; i < s->noptions; i++)
    if (strcmp(s->options[i].code, code) == 0)
      return &s->options[i];
  return NULL;
}

/* The option of a scale that a cell means: its code, or for numeric
 * scales a number equal to an option's value ("5.0"). -1 when none. */
int instrument_scale_match(const instrument_scale *sc, const char *s) {
  for (size_t i = 0; i < sc->noptions; i++)
    if (strcmp(sc->options[i].code, s) == 0)
      return (int)i;
  if (strcmp(sc->kind, "categorical") != 0) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end != s && !*end && !errno && isfinite(v) && strspn(s, "0123456789.+-") == strlen(s))
      for (size_t i = 0; i < sc->noptions; i++)
        if (sc->options[i].value == v)
          return (int)i;
  }
  return -1;
}

bool instrument_scale_numeric(const instrument_scale *sc) {
  return strcmp(sc->kind, "categorical") != 0;
}
