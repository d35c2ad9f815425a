# shellcheck shell=bash disable=SC2034 # the variables are the sourcing scripts'
# linux-pt-common.sh: sourced by scripts/linux-pt-native.sh,
# scripts/test-linux-pt.sh and bench/linux_pt.sh.  The Bochs machine of the
# passthrough test (issue 13) and the checks on the guest's log.
# Needs $BUILD; sets $PT_DIR.
PT_DIR=$BUILD/linux-pt
# The guest's kernel command line, without the test disk's md5.
PT_CMDLINE="console=ttyS0,115200 loglevel=4 quiet mitigations=off tsc=reliable no_timer_check lpj=800000 cryptomgr.notests"
# Bochs' e1000 (vnet: a virtual host that answers DHCP and ping, no packet
# leaves the emulator) in PCI slot 1 (00:01.0 is the PIIX3 ISA bridge:
# slot 1 is device 00:02.0), and the test disk as the master of the
# second IDE channel of the PIIX3 (00:01.1; the boot CD-ROM is ata0-master).
pt_bochs_extra() { # pt_bochs_extra DISK TFTPDIR
	printf '%s\n' \
		"pci: enabled=1, chipset=i440fx, slot1=e1000" \
		"e1000: enabled=1, mac=52:54:00:12:34:56, ethmod=vnet, ethdev=$2" \
		"ata1: enabled=1, ioaddr1=0x170, ioaddr2=0x370, irq=15" \
		"ata1-master: type=disk, path=$1, mode=flat, cylinders=64, heads=16, spt=32, translation=lba"
}

# pt_check LOG PREFIX: the guest's verdict on the cleaned serial log LOG
# (PREFIX: "" natively, "\[linuxpt\] " under the hypervisor).  Prints one
# line per missing step, in the order the guest runs them; status 0 when
# none is missing.
pt_check() {
	local log=$1 p=$2 bad=0 step
	for step in \
		"module e1000 loaded|modules: e1000 loaded" \
		"module ata_piix loaded|modules: ata_piix loaded" \
		"PASS e1000: eth0 exists|network: the e1000 driver found its NIC (eth0)" \
		"PASS dhcp lease|network: DHCP lease over the e1000" \
		"PASS ping|network: ping of the vnet host answered" \
		"PASS ide: test disk|disk: ata_piix found the test disk" \
		"PASS ide: .* in bus-master DMA mode|disk: bus-master DMA mode" \
		"PASS disk read md5|disk: md5 of the host's pattern" \
		"PASS disk write and read back|disk: write, drop caches, read back" \
		"BENCH ata_dma_read|disk: a throughput sample" \
		"RESULT [0-9]+ passed, 0 failed|the guest's RESULT line with 0 failed" \
		"DONE|the guest's DONE line"; do
		if ! grep -q -a -E -- "^${p}LINUXPT: ${step%%|*}" "$log"; then
			echo "step missing: ${step#*|} ('LINUXPT: ${step%%|*}')"
			bad=1
		fi
	done
	grep -a -E -- "^${p}LINUXPT: FAIL" "$log" | sed 's/^/failed: /'
	grep -q -a -E -- "^${p}LINUXPT: FAIL" "$log" && bad=1
	return $bad
}

# pt_disk_check IMAGE LOG PREFIX: what the guest said it wrote is on the
# image: the md5 of the 4 MiB at 4 MiB.
pt_disk_check() {
	local img=$1 log=$2 p=$3 want off size got
	read -r want off size < <(sed -n -E "s/^${p}LINUXPT: disk write md5 ([0-9a-f]+) offset ([0-9]+) size ([0-9]+).*/\1 \2 \3/p" "$log" | tail -n 1)
	[ -n "${want:-}" ] || { echo "disk: the guest reported no write"; return 1; }
	got=$(dd if="$img" bs=1M skip="$off" count="$size" 2>/dev/null | md5sum | cut -d' ' -f1)
	if [ "$got" = "$want" ]; then
		echo "disk: the image holds what the guest wrote (md5 $got at $off MiB)"
		return 0
	fi
	echo "disk: the image has md5 $got at $off MiB, the guest wrote $want"
	return 1
}

# pt_bench LOG PREFIX: the KiB/s samples, one per line.
pt_bench() {
	sed -n -E "s/^${2}LINUXPT: BENCH ata_dma_read ([0-9]+) KiB\/s.*/\1/p" "$1"
}
