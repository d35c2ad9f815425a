#!/usr/bin/env bash
# The test of scripts/layers.py (make layers): it must find upward edges
# that we plant, and only those.
#
# Include edges: the folders layers.py reads are copied to a temporary
# tree; upward includes are planted in the copy (appended to the first
# source file of a folder, so the test does not depend on which files the
# tree has today).  layers.py must exit 1 on the planted copy and print
# every planted edge, and none of them on the unplanted copy.  The real
# tree's own violations (issue 10) do not matter: the unplanted copy's
# exit status is not checked.
#
# Symbol edges: tiny C and assembly files are compiled into a fake object
# folder (LTO and plain objects) and layers.py --objs must report the
# upward and same-rank uses, and not the downward use or a use of an
# object whose source is gone.
#
# Usage: tests/layers/planted.sh [OUTDIR]   (OUTDIR/summary gets "N M")
# Ends with "layers-test: N passed, M failed"; exit status 1 on a failure.
set -u
cd "$(dirname "$0")/../.."
root=$PWD
out=${1:-build/layers-test}
mkdir -p "$out"
layers="python3 $root/scripts/layers.py"
FOLDERS="lib mm arch-x86 drivers vmx sched guest boot"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/layers-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); echo "PASS $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }

# expect_line NAME FILE LINE: FILE has LINE, exactly.
expect_line() {
	if grep -qxF -- "$3" "$2"; then ok "$1"; else
		bad "$1: no line '$3' in the output:"; sed 's/^/    /' "$2"; fi
}
# expect_no_line NAME FILE LINE
expect_no_line() {
	if grep -qxF -- "$3" "$2"; then bad "$1: unexpected line '$3'"; else ok "$1"; fi
}
# expect_rc NAME WANT GOT
expect_rc() {
	if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: exit status $3, want $2"; fi
}

