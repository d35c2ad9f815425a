/* The exitless convention: a per-vCPU ring of call records in guest RAM
 * (layout in hv_abi.h, "The exitless ring").  The guest submits without
 * exiting; the hypervisor runs what is there at the vCPU's next VM exit
 * (hc_watch_exit) and on HC_RING_KICK, writes completions and raises the
 * vector the guest chose.  The hypervisor keeps sq_head and cq_tail
 * itself and only ever writes them out, so a guest scribbling on them
 * cannot make it run a record twice or overrun the CQ; impossible
 * guest indices break the ring (HV_RING_BROKEN), nothing more. */
#include "guest/exit/hc_conv.h"
#include "mm/phys.h"
#include "lib/string.h"

#define HDR(r) ((volatile struct hv_ring_hdr *)(r)->host)

int64_t hc_ring_setup(struct vcpu *v, const struct hc_args *a)
{
	uint64_t gpa = hc_arg(a, 0), entries = hc_arg(a, 1), vector = hc_arg(a, 2);
	struct hc_ring_state *r = &v->hcring;
	uint64_t bytes, contig;
	paddr_t hpa;
	int64_t err;

	if (entries == 0) { /* tear down */
		memset(r, 0, sizeof(*r));
		return 0;
	}
	err = hc_ring_geometry(gpa, entries, vector, &bytes);
	if (err)
		return err;
	if (!gmem_range_ok(&v->vm->mem, gpa, bytes))
		return HV_EFAULT;
	/* One host mapping for the whole ring; RAM chunks are large, so a
	 * ring across two of them is rare (documented: pick another page). */
	if (gmem_translate(&v->vm->mem, gpa, &hpa, &contig) < 0 || contig < bytes)
		return HV_EINVAL;
	memset(r, 0, sizeof(*r));
	r->gpa = gpa;
	r->host = phys_to_virt(hpa);
	r->entries = (uint32_t)entries;
	r->vector = (uint8_t)vector;
	memset(r->host, 0, HC_RING_HDR_SIZE);
	HDR(r)->entries = r->entries;
	exit_watch(v, true);
	return 0;
}

static int64_t ring_broken(struct hc_ring_state *r)
{
	r->broken = true;
	HDR(r)->status = HV_RING_BROKEN;
	return HV_EINVAL;
}

int64_t hc_ring_drain(struct vcpu *v)
{
	struct hc_ring_state *r = &v->hcring;
	volatile struct hv_ring_hdr *h;
	int64_t n, done = 0;

	if (!r->entries || r->broken)
		return HV_EINVAL;
	h = HDR(r);
	if (h->sq_tail == r->sq_head)
		return 0; /* nothing submitted: the common case at an exit */
	/* x86 keeps loads in order: the tail is read before the records it
	 * covers (the guest wrote them first). */
	n = hc_ring_ready(r->sq_head, h->sq_tail, h->cq_head, r->cq_tail,
			  r->entries, r->entries);
	if (n < 0)
		return ring_broken(r);
	/* Locals for the loop: no record can change the ring (the ring
	 * calls are HV_CF_DIRECT), and the indirect calls would otherwise
	 * make every field be read again. */
	{
		uint8_t *host = r->host;
		uint32_t entries = r->entries, sq_head = r->sq_head, cq_tail = r->cq_tail;

		for (int64_t i = 0; i < n; i++) {
			volatile struct hv_call_rec *rec = (volatile struct hv_call_rec *)
				(host + hc_ring_sq_off(entries, sq_head++));
			volatile struct hv_ring_cqe *cqe = (volatile struct hv_ring_cqe *)
				(host + hc_ring_cq_off(entries, cq_tail++));
			uint64_t nr = rec->nr;

			cqe->tag = rec->result;
			cqe->result = hc_invoke(v, nr, rec->args, HC_CONV_RING);
			done++;
			if (nr == HC_SHUTDOWN && vm_is_over(v->vm))
				break;
		}
		r->sq_head = sq_head;
		r->cq_tail = cq_tail;
	}
	if (done == 0)
		return 0;
	/* Completions before the tail that publishes them, the tail before
	 * the head that frees their SQ slots (stores stay in order on x86;
	 * the barrier keeps the compiler from moving them). */
	__asm__ volatile("" ::: "memory");
	h->cq_tail = r->cq_tail;
	h->sq_head = r->sq_head;
	r->drained += (uint64_t)done;
	h->drained = r->drained;
	if (r->vector)
		vcpu_raise_irq(v, r->vector);
	return done;
}

int64_t hc_ring_kick(struct vcpu *v, const struct hc_args *a)
{
	(void)a;
	return hc_ring_drain(v);
}
