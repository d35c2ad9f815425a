/* VMCS field encodings (SDM vol. 3, appendix B), one enum per width, and
 * accessors whose width is checked against the encoding at compile time.
 * Encoding bits 14:13 give the width: 0 = 16-bit, 1 = 64-bit, 2 = 32-bit,
 * 3 = natural width. */
#ifndef VMX_VMCS_FIELDS_H
#define VMX_VMCS_FIELDS_H

#include "lib/types.h"
#include "vmx/vmx_ops.h"

#define VMCS_WIDTH(f) (((f) >> 13) & 3)
#define VMCS_W16 0
#define VMCS_W64 1
#define VMCS_W32 2
#define VMCS_WNAT 3

enum vmcs_field16 {
	VPID = 0x0000,
	POSTED_INTR_NV = 0x0002,
	GUEST_ES_SEL = 0x0800,
	GUEST_CS_SEL = 0x0802,
	GUEST_SS_SEL = 0x0804,
	GUEST_DS_SEL = 0x0806,
	GUEST_FS_SEL = 0x0808,
	GUEST_GS_SEL = 0x080a,
	GUEST_LDTR_SEL = 0x080c,
	GUEST_TR_SEL = 0x080e,
	GUEST_INTR_STATUS = 0x0810,
	HOST_ES_SEL = 0x0c00,
	HOST_CS_SEL = 0x0c02,
	HOST_SS_SEL = 0x0c04,
	HOST_DS_SEL = 0x0c06,
	HOST_FS_SEL = 0x0c08,
	HOST_GS_SEL = 0x0c0a,
	HOST_TR_SEL = 0x0c0c,
};

enum vmcs_field64 {
	IO_BITMAP_A = 0x2000,
	IO_BITMAP_B = 0x2002,
	MSR_BITMAP = 0x2004,
	VM_EXIT_MSR_STORE_ADDR = 0x2006,
	VM_EXIT_MSR_LOAD_ADDR = 0x2008,
	VM_ENTRY_MSR_LOAD_ADDR = 0x200a,
	TSC_OFFSET = 0x2010,
	VIRTUAL_APIC_PAGE_ADDR = 0x2012,
	APIC_ACCESS_ADDR = 0x2014,
	POSTED_INTR_DESC_ADDR = 0x2016,
	EPT_POINTER = 0x201a,
	EOI_EXIT_BITMAP0 = 0x201c,
	EOI_EXIT_BITMAP1 = 0x201e,
	EOI_EXIT_BITMAP2 = 0x2020,
	EOI_EXIT_BITMAP3 = 0x2022,
	XSS_EXIT_BITMAP = 0x202c,
	GUEST_PHYSICAL_ADDRESS = 0x2400,
	VMCS_LINK_POINTER = 0x2800,
	GUEST_IA32_DEBUGCTL = 0x2802,
	GUEST_IA32_PAT = 0x2804,
	GUEST_IA32_EFER = 0x2806,
	GUEST_PDPTE0 = 0x280a,
	GUEST_PDPTE1 = 0x280c,
	GUEST_PDPTE2 = 0x280e,
	GUEST_PDPTE3 = 0x2810,
	HOST_IA32_PAT = 0x2c00,
	HOST_IA32_EFER = 0x2c02,
};

enum vmcs_field32 {
	PIN_BASED_CTLS = 0x4000,
	PROC_BASED_CTLS = 0x4002,
	EXCEPTION_BITMAP = 0x4004,
	PF_ERROR_CODE_MASK = 0x4006,
	PF_ERROR_CODE_MATCH = 0x4008,
	CR3_TARGET_COUNT = 0x400a,
	VM_EXIT_CTLS = 0x400c,
	VM_EXIT_MSR_STORE_COUNT = 0x400e,
	VM_EXIT_MSR_LOAD_COUNT = 0x4010,
	VM_ENTRY_CTLS = 0x4012,
	VM_ENTRY_MSR_LOAD_COUNT = 0x4014,
	VM_ENTRY_INTR_INFO = 0x4016,
	VM_ENTRY_EXCEPTION_ERROR_CODE = 0x4018,
	VM_ENTRY_INSTRUCTION_LEN = 0x401a,
	TPR_THRESHOLD = 0x401c,
	SECONDARY_PROC_BASED_CTLS = 0x401e,
	PLE_GAP = 0x4020,
	PLE_WINDOW = 0x4022,
	VM_INSTRUCTION_ERROR = 0x4400,
	VM_EXIT_REASON = 0x4402,
	VM_EXIT_INTR_INFO = 0x4404,
	VM_EXIT_INTR_ERROR_CODE = 0x4406,
	IDT_VECTORING_INFO = 0x4408,
	IDT_VECTORING_ERROR_CODE = 0x440a,
	VM_EXIT_INSTRUCTION_LEN = 0x440c,
	VMX_INSTRUCTION_INFO = 0x440e,
	GUEST_ES_LIMIT = 0x4800,
	GUEST_CS_LIMIT = 0x4802,
	GUEST_SS_LIMIT = 0x4804,
	GUEST_DS_LIMIT = 0x4806,
	GUEST_FS_LIMIT = 0x4808,
	GUEST_GS_LIMIT = 0x480a,
	GUEST_LDTR_LIMIT = 0x480c,
	GUEST_TR_LIMIT = 0x480e,
	GUEST_GDTR_LIMIT = 0x4810,
	GUEST_IDTR_LIMIT = 0x4812,
	GUEST_ES_AR = 0x4814,
	GUEST_CS_AR = 0x4816,
	GUEST_SS_AR = 0x4818,
	GUEST_DS_AR = 0x481a,
	GUEST_FS_AR = 0x481c,
	GUEST_GS_AR = 0x481e,
	GUEST_LDTR_AR = 0x4820,
	GUEST_TR_AR = 0x4822,
	GUEST_INTERRUPTIBILITY = 0x4824,
	GUEST_ACTIVITY_STATE = 0x4826,
	GUEST_SMBASE = 0x4828,
	GUEST_IA32_SYSENTER_CS = 0x482a,
	GUEST_PREEMPTION_TIMER = 0x482e,
	HOST_IA32_SYSENTER_CS = 0x4c00,
};

