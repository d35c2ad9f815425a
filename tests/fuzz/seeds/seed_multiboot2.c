// SEED-SOURCES: tests/unit/mb2_builder.c boot/multiboot2.c
/* Seeds of fuzz_multiboot2: information blocks as GRUB gives them, built
 * by the unit tests' builder (tests/unit/mb2_builder.c). */
#include "tests/fuzz/seeds/seed_out.h"
#include "tests/unit/mb2_builder.h"

static void out(const char *dir, const char *name)
{
	seed_write(dir, name, "", 0, mbb.buf, mbb.len);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : ".";

	mb_begin();
	mb_string(MB2_TAG_CMDLINE, "loglevel=info onexit=poweroff sched=fair");
	mb_string(MB2_TAG_LOADER_NAME, "GRUB 2.06-13+deb12u2");
	mb_module(0x200000, 0x201000, "demo.vms");
	mb_module(0x202000, 0x210000, "demo1.bin");
	mb_mmap();
	mb_rsdp(false);
	mb_end();
	out(dir, "grub-bios");

	mb_begin();
	mb_string(MB2_TAG_CMDLINE, "");
	mb_mmap_n(12, 24);
	mb_rsdp(true);
	mb_rsdp(false);
	mb_u64_tag(MB2_TAG_EFI64, 0x7f000000);
	mb_u64_tag(MB2_TAG_EFI64_IH, 0x7e000000);
	mb_u32_tag(MB2_TAG_LOAD_BASE, 0x200000);
	mb_end();
	out(dir, "grub-uefi");

	mb_begin();
	mb_end();
	out(dir, "empty");
	return 0;
}
