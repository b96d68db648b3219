/* Import's catalog of the items installed in a database (see
 * import_internal.h): each item with its database ids, instrument, scale,
 * role and area, found by its id through a hash map. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import_internal.h"
#include "xalloc.h"

/* An arena for strings that live as long as the import, and a hash map
 * from byte strings to a number. */

typedef struct arena {
  char **chunks;
  size_t n, cap;
  char *cur;
  size_t left;
} arena;

#define ARENA_CHUNK (64 * 1024)

static void *arena_alloc(arena *a, size_t n) {
  n = (n + 7) & ~(size_t)7;
  if (n > a->left) {
    size_t size = n > ARENA_CHUNK ? n : ARENA_CHUNK;
    a->chunks = xgrow(a->chunks, &a->cap, a->n + 1, sizeof *a->chunks);
    a->cur = a->chunks[a->n++] = xmalloc(size);
    a->left = size;
  }
  void *p = a->cur;
  a->cur += n;
  a->left -= n;
  return p;
}

static char *arena_strndup(arena *a, const char *s, size_t n) {
  char *p = arena_alloc(a, n + 1);
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

static void arena_free(arena *a) {
  for (size_t i = 0; i < a->n; i++)
    free(a->chunks[i]);
  free(a->chunks);
  memset(a, 0, sizeof *a);
}

typedef struct smap_entry {
  uint64_t hash;
  const char *key; /* NULL: empty slot */
  size_t klen;
  size_t val;
} smap_entry;

typedef struct smap {
  smap_entry *e;
  size_t cap, n; /* cap is a power of two */
  arena keys;
} smap;

static uint64_t hash_bytes(const void *p, size_t n) {
  const unsigned char *s = p;
  uint64_t h = 0xcbf29ce484222325u;
  for (size_t i = 0; i < n; i++)
    h = (h ^ s[i]) * 0x100000001b3u;
  h ^= h >> 32;
  h *= 0xd6e8feb86659fd93u;
  return h ^ (h >> 32);
}

static smap_entry *smap_slot(const smap *m, const void *key, size_t klen, uint64_t h) {
  size_t mask = m->cap - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    smap_entry *e = &m->e[i];
    if (!e->key || (e->hash == h && e->klen == klen && memcmp(e->key, key, klen) == 0))
      return e;
  }
}

/* The value stored under key, or NULL. */
static size_t *smap_get(const smap *m, const void *key, size_t klen) {
  if (!m->cap)
    return NULL;
  smap_entry *e = smap_slot(m, key, klen, hash_bytes(key, klen));
  return e->key ? &e->val : NULL;
}

/* Stores key -> val unless key is present; returns the slot's value and
 * sets *added. */
static size_t *smap_put(smap *m, const void *key, size_t klen, size_t val, bool *added) {
  if ((m->n + 1) * 4 > m->cap * 3) {
    size_t cap = m->cap ? m->cap * 2 : 64;
    smap_entry *old = m->e;
    size_t oldcap = m->cap;
    m->e = xcalloc(cap, sizeof *m->e);
    m->cap = cap;
    for (size_t i = 0; i < oldcap; i++)
      if (old[i].key)
        *smap_slot(m, old[i].key, old[i].klen, old[i].hash) = old[i];
    free(old);
  }
  uint64_t h = hash_bytes(key, klen);
  smap_entry *e = smap_slot(m, key, klen, h);
  *added = e->key == NULL;
  if (*added) {
    e->key = arena_strndup(&m->keys, key, klen);
    e->klen = klen;
    e->hash = h;
    e->val = val;
    m->n++;
  }
  return &e->val;
}

static void smap_free(smap *m) {
  free(m->e);
  arena_free(&m->keys);
  memset(m, 0, sizeof *m);
}

struct smap *imp_smap_new(void) { return xcalloc(1, sizeof(smap)); }

size_t *imp_smap_get(const struct smap *m, const char *key, size_t len) {
  return smap_get(m, key, len);
}

size_t *imp_smap_put(struct smap *m, const char *key, size_t len, size_t val, bool *added) {
  return smap_put(m, key, len, val, added);
}

void imp_smap_free(struct smap *m) {
  if (!m)
    return;
  smap_free(m);
  free(m);
}

int catalog_instrument_kind(const char *key) {
  if (strcmp(key, "self-assessment") == 0)
    return INS_SELF;
  if (strcmp(key, "reflective") == 0)
    return INS_REFLECTIVE;
  if (strcmp(key, "long-term") == 0)
    return INS_LONGTERM;
  if (strncmp(key, "compass", 7) == 0)
    return INS_COMPASS;
  return INS_OTHER;
}

