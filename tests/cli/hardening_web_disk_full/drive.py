# The client of hardening_web_disk_full (see cmd): argv port, mode (tmpfs:
# fill disk/ with a file; shim: create the file 'full'). Prints what it saw.
import html.parser
import http.client
import os
import re
import sqlite3
import sys

port, mode = int(sys.argv[1]), sys.argv[2]
HOSTILE = '"><script>alert(1)</script>\u202e'
ESCAPED = "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;[U+202E]"
items = [l.split(",") for l in open("items.csv").read().splitlines()[1:]]
sa = [i[3] for i in items if i[0] == "self-assessment" and i[1] == "school"]
c14 = [i[3] for i in items if i[0] == "compass-2014" and i[1] == "school"]
survey = open("links.csv").read().splitlines()[1].split(",")[3].split("/s/")[1]
compass = open("compass.csv").read().splitlines()[1].split("/compass/")[1].strip()


def fill():
    if mode == "shim":
        open("full", "w").close()
        return
    with open("disk/fill", "wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass


def free():
    for f in ("full", "disk/fill"):
        if os.path.exists(f):
            os.remove(f)


def db(sql):
    c = sqlite3.connect("file:disk/x.db?mode=ro", uri=True)
    try:
        return c.execute(sql).fetchone()[0]
    finally:
        c.close()


class Form(html.parser.HTMLParser):
    """The page's forms: action and hidden fields."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append((a.get("action"), []))
        elif tag == "input" and a.get("type") == "hidden" and self.forms:
            self.forms[-1][1].append((a["name"], a.get("value", "")))


conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)


def request(method, path, body=None):
    h = {"Cookie": cookie} if cookie else {}
    if body is not None:
        h["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body, h)
    r = conn.getresponse()
    return r, r.read().decode()


def enc(fields):
    from urllib.parse import urlencode
    return urlencode(fields)


cookie = None
r, page = request("GET", "/login")
cookie = "; ".join(h.split(";")[0] for k, h in r.getheaders() if k.lower() == "set-cookie")
csrf = re.search(r'name="csrf" value="([^"]*)"', page).group(1)

sent = {
    "/s/" + survey: [("go", "submit")] + [(k, str(n % 5 + 1)) for n, k in enumerate(sa)],
    # with a field Compass ignores, of hostile text: shown back escaped
    "/compass/%s/new" % compass: [(k, str(n % 2)) for n, k in enumerate(c14)] + [("submit", "1")]
    + [(HOSTILE, HOSTILE)],
}
stored_sql = {
    "/s/" + survey: "SELECT count(*) FROM answers",
    "/compass/%s/new" % compass: "SELECT count(*) FROM compass_answers",
}
before = {p: db(q) for p, q in stored_sql.items()}
fill()
resend = {}
for path, fields in sent.items():
    what = "survey" if path.startswith("/s/") else "Compass return"
    r, page = request("POST", path, enc([("csrf", csrf)] + fields))
    print("%s on a full disk: %d, Retry-After %s" % (what, r.status, r.getheader("Retry-After")))
    print("  says not saved:", "Your answers were not saved" in page)
    print("  no raw markup:", "<script>" not in page and "\u202e" not in page)
    p = Form()
    p.feed(page)
    form = [f for f in p.forms if f[0] == path]
    # (the hostile field's override comes back as its code, never obeyed)
    kept = form and (sorted(x for x in form[0][1] if x[0] != "csrf" and x[0][0] != '"')
                     == sorted(x for x in fields if x[0] != HOSTILE))
    print("  a form to send again to the same address holds every answer:", bool(kept))
    resend[path] = form[0][1] if form else []
    if resend[path] and path.startswith("/compass/"):
        print("  the ignored hostile field escaped:", ESCAPED in page)
    print("  nothing stored:", db(stored_sql[path]) == before[path])
print("responses, drafts, used links:", db("SELECT count(*) FROM responses"),
      db("SELECT count(*) FROM survey_drafts"),
      db("SELECT count(*) FROM survey_tokens WHERE used_at IS NOT NULL"))
print("compass returns from the web:", db("SELECT count(*) FROM compass_returns"))
r, page = request("GET", "/healthz")
print("healthz while full:", r.status)
r, page = request("GET", "/s/" + survey)
print("the survey page while full:", r.status)
free()
for path in sent:
    r, page = request("POST", path, enc(resend[path]))
    ok = (r.status == 200 and "Thank you" in page) or (r.status == 303 and "saved=1" in r.getheader("Location", ""))
    print("sent again after space was freed:", r.status, ok)
print("answers stored:", db("SELECT count(*) FROM answers") - before["/s/" + survey], "of", len(sa))
print("area scores:", db("SELECT count(*) FROM area_scores"))
print("used links:", db("SELECT count(*) FROM survey_tokens WHERE used_at IS NOT NULL"))
print("Compass answers stored:",
      db("SELECT count(*) FROM compass_answers") - before["/compass/%s/new" % compass], "of", len(c14))
