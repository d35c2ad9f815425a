/* Writing seed inputs: the seed generators (tests/fuzz/seeds/seed_*.c)
 * build real inputs with the unit tests' builders and store each as one
 * file of the target's corpus (make fuzz-seeds). */
#ifndef TESTS_FUZZ_SEEDS_SEED_OUT_H
#define TESTS_FUZZ_SEEDS_SEED_OUT_H

#include <stdio.h>
#include <stdlib.h>

/* DIR/NAME := the 'plen' bytes at 'prefix', then the 'blen' at 'body'. */
static inline void seed_write(const char *dir, const char *name,
			      const void *prefix, size_t plen,
			      const void *body, size_t blen)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(prefix, 1, plen, f) != plen ||
	    fwrite(body, 1, blen, f) != blen || fclose(f)) {
		perror(path);
		exit(1);
	}
}

#endif
