/* Accounts of the people who sign in to the web server (admins, analysts,
 * providers): adding, listing, removing, checking a password. Passwords are
 * kept only as libsodium argon2id strings (crypto_pwhash_str). */
#ifndef CLEVAL_USER_H
#define CLEVAL_USER_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#include "store.h"

/* Longest user name and password accepted. */
#define USER_NAME_MAX 64
#define USER_PASSWORD_MAX 1024
#define USER_PASSWORD_MIN 8

typedef struct user_info {
  sqlite3_int64 id;
  char *name;
  char *role;         /* admin, analyst, provider */
  char *provider_key; /* for providers, else NULL */
  char *created_at;
} user_info;

/* Whether name is acceptable: 1 to USER_NAME_MAX characters of letters,
 * digits, '.', '_', '-', '@'. */
bool user_name_ok(const char *name);

/* Adds a user in one transaction with an audit entry by actor. role is
 * admin, analyst or provider; provider_key names an existing provider and
 * is required for (and only for) providers. The password (USER_PASSWORD_MIN
 * to USER_PASSWORD_MAX bytes) is hashed here. Returns 0; -1 with a message
 * (and *invalid set to 1 when the input was at fault rather than the
 * database). */
int user_add(store *s, const char *name, const char *role, const char *provider_key,
             const char *password, const char *actor, int *invalid, char *err, size_t errlen);

/* Removes a user and their sessions, with an audit entry. -1 with a message
 * when there is no such user (*invalid = 1) or the database fails. */
int user_remove(store *s, const char *name, const char *actor, int *invalid, char *err,
                size_t errlen);

/* Every user, ordered by name. Free with user_list_free. */
int user_list(store *s, user_info **out, size_t *n, char *err, size_t errlen);
void user_list_free(user_info *u, size_t n);

/* Checks a name and password. Returns 1 and fills *out (free its strings
 * with user_info_clear) when they match; 0 when they do not (the time taken
 * is about the same whether or not the user exists); -1 on a database
 * failure. */
int user_check(store *s, const char *name, const char *password, user_info *out, char *err,
               size_t errlen);

/* Looks a user up by id; 1 found (fill *out), 0 not, -1 failure. */
int user_get(store *s, sqlite3_int64 id, user_info *out, char *err, size_t errlen);

void user_info_clear(user_info *u);

#endif
