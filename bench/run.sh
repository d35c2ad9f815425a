#!/usr/bin/env bash
# bench/run.sh [--no-build] [--model M] [--timeout S]
# Boots the hypervisor in Bochs with the benchmark guest (bench/guest/
# bench.c) and prints its results, one "BENCH name key=value ..." line
# each, plus the hypervisor's own "BENCH boot_to_first_vmentry tsc=N".
# In Bochs (clock: sync=none) TSC ticks are retired instructions, so the
# figures are exact path lengths and repeat from run to run.
# The full serial log is kept in $BUILD/bench/bench.log.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
build=1 model=corei7_icelake_u timeout_s=120
while [ $# -gt 0 ]; do
	case $1 in
	--no-build) build=0; shift ;;
	--model) model=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	*) echo "bench/run.sh: unknown option $1" >&2; exit 2 ;;
	esac
done

out=$BUILD/bench
iso=$out/bench.iso log=$out/bench.log
mkdir -p "$out"
if [ "$build" = 1 ]; then
	make --no-print-directory all guests >/dev/null
fi
bash scripts/mkiso.sh "$iso" "loglevel=info onexit=poweroff" \
	"$BUILD/hypervisor.elf" bench/bench.vms "$BUILD/guests/bench.bin"

status=0
bash scripts/bochs.sh "$iso" "$log" --timeout "$timeout_s" --model "$model" || status=$?

# Guest lines arrive as "[bench] BENCH ..."; the hypervisor's own line has
# no prefix.  CRs and ANSI escapes come from GRUB.
results=$(sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' "$log" | tr -d '\r' |
	sed -n -E 's/^(\[bench\] )?(BENCH .*)$/\2/p')
echo "model=$model status=$status log=$log"
if [ -z "$results" ]; then
	echo "bench/run.sh: no BENCH lines in $log" >&2
	tail -n 20 "$log" >&2
	exit 1
fi
echo "$results"
grep -q '^BENCH done' <<<"$results" || { echo "bench/run.sh: the guest did not finish" >&2; exit 1; }
grep -q '^BENCH boot_to_first_vmentry' <<<"$results" ||
	echo "bench/run.sh: note: no 'BENCH boot_to_first_vmentry' line from the hypervisor" >&2
exit "$status"
