#!/usr/bin/env python3
"""Compare two boot reports of the hypervisor field by field.

compare_reports.py GRUB_LOG EFI_LOG

Each report is the serial log from the "hv ...: x86-64 microhypervisor"
banner on, CRs and ANSI escapes removed.  Lines are matched in order by
their prefix ("boot", "mem", "acpi", ...); within a line, the fields that
differ by nature are normalized first:

  - the loader name (GRUB's version string vs "uefi (hypervisor.efi)"),
  - the RSDP address (each loader copies the RSDP into its own block) and
    the modules' addresses (their sizes and hashes must be equal),
  - figures measured in time: TSC and LAPIC timer kHz, the PCI scan's us,
  - the version after "hv".

The memory map lines of loglevel=debug are folded into one field: kinds
as the frame allocator sees them (GRUB's type 20, EFI runtime code, is
reserved as ours is), neighbours of one kind merged.

Everything else (firmware kind, command line, modules' sizes and hashes,
memory map and summary, ACPI tables, IOAPIC, PCI functions, VT-x verdict)
must be equal.
Prints one line per field and exits 1 if any differs.
"""
import re
import sys

NORMALIZE = [
    (r"^hv \S+:", "hv VERSION:"),
    (r'^boot: loader "[^"]*"', 'boot: loader "LOADER"'),
    (r"RSDP v(\d) at 0x[0-9a-f]+", r"RSDP v\1 at ADDR"),
    (r"(^boot: module \d+ .*bytes) at 0x[0-9a-f]+", r"\1 at ADDR"),
    (r"^tsc: \d+ kHz", "tsc: N kHz"),
    (r"timer \d+ kHz", "timer N kHz"),
    (r"bus-scan reads, \d+ us", "bus-scan reads, N us"),
]


def report(path):
    lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
    start = next((i for i, l in enumerate(lines)
                  if re.match(r"^hv \S+: x86-64 microhypervisor", l)), None)
    if start is None:
        sys.exit(f"compare_reports: no hypervisor banner in {path}")
    return fold_map([l for l in lines[start:] if l.strip()])


MAP_RE = re.compile(r"^boot: map 0x([0-9a-f]+)-0x([0-9a-f]+) .*\((\d+)\)$")


def kind(t):
    """Memory kinds as the frame allocator sees them: usable, ACPI reclaim,
    ACPI NVS and bad are their own; reserved and every other number (GRUB
    marks EFI runtime services code 20) are memory nobody may take."""
    return {1: "usable", 3: "ACPI-reclaim", 4: "ACPI-NVS", 5: "bad"}.get(t, "reserved")


def fold_map(lines):
    """The loglevel=debug memory map lines, as one line: regions by kind,
    neighbours of one kind merged, in place of the first of them."""
    regions, out, at = [], [], None
    for l in lines:
        m = MAP_RE.match(l)
        if not m:
            out.append(l)
            continue
        if at is None:
            at = len(out)
            out.append(None)
        base, last, k = int(m.group(1), 16), int(m.group(2), 16), kind(int(m.group(3)))
        if regions and regions[-1][2] == k and regions[-1][1] + 1 == base:
            regions[-1][1] = last
        else:
            regions.append([base, last, k])
    if at is not None:
        out[at] = "boot: map " + ", ".join(f"{b:#x}-{e:#x} {k}" for b, e, k in regions)
    return out


def loader(lines):
    for l in lines:
        m = re.match(r'^boot: loader "([^"]*)"', l)
        if m:
            return m.group(1)
    return "?"


def normalize(line):
    for pat, rep in NORMALIZE:
        line = re.sub(pat, rep, line)
    return line


def field(line):
    m = re.match(r"^([A-Za-z0-9 ]+?):", line)
    return m.group(1) if m else line[:20]


def main():
    grub, efi = report(sys.argv[1]), report(sys.argv[2])
    print(f"compare: loader {loader(grub)!r} (GRUB) vs {loader(efi)!r} (EFI)")
    bad = 0
    for i in range(max(len(grub), len(efi))):
        g = normalize(grub[i]) if i < len(grub) else "<missing>"
        e = normalize(efi[i]) if i < len(efi) else "<missing>"
        name = field(g if i < len(grub) else e)
        if g == e:
            text = g[len(name) + 1:].strip()
            print(f"  same    {name}: {text if text.startswith('map ') else text[:90]}")
        else:
            bad += 1
            print(f"  DIFFERS {name}:\n    grub: {g}\n    efi:  {e}")
    print(f"compare: {max(len(grub), len(efi)) - bad} field(s) equal, {bad} differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
