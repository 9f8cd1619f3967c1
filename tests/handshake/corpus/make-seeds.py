#!/usr/bin/env python3
"""make-seeds.py - writes the seed inputs of the handshake fuzzers
(tests/handshake/fuzz-*.c describe the input formats) into corpus/host,
corpus/client and corpus/nhvconf.  Run it again after a format change."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
MAGIC = 0x564D5868


def write(kind, name, data):
    # nhvconf moved to userland/lib: its seeds live beside its fuzzer.
    d = os.path.join(HERE, "..", "..", "libnhv", "corpus", kind) if kind == "nhvconf" else os.path.join(HERE, kind)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---- host: operations ----
def h_open(tclo=False, cookie=True):
    return bytes([7, (1 if tclo else 0) | (0 if cookie else 2)])


def h_msg(slot, text):
    t = text.encode()
    return bytes([6, slot]) + struct.pack("<H", len(t)) + t


def h_step(typ, slot, ebx=0):
    return bytes([1, typ, slot]) + struct.pack("<I", ebx)


def h_recv(slot, words):
    return h_step(3, slot) + b"".join(h_step(4, slot, 1) for _ in range(words)) + h_step(5, slot, 1)


def h_raw(eax, ebx, ecx, edx, esi=0, edi=0, ebp=0, cpl=3):
    return bytes([0]) + struct.pack("<7I", eax, ebx, ecx, edx, esi, edi, ebp) + bytes([cpl])


write("host", "getversion", h_raw(MAGIC, 0, 10, 0x5658))
write("host", "rpci-info", h_open() + h_msg(0, "info-set guestinfo.a b") + h_recv(0, 1)
      + h_msg(0, "info-get guestinfo.a") + h_recv(0, 1) + h_msg(0, "info-get guestinfo.zz")
      + h_recv(0, 5) + bytes([1, 6, 0, 0, 0, 0, 0]))
write("host", "rpci-misc", h_open() + h_msg(0, "tools.set.version 2147483647") + h_recv(0, 1)
      + h_msg(0, "SetGuestInfo  1 lab1") + h_recv(0, 1) + h_msg(0, "log hello")
      + h_msg(0, "tools.capability.statechange ") + h_msg(0, "tools.os.statechange.status 1 2")
      + h_recv(0, 1))
write("host", "tclo", h_open(tclo=True) + h_msg(0, "") + h_recv(0, 2) + h_msg(0, "OK ATR toolbox")
      + bytes([5, 4]) + b"ping" + h_recv(0, 1) + h_msg(0, "OK ") + bytes([5, 7]) + b"OS_Halt")
write("host", "hb", h_open() + h_step(1, 0, 9) + bytes([2, 0]) + struct.pack("<H", 9) + b"log hello"
      + h_step(3, 0) + bytes([3, 0]) + struct.pack("<H", 2) + h_step(5, 0, 1))
write("host", "checkpoint", h_open() + h_open() + h_step(1, 0, 20) + bytes([4])
      + h_step(2, 0, 0x41414141) + h_msg(1, "info-get guestinfo.nhv.hostname") + bytes([4])
      + h_recv(1, 3))


# ---- client: host answers ----
def regs(**kw):
    order = ["eax", "ebx", "ecx", "edx", "esi", "edi"]
    mode = 0
    data = b""
    for i, r in enumerate(order):
        if r in kw:
            mode |= 1 << i
            data += struct.pack("<I", kw[r] & 0xFFFFFFFF)
    return bytes([mode]) + data


def st(status, **kw):
    return regs(ecx=status << 16, **kw)


def c_rpc(reply, cmd_len, hb=False):
    out = st(1, edx=0, esi=0x1111, edi=0x2222)              # OPEN
    out += st(1 | (0x80 if hb else 0))                       # SENDSIZE
    if hb:
        out += struct.pack("<I", 1 << 16)
    else:
        out += b"".join(st(1) for _ in range((cmd_len + 3) // 4))
    r = reply.encode()
    out += st(3 | (0x80 if hb else 0), ebx=len(r), edx=1 << 16)   # RECVSIZE
    if hb:
        out += struct.pack("<I", 1 << 16) + r
    else:
        for i in range(0, len(r), 4):
            w = r[i:i + 4].ljust(4, b"\0")
            out += st(1, ebx=struct.unpack("<I", w)[0], edx=2 << 16)
    out += st(1)                                             # RECVSTATUS
    out += st(1)                                             # CLOSE
    return out


commands = (regs(eax=6, ebx=MAGIC, ecx=2) + regs(eax=0x34124d56, ebx=0xbc9a7856, ecx=0x2211f0de,
            edx=0x66554433) + regs(eax=0xACD27600, ebx=0, ecx=1000000000)
            + regs(ebx=5, ecx=0, edx=1700000000, esi=0) + regs(eax=2))
write("client", "vmware-lb", commands + c_rpc("1 lab1", len("info-get guestinfo.nhv.hostname"))
      + c_rpc("1 ", len("tools.set.version 2147483647")))
write("client", "vmware-hb", commands + c_rpc("0 No value found", 31, hb=True)
      + c_rpc("1 ", 28, hb=True))
write("client", "qemu", regs(eax=6, ebx=MAGIC, ecx=2) + regs(eax=1, ebx=2, ecx=3, edx=4)
      + regs(eax=0xFFFFFFFF) * 8)
write("client", "cpt", commands + st(1, edx=0, esi=1, edi=2) + st(1) + st(0x10) + st(1)
      + b"".join(st(1) for _ in range(8)) + st(0x10) + st(3, ebx=2, edx=1 << 16)
      + st(1, ebx=0x2031, edx=2 << 16) + st(1) + st(1))
tclo = (commands + st(0) * 4 + st(0) * 4                      # both RPCs refused at OPEN
        + st(1, edx=1 << 16, esi=5, edi=6)                    # TCLO OPEN
        + st(1) + st(3, ebx=5, edx=1 << 16) + st(1, ebx=0x65736572, edx=2 << 16)
        + st(1, ebx=0x74, edx=2 << 16) + st(1)                 # "reset"
        + st(1) + b"".join(st(1) for _ in range(4)) + st(3, ebx=4, edx=1 << 16)
        + st(1, ebx=0x676e6970, edx=2 << 16) + st(1) + st(1))  # "ping"
write("client", "tclo", tclo)

# ---- nhvconf ----
write("nhvconf", "cmdline", b"\0BOOT_IMAGE=/vmlinuz nhv.guestinfo.hostname=lab1 "
      b"nhv.guestinfo.dns=\"8.8.8.8 1.1.1.1\" nhv.guestinfo.netmask=24 nhv.shell=serial")
write("nhvconf", "ovfenv", b"\1<?xml version=\"1.0\"?><Environment xmlns:oe=\"x\"><PropertySection>"
      b"<Property oe:key=\"guestinfo.hostname\" oe:value=\"lab1\"/>"
      b"<Property oe:key=\"nhv.ipaddress\" oe:value=\"10.0.0.5\"/>"
      b"<Property oe:key=\"password\" oe:value=\"a&amp;b&#33;\"/>"
      b"<Property oe:value=\"pool.ntp.org\" oe:key=\"ntp\"/></PropertySection></Environment>")

# ---- sntp: flag byte, T1 and T4 (little-endian Unix ns), the datagram ----
def sntp_pkt(li=0, vn=4, mode=4, stratum=2, refid=b"GPS\0", org=0, rx=0, tx=0, extra=b""):
    return (bytes([li << 6 | vn << 3 | mode, stratum, 6, 0xEC]) + b"\0" * 8 + refid
            + struct.pack(">QQQQ", 0, org, rx, tx) + extra)


NTP_T1 = (1700000000 + 2208988800) << 32
T1_NS = 1700000000 * 10**9
sntp_head = bytes([1]) + struct.pack("<qq", T1_NS, T1_NS + 40 * 10**6)
write("sntp", "good", sntp_head + sntp_pkt(org=NTP_T1, rx=NTP_T1 + (5 << 32), tx=NTP_T1 + (5 << 32) + 1))
write("sntp", "kod", sntp_head + sntp_pkt(stratum=0, refid=b"RATE", org=NTP_T1, rx=NTP_T1, tx=NTP_T1))
write("sntp", "era1", sntp_head + sntp_pkt(org=NTP_T1, rx=5 << 32, tx=6 << 32))
write("sntp", "mismatch", bytes([0]) + struct.pack("<qq", 0, -1) + sntp_pkt(org=1, rx=1, tx=2))
write("sntp", "short", sntp_head + sntp_pkt()[:47])
write("sntp", "v3-mac", sntp_head + sntp_pkt(vn=3, org=NTP_T1, rx=NTP_T1, tx=NTP_T1, extra=b"\0" * 20))
write("sntp", "stratum16", sntp_head + sntp_pkt(stratum=16, org=NTP_T1, rx=NTP_T1, tx=NTP_T1))
write("sntp", "stratum15", sntp_head + sntp_pkt(stratum=15, org=NTP_T1, rx=NTP_T1, tx=NTP_T1))
write("sntp", "leap3", sntp_head + sntp_pkt(li=3, org=NTP_T1, rx=NTP_T1, tx=NTP_T1))
write("sntp", "backwards", sntp_head + sntp_pkt(org=NTP_T1, rx=NTP_T1 + 2, tx=NTP_T1 + 1))


# ---- nicinfo: selector byte (even: XDR GuestNicProto, odd: V1 struct), the report ----
def x32(*v):
    return b"".join(struct.pack(">I", x) for x in v)


def xopaque(b):
    return x32(len(b)) + b + b"\0" * (-len(b) % 4)


def xchars(s, n):
    return x32(*[(s.encode()[i] if i < len(s) else 0) for i in range(n)])


def v3_entry(typ, addr, prefix):
    return x32(typ) + xopaque(addr) + x32(prefix, 1, 2, 1, 1)


v3_eth0 = (xopaque(b"00:0c:29:aa:bb:cc") + x32(2) + v3_entry(1, bytes([10, 77, 0, 201]), 24)
           + v3_entry(2, bytes([0xfe, 0x80] + [0] * 13 + [1]), 64)
           + x32(1, 1) + xopaque(b"l2") + x32(0, 1) + x32(1) + xopaque(bytes([10, 77, 0, 1]))
           + x32(1) + xopaque(b"lab") + x32(0, 1, 0) + xopaque(b"") + x32(0))
route = x32(1) + xopaque(bytes(4)) + x32(0, 1, 1) + xopaque(bytes([10, 77, 0, 1])) + x32(0, 4, 0)
write("nicinfo", "v3", bytes([0]) + x32(3, 1, 1) + v3_eth0 + x32(1) + route + x32(0, 0, 0, 0))
write("nicinfo", "v3-empty", bytes([0]) + x32(3, 1, 0, 0, 0, 0, 0, 0))
write("nicinfo", "v2", bytes([0]) + x32(2, 1, 1) + xchars("00:50:56:01:02:03", 18) + x32(1, 0, 0)
      + xchars("192.168.5.4", 64) + xchars("0xffffff00", 64))
v1 = struct.pack("<II", 1, 1) + b"00-0c-29-01-02-03\0\0" + b"172.16.1.9".ljust(16, b"\0")
write("nicinfo", "v1", bytes([1]) + v1)
