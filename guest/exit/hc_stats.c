/* Hypercall and exit statistics and the per-pCPU trace ring
 * (docs/hypercalls.md, "Statistics and trace").  Only VMs with
 * `trace = on` (and vCPUs with a ring) take this path: exit_dispatch
 * tests one flag, so the others pay nothing more.  Costs are TSC ticks
 * from the start of the exit's handling to its end, in log2 buckets. */
#include "guest/exit/hc_conv.h"
#include "arch-x86/cpu.h"
#include "arch-x86/percpu.h"
#include "mm/heap.h"
#include "lib/printk.h"
#include "lib/string.h"

#define HC_HIST_BUCKETS 40 /* bucket b: cost in [2^b, 2^(b+1)), 0 in 0 */

struct hc_hist {
	uint64_t n, errors, min, max;
	uint32_t b[HC_HIST_BUCKETS];
};

struct hc_stats {
	struct hc_hist call[HC_NR_CALLS]; /* register convention, per call */
	struct hc_hist rec[HC_NR_CALLS];  /* records of the other three */
	struct hc_hist conv[HC_NR_CONVS]; /* per convention, any call */
	struct hc_hist exit[HW_EXIT_REASONS];
};

struct hc_trace {
	uint64_t next; /* events written since boot; slot next % LEN */
	struct hv_trace_event ev[HV_TRACE_LEN];
};

/* Each pCPU writes only its own ring (allocated at its first event). */
static struct hc_trace *trace_ring[MAX_CPUS];

static unsigned log2_bucket(uint64_t x)
{
	unsigned b = x ? 63u - (unsigned)__builtin_clzll(x) : 0;

	return MIN(b, HC_HIST_BUCKETS - 1u);
}

static void hist_add(struct hc_hist *h, uint64_t cost, bool error)
{
	h->errors += error;
	if (!h->n || cost < h->min)
		h->min = cost;
	if (cost > h->max)
		h->max = cost;
	h->n++;
	h->b[log2_bucket(cost)]++;
}

/* Lower bound of the bucket holding the q-th per mille. */
static uint64_t hist_quantile(const struct hc_hist *h, unsigned permille)
{
	uint64_t want = (h->n * permille + 999) / 1000, seen = 0;

	for (unsigned b = 0; b < HC_HIST_BUCKETS; b++) {
		seen += h->b[b];
		if (seen >= want && seen)
			return b ? 1ull << b : 0;
	}
	return h->max;
}

static void trace_add(struct vcpu *v, unsigned kind, unsigned code,
		      uint64_t a0, uint64_t a1, int64_t ret, uint64_t t0,
		      uint64_t cost)
{
	unsigned cpu = this_cpu()->cpu_id;
	struct hc_trace *t;
	struct hv_trace_event *ev;

	if (cpu >= MAX_CPUS)
		return;
	t = trace_ring[cpu];
	if (!t) {
		t = trace_ring[cpu] = kzalloc(sizeof(*t));
		if (!t)
			return;
	}
	ev = &t->ev[t->next % HV_TRACE_LEN];
	ev->tsc = t0;
	ev->vm = (uint16_t)v->vm->id;
	ev->vcpu = (uint16_t)v->id;
	ev->kind = (uint16_t)kind;
	ev->code = (uint16_t)code;
	ev->args[0] = a0;
	ev->args[1] = a1;
	ev->result = ret;
	ev->cost = cost;
	t->next++;
}

/* rdtsc for hc_invoke, out of line (the header stays free of arch-x86). */
uint64_t rdtsc_now(void)
{
	return rdtsc();
}

void hc_stats_record(struct vcpu *v, uint64_t nr, const uint64_t *args,
		     int64_t ret, uint64_t cost, enum hc_conv conv)
{
	struct hc_stats *s = v->hcstats;
	unsigned nargs = hc_lookup(nr)->nargs; /* hc_invoke checked nr */

	hist_add(&s->rec[nr], cost, ret < 0);
	hist_add(&s->conv[conv], cost, ret < 0);
	trace_add(v, HV_TRACE_REC, (unsigned)nr, nargs > 0 ? args[0] : 0,
		  nargs > 1 ? args[1] : 0, ret, rdtsc() - cost, cost);
}

