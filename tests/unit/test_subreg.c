/* Tests for the survey register: keys seen twice, submissions registered,
 * found again with what they answer, decided, and walked in each order. */
#include "testutil.h"

#include "subreg.h"

static subreg *open_reg(size_t nwords) {
  subreg *r;
  char err[256];
  assert_int_equal(subreg_open(&r, nwords, err, sizeof err), 0);
  return r;
}

static void test_seen(void **state) {
  (void)state;
  subreg *r = open_reg(1);
  char err[256];
  long first = -1;
  assert_int_equal(subreg_seen(r, "a", 1, 2, &first, err, sizeof err), 1);
  assert_int_equal(subreg_seen(r, "b", 1, 3, &first, err, sizeof err), 1);
  /* Keys are bytes: "a\0" is not "a". */
  assert_int_equal(subreg_seen(r, "a\0", 2, 4, &first, err, sizeof err), 1);
  assert_int_equal(subreg_seen(r, "a", 1, 9, &first, err, sizeof err), 0);
  assert_int_equal(first, 2);
  assert_int_equal(subreg_seen(r, "b", 1, 10, &first, err, sizeof err), 0);
  assert_int_equal(first, 3);
  subreg_free(r);
}

/* Keys past the memory budget go to the temporary database: a key is found
 * again wherever it is kept, with the line it was first seen on, and the
 * table's growth (rehashing) loses none. */
static void test_seen_budget(void **state) {
  (void)state;
  for (int budget = 0; budget < 3; budget++) {
    subreg *r = open_reg(1);
    /* No memory, room for the table's first 1,024 slots and some keys,
     * the default. */
    if (budget < 2)
      subreg_seen_memory(r, budget == 0 ? 0 : 1024 * 16 + 200 * 20);
    char err[256], key[32];
    long first = -1;
    for (int i = 0; i < 5000; i++) {
      int n = snprintf(key, sizeof key, "k%d", i);
      assert_int_equal(subreg_seen(r, key, (size_t)n, 100 + i, &first, err, sizeof err), 1);
    }
    for (int i = 4999; i >= 0; i -= 7) {
      int n = snprintf(key, sizeof key, "k%d", i);
      first = -1;
      assert_int_equal(subreg_seen(r, key, (size_t)n, 9, &first, err, sizeof err), 0);
      assert_int_equal(first, 100 + i);
    }
    /* A prefix of keys is another key. */
    assert_int_equal(subreg_seen(r, "k49", 1, 7, &first, err, sizeof err), 1);
    subreg_free(r);
  }
}

/* A proto for a leader's submission. */
static void proto_set(subreg_sub *p, const char *name, int64_t leader, int stage, int64_t when,
                      const char *at) {
  strbuf_reset(&p->name);
  strbuf_puts(&p->name, name);
  strbuf_reset(&p->submitted_at);
  strbuf_puts(&p->submitted_at, at);
  p->leader_id = leader;
  p->stage = stage;
  p->role = 0;
  p->when = when;
}

static void test_find_and_save(void **state) {
  (void)state;
  subreg *r = open_reg(2); /* 128 items */
  char err[256];
  subreg_sub cur, proto;
  subreg_sub_init(&cur, r);
  subreg_sub_init(&proto, r);
  bool added;
  proto_set(&proto, "L1", 7, 0, 1000, "2019-09-23");
  assert_int_equal(subreg_find(r, "k1", 2, &proto, 2, &cur, &added, err, sizeof err), 0);
  assert_true(added);
  assert_int_equal(cur.line, 2);
  assert_int_equal(cur.nanswers, 0);
  int64_t id1 = cur.id;
  /* Answers: item 3 and item 100 (in the second word). */
  cur.bits[0] |= 1u << 3;
  cur.bits[1] |= (uint64_t)1 << (100 - 64);
  cur.nanswers = 2;
  cur.nknow = 1;
  cur.sum[1] = 4;
  cur.cnt[1] = 1;
  cur.fp = 12345;
  cur.dirty = true;
  /* Another key: the first is written back on the way. */
  proto_set(&proto, "L2", 8, 1, 2000, "2020-01-01");
  assert_int_equal(subreg_find(r, "k2", 2, &proto, 5, &cur, &added, err, sizeof err), 0);
  assert_true(added);
  assert_true(cur.id != id1);
  assert_int_equal(cur.bits[0], 0);
  assert_int_equal(cur.bits[1], 0);
  /* Back to the first: everything as left, and the proto ignored. */
  proto_set(&proto, "other", 99, 1, 5, "x");
  assert_int_equal(subreg_find(r, "k1", 2, &proto, 40, &cur, &added, err, sizeof err), 0);
  assert_false(added);
  assert_int_equal(cur.id, id1);
  assert_string_equal(strbuf_str(&cur.name), "L1");
  assert_string_equal(strbuf_str(&cur.submitted_at), "2019-09-23");
  assert_int_equal(cur.leader_id, 7);
  assert_int_equal(cur.stage, 0);
  assert_int_equal(cur.when, 1000);
  assert_int_equal(cur.line, 2);
  assert_int_equal(cur.nanswers, 2);
  assert_int_equal(cur.nknow, 1);
  assert_int_equal(cur.fp, 12345);
  assert_true(cur.sum[1] == 4);
  assert_int_equal(cur.cnt[1], 1);
  assert_int_equal(cur.bits[0], 1u << 3);
  assert_int_equal(cur.bits[1], (uint64_t)1 << 36);
  assert_int_equal(subreg_count(r), 2);
  subreg_sub_free(&cur);
  subreg_sub_free(&proto);
  subreg_free(r);
}

