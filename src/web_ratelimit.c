/* Failure counting per key in fixed windows (see web_ratelimit.h). A small
 * open table searched linearly: it holds only keys that failed recently. */
#include "web_ratelimit.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

#define KEY_MAX 160

typedef struct entry {
  char key[KEY_MAX];
  time_t start;
  int count;
} entry;

struct web_ratelimit {
  pthread_mutex_t lock;
  int max, window, cap, n;
  entry *e;
};

web_ratelimit *web_ratelimit_new(int max, int window, int capacity) {
  web_ratelimit *rl = xcalloc(1, sizeof *rl);
  pthread_mutex_init(&rl->lock, NULL);
  rl->max = max < 1 ? 1 : max;
  rl->window = window < 1 ? 1 : window;
  rl->cap = capacity < 1 ? 1 : capacity;
  rl->e = xcalloc((size_t)rl->cap, sizeof *rl->e);
  return rl;
}

void web_ratelimit_free(web_ratelimit *rl) {
  if (!rl)
    return;
  pthread_mutex_destroy(&rl->lock);
  free(rl->e);
  free(rl);
}

static entry *find(web_ratelimit *rl, const char *key) {
  for (int i = 0; i < rl->n; i++)
    if (strncmp(rl->e[i].key, key, KEY_MAX - 1) == 0)
      return &rl->e[i];
  return NULL;
}

bool web_ratelimit_blocked(web_ratelimit *rl, const char *key, time_t now) {
  pthread_mutex_lock(&rl->lock);
  entry *e = find(rl, key);
  bool blocked = e && now - e->start < rl->window && e->count >= rl->max;
  pthread_mutex_unlock(&rl->lock);
  return blocked;
}

void web_ratelimit_fail(web_ratelimit *rl, const char *key, time_t now) {
  pthread_mutex_lock(&rl->lock);
  entry *e = find(rl, key);
  if (!e) {
    if (rl->n < rl->cap) {
      e = &rl->e[rl->n++];
    } else {
      /* Full: reuse an expired entry, else the oldest. */
      e = &rl->e[0];
      for (int i = 0; i < rl->n; i++) {
        if (now - rl->e[i].start >= rl->window) {
          e = &rl->e[i];
          break;
        }
        if (rl->e[i].start < e->start)
          e = &rl->e[i];
      }
    }
    memset(e, 0, sizeof *e);
    strncpy(e->key, key, KEY_MAX - 1);
    e->start = now;
  } else if (now - e->start >= rl->window) {
    e->start = now;
    e->count = 0;
  }
  e->count++;
  pthread_mutex_unlock(&rl->lock);
}

void web_ratelimit_clear(web_ratelimit *rl, const char *key) {
  pthread_mutex_lock(&rl->lock);
  entry *e = find(rl, key);
  if (e) {
    *e = rl->e[rl->n - 1];
    rl->n--;
  }
  pthread_mutex_unlock(&rl->lock);
}
