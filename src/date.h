/* Calendar dates: the proleptic Gregorian calendar, days counted from
 * 1970-01-01, and the ISO 8601 text YYYY-MM-DD. */
#ifndef CLEVAL_DATE_H
#define CLEVAL_DATE_H

#include <stdbool.h>
#include <stdint.h>

/* Whether year-month-day names a real date (Feb 29 only in leap years). */
bool date_valid(int year, int month, int day);

/* The day number of a date (1970-01-01 is 0). */
int date_days(int year, int month, int day);

/* The ISO date (YYYY-MM-DD) of a day number into buf (at least 16 bytes). */
void date_format(int days, char *buf);

/* Whether s is exactly a real date written YYYY-MM-DD; then its parts. */
bool date_parse(const char *s, int *year, int *month, int *day);

/* ISO 8601: YYYY-MM-DD, and when allow_time also YYYY-MM-DDThh:mm[:ss[.f]]
 * with an optional Z or +hh:mm (a space may stand for the T). *when gets
 * milliseconds since 1970 in UTC (a date: its midnight). Returns 0, or 1
 * when the text has the wrong shape, 2 when it names no real date or time. */
int date_parse_when(const char *s, bool allow_time, int64_t *when);

#endif
