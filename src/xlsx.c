/* tables.xlsx (see xlsx.h). */
#include "xlsx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "strbuf.h"
#include "xalloc.h"

/* Excel's limit on a cell's text, in characters (libxlsxwriter refuses a
 * longer string, and the whole workbook with it). */
#define CELL_MAX 32767

/* worksheet_write_string, with a text past CELL_MAX characters (a 100 KB
 * name) cut at a whole UTF-8 character and ended with an ellipsis. */
static lxw_error put_text(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *s,
                          lxw_format *f) {
  size_t chars = 0, i = 0, keep = 0;
  for (; s[i]; i++)
    if (((unsigned char)s[i] & 0xc0) != 0x80 && ++chars == CELL_MAX)
      keep = i; /* where character CELL_MAX begins */
  if (chars <= CELL_MAX)
    return worksheet_write_string(ws, row, col, s, f);
  i = keep;
  /* s[i] begins character CELL_MAX: keep the CELL_MAX - 1 before it */
  char *cut = xmalloc(i + 4);
  memcpy(cut, s, i);
  memcpy(cut + i, "\xe2\x80\xa6", 4); /* U+2026 */
  lxw_error e = worksheet_write_string(ws, row, col, cut, f);
  free(cut);
  return e;
}

/* The cell's text as the HTML shows a withheld one, or NULL. */
static const char *mark_text(const report_table *t, size_t r, size_t c, char *buf, size_t n) {
  const cell *x = report_table_cell(t, r, c);
  if (x->mark == MARK_NONE)
    return NULL;
  for (size_t k = 0; k < c; k++)
    if (report_table_cell(t, r, k)->mark != MARK_NONE)
      return "";
  if (x->mark == MARK_EMPTY)
    return "none";
  if (x->mark == MARK_SECONDARY)
    return "withheld";
  snprintf(buf, n, "fewer than %d", t->small_cell);
  return buf;
}

static lxw_error write_table(lxw_workbook *wb, lxw_worksheet *ws, const report_table *t,
                             lxw_format *bold, lxw_format *head, lxw_format **digits) {
  lxw_error e = LXW_NO_ERROR;
  char title[1024];
  if (t->n >= 0)
    snprintf(title, sizeof title, "%s (N = %lld)", t->title, t->n);
  else
    snprintf(title, sizeof title, "%s", t->title);
  strbuf_trim_partial_utf8(title);
  lxw_row_t row = 0;
  if ((e = put_text(ws, row++, 0, title, bold)))
    return e;
  if (t->finding && (e = put_text(ws, row++, 0, t->finding, NULL)))
    return e;
  row++;
  for (size_t c = 0; c < t->ncols; c++) {
    const char *h = t->headings[c] ? t->headings[c] : t->columns[c];
    if ((e = put_text(ws, row, (lxw_col_t)c, h, head)))
      return e;
    worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, c == 0 ? 28 : 12, NULL);
  }
  row++;
  for (size_t r = 0; r < t->nrows; r++, row++)
    for (size_t c = 0; c < t->ncols; c++) {
      const cell *x = report_table_cell(t, r, c);
      char buf[64];
      const char *m = mark_text(t, r, c, buf, sizeof buf);
      int d = t->digits[c] < 0 ? 0 : t->digits[c] > 4 ? 4 : t->digits[c];
      if (m)
        e = *m ? put_text(ws, row, (lxw_col_t)c, m, NULL) : LXW_NO_ERROR;
      else if (x->kind == CELL_NUMBER)
        e = worksheet_write_number(ws, row, (lxw_col_t)c, x->num, digits[d]);
      else if (x->kind == CELL_INT)
        e = worksheet_write_number(ws, row, (lxw_col_t)c, (double)x->i, NULL);
      else if (x->kind == CELL_TEXT)
        e = put_text(ws, row, (lxw_col_t)c, report_table_display(t, x->text), NULL);
      if (e)
        return e;
    }
  row++;
  for (size_t i = 0; i < t->nnotes; i++)
    if ((e = put_text(ws, row++, 0, t->notes[i], NULL)))
      return e;
  (void)wb;
  return e;
}

int xlsx_write(const report_doc *doc, const char *path, char *err, size_t errlen) {
  lxw_workbook *wb = workbook_new(path);
  if (!wb) {
    snprintf(err, errlen, "%s: cannot create the workbook", path);
    return -1;
  }
  lxw_format *bold = workbook_add_format(wb), *head = workbook_add_format(wb);
  format_set_bold(bold);
  format_set_font_size(bold, 12);
  format_set_bold(head);
  format_set_bottom(head, LXW_BORDER_THIN);
  format_set_text_wrap(head);
  /* Numbers keep full precision; the display shows the table's decimals. */
  static const char *const shown[5] = {"0", "0.0", "0.00", "0.000", "0.0000"};
  lxw_format *digits[5];
  for (int d = 0; d < 5; d++) {
    digits[d] = workbook_add_format(wb);
    format_set_num_format(digits[d], shown[d]);
  }
  lxw_error e = LXW_NO_ERROR;
  for (size_t i = 0; i < doc->ntables && !e; i++) {
    /* Sheet names: at most 31 characters; table ids are checked to be
     * short, unique names of letters, digits, '_' and '-'. */
    char name[32];
    snprintf(name, sizeof name, "%s", doc->tables[i]->id);
    lxw_worksheet *ws = workbook_add_worksheet(wb, name);
    if (!ws) {
      snprintf(err, errlen, "%s: cannot add a sheet named %s", path, name);
      workbook_close(wb);
      return -1;
    }
    e = write_table(wb, ws, doc->tables[i], bold, head, digits);
  }
  lxw_error ce = workbook_close(wb);
  if (e || ce) {
    snprintf(err, errlen, "%s: cannot write: %s", path, lxw_strerror(e ? e : ce));
    return -1;
  }
  return 0;
}
