#!/usr/bin/python3
"""Writes the broken-file corpus tests/cli/import_broken_NN/ (run from the
repository root: /usr/bin/python3 tests/data/broken/make_cases.py). Each case
imports one broken file into a small database; the expected outcome is exit
status 3, a message naming FILE:LINE:COLUMN (and what is wrong) on stderr,
and the database file byte-for-byte unchanged."""
import os, shutil

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'cli')

EST = """urn,name,type,region,hub,fsm_pct
100001,Oak School,mainstream,North West,Greater Manchester,20
100002,Elm College,fe_college,North East,,15
"""
LEADERS = """leader_id,urn,role,months_in_role,contact_consent
L1,100001,school,12,1
L2,100002,college_strategic,30,0
"""
PROVIDERS = """provider_id,name,accreditation
P1,Provider One,level6
"""
PRE = """leader_id,stage,submitted_at,item_id,value
L1,pre,2019-10-01T09:00:00,school_lead_01,3
"""
BASES = {'est': ('establishments', EST), 'leaders': ('leaders', LEADERS),
         'providers': ('providers', PROVIDERS), 'pre': ('self-assessment', PRE)}

E_HEAD = "urn,name,type,region,hub,fsm_pct,hub_joined\n"
E_ROW = "100003,Ash School,mainstream,North West,,12.5,\n"
L_HEAD = "leader_id,urn,role,months_in_role,contact_consent,name,email\n"
N_HEAD = "leader_id,provider_id,wave,start_date,completion_date,status,bursary_claimed_date\n"
S_HEAD = "leader_id,stage,submitted_at,item_id,value\n"
T_HEAD = "response_id,submitted_at,item_id,value\n"
C_HEAD = "urn,submitted_at,bm1,bm2,bm3,bm4,bm5,bm6,bm7,bm8\n"

