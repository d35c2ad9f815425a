/* mbkern: a 32-bit Multiboot kernel built in the tree, booted by the
 * hypervisor's Multiboot loader (`entry = multiboot`).  mbkern.elf carries
 * a Multiboot2 header, mbkern1.elf a Multiboot (0.6.96) one
 * (mbkern_head.S); this file is shared and reads whichever information
 * block the magic in EAX announces.
 *
 * It prints over COM1 (polling LSR.THRE, no set-up) the magic, the entry
 * state, the command line, the boot loader name, the memory map and the
 * modules, and checks: the magic is the one its header asked for; 32-bit
 * protected mode with paging and interrupts off; the information block is
 * well formed; the command line is exactly MBKERN_CMDLINE (the `cmdline`
 * of tests/boot/vms/mbkern.vms and mbkern1.vms); the memory map is sorted,
 * has RAM above 1 MiB, and the kernel and the information block lie in
 * RAM; modules are page-aligned.
 *
 * It leaves through the isa-debug-exit port 0xf4 (`debug_exit = on`):
 * value 0 when every check passed, 1 otherwise, which the port turns into
 * exit code (value << 1) | 1, so success is exit code 1.
 *
 * Freestanding 32-bit code: no libgcc, hence no 64-bit division (64-bit
 * numbers are printed in hex). */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MBKERN_CMDLINE "mbkern test=1 hello"

#define MB1_BOOTLOADER_MAGIC 0x2badb002u
#define MB2_BOOTLOADER_MAGIC 0x36d76289u

/* Multiboot information flags (0.6.96 section 3.3). */
#define MB1_INFO_MEMORY (1u << 0)
#define MB1_INFO_CMDLINE (1u << 2)
#define MB1_INFO_MODS (1u << 3)
#define MB1_INFO_MMAP (1u << 6)
#define MB1_INFO_LOADER_NAME (1u << 9)

/* Multiboot2 information tags (2.0 section 3.6). */
#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_LOADER_NAME 2
#define MB2_TAG_MODULE 3
#define MB2_TAG_BASIC_MEMINFO 4
#define MB2_TAG_MMAP 6
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15

#define MMAP_RAM 1
#define ONE_MIB 0x100000ull
#define PAGE_SIZE 0x1000u
#define MB2_INFO_MAX 0x100000u /* a sanity bound on total_size */

#define CR0_PE (1u << 0)
#define CR0_PG (1u << 31)
#define EFLAGS_IF (1u << 9)
#define EFLAGS_VM (1u << 17)

#define COM1_THR 0x3f8
#define COM1_LSR 0x3fd
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define DEBUG_EXIT_PORT 0xf4

/* From mbkern_head.S and mbkern.ld. */
extern const uint32_t mbkern_version;
extern const char __kernel_start[], __kernel_end[];

/* Written by the entry stub. */
uint32_t mbkern_entry_eflags, mbkern_entry_eax, mbkern_entry_ebx, mbkern_entry_cr0;
uint16_t mbkern_entry_cs, mbkern_entry_ds;

void mbkern_main(uint32_t magic, uint32_t info) __attribute__((noreturn));

static const char *name; /* "mbkern" or "mbkern1": every line starts with it */
static unsigned passed, failed;

/* GCC may call these even in freestanding code (struct copies and
 * initialisers); built with -fno-tree-loop-distribute-patterns so that
 * these loops do not become calls to themselves. */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);

void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;

	while (n--)
		*d++ = (uint8_t)c;
	return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

