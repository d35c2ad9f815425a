/* Host PCI: configuration access (CF8/CFC or ECAM), enumeration of bus 0
 * and every bus behind a bridge, capability walks, BAR sizing, decode and
 * bus-master control, function-level reset, and one table of functions
 * that records who owns each one.
 *
 * Everything a device answers is untrusted: an absent function reads all
 * ones, a capability list may loop or point outside the header, a BAR may
 * size to nonsense.  The walks are bounded and the odd results recorded as
 * such (PCI_BAR_BAD), never trusted for a mapping.
 *
 * Configuration space is reached through struct pci_cfg_ops, so that the
 * host unit tests put a fake space behind it.  Facts from the PCI Local Bus
 * 3.0 and PCI Express Base 4.0 specifications (header layouts, capability
 * IDs, BAR encoding, the FLR and PM control bits). */
#ifndef DRIVERS_PCI_H
#define DRIVERS_PCI_H

#include "lib/types.h"

/* Bus/device/function packed as the requester ID: bus 15:8, dev 7:3, fn 2:0. */
typedef uint16_t pci_bdf_t;
#define PCI_BDF(b, d, f) ((pci_bdf_t)(((b) << 8) | ((d) << 3) | (f)))
#define PCI_BUS(bdf) ((unsigned)((bdf) >> 8))
#define PCI_DEV(bdf) ((unsigned)(((bdf) >> 3) & 0x1f))
#define PCI_FN(bdf) ((unsigned)((bdf) & 7))
#define PCI_DEVFN(bdf) ((unsigned)((bdf) & 0xff))

/* Header registers. */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_STATUS 0x06
#define PCI_CLASS_REV 0x08
#define PCI_HEADER_TYPE 0x0e
#define PCI_BAR0 0x10
#define PCI_PRIMARY_BUS 0x18 /* type 1 */
#define PCI_SECONDARY_BUS 0x19
#define PCI_SUBORDINATE_BUS 0x1a
#define PCI_ROM_TYPE0 0x30
#define PCI_CAP_PTR 0x34
#define PCI_INT_LINE 0x3c

#define PCI_CMD_IO BIT(0)
#define PCI_CMD_MEM BIT(1)
#define PCI_CMD_MASTER BIT(2)
#define PCI_CMD_INTX_DISABLE BIT(10)
#define PCI_STATUS_CAPS BIT(4)

#define PCI_CLASS_HOST_BRIDGE 0x0600 /* base class and subclass */
#define PCI_CLASS_IDE 0x0101 /* mass storage, IDE */

#define PCI_HDR_TYPE_MASK 0x7f
#define PCI_HDR_MULTIFN 0x80
#define PCI_HDR_NORMAL 0
#define PCI_HDR_BRIDGE 1

/* Capability IDs (standard list) and extended capability IDs. */
#define PCI_CAP_PM 0x01
#define PCI_CAP_MSI 0x05
#define PCI_CAP_PCIE 0x10
#define PCI_CAP_MSIX 0x11
#define PCI_EXT_CAP_BASE 0x100
#define PCI_CFG_SIZE 0x100
#define PCI_CFG_SIZE_EXT 0x1000

/* Power management: PMCSR at cap + 4, state in bits 1:0. */
#define PCI_PM_CTRL 4
#define PCI_PM_STATE_MASK 3u
#define PCI_PM_D3HOT 3u
#define PCI_PM_NO_SOFT_RESET BIT(3)
/* PCIe: device capabilities at cap + 4 (FLR bit 28), device control at
 * cap + 8 (initiate FLR bit 15), device status at cap + 0xa (transactions
 * pending bit 5). */
#define PCI_EXP_DEVCAP 4
#define PCI_EXP_DEVCAP_FLR BIT(28)
#define PCI_EXP_DEVCTL 8
#define PCI_EXP_DEVCTL_FLR BIT(15)
#define PCI_EXP_DEVSTA 0xa
#define PCI_EXP_DEVSTA_TRPND BIT(5)
/* MSI-X: message control at cap + 2 (table size 10:0, mask all 14,
 * enable 15), table at cap + 4, PBA at cap + 8 (BIR 2:0, offset 31:3). */
#define PCI_MSIX_CTRL 2
#define PCI_MSIX_CTRL_SIZE 0x7ffu
#define PCI_MSIX_CTRL_MASKALL BIT(14)
#define PCI_MSIX_CTRL_ENABLE BIT(15)
#define PCI_MSIX_TABLE 4
#define PCI_MSIX_BIR_MASK 7u
/* MSI: message control at cap + 2 (enable 0, 64-bit 7, per-vector mask 8). */
#define PCI_MSI_CTRL 2
#define PCI_MSI_CTRL_ENABLE BIT(0)
#define PCI_MSI_CTRL_64 BIT(7)

/* BARs. */
#define PCI_BAR_IO_FLAG BIT(0)
#define PCI_BAR_MEM_TYPE_MASK 0x6u
#define PCI_BAR_MEM_64 0x4u
#define PCI_BAR_PREFETCH BIT(3)
#define PCI_NUM_BARS 6

#define PCI_MAX_FUNCS 256
#define PCI_MAX_CAP_WALK 48   /* (256 - 64) / 4: more entries is a loop */
#define PCI_MAX_EXT_CAP_WALK 960 /* (4096 - 256) / 4 */

