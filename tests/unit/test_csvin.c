/* Tests for the streaming CSV reader: positions, quoting, encodings and
 * every kind of malformed input. */
#include "testutil.h"

#include "csvin.h"
#include "strbuf.h"

static csvin *open_text(const char *text) {
  csvin *r;
  char err[256];
  assert_int_equal(csvin_open_mem(&r, "t.csv", text, strlen(text), err, sizeof err), 0);
  return r;
}

static void test_simple_lf_and_crlf(void **state) {
  (void)state;
  const char *texts[] = {"a,b\n1,2\n3,4\n", "a,b\r\n1,2\r\n3,4\r\n", "a,b\n1,2\n3,4"};
  for (size_t t = 0; t < 3; t++) {
    csvin *r = open_text(texts[t]);
    char err[256];
    assert_int_equal(csvin_next(r, err, sizeof err), 1);
    assert_int_equal(csvin_nfields(r), 2);
    assert_string_equal(csvin_field(r, 0), "a");
    assert_int_equal(csvin_line(r), 1);
    assert_int_equal(csvin_next(r, err, sizeof err), 1);
    assert_string_equal(csvin_field(r, 1), "2");
    assert_int_equal(csvin_line(r), 2);
    assert_int_equal(csvin_next(r, err, sizeof err), 1);
    assert_string_equal(csvin_field(r, 0), "3");
    assert_string_equal(csvin_field(r, 1), "4");
    assert_int_equal(csvin_line(r), 3);
    assert_int_equal(csvin_next(r, err, sizeof err), 0);
    csvin_close(r);
  }
}

static void test_quoted_fields_and_lines(void **state) {
  (void)state;
  csvin *r = open_text("\xEF\xBB\xBFid,text\n1,\"a, \"\"quoted\"\"\nline\"\n\n2,plain\n");
  char err[256];
  assert_int_equal(csvin_next(r, err, sizeof err), 1);
  assert_string_equal(csvin_field(r, 0), "id"); /* byte order mark removed */
  assert_int_equal(csvin_next(r, err, sizeof err), 1);
  assert_string_equal(csvin_field(r, 1), "a, \"quoted\"\nline");
  assert_int_equal(csvin_line(r), 2);
  assert_int_equal(csvin_next(r, err, sizeof err), 1);
  assert_string_equal(csvin_field(r, 1), "plain");
  assert_int_equal(csvin_line(r), 5); /* after the embedded newline and a blank line */
  assert_int_equal(csvin_next(r, err, sizeof err), 0);
  csvin_close(r);
}

static void test_header_index(void **state) {
  (void)state;
  csvin *r = open_text("urn, name ,type\n");
  char err[256];
  assert_int_equal(csvin_next(r, err, sizeof err), 1);
  assert_int_equal(csvin_header_index(r, "name"), 1);
  assert_int_equal(csvin_header_index(r, "type"), 2);
  assert_int_equal(csvin_header_index(r, "region"), -1);
  csvin_close(r);
}

static void test_stray_quote_reports_line_and_recovers(void **state) {
  (void)state;
  csvin *r = open_text("a,b\n1,x\"y\n3,4\n");
  char err[256];
  assert_int_equal(csvin_next(r, err, sizeof err), 1);
  assert_int_equal(csvin_next(r, err, sizeof err), -1);
  assert_non_null(strstr(err, "t.csv:2:2:"));
  assert_int_equal(csvin_next(r, err, sizeof err), 1);
  assert_string_equal(csvin_field(r, 0), "3");
  assert_int_equal(csvin_line(r), 3);
  csvin_close(r);
}

static void test_unterminated_quote(void **state) {
  (void)state;
  csvin *r = open_text("a,b\n1,\"never closed\n");
  char err[256];
  assert_int_equal(csvin_next(r, err, sizeof err), 1);
  assert_int_equal(csvin_next(r, err, sizeof err), -1);
  assert_non_null(strstr(err, "t.csv:2:2: a quoted field is never closed"));
  assert_int_equal(csvin_next(r, err, sizeof err), 0);
  csvin_close(r);
}

static void test_invalid_utf8(void **state) {
  (void)state;
  csvin *r = open_text("a,b\n1,caf\xE9\n2,ok\n");
  char err[256];
  assert_int_equal(csvin_next(r, err, sizeof err), 1);
  assert_int_equal(csvin_next(r, err, sizeof err), -1);
  assert_non_null(strstr(err, "t.csv:2:2: field is not valid UTF-8"));
  assert_int_equal(csvin_next(r, err, sizeof err), 1);
  assert_string_equal(csvin_field(r, 1), "ok");
  csvin_close(r);
}

