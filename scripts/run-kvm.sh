#!/usr/bin/env bash
# run-kvm.sh ISO [extra qemu args]
# Boots the hypervisor nested under QEMU/KVM on an Intel host with nested
# VT-x, with an emulated VT-d unit.  On a host without usable VT-x it says
# so in one line and exits non-zero instead of hanging.
set -uo pipefail
iso=${1:?usage: run-kvm.sh ISO [qemu args]}
shift

why=""
if ! grep -qw vmx /proc/cpuinfo 2>/dev/null; then
	why="the host CPU does not expose VT-x (no 'vmx' flag in /proc/cpuinfo)"
elif [ ! -c /dev/kvm ] || [ ! -w /dev/kvm ]; then
	why="/dev/kvm is missing or not writable"
else
	nested=$(cat /sys/module/kvm_intel/parameters/nested 2>/dev/null || echo N)
	case $nested in
	Y|y|1) ;;
	*) why="kvm_intel nested virtualization is off (modprobe kvm_intel nested=1)" ;;
	esac
fi
if [ -n "$why" ]; then
	echo "run-kvm: cannot run nested VT-x here: $why" >&2
	exit 1
fi

exec timeout --foreground "${RUN_KVM_TIMEOUT:-600}" qemu-system-x86_64 \
	-accel kvm -cpu host,+vmx \
	-machine q35,kernel-irqchip=split \
	-device intel-iommu,intremap=on,caching-mode=on \
	-smp "${RUN_KVM_CPUS:-2}" -m 1G \
	-cdrom "$iso" -boot d \
	-display none -serial stdio -monitor none -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=4 "$@"
