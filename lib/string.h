/* Freestanding string and memory helpers (no libc in the hypervisor). */
#ifndef LIB_STRING_H
#define LIB_STRING_H

#include "lib/types.h"

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

/* lib/parse.c (built for the host tests too, unlike the libc-like
 * functions above).  Parse an unsigned number with optional 0x prefix and K/M/G suffix when
 * 'suffixes' is true.  The whole [s, s+len) must be consumed.  Returns false
 * on empty input, bad digits or overflow. */
bool parse_u64(const char *s, size_t len, bool suffixes, uint64_t *out);

#endif
