/* The floor under `cleval report`'s loading: SQLite alone stepping the
 * loader's (src/dataset.c) largest queries over DB and fetching every
 * column of every row as the loader does (its type, then its value), on a
 * read-only connection without SQLite's mutex, keeping nothing. bench/
 * peers.sh prints its time beside the report's: what is left above it is
 * cleval's own work (building the dataset, the fingerprint, the analysis,
 * the integrity check, writing). Usage: read_floor DB; prints, per query,
 * the rows and seconds, then the total. */
#define _POSIX_C_SOURCE 200809L
#include <sqlite3.h>
#include <stdio.h>
#include <time.h>

static double now(clockid_t c) {
  struct timespec t;
  clock_gettime(c, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  static const char *const queries[] = {
      "SELECT id, urn, name, type, region, hub_id, hub_joined, fsm_pct"
      " FROM establishments ORDER BY urn, id",
      "SELECT id, leader_key, establishment_id, role, months_in_role, contact_consent"
      " FROM leaders ORDER BY leader_key, id",
      "SELECT e.leader_id, e.provider_id, e.wave, e.start_date, e.completion_date,"
      " e.status, e.id FROM enrolments e JOIN leaders l ON l.id = e.leader_id"
      " ORDER BY l.leader_key, e.start_date, e.id",
      "SELECT id, survey, stage, leader_id, role, submitted_at FROM responses",
      "SELECT response_id, area, score FROM area_scores ORDER BY response_id, area",
      "SELECT response_id, item_id, value, code FROM answers ORDER BY response_id, item_id",
      "SELECT r.id, r.establishment_id, r.submitted_at FROM compass_returns r"
      " JOIN establishments e ON e.id = r.establishment_id ORDER BY e.urn, r.submitted_at, r.id",
      "SELECT id, bm1, bm2, bm3, bm4, bm5, bm6, bm7, bm8 FROM compass_returns ORDER BY id",
  };
  if (argc != 2) {
    fprintf(stderr, "usage: read_floor DB\n");
    return 2;
  }
  sqlite3 *db;
  if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
      SQLITE_OK) {
    fprintf(stderr, "read_floor: %s: %s\n", argv[1], sqlite3_errmsg(db));
    return 1;
  }
  double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
  double sum = 0; /* kept, so that no fetch is optimised away */
  size_t total = 0;
  sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
  for (size_t q = 0; q < sizeof queries / sizeof *queries; q++) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, queries[q], -1, &st, NULL) != SQLITE_OK) {
      fprintf(stderr, "read_floor: %s\n", sqlite3_errmsg(db));
      return 1;
    }
    double t0 = now(CLOCK_MONOTONIC);
    size_t rows = 0;
    int ncol = sqlite3_column_count(st), rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      rows++;
      for (int i = 0; i < ncol; i++) {
        switch (sqlite3_column_type(st, i)) {
        case SQLITE_INTEGER: sum += (double)sqlite3_column_int64(st, i); break;
        case SQLITE_FLOAT: sum += sqlite3_column_double(st, i); break;
        case SQLITE_TEXT:
          sum += sqlite3_column_text(st, i)[0] + sqlite3_column_bytes(st, i);
          break;
        default: break;
        }
      }
    }
    if (rc != SQLITE_DONE) {
      fprintf(stderr, "read_floor: %s\n", sqlite3_errmsg(db));
      return 1;
    }
    sqlite3_finalize(st);
    total += rows;
    printf("%-40.40s %9zu rows %6.3f s\n", queries[q] + 7, rows, now(CLOCK_MONOTONIC) - t0);
  }
  sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
  sqlite3_close(db);
  printf("read_floor: %zu rows, %.3f s wall, %.3f s CPU (checksum %g)\n", total,
         now(CLOCK_MONOTONIC) - w0, now(CLOCK_PROCESS_CPUTIME_ID) - c0, sum);
  return 0;
}
