#!/usr/bin/env bash
# linux-fetch.sh: prepares the Linux test guest (make test-linux,
# scripts/linux-native.sh, bench/linux_fair.sh).
#
#  - downloads, only when missing, Debian's newest linux-image-*-cloud-amd64
#    (through the linux-image-cloud-amd64 metapackage) and busybox-static
#    with `apt-get download` into $LINUX_CACHE/debs
#    (LINUX_CACHE defaults to $BUILD/linux; LINUX_REFRESH=1 downloads the
#    current candidates again even when some .debs are cached);
#  - extracts the kernel to $BUILD/linux/vmlinuz;
#  - builds $BUILD/linux/initrd.gz (newc cpio, gzip): tests/linux/init as
#    /init plus a static busybox with its applet links in /bin.
# Outputs are rebuilt only when their inputs are newer.  Prints the kernel
# version it used (also kept in $BUILD/linux/kernel-version).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
out=$BUILD/linux
cache=${LINUX_CACHE:-$out}
debs=$cache/debs
mkdir -p "$out" "$debs"
debs=$(cd "$debs" && pwd)

# newest FILE-GLOB: the newest of the matching files in $debs (by version
# order of the names), or nothing.
newest() {
	# shellcheck disable=SC2086,SC2012 # $1 is a glob; .deb names are plain
	(cd "$debs" && ls -1 $1 2>/dev/null | sort -V | tail -n 1) || true
}

# apt_download PKG[=VERSION]...: apt-get download into $debs.  Run in a
# directory we own; when running as root apt warns that the _apt sandbox
# user cannot write there, which is harmless.  One `apt-get update` is
# tried when the package lists are missing or stale.
updated=0
apt_download() {
	if (cd "$debs" && apt-get download -q "$@" 2>"$debs/.apt.err"); then
		grep -v -e 'unsandboxed' -e '^$' "$debs/.apt.err" >&2 || true
		return 0
	fi
	if [ "$updated" = 0 ] && [ "$(id -u)" = 0 ]; then
		echo "linux-fetch: apt-get download $* failed; running apt-get update" >&2
		updated=1
		apt-get update -qq >&2 || true
		(cd "$debs" && apt-get download -q "$@" 2>"$debs/.apt.err") && return 0
	fi
	cat "$debs/.apt.err" >&2
	echo "linux-fetch: could not download $*" >&2
	return 1
}

