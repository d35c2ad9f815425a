/* Shared by the libFuzzer harnesses (tests/fuzz/fuzz_*.c): a reader that
 * turns the fuzz input into numbers, and the check that stops a run when
 * an invariant fails.  Harnesses link the unit tests' fakes
 * (tests/unit/fakes.c: panic(), the console sink, fake physical RAM);
 * fuzz_common.c makes every cmocka failure inside them an abort(), which
 * libFuzzer reports as a crash and saves the input. */
#ifndef TESTS_FUZZ_FUZZ_H
#define TESTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The input, consumed from the front.  Reading past the end gives zeros,
 * so every input, however short, is one complete run. */
struct fz {
	const uint8_t *p;
	size_t n;
};

static inline struct fz fz_init(const uint8_t *data, size_t size)
{
	return (struct fz){ data, size };
}

static inline int fz_more(const struct fz *f)
{
	return f->n != 0;
}

static inline uint64_t fz_bytes(struct fz *f, unsigned len)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < len; i++) {
		if (f->n) {
			v |= (uint64_t)*f->p << (8 * i);
			f->p++;
			f->n--;
		}
	}
	return v;
}

static inline uint8_t fz_u8(struct fz *f) { return (uint8_t)fz_bytes(f, 1); }
static inline uint16_t fz_u16(struct fz *f) { return (uint16_t)fz_bytes(f, 2); }
static inline uint32_t fz_u32(struct fz *f) { return (uint32_t)fz_bytes(f, 4); }
static inline uint64_t fz_u64(struct fz *f) { return fz_bytes(f, 8); }

/* An invariant of the code under test: on failure, say which and abort
 * (libFuzzer keeps the input as a crash). */
#define FUZZ_CHECK(cond)                                                    \
	do {                                                                \
		if (!(cond)) {                                              \
			fprintf(stderr, "%s:%d: invariant failed: %s\n",    \
				__FILE__, __LINE__, #cond);                 \
			abort();                                            \
		}                                                           \
	} while (0)

/* The same with a formatted explanation. */
#define FUZZ_CHECKF(cond, ...)                                              \
	do {                                                                \
		if (!(cond)) {                                              \
			fprintf(stderr, "%s:%d: invariant failed: %s: ",    \
				__FILE__, __LINE__, #cond);                 \
			fprintf(stderr, __VA_ARGS__);                       \
			fputc('\n', stderr);                                \
			abort();                                            \
		}                                                           \
	} while (0)

/* With FUZZ_VERBOSE=1 in the environment, print a line about the input
 * (what the parser made of it): for looking at seeds and crashes. */
void fuzz_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Forget what the console captured (tests/unit/fakes.c keeps 64 KiB). */
void fuzz_log_reset(void);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
