#!/usr/bin/env python3
"""Helpers of `make coverage` (tests/unit/unit.mk); docs/testing.md says
how to read the result.

  coverage.py table INFO [--untested LIST] [--estimated LIST]
      Per-folder table of an lcov tracefile: lines hit, lines total and
      percent for each room of the hypervisor, then the total.  LIST files
      name one source a line: the sources no unit test compiles (counted
      from the zero baseline) and those whose lines had to be estimated.

  coverage.py estimate SRC
      An lcov record with every line of SRC counted as not run, for a
      source that compiles neither for the host nor with the hypervisor's
      flags: a line counts when it lies inside a function body and holds
      code other than braces, comments and preprocessor lines.  gcov
      counts a few lines differently (a declaration without initializer
      is not a line for it), so the number is an estimate; such files are
      marked '~' in the table.
"""
import os
import re
import sys

# The rows, bottom room first; a file belongs to the longest prefix that
# matches.  "guest" alone is the files directly in guest/.
ROWS = ["lib", "mm", "arch-x86", "drivers", "vmx", "sched", "guest/include",
        "guest/dev", "guest/x86emu", "guest/config", "guest/load", "guest/vpc",
        "guest/exit", "guest/vm", "guest", "boot"]
TOPS = ("lib", "mm", "arch-x86", "drivers", "vmx", "sched", "guest", "boot")


def relative(path):
    cwd = os.getcwd() + "/"
    return path[len(cwd):] if path.startswith(cwd) else path


def row_of(path):
    parts = path.split("/")
    if parts[0] not in TOPS or len(parts) < 2:
        return None
    if parts[0] != "guest":
        return parts[0]
    return "guest/" + parts[1] if len(parts) > 2 else "guest"


def read_info(info):
    """{source: {line: count}} of an lcov tracefile."""
    files, cur = {}, None
    with open(info) as fh:
        for line in fh:
            line = line.strip()
            if line.startswith("SF:"):
                cur = files.setdefault(relative(line[3:]), {})
            elif line.startswith("DA:") and cur is not None:
                n, count = line[3:].split(",")[:2]
                n = int(n)
                cur[n] = cur.get(n, 0) + int(float(count))
            elif line == "end_of_record":
                cur = None
    return files


def read_list(path):
    if not path or not os.path.isfile(path):
        return set()
    with open(path) as fh:
        return {line.strip() for line in fh if line.strip()}


def table(argv):
    info = argv[0]
    opts = dict(zip(argv[1::2], argv[2::2]))
    untested = read_list(opts.get("--untested"))
    estimated = read_list(opts.get("--estimated"))
    rows = {}
    for path, lines in read_info(info).items():
        r = row_of(path)
        if r is None:
            continue
        acc = rows.setdefault(r, [0, 0, set(), set()])
        acc[0] += sum(1 for c in lines.values() if c > 0)
        acc[1] += len(lines)
        if path.endswith(".c"):
            acc[2].add(path)
    for path in untested | estimated:
        r = row_of(path)
        if r:
            rows.setdefault(r, [0, 0, set(), set()])[3].add(path)
    order = ROWS + sorted(r for r in rows if r not in ROWS)
    print(f"coverage: {'folder':<14} {'hit':>6} {'lines':>6} {'percent':>8}"
          f"   .c files (not compiled by any unit test)")
    hit = total = 0
    for r in order:
        if r not in rows:
            continue
        h, t, srcs, zero = rows[r]
        hit, total = hit + h, total + t
        mark = "~" if any(p in estimated for p in zero) else " "
        print(f"coverage: {r:<14} {h:6} {t:6} {pct(h, t):>8}{mark}  "
              f"{len(srcs | zero):3} ({len(zero)})")
    nzero = len(untested | estimated)
    print(f"coverage: {'total':<14} {hit:6} {total:6} {pct(hit, total):>8}   "
          f"{'':3} ({nzero})")
    for p in sorted(estimated):
        print(f"coverage: ~ {p}: compiles neither for the host nor with the "
              f"hypervisor's flags; its lines are estimated")


def pct(h, t):
    return f"{100.0 * h / t:.1f}%" if t else "-"


def estimate(argv):
    """Print an lcov record for argv[0] with every estimated line at 0."""
    src = argv[0]
    with open(src, errors="replace") as fh:
        text = fh.read()
    # Blank out comments and literals, keeping the line structure.
    text = re.sub(r"/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group()),
                  text, flags=re.S)
    text = re.sub(r'//[^\n]*|"(?:\\.|[^"\\\n])*"' + r"|'(?:\\.|[^'\\\n])*'",
                  lambda m: "0" if m.group()[0] in "\"'" else "", text)
    # Walk the characters: a '{' at file scope opens a function body when
    # the text before it ends in ')' (not a struct or an initializer).
    depth, in_func, head, counted = 0, False, "", set()
    n = 1
    for ch in text:
        if ch == "\n":
            n += 1
        if ch == "{":
            if depth == 0:
                in_func = head.rstrip().endswith(")")
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
            if depth == 0:
                head, in_func = "", False
        elif depth == 0:
            head = "" if ch == ";" else head + ch
        elif in_func and not ch.isspace() and ch != ";":
            counted.add(n)
    rows = text.split("\n")
    lines = [k for k in sorted(counted)
             if not rows[k - 1].lstrip().startswith("#")]
    print("TN:")
    print(f"SF:{os.path.abspath(src)}")
    for n in lines:
        print(f"DA:{n},0")
    print(f"LF:{len(lines)}")
    print("LH:0")
    print("end_of_record")


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "table":
        table(sys.argv[2:])
    elif len(sys.argv) == 3 and sys.argv[1] == "estimate":
        estimate(sys.argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
