// UNIT-SOURCES: drivers/dmar.c
/* The DMAR parser: a table laid out as QEMU's q35 with intel-iommu
 * builds it, one with device scopes, bridges and RMRRs, and corrupted
 * ones (truncated, bad lengths, bad checksum, overlapping scopes). */
#include "drivers/dmar.h"
#include "arch-x86/acpi_tables.h"
#include "lib/errno.h"
#include "tests/unit/fakes.h"

static uint8_t buf[1024];
static size_t len;
static char err[128];
static struct dmar_info info;

static void put(const void *p, size_t n)
{
	memcpy(buf + len, p, n);
	len += n;
}

static void put8(uint8_t v) { put(&v, 1); }
static void put16(uint16_t v) { put(&v, 2); }
static void put64(uint64_t v) { put(&v, 8); }

static void finish(void)
{
	struct acpi_header *h = (struct acpi_header *)buf;
	uint8_t sum = 0;

	h->length = (uint32_t)len;
	h->checksum = 0;
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + buf[i]);
	h->checksum = (uint8_t)-sum;
}

static void begin(uint8_t haw, uint8_t flags)
{
	memset(buf, 0, sizeof(buf));
	len = 0;
	put("DMAR", 4);
	len = 36;
	put8(haw);
	put8(flags);
	len = DMAR_HEADER_LEN;
}

/* A DRHD with 'nscopes' scopes to follow: returns where its length is. */
static size_t drhd(uint8_t flags, uint16_t seg, uint64_t base)
{
	size_t at = len;

	put16(DMAR_DRHD);
	put16(16);
	put8(flags);
	put8(0);
	put16(seg);
	put64(base);
	return at;
}

static void scope(size_t structure, uint8_t type, uint8_t id, uint8_t bus,
		  const uint8_t *path, unsigned hops)
{
	uint16_t slen;

	put8(type);
	put8((uint8_t)(6 + 2 * hops));
	put16(0);
	put8(id);
	put8(bus);
	put(path, 2 * hops);
	memcpy(&slen, buf + structure + 2, 2);
	slen = (uint16_t)(slen + 6 + 2 * hops);
	memcpy(buf + structure + 2, &slen, 2);
}

static size_t rmrr(uint16_t seg, uint64_t base, uint64_t limit)
{
	size_t at = len;

	put16(DMAR_RMRR);
	put16(24);
	put16(0);
	put16(seg);
	put64(base);
	put64(limit);
	return at;
}

/* QEMU 7.2 q35, intel-iommu,intremap=on: one catch-all unit at
 * 0xfed90000 with the IOAPIC in its scope, HAW 39. */
static void qemu_table(void)
{
	static const uint8_t ioapic_path[] = { 0x00, 0x00 };
	size_t u;

	begin(38, DMAR_F_INTR_REMAP);
	u = drhd(DMAR_DRHD_INCLUDE_ALL, 0, 0xfed90000);
	scope(u, DMAR_SCOPE_IOAPIC, 0, 0xff, ioapic_path, 1);
	finish();
}

static void test_qemu(void **state)
{
	(void)state;
	qemu_table();
	assert_int_equal(dmar_parse(buf, len, &info, err, sizeof(err)), 0);
	assert_int_equal(info.haw + 1, 39);
	assert_true(info.flags & DMAR_F_INTR_REMAP);
	assert_int_equal(info.nunits, 1);
	assert_int_equal(info.unit[0].base, 0xfed90000);
	assert_true(info.unit[0].include_all);
	assert_int_equal(info.unit[0].nscopes, 1);
	assert_int_equal(info.unit[0].scope[0].type, DMAR_SCOPE_IOAPIC);
	assert_int_equal(info.unit[0].scope[0].bus, 0xff);
	assert_int_equal(info.nrmrr, 0);
	/* Every PCI function is under the catch-all unit. */
	assert_int_equal(dmar_unit_for(&info, 0, 0x0010, NULL, NULL), 0);
	assert_int_equal(dmar_unit_for(&info, 1, 0x0010, NULL, NULL), -1);
}