# (title, kind, bases, content (str or bytes; None: made by the cmd script),
#  expected "LINE:COL" or None, a fixed string stderr must hold, extra args)
CASES = [
    ("an empty file", 'establishments', [], "", "1:1", "the file is empty", ""),
    ("blank lines only", 'establishments', [], "\n\r\n\n", "1:1", "the file is empty", ""),
    ("a quoted field never closed", 'establishments', [],
     E_HEAD + '100003,"Ash School,mainstream,North West,,12.5,\n', "2:2",
     "never closed", ""),
    ("a quote inside an unquoted field", 'establishments', [],
     E_HEAD + '100003,Ash "Tree" School,mainstream,North West,,12.5,\n', "2:2",
     "malformed quoting", ""),
    ("text after a closing quote", 'establishments', [],
     E_HEAD + '100003,"Ash" School,mainstream,North West,,12.5,\n', "2:2",
     "malformed quoting", ""),
    ("semicolons for commas", 'establishments', [],
     E_HEAD.replace(',', ';') + E_ROW.replace(',', ';'), "1:1", "separated by semicolons", ""),
    ("tabs for commas", 'establishments', [],
     E_HEAD.replace(',', '\t') + E_ROW.replace(',', '\t'), "1:1", "separated by tabs", ""),
    ("no header row", 'establishments', [], E_ROW + E_ROW.replace('100003', '100004'), "1:1",
     "the first line is not a header", ""),
    ("a required column missing", 'establishments', [],
     "urn,name,type,region,hub\n100003,Ash School,mainstream,North West,\n", "1:1",
     'missing column "fsm_pct"', ""),
    ("an unknown column", 'establishments', [],
     E_HEAD.rstrip('\n') + ",postcode\n" + E_ROW.rstrip('\n') + ",M1 1AA\n", "1:8",
     'unknown column "postcode"', ""),
    ("a column named twice", 'establishments', [],
     E_HEAD.rstrip('\n') + ",region\n" + E_ROW.rstrip('\n') + ",North West\n", "1:8",
     "region: this column appears twice", ""),
    ("a percentage over 100", 'establishments', [],
     E_HEAD + E_ROW.replace('12.5', '120'), "2:6", 'fsm_pct: "120" is not a percentage', ""),
    ("a percentage that is not a number", 'establishments', [],
     E_HEAD + E_ROW.replace('12.5', 'high'), "2:6", 'fsm_pct: "high" is not a number', ""),
    ("an unknown establishment type", 'establishments', [],
     E_HEAD + E_ROW.replace('mainstream', 'academy'), "2:3", 'type: "academy" is not one of',
     ""),
    ("a date that does not exist", 'establishments', [],
     E_HEAD + E_ROW.replace(',,12.5,', ',Hub A,12.5,2019-02-30'), "2:7",
     'hub_joined: "2019-02-30" is not a real date', ""),
    ("a date not in ISO 8601 form", 'establishments', [],
     E_HEAD + E_ROW.replace(',,12.5,', ',Hub A,12.5,01.09.2019'), "2:7",
     'hub_joined: "01.09.2019" is not a date', ""),
    ("the same urn twice", 'establishments', [], E_HEAD + E_ROW + E_ROW, "3:1",
     "appears twice in the file (first on line 2)", ""),
    ("a row with too many fields", 'establishments', [],
     E_HEAD + E_ROW.rstrip('\n') + ",extra\n", "2:8", "the row has 8 fields but the header has 7",
     ""),
    ("a row with too few fields", 'establishments', [],
     E_HEAD + "100003,Ash School,mainstream,North West\n", "2:5",
     "the row has 4 fields but the header has 7", ""),
    ("invalid UTF-8", 'establishments', [],
     (E_HEAD + E_ROW.replace('Ash', 'Ash\xff')).encode('latin-1'), "2:2",
     "name: field is not valid UTF-8", ""),
    ("a NUL byte in a field", 'establishments', [],
     E_HEAD + E_ROW.replace('Ash', 'A\0sh'), "2:2", "name: the value contains a NUL byte", ""),
    ("an empty required value", 'establishments', [],
     E_HEAD + E_ROW.replace('100003', ''), "2:1", "urn: empty; a value is required", ""),
    ("a column with no name", 'establishments', [],
     E_HEAD.rstrip('\n') + ",\n" + E_ROW.rstrip('\n') + ",x\n", "2:8", "column 8 has no name",
     ""),
    ("a 10 MB field", 'establishments', [], None, "2:2", "bytes", ""),
    ("a leader at an establishment that does not exist", 'leaders', ['est'],
     L_HEAD + "L3,999999,school,12,1,,\n", "2:2",
     'urn: no establishment has URN "999999"', ""),
    ("an unknown role", 'leaders', ['est'], L_HEAD + "L3,100001,careers_adviser,12,1,,\n",
     "2:3", 'role: "careers_adviser" is not one of', ""),
    ("a negative number of months", 'leaders', ['est'], L_HEAD + "L3,100001,school,-3,1,,\n",
     "2:4", 'months_in_role: "-3" is out of range', ""),
    ("consent that is not 0 or 1", 'leaders', ['est'], L_HEAD + "L3,100001,school,12,maybe,,\n",
     "2:5", 'contact_consent: "maybe" is not 1 or 0 (Yes or No)', ""),
    ("an email address that is not one", 'leaders', ['est'],
     L_HEAD + "L3,100001,school,12,1,Ann Lee,ann.lee.example.org\n", "2:7",
     'email: "ann.lee.example.org" is not an email address', ""),
    ("an unknown accreditation", 'providers', [],
     "provider_id,name,accreditation\nP2,Provider Two,level5\n", "2:3",
     'accreditation: "level5" is not one of', ""),
    ("an enrolment of a leader who does not exist", 'enrolments', ['est', 'leaders', 'providers'],
     N_HEAD + "L9,P1,1,2019-10-01,,enrolled,\n", "2:1", 'leader_id: no Careers Leader has the id "L9"',
     ""),
    ("an enrolment with a provider that does not exist", 'enrolments',
     ['est', 'leaders', 'providers'], N_HEAD + "L1,P9,1,2019-10-01,,enrolled,\n", "2:2",
     'provider_id: no provider has the id "P9"', ""),
    ("a completion before the start", 'enrolments', ['est', 'leaders', 'providers'],
     N_HEAD + "L1,P1,1,2019-10-01,2019-09-01,completed,\n", "2:5",
     "is dated before the start", ""),
    ("completed without a completion date", 'enrolments', ['est', 'leaders', 'providers'],
     N_HEAD + "L1,P1,1,2019-10-01,,completed,\n", "2:5", "but the status is completed", ""),
    ("wave 0", 'enrolments', ['est', 'leaders', 'providers'],
     N_HEAD + "L1,P1,0,2019-10-01,,enrolled,\n", "2:3", 'wave: "0" is out of range', ""),
    ("a Likert answer of 6", 'self-assessment', ['est', 'leaders'],
     S_HEAD + "L1,pre,2019-10-01,school_lead_01,6\n", "2:5",
     'value: "6" is not on the agree5 scale', ""),
    ("a Likert answer of 0", 'self-assessment', ['est', 'leaders'],
     S_HEAD + "L1,pre,2019-10-01,school_lead_01,0\n", "2:5",
     'value: "0" is not on the agree5 scale', ""),
    ("an item that does not exist", 'self-assessment', ['est', 'leaders'],
     S_HEAD + "L1,pre,2019-10-01,school_lead_99,4\n", "2:4",
     'item_id: "school_lead_99" is not an item of any instrument', ""),
    ("an item of another role's instrument", 'self-assessment', ['est', 'leaders'],
     S_HEAD + "L1,pre,2019-10-01,strat_lead_01,4\n", "2:4",
     "strat_lead_01 is a college_strategic item, but leader L1 is a school Careers Leader", ""),
    ("a post-training item in the pre survey", 'self-assessment', ['est', 'leaders'],
     S_HEAD + "L1,pre,2019-10-01,post_knowledge,4\n", "2:4",
     "post_knowledge is asked after training only", ""),
    ("a post survey dated before the pre survey in the database", 'self-assessment',
     ['est', 'leaders', 'pre'], S_HEAD + "L1,post,2019-09-01,school_lead_01,4\n", "2:3",
     "post survey (2019-09-01) is dated before their pre survey", ""),
    ("a post survey dated before the pre survey in the same file", 'self-assessment',
     ['est', 'leaders'],
     S_HEAD + "L1,pre,2020-01-10,school_lead_01,3\nL1,post,2019-12-01,school_lead_01,4\n",
     "3:3", "is dated before their pre survey (2020-01-10, line 2)", ""),
    ("an item answered twice in one response", 'self-assessment', ['est', 'leaders'],
     S_HEAD + "L1,pre,2019-10-01,school_lead_01,4\nL1,pre,2019-10-01,school_lead_01,5\n", "3:4",
     "item school_lead_01 is answered twice in the same response", ""),
    ("an unknown stage", 'self-assessment', ['est', 'leaders'],
     S_HEAD + "L1,mid,2019-10-01,school_lead_01,4\n", "2:2", 'stage: "mid" is not one of', ""),
    ("an answer from a leader who does not exist", 'self-assessment', ['est', 'leaders'],
     S_HEAD + "L9,pre,2019-10-01,school_lead_01,4\n", "2:1",
     'leader_id: no Careers Leader has the id "L9"', ""),
    ("a submission time that is not a date", 'self-assessment', ['est', 'leaders'],
     S_HEAD + "L1,pre,yesterday,school_lead_01,4\n", "2:3",
     'submitted_at: "yesterday" is not a date', ""),
    ("a value without an item", 'self-assessment', ['est', 'leaders'],
     S_HEAD + "L1,pre,2019-10-01,,4\n", "2:4", "item_id: empty, but the row has a value", ""),
    ("a wide survey file with an answer off the scale", 'self-assessment', ['est', 'leaders'],
     "leader_id,stage,submitted_at,school_lead_01,school_lead_02\nL1,pre,2019-10-01,4,9\n",
     "2:5", 'school_lead_02: "9" is not on the agree5 scale', ""),
    ("a wide survey file with a column that is no item", 'self-assessment', ['est', 'leaders'],
     "leader_id,stage,submitted_at,school_lead_01,q17\nL1,pre,2019-10-01,4,3\n", "1:5",
     'unknown column "q17"', ""),
    ("two pre submissions under the duplicates rule error", 'self-assessment',
     ['est', 'leaders'],
     S_HEAD + "L1,pre,2019-10-01T09:00,school_lead_01,4\nL1,pre,2019-10-01T09:05,school_lead_01,5\n",
     "3:1", "the duplicates rule is error", " --duplicates error"),
    ("a confidence answer that is not a code of its scale", 'long-term', [],
     T_HEAD + "R1,2021-03-01,lt_conf_leadership,very_much\n", "2:4",
     'value: "very_much" is not on the confidence4 scale', ""),
    ("one long-term response with two submission times", 'long-term', [],
     T_HEAD + "R1,2021-03-01,lt_conf_leadership,very\nR1,2021-03-02,lt_conf_management,quite\n",
     "3:2", "a response has one submission time", ""),
    ("a self-assessment item in the long-term survey", 'long-term', [],
     T_HEAD + "R1,2021-03-01,school_lead_01,4\n", "2:3",
     "school_lead_01 belongs to the self-assessment instrument", ""),
    ("a benchmark percentage over 100", 'compass', ['est'],
     C_HEAD + "100001,2020-11-01,50,50,101,50,50,50,50,50\n", "2:5",
     'bm3: "101" is not a percentage', ""),
    ("a Compass return for an establishment that does not exist", 'compass', ['est'],
     C_HEAD + "999999,2020-11-01,50,50,50,50,50,50,50,50\n", "2:1",
     'urn: no establishment has URN "999999"', ""),
    ("a benchmark column missing", 'compass', ['est'],
     C_HEAD.replace(',bm8', '') + "100001,2020-11-01,50,50,50,50,50,50,50\n", "1:1",
     'missing column "bm8"', ""),
    ("a college criterion in a school's return", 'compass', ['est'],
     C_HEAD.rstrip('\n') + ",c14_college_bm1_1\n100001,2020-11-01,50,50,50,50,50,50,50,50,1\n",
     "2:11", "a criterion for colleges, but establishment 100001 is a school", ""),
    ("a month 13", 'compass', ['est'],
     C_HEAD + "100001,2020-13-01,50,50,50,50,50,50,50,50\n", "2:2",
     'submitted_at: "2020-13-01" is not a real date', ""),
    ("more than 100 problems", 'establishments', [], None, "2:6",
     "50 more problems not shown (150 in all)", ""),
]

