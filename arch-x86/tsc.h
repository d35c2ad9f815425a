#ifndef ARCH_X86_TSC_H
#define ARCH_X86_TSC_H

#include "lib/types.h"

/* Find the TSC frequency: CPUID leaf 0x15 (crystal ratio), else 0x16
 * (base MHz), else calibrate against PIT channel 2. */
void tsc_init(void);
uint64_t tsc_hz(void);
const char *tsc_source(void);
uint64_t tsc_to_us(uint64_t ticks);

#endif
