// UNIT-SOURCES: efi/efi_mmap.c
/* The UEFI memory map turned into boot_info regions: type mapping, the
 * runtime attribute, sorting, merging, descriptor stride, bad maps. */
#include "efi/efi_mmap.h"
#include "tests/unit/fakes.h"

#define MAXD 300

static struct efi_mem_desc map[MAXD];
static unsigned nmap;
static struct boot_info bi;
static const char *err;

static void add(uint32_t type, uint64_t base, uint64_t pages, uint64_t attr)
{
	assert_true(nmap < MAXD);
	map[nmap++] = (struct efi_mem_desc){ .type = type, .phys_start = base,
					     .pages = pages, .attr = attr };
}

static int convert(void)
{
	memset(&bi, 0, sizeof(bi));
	err = NULL;
	return efi_mmap_convert(map, nmap * sizeof(map[0]), sizeof(map[0]), &bi, &err);
}

static void expect_region(unsigned i, uint64_t base, uint64_t len, uint32_t type)
{
	assert_true(i < bi.mmap_count);
	assert_int_equal(bi.mmap[i].base, base);
	assert_int_equal(bi.mmap[i].len, len);
	assert_int_equal(bi.mmap[i].type, type);
}

static int setup(void **state)
{
	(void)state;
	nmap = 0;
	return 0;
}

static void test_types(void **state)
{
	(void)state;
	assert_int_equal(efi_mem_type_to_boot(EFI_MT_CONVENTIONAL, 0), MEM_USABLE);
	assert_int_equal(efi_mem_type_to_boot(EFI_MT_BS_CODE, 0), MEM_USABLE);
	assert_int_equal(efi_mem_type_to_boot(EFI_MT_BS_DATA, 0), MEM_USABLE);
	assert_int_equal(efi_mem_type_to_boot(EFI_MT_LOADER_CODE, 0), MEM_USABLE);
	assert_int_equal(efi_mem_type_to_boot(EFI_MT_LOADER_DATA, 0), MEM_USABLE);
	/* What the firmware keeps is never usable. */
	assert_int_equal(efi_mem_type_to_boot(EFI_MT_RT_CODE, EFI_MEM_ATTR_RUNTIME), MEM_RESERVED);
	assert_int_equal(efi_mem_type_to_boot(EFI_MT_RT_DATA, 0), MEM_RESERVED);
	assert_int_equal(efi_mem_type_to_boot(EFI_MT_RESERVED, 0), MEM_RESERVED);
	assert_int_equal(efi_mem_type_to_boot(EFI_MT_MMIO, 0), MEM_RESERVED);
	assert_int_equal(efi_mem_type_to_boot(EFI_MT_MMIO_PORT, 0), MEM_RESERVED);
	assert_int_equal(efi_mem_type_to_boot(EFI_MT_PAL_CODE, 0), MEM_RESERVED);
	assert_int_equal(efi_mem_type_to_boot(EFI_MT_PERSISTENT, 0), MEM_RESERVED);
	assert_int_equal(efi_mem_type_to_boot(EFI_MT_UNACCEPTED, 0), MEM_RESERVED);
	assert_int_equal(efi_mem_type_to_boot(99, 0), MEM_RESERVED);
	assert_int_equal(efi_mem_type_to_boot(EFI_MT_ACPI_NVS, 0), MEM_ACPI_NVS);
	assert_int_equal(efi_mem_type_to_boot(EFI_MT_ACPI_RECLAIM, 0), MEM_ACPI_RECLAIM);
	assert_int_equal(efi_mem_type_to_boot(EFI_MT_UNUSABLE, 0), MEM_BAD);
	/* Boot-services memory the firmware marked runtime stays its own. */
	assert_int_equal(efi_mem_type_to_boot(EFI_MT_BS_DATA, EFI_MEM_ATTR_RUNTIME), MEM_RESERVED);
}

/* An OVMF-like map, out of order, with neighbours of one kind to merge. */
static void test_sort_and_merge(void **state)
{
	(void)state;
	add(EFI_MT_CONVENTIONAL, 0x100000, 0x700, 0);
	add(EFI_MT_BS_CODE, 0x0, 0xa0, 0);
	add(EFI_MT_ACPI_NVS, 0x800000, 0x8, 0);
	add(EFI_MT_LOADER_DATA, 0x808000, 0x10, 0);
	add(EFI_MT_BS_DATA, 0x818000, 0x100, 0);
	add(EFI_MT_RT_DATA, 0x918000, 0x20, EFI_MEM_ATTR_RUNTIME);
	add(EFI_MT_RT_CODE, 0x938000, 0x10, EFI_MEM_ATTR_RUNTIME);
	add(EFI_MT_MMIO, 0xffc00000, 0x400, EFI_MEM_ATTR_RUNTIME);
	add(EFI_MT_ACPI_RECLAIM, 0x948000, 0x1, 0);
	assert_int_equal(convert(), 0);
	assert_int_equal(bi.mmap_count, 7);
	expect_region(0, 0x0, 0xa0000, MEM_USABLE);
	expect_region(1, 0x100000, 0x700000, MEM_USABLE);
	expect_region(2, 0x800000, 0x8000, MEM_ACPI_NVS);
	expect_region(3, 0x808000, 0x110000, MEM_USABLE); /* loader + BS data */
	expect_region(4, 0x918000, 0x30000, MEM_RESERVED); /* RT data + code */
	expect_region(5, 0x948000, 0x1000, MEM_ACPI_RECLAIM);
	expect_region(6, 0xffc00000, 0x400000, MEM_RESERVED);
}

