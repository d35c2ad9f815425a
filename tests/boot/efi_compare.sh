#!/usr/bin/env bash
# efi_compare.sh EFI_LOG.txt
# The post-check of the efi-vs-grub case: boots the same hypervisor with
# the same inputs through GRUB (Multiboot2) on the same OVMF machine and
# compares the two boot reports field by field
# (tests/boot/compare_reports.py).  The inputs come from the case's ESP
# image (next to its log): the command line and the modules of its
# uhv.cfg, the module files themselves.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
efi_log=$1
img=${efi_log%.log.txt}.img
out=${efi_log%.log.txt}.grub
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

mtype -i "$img" ::/EFI/BOOT/uhv.cfg | tr -d '\r' >"$stage/uhv.cfg" || exit 1
cmdline=$(sed -n 's/^[[:space:]]*cmdline[[:space:]]*=[[:space:]]*//p' "$stage/uhv.cfg")
mods=()
while read -r name; do
	mcopy -i "$img" "::/EFI/BOOT/$name" "$stage/$name" || exit 1
	mods+=("$stage/$name")
done < <(sed -n 's/^[[:space:]]*module[[:space:]]*=[[:space:]]*//p' "$stage/uhv.cfg")

bash scripts/mkiso.sh "$out.iso" "$cmdline" "$BUILD/hypervisor.elf" "${mods[@]}" || exit 1
bash scripts/qemu.sh "$out.iso" "$out.log" --uefi --timeout 120 >/dev/null 2>&1
status=$?
if [ "$status" != 33 ]; then
	echo "efi_compare: the GRUB boot ended with status $status, expected 33"
	exit 1
fi
sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' "$out.log" | tr -d '\r' >"$out.log.txt"
python3 tests/boot/compare_reports.py "$out.log.txt" "$efi_log"