static void test_decide_and_walk(void **state) {
  (void)state;
  subreg *r = open_reg(1);
  char err[256];
  subreg_sub cur, proto, w;
  subreg_sub_init(&cur, r);
  subreg_sub_init(&proto, r);
  subreg_sub_init(&w, r);
  bool added;
  /* Registered in this order: leader 9 post, leader 3 pre (line 7),
   * leader 3 pre (line 4), leader 3 post. */
  struct {
    const char *key;
    int64_t leader;
    int stage;
    long line;
    int answers;
  } subs[] = {{"a", 9, 1, 2, 5}, {"b", 3, 0, 7, 3}, {"c", 3, 0, 4, 1}, {"d", 3, 1, 9, 2}};
  int64_t ids[4];
  for (int i = 0; i < 4; i++) {
    proto_set(&proto, "L", subs[i].leader, subs[i].stage, 0, "t");
    assert_int_equal(
        subreg_find(r, subs[i].key, 1, &proto, subs[i].line, &cur, &added, err, sizeof err), 0);
    cur.nanswers = subs[i].answers;
    cur.dirty = true;
    ids[i] = cur.id;
  }
  assert_int_equal(subreg_save(r, &cur, err, sizeof err), 0);
  /* By leader, stage and line. */
  long want_lines[] = {4, 7, 9, 2};
  assert_int_equal(subreg_begin(r, SUBREG_BY_LEADER, err, sizeof err), 0);
  for (int i = 0; i < 4; i++) {
    assert_int_equal(subreg_next(r, &w, err, sizeof err), 1);
    assert_int_equal(w.line, want_lines[i]);
  }
  assert_int_equal(subreg_next(r, &w, err, sizeof err), 0);
  /* Decisions: a added, b discarded, c updated, d the same. */
  assert_int_equal(subreg_decide(r, ids[0], SUBREG_ADD, 100, err, sizeof err), 0);
  assert_int_equal(subreg_decide(r, ids[1], SUBREG_DISCARD, 0, err, sizeof err), 0);
  assert_int_equal(subreg_decide(r, ids[2], SUBREG_UPDATE, 42, err, sizeof err), 0);
  assert_int_equal(subreg_decide(r, ids[3], SUBREG_SAME, 43, err, sizeof err), 0);
  int action;
  int64_t rid;
  assert_int_equal(subreg_action(r, ids[2], &action, &rid, err, sizeof err), 0);
  assert_int_equal(action, SUBREG_UPDATE);
  assert_int_equal(rid, 42);
  assert_int_equal(subreg_action(r, 999, &action, &rid, err, sizeof err), 0);
  assert_int_equal(action, SUBREG_DISCARD);
  assert_int_equal(rid, 0);
  /* Only the added and the updated are written, with their answers. */
  assert_int_equal(subreg_answers_to_write(r, err, sizeof err), 5 + 1);
  assert_int_equal(subreg_begin(r, SUBREG_WRITES, err, sizeof err), 0);
  assert_int_equal(subreg_next(r, &w, err, sizeof err), 1);
  assert_int_equal(w.id, ids[0]);
  assert_int_equal(w.action, SUBREG_ADD);
  assert_int_equal(w.response_id, 100);
  assert_int_equal(subreg_next(r, &w, err, sizeof err), 1);
  assert_int_equal(w.id, ids[2]);
  assert_int_equal(w.response_id, 42);
  assert_int_equal(subreg_next(r, &w, err, sizeof err), 0);
  /* By id: the order registered. */
  assert_int_equal(subreg_begin(r, SUBREG_BY_ID, err, sizeof err), 0);
  for (int i = 0; i < 4; i++) {
    assert_int_equal(subreg_next(r, &w, err, sizeof err), 1);
    assert_int_equal(w.id, ids[i]);
  }
  assert_int_equal(subreg_next(r, &w, err, sizeof err), 0);
  assert_int_equal(subreg_begin(r, 7, err, sizeof err), -1);
  subreg_sub_free(&cur);
  subreg_sub_free(&proto);
  subreg_sub_free(&w);
  subreg_free(r);
  subreg_free(NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_seen),
      cmocka_unit_test(test_seen_budget),
      cmocka_unit_test(test_find_and_save),
      cmocka_unit_test(test_decide_and_walk),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
