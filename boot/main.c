/* The boot sequence of the bootstrap processor. */
#include "arch-x86/acpi.h"
#include "arch-x86/cpu.h"
#include "drivers/devirq.h"
#include "arch-x86/exception.h"
#include "arch-x86/lapic.h"
#include "arch-x86/smp.h"
#include "arch-x86/trampoline.h"
#include "arch-x86/desc.h"
#include "arch-x86/percpu.h"
#include "arch-x86/tsc.h"
#include "arch-x86/selftest.h"
#include "arch-x86/stack.h"
#include "lib/boot_info.h"
#include "boot/cmdline.h"
#include "boot/handover.h"
#include "boot/vms.h"
#include "guest/vpc/passthru.h"
#include "guest/vpc/vplat.h"
#include "guest/vpc/console_in.h"
#include "drivers/emu_exit.h"
#include "drivers/ioapic.h"
#include "drivers/pci.h"
#include "drivers/vtd.h"
#include "drivers/vtd_selftest.h"
#include "drivers/uart.h"
#include "lib/panic.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/heap.h"
#include "mm/paging.h"
#include "vmx/caps.h"
#include "vmx/vmx.h"
#include "sched/sched.h"
#include "arch-x86/fpu.h"

extern char boot_stack_guard[], boot_stack_bottom[], boot_stack_top[];
extern char __image_start[], __image_end[], __text_start[], __text_end[],
	__rodata_end[];
extern uint64_t boot_tsc;

void hv_main(uint32_t magic, uint64_t info);

static struct boot_info bi;
static struct hv_options opts;
static struct paging host_pt;
static struct acpi_info acpi;

#define PIC1_DATA 0x21
#define PIC2_DATA 0xa1
#define HIGH_MMIO_START 0xfe000000ULL
#define HIGH_MMIO_END 0x100000000ULL

static void early_cpu_setup(void)
{
	percpu_init(0, (uint64_t)(uintptr_t)boot_stack_bottom,
		    (uint64_t)(uintptr_t)boot_stack_top);
	idt_init();
	idt_load();
	/* The firmware may leave the 8259s unmasked; we use none of their
	 * interrupts, and a pending one would make every VM exit. */
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
}

/* panic()'s machine steps (lib/panic.h): NMIs park the other CPUs, the
 * console drains, the run ends as any failed run does. */
static void panic_irq_off(void)
{
	irq_disable();
}

static void panic_backtrace(uintptr_t fp)
{
	dump_backtrace(fp);
}

static __noreturn void panic_finish(void)
{
	uart_drain();
	if (machine_exit_on_finish())
		machine_exit(false);
	cpu_halt_forever();
}

static const struct panic_hooks panic_hooks = {
	.irq_off = panic_irq_off,
	.stop_others = smp_stop_others,
	.backtrace = panic_backtrace,
	.park = smp_park,
	.finish = panic_finish,
};

static void report_option(void *ctx, const char *msg)
{
	(void)ctx;
	pr_err("cmdline: %s\n", msg);
}

static void apply_options(void)
{
	unsigned errors = cmdline_parse(bi.cmdline, &opts, report_option, NULL);

	if (opts.console_none)
		uart_init(0, 0);
	else if (opts.console_port != uart_port() || opts.console_baud != 115200)
		uart_init(opts.console_port, opts.console_baud);
	log_set_level(opts.loglevel);
	machine_set_exit_on_finish(opts.onexit != HV_ONEXIT_HALT);
	if (errors)
		pr_err("cmdline: %u bad option(s) ignored; the rest applies\n", errors);
}

static void setup_memory(void)
{
	struct phys_range image = { (paddr_t)(uintptr_t)__image_start,
				    (paddr_t)(uintptr_t)__image_end };
	struct phys_range mmio = { HIGH_MMIO_START, HIGH_MMIO_END };
	struct paging_layout layout = {
		.bi = &bi,
		.text = { (paddr_t)(uintptr_t)__text_start, (paddr_t)(uintptr_t)__text_end },
		.rodata = { (paddr_t)(uintptr_t)__text_end, (paddr_t)(uintptr_t)__rodata_end },
		.mmio = &mmio,
		.nmmio = 1,
		.gbpages = boot_cpu.page1g,
	};
	int r;

	r = frame_init(&bi, image, NULL, 0);
	if (r < 0)
		panic("frame allocator: cannot start (error %d): no usable RAM above 1 MiB?", r);
	if (paging_build_direct(&host_pt, &layout) < 0)
		panic("cannot build the host page tables");
	/* NX in the tables needs EFER.NXE before they go live. */
	if (boot_cpu.nx)
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	write_cr3(host_pt.pt.root);
	heap_init();
	frame_print_summary();
	pr_info("mm: direct map built, %u page-table pages, %s pages\n",
		host_pt.pt.table_pages, boot_cpu.page1g ? "1 GiB" : "2 MiB");
}

