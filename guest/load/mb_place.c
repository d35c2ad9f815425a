/* Placing a Multiboot or Multiboot2 kernel in guest RAM once its header
 * gave the kernel image (see mb_loader.h): the checks on the whole image,
 * where the modules and the information block go, writing the kernel,
 * modules and information block, and the entry state.  Facts from the
 * Multiboot 0.6.96 and Multiboot2 2.0 specifications. */
#include "guest/load/mb_internal.h"
#include "arch-x86/regs.h"
#include "lib/multiboot2.h"

/* ---- checks on the whole image ------------------------------------------ */

static int check_segments(const struct ctx *c, const struct kimage *k)
{
	bool entry_ok = false;

	for (unsigned i = 0; i < k->nseg; i++) {
		const struct seg *s = &k->seg[i];

		if (!e820_is_ram(c->p->map, s->paddr, s->memsz))
			return mb_fail(c, "segment [0x%llx, 0x%llx) is not in guest RAM",
				       (unsigned long long)s->paddr,
				       (unsigned long long)(s->paddr + s->memsz));
		for (unsigned j = 0; j < i; j++) {
			const struct seg *t = &k->seg[j];

			if (s->paddr < t->paddr + t->memsz && t->paddr < s->paddr + s->memsz)
				return mb_fail(c, "segments at 0x%llx and 0x%llx overlap",
					       (unsigned long long)t->paddr,
					       (unsigned long long)s->paddr);
		}
		if (k->entry >= s->paddr && k->entry - s->paddr < s->memsz)
			entry_ok = true;
	}
	if (!entry_ok)
		return mb_fail(c, "entry point 0x%llx is in no loaded segment",
			       (unsigned long long)k->entry);
	return 0;
}

/* ---- placing modules and the information block -------------------------- */

/* The kernel's whole span (gaps between its segments included: kernels
 * take [start, _end) as theirs) and everything placed so far are avoided,
 * so the search may fall back below earlier placements. */
struct placer {
	const struct e820_map *map;
	struct e820_range avoid[1 + MB_MAX_MODULES + 1]; /* kernel, modules, info */
	unsigned navoid;
	uint64_t cur;		/* next search starts here */
};

static void placer_init(struct placer *pl, const struct ctx *c,
			const struct kimage *k, uint64_t *kstart, uint64_t *kend)
{
	*kstart = UINT64_MAX;
	*kend = 0;
	for (unsigned i = 0; i < k->nseg; i++) {
		*kstart = MIN(*kstart, k->seg[i].paddr);
		*kend = MAX(*kend, k->seg[i].paddr + k->seg[i].memsz);
	}
	pl->map = c->p->map;
	pl->avoid[0] = (struct e820_range){ *kstart, *kend };
	pl->navoid = 1;
	pl->cur = MAX(*kend, GUEST_BIOS_END);
}

/* 'size' bytes, page-aligned, above what was placed before, else from
 * 1 MiB up; E820_NOT_FOUND if there is no room. */
static uint64_t place(struct placer *pl, uint64_t size)
{
	struct e820_find_req r = {
		.size = ALIGN_UP(MAX(size, (uint64_t)1), (uint64_t)PAGE_SIZE),
		.align = PAGE_SIZE, .min = pl->cur, .max_end = GUEST_4G,
		.avoid = pl->avoid, .navoid = pl->navoid,
	};
	uint64_t a = e820_find(pl->map, &r);

	if (a == E820_NOT_FOUND && pl->cur > GUEST_BIOS_END) {
		r.min = GUEST_BIOS_END;
		a = e820_find(pl->map, &r);
	}
	if (a != E820_NOT_FOUND) {
		pl->cur = a + r.size;
		pl->avoid[pl->navoid++] = (struct e820_range){ a, a + r.size };
	}
	return a;
}

