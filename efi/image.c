/* The hypervisor's ELF image, embedded in hypervisor.efi (efi/hv_blob.S),
 * copied to the physical range it is linked for. */
#include "efi/app.h"
#include "efi/hv_elf.h"

extern const UINT8 hv_elf_start[] __attribute__((visibility("hidden")));
extern const UINT8 hv_elf_end[] __attribute__((visibility("hidden")));

EFI_STATUS hv_image_load(struct hv_image *img)
{
	struct hv_elf_plan plan;
	const char *err;
	EFI_PHYSICAL_ADDRESS pa;
	UINTN pages;
	EFI_STATUS st;
	UINT8 *base;

	/* Two symbols of one blob: their distance is its size. */
	size_t size = (size_t)((uintptr_t)hv_elf_end - (uintptr_t)hv_elf_start);

	if (hv_elf_plan(hv_elf_start, size, &plan, &err)) {
		Print(L"%a: the embedded hypervisor image is unusable: %a\n", APP_NAME, err);
		return EFI_LOAD_ERROR;
	}
	/* The hypervisor runs where it is linked (1 MiB, identity-mapped):
	 * that exact range must be free.  Loader code, not data: firmware
	 * with memory protection maps EfiLoaderData non-executable, and
	 * _start64 runs on the firmware's page tables until it loads its
	 * own. */
	pa = plan.start;
	pages = (UINTN)((plan.end - plan.start) >> EFI_PAGE_SHIFT);
	st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateAddress, EfiLoaderCode,
			       pages, &pa);
	if (EFI_ERROR(st)) {
		Print(L"%a: cannot allocate 0x%lx-0x%lx, where the hypervisor is linked: %r "
		      "(the firmware uses part of it)\n", APP_NAME, plan.start, plan.end, st);
		return st;
	}
	base = (UINT8 *)(UINTN)pa;
	SetMem(base, plan.end - plan.start, 0);
	for (unsigned i = 0; i < plan.nseg; i++)
		CopyMem(base + (plan.seg[i].paddr - plan.start),
			(void *)(hv_elf_start + plan.seg[i].offset), plan.seg[i].filesz);
	if (hv_elf_find_entry(base, &plan, &img->entry, &err)) {
		Print(L"%a: %a\n", APP_NAME, err);
		uefi_call_wrapper(BS->FreePages, 2, pa, pages);
		return EFI_LOAD_ERROR;
	}
	img->start = plan.start;
	img->end = plan.end;
	return EFI_SUCCESS;
}
