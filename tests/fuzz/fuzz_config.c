// FUZZ-SOURCES: guest/config/config.c guest/config/config_keys.c guest/config/config_hc.c guest/config/config_dev.c guest/config/config_resolve.c guest/config/config_syntax.c lib/parse.c guest/vpc/ports.c
/* The VM description parser (guest/config/): any bytes as one .vms
 * module, parsed from a heap block of exactly that size (ASan sees a read
 * past the end).  Every VM it accepts must satisfy the limits the rest of
 * the hypervisor relies on without checking again. */
#include "guest/config/config.h"
#include "guest/vpc/ports.h"
#include "tests/fuzz/fuzz.h"

static struct vm_config_set set;
static unsigned nreports;

static void report(void *ctx, const char *msg)
{
	(void)ctx;
	FUZZ_CHECK(msg && strlen(msg) < 1024);
	nreports++;
}

static void check_name(const char *s)
{
	size_t n = strnlen(s, VM_NAME_MAX + 1);

	FUZZ_CHECK(n >= 1 && n <= VM_NAME_MAX);
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECKF((s[i] >= 'a' && s[i] <= 'z') ||
			    (s[i] >= 'A' && s[i] <= 'Z') ||
			    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
			    s[i] == '-', "name \"%s\"", s);
}

static void check_vm(const struct vm_config *vm)
{
	check_name(vm->name);
	FUZZ_CHECK(vm->mem_size >= VM_MEM_MIN && vm->mem_size <= VM_MEM_MAX &&
		   vm->mem_size % 4096 == 0);
	FUZZ_CHECK(strnlen(vm->image, sizeof(vm->image)) < sizeof(vm->image));
	FUZZ_CHECK(strnlen(vm->initrd, sizeof(vm->initrd)) < sizeof(vm->initrd));
	FUZZ_CHECK(strnlen(vm->cmdline, sizeof(vm->cmdline)) < sizeof(vm->cmdline));
	FUZZ_CHECK(strnlen(vm->console_input, sizeof(vm->console_input)) <
		   sizeof(vm->console_input));
	FUZZ_CHECK(vm->image[0] != '\0');
	FUZZ_CHECK(vm->entry < ENTRY_MODE_COUNT);
	FUZZ_CHECK(vm->console < CONSOLE_COUNT);
	FUZZ_CHECK(vm->on_poweroff < POWEROFF_COUNT);
	FUZZ_CHECK(vm->on_reset < ON_RESET_COUNT);
	FUZZ_CHECK(vm->fault_inject < FAULT_INJECT_COUNT);
	FUZZ_CHECK(vm->vcpus >= 1 && vm->vcpus <= VM_MAX_VCPUS);
	FUZZ_CHECK(vm->weight >= 1 && vm->weight <= VM_WEIGHT_MAX);
	FUZZ_CHECK(vm->ndevices <= VM_MAX_DEVICES);
	for (unsigned i = 0; i < vm->ndevices; i++)
		FUZZ_CHECK(vm->devices[i].dev <= 31 && vm->devices[i].fn <= 7);
	FUZZ_CHECK(vm->nioports <= VM_MAX_IOPORT_RANGES);
	for (unsigned i = 0; i < vm->nioports; i++)
		FUZZ_CHECK(vm->ioports[i].first <= vm->ioports[i].last);
	FUZZ_CHECK(vm->nirqs <= VM_MAX_IRQS);
	for (unsigned i = 0; i < vm->nirqs; i++)
		FUZZ_CHECK(vm->irqs[i].host <= VM_IRQ_HOST_MAX &&
			   vm->irqs[i].line <= VM_IRQ_LINE_MAX);
	/* The image must fit: load address and entry inside the VM's RAM. */
	if (vm->entry == ENTRY_REAL)
		FUZZ_CHECK(vm->entry_ip < VM_REAL_ENTRY_LIMIT);
	FUZZ_CHECK(vm->load_gpa < vm->mem_size);
	FUZZ_CHECK(vm->line >= 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size ? size : 1);
	unsigned errors;

	memcpy(text, data, size);
	nreports = 0;
	errors = vm_config_parse(text, size, &set, report, NULL,
				 &vpc_reserved_ports);
	fuzz_log_reset();
	/* The flood bound: at most VM_CONFIG_MAX_MESSAGES errors, each
	 * section with errors one "skipped" line while they are shown, and
	 * the count of the rest. */
	FUZZ_CHECK(nreports <= 2 * VM_CONFIG_MAX_MESSAGES + 1);
	FUZZ_CHECK(errors == 0 || nreports > 0);
	FUZZ_CHECK(set.count <= VM_CONFIG_MAX_VMS);
	for (unsigned i = 0; i < set.count; i++) {
		check_vm(&set.vm[i]);
		/* Names are unique: they prefix the VMs' console output. */
		for (unsigned j = 0; j < i; j++)
			FUZZ_CHECKF(strcmp(set.vm[i].name, set.vm[j].name),
				    "two VMs named \"%s\"", set.vm[i].name);
		if (i)
			FUZZ_CHECK(set.vm[i].line > set.vm[i - 1].line);
	}
	free(text);
	return 0;
}