static void test_field_too_long(void **state) {
  (void)state;
  size_t n = CSVIN_MAX_FIELD + 10;
  char *text = malloc(n + 32);
  strcpy(text, "a\n\"");
  memset(text + 3, 'x', n);
  strcpy(text + 3 + n, "\"\n");
  csvin *r = open_text(text);
  char err[256];
  assert_int_equal(csvin_next(r, err, sizeof err), 1);
  assert_int_equal(csvin_next(r, err, sizeof err), -1);
  assert_non_null(strstr(err, "t.csv:2:1: field is"));
  csvin_close(r);
  free(text);
}

static void test_bare_carriage_return(void **state) {
  (void)state;
  csvin *r = open_text("a,b\n1,2\r3,4\n5,6\n");
  char err[256];
  assert_int_equal(csvin_next(r, err, sizeof err), 1);
  assert_int_equal(csvin_next(r, err, sizeof err), -1);
  assert_non_null(strstr(err, "t.csv:2:"));
  assert_non_null(strstr(err, "bare carriage return"));
  assert_int_equal(csvin_next(r, err, sizeof err), 1);
  assert_string_equal(csvin_field(r, 0), "5");
  csvin_close(r);
}

static void test_empty_input(void **state) {
  (void)state;
  csvin *r = open_text("");
  char err[256];
  assert_int_equal(csvin_next(r, err, sizeof err), 0);
  csvin_close(r);
  csvin_close(NULL);
}

static void test_open_missing_file(void **state) {
  (void)state;
  csvin *r;
  char err[256];
  assert_int_equal(csvin_open(&r, "/nonexistent/x.csv", err, sizeof err), -1);
  assert_null(r);
  assert_non_null(strstr(err, "/nonexistent/x.csv: cannot open"));
}

static void test_file_across_blocks(void **state) {
  (void)state;
  /* Enough rows to cross several 64 KiB blocks, read from a real file. */
  char *dir = test_tmpdir();
  char path[512];
  snprintf(path, sizeof path, "%s/big.csv", dir);
  FILE *f = fopen(path, "w");
  fputs("n,text\n", f);
  for (int i = 0; i < 20000; i++)
    fprintf(f, "%d,\"row %d, with comma\"\r\n", i, i);
  fclose(f);
  csvin *r;
  char err[256];
  assert_int_equal(csvin_open(&r, path, err, sizeof err), 0);
  assert_int_equal(csvin_next(r, err, sizeof err), 1);
  int rows = 0;
  while (csvin_next(r, err, sizeof err) == 1) {
    assert_int_equal(atoi(csvin_field(r, 0)), rows);
    assert_int_equal(csvin_line(r), rows + 2);
    rows++;
  }
  assert_int_equal(rows, 20000);
  assert_true(csvin_bytes_read(r) == csvin_total_bytes(r));
  csvin_close(r);
  test_rmdir(dir);
}

/* Reads every record of r: one line per record or error, "LINE: f1|f2"
 * or "error: MESSAGE", into a malloc'd string. */
static char *dump(csvin *r) {
  size_t cap = 1 << 16, len = 0;
  char *out = malloc(cap);
  out[0] = '\0';
  char err[256];
  int rc;
  while ((rc = csvin_next(r, err, sizeof err)) != 0) {
    char line[512];
    if (rc < 0) {
      snprintf(line, sizeof line, "error: %s\n", err);
    } else {
      /* (A line too long for the buffer is cut short, as scan_dump cuts it.) */
      int n = snprintf(line, sizeof line, "%ld:", csvin_line(r));
      for (size_t i = 0; i < csvin_nfields(r) && (size_t)n < sizeof line; i++)
        n += snprintf(line + n, sizeof line - (size_t)n, "%s%s", i ? "|" : " ", csvin_field(r, i));
      if ((size_t)n < sizeof line)
        snprintf(line + n, sizeof line - (size_t)n, "\n");
    }
    size_t l = strlen(line);
    if (len + l + 1 > cap) {
      cap = 2 * (len + l + 1);
      out = realloc(out, cap);
    }
    memcpy(out + len, line, l + 1);
    len += l;
  }
  return out;
}

/* csvin_scan's side of dump(): the same lines, from what the sink is
 * handed. The sink stops after every `every` records (0: never), and the
 * scan is taken up again, so a stop must leave the reader just past the
 * record, as csvin_next does. */
typedef struct scan_out {
  csvin *r;
  char *out;
  size_t len, cap;
  char line[512];
  int n;
  size_t nfields, records, every;
  size_t taken;  /* csvin_sink.records, when libcsv hands records over itself */
  bool stop;     /* csvin_sink.stop */
  size_t direct; /* records handed over that way */
} scan_out;

/* Whether the scan tests' sink takes the records of plain stretches from
 * libcsv directly (csvin_sink.record): each of them runs both ways (see
 * main). */
static bool scan_direct;

