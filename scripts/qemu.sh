#!/usr/bin/env bash
# qemu.sh ISO SERIAL_LOG [--uefi] [--esp] [--until REGEX] [--timeout S] [--extra "qemu args"]
# Boots the ISO in QEMU TCG (no VT-x there); exit status: 33 pass, 35 fail
# (isa-debug-exit), 124 timeout.  --esp: the image is a FAT ESP image
# (scripts/mkesp.sh) attached as a disk, booted by OVMF (implies --uefi).
# --until: stop QEMU as soon as the serial log has a line matching REGEX
# (the firmware went on after a failed boot) and exit with status 0.
set -uo pipefail
iso=$1; log=$2; shift 2
uefi=0; esp=0; until=""; timeout_s=60; extra=""
while [ $# -gt 0 ]; do
	case $1 in
	--uefi) uefi=1; shift ;;
	--esp) uefi=1; esp=1; shift ;;
	--until) until=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--extra) extra=$2; shift 2 ;;
	*) echo "qemu.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
args=(-accel tcg -cpu max -m 256 -display none
      -serial "file:$log" -monitor none -no-reboot
      -device isa-debug-exit,iobase=0xf4,iosize=4)
if [ "$esp" = 1 ]; then
	args+=(-drive "format=raw,file=$iso")
else
	args+=(-cdrom "$iso" -boot d)
fi
if [ "$uefi" = 1 ]; then
	args+=(-machine q35 -bios /usr/share/ovmf/OVMF.fd)
fi
# shellcheck disable=SC2206
[ -n "$extra" ] && args+=($extra)
: > "$log"
if [ -z "$until" ]; then
	timeout --kill-after=5 "$timeout_s" qemu-system-x86_64 "${args[@]}" </dev/null
	exit $?
fi
timeout --kill-after=5 "$timeout_s" qemu-system-x86_64 "${args[@]}" </dev/null &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
	if tr -d '\r' <"$log" | grep -a -q -E -- "$until"; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		exit 0
	fi
	sleep 0.5
done
wait "$pid"
exit $?
