/* The VMX instructions.  Each returns false on VMfailInvalid (CF=1) or
 * VMfailValid (ZF=1); the caller reads VM_INSTRUCTION_ERROR for the
 * latter. */
#ifndef VMX_VMX_OPS_H
#define VMX_VMX_OPS_H

#include "lib/types.h"

static inline bool vmxon(paddr_t region)
{
	bool ok;

	__asm__ volatile("vmxon %1; seta %0" : "=qm"(ok) : "m"(region) : "cc", "memory");
	return ok;
}

static inline void vmxoff(void)
{
	__asm__ volatile("vmxoff" ::: "cc", "memory");
}

static inline bool vmclear(paddr_t vmcs)
{
	bool ok;

	__asm__ volatile("vmclear %1; seta %0" : "=qm"(ok) : "m"(vmcs) : "cc", "memory");
	return ok;
}

static inline bool vmptrld(paddr_t vmcs)
{
	bool ok;

	__asm__ volatile("vmptrld %1; seta %0" : "=qm"(ok) : "m"(vmcs) : "cc", "memory");
	return ok;
}

static inline bool vmread_raw(uint64_t field, uint64_t *value)
{
	bool ok;

	__asm__ volatile("vmread %2, %1; seta %0"
			 : "=qm"(ok), "=rm"(*value)
			 : "r"(field)
			 : "cc");
	return ok;
}

static inline bool vmwrite_raw(uint64_t field, uint64_t value)
{
	bool ok;

	__asm__ volatile("vmwrite %2, %1; seta %0"
			 : "=qm"(ok)
			 : "r"(field), "rm"(value)
			 : "cc");
	return ok;
}

/* INVEPT / INVVPID types (SDM vol. 3 §30.3). */
#define INVEPT_SINGLE_CONTEXT 1
#define INVEPT_ALL_CONTEXT 2
#define INVVPID_SINGLE_CONTEXT 1
#define INVVPID_ALL_CONTEXT 2

static inline bool invept(uint64_t type, uint64_t eptp)
{
	struct { uint64_t eptp, zero; } desc = { eptp, 0 };
	bool ok;

	__asm__ volatile("invept %1, %2; seta %0"
			 : "=qm"(ok)
			 : "m"(desc), "r"(type)
			 : "cc", "memory");
	return ok;
}

static inline bool invvpid(uint64_t type, uint16_t vpid, uint64_t gla)
{
	struct { uint64_t vpid, gla; } desc = { vpid, gla };
	bool ok;

	__asm__ volatile("invvpid %1, %2; seta %0"
			 : "=qm"(ok)
			 : "m"(desc), "r"(type)
			 : "cc", "memory");
	return ok;
}

#endif
