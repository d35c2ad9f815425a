/* The hypercall table (ABI in guest/include/hv_abi.h and
 * docs/hypercalls.md).  Adding a call is one line in HV_CALL_TABLE and
 * one function hc_NAME here or in hc_conv.h's files. */
#include "guest/exit/emulate.h"
#include "guest/exit/hc_conv.h"
#include "guest/include/hv_abi.h"
#include "arch-x86/tsc.h"
#include "lib/printk.h"
#include "lib/string.h"

#define HC_MAX_ARGS 6

static const unsigned arg_regs[HC_MAX_ARGS] = {
	GPR_RDI, GPR_RSI, GPR_RDX, GPR_R10, GPR_R8, GPR_R9,
};

/* Arguments are read from the saved guest registers (or a call record)
 * only by the calls that take them, which keeps the null call short. */
uint64_t hc_arg(const struct hc_args *a, unsigned i)
{
	if (i >= (a->nargs & (HC_ARGS_REC - 1)))
		return 0;
	return a->nargs & HC_ARGS_REC ? a->vals[i] : vcpu_gpr(a->v, arg_regs[i]);
}

static int64_t hc_version(struct vcpu *v, const struct hc_args *a)
{
	(void)v;
	(void)a;
	return HV_ABI_VERSION;
}

static int64_t hc_nop(struct vcpu *v, const struct hc_args *a)
{
	(void)v;
	(void)a;
	return 0;
}

static int64_t hc_console_write(struct vcpu *v, const struct hc_args *a)
{
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

static int64_t hc_identity(struct vcpu *v, const struct hc_args *a)
{
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

static int64_t hc_time(struct vcpu *v, const struct hc_args *a)
{
	(void)v;
	(void)a;
	return (int64_t)tsc_hz();
}

static int64_t hc_yield(struct vcpu *v, const struct hc_args *a)
{
	(void)a;
	vcpu_yield(v);
	return 0;
}

static int64_t hc_shutdown(struct vcpu *v, const struct hc_args *a)
{
	vm_exit(v->vm, (int)(int32_t)hc_arg(a, 0));
	return 0;
}

static struct vcpu *hc_target(struct vcpu *v, uint64_t id)
{
	return id < v->vm->nr_vcpus ? &v->vm->vcpu[id] : NULL;
}

static int64_t hc_send_ipi(struct vcpu *v, const struct hc_args *a)
{
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

static int64_t hc_vcpu_stats(struct vcpu *v, const struct hc_args *a)
{
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

#define HC_ENTRY(nr, NAME, name_, nargs_, kinds_, flags_, group_, feat_) \
	[nr] = { .name = #name_, .fn = hc_##name_, .nargs = nargs_,       \
		 .kinds = kinds_, .flags = flags_, .group = group_,        \
		 .feature = feat_ },
static const struct hc_entry hc_table[HC_NR_CALLS] = {
	HV_CALL_TABLE(HC_ENTRY)
};
#undef HC_ENTRY

const struct hc_entry *hc_lookup(uint64_t nr)
{
	return nr < HC_NR_CALLS ? &hc_table[nr] : NULL;
}

/* Inlined into the fast exit path (guest/exit/exit.c) by LTO. */
__attribute__((always_inline)) inline enum vcpu_action
guest_hypercall(struct vcpu *v)
{
	uint64_t nr = vcpu_gpr(v, GPR_RAX);
	const struct hc_entry *e;
	struct hc_args args;
	int64_t ret;

	if (nr >= HC_NR_CALLS) { /* every number below has a handler */
		ret = HV_ENOSYS;
		goto out;
	}
	if (__builtin_expect(!(v->hc_allow & BIT(nr)), 0)) {
		ret = hc_denied(v, nr);
		goto out;
	}
	e = &hc_table[nr];
	/* From CPL 3 only calls marked user, and only if the VM allows it. */
	if (vcpu_cpl(v) == 3 && (!(e->flags & HV_CF_USER) || !v->vm->cfg->cpl3_hypercalls)) {
		ret = HV_EPERM;
		goto out;
	}
	args.v = v;
	args.nargs = e->nargs;
	if (nr < ARRAY_SIZE(v->hc_count))
		v->hc_count[nr]++;
	ret = e->fn(v, &args);
	if (vm_is_over(v->vm))
		return ACT_KILL_VM;
out:
	vcpu_set_gpr(v, GPR_RAX, (uint64_t)ret);
	return ACT_RESUME_ADVANCE;
}

const char *hypercall_name(unsigned nr)
{
	return nr < HC_NR_CALLS && hc_table[nr].name ? hc_table[nr].name : NULL;
}
