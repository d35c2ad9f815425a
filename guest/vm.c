/* The life of a VM: creation from a description, guest RAM, guest
 * resets and power-off, destruction. */
#include "guest/vm/vm.h"
#include "mm/heap.h"
#include "guest/load/loader.h"
#include "guest/exit/emulate.h"
#include "guest/exit/exit.h"
#include "guest/load/pc_boot.h"
#include "guest/vpc/vplat.h"
#include "guest/vpc/apicv.h"
#include "guest/exit/exit.h"
#include "guest/vpc/passthru.h"
#include "guest/vpc/pci_assign.h"
#include "guest/dev/vlapic.h"
#include "arch-x86/regs.h"
#include "arch-x86/fpu.h"
#include "mm/frame.h"
#include "mm/phys.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "guest/vcpu_sched.h"
#include "guest/vm_ident.h"

#define RAM_CHUNK_PAGES 512 /* 2 MiB: lets EPT use large pages */
#define RAM_MAX_CHUNK MiB(64)

static void free_ram(struct vm *vm)
{
	for (unsigned i = 0; i < vm->nr_ram_chunks; i++)
		frame_free_contig(vm->ram_chunks[i].hpa,
				  vm->ram_chunks[i].size / PAGE_SIZE);
	vm->nr_ram_chunks = 0;
}

/* Guest RAM in as few host chunks as memory allows: up to 64 MiB, 2 MiB
 * aligned (EPT large pages) where possible, halving down to single pages
 * when memory is fragmented; each chunk becomes one gmem region.  VMs
 * with the PC platform keep [3 GiB, 4 GiB) free for devices. */
static paddr_t alloc_chunk(gpa_t gpa, size_t *pages)
{
	paddr_t hpa = 0;

	while (!hpa && *pages) {
		if (*pages >= RAM_CHUNK_PAGES && IS_ALIGNED(gpa, MiB(2)))
			hpa = frame_zalloc_contig(*pages, MiB(2));
		if (!hpa)
			hpa = frame_zalloc_contig(*pages, PAGE_SIZE);
		if (!hpa)
			*pages /= 2;
	}
	return hpa;
}

static int alloc_ram(struct vm *vm, uint64_t size)
{
	gpa_t gpa = 0, low_max = vm->cfg->platform ? PC_LOW_RAM_MAX : UINT64_MAX;
	uint64_t left = size;

	if (vm->ident.end) {
		if (vm_ident_alloc_ram(vm) == 0)
			return 0;
		free_ram(vm);
		return -1;
	}

	while (left) {
		uint64_t want = MIN(left, RAM_MAX_CHUNK);
		size_t pages;
		paddr_t hpa;
		struct gmem_region r;

		if (gpa == low_max)
			gpa = GiB(4);
		if (gpa < low_max)
			want = MIN(want, low_max - gpa);
		pages = want / PAGE_SIZE;
		if (vm->nr_ram_chunks == VM_MAX_RAM_CHUNKS)
			goto fail;
		hpa = alloc_chunk(gpa, &pages);
		if (!hpa)
			goto fail;
		want = (uint64_t)pages * PAGE_SIZE;
		vm->ram_chunks[vm->nr_ram_chunks++] = (struct gmem_chunk){ hpa, want };
		r = (struct gmem_region){ .gpa = gpa, .size = want, .type = GMEM_RAM,
					  .hpa = hpa };
		if (gmem_add(&vm->mem, &r) < 0)
			goto fail;
		gpa += want;
		left -= want;
	}
	return 0;
fail:
	pr_err("vm %s: cannot allocate %lu MiB of guest RAM (%u chunks)\n",
	       vm->name, size >> 20, vm->nr_ram_chunks);
	free_ram(vm);
	return -1;
}

/* The VM ended (vm_exit, vm_stop in guest/vm/vm.c): its devices go back
 * to the host, the scheduler stops its vCPUs. */
static void vm_ended(struct vm *vm)
{
	passthru_detach(vm);
	pci_assign_detach(vm);
	sched_vm_ended(vm);
}

/* A guest's reset or power-off request, handed up by its virtual PC. */
static const struct vplat_hooks plat_hooks = {
	.reset = vm_guest_reset,
	.poweroff = vm_guest_poweroff,
};

