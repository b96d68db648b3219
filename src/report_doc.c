/* The report document: construction and ownership (see report_doc.h). */
#include "report_doc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "xalloc.h"

static void push_string(char ***list, size_t *n, char *s) {
  *list = xrealloc(*list, (*n + 1) * sizeof **list);
  (*list)[(*n)++] = s;
}

report_doc *report_doc_new(const char *title) {
  report_doc *d = xcalloc(1, sizeof *d);
  d->title = xstrdup(title);
  return d;
}

static void free_strings(char **list, size_t n) {
  for (size_t i = 0; i < n; i++)
    free(list[i]);
  free(list);
}

void report_doc_free(report_doc *d) {
  if (!d)
    return;
  for (size_t i = 0; i < d->ntables; i++)
    report_table_free(d->tables[i]);
  free(d->tables);
  free_strings(d->key_messages, d->nkey_messages);
  free_strings(d->conclusions, d->nconclusions);
  free_strings(d->methods, d->nmethods);
  free_strings(d->provenance, 2 * d->nprovenance);
  free_strings(d->question_bank, 5 * d->nquestions);
  free(d->title);
  free(d);
}

void report_doc_add(report_doc *d, report_table *t) {
  d->tables = xrealloc(d->tables, (d->ntables + 1) * sizeof *d->tables);
  d->tables[d->ntables++] = t;
}

report_table *report_doc_table(const report_doc *d, const char *id) {
  for (size_t i = 0; i < d->ntables; i++)
    if (strcmp(d->tables[i]->id, id) == 0)
      return d->tables[i];
  return NULL;
}

void report_doc_key_message(report_doc *d, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  push_string(&d->key_messages, &d->nkey_messages, strbuf_vformat(fmt, ap));
  va_end(ap);
}

void report_doc_conclusion(report_doc *d, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  push_string(&d->conclusions, &d->nconclusions, strbuf_vformat(fmt, ap));
  va_end(ap);
}

void report_doc_method(report_doc *d, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  push_string(&d->methods, &d->nmethods, strbuf_vformat(fmt, ap));
  va_end(ap);
}

void report_doc_provenance(report_doc *d, const char *key, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  size_t n = 2 * d->nprovenance;
  push_string(&d->provenance, &n, xstrdup(key));
  push_string(&d->provenance, &n, strbuf_vformat(fmt, ap));
  d->nprovenance++;
  va_end(ap);
}

void report_doc_question(report_doc *d, const char *instrument, const char *role, const char *area,
                         const char *item_id, const char *text) {
  const char *f[5] = {instrument, role, area, item_id, text};
  size_t n = 5 * d->nquestions;
  for (int i = 0; i < 5; i++)
    push_string(&d->question_bank, &n, xstrdup(f[i] ? f[i] : ""));
  d->nquestions++;
}

void report_table_label(report_table *t, const char *code, const char *label) {
  for (size_t i = 0; i < t->nlabels; i++)
    if (strcmp(t->labels[2 * i], code) == 0) {
      free(t->labels[2 * i + 1]);
      t->labels[2 * i + 1] = xstrdup(label);
      return;
    }
  t->labels = xrealloc(t->labels, 2 * (t->nlabels + 1) * sizeof *t->labels);
  t->labels[2 * t->nlabels] = xstrdup(code);
  t->labels[2 * t->nlabels + 1] = xstrdup(label);
  t->nlabels++;
}

const char *report_table_display(const report_table *t, const char *text) {
  for (size_t i = 0; i < t->nlabels; i++)
    if (strcmp(t->labels[2 * i], text) == 0)
      return t->labels[2 * i + 1];
  return text;
}
