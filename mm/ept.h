/* Extended page tables: one per VM, guest-physical to host-physical
 * (SDM vol. 3, "EPT Translation Mechanism", ch. 29 in current editions,
 * ch. 28 in older ones).
 *
 * 4-level only (page-walk length 4, 48-bit guest-physical addresses).
 * Mapping uses 1 GiB pages where alignment and the CPU allow, 2 MiB pages
 * likewise, 4 KiB pages at the edges.
 *
 * Overlap policy: ept_map() refuses (-EEXIST, nothing changed) to map over
 * any page that is already mapped; two regions claiming the same guest
 * address are a configuration bug, not something to resolve silently.
 * Change a mapping with ept_unmap() + ept_map(), or its rights with
 * ept_protect().
 *
 * Flushing: this code never executes INVEPT (vmx/ owns the instruction).
 * When a change touches an entry that was present, the invept hook from
 * the config is called once, with this EPT's EPTP, before the call
 * returns, and tables that the change unlinked are freed only after it.
 * Not-present to present needs no flush (processors do not cache
 * not-present EPT entries), so building an EPT never calls the hook. */
#ifndef MM_EPT_H
#define MM_EPT_H

#include "lib/types.h"
#include "mm/pt.h"

/* Access rights, as in bits 2:0 of an EPT entry. */
#define EPT_R 0x1u
#define EPT_W 0x2u
#define EPT_X 0x4u
#define EPT_RWX (EPT_R | EPT_W | EPT_X)

/* EPT memory types (bits 5:3 of a leaf; also bits 2:0 of the EPTP).  2, 3
 * and 7 are reserved and cause EPT misconfigurations. */
enum ept_memtype {
	EPT_MT_UC = 0,
	EPT_MT_WC = 1,
	EPT_MT_WT = 4,
	EPT_MT_WP = 5,
	EPT_MT_WB = 6,
};

/* EPTP fields (SDM vol. 3 "Extended-Page-Table Pointer (EPTP)"). */
#define EPTP_MEMTYPE_MASK 0x7ull      /* bits 2:0: type for the tables */
#define EPTP_WALK_SHIFT 3             /* bits 5:3: walk length - 1 */
#define EPTP_WALK_MASK (0x7ull << EPTP_WALK_SHIFT)
#define EPTP_AD_ENABLE BIT(6)         /* accessed/dirty flags */
#define EPTP_WALK_4LEVEL (3ull << EPTP_WALK_SHIFT)

/* IA32_VMX_EPT_VPID_CAP (MSR 0x48c) bits that matter here. */
#define EPT_CAP_EXEC_ONLY BIT(0)
#define EPT_CAP_WALK4 BIT(6)
#define EPT_CAP_UC BIT(8)
#define EPT_CAP_WB BIT(14)
#define EPT_CAP_2M BIT(16)
#define EPT_CAP_1G BIT(17)
#define EPT_CAP_AD BIT(21)

struct ept_config {
	bool page_2m;      /* 2 MiB leaves allowed */
	bool page_1g;      /* 1 GiB leaves allowed */
	bool exec_only;    /* execute-only (X without R) allowed */
	bool ad;           /* set EPTP A/D enable */
	bool walk_uc;      /* tables are UC for the walker (default WB) */
	/* Single-context INVEPT of the given EPTP; NULL while no CPU uses
	 * this EPT (construction, unit tests). */
	void (*invept)(uint64_t eptp);
};

struct ept {
	struct pt pt;
	struct ept_config cfg;
	unsigned invepts; /* times the hook was called */
};

/* Derive a config from IA32_VMX_EPT_VPID_CAP, using every feature it
 * offers (A/D included).  -EINVAL if it lacks a 4-level walk or both WB
 * and UC for the tables. */
int ept_config_from_cap(uint64_t cap, struct ept_config *cfg);

/* Create an empty EPT.  The struct must not move afterwards (the flush
 * hook refers to it).  -ENOMEM. */
int ept_create(struct ept *ept, const struct ept_config *cfg);

/* Free every table.  No CPU may be using the EPT any more. */
void ept_destroy(struct ept *ept);

uint64_t ept_eptp(const struct ept *ept);

static inline unsigned ept_table_pages(const struct ept *ept)
{
	return ept->pt.table_pages;
}

/* Map [gpa, gpa + size) to host [hpa, hpa + size).  Page-aligned
 * arguments, gpa + size <= 2^48.  perms: non-zero RWX mask, W only with R,
 * X without R only if exec_only.  -EINVAL, -EEXIST (see above), -ENOMEM
 * (range may then be partly mapped). */
int ept_map(struct ept *ept, gpa_t gpa, paddr_t hpa, uint64_t size,
	    unsigned perms, enum ept_memtype mt);

/* Remove all translations in the range (holes are fine); large pages
 * straddling an edge are split.  -EINVAL, -ENOMEM. */
int ept_unmap(struct ept *ept, gpa_t gpa, uint64_t size);

/* Set the access rights of every mapped page in the range to 'perms',
 * keeping memory types; holes are skipped, straddling large pages split.
 * To revoke all access use ept_unmap().  -EINVAL, -ENOMEM. */
int ept_protect(struct ept *ept, gpa_t gpa, uint64_t size, unsigned perms);

/* Walk the EPT.  Any out pointer may be NULL.  *level is 1 (4 KiB page),
 * 2 (2 MiB) or 3 (1 GiB).  -ENOENT when not mapped. */
int ept_translate(const struct ept *ept, gpa_t gpa, paddr_t *hpa,
		  unsigned *perms, enum ept_memtype *mt, unsigned *level);

#endif
