#!/usr/bin/env bash
# POSTCHECK of vm-hang.case: each hung VM is reported exactly once.
log=${!#}
rc=0
for vm in hang_stop hang_timer hang_null; do
	n=$(grep -c "^vm $vm: hung: no vCPU can run again" "$log")
	if [ "$n" != 1 ]; then
		echo "vm $vm reported hung $n times, expected once"
		rc=1
	fi
done
exit $rc
