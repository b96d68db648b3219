/* The floor under `cleval stats` on a large file: libcsv alone tokenising
 * FILE in THREADS pieces at once (cut after a line feed), with callbacks
 * that only count, so no number is read and nothing is kept. bench/stats.sh
 * prints its time beside cleval's, for what is left of a target once
 * libcsv has had its share. Usage: csv_floor FILE THREADS; prints the
 * records and fields seen. */
#include <csv.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_THREADS 64

typedef struct job {
  const char *s;
  size_t n, fields, records;
  pthread_t thread;
} job;

static void on_field(void *data, size_t len, void *ctx) {
  (void)data;
  (void)len;
  ((job *)ctx)->fields++;
}

static void on_record(int c, void *ctx) {
  (void)c;
  ((job *)ctx)->records++;
}

/* Feeds the piece to one parser in 64 KiB calls, as cleval does. */
static void *tokenise(void *arg) {
  job *j = arg;
  struct csv_parser p;
  if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
    exit(1);
  for (size_t at = 0; at < j->n; at += 65536)
    csv_parse(&p, j->s + at, j->n - at < 65536 ? j->n - at : 65536, on_field, on_record, j);
  csv_fini(&p, on_field, on_record, j);
  csv_free(&p);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: csv_floor FILE THREADS\n");
    return 2;
  }
  int fd = open(argv[1], O_RDONLY);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0 || st.st_size <= 0) {
    perror(argv[1]);
    return 1;
  }
  size_t len = (size_t)st.st_size;
  char *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  if (m == MAP_FAILED) {
    perror("mmap");
    return 1;
  }
  long nt = atol(argv[2]);
  if (nt < 1 || nt > MAX_THREADS)
    nt = 1;
  job jobs[MAX_THREADS];
  memset(jobs, 0, sizeof jobs);
  size_t from = 0;
  for (long k = 0; k < nt; k++) {
    size_t to = k + 1 == nt ? len : len / (size_t)nt * (size_t)(k + 1);
    const char *nl = to < len ? memchr(m + to, '\n', len - to) : NULL;
    to = nl ? (size_t)(nl - m) + 1 : len;
    if (to < from)
      to = from;
    jobs[k].s = m + from;
    jobs[k].n = to - from;
    from = to;
  }
  for (long k = 1; k < nt; k++)
    if (pthread_create(&jobs[k].thread, NULL, tokenise, &jobs[k]) != 0)
      return 1;
  tokenise(&jobs[0]);
  size_t records = jobs[0].records, fields = jobs[0].fields;
  for (long k = 1; k < nt; k++) {
    pthread_join(jobs[k].thread, NULL);
    records += jobs[k].records;
    fields += jobs[k].fields;
  }
  printf("%zu records, %zu fields\n", records, fields);
  munmap(m, len);
  close(fd);
  return 0;
}
