/* VM description parser (format: docs/config.md).
 *
 * The text comes from a boot module, so nothing about it is trusted: lines
 * are bounded before they are looked at, stray bytes are errors, and no
 * value is copied anywhere without a length check.  Each line is either a
 * section header or a "key = value" pair dispatched through one table.
 * Errors inside a [vm] section only cost that VM: the section is parsed to
 * its end (so every mistake is reported at once) and then dropped.
 * Token syntax (quoting, CPU lists, PCI addresses) is in config_syntax.c,
 * the keys that hand a VM host devices, ports and IRQs in config_dev.c. */
#include "guest/config.h"
#include "guest/config_internal.h"
#include "guest/config_syntax.h"
#include "lib/printk.h"
#include "lib/string.h"

#define MSG_BUF 192

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
static const char *const platform_names[] = { "none", "pc" };
_Static_assert(ARRAY_SIZE(entry_names) == ENTRY_MODE_COUNT, "entry names");
_Static_assert(ARRAY_SIZE(on_reset_names) == ON_RESET_COUNT, "on_reset names");
_Static_assert(ARRAY_SIZE(console_names) == CONSOLE_COUNT, "console names");
_Static_assert(ARRAY_SIZE(poweroff_names) == POWEROFF_COUNT, "poweroff names");
_Static_assert(VM_CONFIG_MAX_CPUS <= 64, "affinity is one uint64_t mask");
_Static_assert(IS_ALIGNED(VM_MEM_MIN, PAGE_SIZE) &&
		       IS_ALIGNED(VM_MEM_MAX, PAGE_SIZE),
	       "memory limits are whole pages");
_Static_assert(VM_LOAD_DEFAULT_REAL < VM_REAL_ENTRY_LIMIT &&
		       VM_LOAD_DEFAULT_LONG64 < VM_MEM_MAX,
	       "default load addresses are reachable");

/* ---- messages ---------------------------------------------------------- */

static void emitv(config_report_fn fn, void *ctx, unsigned line,
		  const char *fmt, va_list ap)
{
	char msg[MSG_BUF];
	int n;

	if (!fn)
		return;
	if (line)
		n = snprintf(msg, sizeof(msg), "config:%u: ", line);
	else
		n = snprintf(msg, sizeof(msg), "config: ");
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	fn(ctx, msg);
}

static __printf(4, 5) void emit(config_report_fn fn, void *ctx, unsigned line,
				const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emitv(fn, ctx, line, fmt, ap);
	va_end(ap);
}

void cfg_error_at(struct parser *p, unsigned line, const char *fmt, ...)
{
	va_list ap;

	p->errors++;
	if (p->sec == SEC_VM)
		p->vm_errors++;
	if (p->errors > VM_CONFIG_MAX_MESSAGES)
		return;
	va_start(ap, fmt);
	emitv(p->report, p->ctx, line, fmt, ap);
	va_end(ap);
}

#define error(p, ...) cfg_error(p, __VA_ARGS__)

/* ---- values ------------------------------------------------------------ */

