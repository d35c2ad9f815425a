#!/usr/bin/env python3
"""make layers: every dependency between folders must point down.

    lib <- mm <- arch-x86 <- drivers <- {vmx, sched} <- guest <- boot

and inside guest/:

    include <- {dev, x86emu, config} <- vm <- load <- vpc <- exit <- guest/

guest/vm/ holds the VM and vCPU objects every room works on; the files
directly in guest/ are the top: VM lifecycle, the vCPU loop, the glue to
the scheduler.

Two kinds of edge are checked:
  * #include lines of every .c, .h, .S and .inc file, resolved the way
    gcc does (a quoted name first next to the including file, then from
    the source root; <name> only from the root);
  * symbols, with --objs: each object file's undefined symbols must be
    defined in its own room or a room below it.  gcc-nm reads the LTO
    objects (their symbol tables) and the assembled .S objects alike.
    Objects whose source no longer exists (left over in the build folder
    after a move) are skipped.

Rooms of one rank (vmx and sched; dev, x86emu and config) may not use each
other.  A guest/ sub-folder missing from the map is an error too.

Every offending edge is printed on one line:
    FILE:LINE: includes TARGET (ROOM may not use ROOM)
    FILE:LINE: uses SYMBOL from FILE (ROOM may not use ROOM)
(LINE is the first line of FILE naming SYMBOL; it is left out when the
name only appears through a header.)  The exit status is 1 if there is
any, 2 if the check itself could not run (gcc-nm failed).  --summary adds
a table of the folder-to-folder edges, the upward ones marked UP.

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
# guest/'s rooms; files directly in guest/ are the top: the VM and vCPU
# objects' lifecycle and the vCPU loop.
GUEST_RANK = {"include": 0, "dev": 1, "x86emu": 1, "config": 1, "vm": 2,
              "load": 3, "vpc": 4, "exit": 5, "": 6}
SRC_EXT = (".c", ".h", ".S", ".inc")
INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^">]+)[">]')
# nm symbol types: undefined (a use) and global definitions.
NM_UNDEF = set("Uwv")
NM_DEFINED = set("TDBRGSVWCiu")
NM_STRONG = set("TDBRGSCiu")


class Room:
    """A folder of the map: name (e.g. "guest/vpc") and rank, a pair
    (top-level rank, rank inside guest/); rank is None for a guest/
    sub-folder that the map does not place."""

    def __init__(self, name, rank):
        self.name, self.rank = name, rank


def room_of(path):
    """The Room of a repository-relative path, or None outside the
    hypervisor's folders."""
    parts = os.path.normpath(path).split("/")
    top = parts[0]
    if top not in TOP_RANK or len(parts) < 2:
        return None
    if top != "guest":
        return Room(top, (TOP_RANK[top], 0))
    sub = parts[1] if len(parts) > 2 else ""
    name = "guest/" + sub if sub else "guest"
    if sub not in GUEST_RANK:
        return Room(name, None)
    return Room(name, (TOP_RANK[top], GUEST_RANK[sub]))


def allowed(src, dst):
    """May room src use room dst?  Same room, or strictly lower rank."""
    if src.name == dst.name:
        return True
    if src.rank is None or dst.rank is None:
        return False
    return src.rank > dst.rank


def sources(root):
    for top in TOP:
        for d, dirs, files in os.walk(os.path.join(root, top)):
            dirs.sort()
            for f in sorted(files):
                if f.endswith(SRC_EXT):
                    yield os.path.relpath(os.path.join(d, f), root)


def resolve(root, rel, kind, target):
    """Repository-relative path an include line names, as gcc finds it
    (-I. -Ibuild/gen); None for system and generated headers."""
    if target.startswith("build/"):
        # generated offsets: they belong to the file that generates
        # them (<folder>/asm-offsets.c)
        return None
    if kind == '"':
        near = os.path.normpath(os.path.join(os.path.dirname(rel), target))
        if os.path.isfile(os.path.join(root, near)):
            return near
    path = os.path.normpath(target)
    if path.startswith("..") or os.path.isabs(path):
        return None
    if os.path.isfile(os.path.join(root, path)):
        return path
    # Not (yet) in the tree: judge it by the name it is written with.
    return path if room_of(path) else None


def include_edges(root):
    """(file, line number, included path) for every include line that
    names a file of the hypervisor's folders."""
    for rel in sources(root):
        with open(os.path.join(root, rel), errors="replace") as fh:
            for n, line in enumerate(fh, 1):
                m = INCLUDE_RE.match(line)
                if not m:
                    continue
                target = resolve(root, rel, m.group(1), m.group(2))
                if target:
                    yield rel, n, target


def object_sources(objs, root):
    """{object file: its source, repository-relative} for every object
    under objs whose .c or .S source exists under root."""
    found = {}
    for d, dirs, names in os.walk(objs):
        dirs.sort()
        for f in sorted(names):
            if not f.endswith(".o"):
                continue
            obj = os.path.join(d, f)
            stem = os.path.relpath(obj, objs)[:-2]
            for ext in (".c", ".S"):
                if os.path.isfile(os.path.join(root, stem + ext)):
                    found[obj] = stem + ext
                    break
    return found