static enum vcpu_action ring_after(struct vcpu *v, enum vcpu_action act, bool call)
{
	if (!call || act == ACT_KILL_VM || !hc_ring_pending(v))
		return act;
	hc_ring_drain(v);
	return vm_is_over(v->vm) ? ACT_KILL_VM : act;
}

enum vcpu_action hc_watch_exit(struct vcpu *v, const struct hw_exit *e,
			       exit_handler_fn fn)
{
	bool call = e->kind == HW_EXIT_HYPERCALL;
	uint64_t t0, nr = 0, a0 = 0, a1 = 0, cost;
	enum vcpu_action act;
	struct hc_stats *s;

	/* The ring is drained before other exits are handled, and after a
	 * VMCALL (whose doorbell then reports what it ran itself). */
	if (!call && hc_ring_pending(v)) {
		hc_ring_drain(v);
		if (vm_is_over(v->vm))
			return ACT_KILL_VM;
	}
	if (!v->vm->cfg->trace)
		return ring_after(v, fn(v, e), call);
	t0 = rdtsc();
	if (!v->hcstats)
		v->hcstats = kzalloc(sizeof(*v->hcstats));
	if (call) {
		nr = vcpu_gpr(v, GPR_RAX);
		a0 = vcpu_gpr(v, GPR_RDI);
		a1 = vcpu_gpr(v, GPR_RSI);
	}
	act = ring_after(v, fn(v, e), call);
	cost = rdtsc() - t0;
	s = v->hcstats;
	if (!s)
		return act;
	hist_add(&s->exit[e->reason], cost, false);
	if (!call) {
		trace_add(v, HV_TRACE_EXIT, e->reason, 0, 0, 0, t0, cost);
		return act;
	}
	/* A call that ended the VM left RAX as it was. */
	{
		int64_t ret = act == ACT_KILL_VM ? 0 : (int64_t)vcpu_gpr(v, GPR_RAX);

		if (nr < HC_NR_CALLS) {
			hist_add(&s->call[nr], cost, ret < 0);
			if (ret < 0)
				v->hc_err[nr]++;
		}
		hist_add(&s->conv[HC_CONV_REG], cost, ret < 0);
		trace_add(v, HV_TRACE_CALL, nr < HC_NR_CALLS ? (unsigned)nr : 0xffff,
			  a0, a1, ret, t0, cost);
	}
	return act;
}

int64_t hc_trace_read(struct vcpu *v, const struct hc_args *a)
{
	uint64_t gpa = hc_arg(a, 0), max = hc_arg(a, 1);
	unsigned cpu = this_cpu()->cpu_id;
	struct hc_trace *t = cpu < MAX_CPUS ? trace_ring[cpu] : NULL;
	uint64_t n, first;

	if (max > HV_TRACE_LEN)
		return HV_EINVAL;
	if (!gmem_range_ok(&v->vm->mem, gpa, max * sizeof(struct hv_trace_event)))
		return HV_EFAULT;
	if (!t)
		return 0;
	n = MIN(max, MIN(t->next, (uint64_t)HV_TRACE_LEN));
	first = t->next - n;
	for (uint64_t i = 0; i < n; i++)
		if (gmem_copy_to_guest(&v->vm->mem, gpa + i * sizeof(struct hv_trace_event),
				       &t->ev[(first + i) % HV_TRACE_LEN],
				       sizeof(struct hv_trace_event)) < 0)
			return HV_EFAULT;
	return (int64_t)n;
}

/* ---- Output at the VM's end -------------------------------------------- */