static int sink_direct(void **state) {
  (void)state;
  scan_direct = true;
  return 0;
}

static int sink_through_end(void **state) {
  (void)state;
  scan_direct = false;
  return 0;
}

static void scan_put(scan_out *o, const char *text) {
  size_t l = strlen(text);
  if (o->len + l + 1 > o->cap) {
    o->cap = 2 * (o->len + l + 1);
    o->out = realloc(o->out, o->cap);
  }
  memcpy(o->out + o->len, text, l + 1);
  o->len += l;
}

static void scan_field(void *data, size_t len, void *ctx) {
  scan_out *o = ctx;
  if (o->stop)
    return;                            /* the rest of a stretch after a stop */
  assert_int_equal(strlen(data), len); /* NUL-terminated at its length */
  if (o->nfields == 0)
    o->n = snprintf(o->line, sizeof o->line, "%ld:", csvin_line(o->r));
  if ((size_t)o->n < sizeof o->line)
    o->n += snprintf(o->line + o->n, sizeof o->line - (size_t)o->n, "%s%s", o->nfields ? "|" : " ",
                     (const char *)data);
  o->nfields++;
}

static bool scan_end(const char *problem, void *ctx) {
  scan_out *o = ctx;
  char line[512];
  if (problem) {
    assert_int_equal(o->nfields, 0);
    snprintf(line, sizeof line, "error: %s\n", problem);
  } else {
    /* The line asked for again at the end: still the record's. */
    char at[32];
    snprintf(at, sizeof at, "%ld:", csvin_line(o->r));
    assert_memory_equal(o->line, at, strlen(at));
    if ((size_t)o->n < sizeof o->line)
      snprintf(o->line + o->n, sizeof o->line - (size_t)o->n, "\n");
    snprintf(line, sizeof line, "%s", o->line);
  }
  scan_put(o, line);
  o->nfields = 0;
  o->records++;
  return o->every && o->records % o->every == 0;
}

static void scan_record(int c, void *ctx) {
  assert_true(c == '\n' || c == '\r');
  scan_out *o = ctx;
  if (o->stop)
    return;
  o->direct++;
  if (scan_end(NULL, o))
    o->stop = true;
  else
    o->taken++;
}

/* A sink into o, which starts empty, stopping after every `every` records
 * (0: never). */
static csvin_sink scan_sink(scan_out *o, csvin *r, size_t every) {
  *o = (scan_out){.r = r, .cap = 256, .every = every};
  o->out = malloc(o->cap);
  o->out[0] = '\0';
  csvin_sink sink = {.field = scan_field, .end = scan_end, .ctx = o};
  if (scan_direct) {
    sink.record = scan_record;
    sink.records = &o->taken;
    sink.stop = &o->stop;
  }
  return sink;
}

static char *scan_dump_counting(csvin *r, size_t every, size_t *direct) {
  scan_out o;
  csvin_sink sink = scan_sink(&o, r, every);
  size_t stops = 0;
  while (csvin_scan(r, &sink) == 1) {
    stops++;
    assert_false(o.stop); /* cleared before csvin_scan returned */
  }
  assert_int_equal(stops, every ? o.records / every : 0);
  *direct = o.direct;
  return o.out;
}

static char *scan_dump(csvin *r, size_t every) {
  size_t direct;
  return scan_dump_counting(r, every, &direct);
}

static void test_first_line_numbers_a_piece(void **state) {
  (void)state;
  const char *text = "1,2\n3,caf\xE9\n\n5,6\n";
  csvin *r = open_text(text);
  csvin_set_first_line(r, 41);
  char err[256];
  assert_int_equal(csvin_next(r, err, sizeof err), 1);
  assert_int_equal(csvin_line(r), 41);
  assert_int_equal(csvin_next(r, err, sizeof err), -1);
  assert_non_null(strstr(err, "t.csv:42:2: field is not valid UTF-8"));
  assert_int_equal(csvin_next(r, err, sizeof err), 1);
  assert_string_equal(csvin_field(r, 0), "5");
  assert_int_equal(csvin_line(r), 44); /* after the blank line */
  assert_int_equal(csvin_next(r, err, sizeof err), 0);
  assert_false(csvin_stopped(r));
  csvin_close(r);
}

/* A sink that notes each record's line, or its problem. */
static bool note_line(const char *problem, void *ctx) {
  csvin *r = ((void **)ctx)[0];
  strbuf *b = ((void **)ctx)[1];
  if (problem)
    strbuf_printf(b, "[%s]", problem);
  else
    strbuf_printf(b, "%ld ", csvin_line(r));
  return false;
}

static void ignore_field(void *data, size_t len, void *ctx) {
  (void)data;
  (void)len;
  (void)ctx;
}

