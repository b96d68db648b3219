/* Random tokens, their hashes, MACs and constant-time comparison (see
 * token.h), on libsodium. */
#include "token.h"

#include <sodium.h>
#include <string.h>

int token_init(void) { return sodium_init() < 0 ? -1 : 0; }

void token_new(char *out, size_t nbytes) {
  unsigned char raw[32];
  if (nbytes < 1 || nbytes > sizeof raw)
    nbytes = sizeof raw;
  randombytes_buf(raw, nbytes);
  sodium_bin2base64(out, TOKEN_MAX, raw, nbytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(raw, sizeof raw);
}

void token_hash(const char *s, char *hex) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
  sodium_bin2hex(hex, TOKEN_HASH_HEX, h, sizeof h);
}

bool token_well_formed(const char *s, size_t nbytes) {
  size_t want = sodium_base64_ENCODED_LEN(nbytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING) - 1;
  size_t n = 0;
  for (; s[n]; n++) {
    char c = s[n];
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok || n >= want)
      return false;
  }
  return n == want;
}

void token_key_new(unsigned char *key) { randombytes_buf(key, TOKEN_KEY_BYTES); }

void token_mac(const unsigned char *key, const char *msg, size_t len, char *out) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, key, TOKEN_KEY_BYTES);
  crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, len);
  crypto_auth_hmacsha256_final(&st, mac);
  sodium_bin2base64(out, TOKEN_MAX, mac, sizeof mac, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

bool token_equal(const char *a, const char *b) {
  if (!a || !b)
    return false;
  size_t la = strlen(a), lb = strlen(b);
  if (la != lb)
    return false;
  return sodium_memcmp(a, b, la) == 0;
}
