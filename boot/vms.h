/* Creating and running the VMs described by the boot modules. */
#ifndef BOOT_VMS_H
#define BOOT_VMS_H

#include "boot/boot_info.h"

/* Returns true when every VM that states an expected exit code ended with
 * it and no VM description had errors that the run was told to expect. */
bool vms_run_all(const struct boot_info *bi, uint64_t boot_tsc);

#endif
