/* realmode_test, 64-bit part: entered from realmode_test.S once the guest
 * has switched itself from real mode to long mode.  Checks what the
 * assembly recorded on the way and ends with HC_SHUTDOWN(failures). */
#include "lib/guest_rt.h"

#define RM_START 0x8000
#define RESET_CR0 0x60000010u /* CD, NW, ET: the state after RESET */
#define MSR_EFER 0xc0000080u
#define EFER_LMA (1u << 10)

extern uint32_t rm_version, pm_version, rm_entry_cr0, rm_entry_edx;
extern uint16_t rm_entry_sp, rm_entry_cs;

void realmode_main(void);
void realmode_main(void)
{
	uint32_t a, b, c, d, lo, hi;

	com1_puts("realmode_test: hello from long mode\n");
	hv_console_puts("realmode_test: hello from long mode via hypercall\n");

	hv_cpuid(1, 0, &a, &b, &c, &d);
	CHECK_HEX(rm_entry_cs, 0, "real-mode start: CS = 0");
	CHECK_HEX(rm_entry_sp, RM_START, "real-mode start: SP = entry address");
	CHECK_HEX(rm_entry_cr0, RESET_CR0, "real-mode start: CR0 = 0x60000010");
	CHECK_HEX(rm_entry_edx, a, "real-mode start: EDX = CPUID.1:EAX");
	CHECK_HEX(rm_version, HV_ABI_VERSION, "VMCALL HC_VERSION from real mode");
	CHECK_HEX(pm_version, HV_ABI_VERSION, "VMCALL HC_VERSION from 32-bit protected mode");
	CHECK_HEX(hv_version(), HV_ABI_VERSION, "VMCALL HC_VERSION from long mode");
	CHECK_HEX(read_cs(), 0x18, "running on the guest's own 64-bit code segment");
	CHECK((read_cr0() & 0x80000001u) == 0x80000001u, "CR0.PE and CR0.PG set");
	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(MSR_EFER));
	CHECK(lo & EFER_LMA, "EFER.LMA set");
	test_finish();
}
