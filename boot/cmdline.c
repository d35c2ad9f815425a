/* Hypervisor command line parser.  Every option is a key=value token; each
 * key has one setter that validates its value and either stores it or
 * says what is wrong, so a typo is reported rather than ignored. */
#include "boot/cmdline.h"
#include "lib/string.h"

/* Longest token echoed back in an error message. */
#define TOKEN_ECHO_MAX 48

/* A setter returns NULL when it stored the value, else why it did not. */
typedef const char *(*opt_setter)(struct hv_options *o, const char *v,
				  size_t len);

struct option {
	const char *key;
	opt_setter set;
};

static bool word_is(const char *v, size_t len, const char *word)
{
	return strlen(word) == len && !strncmp(v, word, len);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static const char *find_eq(const char *tok, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (tok[i] == '=')
			return &tok[i];
	return NULL;
}

/* Copy a bounded, NUL-terminated string value. */
static const char *set_name(char *dst, size_t size, const char *v,
			    size_t len)
{
	if (len >= size)
		return "name too long";
	memcpy(dst, v, len);
	dst[len] = '\0';
	return NULL;
}

static const char *set_loglevel(struct hv_options *o, const char *v,
				size_t len)
{
	static const char *const names[] = {
		[LOG_ERR] = "err",
		[LOG_WARN] = "warn",
		[LOG_INFO] = "info",
		[LOG_DEBUG] = "debug",
	};
	uint64_t n;

	for (unsigned i = 0; i < ARRAY_SIZE(names); i++) {
		if (word_is(v, len, names[i])) {
			o->loglevel = (enum log_level)i;
			return NULL;
		}
	}
	if (!parse_u64(v, len, false, &n) || n > LOG_DEBUG)
		return "expected err, warn, info, debug or 0-3";
	o->loglevel = (enum log_level)n;
	return NULL;
}

static const char *set_console(struct hv_options *o, const char *v,
			       size_t len)
{
	/* The conventional PC UART bases (COM1-COM4). */
	static const uint16_t com_ports[] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };
	static const char *const com_names[] = { "com1", "com2", "com3",
						 "com4" };
	uint64_t port;

	if (word_is(v, len, "none")) {
		o->console_none = true;
		return NULL;
	}
	for (unsigned i = 0; i < ARRAY_SIZE(com_ports); i++) {
		if (word_is(v, len, com_names[i])) {
			o->console_port = com_ports[i];
			o->console_none = false;
			return NULL;
		}
	}
	if (!parse_u64(v, len, false, &port))
		return "expected com1-com4, none or an I/O port number";
	/* A 16550 occupies eight consecutive ports. */
	if (port == 0 || port > 0xfff8)
		return "I/O port out of range (1-0xfff8)";
	o->console_port = (uint16_t)port;
	o->console_none = false;
	return NULL;
}

static const char *set_baud(struct hv_options *o, const char *v, size_t len)
{
	uint64_t baud;

	if (!parse_u64(v, len, false, &baud))
		return "not a number";
	/* The 16550 divides a 1.8432 MHz / 16 = 115200 Hz clock by a 16-bit
	 * divisor, so only exact divisors of 115200 are reachable. */
	if (baud == 0 || baud > HV_DEFAULT_BAUD || HV_DEFAULT_BAUD % baud ||
	    HV_DEFAULT_BAUD / baud > 0xffff)
		return "rate must divide 115200 exactly (16550 divisor)";
	o->console_baud = (uint32_t)baud;
	return NULL;
}

static const char *set_test(struct hv_options *o, const char *v, size_t len)
{
	return set_name(o->test, sizeof(o->test), v, len);
}

static const char *set_maxcpus(struct hv_options *o, const char *v,
			       size_t len)
{
	uint64_t n;

	if (!parse_u64(v, len, false, &n))
		return "not a number";
	if (n > UINT32_MAX)
		return "too large";
	o->maxcpus = (unsigned)n;
	return NULL;
}

static const char *set_sched(struct hv_options *o, const char *v, size_t len)
{
	if (!word_is(v, len, "rr") && !word_is(v, len, "fair"))
		return "expected rr or fair";
	return set_name(o->sched, sizeof(o->sched), v, len);
}

static const char *set_timeslice(struct hv_options *o, const char *v,
				 size_t len)
{
	uint64_t us;

	if (!parse_u64(v, len, false, &us))
		return "not a number (microseconds)";
	if (us < HV_TIMESLICE_MIN_US || us > HV_TIMESLICE_MAX_US)
		return "out of range (100-1000000 us)";
	o->timeslice_us = us;
	return NULL;
}