static void test_empty_descriptors_dropped(void **state)
{
	(void)state;
	add(EFI_MT_CONVENTIONAL, 0x100000, 0, 0);
	assert_int_equal(convert(), -1);
	assert_non_null(strstr(err, "empty"));
	add(EFI_MT_CONVENTIONAL, 0x200000, 1, 0);
	assert_int_equal(convert(), 0);
	assert_int_equal(bi.mmap_count, 1);
	expect_region(0, 0x200000, 0x1000, MEM_USABLE);
}

/* Firmware may space descriptors wider than the spec's structure. */
static void test_descriptor_stride(void **state)
{
	uint8_t raw[3 * 48];

	(void)state;
	memset(raw, 0xee, sizeof(raw));
	for (unsigned i = 0; i < 3; i++) {
		struct efi_mem_desc d = { .type = i == 1 ? EFI_MT_ACPI_NVS : EFI_MT_CONVENTIONAL,
					  .phys_start = 0x100000 * (i + 1), .pages = 0x100 };

		memcpy(raw + 48 * i, &d, sizeof(d));
	}
	memset(&bi, 0, sizeof(bi));
	assert_int_equal(efi_mmap_convert(raw, sizeof(raw), 48, &bi, &err), 0);
	assert_int_equal(bi.mmap_count, 3);
	expect_region(1, 0x200000, 0x100000, MEM_ACPI_NVS);
	assert_int_equal(efi_mmap_convert(raw, sizeof(raw), 24, &bi, &err), -1);
	assert_non_null(strstr(err, "descriptor size"));
}

static void test_bad_ranges(void **state)
{
	(void)state;
	add(EFI_MT_CONVENTIONAL, 0x100800, 1, 0);
	assert_int_equal(convert(), -1);
	assert_non_null(strstr(err, "4 KiB"));
	nmap = 0;
	add(EFI_MT_CONVENTIONAL, 0xfffffffffffff000ULL, 2, 0);
	assert_int_equal(convert(), -1);
	assert_non_null(strstr(err, "wraps"));
}

/* 200 descriptors of alternating type cannot fit 128 regions; 200 of one
 * kind, adjacent, merge to one. */
static void test_too_fragmented(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 200; i++)
		add(i & 1 ? EFI_MT_ACPI_NVS : EFI_MT_CONVENTIONAL, 0x100000 + i * 0x1000ULL, 1, 0);
	assert_int_equal(convert(), -1);
	assert_non_null(strstr(err, "more than 128"));
	nmap = 0;
	for (unsigned i = 0; i < 200; i++)
		add(i & 1 ? EFI_MT_BS_DATA : EFI_MT_CONVENTIONAL, 0x100000 + i * 0x1000ULL, 1, 0);
	assert_int_equal(convert(), 0);
	assert_int_equal(bi.mmap_count, 1);
	expect_region(0, 0x100000, 200 * 0x1000, MEM_USABLE);
}

/* Overlaps of one type merge; of different types both stay (the frame
 * allocator lets the non-usable one win). */
static void test_overlaps(void **state)
{
	(void)state;
	add(EFI_MT_CONVENTIONAL, 0x100000, 0x10, 0);
	add(EFI_MT_CONVENTIONAL, 0x104000, 0x20, 0);
	add(EFI_MT_RESERVED, 0x110000, 0x4, 0);
	assert_int_equal(convert(), 0);
	assert_int_equal(bi.mmap_count, 2);
	expect_region(0, 0x100000, 0x24000, MEM_USABLE);
	expect_region(1, 0x110000, 0x4000, MEM_RESERVED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_types, setup),
		cmocka_unit_test_setup(test_sort_and_merge, setup),
		cmocka_unit_test_setup(test_empty_descriptors_dropped, setup),
		cmocka_unit_test_setup(test_descriptor_stride, setup),
		cmocka_unit_test_setup(test_bad_ranges, setup),
		cmocka_unit_test_setup(test_too_fragmented, setup),
		cmocka_unit_test_setup(test_overlaps, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
