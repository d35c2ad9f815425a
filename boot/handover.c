/* The boot_info hand-over: a loader that built struct boot_info itself
 * (the UEFI application in efi/) passes it here, and it is checked as
 * strictly as boot/multiboot2.c checks a Multiboot2 block. */
#include "boot/handover.h"
#include "boot/multiboot2.h"
#include "lib/boot_handover.h"
#include "lib/errno.h"
#include "lib/printk.h"
#include "lib/report.h"
#include "lib/string.h"

static char err_buf[160];

static int __printf(2, 3) fail(const char **err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_vfail(err_buf, sizeof(err_buf), -EINVAL, "boot_info: ", fmt, ap);
	va_end(ap);
	*err = err_buf;
	return -EINVAL;
}

/* A string of the block: it starts inside the block and its NUL does too. */
static bool string_inside(uintptr_t lo, uintptr_t hi, const char *s)
{
	uintptr_t p = (uintptr_t)s;

	if (!s || p < lo || p >= hi)
		return false;
	return strnlen(s, hi - p) < hi - p;
}

/* The loader hands physical addresses; under the boot identity map they
 * are the host's, in host tests the block is elsewhere, so strings are
 * checked against the block's own view before they are rebased. */
static const char *rebase(const char *s, const void *block, paddr_t pa)
{
	return (const char *)block + ((uintptr_t)s - pa);
}

static int check_strings(const struct boot_info *bi, const void *block,
			 paddr_t pa, struct boot_info *out, const char **err)
{
	/* Bounds in the host's view of the block. */
	uintptr_t lo = (uintptr_t)block;
	uintptr_t hi = lo + (bi->info_end - bi->info_start);

	if (!string_inside(lo, hi, rebase(bi->cmdline, block, pa)))
		return fail(err, "command line string outside the info block");
	if (!string_inside(lo, hi, rebase(bi->loader_name, block, pa)))
		return fail(err, "loader name string outside the info block");
	out->cmdline = rebase(bi->cmdline, block, pa);
	out->loader_name = rebase(bi->loader_name, block, pa);
	for (unsigned i = 0; i < bi->module_count; i++) {
		const char *c = rebase(bi->modules[i].cmdline, block, pa);

		if (!string_inside(lo, hi, c))
			return fail(err, "module %u: name string outside the info block", i);
		out->modules[i].cmdline = c;
	}
	return 0;
}

int boot_handover_check(const void *block, paddr_t pa, struct boot_info *out,
			const char **err)
{
	const struct boot_handover *h = block;
	const struct boot_info *bi = &h->bi;

	if (!block)
		return fail(err, "no hand-over block (NULL pointer)");
	if (h->magic != BOOT_HANDOVER_MAGIC)
		return fail(err, "hand-over block magic 0x%x, expected 0x%x",
			    h->magic, BOOT_HANDOVER_MAGIC);
	if (h->size != sizeof(struct boot_info))
		return fail(err, "the loader's struct boot_info has %u bytes, this hypervisor's %u: loader and hypervisor from different builds",
			    h->size, (unsigned)sizeof(struct boot_info));
	if (bi->info_start != pa || bi->info_end < pa + sizeof(*h) ||
	    bi->info_end - pa > MiB(1))
		return fail(err, "info block 0x%lx-0x%lx does not hold the hand-over block at 0x%lx",
			    bi->info_start, bi->info_end, pa);
	if (!bi->mmap_count || bi->mmap_count > BOOT_MAX_MMAP)
		return fail(err, "%u memory map entries (1 to %u supported)",
			    bi->mmap_count, BOOT_MAX_MMAP);
	if (bi->module_count > BOOT_MAX_MODULES)
		return fail(err, "%u modules (at most %u supported)",
			    bi->module_count, BOOT_MAX_MODULES);
	for (unsigned i = 0; i < bi->mmap_count; i++)
		if (bi->mmap[i].base > UINT64_MAX - bi->mmap[i].len)
			return fail(err, "memory map entry %u: base 0x%lx + length 0x%lx wraps",
				    i, bi->mmap[i].base, bi->mmap[i].len);
	for (unsigned i = 0; i < bi->module_count; i++)
		if (bi->modules[i].start > bi->modules[i].end)
			return fail(err, "module %u: start 0x%lx > end 0x%lx", i,
				    bi->modules[i].start, bi->modules[i].end);
	if (bi->rsdp && bi->rsdp_len < 20)
		return fail(err, "RSDP of %u bytes (at least 20)", bi->rsdp_len);
	*out = *bi;
	return check_strings(bi, block, pa, out, err);
}

int boot_info_take(uint32_t magic, uint64_t info, struct boot_info *out,
		   const char **err)
{
	const void *block = (const void *)(uintptr_t)info;

	if (magic == BOOT_HANDOVER_MAGIC)
		return boot_handover_check(block, info, out, err);
	return mb2_parse(block, info, magic, out, err);
}

/* FNV-1a, 32 bits: cheap, and enough to tell two copies apart. */
static uint32_t fnv1a(const uint8_t *p, uint64_t n)
{
	uint32_t h = 0x811c9dc5u;

	while (n--)
		h = (h ^ *p++) * 0x01000193u;
	return h;
}

void boot_modules_print(const struct boot_info *bi)
{
	if (log_get_level() < LOG_DEBUG)
		return;
	for (unsigned i = 0; i < bi->module_count; i++) {
		const struct boot_module *m = &bi->modules[i];

		pr_debug("boot: module %u \"%s\": %lu bytes at 0x%lx, fnv1a 0x%08x\n", i,
			 m->cmdline, m->end - m->start, m->start,
			 fnv1a((const uint8_t *)(uintptr_t)m->start, m->end - m->start));
	}
}

static const char *const mem_kind[] = {
	[MEM_USABLE] = "usable",
	[MEM_RESERVED] = "reserved",
	[MEM_ACPI_RECLAIM] = "ACPI reclaim",
	[MEM_ACPI_NVS] = "ACPI NVS",
	[MEM_BAD] = "bad",
};

void boot_mmap_print(const struct boot_info *bi)
{
	if (log_get_level() < LOG_DEBUG)
		return;
	for (unsigned i = 0; i < bi->mmap_count; i++) {
		const struct mem_region *r = &bi->mmap[i];
		const char *kind = r->type < ARRAY_SIZE(mem_kind) && mem_kind[r->type] ?
			mem_kind[r->type] : "unknown";

		pr_debug("boot: map 0x%016lx-0x%016lx %s (%u)\n", r->base,
			 r->base + r->len - 1, kind, r->type);
	}
}
