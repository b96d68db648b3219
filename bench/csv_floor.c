/* The floor under `cleval stats` on a large file: libcsv alone tokenising
 * FILE, read in 64 KiB blocks as cleval reads it, with callbacks that only
 * count, so no number is read and nothing is kept. bench/stats.sh prints
 * its time beside cleval's, for what is left once libcsv has had its
 * share. Usage: csv_floor FILE; prints the records and fields seen. */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct counts {
  size_t fields, records;
} counts;

static void on_field(void *data, size_t len, void *ctx) {
  (void)data;
  (void)len;
  ((counts *)ctx)->fields++;
}

static void on_record(int c, void *ctx) {
  (void)c;
  ((counts *)ctx)->records++;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: csv_floor FILE\n");
    return 2;
  }
  FILE *f = fopen(argv[1], "rb");
  if (!f) {
    perror(argv[1]);
    return 1;
  }
  struct csv_parser p;
  if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
    return 1;
  static char buf[64 * 1024];
  counts c = {0, 0};
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0)
    if (csv_parse(&p, buf, n, on_field, on_record, &c) != n) {
      fprintf(stderr, "csv_floor: %s\n", csv_strerror(csv_error(&p)));
      return 1;
    }
  csv_fini(&p, on_field, on_record, &c);
  csv_free(&p);
  fclose(f);
  printf("%zu records, %zu fields\n", c.records, c.fields);
  return 0;
}
