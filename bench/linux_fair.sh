#!/usr/bin/env bash
# bench/linux_fair.sh [--no-build] [--runs N] [--reps R] [--sleeps S]
#                     [--console "quiet full nofs"|all] [--side native|hv|both]
#                     [--jobs J] [--timeout S] [--first-run K] [--report-only]
# The fair Linux benchmark (issue 14): the same kernel, initramfs and
# kernel command line booted natively in Bochs and under the hypervisor,
# both in Bochs corei7_skylake_x with 2 CPUs, clock: sync=none (the TSC
# counts instructions), and the same figures taken from both:
#
#  boot     TSC ticks from the zero of the kernel's sched_clock (its TSC
#           set-up, early in setup_arch) to "Run /init as init process",
#           as (stamp - OFFSET) x tsc_khz from the kernel's own lines
#           "sched_clock: Marking stable (..)->(.., OFFSET)" and "tsc:
#           Detected/Refined ... MHz" (printk stamps follow jiffies until
#           then, which run fast natively in Bochs: OFFSET takes that out);
#  boot_cpu_s  Bochs' CPU seconds (user + system) from GRUB's first output
#           on COM1 to the first line of /init;
#  cpu, md5, forkexec, pagefault, pipe, sleep   the workloads of
#           bench/linux/fairbench.c, timed by the guest's TSC.
#
# --console quiet: cmdline with loglevel=4 (boot and workloads); nofs: the
# same plus clearcpuid=erms,fsrm,rep_good (the same string code on both
# sides: natively Bochs leaves fast strings off, and Bochs' TSC counts each
# iteration of rep stosb/movsb); full: the whole kernel log on the console
# (boot only).  Default: all three.  Each (console, side) pair is booted
# --runs times (default 1); the workloads run --reps times per boot
# (default 2); --sleeps 0 leaves the sleep workload out (an idle guest
# second costs minutes of wall time).  About 12 min on an idle machine
# (docs/PERFORMANCE.md).  Prints per figure
#   BENCH linux_fair_<figure> console=C native=MED hv=MED ratio=R
#         native_min=.. native_max=.. native_spread=(max-min)/MED native_n=.. (and hv_*)
# (MED: median over all samples of that side) and the exits of the
# hypervisor runs by reason.  Logs: $BUILD/linux/fair/<console>-<side>-<run>.log
# (and .times: wall seconds, Bochs CPU seconds, line).  Sessions run
# --jobs at a time (default 2); runs are numbered from --first-run (1), so
# that more runs can be added later.  --report-only reprints from the logs.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
build=1 runs=1 reps=2 sleeps=1000 consoles="quiet full nofs" sides="native hv"
jobs=2 timeout_s=3000 report_only=0 first=1 model=corei7_skylake_x
while [ $# -gt 0 ]; do
	case $1 in
	--no-build) build=0; shift ;;
	--runs) runs=$2; shift 2 ;;
	--first-run) first=$2; shift 2 ;;
	--reps) reps=$2; shift 2 ;;
	--sleeps) sleeps=$2; shift 2 ;;
	--console) case $2 in all | both) consoles="quiet full nofs" ;; *) consoles=$2 ;; esac; shift 2 ;;
	--side) case $2 in both) sides="native hv" ;; *) sides=$2 ;; esac; shift 2 ;;
	--jobs) jobs=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--report-only) report_only=1; shift ;;
	-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench/linux_fair.sh: unknown option $1" >&2; exit 2 ;;
	esac
done

dir=$BUILD/linux/fair
mkdir -p "$dir"

# cmdline CONSOLE: the guest kernel's command line, the same on both sides.
cmdline() {
	local c="console=ttyS0,115200 tsc=reliable linuxtest.cpus=2 linuxtest.input=0 linuxtest.bench=1"
	if [ "$1" = quiet ]; then
		echo "$c loglevel=4 linuxtest.benchreps=$reps linuxtest.benchsleeps=$sleeps"
	elif [ "$1" = nofs ]; then
		echo "$c loglevel=4 clearcpuid=erms,fsrm,rep_good linuxtest.benchreps=$reps linuxtest.benchsleeps=$sleeps"
	else
		echo "$c linuxtest.benchreps=0"
	fi
}

