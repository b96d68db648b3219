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
#include <stdio.h>

typedef struct csvin csvin;

/* Longest field accepted, in bytes. */
#define CSVIN_MAX_FIELD (1024 * 1024)

/* Opens path for reading; "-" reads standard input. On failure returns -1
 * with a message in err and *out set to NULL. Close with csvin_close(). */
int csvin_open(csvin **out, const char *path, char *err, size_t errlen);

/* Reads from an open stream f (standard input, a pipe, a temporary file);
 * name is used in messages. With owns, csvin_close() closes f. */
int csvin_open_stream(csvin **out, FILE *f, const char *name, bool owns, char *err,
                      size_t errlen);

/* Every byte read from the input, as it is read (the byte order mark
 * included), is passed to fn: to hash or copy exactly what is parsed.
 * Set it before the first csvin_next(). */
typedef void csvin_tap_fn(const char *data, size_t len, void *ctx);
void csvin_set_tap(csvin *r, csvin_tap_fn *fn, void *ctx);

/* Reads from a memory buffer (not copied; must outlive the reader); name is
 * used in messages. */
int csvin_open_mem(csvin **out, const char *name, const char *data, size_t len, char *err,
                   size_t errlen);

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

/* Closes the reader; csvin_close(NULL) does nothing. */
void csvin_close(csvin *r);

/* Header lookup: the index of the column named name in the header record
 * hdr (exact match after trimming spaces), or -1. */
int csvin_header_index(const csvin *hdr, const char *name);

#endif
