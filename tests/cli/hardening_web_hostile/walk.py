# The client of hardening_web_hostile (see cmd): argv port, the report's
# directory. Walks every page the server offers (as a visitor with a survey
# link and a Compass link, as an analyst and as a provider, following each
# page's links) and the report, and prints for each page the fields whose
# hostile text it shows. On every page: no hostile markup survives raw (no
# <script>alert, <img src=x, onerror=alert(2)>, nor the right-to-left
# override itself), and each field's marker is followed by its escaped
# form: &lt;script&gt;... with the override shown as [U+202E].
import csv
import html.parser
import http.client
import re
import sys
from urllib.parse import quote, unquote, urlsplit

port, reportdir = int(sys.argv[1]), sys.argv[2]
H = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&\u202eRLO'
H_ID = '<script>alert(1)<img src=x onerror=alert(2)>"\'&\u202eRLO'  # ids: see seed.py
IDS = ("provkey", "urn", "leaderkey")


def escape(h):
    return (h.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;").replace("\u202e", "[U+202E]"))
RAW = ["<script>alert", "<img src=x", "onerror=alert(2)>", "\u202e"]
markers = dict(l.split() for l in open("markers.txt"))
MARK = re.compile(r"M([a-z]+)(\d+)M")
bad = 0


def check(name, page):
    """Prints the fields page shows; counts raw markup and unescaped markers."""
    global bad
    raw = [r for r in RAW if r in page]
    shown, unescaped = set(), set()
    for m in MARK.finditer(page):
        if m.group(0) not in markers:
            continue
        h = H_ID if m.group(1) in IDS else H
        rest = page[m.end():m.end() + 16]
        if page.startswith(escape(h), m.end()):
            shown.add(m.group(1))
        elif rest.startswith(quote(h, safe="")[:3]):
            shown.add(m.group(1) + "(link)")  # percent-encoded in an address
        elif rest.startswith("\\3c script"):
            shown.add(m.group(1) + "(css)")  # in a CSS string (print's page title)
        elif rest.startswith(h[:4]):
            unescaped.add(m.group(1))
        else:
            shown.add(m.group(1) + "(cut)")  # a name cut short in a buffer or label
    if raw or unescaped:
        bad += 1
    print("%s: %s%s%s" % (name, " ".join(sorted(shown)) or "-",
                          "; RAW " + " ".join(raw) if raw else "",
                          "; UNESCAPED " + " ".join(sorted(unescaped)) if unescaped else ""))


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.csrf = [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href", "").startswith("/"):
            self.links.append(a["href"])
        if tag == "input" and a.get("name") == "csrf":
            self.csrf = a.get("value")


class Client:
    def __init__(self):
        self.c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = None

    def go(self, method, path, body=None):
        h = {}
        if self.cookie:
            h["Cookie"] = self.cookie
        if body is not None:
            h["Content-Type"] = "application/x-www-form-urlencoded"
        self.c.request(method, path, body, h)
        r = self.c.getresponse()
        data = r.read()
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                self.cookie = v.split(";")[0]
        return r, data.decode("utf-8", "replace")


def label(path):
    """A path with each hostile key shown as its marker, the links' tokens
    as {token}."""
    p = unquote(path).replace(survey, "{token}").replace(compass, "{token}")
    for m, f in markers.items():
        if m in p:
            i = p.index(m)
            h = H_ID if f in IDS else H
            j = i + len(m) + len(h) if p.startswith(h, i + len(m)) else i + len(m)
            p = p[:i] + "{" + m.strip("M") + "}" + p[j:]
    return p


def walk(client, who, starts, limit=80):
    seen, todo = set(), list(starts)
    while todo and len(seen) < limit:
        path = todo.pop(0)
        if path in seen or path.startswith("/logout"):
            continue
        seen.add(path)
        r, page = client.go("GET", path)
        ctype = r.getheader("Content-Type", "")
        if r.status in (301, 302, 303):
            todo.append(r.getheader("Location"))
            continue
        if "text/html" not in ctype:
            # a download: never served as a page
            print("%s %s: %d %s" % (who, label(path), r.status, ctype.split(";")[0]))
            continue
        check("%s %s (%d)" % (who, label(path), r.status), page)
        p = Links()
        p.feed(page)
        for l in p.links:
            l = urlsplit(l)._replace(fragment="").geturl()
            if l not in seen and not l.startswith("/downloads/export/"):
                todo.append(l)
    return seen


def login(user):
    c = Client()
    r, page = c.go("GET", "/login")
    p = Links()
    p.feed(page)
    r, page = c.go("POST", "/login", "csrf=%s&username=%s&password=password-123" % (quote(p.csrf), user))
    return c


prov_key, urn, leader = open("keys.txt").read().splitlines()
survey = next(csv.DictReader(open("pre.csv")))["url"].split("/s/")[1]
compass = next(csv.DictReader(open("compass.csv")))["url"].split("/compass/")[1]

# A visitor: the home page, the login form (a hostile user name is not
# shown back), a hostile path, the survey's pages, a Compass link's pages.
v = Client()
walk(v, "visitor", ["/", "/login"])
r, page = v.go("GET", "/login")
p = Links()
p.feed(page)
r, page = v.go("POST", "/login", "csrf=%s&username=%s&password=x" % (quote(p.csrf), quote(H)))
check("visitor POST /login with a hostile user name (%d)" % r.status, page)
r, page = v.go("GET", "/" + quote(H))
check("visitor GET /{hostile} (%d)" % r.status, page)
walk(v, "visitor", ["/s/" + survey] + ["/s/%s?section=%d" % (survey, i) for i in range(1, 6)]
     + ["/s/%s?review=1" % survey])
r, page = v.go("POST", "/s/" + survey, "csrf=%s&section=1&%s=%s" % (quote(p.csrf), quote(H), quote(H)))
check("visitor POST /s/{token} with a hostile field (%d)" % r.status, page)
walk(v, "visitor", ["/compass/" + compass, "/compass/%s/new" % compass])
r, page = v.go("POST", "/compass/%s/new" % compass, "csrf=%s&submit=1&%s=%s" % (quote(p.csrf), quote(H), quote(H)))
check("visitor POST /compass/{token}/new with a hostile field (%d)" % r.status, page)

# An analyst and a provider, each following every link from their pages.
a = login("analyst1")
seg = lambda s: quote(s, safe="")
walk(a, "analyst", ["/dashboard", "/responses", "/downloads", "/establishments/" + seg(urn),
                    "/providers/" + seg(prov_key), "/responses/" + seg(prov_key)])
pr = login("prov1")
walk(pr, "provider", ["/dashboard", "/providers/" + seg(prov_key), "/responses/" + seg(prov_key),
                      "/establishments/" + seg(urn)])

# The report, as written by cleval report.
check("report.html", open(reportdir + "/report.html", encoding="utf-8").read())
print("pages with raw markup or an unescaped field:", bad)
