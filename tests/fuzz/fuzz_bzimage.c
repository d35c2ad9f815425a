// FUZZ-SOURCES: guest/load/linux_boot.c guest/load/e820.c tests/unit/fake_guest_mem.c
/* The Linux bzImage loader (guest/load/linux_boot.c).  Input: a byte
 * choosing the guest's RAM size, the lengths of a command line and an
 * initrd (16 bits each), their bytes, then the image.  A refused image
 * must leave guest RAM untouched with a reason; an accepted one must have
 * everything it placed in guest RAM, apart, and the entry state the boot
 * protocol asks for. */
#include "guest/load/linux_boot.h"
#include "lib/errno.h"
#include "tests/fuzz/loader_ram.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	uint8_t pick = fz_u8(&f);
	size_t clen = fz_u16(&f), ilen = fz_u16(&f);
	char *cmdline = NULL;
	uint8_t *initrd, *img;
	struct linux_boot lb;
	char err[256] = "";
	int rc;

	loader_ram_reset(pick);
	if (clen > f.n)
		clen = f.n;
	if (pick & 4) {
		cmdline = malloc(clen + 1);
		memcpy(cmdline, f.p, clen);
		cmdline[clen] = '\0';
		f.p += clen;
		f.n -= clen;
	}
	if (ilen > f.n)
		ilen = f.n;
	initrd = malloc(ilen ? ilen : 1);
	memcpy(initrd, f.p, ilen);
	f.p += ilen;
	f.n -= ilen;
	img = malloc(f.n ? f.n : 1);
	memcpy(img, f.p, f.n);

	struct linux_load_params p = {
		.kernel = img, .kernel_size = f.n,
		.initrd = (pick & 8) ? initrd : NULL, .initrd_size = ilen,
		.cmdline = cmdline, .rsdp_gpa = (pick & 16) ? 0xe0000 : 0,
		.map = &map, .mem = &mem,
	};
	rc = linux_load(&p, &lb, err, sizeof(err));
	fuzz_log_reset();
	fuzz_note("bzimage: %s", rc ? err : "loaded");
	if (rc) {
		FUZZ_CHECK(rc == -EINVAL);
		FUZZ_CHECK(err[0] != '\0');
		FUZZ_CHECKF(writes == 0, "%u writes before \"%s\"", writes, err);
	} else {
		uint64_t ksize = lb.kernel_end - lb.kernel_gpa;
		uint64_t csize = cmdline ? strlen(cmdline) + 1 : 1;

		FUZZ_CHECK(lb.kernel_end > lb.kernel_gpa);
		FUZZ_CHECK(in_ram(lb.kernel_gpa, ksize));
		FUZZ_CHECK(lb.kernel_gpa >= LINUX_BOOT_AREA_END);
		FUZZ_CHECK(lb.rip == lb.kernel_gpa + LINUX_ENTRY_64_OFFSET);
		FUZZ_CHECK(lb.rsi == lb.boot_params_gpa);
		FUZZ_CHECK(in_ram(lb.boot_params_gpa, 4096));
		FUZZ_CHECK(in_ram(lb.cmdline_gpa, csize));
		FUZZ_CHECK(lb.ident_map_end >= lb.ident_needed);
		if (lb.initrd_gpa) {
			FUZZ_CHECK(p.initrd && lb.initrd_size == ilen);
			FUZZ_CHECK(in_ram(lb.initrd_gpa, lb.initrd_size));
			FUZZ_CHECK(disjoint(lb.initrd_gpa, lb.initrd_size,
					    lb.kernel_gpa, ksize));
			FUZZ_CHECK(lb.initrd_gpa >= LINUX_BOOT_AREA_END);
			FUZZ_CHECK(lb.initrd_gpa + lb.initrd_size <= lb.ident_needed);
			FUZZ_CHECK(!memcmp(ram + lb.initrd_gpa, initrd, ilen));
		}
		if (lb.img.relocatable && lb.img.kernel_alignment)
			FUZZ_CHECK(lb.kernel_gpa % lb.img.kernel_alignment == 0);
	}
	free(cmdline);
	free(initrd);
	free(img);
	return 0;
}
