/* The keys of a [vm] section: how each value is read (numbers, names,
 * strings, CPU lists), the one table that maps a key to the field it
 * fills or the function that handles it, and the dispatch of a "key =
 * value" line through that table (docs/config.md lists the keys).  The
 * keys that hand a VM host devices, ports and IRQs are in config_dev.c,
 * what is settled once a section ends in config_resolve.c. */
#include "guest/config/config_internal.h"
#include "guest/config/config_syntax.h"
#include "lib/printk.h"
#include "lib/string.h"

static const char *const entry_names[] = {
	[ENTRY_REAL] = "real",
	[ENTRY_LONG64] = "long64",
	[ENTRY_LINUX] = "linux",
	[ENTRY_MULTIBOOT] = "multiboot",
};
static const char *const console_names[] = {
	[CONSOLE_COM1] = "com1",
	[CONSOLE_NONE] = "none",
};
static const char *const poweroff_names[] = {
	[POWEROFF_STOP] = "stop",
	[POWEROFF_RESTART] = "restart",
};
static const char *const on_reset_names[] = {
	[ON_RESET_RESTART] = "restart",
	[ON_RESET_STOP] = "stop",
};
static const char *const on_hang_names[] = {
	[ON_HANG_STOP] = "stop",
	[ON_HANG_REPORT] = "report",
};
static const char *const dma_names[] = {
	[DMA_IOMMU] = "iommu",
	[DMA_IDENTITY] = "identity",
	[DMA_NONE] = "none",
};
static const char *const on_dma_fault_names[] = {
	[ON_DMA_FAULT_STOP] = "stop",
	[ON_DMA_FAULT_REPORT] = "report",
};
static const char *const platform_names[] = { "none", "pc" };
_Static_assert(ARRAY_SIZE(entry_names) == ENTRY_MODE_COUNT, "entry names");
_Static_assert(ARRAY_SIZE(on_reset_names) == ON_RESET_COUNT, "on_reset names");
_Static_assert(ARRAY_SIZE(on_hang_names) == ON_HANG_COUNT, "on_hang names");
_Static_assert(ARRAY_SIZE(dma_names) == DMA_MODE_COUNT, "dma names");
_Static_assert(ARRAY_SIZE(on_dma_fault_names) == ON_DMA_FAULT_COUNT,
	       "on_dma_fault names");
_Static_assert(ARRAY_SIZE(console_names) == CONSOLE_COUNT, "console names");
_Static_assert(ARRAY_SIZE(poweroff_names) == POWEROFF_COUNT, "poweroff names");
_Static_assert(VM_CONFIG_MAX_CPUS <= 64, "affinity is one uint64_t mask");
_Static_assert(IS_ALIGNED(VM_MEM_MIN, PAGE_SIZE) &&
		       IS_ALIGNED(VM_MEM_MAX, PAGE_SIZE),
	       "memory limits are whole pages");

/* ---- values ------------------------------------------------------------ */

static bool get_u64(struct parser *p, const char *key, const char *v,
		    size_t n, bool suffixes, uint64_t min, uint64_t max,
		    uint64_t *out)
{
	char tok[CFG_SHOW_BUF];

	if (!parse_u64(v, n, suffixes, out)) {
		cfg_error(p, "bad number '%s' for %s", cfg_show(tok, v, n), key);
		return false;
	}
	if (*out < min || *out > max) {
		cfg_error(p, "%s %s is out of range (%llu..%llu)", key,
		      cfg_show(tok, v, n), (unsigned long long)min,
		      (unsigned long long)max);
		return false;
	}
	return true;
}

/* Matches v against a table of names; reports the choices on failure. */
static bool get_enum(struct parser *p, const char *key, const char *v,
		     size_t n, const char *const *names, unsigned count,
		     unsigned *out)
{
	char tok[CFG_SHOW_BUF], choices[64];
	int i = cfg_lookup(v, n, names, count);
	size_t len = 0;

	if (i >= 0) {
		*out = (unsigned)i;
		return true;
	}
	choices[0] = '\0';
	for (unsigned c = 0; c < count && len < sizeof(choices); c++)
		len += (size_t)snprintf(choices + len, sizeof(choices) - len,
					"%s%s", c ? " or " : "", names[c]);
	cfg_error(p, "bad value '%s' for %s (expected %s)", cfg_show(tok, v, n),
	      key, choices);
	return false;
}

static bool get_string(struct parser *p, const char *key, const char *v,
		       size_t n, bool space, char *dst, size_t max)
{
	const char *why = cfg_string(v, n, space, dst, max);
	char tok[CFG_SHOW_BUF];

	if (why)
		cfg_error(p, "%s '%s' %s (up to %zu printable ASCII characters%s)",
		      key, cfg_show(tok, v, n), why, max,
		      space ? "" : ", no spaces");
	return !why;
}

