# The clients of serve_sigkill (see cmd): 8 threads each sign on for a
# visitor cookie and csrf value, then POST complete surveys one link after
# another; once 40 have been answered, the server gets SIGKILL while the
# others are still sending. Writes the leaders whose submission was answered
# "Thank you" (acked) and those whose POST was started (sent).
import http.client
import os
import re
import signal
import sys
import threading

port, pid = int(sys.argv[1]), int(sys.argv[2])
links = [l.strip().split(",") for l in open(sys.argv[3]).readlines()[1:]]
links = [(l[0], l[3].split("/s/")[1]) for l in links]
answers = open(sys.argv[4]).read().strip()
acked, sent = [], []
lock = threading.Lock()
killed = threading.Event()


def client(share):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("GET", "/login")
        r = c.getresponse()
        page = r.read().decode()
        cookie = "; ".join(h.split(";")[0] for k, h in r.getheaders() if k.lower() == "set-cookie")
        csrf = re.search(r'name="csrf" value="([^"]*)"', page).group(1)
    except (OSError, http.client.HTTPException):
        return
    for leader, token in share:
        with lock:
            sent.append(leader)
        try:
            c.request("POST", "/s/" + token, "csrf=%s&go=submit&%s" % (csrf, answers),
                      {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
            r = c.getresponse()
            page = r.read().decode()
        except (OSError, http.client.HTTPException):
            return
        if r.status == 200 and "Thank you" in page:
            with lock:
                acked.append(leader)
                if len(acked) >= 40 and not killed.is_set():
                    killed.set()
                    os.kill(pid, signal.SIGKILL)
        elif not killed.is_set():
            print("unexpected answer", r.status, "for", leader)


threads = [threading.Thread(target=client, args=(links[i::8],)) for i in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
if not killed.is_set():
    os.kill(pid, signal.SIGKILL)
    print("the burst ended before the kill")
print("killed during the burst:", 40 <= len(acked) < len(links))
open(sys.argv[5], "w").write("".join(l + "\n" for l in acked))
open(sys.argv[6], "w").write("".join(l + "\n" for l in sent))
