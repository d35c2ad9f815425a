/* VT-d hardware formats: registers, root and context entries (legacy
 * mode), invalidation descriptors, interrupt-remapping table entries and
 * remappable MSI messages, fault records.  Intel VT-d specification rev.
 * 4.1: chapter 9 (structure formats) and chapter 11 (registers).  Pure
 * encoders and decoders, host-tested (tests/unit/test_vtd.c). */
#ifndef DRIVERS_VTD_HW_H
#define DRIVERS_VTD_HW_H

#include "lib/types.h"

/* ---- registers (11.4) ----------------------------------------------------- */
#define VTD_VER 0x00
#define VTD_CAP 0x08
#define VTD_ECAP 0x10
#define VTD_GCMD 0x18
#define VTD_GSTS 0x1c
#define VTD_RTADDR 0x20
#define VTD_CCMD 0x28
#define VTD_FSTS 0x34
#define VTD_FECTL 0x38
#define VTD_FEDATA 0x3c  /* fault event interrupt: message data */
#define VTD_FEADDR 0x40  /* message address */
#define VTD_FEUADDR 0x44 /* upper address (x2APIC destination 31:8) */
#define VTD_PMEN 0x64
#define VTD_IQH 0x80
#define VTD_IQT 0x88
#define VTD_IQA 0x90
#define VTD_ICS 0x9c
#define VTD_IRTA 0xb8

/* CAP */
#define VTD_CAP_ND(c) ((unsigned)((c) & 7))
#define VTD_CAP_RWBF BIT(4)
#define VTD_CAP_PLMR BIT(5)
#define VTD_CAP_PHMR BIT(6)
#define VTD_CAP_CM BIT(7)
#define VTD_CAP_SAGAW(c) ((unsigned)(((c) >> 8) & 0x1f))
#define VTD_SAGAW_39 BIT(1) /* 3-level */
#define VTD_SAGAW_48 BIT(2) /* 4-level */
#define VTD_CAP_MGAW(c) ((unsigned)(((c) >> 16) & 0x3f) + 1)
#define VTD_CAP_FRO(c) ((unsigned)(((c) >> 24) & 0x3ff) * 16)
#define VTD_CAP_SLLPS_2M BIT(34)
#define VTD_CAP_SLLPS_1G BIT(35)
#define VTD_CAP_NFR(c) ((unsigned)(((c) >> 40) & 0xff) + 1)

/* ECAP */
#define VTD_ECAP_C BIT(0)
#define VTD_ECAP_QI BIT(1)
#define VTD_ECAP_IR BIT(3)
#define VTD_ECAP_EIM BIT(4)
#define VTD_ECAP_IRO(e) ((unsigned)(((e) >> 8) & 0x3ff) * 16)

/* GCMD / GSTS: the same bit positions. */
#define VTD_GCMD_TE BIT(31)
#define VTD_GCMD_SRTP BIT(30)
#define VTD_GCMD_WBF BIT(27)
#define VTD_GCMD_QIE BIT(26)
#define VTD_GCMD_IRE BIT(25)
#define VTD_GCMD_SIRTP BIT(24)
#define VTD_GCMD_CFI BIT(23)
/* The enables that stay as they are (one-shot commands read back 0). */
#define VTD_GSTS_KEEP (VTD_GCMD_TE | VTD_GCMD_QIE | VTD_GCMD_IRE | VTD_GCMD_CFI)

/* CCMD (register-based context-cache invalidation) */
#define VTD_CCMD_ICC BIT(63)
#define VTD_CCMD_GLOBAL (1ull << 61)
#define VTD_CCMD_DOMAIN (2ull << 61)
/* IOTLB register at ECAP.IRO + 8 */
#define VTD_IOTLB_IVT BIT(63)
#define VTD_IOTLB_GLOBAL (1ull << 60)
#define VTD_IOTLB_DOMAIN (2ull << 60)
#define VTD_IOTLB_DR BIT(49)
#define VTD_IOTLB_DW BIT(48)
#define VTD_IOTLB_DID(d) ((uint64_t)(d) << 32)

/* FSTS */
#define VTD_FSTS_PFO BIT(0)
#define VTD_FSTS_PPF BIT(1)
#define VTD_FSTS_IQE BIT(4)
#define VTD_FSTS_ICE BIT(5)
#define VTD_FSTS_ITE BIT(6)
#define VTD_FSTS_FRI(s) ((unsigned)(((s) >> 8) & 0xff))
#define VTD_FECTL_IM BIT(31)
#define VTD_FE_MSI_BASE 0xfee00000u

/* IRTA */
#define VTD_IRTA_EIME BIT(11)

/* ---- root and context entries (9.1, 9.3) ---------------------------------- */
struct vtd_entry128 {
	uint64_t lo, hi;
};

_Static_assert(sizeof(struct vtd_entry128) == 16, "128-bit entries");

#define VTD_ROOT_P BIT(0)
#define VTD_CTX_P BIT(0)
#define VTD_CTX_FPD BIT(1)
#define VTD_CTX_TT_SL (0ull << 2)  /* untranslated requests, second level */
#define VTD_CTX_AW_39 1u
#define VTD_CTX_AW_48 2u
#define VTD_MAX_DID 0xffffu

static inline struct vtd_entry128 vtd_root_entry(paddr_t context_table)
{
	return (struct vtd_entry128){ context_table | VTD_ROOT_P, 0 };
}

/* levels 3 or 4 (AW 1 or 2). */
static inline struct vtd_entry128 vtd_context_entry(paddr_t slpt, unsigned levels,
						    uint16_t did)
{
	return (struct vtd_entry128){
		(slpt & ~0xfffull) | VTD_CTX_TT_SL | VTD_CTX_P,
		(uint64_t)(levels - 2) | ((uint64_t)did << 8),
	};
}