static bool get_u64(struct parser *p, const char *key, const char *v,
		    size_t n, bool suffixes, uint64_t min, uint64_t max,
		    uint64_t *out)
{
	char tok[CFG_SHOW_BUF];

	if (!parse_u64(v, n, suffixes, out)) {
		error(p, "bad number '%s' for %s", cfg_show(tok, v, n), key);
		return false;
	}
	if (*out < min || *out > max) {
		error(p, "%s %s is out of range (%llu..%llu)", key,
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
	error(p, "bad value '%s' for %s (expected %s)", cfg_show(tok, v, n),
	      key, choices);
	return false;
}

static bool get_string(struct parser *p, const char *key, const char *v,
		       size_t n, bool space, char *dst, size_t max)
{
	const char *why = cfg_string(v, n, space, dst, max);
	char tok[CFG_SHOW_BUF];

	if (why)
		error(p, "%s '%s' %s (up to %zu printable ASCII characters%s)",
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
		error(p, "bad CPU list '%s' for %s: %s", cfg_show(tok, v, n),
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
		error(p, "bad size '%s' for memory (use e.g. 16M or 1G)",
		      cfg_show(tok, v, n));
	} else if (!IS_ALIGNED(sz, PAGE_SIZE)) {
		/* EPT maps whole 4 KiB pages; a partial page cannot exist. */
		error(p, "memory '%s' is not a multiple of 4K", cfg_show(tok, v, n));
	} else if (sz < VM_MEM_MIN || sz > VM_MEM_MAX) {
		error(p, "memory '%s' is %s the %s of %s", cfg_show(tok, v, n),
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
		error(p, "image name is empty");
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
	[K_DEVICE] = { "device", FN(cfg_key_device), .repeatable = true },
	[K_IOPORT] = { "ioport", FN(cfg_key_ioport), .repeatable = true },
	[K_IRQ] = { "irq", FN(cfg_key_irq), .repeatable = true },
	[K_CMDLINE] = { "cmdline", FN(key_cmdline) },
	[K_EXPECT_EXIT] = { "expect_exit", NUM(expect_exit, 0, UINT32_MAX, false) },
	[K_EXPECT_STOP] = { "expect_stop", ENUM(expect_stop, bool_names) },
	[K_FAULT_INJECT] = { "fault_inject", ENUM(fault_inject, fault_inject_names) },
	[K_ON_RESET] = { "on_reset", ENUM(on_reset, on_reset_names) },
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
		error(p, "unknown key '%s' in [vm %s] (vCPU numbers are 0..%u)",
		      cfg_show(tok, key, klen), p->vm->name, VM_MAX_VCPUS - 1);
		return;
	}
	if (p->aff_line[idx]) {
		error(p, "duplicate key '%s' (first at line %u)",
		      cfg_show(tok, key, klen), p->aff_line[idx]);
		return;
	}
	p->aff_line[idx] = p->line;
	get_cpu_list(p, "affinity", v, n, &p->vm->affinity[idx]);
}

static void dispatch(struct parser *p, const char *key, size_t klen,
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
		error(p, "unknown key '%s' in [vm %s]", cfg_show(tok, key, klen),
		      p->vm->name);
		return;
	}
	d = &keys[k];
	if (!d->repeatable && p->key_line[k]) {
		error(p, "duplicate key '%s' (first at line %u)", d->name,
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

/* ---- sections ---------------------------------------------------------- */

static void start_vm(struct parser *p, const char *name, size_t n)
{
	struct vm_config *vm = &p->set->vm[p->set->count];

	memset(vm, 0, sizeof(*vm));
	memcpy(vm->name, name, n);
	vm->name[n] = '\0';
	vm->line = p->line;
	vm->entry = ENTRY_LONG64;
	vm->vcpus = 1;
	vm->weight = VM_WEIGHT_DEFAULT;
	vm->console = CONSOLE_COM1;
	vm->on_poweroff = POWEROFF_STOP;

	memset(p->key_line, 0, sizeof(p->key_line));
	memset(p->aff_line, 0, sizeof(p->aff_line));
	p->aff_all = 0;
	p->vm_errors = 0;
	p->vm = vm;
	p->sec = SEC_VM;
}

/* Per-vCPU lists win over the VM-wide one whatever the order of lines. */
static void resolve_affinity(struct parser *p)
{
	struct vm_config *vm = p->vm;

	for (unsigned i = 0; i < VM_MAX_VCPUS; i++) {
		if (p->aff_line[i] && i >= vm->vcpus)
			cfg_error_at(p, p->aff_line[i],
				 "affinity.%u given but [vm %s] has %u vCPU(s)",
				 i, vm->name, vm->vcpus);
		else if (!p->aff_line[i] && i < vm->vcpus)
			vm->affinity[i] = p->aff_all;
	}
}

static void resolve_addresses(struct parser *p)
{
	struct vm_config *vm = p->vm;
	unsigned load_line = p->key_line[K_LOAD];
	unsigned ip_line = p->key_line[K_ENTRY_IP];
	char lim[CFG_SIZE_BUF];

	if (!load_line)
		vm->load_gpa = vm->entry == ENTRY_REAL ? VM_LOAD_DEFAULT_REAL :
							 VM_LOAD_DEFAULT_LONG64;
	if (!ip_line) {
		vm->entry_ip = vm->load_gpa;
		ip_line = load_line ? load_line : vm->line;
	}
	if (!vm->mem_size)
		return; /* already reported */
	if (vm->load_gpa >= vm->mem_size)
		cfg_error_at(p, load_line ? load_line : vm->line,
			 "load address 0x%llx is outside memory (%s)",
			 (unsigned long long)vm->load_gpa,
			 cfg_size_str(lim, vm->mem_size));
	else if (vm->entry_ip >= vm->mem_size)
		cfg_error_at(p, ip_line, "entry_ip 0x%llx is outside memory (%s)",
			 (unsigned long long)vm->entry_ip,
			 cfg_size_str(lim, vm->mem_size));
	if (vm->entry == ENTRY_REAL && vm->entry_ip >= VM_REAL_ENTRY_LIMIT)
		cfg_error_at(p, ip_line,
			 "entry_ip 0x%llx is out of real mode's reach (must be below 0x%x)",
			 (unsigned long long)vm->entry_ip, VM_REAL_ENTRY_LIMIT);
}

/* Kernels that bring their own load address need the PC platform and
 * take no load/entry_ip; flat images take no initrd. */
static void resolve_kernel(struct parser *p)
{
	struct vm_config *vm = p->vm;
	bool kernel = vm->entry == ENTRY_LINUX || vm->entry == ENTRY_MULTIBOOT;

	if (!kernel) {
		if (p->key_line[K_INITRD])
			cfg_error_at(p, p->key_line[K_INITRD],
				 "initrd needs entry = linux or multiboot");
		resolve_addresses(p);
		return;
	}
	if (p->key_line[K_LOAD] || p->key_line[K_ENTRY_IP])
		cfg_error_at(p, p->key_line[K_LOAD] ? p->key_line[K_LOAD]
						: p->key_line[K_ENTRY_IP],
			 "load/entry_ip come from the kernel image with entry = %s",
			 entry_names[vm->entry]);
	if (p->key_line[K_PLATFORM] && !vm->platform)
		cfg_error_at(p, p->key_line[K_PLATFORM],
			 "entry = %s needs platform = pc", entry_names[vm->entry]);
	vm->platform = true;
}

static void finish_vm(struct parser *p)
{
	struct vm_config *vm = p->vm;

	if (!p->key_line[K_MEMORY])
		cfg_error_at(p, vm->line, "[vm %s] has no memory", vm->name);
	if (!p->key_line[K_IMAGE])
		cfg_error_at(p, vm->line, "[vm %s] has no image", vm->name);
	resolve_affinity(p);
	resolve_kernel(p);
	cfg_finish_dev(p);
	vm->has_expect_exit = p->key_line[K_EXPECT_EXIT] != 0;
	if (!p->vm_errors) {
		p->set->count++;
		return;
	}
	if (p->errors <= VM_CONFIG_MAX_MESSAGES)
		emit(p->report, p->ctx, vm->line,
		     "[vm %s] skipped because of %u error(s)", vm->name,
		     p->vm_errors);
	memset(vm, 0, sizeof(*vm));
}

static void finish_section(struct parser *p)
{
	if (p->sec == SEC_VM)
		finish_vm(p);
	p->sec = SEC_NONE;
	p->vm = NULL;
}

/* "[vm NAME]", optionally followed by a comment. */
static void parse_header(struct parser *p, const char *s, size_t n)
{
	const struct vm_config_set *set = p->set;
	char tok[CFG_SHOW_BUF];
	size_t close = 1, i, name;

	finish_section(p);
	p->sec = SEC_SKIP; /* until this header proves good */
	while (close < n && s[close] != ']')
		close++;
	for (i = close + 1; i < n && cfg_is_blank(s[i]); i++)
		;
	if (close == n || (i < n && s[i] != '#')) {
		error(p, "bad section header '%s' (expected [vm NAME])",
		      cfg_show(tok, s, n));
		return;
	}
	for (i = 1; i < close && cfg_is_blank(s[i]); i++)
		;
	if (close - i < 2 || strncmp(s + i, "vm", 2) ||
	    (close - i > 2 && !cfg_is_blank(s[i + 2]))) {
		error(p, "unknown section '%s' (expected [vm NAME])",
		      cfg_show(tok, s, close + 1));
		return;
	}
	p->vm_headers++;
	for (name = i + 2; name < close && cfg_is_blank(s[name]); name++)
		;
	for (i = close; i > name && cfg_is_blank(s[i - 1]); i--)
		;
	if (!cfg_valid_name(s + name, i - name)) {
		error(p, "bad VM name '%s' (1-%u of A-Z a-z 0-9 _ -)",
		      cfg_show(tok, s + name, i - name), VM_NAME_MAX);
		return;
	}
	for (unsigned v = 0; v < set->count; v++) {
		if (strlen(set->vm[v].name) == i - name &&
		    !strncmp(set->vm[v].name, s + name, i - name)) {
			error(p, "duplicate VM name '%s' (first at line %u)",
			      set->vm[v].name, set->vm[v].line);
			return;
		}
	}
	if (set->count == VM_CONFIG_MAX_VMS) {
		error(p, "too many VMs (max %u): [vm %s] ignored",
		      VM_CONFIG_MAX_VMS, cfg_show(tok, s + name, i - name));
		return;
	}
	start_vm(p, s + name, i - name);
}

/* ---- lines ------------------------------------------------------------- */

static void parse_pair(struct parser *p, const char *s, size_t n)
{
	char tok[CFG_SHOW_BUF];
	size_t eq = 0, klen, vlen;
	const char *why;
	bool quoted;

	while (eq < n && s[eq] != '=')
		eq++;
	for (klen = eq; klen && cfg_is_blank(s[klen - 1]); klen--)
		;
	if (eq == n || !cfg_valid_key(s, klen)) {
		error(p, "expected 'key = value' or '[vm NAME]', got '%s'",
		      cfg_show(tok, s, n));
		return;
	}
	if (p->sec == SEC_NONE) {
		error(p, "key '%s' outside a [vm] section", cfg_show(tok, s, klen));
		return;
	}
	if (p->sec == SEC_SKIP)
		return; /* the header's error covers the whole section */
	why = cfg_unquote(s + eq + 1, n - eq - 1, p->val, &vlen, &quoted);
	if (why) {
		error(p, "%s", why);
		return;
	}
	if (vlen == 0 && !quoted) {
		error(p, "missing value for '%s'", cfg_show(tok, s, klen));
		return;
	}
	dispatch(p, s, klen, p->val, vlen);
}

/* NULs and control characters mean this is not the text file we expect;
 * refusing them also keeps every later string printable. */
static void parse_line(struct parser *p, const char *s, size_t n)
{
	size_t bad = cfg_bad_byte(s, n);

	if (bad < n) {
		if (s[bad])
			error(p, "control character 0x%02x in line",
			      (unsigned char)s[bad]);
		else
			error(p, "NUL byte in line");
		return;
	}
	cfg_trim(&s, &n);
	if (n == 0 || s[0] == '#')
		return;
	if (s[0] == '[')
		parse_header(p, s, n);
	else
		parse_pair(p, s, n);
}

unsigned vm_config_parse(const char *text, size_t len,
			 struct vm_config_set *set, config_report_fn report,
			 void *ctx)
{
	struct parser p;
	size_t pos = 0;

	memset(&p, 0, sizeof(p));
	memset(set, 0, sizeof(*set));
	p.set = set;
	p.report = report;
	p.ctx = ctx;
	while (pos < len) {
		size_t end = pos, n;

		while (end < len && text[end] != '\n')
			end++;
		n = end - pos;
		if (n && text[end - 1] == '\r') /* CRLF */
			n--;
		p.line++;
		if (n > VM_CONFIG_LINE_MAX)
			error(&p, "line is longer than %u characters",
			      VM_CONFIG_LINE_MAX);
		else
			parse_line(&p, text + pos, n);
		pos = end + 1;
	}
	finish_section(&p);
	if (!p.vm_headers)
		cfg_error_at(&p, 0, "no [vm] section");
	if (p.errors > VM_CONFIG_MAX_MESSAGES)
		emit(report, ctx, 0, "%u more error(s) not shown",
		     p.errors - VM_CONFIG_MAX_MESSAGES);
	return p.errors;
}

/* ---- checks needing runtime facts -------------------------------------- */

int vm_config_validate_cpus(struct vm_config *vm, unsigned ncpus,
			    config_report_fn report, void *ctx)
{
	uint64_t present = ncpus >= 64 ? ~0ULL : BIT(ncpus) - 1;
	int ret = 0;

	for (unsigned i = 0; i < vm->vcpus && i < VM_MAX_VCPUS; i++) {
		uint64_t extra = vm->affinity[i] & ~present;

		if (!vm->affinity[i]) {
			vm->affinity[i] = present;
		} else if (extra) {
			emit(report, ctx, vm->line,
			     "[vm %s] vCPU %u affinity names CPU %d, but this machine has %u CPU(s)",
			     vm->name, i, __builtin_ctzll(extra), ncpus);
			ret = -1;
		}
	}
	if (!present) {
		emit(report, ctx, vm->line, "[vm %s] has no CPU to run on",
		     vm->name);
		ret = -1;
	}
	return ret;
}

const char *vm_entry_mode_name(enum entry_mode mode)
{
	return (unsigned)mode < ENTRY_MODE_COUNT ? entry_names[mode] : "?";
}
