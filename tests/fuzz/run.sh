#!/usr/bin/env bash
# Run the libFuzzer harnesses built by tests/fuzz/fuzz.mk.
#
#   run.sh smoke SECONDS OUT [TARGET...]   each target (OUT/fuzz_TARGET)
#                                          for SECONDS after
#                                          replaying its corpus and
#                                          regression inputs; fresh work
#                                          folders; one pass/fail per
#                                          target, "N M" in OUT/summary
#   run.sh run SECONDS OUT [TARGET...]     the same, longer, keeping what
#                                          the fuzzer found in OUT/work
#
# A target fails when its binary reports a crash, a sanitizer finding, a
# timeout, or a failed invariant on any input (the saved input is in
# OUT/artifacts/TARGET/).  FUZZ_ARGS adds libFuzzer options (e.g.
# -runs=1000000: stop after that many inputs); FUZZ_RUN_DIR puts the work
# folders, artifacts, logs and summary elsewhere than OUT, so that a long
# run and a smoke can go on at the same time.  FUZZ_JOBS runs that many
# targets at once (default 1; `make fuzz-smoke` uses 2).
set -u

mode=${1:?mode}
secs=${2:?seconds}
out=${3:?output folder}
shift 3
dir=$(cd "$(dirname "$0")" && pwd)
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
	for f in "$dir"/fuzz_*.c; do
		t=$(basename "$f" .c)
		t=${t#fuzz_}
		[ "$t" = common ] || targets+=("$t")
	done
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

start=$(date +%s)
bins=$out
out=${FUZZ_RUN_DIR:-$out}
jobs=${FUZZ_JOBS:-1}
rm -rf "$out/result"
mkdir -p "$out/result"

# One target; its verdict (PASS or FAIL and details) in $out/result/$t.
one() {
	local t=$1 bin=$bins/fuzz_$1 work=$out/work/$1 art=$out/artifacts/$1
	local log=$out/log/$1.log res=$out/result/$1 rc runs ncorp d
	local dirs opts
	[ "$mode" = smoke ] && rm -rf "$work"
	mkdir -p "$work" "$art" "$(dirname "$log")"
	dirs=("$work")
	for d in "$dir/corpus/$t" "$dir/regress/$t"; do
		[ -d "$d" ] && dirs+=("$d")
	done
	opts=(-max_total_time="$secs" -timeout=10 -rss_limit_mb=2048
	      -artifact_prefix="$art/" -print_final_stats=1)
	[ -f "$dir/$t.dict" ] && opts+=(-dict="$dir/$t.dict")
	if [ ! -x "$bin" ]; then
		echo "FAIL fuzz_$t: $bin not built" >"$res"
		return
	fi
	# shellcheck disable=SC2086
	"$bin" "${opts[@]}" ${FUZZ_ARGS:-} "${dirs[@]}" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 runs in \2 s/p' "$log" | tail -1)
	ncorp=$(sed -n 's/.*INFO: seed corpus: files: \([0-9]*\).*/\1/p' "$log" | tail -1)
	if [ "$rc" -eq 0 ]; then
		echo "PASS fuzz_$t: ${runs:-?}, ${ncorp:-0} corpus and regression inputs replayed" >"$res"
	else
		{ echo "FAIL fuzz_$t: exit $rc, input saved in $art/ (log $log)"
		  grep -E 'ERROR|invariant failed|runtime error|panic|SUMMARY' "$log" |
			head -20 | sed 's/^/    /'; } >"$res"
	fi
}

# FUZZ_JOBS targets at a time, reported in order.
for t in "${targets[@]}"; do
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n
	done
	one "$t" &
done
wait
pass=0 fail=0
for t in "${targets[@]}"; do
	cat "$out/result/$t"
	if grep -q '^PASS' "$out/result/$t"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
	fi
done
mkdir -p "$out"
echo "$pass $fail" >"$out/summary"
echo "fuzz: $pass passed, $fail failed ($(( $(date +%s) - start )) s)"
[ "$fail" -eq 0 ]
