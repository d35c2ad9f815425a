/* VM descriptions: the INI-like text file handed to the hypervisor as a
 * Multiboot2 module, parsed into plain data before any VM is built.
 *
 * One parser checks everything it can without knowing the machine; what
 * needs runtime facts (how many CPUs exist, which modules were loaded) is
 * checked by the small helpers at the end of this header.  The format is
 * described in docs/config.md. */
#ifndef GUEST_CONFIG_H
#define GUEST_CONFIG_H

#include "lib/types.h"

#define VM_CONFIG_MAX_VMS 16
#define VM_NAME_MAX 31	  /* characters, [A-Za-z0-9_-] */
#define VM_IMAGE_MAX 63	  /* characters of a module name */
#define VM_CMDLINE_MAX 255 /* characters passed to the guest */
#define VM_MAX_VCPUS 8
#define VM_MAX_DEVICES 8
#define VM_MAX_IOPORT_RANGES 8
#define VM_MAX_IRQS 8
/* A VM's PCI functions' interrupts: one INTx each, and the two ISA IRQs
 * of a compatibility-mode IDE controller. */
#define VM_MAX_PCI_IRQS (VM_MAX_DEVICES + 2)
#define VM_MAX_PCI_RESV 4 /* RMRRs of a VM's functions */
#define VM_IRQ_HOST_MAX 255 /* host IRQs: ISA IRQs 0-15, then GSIs */
#define VM_IRQ_LINE_MAX 23  /* the virtual IOAPIC's last pin */
#define VM_MEM_MIN MiB(1)
#define VM_MEM_MAX GiB(64)
#define VM_WEIGHT_DEFAULT 256
#define VM_WEIGHT_MAX 65535
/* Affinity is one 64-bit mask per vCPU, so CPU numbers stop at 63. */
#define VM_CONFIG_MAX_CPUS 64
/* Longest accepted line, without its line ending. */
#define VM_CONFIG_LINE_MAX 512
/* After this many messages the rest are counted, not printed, so a binary
 * blob passed by mistake cannot flood the console. */
#define VM_CONFIG_MAX_MESSAGES 32

/* Default load address per entry mode: where a boot sector goes for real
 * mode, the conventional 1 MiB kernel address for long mode. */
#define VM_LOAD_DEFAULT_REAL 0x7c00
#define VM_LOAD_DEFAULT_LONG64 0x100000
/* Real-mode code can only reach the first MiB (plus the HMA, ignored). */
#define VM_REAL_ENTRY_LIMIT 0x100000

enum entry_mode {
	ENTRY_REAL,   /* real mode, reset-like state (unrestricted guest) */
	ENTRY_LONG64, /* 64-bit mode, page tables built by the hypervisor */
	ENTRY_LINUX,  /* a bzImage by the Linux x86 boot protocol, 64-bit entry */
	ENTRY_MULTIBOOT, /* a Multiboot (v1) or Multiboot2 ELF kernel */
	ENTRY_MODE_COUNT
};

enum vm_console {
	CONSOLE_COM1, /* guest COM1 to the hypervisor console, "[name] " prefix */
	CONSOLE_NONE, /* guest COM1 output dropped */
	CONSOLE_COUNT
};

enum vm_poweroff {
	POWEROFF_STOP,	  /* the VM ends and its resources are freed */
	POWEROFF_RESTART, /* the VM is rebuilt from its image and restarted */
	POWEROFF_COUNT
};

/* Test hooks that break a VM on purpose, to test fault containment. */
enum fault_inject {
	FAULT_NONE,
	FAULT_BAD_GUEST_STATE, /* invalid guest state: the first VM entry fails */
	FAULT_INJECT_COUNT
};

/* What happens when the guest resets itself (0xCF9, keyboard controller,
 * triple fault is always a stop). */
enum vm_on_reset {
	ON_RESET_RESTART, /* the VM starts over from its image */
	ON_RESET_STOP,    /* the VM ends */
	ON_RESET_COUNT
};

/* What happens when no vCPU of the VM can ever run again: every one waits
 * for a start-up IPI or is halted with interrupts disabled, and nothing
 * can send it an NMI, INIT or SIPI (guest/vm/hang.c). */
enum vm_on_hang {
	ON_HANG_STOP,   /* reported once, then the VM is stopped */
	ON_HANG_REPORT, /* reported once; the VM stays, for inspection */
	ON_HANG_COUNT
};

/* How a VM's passed-through devices reach memory (docs/passthrough.md). */
enum vm_dma_mode {
	DMA_IOMMU,    /* through a VT-d domain of the VM's own RAM; without an
		       * IOMMU, assignment is refused */
	DMA_IDENTITY, /* no IOMMU needed: guest-physical equals host-physical
		       * for the VM's RAM, and the device can reach ALL memory
		       * (bring-up only, no isolation) */
	DMA_NONE,     /* no DMA at all: bus mastering never reaches the host
		       * function, so no IOMMU is needed (register and
		       * interrupt access only) */
	DMA_MODE_COUNT
};

/* What happens when the IOMMU blocks a DMA of one of the VM's devices. */
enum vm_on_dma_fault {
	ON_DMA_FAULT_STOP,   /* logged, then the VM is stopped */
	ON_DMA_FAULT_REPORT, /* logged and counted; the VM goes on */
	ON_DMA_FAULT_COUNT
};

/* A PCI function on segment 0. */
struct vm_pci_dev {
	uint8_t bus;
	uint8_t dev; /* 0..31 */
	uint8_t fn;  /* 0..7 */
};

