/* The hypervisor's own command line: space-separated key=value options,
 * parsed in one place into struct hv_options. */
#ifndef BOOT_CMDLINE_H
#define BOOT_CMDLINE_H

#include "lib/types.h"
#include "lib/printk.h"

#define HV_TEST_NAME_MAX 32
#define HV_SCHED_NAME_MAX 16

#define HV_DEFAULT_CONSOLE_PORT 0x3f8
#define HV_DEFAULT_BAUD 115200
#define HV_DEFAULT_TIMESLICE_US 10000
#define HV_TIMESLICE_MIN_US 100
#define HV_TIMESLICE_MAX_US 1000000

/* What to do once the hypervisor has nothing left to run. */
enum hv_onexit {
	HV_ONEXIT_HALT = 0,	/* stop the CPUs, leave the machine on */
	HV_ONEXIT_POWEROFF,	/* ACPI S5 (or the emulator's exit port) */
	HV_ONEXIT_REBOOT,
};

struct hv_options {
	enum log_level loglevel;	/* loglevel=err|warn|info|debug|0-3 */
	uint16_t console_port;		/* console=com1..com4|0xPORT */
	uint32_t console_baud;		/* baud=N, 115200 % N == 0 */
	bool console_none;		/* console=none: no serial output */
	char test[HV_TEST_NAME_MAX];	/* test=NAME: boot self-test, "" = none */
	unsigned maxcpus;		/* maxcpus=N, 0 = all */
	char sched[HV_SCHED_NAME_MAX];	/* sched=rr|fair */
	bool preempt_lapic;		/* preempt=vmx|lapic: slice timer */
	bool apicv;			/* apicv=on|off: APIC virtualization */
	uint64_t timeslice_us;		/* timeslice=N, 100..1000000 */
	enum hv_onexit onexit;		/* onexit=halt|poweroff|reboot */
	unsigned vmstats_s;		/* vmstats=N: VM state every N s, 0 = off */
};

/* Called once per bad token with a one-line message; the message buffer
 * is only valid during the call. */
typedef void (*cmdline_report_fn)(void *ctx, const char *msg);

/* Fill in the defaults (what an empty command line gives). */
void hv_options_default(struct hv_options *o);

/*
 * Reset *o to the defaults, then apply every option in 'line' (NULL is an
 * empty line).  A bad token (unknown key, missing '=', empty or invalid
 * value) is reported through 'report' (may be NULL) and leaves its option
 * unchanged; parsing goes on so that every mistake is reported in one
 * boot.  A later occurrence of a key overrides an earlier one.  A first
 * word without '=' that starts with '/' is taken for the image path some
 * loaders prepend and is skipped.  Returns the number of bad tokens.
 */
unsigned cmdline_parse(const char *line, struct hv_options *o,
		       cmdline_report_fn report, void *ctx);

#endif
