/* Generates the import benchmark's input, deterministically: DIR/
 * establishments.csv, DIR/leaders.csv and DIR/answers.csv, a long-form
 * self-assessment file of exactly ROWS answer rows (pre and post surveys of
 * as many Careers Leaders as it takes, with the post reflective items).
 * usage: gen_import DIR ROWS */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t state = 0x2545F4914F6CDD1Dull;

static uint32_t next(void) { /* xorshift64* */
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return (uint32_t)((state * 0x2545F4914F6CDD1Dull) >> 32);
}

/* Item ids per role and area, as in instruments/self-assessment.json:
 * counts per area (leadership, management, coordination, networking). */
static const char *const prefixes[3] = {"school", "strat", "oper"};
static const char *const roles[3] = {"school", "college_strategic", "college_operational"};
static const char *const areas[4] = {"lead", "mgmt", "coord", "net"};
static const int counts[3][4] = {{7, 8, 5, 7}, {7, 5, 2, 5}, {6, 8, 5, 7}};
static const char *const reflective[3] = {"post_knowledge", "post_actions", "post_faster"};

static FILE *create(const char *dir, const char *name) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  if (!f) {
    perror(path);
    exit(1);
  }
  return f;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: gen_import DIR ROWS\n");
    return 2;
  }
  const char *dir = argv[1];
  long target = atol(argv[2]);
  FILE *est = create(dir, "establishments.csv"), *lead = create(dir, "leaders.csv"),
       *ans = create(dir, "answers.csv");
  fputs("urn,name,type,region,hub,fsm_pct\n", est);
  fputs("leader_id,urn,role,months_in_role,contact_consent\n", lead);
  fputs("leader_id,stage,submitted_at,item_id,value\n", ans);
  long rows = 0, leaders = 0, ests = 0;
  static char buf[1 << 16];
  setvbuf(ans, buf, _IOFBF, sizeof buf);
  while (rows < target) {
    /* One establishment every school leader, or two college leaders. */
    int college = next() % 10 == 0;
    long urn = 100000 + ests++;
    fprintf(est, "%ld,Establishment %ld,%s,Region %u,%s,%.1f\n", urn, urn,
            college ? "fe_college" : "mainstream", next() % 9, next() % 2 ? "Hub" : "",
            (double)(next() % 1000) / 10.0);
    for (int r = college ? 1 : 0; r < (college ? 3 : 1) && rows < target; r++) {
      char id[32];
      snprintf(id, sizeof id, "BL%07ld", ++leaders);
      fprintf(lead, "%s,%ld,%s,%u,%u\n", id, urn, roles[r], next() % 120, next() % 2);
      for (int stage = 0; stage < 2 && rows < target; stage++) {
        char when[32];
        snprintf(when, sizeof when, "20%02u-%02u-%02uT%02u:%02u:00", stage ? 20 : 19,
                 1 + next() % 12, 1 + next() % 28, next() % 24, next() % 60);
        int base = stage ? 4 : 3;
        for (int a = 0; a < 4 && rows < target; a++)
          for (int k = 1; k <= counts[r][a] && rows < target; k++, rows++) {
            unsigned v = base + (next() % 3) - 1;
            fprintf(ans, "%s,%s,%s,%s_%s_%02d,%u\n", id, stage ? "post" : "pre", when, prefixes[r],
                    areas[a], k, v > 5 ? 5 : v);
          }
        for (int k = 0; k < 3 && stage && rows < target; k++, rows++)
          fprintf(ans, "%s,post,%s,%s,%u\n", id, when, reflective[k], 3 + next() % 3);
      }
    }
  }
  if (fclose(est) || fclose(lead) || fclose(ans)) {
    perror("writing");
    return 1;
  }
  fprintf(stderr, "gen_import: %ld establishments, %ld leaders, %ld answer rows in %s\n", ests,
          leaders, rows, dir);
  return 0;
}
