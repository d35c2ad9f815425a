/* HLT, XSETBV and accesses outside the VM's memory. */
#include "guest/exit/emulate.h"

#include "guest/exit/mmio.h"
#include "arch-x86/cpu.h"
#include "arch-x86/regs.h"
#include "lib/printk.h"

#define XCR0_X87 BIT(0)
#define XCR0_SSE BIT(1)
#define XCR0_AVX BIT(2)

/* What HLT does depends on the machine (guest/vm/platform.h). */
enum vcpu_action guest_hlt(struct vcpu *v)
{
	return v->vm->platform->hlt(v);
}

static uint64_t host_xcr0_mask(void)
{
	struct cpuid_regs r;

	if (!(cpuid(1).ecx & CPUID1_ECX_XSAVE))
		return XCR0_X87;
	r = cpuid_count(0xd, 0);
	return ((uint64_t)r.edx << 32) | r.eax;
}

/* SDM vol. 1 §13.3: XCR0 bit 0 must be set, AVX needs SSE, only
 * supported bits, only XCR0 (ECX = 0), only from CPL 0. */
enum vcpu_action guest_xsetbv(struct vcpu *v, uint32_t index, uint64_t val)
{
	if (index != 0 || vcpu_cpl(v) != 0 || !(val & XCR0_X87) ||
	    ((val & XCR0_AVX) && !(val & XCR0_SSE)) || (val & ~host_xcr0_mask())) {
		vcpu_inject_gp(v);
		return ACT_RESUME;
	}
	v->xcr0 = val;
	__asm__ volatile("xsetbv" : : "c"(0), "a"((uint32_t)val), "d"((uint32_t)(val >> 32)));
	return ACT_RESUME_ADVANCE;
}

enum vcpu_action guest_ept_violation(struct vcpu *v, gpa_t gpa,
				     unsigned access, uint64_t gla,
				     bool gla_valid)
{
	char how[8];
	unsigned n = 0;

	if (!(access & ACCESS_FETCH) && v->vm->platform->is_mmio &&
	    v->vm->platform->is_mmio(v, gpa))
		return mmio_emulate(v, gpa, access & ACCESS_WRITE);

	if (access & ACCESS_READ)
		how[n++] = 'r';
	if (access & ACCESS_WRITE)
		how[n++] = 'w';
	if (access & ACCESS_FETCH)
		how[n++] = 'x';
	how[n] = '\0';
	if (gla_valid)
		vm_stop(v->vm, "EPT violation: %s access to GPA %#lx (linear %#lx) outside the VM's memory at RIP %#lx",
			how, gpa, gla, vcpu_rip(v));
	else
		vm_stop(v->vm, "EPT violation: %s access to GPA %#lx outside the VM's memory at RIP %#lx",
			how, gpa, vcpu_rip(v));
	return ACT_KILL_VM;
}
