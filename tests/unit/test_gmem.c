// UNIT-SOURCES: mm/gmem.c mm/ept.c mm/pt.c mm/frame.c mm/range.c
/* Guest memory maps and checked copies, backed by fake RAM. */
#include "mm/gmem.h"
#include "lib/errno.h"
#include "mm/frame.h"
#include "tests/unit/fakes.h"

#define FAKE_BASE MiB(1)
#define FAKE_SIZE MiB(16)

#define TOP_GPA (0ull - KiB(12)) /* RAM [2^64 - 12K, 2^64 - 4K) */

static struct gmem_map map;
static struct gmem_chunk chunks_a[3];
static paddr_t hpa_b, hpa_c, hpa_rom, hpa_top;

static paddr_t backing(size_t bytes)
{
	paddr_t pa = frame_zalloc_contig(bytes / PAGE_SIZE, 0);

	assert_int_not_equal(pa, 0);
	return pa;
}

static void add(gpa_t gpa, uint64_t size, enum gmem_type type, paddr_t hpa,
		const struct gmem_chunk *chunks, unsigned nchunks)
{
	struct gmem_region r = {
		.gpa = gpa, .size = size, .type = type, .hpa = hpa,
		.chunks = chunks, .nchunks = nchunks,
	};

	assert_int_equal(gmem_add(&map, &r), 0);
}

/* A: RAM [0, 64K) on three chunks (16K, 16K, 32K) placed out of order
 * B: RAM [64K, 128K) contiguous, touching A
 *    gap [128K, 192K)
 * C: RAM [192K, 256K), then ROM [256K, 260K) touching it
 *    MMIO [0xfee00000, +4K) emulated
 * TOP: RAM [2^64 - 12K, 2^64 - 4K) */