static void test_first_line_after_counts_the_lines_before(void **state) {
  (void)state;
  /* The piece starts after 3 lines of text, itself on line 10 + 3. Each
   * kind of message, and csvin_line from both readers, carry the lines. */
  const char *before = "a,b\nc,d\n\n";
  const char *text = "1,2\n3,caf\xE9\n\n5,6\n7,x\"y\n8,\"open\n";
  char err[256];
  csvin *r = open_text(text);
  csvin_set_first_line_after(r, 10, before, strlen(before));
  assert_int_equal(csvin_next(r, err, sizeof err), 1);
  assert_int_equal(csvin_line(r), 13);
  assert_int_equal(csvin_next(r, err, sizeof err), -1);
  assert_non_null(strstr(err, "t.csv:14:2: field is not valid UTF-8"));
  assert_int_equal(csvin_next(r, err, sizeof err), 1);
  assert_int_equal(csvin_line(r), 16); /* after the blank line */
  assert_int_equal(csvin_next(r, err, sizeof err), -1);
  assert_non_null(strstr(err, "t.csv:17:2: malformed quoting"));
  assert_int_equal(csvin_next(r, err, sizeof err), -1);
  assert_non_null(strstr(err, "t.csv:18:2: a quoted field is never closed"));
  csvin_close(r);
  /* Through csvin_scan, plain stretches and all. */
  r = open_text("1,2\n3,4\n\n5,6\n");
  csvin_set_first_line_after(r, 10, before, strlen(before));
  strbuf b = STRBUF_INIT;
  void *ctx[2] = {r, &b};
  csvin_sink sink = {.field = ignore_field, .end = note_line, .ctx = ctx};
  assert_int_equal(csvin_scan(r, &sink), 0);
  assert_string_equal(strbuf_str(&b), "13 14 16 ");
  strbuf_free(&b);
  csvin_close(r);
}

static void test_first_line_keeps_a_byte_order_mark(void **state) {
  (void)state;
  /* At the start of the input a byte order mark is dropped; at the start of
   * a piece that continues a file it is data, as it would be there. */
  const char *text = "\xEF\xBB\xBF"
                     "1,2\n";
  csvin *r = open_text(text);
  char err[256];
  assert_int_equal(csvin_next(r, err, sizeof err), 1);
  assert_string_equal(csvin_field(r, 0), "1");
  csvin_close(r);
  r = open_text(text);
  csvin_set_first_line(r, 7);
  assert_int_equal(csvin_next(r, err, sizeof err), 1);
  assert_string_equal(csvin_field(r, 0), "\xEF\xBB\xBF"
                                         "1");
  assert_int_equal(csvin_line(r), 7);
  csvin_close(r);
}

static void test_pieces_read_as_the_whole(void **state) {
  (void)state;
  /* A text without quotes cut at any line feed into two readers gives the
   * records and messages of one reader on the whole, in the same order. */
  const char *text = "a,b\n1,2\r\n\n3,x\xFF\n4,5\r6,7\n\r\n8,9\n10\n,11\n12,13";
  csvin *r = open_text(text);
  char *whole = dump(r);
  csvin_close(r);
  size_t len = strlen(text);
  int cuts = 0;
  for (size_t at = 0; at < len; at++) {
    if (text[at] != '\n')
      continue;
    size_t cut = at + 1;
    long line = 1;
    for (size_t i = 0; i < cut; i++)
      line += text[i] == '\n';
    csvin *a, *b;
    char err[256];
    assert_int_equal(csvin_open_mem(&a, "t.csv", text, cut, err, sizeof err), 0);
    assert_int_equal(csvin_open_mem(&b, "t.csv", text + cut, len - cut, err, sizeof err), 0);
    csvin_set_first_line(b, line);
    char *x = dump(a), *y = dump(b);
    char *joined = malloc(strlen(x) + strlen(y) + 1);
    strcpy(joined, x);
    strcat(joined, y);
    assert_string_equal(joined, whole);
    free(joined);
    free(x);
    free(y);
    csvin_close(a);
    csvin_close(b);
    cuts++;
  }
  assert_int_equal(cuts, 9);
  free(whole);
}

static void test_stopped_after_a_record_too_long(void **state) {
  (void)state;
  /* A quote never closed: the reader gives up past the record limit and
   * reads nothing more. */
  size_t n = 5 * CSVIN_MAX_FIELD;
  char *text = malloc(n + 32);
  strcpy(text, "a\n\"");
  for (size_t i = 3; i < n; i++)
    text[i] = (i % 80) ? 'x' : '\n';
  strcpy(text + n, "\n1\n");
  csvin *r = open_text(text);
  char err[256];
  assert_int_equal(csvin_next(r, err, sizeof err), 1);
  assert_false(csvin_stopped(r));
  assert_int_equal(csvin_next(r, err, sizeof err), -1);
  assert_non_null(strstr(err, "t.csv:2:1: record is longer than"));
  assert_true(csvin_stopped(r));
  assert_int_equal(csvin_next(r, err, sizeof err), 0);
  csvin_close(r);
  free(text);
}