/* A bridge 00:1c.0 with buses 2-3 behind it. */
static bool fake_bridge(void *ctx, uint16_t bdf, uint8_t *sec, uint8_t *sub)
{
	(void)ctx;
	if (bdf != ((0x1c << 3) | 0))
		return false;
	*sec = 2;
	*sub = 3;
	return true;
}

/* dmar_rmrr_for() over the table test_scopes_and_rmrr() parsed, plus
 * an RMRR with a bridge scope and one on another segment. */
static void check_rmrr_for(void)
{
	unsigned idx[2];

	assert_int_equal(dmar_rmrr_for(info.rmrr, info.nrmrr, 0, 0x14 << 3, fake_bridge,
				       NULL, idx, 2), 1);
	assert_int_equal(idx[0], 0);
	/* The endpoint behind 00:1c.0, through the path. */
	assert_int_equal(dmar_rmrr_for(info.rmrr, info.nrmrr, 0, 0x0200, fake_bridge,
				       NULL, idx, 2), 1);
	assert_int_equal(idx[0], 1);
	/* Its neighbour, the bridge itself, another function: none. */
	assert_int_equal(dmar_rmrr_for(info.rmrr, info.nrmrr, 0, 0x0201, fake_bridge,
				       NULL, idx, 2), 0);
	assert_int_equal(dmar_rmrr_for(info.rmrr, info.nrmrr, 0, 0x1c << 3, fake_bridge,
				       NULL, idx, 2), 0);
	assert_int_equal(dmar_rmrr_for(info.rmrr, info.nrmrr, 0, (0x14 << 3) | 1,
				       fake_bridge, NULL, idx, 2), 0);
	/* Without a way to follow bridges the path resolves to nothing. */
	assert_int_equal(dmar_rmrr_for(info.rmrr, info.nrmrr, 0, 0x0200, NULL, NULL,
				       idx, 2), 0);
	/* Another segment. */
	assert_int_equal(dmar_rmrr_for(info.rmrr, info.nrmrr, 1, 0x14 << 3, fake_bridge,
				       NULL, idx, 2), 0);
	/* A bridge scope covers every function behind it; a function in two
	 * RMRRs gets both, and the count goes on past max. */
	info.rmrr[2] = (struct dmar_rmrr){ .segment = 0, .base = 0x7e000000,
					   .limit = 0x7e000fff, .nscopes = 1 };
	info.rmrr[2].scope[0] = (struct dmar_scope){ .type = DMAR_SCOPE_BRIDGE, .bus = 0,
						     .npath = 1, .path = { { 0x1c, 0 } } };
	assert_int_equal(dmar_rmrr_for(info.rmrr, 3, 0, 0x0308, fake_bridge, NULL, idx, 2), 1);
	assert_int_equal(idx[0], 2);
	assert_int_equal(dmar_rmrr_for(info.rmrr, 3, 0, 0x0200, fake_bridge, NULL, idx, 2), 2);
	assert_int_equal(idx[0], 1);
	assert_int_equal(idx[1], 2);
	assert_int_equal(dmar_rmrr_for(info.rmrr, 3, 0, 0x0200, fake_bridge, NULL, idx, 1), 2);
	assert_int_equal(idx[0], 1);
}

/* Two units: the graphics one with an endpoint scope, a catch-all; an
 * RMRR for a USB controller; an ATSR that is skipped. */