static void flush_tlb(void *ctx)
{
	(void)ctx;
	write_cr3(read_cr3());
}

/* Firmware tables in memory the direct map leaves out (E820 "reserved"):
 * map them read-only and NX, on demand of the ACPI parser. */
static bool map_firmware(paddr_t pa, uint64_t len)
{
	paddr_t start = ALIGN_DOWN(pa, PAGE_SIZE);
	uint64_t size = ALIGN_UP(pa + len, PAGE_SIZE) - start;

	return paging_map_range(&host_pt, start, start, size, 0) == 0;
}

static void *map_mmio(paddr_t pa, size_t len)
{
	return paging_map_mmio(&host_pt, pa, len) == 0 ? phys_to_virt(pa) : NULL;
}

static const struct ioapic_ops ioapic_ops = {
	.map = map_mmio,
	.read = ioapic_mmio_read,
	.write = ioapic_mmio_write,
};

/* Ports of the machine the hypervisor drives itself: no VM may own them
 * (the fixed ones, such as the emulators' exit ports, are refused by the
 * VM description parser already). */
static void reserve_host_ports(void)
{
	uint16_t com = uart_port();

	if (com)
		passthru_reserve_host_ports(com, com + 7, "the console UART");
	if (acpi.pm1a_cnt)
		passthru_reserve_host_ports(acpi.pm1a_cnt, acpi.pm1a_cnt + 1,
					    "ACPI PM1a_CNT");
	if (acpi.pm1b_cnt)
		passthru_reserve_host_ports(acpi.pm1b_cnt, acpi.pm1b_cnt + 1,
					    "ACPI PM1b_CNT");
	if (acpi.pm_tmr_port)
		passthru_reserve_host_ports(acpi.pm_tmr_port, acpi.pm_tmr_port + 3,
					    "the ACPI PM timer");
	if (acpi.has_reset && acpi.reset_reg.space == ACPI_SPACE_IO &&
	    acpi.reset_reg.addr <= 0xffff)
		passthru_reserve_host_ports((uint16_t)acpi.reset_reg.addr,
					    (uint16_t)acpi.reset_reg.addr,
					    "the ACPI reset register");
}

static void setup_platform(void)
{
	struct acpi_s5 s5;

	paging_set_flush(&host_pt, flush_tlb, NULL);
	if (stack_guards_init(&host_pt, boot_stack_guard) < 0)
		panic("cannot unmap the guard pages under the hypervisor stacks");
	lapic_init();
	percpu_area[0].apic_id = lapic_id();
	acpi_set_mapper(map_firmware);
	acpi_init(&bi, lapic_id(), &acpi);
	acpi_print(&acpi);
	if (acpi_get_s5(&acpi, &s5))
		emu_exit_set_s5(&s5);
	/* Every IOAPIC pin masked (the 8259s are already); device
	 * interrupts of VMs go to this CPU. */
	ioapic_init(&acpi, &ioapic_ops);
	ioapic_print();
	devirq_init(lapic_id());
	pci_host_init(map_mmio);
	vtd_init(acpi_find_table("DMAR", 0), map_mmio);
	reserve_host_ports();
	lapic_timer_calibrate();
	pr_info("lapic: %s mode, BSP APIC ID %u, timer %lu kHz\n",
		lapic_x2apic() ? "x2APIC" : "xAPIC", lapic_id(),
		lapic_timer_hz() / 1000);
}

/* The AP trampoline page must not hold anything the loader gave us. */
static bool trampoline_free(void)
{
	paddr_t lo = TRAMPOLINE_BASE, hi = TRAMPOLINE_BASE + PAGE_SIZE;

	if (bi.info_start < hi && bi.info_end > lo)
		return false;
	for (unsigned i = 0; i < bi.module_count; i++)
		if (bi.modules[i].start < hi && bi.modules[i].end > lo)
			return false;
	return true;
}

static int ap_init(unsigned cpu)
{
	(void)cpu;
	fpu_cpu_init();
	return vmx_cpu_enable();
}

static volatile bool sched_go;

/* vmstats=N: the virtual PCs' state every N seconds, from the boot CPU. */
static struct sched_timer vmstats_timer;
static uint64_t vmstats_period;

static void vmstats_fire(struct sched_timer *t, uint64_t now)
{
	vplat_dump_all();
	sched_timer_arm(t, 0, now + vmstats_period);
}

/* The boot CPU's chores: console input between slices, and the vmstats
 * timer.  Every 20 us at most: a 16-byte FIFO at 115200 baud takes
 * 1.4 ms to fill or drain, and a switch between two vCPUs on one pCPU
 * (about 1,000 instructions) need not read the UART's status each time. */