static void test_utf8_checked_past_an_ascii_start(void **state) {
  (void)state;
  /* Plenty of ASCII first, then a bad byte: found, from memory and from a
   * file, whatever stretch or block it falls in. */
  size_t rows = 50000;
  char *text = malloc(rows * 8 + 64);
  size_t len = 0;
  len += (size_t)sprintf(text + len, "a,b\n");
  for (size_t i = 0; i < rows; i++)
    len += (size_t)sprintf(text + len, "%zu,2\n", i % 1000);
  len += (size_t)sprintf(text + len, "1,caf\xE9\n2,\xC3\xA9t\xC3\xA9\n");
  csvin *r = open_text(text);
  char err[256];
  int rc, ok = 0, bad = 0;
  long bad_line = 0;
  while ((rc = csvin_next(r, err, sizeof err)) != 0) {
    if (rc > 0)
      ok++;
    else {
      bad++;
      assert_non_null(strstr(err, "not valid UTF-8"));
      bad_line = strtol(err + strlen("t.csv:"), NULL, 10);
    }
  }
  assert_int_equal(ok, (int)rows + 2); /* the header, the rows and "été" */
  assert_int_equal(bad, 1);
  assert_int_equal(bad_line, (long)rows + 2);
  csvin_close(r);

  char *dir = test_tmpdir();
  char path[512];
  snprintf(path, sizeof path, "%s/utf8.csv", dir);
  FILE *f = fopen(path, "wb");
  fwrite(text, 1, len, f);
  fclose(f);
  assert_int_equal(csvin_open(&r, path, err, sizeof err), 0);
  ok = bad = 0;
  while ((rc = csvin_next(r, err, sizeof err)) != 0) {
    if (rc > 0)
      ok++;
    else
      bad++;
  }
  assert_int_equal(ok, (int)rows + 2);
  assert_int_equal(bad, 1);
  csvin_close(r);
  test_rmdir(dir);
  free(text);
}

static void test_memory_line_longer_than_a_block(void **state) {
  (void)state;
  /* A line of 200 KB is fed in pieces and still makes one record. */
  size_t n = 200 * 1024;
  char *text = malloc(n + 32);
  strcpy(text, "a,b\n1,");
  memset(text + 6, 'y', n);
  strcpy(text + 6 + n, "\n2,3\n");
  csvin *r = open_text(text);
  char err[256];
  assert_int_equal(csvin_next(r, err, sizeof err), 1);
  assert_int_equal(csvin_next(r, err, sizeof err), 1);
  assert_int_equal(csvin_field_len(r, 1), n);
  assert_int_equal(csvin_line(r), 2);
  assert_int_equal(csvin_next(r, err, sizeof err), 1);
  assert_string_equal(csvin_field(r, 1), "3");
  assert_int_equal(csvin_line(r), 3);
  assert_int_equal(csvin_next(r, err, sizeof err), 0);
  csvin_close(r);
  free(text);
}

/* csvin_scan reads as csvin_next does: records, lines and problems, from
 * memory and from a file, stopped and taken up again anywhere. The text
 * mixes plain stretches (given to libcsv whole) with everything that
 * needs csvin_next's care, across many 64 KiB blocks. */
