#!/usr/bin/env python3
"""Post-check of a scheduler boot case (POSTCHECK in tests/boot/cases).

Reads the hypervisor's per-vCPU and per-pCPU statistics from the cleaned
serial log (the last argument, appended by tests/boot/run.sh):

  sched: vcpu VM/N: run T tsc, R runs, M migrations, W wakeups, E exits, pcpus 0xMASK
  sched: pcpu N: busy T tsc, idle T tsc, S switches

and checks them.  The lines may appear more than once (when a VM ends and
at the end of the run); the last one of each vCPU or pCPU counts.

  --vcpus VM=N        VM has exactly N vCPUs with statistics
  --fair VM,VM,...    every vCPU of these VMs ran within --tol of their mean
  --ratio A:B=R       run time of VM A / run time of VM B is within --tol of R
  --mask VM=0xM       every vCPU of VM ran exactly on the pCPUs in M
  --mask VM/N=0xM     the same for one vCPU
  --min-wakeups VM/N=K  that vCPU was woken from HLT at least K times
  --pcpus N           N pCPUs reported, each busy for some time
  --tol F             relative tolerance (default 0.10)

Prints what it measured; exits 1 if any check fails, 2 on bad usage.
"""
import argparse
import re
import sys

VCPU_RE = re.compile(
    r"sched: vcpu (?P<vm>[A-Za-z0-9_-]+)/(?P<n>\d+): run (?P<run>\d+) tsc, "
    r"(?P<runs>\d+) runs, (?P<mig>\d+) migrations, (?P<wake>\d+) wakeups, "
    r"(?P<exits>\d+) exits, pcpus 0x(?P<mask>[0-9a-fA-F]+)")
PCPU_RE = re.compile(
    r"sched: pcpu (?P<n>\d+): busy (?P<busy>\d+) tsc, idle (?P<idle>\d+) tsc, "
    r"(?P<sw>\d+) switches")


class Checker:
    def __init__(self):
        self.failed = []

    def check(self, ok, what):
        print(("ok:   " if ok else "FAIL: ") + what)
        if not ok:
            self.failed.append(what)


def parse_log(path):
    vcpus, pcpus = {}, {}
    with open(path, errors="replace") as f:
        for line in f:
            m = VCPU_RE.search(line)
            if m:
                vcpus[(m["vm"], int(m["n"]))] = {
                    "run": int(m["run"]), "runs": int(m["runs"]),
                    "migrations": int(m["mig"]), "wakeups": int(m["wake"]),
                    "exits": int(m["exits"]), "mask": int(m["mask"], 16)}
                continue
            m = PCPU_RE.search(line)
            if m:
                pcpus[int(m["n"])] = {
                    "busy": int(m["busy"]), "idle": int(m["idle"]),
                    "switches": int(m["sw"])}
    return vcpus, pcpus


def vm_vcpus(vcpus, vm):
    return sorted((n, s) for (v, n), s in vcpus.items() if v == vm)


def split_eq(arg, opt):
    if "=" not in arg:
        sys.exit(f"check_sched: {opt} expects KEY=VALUE, got '{arg}'")
    key, val = arg.split("=", 1)
    return key, val


def parse_vcpu_key(key):
    """'VM' -> (VM, None); 'VM/N' -> (VM, N)."""
    if "/" in key:
        vm, n = key.split("/", 1)
        return vm, int(n)
    return key, None


def check_fair(c, vcpus, vms, tol):
    runs = []
    for vm in vms:
        got = vm_vcpus(vcpus, vm)
        c.check(bool(got), f"fair: VM {vm} has vCPU statistics")
        runs += [(f"{vm}/{n}", s["run"]) for n, s in got]
    if not runs:
        return
    mean = sum(r for _, r in runs) / len(runs)
    print(f"fair: {len(runs)} vCPUs, mean run {mean:.0f} tsc")
    for name, run in runs:
        dev = (run - mean) / mean if mean else 0.0
        c.check(mean > 0 and abs(dev) <= tol,
                f"fair: {name} ran {run} tsc, {dev * 100:+.1f}% from the mean "
                f"(limit {tol * 100:.0f}%)")


