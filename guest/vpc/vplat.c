/* The virtual PC: device creation, the hooks that connect the device
 * models to each other and to vCPUs, timers, and interrupt selection at
 * VM entry.  Port and MMIO dispatch live in guest/vpc/vplat_io.c. */
#include "guest/vpc/vplat.h"
#include "guest/vpc/passthru.h"
#include "guest/load/loader.h"
#include "arch-x86/cpu.h"
#include "arch-x86/tsc.h"
#include "mm/heap.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "arch-x86/percpu.h"
#include "sched/timer.h"

#define RTC_EPOCH 1767225600 /* 2026-01-01 00:00:00 UTC */

static struct vplat *registry[MAX_VMS];

static uint64_t now_tsc(void *ctx)
{
	(void)ctx;
	return rdtsc();
}

/* ---- LAPIC bus hooks ---- */

static void lapic_timer_arm(void *ctx, unsigned vcpu, uint64_t deadline)
{
	struct vplat *p = ctx;

	WRITE_ONCE(p->lapic_deadline[vcpu], deadline);
}

static void lapic_timer_cancel(void *ctx, unsigned vcpu)
{
	struct vplat *p = ctx;

	WRITE_ONCE(p->lapic_deadline[vcpu], VPLAT_NO_DEADLINE);
}

static void lapic_deliver(void *ctx, unsigned vcpu, enum apic_dm mode,
			  uint8_t vector)
{
	struct vplat *p = ctx;
	struct vcpu *v;

	if (vcpu >= p->vm->nr_vcpus)
		return;
	v = &p->vm->vcpu[vcpu];
	switch (mode) {
	case APIC_DM_NMI:
		__atomic_fetch_add(&v->nmi_pending, 1, __ATOMIC_SEQ_CST);
		break;
	case APIC_DM_INIT:
		WRITE_ONCE(v->init_pending, true);
		break;
	case APIC_DM_SIPI:
		/* Only an AP waiting for it takes a start-up IPI. */
		if (!READ_ONCE(v->wait_sipi) || READ_ONCE(v->sipi_vector) >= 0)
			return;
		WRITE_ONCE(v->sipi_vector, vector);
		break;
	default:
		break;
	}
	vcpu_kick(v);
}

static void lapic_eoi(void *ctx, unsigned vcpu, uint8_t vector)
{
	struct vplat *p = ctx;

	(void)vcpu;
	spin_lock(&p->lock);
	vioapic_eoi(&p->ioapic, vector);
	spin_unlock(&p->lock);
}

static const struct vlapic_hooks lapic_hooks = {
	.now = now_tsc,
	.timer_arm = lapic_timer_arm,
	.timer_cancel = lapic_timer_cancel,
	.deliver = lapic_deliver,
	.eoi = lapic_eoi,
};

/* ---- IOAPIC, PIC, PIT, UART hooks (called under p->lock) ---- */

static unsigned ioapic_deliver(void *ctx, const struct vlapic_msg *m)
{
	struct vplat *p = ctx;

	return vlapic_bus_send(&p->bus, m);
}

/* The EOI of a level-triggered IOAPIC pin or PIC input (the same number
 * for a line a VM owns): a host IRQ the VM owns may be re-armed. */
static void line_eoi(void *ctx, unsigned line)
{
	struct vplat *p = ctx;

	passthru_line_eoi(p->vm, line);
}

static const struct vioapic_hooks ioapic_hooks = {
	.deliver = ioapic_deliver,
	.eoi = line_eoi,
};

/* The master 8259's INT goes to LINT0 of vCPU 0 (virtual wire). */
static void pic_intr(void *ctx, bool level)
{
	struct vplat *p = ctx;

	if (level)
		vcpu_kick(&p->vm->vcpu[0]);
}

static const struct vpic_hooks pic_hooks = { .intr = pic_intr, .eoi = line_eoi };

static void pit_irq0(void *ctx)
{
	struct vplat *p = ctx;

	vplat_isa_irq(p, VPC_IRQ_PIT, true);
	vplat_isa_irq(p, VPC_IRQ_PIT, false);
}

static const struct vpit_hooks pit_hooks = { .now = now_tsc, .irq0 = pit_irq0 };

static void uart_tx(void *ctx, uint8_t byte)
{
	struct vplat *p = ctx;

	vm_console_put(p->vm, (char)byte);
}

