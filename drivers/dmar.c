/* DMAR parsing (see drivers/dmar.h).  Layouts from VT-d spec 4.1, 8.1-8.5. */
#include "drivers/dmar.h"
#include "arch-x86/acpi_tables.h"
#include "lib/errno.h"
#include "lib/printk.h"
#include "lib/string.h"

#include <stdarg.h>

#define STRUCT_HDR_LEN 4u
#define DRHD_LEN 16u  /* type, length, flags, size, segment, base */
#define RMRR_LEN 24u  /* type, length, reserved, segment, base, limit */
#define SCOPE_HDR_LEN 6u

struct parse {
	const uint8_t *p;
	size_t len;
	struct dmar_info *out;
	char *err;
	size_t errlen;
};

static uint16_t rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static bool checksum_ok(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + p[i]);
	return sum == 0;
}

static int __printf(2, 3) bad(struct parse *ps, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ps->err, ps->errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* The scopes in [off, end) of the structure at 'at'. */
static int parse_scopes(struct parse *ps, size_t at, size_t off, size_t end,
			struct dmar_scope *scope, unsigned max, unsigned *n)
{
	*n = 0;
	while (off < end) {
		const uint8_t *s = ps->p + off;
		struct dmar_scope *sc;
		unsigned slen;

		if (end - off < SCOPE_HDR_LEN)
			return bad(ps, "structure at %zu: truncated device scope at %zu",
				   at, off);
		slen = s[1];
		if (slen < SCOPE_HDR_LEN || (slen - SCOPE_HDR_LEN) % 2 ||
		    slen > end - off)
			return bad(ps, "structure at %zu: device scope at %zu has bad length %u",
				   at, off, slen);
		if (s[0] < DMAR_SCOPE_ENDPOINT || s[0] > DMAR_SCOPE_ACPI)
			return bad(ps, "structure at %zu: device scope type %u", at, s[0]);
		if ((slen - SCOPE_HDR_LEN) / 2 == 0 ||
		    (slen - SCOPE_HDR_LEN) / 2 > DMAR_MAX_PATH)
			return bad(ps, "structure at %zu: device scope path of %u hops",
				   at, (slen - SCOPE_HDR_LEN) / 2);
		if (*n == max)
			return bad(ps, "structure at %zu: more than %u device scopes", at, max);
		sc = &scope[(*n)++];
		memset(sc, 0, sizeof(*sc));
		sc->type = s[0];
		sc->enum_id = s[4];
		sc->bus = s[5];
		sc->npath = (uint8_t)((slen - SCOPE_HDR_LEN) / 2);
		for (unsigned i = 0; i < sc->npath; i++) {
			sc->path[i][0] = s[SCOPE_HDR_LEN + 2 * i];
			sc->path[i][1] = s[SCOPE_HDR_LEN + 2 * i + 1];
			if (sc->path[i][0] > 31 || sc->path[i][1] > 7)
				return bad(ps, "structure at %zu: device scope path %02x.%x",
					   at, sc->path[i][0], sc->path[i][1]);
		}
		off += slen;
	}
	return 0;
}

static bool same_scope(const struct dmar_scope *a, const struct dmar_scope *b)
{
	return a->type == b->type && a->bus == b->bus && a->npath == b->npath &&
	       (a->type == DMAR_SCOPE_IOAPIC || a->type == DMAR_SCOPE_HPET ?
		a->enum_id == b->enum_id :
		!memcmp(a->path, b->path, sizeof(a->path[0]) * a->npath));
}

static int parse_drhd(struct parse *ps, size_t at, unsigned slen)
{
	const uint8_t *s = ps->p + at;
	struct dmar_info *d = ps->out;
	struct dmar_unit *u;
	int err;

	if (slen < DRHD_LEN)
		return bad(ps, "DRHD at %zu: length %u", at, slen);
	if (d->nunits == DMAR_MAX_UNITS)
		return bad(ps, "more than %u remapping units", DMAR_MAX_UNITS);
	u = &d->unit[d->nunits];
	memset(u, 0, sizeof(*u));
	u->include_all = s[4] & DMAR_DRHD_INCLUDE_ALL;
	u->size_pages = 1u << (s[5] & 0xf);
	u->segment = rd16(s + 6);
	u->base = rd64(s + 8);
	if (u->base == 0 || !IS_ALIGNED(u->base, PAGE_SIZE) ||
	    u->base >= BIT(52))
		return bad(ps, "DRHD at %zu: register base %#lx", at,
			   (unsigned long)u->base);
	err = parse_scopes(ps, at, at + DRHD_LEN, at + slen, u->scope,
			   DMAR_UNIT_SCOPES, &u->nscopes);
	if (err)
		return err;
	/* Two units at one address, two catch-all units in a segment, or
	 * one device under two units: the table cannot be right. */
	for (unsigned i = 0; i < d->nunits; i++) {
		const struct dmar_unit *o = &d->unit[i];

		if (o->base == u->base)
			return bad(ps, "two DRHDs at %#lx", (unsigned long)u->base);
		if (o->segment == u->segment && o->include_all && u->include_all)
			return bad(ps, "two INCLUDE_PCI_ALL DRHDs for segment %u",
				   u->segment);
		for (unsigned a = 0; o->segment == u->segment && a < o->nscopes; a++)
			for (unsigned b = 0; b < u->nscopes; b++)
				if (same_scope(&o->scope[a], &u->scope[b]))
					return bad(ps, "device scope %02x:%02x.%x under two DRHDs",
						   u->scope[b].bus, u->scope[b].path[0][0],
						   u->scope[b].path[0][1]);
	}
	d->nunits++;
	return 0;
}

static int parse_rmrr(struct parse *ps, size_t at, unsigned slen)
{
	const uint8_t *s = ps->p + at;
	struct dmar_info *d = ps->out;
	struct dmar_rmrr *r;

	if (slen < RMRR_LEN)
		return bad(ps, "RMRR at %zu: length %u", at, slen);
	if (d->nrmrr == DMAR_MAX_RMRR)
		return bad(ps, "more than %u RMRRs", DMAR_MAX_RMRR);
	r = &d->rmrr[d->nrmrr];
	memset(r, 0, sizeof(*r));
	r->segment = rd16(s + 6);
	r->base = rd64(s + 8);
	r->limit = rd64(s + 16);
	if (!IS_ALIGNED(r->base, PAGE_SIZE) || !IS_ALIGNED(r->limit + 1, PAGE_SIZE) ||
	    r->limit < r->base || r->limit >= BIT(52))
		return bad(ps, "RMRR at %zu: region %#lx-%#lx", at,
			   (unsigned long)r->base, (unsigned long)r->limit);
	for (unsigned i = 0; i < d->nrmrr; i++)
		if (d->rmrr[i].segment == r->segment && r->base <= d->rmrr[i].limit &&
		    d->rmrr[i].base <= r->limit)
			return bad(ps, "RMRR at %zu overlaps another", at);
	d->nrmrr++;
	return parse_scopes(ps, at, at + RMRR_LEN, at + slen, r->scope,
			    DMAR_RMRR_SCOPES, &r->nscopes);
}

int dmar_parse(const void *tbl, size_t len, struct dmar_info *out, char *err,
	       size_t errlen)
{
	struct parse ps = { tbl, len, out, err, errlen };
	const struct acpi_header *h = tbl;
	size_t off;

	memset(out, 0, sizeof(*out));
	if (len < DMAR_HEADER_LEN || h->length < DMAR_HEADER_LEN || h->length > len)
		return bad(&ps, "table length %u (readable %zu)",
			   len >= sizeof(*h) ? h->length : 0, len);
	if (memcmp(h->sig, "DMAR", 4))
		return bad(&ps, "signature is not DMAR");
	ps.len = h->length;
	if (!checksum_ok(ps.p, ps.len))
		return bad(&ps, "checksum");
	out->haw = ps.p[36];
	out->flags = ps.p[37];
	if (out->haw < 31 || out->haw > 63)
		return bad(&ps, "host address width %u bits", out->haw + 1);
	for (off = DMAR_HEADER_LEN; off < ps.len;) {
		unsigned type, slen;
		int e = 0;

		if (ps.len - off < STRUCT_HDR_LEN)
			return bad(&ps, "truncated structure at %zu", off);
		type = rd16(ps.p + off);
		slen = rd16(ps.p + off + 2);
		if (slen < STRUCT_HDR_LEN || slen > ps.len - off)
			return bad(&ps, "structure at %zu: length %u", off, slen);
		switch (type) {
		case DMAR_DRHD:
			e = parse_drhd(&ps, off, slen);
			break;
		case DMAR_RMRR:
			e = parse_rmrr(&ps, off, slen);
			break;
		case DMAR_ATSR:
			out->natsr++;
			break;
		case DMAR_RHSA:
			out->nrhsa++;
			break;
		default:
			out->nother++;
			break;
		}
		if (e)
			return e;
		off += slen;
	}
	if (out->nunits == 0)
		return bad(&ps, "no remapping unit");
	return 0;
}

/* Follow the path from the start bus through its bridges to the function
 * it names; false when a hop is not a bridge. */
static bool scope_target(const struct dmar_scope *sc, dmar_bridge_fn bridge,
			 void *ctx, uint16_t *bdf, uint8_t *sub)
{
	unsigned bus = sc->bus;
	uint8_t sec = 0;

	*sub = 0;
	for (unsigned i = 0; i < sc->npath; i++) {
		*bdf = (uint16_t)((bus << 8) | (sc->path[i][0] << 3) | sc->path[i][1]);
		if (i + 1 == sc->npath)
			break;
		if (!bridge || !bridge(ctx, *bdf, &sec, sub))
			return false;
		bus = sec;
	}
	if (sc->type == DMAR_SCOPE_BRIDGE &&
	    (!bridge || !bridge(ctx, *bdf, &sec, sub)))
		return false;
	return true;
}

bool dmar_scope_covers(const struct dmar_scope *scope, uint16_t bdf,
		       dmar_bridge_fn bridge, void *ctx)
{
	uint16_t target;
	uint8_t sec = 0, sub = 0;

	if (scope->type != DMAR_SCOPE_ENDPOINT && scope->type != DMAR_SCOPE_BRIDGE)
		return false;
	if (!scope_target(scope, bridge, ctx, &target, &sub))
		return false;
	if (target == bdf)
		return true;
	if (scope->type != DMAR_SCOPE_BRIDGE || !bridge(ctx, target, &sec, &sub))
		return false;
	return (bdf >> 8) >= sec && (bdf >> 8) <= sub;
}

int dmar_unit_for(const struct dmar_info *d, uint16_t segment, uint16_t bdf,
		  dmar_bridge_fn bridge, void *ctx)
{
	int all = -1;

	for (unsigned i = 0; i < d->nunits; i++) {
		const struct dmar_unit *u = &d->unit[i];

		if (u->segment != segment)
			continue;
		if (u->include_all)
			all = (int)i;
		for (unsigned s = 0; s < u->nscopes; s++)
			if (dmar_scope_covers(&u->scope[s], bdf, bridge, ctx))
				return (int)i;
	}
	return all;
}

unsigned dmar_rmrr_for(const struct dmar_rmrr *r, unsigned n, uint16_t segment,
		       uint16_t bdf, dmar_bridge_fn bridge, void *ctx,
		       unsigned *idx, unsigned max)
{
	unsigned found = 0;

	for (unsigned i = 0; i < n; i++) {
		bool covers = false;

		if (r[i].segment != segment)
			continue;
		for (unsigned s = 0; s < r[i].nscopes && !covers; s++)
			covers = dmar_scope_covers(&r[i].scope[s], bdf, bridge, ctx);
		if (!covers)
			continue;
		if (found < max)
			idx[found] = i;
		found++;
	}
	return found;
}
