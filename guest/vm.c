/* VM objects: creation from a description, guest RAM, ending a VM. */
#include "guest/vm.h"
#include "guest/loader.h"
#include "guest/emulate.h"
#include "vmx/caps.h"
#include "arch-x86/regs.h"
#include "arch-x86/fpu.h"
#include "mm/frame.h"
#include "mm/phys.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "sched/sched.h"

#define RAM_CHUNK_PAGES 512 /* 2 MiB: lets EPT use large pages */

static void free_ram(struct vm *vm)
{
	for (unsigned i = 0; i < vm->nr_ram_chunks; i++)
		frame_free_contig(vm->ram_chunks[i].hpa,
				  vm->ram_chunks[i].size / PAGE_SIZE);
	vm->nr_ram_chunks = 0;
}

/* Guest RAM from 2 MiB host chunks where possible, smaller pieces when
 * memory is fragmented; each chunk becomes one gmem region. */
static int alloc_ram(struct vm *vm, uint64_t size)
{
	gpa_t gpa = 0;

	while (gpa < size) {
		uint64_t want = MIN(size - gpa, (uint64_t)RAM_CHUNK_PAGES * PAGE_SIZE);
		size_t pages = want / PAGE_SIZE;
		paddr_t hpa = 0;
		struct gmem_region r;

		if (vm->nr_ram_chunks == VM_MAX_RAM_CHUNKS)
			goto fail;
		if (pages == RAM_CHUNK_PAGES && IS_ALIGNED(gpa, MiB(2)))
			hpa = frame_zalloc_contig(pages, MiB(2));
		while (!hpa && pages) {
			hpa = frame_zalloc_contig(pages, PAGE_SIZE);
			if (!hpa)
				pages /= 2;
		}
		if (!hpa)
			goto fail;
		want = (uint64_t)pages * PAGE_SIZE;
		vm->ram_chunks[vm->nr_ram_chunks++] = (struct gmem_chunk){ hpa, want };
		r = (struct gmem_region){ .gpa = gpa, .size = want, .type = GMEM_RAM,
					  .hpa = hpa };
		if (gmem_add(&vm->mem, &r) < 0)
			goto fail;
		gpa += want;
	}
	return 0;
fail:
	pr_err("vm %s: cannot allocate %lu MiB of guest RAM (%u chunks)\n",
	       vm->name, size >> 20, vm->nr_ram_chunks);
	free_ram(vm);
	return -1;
}

int vm_create(struct vm *vm, unsigned id, const struct vm_config *cfg,
	      const void *image, size_t image_size)
{
	struct ept_config ecfg;
	struct vcpu_init_state st;

	memset(vm, 0, sizeof(*vm));
	spin_init(&vm->lock);
	vm->id = id;
	vm->cfg = cfg;
	memcpy(vm->name, cfg->name, sizeof(vm->name));
	gmem_init(&vm->mem);

	if (ept_config_from_cap(vmx_caps.ept_vpid, &ecfg) < 0) {
		pr_err("vm %s: EPT capabilities unusable\n", vm->name);
		return -1;
	}
	ecfg.invept = vmx_invept_single;
	if (ept_create(&vm->ept, &ecfg) < 0) {
		pr_err("vm %s: no memory for EPT tables\n", vm->name);
		return -1;
	}
	if (alloc_ram(vm, cfg->mem_size) < 0)
		goto fail_ept;
	if (gmem_map_ept(&vm->mem, &vm->ept) < 0) {
		pr_err("vm %s: building the EPT failed\n", vm->name);
		goto fail_ram;
	}
	if (vmx_vm_init(vm) < 0) {
		pr_err("vm %s: no memory for MSR/I/O bitmaps\n", vm->name);
		goto fail_ram;
	}
	guest_msr_setup(vm);
	guest_io_setup(vm);
	if (loader_load(vm, image, image_size) < 0)
		goto fail_vmx;

	vm->nr_vcpus = cfg->vcpus;
	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpu[i];

		v->vm = vm;
		v->id = i;
		v->xcr0 = 1; /* x87 state is always enabled */
		v->fpu_area = frame_zalloc();
		if (!v->fpu_area)
			goto fail_vcpus;
		fpu_init_area(phys_to_virt(v->fpu_area));
		loader_initial_state(vm, i, &st);
		if (cfg->fault_inject == FAULT_BAD_GUEST_STATE)
			st.rflags &= ~(uint64_t)RFLAGS_FIXED;
		if (vmx_vcpu_init(v, &st) < 0)
			goto fail_vcpus;
		v->state = VCPU_RUNNABLE;
	}
	vm->vcpus_live = vm->nr_vcpus;
	vm->state = VM_READY;
	return 0;

fail_vcpus:
	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		vmx_vcpu_destroy(&vm->vcpu[i]);
		if (vm->vcpu[i].fpu_area)
			frame_free(vm->vcpu[i].fpu_area);
	}
fail_vmx:
	vmx_vm_destroy(vm);
fail_ram:
	free_ram(vm);
fail_ept:
	ept_destroy(&vm->ept);
	return -1;
}

void vm_destroy(struct vm *vm)
{
	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		vmx_vcpu_destroy(&vm->vcpu[i]);
		if (vm->vcpu[i].fpu_area)
			frame_free(vm->vcpu[i].fpu_area);
	}
	vmx_vm_destroy(vm);
	ept_destroy(&vm->ept);
	free_ram(vm);
}

uint64_t vm_exit_count(const struct vm *vm, unsigned reason)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		n += READ_ONCE(vm->vcpu[i].exit_count[reason]);
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
	return true;
}

void vm_exit(struct vm *vm, int code)
{
	if (!vm_end(vm, VM_EXITED, code))
		return;
	pr_info("vm %s: exited with code %d\n", vm->name, code);
	sched_vm_ended(vm);
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
	sched_vm_ended(vm);
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
}
