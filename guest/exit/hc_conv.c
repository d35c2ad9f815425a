/* Three of the four calling conventions (docs/hypercalls.md, section
 * "Calling conventions") and discovery: HC_MEMCALL runs one call record
 * from a guest page, HC_BATCH an array of them; HC_DISCOVER writes the
 * table of the calls the VM may make.  The exitless ring is in
 * hc_ring.c.  Every record runs through hc_invoke, with the same checks
 * as a VMCALL. */
#include "guest/exit/hc_conv.h"
#include "arch-x86/cpu.h"
#include "mm/phys.h"
#include "lib/string.h"

const char *const hc_conv_names[HC_NR_CONVS] = {
	[HC_CONV_REG] = "register",
	[HC_CONV_MEM] = "memory",
	[HC_CONV_BATCH] = "batch",
	[HC_CONV_RING] = "ring",
};

uint32_t hc_features(uint64_t allow)
{
	uint32_t f = 0;

	for (uint64_t nr = 0; nr < HC_NR_CALLS; nr++)
		if (allow & BIT(nr))
			f |= hc_lookup(nr)->feature;
	return f;
}

int64_t hc_denied(struct vcpu *v, uint64_t nr)
{
	(void)nr;
	v->hc_denied++;
	return HV_EPERM;
}

/* ---- HC_DISCOVER ------------------------------------------------------- */

int64_t hc_discover(struct vcpu *v, const struct hc_args *a)
{
	uint64_t gpa = hc_arg(a, 0), max = hc_arg(a, 1);
	uint64_t allow = v->hc_allow;
	struct hv_call_info info;
	int64_t n = 0;

	if (max > HV_DISCOVER_MAX)
		return HV_EINVAL;
	if (max && !gmem_range_ok(&v->vm->mem, gpa, max * sizeof(info)))
		return HV_EFAULT;
	for (uint64_t nr = 0; nr < HC_NR_CALLS; nr++) {
		const struct hc_entry *e = hc_lookup(nr);

		if (!(allow & BIT(nr)))
			continue;
		if ((uint64_t)n < max) {
			memset(&info, 0, sizeof(info));
			info.nr = (uint16_t)nr;
			info.nargs = e->nargs;
			info.group = e->group;
			info.flags = e->flags;
			info.kinds = e->kinds;
			info.feature = e->feature;
			memcpy(info.name, e->name, MIN(strlen(e->name), sizeof(info.name) - 1));
			if (gmem_copy_to_guest(&v->vm->mem, gpa + (uint64_t)n * sizeof(info),
					       &info, sizeof(info)) < 0)
				return HV_EFAULT;
		}
		n++;
	}
	return n;
}

/* ---- HC_MEMCALL -------------------------------------------------------- */

int64_t hc_memcall(struct vcpu *v, const struct hc_args *a)
{
	uint64_t gpa = hc_arg(a, 0);
	struct hv_call_rec r;
	int64_t ret;

	if (!hc_memrec_ok(gpa))
		return HV_EINVAL;
	if (gmem_copy_from_guest(&v->vm->mem, &r, gpa, sizeof(r)) < 0)
		return HV_EFAULT;
	ret = hc_invoke(v, r.nr, r.args, HC_CONV_MEM);
	/* In RAM (read just now), so the write cannot fail. */
	gmem_copy_to_guest(&v->vm->mem, gpa + offsetof(struct hv_call_rec, result),
			   &ret, sizeof(ret));
	return ret;
}

/* ---- HC_BATCH ---------------------------------------------------------- */

/* The records through the hypervisor's mapping of guest RAM when the
 * array is contiguous on the host (the usual case), else copied one by
 * one.  Each record is read just before it runs and its result written
 * after, so a record that a call overwrites (an identity written over
 * the array) is read as the call left it. */
static int64_t batch_slow(struct vcpu *v, uint64_t at)
{
	struct hv_call_rec r;
	int64_t ret;

	if (gmem_copy_from_guest(&v->vm->mem, &r, at, sizeof(r)) < 0)
		return HV_EFAULT;
	ret = hc_invoke(v, r.nr, r.args, HC_CONV_BATCH);
	gmem_copy_to_guest(&v->vm->mem, at + offsetof(struct hv_call_rec, result),
			   &ret, sizeof(ret));
	return ret;
}

int64_t hc_batch(struct vcpu *v, const struct hc_args *a)
{
	uint64_t gpa = hc_arg(a, 0), count = hc_arg(a, 1);
	int64_t plan = hc_batch_plan(gpa, count);
	volatile struct hv_call_rec *host = NULL;
	paddr_t hpa;
	uint64_t contig;
	int64_t k;

	if (plan <= 0)
		return plan;
	if (!gmem_range_ok(&v->vm->mem, gpa, count * HC_REC_SIZE))
		return HV_EFAULT;
	if (gmem_translate(&v->vm->mem, gpa, &hpa, &contig) == 0 &&
	    contig >= (uint64_t)plan * HC_REC_SIZE)
		host = phys_to_virt(hpa);
	/* Only HC_SHUTDOWN ends the VM from inside a call. */
	for (k = 0; host && k < plan; k++) {
		volatile struct hv_call_rec *r = host + k;
		uint64_t nr = r->nr;
		int64_t ret = hc_invoke(v, nr, r->args, HC_CONV_BATCH);

		r->result = ret;
		if (ret < 0 || (nr == HC_SHUTDOWN && vm_is_over(v->vm)))
			return k + 1;
	}
	for (k = host ? k : 0; !host && k < plan; k++) {
		int64_t ret = batch_slow(v, gpa + (uint64_t)k * HC_REC_SIZE);

		if (ret < 0 || vm_is_over(v->vm))
			return k + 1;
	}
	return k;
}
