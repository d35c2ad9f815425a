/* Shared by the VM description parser's files only (config.c: messages,
 * lines and sections; config_keys.c: the key table and most keys;
 * config_dev.c: the keys that give a VM host devices, ports and
 * interrupts; config_resolve.c: what is settled at the end of a section).
 * The rest of the tree uses config.h. */
#ifndef GUEST_CONFIG_INTERNAL_H
#define GUEST_CONFIG_INTERNAL_H

#include "guest/config/config.h"

enum section {
	SEC_NONE, /* before the first header */
	SEC_VM,	  /* inside a [vm] section being filled */
	SEC_SKIP, /* after a rejected header: keys are ignored until the next */
};

enum key_id {
	K_MEMORY, K_IMAGE, K_ENTRY, K_ENTRY_IP, K_LOAD, K_VCPUS, K_AFFINITY,
	K_WEIGHT, K_CONSOLE, K_DEBUG_EXIT, K_ON_POWEROFF, K_CPL3_HYPERCALLS,
	K_DEVICE, K_CMDLINE, K_EXPECT_EXIT, K_EXPECT_STOP, K_FAULT_INJECT,
	K_ON_RESET, K_ON_HANG, K_PLATFORM, K_INITRD, K_CONSOLE_INPUT, K_IOPORT, K_IRQ,
	K_DMA, K_ON_DMA_FAULT, K_HYPERCALLS, K_TRACE,
	NKEYS
};

struct parser {
	struct vm_config_set *set;
	config_report_fn report;
	void *ctx;
	const struct cfg_reserved_ports *reserved; /* may be NULL */
	unsigned errors;
	unsigned line; /* current line, counted from 1 */
	enum section sec;
	struct vm_config *vm; /* &set->vm[set->count] while in SEC_VM */
	unsigned vm_errors;   /* errors charged to the current VM */
	unsigned vm_headers;  /* [vm ...] headers seen, good or bad */
	unsigned key_line[NKEYS]; /* line a key was given on, 0: not given */
	uint64_t aff_all; /* "affinity", 0: not given */
	unsigned aff_line[VM_MAX_VCPUS]; /* line of "affinity.N", 0: none */
	char val[VM_CONFIG_LINE_MAX + 1]; /* current value, unquoted */
};

/* config.c: a message for 'fn' (none when NULL), "config:LINE: " first,
 * or "config: " for line 0.  Counts nothing: see cfg_error_at. */
void cfg_emit(config_report_fn fn, void *ctx, unsigned line, const char *fmt,
	      ...) __printf(4, 5);
/* config.c: an error at 'line'.  Inside a [vm] section it also condemns
 * that VM. */
void cfg_error_at(struct parser *p, unsigned line, const char *fmt, ...)
	__printf(3, 4);
#define cfg_error(p, ...) cfg_error_at(p, (p)->line, __VA_ARGS__)

/* config_keys.c: the line "key = value" of the current [vm] section, the
 * value already unquoted: checked against the key table, duplicates
 * refused, the value stored or handed to the key's function. */
void cfg_dispatch(struct parser *p, const char *key, size_t klen,
		  const char *v, size_t n);

/* config_resolve.c: the end of the current [vm] section: defaults and
 * cross-key checks, then the VM is counted into the set or dropped with
 * a message saying how many errors it had. */
void cfg_finish_vm(struct parser *p);

/* config_dev.c: the values of "device", "ioport" and "irq" (each line
 * adds to the VM's list), checked against the VM's own list and the VMs
 * accepted before it. */
void cfg_key_device(struct parser *p, const char *v, size_t n);
/* config_hc.c: the hypercall allow-list. */
void cfg_key_hypercalls(struct parser *p, const char *v, size_t n);
uint64_t cfg_hypercall_word(const char *w, size_t n);
void cfg_key_ioport(struct parser *p, const char *v, size_t n);
void cfg_key_irq(struct parser *p, const char *v, size_t n);
/* At the end of a [vm] section, once "platform" is known. */
void cfg_finish_dev(struct parser *p);

#endif
