/* Tests for calendar dates: leap years, the shape of YYYY-MM-DD, and day
 * numbers that round-trip through their text. */
#include "testutil.h"

#include "date.h"

static void test_valid_leap_years(void **state) {
  (void)state;
  assert_true(date_valid(2024, 2, 29));
  assert_true(date_valid(2000, 2, 29));  /* divisible by 400 */
  assert_false(date_valid(1900, 2, 29)); /* by 100, not 400 */
  assert_false(date_valid(2023, 2, 29));
  assert_true(date_valid(2023, 12, 31));
  assert_false(date_valid(2023, 4, 31));
  assert_false(date_valid(2023, 13, 1));
  assert_false(date_valid(2023, 0, 1));
  assert_false(date_valid(2023, 1, 0));
}

static void test_parse(void **state) {
  (void)state;
  int y, m, d;
  assert_true(date_parse("2021-03-31", &y, &m, &d));
  assert_int_equal(y, 2021);
  assert_int_equal(m, 3);
  assert_int_equal(d, 31);
  const char *bad[] = {"2021-3-31", "2021-03-31T00:00", "2021/03/31", "2021-02-29", "2021-0a-01",
                       "",          "2021-03-3 "};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    assert_false(date_parse(bad[i], &y, &m, &d));
}

static void test_days_round_trip(void **state) {
  (void)state;
  assert_int_equal(date_days(1970, 1, 1), 0);
  assert_int_equal(date_days(2000, 3, 1) - date_days(2000, 2, 28), 2);
  assert_int_equal(date_days(1969, 12, 31), -1);
  char buf[16];
  int y, m, d;
  for (int z = date_days(1899, 12, 25); z <= date_days(2101, 1, 5); z += 37) {
    date_format(z, buf);
    assert_true(date_parse(buf, &y, &m, &d));
    assert_int_equal(date_days(y, m, d), z);
  }
}

/* date_format and date_read's ISO text, written digit by digit, are what
 * snprintf's "%04u-%02u-%02u" and "T%02d:%02d:%02d" wrote: every day from
 * year 0 to 9999 (and years past 9999 and before 0, which print modulo
 * 10,000 as before), and times across a day (a second every 7 s). */
static void test_format_as_printf(void **state) {
  (void)state;
  char buf[16], want[48];
  for (int y = -2; y <= 10001; y++)
    for (int m = 1; m <= 12; m++)
      for (int d = 1; d <= 31; d++) {
        if (!date_valid(y, m, d))
          continue;
        date_format(date_days(y, m, d), buf);
        snprintf(want, sizeof want, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
                 (unsigned)d % 100u);
        assert_string_equal(buf, want);
      }
  char iso[DATE_ISO_MAX], note[256], in[48];
  bool plain;
  int64_t ms;
  for (int t = 0; t < 86400; t += 7) {
    snprintf(in, sizeof in, "2019-03-01 %d:%02d:%02d", t / 3600, t / 60 % 60, t % 60);
    assert_int_equal(date_read(in, true, DATE_DMY, &ms, iso, &plain, note, sizeof note), 0);
    snprintf(want, sizeof want, "2019-03-01T%02d:%02d:%02d", t / 3600, t / 60 % 60, t % 60);
    assert_string_equal(iso, want);
  }
}

/* Dates and times as import reads them: milliseconds since 1970 in UTC. */
static void test_parse_when(void **state) {
  (void)state;
  int64_t ms;
  assert_int_equal(date_parse_when("1970-01-02", false, &ms), 0);
  assert_int_equal(ms, 86400000);
  assert_int_equal(date_parse_when("1970-01-01T01:02:03", true, &ms), 0);
  assert_int_equal(ms, 3723000);
  assert_int_equal(date_parse_when("1970-01-01 01:02:03.5+01:00", true, &ms), 0);
  assert_int_equal(ms, 123500);
  assert_int_equal(date_parse_when("1970-01-01T01:02Z", true, &ms), 0);
  assert_int_equal(ms, 3720000);
  assert_int_equal(date_parse_when("1970-01-01T01:02", false, &ms), 1);
  assert_int_equal(date_parse_when("2021-02-29", false, &ms), 2);
  assert_int_equal(date_parse_when("2021-02-01T24:00", true, &ms), 2);
  assert_int_equal(date_parse_when("2021/02/01", true, &ms), 1);
}

/* Dates as exports write them: ISO with one-digit hours and zones, and
 * slashed dates in either order, refused naming both readings. */
