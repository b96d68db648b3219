#!/usr/bin/python3
"""Writes the five shapes of one small programme's self-assessment answers
(tests/data/programme, pre and post) that import_five_shapes imports: the
long CSV, a Qualtrics-style export, a Microsoft Forms-style export, a wide
file for --map and the pspp syntax that makes the SPSS .sav. Not run by the
test; run it from this directory to regenerate the files:
    /usr/bin/python3 generate.py ../../data/programme ../../../build/cleval
"""
import csv, datetime, subprocess, sys

data, cleval = sys.argv[1], sys.argv[2]
items = list(csv.DictReader(subprocess.run([cleval, "instruments"], capture_output=True,
                                           text=True, check=True).stdout.splitlines()))
items = [i for i in items if i["instrument"] in ("self-assessment", "reflective")]
ids = [i["item_id"] for i in items]
text = {i["item_id"]: i["text"] for i in items}
labels = {1: "Strongly disagree", 2: "Disagree", 3: "Neither agree nor disagree", 4: "Agree",
          5: "Strongly agree"}

# Submissions in file order: (leader, stage, submitted_at) -> {item: code}.
subs = {}
with open(f"{data}/self-assessment-pre.csv", newline="") as f:
    for row in csv.DictReader(f):
        key = (row["leader_id"], row["stage"], row["submitted_at"])
        subs[key] = {i: row[i] for i in ids if row.get(i)}
with open(f"{data}/self-assessment-post.csv", newline="") as f:
    for row in csv.DictReader(f):
        key = (row["leader_id"], row["stage"], row["submitted_at"])
        subs.setdefault(key, {})[row["item_id"]] = row["value"]

def when(s):
    s = s.rstrip("Z")
    return datetime.datetime.fromisoformat(s if "T" in s else s + "T00:00:00")

def uk(s):  # dd/mm/yyyy hh:mm
    return when(s).strftime("%d/%m/%Y %H:%M")

