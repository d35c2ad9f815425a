/* What the e820 unit tests share: the layout and map under test, and
 * building and checking the map entry by entry. */
#ifndef TESTS_UNIT_E820_FIXTURE_H
#define TESTS_UNIT_E820_FIXTURE_H

#include "guest/load/e820.h"
#include "tests/unit/fakes.h"

static struct guest_layout l;
static struct e820_map m;
static char err[200];

static void build_ok(void)
{
	if (e820_build(&l, &m, err, sizeof(err)))
		fail_msg("e820_build: %s", err);
	assert_int_equal(e820_check(&m, err, sizeof(err)), 0);
}

static void assert_entry(unsigned i, uint64_t addr, uint64_t end, uint32_t type)
{
	assert_true(i < m.n);
	if (m.e[i].addr != addr || m.e[i].addr + m.e[i].size != end ||
	    m.e[i].type != type)
		fail_msg("entry %u is [0x%llx, 0x%llx) type %u, expected [0x%llx, 0x%llx) type %u",
			 i, (unsigned long long)m.e[i].addr,
			 (unsigned long long)(m.e[i].addr + m.e[i].size),
			 m.e[i].type, (unsigned long long)addr,
			 (unsigned long long)end, type);
}

#endif
