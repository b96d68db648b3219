/* Validation and loading of CSV files, one KIND at a time: establishments,
 * leaders, providers, enrolments, self-assessment, long-term, compass (the
 * columns are in DESIGN.md). A file is read twice, streaming: first to
 * check every row (nothing is written when anything is wrong), then to
 * write, in one transaction. */
#ifndef CLEVAL_IMPORT_H
#define CLEVAL_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "instrument.h"
#include "store.h"

#include <stdint.h>

/* Where an import is, for a progress display. */
typedef struct import_progress {
  const char *file; /* the file's name */
  int pass;         /* 1 checking, 2 writing */
  size_t rows;      /* rows read in this pass (pass 2 of a survey: answers written) */
  uint64_t bytes_read, bytes_total; /* of the file (bytes_total 0: not known) */
} import_progress;

/* Called every few thousand rows; draws nothing itself (the caller owns the
 * display and decides when to draw). */
typedef void import_progress_fn(const import_progress *p, void *ctx);

typedef struct import_options {
  const char *actor;            /* whom the audit entry names (required when writing) */
  bool dry_run;                 /* validate and report, write nothing */
  bool ignore_unknown;          /* unknown columns are ignored instead of an error */
  bool quiet;                   /* the caller shows less (the core ignores it) */
  const char *duplicates;       /* duplicate-submission rule; NULL = the database setting */
  const char *date_order;       /* "dmy" or "mdy" for D/M/YYYY dates; NULL: the import.date_order
                                   setting (default dmy) */
  import_progress_fn *progress; /* NULL: none */
  void *progress_ctx;           /* passed to progress */
  const char *map; /* NULL, or a CSV file of two columns: a header as the file has it, the
                      column or item id it stands for (--map) */
  const char *discards; /* NULL, or a file the discarded duplicates are written to (one a
                           line), only when the import commits; the summary then counts them */
} import_options;

/* At most this many problems are kept; problems_total counts them all. */
#define IMPORT_MAX_PROBLEMS 100

typedef struct import_result {
  size_t rows_read; /* data rows (the header excluded) */
  size_t empty_rows; /* of them, rows with every cell empty: skipped */
  /* Records compared with the database: establishments, leaders, providers,
   * enrolments, Compass returns, or survey responses (submissions). With
   * dry_run, what would be added or updated. */
  size_t added, updated, unchanged;
  size_t discarded; /* duplicate survey submissions not kept */
  char **discards;  /* one line per discarded submission (all of them) */
  size_t ndiscards;
  size_t answers;  /* survey answers written (or that would be) */
  char **problems; /* "FILE:LINE:COL: message", the first IMPORT_MAX_PROBLEMS */
  size_t nproblems;
  size_t problems_total; /* every problem found, kept or not */
  char *summary;         /* what happened, for people: a few lines, ending in '\n' */
  char sha256[65];       /* of the file, in hex ("" when it was not read) */
  bool dry_run;
  bool wide; /* a survey file with one row per response */
} import_result;

/* The KINDs, NULL-terminated, and their indexes in it (import and export
 * both go by them). */
extern const char *const import_kinds[];
enum kind {
  K_ESTABLISHMENTS,
  K_LEADERS,
  K_PROVIDERS,
  K_ENROLMENTS,
  K_SELF,
  K_LONGTERM,
  K_COMPASS,
  K_WAVES,
  K_ALLOCATIONS,
  K_BURSARIES
};


/* Duplicate-submission rules (the import.duplicates setting), NULL-terminated:
 * latest_complete (the latest of the complete submissions, or the latest
 * when none is complete), latest, earliest, most_complete (the default: most
 * knowledge items answered, then the latest), error (a second submission is
 * a problem). A submission is complete when, in every area of the leader's
 * role, it answers every knowledge item. Under every rule a submission
 * without knowledge answers never displaces one with them. The database's
 * own response for the leader and stage, if it was submitted at another
 * time, competes with the file's. */
extern const char *const import_duplicate_rules[];

/* Imports one CSV file of the given KIND (establishments, leaders, providers, enrolments,
   self-assessment, long-term, compass) into s in one transaction, computing area scores for
   self-assessment responses as answers land. Returns 0 on success, 1 when the file is invalid
   (problems listed in res, nothing written), -1 on a runtime failure (message in err).

   res is overwritten (free it with import_result_free, whatever the return).
   Survey files come in long form (one answer per row: ..., item_id, value)
   or wide form (one response per row, item ids as column names), told
   apart by the header. Answers are stored as answers.value (likert and
   binary scales: the option's value) or answers.code (categorical scales:
   the option's code). Re-importing a file changes nothing; a response that
   differs is replaced whole. Each import that writes is recorded in the
   audit log (actor, file, SHA-256, counts). opt->progress, when set, is
   called now and then with the position reached. When called inside an open transaction the import
   runs in a savepoint of it. */
int import_file(store *s, const char *kind, const char *path, const import_options *opt,
                import_result *res, char *err, size_t errlen);

/* Frees what res holds and zeroes it; NULL does nothing. */
void import_result_free(import_result *res);

#endif
