/* libFuzzer entry point for import validation, imported (dry run) into a
 * database that holds a small programme. The first byte picks a KIND (its
 * value modulo the number of KINDs) and how the rest is read (its value
 * divided by 16, modulo 3; IMPORT_FUZZ_MODE=0, 1 or 2 fixes it):
 *   0  a file named .csv: CSV, Qualtrics' extra header rows, or an SPSS
 *      file when it begins with $FL2 / $FL3 (told by content);
 *   1  a file named .sav: SPSS through ReadStat, from memory;
 *   2  a --map file (the bytes before the first NUL) and a CSV file (the
 *      bytes after it).
 * Any input must import or be refused with every problem naming its file
 * (with LINE:COLUMN or a case), never crash or leak. */
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
static char csv[64], sav[64], map[64], dbpath[64];
static int fixed_mode = -1;

static void cleanup(void) {
  store_close(db);
  const char *suffix[] = {"", "-wal", "-shm"};
  char p[80];
  for (int i = 0; i < 3; i++) {
    snprintf(p, sizeof p, "%s%s", dbpath, suffix[i]);
    remove(p);
  }
  remove(csv);
  remove(sav);
  remove(map);
}

static void write_file(const char *path, const uint8_t *data, size_t size) {
  FILE *f = fopen(path, "wb");
  if (!f)
    abort();
  if (size)
    fwrite(data, 1, size, f);
  fclose(f);
}

static void setup(void) {
  char err[512];
  const char *path = dbpath;
  long pid = (long)getpid();
  snprintf(dbpath, sizeof dbpath, "/tmp/cleval-fuzz-%ld.db", pid);
  snprintf(csv, sizeof csv, "/tmp/cleval-fuzz-%ld.csv", pid);
  snprintf(sav, sizeof sav, "/tmp/cleval-fuzz-%ld.sav", pid);
  snprintf(map, sizeof map, "/tmp/cleval-fuzz-%ld-map.csv", pid);
  const char *m = getenv("IMPORT_FUZZ_MODE");
  if (m && *m >= '0' && *m <= '2')
    fixed_mode = *m - '0';
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
    write_file(csv, (const uint8_t *)base[i][1], strlen(base[i][1]));
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
  int mode = fixed_mode >= 0 ? fixed_mode : data[0] / 16 % 3;
  data++;
  size--;
  import_options opt = {
      .actor = "fuzz", .dry_run = true, .quiet = true, .ignore_unknown = size % 2 == 1};
  const char *path = csv;
  if (mode == 1) {
    path = sav;
    write_file(sav, data, size);
  } else if (mode == 2) {
    const uint8_t *nul = memchr(data, 0, size);
    size_t n = nul ? (size_t)(nul - data) : size;
    write_file(map, data, n);
    write_file(csv, nul ? nul + 1 : data + n, nul ? size - n - 1 : 0);
    opt.map = map;
  } else {
    write_file(csv, data, size);
  }
  import_result res;
  char err[512] = "";
  int rc = import_file(db, kind, path, &opt, &res, err, sizeof err);
  if (rc < 0)
    __builtin_trap(); /* a bad file is invalid input, not a runtime failure */
  if (rc == 1) {
    if (res.nproblems == 0)
      __builtin_trap(); /* refused without saying why */
    for (size_t i = 0; i < res.nproblems; i++)
      if (!strstr(res.problems[i], path) && !(opt.map && strstr(res.problems[i], map)))
        __builtin_trap();
  }
  import_result_free(&res);
  return 0;
}
