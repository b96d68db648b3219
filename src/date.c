/* Calendar dates (see date.h), after H. Hinnant's days_from_civil and
 * civil_from_days. */
#include "date.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

bool date_valid(int y, int m, int d) {
  static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m >= 1 && m <= 12 && d >= 1 && d <= mdays[m - 1] + (m == 2 && leap);
}

int date_days(int y, int m, int d) {
  y -= m <= 2;
  int era = (y >= 0 ? y : y - 399) / 400;
  int yoe = y - era * 400;
  int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/* Writes v's last n decimal digits at p (zero-padded); returns p + n. A
 * hand-written %0Nu: snprintf was 7 % of importing enrolments (issue 19). */
static char *put_digits(char *p, unsigned v, int n) {
  for (int i = n - 1; i >= 0; i--) {
    p[i] = (char)('0' + v % 10);
    v /= 10;
  }
  return p + n;
}

void date_format(int z, char *buf) {
  z += 719468;
  int era = (z >= 0 ? z : z - 146096) / 146097;
  int doe = z - era * 146097;
  int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int y = yoe + era * 400;
  int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int mp = (5 * doy + 2) / 153;
  int d = doy - (153 * mp + 2) / 5 + 1;
  int m = mp + (mp < 10 ? 3 : -9);
  y += m <= 2;
  char *p = put_digits(buf, (unsigned)y % 10000u, 4);
  *p++ = '-';
  p = put_digits(p, (unsigned)m % 100u, 2);
  *p++ = '-';
  *put_digits(p, (unsigned)d % 100u, 2) = '\0';
}

bool date_parse(const char *s, int *year, int *month, int *day) {
  if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
    return false;
  int v[3] = {0, 0, 0}, k = 0;
  for (int i = 0; i < 10; i++) {
    if (i == 4 || i == 7) {
      k++;
      continue;
    }
    if (s[i] < '0' || s[i] > '9')
      return false;
    v[k] = v[k] * 10 + (s[i] - '0');
  }
  if (!date_valid(v[0], v[1], v[2]))
    return false;
  *year = v[0];
  *month = v[1];
  *day = v[2];
  return true;
}

static int digits_at(const char *s, int n) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

/* Reads a number of 1 to max digits at *p, advancing it; -1 when none. */
static int number_at(const char **p, int max) {
  int v = 0, n = 0;
  while (n < max && (*p)[n] >= '0' && (*p)[n] <= '9') {
    v = v * 10 + ((*p)[n] - '0');
    n++;
  }
  if (!n)
    return -1;
  *p += n;
  return v;
}

/* The time part at p (after the date and its separator): H[H]:MM[:SS[.f]]
 * with, when zone, an optional Z or offset. Adds it to *ms. 0, 1 (shape),
 * 2 (no such time); *plain false when it had a zone or a one-digit hour. */
static int time_at(const char *p, bool zone, int64_t *ms, int *hms, bool *plain) {
  const char *start = p;
  int hh = number_at(&p, 2);
  if (hh < 0 || *p != ':')
    return 1;
  if (p - start == 1)
    *plain = false;
  p++;
  const char *m0 = p;
  int mm = number_at(&p, 2), ss = 0, frac = 0;
  if (mm < 0 || p - m0 != 2)
    return 1;
  if (*p == ':') {
    p++;
    const char *s0 = p;
    ss = number_at(&p, 2);
    if (ss < 0 || p - s0 != 2)
      return 1;
    if (*p == '.' || *p == ',') {
      p++;
      size_t n = strspn(p, "0123456789");
      if (!n)
        return 1;
      for (size_t k = 0; k < 3; k++)
        frac = frac * 10 + (k < n ? p[k] - '0' : 0);
      p += n;
    }
  }
  /* A 12-hour clock, as US-style exports write it ("1:05:31 PM"); only
   * after a slashed date (no zone). */
  if (!zone && (*p == ' ' || *p == 'A' || *p == 'a' || *p == 'P' || *p == 'p')) {
    const char *q = *p == ' ' ? p + 1 : p;
    bool pm = *q == 'P' || *q == 'p';
    if ((*q != 'A' && *q != 'a' && !pm) || (q[1] != 'M' && q[1] != 'm') || q[2])
      return 1;
    if (hh < 1 || hh > 12)
      return 2;
    hh = hh % 12 + (pm ? 12 : 0);
    p = q + 2;
  }
  if (hh > 23 || mm > 59 || ss > 59)
    return 2;
  int64_t offset = 0;
  if (zone && *p == 'Z') {
    p++; /* UTC already: stored as written */
  } else if (zone && (*p == '+' || *p == '-')) {
    int sign = *p == '-' ? -1 : 1;
    p++;
    const char *o0 = p;
    int oh = number_at(&p, 2), om = 0;
    if (oh < 0 || p - o0 != 2)
      return 1;
    if (*p == ':')
      p++;
    if (*p) {
      const char *q0 = p;
      om = number_at(&p, 2);
      if (om < 0 || p - q0 != 2)
        return 1;
    }
    if (oh > 14 || om > 59)
      return 2;
    offset = sign * ((int64_t)oh * 60 + om) * 60000;
    *plain = false;
  }
  if (*p)
    return 1;
  *ms += ((int64_t)hh * 3600 + mm * 60 + ss) * 1000 + frac - offset;
  hms[0] = hh;
  hms[1] = mm;
  hms[2] = ss;
  return 0;
}

/* ISO 8601 at s: YYYY-MM-DD, then when allow_time a T or space and a time
 * (time_at, with a zone). 0, 1 (shape), 2 (no such date or time). */
static int iso_at(const char *s, bool allow_time, int64_t *when, bool *plain, bool *has_time) {
  if (strlen(s) < 10 || s[4] != '-' || s[7] != '-')
    return 1;
  int y = digits_at(s, 4), m = digits_at(s + 5, 2), d = digits_at(s + 8, 2);
  if (y < 0 || m < 0 || d < 0)
    return 1;
  if (!date_valid(y, m, d))
    return 2;
  int64_t ms = (int64_t)date_days(y, m, d) * 86400000;
  const char *p = s + 10;
  *has_time = *p != '\0';
  if (*p) {
    if (!allow_time || (*p != 'T' && *p != ' '))
      return 1;
    int hms[3];
    int rc = time_at(p + 1, true, &ms, hms, plain);
    if (rc)
      return rc;
  }
  *when = ms;
  return 0;
}

int date_parse_when(const char *s, bool allow_time, int64_t *when) {
  bool plain = true, has_time;
  return iso_at(s, allow_time, when, &plain, &has_time);
}

/* The ISO text of ms (UTC): a date, or a date and time to the second. */
static void format_ms(int64_t ms, bool time, char *iso) {
  int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
  int64_t rest = ms - days * 86400000;
  date_format((int)days, iso);
  if (time) {
    char *p = iso + 10;
    *p++ = 'T';
    p = put_digits(p, (unsigned)(rest / 3600000), 2);
    *p++ = ':';
    p = put_digits(p, (unsigned)(rest / 60000 % 60), 2);
    *p++ = ':';
    *put_digits(p, (unsigned)(rest / 1000 % 60), 2) = '\0';
  }
}

int date_read(const char *s, bool allow_time, int order, int64_t *when, char *iso, bool *plain,
              char *note, size_t notelen) {
  *plain = true;
  if (note && notelen)
    note[0] = '\0';
  const char *slash = strchr(s, '/');
  if (!slash) {
    bool has_time;
    int rc = iso_at(s, allow_time, when, plain, &has_time);
    if (rc == 0)
      format_ms(*when, has_time, iso);
    return rc;
  }
  /* D/M/YYYY or M/D/YYYY, with an optional H[H]:MM[:SS] (no zone). */
  const char *p = s, *a0 = p;
  int a = number_at(&p, 2);
  if (a < 0 || *p != '/')
    return 1;
  p++;
  int b = number_at(&p, 2);
  if (b < 0 || *p != '/' || p - a0 < 3)
    return 1;
  p++;
  const char *y0 = p;
  int y = number_at(&p, 4);
  if (y < 0 || p - y0 != 4)
    return 1;
  bool has_time = *p != '\0';
  if (has_time && (!allow_time || *p != ' '))
    return 1;
  *plain = false;
  int d = order == DATE_MDY ? b : a, m = order == DATE_MDY ? a : b;
  int d2 = order == DATE_MDY ? a : b, m2 = order == DATE_MDY ? b : a;
  if (!date_valid(y, m, d)) {
    bool other = date_valid(y, m2, d2);
    if (note && notelen) {
      char iso2[16];
      if (other)
        date_format(date_days(y, m2, d2), iso2);
      snprintf(note, notelen,
               "read %s it is day %d of month %d, which does not exist; read %s it %s%s%s",
               order == DATE_MDY ? "month first" : "day first", d, m,
               order == DATE_MDY ? "day first" : "month first", other ? "would be " : "is day ",
               other ? iso2 : "", "");
      if (!other) {
        size_t n = strlen(note);
        snprintf(note + n, notelen - n, "%d of month %d, which does not exist either", d2, m2);
      }
    }
    return other ? 3 : 4;
  }
  int64_t ms = (int64_t)date_days(y, m, d) * 86400000;
  int hms[3];
  if (has_time) {
    bool ignored = true;
    int rc = time_at(p + 1, false, &ms, hms, &ignored);
    if (rc)
      return rc;
  }
  *when = ms;
  format_ms(ms, has_time, iso);
  return 0;
}

void date_hint(const char *s, char *hint, size_t len) {
  hint[0] = '\0';
  size_t n = strspn(s, "0123456789");
  /* Excel writes a date cell formatted as a number as its serial day
   * (1 = 1900-01-01, counting Lotus's 29 February 1900). */
  if (n == 5 && !s[n]) {
    int serial = digits_at(s, 5);
    if (serial >= 20000 && serial <= 80000) {
      char iso[16];
      date_format(date_days(1899, 12, 30) + serial, iso);
      snprintf(hint, len,
               "; it looks like a spreadsheet's day number (%s): format the column as a date "
               "before saving",
               iso);
    }
    return;
  }
  /* D/M/YY: a short date format dropped the century. */
  const char *p = s;
  if (number_at(&p, 2) >= 0 && *p == '/' && (p++, number_at(&p, 2) >= 0) && *p == '/') {
    const char *y0 = ++p;
    if (number_at(&p, 4) >= 0 && p - y0 == 2 && (!*p || *p == ' '))
      snprintf(hint, len,
               "; the year has two digits: write it in full (a spreadsheet's date format "
               "dd/mm/yyyy)");
  }
}

void date_utc_day(const char *stored, char out[11]) {
  size_t n = strlen(stored);
  int64_t when;
  if (n > 10 && strpbrk(stored + 10, "+-") && date_parse_when(stored, true, &when) == 0) {
    int64_t day = when / 86400000 - (when % 86400000 < 0);
    char buf[16];
    date_format((int)day, buf);
    memcpy(out, buf, 10);
    out[10] = '\0';
    return;
  }
  if (n > 10)
    n = 10;
  memcpy(out, stored, n);
  out[n] = '\0';
}
