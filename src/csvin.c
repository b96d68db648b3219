/* Streaming CSV reader on libcsv that tracks line positions (see csvin.h).
 * The input is fed to libcsv one line at a time (a line longer than BLOCK in
 * pieces of at most BLOCK bytes), so each record completed by a feed ends on
 * a known line, and memory stays bounded. A file is read in blocks of BLOCK
 * bytes; a memory input is fed in place, without copying. csvin_scan gives
 * libcsv whole stretches of plain lines instead, and works out a record's
 * line only when asked. */
#include "csvin.h"

#include <csv.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "xalloc.h"

#define BLOCK (64 * 1024)
/* A record (its fields together) may not exceed this: it bounds memory
 * when a quote is never closed. */
#define MAX_RECORD (4 * CSVIN_MAX_FIELD)

struct csvin {
  struct csv_parser parser;
  char *name;
  FILE *file; /* NULL when reading memory */
  bool owns_file;
  const char *mem; /* memory input */
  size_t mem_len, mem_pos;

  char *buf;         /* file input: the buffer blocks are read into */
  const char *block; /* current input block: buf, or all of mem */
  size_t block_len, block_pos;
  bool eof, finished, fatal, first_block;
  /* Every byte fed so far is ASCII, so every field is valid UTF-8 without
   * looking; block[0..ascii_end) has been looked at. */
  bool ascii;
  /* csvin_next left libcsv between records, with nothing of the next one
   * fed: so csvin_scan may give it a stretch whole. */
  bool clean;
  size_t ascii_end;
  bool saw_quote;   /* a '"' was among the bytes fed since watching */
  bool watch_quote; /* csvin_scan watches (csvin_next alone need not) */
  uint64_t pause;   /* csvin_scan's end, at this many bytes read (0: none) */

  long line;     /* line of the next byte to feed */
  long rec_line; /* line where the record being built started */
  bool at_record_start;
  size_t rec_bytes; /* bytes fed for the record being built */
  uint64_t bytes_read, total_bytes;

  /* Fields of the record being built, then of the current record. */
  char *text;
  size_t text_len, text_cap;
  size_t *offs, *lens;
  size_t nfields, fields_cap;
  bool record_ready;

  /* The first problem found in the record being built. */
  char problem[256];
  long problem_col;

  /* While csvin_scan has libcsv parse a stretch: where it is. */
  struct stretch *scan;

  /* Lines before the input not yet counted (csvin_set_first_line_after),
   * or NULL; behind a pointer as csvin_line, on a const reader, may be
   * what counts them. */
  struct lines_before *before;
};

/* The lines of the text before a piece, added to every line number of the
 * reader on the piece; counted the first time one is reported. */
struct lines_before {
  const char *s;
  size_t n;
  long lines;
  bool counted;
};

/* What to add to the reader's own line numbers: the line feeds before its
 * input, when it was given them to count (csvin_set_first_line_after). */
static long line_shift(const csvin *r) {
  struct lines_before *b = r->before;
  if (!b)
    return 0;
  if (!b->counted) {
    size_t lone;
    b->lines = (long)csvin_count_lines(b->s, b->n, &lone);
    b->counted = true;
  }
  return b->lines;
}

/* A stretch s[0..len) given to libcsv whole, starting on line `line`: the
 * sink, the records it has taken, and whether it asked to stop. Records
 * are looked up (find_record) forward from a cursor: the line at offset
 * at, with at_recs records before it. */
struct stretch {
  const csvin_sink *sink;
  const char *s;
  size_t len;
  long line;
  size_t *recs; /* &own_recs, or the sink's count when it takes records itself */
  bool *stop;   /* likewise */
  size_t own_recs;
  bool own_stop;
  size_t at, at_recs;
  long at_line;
  size_t found;     /* the record last looked up (SIZE_MAX: none yet) */
  long found_line;  /* its line */
  size_t found_end; /* the offset just past its line feed */
};

