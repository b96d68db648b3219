/* The report's one number formatter (see numfmt.h). */
#include "numfmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void numfmt_p(char *buf, size_t n, double p) {
  if (!(p >= 0 && p <= 1)) {
    snprintf(buf, n, "n/a");
  } else if (p < 0.001) {
    snprintf(buf, n, "< .001");
  } else if (p >= 0.9995) { /* would round to 1.000 */
    snprintf(buf, n, "> .999");
  } else {
    char tmp[16];
    snprintf(tmp, sizeof tmp, "%.3f", p);
    snprintf(buf, n, "%s", tmp + 1); /* "0.034" -> ".034" */
  }
}

void numfmt_p_apa(char *buf, size_t n, double p) {
  char v[16];
  numfmt_p(v, sizeof v, p);
  if (strcmp(v, "n/a") == 0)
    snprintf(buf, n, "no test");
  else if (v[0] == '<' || v[0] == '>')
    snprintf(buf, n, "p %s", v);
  else
    snprintf(buf, n, "p = %s", v);
}

void numfmt_fixed(char *buf, size_t n, double x, int digits) {
  if (!isfinite(x)) {
    snprintf(buf, n, "n/a");
    return;
  }
  if (digits < 0)
    digits = 0;
  if (digits > 10)
    digits = 10;
  char tmp[64];
  snprintf(tmp, sizeof tmp, "%.*f", digits, x);
  const char *s = tmp;
  if (*s == '-' && strspn(s + 1, "0.") == strlen(s + 1))
    s++; /* "-0.0" -> "0.0" */
  snprintf(buf, n, "%s", s);
}

void numfmt_count(char *buf, size_t n, long long x) {
  char digits[32], out[48];
  int len = snprintf(digits, sizeof digits, "%lld", x);
  int start = digits[0] == '-' ? 1 : 0;
  size_t k = 0;
  if (start)
    out[k++] = '-';
  for (int i = start; i < len; i++) {
    if (i > start && (len - i) % 3 == 0)
      out[k++] = ',';
    out[k++] = digits[i];
  }
  out[k] = '\0';
  snprintf(buf, n, "%s", out);
}
