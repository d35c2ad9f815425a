/* The DMAR table (Intel VT-d specification rev. 4.1, chapter 8): the
 * remapping units (DRHD) with the devices each one covers, the reserved
 * memory regions some devices keep using (RMRR), and what the platform
 * asks of the OS (interrupt remapping, x2APIC opt-out).  ATSR (ATS root
 * ports), RHSA (NUMA proximity), ANDD and SATC structures are skipped and
 * counted: the hypervisor enables no ATS and places nothing by proximity.
 *
 * The bytes are firmware's and untrusted: the parser checks the checksum,
 * every structure's and scope's length against its type and against the
 * table, unit addresses, and that no device is claimed by two units; any
 * violation rejects the whole table with one reason (then there is no
 * IOMMU, never a half-understood one).  Pure: no hardware access, so the
 * host unit tests feed it QEMU's table and broken ones. */
#ifndef DRIVERS_DMAR_H
#define DRIVERS_DMAR_H

#include "lib/types.h"

#define DMAR_HEADER_LEN 48u  /* ACPI header, HAW, flags, 10 reserved */
#define DMAR_MAX_UNITS 8
#define DMAR_UNIT_SCOPES 16
#define DMAR_MAX_RMRR 8
#define DMAR_RMRR_SCOPES 4
#define DMAR_MAX_PATH 4      /* bridges between the root bus and a device */

/* DMAR flags. */
#define DMAR_F_INTR_REMAP BIT(0)
#define DMAR_F_X2APIC_OPT_OUT BIT(1)
#define DMAR_F_DMA_CTRL_OPT_IN BIT(2)

/* Remapping structure types. */
enum dmar_struct_type {
	DMAR_DRHD = 0, DMAR_RMRR = 1, DMAR_ATSR = 2, DMAR_RHSA = 3,
	DMAR_ANDD = 4, DMAR_SATC = 5,
};

/* Device scope types. */
enum dmar_scope_type {
	DMAR_SCOPE_ENDPOINT = 1, DMAR_SCOPE_BRIDGE = 2, DMAR_SCOPE_IOAPIC = 3,
	DMAR_SCOPE_HPET = 4, DMAR_SCOPE_ACPI = 5,
};

#define DMAR_DRHD_INCLUDE_ALL BIT(0)

struct dmar_scope {
	uint8_t type;
	uint8_t enum_id;   /* IOAPIC / HPET id */
	uint8_t bus;       /* start bus */
	uint8_t npath;
	uint8_t path[DMAR_MAX_PATH][2]; /* device, function per hop */
};

struct dmar_unit {
	paddr_t base;      /* register page(s) */
	unsigned size_pages; /* 2^size field pages (at least 1) */
	uint16_t segment;
	bool include_all;
	unsigned nscopes;
	struct dmar_scope scope[DMAR_UNIT_SCOPES];
};

struct dmar_rmrr {
	uint16_t segment;
	paddr_t base, limit; /* [base, limit] inclusive, 4 KiB granular */
	unsigned nscopes;
	struct dmar_scope scope[DMAR_RMRR_SCOPES];
};

struct dmar_info {
	uint8_t haw;       /* host address width: value + 1 bits */
	uint8_t flags;
	unsigned nunits;
	struct dmar_unit unit[DMAR_MAX_UNITS];
	unsigned nrmrr;
	struct dmar_rmrr rmrr[DMAR_MAX_RMRR];
	unsigned natsr, nrhsa, nother; /* skipped */
};

/* Parse 'len' readable bytes at 'tbl'.  0, or -EINVAL with a one-line
 * reason in err. */
int dmar_parse(const void *tbl, size_t len, struct dmar_info *out, char *err,
	       size_t errlen);

/* How a scope path is followed: the secondary and subordinate bus of the
 * bridge at bdf; false when it is not a bridge. */
typedef bool (*dmar_bridge_fn)(void *ctx, uint16_t bdf, uint8_t *sec,
			       uint8_t *sub);

/* Does 'scope' cover the PCI function 'bdf'?  An endpoint scope names one
 * function; a bridge scope covers the buses behind it. */
bool dmar_scope_covers(const struct dmar_scope *scope, uint16_t bdf,
		       dmar_bridge_fn bridge, void *ctx);

/* The unit that covers 'bdf' in 'segment': one listing it in a scope,
 * else the segment's INCLUDE_PCI_ALL unit.  -1 when none does. */
int dmar_unit_for(const struct dmar_info *d, uint16_t segment, uint16_t bdf,
		  dmar_bridge_fn bridge, void *ctx);

/* The RMRRs among r[0..n) whose scope covers 'bdf' in 'segment' (an
 * endpoint path, possibly through bridges, or a bridge scope with 'bdf'
 * behind it): up to 'max' of their indices go to 'idx'.  Returns how
 * many cover it (which may exceed max). */
unsigned dmar_rmrr_for(const struct dmar_rmrr *r, unsigned n, uint16_t segment,
		       uint16_t bdf, dmar_bridge_fn bridge, void *ctx,
		       unsigned *idx, unsigned max);

#endif
