/* Host implementations of what the hypervisor gets from arch-x86 and mm/
 * on the machine; see fakes.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/printk.h"
#include "tests/unit/fakes.h"

char fake_panic_msg[512];
unsigned fake_panic_count;
jmp_buf fake_panic_jmp;
volatile bool fake_panic_armed;

/* Weak: a test that links lib/panic.c (test_panic) gets the real one. */
__attribute__((weak)) __noreturn void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fake_panic_msg, sizeof(fake_panic_msg), fmt, ap);
	va_end(ap);
	fake_panic_count++;
	if (fake_panic_armed) {
		fake_panic_armed = false;
		longjmp(fake_panic_jmp, 1);
	}
	fail_msg("unexpected panic: %s", fake_panic_msg);
	/* fail_msg() leaves the test; reaching here means no test runs. */
	abort();
}

/* ---- console capture ---- */

static char log_buf[64 * 1024];
static size_t log_len;
static bool log_echo;

static void fake_console_write(const char *s, size_t n)
{
	if (log_echo)
		fwrite(s, 1, n, stderr);
	/* Keep the first 64 KiB; a test that logs more checks the start. */
	if (n > sizeof(log_buf) - 1 - log_len)
		n = sizeof(log_buf) - 1 - log_len;
	memcpy(log_buf + log_len, s, n);
	log_len += n;
	log_buf[log_len] = '\0';
}

__attribute__((constructor)) static void fake_console_init(void)
{
	const char *v = getenv("UNIT_VERBOSE");

	/* Line-buffered, so that a binary killed by a sanitizer still shows
	 * run.sh which case it was in. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	log_echo = v && *v && strcmp(v, "0");
	console_register(fake_console_write);
	log_set_level(LOG_DEBUG);
}

void fake_log_reset(void)
{
	log_len = 0;
	log_buf[0] = '\0';
}

const char *fake_log(void)
{
	return log_buf;
}

bool fake_log_contains(const char *needle)
{
	return strstr(log_buf, needle) != NULL;
}

/* ---- fake physical memory ---- */

uint8_t *fake_phys_mem;
paddr_t fake_phys_base;
size_t fake_phys_size;

void fake_phys_init(paddr_t base, size_t size)
{
	size_t alloc = ALIGN_UP(size, (size_t)PAGE_SIZE);

	fake_phys_fini();
	if (!alloc)
		alloc = PAGE_SIZE;
	fake_phys_mem = aligned_alloc(PAGE_SIZE, alloc);
	if (!fake_phys_mem)
		fail_msg("fake_phys_init: cannot allocate %zu bytes", alloc);
	memset(fake_phys_mem, 0, alloc);
	fake_phys_base = base;
	fake_phys_size = alloc;
}

void fake_phys_fini(void)
{
	free(fake_phys_mem);
	fake_phys_mem = NULL;
	fake_phys_base = 0;
	fake_phys_size = 0;
}

void *phys_to_virt(paddr_t pa)
{
	if (!fake_phys_mem || pa < fake_phys_base ||
	    pa - fake_phys_base >= fake_phys_size)
		fail_msg("phys_to_virt(0x%llx): outside fake RAM [0x%llx, 0x%llx)",
			 (unsigned long long)pa,
			 (unsigned long long)fake_phys_base,
			 (unsigned long long)(fake_phys_base + fake_phys_size));
	return fake_phys_mem + (pa - fake_phys_base);
}

paddr_t virt_to_phys(const void *va)
{
	/* Integers, not pointers: comparing unrelated pointers is undefined. */
	uintptr_t v = (uintptr_t)va, mem = (uintptr_t)fake_phys_mem;

	if (!fake_phys_mem || v < mem || v - mem >= fake_phys_size)
		fail_msg("virt_to_phys(%p): not inside fake RAM", va);
	return fake_phys_base + (paddr_t)(v - mem);
}
