/* What a guest is told about its physical address space (an E820-style
 * memory map), a small allocator over that map for the loaders, and the
 * callback through which the loaders write guest RAM.
 *
 * The loaders (guest/load/linux_boot.c, guest/load/mb_loader.c, guest/load/acpi_build.c)
 * are pure functions over these two things: they decide where to put an
 * object with the map and store it through struct guest_mem_ops, so the
 * host unit tests run them on a fake guest RAM buffer.  See
 * docs/guest-platform.md for the layout as a guest sees it. */
#ifndef GUEST_E820_H
#define GUEST_E820_H

#include "lib/types.h"

/* Entry types, numbered as the BIOS INT 15h E820 call, Multiboot and
 * lib/boot_info.h number them. */
#define E820_RAM 1
#define E820_RESERVED 2
#define E820_ACPI 3		/* ACPI tables, reclaimable once read */
#define E820_NVS 4
#define E820_UNUSABLE 5

#define E820_MAX_ENTRIES 16
#define E820_MAX_RESV 4

/* The fixed parts of every guest's address space. */
#define GUEST_CONV_END 0x9fc00ull	/* conventional memory ends at the EBDA */
#define GUEST_BIOS_END 0x100000ull	/* EBDA, VGA hole, BIOS area: reserved */
#define GUEST_MMIO_HOLE 0xfec00000ull	/* IOAPIC, LAPIC, firmware: up to 4 GiB */
#define GUEST_4G 0x100000000ull	/* RAM beyond the hole continues here */
#define GUEST_ACPI_DEFAULT_SIZE KiB(64)

struct e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;		/* E820_* */
};

/* Sorted by address, non-overlapping, no empty entry, no wrap.  Guest RAM
 * (what must be backed by host memory) is [0, low_ram_end) and, when
 * high_ram_end is not 0, [GUEST_4G, high_ram_end): the reserved low-memory
 * area and the ACPI area are RAM the map merely marks.  With an identity
 * hole (ident_base, below) [GUEST_BIOS_END, hole_end) is no RAM: it is
 * marked reserved, and nothing backs it. */
struct e820_map {
	struct e820_entry e[E820_MAX_ENTRIES];
	unsigned n;
	uint64_t low_ram_end;
	uint64_t high_ram_end;
	uint64_t hole_end;	/* 0: no hole */
};

/* The inputs of e820_build(). */
struct guest_layout {
	uint64_t ram_size;	/* bytes; multiple of 4 KiB, at least 1 MiB */
	/* RAM below 4 GiB stops here at the latest (0: GUEST_MMIO_HOLE); the
	 * rest goes above 4 GiB.  Lower it to leave a gap for PCI BARs.
	 * Page-aligned, 1 MiB to GUEST_MMIO_HOLE. */
	uint64_t low_ram_max;
	/* ACPI tables area, type E820_ACPI: page-aligned, inside low RAM
	 * above 1 MiB.  acpi_size 0: none. */
	uint64_t acpi_base;
	uint64_t acpi_size;
	/* dma = identity (docs/passthrough.md): 0, or where the RAM above
	 * the first MiB starts, guest-physical == host-physical.  The first
	 * MiB stays RAM, [GUEST_BIOS_END, ident_base) is a reserved hole (the
	 * hypervisor and other host memory), and the rest of ram_size,
	 * ram_size - 1 MiB, follows from ident_base on; all of it must end
	 * below the low RAM limit (no RAM above 4 GiB).  Page-aligned. */
	uint64_t ident_base;
	/* A PCI ECAM window to reserve (between low RAM and
	 * GUEST_MMIO_HOLE); ecam_size 0: none. */
	uint64_t ecam_base;
	uint64_t ecam_size;
	/* More reserved ranges, [start, end): the RMRRs of the VM's PCI
	 * functions (docs/passthrough.md).  Each must lie outside the RAM and
	 * the other entries; page-aligned. */
	struct e820_resv { uint64_t start, end; } resv[E820_MAX_RESV];
	unsigned nresv;
};

/* ram_size with the ACPI area in the last GUEST_ACPI_DEFAULT_SIZE bytes of
 * low RAM (none when low RAM ends below 1 MiB + that size). */
void guest_layout_default(struct guest_layout *l, uint64_t ram_size);

/* Turn a layout into the identity layout above (ident_base page-aligned,
 * at or above GUEST_BIOS_END): the ACPI area moves to the last
 * GUEST_ACPI_DEFAULT_SIZE bytes of the RAM at ident_base (none when that
 * RAM is smaller).  e820_build() checks the rest. */
void guest_layout_identity(struct guest_layout *l, uint64_t ident_base);

/* The map for a layout.  0, or -EINVAL with a message in err (nothing else
 * promised about *m). */
int e820_build(const struct guest_layout *l, struct e820_map *m, char *err,
	       size_t errlen);

/* Is the map well formed (sorted, non-overlapping, non-empty entries, no
 * wrap, at most E820_MAX_ENTRIES)?  0, or -EINVAL with the reason in err. */
int e820_check(const struct e820_map *m, char *err, size_t errlen);

/* [addr, addr + len) lies inside one E820_RAM entry (len 0: false). */
bool e820_is_ram(const struct e820_map *m, uint64_t addr, uint64_t len);

/* Bytes of RAM from 'addr' on, contiguous in E820_RAM entries (0 when
 * addr is not in RAM).  For Multiboot's mem_lower/mem_upper. */
uint64_t e820_ram_run(const struct e820_map *m, uint64_t addr);

/* A range [start, end) that an allocation must not touch. */
struct e820_range {
	uint64_t start;
	uint64_t end;
};

struct e820_find_req {
	uint64_t size;		/* > 0 */
	uint64_t align;		/* power of two; 0 or 1: any */
	uint64_t min;		/* block starts at or above */
	uint64_t max_end;	/* and ends at or below (0: no limit) */
	const struct e820_range *avoid;
	unsigned navoid;
	bool top_down;		/* highest fitting address, else lowest */
};

#define E820_NOT_FOUND UINT64_MAX

/* The start of a block that lies inside one E820_RAM entry and meets the
 * request, or E820_NOT_FOUND. */
uint64_t e820_find(const struct e820_map *m, const struct e820_find_req *r);

/* ---- guest memory access --------------------------------------------- */

/* How the loaders reach guest RAM.  Each callback copies exactly len bytes
 * to or from guest-physical gpa and returns 0, or a negative value with
 * nothing copied when any byte lies outside guest RAM.  (On the machine:
 * gmem_copy_to_guest()/gmem_copy_from_guest() on the VM's gmem_map.) */
struct guest_mem_ops {
	void *ctx;
	int (*write)(void *ctx, uint64_t gpa, const void *src, size_t len);
	int (*read)(void *ctx, uint64_t gpa, void *dst, size_t len);
};

/* Zero [gpa, gpa + len) through ops->write, a page at a time. */
int guest_mem_zero(const struct guest_mem_ops *ops, uint64_t gpa,
		   uint64_t len);

#endif