void catalog_free(catalog *c) {
  instrument_bank_free(c->bank);
  free(c->instrument_ids);
  free(c->items);
  free(c->by_id);
  if (c->index)
    smap_free(c->index);
  free(c->index);
  if (c->hdr_ids) {
    smap_free(c->hdr_ids);
    smap_free(c->hdr_texts);
    smap_free(c->hdr_twice);
  }
  free(c->hdr_ids);
  free(c->hdr_texts);
  free(c->hdr_twice);
  memset(c, 0, sizeof *c);
}

int catalog_load(catalog *c, store *s, char *err, size_t errlen) {
  memset(c, 0, sizeof *c);
  c->index = xcalloc(1, sizeof *c->index);
  if (store_instruments(s, &c->bank, &c->instrument_ids, err, errlen) != 0)
    return -1;
  sqlite3 *db = store_db(s);
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db,
                         "SELECT it.id, it.item_key, i.key FROM items it"
                         " JOIN instruments i ON i.id = it.instrument_id ORDER BY it.id",
                         -1, &st, NULL) != SQLITE_OK)
    return store_fail(db, "reading items", err, errlen);
  size_t cap = 0;
  int step;
  while ((step = sqlite3_step(st)) == SQLITE_ROW) {
    const char *key = (const char *)sqlite3_column_text(st, 1);
    const char *ikey = (const char *)sqlite3_column_text(st, 2);
    size_t k;
    const instrument *in = NULL;
    for (k = 0; k < c->bank->n; k++)
      if (strcmp(c->bank->list[k]->key, ikey) == 0) {
        in = c->bank->list[k];
        break;
      }
    if (!in)
      continue;
    const instrument_item *it = NULL;
    for (size_t j = 0; j < in->nitems && !it; j++)
      if (strcmp(in->items[j].id, key) == 0)
        it = &in->items[j];
    if (!it)
      continue; /* an item no longer in its definition: not importable */
    c->items = xgrow(c->items, &cap, c->n + 1, sizeof *c->items);
    citem *ci = &c->items[c->n];
    ci->id = sqlite3_column_int64(st, 0);
    ci->instrument_id = c->instrument_ids[k];
    ci->in = in;
    ci->it = it;
    ci->ins = catalog_instrument_kind(in->key);
    ci->role = -1;
    ci->area = -1;
    if (ci->ins == INS_SELF) {
      ci->role = imp_list_index(it->role, imp_roles);
      ci->area = vocab_index(VOCAB_AREA, it->area);
      if (ci->role >= 0 && ci->area >= 0) {
        c->total[ci->role][ci->area]++;
        c->knowledge[ci->role]++;
      }
    } else if (ci->ins == INS_COMPASS) {
      ci->role = it->role && strcmp(it->role, "college") == 0 ? 1 : 0;
    }
    if (ci->id > c->max_id)
      c->max_id = ci->id;
    bool added;
    smap_put(c->index, key, strlen(key), c->n, &added);
    c->n++;
  }
  sqlite3_finalize(st);
  if (step != SQLITE_DONE)
    return store_fail(db, "reading items", err, errlen);
  c->by_id = xmalloc(((size_t)c->max_id + 1) * sizeof *c->by_id);
  for (sqlite3_int64 i = 0; i <= c->max_id; i++)
    c->by_id[i] = -1;
  for (size_t i = 0; i < c->n; i++)
    c->by_id[c->items[i].id] = (int)i;
  c->nwords = (c->n + 63) / 64;
  return 0;
}

int catalog_find(const catalog *c, const char *key, size_t len) {
  size_t *v = c->index ? smap_get(c->index, key, len) : NULL;
  return v ? (int)*v : -1;
}

/* Whether item ci may be a column of a file whose items are of kind ins. */
static bool fits(const citem *ci, int ins) {
  return ci->ins == ins || (ins == INS_SELF && ci->ins == INS_REFLECTIVE);
}

/* Maps the folded text to item i, unless an earlier item has it: a text
 * worded alike for another role stays with the first item (the row's
 * leader picks the role's own, catalog_for_role); one worded alike twice
 * for the same role and instrument names two items, recorded in
 * hdr_twice. */
static void put_text(catalog *c, const strbuf *text, size_t i) {
  if (!text->len)
    return;
  bool added;
  size_t *v = smap_put(c->hdr_texts, strbuf_str(text), text->len, i, &added);
  if (added || *v == i)
    return;
  const citem *a = &c->items[*v], *b = &c->items[i];
  if (a->role == b->role && a->in == b->in)
    smap_put(c->hdr_twice, strbuf_str(text), text->len, i, &added);
}

