/* Writes N deterministic pairs "x,y" (a header, then one pair a line) for
 * bench/stats.sh: x a score 0-100 with 4 decimals, y = x plus a shift and
 * noise, from a fixed 64-bit LCG so every run writes the same file. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t state = 0x2545F4914F6CDD1DULL;

/* uniform in [0, 1) */
static double next(void) {
  state = state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (double)(state >> 11) / 9007199254740992.0;
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 10000000L;
  printf("x,y\n");
  for (long i = 0; i < n; i++) {
    long x = (long)(next() * 1000000);                                    /* 0.0000 - 99.9999 */
    long y = x + 100 + (long)((next() + next() + next() - 1.5) * 200000); /* noise */
    if (y < 0)
      y = 0;
    if (y > 1000000)
      y = 1000000;
    printf("%ld.%04ld,%ld.%04ld\n", x / 10000, x % 10000, y / 10000, y % 10000);
  }
  return ferror(stdout) ? 1 : 0;
}
