/* The VM and vCPU objects every room works on: the end of a VM, its
 * console line, raising interrupts in and kicking a vCPU, queueing an
 * exception.  Creating, restarting and destroying VMs is guest/vm.c's. */
#include "guest/vm/vm.h"
#include "arch-x86/cpu.h"
#include "arch-x86/percpu.h"
#include "arch-x86/smp.h"
#include "sched/sched.h"
#include "lib/printk.h"
#include "lib/string.h"
#include <stdarg.h>

uint64_t vm_exit_count(const struct vm *vm, unsigned reason)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		n += READ_ONCE(vm->vcpu[i].exit_count[reason]);
	return n;
}

int vcpu_format_exits(const struct vcpu *v, char *buf, size_t size)
{
	int n = 0;

	buf[0] = '\0';
	for (unsigned r = 0; r < HW_EXIT_REASONS && n < (int)size - 32; r++)
		if (v->exit_count[r])
			n += snprintf(buf + n, size - n, " %s=%lu",
				      hw_exit_reason_name(r), v->exit_count[r]);
	return n;
}

static void console_flush_locked(struct vm *vm);

/* The first end wins; later ones (another vCPU faulting meanwhile) are
 * dropped.  Returns false if the VM had already ended. */
static bool vm_end(struct vm *vm, enum vm_state state, int code)
{
	spin_lock(&vm->lock);
	if (vm_is_over(vm)) {
		spin_unlock(&vm->lock);
		return false;
	}
	console_flush_locked(vm);
	vm->exit_code = code;
	__atomic_store_n(&vm->state, state, __ATOMIC_RELEASE);
	spin_unlock(&vm->lock);
	/* Running vCPUs see the end at their next exit. */
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		vcpu_leave(&vm->vcpu[i]);
	return true;
}

void vm_exit(struct vm *vm, int code)
{
	if (!vm_end(vm, VM_EXITED, code))
		return;
	pr_info("vm %s: exited with code %d\n", vm->name, code);
	if (vm->ended)
		vm->ended(vm);
}

void vm_stop(struct vm *vm, const char *fmt, ...)
{
	char reason[sizeof(vm->stop_reason)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (!vm_end(vm, VM_STOPPED, -1))
		return;
	memcpy(vm->stop_reason, reason, sizeof(reason));
	pr_err("vm %s: stopped: %s\n", vm->name, vm->stop_reason);
	if (vm->ended)
		vm->ended(vm);
}

static void console_flush_locked(struct vm *vm)
{
	struct vm_console_buf *c = &vm->console;

	if (!c->len)
		return;
	pr_info("[%s] %.*s\n", vm->name, (int)c->len, c->line);
	c->len = 0;
}

void vm_console_flush(struct vm *vm)
{
	spin_lock(&vm->lock);
	console_flush_locked(vm);
	spin_unlock(&vm->lock);
}

/* One line buffer per VM, shared by its vCPUs under vm->lock. */
void vm_console_put(struct vm *vm, char c)
{
	struct vm_console_buf *b = &vm->console;

	if (vm->cfg->console == CONSOLE_NONE || c == '\r')
		return;
	spin_lock(&vm->lock);
	if (c == '\n') {
		if (!b->len)
			pr_info("[%s] \n", vm->name);
		console_flush_locked(vm);
	} else {
		/* Show control bytes harmlessly rather than passing them on. */
		if ((unsigned char)c < 0x20 && c != '\t')
			c = '?';
		b->line[b->len++] = c;
		if (b->len == sizeof(b->line))
			console_flush_locked(vm);
	}
	spin_unlock(&vm->lock);
	/* A guest that writes is a guest waiting for its output: keep the
	 * hypervisor console's FIFO full meanwhile (printk does not wait
	 * for the wire). */
	console_pump();
}

void vcpu_raise_irq(struct vcpu *v, uint8_t vector)
{
	virq_set_post(&v->virq, vector);
	vcpu_kick(v);
}

void vcpu_kick(struct vcpu *v)
{
	unsigned cpu;

	vcpu_recheck(v);
	sched_wake(&v->se);
	/* Running elsewhere: make it exit so the vector goes in now. */
	cpu = READ_ONCE(v->se.cpu);
	if (READ_ONCE(v->se.state) == SCHED_RUNNING && cpu != this_cpu()->cpu_id)
		smp_kick(cpu);
}

void vcpu_inject_exception(struct vcpu *v, unsigned vector, bool has_error,
			   uint32_t error)
{
	struct hw_event *e = &v->event;

	e->valid = true;
	e->vector = (uint8_t)vector;
	e->type = HW_EV_HW_EXCEPTION;
	e->has_error = has_error;
	e->error = error;
	e->insn_len = 0;
	vcpu_recheck(v); /* the entry path delivers it */
}