def check_ratio(c, vcpus, spec, tol):
    key, val = split_eq(spec, "--ratio")
    if ":" not in key:
        sys.exit(f"check_sched: --ratio expects A:B=R, got '{spec}'")
    a, b = key.split(":", 1)
    want = float(val)
    ra = sum(s["run"] for _, s in vm_vcpus(vcpus, a))
    rb = sum(s["run"] for _, s in vm_vcpus(vcpus, b))
    if rb == 0:
        c.check(False, f"ratio: VM {b} has no run time")
        return
    got = ra / rb
    c.check(abs(got - want) <= tol * want,
            f"ratio: {a} ran {ra} tsc, {b} ran {rb} tsc: {got:.3f} "
            f"(want {want} +-{tol * 100:.0f}%)")


def check_mask(c, vcpus, spec):
    key, val = split_eq(spec, "--mask")
    vm, n = parse_vcpu_key(key)
    want = int(val, 16)
    got = vm_vcpus(vcpus, vm)
    if n is not None:
        got = [(i, s) for i, s in got if i == n]
    c.check(bool(got), f"mask: {key} has statistics")
    for i, s in got:
        c.check(s["mask"] == want,
                f"mask: {vm}/{i} ran on pcpus {s['mask']:#x} "
                f"(want {want:#x}), {s['migrations']} migrations")


def check_wakeups(c, vcpus, spec):
    key, val = split_eq(spec, "--min-wakeups")
    vm, n = parse_vcpu_key(key)
    s = vcpus.get((vm, n if n is not None else 0))
    c.check(s is not None and s["wakeups"] >= int(val),
            f"wakeups: {key} woken {s['wakeups'] if s else '?'} times "
            f"(want >= {val})")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vcpus", action="append", default=[])
    ap.add_argument("--fair", action="append", default=[])
    ap.add_argument("--ratio", action="append", default=[])
    ap.add_argument("--mask", action="append", default=[])
    ap.add_argument("--min-wakeups", action="append", default=[])
    ap.add_argument("--pcpus", type=int)
    ap.add_argument("--tol", type=float, default=0.10)
    ap.add_argument("log")
    args = ap.parse_args()

    vcpus, pcpus = parse_log(args.log)
    c = Checker()
    c.check(bool(vcpus), f"{len(vcpus)} 'sched: vcpu' line(s) found")
    for spec in args.vcpus:
        vm, val = split_eq(spec, "--vcpus")
        got = [n for n, _ in vm_vcpus(vcpus, vm)]
        c.check(got == list(range(int(val))),
                f"vcpus: VM {vm} reported vCPUs {got} (want 0..{int(val) - 1})")
    for spec in args.fair:
        check_fair(c, vcpus, [v for v in spec.split(",") if v], args.tol)
    for spec in args.ratio:
        check_ratio(c, vcpus, spec, args.tol)
    for spec in args.mask:
        check_mask(c, vcpus, spec)
    for spec in args.min_wakeups:
        check_wakeups(c, vcpus, spec)
    if args.pcpus is not None:
        c.check(sorted(pcpus) == list(range(args.pcpus)),
                f"pcpus: {sorted(pcpus)} reported (want 0..{args.pcpus - 1})")
        for n, s in sorted(pcpus.items()):
            total = s["busy"] + s["idle"]
            pct = 100.0 * s["busy"] / total if total else 0.0
            c.check(s["busy"] > 0,
                    f"pcpu {n}: busy {s['busy']} tsc ({pct:.1f}%), "
                    f"{s['switches']} switches")
    # run.sh quotes the last lines of a failed post-check: repeat the
    # failures there.
    for what in c.failed[-4:]:
        print("FAIL: " + what)
    print(f"check_sched: {len(c.failed)} failure(s)")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
