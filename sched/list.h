/* The scheduler's intrusive doubly linked list: run queues and deadline
 * queues are built from it. */
#ifndef SCHED_LIST_H
#define SCHED_LIST_H

#include "lib/types.h"

struct sched_link {
	struct sched_link *next, *prev;
};

static inline void sched_list_init(struct sched_link *h)
{
	h->next = h->prev = h;
}

static inline bool sched_list_empty(const struct sched_link *h)
{
	return h->next == h;
}

/* Insert 'n' before 'pos' (before the head = at the tail). */
static inline void sched_list_insert_before(struct sched_link *pos,
					    struct sched_link *n)
{
	n->prev = pos->prev;
	n->next = pos;
	pos->prev->next = n;
	pos->prev = n;
}

static inline void sched_list_add_tail(struct sched_link *h, struct sched_link *n)
{
	sched_list_insert_before(h, n);
}

static inline void sched_list_del(struct sched_link *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = NULL;
}

#define sched_list_for_each(pos, head) \
	for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)

#endif