def cmd_script(n, title, kind, bases, content, where, extra):
    lines = ["# import_broken_%02d: %s." % (n, title),
             "# Expected: status 3, stderr naming broken.csv:LINE:COLUMN, the database",
             "# byte-for-byte unchanged (see check).",
             "set -e",
             "cleval init db >/dev/null"]
    for b in bases:
        k, text = BASES[b]
        lines.append("cat >base-%s.csv <<'EOF'\n%sEOF" % (b, text))
        lines.append("cleval import --quiet db %s base-%s.csv >/dev/null" % (k, b))
    if content is None and 'MB' in title:
        lines.append("# A 10 MB name, made here rather than committed.")
        lines.append("{ printf '%s'; printf '100003,\"'; head -c 10485760 /dev/zero | tr '\\\\0' x;"
                     " printf '\",mainstream,North West,,12.5,\\n'; } >broken.csv" %
                     E_HEAD.replace('\n', '\\n'))
    elif content is None:
        lines.append("# 150 rows with a percentage out of range.")
        lines.append("{ printf '%s'; i=0; while [ $i -lt 150 ]; do"
                     " printf '1%%05d,School %%d,mainstream,North West,,150,\\n' $i $i;"
                     " i=$((i + 1)); done; } >broken.csv" % E_HEAD.replace('\n', '\\n'))
    lines.append("cp db db.before")
    lines.append("set +e")
    lines.append("cleval import db %s broken.csv%s" % (kind, extra))
    return "\n".join(lines) + "\n"

