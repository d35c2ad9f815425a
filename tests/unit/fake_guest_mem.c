/* A fake guest RAM behind struct guest_mem_ops; see fake_guest_mem.h. */
#include <string.h>

#include "tests/unit/fake_guest_mem.h"

static bool in_ram(const struct fake_guest_mem *m, uint64_t gpa, size_t len)
{
	return gpa <= *m->size && len <= *m->size - gpa;
}

int fake_guest_mem_write(void *ctx, uint64_t gpa, const void *src, size_t len)
{
	struct fake_guest_mem *m = ctx;

	if (*m->fail_writes ||
	    (*m->fail_after >= 0 && *m->writes >= (unsigned long)*m->fail_after) ||
	    !in_ram(m, gpa, len))
		return -1;
	memcpy(*m->ram + gpa, src, len);
	(*m->writes)++;
	return 0;
}

int fake_guest_mem_read(void *ctx, uint64_t gpa, void *dst, size_t len)
{
	const struct fake_guest_mem *m = ctx;

	if (!in_ram(m, gpa, len))
		return -1;
	memcpy(dst, *m->ram + gpa, len);
	return 0;
}
