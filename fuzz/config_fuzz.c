/* libFuzzer entry point for the report settings: any bytes must give
 * settings within their documented ranges or an error that names the file
 * and a position, never crash, hang or leak. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  report_config c, before;
  char err[1024];
  config_defaults(&c);
  before = c;
  if (config_parse(&c, "fuzz.json", (const char *)data, size, err, sizeof err) != 0) {
    if (strncmp(err, "fuzz.json:", 10) != 0)
      __builtin_trap(); /* every error names the file and its position */
    if (memcmp(&c, &before, sizeof c) != 0)
      __builtin_trap(); /* a rejected file changes nothing */
    return 0;
  }
  if (c.small_cell < 1 || c.nbands < 1 || c.nbands > CONFIG_MAX_BANDS || !(c.confidence < 1) ||
      strcmp(c.post_from, c.post_to) > 0 || !memchr(c.title, '\0', sizeof c.title))
    __builtin_trap();
  for (int i = 1; i < c.nbands; i++)
    if (!(c.role_bands[i] > c.role_bands[i - 1]))
      __builtin_trap();
  return 0;
}
