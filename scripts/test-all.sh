#!/usr/bin/env bash
# The whole test suite behind `make test`: the layers check's own test,
# host unit tests, the fuzz smoke, then boot tests in Bochs, the Linux
# guest and the Linux passthrough guest.  Ends with one line
# "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
total_pass=0 total_fail=0

add_summary() {
	local f=$1 p q
	if [ -f "$f" ]; then
		read -r p q <"$f"
	else
		p=0 q=1
		echo "test-all: $f missing (suite did not run)"
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + q))
}

echo "== layers check (tests/layers/planted.sh) =="
rm -f "$BUILD/layers-test/summary"
bash tests/layers/planted.sh "$BUILD/layers-test"
add_summary "$BUILD/layers-test/summary"

# The hypercall ABI's documentation agrees with the ABI (issue 11).
echo "== docs/hypercalls.md against the ABI =="
if python3 tests/docs/check_hypercalls.py; then
	total_pass=$((total_pass + 1))
else
	total_fail=$((total_fail + 1))
	echo "test-all: FAIL docs/hypercalls.md against the ABI"
fi

# Every include and symbol edge of the tree points down (issue 10).
echo "== make layers =="
if make --no-print-directory layers; then
	total_pass=$((total_pass + 1))
else
	total_fail=$((total_fail + 1))
	echo "test-all: FAIL make layers"
fi

echo "== host unit tests =="
rm -f "$BUILD/unit/summary"
bash tests/unit/run.sh "$BUILD/unit"
add_summary "$BUILD/unit/summary"

# Every libFuzzer target briefly, after replaying its corpus and
# regression inputs (issue 11): one pass or fail per target.
echo "== fuzz smoke (make fuzz-smoke) =="
rm -f "$BUILD/fuzz/summary"
make --no-print-directory fuzz-smoke
add_summary "$BUILD/fuzz/summary"

echo "== boot tests =="
rm -f "$BUILD/boot-tests/summary"
bash tests/boot/run.sh
add_summary "$BUILD/boot-tests/summary"

echo "== Linux guest (make test-linux) =="
if bash scripts/linux-fetch.sh && LINUX_EXPECT_INPUT=1 bash scripts/test-linux.sh; then
	total_pass=$((total_pass + 1))
else
	total_fail=$((total_fail + 1))
	echo "test-all: FAIL linux guest"
fi

# Issue 13's passthrough test: Debian's linux-image-amd64 drives the
# e1000 and the PIIX IDE given to a dma = identity VM (about 3-4 min).
echo "== Linux passthrough guest (make test-linux-pt) =="
if bash scripts/linux-pt-fetch.sh && bash scripts/test-linux-pt.sh; then
	total_pass=$((total_pass + 1))
else
	total_fail=$((total_fail + 1))
	echo "test-all: FAIL linux passthrough guest"
fi

echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
