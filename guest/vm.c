/* VM objects: creation from a description, guest RAM, ending a VM. */
#include "guest/vm.h"
#include "guest/loader.h"
#include "guest/emulate.h"
#include "vmx/caps.h"
#include "arch-x86/regs.h"
#include "mm/frame.h"
#include "mm/phys.h"
#include "lib/printk.h"
#include "lib/string.h"

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
		loader_initial_state(vm, i, &st);
		if (cfg->fault_inject == FAULT_BAD_GUEST_STATE)
			st.rflags &= ~(uint64_t)RFLAGS_FIXED;
		if (vmx_vcpu_init(v, &st) < 0)
			goto fail_vcpus;
		v->state = VCPU_RUNNABLE;
	}
	vm->state = VM_READY;
	return 0;

fail_vcpus:
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		vmx_vcpu_destroy(&vm->vcpu[i]);
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
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		vmx_vcpu_destroy(&vm->vcpu[i]);
	vmx_vm_destroy(vm);
	ept_destroy(&vm->ept);
	free_ram(vm);
}

void vm_exit(struct vm *vm, int code)
{
	if (vm_is_over(vm))
		return;
	vm_console_flush(vm);
	vm->state = VM_EXITED;
	vm->exit_code = code;
	pr_info("vm %s: exited with code %d\n", vm->name, code);
}

void vm_stop(struct vm *vm, const char *fmt, ...)
{
	va_list ap;

	if (vm_is_over(vm))
		return;
	vm_console_flush(vm);
	va_start(ap, fmt);
	vsnprintf(vm->stop_reason, sizeof(vm->stop_reason), fmt, ap);
	va_end(ap);
	vm->state = VM_STOPPED;
	vm->exit_code = -1;
	pr_err("vm %s: stopped: %s\n", vm->name, vm->stop_reason);
}

void vm_console_flush(struct vm *vm)
{
	struct vm_console_buf *c = &vm->console;

	if (!c->len)
		return;
	pr_info("[%s] %.*s\n", vm->name, (int)c->len, c->line);
	c->len = 0;
}

void vm_console_put(struct vm *vm, char c)
{
	struct vm_console_buf *b = &vm->console;

	if (vm->cfg->console == CONSOLE_NONE)
		return;
	if (c == '\n') {
		if (!b->len)
			pr_info("[%s] \n", vm->name);
		vm_console_flush(vm);
		return;
	}
	if (c == '\r')
		return;
	/* Show control bytes harmlessly rather than passing them on. */
	if ((unsigned char)c < 0x20 && c != '\t')
		c = '?';
	b->line[b->len++] = c;
	if (b->len == sizeof(b->line))
		vm_console_flush(vm);
}
