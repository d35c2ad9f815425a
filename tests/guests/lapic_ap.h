/* lapic_test's application processor start-up: what the real-mode
 * trampoline (lapic_ap.S) and the C side (lapic_test.c) agree on.  Plain
 * #defines for the assembler; lapic_test.c checks the ones that mirror
 * hv_abi.h with _Static_assert.
 *
 * vCPU 1 of a `platform = pc` VM starts like a real AP: it waits for
 * INIT, then SIPI with vector V starts it in real mode at CS = V << 8,
 * IP = 0, i.e. at V * 0x1000.  The trampoline page must lie below 1 MiB,
 * outside the hypervisor's long64 boot area (page tables 0x1000-0x6fff,
 * GDT 0x7000, start info 0x8000, command line 0x8100: HV_BOOT_PML4 ..
 * HV_BOOT_STACK_LOW) and below the vCPU stacks that grow down from the
 * load address (0x100000 - n * HV_VCPU_STACK).  0x8000, the classic
 * choice, is HV_BOOT_INFO, so the trampoline goes to 0x10000. */
#ifndef LAPIC_AP_H
#define LAPIC_AP_H

#define AP_SIPI_VECTOR 0x10
#define AP_TRAMP_BASE (AP_SIPI_VECTOR * 0x1000)
#define AP_TRAMP_MAX 0x1000 /* one page */

/* The trampoline's own GDT, used only between real mode and paging:
 * flat 32-bit code and data.  Long mode then runs on the hypervisor's
 * boot GDT (HV_BOOT_GDT, selectors HV_SEL_CODE64 and HV_SEL_DATA). */
#define AP_SEL_CODE32 0x08
#define AP_SEL_DATA32 0x10
#define AP_HV_SEL_CODE64 0x08 /* HV_SEL_CODE64 */
#define AP_HV_SEL_DATA 0x10   /* HV_SEL_DATA */

#define AP_MSR_EFER 0xc0000080
#define AP_STACK_SIZE 16384

#endif
