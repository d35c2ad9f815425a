/* Control-register writes that trapped (masked bits changed, or CR8). */
#include "guest/exit/emulate.h"

#include "arch-x86/regs.h"

#define CR0_RESERVED_HI 0xffffffff00000000ULL
#define CR4_KNOWN (CR4_VME | CR4_PVI | CR4_TSD | CR4_DE | CR4_PSE | CR4_PAE | \
		   CR4_MCE | CR4_PGE | CR4_PCE | CR4_OSFXSR | CR4_OSXMMEXCPT | \
		   CR4_UMIP | CR4_FSGSBASE | CR4_PCIDE | CR4_OSXSAVE | CR4_SMEP | \
		   CR4_SMAP)

static enum vcpu_action write_cr0(struct vcpu *v, uint64_t val)
{
	/* SDM vol. 3 §2.5: #GP for reserved bits, PG without PE, NW
	 * without CD, and enabling paging in long mode without PAE. */
	if ((val & CR0_RESERVED_HI) || ((val & CR0_PG) && !(val & CR0_PE)) ||
	    ((val & CR0_NW) && !(val & CR0_CD)) ||
	    ((val & CR0_PG) && (vcpu_efer(v) & EFER_LME) &&
	     !(vcpu_cr4(v) & CR4_PAE))) {
		vcpu_inject_gp(v);
		return ACT_RESUME;
	}
	vcpu_set_cr0(v, val);
	return ACT_RESUME_ADVANCE;
}

static enum vcpu_action write_cr4(struct vcpu *v, uint64_t val)
{
	/* VMXE is not offered; clearing PAE in long mode is illegal. */
	if ((val & ~(uint64_t)CR4_KNOWN) ||
	    (vcpu_long_mode(v) && !(val & CR4_PAE))) {
		vcpu_inject_gp(v);
		return ACT_RESUME;
	}
	vcpu_set_cr4(v, val);
	return ACT_RESUME_ADVANCE;
}

enum vcpu_action guest_cr_write(struct vcpu *v, unsigned cr, uint64_t val)
{
	switch (cr) {
	case 0:
		return write_cr0(v, val);
	case 3:
		vcpu_set_cr3(v, val);
		return ACT_RESUME_ADVANCE;
	case 4:
		return write_cr4(v, val);
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
