/* Structure sizes for boot/'s assembly, generated at build time like
 * arch-x86/asm-offsets.c: the entry record of boot/header.S tells a UEFI
 * loader which struct boot_info this image was built with. */
#include <stddef.h>
#include "lib/boot_info.h"

#define DEFINE(sym, val) \
	__asm__ volatile("\n.ascii \"->" #sym " %0\"" : : "i"(val))

void asm_offsets(void);
void asm_offsets(void)
{
	DEFINE(BOOT_INFO_SIZE, sizeof(struct boot_info));
}
