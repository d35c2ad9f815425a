#!/usr/bin/env bash
# Boot tests: every tests/boot/cases/*.case boots a whole ISO in Bochs or
# QEMU and asserts on the serial log and the emulator's exit status.
#
# A case is a bash fragment that sets:
#   EMU=bochs|qemu|qemu-uefi|qemu-esp   CMDLINE="..."   MODULES="file ..."
#   (qemu-esp: build/hypervisor.efi on a FAT ESP image booted by OVMF,
#   with a uhv.cfg made from CMDLINE and MODULES, or ESP_CFG=FILE copied
#   as it is, or ESP_CFG=none for no uhv.cfg at all; ESP_UNTIL="regex"
#   stops QEMU once that line is in the log, status 0; ESP_DIR=NAME and
#   ESP_STARTUP="shell lines" start it from the UEFI shell instead,
#   scripts/mkesp.sh --dir/--startup)
#   CPUS=1   TIMEOUT=120   EXPECT_STATUS=0 (bochs pass) / 33 (qemu pass)
#   EXPECT=("regex" ...)   lines that must appear, in this order
#   CONTAINS=("regex" ...) lines that must appear, in any order
#   REJECT=("regex" ...)   lines that must not appear
#   BOCHS_EXTRA="bochsrc lines"   QEMU_EXTRA="args"
#   IGNORE_BAD_MSRS=1   0: Bochs raises #GP for an MSR its CPU model lacks
#   POSTCHECK="command args"   run with the cleaned log as last argument
#                              after EXPECT/REJECT passed; non-zero fails
# Usage: run.sh [case-name-glob]   (BOOT_JOBS=N runs N cases at once,
#        FORCE_CPUS=N boots the Bochs cases with N CPUs)
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
out=$BUILD/boot-tests
mkdir -p "$out"
pattern=${1:-*}
jobs=${BOOT_JOBS:-$(nproc)}

