/* Invitations to the surveys: one single-use link per Careers Leader who
 * should answer a stage, as rows for a mail merge. A link is BASE/s/TOKEN
 * with 128 random bits; the database keeps only the token's SHA-256. The
 * follow-up is anonymous: its links carry no leader, and only the fact
 * (and day) of a leader's invitation is kept, never which link was theirs. */
#ifndef CLEVAL_INVITE_H
#define CLEVAL_INVITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "store.h"

typedef struct invite_options {
  const char *stage;        /* pre, post or followup */
  const char *provider_key; /* only this provider's leaders, or NULL */
  const char *base_url;     /* "https://example.org" (a trailing '/' is dropped) */
  bool remind;              /* new links for those invited who have not answered */
  const char *today;        /* YYYY-MM-DD, the day of the invitation */
  const char *actor;        /* for the audit log */
} invite_options;

/* Makes the links and writes them to out as CSV (leader_id, name, email,
 * url), in one transaction with an audit entry: when writing out fails the
 * transaction is rolled back and no link exists.
 *   pre       leaders enrolled (status enrolled)
 *   post      leaders who completed (status completed)
 *   followup  leaders who consented to contact and completed at least
 *             invite.followup_months (setting) months before
 *             invite.followup_as_of (setting; empty: today)
 * Leaders who answered the stage, or have a live link for it, are left
 * out; with remind only those with a live link are listed, their old link
 * revoked (not for the follow-up, which cannot tell who answered).
 * *n gets the number of links. Returns 0; -1 with a message, *invalid set
 * when the options were at fault (unknown provider or stage, remind for
 * the follow-up). */
int invite_run(store *s, const invite_options *o, FILE *out, size_t *n, int *invalid, char *err,
               size_t errlen);

#endif
