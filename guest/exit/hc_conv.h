/* Inside the hypercall room: the table entry shared by the dispatcher
 * (hypercall.c), the calling conventions (hc_conv.c, hc_ring.c), the
 * statistics and trace (hc_stats.c) and the decoders of guest-written
 * records (hc_decode.c, pure, fuzzed). */
#ifndef GUEST_EXIT_HC_CONV_H
#define GUEST_EXIT_HC_CONV_H

#include "guest/vm/vm.h"
#include "guest/exit/exit.h"

/* The calling vCPU, the arguments (saved registers when vals is NULL,
 * else a call record's args) and how many the call takes: arguments past
 * nargs read as 0. */
struct hc_args {
	struct vcpu *v;
	unsigned nargs;       /* | HC_ARGS_REC: from a record's vals, else
			       * from the registers (one store on the
			       * register path) */
	const uint64_t *vals; /* only read with HC_ARGS_REC */
};
#define HC_ARGS_REC 0x100u
uint64_t hc_arg(const struct hc_args *a, unsigned i);

typedef int64_t (*hc_fn)(struct vcpu *v, const struct hc_args *args);

struct hc_entry {
	const char *name;
	hc_fn fn;
	uint8_t nargs;
	uint8_t group;
	uint16_t kinds;
	uint16_t flags;
	uint32_t feature;
};

/* The table entry of call nr, NULL past the table. */
const struct hc_entry *hc_lookup(uint64_t nr);

/* CPUID.0x40000001:EBX for an allow-list: the feature bits of the calls
 * it allows. */
uint32_t hc_features(uint64_t allow);

/* Conventions, for statistics: which way a call came in. */
enum hc_conv {
	HC_CONV_REG = 0,
	HC_CONV_MEM = 1,
	HC_CONV_BATCH = 2,
	HC_CONV_RING = 3,
	HC_NR_CONVS
};
extern const char *const hc_conv_names[HC_NR_CONVS];

/* A call outside the VM's allow-list: counted, HV_EPERM. */
int64_t hc_denied(struct vcpu *v, uint64_t nr);


/* The handlers the table names (hypercall.c has the others). */
int64_t hc_discover(struct vcpu *v, const struct hc_args *a);
int64_t hc_memcall(struct vcpu *v, const struct hc_args *a);
int64_t hc_batch(struct vcpu *v, const struct hc_args *a);
int64_t hc_ring_setup(struct vcpu *v, const struct hc_args *a);
int64_t hc_ring_kick(struct vcpu *v, const struct hc_args *a);
int64_t hc_trace_read(struct vcpu *v, const struct hc_args *a);

/* Run what the vCPU's ring holds; the number of records run, or
 * HV_EINVAL when the ring is (now) broken or absent. */
int64_t hc_ring_drain(struct vcpu *v);

/* Whether the vCPU has a working ring with something submitted: the
 * look every exit of such a vCPU takes before calling hc_ring_drain. */
static inline bool hc_ring_pending(const struct vcpu *v)
{
	const struct hc_ring_state *r = &v->hcring;

	return r->entries && !r->broken &&
	       ((const volatile struct hv_ring_hdr *)r->host)->sq_tail != r->sq_head;
}

/* Exits of a vCPU with exit_watch() on: drain its ring, then run the
 * handler, measured when the VM has trace = on. */
enum vcpu_action hc_watch_exit(struct vcpu *v, const struct hw_exit *e,
			       exit_handler_fn fn) __attribute__((noinline, cold));
/* One record run by a convention, for the statistics and trace
 * (hc_stats_record, declared above hc_invoke). */
/* The VM's statistics and trace as "hcstat"/"hctrace" lines, at its end
 * (trace = on); frees the histograms. */
void hc_stats_dump(struct vm *vm);

uint64_t rdtsc_now(void);
void hc_stats_record(struct vcpu *v, uint64_t nr, const uint64_t *args,
		     int64_t ret, uint64_t cost, enum hc_conv conv);

/* One call record from guest memory, run for the kernel of the VM (the
 * conventions are not user calls), with the same checks as VMCALL: the
 * allow-list, unknown numbers, and calls marked HV_CF_DIRECT refused.
 * Inline: the batch and ring loops run it per record. */
/* The record may live in guest RAM that another vCPU writes: the number
 * was read once by the caller, the arguments the call takes are read
 * once here, and the call only sees this copy. */
static inline __attribute__((always_inline)) int64_t
hc_invoke(struct vcpu *v, uint64_t nr, const volatile uint64_t *src,
	  enum hc_conv conv)
{
	const struct hc_entry *e = hc_lookup(nr);
	uint64_t vals[6];
	struct hc_args args;
	uint64_t t0;
	int64_t ret;

	if (!e)
		return HV_ENOSYS;
	if (!(v->hc_allow & BIT(nr)))
		return hc_denied(v, nr);
	if (e->flags & HV_CF_DIRECT)
		return HV_EINVAL; /* no convention inside another */
	for (unsigned i = 0; i < e->nargs; i++)
		vals[i] = src[i];
	args.v = v;
	args.vals = vals;
	args.nargs = e->nargs | HC_ARGS_REC;
	v->hc_count[nr]++;
	v->hc_conv_count[conv]++;
	if (__builtin_expect(v->hcstats == NULL, 1)) {
		ret = e->fn(v, &args);
	} else {
		t0 = rdtsc_now();
		ret = e->fn(v, &args);
		hc_stats_record(v, nr, vals, ret, rdtsc_now() - t0, conv);
	}
	if (ret < 0)
		v->hc_err[nr]++;
	return ret;
}

/* ---- Decoders (hc_decode.c): pure, no guest access --------------------- */
#define HC_RING_HDR_SIZE 64u
#define HC_REC_SIZE 64u
#define HC_CQE_SIZE 16u

/* Records HC_BATCH may run in this VMCALL (1..HV_BATCH_STEP), 0 for an
 * empty batch, or HV_EINVAL (count over HV_BATCH_MAX, misaligned gpa) or
 * HV_EFAULT (the array wraps around 2^64). */
int64_t hc_batch_plan(uint64_t gpa, uint64_t count);
/* HC_MEMCALL's record: 8-byte aligned and inside one 4 KiB page. */
bool hc_memrec_ok(uint64_t gpa);
/* HC_RING_SETUP's geometry: 0 and the ring's size in bytes, HV_EINVAL
 * (entries not a power of two in 1..HV_RING_MAX, gpa not 4 KiB aligned,
 * vector neither 0 nor 32..255) or HV_EFAULT (wraps around 2^64). */
int64_t hc_ring_geometry(uint64_t gpa, uint64_t entries, uint64_t vector,
			 uint64_t *bytes);
/* Records the hypervisor may run now: submitted and with room for their
 * completions, at most max; -1 when the guest's indices are impossible
 * (more than 'entries' submitted or completions consumed that were never
 * produced). */
int64_t hc_ring_ready(uint32_t sq_head, uint32_t sq_tail, uint32_t cq_head,
		      uint32_t cq_tail, uint32_t entries, uint32_t max);
/* Byte offsets, from the ring's start, of SQ record and CQ entry idx. */
uint64_t hc_ring_sq_off(uint32_t entries, uint32_t idx);
uint64_t hc_ring_cq_off(uint32_t entries, uint32_t idx);

#endif
