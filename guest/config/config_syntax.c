/* Token syntax of VM descriptions; see config_syntax.h. */
#include "guest/config/config_syntax.h"
#include "lib/printk.h"
#include "lib/string.h"

void cfg_trim(const char **s, size_t *n)
{
	while (*n && cfg_is_blank(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && cfg_is_blank((*s)[*n - 1]))
		(*n)--;
}

size_t cfg_bad_byte(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < ' ' && c != '\t') || c == 0x7f)
			return i;
	}
	return n;
}

const char *cfg_show(char buf[CFG_SHOW_BUF], const char *s, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n && i < CFG_SHOW_MAX; i++)
		buf[o++] = (s[i] >= ' ' && s[i] < 0x7f) ? s[i] : '?';
	if (n > CFG_SHOW_MAX) {
		buf[o++] = '.';
		buf[o++] = '.';
		buf[o++] = '.';
	}
	buf[o] = '\0';
	return buf;
}

const char *cfg_size_str(char buf[CFG_SIZE_BUF], uint64_t v)
{
	static const char units[] = "GMK";

	for (int i = 0; i < 3; i++) {
		uint64_t u = 1ULL << (30 - 10 * i);

		if (v && v % u == 0) {
			snprintf(buf, CFG_SIZE_BUF, "%llu%c",
				 (unsigned long long)(v / u), units[i]);
			return buf;
		}
	}
	snprintf(buf, CFG_SIZE_BUF, "%llu", (unsigned long long)v);
	return buf;
}

bool cfg_valid_name(const char *s, size_t n)
{
	if (n == 0 || n > VM_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return true;
}

bool cfg_valid_key(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.'))
			return false;
	}
	return true;
}

const char *cfg_unquote(const char *s, size_t n, char *out, size_t *out_len,
			bool *quoted)
{
	size_t i = 0, o = 0;

	while (i < n && cfg_is_blank(s[i]))
		i++;
	*quoted = i < n && s[i] == '"';
	if (!*quoted) {
		while (i < n && s[i] != '#')
			out[o++] = s[i++];
		while (o && cfg_is_blank(out[o - 1]))
			o--;
	} else {
		for (i++; i < n && s[i] != '"'; i++) {
			/* Only \" and \\ are escapes, so Windows-style paths
			 * in a command line survive unharmed. */
			if (s[i] == '\\' && i + 1 < n &&
			    (s[i + 1] == '"' || s[i + 1] == '\\'))
				i++;
			out[o++] = s[i];
		}
		if (i == n)
			return "unterminated quoted string";
		for (i++; i < n && cfg_is_blank(s[i]); i++)
			;
		if (i < n && s[i] != '#')
			return "unexpected text after quoted string";
	}
	out[o] = '\0';
	*out_len = o;
	return NULL;
}

const char *cfg_string(const char *s, size_t n, bool space, char *dst,
		       size_t max)
{
	if (n > max)
		return "is too long";
	for (size_t i = 0; i < n; i++)
		if (s[i] < ' ' || s[i] >= 0x7f || (s[i] == ' ' && !space))
			return "has a bad character";
	memcpy(dst, s, n);
	dst[n] = '\0';
	return NULL;
}

/* A plain number (no size suffix) with blanks around it. */
static bool number(const char *s, size_t n, uint64_t *v)
{
	cfg_trim(&s, &n);
	return parse_u64(s, n, false, v);
}

/* One "N" or "N-M" item of a CPU list, added to *mask. */
static const char *cpu_item(const char *s, size_t n, uint64_t *mask)
{
	uint64_t lo, hi;
	size_t dash = 0;

	while (dash < n && s[dash] != '-')
		dash++;
	if (!number(s, dash, &lo))
		return "use e.g. 0-3,6";
	hi = lo;
	if (dash < n && !number(s + dash + 1, n - dash - 1, &hi))
		return "use e.g. 0-3,6";
	if (lo > hi)
		return "range is reversed";
	if (hi >= VM_CONFIG_MAX_CPUS)
		return "CPU numbers stop at 63";
	for (uint64_t c = lo; c <= hi; c++)
		*mask |= BIT(c);
	return NULL;
}

const char *cfg_cpu_list(const char *s, size_t n, uint64_t *mask)
{
	const char *why;
	size_t i = 0;

	*mask = 0;
	for (;;) {
		size_t end = i;

		while (end < n && s[end] != ',')
			end++;
		why = cpu_item(s + i, end - i, mask);
		if (why || end == n)
			return why;
		i = end + 1;
	}
}

