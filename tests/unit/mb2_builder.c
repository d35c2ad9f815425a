/* Builds Multiboot2 information blocks for the parser tests; see
 * mb2_builder.h. */
#include <stdlib.h>

#include "tests/unit/mb2_builder.h"

struct mb mbb;
struct boot_info bi;
const char *err;

void mb_put32(uint32_t off, uint32_t v)
{
	memcpy(mbb.buf + off, &v, sizeof(v));
}

void mb_put64(uint32_t off, uint64_t v)
{
	memcpy(mbb.buf + off, &v, sizeof(v));
}

void mb_begin(void)
{
	memset(&mbb, 0, sizeof(mbb));
	mbb.len = 8;
}

uint32_t mb_tag(uint32_t type, const void *payload, uint32_t n)
{
	uint32_t off = mbb.len;

	assert_true(off + 8 + n + 8 <= sizeof(mbb.buf));
	mb_put32(off, type);
	mb_put32(off + 4, 8 + n);
	if (n)
		memcpy(mbb.buf + off + 8, payload, n);
	mbb.len = ALIGN_UP(off + 8 + n, 8u);
	return off;
}

uint32_t mb_string(uint32_t type, const char *s)
{
	return mb_tag(type, s, (uint32_t)strlen(s) + 1);
}

uint32_t mb_module(uint32_t start, uint32_t end, const char *cmdline)
{
	uint8_t p[128];
	size_t n = strlen(cmdline) + 1;

	assert_true(8 + n <= sizeof(p));
	memcpy(p, &start, 4);
	memcpy(p + 4, &end, 4);
	memcpy(p + 8, cmdline, n);
	return mb_tag(MB2_TAG_MODULE, p, (uint32_t)(8 + n));
}

uint32_t mb_mmap_n(unsigned n, uint32_t entry_size)
{
	static uint8_t p[16 + 200 * 32];
	uint32_t version = 0;

	assert_true(8 + n * entry_size <= sizeof(p));
	memset(p, 0, sizeof(p));
	memcpy(p, &entry_size, 4);
	memcpy(p + 4, &version, 4);
	for (unsigned i = 0; i < n && entry_size >= 20; i++) {
		uint64_t base = (uint64_t)i << 24, len = MiB(1);
		uint32_t type = i % 2 ? MB2_MEM_RESERVED : MB2_MEM_AVAILABLE;

		memcpy(p + 8 + i * entry_size, &base, 8);
		memcpy(p + 8 + i * entry_size + 8, &len, 8);
		memcpy(p + 8 + i * entry_size + 16, &type, 4);
	}
	return mb_tag(MB2_TAG_MMAP, p, 8 + n * entry_size);
}

uint32_t mb_mmap(void)
{
	return mb_mmap_n(4, 24);
}

uint32_t mb_rsdp(bool v2)
{
	uint8_t p[36] = "RSD PTR ";

	p[15] = v2 ? 2 : 0; /* revision */
	return mb_tag(v2 ? MB2_TAG_ACPI_NEW : MB2_TAG_ACPI_OLD, p,
		      v2 ? 36 : 20);
}

void mb_u64_tag(uint32_t type, uint64_t v)
{
	mb_tag(type, &v, 8);
}

void mb_u32_tag(uint32_t type, uint32_t v)
{
	mb_tag(type, &v, 4);
}

void mb_end(void)
{
	mb_tag(MB2_TAG_END, NULL, 0);
	mb_put32(0, mbb.len);
}

/* The copy parsed last; boot_info strings point into it, so it lives
 * until the next parse (or the end of the group). */
static void *copy;

int mb_parse_at(paddr_t pa, uint32_t magic)
{
	free(copy);
	copy = malloc(mbb.len);
	assert_non_null(copy);
	memcpy(copy, mbb.buf, mbb.len);
	err = "(not set)";
	return mb2_parse(copy, pa, magic, &bi, &err);
}

int mb_free_copy(void **state)
{
	(void)state;
	free(copy);
	copy = NULL;
	return 0;
}

int mb_parse(void)
{
	return mb_parse_at(INFO_PA, MB2_BOOTLOADER_MAGIC);
}
