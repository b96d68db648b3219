/* Streaming CSV reading (RFC 4180, through libcsv) that knows where each
 * record came from: file, line and column, so that every error can name
 * them. Memory is bounded by the longest record, whatever the file size.
 * Accepts UTF-8 with or without a byte order mark, CRLF or LF line ends,
 * quoted fields holding commas, quotes and newlines. Invalid UTF-8, an
 * unterminated quote, a stray quote and a field longer than the limit are
 * errors. */
#ifndef CLEVAL_CSVIN_H
#define CLEVAL_CSVIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct csvin csvin;

/* Longest field accepted, in bytes. */
#define CSVIN_MAX_FIELD (1024 * 1024)

/* Opens path for reading; "-" reads standard input. On failure returns -1
 * with a message in err and *out set to NULL. Close with csvin_close(). */
int csvin_open(csvin **out, const char *path, char *err, size_t errlen);

/* Reads from a memory buffer (not copied; must outlive the reader); name is
 * used in messages. */
int csvin_open_mem(csvin **out, const char *name, const char *data, size_t len, char *err,
                   size_t errlen);

/* For a reader on a piece of a file that starts on line `line` (1-based),
 * just after a line feed: numbers lines from there, and takes the piece as
 * the continuation of the file, so a byte order mark at its start is data.
 * Call before the first csvin_next. Memory readers on pieces of a file give
 * the records and messages of one on the whole, in the same order, when
 * each piece starts where that one returns from csvin_next: outside quotes,
 * after a line that completes a record (not after blank lines, which that
 * one reads on through). */
void csvin_set_first_line(csvin *r, long line);
/* The same, for a piece that starts on line `line` plus the line feeds in
 * before[0..n) (the text between, which must outlive the reader): those
 * are counted only when a line number is first wanted, so a piece without
 * a problem never counts them. */
void csvin_set_first_line_after(csvin *r, long line, const char *before, size_t n);

/* Reads the next record. Returns 1 when a record was read, 0 at the end of
 * the input, -1 on a malformed record with "FILE:LINE:COLUMN: what" in err.
 * After an error the reader skips to the next line, so a caller may go on
 * collecting problems. Fields stay valid until the next call. */
int csvin_next(csvin *r, char *err, size_t errlen);

size_t csvin_nfields(const csvin *r);
/* Field i (0-based) of the current record, NUL-terminated. */
const char *csvin_field(const csvin *r, size_t i);
size_t csvin_field_len(const csvin *r, size_t i);
/* Line (1-based) where the current record starts. */
long csvin_line(const csvin *r);
/* Whether reading stopped for good (a read error, a record longer than the
 * limit): csvin_next returns 0 from then on, the rest of the input unread. */
bool csvin_stopped(const csvin *r);
const char *csvin_name(const csvin *r);
/* Bytes consumed so far, and the input's total size (0 when unknown, as for
 * a pipe): for progress display. */
uint64_t csvin_bytes_read(const csvin *r);
uint64_t csvin_total_bytes(const csvin *r);

/* What csvin_scan hands the records to: field() gets each field of a
 * record in turn (the field, NUL-terminated, valid only during the call;
 * its length; ctx), then end() the record's problem as csvin_next's err
 * would hold it (then no field was handed over) or NULL. end() returns
 * true to stop after this record. During end(), csvin_line is the
 * record's line; csvin_field and csvin_nfields are not to be used. */
typedef struct csvin_sink {
  void (*field)(void *data, size_t len, void *ctx);
  bool (*end)(const char *problem, void *ctx);
  void *ctx;
  /* Optional, for speed: with record set, libcsv itself calls field and
   * record (with ctx) for the records of plain stretches, which never have
   * a problem, saving a call for each; end() is not called for them.
   * record() takes the record as end(NULL, ctx) would (csvin_line is its
   * line), then, to go on, adds one to *records. To stop after it, it sets
   * *stop instead: libcsv still hands over the rest of the stretch, which
   * record() ignores while *stop is set and field() may leave half-taken
   * (csvin_scan clears *stop before it returns 1). */
  void (*record)(int c, void *ctx);
  size_t *records;
  bool *stop;
} csvin_sink;

/* Reads the records that are left into sink: the same records, problems
 * and lines as calling csvin_next until it returns 0, but stretches of
 * plain lines (ASCII, no quote, no bare carriage return) go to libcsv
 * whole, which is much faster. Returns 0 at the end of the input; 1 when
 * end() asked to stop, the reader then just past that record, as
 * csvin_next would leave it. */
int csvin_scan(csvin *r, const csvin_sink *sink);

/* Where a piece of s[0..len) may start, at or after `at`: just past a line
 * feed that ends a line with more than blanks on it (spaces, tabs, carriage
 * returns), looking back to s[floor] at most. A reader on the whole returns
 * there, a record read, and a reader on the rest takes up from there as it
 * would (unless a quoted field runs across it). 0 when there is no such
 * place before the end. A byte order mark at s[0], which a reader drops,
 * is to be kept out with floor (as past a header it is). */
size_t csvin_cut_after(const char *s, size_t len, size_t at, size_t floor);

/* For reading the first piece of a larger input: csvin_scan returns 0 once
 * n bytes have been read, as if the input ended there, with nothing
 * flushed. n must be a place csvin_cut_after gives; the reader stops there
 * exactly unless a quoted field runs on past it. csvin_pause_at(r, 0)
 * lifts the pause, and csvin_scan goes on. */
void csvin_pause_at(csvin *r, uint64_t n);

/* Whether a '"' was among the bytes csvin_scan has read: then a piece of a
 * larger input may have a quoted field that runs on past its end. */
bool csvin_saw_quote(const csvin *r);

/* The line feeds in s[0..n), and in *lone the carriage returns not
 * followed by one (old Mac line ends). */
size_t csvin_count_lines(const char *s, size_t n, size_t *lone);

/* Closes the reader; csvin_close(NULL) does nothing. */
void csvin_close(csvin *r);

/* Header lookup: the index of the column named name in the header record
 * hdr (exact match after trimming spaces), or -1. */
int csvin_header_index(const csvin *hdr, const char *name);

#endif