static void test_scan_reads_as_next(void **state) {
  (void)state;
  size_t cap = 1 << 22, len = 0;
  char *text = malloc(cap);
  len += (size_t)sprintf(text, "\xEF\xBB\xBFx,y,label\n");
  for (int i = 0; i < 30000; i++) {
    const char *kinds[] = {"%d.5,%d,plain\n",
                           "%d,%d,crlf\r\n",
                           "\n",
                           "   \n",
                           " \t \r\n",
                           "%d,\"quoted, %d\nover two lines\"\n",
                           "%d,%d,caf\xC3\xA9\n",
                           "%d,%d,bad\xE9\n",
                           "%d,%d,bare\rcr %d\n",
                           "%d,%d\"stray\n",
                           "  %d , %d ,spaced\n",
                           ",,\n"};
    /* Mostly plain, as data is; odd lines only in every other stretch of
     * 6000 rows (120 KB, more than a 64 KiB stretch), so that some stretches
     * are plain throughout. */
    int k = i % 97 < 80 ? 0 : (i / 6000) % 2 ? i % 12 : (int[]){1, 2, 3, 4, 10, 11}[i % 6];
    len += (size_t)snprintf(text + len, cap - len, kinds[k], i, i * 3, i);
  }
  len += (size_t)snprintf(text + len, cap - len, "1,2,no final line feed");
  csvin *a, *b;
  char err[256];
  assert_int_equal(csvin_open_mem(&a, "t.csv", text, len, err, sizeof err), 0);
  char *want = dump(a);
  csvin_close(a);
  assert_non_null(strstr(want, "error: t.csv:")); /* the problems are there */
  size_t everies[] = {0, 1, 7, 1000};
  for (size_t e = 0; e < 4; e++) {
    assert_int_equal(csvin_open_mem(&b, "t.csv", text, len, err, sizeof err), 0);
    size_t direct;
    char *got = scan_dump_counting(b, everies[e], &direct);
    assert_string_equal(got, want);
    /* Those of the plain stretches (about 8000) came straight from
     * libcsv when the sink asks for that. */
    if (scan_direct)
      assert_true(direct > 5000);
    else
      assert_int_equal(direct, 0);
    assert_true(csvin_bytes_read(b) == len);
    csvin_close(b);
    free(got);
  }
  /* From a file: blocks of 64 KiB, lines across their ends. */
  char *dir = test_tmpdir();
  char path[512];
  snprintf(path, sizeof path, "%s/t.csv", dir);
  FILE *f = fopen(path, "wb");
  assert_int_equal(fwrite(text, 1, len, f), len);
  fclose(f);
  assert_int_equal(csvin_open(&b, path, err, sizeof err), 0);
  char *got = scan_dump(b, 13);
  csvin_close(b);
  /* The same, but for the file's name in the messages. */
  assert_int_equal(csvin_open(&a, path, err, sizeof err), 0);
  char *want_file = dump(a);
  csvin_close(a);
  assert_string_equal(got, want_file);
  free(got);
  free(want_file);
  test_rmdir(dir);
  free(want);
  free(text);
}

/* A stop in a plain stretch leaves the reader where csvin_next would be:
 * the next csvin_next gives the next record, on its line. */
static void test_scan_stop_then_next(void **state) {
  (void)state;
  const char *text = "x,y\n1,2\n\n   \n3,4\n5,6\n";
  csvin *r = open_text(text);
  scan_out o;
  csvin_sink sink = scan_sink(&o, r, 2);
  assert_int_equal(csvin_scan(r, &sink), 1);
  assert_string_equal(o.out, "1: x|y\n2: 1|2\n");
  assert_true(csvin_bytes_read(r) == 8);
  char err[256];
  assert_int_equal(csvin_next(r, err, sizeof err), 1);
  assert_string_equal(csvin_field(r, 0), "3");
  assert_int_equal(csvin_line(r), 4); /* numbered by the line of spaces */
  assert_int_equal(csvin_scan(r, &sink), 0);
  assert_string_equal(o.out, "1: x|y\n2: 1|2\n6: 5|6\n");
  free(o.out);
  csvin_close(r);
}

/* A bare carriage return ends a record before the end of its line, and a
 * quote opened after it runs on: the parser is then inside a record, and
 * the plain lines after it are no stretch of their own (found by
 * fuzz/csvin_fuzz.c). */
static void test_scan_after_a_bare_cr(void **state) {
  (void)state;
  const char *text = "x,y\n3,\r,\"\n\n\n8\n9\n";
  csvin *a = open_text(text), *b = open_text(text);
  char *want = dump(a), *got = scan_dump(b, 1); /* taken up again after that record */
  assert_string_equal(got, want);
  /* The record the return ended is an error, as when both records end on
   * the line; then the quote is never closed. */
  assert_non_null(strstr(want, "error: t.csv:2:3: a line ends with a bare carriage return"));
  assert_non_null(strstr(want, "never closed"));
  free(want);
  free(got);
  csvin_close(a);
  csvin_close(b);
}

/* Random documents of every kind of line, some long, with blank lines and
 * lines of spaces where stretches end: csvin_scan, stopped at random
 * intervals, gives what csvin_next gives, from memory and from a file.
 * (A fixed seed: the same documents every run.) */
