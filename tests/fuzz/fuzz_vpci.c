// FUZZ-SOURCES: guest/dev/vpci.c
/* PCI configuration mechanism #1 (guest/dev/vpci.c) with the host bridge
 * and, from the input, up to three more functions whose config space is
 * a plain array, driven by a sequence of reads and writes of any size at
 * 0xcf8-0xcff.  Checked: CONFIG_ADDRESS takes only dword accesses and
 * reads back its latched bits; the 0xcf9 byte is left to the reset
 * register; function hooks see whole dwords below 256 with a nonzero
 * byte mask that matches the access; absent functions read all ones; a
 * data read is the addressed lanes of the function's dword; the host
 * bridge's identity never changes. */
#include "guest/dev/vpci.h"
#include "tests/fuzz/fuzz.h"

struct fn {
	uint32_t cfg[VPCI_CFG_SIZE / 4];
};

static struct vpci pci;
static struct fn fns[3];

static uint32_t f_read(void *ctx, unsigned reg)
{
	struct fn *fn = ctx;

	FUZZ_CHECKF(reg % 4 == 0 && reg < VPCI_CFG_SIZE, "reg %#x", reg);
	return fn->cfg[reg / 4];
}

static void f_write(void *ctx, unsigned reg, uint32_t val, uint32_t mask)
{
	struct fn *fn = ctx;

	FUZZ_CHECKF(reg % 4 == 0 && reg < VPCI_CFG_SIZE, "reg %#x", reg);
	/* Byte enables: whole lanes, at least one. */
	FUZZ_CHECK(mask != 0);
	for (unsigned i = 0; i < 4; i++)
		FUZZ_CHECKF(((mask >> (8 * i)) & 0xff) == 0 ||
			    ((mask >> (8 * i)) & 0xff) == 0xff, "mask %#x", mask);
	fn->cfg[reg / 4] = (fn->cfg[reg / 4] & ~mask) | (val & mask);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	unsigned nf = fz_u8(&f) % 4;
	uint16_t bdfs[3];

	vpci_init(&pci);
	for (unsigned i = 0; i < nf; i++) {
		struct vpci_func vf;

		bdfs[i] = fz_u16(&f);
		for (unsigned k = 0; k < VPCI_CFG_SIZE / 4; k++)
			fns[i].cfg[k] = 0x01000000u * i + k * 0x01010101u;
		vf = (struct vpci_func){ bdfs[i], &fns[i], f_read, f_write };
		(void)vpci_add_func(&pci, &vf);
	}
	while (fz_more(&f)) {
		uint8_t op = fz_u8(&f);
		uint16_t port = (uint16_t)(0xcf7 + (op & 0x0f) % 10);
		unsigned sz = 1u << ((op >> 4) & 3);
		uint32_t addr = pci.addr;
		uint32_t val;
		bool mine;

		if (op & 0x80) {
			val = fz_u32(&f);
			if (sz < 4)
				val &= (1u << (8 * sz)) - 1;
			mine = vpci_io_write(&pci, port, sz, val);
			if (port == VPCI_PORT_ADDR && sz == 4) {
				FUZZ_CHECK(mine);
				FUZZ_CHECK(pci.addr == (val & VPCI_ADDR_MASK));
			} else if (port != VPCI_PORT_ADDR) {
				FUZZ_CHECK(pci.addr == addr);
			}
		} else {
			val = 0x5a5a5a5a;
			mine = vpci_io_read(&pci, port, sz, &val);
			if (port == VPCI_PORT_ADDR && sz == 4)
				FUZZ_CHECK(mine && val == pci.addr);
			if (!mine)
				FUZZ_CHECK(val == 0x5a5a5a5a);
			else if (sz < 4)
				FUZZ_CHECK(val >> (8 * sz) == 0);
			if (mine && port >= VPCI_PORT_DATA && (addr & VPCI_ADDR_ENABLE) &&
			    port - VPCI_PORT_DATA + sz <= 4) {
				uint16_t bdf = (uint16_t)(addr >> 8);
				struct vpci_func *vf = vpci_find(&pci, bdf);
				unsigned lane = port - VPCI_PORT_DATA;
				uint32_t m = sz == 4 ? 0xffffffffu : (1u << (8 * sz)) - 1;

				if (!vf)
					FUZZ_CHECKF(val == m, "absent %#x read %#x", bdf, val);
				else if (vf->read == f_read)
					FUZZ_CHECK(val == ((f_read(vf->ctx, addr & 0xfc) >>
							    (8 * lane)) & m));
			}
		}
		if (port == VPCI_PORT_RESET && sz == 1)
			FUZZ_CHECK(!mine);
	}
	/* The host bridge is still the 82441FX. */
	vpci_io_write(&pci, VPCI_PORT_ADDR, 4, VPCI_ADDR_ENABLE);
	{
		uint32_t id = 0;

		FUZZ_CHECK(vpci_io_read(&pci, VPCI_PORT_DATA, 4, &id));
		FUZZ_CHECK(id == (VPCI_HB_VENDOR | (uint32_t)VPCI_HB_DEVICE << 16));
	}
	return 0;
}