static void reset_record(csvin *r) {
  r->text_len = 0;
  r->nfields = 0;
  r->record_ready = false;
  r->problem[0] = '\0';
  r->rec_bytes = 0;
}

/* Whether s[0..n) is valid UTF-8 (no overlongs, surrogates or values past
 * U+10FFFF). */
static bool valid_utf8(const unsigned char *s, size_t n) {
  size_t i = 0;
  /* Most fields are ASCII: skip eight bytes at a time while no high bit is
   * set. */
  while (i + 8 <= n) {
    uint64_t w;
    memcpy(&w, s + i, 8);
    if (w & UINT64_C(0x8080808080808080))
      break;
    i += 8;
  }
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t len;
    unsigned int cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n)
      return false;
    for (size_t k = 1; k < len; k++) {
      if ((s[i + k] & 0xC0) != 0x80)
        return false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
      return false;
    i += len;
  }
  return true;
}

/* Whether s[0..n) is all ASCII (seven-bit). */
static bool all_ascii(const unsigned char *s, size_t n) {
  uint64_t acc = 0;
  size_t i = 0;
  while (i + 32 <= n) {
    uint64_t w[4];
    memcpy(w, s + i, 32);
    acc |= w[0] | w[1] | w[2] | w[3];
    i += 32;
  }
  while (i < n)
    acc |= s[i++];
  return !(acc & UINT64_C(0x8080808080808080));
}

/* memcpy(d, s, n), without a call for the short fields that are most
 * fields: two overlapping fixed-size moves cover 4 to 16 bytes. */
static inline void copy_short(char *d, const char *s, size_t n) {
  if (n >= 8 && n <= 16) {
    memcpy(d, s, 8);
    memcpy(d + n - 8, s + n - 8, 8);
  } else if (n >= 4 && n < 8) {
    memcpy(d, s, 4);
    memcpy(d + n - 4, s + n - 4, 4);
  } else if (n > 16) {
    memcpy(d, s, n);
  } else {
    for (size_t i = 0; i < n; i++)
      d[i] = s[i];
  }
}

static void note_problem(csvin *r, long col, const char *msg) {
  if (r->problem[0])
    return;
  snprintf(r->problem, sizeof r->problem, "%s", msg);
  r->problem_col = col;
}

static void on_field(void *data, size_t len, void *ctx) {
  csvin *r = ctx;
  if (len > CSVIN_MAX_FIELD) {
    char msg[128];
    snprintf(msg, sizeof msg, "field is %zu bytes long; the limit is %d bytes", len,
             CSVIN_MAX_FIELD);
    note_problem(r, (long)r->nfields + 1, msg);
    len = 0;
  } else if (!r->ascii && !valid_utf8(data, len)) {
    note_problem(r, (long)r->nfields + 1, "field is not valid UTF-8 (save the file as UTF-8)");
  }
  if (r->nfields >= r->fields_cap) {
    size_t cap = r->fields_cap;
    r->offs = xgrow(r->offs, &cap, r->nfields + 1, sizeof *r->offs);
    r->lens = xrealloc(r->lens, cap * sizeof *r->lens);
    r->fields_cap = cap;
  }
  if (r->text_len + len + 1 > r->text_cap)
    r->text = xgrow(r->text, &r->text_cap, r->text_len + len + 1, 1);
  copy_short(r->text + r->text_len, data, len);
  r->offs[r->nfields] = r->text_len;
  r->lens[r->nfields] = len;
  r->text[r->text_len + len] = '\0';
  r->text_len += len + 1;
  r->nfields++;
}

static void on_record(int c, void *ctx) {
  (void)c;
  csvin *r = ctx;
  r->record_ready = true;
  r->at_record_start = true;
}

