// FUZZ-SOURCES: efi/uhv_cfg.c
/* uhv.cfg as hypervisor.efi reads it (efi/uhv_cfg.c): any bytes, not
 * NUL-terminated.  Accepted: a command line and module names the loader
 * can use as they are; refused: a bounded message and a line that
 * exists. */
#include "efi/uhv_cfg.h"
#include "tests/fuzz/fuzz.h"

static unsigned count_lines(const uint8_t *data, size_t size)
{
	unsigned n = 1;

	for (size_t i = 0; i < size; i++)
		n += data[i] == '\n';
	return n;
}

static void check_accepted(const struct uhv_cfg *cfg, unsigned lines)
{
	FUZZ_CHECK(memchr(cfg->cmdline, '\0', sizeof(cfg->cmdline)) != NULL);
	FUZZ_CHECK(cfg->module_count <= BOOT_MAX_MODULES);
	for (unsigned i = 0; i < cfg->module_count; i++) {
		const struct uhv_cfg_module *m = &cfg->modules[i];
		size_t len = strnlen(m->name, sizeof(m->name));

		FUZZ_CHECK(len > 0 && len < sizeof(m->name));
		FUZZ_CHECK(!strpbrk(m->name, "/\\:"));
		FUZZ_CHECK(m->name[0] != ' ' && m->name[len - 1] != ' ');
		FUZZ_CHECK(m->line >= 1 && m->line <= lines);
		FUZZ_CHECK(i == 0 || m->line > cfg->modules[i - 1].line);
		for (unsigned j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(m->name, cfg->modules[j].name) != 0);
		for (size_t k = 0; k < len; k++)
			FUZZ_CHECK((unsigned char)m->name[k] >= 0x20 || m->name[k] == '\t');
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly 'size' bytes, so that ASan sees any read past it. */
	char *text = malloc(size ? size : 1);
	static struct uhv_cfg cfg;
	struct uhv_cfg_error err;

	memcpy(text, data, size);
	memset(&err, 0x5a, sizeof(err));
	if (uhv_cfg_parse(text, size, &cfg, &err) == 0) {
		check_accepted(&cfg, count_lines(data, size));
	} else {
		size_t len = strnlen(err.msg, sizeof(err.msg));

		FUZZ_CHECK(len > 0 && len < sizeof(err.msg));
		FUZZ_CHECK(err.line <= count_lines(data, size));
	}
	free(text);
	return 0;
}
