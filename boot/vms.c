/* From boot modules to running VMs: parse every VM description module
 * (a module whose name ends in ".vms"), match images, create, run, report. */
#include "boot/vms.h"
#include "guest/config.h"
#include "guest/vm.h"
#include "sched/sched.h"
#include "arch-x86/cpu.h"
#include "mm/heap.h"
#include "mm/phys.h"
#include "lib/printk.h"
#include "lib/string.h"

static struct vm_config_set configs;
static struct vm vms[MAX_VMS];

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

static unsigned parse_descriptions(const struct boot_info *bi)
{
	unsigned nfiles = 0;

	configs.count = 0;
	for (unsigned i = 0; i < bi->module_count; i++) {
		const struct boot_module *m = &bi->modules[i];
		struct vm_config_set part;
		unsigned errors;

		if (!is_vm_description(m))
			continue;
		nfiles++;
		errors = vm_config_parse(phys_to_virt(m->start), m->end - m->start,
					 &part, report_config, NULL);
		pr_info("vms: %s: %u VM(s) accepted, %u error(s)\n", m->cmdline,
			part.count, errors);
		for (unsigned j = 0; j < part.count; j++) {
			if (configs.count == VM_CONFIG_MAX_VMS) {
				pr_err("vms: more than %u VMs, '%s' ignored\n",
				       VM_CONFIG_MAX_VMS, part.vm[j].name);
				continue;
			}
			configs.vm[configs.count++] = part.vm[j];
		}
	}
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

static void print_exit_stats(const struct vm *vm)
{
	char line[160];
	int n = 0;
	uint64_t total = 0;

	for (unsigned r = 0; r < EXIT_REASON_MAX; r++)
		total += vm->exit_count[r];
	n = snprintf(line, sizeof(line), "vm %s: %lu exits:", vm->name, total);
	for (unsigned r = 0; r < EXIT_REASON_MAX && n < (int)sizeof(line) - 24; r++)
		if (vm->exit_count[r])
			n += snprintf(line + n, sizeof(line) - n, " %s=%lu",
				      vmx_exit_reason_name(r), vm->exit_count[r]);
	pr_info("%s\n", line);
}

static bool run_one(const struct boot_info *bi, unsigned idx, uint64_t boot_tsc,
		    bool *first)
{
	struct vm_config *cfg = &configs.vm[idx];
	struct vm *vm = &vms[idx];
	const struct boot_module *img;
	bool ok;

	if (vm_config_validate_cpus(cfg, 1, report_config, NULL) < 0)
		return !cfg->has_expect_exit && !cfg->expect_stop;
	img = find_image(bi, cfg);
	if (!img) {
		pr_err("vm %s: image module '%s' not found (config line %u)\n",
		       cfg->name, cfg->image, cfg->line);
		return !cfg->has_expect_exit && !cfg->expect_stop;
	}
	pr_info("vm %s: %lu MiB, %u vCPU(s), %s entry at %#lx, image %s (%lu bytes)\n",
		cfg->name, cfg->mem_size >> 20, cfg->vcpus,
		vm_entry_mode_name(cfg->entry), cfg->entry_ip, cfg->image,
		img->end - img->start);
	if (vm_create(vm, idx, cfg, phys_to_virt(img->start), img->end - img->start) < 0) {
		pr_err("vm %s: not started\n", cfg->name);
		return !cfg->has_expect_exit && !cfg->expect_stop;
	}
	sched_run_vm(vm);
	if (*first && vm->first_entry_tsc) {
		pr_info("BENCH boot_to_first_vmentry tsc=%lu\n",
			vm->first_entry_tsc - boot_tsc);
		*first = false;
	}
	print_exit_stats(vm);
	ok = true;
	if (cfg->has_expect_exit) {
		ok = vm->state == VM_EXITED && (uint32_t)vm->exit_code == cfg->expect_exit;
		pr_info("vm %s: expected exit code %u: %s\n", cfg->name,
			cfg->expect_exit, ok ? "ok" : "MISMATCH");
	} else if (cfg->expect_stop) {
		ok = vm->state == VM_STOPPED;
		pr_info("vm %s: expected to be stopped: %s\n", cfg->name,
			ok ? "ok" : "MISMATCH");
	}
	vm_destroy(vm);
	return ok;
}

bool vms_run_all(const struct boot_info *bi, uint64_t boot_tsc)
{
	unsigned good = 0, bad = 0;
	bool first = true;

	if (!parse_descriptions(bi)) {
		pr_info("vms: no VM description module (*.vms); nothing to run\n");
		return true;
	}
	for (unsigned i = 0; i < configs.count; i++) {
		if (run_one(bi, i, boot_tsc, &first))
			good++;
		else
			bad++;
	}
	pr_info("vms: %u VM(s) ended as expected, %u did not\n", good, bad);
	return bad == 0;
}
