/* Shared fixture of the exit-handler tests; see exit_fixture.h. */
#define _GNU_SOURCE
#include <asm/prctl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "guest/exit/mmio.h"
#include "guest/vpc/apicv.h"
#include "drivers/devirq.h"
#include "arch-x86/smp.h"
#include "arch-x86/tsc.h"
#include "sched/loop.h"
#include "sched/sched.h"
#include "tests/unit/exit_fixture.h"

struct exit_env X;
struct fake_world W;
struct percpu fake_pcpu;

/* The hypercall statistics allocate their histograms (mm/heap.c). */
void *kzalloc(size_t size)
{
	return calloc(1, size);
}

void kfree(void *p)
{
	free(p);
}

/* ---- the virtual PC ---- */

bool vplat_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val, bool *gp)
{
	(void)v;
	W.msr_calls++;
	W.msr_last = msr;
	if (!W.msr_claim)
		return false;
	*gp = W.msr_gp;
	if (!W.msr_gp)
		*val = W.msr_val;
	return true;
}

bool vplat_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val, bool *gp)
{
	(void)v;
	W.msr_calls++;
	W.msr_last = msr;
	W.wrmsr_last = val;
	if (!W.msr_claim)
		return false;
	*gp = W.msr_gp;
	return true;
}

enum vcpu_action vplat_io(struct vcpu *v, uint16_t port, unsigned size,
			  bool in, uint32_t *val)
{
	(void)v;
	W.io_calls++;
	W.io_port = port;
	W.io_size = size;
	W.io_in = in;
	if (in)
		*val = W.io_val;
	else
		W.io_out = *val;
	return W.io_act;
}

bool vplat_is_mmio(struct vcpu *v, gpa_t gpa)
{
	(void)v;
	(void)gpa;
	return W.is_mmio;
}

bool vplat_wakeup_pending(struct vcpu *v)
{
	(void)v;
	return W.wakeup;
}

bool vplat_may_wake(struct vm *vm)
{
	(void)vm;
	return W.may_wake;
}

/* The rest of the virtual PC that guest/vpc/pc.c reaches: not exercised
 * by the exit handlers' tests. */
int vplat_vcpu_start(struct vcpu *v, struct vcpu_init_state *st)
{
	(void)v;
	(void)st;
	return 0;
}

int vplat_next_irq(struct vcpu *v, uint64_t now)
{
	(void)v;
	(void)now;
	return W.pending_irq;
}

int vplat_ack_irq(struct vcpu *v)
{
	int vec = W.pending_irq;

	(void)v;
	W.pending_irq = -1;
	return vec;
}

uint64_t vplat_deadline(const struct vcpu *v)
{
	(void)v;
	return VPLAT_NO_DEADLINE;
}

void vplat_vcpu_running(struct vcpu *v)
{
	(void)v;
}

void vplat_vcpu_blocked(struct vcpu *v, unsigned cpu)
{
	(void)v;
	(void)cpu;
}

void vplat_reset(struct vm *vm)
{
	(void)vm;
}

bool apicv_load(struct vcpu *v)
{
	(void)v;
	return false;
}

/* ---- the instruction emulation of device pages ----
 * Weak: test_exit_mmio links the real one (guest/exit/mmio.c). */

__attribute__((weak)) enum vcpu_action mmio_emulate(struct vcpu *v, gpa_t gpa,
						    bool write)
{
	assert_ptr_equal(v, X.v);
	W.mmio_calls++;
	W.mmio_gpa = gpa;
	W.mmio_write = write;
	return W.mmio_act;
}

/* ---- APIC virtualization ---- */

enum vcpu_action apicv_write_exit(struct vcpu *v, const struct hw_exit *e)
{
	(void)v;
	W.apicv_write++;
	W.apicv_exit = *e;
	return W.apicv_act;
}

enum vcpu_action apicv_eoi_exit(struct vcpu *v, const struct hw_exit *e)
{
	(void)v;
	W.apicv_eoi++;
	W.apicv_exit = *e;
	return W.apicv_act;
}

/* ---- scheduler, host interrupts, TSC ---- */

void devirq_dispatch(void)
{
	W.devirq_calls++;
}

