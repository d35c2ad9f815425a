#!/usr/bin/env bash
# linux-pt-fetch.sh: prepares the Linux guest of the Bochs passthrough test
# (issue 13; scripts/linux-pt-native.sh, scripts/test-linux-pt.sh,
# bench/linux_pt.sh).  Debian's cloud kernel (scripts/linux-fetch.sh) has
# no e1000 driver, so this one uses the standard linux-image-amd64.
#
#  - downloads, only when missing, linux-image-amd64 (the metapackage and
#    the kernel it depends on) and busybox-static with `apt-get download`
#    into $LINUX_PT_CACHE/debs (default $BUILD/linux-pt/debs);
#  - extracts the kernel to $BUILD/linux-pt/vmlinuz;
#  - builds $BUILD/linux-pt/initrd.gz: tests/linux/init-pt as /init, a
#    static busybox, and the modules e1000, ata_piix, sd_mod with every
#    module they need (from each module's own "depends=" field: the .deb
#    has no modules.dep, which depmod makes at install time), in load
#    order in /lib/modules/order;
#  - makes the test disk $BUILD/linux-pt/disk.img (16 MiB, every 512-byte
#    sector "uHV passthrough test disk sector N" padded) and its md5 in
#    disk.md5.  The disk is written by the test: it is rebuilt each run
#    (scripts/linux-pt-disk.sh does that).
# Outputs are rebuilt only when their inputs are newer.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
out=$BUILD/linux-pt
debs=${LINUX_PT_CACHE:-$out}/debs
mkdir -p "$out" "$debs"
debs=$(cd "$debs" && pwd)
MODULES_WANTED="e1000 ata_piix sd_mod"

newest() { # newest GLOB: the newest matching .deb in $debs, or nothing
	# shellcheck disable=SC2086,SC2012
	(cd "$debs" && ls -1 $1 2>/dev/null | sort -V | tail -n 1) || true
}
apt_download() {
	if (cd "$debs" && apt-get download -q "$@" 2>"$debs/.apt.err"); then
		return 0
	fi
	cat "$debs/.apt.err" >&2
	echo "linux-pt-fetch: could not download $* (apt-get update may help)" >&2
	return 1
}

kdeb=$(newest 'linux-image-[0-9]*-amd64_*.deb' | grep -v cloud || true)
if [ -z "$kdeb" ] || [ -n "${LINUX_REFRESH:-}" ]; then
	echo "linux-pt-fetch: downloading linux-image-amd64 into $debs" >&2
	apt_download linux-image-amd64
	meta=$(newest 'linux-image-amd64_*.deb')
	[ -n "$meta" ] || { echo "linux-pt-fetch: metapackage .deb missing" >&2; exit 1; }
	kpkg=$(dpkg-deb -f "$debs/$meta" Depends | tr ',' '\n' |
		sed -n -E 's/^ *(linux-image-[0-9][^ ]*-amd64).*/\1/p' | head -n 1)
	[ -n "$kpkg" ] || { echo "linux-pt-fetch: no kernel in the Depends of $meta" >&2; exit 1; }
	[ -n "$(newest "${kpkg}_*.deb")" ] || apt_download "$kpkg"
	kdeb=$(newest "${kpkg}_*.deb")
fi
bdeb=$(newest 'busybox-static_*.deb')
if [ -z "$bdeb" ]; then
	echo "linux-pt-fetch: downloading busybox-static into $debs" >&2
	apt_download busybox-static
	bdeb=$(newest 'busybox-static_*.deb')
fi
if [ -z "$kdeb" ] || [ -z "$bdeb" ]; then
	echo "linux-pt-fetch: .debs missing in $debs" >&2
	exit 1
fi
rm -f "$debs/.apt.err"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
kversion=$(dpkg-deb -c "$debs/$kdeb" | sed -n -E 's@.*\./boot/vmlinuz-([^ ]+)$@\1@p' | head -n 1)
[ -n "$kversion" ] || { echo "linux-pt-fetch: no /boot/vmlinuz-* in $kdeb" >&2; exit 1; }

stamp=$out/initrd.gz.stamp
if [ ! -s "$out/vmlinuz" ] || [ ! -s "$out/initrd.gz" ] || [ ! -e "$stamp" ] ||
	[ tests/linux/init-pt -nt "$stamp" ] || [ "$debs/$kdeb" -nt "$stamp" ] ||
	[ "$debs/$bdeb" -nt "$stamp" ] || [ "$0" -nt "$stamp" ]; then
	echo "linux-pt-fetch: extracting vmlinuz-$kversion and its modules from $kdeb" >&2
	dpkg-deb --fsys-tarfile "$debs/$kdeb" |
		tar -x -C "$tmp" "./boot/vmlinuz-$kversion" "./boot/config-$kversion" "./lib/modules/$kversion/kernel"
	cp "$tmp/boot/vmlinuz-$kversion" "$out/vmlinuz"
	cp "$tmp/boot/config-$kversion" "$out/kernel-config"
	echo "$kversion" >"$out/kernel-version"

	root=$tmp/root
	mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/tmp" "$root/etc" "$root/lib/modules"
	mkdir -p "$tmp/bb"
	dpkg-deb -x "$debs/$bdeb" "$tmp/bb"
	install -m 0755 "$tmp/bb/bin/busybox" "$root/bin/busybox"
	ln -s busybox "$root/bin/sh"
	# The modules: each one's dependencies first (depth first), once.
	kmods=$tmp/lib/modules/$kversion/kernel
	declare -A path=() seen=()
	while IFS= read -r f; do
		n=$(basename "$f" .ko)
		path[${n//-/_}]=$f
	done < <(find "$kmods" -name '*.ko')
	order=()
	add_module() {
		local n=${1//-/_} f deps d
		[ -z "${seen[$n]:-}" ] || return 0
		seen[$n]=1
		f=${path[$n]:-}
		[ -n "$f" ] || { echo "linux-pt-fetch: module $1 not in $kdeb" >&2; exit 1; }
		deps=$(strings -a "$f" | sed -n 's/^depends=//p' | head -n 1)
		for d in ${deps//,/ }; do add_module "$d"; done
		cp "$f" "$root/lib/modules/$n.ko"
		order+=("$n")
	}
	for m in $MODULES_WANTED; do add_module "$m"; done
	printf '%s\n' "${order[@]}" >"$root/lib/modules/order"
	echo "linux-pt-fetch: modules (load order): ${order[*]}" >&2
	install -m 0755 tests/linux/init-pt "$root/init"
	chmod 1777 "$root/tmp"
	find "$root" -exec touch -h -d @0 {} +
	(cd "$root" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc -R 0:0 --reproducible --quiet) | gzip -9 -n >"$out/initrd.gz"
	touch "$stamp"
fi

bash scripts/linux-pt-disk.sh "$out/disk.img"
echo "linux-pt-fetch: kernel $kversion ($kdeb), busybox $bdeb"
echo "linux-pt-fetch: $out/vmlinuz $(stat -c %s "$out/vmlinuz") bytes, $out/initrd.gz $(stat -c %s "$out/initrd.gz") bytes, disk md5 $(cat "$out/disk.md5")"
