/* uhv.cfg: what hypervisor.efi hands the hypervisor, read from the
 * directory the application was loaded from.  One setting a line:
 *
 *     # comment
 *     cmdline = loglevel=info onexit=halt
 *     module  = demo.vms
 *     module  = demo1.bin
 *
 * `cmdline` (at most once) is the hypervisor command line; each `module`
 * names a file of that directory, loaded as a module whose name (the
 * Multiboot2 module command line under GRUB) is the file name, as VM
 * descriptions name their images.  Blank lines and lines starting with
 * '#' are skipped; CR LF line ends are accepted.  Pure data in, data out:
 * the same file builds for the EFI application and the host unit tests. */
#ifndef EFI_UHV_CFG_H
#define EFI_UHV_CFG_H

#include "lib/boot_info.h"

#define UHV_CFG_NAME "uhv.cfg"
#define UHV_CFG_MAX_BYTES 16384
#define UHV_CFG_CMDLINE_MAX 1024
#define UHV_CFG_NAME_MAX 96

struct uhv_cfg_module {
	char name[UHV_CFG_NAME_MAX];
	unsigned line; /* where it was named, for load errors */
};

struct uhv_cfg {
	char cmdline[UHV_CFG_CMDLINE_MAX];
	struct uhv_cfg_module modules[BOOT_MAX_MODULES];
	unsigned module_count;
};

struct uhv_cfg_error {
	unsigned line; /* 1-based; 0 when the error is about the whole file */
	char msg[128];
};

/* Parse 'len' bytes of 'text' (no NUL needed).  Returns 0 and fills *cfg,
 * or -1 with *err saying what is wrong and on which line: unknown key,
 * missing '=', empty value, a second cmdline, too many or duplicate
 * modules, a name with a path separator or too long, control bytes, a
 * file with no setting at all (empty) or larger than UHV_CFG_MAX_BYTES. */
int uhv_cfg_parse(const char *text, size_t len, struct uhv_cfg *cfg,
		  struct uhv_cfg_error *err);

#endif
