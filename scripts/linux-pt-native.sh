#!/usr/bin/env bash
# linux-pt-native.sh [--timeout S] [--runs N] [--log FILE] [--show]
# The Bochs passthrough test's guest NATIVELY (no hypervisor): the proof
# that the harness works and the native baseline of the DMA benchmark.
# GRUB loads $BUILD/linux-pt/vmlinuz and initrd.gz (scripts/linux-pt-fetch.sh
# makes them) on 1 Bochs CPU (corei7_skylake_x), with Bochs' e1000 on vnet
# and a fresh 16 MiB test disk on the PIIX IDE (scripts/linux-pt-common.sh).
# The guest's /init (tests/linux/init-pt) loads e1000 and ata_piix, gets
# a DHCP lease, pings the vnet host, checks the disk's md5, writes and
# reads back, measures the read throughput, powers off.
# Exit status 0 when every step passed and the image holds what the guest
# wrote; prints the steps that failed and the wall time.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}
# shellcheck source=scripts/linux-pt-common.sh
. scripts/linux-pt-common.sh
timeout_s=900 runs=3 show="" log=$PT_DIR/native-serial.log
while [ $# -gt 0 ]; do
	case $1 in
	--timeout) timeout_s=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--log) log=$2; shift 2 ;;
	--show) show=--show; shift ;;
	*) echo "linux-pt-native.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
for f in vmlinuz initrd.gz; do
	[ -s "$PT_DIR/$f" ] || { echo "linux-pt-native: $PT_DIR/$f missing; run scripts/linux-pt-fetch.sh" >&2; exit 2; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
disk=$PT_DIR/native-disk.img
md5=$(bash scripts/linux-pt-disk.sh "$disk") || exit 2
cmdline="$PT_CMDLINE linuxpt.md5=$md5 linuxpt.runs=$runs"

iso=$PT_DIR/native.iso
mkdir -p "$work/tftp" "$(dirname "$log")"
bash scripts/mkiso-linux.sh "$iso" "$PT_DIR/vmlinuz" "$PT_DIR/initrd.gz" "$cmdline" "linux-pt (native)"

echo "linux-pt-native: booting $iso in Bochs (1 CPU, corei7_skylake_x, timeout ${timeout_s}s)"
echo "linux-pt-native: kernel $(cat "$PT_DIR/kernel-version" 2>/dev/null), cmdline: $cmdline"
t0=$(date +%s)
bash scripts/bochs.sh "$iso" "$log" --cpus 1 --model corei7_skylake_x \
	--timeout "$timeout_s" --extra "$(pt_bochs_extra "$disk" "$work/tftp")" $show >"$work/bochs.out" 2>&1
status=$?
wall=$(($(date +%s) - t0))
clean=$log.txt
sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' "$log" | tr -d '\r' >"$clean"
grep -a 'LINUXPT:' "$clean"
echo "linux-pt-native: bochs status $status, wall time ${wall}s, log $log"

why=()
case $status in
0 | 1) ;; # the guest's ACPI power-off ends Bochs with 0 or 1
124) why+=("timeout after ${timeout_s}s") ;;
*) why+=("bochs status $status") ;;
esac
pt_check "$clean" "" || why+=("guest checks")
pt_disk_check "$disk" "$clean" "" || why+=("disk image")
if [ ${#why[@]} -gt 0 ]; then
	echo "linux-pt-native: FAILED: ${why[*]}"
	tail -n 30 "$clean" | sed 's/^/  | /'
	sed 's/^/  bochs.sh: /' "$work/bochs.out"
	exit 1
fi
echo "linux-pt-native: ata_dma_read KiB/s: $(pt_bench "$clean" "" | tr '\n' ' ')"
echo "linux-pt-native: PASSED (wall time ${wall}s)"
