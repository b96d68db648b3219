/* Tests for the streaming CSV reader: positions, quoting, encodings and
 * every kind of malformed input. */
#include "testutil.h"

#include "csvin.h"

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

static void test_byte_order_mark_dropped(void **state) {
  (void)state;
  /* At the start of the input a byte order mark is dropped. */
  const char *text = "\xEF\xBB\xBF"
                     "1,2\n";
  csvin *r = open_text(text);
  char err[256];
  assert_int_equal(csvin_next(r, err, sizeof err), 1);
  assert_string_equal(csvin_field(r, 0), "1");
  csvin_close(r);
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
      cmocka_unit_test(test_byte_order_mark_dropped),
      cmocka_unit_test(test_stopped_after_a_record_too_long),
      cmocka_unit_test(test_utf8_checked_past_an_ascii_start),
      cmocka_unit_test(test_memory_line_longer_than_a_block),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
