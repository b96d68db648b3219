/* Erasure of one Careers Leader (UK GDPR Art. 17): everything that is
 * about the person goes, in one transaction; the fund's ledger keeps the
 * places and bursaries as programme facts, no longer tied to anyone. */
#ifndef CLEVAL_FORGET_H
#define CLEVAL_FORGET_H

#include <stddef.h>

#include "store.h"

typedef struct forget_counts {
  long long personal;   /* leader_personal rows (name, email) */
  long long responses;  /* self-assessment responses (their answers and scores with them) */
  long long answers;    /* answers of those responses */
  long long tokens;     /* survey links, and answers saved in them */
  long long accounts;   /* web accounts (their sessions with them) */
  long long invitations;/* follow-up invitations */
  long long enrolments; /* enrolments kept for the ledger, without the person */
  long long bursaries;  /* bursary claims kept for the ledger, without the person */
} forget_counts;

/* Erases the Careers Leader whose pseudonymous id is leader_key, in one
 * transaction: name and email; every self-assessment response with its
 * answers and area scores; survey links (with saved answers); the
 * follow-up invitation; web accounts and their sessions. The leaders row
 * itself stays only as an anonymous placeholder for the fund's ledger: its
 * id is replaced by a random one that appears nowhere else, its months in
 * role and contact consent are cleared; its establishment and role stay
 * (the hub share of places and the ledger's counts are programme facts).
 * Enrolments and bursary claims stay on that placeholder. An audit entry
 * (actor, time, leader_key, the counts; no personal data) is written in
 * the same transaction. Returns 0; 1 when no Careers Leader has that id
 * (nothing changed); -1 with a message on a database failure (rolled
 * back). */
int forget_leader(store *s, const char *leader_key, const char *actor, forget_counts *out,
                  char *err, size_t errlen);

#endif