static int check_strings(const struct ctx *c)
{
	const struct mb_load_params *p = c->p;

	if (str_size(p->cmdline) > MB_STRING_MAX)
		return mb_fail(c, "command line is longer than %u bytes", MB_STRING_MAX - 1);
	if (p->nmods > MB_MAX_MODULES || (p->nmods && !p->mods))
		return mb_fail(c, "%u modules (at most %u, and a list needed)", p->nmods,
			       MB_MAX_MODULES);
	for (unsigned i = 0; i < p->nmods; i++) {
		if (str_size(p->mods[i].cmdline) > MB_STRING_MAX)
			return mb_fail(c, "module %u: command line is longer than %u bytes",
				       i, MB_STRING_MAX - 1);
		if (p->mods[i].size && !p->mods[i].data)
			return mb_fail(c, "module %u: size without data", i);
		if (p->mods[i].size > GUEST_4G)
			return mb_fail(c, "module %u of 0x%zx bytes is larger than 4 GiB",
				       i, p->mods[i].size);
	}
	return 0;
}

static int place_all(const struct ctx *c, struct placer *pl, uint32_t info_size,
		     struct mb_boot *b)
{
	const struct mb_load_params *p = c->p;

	for (unsigned i = 0; i < p->nmods; i++) {
		b->mod_gpa[i] = place(pl, p->mods[i].size);
		if (b->mod_gpa[i] == E820_NOT_FOUND)
			return mb_fail(c, "no room below 4 GiB for module %u (0x%zx bytes)",
				       i, p->mods[i].size);
	}
	b->info_gpa = place(pl, info_size);
	if (b->info_gpa == E820_NOT_FOUND)
		return mb_fail(c, "no room below 4 GiB for the boot information (%u bytes)",
			       info_size);
	b->info_size = info_size;
	return 0;
}

/* ---- writing ------------------------------------------------------------ */

static int zero(const struct ctx *c, uint64_t gpa, uint64_t len)
{
	if (guest_mem_zero(c->p->mem, gpa, len) < 0)
		return mb_fail(c, "cannot write guest RAM at 0x%llx (+0x%llx)",
			       (unsigned long long)gpa, (unsigned long long)len);
	return 0;
}

static int put_kernel_and_modules(const struct ctx *c, const struct kimage *k,
				  const struct mb_boot *b)
{
	const struct mb_load_params *p = c->p;

	for (unsigned i = 0; i < k->nseg; i++) {
		const struct seg *s = &k->seg[i];

		if (put(c, s->paddr, c->img + s->off, s->filesz) ||
		    zero(c, s->paddr + s->filesz, s->memsz - s->filesz))
			return -EINVAL;
	}
	for (unsigned i = 0; i < p->nmods; i++)
		if (put(c, b->mod_gpa[i], p->mods[i].data, p->mods[i].size))
			return -EINVAL;
	return zero(c, b->info_gpa, b->info_size);
}

/* ---- both versions ------------------------------------------------------ */

/* Checks, placement, then writes: shared by both versions once the header
 * gave the kernel image 'k'. */
int mb_finish(const struct ctx *c, const struct kimage *k, struct mb_boot *out)
{
	struct mb_boot b = { .version = c->version, .cr0 = CR0_PE | CR0_ET };
	struct rsdp_copy rsdp = { .len = 0 };
	struct placer pl;
	uint32_t info_size;

	if (check_segments(c, k) || check_strings(c) ||
	    (c->version == 2 && mb2_read_rsdp(c, &rsdp)))
		return -EINVAL;
	placer_init(&pl, c, k, &b.kernel_start, &b.kernel_end);
	info_size = c->version == 2 ? mb2_info_size(c, &rsdp) : mb1_info_size(c);
	if (place_all(c, &pl, info_size, &b) || put_kernel_and_modules(c, k, &b))
		return -EINVAL;
	if (c->version == 2 ? mb2_put_info(c, &b, &rsdp) : mb1_put_info(c, &b))
		return -EINVAL;
	b.eax = c->version == 2 ? MB2_BOOTLOADER_MAGIC : MB1_BOOTLOADER_MAGIC;
	b.ebx = (uint32_t)b.info_gpa;
	b.eip = (uint32_t)k->entry;
	*out = b;
	return 0;
}