# (e) the original long CSV.
with open("long.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["leader_id", "stage", "submitted_at", "item_id", "value"])
    for (lid, stage, at), ans in subs.items():
        for i, v in ans.items():
            w.writerow([lid, stage, at, i, v])

# (a) Qualtrics: export tags as column names (the items' ids; the leader and
# stage as embedded data), a row of question texts, a row of ImportIds,
# labels for answers, UK dates, Qualtrics' own columns.
meta = ["StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)",
        "Finished", "RecordedDate", "ResponseId", "RecipientEmail", "ExternalReference",
        "LocationLatitude", "LocationLongitude", "DistributionChannel", "UserLanguage"]
with open("qualtrics.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\r\n")
    w.writerow(meta + ["leader_id", "stage"] + ids)
    w.writerow(["Start Date", "End Date", "Response Type", "IP Address", "Progress",
                "Duration (in seconds)", "Finished", "Recorded Date", "Response ID",
                "Recipient Email", "External Data Reference", "Location Latitude",
                "Location Longitude", "Distribution Channel", "User Language", "leader_id",
                "stage"] + ["I know how to ... - " + text[i] for i in ids])
    w.writerow(['{"ImportId":"%s"}' % m for m in
                ["startDate", "endDate", "status", "ipAddress", "progress", "duration",
                 "finished", "recordedDate", "_recordId", "recipientEmail",
                 "externalDataReference", "locationLatitude", "locationLongitude",
                 "distributionChannel", "userLanguage", "leader_id", "stage"]] +
               ['{"ImportId":"QID%d"}' % (n + 1) for n in range(len(ids))])
    for n, ((lid, stage, at), ans) in enumerate(subs.items()):
        t = when(at)
        w.writerow([(t - datetime.timedelta(minutes=7)).strftime("%d/%m/%Y %H:%M"), uk(at),
                    "IP Address", "192.0.2.%d" % (n + 1), "100", "420", "True", uk(at),
                    "R_%010d" % (n + 1), "", "", "53.48", "-2.24", "anonymous", "EN",
                    lid, stage.capitalize()] +
                   [labels[int(ans[i])] if i in ans else "" for i in ids])
with open("qualtrics-map.csv", "w", newline="") as f:
    f.write("source,column\nRecordedDate,submitted_at\n")

# (b) Microsoft Forms: ID, times, email and name, then one column a
# question, headed by its text (a text worded alike for two roles is one
# question; a text worded alike twice in one role, oper_mgmt_08 and
# oper_coord_05, cannot be told apart by its text, which cleval refuses, so
# those two are headed by their ids); labels in their own case; dd/mm/yyyy
# hh:mm dates.
role = {i["item_id"]: i["role"] for i in items}
twice = {(text[i], role[i]) for n, i in enumerate(ids)
         if any(text[j] == text[i] and role[j] == role[i] for j in ids[:n])}
cols, seen = [], {}
for i in ids:
    t = text[i]
    if (t, role[i]) in twice:
        cols.append((i, i))
        continue
    if t in seen:
        continue
    seen[t] = i
    stem = items[ids.index(i)]["instrument"] == "self-assessment" and len(cols) % 2 == 0
    cols.append((i, ("I know how to " + t[0].lower() + t[1:]) if stem else t))
def forms_value(ans, i):
    for j in [i] + [k for k in ids if text[k] == text[i] and role[k] != role[i]]:
        if j in ans:
            return labels[int(ans[j])].upper() if int(ans[j]) == 5 else labels[int(ans[j])]
    return ""
with open("forms.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\r\n")
    w.writerow(["ID", "Start time", "Completion time", "Email", "Name", "Your Careers Leader ID",
                "Stage"] + [h for _, h in cols])
    for n, ((lid, stage, at), ans) in enumerate(subs.items()):
        t = when(at)
        w.writerow([n + 1, (t - datetime.timedelta(minutes=5)).strftime("%d/%m/%Y %H:%M"),
                    uk(at), "anonymous", "", lid, stage.capitalize()] +
                   [forms_value(ans, i) for i, _ in cols])
with open("forms-map.csv", "w", newline="") as f:
    f.write("Completion time,submitted_at\nYour Careers Leader ID,leader_id\n")

# (c) a wide file whose columns are the survey tool's own (Q1, Q2 ...),
# codes for answers, ISO dates with a space, columns in another order, and
# a map reused year after year.
qs = ["Q%d" % (n + 1) for n in range(len(ids))]
with open("wide.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["When", "Participant", "Wave"] + list(reversed(qs)))
    for (lid, stage, at), ans in subs.items():
        w.writerow([when(at).strftime("%Y-%m-%d %H:%M:%S"), lid, stage] +
                   list(reversed([ans.get(i, "") for i in ids])))
with open("wide-map.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["source", "column"])
    w.writerows([["When", "submitted_at"], ["Participant", "leader_id"], ["Wave", "stage"]])
    w.writerows([[q, i] for q, i in zip(qs, ids)])

# (d) pspp syntax for the same data as an SPSS .sav with value labels: the
# stage coded 1 and 2, the answers 1 to 5, both labelled.
with open("make-sav.sps", "w") as f:
    f.write("DATA LIST LIST (\",\") /leader_id (A8) stage (F1.0) submitted_at (DATETIME20)\n")
    for n in range(0, len(ids), 6):
        f.write("  " + " ".join("%s (F1.0)" % i for i in ids[n:n + 6]) + "\n")
    f.write("  .\nBEGIN DATA\n")
    for (lid, stage, at), ans in subs.items():
        f.write(",".join([lid, "1" if stage == "pre" else "2",
                          when(at).strftime("%d-%b-%Y %H:%M:%S").upper()] +
                         [ans.get(i, "") for i in ids]) + "\n")
    f.write("END DATA.\nVALUE LABELS stage 1 'Pre' 2 'Post'\n  /" + " ".join(ids) + "\n")
    f.write("  " + " ".join("%d '%s'" % (k, v) for k, v in labels.items()) + ".\n")
    f.write("SAVE OUTFILE='programme.sav'.\n")