/* ---- Port I/O and the console ------------------------------------------- */

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ __volatile__("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void put_char(char c)
{
	while (!(inb(COM1_LSR) & LSR_THRE))
		;
	outb(COM1_THR, (uint8_t)c);
}

static void put_str(const char *s)
{
	while (*s)
		put_char(*s++);
}

static void put_num(uint64_t v, unsigned base, unsigned width)
{
	char buf[24];
	unsigned n = 0;

	do {
		/* Only base 16 for values above 32 bits (no libgcc). */
		unsigned d = base == 16 ? (unsigned)(v & 15) : (unsigned)((uint32_t)v % base);

		buf[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v = base == 16 ? v >> 4 : (uint32_t)v / base;
	} while (v && n < sizeof(buf));
	while (n < width && n < sizeof(buf))
		buf[n++] = '0';
	while (n)
		put_char(buf[--n]);
}

/* printf for what this file prints: %s %c %u %x %llx %%, with an
 * optional 0-padded width ("%08x").  %u is 32-bit only. */
static void print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void print(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		unsigned width = 0, longs = 0;

		if (*fmt != '%') {
			put_char(*fmt);
			continue;
		}
		fmt++;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (unsigned)(*fmt++ - '0');
		while (*fmt == 'l') {
			longs++;
			fmt++;
		}
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);

			put_str(s ? s : "(null)");
			break;
		}
		case 'c':
			put_char((char)va_arg(ap, int));
			break;
		case 'u':
			put_num(va_arg(ap, unsigned), 10, width);
			break;
		case 'x':
			put_num(longs >= 2 ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned),
				16, width);
			break;
		case '%':
			put_char('%');
			break;
		default:
			put_char('?');
			if (!*fmt)
				fmt--;
			break;
		}
	}
	va_end(ap);
}

static void check(bool ok, const char *what)
{
	if (ok) {
		passed++;
		print("%s: PASS: %s\n", name, what);
	} else {
		failed++;
		print("%s: FAIL: %s\n", name, what);
	}
}

static bool str_eq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static const char *str_or_none(uint32_t addr)
{
	return addr ? (const char *)(uintptr_t)addr : "(none)";
}

/* ---- What the information block says ------------------------------------ */

struct findings {
	const char *cmdline, *loader;
	bool have_mmap, mmap_sorted, ram_above_1m, kernel_in_ram, info_in_ram;
	uint64_t mmap_end; /* end of the previous entry */
	unsigned mmap_entries, modules;
	bool modules_ok;
	uint32_t info, info_size;
};

static const char *mmap_type_name(uint32_t type)
{
	switch (type) {
	case 1:
		return "RAM";
	case 2:
		return "reserved";
	case 3:
		return "ACPI";
	case 4:
		return "NVS";
	case 5:
		return "unusable";
	default:
		return "?";
	}
}

static bool inside(uint64_t start, uint64_t len, uint64_t base, uint64_t size)
{
	return start >= base && len <= size && start - base <= size - len;
}

static void mmap_entry(struct findings *f, uint64_t base, uint64_t len, uint32_t type)
{
	uint64_t kstart = (uintptr_t)__kernel_start, kend = (uintptr_t)__kernel_end;

	print("%s: mmap: base 0x%016llx length 0x%016llx type %u (%s)\n", name, base, len,
	      type, mmap_type_name(type));
	f->mmap_entries++;
	if (base < f->mmap_end)
		f->mmap_sorted = false;
	f->mmap_end = base + len;
	if (type != MMAP_RAM)
		return;
	if (base + len > ONE_MIB)
		f->ram_above_1m = true;
	if (inside(kstart, kend - kstart, base, len))
		f->kernel_in_ram = true;
	if (inside(f->info, f->info_size, base, len))
		f->info_in_ram = true;
}

static void module(struct findings *f, uint32_t start, uint32_t end, const char *cmdline)
{
	print("%s: module %u: [0x%08x, 0x%08x) '%s'\n", name, f->modules, start, end,
	      cmdline ? cmdline : "");
	f->modules++;
	if (start % PAGE_SIZE || end < start)
		f->modules_ok = false;
}

