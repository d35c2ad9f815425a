#!/usr/bin/env bash
# bench/run.sh [--no-build] [--model M] [--timeout S] [--no-sched | --sched-only]
#              [--sched rr|fair] [--timeslice US]
# Boots the hypervisor in Bochs with the benchmark guests and prints their
# results, one "BENCH name key=value ..." line each:
#  1. bench/guest/bench.c on one CPU: VM-exit round trips, plus the
#     hypervisor's own "BENCH boot_to_first_vmentry tsc=N"; next to it
#     the same guest in a virtual PC (bench_pc) writes console lines to
#     the emulated COM1 THR (thr_line_pc, thr_flood_pc: TSC per byte);
#  1b. tests/guests/hclab_bench.c (bench/hclab_bench.vms): TSC per null
#     call through each hypercall convention ("BENCH hc_conv ...");
#  2. bench/guest/sched_bench.c on two CPUs (bench/sched_bench.vms):
#     vCPU-to-vCPU switch by HC_YIELD, wake-up latency of a halted vCPU by
#     HC_SEND_IPI on the same and on the other pCPU, and the share of a
#     pCPU a CPU-bound vCPU keeps against two competitors (ideal 1/3);
#  3. tests/guests/pci_test.c with Bochs' e1000 passed through
#     (dma = none): INTx latency from the device to the guest handler.
# In Bochs (clock: sync=none) TSC ticks are retired instructions, so the
# figures are path lengths and repeat from run to run (the 2-CPU ones
# vary a little with the interleaving of the two emulated CPUs).
# The full serial logs are kept in $BUILD/bench/{bench,sched}.log, the
# BENCH lines in $BUILD/bench/results.txt; bench/compare then prints each
# figure against its target and the value recorded in bench/expected.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
build=1 model=corei7_icelake_u timeout_s=120 exits=1 sched=1
policy=fair timeslice=2000
while [ $# -gt 0 ]; do
	case $1 in
	--no-build) build=0; shift ;;
	--model) model=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--no-sched) sched=0; shift ;;
	--sched-only) exits=0; shift ;;
	--sched) policy=$2; shift 2 ;;
	--timeslice) timeslice=$2; shift 2 ;;
	*) echo "bench/run.sh: unknown option $1" >&2; exit 2 ;;
	esac
done

out=$BUILD/bench
mkdir -p "$out"
if [ "$build" = 1 ]; then
	make --no-print-directory BUILD="$BUILD" all guests >/dev/null
fi

# run_bench NAME CPUS CMDLINE VMS IMAGE DONE_LINE [BOCHS_EXTRA]: boots, prints the BENCH
# lines (guest lines arrive as "[vm] BENCH ...", the hypervisor's have no
# prefix; CRs and ANSI escapes come from GRUB) and checks DONE_LINE.
run_bench() {
	local name=$1 cpus=$2 cmdline=$3 vms=$4 image=$5 done_line=$6 extra=${7:-}
	local iso=$out/$name.iso log=$out/$name.log status=0 results
	bash scripts/mkiso.sh "$iso" "$cmdline" "$BUILD/hypervisor.elf" "$vms" "$image"
	bash scripts/bochs.sh "$iso" "$log" --cpus "$cpus" --timeout "$timeout_s" \
		--model "$model" ${extra:+--extra "$extra"} || status=$?
	results=$(sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' "$log" | tr -d '\r' |
		sed -n -E 's/^(\[[A-Za-z0-9_-]+\] )?(BENCH .*)$/\2/p')
	echo "$name: model=$model cpus=$cpus status=$status log=$log"
	if [ -z "$results" ]; then
		echo "bench/run.sh: no BENCH lines in $log" >&2
		tail -n 20 "$log" >&2
		return 1
	fi
	echo "$results"
	sed "s/^/$name /" <<<"$results" >>"$out/results.txt"
	if ! grep -q "^BENCH $done_line" <<<"$results"; then
		echo "bench/run.sh: the $name guest did not finish" >&2
		return 1
	fi
	if [ "$name" = bench ] && ! grep -q '^BENCH boot_to_first_vmentry' <<<"$results"; then
		echo "bench/run.sh: note: no 'BENCH boot_to_first_vmentry' line from the hypervisor" >&2
	fi
	return "$status"
}

rc=0
# The build measured: bench/update-doc records the commit with the figures.
rev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
	rev=$rev-dirty
fi
echo "# commit $rev model=$model sched=$policy timeslice=$timeslice date=$(date -u +%F)" \
	>"$out/results.txt"
if [ "$exits" = 1 ]; then
	run_bench bench 1 "loglevel=info onexit=poweroff" bench/bench.vms \
		"$BUILD/guests/bench.bin" "done" || rc=1
fi
# The hypercall conventions (issue 15): cost per null call, each convention.
if [ "$exits" = 1 ]; then
	run_bench hclab 1 "loglevel=info onexit=poweroff" bench/hclab_bench.vms \
		"$BUILD/guests/hclab_test.bin" hc_conv_done || rc=1
fi
if [ "$sched" = 1 ]; then
	run_bench sched 2 "loglevel=info onexit=poweroff sched=$policy timeslice=$timeslice" \
		bench/sched_bench.vms "$BUILD/guests/sched_bench.bin" sched_done || rc=1
fi
# Each figure next to its target and its recorded value (bench/expected);
# the ones that got worse are named.  bench/update-doc records a run.
if [ "$model/$policy/$timeslice" = corei7_icelake_u/fair/2000 ]; then
	bash bench/compare "$out/results.txt" || rc=1
else
	echo "bench/run.sh: not compared with bench/expected (recorded with corei7_icelake_u, fair, 2000)"
fi
# Issue 13: the guest-visible latency of a passed-through device's
# interrupt (tests/guests/pci_test.c: from the write that makes Bochs'
# e1000 assert INTx to the guest handler's first instruction; one line
# per boot of the guest, which resets once).  PCI_BENCH=0 skips it.
if [ "${PCI_BENCH:-1}" != 0 ]; then
	run_bench pci 1 "loglevel=info onexit=poweroff" tests/boot/vms/pci_e1000.vms \
		"$BUILD/guests/pci_test.bin" pci_intx_latency \
		"pci: enabled=1, chipset=i440fx, slot1=e1000
e1000: enabled=1, mac=52:54:00:12:34:56, ethmod=vnet" || rc=1
fi
# Linux natively and under the hypervisor, same kernel, initramfs and
# command line (issue 14): boot ticks and workloads, bench/linux_fair.sh
# (about 12 min of Bochs on an idle machine).  LINUX_BENCH=0 skips it.
if [ "${LINUX_BENCH:-1}" != 0 ]; then
	bash bench/linux_fair.sh $([ "$build" = 1 ] || echo --no-build) || rc=1
fi
# Issue 13: ATA DMA read throughput, passthrough against native
# (bench/linux_pt.sh; status 2: the hypervisor side cannot run yet).
# LINUX_PT_BENCH=0 skips it.
if [ "${LINUX_PT_BENCH:-1}" != 0 ]; then
	bash bench/linux_pt.sh || { [ $? = 2 ] && echo "bench/run.sh: note: linux_pt has native figures only" >&2; } || rc=1
fi
exit "$rc"
