/* The programme's fixed sets: responsibility areas, respondent roles,
 * establishment types and the report's groups of them, survey stages,
 * enrolment statuses and provider accreditations. Each member has a name
 * (as the database, files and report.json store it) and a label (as a
 * reader sees it); every module takes both from here. */
#ifndef CLEVAL_VOCAB_H
#define CLEVAL_VOCAB_H

#include <stdbool.h>
#include <stddef.h>

typedef enum vocab_set {
  VOCAB_AREA,
  VOCAB_ROLE,
  VOCAB_TYPE,
  VOCAB_GROUP,
  VOCAB_STAGE,
  VOCAB_STATUS,
  VOCAB_ACCREDITATION,
  VOCAB_NSETS
} vocab_set;

/* Each set's members, in the order the schema and the report use. */
typedef enum vocab_area {
  VOCAB_LEADERSHIP,
  VOCAB_MANAGEMENT,
  VOCAB_COORDINATION,
  VOCAB_NETWORKING,
  VOCAB_NAREAS
} vocab_area;

typedef enum vocab_role {
  VOCAB_SCHOOL,
  VOCAB_COLLEGE_STRATEGIC,
  VOCAB_COLLEGE_OPERATIONAL,
  VOCAB_NROLES
} vocab_role;

typedef enum vocab_type {
  VOCAB_MAINSTREAM,
  VOCAB_SPECIAL,
  VOCAB_AP,
  VOCAB_FE_COLLEGE,
  VOCAB_SIXTH_FORM_COLLEGE,
  VOCAB_NTYPES
} vocab_type;

/* Establishment types grouped as the seed report's table 1 does. */
typedef enum vocab_group {
  VOCAB_GROUP_COLLEGE,
  VOCAB_GROUP_SEND_AP,
  VOCAB_GROUP_MAINSTREAM,
  VOCAB_NGROUPS
} vocab_group;

typedef enum vocab_stage { VOCAB_PRE, VOCAB_POST, VOCAB_FOLLOWUP, VOCAB_NSTAGES } vocab_stage;

typedef enum vocab_status {
  VOCAB_ENROLLED,
  VOCAB_COMPLETED,
  VOCAB_WITHDRAWN,
  VOCAB_NSTATUSES
} vocab_status;

typedef enum vocab_accreditation {
  VOCAB_NOT_ACCREDITED,
  VOCAB_LEVEL6,
  VOCAB_LEVEL7,
  VOCAB_NACCREDITATIONS
} vocab_accreditation;

/* The number of members of set (0 for a set out of range). */
size_t vocab_count(vocab_set set);

/* The stored name of member v of set ("leadership", "fe_college", "level6");
 * NULL when v or set is out of range. A static string. */
const char *vocab_name(vocab_set set, int v);

/* The reader's label of member v ("Leadership", "FE college", "Level 6");
 * NULL when out of range. A static string. */
const char *vocab_label(vocab_set set, int v);

/* The member whose name is exactly name; -1 for anything else, NULL
 * included. For values read back from the database. */
int vocab_index(vocab_set set, const char *name);

/* The member that text names: its name exactly, or its label in any ASCII
 * case; -1 for anything else, NULL included. */
int vocab_parse(vocab_set set, const char *text);

/* The names of set in order, NULL-terminated (static storage), for code
 * that matches a value against a list. */
const char *const *vocab_names(vocab_set set);

/* The report group of an establishment type; -1 for a type out of range. */
int vocab_type_group(int type);

/* True for the two college types. */
bool vocab_type_is_college(int type);

#endif