def check_script(where, needle):
    return ("# The database is byte-for-byte what it was; stderr names the file, line and\n"
            "# column, and says what is wrong.\n"
            "cmp db db.before || { echo 'the database changed'; exit 1; }\n"
            "grep -q '^cleval: broken\\.csv:%s: ' .err || { echo 'no broken.csv:%s: message'; cat .err; exit 1; }\n"
            "grep -qF -- '%s' .err || { echo 'stderr does not say: %s'; cat .err; exit 1; }\n"
            "grep -q 'nothing was written' .err\n"
            % (where, where, needle.replace("'", "'\\''"), needle.replace("'", "'\\''")))

for old in os.listdir(ROOT):
    if old.startswith('import_broken_'):
        shutil.rmtree(os.path.join(ROOT, old))
for n, (title, kind, bases, content, where, needle, extra) in enumerate(CASES, 1):
    d = os.path.join(ROOT, 'import_broken_%02d' % n)
    os.makedirs(d)
    with open(os.path.join(d, 'cmd'), 'w') as f:
        f.write(cmd_script(n, title, kind, bases, content, where, extra))
    with open(os.path.join(d, 'check'), 'w') as f:
        f.write(check_script(where, needle))
    with open(os.path.join(d, 'status'), 'w') as f:
        f.write('3\n')
    if content is not None:
        mode = 'wb' if isinstance(content, bytes) else 'w'
        with open(os.path.join(d, 'broken.csv'), mode, **({} if mode == 'wb' else {'newline': ''})) as f:
            f.write(content)
print(len(CASES), 'cases')
