#!/usr/bin/env bash
# qemu.sh ISO SERIAL_LOG [--uefi] [--timeout S] [--extra "qemu args"]
# Boots the ISO in QEMU TCG (no VT-x there); exit status: 33 pass, 35 fail
# (isa-debug-exit), 124 timeout.
set -uo pipefail
iso=$1; log=$2; shift 2
uefi=0; timeout_s=60; extra=""
while [ $# -gt 0 ]; do
	case $1 in
	--uefi) uefi=1; shift ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--extra) extra=$2; shift 2 ;;
	*) echo "qemu.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
args=(-accel tcg -cpu max -m 256 -cdrom "$iso" -boot d -display none
      -serial "file:$log" -monitor none -no-reboot
      -device isa-debug-exit,iobase=0xf4,iosize=4)
if [ "$uefi" = 1 ]; then
	args+=(-machine q35 -bios /usr/share/ovmf/OVMF.fd)
fi
# shellcheck disable=SC2206
[ -n "$extra" ] && args+=($extra)
: > "$log"
timeout --kill-after=5 "$timeout_s" qemu-system-x86_64 "${args[@]}" </dev/null
exit $?
