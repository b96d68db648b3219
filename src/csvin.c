/* Streaming CSV reader on libcsv that tracks line positions (see csvin.h).
 * The input is fed to libcsv one line at a time (a line longer than BLOCK in
 * pieces of at most BLOCK bytes), so each record completed by a feed ends on
 * a known line, and memory stays bounded. A file is read in blocks of BLOCK
 * bytes; a memory input is fed in place, without copying. */
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
  size_t ascii_end;

  long line;     /* line of the next byte to feed */
  long rec_line; /* line where the record being built started */
  bool at_record_start;
  size_t rec_bytes; /* bytes fed for the record being built */
  uint64_t bytes_read, total_bytes;
  csvin_tap_fn *tap; /* sees every byte read */
  void *tap_ctx;

  /* Fields of the record being built, then of the current record. */
  char *text;
  size_t text_len, text_cap;
  size_t *offs, *lens;
  size_t nfields, fields_cap;
  bool record_ready;

  /* The first problem found in the record being built. */
  char problem[256];
  long problem_col;
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
  return r;
}

int csvin_open_stream(csvin **out, FILE *f, const char *name, bool owns, char *err,
                      size_t errlen) {
  *out = NULL;
  struct stat st;
  bool have_stat = fstat(fileno(f), &st) == 0;
  if (have_stat && S_ISDIR(st.st_mode)) {
    snprintf(err, errlen, "%s: is a directory, not a CSV file", name);
    if (owns)
      fclose(f);
    return -1;
  }
  csvin *r = reader_new(name);
  r->file = f;
  r->owns_file = owns;
  r->buf = xmalloc(BLOCK);
  if (have_stat && S_ISREG(st.st_mode))
    r->total_bytes = (uint64_t)st.st_size;
  if (init_parser(r) != 0) {
    snprintf(err, errlen, "%s: cannot initialise the CSV parser", name);
    csvin_close(r);
    return -1;
  }
  *out = r;
  return 0;
}

int csvin_open(csvin **out, const char *path, char *err, size_t errlen) {
  *out = NULL;
  bool is_stdin = strcmp(path, "-") == 0;
  FILE *f = is_stdin ? stdin : fopen(path, "rb");
  if (!f) {
    snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    return -1;
  }
  return csvin_open_stream(out, f, is_stdin ? "<stdin>" : path, !is_stdin, err, errlen);
}

void csvin_set_tap(csvin *r, csvin_tap_fn *fn, void *ctx) {
  r->tap = fn;
  r->tap_ctx = ctx;
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
  if (n && r->tap)
    r->tap(r->block, n, r->tap_ctx);
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
  snprintf(err, errlen, "%s:%ld:%ld: %s", r->name, r->rec_line, r->problem_col, r->problem);
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
                 r->rec_line, r->nfields + 1);
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
    size_t used = csv_parse(&r->parser, start, n, on_field, on_record, r);
    r->rec_bytes += n;
    if (used < n) {
      long col = (long)r->nfields + 1;
      long line = r->line;
      csv_free(&r->parser);
      init_parser(r);
      r->block_pos += used;
      r->bytes_read += used;
      skip_line(r, err, errlen);
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
      return r->problem[0] ? report_problem(r, err, errlen) : 1;
    }
    if (r->rec_bytes > MAX_RECORD) {
      snprintf(err, errlen,
               "%s:%ld:%zu: record is longer than %d bytes (is a quote never "
               "closed?); reading stopped here",
               r->name, r->rec_line, r->nfields + 1, MAX_RECORD);
      r->fatal = true;
      return -1;
    }
  }
}

size_t csvin_nfields(const csvin *r) { return r->nfields; }

const char *csvin_field(const csvin *r, size_t i) {
  return i < r->nfields ? r->text + r->offs[i] : "";
}

size_t csvin_field_len(const csvin *r, size_t i) { return i < r->nfields ? r->lens[i] : 0; }

long csvin_line(const csvin *r) { return r->rec_line; }

bool csvin_stopped(const csvin *r) { return r->fatal; }

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