static void test_read(void **state) {
  (void)state;
  int64_t ms;
  char iso[DATE_ISO_MAX], note[256];
  bool plain;
  assert_int_equal(date_read("23/09/2019", true, DATE_DMY, &ms, iso, &plain, note, sizeof note), 0);
  assert_string_equal(iso, "2019-09-23");
  assert_false(plain);
  assert_int_equal(ms, (int64_t)date_days(2019, 9, 23) * 86400000);
  assert_int_equal(date_read("9/9/2018 13:05", true, DATE_DMY, &ms, iso, &plain, note, sizeof note),
                   0);
  assert_string_equal(iso, "2018-09-09T13:05:00");
  assert_int_equal(
      date_read("2018-09-10 9:05", true, DATE_DMY, &ms, iso, &plain, note, sizeof note), 0);
  assert_string_equal(iso, "2018-09-10T09:05:00");
  assert_false(plain);
  assert_int_equal(
      date_read("2018-09-10T09:05:07", true, DATE_DMY, &ms, iso, &plain, note, sizeof note), 0);
  assert_true(plain);
  /* An offset is normalised to UTC, across midnight. */
  assert_int_equal(
      date_read("2019-03-01T00:30+01:00", true, DATE_DMY, &ms, iso, &plain, note, sizeof note), 0);
  assert_string_equal(iso, "2019-02-28T23:30:00");
  assert_int_equal(
      date_read("2019-03-01T00:30Z", true, DATE_DMY, &ms, iso, &plain, note, sizeof note), 0);
  assert_string_equal(iso, "2019-03-01T00:30:00");
  assert_true(plain); /* UTC already: kept as written */
  assert_int_equal(date_read("09/23/2021", false, DATE_MDY, &ms, iso, &plain, note, sizeof note),
                   0);
  assert_string_equal(iso, "2021-09-23");
  assert_int_equal(date_read("09/23/2021", false, DATE_DMY, &ms, iso, &plain, note, sizeof note),
                   3);
  assert_non_null(strstr(note, "2021-09-23"));
  assert_int_equal(date_read("31/13/2021", false, DATE_DMY, &ms, iso, &plain, note, sizeof note),
                   4);
  assert_non_null(strstr(note, "day 31 of month 13"));
  assert_non_null(strstr(note, "day 13 of month 31"));
  assert_int_equal(date_read("23/09/2019 10:00", false, DATE_DMY, &ms, iso, &plain, NULL, 0), 1);
  assert_int_equal(date_read("23/09/19", false, DATE_DMY, &ms, iso, &plain, NULL, 0), 1);
  assert_int_equal(date_read("2019-09-23 25:00", true, DATE_DMY, &ms, iso, &plain, NULL, 0), 2);
  assert_int_equal(date_read("01.09.2019", true, DATE_DMY, &ms, iso, &plain, NULL, 0), 1);
}

/* A 12-hour clock after a slashed date, as US-style exports write it. */
static void test_read_twelve_hour(void **state) {
  (void)state;
  int64_t ms;
  char iso[DATE_ISO_MAX];
  bool plain;
  assert_int_equal(date_read("09/23/2019 01:05:31 PM", true, DATE_MDY, &ms, iso, &plain, NULL, 0),
                   0);
  assert_string_equal(iso, "2019-09-23T13:05:31");
  assert_int_equal(date_read("23/09/2019 1:05pm", true, DATE_DMY, &ms, iso, &plain, NULL, 0), 0);
  assert_string_equal(iso, "2019-09-23T13:05:00");
  assert_int_equal(date_read("23/09/2019 12:05 AM", true, DATE_DMY, &ms, iso, &plain, NULL, 0), 0);
  assert_string_equal(iso, "2019-09-23T00:05:00");
  assert_int_equal(date_read("23/09/2019 12:05 PM", true, DATE_DMY, &ms, iso, &plain, NULL, 0), 0);
  assert_string_equal(iso, "2019-09-23T12:05:00");
  assert_int_equal(date_read("23/09/2019 13:05 PM", true, DATE_DMY, &ms, iso, &plain, NULL, 0), 2);
  assert_int_equal(date_read("23/09/2019 0:05 AM", true, DATE_DMY, &ms, iso, &plain, NULL, 0), 2);
  assert_int_equal(date_read("23/09/2019 1:05 PMX", true, DATE_DMY, &ms, iso, &plain, NULL, 0), 1);
  assert_int_equal(date_read("23/09/2019 1:05 ", true, DATE_DMY, &ms, iso, &plain, NULL, 0), 1);
  /* Not after an ISO date: there a space is no part of the time. */
  assert_int_equal(date_read("2019-09-23 1:05 PM", true, DATE_DMY, &ms, iso, &plain, NULL, 0), 1);
}

/* Hints for what spreadsheets write instead of a date. 43731 is Excel's
 * serial day for 2019-09-23 (=DATE(2019,9,23) in Excel or LibreOffice). */
static void test_hint(void **state) {
  (void)state;
  char hint[160];
  date_hint("43731", hint, sizeof hint);
  assert_non_null(strstr(hint, "day number (2019-09-23)"));
  date_hint("23/09/19", hint, sizeof hint);
  assert_non_null(strstr(hint, "two digits"));
  date_hint("9/23/19 1:05", hint, sizeof hint);
  assert_non_null(strstr(hint, "two digits"));
  date_hint("12345", hint, sizeof hint); /* 1933: not a plausible serial here */
  assert_string_equal(hint, "");
  date_hint("437310", hint, sizeof hint);
  assert_string_equal(hint, "");
  date_hint("23/09/2019x", hint, sizeof hint);
  assert_string_equal(hint, "");
}

/* The UTC day of a stored date or time: an offset moves it, a plain date
 * or a time without an offset is its first ten characters. */
static void test_utc_day(void **state) {
  (void)state;
  static const char *const cases[][2] = {
      {"2019-01-01", "2019-01-01"},
      {"2019-01-01T23:30:00", "2019-01-01"},
      {"2019-01-01T23:30:00Z", "2019-01-01"},
      {"2019-01-01T23:30:00-02:00", "2019-01-02"},
      {"2019-01-02T01:00:00+02:00", "2019-01-01"},
      {"2020-12-31T23:00:00-01:00", "2021-01-01"},
      {"1969-12-31T23:00:00-02:00", "1970-01-01"},
      {"", ""},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char out[11];
    date_utc_day(cases[i][0], out);
    if (strcmp(out, cases[i][1]) != 0)
      fail_msg("date_utc_day(\"%s\") = %s, want %s", cases[i][0], out, cases[i][1]);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_utc_day),
      cmocka_unit_test(test_valid_leap_years),
      cmocka_unit_test(test_parse),
      cmocka_unit_test(test_parse_when),
      cmocka_unit_test(test_read),
      cmocka_unit_test(test_days_round_trip),
      cmocka_unit_test(test_format_as_printf),
      cmocka_unit_test(test_read_twelve_hour),
      cmocka_unit_test(test_hint),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