static void uart_irq(void *ctx, bool level)
{
	vplat_isa_irq(ctx, VPC_IRQ_COM1, level);
}

static const struct vuart_hooks uart_hooks = { .tx = uart_tx, .irq = uart_irq };

/* Power-off, reset and debug exit are carried out after p->lock is
 * dropped (vplat_io), since ending a VM takes other locks. */
static void pm_poweroff(void *ctx)
{
	struct vplat *p = ctx;

	p->action = VPLAT_ACT_POWEROFF;
}

static void pm_reset(void *ctx, const char *why)
{
	struct vplat *p = ctx;

	p->action = VPLAT_ACT_RESET;
	p->action_why = why;
}

static void pm_debug_exit(void *ctx, uint32_t status)
{
	struct vplat *p = ctx;

	p->action = VPLAT_ACT_DEBUG_EXIT;
	p->action_status = status;
}

static const struct vpm_hooks pm_hooks = {
	.poweroff = pm_poweroff,
	.reset = pm_reset,
	.debug_exit = pm_debug_exit,
};

void vplat_isa_irq(struct vplat *p, unsigned irq, bool level)
{
	vpic_set_irq(&p->pic, irq, level);
	/* MADT interrupt source override: ISA IRQ 0 is GSI 2. */
	vioapic_set_irq(&p->ioapic, irq == VPC_IRQ_PIT ? VPC_GSI_PIT : irq, level);
}

static bool queue_input(struct vplat *p, uint8_t byte);
static void wake_fire(struct sched_timer *t, uint64_t now);

/* ---- life cycle ---- */

static void power_on(struct vplat *p)
{
	struct vm *vm = p->vm;

	vlapic_bus_init(&p->bus, &lapic_hooks, p, p->tsc_hz, p->tsc_hz);
	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		p->lapic_deadline[i] = VPLAT_NO_DEADLINE;
		vlapic_init(&p->lapic[i], &p->bus, i);
		/* What firmware leaves behind: LINT0 = ExtINT, LINT1 = NMI. */
		vlapic_virtual_wire(&p->lapic[i]);
	}
	vioapic_init(&p->ioapic, &ioapic_hooks, p, 0, VIOAPIC_VERSION);
	vpic_init(&p->pic, &pic_hooks, p);
	vpit_init(&p->pit, &pit_hooks, p, p->tsc_hz);
	p->pit_deadline = VPLAT_NO_DEADLINE;
	/* The RTC and CMOS RAM are battery-backed: they survive a reset. */
	if (!p->rtc.tsc_hz)
		vrtc_init(&p->rtc, now_tsc, p, p->tsc_hz, RTC_EPOCH);
	vpmtimer_init(&p->pmtimer, now_tsc, p, p->tsc_hz, VPC_PM_TMR, true);
	vuart_init(&p->uart, &uart_hooks, p);
	vpci_init(&p->pci);
	vpm_init(&p->pm, &pm_hooks, p, VPC_PM, vm->cfg->debug_exit,
		 VPC_DEBUG_EXIT);
	p->action = VPLAT_ACT_NONE;
	p->inq_head = p->inq_len = 0;
	p->input_at = VPLAT_NO_DEADLINE;
	if (vm->cfg->console_input[0]) {
		for (const char *c = vm->cfg->console_input; *c; c++)
			queue_input(p, (uint8_t)*c);
		queue_input(p, '\n');
	}
}

