/* The ExitBootServices loop (efi/exit_retry.h). */
#include "efi/exit_retry.h"
#include "efi/efi_mmap.h"

#define EFI_ST_ERROR_BIT (1ULL << 63)

int efi_exit_with_map(const struct efi_exit_ops *ops, void *ctx, void *buf,
		      size_t cap, struct boot_info *bi, struct efi_exit_result *res)
{
	res->tries = 0;
	res->status = EFI_ST_SUCCESS;
	res->err = NULL;
	while (res->tries < EFI_EXIT_MAX_TRIES) {
		size_t size = cap, desc_size = 0;
		uint64_t key = 0;
		uint64_t st = ops->get_map(ctx, buf, &size, &key, &desc_size);

		if (st & EFI_ST_ERROR_BIT) {
			res->status = st;
			res->err = "GetMemoryMap failed";
			return -1;
		}
		/* Converted while the key is current: a map we cannot use is
		 * reported before boot services are touched. */
		if (efi_mmap_convert(buf, size, desc_size, bi, &res->err))
			return -1;
		st = ops->exit_bs(ctx, key);
		res->tries++;
		if (!(st & EFI_ST_ERROR_BIT))
			return 0;
		res->status = st;
		if (st != EFI_ST_INVALID_PARAMETER) {
			res->err = "ExitBootServices failed";
			return -1;
		}
	}
	res->err = "the memory map kept changing: ExitBootServices refused every map key";
	return -1;
}
