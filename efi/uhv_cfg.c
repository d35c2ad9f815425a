/* The uhv.cfg parser (efi/uhv_cfg.h).  No library calls: the EFI
 * application has no libc, so the few string steps are done here. */
#include "efi/uhv_cfg.h"

struct span {
	const char *p;
	size_t n;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static struct span trim(struct span s)
{
	while (s.n && is_blank(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n && is_blank(s.p[s.n - 1]))
		s.n--;
	return s;
}

static bool span_is(struct span s, const char *word)
{
	size_t i = 0;

	for (; i < s.n; i++)
		if (!word[i] || word[i] != s.p[i])
			return false;
	return !word[i];
}

/* Appends what fits of 'src' ('n' bytes, or up to its NUL when n is
 * (size_t)-1) to the NUL-terminated 'dst' of capacity 'cap'. */
static void put(char *dst, size_t cap, const char *src, size_t n)
{
	size_t at = 0;

	while (at < cap && dst[at])
		at++;
	for (size_t i = 0; i < n && src[i] && at + 1 < cap; i++)
		dst[at++] = src[i];
	if (at < cap)
		dst[at] = 0;
}

static int fail(struct uhv_cfg_error *err, unsigned line, const char *what,
		struct span quoted, const char *after)
{
	err->line = line;
	err->msg[0] = 0;
	put(err->msg, sizeof(err->msg), what, (size_t)-1);
	if (quoted.p) {
		put(err->msg, sizeof(err->msg), " '", 2);
		put(err->msg, sizeof(err->msg), quoted.p, quoted.n);
		put(err->msg, sizeof(err->msg), "'", 1);
	}
	put(err->msg, sizeof(err->msg), after, (size_t)-1);
	return -1;
}

static const struct span none = { 0, 0 };

static int set_cmdline(struct uhv_cfg *cfg, struct span v, bool *seen,
		       unsigned line, struct uhv_cfg_error *err)
{
	if (*seen)
		return fail(err, line, "a second 'cmdline' line", none,
			    ": give the command line once");
	if (v.n >= sizeof(cfg->cmdline))
		return fail(err, line, "command line too long", none,
			    " (at most 1023 characters)");
	*seen = true;
	cfg->cmdline[0] = 0;
	put(cfg->cmdline, sizeof(cfg->cmdline), v.p, v.n);
	return 0;
}

static bool span_eq_str(struct span s, const char *str)
{
	return span_is(s, str);
}

static int add_module(struct uhv_cfg *cfg, struct span v, unsigned line,
		      struct uhv_cfg_error *err)
{
	struct uhv_cfg_module *m;

	if (!v.n)
		return fail(err, line, "'module' needs a file name", none, "");
	if (v.n >= UHV_CFG_NAME_MAX)
		return fail(err, line, "module name", v, " is too long (at most 95 characters)");
	for (size_t i = 0; i < v.n; i++)
		if (v.p[i] == '/' || v.p[i] == '\\' || v.p[i] == ':')
			return fail(err, line, "module name", v,
				    " has a path separator: name a file of the directory hypervisor.efi is in");
	for (unsigned i = 0; i < cfg->module_count; i++)
		if (span_eq_str(v, cfg->modules[i].name))
			return fail(err, line, "module", v, " is named twice");
	if (cfg->module_count == BOOT_MAX_MODULES)
		return fail(err, line, "too many modules", none, " (at most 32)");
	m = &cfg->modules[cfg->module_count++];
	m->name[0] = 0;
	put(m->name, sizeof(m->name), v.p, v.n);
	m->line = line;
	return 0;
}

static int parse_line(struct uhv_cfg *cfg, struct span s, unsigned line,
		      bool *seen_cmdline, struct uhv_cfg_error *err)
{
	struct span key = s, val;
	size_t eq = 0;

	while (eq < s.n && s.p[eq] != '=')
		eq++;
	for (size_t i = 0; i < s.n; i++)
		if ((unsigned char)s.p[i] < 0x20 && s.p[i] != '\t')
			return fail(err, line, "control character in the line", none, "");
	if (eq == s.n)
		return fail(err, line, "no '=' in", trim(s),
			    ": write 'cmdline = ...' or 'module = FILE'");
	key.n = eq;
	key = trim(key);
	val.p = s.p + eq + 1;
	val.n = s.n - eq - 1;
	val = trim(val);
	if (span_is(key, "cmdline"))
		return set_cmdline(cfg, val, seen_cmdline, line, err);
	if (span_is(key, "module"))
		return add_module(cfg, val, line, err);
	return fail(err, line, "unknown key", key, ": the keys are 'cmdline' and 'module'");
}

int uhv_cfg_parse(const char *text, size_t len, struct uhv_cfg *cfg,
		  struct uhv_cfg_error *err)
{
	bool seen_cmdline = false;
	unsigned line = 0, settings = 0;
	size_t at = 0;

	cfg->cmdline[0] = 0;
	cfg->module_count = 0;
	if (len > UHV_CFG_MAX_BYTES)
		return fail(err, 0, "file larger than 16 KiB", none, "");
	/* A UTF-8 byte order mark, as some editors write. */
	if (len >= 3 && (unsigned char)text[0] == 0xef &&
	    (unsigned char)text[1] == 0xbb && (unsigned char)text[2] == 0xbf)
		at = 3;
	while (at < len) {
		struct span s = { text + at, 0 };

		line++;
		while (at + s.n < len && text[at + s.n] != '\n')
			s.n++;
		at += s.n + 1;
		if (s.n && s.p[s.n - 1] == '\r')
			s.n--;
		s = trim(s);
		if (!s.n || s.p[0] == '#')
			continue;
		if (parse_line(cfg, s, line, &seen_cmdline, err))
			return -1;
		settings++;
	}
	if (!settings)
		return fail(err, 0, "no setting in the file (empty)", none,
			    ": it needs a 'cmdline = ...' line and a 'module = FILE' line for each module");
	return 0;
}