static bool get_cpu_list(struct parser *p, const char *key, const char *v,
			 size_t n, uint64_t *mask)
{
	const char *why = cfg_cpu_list(v, n, mask);
	char tok[CFG_SHOW_BUF];

	if (why)
		cfg_error(p, "bad CPU list '%s' for %s: %s", cfg_show(tok, v, n),
		      key, why);
	return !why;
}

/* ---- keys -------------------------------------------------------------- */

typedef void (*key_fn)(struct parser *p, const char *v, size_t n);

static void key_memory(struct parser *p, const char *v, size_t n)
{
	char tok[CFG_SHOW_BUF], lim[CFG_SIZE_BUF];
	uint64_t sz;

	if (!parse_u64(v, n, true, &sz)) {
		cfg_error(p, "bad size '%s' for memory (use e.g. 16M or 1G)",
		      cfg_show(tok, v, n));
	} else if (!IS_ALIGNED(sz, PAGE_SIZE)) {
		/* EPT maps whole 4 KiB pages; a partial page cannot exist. */
		cfg_error(p, "memory '%s' is not a multiple of 4K", cfg_show(tok, v, n));
	} else if (sz < VM_MEM_MIN || sz > VM_MEM_MAX) {
		cfg_error(p, "memory '%s' is %s the %s of %s", cfg_show(tok, v, n),
		      sz < VM_MEM_MIN ? "below" : "above",
		      sz < VM_MEM_MIN ? "minimum" : "maximum",
		      cfg_size_str(lim, sz < VM_MEM_MIN ? VM_MEM_MIN : VM_MEM_MAX));
	} else {
		p->vm->mem_size = sz;
	}
}

static void key_image(struct parser *p, const char *v, size_t n)
{
	if (n == 0)
		cfg_error(p, "image name is empty");
	else
		get_string(p, "image", v, n, false, p->vm->image,
			   VM_IMAGE_MAX);
}

static void key_initrd(struct parser *p, const char *v, size_t n)
{
	get_string(p, "initrd", v, n, false, p->vm->initrd, VM_IMAGE_MAX);
}

static void key_console_input(struct parser *p, const char *v, size_t n)
{
	get_string(p, "console_input", v, n, true, p->vm->console_input,
		   VM_CMDLINE_MAX);
}

static void key_affinity(struct parser *p, const char *v, size_t n)
{
	get_cpu_list(p, "affinity", v, n, &p->aff_all);
}

static void key_cmdline(struct parser *p, const char *v, size_t n)
{
	get_string(p, "cmdline", v, n, true, p->vm->cmdline, VM_CMDLINE_MAX);
}

static const char *const bool_names[] = { "off", "on" };
static const char *const fault_inject_names[] = { "none", "bad_guest_state" };

/* Most keys fill one field of struct vm_config from a number or a name,
 * described here by offset and size; the others have a function. */
enum key_kind { KEY_NUM, KEY_ENUM, KEY_FN };

/* Only these widths can be stored; checked at compile time per entry. */
#define STORABLE(sz) ((sz) == 1 || (sz) == 4 || (sz) == 8)
#define FIELD(f)                                                             \
	.off = offsetof(struct vm_config, f),                                \
	.size = sizeof(((struct vm_config *)0)->f) +                         \
		0 * sizeof(char[STORABLE(sizeof(((struct vm_config *)0)->f)) \
					? 1 : -1])
#define NUM(f, lo, hi, sfx) \
	.kind = KEY_NUM, FIELD(f), .min = (lo), .max = (hi), .suffixes = (sfx)
#define ENUM(f, tbl) \
	.kind = KEY_ENUM, FIELD(f), .names = (tbl), .count = ARRAY_SIZE(tbl)
#define FN(f) .kind = KEY_FN, .fn = (f)

