/* Guest-side helpers for the hypervisor's ABI (guest/include/hv_abi.h):
 * VMCALL wrappers and named calls.  Header-only, freestanding, no libc;
 * any 64-bit guest can copy this directory and include it.
 * docs/hypercalls.md describes every call.
 *
 * Buffers are passed as guest-physical addresses.  Under the start-of-day
 * identity map (and any other identity map) a pointer is its own GPA,
 * which is what the pointer-taking helpers below assume. */
#ifndef HV_GUEST_H
#define HV_GUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "hv_abi.h"

#ifndef __x86_64__
#error "hv_guest.h is for 64-bit guests; see docs/hypercalls.md for other modes"
#endif

/* The ABI preserves every register but RAX, so RAX is the only output;
 * "memory" because calls read (console) or write (identity) guest memory
 * behind the compiler's back. */
static inline int64_t hv_call6(uint64_t nr, uint64_t a0, uint64_t a1,
			       uint64_t a2, uint64_t a3, uint64_t a4,
			       uint64_t a5)
{
	register uint64_t r10 __asm__("r10") = a3;
	register uint64_t r8 __asm__("r8") = a4;
	register uint64_t r9 __asm__("r9") = a5;
	int64_t ret;

	__asm__ __volatile__("vmcall"
			     : "=a"(ret)
			     : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10),
			       "r"(r8), "r"(r9)
			     : "memory");
	return ret;
}

static inline int64_t hv_call3(uint64_t nr, uint64_t a0, uint64_t a1,
			       uint64_t a2)
{
	int64_t ret;

	__asm__ __volatile__("vmcall"
			     : "=a"(ret)
			     : "a"(nr), "D"(a0), "S"(a1), "d"(a2)
			     : "memory");
	return ret;
}

static inline int64_t hv_call0(uint64_t nr)
{
	return hv_call3(nr, 0, 0, 0);
}

static inline int64_t hv_call1(uint64_t nr, uint64_t a0)
{
	return hv_call3(nr, a0, 0, 0);
}

static inline int64_t hv_call2(uint64_t nr, uint64_t a0, uint64_t a1)
{
	return hv_call3(nr, a0, a1, 0);
}

static inline int64_t hv_call4(uint64_t nr, uint64_t a0, uint64_t a1,
			       uint64_t a2, uint64_t a3)
{
	return hv_call6(nr, a0, a1, a2, a3, 0, 0);
}

static inline int64_t hv_call5(uint64_t nr, uint64_t a0, uint64_t a1,
			       uint64_t a2, uint64_t a3, uint64_t a4)
{
	return hv_call6(nr, a0, a1, a2, a3, a4, 0);
}

/* ---- Named calls ------------------------------------------------------ */

static inline int64_t hv_version(void)
{
	return hv_call0(HC_VERSION);
}

static inline int64_t hv_nop(void)
{
	return hv_call0(HC_NOP);
}

/* Returns len, or HV_EINVAL (len > HV_CONSOLE_MAX) / HV_EFAULT / HV_EPERM. */
static inline int64_t hv_console_write(const void *buf, uint64_t len)
{
	return hv_call2(HC_CONSOLE_WRITE, (uint64_t)(uintptr_t)buf, len);
}

/* Writes a NUL-terminated string in HV_CONSOLE_MAX pieces; returns the
 * bytes written or the first error. */
static inline int64_t hv_console_puts(const char *s)
{
	uint64_t n = 0, done = 0;
	int64_t r;

	while (s[n])
		n++;
	while (done < n) {
		uint64_t chunk = n - done;

		if (chunk > HV_CONSOLE_MAX)
			chunk = HV_CONSOLE_MAX;
		r = hv_console_write(s + done, chunk);
		if (r < 0)
			return r;
		done += chunk;
	}
	return (int64_t)done;
}

/* With id == NULL only the packed result vm_id << 16 | vcpu_id. */
static inline int64_t hv_identity(struct hv_identity *id)
{
	return hv_call1(HC_IDENTITY, (uint64_t)(uintptr_t)id);
}

/* TSC frequency in Hz. */
static inline int64_t hv_time(void)
{
	return hv_call0(HC_TIME);
}

static inline int64_t hv_yield(void)
{
	return hv_call0(HC_YIELD);
}

/* Ends the VM with 'code'.  Returns only on failure (HV_EPERM at CPL 3). */
static inline int64_t hv_shutdown(uint32_t code)
{
	return hv_call1(HC_SHUTDOWN, code);
}

/* Raises 'vector' (32..255) in vCPU 'vcpu' of the calling VM: delivered
 * through that vCPU's IDT once it has RFLAGS.IF = 1, and wakes it from
 * HLT.  Returns 0, or HV_EINVAL (no such vCPU, vector below 32 or above
 * 255). */
static inline int64_t hv_send_ipi(uint32_t vcpu, uint32_t vector)
{
	return hv_call2(HC_SEND_IPI, vcpu, vector);
}

/* Fills *st with the scheduler's statistics of vCPU 'vcpu' of the calling
 * VM.  Returns 0, or HV_EINVAL (no such vCPU) / HV_EFAULT. */
static inline int64_t hv_vcpu_stats(uint32_t vcpu, struct hv_vcpu_stats *st)
{
	return hv_call2(HC_VCPU_STATS, vcpu, (uint64_t)(uintptr_t)st);
}

/* ---- Discovery -------------------------------------------------------- */

static inline void hv_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t *a,
			    uint32_t *b, uint32_t *c, uint32_t *d)
{
	__asm__ __volatile__("cpuid"
			     : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
			     : "a"(leaf), "c"(subleaf));
}

/* Whether this hypervisor is underneath: the CPUID "hypervisor present"
 * bit, then the signature at HV_CPUID_BASE.  Call it before any VMCALL
 * when the guest may also run on bare metal, where VMCALL raises #UD. */
static inline bool hv_present(void)
{
	uint32_t a, b, c, d;

	hv_cpuid(1, 0, &a, &b, &c, &d);
	if (!(c & (1u << 31)))
		return false;
	hv_cpuid(HV_CPUID_BASE, 0, &a, &b, &c, &d);
	return a >= HV_CPUID_FEATURES && b == HV_SIGNATURE_EBX &&
	       c == HV_SIGNATURE_ECX && d == HV_SIGNATURE_EDX;
}

#endif
