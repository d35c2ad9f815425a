/* FPU/SSE/AVX state switching with XSAVE, or FXSAVE on older CPUs. */
#include "arch-x86/fpu.h"
#include "arch-x86/cpu.h"
#include "lib/string.h"

#define FXSAVE_FCW 0
#define FXSAVE_MXCSR 24
#define FCW_RESET 0x037f
#define MXCSR_RESET 0x1f80

static bool have_xsave;

void fpu_cpu_init(void)
{
	uint64_t cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;

	have_xsave = cpuid(1).ecx & CPUID1_ECX_XSAVE;
	if (have_xsave)
		cr4 |= CR4_OSXSAVE;
	write_cr4(cr4);
}

/* The legacy area carries the reset FCW and MXCSR; with XSAVE the header
 * (XSTATE_BV = 0) tells XRSTOR to load the init state anyway. */
void fpu_init_area(void *area)
{
	uint8_t *a = area;
	uint16_t fcw = FCW_RESET;
	uint32_t mxcsr = MXCSR_RESET;

	memset(a, 0, PAGE_SIZE);
	memcpy(a + FXSAVE_FCW, &fcw, sizeof(fcw));
	memcpy(a + FXSAVE_MXCSR, &mxcsr, sizeof(mxcsr));
}

static void set_xcr0(uint64_t v)
{
	__asm__ volatile("xsetbv" : : "c"(0), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

void fpu_save(void *area, uint64_t xcr0)
{
	if (have_xsave)
		__asm__ volatile("xsave64 (%0)"
				 : : "r"(area), "a"((uint32_t)xcr0), "d"((uint32_t)(xcr0 >> 32))
				 : "memory");
	else
		__asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

void fpu_load(const void *area, uint64_t xcr0)
{
	if (have_xsave) {
		set_xcr0(xcr0);
		__asm__ volatile("xrstor64 (%0)"
				 : : "r"(area), "a"((uint32_t)xcr0), "d"((uint32_t)(xcr0 >> 32))
				 : "memory");
	} else {
		__asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
	}
}
