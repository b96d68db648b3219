# Writes the programme of tests/data/programme with hostile text in every
# free-text field that reaches a page (hardening_web_hostile, see cmd):
# each field of each row gets its own marker, M<field><n>M, followed by
# HTML, a script, quotes, an ampersand and a right-to-left override, and
# for names a 100 KB tail. Identifiers (provider, establishment and leader
# ids), which go into addresses, get hostile text without a '/' (a '/'
# cannot be in one segment of an address: such an id's pages cannot be
# reached; see docs/faults.md) and without the tail.
# Writes markers.txt: marker and field, one a line.
import csv
import os
import sys

src = sys.argv[1]
H = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&\u202eRLO'
H_ID = '<script>alert(1)<img src=x onerror=alert(2)>"\'&\u202eRLO'
BIG = " " + "y" * 100000
markers = []


def hostile(field, n, big):
    m = "M%s%dM" % (field, n)
    markers.append((m, field))
    return m + (H + BIG if big else H_ID)


def rows(name):
    with open(os.path.join(src, name), newline="") as f:
        return list(csv.reader(f))


def write(name, table):
    with open(name, "w", newline="") as f:
        csv.writer(f).writerows(table)


prov, est, lead = {}, {}, {}
t = rows("providers.csv")
for n, r in enumerate(t[1:], 1):
    prov[r[0]] = hostile("provkey", n, False)
    r[0], r[1] = prov[r[0]], hostile("provname", n, True)
write("providers.csv", t)
t = rows("establishments.csv")
hubs = {}
for n, r in enumerate(t[1:], 1):
    est[r[0]] = hostile("urn", n, False)
    r[0], r[1] = est[r[0]], hostile("estname", n, True)
    r[3] = hostile("region", n, True)
    if r[4]:
        if r[4] not in hubs:
            hubs[r[4]] = hostile("hub", len(hubs) + 1, True)
        r[4] = hubs[r[4]]
write("establishments.csv", t)
t = rows("leaders.csv")
for n, r in enumerate(t[1:], 1):
    lead[r[0]] = hostile("leaderkey", n, False)
    r[0], r[1] = lead[r[0]], est[r[1]]
    r[5] = hostile("leadername", n, True)
write("leaders.csv", t)
for name, cols in (("enrolments.csv", {0: lead, 1: prov}), ("self-assessment-pre.csv", {0: lead}),
                   ("self-assessment-post.csv", {0: lead}), ("compass.csv", {0: est})):
    t = rows(name)
    for r in t[1:]:
        for c, m in cols.items():
            r[c] = m[r[c]]
    write(name, t)
write("long-term.csv", rows("long-term.csv"))
with open("markers.txt", "w") as f:
    f.writelines("%s %s\n" % m for m in markers)
# The first provider's key, an establishment of a hub and the leader whose
# pre survey is answered on the web, for cmd.
with open("keys.txt", "w") as f:
    f.write("%s\n%s\n%s\n" % (prov["P01"], est["100101"], lead["CL0005"]))