enum vmcs_field_nat {
	CR0_GUEST_HOST_MASK = 0x6000,
	CR4_GUEST_HOST_MASK = 0x6002,
	CR0_READ_SHADOW = 0x6004,
	CR4_READ_SHADOW = 0x6006,
	EXIT_QUALIFICATION = 0x6400,
	GUEST_LINEAR_ADDRESS = 0x640a,
	GUEST_CR0 = 0x6800,
	GUEST_CR3 = 0x6802,
	GUEST_CR4 = 0x6804,
	GUEST_ES_BASE = 0x6806,
	GUEST_CS_BASE = 0x6808,
	GUEST_SS_BASE = 0x680a,
	GUEST_DS_BASE = 0x680c,
	GUEST_FS_BASE = 0x680e,
	GUEST_GS_BASE = 0x6810,
	GUEST_LDTR_BASE = 0x6812,
	GUEST_TR_BASE = 0x6814,
	GUEST_GDTR_BASE = 0x6816,
	GUEST_IDTR_BASE = 0x6818,
	GUEST_DR7 = 0x681a,
	GUEST_RSP = 0x681c,
	GUEST_RIP = 0x681e,
	GUEST_RFLAGS = 0x6820,
	GUEST_PENDING_DBG_EXCEPTIONS = 0x6822,
	GUEST_IA32_SYSENTER_ESP = 0x6824,
	GUEST_IA32_SYSENTER_EIP = 0x6826,
	HOST_CR0 = 0x6c00,
	HOST_CR3 = 0x6c02,
	HOST_CR4 = 0x6c04,
	HOST_FS_BASE = 0x6c06,
	HOST_GS_BASE = 0x6c08,
	HOST_TR_BASE = 0x6c0a,
	HOST_GDTR_BASE = 0x6c0c,
	HOST_IDTR_BASE = 0x6c0e,
	HOST_IA32_SYSENTER_ESP = 0x6c10,
	HOST_IA32_SYSENTER_EIP = 0x6c12,
	HOST_RSP = 0x6c14,
	HOST_RIP = 0x6c16,
};

/* VMREAD/VMWRITE; a failure here is a hypervisor bug (wrong field or no
 * current VMCS) and panics with the field named.  Inline: they sit on
 * every exit path. */
__noreturn void vmx_access_failed(uint32_t field, bool write, uint64_t value);

static inline uint64_t __vmread(uint32_t field)
{
	uint64_t v;

	/* CF or ZF set: VMfailInvalid / VMfailValid.  (cppcheck does not
	 * know that an asm output initialises v: suppressed in the Makefile.) */
	__asm__ goto("vmread %[f], %[v]\n\tjbe %l[fail]"
		     : [v] "=r"(v)
		     : [f] "r"((uint64_t)field)
		     : "cc"
		     : fail);
	return v;
fail:
	vmx_access_failed(field, false, 0);
}

static inline void __vmwrite(uint32_t field, uint64_t value)
{
	__asm__ goto("vmwrite %[v], %[f]\n\tjbe %l[fail]"
		     :
		     : [f] "r"((uint64_t)field), [v] "rm"(value)
		     : "cc"
		     : fail);
	return;
fail:
	vmx_access_failed(field, true, value);
}

#define VMCS_CHECK(f, w) \
	_Static_assert(VMCS_WIDTH(f) == (w), "VMCS field " #f " has another width")

#define vmcs_read16(f) ({ VMCS_CHECK(f, VMCS_W16); (uint16_t)__vmread(f); })
#define vmcs_read32(f) ({ VMCS_CHECK(f, VMCS_W32); (uint32_t)__vmread(f); })
#define vmcs_read64(f) ({ VMCS_CHECK(f, VMCS_W64); (uint64_t)__vmread(f); })
#define vmcs_readn(f) ({ VMCS_CHECK(f, VMCS_WNAT); (uint64_t)__vmread(f); })
#define vmcs_write16(f, v) ({ VMCS_CHECK(f, VMCS_W16); __vmwrite(f, (uint16_t)(v)); })
#define vmcs_write32(f, v) ({ VMCS_CHECK(f, VMCS_W32); __vmwrite(f, (uint32_t)(v)); })
#define vmcs_write64(f, v) ({ VMCS_CHECK(f, VMCS_W64); __vmwrite(f, (uint64_t)(v)); })
#define vmcs_writen(f, v) ({ VMCS_CHECK(f, VMCS_WNAT); __vmwrite(f, (uint64_t)(v)); })

#endif