static int setup(void **state)
{
	static struct boot_info bi;
	const struct phys_range image = { MiB(1), MiB(2) };
	paddr_t a = 0;

	(void)state;
	fake_phys_init(FAKE_BASE, FAKE_SIZE);
	memset(&bi, 0, sizeof(bi));
	bi.mmap[0] = (struct mem_region){ FAKE_BASE, FAKE_SIZE, MEM_USABLE };
	bi.mmap_count = 1;
	assert_int_equal(frame_init(&bi, image, NULL, 0), 0);

	a = backing(KiB(128));
	chunks_a[0] = (struct gmem_chunk){ a + KiB(96), KiB(16) };
	chunks_a[1] = (struct gmem_chunk){ a + KiB(32), KiB(16) };
	chunks_a[2] = (struct gmem_chunk){ a + KiB(56), KiB(32) };
	hpa_b = backing(KiB(64));
	hpa_c = backing(KiB(64));
	hpa_rom = backing(KiB(4));
	hpa_top = backing(KiB(8));

	gmem_init(&map);
	/* Added out of order on purpose. */
	add(KiB(192), KiB(64), GMEM_RAM, hpa_c, NULL, 0);
	add(TOP_GPA, KiB(8), GMEM_RAM, hpa_top, NULL, 0);
	add(0, KiB(64), GMEM_RAM, 0, chunks_a, 3);
	add(0xfee00000, KiB(4), GMEM_MMIO, 0, NULL, 0);
	add(KiB(64), KiB(64), GMEM_RAM, hpa_b, NULL, 0);
	add(KiB(256), KiB(4), GMEM_ROM, hpa_rom, NULL, 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_phys_fini();
	return 0;
}

/* Where a guest byte lives in the fake host RAM, computed independently
 * of gmem.c from the layout above. */
static uint8_t *host_byte(gpa_t gpa)
{
	if (gpa < KiB(64)) {
		for (unsigned i = 0; i < 3; i++) {
			if (gpa < chunks_a[i].size)
				return phys_to_virt(chunks_a[i].hpa + gpa);
			gpa -= chunks_a[i].size;
		}
	}
	if (gpa < KiB(128))
		return phys_to_virt(hpa_b + gpa - KiB(64));
	if (gpa >= KiB(192) && gpa < KiB(256))
		return phys_to_virt(hpa_c + gpa - KiB(192));
	if (gpa >= TOP_GPA)
		return phys_to_virt(hpa_top + gpa - TOP_GPA);
	fail_msg("host_byte(0x%llx): not RAM", (unsigned long long)gpa);
	return NULL;
}

static void test_regions_sorted_and_validated(void **state)
{
	struct gmem_chunk bad_chunks[2] = { { MiB(4), KiB(4) }, { MiB(8), KiB(8) } };
	struct gmem_region r = { .gpa = MiB(1), .size = KiB(8), .type = GMEM_RAM,
				 .hpa = MiB(4) };

	(void)state;
	assert_int_equal(map.count, 6);
	for (unsigned i = 1; i < map.count; i++)
		assert_true(map.region[i - 1].gpa < map.region[i].gpa);
	assert_int_equal(gmem_find(&map, KiB(70))->gpa, KiB(64));
	assert_null(gmem_find(&map, KiB(130)));
	assert_int_equal(gmem_find(&map, 0xfee00fff)->type, GMEM_MMIO);

	r.gpa = KiB(124);
	assert_int_equal(gmem_add(&map, &r), -EEXIST); /* tail of B */
	r.gpa = KiB(188);
	assert_int_equal(gmem_add(&map, &r), -EEXIST); /* runs into C */
	r.gpa = MiB(1) + 1;
	assert_int_equal(gmem_add(&map, &r), -EINVAL);
	r.gpa = MiB(1);
	r.size = 0;
	assert_int_equal(gmem_add(&map, &r), -EINVAL);
	r.size = KiB(8);
	r.hpa = 0; /* RAM needs backing */
	assert_int_equal(gmem_add(&map, &r), -EINVAL);
	r.hpa = MiB(4) + 8;
	assert_int_equal(gmem_add(&map, &r), -EINVAL);
	r.hpa = MiB(4);
	r.type = 7;
	assert_int_equal(gmem_add(&map, &r), -EINVAL);
	r.type = GMEM_RAM;
	r.gpa = 0ull - KiB(4); /* would contain the last byte: wraps */
	r.size = KiB(4);
	assert_int_equal(gmem_add(&map, &r), -EINVAL);
	r.gpa = MiB(1);
	r.hpa = 0;
	r.chunks = bad_chunks;
	r.nchunks = 2;
	r.size = KiB(8); /* chunks add up to 12K */
	assert_int_equal(gmem_add(&map, &r), -EINVAL);
	r.size = KiB(16);
	assert_int_equal(gmem_add(&map, &r), -EINVAL);
	bad_chunks[1].size = KiB(4);
	bad_chunks[1].hpa = MiB(8) + 16;
	r.size = KiB(8);
	assert_int_equal(gmem_add(&map, &r), -EINVAL);
	bad_chunks[1].hpa = MiB(8);
	assert_int_equal(gmem_add(&map, &r), 0);
	assert_int_equal(map.count, 7);

	/* Full. */
	r.chunks = NULL;
	r.nchunks = 0;
	r.hpa = MiB(4);
	r.size = KiB(4);
	for (unsigned i = 0; map.count < GMEM_MAX_REGIONS; i++) {
		r.gpa = GiB(1) + i * KiB(8);
		assert_int_equal(gmem_add(&map, &r), 0);
	}
	r.gpa = GiB(2);
	assert_int_equal(gmem_add(&map, &r), -ENOSPC);
}

static void test_range_ok(void **state)
{
	(void)state;
	assert_true(gmem_range_ok(&map, 0, 1));
	assert_true(gmem_range_ok(&map, 0, KiB(64)));
	assert_true(gmem_range_ok(&map, KiB(60), KiB(8)));  /* A into B */
	assert_true(gmem_range_ok(&map, 0, KiB(128)));      /* all of A+B */
	assert_true(gmem_range_ok(&map, KiB(128) - 1, 1));
	assert_false(gmem_range_ok(&map, KiB(128) - 1, 2)); /* into the gap */
	assert_false(gmem_range_ok(&map, KiB(128), 1));
	assert_false(gmem_range_ok(&map, KiB(100), KiB(100))); /* over the gap */
	assert_false(gmem_range_ok(&map, KiB(191), 2));
	assert_true(gmem_range_ok(&map, KiB(192), KiB(64)));
	assert_false(gmem_range_ok(&map, KiB(192), KiB(64) + 1)); /* into ROM */
	assert_false(gmem_range_ok(&map, KiB(256), 1));     /* ROM */
	assert_false(gmem_range_ok(&map, 0xfee00000, 4));   /* MMIO */
	assert_false(gmem_range_ok(&map, GiB(1), 1));
	/* The top of the address space. */
	assert_true(gmem_range_ok(&map, TOP_GPA, KiB(8)));
	assert_true(gmem_range_ok(&map, 0ull - KiB(4) - 1, 1));
	assert_false(gmem_range_ok(&map, TOP_GPA, KiB(8) + 1));
	assert_false(gmem_range_ok(&map, TOP_GPA, KiB(12))); /* ends at 2^64 */
	assert_false(gmem_range_ok(&map, UINT64_MAX, 1));
	assert_false(gmem_range_ok(&map, UINT64_MAX, 2));   /* wraps to 0 */
	assert_false(gmem_range_ok(&map, TOP_GPA, UINT64_MAX));
	assert_false(gmem_range_ok(&map, 0, UINT64_MAX));
	/* Zero length: valid anywhere. */
	assert_true(gmem_range_ok(&map, KiB(130), 0));
	assert_true(gmem_range_ok(&map, UINT64_MAX, 0));
}

/* One copy crossing pages, all three chunks of A and the A/B boundary. */
static void test_copy_across_chunks_and_regions(void **state)
{
	enum { START = KiB(8) + 3, LEN = KiB(100) };
	static uint8_t out[LEN], in[LEN];

	(void)state;
	for (size_t i = 0; i < LEN; i++)
		out[i] = (uint8_t)(i * 7 + 1);
	assert_int_equal(gmem_copy_to_guest(&map, START, out, LEN), 0);
	for (size_t i = 0; i < LEN; i++)
		assert_int_equal(*host_byte(START + i), out[i]);
	/* Nothing before or after was touched. */
	assert_int_equal(*host_byte(START - 1), 0);
	assert_int_equal(*host_byte(START + LEN), 0);
	assert_int_equal(gmem_copy_from_guest(&map, in, START, LEN), 0);
	assert_memory_equal(in, out, LEN);

	/* A small copy over a page boundary inside one chunk, and one over
	 * a chunk boundary. */
	assert_int_equal(gmem_copy_to_guest(&map, KiB(36) - 2, "abcd", 4), 0);
	assert_int_equal(*host_byte(KiB(36) - 2), 'a');
	assert_int_equal(*host_byte(KiB(36) + 1), 'd');
	assert_int_equal(gmem_copy_to_guest(&map, KiB(16) - 1, "xy", 2), 0);
	assert_int_equal(*(uint8_t *)phys_to_virt(chunks_a[0].hpa + KiB(16) - 1),
			 'x');
	assert_int_equal(*(uint8_t *)phys_to_virt(chunks_a[1].hpa), 'y');

	/* The last RAM bytes below 2^64. */
	assert_int_equal(gmem_copy_to_guest(&map, 0ull - KiB(4) - 2, "zz", 2), 0);
	assert_int_equal(*(uint8_t *)phys_to_virt(hpa_top + KiB(8) - 1), 'z');
	assert_int_equal(gmem_copy_from_guest(&map, in, TOP_GPA, KiB(8)), 0);
	assert_int_equal(in[KiB(8) - 2], 'z');
}

/* Anything not entirely RAM: an error, and not a byte copied. */
static void test_copy_refused_outside_ram(void **state)
{
	static uint8_t buf[KiB(8)];

	(void)state;
	memset(buf, 0x5a, sizeof(buf));
	memset(host_byte(KiB(127)), 0x11, KiB(1));
	assert_int_equal(gmem_copy_to_guest(&map, KiB(127), buf, KiB(2)),
			 -EFAULT);
	assert_int_equal(*host_byte(KiB(127)), 0x11);
	assert_int_equal(*host_byte(KiB(128) - 1), 0x11);
	assert_int_equal(gmem_copy_from_guest(&map, buf, KiB(127), KiB(2)),
			 -EFAULT);
	assert_int_equal(buf[0], 0x5a);

	*(uint8_t *)phys_to_virt(hpa_rom) = 0x22;
	assert_int_equal(gmem_copy_to_guest(&map, KiB(256), buf, 1), -EFAULT);
	assert_int_equal(gmem_copy_from_guest(&map, buf, KiB(256), 1), -EFAULT);
	assert_int_equal(*(uint8_t *)phys_to_virt(hpa_rom), 0x22);
	assert_int_equal(gmem_copy_to_guest(&map, KiB(255), buf, KiB(2)),
			 -EFAULT);
	assert_int_equal(*host_byte(KiB(255)), 0);
	assert_int_equal(gmem_copy_from_guest(&map, buf, 0xfee00000, 4),
			 -EFAULT);
	assert_int_equal(gmem_copy_from_guest(&map, buf, GiB(3), 4), -EFAULT);
	assert_int_equal(gmem_copy_to_guest(&map, UINT64_MAX, buf, 2), -EFAULT);
	assert_int_equal(gmem_copy_to_guest(&map, TOP_GPA + 1, buf, KiB(8)),
			 -EFAULT);
	assert_int_equal(*host_byte(TOP_GPA + 1), 0);
	assert_int_equal(buf[0], 0x5a);
}

static void test_zero_length(void **state)
{
	uint8_t b = 0x77;

	(void)state;
	assert_int_equal(gmem_copy_from_guest(&map, &b, GiB(3), 0), 0);
	assert_int_equal(gmem_copy_to_guest(&map, UINT64_MAX, &b, 0), 0);
	assert_int_equal(gmem_copy_to_guest(&map, 0, &b, 0), 0);
	assert_int_equal(*host_byte(0), 0);
	assert_int_equal(b, 0x77);
}

static void test_translate(void **state)
{
	paddr_t hpa;
	uint64_t contig;

	(void)state;
	assert_int_equal(gmem_translate(&map, KiB(16) - 1, &hpa, &contig), 0);
	assert_int_equal(hpa, chunks_a[0].hpa + KiB(16) - 1);
	assert_int_equal(contig, 1);
	assert_int_equal(gmem_translate(&map, KiB(16), &hpa, &contig), 0);
	assert_int_equal(hpa, chunks_a[1].hpa);
	assert_int_equal(contig, KiB(16));
	assert_int_equal(gmem_translate(&map, KiB(40), &hpa, &contig), 0);
	assert_int_equal(hpa, chunks_a[2].hpa + KiB(8));
	assert_int_equal(contig, KiB(24));
	assert_int_equal(gmem_translate(&map, KiB(200), &hpa, NULL), 0);
	assert_int_equal(hpa, hpa_c + KiB(8));
	assert_int_equal(gmem_translate(&map, KiB(256), &hpa, &contig), 0);
	assert_int_equal(hpa, hpa_rom);
	assert_int_equal(gmem_translate(&map, 0xfee00000, &hpa, &contig),
			 -EFAULT);
	assert_int_equal(gmem_translate(&map, KiB(150), &hpa, &contig), -EFAULT);
}

/* The EPT a map produces: RAM RWX/WB in large pages where the chunks
 * allow, ROM R+X, passed-through MMIO RW/UC, emulated MMIO absent. */
static void test_map_ept(void **state)
{
	static const struct gmem_chunk ram[] = {
		{ GiB(6), MiB(2) }, { GiB(2), MiB(2) }, { GiB(3) + KiB(4), KiB(8) },
	};
	static const struct ept_config cfg = { .page_2m = true, .page_1g = true };
	struct gmem_map m;
	struct gmem_region r;
	struct ept ept;
	paddr_t hpa;
	unsigned perms, level;
	enum ept_memtype mt;

	(void)state;
	gmem_init(&m);
	r = (struct gmem_region){ .gpa = 0, .size = MiB(4) + KiB(8),
				  .type = GMEM_RAM, .chunks = ram, .nchunks = 3 };
	assert_int_equal(gmem_add(&m, &r), 0);
	r = (struct gmem_region){ .gpa = 0xffff0000, .size = KiB(64),
				  .type = GMEM_ROM, .hpa = GiB(5) };
	assert_int_equal(gmem_add(&m, &r), 0);
	r = (struct gmem_region){ .gpa = 0xfed00000, .size = KiB(4),
				  .type = GMEM_MMIO, .hpa = 0xfed00000 };
	assert_int_equal(gmem_add(&m, &r), 0);
	r = (struct gmem_region){ .gpa = 0xfee00000, .size = KiB(4),
				  .type = GMEM_MMIO };
	assert_int_equal(gmem_add(&m, &r), 0);

	assert_int_equal(ept_create(&ept, &cfg), 0);
	assert_int_equal(gmem_map_ept(&m, &ept), 0);
	assert_int_equal(ept_translate(&ept, MiB(1), &hpa, &perms, &mt, &level), 0);
	assert_int_equal(hpa, GiB(6) + MiB(1));
	assert_int_equal(perms, EPT_RWX);
	assert_int_equal(mt, EPT_MT_WB);
	assert_int_equal(level, 2);
	assert_int_equal(ept_translate(&ept, MiB(4) - 1, &hpa, NULL, NULL, &level), 0);
	assert_int_equal(hpa, GiB(2) + MiB(2) - 1);
	assert_int_equal(ept_translate(&ept, MiB(4) + KiB(4), &hpa, NULL, NULL,
				       &level), 0);
	assert_int_equal(hpa, GiB(3) + KiB(8));
	assert_int_equal(level, 1);
	assert_int_equal(ept_translate(&ept, MiB(4) + KiB(8), &hpa, NULL, NULL,
				       NULL), -ENOENT);
	assert_int_equal(ept_translate(&ept, 0xfffffff0, &hpa, &perms, &mt, NULL), 0);
	assert_int_equal(hpa, GiB(5) + 0xfff0);
	assert_int_equal(perms, EPT_R | EPT_X);
	assert_int_equal(mt, EPT_MT_WB);
	assert_int_equal(ept_translate(&ept, 0xfed00000, &hpa, &perms, &mt, NULL), 0);
	assert_int_equal(perms, EPT_R | EPT_W);
	assert_int_equal(mt, EPT_MT_UC);
	assert_int_equal(ept_translate(&ept, 0xfee00000, &hpa, NULL, NULL, NULL),
			 -ENOENT);
	/* A second pass would map over existing mappings: refused. */
	assert_int_equal(gmem_map_ept(&m, &ept), -EEXIST);
	ept_destroy(&ept);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_regions_sorted_and_validated,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_range_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_across_chunks_and_regions,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_refused_outside_ram, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_zero_length, setup, teardown),
		cmocka_unit_test_setup_teardown(test_translate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_ept, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
