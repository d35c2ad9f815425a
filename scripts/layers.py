#!/usr/bin/env python3
"""make layers: every dependency between folders must point down.

    lib <- mm <- arch-x86 <- drivers <- {vmx, sched} <- guest <- boot

and inside guest/:

    include <- {dev, x86emu, config} <- vm <- load <- vpc <- exit <- guest/

guest/vm/ holds the VM and vCPU objects every room works on; the files
directly in guest/ are the top: VM lifecycle, the vCPU loop, the glue to
the scheduler.

Two kinds of edge are checked:
  * #include "..." lines of every .c, .h, .S and .inc file;
  * symbols: each object file's undefined symbols must be defined in its
    own room or a room below it (gcc-nm reads the LTO objects).

Rooms of one rank (vmx and sched; dev, x86emu and config) may not use each
other.  Every offending edge is printed; the exit status is 1 if there is
any.  --summary prints the folder-to-folder include edges as well.

Usage: scripts/layers.py [--root DIR] [--objs DIR] [--summary]
"""
import argparse
import os
import re
import subprocess
import sys

TOP = ["lib", "mm", "arch-x86", "drivers", "vmx", "sched", "guest", "boot"]
TOP_RANK = {"lib": 0, "mm": 1, "arch-x86": 2, "drivers": 3, "vmx": 4,
            "sched": 4, "guest": 5, "boot": 6}
# guest/'s rooms; files directly in guest/ are the "vm" room at the top:
# the VM and vCPU objects' lifecycle and the vCPU loop.
GUEST_RANK = {"include": 0, "dev": 1, "x86emu": 1, "config": 1, "vm": 2,
              "load": 3, "vpc": 4, "exit": 5, "": 6}
SRC_EXT = (".c", ".h", ".S", ".inc")
INCLUDE_RE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def room_of(path):
    """(name, rank) of a repository-relative path, or None outside the
    hypervisor's folders."""
    parts = path.split("/")
    top = parts[0]
    if top not in TOP_RANK:
        return None
    if top != "guest":
        return top, (TOP_RANK[top], 0)
    sub = parts[1] if len(parts) > 2 else ""
    if sub not in GUEST_RANK:
        return None
    name = "guest/" + sub if sub else "guest"
    return name, (TOP_RANK[top], GUEST_RANK[sub])


def allowed(src, dst):
    """May room src use room dst?  Both are (name, rank)."""
    if src[0] == dst[0]:
        return True
    return src[1] > dst[1]


def sources(root):
    for top in TOP:
        for d, _, files in os.walk(os.path.join(root, top)):
            for f in sorted(files):
                if f.endswith(SRC_EXT):
                    yield os.path.relpath(os.path.join(d, f), root)


def include_edges(root):
    """(file, line number, included path) for every quoted include that
    names a file of the tree."""
    for rel in sources(root):
        with open(os.path.join(root, rel), errors="replace") as fh:
            for n, line in enumerate(fh, 1):
                m = INCLUDE_RE.match(line)
                if not m:
                    continue
                target = m.group(1)
                if target.startswith("build/"):
                    # generated offsets: they belong to the file that
                    # generates them (<folder>/asm-offsets.c)
                    continue
                if not os.path.exists(os.path.join(root, target)):
                    near = os.path.normpath(os.path.join(os.path.dirname(rel), target))
                    if os.path.exists(os.path.join(root, near)):
                        target = near
                yield rel, n, target


def symbol_edges(objs, root):
    """(object's source, symbol, defining source) for undefined symbols."""
    if not objs or not os.path.isdir(objs):
        return []
    files = []
    for d, _, names in os.walk(objs):
        files += [os.path.join(d, f) for f in names if f.endswith(".o")]
    defined, undefined = {}, []
    for obj in sorted(files):
        src = os.path.relpath(obj, objs)[:-2]
        out = subprocess.run(["gcc-nm", obj], capture_output=True, text=True)
        for line in out.stdout.splitlines():
            f = line.split()
            if len(f) == 2 and f[0] == "U":
                undefined.append((src, f[1]))
            elif len(f) == 3 and f[1] in "TDBRtdbrVWC":
                if f[1].isupper():
                    defined.setdefault(f[2], src)
    for src, sym in undefined:
        if sym in defined:
            yield src, sym, defined[sym]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default=".")
    ap.add_argument("--objs", default=None,
                    help="folder of the hypervisor's object files (build/hv)")
    ap.add_argument("--summary", action="store_true")
    a = ap.parse_args()

    bad = 0
    folder_edges, rank = {}, {}
    for rel, n, target in include_edges(a.root):
        s, d = room_of(rel), room_of(target)
        if not s or not d:
            continue
        rank[s[0]], rank[d[0]] = s[1], d[1]
        if s[0] != d[0]:
            key = (s[0], d[0])
            folder_edges[key] = folder_edges.get(key, 0) + 1
        if not allowed(s, d):
            print(f"layers: {rel}:{n}: includes {target} ({s[0]} may not use {d[0]})")
            bad += 1
    seen = set()
    for src, sym, where in symbol_edges(a.objs, a.root):
        s, d = room_of(src + ".c") or room_of(src + ".S"), room_of(where + ".c")
        if not s or not d or allowed(s, d):
            continue
        key = (src, sym)
        if key in seen:
            continue
        seen.add(key)
        print(f"layers: {src}: uses {sym} from {where} ({s[0]} may not use {d[0]})")
        bad += 1
    if a.summary:
        up = [k for k in folder_edges
              if not allowed((k[0], rank[k[0]]), (k[1], rank[k[1]]))]
        print(f"layers: {len(folder_edges)} folder-to-folder include edges, "
              f"{len(up)} of them upward")
        for k in sorted(folder_edges):
            mark = "  UP" if k in up else ""
            print(f"  {k[0]:>14} -> {k[1]:<14} {folder_edges[k]:4} includes{mark}")
    if bad:
        print(f"layers: {bad} edge(s) against the direction")
        return 1
    print("layers: every edge points down")
    return 0


if __name__ == "__main__":
    sys.exit(main())
