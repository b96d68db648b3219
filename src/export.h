/* Data back out of a database, one KIND at a time (the KINDs of import.h),
 * as CSV, JSON or an SPSS .sav file (through ReadStat). CSV exports have
 * exactly the columns import reads, so that exporting and importing into a
 * new database gives the same data. Personal details are left out unless
 * asked for. */
#ifndef CLEVAL_EXPORT_H
#define CLEVAL_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"
#include "strbuf.h"

typedef enum export_format { EXPORT_CSV, EXPORT_JSON, EXPORT_SAV } export_format;

typedef struct export_options {
  export_format format;
  bool include_personal; /* leaders: add the name and email columns */
  const char *actor;     /* whom the audit entry names (required) */
  const char *file;      /* the file the audit entry names (NULL: path) */
} export_options;

/* "csv", "json", "sav" -> *out; returns -1 for anything else. */
int export_format_parse(const char *name, export_format *out);

/* Writes KIND from s to path (NULL or "-": standard output), and records
 * the export in the audit log (actor, KIND, format, file, rows, whether
 * personal details were included). *rows (if not NULL) gets the number of
 * records written.
 *
 * CSV and JSON: the import columns. self-assessment and long-term come in
 * long form (one answer per row; a response without answers is one row
 * with item_id and value empty); compass adds the instrument and criterion
 * columns when the database holds any. The .sav form of the surveys has
 * one case per response with a variable per item (variable label: the
 * item's text; value labels: its scale), and for self-assessment the four
 * area scores. The audit entry is committed before any byte reaches path
 * or standard output: the export is written to a temporary file inside
 * the transaction that holds the entry, then renamed into place (or
 * copied out). Returns 0, or -1 with a message in err and no file left
 * (a failure after the commit leaves the entry: the attempt is logged). */
int export_kind(store *s, const char *kind, const export_options *opt, const char *path,
                size_t *rows, char *err, size_t errlen);

/* Appends x in the shortest form that reads back as the same double
 * ("5", "12.5", "85.714285714285708"). */
void export_put_number(strbuf *b, double x);

#endif
