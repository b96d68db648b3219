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
  snprintf(buf, 16, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)d % 100u);
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

int date_parse_when(const char *s, bool allow_time, int64_t *when) {
  if (strlen(s) < 10 || s[4] != '-' || s[7] != '-')
    return 1;
  int y = digits_at(s, 4), m = digits_at(s + 5, 2), d = digits_at(s + 8, 2);
  if (y < 0 || m < 0 || d < 0)
    return 1;
  if (!date_valid(y, m, d))
    return 2;
  int64_t ms = (int64_t)date_days(y, m, d) * 86400000;
  const char *p = s + 10;
  if (*p) {
    if (!allow_time || (*p != 'T' && *p != ' '))
      return 1;
    p++;
    int hh = digits_at(p, 2), mm = p[2] == ':' ? digits_at(p + 3, 2) : -1, ss = 0;
    if (hh < 0 || mm < 0)
      return 1;
    p += 5;
    int frac = 0;
    if (*p == ':') {
      ss = digits_at(p + 1, 2);
      if (ss < 0)
        return 1;
      p += 3;
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
    if (hh > 23 || mm > 59 || ss > 59)
      return 2;
    int64_t offset = 0;
    if (*p == 'Z') {
      p++;
    } else if (*p == '+' || *p == '-') {
      int sign = *p == '-' ? -1 : 1;
      int oh = digits_at(p + 1, 2), om;
      if (oh < 0)
        return 1;
      if (p[3] == ':') {
        om = digits_at(p + 4, 2);
        p += 6;
      } else {
        om = digits_at(p + 3, 2);
        p += 5;
      }
      if (om < 0)
        return 1;
      if (oh > 14 || om > 59)
        return 2;
      offset = sign * ((int64_t)oh * 60 + om) * 60000;
    }
    if (*p)
      return 1;
    ms += ((int64_t)hh * 3600 + mm * 60 + ss) * 1000 + frac - offset;
  }
  *when = ms;
  return 0;
}