def read_symbols(objs_to_src):
    """(defined {symbol: source}, undefined [(source, symbol)]) from one
    gcc-nm run in POSIX format, file name on every line:
        build/hv/vmx/exit.o: guest_io U
        build/hv/lib/string.o: memcpy T 0 """
    if not objs_to_src:
        return {}, []
    cmd = ["gcc-nm", "-A", "-P"] + sorted(objs_to_src)
    try:
        out = subprocess.run(cmd, capture_output=True, text=True)
    except OSError as e:
        raise SystemExit(f"layers: cannot run gcc-nm: {e}") from e
    if out.returncode != 0:
        sys.stderr.write(out.stderr)
        raise SystemExit("layers: gcc-nm failed; no symbol edges checked")
    defined, strong, undefined = {}, {}, []
    for line in out.stdout.splitlines():
        obj, sep, rest = line.partition(": ")
        f = rest.split()
        if not sep or len(f) < 2 or obj not in objs_to_src:
            continue
        src, sym, kind = objs_to_src[obj], f[0], f[1]
        if kind in NM_UNDEF:
            undefined.append((src, sym))
        elif kind in NM_DEFINED:
            # a strong definition wins over a weak one
            if kind in NM_STRONG and sym not in strong:
                strong[sym] = src
            defined.setdefault(sym, src)
    defined.update(strong)
    return defined, undefined


def symbol_edges(objs, root):
    """(using source, symbol, defining source) for every undefined symbol
    that another object of objs defines."""
    if not objs:
        return
    if not os.path.isdir(objs):
        raise SystemExit(f"layers: {objs}: no such folder (make all first)")
    defined, undefined = read_symbols(object_sources(objs, root))
    seen = set()
    for src, sym in undefined:
        if sym in defined and (src, sym) not in seen:
            seen.add((src, sym))
            yield src, sym, defined[sym]


def first_use(root, rel, sym):
    """Line number of the first line of rel that names sym inside braces
    (a function body or an initializer, not a prototype), else of the
    first line naming it outside comments; None if there is none."""
    word = re.compile(r"(?<![A-Za-z0-9_])" + re.escape(sym) + r"(?![A-Za-z0-9_])")
    noise = re.compile(r'"(?:\\.|[^"\\])*"' + r"|'(?:\\.|[^'\\])*'|//.*")
    depth, in_comment, anywhere = 0, False, None
    try:
        with open(os.path.join(root, rel), errors="replace") as fh:
            lines = list(fh)
    except OSError:
        return None
    for n, line in enumerate(lines, 1):
        code = ""
        rest = line
        while rest:
            if in_comment:
                end = rest.find("*/")
                if end < 0:
                    rest = ""
                else:
                    in_comment, rest = False, rest[end + 2:]
            else:
                start = rest.find("/*")
                if start < 0:
                    code, rest = code + rest, ""
                else:
                    code, rest, in_comment = code + rest[:start] + " ", rest[start + 2:], True
        code = noise.sub(" ", code)
        if word.search(code):
            if depth > 0:
                return n
            if anywhere is None:
                anywhere = n
        depth = max(0, depth + code.count("{") - code.count("}"))
    return anywhere


class Report:
    def __init__(self):
        self.bad = 0
        self.edges = {}      # (src room, dst room) -> [includes, symbols]
        self.rooms = {}      # name -> Room
        self.unplaced = set()

    def edge(self, src, dst, kind):
        for r in (src, dst):
            self.rooms[r.name] = r
            if r.rank is None and r.name not in self.unplaced:
                self.unplaced.add(r.name)
                print(f"layers: {r.name}/: folder not in the map "
                      f"(add it to GUEST_RANK in scripts/layers.py)")
                self.bad += 1
        if src.name != dst.name:
            self.edges.setdefault((src.name, dst.name), [0, 0])[kind] += 1
        return allowed(src, dst)

    def offend(self, text):
        print(text)
        self.bad += 1

    def summary(self, with_symbols):
        up = {k for k in self.edges
              if not allowed(self.rooms[k[0]], self.rooms[k[1]])}
        print(f"layers: {len(self.edges)} folder-to-folder edges, "
              f"{len(up)} of them upward")
        head = f"  {'from':>14}    {'to':<14} {'includes':>8}"
        if with_symbols:
            head += f" {'symbols':>8}"
        print(head)
        for k in sorted(self.edges):
            inc, sym = self.edges[k]
            row = f"  {k[0]:>14} -> {k[1]:<14} {inc:8}"
            if with_symbols:
                row += f" {sym:8}"
            print(row + ("  UP" if k in up else ""))


def main():
    ap = argparse.ArgumentParser(
        description="Check that folders only use the folders below them.")
    ap.add_argument("--root", default=".", help="source root (default .)")
    ap.add_argument("--objs", default=None,
                    help="folder of the hypervisor's object files (build/hv)")
    ap.add_argument("--summary", action="store_true",
                    help="also print the folder-to-folder edges")
    a = ap.parse_args()

    rep = Report()
    seen = set()
    for rel, n, target in include_edges(a.root):
        s, d = room_of(rel), room_of(target)
        if not s or not d or (rel, n) in seen:
            continue
        seen.add((rel, n))
        if not rep.edge(s, d, 0):
            rep.offend(f"{rel}:{n}: includes {target} "
                       f"({s.name} may not use {d.name})")
    uses = []
    for src, sym, where in symbol_edges(a.objs, a.root):
        s, d = room_of(src), room_of(where)
        if s and d and not rep.edge(s, d, 1):
            uses.append((src, first_use(a.root, src, sym) or 0, sym, where,
                         s.name, d.name))
    for src, n, sym, where, s, d in sorted(uses):
        at = f"{src}:{n}" if n else src
        rep.offend(f"{at}: uses {sym} from {where} ({s} may not use {d})")
    if a.summary:
        rep.summary(a.objs is not None)
    if rep.bad:
        print(f"layers: {rep.bad} edge(s) against the direction")
        return 1
    print("layers: every edge points down")
    return 0


if __name__ == "__main__":
    sys.exit(main())