static uint8_t sum8(const uint8_t *p, unsigned n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

static bool is_rsdp(const uint8_t *p)
{
	static const char sig[] = "RSD PTR ";

	for (unsigned i = 0; i < 8; i++)
		if (p[i] != (uint8_t)sig[i])
			return false;
	return sum8(p, 20) == 0;
}

static void rsdp_tag(const uint8_t *rsdp, uint32_t len, uint32_t type)
{
	print("%s: acpi: tag %u, RSDP revision %u, %u bytes\n", name, type,
	      len >= 16 ? rsdp[15] : 0, len);
	check(len >= 20 && is_rsdp(rsdp),
	      type == MB2_TAG_ACPI_OLD ? "ACPI old-RSDP tag: signature and checksum"
				       : "ACPI new-RSDP tag: signature and checksum");
	if (type == MB2_TAG_ACPI_NEW)
		check(len >= 36 && sum8(rsdp, 36) == 0, "ACPI new-RSDP tag: extended checksum");
}

/* Multiboot2 (section 3.6): total_size, reserved, then 8-byte aligned
 * tags up to an end tag. */
static void read_mb2(struct findings *f, uint32_t info)
{
	const uint8_t *p = (const uint8_t *)(uintptr_t)info;
	uint32_t total = ((const uint32_t *)p)[0];
	uint32_t off = 8;
	bool end = false;

	print("%s: information block at 0x%08x, %u bytes\n", name, info, total);
	check(info % 8 == 0, "information block 8-byte aligned");
	check(total >= 16 && total <= MB2_INFO_MAX, "information block total_size sane");
	if (total < 16 || total > MB2_INFO_MAX)
		return;
	f->info_size = total;
	while (off + 8 <= total) {
		const uint8_t *t = p + off;
		uint32_t type = ((const uint32_t *)t)[0], size = ((const uint32_t *)t)[1];

		if (size < 8 || size > total - off)
			break;
		if (type == MB2_TAG_END) {
			end = size == 8;
			break;
		}
		switch (type) {
		case MB2_TAG_CMDLINE:
			f->cmdline = (const char *)(t + 8);
			break;
		case MB2_TAG_LOADER_NAME:
			f->loader = (const char *)(t + 8);
			break;
		case MB2_TAG_MODULE:
			module(f, ((const uint32_t *)t)[2], ((const uint32_t *)t)[3],
			       (const char *)(t + 16));
			break;
		case MB2_TAG_BASIC_MEMINFO:
			print("%s: mem_lower %u KiB, mem_upper %u KiB\n", name,
			      ((const uint32_t *)t)[2], ((const uint32_t *)t)[3]);
			break;
		case MB2_TAG_MMAP: {
			uint32_t esize = ((const uint32_t *)t)[2];

			f->have_mmap = true;
			check(esize >= 24 && esize % 8 == 0, "memory map entry size 24 (or larger)");
			if (esize < 24)
				break;
			for (uint32_t e = 16; e + esize <= size; e += esize) {
				const uint8_t *en = t + e;

				mmap_entry(f, *(const uint64_t *)en, *(const uint64_t *)(en + 8),
					   *(const uint32_t *)(en + 16));
			}
			break;
		}
		case MB2_TAG_ACPI_OLD:
		case MB2_TAG_ACPI_NEW:
			rsdp_tag(t + 8, size - 8, type);
			break;
		default:
			print("%s: tag %u, %u bytes\n", name, type, size);
			break;
		}
		off += (size + 7) & ~7u;
	}
	check(end, "tags end with an end tag inside total_size");
}

/* Multiboot (section 3.3): a fixed structure whose flags say which
 * fields are valid. */
static void read_mb1(struct findings *f, uint32_t info)
{
	const uint32_t *mbi = (const uint32_t *)(uintptr_t)info;
	uint32_t flags = mbi[0];

	f->info_size = 88; /* up to and including the APM field */
	print("%s: information block at 0x%08x, flags 0x%08x\n", name, info, flags);
	check(flags & MB1_INFO_MEMORY, "flags: mem_lower/mem_upper given (header asked)");
	check(flags & MB1_INFO_MMAP, "flags: memory map given");
	check(flags & MB1_INFO_CMDLINE, "flags: command line given");
	if (flags & MB1_INFO_MEMORY)
		print("%s: mem_lower %u KiB, mem_upper %u KiB\n", name, mbi[1], mbi[2]);
	if (flags & MB1_INFO_CMDLINE)
		f->cmdline = (const char *)(uintptr_t)mbi[4];
	if (flags & MB1_INFO_LOADER_NAME)
		f->loader = str_or_none(mbi[16]);
	if (flags & MB1_INFO_MODS) {
		const uint32_t *m = (const uint32_t *)(uintptr_t)mbi[6];

		for (uint32_t i = 0; i < mbi[5]; i++, m += 4)
			module(f, m[0], m[1], m[2] ? (const char *)(uintptr_t)m[2] : "");
	}
	if (flags & MB1_INFO_MMAP) {
		uint32_t addr = mbi[12], end = mbi[12] + mbi[11];

		f->have_mmap = true;
		/* Each entry: size (not counting itself), base, length, type. */
		while (addr + 24 <= end) {
			const uint8_t *e = (const uint8_t *)(uintptr_t)addr;
			uint32_t size = *(const uint32_t *)e;

			mmap_entry(f, *(const uint64_t *)(e + 4), *(const uint64_t *)(e + 12),
				   *(const uint32_t *)(e + 20));
			if (size < 20)
				break;
			addr += size + 4;
		}
	}
}

/* Multiboot gives no RSDP: an OS scans the BIOS area (ACPI 6.5 5.2.5.1).
 * Printed only; not every platform puts a copy there. */
static void scan_rsdp(void)
{
	for (uint32_t a = 0xe0000; a < 0x100000; a += 16) {
		const uint8_t *p = (const uint8_t *)(uintptr_t)a;

		if (is_rsdp(p)) {
			print("%s: acpi: RSDP in the BIOS area at 0x%08x, revision %u\n", name, a,
			      p[15]);
			return;
		}
	}
	print("%s: acpi: no RSDP in the BIOS area\n", name);
}

static void check_findings(const struct findings *f)
{
	print("%s: boot loader '%s'\n", name, f->loader ? f->loader : "(none)");
	print("%s: command line '%s'\n", name, f->cmdline ? f->cmdline : "(none)");
	print("%s: %u module(s), %u memory map entries\n", name, f->modules, f->mmap_entries);
	check(f->loader && f->loader[0], "boot loader name given");
	check(f->cmdline && str_eq(f->cmdline, MBKERN_CMDLINE),
	      "command line is '" MBKERN_CMDLINE "'");
	check(f->have_mmap && f->mmap_entries > 0, "memory map given");
	check(f->mmap_sorted, "memory map sorted, entries do not overlap");
	check(f->ram_above_1m, "memory map: RAM above 1 MiB");
	check(f->kernel_in_ram, "memory map: the kernel lies in RAM");
	check(f->info_in_ram, "memory map: the information block lies in RAM");
	check(f->modules_ok, "modules page-aligned");
}

static void leave(void)
{
	uint8_t value = failed ? 1 : 0;

	print("%s: RESULT: %u passed, %u failed\n", name, passed, failed);
	print("%s: leaving through port 0x%x with value %u\n", name, DEBUG_EXIT_PORT, value);
	while ((inb(COM1_LSR) & (LSR_THRE | LSR_TEMT)) != (LSR_THRE | LSR_TEMT))
		;
	outb(DEBUG_EXIT_PORT, value);
	print("%s: FAIL: the debug-exit port did not stop the VM\n", name);
}

void mbkern_main(uint32_t magic, uint32_t info)
{
	uint32_t want = mbkern_version == 2 ? MB2_BOOTLOADER_MAGIC : MB1_BOOTLOADER_MAGIC;
	uint32_t kstart = (uint32_t)(uintptr_t)__kernel_start;
	uint32_t kend = (uint32_t)(uintptr_t)__kernel_end;
	struct findings f = {
		.mmap_sorted = true, .modules_ok = true, .info = info,
	};

	name = mbkern_version == 2 ? "mbkern" : "mbkern1";
	print("%s: Multiboot%s kernel at [0x%08x, 0x%08x)\n", name,
	      mbkern_version == 2 ? "2" : "", kstart, kend);
	print("%s: magic 0x%08x, info 0x%08x\n", name, magic, info);
	print("%s: entry: CR0 0x%08x EFLAGS 0x%08x CS 0x%x DS 0x%x\n", name, mbkern_entry_cr0,
	      mbkern_entry_eflags, mbkern_entry_cs, mbkern_entry_ds);
	check(magic == want, mbkern_version == 2 ? "magic 0x36d76289 (Multiboot2)"
						 : "magic 0x2badb002 (Multiboot)");
	check((mbkern_entry_cr0 & (CR0_PE | CR0_PG)) == CR0_PE,
	      "entry: protected mode, paging off");
	check(!(mbkern_entry_eflags & (EFLAGS_IF | EFLAGS_VM)), "entry: EFLAGS.IF and VM clear");
	check(info != 0, "information block given");
	if (info != 0 && magic == want) {
		if (mbkern_version == 2)
			read_mb2(&f, info);
		else
			read_mb1(&f, info);
		check(info >= kend || info + f.info_size <= kstart,
		      "information block outside the kernel");
		check_findings(&f);
		if (mbkern_version == 1)
			scan_rsdp();
	}
	leave();
	for (;;)
		__asm__ __volatile__("cli; hlt");
}