/* How configuration space is reached. 'size' is 1, 2 or 4; 'off' is
 * aligned to it. */
struct pci_cfg_ops {
	uint32_t (*read)(void *ctx, pci_bdf_t bdf, unsigned off, unsigned size);
	void (*write)(void *ctx, pci_bdf_t bdf, unsigned off, unsigned size,
		      uint32_t val);
	void *ctx;
	unsigned cfg_size; /* 256 (CF8/CFC) or 4096 (ECAM) */
	const char *name;
};

enum pci_bar_kind { PCI_BAR_NONE, PCI_BAR_MEM32, PCI_BAR_MEM64, PCI_BAR_IO,
		    PCI_BAR_BAD };

struct pci_bar {
	uint64_t base;
	uint64_t size;
	uint8_t kind;      /* enum pci_bar_kind */
	bool prefetch;
};

enum pci_owner { PCI_OWNER_NONE, PCI_OWNER_HV, PCI_OWNER_VM };

struct pci_func {
	pci_bdf_t bdf;
	uint16_t vendor, device;
	uint32_t class_rev;   /* class 31:8, revision 7:0 */
	uint8_t hdr_type;     /* PCI_HDR_NORMAL, PCI_HDR_BRIDGE, other */
	uint8_t secondary;    /* bridges: the bus behind it */
	uint8_t cap_pm, cap_msi, cap_msix, cap_pcie; /* 0: absent */
	uint16_t ext_caps;    /* extended capabilities found */
	bool cap_loop;        /* a capability list that did not end */
	bool flr;             /* PCIe FLR supported */
	struct pci_bar bar[PCI_NUM_BARS];
	uint8_t owner;        /* enum pci_owner */
	int owner_id;         /* VM id when owned by a VM */
	const char *owner_name;
};

struct pci_table {
	unsigned n;
	unsigned dropped;     /* functions beyond the table's capacity */
	unsigned reads;       /* configuration reads enumeration took */
	struct pci_func *f;   /* capacity cap */
	unsigned cap;
};

/* Configuration accessors over the ops. */
uint32_t pci_read(const struct pci_cfg_ops *ops, pci_bdf_t bdf, unsigned off,
		  unsigned size);
void pci_write(const struct pci_cfg_ops *ops, pci_bdf_t bdf, unsigned off,
	       unsigned size, uint32_t val);

/* Enumerate from bus 'root_bus' into t (t->f and t->cap set by the
 * caller), following the secondary bus of every bridge (each bus at most
 * once).  Returns the number of functions found. */
unsigned pci_enumerate(const struct pci_cfg_ops *ops, unsigned root_bus,
		       struct pci_table *t);

/* Offset of the first standard capability with 'id' (0: none); bounded. */
unsigned pci_find_cap(const struct pci_cfg_ops *ops, pci_bdf_t bdf, uint8_t id);
/* Offset of the extended capability 'id' (0: none or no ext space). */
unsigned pci_find_ext_cap(const struct pci_cfg_ops *ops, pci_bdf_t bdf,
			  uint16_t id);

/* Size BAR 'i' of a type-0 function with memory and I/O decode off for
 * the time of the probe (the command register restored after).  Returns
 * the index of the next BAR (i + 2 after a 64-bit one). */
unsigned pci_bar_probe(const struct pci_cfg_ops *ops, pci_bdf_t bdf,
		       unsigned i, struct pci_bar *bar);

/* Set (on) or clear the given PCI_CMD_* bits. */
void pci_command(const struct pci_cfg_ops *ops, pci_bdf_t bdf, uint16_t bits,
		 bool on);

/* Function-level reset: PCIe FLR when DEVCAP says so, else a PM
 * D3hot -> D0 transition when the function does not advertise
 * No_Soft_Reset, else -ENOTSUP (the caller must treat the function as not
 * resettable: see docs/passthrough.md).  Bus mastering is off afterwards.
 * 'delay_us' waits (a fake in the tests).  0 or -errno. */
int pci_reset_function(const struct pci_cfg_ops *ops, const struct pci_func *f,
		       void (*delay_us)(unsigned us));

/* The function in t with 'bdf', or NULL. */
struct pci_func *pci_table_find(struct pci_table *t, pci_bdf_t bdf);

/* "BB:DD.F" */
void pci_bdf_text(pci_bdf_t bdf, char out[8]);

/* --- the host's table (drivers/pci_host.c) -------------------------------- */

/* Make [pa, pa + len) reachable uncached; returns a pointer or NULL. */
typedef void *(*pci_map_fn)(paddr_t pa, size_t len);

/* Find ECAM (MCFG) or fall back to CF8/CFC, enumerate segment 0, print
 * the boot report.  Owners start as "nobody". */
void pci_host_init(pci_map_fn map);
const struct pci_cfg_ops *pci_host_ops(void);
struct pci_table *pci_host_table(void);
pci_map_fn pci_host_mapper(void);
/* Claim a function for an owner; -EBUSY if someone else has it. */
int pci_claim(pci_bdf_t bdf, enum pci_owner owner, int id, const char *name);
void pci_release(pci_bdf_t bdf);
void pci_print_table(void);

#endif
