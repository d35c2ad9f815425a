/* Per-pCPU deadline queues (sched/timer.h).
 *
 * Locking: q->lock protects a queue's lists and every armed timer's link
 * and deadline on it; t->lock serialises arm and cancel of one timer.
 * Order: t->lock, then one queue lock.  t->cpu changes from a pCPU to
 * SCHED_CPU_NONE under that queue's lock (cancel, or firing), and back
 * only under t->lock, so a path holding t->lock reads t->cpu, locks that
 * queue and checks t->cpu again, retrying if the timer fired meanwhile.
 * Firing takes no timer lock: it moves the due timers to q->firing, then
 * calls them one by one with no lock held. */
#include "sched/timer.h"
#include "lib/printk.h"
#include "lib/string.h"

struct timer_queue {
	struct spinlock lock;
	struct sched_link armed;	/* by deadline, earliest first */
	struct sched_link firing;	/* due, taken off 'armed' by the runner */
	uint64_t next;			/* first deadline on 'armed' (WRITE_ONCE) */
} __aligned(64);

static struct timer_queue queues[SCHED_MAX_CPUS];
static unsigned nqueues;
static struct sched_hooks hooks;

#define link_timer(l) container_of(l, struct sched_timer, link)

static struct timer_queue *queue(unsigned cpu)
{
	BUG_ON(cpu >= nqueues);
	return &queues[cpu];
}

/* q->lock held. */
static void update_next(struct timer_queue *q)
{
	WRITE_ONCE(q->next, sched_list_empty(&q->armed) ? SCHED_TIMER_NONE
			    : link_timer(q->armed.next)->deadline);
}

int sched_timers_init(unsigned ncpus, const struct sched_hooks *h)
{
	if (ncpus == 0 || ncpus > SCHED_MAX_CPUS || !h || !h->kick)
		return -1;
	hooks = *h;
	nqueues = ncpus;
	for (unsigned c = 0; c < SCHED_MAX_CPUS; c++) {
		struct timer_queue *q = &queues[c];

		memset(q, 0, sizeof(*q));
		spin_init(&q->lock);
		sched_list_init(&q->armed);
		sched_list_init(&q->firing);
		q->next = SCHED_TIMER_NONE;
	}
	return 0;
}

void sched_timer_init(struct sched_timer *t, sched_timer_fn fn, void *data)
{
	memset(t, 0, sizeof(*t));
	spin_init(&t->lock);
	t->deadline = SCHED_TIMER_NONE;
	t->fn = fn;
	t->data = data;
	t->cpu = SCHED_CPU_NONE;
}

/* Take t off its queue (t->lock held).  False if it was on none. */
static bool unlink_timer(struct sched_timer *t)
{
	for (;;) {
		unsigned cpu = READ_ONCE(t->cpu);
		struct timer_queue *q;
		bool first;

		if (cpu == SCHED_CPU_NONE)
			return false;
		q = queue(cpu);
		spin_lock(&q->lock);
		if (READ_ONCE(t->cpu) == cpu) {
			first = q->armed.next == &t->link;
			sched_list_del(&t->link);
			WRITE_ONCE(t->cpu, SCHED_CPU_NONE);
			if (first)
				update_next(q);
			spin_unlock(&q->lock);
			return true;
		}
		spin_unlock(&q->lock);	/* it fired meanwhile */
	}
}

/* Sorted insert from the tail, behind equal deadlines (q->lock held).
 * Returns whether t is now the first. */
static bool insert(struct timer_queue *q, struct sched_timer *t)
{
	struct sched_link *pos = q->armed.prev;

	while (pos != &q->armed && link_timer(pos)->deadline > t->deadline)
		pos = pos->prev;
	sched_list_insert_before(pos->next, &t->link);
	update_next(q);
	return q->armed.next == &t->link;
}

void sched_timer_arm(struct sched_timer *t, unsigned cpu, uint64_t deadline)
{
	struct timer_queue *q = queue(cpu);
	bool first;

	BUG_ON(!t->fn);
	spin_lock(&t->lock);
	(void)unlink_timer(t);
	spin_lock(&q->lock);
	WRITE_ONCE(t->deadline, deadline);
	first = insert(q, t);
	WRITE_ONCE(t->cpu, cpu);
	spin_unlock(&q->lock);
	spin_unlock(&t->lock);
	/* That pCPU may be halted, or running for longer than this. */
	if (first && (!hooks.this_cpu || hooks.this_cpu() != cpu))
		hooks.kick(cpu);
}

bool sched_timer_cancel(struct sched_timer *t)
{
	bool was;

	spin_lock(&t->lock);
	was = unlink_timer(t);
	spin_unlock(&t->lock);
	return was;
}

void sched_timer_cancel_sync(struct sched_timer *t)
{
	/* A callback in progress may arm it again: repeat until neither. */
	do {
		(void)sched_timer_cancel(t);
		while (__atomic_load_n(&t->running, __ATOMIC_ACQUIRE))
			cpu_relax();
	} while (sched_timer_cpu(t) != SCHED_CPU_NONE);
}

unsigned sched_timer_cpu(const struct sched_timer *t)
{
	return READ_ONCE(t->cpu);
}

uint64_t sched_timer_deadline(const struct sched_timer *t)
{
	return READ_ONCE(t->deadline);
}

uint64_t sched_timer_next(unsigned cpu)
{
	return READ_ONCE(queue(cpu)->next);
}

unsigned sched_timer_run(unsigned cpu, uint64_t now)
{
	struct timer_queue *q = queue(cpu);
	unsigned fired = 0;

	/* A timer armed from elsewhere meanwhile comes with a kick. */
	if (READ_ONCE(q->next) > now)
		return 0;
	spin_lock(&q->lock);
	while (!sched_list_empty(&q->armed) &&
	       link_timer(q->armed.next)->deadline <= now) {
		struct sched_link *l = q->armed.next;

		sched_list_del(l);
		sched_list_add_tail(&q->firing, l);
	}
	update_next(q);
	while (!sched_list_empty(&q->firing)) {
		struct sched_timer *t = link_timer(q->firing.next);

		sched_list_del(&t->link);
		WRITE_ONCE(t->cpu, SCHED_CPU_NONE);
		__atomic_add_fetch(&t->running, 1, __ATOMIC_ACQ_REL);
		spin_unlock(&q->lock);
		t->fn(t, now);
		__atomic_sub_fetch(&t->running, 1, __ATOMIC_RELEASE);
		fired++;
		spin_lock(&q->lock);
	}
	spin_unlock(&q->lock);
	return fired;
}
