/* hypervisor.efi: boots the hypervisor straight from UEFI firmware.
 *
 * Reads uhv.cfg from its own directory, loads the modules it names,
 * puts the embedded hypervisor at its link address, fills the same
 * struct boot_info that boot/multiboot2.c builds from GRUB's information,
 * leaves boot services and jumps to the hypervisor's 64-bit entry
 * (lib/boot_handover.h).  Every failure before that point is reported on
 * the UEFI console and returns to the firmware with an error status. */
#include "efi/app.h"

/* The hand-over block: struct boot_handover, then the strings it points
 * to and the RSDP copy. */
#define BLOCK_PAGES 4
#define RSDP_ROOM 64
#define STALL_ON_ERROR_US 3000000

struct block {
	struct boot_handover *h;
	UINT8 *base;
	UINTN used, size;
};

static struct uhv_cfg cfg;

static char *block_str(struct block *b, const char *s)
{
	UINTN n = 0;
	char *out;

	while (s[n])
		n++;
	if (b->used + n + 1 > b->size)
		return NULL;
	out = (char *)b->base + b->used;
	CopyMem(out, (void *)s, n + 1);
	b->used += n + 1;
	return out;
}

static EFI_STATUS block_alloc(struct block *b)
{
	EFI_PHYSICAL_ADDRESS pa = APP_MAX_ADDR;
	EFI_STATUS st;

	st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateMaxAddress, EfiLoaderData,
			       BLOCK_PAGES, &pa);
	if (EFI_ERROR(st)) {
		Print(L"%a: cannot allocate the boot information block: %r\n", APP_NAME, st);
		return st;
	}
	b->base = (UINT8 *)(UINTN)pa;
	b->size = BLOCK_PAGES * EFI_PAGE_SIZE;
	SetMem(b->base, b->size, 0);
	b->h = (struct boot_handover *)b->base;
	b->used = ALIGN_UP(sizeof(*b->h), 16);
	b->h->magic = BOOT_HANDOVER_MAGIC;
	b->h->size = sizeof(struct boot_info);
	b->h->bi.info_start = pa;
	b->h->bi.info_end = pa + b->size;
	return EFI_SUCCESS;
}

static EFI_STATUS read_config(struct app_dir *d)
{
	struct uhv_cfg_error err;
	UINT8 *text;
	UINTN size, pages;
	EFI_STATUS st;
	int r;

	st = app_file_read(d, UHV_CFG_NAME, &text, &size, &pages);
	if (st == EFI_NOT_FOUND) {
		Print(L"%a: no %s\\%a: put one next to hypervisor.efi "
		      "(a 'cmdline = ...' line and a 'module = FILE' line a module)\n",
		      APP_NAME, d->path, UHV_CFG_NAME);
		return st;
	}
	if (EFI_ERROR(st)) {
		Print(L"%a: cannot read %s\\%a: %r\n", APP_NAME, d->path, UHV_CFG_NAME, st);
		return st;
	}
	r = uhv_cfg_parse((const char *)text, size, &cfg, &err);
	uefi_call_wrapper(BS->FreePages, 2, (EFI_PHYSICAL_ADDRESS)(UINTN)text, pages);
	if (r == 0)
		return EFI_SUCCESS;
	if (err.line)
		Print(L"%a: %s\\%a line %u: %a\n", APP_NAME, d->path, UHV_CFG_NAME,
		      err.line, err.msg);
	else
		Print(L"%a: %s\\%a: %a\n", APP_NAME, d->path, UHV_CFG_NAME, err.msg);
	return EFI_INVALID_PARAMETER;
}

static EFI_STATUS load_modules(struct app_dir *d, struct block *b)
{
	struct boot_info *bi = &b->h->bi;

	for (unsigned i = 0; i < cfg.module_count; i++) {
		const struct uhv_cfg_module *m = &cfg.modules[i];
		struct boot_module *bm = &bi->modules[i];
		UINT8 *buf;
		UINTN size, pages;
		EFI_STATUS st = app_file_read(d, m->name, &buf, &size, &pages);

		if (EFI_ERROR(st)) {
			Print(L"%a: %s\\%a line %u: module '%a': %a%r\n", APP_NAME, d->path,
			      UHV_CFG_NAME, m->line, m->name,
			      st == EFI_NOT_FOUND ? "no such file next to hypervisor.efi: " : "",
			      st);
			return st;
		}
		bm->start = (paddr_t)(UINTN)buf;
		bm->end = bm->start + size;
		bi->module_count++; /* from here release() frees it */
		bm->cmdline = block_str(b, m->name);
		if (!bm->cmdline) {
			Print(L"%a: boot information block full\n", APP_NAME);
			return EFI_OUT_OF_RESOURCES;
		}
	}
	return EFI_SUCCESS;
}