int vm_create(struct vm *vm, unsigned id, const struct vm_config *cfg,
	      const struct vm_image *img)
{
	struct ept_config ecfg;
	struct vcpu_init_state st;

	memset(vm, 0, sizeof(*vm));
	spin_init(&vm->lock);
	vm->id = id;
	vm->cfg = cfg;
	memcpy(vm->name, cfg->name, sizeof(vm->name));
	vm->image = img->data;
	vm->image_size = img->size;
	vm->initrd = img->initrd;
	vm->initrd_size = img->initrd_size;
	vm->nr_vcpus = cfg->vcpus;
	gmem_init(&vm->mem);
	vm->ident = img->ram_ident;
	if (vm->ident.end)
		vm->ram_chunks[vm->nr_ram_chunks++] = (struct gmem_chunk){
			vm->ident.start, vm->ident.end - vm->ident.start };

	if (hw_ept_config(&ecfg) < 0) {
		pr_err("vm %s: EPT capabilities unusable\n", vm->name);
		free_ram(vm);
		return -1;
	}
	if (ept_create(&vm->ept, &ecfg) < 0) {
		pr_err("vm %s: no memory for EPT tables\n", vm->name);
		free_ram(vm);
		return -1;
	}
	if (alloc_ram(vm, cfg->mem_size) < 0)
		goto fail_ept;
	if (gmem_map_ept(&vm->mem, &vm->ept) < 0) {
		pr_err("vm %s: building the EPT failed\n", vm->name);
		goto fail_ram;
	}
	if (vm->ident.end && vm_ident_check_ept(vm) < 0)
		goto fail_ram;
	vm->hw = hw_vm_create(vm->name, &vm->ept,
			      cfg->platform ? VLAPIC_BASE_DEFAULT : 0);
	if (!vm->hw)
		goto fail_ram;
	vm->apicv = hw_vm_apicv(vm->hw);
	if (vm->apicv)
		apicv_vm_setup(vm);
	vm->ended = vm_ended;
	guest_msr_setup(vm);
	guest_io_setup(vm);
	vm->platform = cfg->platform ? &pc_platform : &null_platform;
	if (cfg->platform && vplat_create(vm, &plat_hooks) < 0)
		goto fail_vmx;
	if (pci_assign_attach(vm) < 0 || passthru_attach(vm) < 0)
		goto fail_vmx;
	if (loader_load(vm, vm->image, vm->image_size) < 0)
		goto fail_vmx;

	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpu[i];

		v->vm = vm;
		v->id = i;
		v->xcr0 = 1; /* x87 state is always enabled */
		v->misc_enable = VCPU_MISC_ENABLE_RESET;
		v->sipi_vector = -1;
		v->hc_allow = cfg->hc_allow;
		/* On the PC only the BSP starts; APs wait for INIT/SIPI. */
		v->wait_sipi = cfg->platform && i > 0;
		v->fpu_area = frame_zalloc();
		if (!v->fpu_area)
			goto fail_vcpus;
		fpu_init_area(phys_to_virt(v->fpu_area));
		loader_initial_state(vm, i, &st);
		if (cfg->fault_inject == FAULT_BAD_GUEST_STATE)
			st.rflags &= ~(uint64_t)RFLAGS_FIXED;
		v->hw = hw_vcpu_create(vm->hw, i, &st);
		if (!v->hw)
			goto fail_vcpus;
		exit_watch(v, cfg->trace); /* the fast path, or hc_stats.c's watch */
		v->state = VCPU_RUNNABLE;
	}
	vm->vcpus_live = vm->nr_vcpus;
	vm->state = VM_READY;
	return 0;

fail_vcpus:
	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		hw_vcpu_destroy(vm->vcpu[i].hw);
		vm->vcpu[i].hw = NULL;
		if (vm->vcpu[i].fpu_area)
			frame_free(vm->vcpu[i].fpu_area);
		kfree(vm->vcpu[i].hcstats);
		vm->vcpu[i].hcstats = NULL;
	}
fail_vmx:
	passthru_detach(vm);
	pci_assign_detach(vm);
	pci_assign_free(vm);
	vplat_destroy(vm);
	hw_vm_destroy(vm->hw);
	vm->hw = NULL;
fail_ram:
	free_ram(vm);
fail_ept:
	ept_destroy(&vm->ept);
	return -1;
}