run_case() {
	local file=$1 name
	name=$(basename "$file" .case)
	local EMU=bochs CMDLINE="loglevel=info onexit=poweroff" MODULES="" CPUS=1
	local TIMEOUT=120 EXPECT_STATUS="" BOCHS_EXTRA="" QEMU_EXTRA="" MODEL=corei7_icelake_u
	local POSTCHECK="" IGNORE_BAD_MSRS=1 ESP_CFG="" ESP_UNTIL="" ESP_DIR="" ESP_STARTUP=""
	local -a EXPECT=() REJECT=() CONTAINS=()
	# shellcheck disable=SC1090
	source "$file"
	# FORCE_CPUS=N reruns Bochs cases on N CPUs (make test-smp4).
	if [ -n "${FORCE_CPUS:-}" ] && [ "$EMU" = bochs ]; then
		CPUS=$FORCE_CPUS
		TIMEOUT=$((TIMEOUT * 3))
	fi
	local iso=$out/$name.iso log=$out/$name.log res=$out/$name.result
	local t0=$SECONDS status
	local -a esp_cfg=(--cmdline "$CMDLINE")
	case $ESP_CFG in
	"") ;;
	none) esp_cfg=(--no-cfg) ;;
	*) esp_cfg=(--cfg "$ESP_CFG") ;;
	esac
	[ -n "$ESP_DIR" ] && esp_cfg+=(--dir "$ESP_DIR")
	[ -n "$ESP_STARTUP" ] && esp_cfg+=(--startup "$ESP_STARTUP")
	if [ "$EMU" = qemu-esp ]; then
		iso=$out/$name.img
		# shellcheck disable=SC2086
		if ! bash scripts/mkesp.sh "$iso" "$BUILD/hypervisor.efi" "${esp_cfg[@]}" $MODULES \
			>"$out/$name.mkiso" 2>&1; then
			echo "FAIL $name: could not build the ESP image" >"$res"
			cat "$out/$name.mkiso" >>"$res"
			return
		fi
	elif ! bash scripts/mkiso.sh "$iso" "$CMDLINE" "$BUILD/hypervisor.elf" $MODULES \
		>"$out/$name.mkiso" 2>&1; then
		echo "FAIL $name: could not build the ISO" >"$res"
		cat "$out/$name.mkiso" >>"$res"
		return
	fi
	case $EMU in
	bochs) bash scripts/bochs.sh "$iso" "$log" --cpus "$CPUS" --timeout "$TIMEOUT" \
			--model "$MODEL" --extra "$BOCHS_EXTRA" --ignore-bad-msrs "$IGNORE_BAD_MSRS" >"$out/$name.emu" 2>&1
		status=$?; : "${EXPECT_STATUS:=0}" ;;
	qemu) bash scripts/qemu.sh "$iso" "$log" --timeout "$TIMEOUT" \
			--extra "$QEMU_EXTRA" >"$out/$name.emu" 2>&1
		status=$?; : "${EXPECT_STATUS:=33}" ;;
	qemu-uefi) bash scripts/qemu.sh "$iso" "$log" --uefi --timeout "$TIMEOUT" \
			--extra "$QEMU_EXTRA" >"$out/$name.emu" 2>&1
		status=$?; : "${EXPECT_STATUS:=33}" ;;
	qemu-esp) bash scripts/qemu.sh "$iso" "$log" --esp --timeout "$TIMEOUT" \
			${ESP_UNTIL:+--until "$ESP_UNTIL"} --extra "$QEMU_EXTRA" >"$out/$name.emu" 2>&1
		status=$?; : "${EXPECT_STATUS:=33}" ;;
	*) echo "FAIL $name: unknown EMU '$EMU'" >"$res"; return ;;
	esac
	# Strip CRs and GRUB's ANSI escapes before matching.
	sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' "$log" | tr -d '\r' >"$log.txt"
	local why="" line=0 pat n
	if [ "$status" != "$EXPECT_STATUS" ]; then
		why="exit status $status, expected $EXPECT_STATUS"
		[ "$status" = 124 ] && why="$why (timeout after ${TIMEOUT}s)"
	fi
	for pat in "${EXPECT[@]}"; do
		[ -n "$why" ] && break
		n=$(tail -n +"$((line + 1))" "$log.txt" | grep -n -E -m1 -- "$pat" | cut -d: -f1)
		if [ -z "$n" ]; then
			why="expected line not found (in order): $pat"
		else
			line=$((line + n))
		fi
	done
	for pat in "${CONTAINS[@]}"; do
		[ -n "$why" ] && break
		grep -q -E -- "$pat" "$log.txt" || why="expected line not found: $pat"
	done
	for pat in "${REJECT[@]}"; do
		[ -n "$why" ] && break
		if grep -q -E -- "$pat" "$log.txt"; then
			why="forbidden line present: $(grep -m1 -E -- "$pat" "$log.txt")"
		fi
	done
	if [ -z "$why" ] && [ -n "$POSTCHECK" ]; then
		# shellcheck disable=SC2086
		if ! $POSTCHECK "$log.txt" >"$out/$name.postcheck" 2>&1; then
			why="post-check failed: $(tail -n 5 "$out/$name.postcheck" | tr '\n' ' ')"
		fi
	fi
	if [ -z "$why" ]; then
		echo "PASS $name ($EMU, $((SECONDS - t0))s)" >"$res"
		[ -s "$out/$name.postcheck" ] && sed 's/^/    /' "$out/$name.postcheck" >>"$res"
	else
		{
			echo "FAIL $name ($EMU, $((SECONDS - t0))s): $why"
			echo "---- last lines of $log.txt ----"
			tail -n 25 "$log.txt"
			echo "----"
		} >"$res"
	fi
}

cases=(tests/boot/cases/$pattern.case)
[ -e "${cases[0]}" ] || { echo "boot: no cases match '$pattern'"; echo "0 0" >"$out/summary"; exit 1; }
rm -f "$out"/*.result
running=0
for c in "${cases[@]}"; do
	run_case "$c" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait

pass=0 fail=0
for c in "${cases[@]}"; do
	r=$out/$(basename "$c" .case).result
	if [ -f "$r" ] && head -1 "$r" | grep -q '^PASS'; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		[ -f "$r" ] || echo "FAIL $(basename "$c" .case): no result" >"$r"
	fi
	cat "$r"
done
echo "$pass $fail" >"$out/summary"
echo "boot: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