static int init_parser(csvin *r) {
  if (csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
    return -1;
  /* libcsv grows its field buffer by this much at a time (128 bytes by
   * default): a field of megabytes would be copied thousands of times. */
  csv_set_blk_size(&r->parser, 64 * 1024);
  return 0;
}

static csvin *reader_new(const char *name) {
  csvin *r = xcalloc(1, sizeof *r);
  r->name = xstrdup(name);
  r->line = 1;
  r->rec_line = 1;
  r->at_record_start = true;
  r->first_block = true;
  r->ascii = true; /* until a byte says otherwise */
  r->clean = true;
  return r;
}

int csvin_open(csvin **out, const char *path, char *err, size_t errlen) {
  *out = NULL;
  bool is_stdin = strcmp(path, "-") == 0;
  FILE *f = is_stdin ? stdin : fopen(path, "rb");
  if (!f) {
    snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    return -1;
  }
  struct stat st;
  if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
    snprintf(err, errlen, "%s: is a directory, not a CSV file", path);
    if (!is_stdin)
      fclose(f);
    return -1;
  }
  csvin *r = reader_new(is_stdin ? "<stdin>" : path);
  r->file = f;
  r->owns_file = !is_stdin;
  r->buf = xmalloc(BLOCK);
  if (S_ISREG(st.st_mode))
    r->total_bytes = (uint64_t)st.st_size;
  if (init_parser(r) != 0) {
    snprintf(err, errlen, "%s: cannot initialise the CSV parser", path);
    csvin_close(r);
    return -1;
  }
  *out = r;
  return 0;
}

int csvin_open_mem(csvin **out, const char *name, const char *data, size_t len, char *err,
                   size_t errlen) {
  csvin *r = reader_new(name);
  r->mem = data;
  r->mem_len = len;
  r->total_bytes = len;
  if (init_parser(r) != 0) {
    snprintf(err, errlen, "%s: cannot initialise the CSV parser", name);
    csvin_close(r);
    *out = NULL;
    return -1;
  }
  *out = r;
  return 0;
}

/* Refills the block; returns false at the end of input or on a read error
 * (which sets err). */
static bool refill(csvin *r, char *err, size_t errlen) {
  if (r->eof)
    return false;
  size_t n;
  if (r->file) {
    n = fread(r->buf, 1, BLOCK, r->file);
    if (n < BLOCK && ferror(r->file)) {
      snprintf(err, errlen, "%s: read error: %s", r->name, strerror(errno));
      r->fatal = true;
      r->eof = true;
      return false;
    }
    r->block = r->buf;
  } else {
    /* The whole input is one block, fed in place. */
    n = r->mem_len - r->mem_pos;
    r->block = r->mem + r->mem_pos;
    r->mem_pos += n;
  }
  r->block_len = n;
  r->block_pos = 0;
  if (n == 0) {
    r->eof = true;
    return false;
  }
  if (r->first_block) {
    r->first_block = false;
    if (n >= 3 && memcmp(r->block, "\xEF\xBB\xBF", 3) == 0) {
      r->block_pos = 3;
      r->bytes_read += 3;
    }
  }
  r->ascii_end = r->block_pos;
  return true;
}

static int report_problem(csvin *r, char *err, size_t errlen) {
  snprintf(err, errlen, "%s:%ld:%ld: %s", r->name, r->rec_line + line_shift(r), r->problem_col,
           r->problem);
  return -1;
}

/* Skips input up to and including the next line feed, after a parse error. */
static void skip_line(csvin *r, char *err, size_t errlen) {
  for (;;) {
    if (r->block_pos >= r->block_len && !refill(r, err, errlen))
      return;
    const char *nl = memchr(r->block + r->block_pos, '\n', r->block_len - r->block_pos);
    if (nl) {
      size_t n = (size_t)(nl - (r->block + r->block_pos)) + 1;
      r->bytes_read += n;
      r->block_pos += n;
      r->line++;
      return;
    }
    r->bytes_read += r->block_len - r->block_pos;
    r->block_pos = r->block_len;
  }
}

/* The carriage returns in s[0..n) not followed by a line feed: 2 when one
 * is followed by something else, 1 when the only such one ends s (what
 * follows it is not fed yet), 0 when there is none. */
