/* Token syntax of VM descriptions (docs/config.md): pure functions over
 * untrusted (pointer, length) text that is not NUL-terminated.  No state
 * and no messages here, so the parser's other files (guest/config*.c)
 * only decide what a token means and how to report it. */
#ifndef GUEST_CONFIG_SYNTAX_H
#define GUEST_CONFIG_SYNTAX_H

#include "guest/config/config.h"

/* Untrusted text quoted in a message is cut to this many characters. */
#define CFG_SHOW_MAX 40
#define CFG_SHOW_BUF (CFG_SHOW_MAX + 4)
#define CFG_SIZE_BUF 24

static inline bool cfg_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Drops leading and trailing blanks of [*s, *s + *n). */
void cfg_trim(const char **s, size_t *n);

/* Index of the first NUL or control character (tab allowed), n if none. */
size_t cfg_bad_byte(const char *s, size_t n);

/* Copies text into buf for a message: at most CFG_SHOW_MAX characters
 * (then "..."), anything unprintable shown as '?'.  Returns buf. */
const char *cfg_show(char buf[CFG_SHOW_BUF], const char *s, size_t n);

/* "64G", "1M", "4K" or a plain byte count.  Returns buf. */
const char *cfg_size_str(char buf[CFG_SIZE_BUF], uint64_t v);

/* VM names: 1..VM_NAME_MAX of [A-Za-z0-9_-]. */
bool cfg_valid_name(const char *s, size_t n);

/* Keys: one or more of [a-z0-9_.]. */
bool cfg_valid_key(const char *s, size_t n);

/* The text after '=': a "quoted" string (\" and \\ escapes) or bare text
 * up to '#', either way with a trailing comment dropped.  Writes the value
 * and a NUL to out, which must hold n + 1 bytes.  Returns NULL, or why the
 * value is malformed. */
const char *cfg_unquote(const char *s, size_t n, char *out, size_t *out_len,
			bool *quoted);

/* Copies a string of at most 'max' printable ASCII characters (blanks
 * only if 'space') and a NUL to dst.  Returns NULL, or why not. */
const char *cfg_string(const char *s, size_t n, bool space, char *dst,
		       size_t max);

/* "0-3,6": CPU numbers and inclusive ranges below VM_CONFIG_MAX_CPUS.
 * Returns NULL with the mask, or why the list is malformed. */
const char *cfg_cpu_list(const char *s, size_t n, uint64_t *mask);

/* "pci:BB:DD.F" in hex, segment 0. */
bool cfg_pci(const char *s, size_t n, struct vm_pci_dev *d);

/* One "N" or "N-M" item of an I/O port list (blanks allowed around the
 * numbers), ports up to 0xffff.  Returns NULL, or why not. */
const char *cfg_port_range(const char *s, size_t n, struct vm_ioport_range *r);

/* One "N" or "N>M" item of an IRQ list: host IRQ N (up to VM_IRQ_HOST_MAX)
 * to guest line M (up to VM_IRQ_LINE_MAX).  Without ">M" the line is N
 * when N can be one, and *line_given is false.  Returns NULL, or why
 * not. */
const char *cfg_irq_item(const char *s, size_t n, struct vm_irq *irq,
			 bool *line_given);

/* Index of [s, s + n) in names[0..count), or -1. */
int cfg_lookup(const char *s, size_t n, const char *const *names,
	       unsigned count);

#endif
