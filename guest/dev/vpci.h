/* Virtual PCI configuration space, access mechanism #1 (PCI Local Bus
 * 3.0, 3.2.2.3.2): the CONFIG_ADDRESS register at port 0xcf8 (dword
 * accesses only; bit 31 enables, bus 23:16, device 15:11, function 10:8,
 * register 7:2) and the CONFIG_DATA window at 0xcfc-0xcff, which maps
 * the addressed dword: byte and word accesses pick its byte lanes.
 *
 * Bus 0 holds one function, the host bridge at 00:00.0 (an Intel 82441FX,
 * "440FX", as in its datasheet 290549): identification, class and a
 * command register whose only writable bits are parity and SERR response,
 * which this platform never acts on.  Every other bus, device and function
 * is absent: reads return all ones and writes vanish, as master aborts do.
 *
 * Functions are a small table of hooks, looked up by bus/device/function;
 * passed-through or emulated devices can be added beside the host bridge
 * with vpci_add_func().  A hook sees whole config dwords with PCI byte
 * enables, never a sub-dword access.
 *
 * Not thread-safe: the caller serialises all calls.  The struct vpci
 * holds pointers into itself: initialise it where it will stay. */
#ifndef GUEST_VPCI_H
#define GUEST_VPCI_H

#include "lib/types.h"

#define VPCI_PORT_ADDR 0xcf8
#define VPCI_PORT_DATA 0xcfc
/* A byte at 0xcf9 is not PCI: PIIX decodes its reset control register
 * there (guest/dev/vpm.h); vpci_io_* leave that one access alone. */
#define VPCI_PORT_RESET 0xcf9

#define VPCI_ADDR_ENABLE BIT(31)
/* The latched bits: enable, bus, device, function, dword register.  The
 * reserved bits 30:24 and 1:0 read as zero. */
#define VPCI_ADDR_MASK (VPCI_ADDR_ENABLE | 0x00fffffcu)

/* bus:device.function as the 16 bits that CONFIG_ADDRESS carries in 23:8. */
#define VPCI_BDF(bus, dev, fn) \
	((uint16_t)(((bus) & 0xff) << 8 | ((dev) & 0x1f) << 3 | ((fn) & 7)))

#define VPCI_CFG_SIZE 256 /* conventional config space through CF8/CFC */
/* The ECAM window (PCIe 4.0 7.2.2): 4 KiB per function, bus in bits
 * 27:20, device 19:15, function 14:12.  The guest's covers bus 0 only. */
#define VPCI_ECAM_CFG_SIZE 4096
#define VPCI_ECAM_BUS_SIZE 0x100000u
#define VPCI_MAX_FUNCS 16

/* Host bridge identity (82441FX). */
#define VPCI_HB_VENDOR 0x8086
#define VPCI_HB_DEVICE 0x1237
#define VPCI_HB_REVISION 0x02
#define VPCI_HB_CLASS 0x060000 /* bridge, host, prog-if 0 */

/* Standard header offsets and command bits the host bridge uses. */
#define VPCI_CFG_ID 0x00
#define VPCI_CFG_COMMAND 0x04
#define VPCI_CFG_CLASS_REV 0x08
#define VPCI_CFG_HEADER 0x0c /* cache line, latency, header type, BIST */
#define VPCI_CMD_MEMORY BIT(1)
#define VPCI_CMD_MASTER BIT(2)
#define VPCI_CMD_PARITY BIT(6)
#define VPCI_CMD_SERR BIT(8)
#define VPCI_STS_FAST_B2B BIT(7)
#define VPCI_STS_DEVSEL_MEDIUM BIT(9)

struct vpci_func {
	uint16_t bdf; /* VPCI_BDF() */
	void *ctx;
	/* The config dword at byte offset 'reg' (a multiple of 4, below
	 * VPCI_CFG_SIZE through CF8/CFC, below VPCI_ECAM_CFG_SIZE through
	 * ECAM: a function without extended space answers 0 there). */
	uint32_t (*read)(void *ctx, unsigned reg);
	/* Write the byte lanes of 'val' that 'mask' selects (0xff per
	 * enabled byte, never 0) to the dword at 'reg'. */
	void (*write)(void *ctx, unsigned reg, uint32_t val, uint32_t mask);
};

struct vpci {
	uint32_t addr; /* CONFIG_ADDRESS as latched (VPCI_ADDR_MASK bits) */
	uint16_t hb_command;
	unsigned nfuncs;
	struct vpci_func funcs[VPCI_MAX_FUNCS]; /* [0] is the host bridge */
};

/* Reset: address 0, the host bridge alone on bus 0. */
void vpci_init(struct vpci *p);

/* Add a function: 0, or -1 when the table is full, the bdf is taken or a
 * hook is missing. */
int vpci_add_func(struct vpci *p, const struct vpci_func *f);
/* The function at 'bdf', or NULL. */
struct vpci_func *vpci_find(struct vpci *p, uint16_t bdf);

/* Port access of 'size' bytes (1, 2 or 4) at 'port'.  Claimed (true):
 * every access starting at 0xcf8-0xcff except a byte at 0xcf9.  Only a
 * dword at 0xcf8 reaches CONFIG_ADDRESS; other accesses starting in
 * 0xcf8-0xcfb read all ones and ignore writes.  Data accesses may start
 * at any offset in 0xcfc-0xcff; lanes past 0xcff are not config space
 * (they read 0xff).  Other ports and sizes: false, *val untouched. */
bool vpci_io_read(struct vpci *p, uint16_t port, unsigned size,
		  uint32_t *val);
bool vpci_io_write(struct vpci *p, uint16_t port, unsigned size,
		   uint32_t val);

/* An access of 'len' bytes (1, 2 or 4, not crossing a dword) at 'off'
 * into the ECAM window of bus 0 (off < VPCI_ECAM_BUS_SIZE).  Absent
 * functions, other lengths and accesses that cross a dword read all ones
 * and drop writes. */
uint32_t vpci_ecam_read(struct vpci *p, uint32_t off, unsigned len);
void vpci_ecam_write(struct vpci *p, uint32_t off, unsigned len, uint32_t val);

#endif
