/* The report's settings: Compass baseline and post rules, small-cell
 * threshold, time-in-role bands. Defaults are the seed report's rules; a
 * JSON file given with `cleval report --config FILE` overrides any of them.
 * The documented keys (all optional):
 *   "title"                    the report's title
 *   "date"                     the report's date (YYYY-MM-DD; default: today)
 *   "compass.baseline_cutoff"  latest baseline return date   (CONFIG_BASELINE_CUTOFF)
 *   "compass.post_from"        earliest post return date     (CONFIG_POST_FROM)
 *   "compass.post_to"          latest post return date       (CONFIG_POST_TO)
 *   "compass.fully_achieved"   % of criteria met that counts as a benchmark
 *                              fully achieved                (100)
 *   "small_cell"               groups smaller than this show "fewer than N"
 *                              instead of figures            (5)
 *   "role_bands"               time-in-role band limits in years, ascending
 *                              ([1, 3, 5]: under 1, 1-3, 3-5, over 5)
 *   "confidence"               confidence level of intervals (0.95) */
#ifndef CLEVAL_CONFIG_H
#define CLEVAL_CONFIG_H

#include <stddef.h>

#define CONFIG_MAX_BANDS 8

/* The seed report's Compass dates, the defaults (written here only; help
 * texts paste them in). */
#define CONFIG_BASELINE_CUTOFF "2018-07-31"
#define CONFIG_POST_FROM "2020-03-01"
#define CONFIG_POST_TO "2021-03-31"

typedef struct report_config {
  char title[256];
  char date[11];            /* "" = today, filled in when the report is built */
  char baseline_cutoff[11]; /* ISO dates */
  char post_from[11];
  char post_to[11];
  double fully_achieved; /* percentage, 0-100 */
  int small_cell;
  double role_bands[CONFIG_MAX_BANDS]; /* years, ascending */
  int nbands;
  double confidence;
} report_config;

/* The seed report's rules. */
void config_defaults(report_config *cfg);

/* Overlays the settings of a JSON config file on cfg. Returns 0; -1 with
 * "FILE:LINE:COLUMN: what is wrong" in err when the file is not valid (bad
 * JSON, an unknown key, a value of the wrong type or out of range, a date
 * that is not a date, bands not ascending); -2 with "FILE: why" when it
 * cannot be read. On failure cfg is unchanged. */
int config_load(report_config *cfg, const char *path, char *err, size_t errlen);

/* The same from a JSON text in memory; name is used in messages. */
int config_parse(report_config *cfg, const char *name, const char *text, size_t len, char *err,
                 size_t errlen);

#endif
