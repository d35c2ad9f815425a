// FUZZ-SOURCES: drivers/pci_mcfg.c
/* The MCFG parser (drivers/pci_mcfg.c): where ECAM is, from a firmware
 * table.  Input: a segment, then the table (length fixed up to the bytes
 * given unless the first byte's low bit says otherwise).  An accepted
 * window must be one the hypervisor can map: 1 MiB per bus, aligned,
 * below 4 PiB, buses in order. */
#include "drivers/pci_mcfg.h"
#include "lib/errno.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	uint8_t flags = fz_u8(&f);
	uint16_t segment = fz_u16(&f);
	struct pci_mcfg_region m;
	char err[128];
	size_t len = f.n;
	uint8_t *tbl = malloc(len ? len : 1);
	int r;

	memcpy(tbl, f.p, len);
	if (!(flags & 1) && len >= sizeof(struct acpi_header))
		((struct acpi_header *)tbl)->length = (uint32_t)len;
	memset(&m, 0xa5, sizeof(m));
	memset(err, 'x', sizeof(err));
	r = pci_mcfg_parse(tbl, len, segment, &m, err, sizeof(err));
	FUZZ_CHECK(r == 0 || r == -EINVAL);
	if (r == 0) {
		FUZZ_CHECK(m.start_bus <= m.end_bus);
		FUZZ_CHECK(m.base && !(m.base & (MiB(1) - 1)));
		FUZZ_CHECK(m.size == (uint64_t)(m.end_bus - m.start_bus + 1) << 20);
		FUZZ_CHECKF(m.base + m.size > m.base && m.base + m.size <= BIT(52),
			    "window %#lx + %#lx", (unsigned long)m.base,
			    (unsigned long)m.size);
	} else {
		FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL);
	}
	fuzz_log_reset();
	free(tbl);
	return 0;
}
