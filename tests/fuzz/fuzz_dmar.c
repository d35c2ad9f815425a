// FUZZ-SOURCES: drivers/dmar.c
/* The DMAR parser (drivers/dmar.c) on tables from the fuzz input, and the
 * lookup of the unit covering a PCI function over what it accepted.
 *
 * Input: a flags byte (FL_*), a segment and a BDF to look up, then the
 * table.  Unless FL_RAW, the header's length is set to the bytes given
 * and the checksum fixed, so the fuzzer gets past them into the
 * structures.  Bridges for scope paths come from the input's tail: bus
 * numbers behind a bridge are derived from the BDF, so paths can go
 * anywhere. */
#include "drivers/dmar.h"
#include "arch-x86/acpi_tables.h"
#include "lib/errno.h"
#include "tests/fuzz/fuzz.h"

#define FL_RAW 0x01 /* length and checksum as given */

static uint8_t bridge_salt;

/* Every function with an odd device number is a bridge to bus
 * (bdf + salt) & 0xff, up to that + 3. */
static bool bridge(void *ctx, uint16_t bdf, uint8_t *sec, uint8_t *sub)
{
	(void)ctx;
	if (!((bdf >> 3) & 1))
		return false;
	*sec = (uint8_t)(bdf + bridge_salt);
	*sub = (uint8_t)(*sec + 3 < *sec ? 0xff : *sec + 3);
	return true;
}

static void check_scope(const struct dmar_scope *s)
{
	FUZZ_CHECKF(s->npath >= 1 && s->npath <= DMAR_MAX_PATH, "scope path of %u hops",
		    s->npath);
	FUZZ_CHECK(s->type >= DMAR_SCOPE_ENDPOINT && s->type <= DMAR_SCOPE_ACPI);
	for (unsigned i = 0; i < s->npath; i++)
		FUZZ_CHECKF(s->path[i][0] < 32 && s->path[i][1] < 8,
			    "hop %u: device %u function %u", i, s->path[i][0], s->path[i][1]);
}

static void check(const struct dmar_info *d)
{
	FUZZ_CHECK(d->nunits >= 1 && d->nunits <= DMAR_MAX_UNITS);
	FUZZ_CHECK(d->nrmrr <= DMAR_MAX_RMRR);
	for (unsigned i = 0; i < d->nunits; i++) {
		const struct dmar_unit *u = &d->unit[i];

		FUZZ_CHECKF(u->base && !(u->base & 0xfff), "unit %u at %#lx", i,
			    (unsigned long)u->base);
		FUZZ_CHECK(u->size_pages >= 1);
		FUZZ_CHECK(u->nscopes <= DMAR_UNIT_SCOPES);
		for (unsigned s = 0; s < u->nscopes; s++)
			check_scope(&u->scope[s]);
		/* At most one INCLUDE_PCI_ALL unit per segment. */
		for (unsigned j = 0; j < i; j++)
			FUZZ_CHECK(!(u->include_all && d->unit[j].include_all &&
				     u->segment == d->unit[j].segment));
	}
	for (unsigned i = 0; i < d->nrmrr; i++) {
		const struct dmar_rmrr *r = &d->rmrr[i];

		FUZZ_CHECKF(r->base <= r->limit && !(r->base & 0xfff) &&
				    (r->limit & 0xfff) == 0xfff,
			    "RMRR %u [%#lx, %#lx]", i, (unsigned long)r->base,
			    (unsigned long)r->limit);
		FUZZ_CHECK(r->nscopes <= DMAR_RMRR_SCOPES);
		for (unsigned s = 0; s < r->nscopes; s++)
			check_scope(&r->scope[s]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	uint8_t flags = fz_u8(&f);
	uint16_t segment = fz_u16(&f), bdf = fz_u16(&f);
	static struct dmar_info d;
	char err[128];
	uint8_t *tbl;
	size_t len = f.n;
	int r;

	bridge_salt = fz_u8(&f);
	len = f.n;
	tbl = malloc(len ? len : 1);
	memcpy(tbl, f.p, len);
	if (!(flags & FL_RAW) && len >= sizeof(struct acpi_header)) {
		struct acpi_header *h = (struct acpi_header *)tbl;
		uint8_t sum = 0;

		h->length = (uint32_t)len;
		h->checksum = 0;
		for (size_t i = 0; i < len; i++)
			sum = (uint8_t)(sum + tbl[i]);
		h->checksum = (uint8_t)-sum;
	}
	memset(&d, 0xa5, sizeof(d));
	memset(err, 'x', sizeof(err));
	r = dmar_parse(tbl, len, &d, err, sizeof(err));
	FUZZ_CHECK(r == 0 || r == -EINVAL);
	if (r == 0) {
		int u;

		check(&d);
		u = dmar_unit_for(&d, segment, bdf, bridge, NULL);
		FUZZ_CHECK(u >= -1 && u < (int)d.nunits);
		if (u >= 0)
			FUZZ_CHECK(d.unit[u].segment == segment);
		fuzz_note("DMAR: %u unit(s), %u RMRR(s); %04x:%04x -> unit %d",
			  d.nunits, d.nrmrr, segment, bdf, u);
	} else {
		FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL);
		fuzz_note("DMAR rejected: %s", err);
	}
	fuzz_log_reset();
	free(tbl);
	return 0;
}
