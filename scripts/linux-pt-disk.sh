#!/usr/bin/env bash
# linux-pt-disk.sh IMAGE [MIB]: (re)makes the test disk of the Bochs
# passthrough test: MIB (default 16) MiB, every 512-byte sector reading
# "uHV passthrough test disk sector NNNNNNNN" padded with dots and a
# newline, so that a sector read from the wrong place shows.  Writes the
# md5 of the whole image to IMAGE's folder as disk.md5 and prints it.
# Bochs' geometry for it: 16 heads, 32 sectors per track, 4 cylinders per
# MiB (scripts/linux-pt-native.sh, scripts/test-linux-pt.sh).
set -euo pipefail
img=$1 mib=${2:-16}
awk -v n=$((mib * 2048)) 'BEGIN {
	pad = ""
	for (i = 0; i < 511 - 41; i++) pad = pad "."
	for (s = 0; s < n; s++) printf "uHV passthrough test disk sector %08d%s\n", s, pad
}' >"$img.tmp"
[ "$(stat -c %s "$img.tmp")" = $((mib * 1048576)) ] || { echo "linux-pt-disk: bad size" >&2; exit 1; }
mv "$img.tmp" "$img"
md5sum <"$img" | cut -d' ' -f1 | tee "$(dirname "$img")/disk.md5"
