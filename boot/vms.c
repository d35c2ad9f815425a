/* From boot modules to running VMs: parse every VM description module
 * (a module whose name ends in ".vms"), match images, create, run, report. */
#include "boot/vms.h"
#include "guest/vpc/console_in.h"
#include "guest/config/config.h"
#include "guest/vm/vm.h"
#include "guest/vpc/passthru.h"
#include "guest/vpc/ports.h"
#include "guest/exit/emulate.h"
#include "guest/exit/hc_conv.h"
#include "sched/sched.h"
#include "guest/vcpu_sched.h"
#include "guest/vm_ident.h"
#include "arch-x86/cpu.h"
#include "mm/heap.h"
#include "mm/phys.h"
#include "lib/printk.h"
#include "lib/string.h"

static struct vm_config_set configs;
static struct vm vms[MAX_VMS];
/* dma = identity: the host range set aside for each VM's RAM at boot,
 * before any VM takes memory (guest/vm_ident.c). */
static struct phys_range ident_ram[VM_CONFIG_MAX_VMS];

static void report_config(void *ctx, const char *msg)
{
	(void)ctx;
	pr_err("%s\n", msg);
}

static bool is_vm_description(const struct boot_module *m)
{
	size_t n = 0;

	while (m->cmdline[n] && m->cmdline[n] != ' ')
		n++;
	return n >= 4 && !strncmp(&m->cmdline[n - 4], ".vms", 4);
}

/* A VM's name is its console prefix and its identity in every report:
 * unique over all descriptions, so that no VM can speak as another. */
static bool name_taken(const char *name)
{
	for (unsigned k = 0; k < configs.count; k++)
		if (!strcmp(configs.vm[k].name, name))
			return true;
	return false;
}

/* Each description file's VMs are parsed into a set of their own before
 * they join 'configs': about 16 KiB, too large for the boot stack, so it
 * comes from the heap for the time of the parse. */
static unsigned parse_descriptions(const struct boot_info *bi)
{
	struct vm_config_set *part = kmalloc(sizeof(*part));
	unsigned nfiles = 0;

	configs.count = 0;
	if (!part) {
		pr_err("vms: no memory to parse the VM descriptions\n");
		return 0;
	}
	for (unsigned i = 0; i < bi->module_count; i++) {
		const struct boot_module *m = &bi->modules[i];
		unsigned errors;

		if (!is_vm_description(m))
			continue;
		nfiles++;
		errors = vm_config_parse(phys_to_virt(m->start), m->end - m->start,
					 part, report_config, NULL,
					 &vpc_reserved_ports);
		pr_info("vms: %s: %u VM(s) accepted, %u error(s)\n", m->cmdline,
			part->count, errors);
		for (unsigned j = 0; j < part->count; j++) {
			if (configs.count == VM_CONFIG_MAX_VMS) {
				pr_err("vms: more than %u VMs, '%s' ignored\n",
				       VM_CONFIG_MAX_VMS, part->vm[j].name);
				continue;
			}
			if (name_taken(part->vm[j].name)) {
				pr_err("vms: %s: [vm %s] skipped: an earlier description has a VM of that name\n",
				       m->cmdline, part->vm[j].name);
				continue;
			}
			configs.vm[configs.count++] = part->vm[j];
		}
	}
	kfree(part);
	return nfiles;
}

static const struct boot_module *find_image(const struct boot_info *bi,
					    const struct vm_config *cfg)
{
	for (unsigned i = 0; i < bi->module_count; i++)
		if (vm_config_image_matches(cfg, bi->modules[i].cmdline))
			return &bi->modules[i];
	return NULL;
}

/* A module whose command line is exactly 'name' (initrds). */
static const struct boot_module *find_module(const struct boot_info *bi,
					     const char *name)
{
	for (unsigned i = 0; i < bi->module_count; i++)
		if (!strcmp(bi->modules[i].cmdline, name))
			return &bi->modules[i];
	return NULL;
}

/* Lines long enough for every reason a virtual PC meets (about 15). */
#define EXIT_LINE_MAX 480 /* within printk's 512-byte buffer */

static void print_exit_stats(const struct vm *vm)
{
	char line[EXIT_LINE_MAX];
	int n = 0;
	uint64_t total = 0;

	for (unsigned r = 0; r < HW_EXIT_REASONS; r++)
		total += vm_exit_count(vm, r);
	n = snprintf(line, sizeof(line), "vm %s: %lu exits", vm->name, total);
	for (unsigned r = 0; r < HW_EXIT_REASONS && n < (int)sizeof(line) - 32; r++) {
		uint64_t c = vm_exit_count(vm, r);

		if (c)
			n += snprintf(line + n, sizeof(line) - n, "%s %s=%lu",
				      n && line[n - 1] == 's' ? ":" : "",
				      hw_exit_reason_name(r), c);
	}
	pr_info("%s\n", line);
}

static void print_vcpu_exits(const struct vcpu *v)
{
	char line[EXIT_LINE_MAX];
	vcpu_format_exits(v, line, sizeof(line));
	pr_info("vcpu %s/%u: exits%s\n", v->vm->name, v->id, line);
}

/* Per-call statistics from the hypercall table's names (only calls that
 * were made; nothing when there were none). */
static void print_vcpu_hypercalls(const struct vcpu *v)
{
	char line[EXIT_LINE_MAX];
	int n = snprintf(line, sizeof(line), "vcpu %s/%u: hypercalls", v->vm->name, v->id);
	bool any = false;

	for (unsigned nr = 0; nr < HC_NR_CALLS && n < (int)sizeof(line) - 32; nr++) {
		if (!v->hc_count[nr] || !hypercall_name(nr))
			continue;
		n += snprintf(line + n, sizeof(line) - n, " %s=%lu",
			      hypercall_name(nr), v->hc_count[nr]);
		any = true;
	}
	if (any)
		pr_info("%s\n", line);
}