/* The maps catalog_match_header looks in, built once for the kind ins:
 * item ids in lower case, and folded question texts (with and without the
 * stem) of the items that fit ins; each name maps to the first item in
 * catalog order, as a walk through the items would find it. */
static void build_header_maps(catalog *c, int ins) {
  if (c->hdr_ids && c->hdr_ins == ins)
    return;
  if (c->hdr_ids) {
    smap_free(c->hdr_ids);
    smap_free(c->hdr_texts);
    smap_free(c->hdr_twice);
  } else {
    c->hdr_ids = xcalloc(1, sizeof *c->hdr_ids);
    c->hdr_texts = xcalloc(1, sizeof *c->hdr_texts);
    c->hdr_twice = xcalloc(1, sizeof *c->hdr_twice);
  }
  c->hdr_ins = ins;
  strbuf text = STRBUF_INIT, both = STRBUF_INIT;
  bool added;
  for (size_t i = 0; i < c->n; i++) {
    const citem *ci = &c->items[i];
    strbuf_reset(&text);
    for (const char *p = ci->it->id; *p; p++)
      strbuf_putc(&text, (char)(*p >= 'A' && *p <= 'Z' ? *p + ('a' - 'A') : *p));
    smap_put(c->hdr_ids, strbuf_str(&text), text.len, i, &added);
    if (!fits(ci, ins) || !ci->it->text)
      continue;
    imp_fold(ci->it->text, &text);
    put_text(c, &text, i);
    if (ci->in->stem) {
      strbuf_reset(&both);
      strbuf_printf(&both, "%s %s", ci->in->stem, ci->it->text);
      imp_fold(strbuf_str(&both), &text);
      put_text(c, &text, i);
    }
  }
  strbuf_free(&text);
  strbuf_free(&both);
}

int catalog_match_header(catalog *c, const char *name, int ins, int *twice) {
  if (twice)
    *twice = -1;
  int k = catalog_find(c, name, strlen(name));
  if (k >= 0)
    return k;
  build_header_maps(c, ins);
  strbuf want = STRBUF_INIT;
  for (const char *p = name; *p; p++)
    strbuf_putc(&want, (char)(*p >= 'A' && *p <= 'Z' ? *p + ('a' - 'A') : *p));
  size_t *v = smap_get(c->hdr_ids, strbuf_str(&want), want.len);
  int found = v ? (int)*v : -1;
  if (found < 0) {
    imp_fold(name, &want);
    v = want.len ? smap_get(c->hdr_texts, strbuf_str(&want), want.len) : NULL;
    found = v ? (int)*v : -1;
    v = found >= 0 && twice ? smap_get(c->hdr_twice, strbuf_str(&want), want.len) : NULL;
    if (v)
      *twice = (int)*v;
  }
  strbuf_free(&want);
  return found;
}

/* A set of header names compared as strcasecmp does (ASCII case folded):
 * imp_nameset_add returns the index first added under the same name, or
 * -1 when the name is new. */
struct imp_nameset {
  smap m;
  strbuf key;
};

imp_nameset *imp_nameset_new(void) { return xcalloc(1, sizeof(imp_nameset)); }

long imp_nameset_add(imp_nameset *s, const char *name, size_t index) {
  strbuf_reset(&s->key);
  for (const char *p = name; *p; p++)
    strbuf_putc(&s->key, (char)(*p >= 'A' && *p <= 'Z' ? *p + ('a' - 'A') : *p));
  bool added;
  size_t *v = smap_put(&s->m, strbuf_str(&s->key), s->key.len, index, &added);
  return added ? -1 : (long)*v;
}

long imp_nameset_find(imp_nameset *s, const char *name) {
  strbuf_reset(&s->key);
  for (const char *p = name; *p; p++)
    strbuf_putc(&s->key, (char)(*p >= 'A' && *p <= 'Z' ? *p + ('a' - 'A') : *p));
  size_t *v = smap_get(&s->m, strbuf_str(&s->key), s->key.len);
  return v ? (long)*v : -1;
}

void imp_nameset_free(imp_nameset *s) {
  if (!s)
    return;
  smap_free(&s->m);
  strbuf_free(&s->key);
  free(s);
}

int catalog_for_role(const catalog *c, int k, int role) {
  const citem *ci = &c->items[k];
  if (ci->role == role)
    return k;
  for (size_t i = 0; i < c->n; i++) {
    const citem *o = &c->items[i];
    if (o->ins == ci->ins && o->role == role && o->in == ci->in && o->it->text && ci->it->text &&
        strcasecmp(o->it->text, ci->it->text) == 0)
      return (int)i;
  }
  return -1;
}
