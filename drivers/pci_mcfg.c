/* MCFG parsing (see drivers/pci_mcfg.h). */
#include "drivers/pci_mcfg.h"
#include "lib/errno.h"
#include "lib/printk.h"
#include "lib/string.h"

int pci_mcfg_parse(const void *tbl, size_t len, uint16_t segment,
		   struct pci_mcfg_region *out, char *err, size_t errlen)
{
	const struct acpi_header *h = tbl;
	const uint8_t *p = tbl;
	size_t n;

	if (len < MCFG_ENTRIES_OFF || h->length < MCFG_ENTRIES_OFF || h->length > len) {
		snprintf(err, errlen, "table length %zu too short or beyond its mapping", len);
		return -EINVAL;
	}
	n = (h->length - MCFG_ENTRIES_OFF) / MCFG_ENTRY_LEN;
	for (size_t i = 0; i < n; i++) {
		struct acpi_mcfg_entry e;

		memcpy(&e, p + MCFG_ENTRIES_OFF + i * MCFG_ENTRY_LEN, sizeof(e));
		if (e.segment != segment)
			continue;
		if (e.start_bus > e.end_bus || !IS_ALIGNED(e.base, MiB(1)) ||
		    e.base == 0 || e.base >= BIT(52) - MiB(256)) {
			snprintf(err, errlen, "entry %zu: base %#lx buses %02x-%02x make no sense",
				 i, (unsigned long)e.base, e.start_bus, e.end_bus);
			return -EINVAL;
		}
		out->base = e.base + ((uint64_t)e.start_bus << 20);
		out->size = (uint64_t)(e.end_bus - e.start_bus + 1) << 20;
		out->start_bus = e.start_bus;
		out->end_bus = e.end_bus;
		return 0;
	}
	snprintf(err, errlen, "no entry for segment %u", segment);
	return -EINVAL;
}
