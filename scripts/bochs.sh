#!/usr/bin/env bash
# bochs.sh ISO SERIAL_LOG [--cpus N] [--timeout S] [--model M] [--show]
#          [--extra "bochsrc lines"] [--ignore-bad-msrs 0|1]
# Boots the ISO in Bochs headless; exit status: 0 = the hypervisor left
# through the iodebug "pass" sequence, 1 = shutdown port (fail),
# 124 = timeout, other = emulator error.  --show copies the serial log to
# stdout as it grows.
set -uo pipefail
iso=$1; log=$2; shift 2
cpus=1; timeout_s=120; model=corei7_icelake_u; show=0; extra=""; bad_msrs=1
while [ $# -gt 0 ]; do
	case $1 in
	--cpus) cpus=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--model) model=$2; shift 2 ;;
	--show) show=1; shift ;;
	--extra) extra=$2; shift 2 ;;
	--ignore-bad-msrs) bad_msrs=$2; shift 2 ;;
	*) echo "bochs.sh: unknown option $1" >&2; exit 2 ;;
	esac
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rc="$work/bochsrc"
cat > "$rc" <<RC
megs: 512
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
display_library: rfb, options="timeout=0"
clock: sync=none, time0=946681200
cpu: model=$model, count=$cpus, ips=50000000, reset_on_triple_fault=0, ignore_bad_msrs=$bad_msrs
ata0-master: type=cdrom, path=$iso, status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev=$log
port_e9_hack: enabled=1
speaker: enabled=0
log: $work/bochs.log
panic: action=fatal
error: action=report
info: action=ignore
debug: action=ignore
$extra
RC
printf 'continue\nquit\n' > "$work/cmds"
: > "$log"

tail_pid=
if [ "$show" = 1 ]; then
	tail -n +1 -f "$log" 2>/dev/null | tr -d '\r' &
	tail_pid=$!
fi
timeout --kill-after=5 "$timeout_s" bochs-bin -q -f "$rc" -rc "$work/cmds" \
	</dev/null >"$work/stdout" 2>&1
status=$?
if [ -n "$tail_pid" ]; then
	sleep 0.3
	kill "$tail_pid" 2>/dev/null
	wait "$tail_pid" 2>/dev/null
fi
# Bochs 2.7 sometimes crashes while shutting down after the iodebug quit
# (seen with 2 CPUs).  When the hypervisor had already given its verdict,
# that verdict stands.
if [ "$status" -gt 128 ] && [ "$status" -ne 137 ]; then
	verdict=$(tr -d '\r' < "$log" | grep -a -o 'hv: run \(PASSED\|FAILED\), leaving' | tail -1)
	case $verdict in
	*PASSED*) echo "bochs.sh: bochs crashed (status $status) after the run PASSED; taking that" >&2; status=0 ;;
	*FAILED*) echo "bochs.sh: bochs crashed (status $status) after the run FAILED" >&2; status=1 ;;
	esac
fi
if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
	echo "bochs.sh: bochs ended with status $status" >&2
	grep -iE 'panic|error|fatal' "$work/bochs.log" "$work/stdout" 2>/dev/null | head -20 >&2
fi
if [ -n "${BOCHS_KEEP_LOG:-}" ]; then cp "$work/bochs.log" "$BOCHS_KEEP_LOG"; fi
exit "$status"
