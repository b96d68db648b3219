/* libFuzzer entry point for the CSV reader: any bytes must give records or
 * errors that name a line and column, never crash, hang or leak. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

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
    for (size_t i = 0; i < csvin_nfields(r); i++)
      if (strlen(csvin_field(r, i)) > csvin_field_len(r, i))
        __builtin_trap();
  }
  csvin_close(r);
  return 0;
}