/* Create one VM; false when it could not be started (reported). */
static bool create_one(const struct boot_info *bi, unsigned idx, unsigned ncpus)
{
	struct vm_config *cfg = &configs.vm[idx];
	const struct boot_module *img, *rd = NULL;
	struct vm_image image;

	if (vm_config_validate_cpus(cfg, ncpus, report_config, NULL) < 0)
		goto refused;
	img = find_image(bi, cfg);
	if (!img) {
		pr_err("vm %s: image module '%s' not found (config line %u)\n",
		       cfg->name, cfg->image, cfg->line);
		goto refused;
	}
	if (cfg->initrd[0]) {
		rd = find_module(bi, cfg->initrd);
		if (!rd) {
			pr_err("vm %s: initrd module '%s' not found (config line %u)\n",
			       cfg->name, cfg->initrd, cfg->line);
			goto refused;
		}
	}
	if (cfg->platform && cfg->entry != ENTRY_REAL && cfg->entry != ENTRY_LONG64)
		pr_info("vm %s: %lu MiB, %u vCPU(s), %s kernel %s (%lu bytes)%s%s\n",
			cfg->name, cfg->mem_size >> 20, cfg->vcpus,
			vm_entry_mode_name(cfg->entry), cfg->image,
			img->end - img->start, rd ? ", initrd " : "",
			rd ? cfg->initrd : "");
	else
		pr_info("vm %s: %lu MiB, %u vCPU(s), %s entry at %#lx, image %s (%lu bytes)\n",
			cfg->name, cfg->mem_size >> 20, cfg->vcpus,
			vm_entry_mode_name(cfg->entry), cfg->entry_ip, cfg->image,
			img->end - img->start);
	image = (struct vm_image){
		.data = phys_to_virt(img->start), .size = img->end - img->start,
		.initrd = rd ? phys_to_virt(rd->start) : NULL,
		.initrd_size = rd ? rd->end - rd->start : 0,
		.ram_ident = ident_ram[idx],
	};
	memset(&ident_ram[idx], 0, sizeof(ident_ram[idx])); /* the VM's now */
	if (vm_create(&vms[idx], idx, cfg, &image) < 0) {
		pr_err("vm %s: not started\n", cfg->name);
		return false;
	}
	return true;
refused:
	vm_ident_release(&ident_ram[idx]);
	return false;
}

/* Did the VM end the way its description said it would? */
static bool check_one(unsigned idx, bool created)
{
	struct vm_config *cfg = &configs.vm[idx];
	struct vm *vm = &vms[idx];
	bool ok = true;

	if (!created)
		return !cfg->has_expect_exit && !cfg->expect_stop;
	if (!vm_is_over(vm) && __atomic_load_n(&vm->hung, __ATOMIC_SEQ_CST))
		pr_info("vm %s: hung at the end of the run (on_hang = report)\n",
			cfg->name);
	print_exit_stats(vm);
	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		sched_print_vcpu(&vm->vcpu[i]);
		print_vcpu_exits(&vm->vcpu[i]);
		print_vcpu_hypercalls(&vm->vcpu[i]);
	}
	if (cfg->trace)
		hc_stats_dump(vm);
	if (cfg->has_expect_exit) {
		ok = vm->state == VM_EXITED && (uint32_t)vm->exit_code == cfg->expect_exit;
		pr_info("vm %s: expected exit code %u: %s\n", cfg->name,
			cfg->expect_exit, ok ? "ok" : "MISMATCH");
	} else if (cfg->expect_stop) {
		ok = vm->state == VM_STOPPED;
		pr_info("vm %s: expected to be stopped: %s\n", cfg->name,
			ok ? "ok" : "MISMATCH");
	}
	return ok;
}

bool vms_run_all(const struct boot_info *bi, uint64_t boot_tsc, unsigned ncpus)
{
	bool created[VM_CONFIG_MAX_VMS] = { false };
	bool refused[VM_CONFIG_MAX_VMS] = { false };
	unsigned good = 0, bad = 0;
	uint64_t first = 0;

	if (!parse_descriptions(bi)) {
		pr_info("vms: no VM description module (*.vms); nothing to run\n");
		return true;
	}
	/* Identity-placed RAM first, while host memory is least used. */
	for (unsigned i = 0; i < configs.count; i++)
		refused[i] = vm_ident_reserve(&configs.vm[i], &ident_ram[i]) < 0;
	for (unsigned i = 0; i < configs.count; i++)
		created[i] = !refused[i] && create_one(bi, i, ncpus);
	for (unsigned i = 0; i < configs.count; i++) {
		if (created[i] && sched_start_vm(&vms[i]) == 0)
			passthru_start(&vms[i]);
	}
	console_in_start(vms, configs.count);
	/* The boot CPU schedules like the others until every VM ended. */
	sched_cpu_loop(0);
	console_in_stop();

	for (unsigned i = 0; i < configs.count; i++) {
		if (created[i] && vms[i].first_entry_tsc &&
		    (!first || vms[i].first_entry_tsc < first))
			first = vms[i].first_entry_tsc;
	}
	if (first)
		pr_info("BENCH boot_to_first_vmentry tsc=%lu\n", first - boot_tsc);
	pr_info("sched: final statistics\n");
	for (unsigned i = 0; i < configs.count; i++) {
		if (check_one(i, created[i]))
			good++;
		else
			bad++;
	}
	sched_print_pcpus();
	for (unsigned i = 0; i < configs.count; i++)
		if (created[i])
			vm_destroy(&vms[i]);
	pr_info("vms: %u VM(s) ended as expected, %u did not\n", good, bad);
	return bad == 0;
}
