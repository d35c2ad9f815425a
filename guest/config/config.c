/* VM description parser (format: docs/config.md).
 *
 * The text comes from a boot module, so nothing about it is trusted: lines
 * are bounded before they are looked at, stray bytes are errors, and no
 * value is copied anywhere without a length check.  Each line is either a
 * section header or a "key = value" pair dispatched through one table.
 * Errors inside a [vm] section only cost that VM: the section is parsed to
 * its end (so every mistake is reported at once) and then dropped.
 * This file holds the messages, the lines and the sections; token syntax
 * (quoting, CPU lists, PCI addresses) is in config_syntax.c, the key table
 * and most keys in config_keys.c, the keys that hand a VM host devices,
 * ports and IRQs in config_dev.c, and what is settled at the end of a
 * section (and the runtime CPU check) in config_resolve.c. */
#include "guest/config/config.h"
#include "guest/config/config_internal.h"
#include "guest/include/hv_abi.h"
#include "guest/config/config_syntax.h"
#include "lib/printk.h"
#include "lib/report.h"
#include "lib/string.h"

#define MSG_BUF 192

/* ---- messages ---------------------------------------------------------- */

static void emitv(config_report_fn fn, void *ctx, unsigned line,
		  const char *fmt, va_list ap)
{
	char msg[MSG_BUF];
	struct report r = report_into(msg, sizeof(msg));

	if (!fn)
		return;
	if (line)
		report_add(&r, "config:%u: ", line);
	else
		report_add(&r, "config: ");
	report_vadd(&r, fmt, ap);
	fn(ctx, msg);
}

void cfg_emit(config_report_fn fn, void *ctx, unsigned line, const char *fmt,
	      ...)
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
	vm->hc_allow = HV_ALLOW_DEFAULT;

	memset(p->key_line, 0, sizeof(p->key_line));
	memset(p->aff_line, 0, sizeof(p->aff_line));
	p->aff_all = 0;
	p->vm_errors = 0;
	p->vm = vm;
	p->sec = SEC_VM;
}

static void finish_section(struct parser *p)
{
	if (p->sec == SEC_VM)
		cfg_finish_vm(p);
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
		cfg_error(p, "bad section header '%s' (expected [vm NAME])",
		      cfg_show(tok, s, n));
		return;
	}
	for (i = 1; i < close && cfg_is_blank(s[i]); i++)
		;
	if (close - i < 2 || strncmp(s + i, "vm", 2) ||
	    (close - i > 2 && !cfg_is_blank(s[i + 2]))) {
		cfg_error(p, "unknown section '%s' (expected [vm NAME])",
		      cfg_show(tok, s, close + 1));
		return;
	}
	p->vm_headers++;
	for (name = i + 2; name < close && cfg_is_blank(s[name]); name++)
		;
	for (i = close; i > name && cfg_is_blank(s[i - 1]); i--)
		;
	if (!cfg_valid_name(s + name, i - name)) {
		cfg_error(p, "bad VM name '%s' (1-%u of A-Z a-z 0-9 _ -)",
		      cfg_show(tok, s + name, i - name), VM_NAME_MAX);
		return;
	}
	for (unsigned v = 0; v < set->count; v++) {
		if (strlen(set->vm[v].name) == i - name &&
		    !strncmp(set->vm[v].name, s + name, i - name)) {
			cfg_error(p, "duplicate VM name '%s' (first at line %u)",
			      set->vm[v].name, set->vm[v].line);
			return;
		}
	}
	if (set->count == VM_CONFIG_MAX_VMS) {
		cfg_error(p, "too many VMs (max %u): [vm %s] ignored",
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
		cfg_error(p, "expected 'key = value' or '[vm NAME]', got '%s'",
		      cfg_show(tok, s, n));
		return;
	}
	if (p->sec == SEC_NONE) {
		cfg_error(p, "key '%s' outside a [vm] section", cfg_show(tok, s, klen));
		return;
	}
	if (p->sec == SEC_SKIP)
		return; /* the header's error covers the whole section */
	why = cfg_unquote(s + eq + 1, n - eq - 1, p->val, &vlen, &quoted);
	if (why) {
		cfg_error(p, "%s", why);
		return;
	}
	if (vlen == 0 && !quoted) {
		cfg_error(p, "missing value for '%s'", cfg_show(tok, s, klen));
		return;
	}
	cfg_dispatch(p, s, klen, p->val, vlen);
}

/* NULs and control characters mean this is not the text file we expect;
 * refusing them also keeps every later string printable. */
static void parse_line(struct parser *p, const char *s, size_t n)
{
	size_t bad = cfg_bad_byte(s, n);

	if (bad < n) {
		if (s[bad])
			cfg_error(p, "control character 0x%02x in line",
			      (unsigned char)s[bad]);
		else
			cfg_error(p, "NUL byte in line");
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
			 void *ctx, const struct cfg_reserved_ports *reserved)
{
	struct parser p;
	size_t pos = 0;

	memset(&p, 0, sizeof(p));
	memset(set, 0, sizeof(*set));
	p.set = set;
	p.report = report;
	p.ctx = ctx;
	p.reserved = reserved;
	while (pos < len) {
		size_t end = pos, n;

		while (end < len && text[end] != '\n')
			end++;
		n = end - pos;
		if (n && text[end - 1] == '\r') /* CRLF */
			n--;
		p.line++;
		if (n > VM_CONFIG_LINE_MAX)
			cfg_error(&p, "line is longer than %u characters",
			      VM_CONFIG_LINE_MAX);
		else
			parse_line(&p, text + pos, n);
		pos = end + 1;
	}
	finish_section(&p);
	if (!p.vm_headers)
		cfg_error_at(&p, 0, "no [vm] section");
	if (p.errors > VM_CONFIG_MAX_MESSAGES)
		cfg_emit(report, ctx, 0, "%u more error(s) not shown",
			 p.errors - VM_CONFIG_MAX_MESSAGES);
	return p.errors;
}