static int bare_cr(const char *s, size_t n) {
  int found = 0;
  for (const char *p = memchr(s, '\r', n); p; p = memchr(p + 1, '\r', n - (size_t)(p + 1 - s))) {
    if (p + 1 == s + n)
      found = 1;
    else if (p[1] != '\n')
      return 2;
  }
  return found;
}

static bool blank_piece(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] != '\r' && s[i] != '\n')
      return false;
  return true;
}

int csvin_next(csvin *r, char *err, size_t errlen) {
  if (err && errlen)
    err[0] = '\0';
  reset_record(r);
  if (r->fatal || r->finished)
    return 0;
  for (;;) {
    if (r->block_pos >= r->block_len && !refill(r, err, errlen)) {
      if (r->fatal)
        return -1;
      /* End of input: flush a last record without a final newline. */
      r->finished = true;
      int rc = csv_fini(&r->parser, on_field, on_record, r);
      if (rc != 0) {
        snprintf(err, errlen, "%s:%ld:%zu: a quoted field is never closed (missing '\"')", r->name,
                 r->rec_line + line_shift(r), r->nfields + 1);
        return -1;
      }
      if (!r->record_ready)
        return 0;
      return r->problem[0] ? report_problem(r, err, errlen) : 1;
    }
    /* Feed up to and including the next line feed, at most BLOCK bytes. */
    const char *start = r->block + r->block_pos;
    size_t avail = r->block_len - r->block_pos;
    if (avail > BLOCK)
      avail = BLOCK;
    size_t n = avail;
    const char *nl = memchr(start, '\n', avail);
    bool newline = nl != NULL;
    if (nl)
      n = (size_t)(nl - start) + 1;
    if (r->at_record_start && !blank_piece(start, n)) {
      r->at_record_start = false;
      r->rec_line = r->line;
    }
    /* Whether what is fed is ASCII, looked at a stretch ahead at a time. */
    if (r->ascii && r->block_pos + n > r->ascii_end) {
      size_t from = r->ascii_end > r->block_pos ? r->ascii_end : r->block_pos;
      size_t to = from + BLOCK;
      if (to < r->block_pos + n)
        to = r->block_pos + n;
      if (to > r->block_len)
        to = r->block_len;
      r->ascii = all_ascii((const unsigned char *)r->block + from, to - from);
      r->ascii_end = to;
    }
    if (r->watch_quote && !r->saw_quote && memchr(start, '"', n))
      r->saw_quote = true; /* (a plain stretch has none: csvin_scan feeds every other byte here) */
    size_t used = csv_parse(&r->parser, start, n, on_field, on_record, r);
    r->rec_bytes += n;
    if (used < n) {
      long col = (long)r->nfields + 1;
      long line = r->line + line_shift(r);
      csv_free(&r->parser);
      init_parser(r);
      r->block_pos += used;
      r->bytes_read += used;
      skip_line(r, err, errlen);
      r->clean = true; /* a fresh parser, at the start of a line */
      snprintf(err, errlen,
               "%s:%ld:%ld: malformed quoting (a '\"' inside an unquoted field, "
               "or text after a closing quote)",
               r->name, line, col);
      r->at_record_start = true;
      reset_record(r);
      return -1;
    }
    r->block_pos += n;
    r->bytes_read += n;
    if (newline)
      r->line++;
    if (r->record_ready) {
      /* The record ended with the line, unless a bare carriage return
       * (old Mac line ends) ended it earlier: then what followed it on the
       * line was fed too, into the next record, which libcsv may still be
       * inside. */
      int cr = bare_cr(start, n);
      if (cr == 2)
        note_problem(
            r, (long)r->nfields,
            "a line ends with a bare carriage return; save the file with LF or CRLF line ends");
      r->clean = cr == 0;
      return r->problem[0] ? report_problem(r, err, errlen) : 1;
    }
    if (r->rec_bytes > MAX_RECORD) {
      snprintf(err, errlen,
               "%s:%ld:%zu: record is longer than %d bytes (is a quote never "
               "closed?); reading stopped here",
               r->name, r->rec_line + line_shift(r), r->nfields + 1, MAX_RECORD);
      r->fatal = true;
      return -1;
    }
  }
}

