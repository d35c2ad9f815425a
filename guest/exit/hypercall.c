/* The hypercall table (ABI in guest/include/hv_abi.h and
 * docs/hypercalls.md).  Adding a call is one entry and one function. */
#include "guest/exit/emulate.h"
#include "guest/include/hv_abi.h"
#include "arch-x86/tsc.h"
#include "lib/printk.h"
#include "lib/string.h"

#define HC_USER BIT(0) /* may be called from CPL 3 */
#define HC_ENDS BIT(1) /* may end the VM: the vCPU loop must stop */
#define HC_MAX_ARGS 6

/* Arguments are read from the saved guest registers only by the calls
 * that take them, which keeps the null call short. */
/* The calling vCPU and how many arguments its call takes (the table's
 * nargs): arguments past them read as 0, whatever the registers hold. */
struct hc_args {
	struct vcpu *v;
	unsigned nargs;
};
_Static_assert(HC_NR_CALLS <= sizeof(((struct vcpu *)0)->hc_count) / sizeof(uint64_t),
	       "hc_count[] has a counter for every call");

static const unsigned arg_regs[HC_MAX_ARGS] = {
	GPR_RDI, GPR_RSI, GPR_RDX, GPR_R10, GPR_R8, GPR_R9,
};

static inline uint64_t hc_arg(struct hc_args a, unsigned i)
{
	return i < a.nargs ? vcpu_gpr(a.v, arg_regs[i]) : 0;
}

/* The arguments by value: two registers, nothing stored for the null
 * call. */
typedef int64_t (*hc_fn)(struct hc_args args);

/* 32 bytes, so that an entry is found with one shift. */
struct hc_entry {
	hc_fn fn;
	const char *name;
	unsigned nargs;
	unsigned flags;
} __attribute__((aligned(32)));

static int64_t hc_version(struct hc_args a)
{
	(void)a;
	return HV_ABI_VERSION;
}

static int64_t hc_nop(struct hc_args a)
{
	(void)a;
	return 0;
}

static int64_t hc_console_write(struct hc_args a)
{
	struct vcpu *v = a.v;
	gpa_t gpa = hc_arg(a, 0);
	uint64_t len = hc_arg(a, 1);
	char buf[256];
	uint64_t done = 0;

	if (len > HV_CONSOLE_MAX)
		return HV_EINVAL;
	if (len == 0)
		return 0; /* an empty range is never outside RAM */
	if (!gmem_range_ok(&v->vm->mem, gpa, len))
		return HV_EFAULT;
	while (done < len) {
		size_t n = MIN(len - done, sizeof(buf));

		if (gmem_copy_from_guest(&v->vm->mem, buf, gpa + done, n) < 0)
			return HV_EFAULT;
		for (size_t i = 0; i < n; i++)
			vm_console_put(v->vm, buf[i]);
		done += n;
	}
	return (int64_t)len;
}

static int64_t hc_identity(struct hc_args a)
{
	struct vcpu *v = a.v;
	struct vm *vm = v->vm;
	int64_t id = ((int64_t)vm->id << 16) | v->id;
	struct hv_identity ident;

	if (hc_arg(a, 0)) {
		memset(&ident, 0, sizeof(ident));
		ident.vm_id = vm->id;
		ident.vcpu_id = v->id;
		ident.nr_vcpus = vm->nr_vcpus;
		memcpy(ident.name, vm->name, sizeof(ident.name) - 1);
		if (gmem_copy_to_guest(&vm->mem, hc_arg(a, 0), &ident, sizeof(ident)) < 0)
			return HV_EFAULT;
	}
	return id;
}

static int64_t hc_time(struct hc_args a)
{
	(void)a;
	return (int64_t)tsc_hz();
}

static int64_t hc_yield(struct hc_args a)
{
	struct vcpu *v = a.v;

	vcpu_yield(v);
	return 0;
}

static int64_t hc_shutdown(struct hc_args a)
{
	struct vcpu *v = a.v;

	vm_exit(v->vm, (int)(int32_t)hc_arg(a, 0));
	return 0;
}

static struct vcpu *hc_target(struct vcpu *v, uint64_t id)
{
	return id < v->vm->nr_vcpus ? &v->vm->vcpu[id] : NULL;
}