static void sched_chores(void)
{
	sched_loop_set_poll(0, console_in_poll);
	sched_loop_set_chore_gap(tsc_hz() / 50000);
	/* An idle pCPU keeps no VMCS active (vmx/vmcs.c). */
	sched_loop_set_idle_prep(hw_cpu_release);
	vmstats_period = opts.vmstats_s * tsc_hz();
	sched_timer_init(&vmstats_timer, vmstats_fire, NULL);
	if (vmstats_period)
		sched_timer_arm(&vmstats_timer, 0, rdtsc() + vmstats_period);
}

/* APs wait until the run queues exist, then schedule forever. */
static void __noreturn ap_main(unsigned cpu)
{
	while (!sched_go)
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	sched_cpu_loop(cpu);
	cpu_halt_forever();
}

static unsigned start_aps(void)
{
	unsigned n;

	if (!trampoline_free()) {
		pr_err("smp: the AP start-up page %#x holds boot data; running on one CPU\n",
		       TRAMPOLINE_BASE);
		return 1;
	}
	/* The direct map is NX below 1 MiB; the APs execute the trampoline
	 * there with the BSP's page tables, so open that page meanwhile. */
	if (paging_map_range(&host_pt, TRAMPOLINE_BASE, TRAMPOLINE_BASE, PAGE_SIZE,
			     PG_W | PG_X) < 0) {
		pr_err("smp: cannot map the AP start-up page; running on one CPU\n");
		return 1;
	}
	n = smp_boot_aps(acpi.apic_ids, acpi.ncpus, opts.maxcpus, ap_init, ap_main);
	paging_map_range(&host_pt, TRAMPOLINE_BASE, TRAMPOLINE_BASE, PAGE_SIZE, PG_W);
	for (unsigned cpu = 0; cpu < n; cpu++)
		pr_info("cpu %u: APIC ID %u online in VMX root operation\n", cpu,
			smp_apic_id(cpu));
	pr_info("smp: %u of %u CPU(s) online\n", n, acpi.ncpus);
	return n;
}

static __noreturn void finish(bool pass)
{
	if (machine_exit_on_finish())
		machine_exit(pass);
	pr_info("hv: run %s; halting (onexit=halt)\n", pass ? "PASSED" : "FAILED");
	uart_flush();
	cpu_halt_forever();
}

void hv_main(uint32_t magic, uint64_t info)
{
	const char *err;
	bool pass;
	unsigned ncpus;

	early_cpu_setup();
	uart_init(HV_DEFAULT_CONSOLE_PORT, HV_DEFAULT_BAUD);
	console_register(uart_write);
	console_set_buffering(uart_pump, uart_flush);
	panic_set_hooks(&panic_hooks);
	cpuinfo_init();
	hv_options_default(&opts);

	pr_info("\nhv %s: x86-64 microhypervisor\n", HV_VERSION);
	if (boot_info_take(magic, info, &bi, &err) < 0)
		panic("boot information unusable: %s", err);
	apply_options();
	pr_info("boot: loader \"%s\", %s, command line \"%s\", %u module(s)\n",
		bi.loader_name, bi.efi_systab ? "UEFI" : "BIOS", bi.cmdline,
		bi.module_count);
	boot_modules_print(&bi);
	boot_mmap_print(&bi);
	pr_info("cpu: %s family %#x model %#x stepping %u \"%s\"\n",
		boot_cpu.vendor, boot_cpu.family, boot_cpu.model,
		boot_cpu.stepping, boot_cpu.brand);
	setup_memory();
	tsc_init();
	pr_info("tsc: %lu kHz (%s)\n", tsc_hz() / 1000, tsc_source());
	setup_platform();

	/* test=vtd drives devices through the IOMMU and ends the run. */
	if (!strcmp(opts.test, "vtd"))
		finish(vtd_selftest());
	if (opts.test[0])
		selftest_run(opts.test, false);

	vmx_caps_read(&vmx_caps);
	vmx_caps_print(&vmx_caps);
	if (!vmx_caps.present) {
		pr_info("hv: no VT-x on this CPU, so no VM can run; stopping cleanly\n");
		finish(true);
	}
	if (!vmx_check_required() || vmx_cpu_enable() < 0) {
		pr_err("hv: VT-x cannot be used on this CPU; stopping\n");
		finish(false);
	}
	/* XSETBV and vCPU switches need the FPU/XSAVE controls on. */
	fpu_cpu_init();
	pr_info("vmx: CPU 0 in VMX root operation\n");
	sched_irq_init();
	ncpus = start_aps();
	if (opts.test[0])
		selftest_run(opts.test, true);
	vmx_use_lapic_timer(opts.preempt_lapic);
	vmx_use_apicv(opts.apicv);
	if (sched_setup(opts.sched, opts.timeslice_us * (tsc_hz() / 1000000), ncpus,
			hw_has_exit_timer() ? "VMX-preemption timer" : "LAPIC timer") < 0)
		finish(false);
	sched_chores();
	sched_go = true;
	for (unsigned cpu = 1; cpu < ncpus; cpu++)
		smp_kick(cpu);
	pass = vms_run_all(&bi, boot_tsc, ncpus);
	finish(pass);
}
