/* The report's one number formatter: tables, sentences and chart labels all
 * print numbers through it, so a value reads the same wherever it appears.
 * APA style for p, fixed decimals for estimates, grouped digits for counts. */
#ifndef CLEVAL_NUMFMT_H
#define CLEVAL_NUMFMT_H

#include <stddef.h>

/* Decimals of a test statistic (t, F, V, chi-square) and of an effect size. */
#define NUMFMT_STAT_DIGITS 2

/* p in APA style without the "p": three decimals without the leading zero
 * (".034", ".999", ".001"), "< .001" below .001 and "> .999" from .9995 on
 * (where three decimals would read 1.000); "n/a" when p is not a number in
 * [0, 1]. The one p formatter of the report, the findings and `cleval
 * stats`. Writes at most n bytes (NUL included). */
void numfmt_p(char *buf, size_t n, double p);

/* The same with the symbol, for sentences: "p = .034", "p < .001". */
void numfmt_p_apa(char *buf, size_t n, double p);

/* x rounded to digits decimals (0 to 10), never "-0.0"; "n/a" when x is not
 * finite. */
void numfmt_fixed(char *buf, size_t n, double x, int digits);

/* A count with thousands separators: "1,466". */
void numfmt_count(char *buf, size_t n, long long x);

#endif
