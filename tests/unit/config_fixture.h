/* Shared fixture of the VM description parser tests (test_config*.c):
 * parse() and friends run vm_config_parse() into 'set' and collect its
 * messages in 'msgs'; the expect_* helpers fail with every message
 * collected when the one wanted is not among them.  Each text is parsed
 * from a heap copy of exactly its bytes, without a NUL, so ASan catches
 * any read past the end of the module. */
#ifndef TESTS_UNIT_CONFIG_FIXTURE_H
#define TESTS_UNIT_CONFIG_FIXTURE_H

#include "guest/config/config.h"
#include "tests/unit/fakes.h"

#define MAX_MSGS 64

extern struct vm_config_set set;
extern char msgs[MAX_MSGS][256];
extern unsigned nmsgs;

/* The report callback: appends to msgs, the first MAX_MSGS only. */
void collect(void *ctx, const char *msg);

/* Parses len bytes of text (no NUL needed); returns the error count. */
unsigned parse_len(const char *text, size_t len);
unsigned parse(const char *text);
/* Parses text that must be clean; shows the messages when it is not. */
void parse_ok(const char *text);
/* Fails with every collected message when none contains 'needle'. */
void expect_msg(const char *needle);
/* The VM of that name in 'set', NULL if it was not accepted. */
const struct vm_config *vm_named(const char *name);
/* One VM whose section has 'extra' after a valid memory and image, and
 * which must be rejected with 'needle' in a message. */
void expect_bad(const char *extra, const char *needle);

#endif
