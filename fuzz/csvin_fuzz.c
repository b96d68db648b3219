/* libFuzzer entry point for the CSV reader: any bytes must give records or
 * errors that name a line and column, never crash, hang or leak; and
 * csvin_scan must give what csvin_next gives (records, fields, lines and
 * errors), stopped after every few records and taken up again, whether
 * the sink takes plain stretches' records from libcsv itself or not, and
 * when it pauses at the start of a line and goes on; and it must see a
 * quote exactly when the input holds one. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A transcript of what a reader gave: "LINE:field|field\n" per record,
 * "!error\n" per error. */
typedef struct transcript {
  char *s;
  size_t len, cap;
} transcript;

static void put(transcript *t, const char *p, size_t n) {
  if (t->len + n + 1 > t->cap) {
    t->cap = 2 * (t->len + n + 1);
    t->s = realloc(t->s, t->cap);
    if (!t->s)
      abort();
  }
  memcpy(t->s + t->len, p, n);
  t->len += n;
  t->s[t->len] = '\0';
}

static void put_line(transcript *t, long line) {
  char b[32];
  put(t, b, (size_t)snprintf(b, sizeof b, "%ld:", line));
}

typedef struct scan_state {
  csvin *r;
  transcript t;
  size_t nfields, records, every;
  size_t taken; /* csvin_sink.records */
  bool stop;    /* csvin_sink.stop */
} scan_state;

static void on_field(void *data, size_t len, void *ctx) {
  scan_state *s = ctx;
  if (s->stop)
    return; /* the rest of a stretch after a stop */
  if (s->nfields == 0)
    put_line(&s->t, csvin_line(s->r));
  if (s->nfields)
    put(&s->t, "|", 1);
  put(&s->t, data, len);
  s->nfields++;
}

static bool on_end(const char *problem, void *ctx) {
  scan_state *s = ctx;
  if (problem) {
    if (s->nfields)
      __builtin_trap(); /* a record with a problem hands over no fields */
    put(&s->t, "!", 1);
    put(&s->t, problem, strlen(problem));
  } else if (s->nfields == 0) {
    put_line(&s->t, csvin_line(s->r)); /* (libcsv gives every record a field) */
  }
  put(&s->t, "\n", 1);
  s->nfields = 0;
  s->records++;
  return s->every && s->records % s->every == 0;
}

static void on_record(int c, void *ctx) {
  (void)c;
  scan_state *s = ctx;
  if (s->stop)
    return;
  if (on_end(NULL, s))
    s->stop = true;
  else
    s->taken++;
}

/* What csvin_scan gives: with the sink taking records from libcsv itself
 * (direct) or not; paused at byte `pause` (0: not) and taken up again. */
static transcript scan_all(const uint8_t *data, size_t size, bool direct, size_t pause) {
  char err[512];
  scan_state s = {.every = size ? data[0] % 4 : 0};
  if (csvin_open_mem(&s.r, "fuzz.csv", (const char *)data, size, err, sizeof err) != 0)
    __builtin_trap();
  csvin_sink sink = {.field = on_field, .end = on_end, .ctx = &s};
  if (direct) {
    sink.record = on_record;
    sink.records = &s.taken;
    sink.stop = &s.stop;
  }
  csvin_pause_at(s.r, pause);
  for (;;) {
    while (csvin_scan(s.r, &sink) == 1)
      if (s.stop)
        __builtin_trap(); /* cleared before csvin_scan returns */
    if (!pause)
      break;
    /* At the pause exactly, unless a quoted field ran on past it. */
    if (!csvin_stopped(s.r) && csvin_bytes_read(s.r) != pause &&
        !(csvin_saw_quote(s.r) && csvin_bytes_read(s.r) > pause))
      __builtin_trap();
    csvin_pause_at(s.r, pause = 0);
  }
  if (csvin_bytes_read(s.r) != size && !csvin_stopped(s.r))
    __builtin_trap(); /* all read */
  if (!csvin_stopped(s.r) && csvin_saw_quote(s.r) != (memchr(data, '"', size) != NULL))
    __builtin_trap(); /* a quote seen where there is one */
  csvin_close(s.r);
  return s.t;
}

static bool same(const transcript *a, const transcript *b) {
  return a->len == b->len && (a->len == 0 || memcmp(a->s, b->s, a->len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  csvin *r;
  char err[512];
  if (csvin_open_mem(&r, "fuzz.csv", (const char *)data, size, err, sizeof err) != 0)
    __builtin_trap(); /* opening memory cannot fail */
  transcript want = {0};
  int rc;
  long last = 0;
  while ((rc = csvin_next(r, err, sizeof err)) != 0) {
    if (rc < 0) {
      if (strncmp(err, "fuzz.csv:", 9) != 0)
        __builtin_trap(); /* every error names the file and its position */
      put(&want, "!", 1);
      put(&want, err, strlen(err));
      put(&want, "\n", 1);
      continue;
    }
    if (csvin_line(r) < last)
      __builtin_trap(); /* lines only go forward */
    last = csvin_line(r);
    put_line(&want, last);
    for (size_t i = 0; i < csvin_nfields(r); i++) {
      if (strlen(csvin_field(r, i)) > csvin_field_len(r, i))
        __builtin_trap();
      if (i)
        put(&want, "|", 1);
      put(&want, csvin_field(r, i), csvin_field_len(r, i));
    }
    put(&want, "\n", 1);
  }
  csvin_close(r);

  /* A pause where the input says, as the first piece of a file pauses at
   * its end: where a piece may start at or after that byte (not looking
   * back into a byte order mark, which the reader drops: a file's pieces
   * start after its header). */
  size_t bom = size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
  size_t pause =
      size > 1 ? csvin_cut_after((const char *)data, size, size * data[1] / 256, bom) : 0;
  for (int direct = 0; direct < 2; direct++)
    for (int paused = 0; paused < 2; paused++) {
      transcript got = scan_all(data, size, direct, paused ? pause : 0);
      if (!same(&want, &got))
        __builtin_trap(); /* the same records, lines and errors */
      free(got.s);
    }
  free(want.s);
  return 0;
}