static int64_t hc_send_ipi(struct hc_args a)
{
	struct vcpu *v = a.v;
	struct vcpu *t = hc_target(v, hc_arg(a, 0));
	uint64_t vec = hc_arg(a, 1);

	if (!t || vec < VIRQ_MIN_VECTOR || vec > 255)
		return HV_EINVAL;
	vcpu_raise_irq(t, (uint8_t)vec);
	return 0;
}

/* HC_VCPU_STATS reports the scheduler's state numbers as they are. */
_Static_assert((int)HV_VCPU_RUNNABLE == (int)SCHED_RUNNABLE &&
	       (int)HV_VCPU_RUNNING == (int)SCHED_RUNNING &&
	       (int)HV_VCPU_BLOCKED == (int)SCHED_BLOCKED &&
	       (int)HV_VCPU_STOPPED == (int)SCHED_STOPPED, "vCPU state numbers");

static int64_t hc_vcpu_stats(struct hc_args a)
{
	struct vcpu *v = a.v;
	struct vcpu *t = hc_target(v, hc_arg(a, 0));
	struct sched_entity_stats st;
	struct hv_vcpu_stats out;

	if (!t)
		return HV_EINVAL;
	sched_entity_get_stats(&t->se, &st);
	memset(&out, 0, sizeof(out));
	out.run_tsc = st.run_ticks;
	out.runs = st.runs;
	out.migrations = st.migrations;
	out.wakeups = st.wakeups;
	for (unsigned r = 0; r < HW_EXIT_REASONS; r++)
		out.exits += READ_ONCE(t->exit_count[r]);
	out.pcpu_mask = READ_ONCE(t->pcpu_mask);
	out.state = (uint32_t)st.state;
	out.pcpu = st.cpu != SCHED_CPU_NONE ? st.cpu : st.last_cpu;
	if (gmem_copy_to_guest(&v->vm->mem, hc_arg(a, 1), &out, sizeof(out)) < 0)
		return HV_EFAULT;
	return 0;
}

static const struct hc_entry hc_table[HC_NR_CALLS] = {
	[HC_VERSION] = { hc_version, "version", 0, HC_USER },
	[HC_NOP] = { hc_nop, "nop", 0, HC_USER },
	[HC_CONSOLE_WRITE] = { hc_console_write, "console_write", 2, 0 },
	[HC_IDENTITY] = { hc_identity, "identity", 1, 0 },
	[HC_TIME] = { hc_time, "time", 0, HC_USER },
	[HC_YIELD] = { hc_yield, "yield", 0, HC_USER },
	[HC_SHUTDOWN] = { hc_shutdown, "shutdown", 1, HC_ENDS },
	[HC_SEND_IPI] = { hc_send_ipi, "send_ipi", 2, HC_USER },
	[HC_VCPU_STATS] = { hc_vcpu_stats, "vcpu_stats", 2, 0 },
};

/* Inlined into the fast exit path (guest/exit/exit.c). */
__attribute__((always_inline)) inline enum vcpu_action
guest_hypercall(struct vcpu *v)
{
	uint64_t nr = vcpu_gpr(v, GPR_RAX);
	const struct hc_entry *e;
	struct hc_args args;
	int64_t ret;

	if (nr >= HC_NR_CALLS || !hc_table[nr].fn) {
		ret = HV_ENOSYS;
		goto out;
	}
	e = &hc_table[nr];
	/* From CPL 3 only calls marked user, and only if the VM allows it. */
	if (vcpu_cpl(v) == 3 && (!(e->flags & HC_USER) || !v->vm->cfg->cpl3_hypercalls)) {
		ret = HV_EPERM;
		goto out;
	}
	args.v = v;
	args.nargs = e->nargs;
	v->hc_count[nr]++;
	ret = e->fn(args);
	/* Only a call marked so ends the VM here; another vCPU ending it
	 * makes this one leave through virq.any (vm_end()). */
	if ((e->flags & HC_ENDS) && vm_is_over(v->vm))
		return ACT_KILL_VM;
out:
	vcpu_set_gpr(v, GPR_RAX, (uint64_t)ret);
	return ACT_RESUME_ADVANCE;
}

const char *hypercall_name(unsigned nr)
{
	return nr < HC_NR_CALLS && hc_table[nr].name ? hc_table[nr].name : NULL;
}
