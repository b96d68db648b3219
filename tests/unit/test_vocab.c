/* The fixed sets: every name round-trips, every label parses in any case,
 * and the report's groups of establishment types. */
#include "testutil.h"

#include <ctype.h>

#include "vocab.h"

static void names_round_trip(void **state) {
  (void)state;
  for (int s = 0; s < VOCAB_NSETS; s++) {
    size_t n = vocab_count((vocab_set)s);
    assert_true(n >= 3);
    const char *const *list = vocab_names((vocab_set)s);
    for (size_t i = 0; i < n; i++) {
      const char *name = vocab_name((vocab_set)s, (int)i);
      assert_non_null(name);
      assert_string_equal(list[i], name);
      assert_int_equal(vocab_index((vocab_set)s, name), (int)i);
      assert_int_equal(vocab_parse((vocab_set)s, name), (int)i);
    }
    assert_null(list[n]);
    assert_null(vocab_name((vocab_set)s, (int)n));
    assert_null(vocab_name((vocab_set)s, -1));
    assert_null(vocab_label((vocab_set)s, (int)n));
  }
}

static void labels_parse(void **state) {
  (void)state;
  for (int s = 0; s < VOCAB_NSETS; s++)
    for (size_t i = 0; i < vocab_count((vocab_set)s); i++) {
      const char *label = vocab_label((vocab_set)s, (int)i);
      assert_non_null(label);
      assert_int_equal(vocab_parse((vocab_set)s, label), (int)i);
      char up[64];
      size_t k = 0;
      for (; label[k] && k + 1 < sizeof up; k++)
        up[k] = (char)toupper((unsigned char)label[k]);
      up[k] = '\0';
      assert_int_equal(vocab_parse((vocab_set)s, up), (int)i);
      /* a label is not a stored name */
      if (strcmp(label, vocab_name((vocab_set)s, (int)i)) != 0)
        assert_int_equal(vocab_index((vocab_set)s, label), -1);
    }
}

static void known_members(void **state) {
  (void)state;
  assert_string_equal(vocab_name(VOCAB_AREA, VOCAB_NETWORKING), "networking");
  assert_string_equal(vocab_name(VOCAB_ROLE, VOCAB_COLLEGE_OPERATIONAL), "college_operational");
  assert_string_equal(vocab_name(VOCAB_TYPE, VOCAB_SIXTH_FORM_COLLEGE), "sixth_form_college");
  assert_string_equal(vocab_name(VOCAB_GROUP, VOCAB_GROUP_SEND_AP), "send_ap");
  assert_string_equal(vocab_name(VOCAB_STAGE, VOCAB_FOLLOWUP), "followup");
  assert_string_equal(vocab_name(VOCAB_STATUS, VOCAB_WITHDRAWN), "withdrawn");
  assert_string_equal(vocab_name(VOCAB_ACCREDITATION, VOCAB_NOT_ACCREDITED), "none");
  assert_string_equal(vocab_label(VOCAB_ACCREDITATION, VOCAB_LEVEL7), "Level 7");
  assert_int_equal(vocab_parse(VOCAB_TYPE, "fe college"), VOCAB_FE_COLLEGE);
  assert_int_equal(vocab_parse(VOCAB_ACCREDITATION, "NON-ACCREDITED"), VOCAB_NOT_ACCREDITED);
  assert_int_equal(vocab_parse(VOCAB_AREA, "leader"), -1);
  assert_int_equal(vocab_parse(VOCAB_AREA, ""), -1);
  assert_int_equal(vocab_parse(VOCAB_AREA, NULL), -1);
  assert_int_equal(vocab_index(VOCAB_AREA, "Leadership"), -1);
  assert_int_equal(vocab_count(VOCAB_NSETS), 0);
  assert_null(vocab_names(VOCAB_NSETS));
  assert_int_equal(vocab_parse(VOCAB_NSETS, "pre"), -1);
}

static void type_groups(void **state) {
  (void)state;
  static const int want[VOCAB_NTYPES] = {[VOCAB_MAINSTREAM] = VOCAB_GROUP_MAINSTREAM,
                                         [VOCAB_SPECIAL] = VOCAB_GROUP_SEND_AP,
                                         [VOCAB_AP] = VOCAB_GROUP_SEND_AP,
                                         [VOCAB_FE_COLLEGE] = VOCAB_GROUP_COLLEGE,
                                         [VOCAB_SIXTH_FORM_COLLEGE] = VOCAB_GROUP_COLLEGE};
  for (int t = 0; t < VOCAB_NTYPES; t++) {
    assert_int_equal(vocab_type_group(t), want[t]);
    assert_int_equal(vocab_type_is_college(t), want[t] == VOCAB_GROUP_COLLEGE);
  }
  assert_int_equal(vocab_type_group(VOCAB_NTYPES), -1);
  assert_int_equal(vocab_type_group(-1), -1);
  assert_false(vocab_type_is_college(-1));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(names_round_trip),
      cmocka_unit_test(labels_parse),
      cmocka_unit_test(known_members),
      cmocka_unit_test(type_groups),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
