#!/usr/bin/env bash
# test-linux.sh [--timeout S] [--show]: the Linux guest under the
# hypervisor (make test-linux, after `make all guests` and
# scripts/linux-fetch.sh).  Builds $BUILD/linux/hv-linux.iso with
# $BUILD/hypervisor.elf and the modules tests/linux/linux.vms,
# $BUILD/linux/vmlinuz and $BUILD/linux/initrd.gz, boots it in Bochs on
# 2 CPUs (corei7_skylake_x; Linux hangs on the default icelake model)
# and checks the serial log $BUILD/linux/hv-serial.log:
#   "vm linux: LAPIC: APIC-register virtualization" (the default; the
#   CPU model has it), "[linux] LINUXTEST: DONE", no "LINUXTEST: FAIL", the PASS lines for
#   "cpus online 0-1" and "sleep 1", "vm linux: powered off",
#   "hv: run PASSED", and bochs.sh status 0.
# LINUX_EXPECT_INPUT=1 also requires "console read 'hello from the console'" (the guest read
# the line the hypervisor typed into its UART).  Prints the guest's
# LINUXTEST lines and the wall time; exit status non-zero on failure.
# For the fair comparison with a native run (same kernel, initramfs and
# command line): bash bench/linux_fair.sh
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}
timeout_s=1200 show=""
while [ $# -gt 0 ]; do
	case $1 in
	--timeout) timeout_s=$2; shift 2 ;;
	--show) show=--show; shift ;;
	*) echo "test-linux.sh: unknown option $1" >&2; exit 2 ;;
	esac
done

dir=$BUILD/linux
iso=$dir/hv-linux.iso log=$dir/hv-serial.log
for f in "$BUILD/hypervisor.elf" "$dir/vmlinuz" "$dir/initrd.gz"; do
	[ -s "$f" ] || { echo "test-linux: $f missing (make all; bash scripts/linux-fetch.sh)" >&2; exit 2; }
done
mkdir -p "$dir"

t0=$(date +%s)
bash scripts/mkiso.sh "$iso" "loglevel=info onexit=poweroff${LINUX_HV_ARGS:+ $LINUX_HV_ARGS}" "$BUILD/hypervisor.elf" \
	tests/linux/linux.vms "$dir/vmlinuz" "$dir/initrd.gz" || { echo "test-linux: mkiso failed" >&2; exit 1; }
echo "test-linux: booting $iso in Bochs (2 CPUs, corei7_skylake_x, timeout ${timeout_s}s)"
bash scripts/bochs.sh "$iso" "$log" --cpus 2 --model corei7_skylake_x \
	--timeout "$timeout_s" $show
status=$?
wall=$(($(date +%s) - t0))

clean=$log.txt
sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' "$log" | tr -d '\r' >"$clean"
grep -a 'LINUXTEST:' "$clean"

why=()
case $status in
0) ;;
124) why+=("timeout after ${timeout_s}s") ;;
*) why+=("bochs.sh status $status") ;;
esac
need() { # need REGEX DESCRIPTION
	grep -q -a -E -- "$1" "$clean" || why+=("missing $2")
}
need '^vm linux: LAPIC: APIC-register virtualization' "'vm linux: LAPIC: APIC-register virtualization' (APIC virtualization in use)"
need '\[linux\] LINUXTEST: DONE' "'[linux] LINUXTEST: DONE'"
if grep -q -a 'LINUXTEST: FAIL' "$clean"; then
	why+=("$(grep -c -a 'LINUXTEST: FAIL' "$clean") 'LINUXTEST: FAIL' line(s)")
fi
need '\[linux\] LINUXTEST: PASS cpus online 0-1$' "'PASS cpus online 0-1'"
need '\[linux\] LINUXTEST: PASS sleep 1' "'PASS sleep 1'"
need '\[linux\] LINUXTEST: PASS kernel log: no unchecked MSR access' "'PASS kernel log: no unchecked MSR access, no WARNING bare Bochs does not print'"
if [ -n "${LINUX_EXPECT_INPUT:-}" ]; then
	need '\[linux\] LINUXTEST: console read .hello from the console.$' "'console read hello from the console' (the line of console_input)"
fi
need 'vm linux: powered off' "'vm linux: powered off'"
need 'hv: run PASSED' "'hv: run PASSED'"

if [ ${#why[@]} -gt 0 ]; then
	echo "test-linux: FAILED after ${wall}s (log $log):"
	printf '  - %s\n' "${why[@]}"
	echo "---- last lines of $clean ----"
	tail -n 40 "$clean"
	echo "----"
	exit 1
fi
echo "test-linux: PASSED in ${wall}s wall time (log $log)"