/* Thirty-two bytes at a time (one AVX2 register, or two SSE2 ones); the
 * counters are unsigned bytes, which 255 steps cannot overflow. */
typedef signed char bytes32 __attribute__((vector_size(32)));
typedef unsigned char counts32 __attribute__((vector_size(32)));

/* The line feeds in s[0..n); in *lone the carriage returns not followed
 * by one; in *odd whether a quote or a byte past ASCII is there. */
__attribute__((target_clones("avx2", "default"))) static size_t
count_bytes(const char *s, size_t n, size_t *lone, bool *odd) {
  const bytes32 lf = (bytes32){0} + '\n', cr = (bytes32){0} + '\r', quote = (bytes32){0} + '"',
                zero = {0};
  bytes32 acc_odd = {0};
  size_t nlf = 0, ncr = 0, i = 0;
  while (n - i >= 33) { /* s[i + 32] is looked at too */
    counts32 acc_lf = {0}, acc_cr = {0};
    size_t end = n - i >= 32 * 255 + 1 ? i + 32 * 255 : n - 32;
    for (; i < end; i += 32) {
      bytes32 w, next;
      memcpy(&w, s + i, 32);
      memcpy(&next, s + i + 1, 32);
      acc_lf -= (counts32)(w == lf); /* a match is all ones: 255, or -1 */
      acc_cr -= (counts32)((w == cr) & (next != lf));
      acc_odd |= (bytes32)((w == quote) | (w < zero)); /* past ASCII: the sign bit */
    }
    unsigned char a[32], b[32];
    memcpy(a, &acc_lf, 32);
    memcpy(b, &acc_cr, 32);
    for (int k = 0; k < 32; k++) {
      nlf += a[k];
      ncr += b[k];
    }
  }
  unsigned char o[32];
  memcpy(o, &acc_odd, 32);
  bool found = false;
  for (int k = 0; k < 32; k++)
    found |= o[k] != 0;
  for (; i < n; i++) {
    nlf += s[i] == '\n';
    ncr += s[i] == '\r' && (i + 1 == n || s[i + 1] != '\n');
    found |= s[i] == '"' || (unsigned char)s[i] >= 0x80;
  }
  *lone = ncr;
  *odd = found;
  return nlf;
}

size_t csvin_count_lines(const char *s, size_t n, size_t *lone) {
  bool odd;
  return count_bytes(s, n, lone, &odd);
}

/* ---- csvin_scan ---- */

/* Finds record k of the stretch being scanned (k at or after the last one
 * found): the line it starts on, numbered as csvin_next numbers it (from
 * the first line after the record before it with more than line ends on
 * it), and the end of its line. The stretch holds no quote and no bare
 * carriage return, so each line with more than blanks is one record. */
static void find_record(struct stretch *st, size_t k) {
  if (st->found == k)
    return;
  const char *s = st->s;
  size_t at = st->at, recs = st->at_recs;
  long line = st->at_line, start = 0;
  for (;;) {
    const char *nl = memchr(s + at, '\n', st->len - at);
    size_t end = nl ? (size_t)(nl - s) + 1 : st->len;
    bool ends_only = true, blank = true;
    for (size_t i = at; i < end && blank; i++) {
      char c = s[i];
      if (c != '\r' && c != '\n') {
        ends_only = false;
        blank = c == ' ' || c == '\t';
      }
    }
    if (!ends_only && !start)
      start = line;
    at = end;
    line++;
    bool last = at >= st->len; /* a record (stretch_end): nothing is looked up past it */
    if (!blank || last) {
      if (recs == k || last) {
        st->found = k;
        st->found_line = start ? start : line - 1;
        st->found_end = end;
        st->at = at;
        st->at_recs = recs + 1;
        st->at_line = line;
        return;
      }
      recs++;
      start = 0;
    }
  }
}