bool sched_should_yield(unsigned cpu)
{
	assert_int_equal(cpu, fake_pcpu.cpu_id);
	W.yield_asks++;
	return W.should_yield;
}

void sched_wake(struct sched_entity *se)
{
	(void)se;
	W.wakes++;
}

void sched_dormant(struct sched_entity *se)
{
	W.dormant |= 1u << (unsigned)(container_of(se, struct vcpu, se)->id);
}

void smp_kick(unsigned cpu)
{
	(void)cpu;
	W.kicks++;
}

void sched_entity_get_stats(struct sched_entity *se, struct sched_entity_stats *out)
{
	(void)se;
	*out = W.stats;
}

uint64_t tsc_hz(void)
{
	return W.tsc_hz;
}

/* ---- privileged instructions ----
 * On the host they fault (SIGSEGV, or SIGILL); the handler recognizes
 * the few the exit handlers use, records them and steps over them. */

static const int gregs_of[16] = {
	REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
	REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
};

static void on_trap(int sig, siginfo_t *si, void *ucp)
{
	ucontext_t *uc = ucp;
	greg_t *g = uc->uc_mcontext.gregs;
	const uint8_t *ip = (const uint8_t *)g[REG_RIP];
	unsigned rex = 0, len;

	(void)si;
	if ((ip[0] & 0xf0) == 0x40)
		rex = *ip++;
	if (ip[0] == 0xfb || ip[0] == 0xfa) {
		if (ip[0] == 0xfb)
			W.sti++;
		else
			W.cli++;
		len = 1;
	} else if (ip[0] == 0x0f && ip[1] == 0x01 && ip[2] == 0xd1) {
		W.xsetbv++;
		W.xcr_index = (uint32_t)g[REG_RCX];
		W.xcr_val = ((uint64_t)(uint32_t)g[REG_RDX] << 32) |
			    (uint32_t)g[REG_RAX];
		len = 3;
	} else if (ip[0] == 0x0f && ip[1] == 0x22 && ((ip[2] >> 3) & 7) == 2 &&
		   (ip[2] & 0xc0) == 0xc0) {
		W.cr2_writes++;
		W.cr2 = (uint64_t)g[gregs_of[(ip[2] & 7) | ((rex & 1) << 3)]];
		len = 3;
	} else {
		/* A real fault: let it happen again without us. */
		signal(sig, SIG_DFL);
		return;
	}
	g[REG_RIP] += len + (rex ? 1 : 0);
}

/* cmocka puts its own SIGSEGV/SIGILL handlers in place around each test
 * function, so ours go in for the dispatch only. */