static EFI_STATUS fill_info(struct block *b)
{
	struct boot_info *bi = &b->h->bi;

	bi->cmdline = block_str(b, cfg.cmdline);
	bi->loader_name = block_str(b, APP_LOADER_NAME);
	if (!bi->cmdline || !bi->loader_name || b->used + RSDP_ROOM > b->size)
		return EFI_OUT_OF_RESOURCES;
	bi->efi_systab = (paddr_t)(UINTN)ST;
	bi->efi64 = true;
	b->used = ALIGN_UP(b->used, 16);
	handoff_find_rsdp(bi, b->base + b->used, RSDP_ROOM);
	b->used += RSDP_ROOM;
	handoff_find_framebuffer(bi);
	if (bi->rsdp)
		Print(L"%a: ACPI RSDP v%d (%u bytes) from the configuration table\n",
		      APP_NAME, bi->rsdp_v2 ? 2 : 1, bi->rsdp_len);
	if (bi->fb_addr)
		Print(L"%a: GOP framebuffer %ux%u, %u bytes a line, at 0x%lx\n", APP_NAME,
		      bi->fb_width, bi->fb_height, bi->fb_pitch, bi->fb_addr);
	else
		Print(L"%a: no linear GOP framebuffer\n", APP_NAME);
	return EFI_SUCCESS;
}

/* Pages are not the firmware's to reclaim when we return: give back the
 * modules and the block. */
static void release(struct block *b)
{
	const struct boot_info *bi = &b->h->bi;

	for (unsigned i = 0; i < bi->module_count; i++) {
		UINTN len = bi->modules[i].end - bi->modules[i].start;

		uefi_call_wrapper(BS->FreePages, 2, bi->modules[i].start,
				  EFI_SIZE_TO_PAGES(len ? len : 1));
	}
	uefi_call_wrapper(BS->FreePages, 2, (EFI_PHYSICAL_ADDRESS)(UINTN)b->base,
			  BLOCK_PAGES);
}

static void image_release(const struct hv_image *img)
{
	uefi_call_wrapper(BS->FreePages, 2, img->start,
			  (UINTN)((img->end - img->start) >> EFI_PAGE_SHIFT));
}

/* The hypervisor's range is taken first, before any allocation of ours
 * could land in it; the block and the modules go anywhere below 4 GiB. */
static EFI_STATUS boot(EFI_HANDLE image)
{
	struct app_dir d;
	struct block b;
	struct hv_image img;
	EFI_STATUS st;

	st = app_dir_open(image, &d);
	if (EFI_ERROR(st))
		return st;
	st = read_config(&d);
	if (!EFI_ERROR(st))
		st = hv_image_load(&img);
	if (EFI_ERROR(st)) {
		app_dir_close(&d);
		return st;
	}
	st = block_alloc(&b);
	if (EFI_ERROR(st)) {
		app_dir_close(&d);
		image_release(&img);
		return st;
	}
	st = load_modules(&d, &b);
	app_dir_close(&d);
	if (!EFI_ERROR(st))
		st = fill_info(&b);
	if (!EFI_ERROR(st)) {
		Print(L"%a: command line \"%a\", %u module(s)\n", APP_NAME,
		      cfg.cmdline, cfg.module_count);
		st = handoff_exit_and_jump(image, b.h, &img);
	}
	image_release(&img);
	release(&b);
	return st;
}

EFI_STATUS EFIAPI efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	EFI_STATUS st;

	InitializeLib(image, systab);
	Print(L"%a: uHV boot loader (hypervisor %a)\n", APP_NAME, HV_VERSION);
	st = boot(image);
	/* Only failures come back here; a short pause, so that the
	 * message can be read before the boot manager moves on. */
	Print(L"%a: not started (%r); returning to the firmware\n", APP_NAME, st);
	uefi_call_wrapper(BS->Stall, 1, STALL_ON_ERROR_US);
	return st;
}
