/* Establishments' Compass links: one reusable link per establishment,
 * BASE/compass/TOKEN with 256 random bits, that it returns to each term to
 * record a Compass return, until the link is revoked. The database keeps
 * only the token's SHA-256. */
#ifndef CLEVAL_COMPASS_LINK_H
#define CLEVAL_COMPASS_LINK_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "store.h"

/* Random bytes in a Compass token (43 base64url characters). */
#define COMPASS_LINK_BYTES 32

typedef struct compass_link_options {
  const char *urn;      /* only this establishment (its live link, if any, is
                           replaced), or NULL for every establishment without a
                           live link */
  const char *base_url; /* "https://example.org" (a trailing '/' is dropped) */
  const char *now;      /* creation time, "YYYY-MM-DDThh:mm:ssZ" */
  const char *actor;    /* for the audit log */
} compass_link_options;

/* Makes the links and writes them to out as CSV (urn, name, url) in one
 * transaction with an audit entry (actor, how many, which URN); when
 * writing out fails the transaction is rolled back and no link exists. *n
 * gets the number of links. Returns 0; -1 with a message, *invalid set when
 * the URN names no establishment. */
int compass_link_issue(store *s, const compass_link_options *o, FILE *out, size_t *n, int *invalid,
                       char *err, size_t errlen);

/* Revokes the live links of establishment urn at time now, in one
 * transaction with an audit entry. *n gets how many were revoked (0 when
 * it had none). Returns 0; -1 with a message, *invalid set when urn names
 * no establishment. */
int compass_link_revoke(store *s, const char *urn, const char *now, const char *actor, size_t *n,
                        int *invalid, char *err, size_t errlen);

/* The establishment a token opens: 1 with *establishment_id set for a live
 * link, 2 for a revoked one (*establishment_id set too), 0 for a token
 * that is malformed or unknown, -1 with a message on a database failure. */
int compass_link_find(store *s, const char *token, sqlite3_int64 *establishment_id, char *err,
                      size_t errlen);

#endif
