#!/usr/bin/env bash
# efi_compare.sh EFI_LOG.txt
# The post-check of the efi-vs-grub case: boots the same hypervisor with
# the same command line through GRUB (Multiboot2) on the same OVMF machine
# and compares the two boot reports field by field
# (tests/boot/compare_reports.py).
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
efi_log=$1
cmdline=${EFI_COMPARE_CMDLINE:-loglevel=info onexit=poweroff}
out=$BUILD/boot-tests/efi-vs-grub.grub
bash scripts/mkiso.sh "$out.iso" "$cmdline" "$BUILD/hypervisor.elf" || exit 1
bash scripts/qemu.sh "$out.iso" "$out.log" --uefi --timeout 120 >/dev/null 2>&1
status=$?
if [ "$status" != 33 ]; then
	echo "efi_compare: the GRUB boot ended with status $status, expected 33"
	exit 1
fi
sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' "$out.log" | tr -d '\r' >"$out.log.txt"
python3 tests/boot/compare_reports.py "$out.log.txt" "$efi_log"
