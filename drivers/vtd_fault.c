/* Names of VT-d fault reasons (VT-d spec 4.1, 7.1.3, table 26 for DMA
 * remapping in legacy mode and 7.1.4 for interrupt remapping). */
#include "drivers/vtd_hw.h"

static const char *const dma_reasons[] = {
	[0x1] = "root entry not present",
	[0x2] = "context entry not present",
	[0x3] = "invalid context entry",
	[0x4] = "address beyond the domain's width",
	[0x5] = "write not allowed by the page tables",
	[0x6] = "read not allowed by the page tables",
	[0x7] = "invalid next-level table address",
	[0x8] = "root table address invalid",
	[0x9] = "context table pointer invalid",
	[0xa] = "reserved bit in a root entry",
	[0xb] = "reserved bit in a context entry",
	[0xc] = "reserved bit in a page-table entry",
	[0xd] = "translation type blocked by the context entry",
};

static const char *const intr_reasons[] = {
	[0x0] = "reserved field in the interrupt request",
	[0x1] = "interrupt index beyond the table",
	[0x2] = "interrupt table entry not present",
	[0x3] = "interrupt table not readable",
	[0x4] = "reserved bit in an interrupt table entry",
	[0x5] = "compatibility-format interrupt blocked",
	[0x6] = "source id does not match the entry",
	[0x7] = "posted entry not readable",
	[0x8] = "posted descriptor not readable",
};

const char *vtd_fault_reason(unsigned reason)
{
	const char *r = NULL;

	if (reason < sizeof(dma_reasons) / sizeof(dma_reasons[0]))
		r = dma_reasons[reason];
	else if (reason >= 0x20 &&
		 reason - 0x20 < sizeof(intr_reasons) / sizeof(intr_reasons[0]))
		r = intr_reasons[reason - 0x20];
	return r ? r : "unknown reason";
}
