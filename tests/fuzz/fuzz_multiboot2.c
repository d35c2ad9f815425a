// FUZZ-SOURCES: boot/multiboot2.c
/* The Multiboot2 boot information parser (boot/multiboot2.c): the input
 * is the information block the loader hands over, in a heap block of
 * exactly its size.  On success every string the result points to must be
 * a NUL-terminated string inside the block, the RSDP copy must lie inside
 * it, and the counts must be within their arrays; on failure there must
 * be a message. */
#include "boot/multiboot2.h"
#include "lib/errno.h"
#include "tests/fuzz/fuzz.h"

#define INFO_PA 0x10000ull

static void check_string(const uint8_t *b, size_t size, const char *s)
{
	uintptr_t v = (uintptr_t)s, base = (uintptr_t)b;

	FUZZ_CHECK(s);
	if (!*s)
		return; /* "" may be the parser's own literal */
	FUZZ_CHECK(v >= base && v < base + size);
	FUZZ_CHECK(memchr(s, '\0', base + size - v) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct boot_info bi;
	const char *err = NULL;
	uint32_t total = 0;
	size_t avail = size;
	uint8_t *b;
	int rc;

	/* The parser trusts the loader for the 8 bytes of the fixed part
	 * and, once it has checked total_size (at most 1 MiB), for that many
	 * bytes: there is memory behind them, zeros here. */
	memcpy(&total, data, size < 4 ? size : 4);
	if (avail < 8)
		avail = 8;
	if (total > avail && total <= MiB(1))
		avail = total;
	/* malloc's blocks are 8-byte aligned, as the loader places it. */
	b = calloc(1, avail);
	memcpy(b, data, size);
	size = avail;
	memset(&bi, 0xa5, sizeof(bi));
	rc = mb2_parse(b, INFO_PA, MB2_BOOTLOADER_MAGIC, &bi, &err);
	fuzz_log_reset();
	fuzz_note("multiboot2: %s", rc ? err : "parsed");
	if (rc) {
		FUZZ_CHECK(rc == -EINVAL);
		FUZZ_CHECK(err && strstr(err, "multiboot2: "));
		free(b);
		return 0;
	}
	FUZZ_CHECK(bi.info_start == INFO_PA);
	FUZZ_CHECK(bi.info_end > bi.info_start &&
		   bi.info_end - bi.info_start <= size);
	check_string(b, size, bi.cmdline);
	check_string(b, size, bi.loader_name);
	FUZZ_CHECK(bi.mmap_count <= BOOT_MAX_MMAP);
	FUZZ_CHECK(bi.module_count <= BOOT_MAX_MODULES);
	for (unsigned i = 0; i < bi.module_count; i++) {
		const struct boot_module *m = &bi.modules[i];

		check_string(b, size, m->cmdline);
		FUZZ_CHECK(m->start <= m->end);
		/* A module never overlaps the information block. */
		FUZZ_CHECK(m->end <= bi.info_start || m->start >= bi.info_end ||
			   m->start == m->end);
	}
	if (bi.rsdp) {
		FUZZ_CHECK(bi.rsdp >= bi.info_start && bi.rsdp_len &&
			   bi.rsdp + bi.rsdp_len <= bi.info_end);
	}
	free(b);
	return 0;
}
