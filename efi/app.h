/* hypervisor.efi, the UEFI application that boots the hypervisor without
 * GRUB (docs/running.md, "Booting straight from UEFI").  Shared
 * declarations of its files; only efi/ includes gnu-efi's headers. */
#ifndef EFI_APP_H
#define EFI_APP_H

#include <efi.h>
#include <efilib.h>

#include "lib/boot_handover.h"
#include "efi/uhv_cfg.h"

#define APP_NAME "hypervisor.efi"
#define APP_LOADER_NAME "uefi (hypervisor.efi)"
/* Everything the hypervisor reads before its own page tables are up
 * must lie in the boot identity map, the low 4 GiB. */
#define APP_MAX_ADDR 0xffffffffULL

/* files.c: the directory the application was loaded from. */
struct app_dir {
	EFI_FILE_HANDLE dir;
	CHAR16 path[256]; /* for messages, e.g. \EFI\BOOT */
};

EFI_STATUS app_dir_open(EFI_HANDLE image, struct app_dir *d);
void app_dir_close(struct app_dir *d);
/* Read file 'name' of the directory into freshly allocated pages below
 * 4 GiB (EfiLoaderData); *pages is what to free.  A zero-length file
 * gets one page so that it still has an address. */
EFI_STATUS app_file_read(struct app_dir *d, const char *name, UINT8 **buf,
			 UINTN *size, UINTN *pages);

/* image.c: the embedded hypervisor ELF at its link address. */
struct hv_image {
	EFI_PHYSICAL_ADDRESS start, end; /* the pages allocated for it */
	UINT64 entry;                    /* _start64 */
};

EFI_STATUS hv_image_load(struct hv_image *img);

/* handoff.c: what only the firmware knows, then the jump. */
void handoff_find_rsdp(struct boot_info *bi, void *copy, UINTN room);
void handoff_find_framebuffer(struct boot_info *bi);
/* Takes the final memory map into h->bi and leaves boot services;
 * returns only on failure, with boot services (usually) still up. */
EFI_STATUS handoff_exit_and_jump(EFI_HANDLE image, struct boot_handover *h,
				 const struct hv_image *img);

#endif
