#!/usr/bin/env python3
"""Seeds of the fuzz targets that take text or operation sequences
(tests/fuzz/fuzz_*.c): real VM descriptions and command lines from the
tree, instruction bytes of the MMIO accesses guests make, and the register
sequences drivers use to set the devices up, each encoded in its
harness's input format.  Usage: mkseeds.py CORPUS_DIR (make fuzz-seeds)."""
import glob
import os
import re
import shutil
import struct
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else "tests/fuzz/corpus"
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..")


def put(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(bytes(data))


def u16(v):
    return struct.pack("<H", v & 0xffff)


def u32(v):
    return struct.pack("<I", v & 0xffffffff)


def u64(v):
    return struct.pack("<Q", v & 0xffffffffffffffff)


# ---- VM descriptions: every .vms file of the tree ----
def config():
    for p in sorted(glob.glob(os.path.join(ROOT, "tests", "boot", "**", "*.vms"), recursive=True) +
                    glob.glob(os.path.join(ROOT, "tests", "linux", "*.vms"))):
        rel = os.path.relpath(p, ROOT).replace("/", "_")
        shutil.copyfile(p, os.path.join(OUT, "config", rel))


# ---- hypervisor command lines: the boot tests', the demo's, the docs' ----
def cmdline():
    lines = {"loglevel=info onexit=poweroff sched=fair", ""}
    for p in glob.glob(os.path.join(ROOT, "tests", "boot", "cases", "*.case")):
        for m in re.finditer(r'^CMDLINE="([^"]*)"', open(p).read(), re.M):
            lines.add(m.group(1))
    lines.update([
        "console=com2 baud=9600 loglevel=debug maxcpus=2",
        "console=0x2f8 baud=57600 apicv=off preempt=lapic vmstats=5",
        "console=none onexit=reboot timeslice=100 sched=rr",
        "loglevel=3 test=ud onexit=halt timeslice=1000000",
    ])
    for i, line in enumerate(sorted(lines)):
        put("cmdline", "cmdline-%02d" % i, line.encode())


# ---- x86 instructions: MMIO accesses as guests make them ----
NOP = 0x90
F_WRITE, F_AIM = 1, 0x10


def insn(name, mode, flags, code, regs=None):
    code = bytes(code)
    b = bytes([mode, flags]) + code + bytes([NOP] * (15 - len(code)))
    r = [0] * 16
    for k, v in (regs or {}).items():
        r[k] = v
    b += b"".join(u64(v) for v in r)
    b += u64(0x202) + u64(0) + u64(0)
    put("x86emu", name, b)


def x86emu():
    RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI = range(8)
    m16, m32, m64 = 0, 1, 2
    insn("mov-store-ecx", m64, F_WRITE | F_AIM, [0x89, 0x08], {RAX: 0x300, RCX: 0xfee})
    insn("mov-load-disp32", m64, F_AIM, [0x8b, 0x87, 0x00, 0x03, 0x00, 0x00])
    insn("mov-store-imm-riprel", m64, F_WRITE | F_AIM,
         [0xc7, 0x05, 0xf0, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00])
    insn("mov-store-r64", m64, F_WRITE | F_AIM, [0x48, 0x89, 0x50, 0x08], {RAX: 0x10})
    insn("movzx-word", m64, F_AIM, [0x0f, 0xb7, 0x43, 0x02], {RBX: 0x30})
    insn("movsx-byte", m64, F_AIM, [0x48, 0x0f, 0xbe, 0x46, 0x01], {RSI: 0x40})
    insn("rep-movsd-to-dev", m64, F_WRITE | F_AIM, [0xf3, 0xa5],
         {RCX: 4, RSI: 0x100000, RDI: 0x200})
    insn("rep-movsb-from-dev", m64, F_AIM, [0xf3, 0xa4],
         {RCX: 16, RSI: 0x80, RDI: 0x100100})
    insn("rep-stosd", m64, F_WRITE | F_AIM, [0xf3, 0xab], {RCX: 8, RDI: 0x100, RAX: 0xdeadbeef})
    insn("lodsb", m64, F_AIM, [0xac], {RSI: 0x21})
    insn("xchg", m64, F_WRITE | F_AIM, [0x87, 0x0b], {RBX: 0xb0})
    insn("or-imm8", m64, F_WRITE | F_AIM, [0x83, 0x48, 0x10, 0x01], {RAX: 0x300})
    insn("and-lock", m64, F_WRITE | F_AIM, [0xf0, 0x81, 0x20, 0xff, 0xff, 0xfe, 0xff], {RAX: 0x350})
    insn("bts", m64, F_WRITE | F_AIM, [0x0f, 0xab, 0x08], {RAX: 0x200, RCX: 5})
    insn("test-imm", m64, F_AIM, [0xf7, 0x40, 0x20, 0x00, 0x10, 0x00, 0x00], {RAX: 0x300})
    insn("cmp-byte", m64, F_AIM, [0x80, 0x3d, 0x10, 0x00, 0x00, 0x00, 0x07])
    insn("fs-override", m64, F_AIM, [0x64, 0x8b, 0x04, 0x25, 0x20, 0x00, 0x00, 0x00])
    insn("sib-scale", m64, F_WRITE | F_AIM, [0x89, 0x14, 0x88], {RAX: 0x100, RCX: 8, RDX: 7})
    insn("mov32-store", m32, F_WRITE | F_AIM, [0x89, 0x0d, 0xb0, 0x00, 0xe0, 0xfe])
    insn("mov32-load16", m32, F_AIM, [0x66, 0x8b, 0x46, 0x04], {RSI: 0x3f8})
    insn("mov16-load", m16, F_AIM, [0x8b, 0x07], {RBX: 0x20})
    insn("mov16-addr32", m16, F_WRITE | F_AIM, [0x67, 0x89, 0x08], {RAX: 0x310})
    insn("movs16", m16, F_AIM, [0xf3, 0xa5], {RCX: 2, RSI: 0x10, RDI: 0x1000})


# ---- device register sequences ----
def vuart():
    W = lambda r, v: [r, v]
    R = lambda r: [8 | r]
    P = lambda b: [16, b]
    # Linux's 8250 probe and set-up, then output, input and interrupts.
    s = (W(3, 0x80) + W(0, 1) + W(1, 0) + W(3, 0x03) + W(2, 0xc7) + W(4, 0x0b) +
         R(5) + R(2) + W(1, 0x00) + W(7, 0x5a) + R(7) + W(4, 0x1b) + W(0, 0x41) +
         R(0) + W(4, 0x0b) + W(1, 0x03) + R(2) + W(0, ord("h")) + W(0, ord("i")) +
         R(2) + R(5) + R(6))
    put("vuart", "linux-probe", s)
    s = W(2, 0xc1) + W(4, 0x08) + W(1, 0x05)
    for b in b"root\n" + bytes(range(0x30, 0x44)):
        s += P(b)
    s += R(5) + R(2) + R(0) * 6 + R(2) + R(5) + W(2, 0x00) + P(0x31) + P(0x32) + R(5)
    put("vuart", "rx-fifo-overrun", s)


def vpic():
    W = lambda i, v: [i, v]
    R = lambda i: [8 | i]
    def irq(n, lvl):
        return [((n & 7) << 5) | (2 << 3) | (n >> 3) | (2 if lvl else 0)]
    ack = [3 << 3]
    init = (W(0, 0x11) + W(1, 0x20) + W(1, 0x04) + W(1, 0x01) +
            W(2, 0x11) + W(3, 0x28) + W(3, 0x02) + W(3, 0x01) + W(1, 0xfa) + W(3, 0xfe))
    s = init + irq(0, 1) + ack + W(0, 0x20) + irq(0, 0) + irq(0, 1) + irq(8, 1) + ack + \
        W(2, 0x20) + W(0, 0x20) + W(0, 0x0b) + R(0) + W(0, 0x0a) + R(0) + R(1)
    put("vpic", "linux-init-edge", s)
    s = init + W(4, 0x00) + W(5, 0x0e) + R(4) + R(5) + irq(9, 1) + irq(10, 1) + W(3, 0xf8) + \
        ack + W(2, 0x61) + W(0, 0x62) + irq(9, 0) + W(0, 0x0c) + R(0) + W(1, 0xff)
    put("vpic", "elcr-level-specific-eoi", s)
    s = W(0, 0x13) + W(1, 0x08) + W(1, 0x03) + irq(1, 1) + ack + W(0, 0xc7) + W(0, 0xa0) + \
        W(0, 0x68) + irq(3, 1) + ack
    put("vpic", "single-aeoi-rotate-smm", s)


def vpit():
    W = lambda i, v: [i, v]
    R = lambda i: [8 | i]
    T = lambda n: [2 << 3] + list(u32(n))
    X = lambda: [3 << 3, 0]
    s = W(3, 0x34) + W(0, 0xa9) + W(0, 0x04) + T(500000) + X() + X() + W(3, 0x00) + R(0) + R(0) + \
        T(2000000) + X() + W(3, 0xe2) + R(0) + R(0)
    put("vpit", "linux-periodic-1000hz", s)
    s = W(4, 0x01) + W(3, 0xb0) + W(2, 0xff) + W(2, 0xff) + R(4) + T(10000000) + R(4) + \
        W(3, 0x80) + R(2) + R(2) + W(4, 0x00) + W(3, 0xb6) + W(2, 0x9b) + W(2, 0x2e) + W(4, 0x03) + R(4)
    put("vpit", "calibrate-ch2-beep", s)
    s = W(3, 0x30) + W(0, 0x00) + W(0, 0x10) + T(100000) + X() + W(3, 0x3a) + W(0, 0x99) + \
        W(0, 0x99) + T(1 << 30) + X() + W(3, 0x1a) + W(0, 0x05) + X()
    put("vpit", "oneshot-bcd-mode5", s)


def vrtc():
    IDX = lambda i: [0, i]
    WR = lambda v: [1, v]
    RD = [2]
    CHK = [0x12]
    T = lambda n: [3] + list(u32(n))
    s = IDX(0x0a) + RD + IDX(0x0b) + RD + IDX(0x00) + RD + IDX(0x02) + RD + IDX(0x04) + RD + \
        IDX(0x07) + RD + IDX(0x08) + RD + IDX(0x09) + RD + IDX(0x32) + RD + IDX(0x0d) + RD + CHK + \
        T(1000000000) + CHK
    put("vrtc", "read-clock", s)
    s = IDX(0x0b) + WR(0x82) + IDX(0x00) + WR(0x59) + IDX(0x02) + WR(0x59) + IDX(0x04) + WR(0x23) + \
        IDX(0x07) + WR(0x31) + IDX(0x08) + WR(0x12) + IDX(0x09) + WR(0x99) + IDX(0x0b) + WR(0x02) + \
        CHK + T(3000000000) + CHK + IDX(0x8b) + WR(0x06) + CHK + IDX(0x0c) + RD + IDX(0x40) + WR(0x77) + RD
    put("vrtc", "set-new-year-binary", s)


def vpm():
    PM, PM1, PM2, PMC, PMC1, PM6 = 0, 1, 2, 3, 4, 5
    RST, KD, KC, SCA, DBG = 7, 8, 9, 10, 11
    def W(port, size, v):
        return [0x80 | port | ({1: 0, 2: 1, 4: 2}[size] << 4)] + list(u32(v))
    def R(port, size):
        return [port | ({1: 0, 2: 1, 4: 2}[size] << 4)]
    EV = lambda v: [0xc0 | PM] + list(u32(v))
    s = [1] + R(PMC, 2) + W(PM2, 2, 0x0121) + EV(0x0100) + R(PM, 2) + W(PM, 2, 0x0100) + R(PM, 4) + \
        W(PMC, 2, 0x1401) + R(PM, 2) + W(PMC, 2, 0x3401)
    put("vpm", "acpi-s3-then-s5", s)
    s = [1] + R(KC, 1) + W(KC, 1, 0xaa) + R(KD, 1) + W(KC, 1, 0x20) + R(KD, 1) + W(KC, 1, 0x60) + \
        W(KD, 1, 0x47) + W(KC, 1, 0xd1) + W(KD, 1, 0xdf) + W(SCA, 1, 0x02) + R(SCA, 1) + \
        W(RST, 1, 0x02) + W(RST, 1, 0x06) + W(KC, 1, 0xfe) + W(DBG, 4, 0x21)
    put("vpm", "kbc-a20-resets-debug-exit", s)


def vpmtimer():
    s = [1] + list(u32(0x100000)) + list(u64(1 << 40))
    for i in range(12):
        s += [0x12 if i % 3 else 0x02] + list(u32(1000 * (i + 1) ** 3))
    put("vpmtimer", "wide-reads", s)
    s = [0] + list(u32(0)) + list(u64(0))
    for i in range(12):
        s += [(i % 8) | ((i % 4) << 3)] + list(u32(0xffffffff))
    put("vpmtimer", "narrow-wrap", s)


def vpci():
    def W(port, size, v):
        return [0x80 | ((port - 0xcf7) & 0xf) | ({1: 0, 2: 1, 4: 2}[size] << 4)] + list(u32(v))
    def R(port, size):
        return [((port - 0xcf7) & 0xf) | ({1: 0, 2: 1, 4: 2}[size] << 4)]
    s = [2] + list(u16(0x0008)) + list(u16(0x0110))
    for dev in (0, 1, 2, 0x22):
        s += W(0xcf8, 4, 0x80000000 | dev << 11) + R(0xcfc, 4) + R(0xcfe, 2)
    s += W(0xcf8, 4, 0x80000004) + R(0xcfc, 2) + W(0xcfc, 2, 0x0147) + R(0xcfc, 4) + \
        W(0xcf8, 4, 0x80000808) + R(0xcfd, 1) + W(0xcff, 1, 0x5a) + W(0xcf9, 1, 0x06) + R(0xcf8, 4) + \
        W(0xcf8, 4, 0x80011010) + W(0xcfc, 4, 0xffffffff) + R(0xcfc, 4)
    put("vpci", "probe-and-bar-sizing", s)


def vioapic():
    def W(off_i, v, sel=False):
        return [0 | (off_i << 2) | (0x20 if sel else 0)] + list(u32(v))
    def R(off_i):
        return [1 | (off_i << 2)]
    def IRQ(pin, lvl):
        return [2 | (pin << 3) | (4 if lvl else 0)]
    def EOI(vec):
        return [3, 1, vec]
    def rte(pin, lo, hi):
        return W(0, 0x10 + 2 * pin) + W(1, lo) + W(0, 0x11 + 2 * pin) + W(1, hi)
    s = [0] + W(0, 1) + R(1) + W(0, 0) + R(1) + rte(2, 0x30, 0) + IRQ(2, 1) + IRQ(2, 0) + IRQ(2, 1) + \
        rte(9, 0x1a039, 0x01000000) + IRQ(9, 1) + rte(9, 0xa039, 0x01000000) + EOI(0x39) + \
        IRQ(9, 0) + EOI(0x39) + W(0, 0x12 + 2 * 9) + R(1)
    put("vioapic", "edge-and-level", s)
    s = [1] + rte(16, 0xa941, 0x03000000) + IRQ(16, 1) + W(2, 0x41) + [3, 0, 0x41] + \
        rte(17, 0x100, 0xff000000) + IRQ(17, 1) + W(0, 0x2f, True) + R(1)
    put("vioapic", "v20-eoi-register-lowpri", s)


def vlapic():
    def op(kind, c=0, hi=None, want=None):
        for o in range(256):
            if o & 1 != c or (o >> 1) % 14 != kind:
                continue
            if hi is not None and bool(o & 0x80) != hi:
                continue
            if want and not want(o):
                continue
            return [o]
        raise ValueError(kind)
    MW = lambda off, v, c=0: op(0, c, False) + [off >> 4] + list(u32(v))
    MR = lambda off, c=0: op(1, c) + [off >> 4]
    XW = lambda reg, v, c=0: op(2, c, False) + [reg] + list(u64(v))
    XR = lambda reg, c=0: op(3, c) + [reg]
    BASE = lambda v, c=0: op(4, c, False) + [0] + list(u64(v))
    CR8 = lambda v, c=0: op(5, c) + [v]
    IRQ = lambda v, c=0: op(6, c, False) + [v]
    ACK = lambda c=0: op(7, c)
    T = lambda n: op(10, 0, False, lambda o: (o >> 6) == 0) + list(u32(n))
    FIRE = lambda c=0: op(11, c)
    PAGE = lambda acts, c=0: op(12, c) + [len(acts)] + [b for a in acts for b in a]
    s = (MW(0xf0, 0x1ff) + MW(0x80, 0) + MW(0x3e0, 0x3) + MW(0x320, 0x200ec) + MW(0x380, 100000) +
         T(5000000) + FIRE() + MR(0x390) + ACK() + MR(0x100 + 0x70) + MW(0xb0, 0) +
         IRQ(0x41) + IRQ(0x42, 1) + CR8(3) + ACK() + MW(0x310, 0x01000000) + MW(0x300, 0x4061) +
         MW(0x300, 0xc4500) + MW(0x300, 0x4608) + MW(0x350, 0x700) + MW(0x360, 0x400) + MR(0x280))
    put("vlapic", "xapic-timer-ipi", s)
    s = (MW(0xf0, 0x1ff) + BASE(0xfee00c00) + XW(0x0f, 0x1ff) + XW(0x08, 0x20) + XW(0x30, 0x000000010000003f) +
         XR(0x0a) + XW(0x3f, 0x51) + ACK() + XW(0x0b, 0) + XW(0x32, 0x400ef) + op(2, 0, False) +
         [0xe0 - 0xe0] + list(u64(0)) + BASE(0xfee00000) + BASE(0xfee00800) + MR(0x20))
    put("vlapic", "x2apic-modes-selfipi", s)
    s = (MW(0xf0, 0x1ff) + IRQ(0x50) + IRQ(0x61, 1) + PAGE([[1], [1], [0x40], [2]]) + PAGE([[2], [2]]) +
         PAGE([[3 | 0x80 >> 0, ] + list(u32(0x4071))]) + IRQ(0x72) + PAGE([[1], [0xc3] + list(u32(0))]))
    put("vlapic", "apicv-page", s)


# ---- guest page tables for the walker ----
def x86walk():
    P, W, U, PS, NX = 1, 2, 4, 0x80, 1 << 63

    def seed(name, m, m2, access, cr3, gla, entries, phys=0):
        ram = bytearray(0x6000)
        for addr, val, size in entries:
            ram[addr:addr + size] = val.to_bytes(size, "little")
        put("x86walk", name, bytes([m, m2, access, phys]) + u16(cr3) + u64(gla) + bytes(ram))
    PG, WP, PSE, PAE, LA57, SMEP, SMAP = 1, 2, 4, 8, 16, 32, 64
    LONG, NXE, CR3LOW = 1, 2, 4
    gla = 0xffff800000401234
    four = [(0x1000 + 8 * ((gla >> 39) & 511), 0x2000 | P | W | U, 8),
            (0x2000 + 8 * ((gla >> 30) & 511), 0x3000 | P | W | U, 8),
            (0x3000 + 8 * ((gla >> 21) & 511), 0x4000 | P | W | U, 8),
            (0x4000 + 8 * ((gla >> 12) & 511), 0x5000 | P | W | NX, 8)]
    seed("4level-4k", PG | WP | PAE | SMEP, LONG | NXE, 1, 0x1000, gla, four)
    seed("4level-nx-fetch", PG | WP | PAE | SMEP | SMAP, LONG | NXE, 2 | 4, 0x1000, gla, four)
    two_m = four[:2] + [(0x3000 + 8 * ((gla >> 21) & 511), 0x40000000 | P | W | PS, 8)]
    seed("4level-2m", PG | PAE, LONG, 0, 0x1000, gla, two_m, 8)
    one_g = four[:1] + [(0x2000 + 8 * ((gla >> 30) & 511), 0x80000000 | P | PS | U, 8)]
    seed("4level-1g-user-write-wp", PG | WP | PAE, LONG, 1 | 2, 0x1000, gla, one_g)
    seed("5level-4k", PG | PAE | LA57, LONG, 0, 0x1000, 0x0080000000000000, four)
    seed("4level-noncanonical", PG | PAE, LONG, 0, 0x1000, 0x0000800000000000, four)
    g32 = 0x00401234
    seed("pae-4k", PG | WP | PAE, NXE, 0, 0x1000, g32,
         [(0x1000 + 8 * (g32 >> 30), 0x2000 | P, 8),
          (0x2000 + 8 * ((g32 >> 21) & 511), 0x3000 | P | W, 8),
          (0x3000 + 8 * ((g32 >> 12) & 511), 0x5000 | P | W, 8)])
    seed("legacy-4m-pse36", PG | PSE, 0, 0, 0x1000, g32,
         [(0x1000 + 4 * (g32 >> 22), 0x00402000 | (0x3 << 13) | P | W | PS, 4)], 8)
    seed("legacy-4k-not-present", PG, 0, 2, 0x1000, g32,
         [(0x1000 + 4 * (g32 >> 22), 0x2000 | P | W | U, 4)])
    seed("paging-off", 0, 0, 0, 0, 0xb8000, [])


# ---- firmware tables: DMAR and MCFG as q35 firmware lays them out ----
def acpi_table(sig, body):
    hdr = sig + u32(36 + len(body)) + bytes([1, 0]) + b"UHVTST" + b"UHVSEED " + u32(1) + u32(0) + u32(1)
    return hdr + body


def dmar():
    def scope(kind, bus, path, enum_id=0):
        return bytes([kind, 6 + 2 * len(path)]) + u16(0) + bytes([enum_id, bus]) + \
            b"".join(bytes([d, f]) for d, f in path)

    def drhd(flags, seg, base, scopes=b""):
        return u16(0) + u16(16 + len(scopes)) + bytes([flags, 0]) + u16(seg) + u64(base) + scopes

    def rmrr(seg, base, limit, scopes):
        return u16(1) + u16(24 + len(scopes)) + u16(0) + u16(seg) + u64(base) + u64(limit) + scopes

    def atsr(seg, scopes):
        return u16(2) + u16(8 + len(scopes)) + bytes([0, 0]) + u16(seg) + scopes

    def seed(name, lookup_bdf, haw, flags, structs):
        put("dmar", name, bytes([0]) + u16(0) + u16(lookup_bdf) + bytes([0x10]) +
            acpi_table(b"DMAR", bytes([haw, flags]) + bytes(10) + structs))

    # q35 + intel-iommu,intremap=on: one unit for everything, the IOAPIC.
    seed("q35-intremap", 0x0010, 38, 1,
         drhd(1, 0, 0xfed90000, scope(3, 0xff, [(0, 0)], enum_id=0)))
    # Two units: one for listed devices behind a bridge, one for the rest;
    # an RMRR for a USB controller, an ATSR that is skipped.
    seed("two-units-rmrr", 0x0108, 45, 3,
         drhd(0, 0, 0xfed91000, scope(1, 0, [(2, 0)]) + scope(2, 0, [(1, 0)])) +
         drhd(1, 0, 0xfed90000) +
         rmrr(0, 0x7f000000, 0x7f7fffff, scope(1, 0, [(0x14, 0)])) +
         atsr(0, scope(2, 0, [(1, 0)])))
    seed("deep-path", 0x0300, 38, 0,
         drhd(0, 0, 0xfed90000, scope(1, 0, [(1, 0), (0, 0), (3, 1)])) + drhd(1, 1, 0xfed92000))


def mcfg():
    def entry(base, seg, first, last):
        return u64(base) + u16(seg) + bytes([first, last]) + u32(0)

    put("mcfg", "q35", bytes([0]) + u16(0) + acpi_table(b"MCFG", bytes(8) + entry(0xb0000000, 0, 0, 0xff)))
    put("mcfg", "two-segments", bytes([0]) + u16(1) +
        acpi_table(b"MCFG", bytes(8) + entry(0xe0000000, 0, 0, 0x3f) + entry(0xf0000000, 1, 0x10, 0x1f)))


# ---- PCI configuration spaces: a small q35-like machine ----
def pci():
    def fn(bdf, vendor, device, cls, hdr=0, bars=(), wmasks=(0,) * 6, caps=(), sec=0, ecam=False):
        cfg = bytearray(256)
        cfg[0:4] = u16(vendor) + u16(device)
        cfg[4:6] = u16(0x0007)
        cfg[6:8] = u16(0x0010 if caps else 0)
        cfg[8:12] = u32(cls << 8)
        cfg[0xe] = hdr
        for i, b in enumerate(bars):
            cfg[0x10 + 4 * i:0x14 + 4 * i] = u32(b)
        if hdr == 1:
            cfg[0x18:0x1b] = bytes([0, sec, sec])
        if caps:
            cfg[0x34] = caps[0][0]
            for i, (pos, cid) in enumerate(caps):
                nxt = caps[i + 1][0] if i + 1 < len(caps) else 0
                cfg[pos:pos + 2] = bytes([cid, nxt])
                if cid == 0x10:  # PCIe: DEVCAP with FLR
                    cfg[pos + 4:pos + 8] = u32(1 << 28)
        body = u16(bdf) + (bytes([0]) if ecam else b"") + bytes(cfg)
        return body + b"".join(u32(m) for m in (list(wmasks) + [0] * 6)[:6])

    host = fn(0x0000, 0x8086, 0x29c0, 0x060000)
    nic = fn(0x0010, 0x8086, 0x100e, 0x020000, bars=(0xfeb80000, 0xc001),
             wmasks=(0xfffe0000, 0xffffffc0), caps=((0x40, 0x05), (0x50, 0x01), (0x60, 0x10)))
    bridge = fn(0x0008, 0x8086, 0x244e, 0x060400, hdr=1, sec=1)
    nvme = fn(0x0100, 0x1b36, 0x0010, 0x010802, bars=(0xfebf0004, 0), wmasks=(0xffffc000, 0xffffffff),
              caps=((0x40, 0x11), (0x80, 0x10)))
    put("pci", "q35-cf8", bytes([0, 0]) + host + nic + bridge + nvme)
    put("pci", "bridge-loop", bytes([0, 0]) + host +
        fn(0x0008, 0x8086, 0x244e, 0x060400, hdr=1, sec=0) + fn(0x0010, 0x8086, 0x244e, 0x060400, hdr=1, sec=1))


for fn in (config, cmdline, x86emu, vuart, vpic, vpit, vrtc, vpm, vpmtimer, vpci, vioapic, vlapic, x86walk,
           dmar, mcfg, pci):
    os.makedirs(os.path.join(OUT, fn.__name__), exist_ok=True)
    fn()
