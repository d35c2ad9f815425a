/* The configuration space a VM sees of a PCI function it was given
 * (docs/passthrough.md, "The guest's view").  Pure logic over an ops
 * struct: the host's configuration space of the one function, the EPT
 * mappings of its BARs and the host's interrupt messages are reached
 * through callbacks, so that the unit tests and the fuzzer drive it
 * against fakes.
 *
 * What the guest sees, register by register (PCI Local Bus 3.0, 6.1-6.8;
 * PCI Express Base 4.0, 7.5-7.7):
 *   - vendor/device, class/revision, subsystem IDs: the host's;
 *   - header type 0, single function; BIST, cardbus CIS, Min_Gnt/Max_Lat
 *     read 0; cache line size and latency timer are plain guest storage;
 *   - command: the guest's value (I/O, memory, bus master, parity, SERR,
 *     INTx disable writable; the rest reads 0).  The host's register gets
 *     I/O and memory decode and INTx disable as the guest sets them, bus
 *     master only when the VM's DMA is confined (dma_ok);
 *   - status: the host's informational bits (interrupt status, 66 MHz,
 *     fast back-to-back, DEVSEL timing), capabilities list when a
 *     capability is left; error bits read 0, writes are dropped;
 *   - memory BARs: the addresses the hypervisor chose in the guest's PCI
 *     hole, sizing writes answered with the real size mask, 64-bit pairs.
 *     A memory BAR decodes (ops->bar_map) while memory decode is on and
 *     the BAR lies wholly inside [win_lo, win_hi) without overlapping
 *     another BAR of the function; anywhere else it is only a number.
 *     Guest writes never reach the host's BARs;
 *   - I/O BARs: the host's port address (the VM's I/O bitmap passes those
 *     ports); a guest may size them, a guest that moves one moves only
 *     the number it reads back;
 *   - expansion ROM: reads 0, writes dropped;
 *   - interrupt line: guest storage, starting at the VM's line; pin: INTA
 *     when the host function has an INTx pin, else 0;
 *   - capabilities: PM, MSI, MSI-X and PCI Express kept (relinked in
 *     their host order), every other one unlinked; bytes outside the
 *     header and the kept capabilities read 0.  PM and PCIe registers
 *     read the host's and drop writes; MSI is kept virtual (one vector;
 *     ops->msi_update after every change); MSI-X control's enable and
 *     function mask reach the host, the table is virtual (at most
 *     VPCI_PT_MSIX_MAX entries shown; ops->msix_update per entry), the
 *     PBA reads the host's;
 *   - extended space (0x100-0xfff, through the guest's ECAM window): an
 *     empty extended capability list, every dword 0.
 *
 * Not thread-safe: the caller serialises every call (the vplat lock). */
#ifndef GUEST_VPCI_PT_H
#define GUEST_VPCI_PT_H

#include "lib/types.h"
#include "drivers/pci.h"

#define VPCI_PT_MSIX_MAX 64 /* table entries a guest sees at most */
#define VPCI_PT_MAX_CAPS 4  /* PM, MSI, MSI-X, PCIe */
#define VPCI_PT_ECAM_SIZE 4096

/* One interrupt message as the guest programmed it. */
struct vpci_pt_msg {
	uint64_t addr;
	uint32_t data;
	bool live; /* enabled and not masked: the host may deliver it */
};

struct vpci_pt_ops {
	/* The host function's configuration space ('size' 1, 2 or 4, 'off'
	 * aligned to it). */
	uint32_t (*cfg_read)(void *ctx, unsigned off, unsigned size);
	void (*cfg_write)(void *ctx, unsigned off, unsigned size, uint32_t val);
	/* Memory BAR 'bar' starts (map) or stops decoding at guest address
	 * 'gpa' ('size' bytes). */
	void (*bar_map)(void *ctx, unsigned bar, uint64_t gpa, uint64_t size,
			bool map);
	/* The guest's MSI or MSI-X entry changed. */
	void (*msi_update)(void *ctx, const struct vpci_pt_msg *m);
	void (*msix_update)(void *ctx, unsigned entry, const struct vpci_pt_msg *m);
	/* The host BAR's memory, for the bytes of a trapped page that are
	 * neither table nor PBA ('len' 1, 2, 4 or 8, within the BAR). */
	uint64_t (*bar_read)(void *ctx, unsigned bar, uint64_t off, unsigned len);
	void (*bar_write)(void *ctx, unsigned bar, uint64_t off, unsigned len,
			  uint64_t val);
	void *ctx;
};

