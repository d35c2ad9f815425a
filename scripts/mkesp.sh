#!/usr/bin/env bash
# mkesp.sh OUT.img HYPERVISOR.efi [--cmdline "CMDLINE"] [--cfg FILE | --no-cfg]
#          [--dir NAME --startup "SHELL LINES"] [MODULE ...]
# Builds a FAT image (mtools, no root, no loop device) that UEFI firmware
# boots as a removable medium: \EFI\BOOT\BOOTX64.EFI is hypervisor.efi,
# and next to it uhv.cfg and the modules.  uhv.cfg is written from
# CMDLINE and the modules' base names (efi/uhv_cfg.h), unless --cfg gives
# one to copy as it is or --no-cfg leaves it out (the tests' bad cases).
# --dir NAME puts everything in \EFI\NAME\ as hypervisor.efi instead (no
# removable-media path: the firmware falls through to its UEFI shell),
# and --startup writes the shell's \startup.nsh with those lines ('|'
# separates lines).
set -euo pipefail
out=$1; efi=$2; shift 2
cmdline=""; cfg=""; nocfg=0; mods=(); dir=BOOT; app=BOOTX64.EFI; startup=""
while [ $# -gt 0 ]; do
	case $1 in
	--cmdline) cmdline=$2; shift 2 ;;
	--cfg) cfg=$2; shift 2 ;;
	--no-cfg) nocfg=1; shift ;;
	--dir) dir=$2; app=hypervisor.efi; shift 2 ;;
	--startup) startup=$2; shift 2 ;;
	*) mods+=("$1"); shift ;;
	esac
done

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
if [ -n "$cfg" ]; then
	cp "$cfg" "$stage/uhv.cfg"
elif [ "$nocfg" = 0 ]; then
	{
		echo "# uhv.cfg: read by hypervisor.efi from its own directory"
		echo "cmdline = $cmdline"
		for m in "${mods[@]}"; do echo "module = $(basename "$m")"; done
	} >"$stage/uhv.cfg"
fi

# Room for the files plus FAT overhead; at least 16 MiB (FAT16).
kib=$(du -skL "$efi" "${mods[@]}" | awk '{s += $1} END {print s}')
mib=$(( kib / 1024 + 8 ))
[ "$mib" -lt 16 ] && mib=16
mkdir -p "$(dirname "$out")"
rm -f "$out"
dd if=/dev/zero of="$out" bs=1M count="$mib" status=none
mformat -i "$out" -v UHV-ESP ::
mmd -i "$out" ::/EFI "::/EFI/$dir"
mcopy -i "$out" "$efi" "::/EFI/$dir/$app"
[ -f "$stage/uhv.cfg" ] && mcopy -i "$out" "$stage/uhv.cfg" "::/EFI/$dir/uhv.cfg"
for m in "${mods[@]}"; do
	mcopy -i "$out" "$m" "::/EFI/$dir/$(basename "$m")"
done
if [ -n "$startup" ]; then
	printf '%s\r\n' "${startup//|/$'\r\n'}" >"$stage/startup.nsh"
	mcopy -i "$out" "$stage/startup.nsh" ::/startup.nsh
fi
exit 0