/* At most 'digits' hex digits, value at most 'max'. */
static bool hex_field(const char *s, size_t n, unsigned digits, unsigned max,
		      uint8_t *out)
{
	unsigned v = 0;

	if (n == 0 || n > digits)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c >= '0' && c <= '9')
			v = v * 16 + (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = v * 16 + (unsigned)(c - 'A' + 10);
		else
			return false;
	}
	if (v > max)
		return false;
	*out = (uint8_t)v;
	return true;
}

bool cfg_pci(const char *s, size_t n, struct vm_pci_dev *d)
{
	size_t colon = 4, dot;

	if (n < 4 || strncmp(s, "pci:", 4))
		return false;
	while (colon < n && s[colon] != ':')
		colon++;
	for (dot = colon; dot < n && s[dot] != '.'; dot++)
		;
	if (dot >= n)
		return false;
	/* PCI: 256 buses, 32 devices per bus, 8 functions per device. */
	return hex_field(s + 4, colon - 4, 2, 0xff, &d->bus) &&
	       hex_field(s + colon + 1, dot - colon - 1, 2, 0x1f, &d->dev) &&
	       hex_field(s + dot + 1, n - dot - 1, 1, 7, &d->fn);
}

const char *cfg_port_range(const char *s, size_t n, struct vm_ioport_range *r)
{
	uint64_t lo, hi;
	size_t dash = 0;

	while (dash < n && s[dash] != '-')
		dash++;
	if (!number(s, dash, &lo))
		return "use e.g. 0x1f0-0x1f7,0x3f6";
	hi = lo;
	if (dash < n && !number(s + dash + 1, n - dash - 1, &hi))
		return "use e.g. 0x1f0-0x1f7,0x3f6";
	if (lo > hi)
		return "range is reversed";
	if (hi > 0xffff)
		return "ports stop at 0xffff";
	r->first = (uint16_t)lo;
	r->last = (uint16_t)hi;
	return NULL;
}

const char *cfg_irq_item(const char *s, size_t n, struct vm_irq *irq,
			 bool *line_given)
{
	uint64_t host, line = 0;
	size_t gt = 0;

	while (gt < n && s[gt] != '>')
		gt++;
	*line_given = gt < n;
	if (!number(s, gt, &host) ||
	    (*line_given && !number(s + gt + 1, n - gt - 1, &line)))
		return "use e.g. 14 or 14>5";
	if (host > VM_IRQ_HOST_MAX)
		return "host IRQs stop at 255";
	if (!*line_given)
		line = host <= VM_IRQ_LINE_MAX ? host : 0;
	else if (line > VM_IRQ_LINE_MAX)
		return "guest lines stop at 23 (the virtual IOAPIC's pins)";
	irq->host = (uint16_t)host;
	irq->line = (uint8_t)line;
	return NULL;
}

int cfg_lookup(const char *s, size_t n, const char *const *names,
	       unsigned count)
{
	for (unsigned i = 0; i < count; i++)
		if (strlen(names[i]) == n && !strncmp(names[i], s, n))
			return (int)i;
	return -1;
}

bool vm_config_image_matches(const struct vm_config *vm,
			     const char *module_cmdline)
{
	const char *word = module_cmdline;
	size_t n = 0, base;

	if (!word)
		return false;
	while (cfg_is_blank(*word))
		word++;
	while (word[n] && !cfg_is_blank(word[n]))
		n++;
	if (!strchr(vm->image, '/')) {
		for (base = n; base && word[base - 1] != '/'; base--)
			;
		word += base;
		n -= base;
	}
	return n && strlen(vm->image) == n && !strncmp(vm->image, word, n);
}

bool vm_config_image_fits(const struct vm_config *vm, uint64_t size)
{
	return size <= vm->mem_size && vm->load_gpa <= vm->mem_size - size;
}

const char *vm_ioport_str(char buf[VM_IOPORT_STR_MAX], uint16_t first,
			  uint16_t last)
{
	if (first == last)
		snprintf(buf, VM_IOPORT_STR_MAX, "%#x", first);
	else
		snprintf(buf, VM_IOPORT_STR_MAX, "%#x-%#x", first, last);
	return buf;
}
