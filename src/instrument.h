/* Question banks as data: instruments are JSON files (instruments/NAME.json,
 * embedded into the binary at build time) with scales and items whose ids
 * never change once published. This module parses and validates them. */
#ifndef CLEVAL_INSTRUMENT_H
#define CLEVAL_INSTRUMENT_H

#include <stdbool.h>
#include <stddef.h>

typedef struct instrument_option {
  char *code;   /* what a file or form carries: "5", "very", "direct" */
  double value; /* numeric value (likert, binary); position for categorical */
  char *label;  /* "Strongly agree" */
} instrument_option;

typedef struct instrument_scale {
  char *name; /* "agree5" */
  char *kind; /* "likert", "categorical" or "binary" */
  instrument_option *options;
  size_t noptions;
} instrument_scale;

typedef struct instrument_item {
  char *id; /* stable item id, a valid SPSS variable name */
  char *text;
  char *role;    /* school, college_strategic, college_operational, school/college
                    (Compass), or NULL for everyone */
  char *area;    /* leadership, management, coordination, networking, or NULL */
  char *topic;   /* practice / support topic (long-term survey), or NULL */
  int benchmark; /* 1-8 for Compass criteria, else 0 */
  char *note;
  const instrument_scale *scale;
} instrument_item;

typedef struct instrument {
  char *key; /* "self-assessment", "reflective", "long-term", "compass-2014" */
  int version;
  char *title;
  char *description;
  char *stem;   /* "I know how to", or NULL */
  char *source; /* the JSON text it was read from */
  char **stages;
  size_t nstages;
  instrument_scale *scales;
  size_t nscales;
  instrument_item *items;
  size_t nitems;
} instrument;

typedef struct instrument_bank {
  instrument **list;
  size_t n;
} instrument_bank;

/* Parses one instrument from JSON text; name (a file name) is used in
 * messages. On failure returns -1 with "NAME: what is wrong" (and the line
 * and column for JSON syntax errors) in err. Free with instrument_free(). */
int instrument_parse(instrument **out, const char *name, const char *json, size_t len, char *err,
                     size_t errlen);
void instrument_free(instrument *in);

/* The built-in instruments embedded in the binary. Also checks that item
 * ids are unique across instruments. Free with instrument_bank_free(). */
int instrument_bank_builtin(instrument_bank **out, char *err, size_t errlen);
/* Loads every .json file of a directory, sorted by name (for tests and
 * for trying instrument changes before building them in). */
int instrument_bank_load_dir(instrument_bank **out, const char *dir, char *err, size_t errlen);
void instrument_bank_free(instrument_bank *b);

/* The item with this id, or NULL; *owner (if not NULL) gets its
 * instrument. */
const instrument_item *instrument_bank_item(const instrument_bank *b, const char *id,
                                            const instrument **owner);
const instrument *instrument_bank_get(const instrument_bank *b, const char *key);

/* The option of scale whose code is code, or NULL. */
const instrument_option *instrument_scale_option(const instrument_scale *s, const char *code);

/* The option of a scale that a cell means: its code, or for numeric
 * scales a number equal to an option's value ("5.0"). -1 when none. */
int instrument_scale_match(const instrument_scale *sc, const char *s);

/* Whether answers on the scale are stored as numbers (likert, binary) rather
 * than as codes (categorical). */
bool instrument_scale_numeric(const instrument_scale *sc);

#endif
