#!/usr/bin/env bash
# test-linux-pt.sh [--timeout S] [--show] [--log FILE]: the Bochs Linux
# passthrough test under the hypervisor (make test-linux-pt; issue 13,
# acceptance point 2).  Builds $BUILD/linux-pt/hv-pt.iso with
# $BUILD/hypervisor.elf, tests/linux/linux-pt.vms and the kernel and
# initramfs of scripts/linux-pt-fetch.sh, boots it in Bochs on 1 CPU
# (corei7_skylake_x) with the e1000 on vnet and a fresh test disk on the
# PIIX IDE (scripts/linux-pt-common.sh, the same machine as
# scripts/linux-pt-native.sh), and checks the serial log step by step:
# the hypervisor's side first (identity placement, the VM created, the
# kernel loaded, /init reached), then the guest's PASS lines (modules,
# DHCP, ping, DMA mode, md5 read, write and read back), the power-off and
# the image's content.  Prints the first step that failed, every missing
# one, and the wall time.  Passes (about 190 s of wall time on a loaded
# machine; docs/passthrough.md).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}
# shellcheck source=scripts/linux-pt-common.sh
. scripts/linux-pt-common.sh
timeout_s=1800 show="" log=$PT_DIR/hv-serial.log
while [ $# -gt 0 ]; do
	case $1 in
	--timeout) timeout_s=$2; shift 2 ;;
	--show) show=--show; shift ;;
	--log) log=$2; shift 2 ;;
	*) echo "test-linux-pt.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
vms=tests/linux/linux-pt.vms
for f in "$BUILD/hypervisor.elf" "$PT_DIR/vmlinuz" "$PT_DIR/initrd.gz"; do
	[ -s "$f" ] || { echo "test-linux-pt: $f missing (make all; bash scripts/linux-pt-fetch.sh)" >&2; exit 2; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
disk=$PT_DIR/hv-disk.img
md5=$(bash scripts/linux-pt-disk.sh "$disk") || exit 2
grep -q "linuxpt.md5=$md5" "$vms" ||
	{ echo "test-linux-pt: $vms does not carry linuxpt.md5=$md5 (the disk pattern changed)" >&2; exit 2; }

iso=$PT_DIR/hv-pt.iso
bash scripts/mkiso.sh "$iso" "loglevel=info onexit=poweroff${LINUX_PT_HV_ARGS:+ $LINUX_PT_HV_ARGS}" \
	"$BUILD/hypervisor.elf" "$vms" "$PT_DIR/vmlinuz" "$PT_DIR/initrd.gz" >"$work/mkiso.out" 2>&1 ||
	{ cat "$work/mkiso.out" >&2; echo "test-linux-pt: mkiso failed" >&2; exit 1; }
echo "test-linux-pt: booting $iso in Bochs (1 CPU, corei7_skylake_x, timeout ${timeout_s}s)"
t0=$(date +%s)
bash scripts/bochs.sh "$iso" "$log" --cpus 1 --model corei7_skylake_x \
	--timeout "$timeout_s" --extra "$(pt_bochs_extra "$disk" "$work")" $show >"$work/bochs.out" 2>&1
status=$?
wall=$(($(date +%s) - t0))
clean=$log.txt
sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' "$log" | tr -d '\r' >"$clean"
grep -a -E '^(\[linuxpt\] LINUXPT:|vm linuxpt:|vms: WARNING)' "$clean"
echo "test-linux-pt: bochs status $status, wall time ${wall}s, log $log"

# The hypervisor's steps, in the order they happen; the first one missing
# is the step that failed.
first=""
step() { # step REGEX DESCRIPTION
	if ! grep -q -a -E -- "$1" "$clean"; then
		echo "test-linux-pt: step missing: $2"
		[ -n "$first" ] || first=$2
	fi
}
step '^vms: WARNING: vm linuxpt: dma = identity: host-physical' "hypervisor: host range set aside for dma = identity"
step '^vm linuxpt: dma = identity: RAM at host-physical' "hypervisor: VM RAM placed at GPA == HPA"
step '^vm linuxpt: dma = identity: EPT maps .*: GPA == HPA' "hypervisor: EPT identity check"
step '^vm linuxpt: Linux boot protocol' "hypervisor: kernel loaded"
grep -q -a -E '^vm linuxpt: not started' "$clean" && { echo "test-linux-pt: the VM was refused:"; grep -a -E '^vm linuxpt:' "$clean" | sed 's/^/  /'; first=${first:-"hypervisor: VM refused"}; }
step '^\[linuxpt\] LINUXPT: start' "guest: the kernel reached /init"
if ! pt_check "$clean" '\[linuxpt\] ' >"$work/steps"; then
	sed 's/^/test-linux-pt: guest /' "$work/steps"
	[ -n "$first" ] || first="guest: $(head -n 1 "$work/steps")"
fi
step '^vm linuxpt: powered off' "hypervisor: the guest powered off"
step '^hv: run PASSED' "hypervisor: run PASSED"
case $status in
0) ;;
124) first=${first:-"timeout after ${timeout_s}s"} ;;
*) first=${first:-"bochs.sh status $status"} ;;
esac
if [ -z "$first" ]; then
	pt_disk_check "$disk" "$clean" '\[linuxpt\] ' || first="the disk image does not hold what the guest wrote"
fi
if [ -n "$first" ]; then
	echo "test-linux-pt: FAILED at: $first"
	tail -n 25 "$clean" | sed 's/^/  | /'
	sed 's/^/  bochs.sh: /' "$work/bochs.out"
	exit 1
fi
echo "test-linux-pt: ata_dma_read KiB/s: $(pt_bench "$clean" '\[linuxpt\] ' | tr '\n' ' ')"
echo "test-linux-pt: PASSED (wall time ${wall}s)"
