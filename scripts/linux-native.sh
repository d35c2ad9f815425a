#!/usr/bin/env bash
# linux-native.sh [--cpus N] [--timeout S] [--model M] [--input LINE | --no-input]
#                 [--append "ARGS"] [--log FILE] [--show]
# Boots the Linux test guest natively in Bochs, without the hypervisor: a
# GRUB ISO ($BUILD/linux/native.iso) whose entry loads $BUILD/linux/vmlinuz
# and initrd.gz (scripts/linux-fetch.sh makes them) with
#   console=ttyS0,115200 loglevel=4 tsc=reliable linuxtest.cpus=N ARGS
# The guest's /init (tests/linux/init) checks the platform, prints
# "LINUXTEST: ..." lines, then powers off (ACPI S5), which ends Bochs.
# Defaults: 2 CPUs, corei7_skylake_x (Linux hangs natively on Bochs's
# default icelake model), 900 s timeout, log $BUILD/linux/native-serial.log.
#
# Serial input: when python3 is present, COM1 is a socket to a small relay
# (below) that appends the guest's output to the log and types LINE
# (default "hello from the host") when the guest prints "LINUXTEST:
# console waiting"; the run then also requires "PASS console read".
# Without python3, or with --no-input, COM1 is the log file as in
# scripts/bochs.sh and the guest reports a console read timeout.
#
# Exit status 0 when the guest reached "LINUXTEST: DONE" with no
# "LINUXTEST: FAIL", with PASS lines for "cpus online 0-(N-1)" and
# "sleep 1", and Bochs ended on its own; prints the wall time.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}
cpus=2 timeout_s=900 model=corei7_skylake_x input="hello from the host"
append="" show="" log=$BUILD/linux/native-serial.log
while [ $# -gt 0 ]; do
	case $1 in
	--cpus) cpus=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--model) model=$2; shift 2 ;;
	--input) input=$2; shift 2 ;;
	--no-input) input=""; shift ;;
	--append) append=$2; shift 2 ;;
	--log) log=$2; shift 2 ;;
	--show) show=--show; shift ;;
	*) echo "linux-native.sh: unknown option $1" >&2; exit 2 ;;
	esac
done

dir=$BUILD/linux
for f in vmlinuz initrd.gz; do
	[ -s "$dir/$f" ] || { echo "linux-native.sh: $dir/$f missing; run scripts/linux-fetch.sh" >&2; exit 2; }
done
cmdline="console=ttyS0,115200 loglevel=4 tsc=reliable linuxtest.cpus=$cpus${append:+ $append}"
[ -n "$input" ] || cmdline="$cmdline linuxtest.input=0"

work=$(mktemp -d)
relay_pid=
cleanup() {
	[ -n "$relay_pid" ] && kill "$relay_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

# The ISO: GRUB loads the kernel and the initramfs directly.
iso=$dir/native.iso
mkdir -p "$(dirname "$log")"
bash scripts/mkiso-linux.sh "$iso" "$dir/vmlinuz" "$dir/initrd.gz" "$cmdline"

# The serial relay: listens on a local port for Bochs's COM1
# (mode=socket-client), appends what the guest sends to the log and types
# the input line once the guest asks for it.  Ends when Bochs closes.
# It also writes LOG.times: every line with the wall time since the start.
extra=""
if [ -n "$input" ] && command -v python3 >/dev/null; then
	python3 - "$work/port" "$log" "$input" <<'PY' &
import os, socket, sys, time
port_file, log_path, line = sys.argv[1], sys.argv[2], sys.argv[3]
trigger = b"LINUXTEST: console waiting"
t0 = time.monotonic()
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(1)
with open(port_file + ".tmp", "w") as f:
    f.write(str(srv.getsockname()[1]))
os.rename(port_file + ".tmp", port_file)
srv.settimeout(120)
conn, _ = srv.accept()
srv.close()
sent = False
tail = b""
partial = b""
# LOG.times: each complete output line with the wall time since Bochs
# started, to see where the time goes (GRUB, kernel, /init).
with open(log_path, "ab", buffering=0) as log, open(log_path + ".times", "wb") as times:
    while True:
        data = conn.recv(4096)
        if not data:
            break
        log.write(data)
        partial += data
        *lines, partial = partial.split(b"\n")
        for l in lines:
            times.write(b"%7.1f %s\n" % (time.monotonic() - t0, l.rstrip(b"\r")[:160]))
        times.flush()
        if not sent:
            tail = (tail + data)[-256:]
            if trigger in tail:
                time.sleep(0.5)
                conn.sendall(line.encode() + b"\r")
                sent = True
PY
	relay_pid=$!
	for _ in $(seq 100); do
		[ -s "$work/port" ] && break
		sleep 0.1
	done
	if [ -s "$work/port" ]; then
		extra="com1: enabled=1, mode=socket-client, dev=127.0.0.1:$(cat "$work/port")"
	else
		echo "linux-native.sh: the serial relay did not start; no serial input" >&2
		kill "$relay_pid" 2>/dev/null
		relay_pid='' input=''
	fi
else
	input=""
fi

echo "linux-native.sh: booting $iso in Bochs ($cpus CPU(s), $model, timeout ${timeout_s}s)"
echo "linux-native.sh: kernel $(cat "$dir/kernel-version" 2>/dev/null), cmdline: $cmdline"
t0=$(date +%s)
bash scripts/bochs.sh "$iso" "$log" --cpus "$cpus" --model "$model" \
	--timeout "$timeout_s" --extra "$extra" $show >"$work/bochs.out" 2>&1
status=$?
wall=$(($(date +%s) - t0))
if [ -n "$relay_pid" ]; then
	# Bochs has closed the socket; the relay has flushed and ends.
	for _ in $(seq 50); do kill -0 "$relay_pid" 2>/dev/null || break; sleep 0.1; done
	kill "$relay_pid" 2>/dev/null
	wait "$relay_pid" 2>/dev/null
	relay_pid=
fi

clean=$log.txt
sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' "$log" | tr -d '\r' >"$clean"
grep -a 'LINUXTEST:' "$clean"
echo "linux-native.sh: bochs status $status, wall time ${wall}s, log $log"

why=()
# Bochs ends on the guest's ACPI S5 power-off; bochs.sh reports that as 1
# (like its shutdown port) or 0.  124 is its timeout.
case $status in
0 | 1) ;;
124) why+=("timeout after ${timeout_s}s") ;;
*) why+=("bochs status $status") ;;
esac
if [ "$cpus" -gt 1 ]; then want="0-$((cpus - 1))"; else want=0; fi
grep -q -a '^LINUXTEST: DONE' "$clean" || why+=("no 'LINUXTEST: DONE'")
grep -q -a 'LINUXTEST: FAIL' "$clean" && why+=("FAIL lines")
grep -q -a "^LINUXTEST: PASS cpus online $want\$" "$clean" || why+=("no 'PASS cpus online $want'")
grep -q -a '^LINUXTEST: PASS sleep 1' "$clean" || why+=("no 'PASS sleep 1'")
if [ -n "$input" ]; then
	grep -q -a '^LINUXTEST: PASS console read' "$clean" || why+=("no 'PASS console read'")
fi
if [ ${#why[@]} -gt 0 ]; then
	echo "linux-native.sh: FAILED: ${why[*]}"
	tail -n 30 "$clean" | sed 's/^/  | /'
	sed 's/^/  bochs.sh: /' "$work/bochs.out"
	exit 1
fi
echo "linux-native.sh: PASSED (wall time ${wall}s)"
