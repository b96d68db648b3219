/* Calendar dates: the proleptic Gregorian calendar, days counted from
 * 1970-01-01, and the ISO 8601 text YYYY-MM-DD. */
#ifndef CLEVAL_DATE_H
#define CLEVAL_DATE_H

#include <stdbool.h>
#include <stddef.h>
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

/* The UTC date (YYYY-MM-DD) of a stored date or time into out: a time
 * with an offset is moved to UTC first (23:30-02:00 is the next day);
 * anything else is its first ten characters. Every rule that compares
 * stored dates by day (a return's window, a hub joined by a start date)
 * reads them through this. */
void date_utc_day(const char *stored, char out[11]);

/* The order of day and month in a date written with slashes. */
enum { DATE_DMY, DATE_MDY };
#define DATE_ISO_MAX 32

/* Reads a date (with allow_time, a date and time) as survey platforms and
 * spreadsheets write it: ISO 8601 (YYYY-MM-DD, then T or a space, H[H]:MM,
 * optional :SS[.f], optional Z or +hh[:mm] / -hh[:mm], normalised to UTC),
 * or D/M/YYYY [H[H]:MM[:SS][ AM|PM]] with day and month in the given order
 * (DATE_DMY, DATE_MDY; one or two digits each). On success returns 0 with
 * *when (ms since 1970 UTC), iso (DATE_ISO_MAX bytes: YYYY-MM-DD, or
 * YYYY-MM-DDThh:mm:ss in UTC) and *plain (true when s is ISO already as
 * it would be stored: no zone, two-digit hour). Otherwise 1 (not a date's
 * shape), 2 (no such date or time), 3 (a slashed date that does not exist
 * in order but does in the other), 4 (one that exists in neither); for 3
 * and 4 note (if not NULL) says both readings. */
int date_read(const char *s, bool allow_time, int order, int64_t *when, char *iso, bool *plain,
              char *note, size_t notelen);

/* A hint for a text date_read refused, beginning "; " (else ""): an Excel
 * serial day number, or a year of two digits. */
void date_hint(const char *s, char *hint, size_t len);

#endif
