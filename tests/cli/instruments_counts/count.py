import collections, csv, sys
rows = list(csv.DictReader(open("bank.csv", newline="", encoding="utf-8")))
assert list(rows[0].keys()) == ["instrument", "role", "area", "item_id", "text"], rows[0].keys()
c = collections.Counter((r["role"], r["area"]) for r in rows if r["instrument"] == "self-assessment")
want = {"school": (7, 8, 5, 7), "college_strategic": (7, 5, 2, 5), "college_operational": (6, 8, 5, 7)}
areas = ("leadership", "management", "coordination", "networking")
for role, counts in want.items():
    got = tuple(c[(role, a)] for a in areas)
    assert got == counts, (role, got, counts)
ids = [r["item_id"] for r in rows]
assert len(ids) == len(set(ids)), "duplicate item ids"
for key in ("reflective", "long-term", "compass-2014"):
    assert any(r["instrument"] == key for r in rows), key
print("ok")
