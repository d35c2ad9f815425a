/* The hypercall keys of a [vm] section: `hypercalls`, the allow-list of
 * calls by name or group (docs/config.md, docs/hypercalls.md), and the
 * names it accepts, all taken from HV_CALL_TABLE in hv_abi.h. */
#include "guest/config/config_internal.h"
#include "guest/config/config_syntax.h"
#include "guest/include/hv_abi.h"
#include "lib/string.h"

_Static_assert(HC_NR_CALLS <= 64, "the allow-list is one 64-bit mask");

static const struct {
	const char *name;
	unsigned group;
} calls[HC_NR_CALLS] = {
#define CFG_CALL(nr, NAME, name_, nargs, kinds, flags, group_, feat) \
	[nr] = { #name_, group_ },
	HV_CALL_TABLE(CFG_CALL)
#undef CFG_CALL
};

static const char *const group_names[HV_NR_GROUPS] = {
	[HV_GROUP_BASE] = "base",	  [HV_GROUP_IPI] = "ipi",
	[HV_GROUP_STATS] = "stats",	  [HV_GROUP_DISCOVER] = "discover",
	[HV_GROUP_CONV] = "conv",	  [HV_GROUP_RING] = "ring",
	[HV_GROUP_ADMIN] = "admin",
};

static bool word_is(const char *w, size_t n, const char *name)
{
	return strlen(name) == n && !memcmp(w, name, n);
}

/* The calls one word stands for: a call name, a group name, "default"
 * or "all"; 0 when it is none of them. */
uint64_t cfg_hypercall_word(const char *w, size_t n)
{
	uint64_t mask = 0;

	if (word_is(w, n, "all"))
		return (HC_NR_CALLS == 64 ? 0 : BIT(HC_NR_CALLS)) - 1;
	if (word_is(w, n, "default"))
		return HV_ALLOW_DEFAULT;
	for (unsigned nr = 0; nr < HC_NR_CALLS; nr++)
		if (word_is(w, n, calls[nr].name))
			return BIT(nr);
	for (unsigned g = 0; g < HV_NR_GROUPS; g++) {
		if (!word_is(w, n, group_names[g]))
			continue;
		for (unsigned nr = 0; nr < HC_NR_CALLS; nr++)
			if (calls[nr].group == g)
				mask |= BIT(nr);
	}
	return mask;
}

/* hypercalls = WORD [WORD...], separated by spaces or commas; "none"
 * alone is the empty list (every call is HV_EPERM). */
void cfg_key_hypercalls(struct parser *p, const char *v, size_t n)
{
	char tok[CFG_SHOW_BUF];
	uint64_t mask = 0;
	size_t i = 0;

	if (word_is(v, n, "none")) {
		p->vm->hc_allow = 0;
		return;
	}
	while (i < n) {
		size_t s, len;
		uint64_t m;

		while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		if (i >= n)
			break;
		s = i;
		while (i < n && v[i] != ' ' && v[i] != '\t' && v[i] != ',')
			i++;
		len = i - s;
		m = cfg_hypercall_word(v + s, len);
		if (!m) {
			cfg_error(p, "unknown call or group '%s' in hypercalls",
				  cfg_show(tok, v + s, len));
			return;
		}
		mask |= m;
	}
	if (!mask) {
		cfg_error(p, "hypercalls needs call or group names, or none");
		return;
	}
	p->vm->hc_allow = mask;
}
