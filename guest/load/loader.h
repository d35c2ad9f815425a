/* Placing a guest image and deciding a vCPU's first state. */
#ifndef GUEST_LOADER_H
#define GUEST_LOADER_H

#include "guest/vm/vm.h"

/* Copy the image into guest RAM and, for long64 VMs, build the boot page
 * tables, GDT and start info (guest/include/hv_abi.h).  Errors are
 * printed; nothing is started. */
int loader_load(struct vm *vm, const void *image, size_t size);
void loader_initial_state(const struct vm *vm, unsigned vcpu_id,
			  struct vcpu_init_state *st);
/* Real mode at the start-up page of a SIPI (guest/load/pc_boot.c). */
void loader_sipi_state(uint8_t vector, struct vcpu_init_state *st);

#endif