static const char *set_onexit(struct hv_options *o, const char *v,
			      size_t len)
{
	static const char *const names[] = {
		[HV_ONEXIT_HALT] = "halt",
		[HV_ONEXIT_POWEROFF] = "poweroff",
		[HV_ONEXIT_REBOOT] = "reboot",
	};

	for (unsigned i = 0; i < ARRAY_SIZE(names); i++) {
		if (word_is(v, len, names[i])) {
			o->onexit = (enum hv_onexit)i;
			return NULL;
		}
	}
	return "expected halt, poweroff or reboot";
}

static const char *set_preempt(struct hv_options *o, const char *v,
			       size_t len)
{
	if (word_is(v, len, "vmx"))
		o->preempt_lapic = false;
	else if (word_is(v, len, "lapic"))
		o->preempt_lapic = true;
	else
		return "expected vmx or lapic";
	return NULL;
}

static const char *set_apicv(struct hv_options *o, const char *v, size_t len)
{
	if (word_is(v, len, "on"))
		o->apicv = true;
	else if (word_is(v, len, "off"))
		o->apicv = false;
	else
		return "expected on or off";
	return NULL;
}

static const char *set_vmstats(struct hv_options *o, const char *v,
			       size_t len)
{
	uint64_t n;

	if (!parse_u64(v, len, false, &n) || n > 3600)
		return "expected seconds (0-3600)";
	o->vmstats_s = (unsigned)n;
	return NULL;
}

static const struct option options[] = {
	{ "loglevel", set_loglevel },
	{ "console", set_console },
	{ "baud", set_baud },
	{ "test", set_test },
	{ "maxcpus", set_maxcpus },
	{ "sched", set_sched },
	{ "timeslice", set_timeslice },
	{ "onexit", set_onexit },
	{ "preempt", set_preempt },
	{ "apicv", set_apicv },
	{ "vmstats", set_vmstats },
};

void hv_options_default(struct hv_options *o)
{
	memset(o, 0, sizeof(*o));
	o->loglevel = LOG_INFO;
	o->console_port = HV_DEFAULT_CONSOLE_PORT;
	o->console_baud = HV_DEFAULT_BAUD;
	memcpy(o->sched, "rr", 3);
	o->timeslice_us = HV_DEFAULT_TIMESLICE_US;
	o->onexit = HV_ONEXIT_HALT;
	o->apicv = true; /* used where the CPU has it (vmx/apicv.c) */
}

/* Apply one token; NULL on success, else the reason it was rejected. */
static const char *apply_token(struct hv_options *o, const char *tok,
			       size_t len)
{
	const char *eq = find_eq(tok, len);
	size_t klen;

	if (!eq)
		return "missing '=' (options are key=value)";
	klen = (size_t)(eq - tok);
	if (klen == 0)
		return "missing option name before '='";
	for (unsigned i = 0; i < ARRAY_SIZE(options); i++) {
		if (!word_is(tok, klen, options[i].key))
			continue;
		if (klen + 1 == len)
			return "empty value";
		return options[i].set(o, eq + 1, len - klen - 1);
	}
	return "unknown option";
}

static void report_token(cmdline_report_fn report, void *ctx,
			 const char *tok, size_t len, const char *why)
{
	char shown[TOKEN_ECHO_MAX + 4];
	char msg[128];

	if (!report)
		return;
	if (len > TOKEN_ECHO_MAX) {
		memcpy(shown, tok, TOKEN_ECHO_MAX);
		memcpy(shown + TOKEN_ECHO_MAX, "...", 4);
	} else {
		memcpy(shown, tok, len);
		shown[len] = '\0';
	}
	snprintf(msg, sizeof(msg), "cmdline: \"%s\": %s", shown, why);
	report(ctx, msg);
}

unsigned cmdline_parse(const char *line, struct hv_options *o,
		       cmdline_report_fn report, void *ctx)
{
	unsigned errors = 0;
	bool first = true;

	hv_options_default(o);
	if (!line)
		return 0;
	for (const char *p = line; *p;) {
		const char *tok;
		const char *why;
		size_t len;

		while (is_space(*p))
			p++;
		if (!*p)
			break;
		tok = p;
		while (*p && !is_space(*p))
			p++;
		len = (size_t)(p - tok);
		/* Loaders that prepend the image path (Multiboot1-style)
		 * give a first word like "/boot/hv.elf": skip it. */
		if (first && tok[0] == '/' && !find_eq(tok, len)) {
			first = false;
			continue;
		}
		first = false;
		why = apply_token(o, tok, len);
		if (why) {
			errors++;
			report_token(report, ctx, tok, len, why);
		}
	}
	return errors;
}