static void test_scopes_and_rmrr(void **state)
{
	static const uint8_t gfx[] = { 0x02, 0x00 };
	static const uint8_t usb[] = { 0x14, 0x00 };
	static const uint8_t nic[] = { 0x1c, 0x00, 0x00, 0x00 };
	static const uint8_t rp[] = { 0x1c, 0x00 };
	size_t u, r;

	(void)state;
	begin(45, DMAR_F_INTR_REMAP | DMAR_F_X2APIC_OPT_OUT);
	u = drhd(0, 0, 0xfed90000);
	scope(u, DMAR_SCOPE_ENDPOINT, 0, 0, gfx, 1);
	u = drhd(0, 0, 0xfed92000);
	scope(u, DMAR_SCOPE_BRIDGE, 0, 0, rp, 1);
	u = drhd(DMAR_DRHD_INCLUDE_ALL, 0, 0xfed91000);
	r = rmrr(0, 0x7c000000, 0x7c7fffff);
	scope(r, DMAR_SCOPE_ENDPOINT, 0, 0, usb, 1);
	r = rmrr(0, 0x7d000000, 0x7d000fff);
	scope(r, DMAR_SCOPE_ENDPOINT, 0, 0, nic, 2);
	put16(DMAR_ATSR);
	put16(8);
	put16(0);
	put16(0);
	finish();
	assert_int_equal(dmar_parse(buf, len, &info, err, sizeof(err)), 0);
	assert_int_equal(info.nunits, 3);
	assert_int_equal(info.nrmrr, 2);
	assert_int_equal(info.natsr, 1);
	assert_int_equal(info.rmrr[0].limit, 0x7c7fffff);
	assert_int_equal(info.rmrr[1].scope[0].npath, 2);
	assert_int_equal(dmar_unit_for(&info, 0, (0x02 << 3), fake_bridge, NULL), 0);
	assert_int_equal(dmar_unit_for(&info, 0, (0x14 << 3), fake_bridge, NULL), 2);
	/* Behind the bridge: bus 2 and 3 go to the bridge's unit. */
	assert_int_equal(dmar_unit_for(&info, 0, 0x0200, fake_bridge, NULL), 1);
	assert_int_equal(dmar_unit_for(&info, 0, 0x0308, fake_bridge, NULL), 1);
	assert_int_equal(dmar_unit_for(&info, 0, 0x0400, fake_bridge, NULL), 2);
	/* The RMRR's two-hop path: 00:1c.0 then 02:00.0. */
	assert_true(dmar_scope_covers(&info.rmrr[1].scope[0], 0x0200, fake_bridge, NULL));
	assert_false(dmar_scope_covers(&info.rmrr[1].scope[0], 0x0201, fake_bridge, NULL));
	check_rmrr_for();
}

#define EXPECT_REJECT(substr)                                                \
	do {                                                                 \
		assert_int_equal(dmar_parse(buf, len, &info, err, sizeof(err)), \
				 -EINVAL);                                   \
		if (!strstr(err, substr))                                    \
			fail_msg("reason \"%s\" lacks \"%s\"", err, substr); \
	} while (0)

static void test_truncated(void **state)
{
	(void)state;
	qemu_table();
	/* Readable bytes shorter than the length the header claims. */
	assert_int_equal(dmar_parse(buf, len - 1, &info, err, sizeof(err)), -EINVAL);
	assert_int_equal(dmar_parse(buf, 20, &info, err, sizeof(err)), -EINVAL);
	/* A table that ends inside a structure header. */
	qemu_table();
	put16(DMAR_RMRR);
	finish();
	EXPECT_REJECT("truncated structure");
}

static void test_bad_lengths(void **state)
{
	static const uint8_t p[] = { 0, 0 };
	size_t u;
	uint16_t v;

	(void)state;
	/* A structure length of 0 (would loop forever) and one past the end. */
	qemu_table();
	v = 0;
	memcpy(buf + DMAR_HEADER_LEN + 2, &v, 2);
	finish();
	EXPECT_REJECT("length");
	qemu_table();
	v = 500;
	memcpy(buf + DMAR_HEADER_LEN + 2, &v, 2);
	finish();
	EXPECT_REJECT("length");
	/* A DRHD shorter than its fixed part. */
	begin(38, 0);
	put16(DMAR_DRHD);
	put16(8);
	put(p, 2);
	put(p, 2);
	finish();
	EXPECT_REJECT("DRHD");
	/* A scope whose length runs past its structure, and an odd one. */
	begin(38, 0);
	u = drhd(0, 0, 0xfed90000);
	scope(u, DMAR_SCOPE_ENDPOINT, 0, 0, p, 1);
	buf[u + 16 + 1] = 40;
	finish();
	EXPECT_REJECT("device scope");
	buf[u + 16 + 1] = 7;
	finish();
	EXPECT_REJECT("device scope");
	/* Unaligned register base; an unknown scope type. */
	begin(38, 0);
	drhd(DMAR_DRHD_INCLUDE_ALL, 0, 0xfed90800);
	finish();
	EXPECT_REJECT("register base");
	begin(38, 0);
	u = drhd(0, 0, 0xfed90000);
	scope(u, 9, 0, 0, p, 1);
	finish();
	EXPECT_REJECT("scope type");
	/* An address width no unit has; no unit at all. */
	begin(7, 0);
	drhd(DMAR_DRHD_INCLUDE_ALL, 0, 0xfed90000);
	finish();
	EXPECT_REJECT("address width");
	begin(38, 0);
	finish();
	EXPECT_REJECT("no remapping unit");
}