static const struct key_desc {
	const char *name;
	enum key_kind kind;
	size_t off, size;	  /* NUM, ENUM: the field filled */
	uint64_t min, max;	  /* NUM: accepted range */
	bool suffixes;		  /* NUM: K, M, G allowed */
	const char *const *names; /* ENUM: value i is spelt names[i] */
	unsigned count;
	key_fn fn;		  /* FN */
	bool repeatable;
} keys[NKEYS] = {
	[K_MEMORY] = { "memory", FN(key_memory) },
	[K_IMAGE] = { "image", FN(key_image) },
	[K_ENTRY] = { "entry", ENUM(entry, entry_names) },
	[K_ENTRY_IP] = { "entry_ip", NUM(entry_ip, 0, UINT64_MAX, true) },
	[K_LOAD] = { "load", NUM(load_gpa, 0, UINT64_MAX, true) },
	[K_VCPUS] = { "vcpus", NUM(vcpus, 1, VM_MAX_VCPUS, false) },
	[K_AFFINITY] = { "affinity", FN(key_affinity) },
	[K_WEIGHT] = { "weight", NUM(weight, 1, VM_WEIGHT_MAX, false) },
	[K_CONSOLE] = { "console", ENUM(console, console_names) },
	[K_DEBUG_EXIT] = { "debug_exit", ENUM(debug_exit, bool_names) },
	[K_ON_POWEROFF] = { "on_poweroff", ENUM(on_poweroff, poweroff_names) },
	[K_CPL3_HYPERCALLS] = { "cpl3_hypercalls",
				ENUM(cpl3_hypercalls, bool_names) },
	[K_HYPERCALLS] = { "hypercalls", FN(cfg_key_hypercalls) },
	[K_TRACE] = { "trace", ENUM(trace, bool_names) },
	[K_DEVICE] = { "device", FN(cfg_key_device), .repeatable = true },
	[K_DMA] = { "dma", ENUM(dma, dma_names) },
	[K_ON_DMA_FAULT] = { "on_dma_fault",
			     ENUM(on_dma_fault, on_dma_fault_names) },
	[K_IOPORT] = { "ioport", FN(cfg_key_ioport), .repeatable = true },
	[K_IRQ] = { "irq", FN(cfg_key_irq), .repeatable = true },
	[K_CMDLINE] = { "cmdline", FN(key_cmdline) },
	[K_EXPECT_EXIT] = { "expect_exit", NUM(expect_exit, 0, UINT32_MAX, false) },
	[K_EXPECT_STOP] = { "expect_stop", ENUM(expect_stop, bool_names) },
	[K_FAULT_INJECT] = { "fault_inject", ENUM(fault_inject, fault_inject_names) },
	[K_ON_RESET] = { "on_reset", ENUM(on_reset, on_reset_names) },
	[K_ON_HANG] = { "on_hang", ENUM(on_hang, on_hang_names) },
	[K_PLATFORM] = { "platform", ENUM(platform, platform_names) },
	[K_INITRD] = { "initrd", FN(key_initrd) },
	[K_CONSOLE_INPUT] = { "console_input", FN(key_console_input) },
};

/* Enums are stored through a uint32_t, bools through a uint8_t. */
_Static_assert(sizeof(enum entry_mode) == 4 && sizeof(bool) == 1 &&
		       sizeof(unsigned) == 4,
	       "store() widths");

static void store(struct vm_config *vm, const struct key_desc *k, uint64_t v)
{
	uint32_t w = (uint32_t)v;
	uint8_t b = (uint8_t)v;
	char *f = (char *)vm + k->off;

	if (k->size == 1)
		memcpy(f, &b, 1);
	else if (k->size == 4)
		memcpy(f, &w, 4);
	else
		memcpy(f, &v, 8);
}

/* "affinity.N": the CPU list of vCPU N alone, overriding "affinity". */
static void key_affinity_vcpu(struct parser *p, const char *key, size_t klen,
			      const char *v, size_t n)
{
	char tok[CFG_SHOW_BUF];
	uint64_t idx;

	if (!parse_u64(key + 9, klen - 9, false, &idx) ||
	    idx >= VM_MAX_VCPUS) {
		cfg_error(p, "unknown key '%s' in [vm %s] (vCPU numbers are 0..%u)",
		      cfg_show(tok, key, klen), p->vm->name, VM_MAX_VCPUS - 1);
		return;
	}
	if (p->aff_line[idx]) {
		cfg_error(p, "duplicate key '%s' (first at line %u)",
		      cfg_show(tok, key, klen), p->aff_line[idx]);
		return;
	}
	p->aff_line[idx] = p->line;
	get_cpu_list(p, "affinity", v, n, &p->vm->affinity[idx]);
}

void cfg_dispatch(struct parser *p, const char *key, size_t klen,
		  const char *v, size_t n)
{
	const struct key_desc *d;
	char tok[CFG_SHOW_BUF];
	unsigned k, i;
	uint64_t x;

	if (klen > 9 && !strncmp(key, "affinity.", 9)) {
		key_affinity_vcpu(p, key, klen, v, n);
		return;
	}
	for (k = 0; k < NKEYS; k++)
		if (strlen(keys[k].name) == klen &&
		    !strncmp(keys[k].name, key, klen))
			break;
	if (k == NKEYS) {
		cfg_error(p, "unknown key '%s' in [vm %s]", cfg_show(tok, key, klen),
		      p->vm->name);
		return;
	}
	d = &keys[k];
	if (!d->repeatable && p->key_line[k]) {
		cfg_error(p, "duplicate key '%s' (first at line %u)", d->name,
		      p->key_line[k]);
		return;
	}
	/* Recorded even when the value is bad, so that a bad "memory" is
	 * not also reported as a missing one. */
	p->key_line[k] = p->line;
	if (d->kind == KEY_FN)
		d->fn(p, v, n);
	else if (d->kind == KEY_NUM && get_u64(p, d->name, v, n, d->suffixes,
					       d->min, d->max, &x))
		store(p->vm, d, x);
	else if (d->kind == KEY_ENUM &&
		 get_enum(p, d->name, v, n, d->names, d->count, &i))
		store(p->vm, d, i);
}

const char *vm_entry_mode_name(enum entry_mode mode)
{
	return (unsigned)mode < ENTRY_MODE_COUNT ? entry_names[mode] : "?";
}
