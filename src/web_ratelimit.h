/* Counting failures per key (an account, an address) in a window of time,
 * to slow down password and token guessing. In memory, shared by the
 * server's threads (a mutex), bounded in size: when full, the entry whose
 * window started first is forgotten. */
#ifndef CLEVAL_WEB_RATELIMIT_H
#define CLEVAL_WEB_RATELIMIT_H

#include <stdbool.h>
#include <time.h>

typedef struct web_ratelimit web_ratelimit;

/* A limiter allowing max failures per key within window seconds, keeping
 * at most capacity keys. Free with web_ratelimit_free. */
web_ratelimit *web_ratelimit_new(int max, int window, int capacity);
void web_ratelimit_free(web_ratelimit *rl);

/* Whether key has reached max failures in its current window at time now. */
bool web_ratelimit_blocked(web_ratelimit *rl, const char *key, time_t now);

/* Counts one failure for key at now (a new window when the last ended). */
void web_ratelimit_fail(web_ratelimit *rl, const char *key, time_t now);

/* Forgets key's failures (after a success). */
void web_ratelimit_clear(web_ratelimit *rl, const char *key);

#endif