static void test_scan_random_documents(void **state) {
  (void)state;
  static const char *const kinds[] = {
      "%u.25,%u\n",      "%u,%u\r\n", "\n",       "  \t\n",    "\r\n",        "\"%u\",\"a\nb\"\n",
      "%u,\xC3\xA9%u\n", "%u,\xFF\n", "%u\r%u\n", "%u,x\"y\n", " %u , %u \n", "\"%u\n"};
  uint64_t seed = 12345;
  char *dir = test_tmpdir();
  char path[512];
  snprintf(path, sizeof path, "%s/r.csv", dir);
  for (int doc = 0; doc < 40; doc++) {
    size_t cap = 1 << 20, len = 0;
    char *text = malloc(cap);
    int lines = 2000 + (int)(seed % 20000);
    for (int i = 0; i < lines && len + 300 < cap; i++) {
      seed = seed * 6364136223846793005u + 1442695040888963407u; /* Knuth's LCG */
      unsigned r = (unsigned)(seed >> 33);
      /* Mostly plain; each document has its own mix of the odd kinds. */
      size_t k = r % 100 < 90 - (unsigned)doc ? r % 2 : r % 12;
      if (doc % 5 == 0 && k >= 5 && k != 10)
        k = 2 + r % 3; /* some documents only plain-compatible */
      len += (size_t)snprintf(text + len, cap - len, kinds[k], r % 1000, r % 777);
      if (r % 5000 == 7) { /* now and then a line longer than a block */
        memset(text + len, '9', 70000 < cap - len - 2 ? 70000 : 0);
        len += 70000 < cap - len - 2 ? 70000 : 0;
        text[len++] = '\n';
      }
    }
    csvin *a, *b;
    char err[256];
    assert_int_equal(csvin_open_mem(&a, "t.csv", text, len, err, sizeof err), 0);
    char *want = dump(a);
    csvin_close(a);
    assert_int_equal(csvin_open_mem(&b, "t.csv", text, len, err, sizeof err), 0);
    char *got = scan_dump(b, (size_t)(seed >> 40) % 50);
    csvin_close(b);
    assert_string_equal(got, want);
    free(got);
    free(want);
    if (doc % 8 == 0) { /* from a file, in blocks */
      FILE *f = fopen(path, "wb");
      assert_int_equal(fwrite(text, 1, len, f), len);
      fclose(f);
      assert_int_equal(csvin_open(&a, path, err, sizeof err), 0);
      want = dump(a);
      csvin_close(a);
      assert_int_equal(csvin_open(&b, path, err, sizeof err), 0);
      got = scan_dump(b, 3);
      csvin_close(b);
      assert_string_equal(got, want);
      free(got);
      free(want);
    }
    free(text);
  }
  test_rmdir(dir);
}

/* A line of spaces just before where a stretch would end (64 KiB on): the
 * record after it is numbered by that line, as csvin_next numbers it, so
 * the stretch ends before it. */
static void test_scan_spaces_at_a_stretch_end(void **state) {
  (void)state;
  size_t cap = 70000, len = 0;
  char *text = malloc(cap);
  len += (size_t)sprintf(text, "x,y\n");
  for (int i = 0; i < 16382; i++)
    len += (size_t)sprintf(text + len, "1,2\n");
  /* The stretch after the header runs to byte 65540: the spaces end at
   * 65536, and the next line goes past. */
  len += (size_t)sprintf(text + len, "   \n55,66\n7,8\n");
  csvin *a, *b;
  char err[256];
  assert_int_equal(csvin_open_mem(&a, "t.csv", text, len, err, sizeof err), 0);
  assert_int_equal(csvin_open_mem(&b, "t.csv", text, len, err, sizeof err), 0);
  char *want = dump(a), *got = scan_dump(b, 0);
  assert_non_null(strstr(want, "16384: 55|66\n16386: 7|8\n")); /* by the line of spaces */
  assert_string_equal(got, want);
  free(want);
  free(got);
  csvin_close(a);
  csvin_close(b);
  free(text);
}

/* A reader of the rest of a file that pauses at the end of its first
 * piece: csvin_scan ends there as at the end of the input, then goes on
 * once the pause is lifted, lines and all; a quote is noted wherever it
 * was read, in a plain stretch's neighbours or record by record. */
static void test_pause_and_quotes(void **state) {
  (void)state;
  const char *text = "1,2\n3,4\n5,\"six\"\n7,8\n";
  csvin *r = open_text(text);
  csvin_set_first_line(r, 2);
  csvin_pause_at(r, 8); /* after "3,4\n" */
  scan_out o;
  csvin_sink sink = scan_sink(&o, r, 0);
  assert_int_equal(csvin_scan(r, &sink), 0);
  assert_string_equal(o.out, "2: 1|2\n3: 3|4\n");
  assert_true(csvin_bytes_read(r) == 8);
  assert_false(csvin_saw_quote(r));
  assert_int_equal(csvin_scan(r, &sink), 0); /* still paused */
  csvin_pause_at(r, 0);
  assert_int_equal(csvin_scan(r, &sink), 0);
  assert_string_equal(o.out, "2: 1|2\n3: 3|4\n4: 5|six\n5: 7|8\n");
  assert_true(csvin_saw_quote(r));
  free(o.out);
  csvin_close(r);
  /* No quote anywhere: none seen, however it was read. */
  size_t cap = 200000, len = 0;
  char *big = malloc(cap);
  for (int i = 0; len + 20 < cap; i++)
    len += (size_t)sprintf(big + len, i % 1000 == 7 ? "%d,caf\xC3\xA9\n" : "%d,%d\n", i, i);
  char err[256];
  assert_int_equal(csvin_open_mem(&r, "t.csv", big, len, err, sizeof err), 0);
  free(scan_dump(r, 0));
  assert_false(csvin_saw_quote(r));
  csvin_close(r);
  /* One quote deep in a long plain file is seen. */
  big[len - 5] = '"';
  assert_int_equal(csvin_open_mem(&r, "t.csv", big, len, err, sizeof err), 0);
  free(scan_dump(r, 0));
  assert_true(csvin_saw_quote(r));
  csvin_close(r);
  free(big);
}