# make_isos CONSOLE: $dir/native-CONSOLE.iso (GRUB loads the kernel) and
# $dir/hv-CONSOLE.iso (GRUB loads the hypervisor, which boots the kernel
# as VM "linux" from $dir/fair-CONSOLE.vms).
make_isos() {
	local c=$1 cl
	cl=$(cmdline "$c")
	bash scripts/mkiso-linux.sh "$dir/native-$c.iso" "$BUILD/linux/vmlinuz" \
		"$BUILD/linux/initrd.gz" "$cl" || return 1
	# The same VM as tests/linux/linux.vms, with this command line.
	cat >"$dir/fair-$c.vms" <<VMS
[vm linux]
memory  = 256M
vcpus   = 2
entry   = linux
image   = vmlinuz
initrd  = initrd.gz
cmdline = $cl
expect_exit = 0
VMS
	bash scripts/mkiso.sh "$dir/hv-$c.iso" "loglevel=info onexit=poweroff" \
		"$BUILD/hypervisor.elf" "$dir/fair-$c.vms" "$BUILD/linux/vmlinuz" "$BUILD/linux/initrd.gz"
}

# The session driver: runs bochs-bin with COM1 on a socket, writes the
# serial output to LOG and LOG.times (per line: wall seconds, Bochs' CPU
# seconds, the line), ends with Bochs or after the timeout.
driver() { # driver ISO LOG MEGS
	python3 - "$1" "$2" "$3" "$timeout_s" "$model" <<'PY'
import os, socket, subprocess, sys, tempfile, time
iso, log_path, megs, timeout_s, model = sys.argv[1:6]
tck = os.sysconf("SC_CLK_TCK")
work = tempfile.mkdtemp()
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(1)
port = srv.getsockname()[1]
rc = os.path.join(work, "bochsrc")
with open(rc, "w") as f:
    f.write(f"""megs: {megs}
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
display_library: rfb, options="timeout=0"
clock: sync=none, time0=946681200
cpu: model={model}, count=2, ips=50000000, reset_on_triple_fault=0, ignore_bad_msrs=1
ata0-master: type=cdrom, path={iso}, status=inserted
boot: cdrom
com1: enabled=1, mode=socket-client, dev=127.0.0.1:{port}
port_e9_hack: enabled=1
speaker: enabled=0
log: {work}/bochs.log
panic: action=fatal
error: action=report
info: action=ignore
debug: action=ignore
""")
with open(os.path.join(work, "cmds"), "w") as f:
    f.write("continue\nquit\n")
t0 = time.monotonic()
p = subprocess.Popen(["bochs-bin", "-q", "-f", rc, "-rc", os.path.join(work, "cmds")],
                     stdin=subprocess.DEVNULL, stdout=open(os.path.join(work, "out"), "w"),
                     stderr=subprocess.STDOUT)
def cpu():
    try:
        st = open(f"/proc/{p.pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(st[11]) + int(st[12])) / tck
    except OSError:
        return -1.0
srv.settimeout(60)
try:
    conn, _ = srv.accept()
except socket.timeout:
    p.kill(); print("linux_fair: Bochs did not connect COM1", file=sys.stderr); sys.exit(1)
srv.close()
conn.settimeout(5)
partial = b""
first = True
status = "ok"
with open(log_path, "wb", buffering=0) as log, open(log_path + ".times", "wb") as times:
    while True:
        if time.monotonic() - t0 > float(timeout_s):
            status = "timeout"; p.kill(); break
        try:
            data = conn.recv(4096)
        except socket.timeout:
            if p.poll() is not None:
                break
            continue
        if not data:
            break
        if first:
            times.write(b"%8.2f %8.2f %s\n" % (time.monotonic() - t0, cpu(), b"FAIRMARK first serial byte (GRUB)"))
            first = False
        log.write(data)
        partial += data
        *lines, partial = partial.split(b"\n")
        for l in lines:
            times.write(b"%8.2f %8.2f %s\n" % (time.monotonic() - t0, cpu(), l.rstrip(b"\r")[:200]))
        times.flush()
    c = cpu()
    try:
        p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill(); p.wait()
    times.write(b"%8.2f %8.2f FAIRMARK end status=%s rc=%d\n" % (time.monotonic() - t0, c, status.encode(), p.returncode))
print(f"linux_fair: {log_path}: {status}, bochs rc {p.returncode}, {time.monotonic() - t0:.0f} s wall")
PY
}

if [ "$report_only" = 0 ]; then
	if [ "$build" = 1 ]; then
		make --no-print-directory BUILD="$BUILD" all >/dev/null
		bash scripts/linux-fetch.sh >/dev/null
	fi
	for c in $consoles; do make_isos "$c"; done
	echo "linux_fair: $(cat "$BUILD/linux/kernel-version"), hypervisor $(git describe --always --dirty 2>/dev/null)," \
		"consoles: $consoles, sides: $sides, $runs run(s), $reps rep(s), $sleeps sleeps, $jobs at a time" >&2
	# The sessions, $jobs at a time.
	sessions=()
	for r in $(seq "$first" $((first + runs - 1))); do
		for c in $consoles; do
			for s in $sides; do sessions+=("$c $s $r"); done
		done
	done
	running=0
	for sess in "${sessions[@]}"; do
		read -r c s r <<<"$sess"
		megs=256
		[ "$s" = hv ] && megs=512
		driver "$dir/$s-$c.iso" "$dir/$c-$s-$r.log" "$megs" >&2 &
		running=$((running + 1))
		if [ "$running" -ge "$jobs" ]; then
			wait -n || true
			running=$((running - 1))
		fi
	done
	wait || true
fi

python3 - "$dir" <<'PY'
import glob, os, re, statistics, sys
d = sys.argv[1]
esc = re.compile(rb"\x1b\[[0-9;?]*[a-zA-Z]")
data = {}  # (console, figure) -> side -> [values]
exits = {}
irq = {}
khz_seen = {}
def add(c, fig, side, v):
    data.setdefault((c, fig), {}).setdefault(side, []).append(v)
for path in sorted(glob.glob(os.path.join(d, "*-*-*.log"))):
    m = re.match(r"(quiet|full|nofs)-(native|hv)-(\d+)\.log$", os.path.basename(path))
    if not m:
        continue
    c, side, run = m.groups()
    raw = esc.sub(b"", open(path, "rb").read()).replace(b"\r", b"").decode("latin-1")
    lines = raw.split("\n")
    pre = r"^(?:\[linux\] )?"
    g = lambda rx: next((mm for l in lines for mm in [re.search(pre + rx, l)] if mm), None)
    done = g(r"LINUXTEST: DONE")
    stable = g(r"(?:LINUXTEST: dmesg )?\[ *[0-9.]+\] sched_clock: Marking stable \((-?\d+), (-?\d+)\)->\((-?\d+), (-?\d+)\)")
    runinit = g(r"(?:LINUXTEST: dmesg )?\[ *([0-9.]+)\] Run /init as init process")
    # tsc_khz: "Detected X MHz TSC" when it differs from cpu_khz, else
    # "Detected X MHz processor" (both are); "Refined" replaces it.
    det = g(r"(?:LINUXTEST: dmesg )?\[ *[0-9.]+\] tsc: Detected ([0-9.]+) MHz TSC") or \
        g(r"(?:LINUXTEST: dmesg )?\[ *[0-9.]+\] tsc: Detected ([0-9.]+) MHz")
    ref = g(r"(?:LINUXTEST: dmesg )?\[ *[0-9.]+\] tsc: Refined TSC clocksource calibration: ([0-9.]+) MHz")
    if not done:
        print(f"linux_fair: {path}: note: no 'LINUXTEST: DONE' (unfinished run; its lines so far are used)", file=sys.stderr)
    if not (stable and runinit and (det or ref)):
        print(f"linux_fair: {path}: incomplete (DONE {bool(done)}, sched_clock {bool(stable)}, "
              f"Run /init {bool(runinit)}, tsc {bool(det or ref)})", file=sys.stderr)
        continue
    mhz = float((ref or det).group(1))
    khz_seen.setdefault(side, set()).add(mhz)
    off_ns = int(stable.group(4))
    t_ns = round(float(runinit.group(1)) * 1e9)
    add(c, "boot", side, (t_ns - off_ns) * mhz / 1e3)
    # Bochs CPU seconds: GRUB's first byte to /init's first line.
    tl = open(path + ".times", "rb").read().decode("latin-1").split("\n")
    t_grub = t_init = None
    for l in tl:
        f = l.split(None, 2)
        if len(f) < 3:
            continue
        if "FAIRMARK first serial byte" in f[2] and t_grub is None:
            t_grub = float(f[1])
        if "LINUXTEST: start" in f[2] and t_init is None:
            t_init = float(f[1])
    if t_grub is not None and t_init is not None:
        add(c, "boot_cpu_s", side, t_init - t_grub)
    sleeps = "1000"
    for l in lines:
        mm = re.search(pre + r"FAIRBENCH start reps=\d+ sleeps=(\d+)", l)
        if mm:
            sleeps = mm.group(1)
        mm = re.search(pre + r"FAIRBENCH (\w+) rep=\d+ ticks=(\d+) loc=(\d+) res=(\d+) cal=(\d+)", l)
        if mm and mm.group(1) == "sleep" and sleeps != "1000":
            if sleeps == "0":
                continue  # a run without the sleep workload (--sleeps 0)
            mm = re.search(pre + r"FAIRBENCH (sleep)() rep=\d+ ticks=(\d+) loc=(\d+) res=(\d+) cal=(\d+)", l)
            fig = "sleep" + sleeps
        elif mm:
            fig = mm.group(1)
        if mm:
            mm = re.search(pre + r"FAIRBENCH \w+ rep=\d+ ticks=(\d+) loc=(\d+) res=(\d+) cal=(\d+)", l)
            add(c, fig, side, int(mm.group(1)))
            irq.setdefault((c, fig, side), []).append("/".join(mm.group(2, 3, 4)))
        mm = re.match(r"vm linux: (\d+) exits: (.*)", l)
        if mm and side == "hv":
            exits.setdefault(c, []).append(l[len("vm linux: "):])
for side, s in sorted(khz_seen.items()):
    print(f"BENCH linux_fair_tsc_mhz side={side} " + " ".join(f"{v:.3f}" for v in sorted(s)))
allk = {v for s in khz_seen.values() for v in s}
if len(allk) > 1:
    ppm = (max(allk) - min(allk)) / max(allk) * 1e6
    print(f"BENCH linux_fair_tsc_mhz note: the rates differ by {ppm:.0f} ppm; each side's boot"
          " ticks use its own rate, so they are exact; workloads are raw ticks"
          + (" (WARNING: more than 100 ppm)" if ppm > 100 else ""))
order = ["boot", "boot_cpu_s", "cpu", "md5", "forkexec", "pagefault", "pipe", "sleep"]
order += sorted({f for (_, f) in data if f not in order})
def fmt(v, fig):
    return f"{v:.2f}" if fig == "boot_cpu_s" else f"{v:.0f}"
for c in ["quiet", "full", "nofs"]:
    for fig in order:
        s = data.get((c, fig))
        if not s:
            continue
        out = [f"BENCH linux_fair_{fig} console={c}"]
        med = {}
        for side in ["native", "hv"]:
            v = s.get(side)
            if v:
                med[side] = statistics.median(v)
                out.append(f"{side}={fmt(med[side], fig)}")
        if "native" in med and "hv" in med and med["native"]:
            out.append(f"ratio={med['hv'] / med['native']:.3f}")
        for side in ["native", "hv"]:
            v = s.get(side)
            if v:
                spread = (max(v) - min(v)) / statistics.median(v) * 100 if statistics.median(v) else 0
                out.append(f"{side}_min={fmt(min(v), fig)} {side}_max={fmt(max(v), fig)} "
                           f"{side}_spread={spread:.2f}% {side}_n={len(v)}")
        print(" ".join(out))
for (c, fig, side), v in sorted(irq.items()):
    print(f"BENCH linux_fair_irqs console={c} {fig} {side} loc/res/cal=" + ",".join(v))
for c, ls in exits.items():
    for l in ls:
        print(f"BENCH linux_fair_exits console={c} {l}")
if not data:
    print(f"linux_fair: no complete boot in {d}", file=sys.stderr)
    sys.exit(1)
PY
