// SEED-SOURCES: tests/unit/mb_loader_fixture.c tests/unit/fake_guest_mem.c guest/load/mb_loader.c guest/load/mb_elf.c guest/load/mb_place.c guest/load/mb1_info.c guest/load/mb2_info.c guest/load/e820.c guest/load/acpi_build.c boot/multiboot2.c arch-x86/acpi.c arch-x86/acpi_madt.c arch-x86/acpi_fadt.c
/* Seeds of fuzz_mbloader: Multiboot and Multiboot2 kernels by the unit
 * tests' image builder (tests/unit/mb_loader_fixture.c), after the
 * harness's prefix (RAM and loader pick, modules and command line; see
 * tests/fuzz/fuzz_mbloader.c). */
#include "tests/fuzz/seeds/seed_out.h"
#include "tests/unit/mb_loader_fixture.h"

static void out(const char *dir, const char *name, uint8_t pick,
		unsigned nm, const char *cl)
{
	uint8_t pre[2 + 2 * 7 + 1 + 256 + 7 * 64];
	size_t plen = 0, clen = strlen(cl);

	pre[plen++] = pick;
	pre[plen++] = (uint8_t)nm;
	for (unsigned i = 0; i < nm; i++) {
		pre[plen++] = (uint8_t)(16 * (i + 1));
		pre[plen++] = 0;
	}
	pre[plen++] = (uint8_t)clen;
	memcpy(pre + plen, cl, clen);
	plen += clen;
	for (unsigned i = 0; i < nm; i++)
		for (unsigned k = 0; k < 16 * (i + 1); k++)
			pre[plen++] = (uint8_t)(i * 37 + k);
	seed_write(dir, name, pre, plen, ib, ilen);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : ".";
	static const uint32_t entry[] = { 0x100010 };
	static const uint32_t info_req[] = { 1, 3, 6, 14, 15 };

	/* ELF32 with a Multiboot header asking for page alignment and
	 * memory information. */
	elf(1, 3, 0x100000, two_segs, 2);
	mb1_header(MB_HDR_OFF, BIT(0) | BIT(1));
	out(dir, "mb1-elf32", 1 | 16, 2, "console=com1");
	/* The a.out kludge: the header gives the load range. */
	img_reset();
	mb1_aout(0, 0x100000, 0x100000, 0x101000, 0x102000, 0x100020);
	wr(0x1000 - 4, 4, 0xf4f4f4f4);
	out(dir, "mb1-aout", 2 | (1 << 2), 0, "");
	/* ELF64 with a Multiboot2 header: entry address and information
	 * request tags. */
	elf(2, 62, 0x100000, two_segs, 2);
	mb2_begin(MB_HDR_OFF);
	mb2_tag(MB2_HDR_TAG_ENTRY, 0, entry, 1);
	mb2_tag(1, 0, info_req, 5);
	mb2_end();
	out(dir, "mb2-elf64", 3 | (2 << 2) | 16, 3, "root=/dev/ram0 quiet");
	return 0;
}
