/* The last steps of hypervisor.efi: what only the firmware can tell (the
 * ACPI RSDP, the GOP framebuffer), the final memory map, leaving boot
 * services, and the jump to the hypervisor's 64-bit entry. */
#include "efi/app.h"
#include "efi/exit_retry.h"

#define RSDP_V1_LEN 20
#define RSDP_V2_MIN_LEN 36
#define RSDP_LENGTH_OFF 20
/* Descriptors of head room: the map grows between sizing and taking it. */
#define MAP_SLACK_DESCS 32

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

static uint64_t fw_get_map(void *ctx, void *buf, size_t *size, uint64_t *key,
			   size_t *desc_size)
{
	UINTN sz = *size, k = 0, ds = 0;
	UINT32 dver;
	EFI_STATUS st;

	(void)ctx;
	st = uefi_call_wrapper(BS->GetMemoryMap, 5, &sz, (EFI_MEMORY_DESCRIPTOR *)buf,
			       &k, &ds, &dver);
	*size = sz;
	*key = k;
	*desc_size = ds;
	return st;
}

static uint64_t fw_exit_bs(void *ctx, uint64_t key)
{
	return uefi_call_wrapper(BS->ExitBootServices, 2, (EFI_HANDLE)ctx, (UINTN)key);
}

static const struct efi_exit_ops fw_exit_ops = {
	.get_map = fw_get_map,
	.exit_bs = fw_exit_bs,
};

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
	struct efi_exit_result res;
	UINT8 *map;
	UINTN cap;
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
	if (efi_exit_with_map(&fw_exit_ops, image, map, cap, &h->bi, &res) == 0)
		jump(img, h);
	if (res.status == EFI_ST_SUCCESS) {
		Print(L"%a: the UEFI memory map is unusable: %a\n", APP_NAME, res.err);
		st = EFI_UNSUPPORTED;
	} else {
		/* After a failed ExitBootServices the console may be gone
		 * already; the message is the best we can do. */
		Print(L"%a: %a (%r, after %u ExitBootServices call(s))\n", APP_NAME,
		      res.err, (EFI_STATUS)res.status, res.tries);
		st = (EFI_STATUS)res.status;
	}
	FreePool(map);
	return st;
}
