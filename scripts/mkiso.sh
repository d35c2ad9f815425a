#!/usr/bin/env bash
# mkiso.sh OUT.iso "CMDLINE" HYPERVISOR.elf [MODULE ...]
# Builds one grub-mkrescue ISO that boots by BIOS and by UEFI.  Each module
# is passed to the hypervisor as a Multiboot2 module whose command line is
# the file's base name (that is how VM descriptions name guest images).
set -euo pipefail
out=$1; cmdline=$2; elf=$3; shift 3

stage=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$stage" "$log"' EXIT
mkdir -p "$stage/boot/grub" "$stage/boot/mods"
cp "$elf" "$stage/boot/hypervisor.elf"

{
	echo "set timeout=0"
	echo "set default=0"
	echo "serial --unit=0 --speed=115200"
	echo "terminal_input serial console"
	echo "terminal_output serial console"
	echo "menuentry \"hypervisor\" {"
	echo "	multiboot2 /boot/hypervisor.elf $cmdline"
	for m in "$@"; do
		name=$(basename "$m")
		cp "$m" "$stage/boot/mods/$name"
		echo "	module2 --nounzip /boot/mods/$name $name"
	done
	echo "	boot"
	echo "}"
} > "$stage/boot/grub/grub.cfg"

mkdir -p "$(dirname "$out")"
grub-mkrescue -o "$out" "$stage" >/dev/null 2>"$log" || {
	cat "$log" >&2
	exit 1
}
