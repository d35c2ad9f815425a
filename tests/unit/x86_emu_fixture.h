/* Shared fixture of the x86 emulator tests (test_x86_emulate*.c and
 * test_x86_walk.c): a fake vCPU (register file, RIP, RFLAGS, segment
 * bases), fake guest RAM by linear address and a fake device page that
 * records every access, wired into x86_emulate() through 'ops'; setup()
 * puts all of it back before each test. */
#ifndef TESTS_UNIT_X86_EMU_FIXTURE_H
#define TESTS_UNIT_X86_EMU_FIXTURE_H

#include "guest/x86emu/x86_emulate.h"
#include "tests/unit/fakes.h"

#define FL_FIXED 0x202ULL /* bit 1 and IF */

#define DEV_GPA 0xfee00000ULL
#define DEV_LA 0xffff800000200000ULL /* where the guest maps the device */
#define RAM_LA 0xffff800000100000ULL /* a window of ordinary guest RAM */
#define RAM_SIZE 0x3000
#define BAD_LA 0xffff800000400000ULL /* read_mem/write_mem fail here */

#define RAX X86_RAX
#define RCX X86_RCX
#define RDX X86_RDX
#define RBX X86_RBX
#define RSP X86_RSP
#define RSI X86_RSI
#define RDI X86_RDI

struct access {
	bool write;
	gpa_t gpa;
	unsigned len;
	uint64_t val;
};

struct fake {
	uint64_t gpr[X86_NR_GPRS], rip, rflags, seg[6];
	unsigned seg_queries[6];
	gpa_t dev_gpa;     /* the device page */
	uint8_t dev[4096];
	bool dev_fail, dev_fail_write;
	struct access log[64];
	unsigned nlog;
	uint8_t ram[RAM_SIZE];
	uint64_t ram_la;
	unsigned ram_reads, ram_writes;
	uint64_t last_ram_la;
};

extern struct fake f;
extern struct x86_emu_fault fault;
extern bool la57;
extern const struct x86_emu_ops ops;

/* The cmocka setup of every test: fresh vCPU, RAM, device and fault. */
int setup(void **state);

/* Little-endian load/store of 'len' bytes. */
uint64_t le_get(const uint8_t *p, unsigned len);
void le_put(uint8_t *p, unsigned len, uint64_t v);

/* Decode the bytes (which must be exactly one instruction) and emulate
 * them as the access to 'gpa' that exited; the device log starts empty. */
enum x86_emu_status emu_bytes(enum x86_mode mode, const uint8_t *b,
			      size_t n, gpa_t gpa, bool write);

#define EMU(mode, gpa, write, ...)                                         \
	emu_bytes((mode), (const uint8_t[]){ __VA_ARGS__ },                \
		  sizeof((const uint8_t[]){ __VA_ARGS__ }), (gpa), (write))
#define EMU64(gpa, ...) EMU(X86_MODE_64, (gpa), false, __VA_ARGS__)

/* The device page's bytes at offset 'off'. */
void dev_set(unsigned off, unsigned len, uint64_t v);
uint64_t dev_get(unsigned off, unsigned len);

/* Device access number i was this one (fails with the caller's line). */
#define expect_access(i, w, g, l, v) expect_access_at(__LINE__, i, w, g, l, v)

void expect_access_at(int line, unsigned i, bool write, gpa_t gpa,
		      unsigned len, uint64_t val);

#endif
