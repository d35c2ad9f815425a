/* HLT, XSETBV and accesses outside the VM's memory. */
#include "guest/exit/emulate.h"

#include "guest/exit/mmio.h"
#include "arch-x86/cpu.h"
#include "arch-x86/regs.h"
#include "lib/printk.h"

#define XCR0_X87 BIT(0)
#define XCR0_SSE BIT(1)
#define XCR0_AVX BIT(2)
#define XCR0_MPX (BIT(3) | BIT(4))           /* BNDREGS, BNDCSR */
#define XCR0_AVX512 (BIT(5) | BIT(6) | BIT(7)) /* opmask, ZMM_Hi256, Hi16_ZMM */
#define XCR0_AMX (BIT(17) | BIT(18))         /* XTILECFG, XTILEDATA */

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

/* Groups of state components that XCR0 enables all together or not at
 * all: true when 'val' has some but not all of 'group'. */
static bool split(uint64_t val, uint64_t group)
{
	return (val & group) && (val & group) != group;
}

/* SDM vol. 1 §13.3 and the XSETBV instruction page: every value that makes
 * XSETBV fault on hardware is refused here, before the hypervisor writes
 * XCR0 itself (a fault there would be the hypervisor's): x87 always on;
 * AVX needs SSE; AVX-512's three components together and only with AVX;
 * MPX's two components together; AMX's two components together; nothing
 * the CPU does not support (that also excludes every supervisor
 * component, which CPUID.(EAX=0DH,ECX=0) never lists). */
bool guest_xcr0_valid(uint64_t val, uint64_t supported)
{
	if (!(val & XCR0_X87) || (val & ~supported))
		return false;
	if ((val & XCR0_AVX) && !(val & XCR0_SSE))
		return false;
	if (split(val, XCR0_AVX512) || ((val & XCR0_AVX512) && !(val & XCR0_AVX)))
		return false;
	return !split(val, XCR0_MPX) && !split(val, XCR0_AMX);
}

/* Only XCR0 (ECX = 0), only from CPL 0, only valid values; anything else
 * is #GP(0) as on hardware. */
enum vcpu_action guest_xsetbv(struct vcpu *v, uint32_t index, uint64_t val)
{
	if (index != 0 || vcpu_cpl(v) != 0 || !guest_xcr0_valid(val, host_xcr0_mask())) {
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
