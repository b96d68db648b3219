#!/usr/bin/python3
"""Flips one byte of a SQLite database: the serial type of column COL of the
first record in TABLE's first leaf page becomes 0 (NULL), as one bit rot
could make it.  Usage: flip.py DB TABLE COL.  Prints the file offset."""
import sqlite3, struct, sys

def varint(buf, i):
    v = 0
    for k in range(9):
        b = buf[i + k]
        if k == 8:
            return (v << 8) | b, i + 9
        v = (v << 7) | (b & 0x7F)
        if b < 0x80:
            return v, i + k + 1

db, table, col = sys.argv[1], sys.argv[2], int(sys.argv[3])
con = sqlite3.connect(db)
con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
con.close()
data = bytearray(open(db, "rb").read())
psize = struct.unpack(">H", data[16:18])[0] or 65536
page = root
while True:  # down the leftmost path to a leaf
    base = (page - 1) * psize
    hdr = base + (100 if page == 1 else 0)
    kind = data[hdr]
    if kind in (0x0D, 0x0A):
        break
    cell = struct.unpack(">H", data[hdr + 12:hdr + 14])[0]
    page = struct.unpack(">I", data[base + cell:base + cell + 4])[0]
cell = base + struct.unpack(">H", data[hdr + 8:hdr + 10])[0]
_, i = varint(data, cell)          # payload size
if kind == 0x0D:
    _, i = varint(data, i)         # rowid
_, j = varint(data, i)             # record header size
for _ in range(col):
    _, j = varint(data, j)
data[j] = 0
open(db, "wb").write(data)
print(j)