void trap_privileged(bool on)
{
	static struct sigaction saved_segv, saved_ill;
	struct sigaction sa;

	if (!on) {
		assert_int_equal(sigaction(SIGSEGV, &saved_segv, NULL), 0);
		assert_int_equal(sigaction(SIGILL, &saved_ill, NULL), 0);
		return;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_trap;
	sa.sa_flags = SA_SIGINFO;
	assert_int_equal(sigaction(SIGSEGV, &sa, &saved_segv), 0);
	/* XSETBV is #UD rather than #GP where the host OS left XSAVE off. */
	assert_int_equal(sigaction(SIGILL, &sa, &saved_ill), 0);
}

static void host_setup(void)
{
	memset(&fake_pcpu, 0, sizeof(fake_pcpu));
	fake_pcpu.self = &fake_pcpu;
	fake_pcpu.cpu_id = 3;
	assert_int_equal(syscall(SYS_arch_prctl, ARCH_SET_GS, &fake_pcpu), 0);
	assert_ptr_equal(this_cpu(), &fake_pcpu);
}

/* ---- the VM ---- */

int setup(void **state)
{
	struct vm *vm;
	struct gmem_region ram = {
		.gpa = 0, .size = RAM_SIZE, .type = GMEM_RAM, .hpa = RAM_HPA,
	};

	(void)state;
	host_setup();
	memset(&W, 0, sizeof(W));
	W.tsc_hz = 2000000000ULL;
	W.io_act = ACT_RESUME_ADVANCE;
	W.mmio_act = ACT_RESUME_ADVANCE;
	W.apicv_act = ACT_RESUME;
	W.pending_irq = -1;
	W.stats.cpu = SCHED_CPU_NONE;
	memset(&X, 0, sizeof(X));
	strcpy(X.cfg.name, "tvm");
	X.cfg.console = CONSOLE_COM1;
	X.cfg.vcpus = NVCPUS;
	X.cfg.hc_allow = HV_ALLOW_DEFAULT;

	fake_phys_init(RAM_HPA, RAM_SIZE);
	vm = calloc(1, sizeof(*vm));
	assert_non_null(vm);
	vm->id = 5;
	strcpy(vm->name, X.cfg.name);
	vm->cfg = &X.cfg;
	vm->state = VM_RUNNING;
	gmem_init(&vm->mem);
	assert_int_equal(gmem_add(&vm->mem, &ram), 0);
	vm->hw = fake_hw_vm_new();
	vm->platform = &null_platform; /* use_plat() switches to the PC */
	vm->nr_vcpus = NVCPUS;
	vm->vcpus_live = NVCPUS;
	for (unsigned i = 0; i < NVCPUS; i++) {
		struct vcpu *v = &vm->vcpu[i];

		v->vm = vm;
		v->id = i;
		v->state = VCPU_RUNNING;
		v->sipi_vector = -1;
		v->misc_enable = VCPU_MISC_ENABLE_RESET;
		v->hw = fake_hw_vcpu_new(vm->hw, i);
		v->hw->rip = START_RIP;
		v->hc_allow = HV_ALLOW_DEFAULT;
		exit_watch(v, false);
	}
	X.vm = vm;
	X.v = &vm->vcpu[0];
	X.hw = X.v->hw;
	fake_log_reset();
	return 0;
}

int teardown(void **state)
{
	(void)state;
	for (unsigned i = 0; i < NVCPUS; i++)
		hw_vcpu_destroy(X.vm->vcpu[i].hw);
	hw_vm_destroy(X.vm->hw);
	free(X.vm->plat);
	free(X.vm);
	fake_phys_fini();
	return 0;
}

struct vplat *use_plat(void)
{
	struct vplat *p = calloc(1, sizeof(*p));

	assert_non_null(p);
	p->vm = X.vm;
	X.vm->plat = p;
	X.vm->platform = &pc_platform;
	return p;
}

enum vcpu_action run(const struct hw_exit *e)
{
	enum vcpu_action act;

	trap_privileged(true);
	act = exit_dispatch(X.v, e);
	trap_privileged(false);
	return act;
}

enum vcpu_action run_exit(unsigned kind)
{
	struct hw_exit e = { .kind = (uint16_t)kind, .reason = (uint16_t)kind,
			     .insn_len = INSN_LEN };

	return run(&e);
}

void assert_fault_at(int line, enum vcpu_action act, unsigned vector,
		     bool has_error)
{
	if (act != ACT_RESUME)
		fail_msg("line %d: action %d, expected ACT_RESUME", line, act);
	if (!X.v->event.valid || X.v->event.vector != vector ||
	    X.v->event.type != HW_EV_HW_EXCEPTION ||
	    X.v->event.has_error != has_error || X.v->event.error != 0)
		fail_msg("line %d: event valid %d vector %u type %u error %d/%u, expected vector %u",
			 line, X.v->event.valid, X.v->event.vector,
			 X.v->event.type, X.v->event.has_error,
			 X.v->event.error, vector);
	if (!X.v->virq.any)
		fail_msg("line %d: virq.any not set: the entry path would miss the event",
			 line);
	if (X.hw->rip != START_RIP)
		fail_msg("line %d: RIP moved to %#lx", line, X.hw->rip);
}

void assert_no_event(void)
{
	assert_false(X.v->event.valid);
}

void assert_stopped(enum vcpu_action act, const char *what)
{
	assert_int_equal(act, ACT_KILL_VM);
	assert_int_equal(X.vm->state, VM_STOPPED);
	if (!strstr(X.vm->stop_reason, what))
		fail_msg("stop reason \"%s\" lacks \"%s\"", X.vm->stop_reason, what);
}

void *gram(gpa_t gpa)
{
	assert_true(gpa < RAM_SIZE);
	return phys_to_virt(RAM_HPA + gpa);
}
