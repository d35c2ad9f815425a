/* Shared fixture of the VM description parser tests; see config_fixture.h. */
#include "guest/vpc/ports.h"
#include <stdio.h>
#include <stdlib.h>

#include "tests/unit/config_fixture.h"

struct vm_config_set set;
char msgs[MAX_MSGS][256];
unsigned nmsgs;

void collect(void *ctx, const char *msg)
{
	(void)ctx;
	if (nmsgs < MAX_MSGS)
		snprintf(msgs[nmsgs++], sizeof(msgs[0]), "%s", msg);
}

unsigned parse_len(const char *text, size_t len)
{
	char *copy = malloc(len ? len : 1);
	unsigned errors;

	assert_non_null(copy);
	memcpy(copy, text, len);
	nmsgs = 0;
	errors = vm_config_parse(copy, len, &set, collect, NULL, &vpc_reserved_ports);
	free(copy);
	return errors;
}

unsigned parse(const char *text)
{
	return parse_len(text, strlen(text));
}

void parse_ok(const char *text)
{
	unsigned errors = parse(text);

	for (unsigned i = 0; errors && i < nmsgs; i++)
		print_error("%s\n", msgs[i]);
	assert_int_equal(errors, 0);
}

void expect_msg(const char *needle)
{
	char all[MAX_MSGS * 80] = "";

	for (unsigned i = 0; i < nmsgs; i++) {
		if (strstr(msgs[i], needle))
			return;
		strncat(all, msgs[i], sizeof(all) - strlen(all) - 2);
		strcat(all, "\n");
	}
	fail_msg("no message contains \"%s\"; got:\n%s", needle, all);
}

const struct vm_config *vm_named(const char *name)
{
	for (unsigned i = 0; i < set.count; i++)
		if (!strcmp(set.vm[i].name, name))
			return &set.vm[i];
	return NULL;
}

void expect_bad(const char *extra, const char *needle)
{
	char text[1024];

	snprintf(text, sizeof(text), "[vm a]\nmemory = 16M\nimage = a.bin\n%s\n",
		 extra);
	assert_true(parse(text) > 0);
	assert_int_equal(set.count, 0);
	expect_msg(needle);
	expect_msg("config:1: [vm a] skipped");
}
