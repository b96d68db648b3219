/* libFuzzer entry point for import validation: the first byte picks a
 * KIND, the rest is the CSV file, imported (dry run) into a database that
 * holds a small programme. Any file must import or be refused with every
 * problem naming FILE:LINE:COLUMN, never crash or leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "import.h"
#include "instrument.h"
#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static store *db;
static char csv[64], dbpath[64];

static void cleanup(void) {
  store_close(db);
  const char *suffix[] = {"", "-wal", "-shm"};
  char p[80];
  for (int i = 0; i < 3; i++) {
    snprintf(p, sizeof p, "%s%s", dbpath, suffix[i]);
    remove(p);
  }
  remove(csv);
}

static void setup(void) {
  char err[512];
  const char *path = dbpath;
  snprintf(dbpath, sizeof dbpath, "/tmp/cleval-fuzz-%ld.db", (long)getpid());
  snprintf(csv, sizeof csv, "/tmp/cleval-fuzz-%ld.csv", (long)getpid());
  remove(path);
  instrument_bank *bank;
  int from, to;
  if (instrument_bank_builtin(&bank, err, sizeof err) != 0 ||
      store_init(path, bank, "test", &from, &to, err, sizeof err) != 0 ||
      store_open(&db, path, err, sizeof err) != 0) {
    fprintf(stderr, "import_fuzz: %s\n", err);
    abort();
  }
  instrument_bank_free(bank);
  atexit(cleanup);
  static const char *const base[][2] = {
      {"providers", "provider_id,name,accreditation\nP1,One,level6\n"},
      {"establishments", "urn,name,type,region,hub,fsm_pct\n100001,Oak,mainstream,North West,"
                         "Hub A,20\n100002,Elm,fe_college,London,,15\n"},
      {"leaders", "leader_id,urn,role,months_in_role,contact_consent\nL1,100001,school,12,1\n"
                  "L2,100002,college_strategic,30,0\n"}};
  import_options opt = {.actor = "fuzz", .quiet = true};
  for (size_t i = 0; i < sizeof base / sizeof base[0]; i++) {
    FILE *f = fopen(csv, "w");
    fputs(base[i][1], f);
    fclose(f);
    import_result res;
    if (import_file(db, base[i][0], csv, &opt, &res, err, sizeof err) != 0)
      abort();
    import_result_free(&res);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!db)
    setup();
  if (size < 1)
    return 0;
  size_t nkinds = 0;
  while (import_kinds[nkinds])
    nkinds++;
  const char *kind = import_kinds[data[0] % nkinds];
  FILE *f = fopen(csv, "wb");
  fwrite(data + 1, 1, size - 1, f);
  fclose(f);
  import_options opt = {.actor = "fuzz", .dry_run = true, .quiet = true};
  import_result res;
  char err[512] = "";
  int rc = import_file(db, kind, csv, &opt, &res, err, sizeof err);
  if (rc < 0)
    __builtin_trap(); /* a bad file is invalid input, not a runtime failure */
  if (rc == 1) {
    if (res.nproblems == 0)
      __builtin_trap(); /* refused without saying why */
    for (size_t i = 0; i < res.nproblems; i++)
      if (!strstr(res.problems[i], csv))
        __builtin_trap();
  }
  import_result_free(&res);
  return 0;
}
