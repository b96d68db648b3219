/* The report document: every table and figure (report_table.h) with the
 * key messages, conclusions, methods notes, provenance and question bank.
 * What analysis produces and the report renders; plain data, so analysis
 * computes it without I/O and the report writes it without computing
 * anything. */
#ifndef CLEVAL_REPORT_DOC_H
#define CLEVAL_REPORT_DOC_H

#include <stddef.h>

#include "report_table.h"

typedef struct report_doc {
  char *title;
  report_table **tables;
  size_t ntables;
  char **key_messages; /* sentences generated from the numbers */
  size_t nkey_messages;
  char **conclusions;
  size_t nconclusions;
  char **methods; /* the rules used and what each kept or excluded */
  size_t nmethods;
  char **provenance;    /* "key", "value" pairs: version, settings, SHA-256, date */
  size_t nprovenance;   /* number of pairs */
  char **question_bank; /* "instrument", "role", "area", "item_id", "text" rows
                           flattened, 5 strings per row */
  size_t nquestions;
} report_doc;

report_doc *report_doc_new(const char *title);
void report_doc_free(report_doc *d);
/* Takes ownership of t. */
void report_doc_add(report_doc *d, report_table *t);
/* The table with this id, or NULL. */
report_table *report_doc_table(const report_doc *d, const char *id);
void report_doc_key_message(report_doc *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void report_doc_conclusion(report_doc *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void report_doc_method(report_doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void report_doc_provenance(report_doc *d, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void report_doc_question(report_doc *d, const char *instrument, const char *role, const char *area,
                         const char *item_id, const char *text);

#endif