void vm_destroy(struct vm *vm)
{
	passthru_detach(vm);
	pci_assign_detach(vm);
	pci_assign_free(vm);
	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		hw_vcpu_destroy(vm->vcpu[i].hw);
		vm->vcpu[i].hw = NULL;
		if (vm->vcpu[i].fpu_area)
			frame_free(vm->vcpu[i].fpu_area);
		kfree(vm->vcpu[i].hcstats);
		vm->vcpu[i].hcstats = NULL;
	}
	vplat_destroy(vm);
	hw_vm_destroy(vm->hw);
	vm->hw = NULL;
	ept_destroy(&vm->ept);
	free_ram(vm);
}

/* Power-on state for every vCPU, applied by each at its next run
 * (vplat_vcpu_start): the BSP from the boot state, APs wait for SIPI. */
static void reset_vcpus(struct vm *vm)
{
	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *u = &vm->vcpu[i];

		u->event.valid = false;
		/* A reset forgets the hypercall ring (guest/exit/hc_ring.c). */
		memset(&u->hcring, 0, sizeof(u->hcring));
		exit_watch(u, vm->cfg->trace);
		u->nmi_pending = 0;
		u->init_pending = false;
		u->sipi_vector = -1;
		u->wait_sipi = i > 0;
		u->xcr0 = 1;
		u->misc_enable = VCPU_MISC_ENABLE_RESET;
		fpu_init_area(phys_to_virt(u->fpu_area));
		u->msr_star = u->msr_lstar = u->msr_cstar = u->msr_sfmask = 0;
		u->msr_kgs_base = u->msr_tsc_aux = 0;
		memset(&u->virq, 0, sizeof(u->virq));
		__atomic_store_n(&u->reload, true, __ATOMIC_SEQ_CST);
	}
}

/* Start the VM over on a guest reset.  The other vCPUs are made to leave
 * the guest (they check vm->restarting before every entry), then RAM is
 * cleared, the image loaded again and the platform put back to its
 * power-on state; the host ports and IRQs the VM owns are released
 * meanwhile and taken again. */
static int vm_restart(struct vcpu *self)
{
	struct vm *vm = self->vm;

	if (!vm->platform->reset)
		return -1; /* the minimal machine has no reset */
	__atomic_store_n(&vm->restarting, true, __ATOMIC_SEQ_CST);
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		if (&vm->vcpu[i] != self)
			vcpu_kick(&vm->vcpu[i]);
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		while (&vm->vcpu[i] != self &&
		       __atomic_load_n(&vm->vcpu[i].state, __ATOMIC_SEQ_CST) ==
			       VCPU_RUNNING)
			cpu_relax();
	passthru_reset_begin(vm);
	pci_assign_reset(vm); /* no DMA into the RAM cleared below */
	for (unsigned i = 0; i < vm->nr_ram_chunks; i++)
		memset(phys_to_virt(vm->ram_chunks[i].hpa), 0, vm->ram_chunks[i].size);
	vm->platform->reset(vm);
	pci_assign_reset_end(vm);
	if (loader_load(vm, vm->image, vm->image_size) < 0 ||
	    passthru_reset_end(vm) < 0) {
		__atomic_store_n(&vm->restarting, false, __ATOMIC_SEQ_CST);
		return -1;
	}
	reset_vcpus(vm);
	vm->restarts++;
	if (vm->ident.end)
		vm_ident_check_ept(vm); /* the same placement after a reset */
	__atomic_store_n(&vm->restarting, false, __ATOMIC_SEQ_CST);
	pr_info("vm %s: restarted (%u)\n", vm->name, vm->restarts);
	vcpu_kick(&vm->vcpu[0]);
	return 0;
}

enum vcpu_action vm_guest_poweroff(struct vcpu *v)
{
	struct vm *vm = v->vm;

	pr_info("vm %s: powered off (ACPI S5)\n", vm->name);
	if (vm->cfg->on_poweroff == POWEROFF_RESTART && vm_restart(v) == 0)
		return ACT_BLOCK;
	vm_exit(vm, 0);
	return ACT_KILL_VM;
}

enum vcpu_action vm_guest_reset(struct vcpu *v, const char *why)
{
	struct vm *vm = v->vm;

	pr_info("vm %s: reset by the guest (%s)\n", vm->name, why);
	if (vm->cfg->on_reset == ON_RESET_RESTART && vm_restart(v) == 0)
		return ACT_BLOCK;
	vm_exit(vm, 0);
	return ACT_KILL_VM;
}