/* Where a piece may start: after a line that holds a record, not after
 * blank lines or lines of blanks (a reader would read on through them). */
static void test_cut_after(void **state) {
  (void)state;
  const char *s = "x,y\n1,2\n\n \t\r\n3,4\r\n5,6\n";
  size_t len = strlen(s); /* 22: the lines end at 3, 7, 8, 12, 17 and 21 */
  assert_int_equal(csvin_cut_after(s, len, 0, 0), 4);  /* after the header */
  assert_int_equal(csvin_cut_after(s, len, 5, 0), 8);  /* after "1,2" */
  assert_int_equal(csvin_cut_after(s, len, 8, 0), 18); /* past the blank ones, after "3,4" */
  assert_int_equal(csvin_cut_after(s, len, 18, 0), 0); /* only the end is left */
  /* Nothing before byte 7 is looked at: "1,2" is not seen, and the first
   * place is after "3,4". */
  assert_int_equal(csvin_cut_after(s, len, 4, 7), 18);
  assert_int_equal(csvin_cut_after("1,2", 3, 0, 0), 0); /* no line feed */
}

static void test_count_lines(void **state) {
  (void)state;
  size_t lone;
  assert_int_equal(csvin_count_lines("", 0, &lone), 0);
  assert_int_equal(lone, 0);
  const char *t = "a\r\nb\rc\n\n\r";
  assert_int_equal(csvin_count_lines(t, strlen(t), &lone), 3);
  assert_int_equal(lone, 2); /* after b, and the last byte */
  /* Past the sixteen-byte steps and the 255-step counters. */
  char *big = malloc(100000);
  for (size_t i = 0; i < 100000; i++)
    big[i] = i % 10 == 9 ? '\n' : i % 1000 == 500 ? '\r' : 'x';
  assert_int_equal(csvin_count_lines(big, 100000, &lone), 10000);
  assert_int_equal(lone, 100);
  free(big);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_simple_lf_and_crlf),
      cmocka_unit_test(test_quoted_fields_and_lines),
      cmocka_unit_test(test_header_index),
      cmocka_unit_test(test_stray_quote_reports_line_and_recovers),
      cmocka_unit_test(test_unterminated_quote),
      cmocka_unit_test(test_invalid_utf8),
      cmocka_unit_test(test_field_too_long),
      cmocka_unit_test(test_bare_carriage_return),
      cmocka_unit_test(test_empty_input),
      cmocka_unit_test(test_open_missing_file),
      cmocka_unit_test(test_file_across_blocks),
      cmocka_unit_test(test_first_line_numbers_a_piece),
      cmocka_unit_test(test_first_line_after_counts_the_lines_before),
      cmocka_unit_test(test_first_line_keeps_a_byte_order_mark),
      cmocka_unit_test(test_pieces_read_as_the_whole),
      cmocka_unit_test(test_stopped_after_a_record_too_long),
      cmocka_unit_test(test_utf8_checked_past_an_ascii_start),
      cmocka_unit_test(test_memory_line_longer_than_a_block),
      cmocka_unit_test(test_scan_reads_as_next),
      cmocka_unit_test_setup_teardown(test_scan_reads_as_next, sink_direct, sink_through_end),
      cmocka_unit_test(test_scan_stop_then_next),
      cmocka_unit_test_setup_teardown(test_scan_stop_then_next, sink_direct, sink_through_end),
      cmocka_unit_test(test_scan_after_a_bare_cr),
      cmocka_unit_test_setup_teardown(test_scan_after_a_bare_cr, sink_direct, sink_through_end),
      cmocka_unit_test(test_scan_random_documents),
      cmocka_unit_test_setup_teardown(test_scan_random_documents, sink_direct, sink_through_end),
      cmocka_unit_test(test_scan_spaces_at_a_stretch_end),
      cmocka_unit_test_setup_teardown(test_scan_spaces_at_a_stretch_end, sink_direct,
                                      sink_through_end),
      cmocka_unit_test(test_pause_and_quotes),
      cmocka_unit_test_setup_teardown(test_pause_and_quotes, sink_direct, sink_through_end),
      cmocka_unit_test(test_cut_after),
      cmocka_unit_test(test_count_lines),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
