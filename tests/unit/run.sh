#!/usr/bin/env bash
# Run every unit test binary in DIR (default build/unit), count test cases
# from cmocka's output, and end with one line "unit: N passed, M failed".
# "N M" also goes to DIR/summary.  Exit status is nonzero on any failure.
#
# A binary that dies (sanitizer report, signal, timeout) counts its
# unfinished case as failed, and at least one failure in any case.
# UNIT_VERBOSE=1 prints every binary's output, not only failing ones;
# UNIT_TIMEOUT sets the per-binary limit in seconds (default 120).
set -u

dir=${1:-build/unit}
timeout_s=${UNIT_TIMEOUT:-120}

# Sanitizer findings must end the binary so that they count as failures.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

total_pass=0
total_fail=0
nbins=0

# Reads cmocka's standard output; prints "passed failed".  A case counts
# when its own result line follows its RUN line, so the summary listing at
# the end is not counted twice; a RUN without a result is a crash.
count_cases() {
	awk '
	/^\[ RUN      \] / { if (cur != "") fail++; cur = substr($0, 14); next }
	/^\[       OK \] / { if (cur != "" && substr($0, 14) == cur) { pass++; cur = "" } next }
	/^\[  (FAILED|ERROR)  *\] / {
		if (cur != "" && substr($0, 14) == cur) { fail++; cur = "" }
		next
	}
	/^\[  SKIPPED \] / { if (cur != "" && substr($0, 14) == cur) cur = ""; next }
	END { if (cur != "") fail++; printf "%d %d\n", pass, fail }
	'
}

for bin in "$dir"/test_*; do
	[ -f "$bin" ] && [ -x "$bin" ] || continue
	case "$bin" in *.*) continue ;; esac
	nbins=$((nbins + 1))
	name=$(basename "$bin")
	out=$(timeout "$timeout_s" "$bin" 2>&1)
	rc=$?
	read -r pass fail < <(printf '%s\n' "$out" | count_cases)
	if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
		fail=1
	fi
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	if [ "$fail" -eq 0 ]; then
		echo "PASS $name: $pass passed"
		[ -n "${UNIT_VERBOSE:-}" ] && printf '%s\n' "$out" | sed 's/^/    /'
	else
		why="exit $rc"
		[ "$rc" -eq 124 ] && why="timed out after ${timeout_s}s"
		echo "FAIL $name: $pass passed, $fail failed ($why)"
		printf '%s\n' "$out" | sed 's/^/    /'
	fi
done

if [ "$nbins" -eq 0 ]; then
	echo "run.sh: no test binaries in $dir" >&2
	total_fail=1
fi

mkdir -p "$dir"
echo "$total_pass $total_fail" > "$dir/summary"
echo "unit: $total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