static inline uint16_t vtd_context_did(struct vtd_entry128 e)
{
	return (uint16_t)(e.hi >> 8);
}

/* ---- invalidation descriptors (6.5.2) ------------------------------------- */
#define VTD_QI_CC 0x1u
#define VTD_QI_IOTLB 0x2u
#define VTD_QI_IEC 0x4u
#define VTD_QI_WAIT 0x5u
#define VTD_QI_GRAN_GLOBAL (1ull << 4)
#define VTD_QI_GRAN_DOMAIN (2ull << 4)
#define VTD_QI_IOTLB_DR BIT(7)
#define VTD_QI_IOTLB_DW BIT(6)
#define VTD_QI_WAIT_SW BIT(5)
#define VTD_QI_IEC_INDEX BIT(4)

static inline struct vtd_entry128 vtd_qi_context(bool global, uint16_t did)
{
	return (struct vtd_entry128){
		VTD_QI_CC | (global ? VTD_QI_GRAN_GLOBAL : VTD_QI_GRAN_DOMAIN) |
		((uint64_t)did << 16), 0 };
}

static inline struct vtd_entry128 vtd_qi_iotlb(bool global, uint16_t did)
{
	return (struct vtd_entry128){
		VTD_QI_IOTLB | (global ? VTD_QI_GRAN_GLOBAL : VTD_QI_GRAN_DOMAIN) |
		VTD_QI_IOTLB_DR | VTD_QI_IOTLB_DW | ((uint64_t)did << 16), 0 };
}

/* Global when count is 0, else 2^order entries from 'index'. */
static inline struct vtd_entry128 vtd_qi_iec(bool global, uint16_t index)
{
	return (struct vtd_entry128){
		VTD_QI_IEC | (global ? 0 : VTD_QI_IEC_INDEX) |
		((uint64_t)index << 32), 0 };
}

static inline struct vtd_entry128 vtd_qi_wait(paddr_t status, uint32_t data)
{
	return (struct vtd_entry128){
		VTD_QI_WAIT | VTD_QI_WAIT_SW | ((uint64_t)data << 32),
		status & ~3ull };
}

/* ---- interrupt remapping (9.10, 5.1.2) ------------------------------------ */
#define VTD_IRTE_P BIT(0)
#define VTD_IRTE_FPD BIT(1)
#define VTD_IRTE_DM_LOGICAL BIT(2)
#define VTD_IRTE_TM_LEVEL BIT(4)
#define VTD_IRTE_VECTOR(lo) ((unsigned)(((lo) >> 16) & 0xff))
#define VTD_IRTE_DEST(lo) ((uint32_t)((lo) >> 32))
#define VTD_IRTE_SID(hi) ((uint16_t)(hi))
#define VTD_IRTE_SQ_ALL 0ull
#define VTD_IRTE_SVT_SID (1ull << 18)  /* verify the requester id */

/* A fixed, edge, physical-destination IRTE delivering 'vector' to APIC
 * ID 'dest' for requests from 'sid' only.  'x2apic': the unit runs in
 * extended interrupt mode (IRTA.EIME), so the destination is the 32-bit
 * x2APIC ID; otherwise the 8-bit xAPIC ID sits in bits 47:40. */
static inline struct vtd_entry128 vtd_irte(uint8_t vector, uint32_t dest,
					   bool x2apic, uint16_t sid)
{
	uint64_t d = x2apic ? dest : (uint64_t)(dest & 0xff) << 8;

	return (struct vtd_entry128){
		VTD_IRTE_P | ((uint64_t)vector << 16) | (d << 32),
		sid | VTD_IRTE_SQ_ALL | VTD_IRTE_SVT_SID,
	};
}

/* Remappable-format MSI (5.1.2.2): address 0xfee00000 with the handle in
 * bits 19:5 (15:0 of it) and bit 2 (bit 15), bit 4 set; SHV clear, so
 * the data is 0. */
#define VTD_MSI_ADDR_BASE 0xfee00000u
#define VTD_MSI_REMAPPABLE BIT(4)

static inline uint32_t vtd_msi_addr(uint16_t handle)
{
	return VTD_MSI_ADDR_BASE | VTD_MSI_REMAPPABLE |
	       ((uint32_t)(handle & 0x7fff) << 5) | ((uint32_t)(handle >> 15) << 2);
}

/* ---- fault records (11.4.14) ---------------------------------------------- */
#define VTD_FRCD_F BIT(63)        /* hi: fault */
#define VTD_FRCD_T BIT(62)        /* hi: 1 read, 0 write (legacy meaning) */
#define VTD_FRCD_REASON(hi) ((unsigned)(((hi) >> 32) & 0xff))
#define VTD_FRCD_SID(hi) ((uint16_t)(hi))

struct vtd_fault {
	uint16_t sid;
	uint8_t reason;
	bool write;
	uint64_t addr;     /* page of a DMA fault; for interrupt faults, the
			    * interrupt index in bits 63:48 */
	unsigned unit;
};

static inline struct vtd_fault vtd_fault_decode(uint64_t lo, uint64_t hi)
{
	return (struct vtd_fault){
		.sid = VTD_FRCD_SID(hi),
		.reason = (uint8_t)VTD_FRCD_REASON(hi),
		.write = !(hi & VTD_FRCD_T),
		.addr = lo & ~0xfffull,
	};
}

/* Interrupt-remapping fault reasons start at 0x20. */
static inline bool vtd_fault_is_intr(const struct vtd_fault *f)
{
	return f->reason >= 0x20;
}

const char *vtd_fault_reason(unsigned reason);

#endif
