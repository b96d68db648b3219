/* The programme's fixed sets (areas, roles, establishment types, groups,
 * stages, statuses, accreditations): one table of names and labels. */
#include "vocab.h"

#include <string.h>
#include <strings.h>

typedef struct vocab_table {
  const char *const *names; /* NULL-terminated */
  const char *const *labels;
  size_t n;
} vocab_table;

static const char *const area_names[] = {"leadership", "management", "coordination", "networking",
                                         NULL};
static const char *const area_labels[] = {"Leadership", "Management", "Coordination", "Networking"};
static const char *const role_names[] = {"school", "college_strategic", "college_operational",
                                         NULL};
static const char *const role_labels[] = {"School", "College, strategic", "College, operational"};
static const char *const type_names[] = {"mainstream",         "special", "ap", "fe_college",
                                         "sixth_form_college", NULL};
static const char *const type_labels[] = {"Mainstream school", "Special school",
                                          "Alternative provision", "FE college",
                                          "Sixth form college"};
static const char *const group_names[] = {"college", "send_ap", "mainstream", NULL};
static const char *const group_labels[] = {"Colleges", "Special schools and alternative provision",
                                           "Mainstream schools"};
static const char *const stage_names[] = {"pre", "post", "followup", NULL};
static const char *const stage_labels[] = {"Pre", "Post", "Follow-up"};
static const char *const status_names[] = {"enrolled", "completed", "withdrawn", NULL};
static const char *const status_labels[] = {"Enrolled", "Completed", "Withdrawn"};
static const char *const accreditation_names[] = {"none", "level6", "level7", NULL};
static const char *const accreditation_labels[] = {"Non-accredited", "Level 6", "Level 7"};

#define TABLE(names, labels, n)                                                                    \
  { names, labels, n }
static const vocab_table tables[VOCAB_NSETS] = {
    [VOCAB_AREA] = TABLE(area_names, area_labels, VOCAB_NAREAS),
    [VOCAB_ROLE] = TABLE(role_names, role_labels, VOCAB_NROLES),
    [VOCAB_TYPE] = TABLE(type_names, type_labels, VOCAB_NTYPES),
    [VOCAB_GROUP] = TABLE(group_names, group_labels, VOCAB_NGROUPS),
    [VOCAB_STAGE] = TABLE(stage_names, stage_labels, VOCAB_NSTAGES),
    [VOCAB_STATUS] = TABLE(status_names, status_labels, VOCAB_NSTATUSES),
    [VOCAB_ACCREDITATION] = TABLE(accreditation_names, accreditation_labels, VOCAB_NACCREDITATIONS),
};

/* Each list holds its enumeration's count of members. */
_Static_assert(sizeof area_labels / sizeof *area_labels == VOCAB_NAREAS, "areas");
_Static_assert(sizeof role_labels / sizeof *role_labels == VOCAB_NROLES, "roles");
_Static_assert(sizeof type_labels / sizeof *type_labels == VOCAB_NTYPES, "types");
_Static_assert(sizeof group_labels / sizeof *group_labels == VOCAB_NGROUPS, "groups");
_Static_assert(sizeof stage_labels / sizeof *stage_labels == VOCAB_NSTAGES, "stages");
_Static_assert(sizeof status_labels / sizeof *status_labels == VOCAB_NSTATUSES, "statuses");
_Static_assert(sizeof accreditation_labels / sizeof *accreditation_labels == VOCAB_NACCREDITATIONS,
               "accreditations");
_Static_assert(sizeof area_names / sizeof *area_names == VOCAB_NAREAS + 1, "area names");
_Static_assert(sizeof role_names / sizeof *role_names == VOCAB_NROLES + 1, "role names");
_Static_assert(sizeof type_names / sizeof *type_names == VOCAB_NTYPES + 1, "type names");
_Static_assert(sizeof group_names / sizeof *group_names == VOCAB_NGROUPS + 1, "group names");
_Static_assert(sizeof stage_names / sizeof *stage_names == VOCAB_NSTAGES + 1, "stage names");
_Static_assert(sizeof status_names / sizeof *status_names == VOCAB_NSTATUSES + 1, "status names");
_Static_assert(sizeof accreditation_names / sizeof *accreditation_names ==
                   VOCAB_NACCREDITATIONS + 1,
               "accreditation names");

static const vocab_table *table_of(vocab_set set) {
  return (unsigned)set < VOCAB_NSETS ? &tables[set] : NULL;
}

size_t vocab_count(vocab_set set) {
  const vocab_table *t = table_of(set);
  return t ? t->n : 0;
}

const char *vocab_name(vocab_set set, int v) {
  const vocab_table *t = table_of(set);
  return t && v >= 0 && (size_t)v < t->n ? t->names[v] : NULL;
}

const char *vocab_label(vocab_set set, int v) {
  const vocab_table *t = table_of(set);
  return t && v >= 0 && (size_t)v < t->n ? t->labels[v] : NULL;
}

int vocab_index(vocab_set set, const char *name) {
  const vocab_table *t = table_of(set);
  if (!t || !name)
    return -1;
  for (size_t i = 0; i < t->n; i++)
    if (strcmp(name, t->names[i]) == 0)
      return (int)i;
  return -1;
}

int vocab_parse(vocab_set set, const char *text) {
  int v = vocab_index(set, text);
  const vocab_table *t = table_of(set);
  if (v >= 0 || !t || !text)
    return v;
  for (size_t i = 0; i < t->n; i++)
    if (strcasecmp(text, t->labels[i]) == 0)
      return (int)i;
  return -1;
}

const char *const *vocab_names(vocab_set set) {
  const vocab_table *t = table_of(set);
  return t ? t->names : NULL;
}

int vocab_type_group(int type) {
  switch (type) {
  case VOCAB_FE_COLLEGE:
  case VOCAB_SIXTH_FORM_COLLEGE: return VOCAB_GROUP_COLLEGE;
  case VOCAB_SPECIAL:
  case VOCAB_AP: return VOCAB_GROUP_SEND_AP;
  case VOCAB_MAINSTREAM: return VOCAB_GROUP_MAINSTREAM;
  default: return -1;
  }
}

bool vocab_type_is_college(int type) { return vocab_type_group(type) == VOCAB_GROUP_COLLEGE; }
