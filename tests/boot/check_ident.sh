#!/usr/bin/env bash
# check_ident.sh LOG: the post-check of vm-dma-identity.case.  The host
# range the hypervisor set aside for [vm ident] (its boot-report line) must
# be where the guest's kernel found its RAM above the first MiB (the
# "iomem ... : System RAM" lines of tests/linux/init), and the EPT check
# must have walked addresses inside it, before and after the guest's reset
# with the same result, and both boots must have found the same RAM.
set -uo pipefail
log=$1
range=$(sed -n -E 's/.*vm ident: dma = identity: host-physical \[0x([0-9a-f]+), 0x([0-9a-f]+)\) set aside.*/\1 \2/p' "$log" | head -n 1)
read -r start end <<<"$range"
[ -n "${start:-}" ] || { echo "check_ident: no 'set aside' line"; exit 1; }
start=$((16#$start)) end=$((16#$end))
# The guest's RAM ranges above 1 MiB (inclusive ends, hex).
ram=$(sed -n -E 's/^\[ident\] LINUXTEST: iomem ([0-9a-f]+)-([0-9a-f]+) : System RAM.*/\1 \2/p' "$log")
[ -n "$ram" ] || { echo "check_ident: the guest printed no System RAM lines"; exit 1; }
bad=0 seen=0
while read -r a b; do
	a=$((16#$a)) b=$((16#$b + 1))
	[ "$a" -lt $((0x100000)) ] && continue
	seen=1
	if [ "$a" -lt "$start" ] || [ "$b" -gt "$end" ]; then
		printf 'check_ident: guest RAM [%#x, %#x) lies outside the host range [%#x, %#x)\n' "$a" "$b" "$start" "$end"
		bad=1
	fi
done <<<"$ram"
[ "$seen" = 1 ] || { echo "check_ident: the guest has no RAM above 1 MiB"; exit 1; }
first=$(awk '{ print $1 }' <<<"$ram" | while read -r a; do [ $((16#$a)) -ge $((0x100000)) ] && echo "$a" && break; done)
if [ $((16#$first)) -ne "$start" ]; then
	printf 'check_ident: the guest RAM above 1 MiB starts at %#x, not at the host range %#x\n' $((16#$first)) "$start"
	bad=1
fi
ept=$(grep -a -E 'vm ident: dma = identity: EPT maps GPA' "$log" | head -n 1)
for a in $(grep -o -E 'GPA 0x[0-9a-f]+|, 0x[0-9a-f]+ ->' <<<"$ept" | grep -o -E '0x[0-9a-f]+'); do
	if [ $((a)) -lt "$start" ] || [ $((a)) -ge "$end" ]; then
		echo "check_ident: EPT sample $a outside the range"
		bad=1
	fi
done
# A reset keeps the placement: every EPT check and both boots' RAM agree.
if [ "$(grep -a -c -E 'vm ident: dma = identity: EPT maps GPA' "$log")" -lt 2 ]; then
	echo "check_ident: no EPT check after the reset"
	bad=1
elif [ "$(grep -a -E 'vm ident: dma = identity: EPT maps GPA' "$log" | sort -u | wc -l)" != 1 ]; then
	echo "check_ident: the EPT checks before and after the reset differ"
	bad=1
fi
boots=$(grep -a -c -E '^\[ident\] LINUXTEST: iomem 00001000' "$log")
if [ "$boots" -ne 2 ] || [ $((2 * $(sort -u <<<"$ram" | wc -l))) -ne "$(wc -l <<<"$ram")" ]; then
	echo "check_ident: the two boots' RAM ranges differ (or there were not two boots)"
	bad=1
fi
[ "$bad" = 0 ] && printf 'check_ident: guest RAM above 1 MiB = host [%#x, %#x), GPA == HPA\n' "$start" "$end"
exit $bad
