/* The report's tables as a workbook (DIR/tables.xlsx, libxlsxwriter): one
 * sheet per table and figure, for readers who work in a spreadsheet. */
#ifndef CLEVAL_XLSX_H
#define CLEVAL_XLSX_H

#include <stddef.h>

#include "report_doc.h"

/* Writes every table of doc to path: a sheet per table named by its id,
 * holding its title (with N) in bold, its finding, the column headings,
 * the rows (numbers and counts as numbers, labels as readers see them, a
 * withheld group as "fewer than N" or "none" like the HTML) and its notes.
 * Returns 0, or -1 with a message naming path (a partial file may remain:
 * the caller writes to a temporary name). */
int xlsx_write(const report_doc *doc, const char *path, char *err, size_t errlen);

#endif
