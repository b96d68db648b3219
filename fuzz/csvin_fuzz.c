/* libFuzzer entry point for the CSV reader: any bytes must give records or
 * errors that name the file and a position, never crash, hang or leak;
 * lines only go forward, every field is NUL-terminated at its length, and
 * the whole input is read unless reading stopped for good. Every field is
 * also read as a number the way `cleval stats` reads cells
 * (columns_number), which must give a finite number or refuse it. */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "columns.h"
#include "csvin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  csvin *r;
  char err[512];
  if (csvin_open_mem(&r, "fuzz.csv", (const char *)data, size, err, sizeof err) != 0)
    __builtin_trap(); /* opening memory cannot fail */
  int rc;
  long last = 0;
  while ((rc = csvin_next(r, err, sizeof err)) != 0) {
    if (rc < 0) {
      if (strncmp(err, "fuzz.csv:", 9) != 0)
        __builtin_trap(); /* every error names the file and its position */
      continue;
    }
    if (csvin_line(r) < last)
      __builtin_trap(); /* lines only go forward */
    last = csvin_line(r);
    for (size_t i = 0; i < csvin_nfields(r); i++) {
      const char *f = csvin_field(r, i);
      size_t len = csvin_field_len(r, i);
      if (f[len] != '\0' || strlen(f) > len)
        __builtin_trap();
      double v = NAN;
      int pc = columns_number(f, len, &v);
      if (pc < -1 || pc > 1 || (pc == 1 && !isfinite(v)))
        __builtin_trap();
    }
  }
  if (csvin_bytes_read(r) != size && !csvin_stopped(r))
    __builtin_trap(); /* all read */
  csvin_close(r);
  return 0;
}
