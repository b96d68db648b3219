/* Secrets handed to people: random tokens (survey links, sessions), their
 * SHA-256 as the database keeps them, keyed MACs (CSRF) and comparisons in
 * constant time. All randomness comes from libsodium. */
#ifndef CLEVAL_TOKEN_H
#define CLEVAL_TOKEN_H

#include <stdbool.h>
#include <stddef.h>

/* Room for a token of up to 32 random bytes in base64url (no padding) and
 * its NUL; and for a SHA-256 in lower-case hex and its NUL. */
#define TOKEN_MAX 48
#define TOKEN_HASH_HEX 65
#define TOKEN_KEY_BYTES 32

/* Initialises libsodium; call once before anything else here. Returns 0,
 * or -1 when no secure randomness is available. */
int token_init(void);

/* Writes nbytes (1 to 32) random bytes as base64url without padding into
 * out (at least TOKEN_MAX bytes): 16 bytes give 22 characters, 32 give 43. */
void token_new(char *out, size_t nbytes);

/* Writes the SHA-256 of s (its bytes up to the NUL) as 64 lower-case hex
 * digits and a NUL into hex (TOKEN_HASH_HEX bytes). */
void token_hash(const char *s, char *hex);

/* Whether s looks like a token of nbytes random bytes: the right length,
 * only base64url characters. Says nothing about whether it exists. */
bool token_well_formed(const char *s, size_t nbytes);

/* Fills key with TOKEN_KEY_BYTES random bytes. */
void token_key_new(unsigned char *key);

/* Writes HMAC-SHA-256 under key of the message (len bytes) as base64url
 * (43 characters and a NUL) into out (TOKEN_MAX bytes). */
void token_mac(const unsigned char *key, const char *msg, size_t len, char *out);

/* Whether two NUL-terminated strings are equal, in time that depends only
 * on their lengths (not on where they differ). NULL equals nothing. */
bool token_equal(const char *a, const char *b);

#endif
