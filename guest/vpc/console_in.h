/* Console input routed to VMs (guest/vpc/console_in.c). */
#ifndef BOOT_CONSOLE_IN_H
#define BOOT_CONSOLE_IN_H

#include "guest/vm/vm.h"

/* Route input to the VMs vms[0..n-1] (slot = index); the first VM with
 * a virtual UART gets it first. */
void console_in_start(struct vm *vms, unsigned n);
void console_in_stop(void);
/* Take what was typed (boot CPU only). */
void console_in_poll(void);

#endif