struct vpci_pt_bar {
	uint8_t kind;     /* enum pci_bar_kind; the upper half of a 64-bit
			   * BAR is PCI_BAR_NONE */
	bool prefetch;
	bool mapped;      /* ops->bar_map(.., map = true) in force at 'at' */
	uint64_t size;
	uint64_t host;    /* host address (I/O: port) */
	uint64_t guest;   /* what the guest reads back, flag bits excluded */
	uint64_t at;      /* where it decodes while mapped */
};

struct vpci_pt_cap {
	uint8_t off, id, len;
};

/* What the function is made from: the host table's entry (identity,
 * BARs, capabilities) and the caller's choices. */
struct vpci_pt_cfg {
	const struct pci_func *host;
	uint64_t bar_gpa[PCI_NUM_BARS]; /* memory BARs: guest addresses */
	uint64_t win_lo, win_hi;        /* where memory BARs may decode */
	uint8_t line;                   /* the VM's interrupt line */
	bool dma_ok;                    /* bus master may be set on the host */
	/* Device-specific registers [raw_lo, raw_hi) (dwords at or above
	 * 0x40, outside kept capabilities) read and written on the host as
	 * they are: an IDE controller's channel enables and timings, which
	 * affect only the function itself.  0, 0: none. */
	uint8_t raw_lo, raw_hi;
};

struct vpci_pt {
	struct vpci_pt_ops ops;
	uint32_t id, class_rev, subsys;
	uint8_t pin, line, cacheline, latency;
	uint16_t cmd;
	bool dma_ok;
	uint8_t raw_lo, raw_hi;
	uint64_t win_lo, win_hi;
	struct vpci_pt_bar bar[PCI_NUM_BARS];
	struct vpci_pt_cap cap[VPCI_PT_MAX_CAPS];
	unsigned ncaps;
	/* MSI (offset 0: none) */
	uint8_t msi;
	bool msi_64, msi_pvm;
	uint16_t msi_ctrl;
	uint32_t msi_addr_lo, msi_addr_hi, msi_mask;
	uint16_t msi_data;
	/* MSI-X (offset 0: none) */
	uint8_t msix;
	uint16_t msix_ctrl;   /* enable and function mask, as the guest set */
	unsigned msix_n;      /* entries shown */
	unsigned msix_host_n; /* entries the device has (all trapped) */
	uint8_t msix_bir, pba_bir;
	uint32_t msix_off, pba_off;
	uint32_t msix_tab[VPCI_PT_MSIX_MAX][4];
};

/* Build the guest's view (nothing is written to the host but the
 * command register's mediated bits); memory BARs whose address is valid
 * are mapped at once (memory decode starts on, as firmware leaves it). */
void vpci_pt_init(struct vpci_pt *pt, const struct vpci_pt_cfg *cfg,
		  const struct vpci_pt_ops *ops);
/* Unmap every BAR (the function leaves the VM). */
void vpci_pt_fini(struct vpci_pt *pt);

/* Config dword at 'reg' (a multiple of 4 below VPCI_PT_ECAM_SIZE), and a
 * write of the byte lanes 'mask' selects: the hooks of struct vpci_func. */
uint32_t vpci_pt_read(void *pt, unsigned reg);
void vpci_pt_write(void *pt, unsigned reg, uint32_t val, uint32_t mask);

/* Which of the function's BAR pages must trap (MSI-X table, PBA): true
 * when [off, off + len) of BAR 'bar' meets one. */
bool vpci_pt_trapped(const struct vpci_pt *pt, unsigned bar, uint64_t off,
		     uint64_t len);
/* The BAR whose current guest range holds 'gpa' (its offset in *off),
 * or -1. */
int vpci_pt_bar_at(const struct vpci_pt *pt, uint64_t gpa, uint64_t *off);
/* A guest access of 'len' (1, 2, 4, 8; naturally aligned) at 'off' of
 * memory BAR 'bar' that trapped: the MSI-X table, the PBA, or the rest of
 * a trapped page (passed to the host BAR); off the BAR's end reads all
 * ones and drops writes. */
uint64_t vpci_pt_mmio_read(struct vpci_pt *pt, unsigned bar, uint64_t off,
			   unsigned len);
void vpci_pt_mmio_write(struct vpci_pt *pt, unsigned bar, uint64_t off,
			unsigned len, uint64_t val);

#endif