# first FOLDER PATTERN: first matching file of a folder of the planted
# copy, repository-relative; a new empty one (planted.c, planted.h, ...)
# if the folder has none.
first() {
	local f
	f=$(cd "$tmp/planted" && ls -1 "$1"/$2 2>/dev/null | sort | head -1)
	if [ -z "$f" ]; then
		f=$1/planted${2#\*}
		mkdir -p "$tmp/planted/$1"
		: >"$tmp/planted/$f"
	fi
	echo "$f"
}

# plant FILE INCLUDE-TEXT: append an include line to FILE in the planted
# copy; prints the line number it landed on.
plant() {
	local f=$tmp/planted/$1
	printf '#include %s\n' "$2" >>"$f"
	wc -l <"$f"
}

# ---- include edges ----------------------------------------------------
mkdir -p "$tmp/clean" "$tmp/planted"
for d in $FOLDERS; do
	cp -r "$d" "$tmp/clean/"
	cp -r "$d" "$tmp/planted/"
done

expected=()   # lines that must be printed for the planted copy
absent=()     # lines that must not be printed for it

f=$(first lib '*.c')
n=$(plant "$f" '"guest/vm/vm.h"')
expected+=("$f:$n: includes guest/vm/vm.h (lib may not use guest/vm)")

f=$(first mm '*.c')
n=$(plant "$f" '"boot/cmdline.h"')
expected+=("$f:$n: includes boot/cmdline.h (mm may not use boot)")

# A device model including the virtual PC's wiring, written relative to
# its own folder (gcc looks next to the including file first).
f=$(first guest/dev '*.c')
h=$(first guest/vpc '*.h')
n=$(plant "$f" "\"../vpc/${h#guest/vpc/}\"")
expected+=("$f:$n: includes $h (guest/dev may not use guest/vpc)")

# Same rank: sched and vmx may not use each other; a header this time.
f=$(first sched '*.h')
n=$(plant "$f" '"vmx/vmx.h"')
expected+=("$f:$n: includes vmx/vmx.h (sched may not use vmx)")

# Angle brackets resolve from the root too.
f=$(first drivers '*.c')
n=$(plant "$f" '<guest/exit/emulate.h>')
expected+=("$f:$n: includes guest/exit/emulate.h (drivers may not use guest/exit)")

# Assembly sources are read as well.
f=$(first arch-x86 '*.S')
n=$(plant "$f" '"sched/sched.h"')
expected+=("$f:$n: includes sched/sched.h (arch-x86 may not use sched)")

# A guest/ sub-folder that the map does not place is an error.
mkdir -p "$tmp/planted/guest/attic"
printf '#include "lib/types.h"\n' >"$tmp/planted/guest/attic/old.c"
expected+=("layers: guest/attic/: folder not in the map (add it to GUEST_RANK in scripts/layers.py)")

# Downward: boot may use lib; must not be reported.
f=$(first boot '*.c')
n=$(plant "$f" '"lib/types.h"')
absent+=("$f:$n: includes lib/types.h (boot may not use lib)")

$layers --root "$tmp/planted" --summary >"$tmp/planted.out" 2>&1
expect_rc "planted copy: exit status 1" 1 $?
$layers --root "$tmp/clean" >"$tmp/clean.out" 2>&1
rc=$?
if [ "$rc" -le 1 ]; then ok "unplanted copy: check runs (exit $rc)"; else
	bad "unplanted copy: exit status $rc"; sed 's/^/    /' "$tmp/clean.out"; fi

for e in "${expected[@]}"; do
	expect_line "planted: ${e%% (*}" "$tmp/planted.out" "$e"
	expect_no_line "unplanted: ${e%% (*}" "$tmp/clean.out" "$e"
done
for e in "${absent[@]}"; do
	expect_no_line "planted, downward: ${e%% (*}" "$tmp/planted.out" "$e"
done
if grep -qE '^ +lib -> guest/vm +[0-9]+ +UP$' "$tmp/planted.out"; then
	ok "summary marks lib -> guest/vm UP"
else
	bad "summary marks lib -> guest/vm UP:"; sed 's/^/    /' "$tmp/planted.out"
fi

# ---- symbol edges ------------------------------------------------------
s=$tmp/sym
mkdir -p "$s/src/lib" "$s/src/guest" "$s/src/vmx" "$s/src/sched" \
	"$s/objs/lib" "$s/objs/guest" "$s/objs/vmx" "$s/objs/sched"
cat >"$s/src/lib/low.c" <<'EOF'
/* lib/ calling up into guest/: the edge to find. */
void guest_thing(void);
void gone_fn(void);
void low_helper(void);

void low_helper(void)
{
}

void low(void)
{
	guest_thing();
	gone_fn();
}
EOF
cat >"$s/src/guest/high.c" <<'EOF'
void low_helper(void);
void guest_thing(void);

void guest_thing(void)
{
	low_helper();
}
EOF
cat >"$s/src/guest/gone.c" <<'EOF'
void gone_fn(void);
void gone_fn(void)
{
}
EOF
cat >"$s/src/vmx/stub.S" <<'EOF'
	.text
	.globl vmx_stub
vmx_stub:
	call guest_thing
	ret
EOF
cat >"$s/src/sched/peer.c" <<'EOF'
void vmx_stub(void);
void peer(void)
{
	vmx_stub();
}
EOF
cc=${CC:-gcc}
if $cc -O2 -flto -c -o "$s/objs/lib/low.o" "$s/src/lib/low.c" &&
   $cc -O2 -flto -c -o "$s/objs/guest/high.o" "$s/src/guest/high.c" &&
   $cc -O2 -c -o "$s/objs/guest/gone.o" "$s/src/guest/gone.c" &&
   $cc -c -o "$s/objs/vmx/stub.o" "$s/src/vmx/stub.S" &&
   $cc -O2 -c -o "$s/objs/sched/peer.o" "$s/src/sched/peer.c"; then
	ok "symbol objects compile"
else
	bad "symbol objects compile"
fi
# Its object stays behind, as after a move: not a source any more.
rm "$s/src/guest/gone.c"

$layers --root "$s/src" --objs "$s/objs" --summary >"$tmp/sym.out" 2>&1
expect_rc "symbols: exit status 1" 1 $?
expect_line "symbols: lib (LTO) uses guest" "$tmp/sym.out" \
	"lib/low.c:12: uses guest_thing from guest/high.c (lib may not use guest)"
expect_line "symbols: vmx assembly uses guest" "$tmp/sym.out" \
	"vmx/stub.S:4: uses guest_thing from guest/high.c (vmx may not use guest)"
expect_line "symbols: sched uses vmx (same rank)" "$tmp/sym.out" \
	"sched/peer.c:4: uses vmx_stub from vmx/stub.S (sched may not use vmx)"
if grep -q 'low_helper' "$tmp/sym.out"; then
	bad "symbols: downward guest -> lib use not reported"
else
	ok "symbols: downward guest -> lib use not reported"
fi
if grep -q 'gone_fn' "$tmp/sym.out"; then
	bad "symbols: object without a source ignored"
else
	ok "symbols: object without a source ignored"
fi
if grep -q 'uses' "$tmp/sym.out" && [ "$(grep -c ' uses ' "$tmp/sym.out")" -eq 3 ]; then
	ok "symbols: exactly three edges"
else
	bad "symbols: exactly three edges:"; sed 's/^/    /' "$tmp/sym.out"
fi

echo "$pass $fail" >"$out/summary"
echo "layers-test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
