#!/usr/bin/env bash
# bench/linux_boot.sh [--rerun] [--native-log FILE] [HV_SERIAL_LOG]
# Linux boot time, natively and under the hypervisor, in the guest
# kernel's own clock: the timestamp of its "Run /init as init process"
# line ("[ seconds.micros ]").  The kernel logs that line at KERN_INFO,
# which loglevel=4 keeps off the console, so tests/linux/init repeats it as
# "LINUXTEST: dmesg [    5.262833] Run /init as init process"; either form
# is accepted.
#
#  - Native: reuses $BUILD/linux/native-serial.log (or --native-log FILE)
#    when it is newer than $BUILD/linux/vmlinuz and initrd.gz and the run
#    reached "LINUXTEST: DONE"; otherwise (or with --rerun) runs
#    scripts/linux-native.sh first (about 4-5 min in Bochs).  Prints
#      BENCH linux_native_run_init_s=<seconds>
#  - HV_SERIAL_LOG (optional): the serial log of the same guest under the
#    hypervisor (make test-linux: $BUILD/linux/hv-serial.log), where the
#    guest's console lines carry the prefix "[linux] ".  Prints
#      BENCH linux_hv_run_init_s=<seconds>
#      BENCH linux_boot_ratio=<hv/native, two decimals>
# Exit status non-zero when a timestamp cannot be found.
# Example: bash bench/linux_boot.sh build/linux/hv-serial.log
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
native_log=$BUILD/linux/native-serial.log
rerun=0 hv_log=""
while [ $# -gt 0 ]; do
	case $1 in
	--rerun) rerun=1; shift ;;
	--native-log) native_log=$2; shift 2 ;;
	-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	-*) echo "bench/linux_boot.sh: unknown option $1" >&2; exit 2 ;;
	*) hv_log=$1; shift ;;
	esac
done

# run_init_ts LOG PREFIX: the first "Run /init" timestamp among the lines
# that start with PREFIX (a regex; CRs and ANSI escapes removed).
run_init_ts() {
	sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' "$1" | tr -d '\r' |
		sed -n -E "s/^$2(LINUXTEST: dmesg )?\[ *([0-9]+\.[0-9]+)\] Run \/init as init process.*/\2/p" |
		head -n 1
}

fresh=0
if [ "$rerun" = 0 ] && [ -s "$native_log" ] &&
	[ "$native_log" -nt "$BUILD/linux/vmlinuz" ] && [ "$native_log" -nt "$BUILD/linux/initrd.gz" ] &&
	tr -d '\r' <"$native_log" | grep -q -a '^LINUXTEST: DONE'; then
	fresh=1
fi
if [ "$fresh" = 1 ]; then
	echo "linux_boot: reusing $native_log ($(date -r "$native_log" '+%F %T'))" >&2
else
	[ "$native_log" = "$BUILD/linux/native-serial.log" ] ||
		{ echo "bench/linux_boot.sh: $native_log is not fresh and only the default log can be regenerated" >&2; exit 1; }
	bash scripts/linux-native.sh >&2 ||
		echo "bench/linux_boot.sh: note: scripts/linux-native.sh reported a failure" >&2
fi

native=$(run_init_ts "$native_log" "")
if [ -z "$native" ]; then
	echo "bench/linux_boot.sh: no 'Run /init as init process' timestamp in $native_log" >&2
	exit 1
fi
echo "BENCH linux_native_run_init_s=$native"

[ -n "$hv_log" ] || exit 0
[ -s "$hv_log" ] || { echo "bench/linux_boot.sh: $hv_log missing or empty" >&2; exit 1; }
hv=$(run_init_ts "$hv_log" '\[linux\] ')
if [ -z "$hv" ]; then
	echo "bench/linux_boot.sh: no '[linux] ... Run /init as init process' timestamp in $hv_log" >&2
	exit 1
fi
echo "BENCH linux_hv_run_init_s=$hv"
awk -v h="$hv" -v n="$native" 'BEGIN { printf "BENCH linux_boot_ratio=%.2f\n", h / n }'