/* Host I/O ports [first, last] the VM accesses directly. */
struct vm_ioport_range {
	uint16_t first, last;
};

/* "0x3f6" or "0x1f0-0x1f7" into buf (guest/config/config_syntax.c). */
#define VM_IOPORT_STR_MAX 16
const char *vm_ioport_str(char buf[VM_IOPORT_STR_MAX], uint16_t first,
			  uint16_t last);

/* Host IRQ 'host' (an ISA IRQ below 16, else a GSI), delivered to the
 * VM's line 'line': its PIC input and IOAPIC pin below 16 (IRQ 0 would be
 * pin 2, but 0 and 2 are never given), its IOAPIC pin from 16 on. */
struct vm_irq {
	uint16_t host;
	uint8_t line;
	uint8_t slot; /* a PCI function's INTx: its slot on the guest's bus */
	bool isa;     /* a compatibility-mode IDE channel's ISA IRQ (edge) */
};

struct vm_config {
	char name[VM_NAME_MAX + 1];
	uint64_t mem_size; /* bytes, multiple of 4 KiB */
	char image[VM_IMAGE_MAX + 1]; /* module name, see vm_config_image_matches */
	enum entry_mode entry;
	uint64_t entry_ip; /* guest-physical address of the first instruction */
	uint64_t load_gpa; /* where the image's first byte goes */
	unsigned vcpus;
	/* Allowed physical CPUs, one mask per vCPU; 0 means "not given" until
	 * vm_config_validate_cpus replaces it with every existing CPU. */
	uint64_t affinity[VM_MAX_VCPUS];
	unsigned weight;
	enum vm_console console;
	bool debug_exit;
	enum vm_poweroff on_poweroff;
	enum vm_on_reset on_reset;
	enum vm_on_hang on_hang;
	/* The virtual PC (vLAPIC, IOAPIC, PICs, PIT, RTC, UART with IRQ,
	 * ACPI); implied by the linux and multiboot entries. */
	bool platform;
	char initrd[VM_IMAGE_MAX + 1]; /* module name, "" for none */
	/* Typed into the VM's serial port, with a newline, once the guest
	 * enables its receive interrupt (tests; "" for none). */
	char console_input[VM_CMDLINE_MAX + 1];
	bool cpl3_hypercalls;
	/* Calls the VM may make: bit n allows call n (`hypercalls`,
	 * default HV_ALLOW_DEFAULT); others return HV_EPERM. */
	uint64_t hc_allow;
	/* Hypercall and exit statistics with histograms, and the trace
	 * ring, dumped at the VM's end (`trace = on`). */
	bool trace;
	struct vm_pci_dev devices[VM_MAX_DEVICES];
	unsigned ndevices;
	enum vm_dma_mode dma;
	enum vm_on_dma_fault on_dma_fault;
	/* Host ports and IRQs owned by this VM (guest/vpc/passthru.c). */
	struct vm_ioport_range ioports[VM_MAX_IOPORT_RANGES];
	unsigned nioports;
	struct vm_irq irqs[VM_MAX_IRQS];
	unsigned nirqs;
	char cmdline[VM_CMDLINE_MAX + 1]; /* "" when not given */
	bool has_expect_exit;
	uint32_t expect_exit;
	bool expect_stop; /* test harness: the hypervisor is expected to stop it */
	enum fault_inject fault_inject;
	unsigned line; /* line of the [vm] header, for later messages */
};

/* Only VMs whose section had no error appear here, in file order. */
struct vm_config_set {
	struct vm_config vm[VM_CONFIG_MAX_VMS];
	unsigned count;
};

/* Receives one complete message, without a trailing newline, such as
 * "config:12: unknown key 'memroy' in [vm demo1]". */
typedef void (*config_report_fn)(void *ctx, const char *msg);

/* Port ranges no VM may own ("ioport"), with whose they are for the
 * message: the virtual PC's ports and the hypervisor's own.  The parser
 * does not know them; the composition root hands them in
 * (guest/vpc/ports.c). */
struct cfg_port_range {
	uint16_t first, last;
	const char *what;
};

struct cfg_reserved_ports {
	const struct cfg_port_range *range;
	unsigned count;
};

/* Parse [text, text + len); the buffer need not be NUL-terminated and may
 * hold anything.  A VM whose section has an error is reported and left out;
 * the others are kept, so one bad description kills at most that VM.
 * 'report' may be NULL; 'reserved' may be NULL (no port is reserved).
 * Returns the number of errors (0: all clean). */
unsigned vm_config_parse(const char *text, size_t len,
			 struct vm_config_set *set, config_report_fn report,
			 void *ctx, const struct cfg_reserved_ports *reserved);

/* Checks that every CPU named in vm's affinity exists (CPUs 0..ncpus-1) and
 * fills affinities that were not given with all of them.  Returns 0, or
 * -EINVAL after reporting. */
int vm_config_validate_cpus(struct vm_config *vm, unsigned ncpus,
			    config_report_fn report, void *ctx);

/* Whether a boot module whose command line is 'module_cmdline' is vm's
 * image: 'image' is compared with the module's first word, or with that
 * word's last path component when 'image' has no '/'. */
bool vm_config_image_matches(const struct vm_config *vm,
			     const char *module_cmdline);

/* Whether an image of 'size' bytes loaded at vm->load_gpa fits in memory. */
bool vm_config_image_fits(const struct vm_config *vm, uint64_t size);

const char *vm_entry_mode_name(enum entry_mode mode);

#endif