int vplat_create(struct vm *vm, const struct vplat_hooks *hooks)
{
	struct vplat *p = kzalloc(sizeof(*p));

	if (!p) {
		pr_err("vm %s: no memory for the virtual platform\n", vm->name);
		return -1;
	}
	p->vm = vm;
	p->hooks = hooks;
	spin_init(&p->lock);
	p->tsc_hz = tsc_hz();
	if (vplat_map_io(p) < 0) {
		pr_err("vm %s: the virtual platform's devices overlap\n", vm->name);
		kfree(p);
		return -1;
	}
	vm->plat = p;
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		sched_timer_init(&p->wake[i], wake_fire, &vm->vcpu[i]);
	power_on(p);
	for (unsigned i = 0; i < ARRAY_SIZE(registry); i++) {
		struct vplat *none = NULL;

		if (__atomic_compare_exchange_n(&registry[i], &none, p, false,
						__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			break;
	}
	return 0;
}

void vplat_reset(struct vm *vm)
{
	power_on(vm->plat);
}

void vplat_destroy(struct vm *vm)
{
	struct vplat *p = vm->plat;

	if (!p)
		return;
	for (unsigned i = 0; i < ARRAY_SIZE(registry); i++) {
		struct vplat *me = p;

		__atomic_compare_exchange_n(&registry[i], &me, NULL, false,
					    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	}
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		sched_timer_cancel_sync(&p->wake[i]);
	vm->plat = NULL;
	kfree(p);
}

/* ---- timers ---- */

uint64_t vplat_deadline(const struct vcpu *v)
{
	const struct vplat *p = v->vm->plat;
	uint64_t d = READ_ONCE(p->lapic_deadline[v->id]);

	if (v->id == 0) {
		d = MIN(d, READ_ONCE(p->pit_deadline));
		/* Typed input due (the FIFO full: its reader feeds it). */
		if (READ_ONCE(p->inq_len) && vuart_rx_room(&p->uart))
			d = MIN(d, READ_ONCE(p->input_at));
	}
	return d;
}

static void fire_timers(struct vcpu *v, uint64_t now)
{
	struct vplat *p = v->vm->plat;

	if (READ_ONCE(p->lapic_deadline[v->id]) <= now) {
		p->lapic_deadline[v->id] = VPLAT_NO_DEADLINE;
		vlapic_timer_expired(&p->lapic[v->id], now);
	}
	if (v->id == 0 && READ_ONCE(p->pit_deadline) <= now) {
		spin_lock(&p->lock);
		vpit_timer_expired(&p->pit, now);
		WRITE_ONCE(p->pit_deadline, vpit_next_event(&p->pit));
		spin_unlock(&p->lock);
	}
	if (v->id == 0 && READ_ONCE(p->inq_len) && READ_ONCE(p->input_at) <= now &&
	    vuart_rx_room(&p->uart)) {
		spin_lock(&p->lock);
		vplat_feed_uart(p);
		spin_unlock(&p->lock);
	}
}

/* Called after a port write may have reprogrammed the PIT. */
void vplat_pit_changed(struct vplat *p)
{
	uint64_t d = vpit_next_event(&p->pit);

	if (d != READ_ONCE(p->pit_deadline)) {
		WRITE_ONCE(p->pit_deadline, d);
		vcpu_kick(&p->vm->vcpu[0]);
	}
}

/* ---- halted vCPUs' wake-ups ---- */

/* Its deadline while halted in HLT (not waiting for a SIPI, nor halted
 * with interrupts disabled, which no timer ends), or none. */
static uint64_t halted_deadline(const struct vcpu *v)
{
	if (vm_is_over(v->vm) || READ_ONCE(v->state) != VCPU_BLOCKED ||
	    READ_ONCE(v->wait_sipi) || READ_ONCE(v->halt_if_off))
		return VPLAT_NO_DEADLINE;
	return vplat_deadline(v);
}

/* Caller holds p->lock, so that arming for a deadline just read cannot
 * overtake an arming for a newer one. */
static void wake_arm(struct vplat *p, struct vcpu *v, unsigned cpu)
{
	uint64_t d = halted_deadline(v);

	if (d == VPLAT_NO_DEADLINE)
		sched_timer_cancel(&p->wake[v->id]);
	else
		sched_timer_arm(&p->wake[v->id], cpu, d);
}

static void wake_fire(struct sched_timer *t, uint64_t now)
{
	struct vcpu *v = t->data;
	struct vplat *p = v->vm->plat;
	uint64_t d = halted_deadline(v);

	if (d <= now) {
		vcpu_kick(v);
	} else if (d != VPLAT_NO_DEADLINE) {
		/* Moved later while it waited: wait on. */
		spin_lock(&p->lock);
		wake_arm(p, v, this_cpu()->cpu_id);
		spin_unlock(&p->lock);
	}
}

void vplat_vcpu_blocked(struct vcpu *v, unsigned cpu)
{
	struct vplat *p = v->vm->plat;

	spin_lock(&p->lock);
	wake_arm(p, v, cpu);
	spin_unlock(&p->lock);
}

bool vplat_may_wake(struct vm *vm)
{
	const struct vioapic *io = &vm->plat->ioapic;

	for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++) {
		uint64_t rte = READ_ONCE(io->rte[pin]);
		unsigned dm = IOAPIC_RTE_DM(rte);

		if (!(rte & IOAPIC_RTE_MASKED) &&
		    (dm == APIC_DM_NMI || dm == APIC_DM_INIT || dm == APIC_DM_SMI))
			return true;
	}
	return false;
}

void vplat_vcpu_running(struct vcpu *v)
{
	struct sched_timer *t = &v->vm->plat->wake[v->id];

	if (sched_timer_cpu(t) != SCHED_CPU_NONE)
		sched_timer_cancel(t);
}

/* vCPU 0's deadline may have moved (console input; caller holds p->lock):
 * if it waits in HLT, its timer follows, on the pCPU it is armed on or
 * else the one vCPU 0 last ran on. */
static void input_deadline_changed(struct vplat *p)
{
	struct vcpu *v = &p->vm->vcpu[0];
	struct sched_timer *t = &p->wake[0];
	unsigned cpu = sched_timer_cpu(t);
	uint64_t d = halted_deadline(v);

	if (d == VPLAT_NO_DEADLINE ||
	    (cpu != SCHED_CPU_NONE && sched_timer_deadline(t) == d))
		return;
	if (cpu == SCHED_CPU_NONE)
		cpu = READ_ONCE(v->se.last_cpu);
	if (cpu == SCHED_CPU_NONE)
		cpu = this_cpu()->cpu_id;
	wake_arm(p, v, cpu);
}

/* ---- interrupts at VM entry ---- */

/* The vector to inject next, or -1: the LAPIC's, else the PIC's through
 * LINT0 of vCPU 0.  'extint' tells which. */
static int pending_vector(struct vcpu *v, bool *extint)
{
	struct vplat *p = v->vm->plat;
	struct vlapic *l = &p->lapic[v->id];
	/* [APICv] The CPU delivers the LAPIC's vectors itself. */
	int vec = v->vm->apicv ? -1 : vlapic_pending_vector(l);

	*extint = false;
	if (vec >= 0 || v->id != 0 || !vlapic_extint_allowed(l))
		return vec;
	spin_lock(&p->lock);
	vec = p->pic.output ? vpic_pending(&p->pic) : -1;
	spin_unlock(&p->lock);
	*extint = vec >= 0;
	return vec;
}

int vplat_next_irq(struct vcpu *v, uint64_t now)
{
	bool extint;

	fire_timers(v, now);
	return pending_vector(v, &extint);
}

int vplat_ack_irq(struct vcpu *v)
{
	struct vplat *p = v->vm->plat;
	bool extint;
	int vec = pending_vector(v, &extint);

	if (vec < 0)
		return -1;
	if (!extint) {
		vlapic_ack(&p->lapic[v->id], (uint8_t)vec);
		return vec;
	}
	spin_lock(&p->lock);
	vec = vpic_ack(&p->pic);
	spin_unlock(&p->lock);
	return vec;
}

bool vplat_wakeup_pending(struct vcpu *v)
{
	bool extint;

	if (READ_ONCE(v->nmi_pending) || READ_ONCE(v->init_pending) ||
	    vplat_deadline(v) <= rdtsc() ||
	    vlapic_pending_vector(vcpu_vlapic(v)) >= 0 || /* [APICv] too */
	    pending_vector(v, &extint) >= 0) {
		vcpu_recheck(v);
		return true;
	}
	return false;
}

int vplat_vcpu_start(struct vcpu *v, struct vcpu_init_state *st)
{
	struct vplat *p = v->vm->plat;
	int vec;

	if (__atomic_load_n(&v->vm->restarting, __ATOMIC_SEQ_CST))
		return -1;
	if (__atomic_exchange_n(&v->reload, false, __ATOMIC_SEQ_CST)) {
		loader_initial_state(v->vm, v->id, st);
		return v->wait_sipi ? -1 : 1;
	}
	if (__atomic_exchange_n(&v->init_pending, false, __ATOMIC_SEQ_CST)) {
		vlapic_reset(&p->lapic[v->id], false);
		p->lapic_deadline[v->id] = VPLAT_NO_DEADLINE;
		WRITE_ONCE(v->nmi_pending, 0);
		v->event.valid = false;
		WRITE_ONCE(v->sipi_vector, -1);
		WRITE_ONCE(v->wait_sipi, true);
	}
	if (!READ_ONCE(v->wait_sipi))
		return 0;
	vec = READ_ONCE(v->sipi_vector);
	if (vec < 0)
		return -1;
	loader_sipi_state((uint8_t)vec, st);
	WRITE_ONCE(v->sipi_vector, -1);
	WRITE_ONCE(v->wait_sipi, false);
	return 1;
}

static void feed_uart(struct vplat *p)
{
	bool rdi = p->uart.ier & VUART_IER_ERBFI;
	uint64_t now = rdtsc();

	/* Input waits until the receive interrupt has been on for a while:
	 * a driver setting up the port drains the receiver more than once
	 * (Linux's 8250 start-up does), which would eat what was typed. */
	if (!rdi) {
		WRITE_ONCE(p->input_at, VPLAT_NO_DEADLINE);
		return;
	}
	if (READ_ONCE(p->input_at) == VPLAT_NO_DEADLINE)
		WRITE_ONCE(p->input_at, now + p->tsc_hz / VPLAT_INPUT_HOLD_DIV);
	if (now < READ_ONCE(p->input_at))
		return;
	while (p->inq_len && vuart_rx_room(&p->uart)) {
		vuart_rx_push(&p->uart, p->inq[p->inq_head]);
		p->inq_head = (p->inq_head + 1) % VPLAT_INQ_SIZE;
		p->inq_len--;
	}
}

void vplat_feed_uart(struct vplat *p)
{
	/* Nothing typed, and the hold already follows the receive
	 * interrupt's enable: nothing changes (every console byte). */
	if (!p->inq_len && ((p->uart.ier & VUART_IER_ERBFI) != 0) ==
				   (READ_ONCE(p->input_at) != VPLAT_NO_DEADLINE))
		return;
	feed_uart(p);
	input_deadline_changed(p);
}

static bool queue_input(struct vplat *p, uint8_t byte)
{
	if (p->inq_len == VPLAT_INQ_SIZE)
		return false;
	p->inq[(p->inq_head + p->inq_len) % VPLAT_INQ_SIZE] = byte;
	p->inq_len++;
	return true;
}

bool vplat_console_input(struct vm *vm, uint8_t byte)
{
	struct vplat *p = vm->plat;
	bool ok;

	if (!p || vm_is_over(vm))
		return false;
	spin_lock(&p->lock);
	ok = queue_input(p, byte);
	vplat_feed_uart(p);
	spin_unlock(&p->lock);
	return ok;
}

static int highest_bit(const uint32_t *regs)
{
	for (int i = 7; i >= 0; i--)
		if (regs[i])
			return i * 32 + 31 - __builtin_clz(regs[i]);
	return -1;
}

/* vmstats=N: what every virtual PC is doing (debugging aid). */
void vplat_dump_all(void)
{
	uint64_t now = rdtsc();

	for (unsigned i = 0; i < ARRAY_SIZE(registry); i++) {
		struct vplat *p = __atomic_load_n(&registry[i], __ATOMIC_ACQUIRE);

		if (!p || vm_is_over(p->vm))
			continue;
		for (unsigned c = 0; c < p->vm->nr_vcpus; c++) {
			struct vcpu *v = &p->vm->vcpu[c];
			struct vlapic *l = &p->lapic[c];
			uint64_t d = vplat_deadline(v);

			char exits[256];

			vcpu_format_exits(v, exits, sizeof(exits));
			pr_info("vmstats %s/%u: state %d%s, timer %s%ld us, exits%s; lapic irr %d isr %d tpr %#x lvtt %#x\n",
				p->vm->name, c, v->state, v->wait_sipi ? " (SIPI wait)" : "",
				d == VPLAT_NO_DEADLINE ? "none " : "",
				d == VPLAT_NO_DEADLINE ? 0L : (long)((int64_t)(d - now) / (int64_t)(p->tsc_hz / 1000000)),
				exits, highest_bit(l->irr), highest_bit(l->isr), l->tpr,
				l->lvt[LVT_TIMER]);
		}
		pr_info("vmstats %s: pic irr %#x/%#x imr %#x/%#x; ioapic pin2 %#lx pin4 %#lx; uart ier %#x; input queued %u\n",
			p->vm->name, p->pic.chip[0].irr, p->pic.chip[1].irr,
			p->pic.chip[0].imr, p->pic.chip[1].imr, p->ioapic.rte[2],
			p->ioapic.rte[4], p->uart.ier, p->inq_len);
	}
}
