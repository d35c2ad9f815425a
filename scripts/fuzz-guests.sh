#!/usr/bin/env bash
# fuzz-guests.sh: long runs of the fuzz guests in Bochs (make fuzz-guests;
# docs/testing.md, "Fuzz guests").  Each run boots one ISO whose VM
# descriptions are the boot cases' (tests/boot/vms/fuzz_*.vms) with the
# seed and count replaced, checks the serial log the way the boot cases
# do, and adds up what the guests report.
#
# Environment (all optional):
#   SEED=N             first seed (default: random); run i of a guest uses
#                      SEED + i, so any run is reproduced by its own seed
#   GUESTS="hc priv dev"  which fuzz guests
#   FUZZ_HC_CALLS=N    hypercalls per fuzz_hc run (default 2000000)
#   FUZZ_HC_RUNS=N     fuzz_hc runs in sequence (default 5: 10M in all)
#   FUZZ_PRIV_OPS=N    operations per fuzz_priv run (default 200000)
#   FUZZ_DEV_OPS=N     operations per fuzz_dev run, each APIC mode (200000)
#   FUZZ_RUNS=N        runs of fuzz_priv and of each fuzz_dev mode (1)
#   OUT=DIR            logs (default build/fuzz-guests)
# Exit status 0 only if every run passed.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
OUT=${OUT:-$BUILD/fuzz-guests}
GUESTS=${GUESTS:-hc priv dev}
SEED=${SEED:-$(( $(od -An -N4 -tu4 /dev/urandom) ))}
FUZZ_HC_CALLS=${FUZZ_HC_CALLS:-2000000}
FUZZ_HC_RUNS=${FUZZ_HC_RUNS:-5}
FUZZ_PRIV_OPS=${FUZZ_PRIV_OPS:-200000}
FUZZ_DEV_OPS=${FUZZ_DEV_OPS:-200000}
FUZZ_RUNS=${FUZZ_RUNS:-1}
mkdir -p "$OUT"

total_hc=0 total_ops=0 total_faults=0 runs=0 failed=0

# run NAME VMS CMDLINE SEED COUNT RATE MODULES...: one Bochs boot.  RATE is
# a conservative number of operations per second of wall time, for the
# timeout.
run() {
	local name=$1 vms=$2 cmdline=$3 seed=$4 count=$5 rate=$6
	shift 6
	local tag="$name${suffix:-}-$(printf '%#x' "$seed")" stage iso log t0 status why=""
	stage=$(mktemp -d)
	iso=$OUT/$tag.iso log=$OUT/$tag.log
	# Every fuzz VM of the file (a cmdline with seed=) gets the seed and
	# the count.
	sed -e "/^cmdline .*seed=/s/seed=[0-9a-fx]*/seed=$(printf '%#x' "$seed")/" \
	    -e "/^cmdline .*seed=/s/count=[0-9]*/count=$count/" \
	    -e "/^cmdline .*seed=/s/progress=[0-9]*/progress=$(( count / 10 > 0 ? count / 10 : 1 ))/" \
	    "$vms" >"$stage/$(basename "$vms")"
	local nfuzz
	nfuzz=$(grep -c "^cmdline .*seed=" "$vms")
	local mods=("$stage/$(basename "$vms")" "$@")
	bash scripts/mkiso.sh "$iso" "$cmdline" "$BUILD/hypervisor.elf" "${mods[@]}" \
		>"$OUT/$tag.mkiso" 2>&1 || { echo "FAIL $tag: could not build the ISO"; failed=$((failed + 1)); rm -rf "$stage"; return; }
	rm -rf "$stage"
	t0=$SECONDS
	nice -n 10 bash scripts/bochs.sh "$iso" "$log" --timeout $(( 120 + count / rate )) \
		>"$OUT/$tag.emu" 2>&1
	status=$?
	sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' "$log" | tr -d '\r' >"$log.txt"
	local faults res nres
	faults=$(grep -a -c -E "PANIC|hypervisor fault" "$log.txt")
	res=$(grep -a -E "\] RESULT: $name " "$log.txt")
	nres=$(grep -c . <<<"$res")
	[ "$status" = 0 ] || why="exit status $status"
	[ -z "$why" ] && ! grep -a -q "hv: run PASSED" "$log.txt" && why="no 'hv: run PASSED'"
	[ -z "$why" ] && [ -z "$res" ] && why="no RESULT line"
	[ -z "$why" ] && [ "$nres" != "$nfuzz" ] && why="$nres RESULT lines for $nfuzz fuzz VMs"
	[ -z "$why" ] && grep -v -q "failures=0" <<<"$res" && why="failures: $res"
	[ -z "$why" ] && [ "$faults" != 0 ] && why="$faults hypervisor fault line(s)"
	[ -z "$why" ] && grep -a -q -E "stopped:|\] FAIL" "$log.txt" && why="a VM was stopped or failed a check"
	local ops=0 hc=0 n
	for n in $(sed -n 's/.* ops=\([0-9]*\).*/\1/p' <<<"$res"); do ops=$((ops + n)); done
	for n in $(sed -n 's/.* hypercalls=\([0-9]*\).*/\1/p' <<<"$res"); do hc=$((hc + n)); done
	total_ops=$((total_ops + ops))
	total_hc=$((total_hc + hc))
	total_faults=$((total_faults + faults))
	runs=$((runs + 1))
	if [ -n "$why" ]; then
		failed=$((failed + 1))
		echo "FAIL $tag ($((SECONDS - t0))s): $why; log $log.txt"
		grep -a -E "FAIL|PANIC|fault|stopped" "$log.txt" | head -20
	else
		echo "PASS $tag ($((SECONDS - t0))s): ops $ops, hypercalls $hc; $(tr '\n' ';' <<<"$res" | sed 's/\[[a-z_]*\] RESULT: //g')"
	fi
}

G=$BUILD/guests
echo "fuzz-guests: seed $SEED, guests: $GUESTS"
for g in $GUESTS; do
	case $g in
	hc)
		for ((i = 0; i < FUZZ_HC_RUNS; i++)); do
			run fuzz_hc tests/boot/vms/fuzz_hc.vms "loglevel=info onexit=poweroff" \
				$((SEED + i)) "$FUZZ_HC_CALLS" 2000 \
				"$G/fuzz_hc.bin" "$G/hc_test.bin" "$G/sched_work.bin"
		done ;;
	priv)
		for ((i = 0; i < FUZZ_RUNS; i++)); do
			run fuzz_priv tests/boot/vms/fuzz_priv.vms "loglevel=info onexit=poweroff" \
				$((SEED + i)) "$FUZZ_PRIV_OPS" 500 \
				"$G/fuzz_priv.bin" "$G/hc_test.bin"
		done ;;
	dev)
		for ((i = 0; i < FUZZ_RUNS; i++)); do
			for apicv in on off; do
				suffix=-apicv$apicv run fuzz_dev tests/boot/vms/fuzz_dev.vms \
					"loglevel=info onexit=poweroff apicv=$apicv" \
					$((SEED + i)) "$FUZZ_DEV_OPS" 500 \
					"$G/fuzz_dev.bin" "$G/hc_test.bin"
			done
		done ;;
	*) echo "fuzz-guests: unknown guest '$g'"; exit 2 ;;
	esac
done
echo "fuzz-guests: $runs run(s), $failed failed; hypercalls $total_hc, operations $total_ops, hypervisor faults $total_faults"
[ "$failed" = 0 ] && [ "$total_faults" = 0 ]