static void hist_line(const struct vm *vm, const char *kind, const char *label,
		      const struct hc_hist *h)
{
	char buf[HC_HIST_BUCKETS * 16], name[40];
	int len = 0;
	size_t i;

	/* Values carry no spaces ("I/O instruction" -> "I/O_instruction"). */
	for (i = 0; i < sizeof(name) - 1 && label[i]; i++)
		name[i] = label[i] == ' ' ? '_' : label[i];
	name[i] = '\0';

	buf[0] = '\0';
	for (unsigned b = 0; b < HC_HIST_BUCKETS; b++)
		if (h->b[b])
			len += snprintf(buf + len, sizeof(buf) - (size_t)len, "%s%u:%u",
					len ? "," : "", b, h->b[b]);
	pr_info("hcstat vm=%s kind=%s name=%s count=%lu errors=%lu min=%lu "
		"p50=%lu p99=%lu max=%lu hist=%s\n", vm->name, kind, name, h->n,
		h->errors, h->min, hist_quantile(h, 500), hist_quantile(h, 990), h->max,
		len ? buf : "-");
}

static void merge(struct hc_hist *dst, const struct hc_hist *src)
{
	if (!src->n)
		return;
	if (!dst->n || src->min < dst->min)
		dst->min = src->min;
	dst->max = MAX(dst->max, src->max);
	dst->n += src->n;
	dst->errors += src->errors;
	for (unsigned b = 0; b < HC_HIST_BUCKETS; b++)
		dst->b[b] += src->b[b];
}

static void dump_trace(const struct vm *vm)
{
	static const char *const kinds[] = { "exit", "call", "rec" };

	for (unsigned cpu = 0; cpu < MAX_CPUS; cpu++) {
		const struct hc_trace *t = trace_ring[cpu];
		uint64_t n = t ? MIN(t->next, (uint64_t)HV_TRACE_LEN) : 0;

		for (uint64_t i = t ? t->next - n : 0; t && i < t->next; i++) {
			const struct hv_trace_event *ev = &t->ev[i % HV_TRACE_LEN];

			if (ev->vm != vm->id)
				continue;
			pr_info("hctrace cpu=%u tsc=%lu vm=%s vcpu=%u kind=%s code=%u "
				"a0=%#lx a1=%#lx result=%ld cost=%lu\n", cpu, ev->tsc,
				vm->name, ev->vcpu, kinds[ev->kind % 3], ev->code,
				ev->args[0], ev->args[1], ev->result, ev->cost);
		}
	}
}

void hc_stats_dump(struct vm *vm)
{
	struct hc_stats *sum = kzalloc(sizeof(*sum));
	uint64_t denied = 0;

	if (!sum)
		return;
	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpu[i];
		const struct hc_stats *s = v->hcstats;

		denied += v->hc_denied;
		if (!s)
			continue;
		for (unsigned nr = 0; nr < HC_NR_CALLS; nr++) {
			merge(&sum->call[nr], &s->call[nr]);
			merge(&sum->rec[nr], &s->rec[nr]);
		}
		for (unsigned c = 0; c < HC_NR_CONVS; c++)
			merge(&sum->conv[c], &s->conv[c]);
		for (unsigned r = 0; r < HW_EXIT_REASONS; r++)
			merge(&sum->exit[r], &s->exit[r]);
		kfree(v->hcstats);
		v->hcstats = NULL;
	}
	for (unsigned nr = 0; nr < HC_NR_CALLS; nr++) {
		if (sum->call[nr].n)
			hist_line(vm, "call", hc_lookup(nr)->name, &sum->call[nr]);
		if (sum->rec[nr].n)
			hist_line(vm, "rec", hc_lookup(nr)->name, &sum->rec[nr]);
	}
	for (unsigned c = 0; c < HC_NR_CONVS; c++)
		if (sum->conv[c].n)
			hist_line(vm, "conv", hc_conv_names[c], &sum->conv[c]);
	for (unsigned r = 0; r < HW_EXIT_REASONS; r++)
		if (sum->exit[r].n)
			hist_line(vm, "exit", hw_exit_reason_name(r), &sum->exit[r]);
	pr_info("hcstat vm=%s kind=denied name=allow-list count=%lu\n", vm->name, denied);
	dump_trace(vm);
	kfree(sum);
}