static void test_bad_checksum_and_signature(void **state)
{
	(void)state;
	qemu_table();
	buf[40] ^= 1;
	EXPECT_REJECT("checksum");
	qemu_table();
	memcpy(buf, "DMAX", 4);
	finish();
	EXPECT_REJECT("signature");
}

static void test_overlapping(void **state)
{
	static const uint8_t dev[] = { 0x03, 0x00 };
	size_t u;

	(void)state;
	/* One device under two units. */
	begin(38, 0);
	u = drhd(0, 0, 0xfed90000);
	scope(u, DMAR_SCOPE_ENDPOINT, 0, 0, dev, 1);
	u = drhd(0, 0, 0xfed91000);
	scope(u, DMAR_SCOPE_ENDPOINT, 0, 0, dev, 1);
	finish();
	EXPECT_REJECT("under two DRHDs");
	/* Two catch-all units for one segment; two units at one address. */
	begin(38, 0);
	drhd(DMAR_DRHD_INCLUDE_ALL, 0, 0xfed90000);
	drhd(DMAR_DRHD_INCLUDE_ALL, 0, 0xfed91000);
	finish();
	EXPECT_REJECT("INCLUDE_PCI_ALL");
	begin(38, 0);
	drhd(0, 0, 0xfed90000);
	drhd(DMAR_DRHD_INCLUDE_ALL, 0, 0xfed90000);
	finish();
	EXPECT_REJECT("two DRHDs");
	/* Overlapping RMRRs; an RMRR ending before it starts. */
	begin(38, 0);
	drhd(DMAR_DRHD_INCLUDE_ALL, 0, 0xfed90000);
	rmrr(0, 0x7c000000, 0x7c7fffff);
	rmrr(0, 0x7c700000, 0x7c8fffff);
	finish();
	EXPECT_REJECT("overlaps");
	begin(38, 0);
	drhd(DMAR_DRHD_INCLUDE_ALL, 0, 0xfed90000);
	rmrr(0, 0x7c000000, 0x7bffffff);
	finish();
	EXPECT_REJECT("RMRR");
}

/* Too many units or scopes for the fixed tables: rejected, not cut. */
static void test_limits(void **state)
{
	static const uint8_t dev[] = { 0x03, 0x00 };
	size_t u;

	(void)state;
	begin(38, 0);
	for (unsigned i = 0; i <= DMAR_MAX_UNITS; i++)
		drhd(0, 0, 0xfed90000 + i * PAGE_SIZE);
	finish();
	EXPECT_REJECT("more than");
	begin(38, 0);
	u = drhd(0, 0, 0xfed90000);
	for (unsigned i = 0; i <= DMAR_UNIT_SCOPES; i++)
		scope(u, DMAR_SCOPE_ENDPOINT, 0, (uint8_t)i, dev, 1);
	finish();
	EXPECT_REJECT("more than");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu),
		cmocka_unit_test(test_scopes_and_rmrr),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_lengths),
		cmocka_unit_test(test_bad_checksum_and_signature),
		cmocka_unit_test(test_overlapping),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
