/* "key=value" words of the VM's command line (start info), for guests
 * whose behaviour a VM description chooses. */
#include "lib/guest_rt.h"

static const char *cmdline(void)
{
	if (!start_info || !start_info->cmdline)
		return "";
	return (const char *)(uintptr_t)start_info->cmdline;
}

/* Decimal or 0x-prefixed hexadecimal, up to a blank or the end. */
static bool parse_u64(const char *s, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;
	bool any = false;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (; *s && *s != ' '; s++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			return false;
		v = v * base + d;
		any = true;
	}
	*out = v;
	return any;
}

bool arg_u64(const char *key, uint64_t *out)
{
	const char *c = cmdline();
	size_t klen = strlen(key);

	while (*c) {
		while (*c == ' ')
			c++;
		if (!memcmp(c, key, klen) && c[klen] == '=')
			return parse_u64(c + klen + 1, out);
		while (*c && *c != ' ')
			c++;
	}
	return false;
}

uint64_t arg_u64_or(const char *key, uint64_t dflt)
{
	uint64_t v;

	return arg_u64(key, &v) ? v : dflt;
}
