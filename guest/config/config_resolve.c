/* What is settled once a [vm] section has ended, when every key of it is
 * known whatever the order of its lines: the required keys, the affinity
 * of each vCPU, load and entry addresses or the kernel's own, and whether
 * the VM is kept (config.c calls cfg_finish_vm).  Also the check that
 * needs the machine's CPU count, made when VMs are built. */
#include "guest/config/config_internal.h"
#include "guest/config/config_syntax.h"
#include "lib/errno.h"
#include "lib/string.h"

_Static_assert(VM_LOAD_DEFAULT_REAL < VM_REAL_ENTRY_LIMIT &&
		       VM_LOAD_DEFAULT_LONG64 < VM_MEM_MAX,
	       "default load addresses are reachable");

/* Per-vCPU lists win over the VM-wide one whatever the order of lines. */
static void resolve_affinity(struct parser *p)
{
	struct vm_config *vm = p->vm;

	for (unsigned i = 0; i < VM_MAX_VCPUS; i++) {
		if (p->aff_line[i] && i >= vm->vcpus)
			cfg_error_at(p, p->aff_line[i],
				 "affinity.%u given but [vm %s] has %u vCPU(s)",
				 i, vm->name, vm->vcpus);
		else if (!p->aff_line[i] && i < vm->vcpus)
			vm->affinity[i] = p->aff_all;
	}
}

static void resolve_addresses(struct parser *p)
{
	struct vm_config *vm = p->vm;
	unsigned load_line = p->key_line[K_LOAD];
	unsigned ip_line = p->key_line[K_ENTRY_IP];
	char lim[CFG_SIZE_BUF];

	if (!load_line)
		vm->load_gpa = vm->entry == ENTRY_REAL ? VM_LOAD_DEFAULT_REAL :
							 VM_LOAD_DEFAULT_LONG64;
	if (!ip_line) {
		vm->entry_ip = vm->load_gpa;
		ip_line = load_line ? load_line : vm->line;
	}
	if (!vm->mem_size)
		return; /* already reported */
	if (vm->load_gpa >= vm->mem_size)
		cfg_error_at(p, load_line ? load_line : vm->line,
			 "load address 0x%llx is outside memory (%s)",
			 (unsigned long long)vm->load_gpa,
			 cfg_size_str(lim, vm->mem_size));
	else if (vm->entry_ip >= vm->mem_size)
		cfg_error_at(p, ip_line, "entry_ip 0x%llx is outside memory (%s)",
			 (unsigned long long)vm->entry_ip,
			 cfg_size_str(lim, vm->mem_size));
	if (vm->entry == ENTRY_REAL && vm->entry_ip >= VM_REAL_ENTRY_LIMIT)
		cfg_error_at(p, ip_line,
			 "entry_ip 0x%llx is out of real mode's reach (must be below 0x%x)",
			 (unsigned long long)vm->entry_ip, VM_REAL_ENTRY_LIMIT);
}

/* Kernels that bring their own load address need the PC platform and
 * take no load/entry_ip; flat images take no initrd. */
static void resolve_kernel(struct parser *p)
{
	struct vm_config *vm = p->vm;
	bool kernel = vm->entry == ENTRY_LINUX || vm->entry == ENTRY_MULTIBOOT;

	if (!kernel) {
		if (p->key_line[K_INITRD])
			cfg_error_at(p, p->key_line[K_INITRD],
				 "initrd needs entry = linux or multiboot");
		resolve_addresses(p);
		return;
	}
	if (p->key_line[K_LOAD] || p->key_line[K_ENTRY_IP])
		cfg_error_at(p, p->key_line[K_LOAD] ? p->key_line[K_LOAD]
						: p->key_line[K_ENTRY_IP],
			 "load/entry_ip come from the kernel image with entry = %s",
			 vm_entry_mode_name(vm->entry));
	if (p->key_line[K_PLATFORM] && !vm->platform)
		cfg_error_at(p, p->key_line[K_PLATFORM],
			 "entry = %s needs platform = pc",
			 vm_entry_mode_name(vm->entry));
	vm->platform = true;
}

void cfg_finish_vm(struct parser *p)
{
	struct vm_config *vm = p->vm;

	if (!p->key_line[K_MEMORY])
		cfg_error_at(p, vm->line, "[vm %s] has no memory", vm->name);
	if (!p->key_line[K_IMAGE])
		cfg_error_at(p, vm->line, "[vm %s] has no image", vm->name);
	resolve_affinity(p);
	resolve_kernel(p);
	cfg_finish_dev(p);
	vm->has_expect_exit = p->key_line[K_EXPECT_EXIT] != 0;
	if (!p->vm_errors) {
		p->set->count++;
		return;
	}
	if (p->errors <= VM_CONFIG_MAX_MESSAGES)
		cfg_emit(p->report, p->ctx, vm->line,
			 "[vm %s] skipped because of %u error(s)", vm->name,
			 p->vm_errors);
	memset(vm, 0, sizeof(*vm));
}

/* ---- checks needing runtime facts -------------------------------------- */

int vm_config_validate_cpus(struct vm_config *vm, unsigned ncpus,
			    config_report_fn report, void *ctx)
{
	uint64_t present = ncpus >= 64 ? ~0ULL : BIT(ncpus) - 1;
	int ret = 0;

	for (unsigned i = 0; i < vm->vcpus && i < VM_MAX_VCPUS; i++) {
		uint64_t extra = vm->affinity[i] & ~present;

		if (!vm->affinity[i]) {
			vm->affinity[i] = present;
		} else if (extra) {
			cfg_emit(report, ctx, vm->line,
				 "[vm %s] vCPU %u affinity names CPU %d, but this machine has %u CPU(s)",
				 vm->name, i, __builtin_ctzll(extra), ncpus);
			ret = -EINVAL;
		}
	}
	if (!present) {
		cfg_emit(report, ctx, vm->line, "[vm %s] has no CPU to run on",
			 vm->name);
		ret = -EINVAL;
	}
	return ret;
}
