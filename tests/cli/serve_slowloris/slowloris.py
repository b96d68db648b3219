# Drives the slow clients of the serve_slowloris case (see cmd).
import socket
import sys
import time

port = int(sys.argv[1])


def connect(src):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((src, 0))
    s.settimeout(5)
    s.connect(("127.0.0.1", port))
    return s


def closed(s, wait):
    """True when the server has closed s (read end, reset) within wait s."""
    s.settimeout(wait)
    try:
        return s.recv(4096) == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def get(src):
    s = connect(src)
    t = time.monotonic()
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    data = b""
    while True:
        try:
            chunk = s.recv(4096)
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
    s.close()
    return data.split(b"\r\n", 1)[0].decode("latin-1"), time.monotonic() - t


slow = []
for i in range(30):
    s = connect("127.0.0.1")
    try:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    except OSError:
        pass
    slow.append(s)
time.sleep(0.3)
dropped = [s for s in slow if closed(s, 0.05)]
kept = [s for s in slow if s not in dropped]
print("slow connections from 127.0.0.1 kept:", len(kept), "refused:", len(dropped))
status, took = get("127.0.0.2")
print("a normal client from 127.0.0.2:", status, "within 1 s:", took < 1.0)
# Trickle one header line a second into the kept ones: each line is
# activity, but the server still answers nothing until headers end.
for s in kept:
    try:
        s.sendall(b"X-A: 1\r\n")
    except OSError:
        pass
# A slow POST from 127.0.0.3: its body a byte every 0.5 s never ends; the
# server cuts it off once the timeout (2 s) has passed since its headers.
p = connect("127.0.0.3")
p.sendall(b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded"
          b"\r\nContent-Length: 1000\r\n\r\n")
t = time.monotonic()
cut = False
while time.monotonic() - t < 8:
    try:
        p.sendall(b"a")
    except OSError:
        cut = True
        break
    if closed(p, 0.5):
        cut = True
        break
print("a slow POST body cut off within 5 s:", cut and time.monotonic() - t < 5)
# Now silent: closed within the timeout (2 s) and a little.
t = time.monotonic()
gone = sum(1 for s in kept if closed(s, max(0.05, 6 - (time.monotonic() - t))))
print("idle slow connections closed by the server:", gone, "of", len(kept))
status, took = get("127.0.0.1")
print("127.0.0.1 afterwards:", status)
for s in slow:
    s.close()
