#!/usr/bin/env bash
# mkiso-linux.sh OUT.iso VMLINUZ INITRD "CMDLINE" [TITLE]
# Builds a grub-mkrescue ISO on which GRUB boots a Linux kernel and its
# initramfs directly, with no hypervisor: the native side of the Linux
# tests and benchmarks (scripts/linux-native.sh, scripts/linux-pt-native.sh,
# bench/linux_fair.sh).  GRUB's console is COM1 at 115200 baud.
set -euo pipefail
out=$1; kernel=$2; initrd=$3; cmdline=$4; title=${5:-linux (native)}

stage=$(mktemp -d)
err=$(mktemp)
trap 'rm -rf "$stage" "$err"' EXIT
mkdir -p "$stage/boot/grub"
cp "$kernel" "$stage/boot/vmlinuz"
cp "$initrd" "$stage/boot/initrd.gz"
cat >"$stage/boot/grub/grub.cfg" <<CFG
set timeout=0
set default=0
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
menuentry "$title" {
	linux /boot/vmlinuz $cmdline
	initrd /boot/initrd.gz
}
CFG
if ! grub-mkrescue -o "$out" "$stage" >/dev/null 2>"$err"; then
	cat "$err" >&2
	exit 1
fi
