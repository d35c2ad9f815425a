// FUZZ-SOURCES: guest/load/mb_loader.c guest/load/mb_elf.c guest/load/mb_place.c guest/load/mb1_info.c guest/load/mb2_info.c guest/load/e820.c guest/load/acpi_build.c boot/multiboot2.c tests/unit/fake_guest_mem.c
/* The Multiboot and Multiboot2 kernel loaders (guest/load/mb_*.c).
 * Input: a byte choosing the guest's RAM size and which loader (either,
 * v1 only, v2 only), a byte giving the number of modules (0-7), the
 * length of each (16 bits) and of the command line (8 bits), their bytes,
 * then the kernel image.  A refused kernel must leave guest RAM untouched
 * with a reason; an accepted one must have its segments, modules and
 * boot information in guest RAM below 4 GiB, apart, and a Multiboot2
 * information block the hypervisor's own parser accepts and agrees
 * with. */
#include "boot/multiboot2.h"
#include "guest/load/mb_loader.h"
#include "lib/errno.h"
#include "tests/fuzz/loader_ram.h"

#define MAX_MODS 7

static void check_mb2_info(const struct mb_boot *b, const char *cmdline,
			   const struct mb_module *mods, unsigned nmods)
{
	struct boot_info bi;
	const char *perr = NULL;
	uint32_t total;

	memcpy(&total, ram + b->info_gpa, 4);
	FUZZ_CHECK(total == b->info_size);
	FUZZ_CHECKF(mb2_parse(ram + b->info_gpa, b->info_gpa, b->eax, &bi,
			      &perr) == 0, "%s", perr);
	FUZZ_CHECK(!strcmp(bi.cmdline, cmdline ? cmdline : ""));
	FUZZ_CHECK(bi.mmap_count == map.n);
	FUZZ_CHECK(bi.module_count == nmods);
	for (unsigned i = 0; i < nmods; i++) {
		FUZZ_CHECK(bi.modules[i].start == b->mod_gpa[i]);
		FUZZ_CHECK(bi.modules[i].end == b->mod_gpa[i] + mods[i].size);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	uint8_t pick = fz_u8(&f);
	unsigned nmods = fz_u8(&f) % (MAX_MODS + 1);
	size_t mlen[MAX_MODS], clen;
	struct mb_module mods[MAX_MODS];
	char *cmdline = NULL;
	uint8_t *img;
	struct mb_boot b;
	char err[256] = "";
	int rc;

	loader_ram_reset(pick);
	for (unsigned i = 0; i < nmods; i++)
		mlen[i] = fz_u16(&f);
	clen = fz_u8(&f);
	if (clen > f.n)
		clen = f.n;
	if (pick & 16) {
		cmdline = malloc(clen + 1);
		memcpy(cmdline, f.p, clen);
		cmdline[clen] = '\0';
	}
	f.p += clen;
	f.n -= clen;
	for (unsigned i = 0; i < nmods; i++) {
		uint8_t *m;

		if (mlen[i] > f.n)
			mlen[i] = f.n;
		m = malloc(mlen[i] ? mlen[i] : 1);
		memcpy(m, f.p, mlen[i]);
		f.p += mlen[i];
		f.n -= mlen[i];
		mods[i] = (struct mb_module){ m, mlen[i], i & 1 ? "mod" : NULL };
	}
	img = malloc(f.n ? f.n : 1);
	memcpy(img, f.p, f.n);

	struct mb_load_params p = {
		.image = img, .image_size = f.n, .cmdline = cmdline,
		.mods = mods, .nmods = nmods,
		.rsdp_gpa = (pick & 32) ? layout.acpi_base : 0,
		.map = &map, .mem = &mem,
	};
	switch ((pick >> 2) & 3) {
	case 1: rc = mb1_load(&p, &b, err, sizeof(err)); break;
	case 2: rc = mb2_load(&p, &b, err, sizeof(err)); break;
	default: rc = mb_load(&p, &b, err, sizeof(err)); break;
	}
	fuzz_log_reset();
	fuzz_note("mbloader: %s", rc ? err : b.version == 1 ? "loaded v1" : "loaded v2");
	if (rc) {
		FUZZ_CHECK(rc == -EINVAL);
		FUZZ_CHECK(err[0] != '\0');
		FUZZ_CHECKF(writes == 0, "%u writes before \"%s\"", writes, err);
	} else {
		uint64_t klen = b.kernel_end - b.kernel_start;

		FUZZ_CHECK(b.version == 1 || b.version == 2);
		FUZZ_CHECK(b.eax == (b.version == 1 ? MB1_BOOTLOADER_MAGIC :
				     MB2_BOOTLOADER_MAGIC));
		FUZZ_CHECK(b.ebx == b.info_gpa);
		FUZZ_CHECK(b.kernel_end >= b.kernel_start);
		/* Segments may leave holes between them: the ends are in RAM
		 * (mb_place.c checks each segment). */
		if (klen)
			FUZZ_CHECK(in_ram(b.kernel_start, 1) &&
				   in_ram(b.kernel_end - 1, 1));
		FUZZ_CHECK(b.info_size && in_ram(b.info_gpa, b.info_size));
		FUZZ_CHECK(b.info_gpa + b.info_size <= GUEST_4G);
		FUZZ_CHECK(disjoint(b.info_gpa, b.info_size, b.kernel_start, klen));
		for (unsigned i = 0; i < nmods; i++) {
			FUZZ_CHECK(b.mod_gpa[i] % 4096 == 0);
			FUZZ_CHECK(in_ram(b.mod_gpa[i], mods[i].size));
			FUZZ_CHECK(b.mod_gpa[i] + mods[i].size <= GUEST_4G);
			FUZZ_CHECK(disjoint(b.mod_gpa[i], mods[i].size,
					    b.kernel_start, klen));
			FUZZ_CHECK(disjoint(b.mod_gpa[i], mods[i].size,
					    b.info_gpa, b.info_size));
			FUZZ_CHECK(!memcmp(ram + b.mod_gpa[i], mods[i].data,
					   mods[i].size));
			for (unsigned j = 0; j < i; j++)
				FUZZ_CHECK(disjoint(b.mod_gpa[i], mods[i].size,
						    b.mod_gpa[j], mods[j].size));
		}
		if (b.version == 2)
			check_mb2_info(&b, cmdline, mods, nmods);
	}
	for (unsigned i = 0; i < nmods; i++)
		free((void *)mods[i].data);
	free(cmdline);
	free(img);
	return 0;
}
