/* Creating and running the VMs described by the boot modules. */
#ifndef BOOT_VMS_H
#define BOOT_VMS_H

#include "lib/boot_info.h"

/* Create every VM described by the boot modules, run them on all pCPUs
 * until each has ended, and report.  Returns true when every VM that
 * states an expected end (expect_exit, expect_stop) ended that way. */
bool vms_run_all(const struct boot_info *bi, uint64_t boot_tsc, unsigned ncpus);

#endif
