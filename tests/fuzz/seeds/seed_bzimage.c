// SEED-SOURCES: tests/unit/linux_boot_fixture.c tests/unit/fake_guest_mem.c guest/load/linux_boot.c guest/load/e820.c
/* Seeds of fuzz_bzimage: bzImages by the unit tests' builder
 * (tests/unit/linux_boot_fixture.c), after the harness's prefix (RAM
 * size pick, command line and initrd lengths and bytes; see
 * tests/fuzz/fuzz_bzimage.c). */
#include "tests/fuzz/seeds/seed_out.h"
#include "tests/unit/linux_boot_fixture.h"

static void out(const char *dir, const char *name, const struct bz *o,
		uint8_t pick, const char *cmdline, size_t initrd)
{
	uint8_t pre[5 + 256 + 64];
	size_t clen = strlen(cmdline), n, plen = 5;
	uint8_t *img = bz_make(o, &n);

	pre[0] = pick;
	pre[1] = (uint8_t)clen;
	pre[2] = 0;
	pre[3] = (uint8_t)initrd;
	pre[4] = 0;
	memcpy(pre + plen, cmdline, clen);
	plen += clen;
	for (size_t i = 0; i < initrd; i++)
		pre[plen++] = (uint8_t)(0x1f + i);
	seed_write(dir, name, pre, plen, img, n);
	free(img);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : ".";
	struct bz o = bz_default();

	out(dir, "default", &o, 3 | 4 | 8 | 16,
	    "console=ttyS0,115200 quiet mitigations=off", 48);
	o.kernel_bytes = 0x1000;
	o.relocatable = 0;
	o.pref = 0x100000;
	o.init_size = 0x200000;
	out(dir, "fixed-32m", &o, 2 | 4, "root=/dev/ram0", 0);
	o = bz_default();
	o.version = 0x020c;
	o.xloadflags = LINUX_XLF_KERNEL_64;
	o.setup_sects = 0;
	o.cmdline_size = 255;
	o.initrd_max = 0x37ffffff;
	out(dir, "proto-2.12", &o, 3 | 8, "", 16);
	return 0;
}