static void on_scan_field(void *data, size_t len, void *ctx) {
  struct stretch *st = ctx;
  if (!st->own_stop)
    st->sink->field(data, len, st->sink->ctx);
}

static void on_scan_record(int c, void *ctx) {
  (void)c;
  struct stretch *st = ctx;
  if (st->own_stop)
    return;
  if (st->sink->end(NULL, st->sink->ctx))
    st->own_stop = true;
  else
    st->own_recs++;
}

/* Whether the line that the line feed s[end] ends holds more than blanks
 * (spaces, tabs, carriage returns), looking back to s[floor] at most: then
 * a record ends there, and csvin_next returns just past it (after blank
 * lines it reads on to the next record, numbering that one by the first of
 * them that holds spaces). */
static bool ends_a_record(const char *s, size_t end, size_t floor) {
  for (size_t k = end; k > floor && s[k - 1] != '\n'; k--)
    if (s[k - 1] != ' ' && s[k - 1] != '\t' && s[k - 1] != '\r')
      return true;
  return false;
}

/* Where a stretch to give libcsv whole may end within s[0..n): just past
 * the last line feed that ends a record (ends_a_record); 0 when there is
 * none. */
static size_t stretch_end(const char *s, size_t n) {
  for (;;) {
    while (n && s[n - 1] != '\n')
      n--;
    if (!n)
      return 0;
    if (ends_a_record(s, n - 1, 0))
      return n;
    n--; /* a blank line: look before it */
  }
}

size_t csvin_cut_after(const char *s, size_t len, size_t at, size_t floor) {
  while (at < len) {
    const char *nl = memchr(s + at, '\n', len - at);
    if (!nl)
      return 0;
    size_t end = (size_t)(nl - s);
    if (ends_a_record(s, end, floor))
      return end + 1 < len ? end + 1 : 0;
    at = end + 1;
  }
  return 0;
}

/* Gives the stretch block[block_pos..+n) to libcsv whole. Returns false,
 * having read nothing, when it is not such a stretch: one that holds a
 * quote, a byte past ASCII or a bare carriage return needs csvin_next's
 * care. Else true, with the reader past the stretch, or past the record
 * where the sink asked to stop (*stop). */
static bool scan_stretch(csvin *r, const csvin_sink *sink, size_t n, bool *stop) {
  const char *s = r->block + r->block_pos;
  size_t lone;
  bool odd;
  size_t lines = count_bytes(s, n, &lone, &odd);
  if (odd || lone)
    return false;
  struct stretch st = {
      .sink = sink, .s = s, .len = n, .line = r->line, .at_line = r->line, .found = SIZE_MAX};
  bool direct = sink->record != NULL; /* libcsv hands the records to the sink itself */
  st.recs = direct ? sink->records : &st.own_recs;
  st.stop = direct ? sink->stop : &st.own_stop;
  *st.recs = 0;
  *st.stop = false;
  uint64_t before = r->bytes_read;
  r->bytes_read += n; /* for progress, while libcsv works through it */
  r->scan = &st;
  /* The next stretch into the cache while libcsv works on this one: it is
   * counted much faster from there than from memory. */
  size_t ahead = r->block_len - r->block_pos - n;
  if (ahead > BLOCK)
    ahead = BLOCK;
  for (size_t i = 0; i < ahead; i += 64)
    __builtin_prefetch(s + n + i);
  /* No quote: no error. */
  if (direct)
    csv_parse(&r->parser, s, n, sink->field, sink->record, sink->ctx);
  else
    csv_parse(&r->parser, s, n, on_scan_field, on_scan_record, &st);
  r->scan = NULL;
  *stop = *st.stop;
  *st.stop = false; /* (set only within a stretch: see csvin_sink) */
  if (*stop) {
    find_record(&st, *st.recs);
    n = st.found_end;
    lines = (size_t)(st.at_line - st.line);
  }
  r->block_pos += n;
  r->bytes_read = before + n;
  r->line += (long)lines;
  return true;
}

