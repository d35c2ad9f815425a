/* Control-register writes that trapped (masked bits changed, or CR8). */
#include "guest/exit/emulate.h"

#include "arch-x86/regs.h"
#include "arch-x86/cpu.h"

#define CR0_RESERVED_HI 0xffffffff00000000ULL
#define SEG_CS 1 /* hw_seg_ar()'s numbering */

/* 64-bit mode: IA-32e mode with CS.L set (SDM vol. 3 §2.2). */
static bool in_64bit_mode(struct vcpu *v)
{
	return vcpu_long_mode(v) && (hw_seg_ar(v->hw, SEG_CS) & SEG_AR_L);
}

/* SDM vol. 3 §2.5 and the MOV to CR0 page: #GP for reserved bits, PG
 * without PE, NW without CD, enabling paging with LME but without PAE,
 * and clearing PG in 64-bit mode or with CR4.PCIDE set (software leaves
 * long mode from compatibility mode, with PCIDE off). */
static bool cr0_faults(struct vcpu *v, uint64_t val)
{
	bool clears_pg = (vcpu_cr0(v) & CR0_PG) && !(val & CR0_PG);

	return (val & CR0_RESERVED_HI) || ((val & CR0_PG) && !(val & CR0_PE)) ||
	       ((val & CR0_NW) && !(val & CR0_CD)) ||
	       ((val & CR0_PG) && (vcpu_efer(v) & EFER_LME) &&
		!(vcpu_cr4(v) & CR4_PAE)) ||
	       (clears_pg && (in_64bit_mode(v) || (vcpu_cr4(v) & CR4_PCIDE)));
}

static enum vcpu_action guest_write_cr0(struct vcpu *v, uint64_t val)
{
	if (cr0_faults(v, val)) {
		vcpu_inject_gp(v);
		return ACT_RESUME;
	}
	vcpu_set_cr0(v, val);
	return ACT_RESUME_ADVANCE;
}

/* CR4 bits among CR4_GUEST_BITS whose feature CPUID does not report
 * are reserved too (the guest's CPUID is the host's for these).  The CPU
 * lacks such a bit, so IA32_VMX_CR4_FIXED1 puts it in the guest/host
 * mask and a write setting it traps.  MCE stays allowed although leaf 1
 * hides MCA, as a guest may set it blindly. */
static uint64_t cr4_not_offered(void)
{
	struct cpuid_regs l1 = cpuid(1), l7 = { 0 };
	uint64_t no = 0;

	if (cpuid(0).eax >= 7)
		l7 = cpuid_count(7, 0);
	if (!(l1.edx & BIT(1)))
		no |= CR4_VME | CR4_PVI;
	if (!(l1.edx & BIT(2)))
		no |= CR4_DE;
	if (!(l1.edx & BIT(4)))
		no |= CR4_TSD;
	if (!(l1.edx & BIT(13)))
		no |= CR4_PGE;
	if (!(l1.edx & BIT(24)))
		no |= CR4_OSFXSR;
	if (!(l1.edx & BIT(25)))
		no |= CR4_OSXMMEXCPT;
	if (!(l1.ecx & BIT(17)))
		no |= CR4_PCIDE;
	if (!(l1.ecx & CPUID1_ECX_XSAVE))
		no |= CR4_OSXSAVE;
	if (!(l7.ebx & BIT(0)))
		no |= CR4_FSGSBASE;
	if (!(l7.ebx & BIT(7)))
		no |= CR4_SMEP;
	if (!(l7.ebx & BIT(20)))
		no |= CR4_SMAP;
	if (!(l7.ecx & BIT(2)))
		no |= CR4_UMIP;
	return no;
}

/* The MOV to CR4 page: #GP for bits not offered (VMXE among them),
 * clearing PAE in IA-32e mode, and setting PCIDE outside IA-32e mode or
 * while CR3[11:0] is not 0. */
static enum vcpu_action guest_write_cr4(struct vcpu *v, uint64_t val)
{
	bool sets_pcide = (val & CR4_PCIDE) && !(vcpu_cr4(v) & CR4_PCIDE);

	if ((val & ~(uint64_t)CR4_GUEST_BITS) || (val & cr4_not_offered()) ||
	    (vcpu_long_mode(v) && !(val & CR4_PAE)) ||
	    (sets_pcide && (!vcpu_long_mode(v) || (vcpu_cr3(v) & 0xfff)))) {
		vcpu_inject_gp(v);
		return ACT_RESUME;
	}
	vcpu_set_cr4(v, val);
	return ACT_RESUME_ADVANCE;
}

/* CPUID.80000008H:EAX[7:0], 36 where the leaf is missing (SDM vol. 3
 * §4.1.4); CR3 writes trap seldom, so it is asked each time. */
static unsigned maxphyaddr(void)
{
	if (cpuid(0x80000000).eax >= 0x80000008)
		return cpuid(0x80000008).eax & 0xff;
	return 36;
}

/* The MOV to CR3 page: in IA-32e mode, bits from MAXPHYADDR up are
 * reserved (#GP), except bit 63 with CR4.PCIDE, which only asks not to
 * flush and is not kept. */
static enum vcpu_action guest_write_cr3(struct vcpu *v, uint64_t val)
{
	if (vcpu_long_mode(v)) {
		uint64_t reserved = ~0ULL << maxphyaddr();

		if (vcpu_cr4(v) & CR4_PCIDE) {
			reserved &= ~BIT(63);
			val &= ~BIT(63);
		}
		if (val & reserved) {
			vcpu_inject_gp(v);
			return ACT_RESUME;
		}
	}
	vcpu_set_cr3(v, val);
	return ACT_RESUME_ADVANCE;
}

enum vcpu_action guest_cr_write(struct vcpu *v, unsigned cr, uint64_t val)
{
	switch (cr) {
	case 0:
		return guest_write_cr0(v, val);
	case 3:
		return guest_write_cr3(v, val);
	case 4:
		return guest_write_cr4(v, val);
	case 8:
		if (v->vm->platform->cr8_write(v, val) < 0) {
			vcpu_inject_gp(v);
			return ACT_RESUME;
		}
		return ACT_RESUME_ADVANCE;
	default:
		vm_stop(v->vm, "write to CR%u is not virtualized", cr);
		return ACT_KILL_VM;
	}
}

uint64_t guest_cr_read(struct vcpu *v, unsigned cr)
{
	switch (cr) {
	case 0:
		return vcpu_cr0(v);
	case 3:
		return vcpu_cr3(v);
	case 4:
		return vcpu_cr4(v);
	case 8:
		return v->vm->platform->cr8_read(v);
	default:
		return 0;
	}
}