kdeb=$(newest 'linux-image-[0-9]*-cloud-amd64_*.deb')
if [ -z "$kdeb" ] || [ -n "${LINUX_REFRESH:-}" ]; then
	echo "linux-fetch: downloading linux-image-cloud-amd64 into $debs" >&2
	apt_download linux-image-cloud-amd64
	meta=$(newest 'linux-image-cloud-amd64_*.deb')
	[ -n "$meta" ] || { echo "linux-fetch: metapackage .deb missing" >&2; exit 1; }
	# Depends: linux-image-6.1.0-NN-cloud-amd64 (= 6.1.xxx-y)
	dep=$(dpkg-deb -f "$debs/$meta" Depends | tr ',' '\n' |
		sed -n -E 's/^ *(linux-image-[0-9][^ ]*-cloud-amd64) *(\(= *([^ )]+) *\))?.*/\1 \3/p' | head -n 1)
	read -r kpkg kver <<<"$dep" || true
	[ -n "${kpkg:-}" ] || { echo "linux-fetch: no kernel in the Depends of $meta" >&2; exit 1; }
	if [ -z "$(newest "${kpkg}_${kver:-*}_amd64.deb")" ] &&
		[ -z "$(newest "${kpkg}_${kver//:/%3a}_amd64.deb")" ]; then
		apt_download "$kpkg${kver:+=$kver}"
	fi
	kdeb=$(newest "${kpkg}_*.deb")
fi
bdeb=$(newest 'busybox-static_*.deb')
if [ -z "$bdeb" ] || [ -n "${LINUX_REFRESH:-}" ]; then
	echo "linux-fetch: downloading busybox-static into $debs" >&2
	apt_download busybox-static
	bdeb=$(newest 'busybox-static_*.deb')
fi
if [ -z "$kdeb" ] || [ -z "$bdeb" ]; then
	echo "linux-fetch: .debs missing in $debs" >&2
	exit 1
fi
rm -f "$debs/.apt.err"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The kernel.
kversion=$(dpkg-deb -c "$debs/$kdeb" | sed -n -E 's@.*\./boot/vmlinuz-([^ ]+)$@\1@p' | head -n 1)
[ -n "$kversion" ] || { echo "linux-fetch: no /boot/vmlinuz-* in $kdeb" >&2; exit 1; }
if [ ! -s "$out/vmlinuz" ] || [ "$debs/$kdeb" -nt "$out/vmlinuz" ] ||
	[ "$(cat "$out/kernel-version" 2>/dev/null)" != "$kversion" ]; then
	echo "linux-fetch: extracting vmlinuz-$kversion from $kdeb" >&2
	dpkg-deb --fsys-tarfile "$debs/$kdeb" |
		tar -x -C "$tmp" "./boot/vmlinuz-$kversion" "./boot/config-$kversion"
	cp "$tmp/boot/vmlinuz-$kversion" "$out/vmlinuz.tmp"
	cp "$tmp/boot/config-$kversion" "$out/kernel-config"
	mv "$out/vmlinuz.tmp" "$out/vmlinuz"
	echo "$kversion" >"$out/kernel-version"
fi

# The initramfs.
stamp=$out/initrd.gz.stamp
if [ ! -s "$out/initrd.gz" ] || [ ! -e "$stamp" ] || [ tests/linux/init -nt "$stamp" ] ||
	[ bench/linux/fairbench.c -nt "$stamp" ] ||
	[ "$debs/$bdeb" -nt "$stamp" ] || [ "$0" -nt "$stamp" ]; then
	echo "linux-fetch: building initrd.gz (busybox from $bdeb)" >&2
	root=$tmp/root
	mkdir -p "$tmp/bb" "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" \
		"$root/dev" "$root/proc" "$root/sys" "$root/tmp" "$root/root" "$root/etc"
	dpkg-deb -x "$debs/$bdeb" "$tmp/bb"
	cp "$tmp/bb/bin/busybox" "$root/bin/busybox"
	chmod 0755 "$root/bin/busybox"
	# Applet links; when the host cannot run busybox the guest's /init
	# installs them itself (busybox --install -s).
	if applets=$("$root/bin/busybox" --list 2>/dev/null); then
		for a in $applets; do
			[ "$a" = busybox ] || ln -s busybox "$root/bin/$a"
		done
	else
		ln -s busybox "$root/bin/sh"
	fi
	install -m 0755 tests/linux/init "$root/init"
	# The workloads of bench/linux_fair.sh, static (glibc's libc.a from
	# Debian's libc6-dev); left out when the host cannot link it.
	if gcc -static -O2 -o "$root/bin/fairbench" bench/linux/fairbench.c 2>"$tmp/fairbench.err"; then
		strip "$root/bin/fairbench" 2>/dev/null || true
	else
		echo "linux-fetch: note: no /bin/fairbench (gcc -static failed: $(head -n 1 "$tmp/fairbench.err"))" >&2
		rm -f "$root/bin/fairbench"
	fi
	chmod 1777 "$root/tmp"
	# The kernel's built-in initramfs already provides /dev/console; add
	# it here too when we may create device nodes.
	if [ "$(id -u)" = 0 ]; then mknod -m 0600 "$root/dev/console" c 5 1 2>/dev/null || true; fi
	# Fixed times make the archive reproducible; an unchanged one is kept
	# (with its old time stamp, so logs made with it stay fresh).
	find "$root" -exec touch -h -d @0 {} +
	(cd "$root" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc -R 0:0 --reproducible --quiet) | gzip -9 -n >"$out/initrd.gz.tmp"
	if cmp -s "$out/initrd.gz.tmp" "$out/initrd.gz"; then
		rm -f "$out/initrd.gz.tmp"
	else
		mv "$out/initrd.gz.tmp" "$out/initrd.gz"
	fi
	touch "$stamp"
fi

echo "linux-fetch: kernel $kversion ($kdeb), busybox $bdeb"
echo "linux-fetch: $out/vmlinuz $(stat -c %s "$out/vmlinuz") bytes, $out/initrd.gz $(stat -c %s "$out/initrd.gz") bytes"
echo "$kversion"
