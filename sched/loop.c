/* The per-pCPU scheduling loop (sched/loop.h). */
#include "sched/loop.h"
#include "sched/timer.h"
#include "lib/printk.h"
#include "lib/string.h"

/* Each pCPU's own, on its own cache line; 'idle' and 'run_end' are read
 * by other pCPUs without a lock. */
struct loop_cpu {
	bool idle;		/* in hooks.idle */
	uint64_t run_end;	/* the current run ends by then (UINT64_MAX: unknown) */
	void (*poll)(void);
	uint64_t next_chores;	/* poll and console pump not before (chore_gap) */
} __aligned(64);

static struct loop_cpu cpus[SCHED_MAX_CPUS];
static struct sched_hooks hooks;
static void (*idle_prep)(void);
static unsigned ncpus;
static uint64_t idle_poll;
static uint64_t chore_gap;

int sched_loop_init(const struct sched_hooks *h, unsigned n, uint64_t poll)
{
	if (!h || !h->now || !h->idle || n == 0 || n > SCHED_MAX_CPUS)
		return -1;
	hooks = *h;
	ncpus = n;
	idle_poll = poll;
	memset(cpus, 0, sizeof(cpus));
	return 0;
}

void sched_loop_set_idle_prep(void (*fn)(void))
{
	idle_prep = fn;
}

void sched_loop_set_poll(unsigned cpu, void (*fn)(void))
{
	BUG_ON(cpu >= ncpus);
	WRITE_ONCE(cpus[cpu].poll, fn);
}

/* Run se for its slice, ended in time for this pCPU's first timer. */
static void run(unsigned cpu, struct sched_entity *se)
{
	uint64_t slice = sched_current_slice(cpu);
	uint64_t next = sched_timer_next(cpu), end = UINT64_MAX;

	BUG_ON(!se->ops || !se->ops->run);
	if (next != SCHED_TIMER_NONE) {
		uint64_t now = hooks.now();

		slice = next > now ? MIN(slice, next - now) : 1;
		end = now + slice;
	}
	WRITE_ONCE(cpus[cpu].run_end, end);
	sched_put(cpu, se, se->ops->run(se, slice));
}

static bool others_idle(void)
{
	for (unsigned cpu = 1; cpu < ncpus; cpu++)
		if (!READ_ONCE(cpus[cpu].idle))
			return false;
	return true;
}

/* Halt until a kick, this pCPU's first timer, or the poll that lets an
 * idle pCPU pull work from busier ones. */
static void idle(unsigned cpu)
{
	uint64_t until = sched_timer_next(cpu);

	if (idle_poll)
		until = MIN(until, hooks.now() + idle_poll);
	if (idle_prep)
		idle_prep();
	WRITE_ONCE(cpus[cpu].idle, true);
	hooks.idle(cpu, until);
	WRITE_ONCE(cpus[cpu].idle, false);
}

void sched_loop_set_chore_gap(uint64_t ticks)
{
	chore_gap = ticks;
}

/* The poll hook, and buffered hypervisor output moved on between slices
 * too (not only when something prints or a pCPU idles); with a gap, at
 * most once per gap, so that a switch between two vCPUs does not pay
 * them each time (a UART needs neither every microsecond). */
static void chores(unsigned cpu)
{
	struct loop_cpu *c = &cpus[cpu];
	void (*poll)(void) = READ_ONCE(c->poll);

	if (chore_gap) {
		uint64_t now = hooks.now();

		if (now < c->next_chores)
			return;
		c->next_chores = now + chore_gap;
	}
	if (poll)
		poll();
	console_pump();
}

bool sched_loop_once(unsigned cpu)
{
	struct sched_entity *se;

	BUG_ON(cpu >= ncpus);
	if (hooks.irqs)
		hooks.irqs();
	if (sched_timer_next(cpu) != SCHED_TIMER_NONE)
		sched_timer_run(cpu, hooks.now());
	chores(cpu);
	se = sched_pick(cpu);
	if (se) {
		run(cpu, se);
		return true;
	}
	if (cpu == 0 && sched_nr_live() == 0 && others_idle())
		return false;
	idle(cpu);
	return true;
}

void sched_cpu_loop(unsigned cpu)
{
	while (sched_loop_once(cpu))
		;
}

bool sched_should_yield(unsigned cpu)
{
	return sched_should_preempt(cpu) ||
	       sched_timer_next(cpu) < READ_ONCE(cpus[cpu].run_end);
}

void sched_print_pcpus(void)
{
	for (unsigned cpu = 0; cpu < sched_ncpus(); cpu++) {
		struct sched_cpu_stats st;

		sched_cpu_get_stats(cpu, &st);
		pr_info("sched: pcpu %u: busy %lu tsc, idle %lu tsc, %lu switches\n",
			cpu, st.busy_ticks, st.idle_ticks, st.ctx_switches);
	}
}