int csvin_scan(csvin *r, const csvin_sink *sink) {
  char err[512];
  r->watch_quote = true;
  for (;;) {
    if (r->fatal || r->finished || (r->pause && r->bytes_read >= r->pause))
      return 0;
    /* A stretch of whole lines from here, or else one record (which
     * reads the next block when this one is used up, or reports why it
     * cannot). Not past the pause: it is at the start of a line. */
    size_t n = 0, avail = r->block_len - r->block_pos;
    if (r->pause && avail > r->pause - r->bytes_read)
      avail = (size_t)(r->pause - r->bytes_read);
    if (avail && r->clean)
      n = stretch_end(r->block + r->block_pos, avail < BLOCK ? avail : BLOCK);
    bool stop;
    if (n && scan_stretch(r, sink, n, &stop)) {
      if (stop)
        return 1;
      continue;
    }
    /* Record by record through the stretch (or the one record). */
    uint64_t until = r->bytes_read + n;
    do {
      int rc = csvin_next(r, err, sizeof err);
      if (rc == 0)
        return 0;
      if (rc > 0)
        for (size_t i = 0; i < r->nfields; i++)
          sink->field(r->text + r->offs[i], r->lens[i], sink->ctx);
      if (sink->end(rc < 0 ? err : NULL, sink->ctx))
        return 1;
    } while (r->bytes_read < until);
  }
}

size_t csvin_nfields(const csvin *r) { return r->nfields; }

const char *csvin_field(const csvin *r, size_t i) {
  return i < r->nfields ? r->text + r->offs[i] : "";
}

size_t csvin_field_len(const csvin *r, size_t i) { return i < r->nfields ? r->lens[i] : 0; }

long csvin_line(const csvin *r) {
  if (!r->scan)
    return r->rec_line + line_shift(r);
  find_record(r->scan, *r->scan->recs);
  return r->scan->found_line + line_shift(r);
}

void csvin_set_first_line(csvin *r, long line) {
  r->line = line;
  r->rec_line = line;
  r->first_block = false; /* a continuation: no byte order mark */
}

void csvin_set_first_line_after(csvin *r, long line, const char *before, size_t n) {
  csvin_set_first_line(r, line);
  free(r->before);
  r->before = xcalloc(1, sizeof *r->before);
  r->before->s = before;
  r->before->n = n;
}

bool csvin_stopped(const csvin *r) { return r->fatal; }

void csvin_pause_at(csvin *r, uint64_t n) { r->pause = n; }

bool csvin_saw_quote(const csvin *r) { return r->saw_quote; }

const char *csvin_name(const csvin *r) { return r->name; }

uint64_t csvin_bytes_read(const csvin *r) { return r->bytes_read; }

uint64_t csvin_total_bytes(const csvin *r) { return r->total_bytes; }

void csvin_close(csvin *r) {
  if (!r)
    return;
  csv_free(&r->parser);
  if (r->owns_file && r->file)
    fclose(r->file);
  free(r->name);
  free(r->buf);
  free(r->text);
  free(r->offs);
  free(r->lens);
  free(r->before);
  free(r);
}

int csvin_header_index(const csvin *hdr, const char *name) {
  for (size_t i = 0; i < hdr->nfields; i++) {
    const char *f = csvin_field(hdr, i);
    size_t len = hdr->lens[i];
    while (len && (*f == ' ' || *f == '\t')) {
      f++;
      len--;
    }
    while (len && (f[len - 1] == ' ' || f[len - 1] == '\t'))
      len--;
    if (len == strlen(name) && strncmp(f, name, len) == 0)
      return (int)i;
  }
  return -1;
}
