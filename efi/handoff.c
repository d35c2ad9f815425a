/* The last steps of hypervisor.efi: what only the firmware can tell (the
 * ACPI RSDP, the GOP framebuffer), the final memory map, leaving boot
 * services, and the jump to the hypervisor's 64-bit entry. */
#include "efi/app.h"
#include "efi/efi_mmap.h"

#define RSDP_V1_LEN 20
#define RSDP_V2_MIN_LEN 36
#define RSDP_LENGTH_OFF 20
/* Descriptors of head room: the map grows between sizing and taking it. */
#define MAP_SLACK_DESCS 32
#define EXIT_TRIES 8

static EFI_GUID acpi20_guid = ACPI_20_TABLE_GUID;
static EFI_GUID acpi10_guid = ACPI_TABLE_GUID;

static const UINT8 *config_table(EFI_GUID *guid)
{
	for (UINTN i = 0; i < ST->NumberOfTableEntries; i++)
		if (!CompareGuid(&ST->ConfigurationTable[i].VendorGuid, guid))
			return ST->ConfigurationTable[i].VendorTable;
	return NULL;
}

/* The RSDP is copied into the hand-over block, as GRUB copies it into
 * the Multiboot2 information: the hypervisor reads it from memory it
 * already keeps, and checksums it itself. */
void handoff_find_rsdp(struct boot_info *bi, void *copy, UINTN room)
{
	const UINT8 *r = config_table(&acpi20_guid);
	UINT32 len = RSDP_V1_LEN;
	bool v2 = r != NULL;

	if (!r)
		r = config_table(&acpi10_guid);
	if (!r) {
		Print(L"%a: no ACPI RSDP in the UEFI configuration table\n", APP_NAME);
		return;
	}
	if (v2) {
		CopyMem(&len, (void *)(r + RSDP_LENGTH_OFF), sizeof(len));
		if (len < RSDP_V2_MIN_LEN || len > room)
			len = RSDP_V2_MIN_LEN;
	}
	CopyMem(copy, (void *)r, len);
	bi->rsdp = (paddr_t)(UINTN)copy;
	bi->rsdp_len = len;
	bi->rsdp_v2 = v2;
}

/* A linear framebuffer if GOP offers one (not with PixelBltOnly). */
void handoff_find_framebuffer(struct boot_info *bi)
{
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop = NULL;
	EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *mi;

	if (EFI_ERROR(LibLocateProtocol(&GraphicsOutputProtocol, (void **)&gop)) ||
	    !gop || !gop->Mode || !gop->Mode->Info)
		return;
	mi = gop->Mode->Info;
	if (mi->PixelFormat == PixelBltOnly || !gop->Mode->FrameBufferBase)
		return;
	bi->fb_addr = gop->Mode->FrameBufferBase;
	bi->fb_width = mi->HorizontalResolution;
	bi->fb_height = mi->VerticalResolution;
	bi->fb_pitch = mi->PixelsPerScanLine * 4;
	bi->fb_bpp = 32;
	bi->fb_type = 1; /* direct RGB, Multiboot2's numbering */
}

static __attribute__((noreturn)) void jump(const struct hv_image *img,
					   struct boot_handover *h)
{
	__asm__ volatile("cli\n\tjmp *%2"
			 :
			 : "D"((UINT64)BOOT_HANDOVER_MAGIC), "S"((UINT64)(UINTN)h),
			   "a"(img->entry)
			 : "memory");
	__builtin_unreachable();
}

static EFI_STATUS map_buffer(UINT8 **map, UINTN *cap)
{
	UINTN size = 0, key, dsize;
	UINT32 dver;
	EFI_STATUS st;

	st = uefi_call_wrapper(BS->GetMemoryMap, 5, &size, NULL, &key, &dsize, &dver);
	if (st != EFI_BUFFER_TOO_SMALL)
		return EFI_ERROR(st) ? st : EFI_DEVICE_ERROR;
	/* Allocating the buffer may itself split a range. */
	*cap = size + MAP_SLACK_DESCS * dsize;
	*map = AllocatePool(*cap);
	return *map ? EFI_SUCCESS : EFI_OUT_OF_RESOURCES;
}

/* CR4.LA57: 5-level paging cannot be left without leaving long mode,
 * and the hypervisor's entry builds 4-level tables. */
#define CR4_LA57 (1ULL << 12)

static bool five_level_paging(void)
{
	UINT64 cr4;

	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	return cr4 & CR4_LA57;
}

EFI_STATUS handoff_exit_and_jump(EFI_HANDLE image, struct boot_handover *h,
				 const struct hv_image *img)
{
	UINT8 *map;
	UINTN cap, size, key, dsize;
	UINT32 dver;
	const char *err;
	EFI_STATUS st;

	if (five_level_paging()) {
		Print(L"%a: the firmware runs with 5-level paging (CR4.LA57); "
		      "the hypervisor needs 4-level paging\n", APP_NAME);
		return EFI_UNSUPPORTED;
	}
	st = map_buffer(&map, &cap);
	if (EFI_ERROR(st)) {
		Print(L"%a: cannot size the memory map: %r\n", APP_NAME, st);
		return st;
	}
	Print(L"%a: starting the hypervisor at 0x%lx; the console is the hypervisor's from here\n",
	      APP_NAME, img->entry);
	/* UEFI 2.10, 7.4: after a failed ExitBootServices only GetMemoryMap
	 * may be called before trying again, so the retries reuse the
	 * buffer and print nothing. */
	for (unsigned tries = 0; tries < EXIT_TRIES; tries++) {
		size = cap;
		st = uefi_call_wrapper(BS->GetMemoryMap, 5, &size,
				       (EFI_MEMORY_DESCRIPTOR *)map, &key, &dsize, &dver);
		if (EFI_ERROR(st))
			break;
		/* Converted before leaving: a map we cannot use is reported
		 * while the console still works. */
		if (efi_mmap_convert(map, size, dsize, &h->bi, &err)) {
			Print(L"%a: the UEFI memory map is unusable: %a\n", APP_NAME, err);
			return EFI_UNSUPPORTED;
		}
		st = uefi_call_wrapper(BS->ExitBootServices, 2, image, key);
		if (!EFI_ERROR(st))
			jump(img, h);
		/* EFI_INVALID_PARAMETER: the map changed under us (a timer
		 * event allocated); take it again. */
	}
	Print(L"%a: ExitBootServices failed: %r\n", APP_NAME, st);
	return st;
}
