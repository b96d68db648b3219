/* libFuzzer entry point for the instrument JSON parser: any bytes must
 * either parse or fail with a message, never crash or leak. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "instrument.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  instrument *in;
  char err[512];
  if (instrument_parse(&in, "fuzz.json", (const char *)data, size, err, sizeof err) == 0) {
    for (size_t i = 0; i < in->nitems; i++)
      (void)instrument_scale_option(in->items[i].scale, "1");
    instrument_free(in);
  } else if (err[0] == '\0') {
    __builtin_trap(); /* a failure must always say why */
  }
  return 0;
}
