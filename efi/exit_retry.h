/* Taking the final memory map and leaving boot services, with the retry
 * the UEFI specification asks for (2.10, 7.4.6: when ExitBootServices
 * says the map key is stale, take the map again and call it again; only
 * GetMemoryMap may be called in between).  The firmware calls come in
 * through an ops struct, so the loop builds for the host unit tests. */
#ifndef EFI_EXIT_RETRY_H
#define EFI_EXIT_RETRY_H

#include "lib/boot_info.h"

/* EFI_STATUS values the loop tells apart (UEFI 2.10, appendix D). */
#define EFI_ST_SUCCESS 0ULL
#define EFI_ST_INVALID_PARAMETER 0x8000000000000002ULL
#define EFI_EXIT_MAX_TRIES 8

struct efi_exit_ops {
	/* GetMemoryMap into 'buf' of '*size' bytes; sets *size, *key and
	 * *desc_size. */
	uint64_t (*get_map)(void *ctx, void *buf, size_t *size, uint64_t *key,
			    size_t *desc_size);
	/* ExitBootServices with that key. */
	uint64_t (*exit_bs)(void *ctx, uint64_t key);
};

struct efi_exit_result {
	uint64_t status;    /* of the call that failed */
	const char *err;    /* what failed, one line */
	unsigned tries;     /* ExitBootServices calls made */
};

/*
 * Take the map into 'buf' ('cap' bytes), convert it into bi->mmap
 * (efi/efi_mmap.h) and leave boot services; a stale key (INVALID_PARAMETER)
 * starts over, at most EFI_EXIT_MAX_TRIES times.  Returns 0 once
 * ExitBootServices succeeded (bi->mmap is then the final map), or -1 with
 * *res saying why; res->tries == 0 means boot services are untouched and
 * the console still works.
 */
int efi_exit_with_map(const struct efi_exit_ops *ops, void *ctx, void *buf,
		      size_t cap, struct boot_info *bi, struct efi_exit_result *res);

#endif
