/* Files of the directory hypervisor.efi was loaded from. */
#include "efi/app.h"

/* The file path of a loaded image is a chain of file-path nodes, e.g.
 * \EFI\BOOT\BOOTX64.EFI; its directory is all but the last component. */
static void image_dir_path(EFI_LOADED_IMAGE *li, CHAR16 *out, UINTN cap)
{
	CHAR16 *full = li->FilePath ? DevicePathToStr(li->FilePath) : NULL;
	UINTN n = 0, last = 0;

	out[0] = 0;
	if (!full)
		return;
	for (UINTN i = 0; full[i] && n + 1 < cap; i++) {
		CHAR16 c = full[i] == L'/' ? L'\\' : full[i];

		/* Nodes may be joined with a separator of their own. */
		if (c == L'\\' && n && out[n - 1] == L'\\')
			continue;
		if (c == L'\\')
			last = n;
		out[n++] = c;
	}
	out[last] = 0;
	FreePool(full);
}

EFI_STATUS app_dir_open(EFI_HANDLE image, struct app_dir *d)
{
	EFI_LOADED_IMAGE *li = NULL;
	EFI_FILE_HANDLE root;
	EFI_STATUS st;

	d->dir = NULL;
	d->path[0] = 0;
	st = uefi_call_wrapper(BS->HandleProtocol, 3, image, &LoadedImageProtocol,
			       (void **)&li);
	if (EFI_ERROR(st)) {
		Print(L"%a: no loaded-image protocol on our own handle: %r\n", APP_NAME, st);
		return st;
	}
	root = LibOpenRoot(li->DeviceHandle);
	if (!root) {
		Print(L"%a: cannot open the file system hypervisor.efi was loaded from "
		      "(started from the network or a firmware volume?)\n", APP_NAME);
		return EFI_NOT_FOUND;
	}
	image_dir_path(li, d->path, ARRAY_SIZE(d->path));
	/* Loaded from the root: messages print d->path, then \NAME. */
	if (!d->path[0]) {
		d->dir = root;
		return EFI_SUCCESS;
	}
	st = uefi_call_wrapper(root->Open, 5, root, &d->dir, d->path,
			       EFI_FILE_MODE_READ, 0);
	uefi_call_wrapper(root->Close, 1, root);
	if (EFI_ERROR(st))
		Print(L"%a: cannot open its directory %s: %r\n", APP_NAME, d->path, st);
	return st;
}

void app_dir_close(struct app_dir *d)
{
	if (d->dir)
		uefi_call_wrapper(d->dir->Close, 1, d->dir);
	d->dir = NULL;
}

static EFI_STATUS read_all(EFI_FILE_HANDLE fh, UINT8 *buf, UINTN size)
{
	while (size) {
		UINTN n = size;
		EFI_STATUS st = uefi_call_wrapper(fh->Read, 3, fh, &n, buf);

		if (EFI_ERROR(st))
			return st;
		if (!n)
			return EFI_END_OF_FILE;
		buf += n;
		size -= n;
	}
	return EFI_SUCCESS;
}

EFI_STATUS app_file_read(struct app_dir *d, const char *name, UINT8 **buf,
			 UINTN *size, UINTN *pages)
{
	CHAR16 wname[UHV_CFG_NAME_MAX];
	EFI_FILE_HANDLE fh;
	EFI_FILE_INFO *info;
	EFI_PHYSICAL_ADDRESS pa = APP_MAX_ADDR;
	EFI_STATUS st;
	UINTN i;

	for (i = 0; name[i] && i + 1 < ARRAY_SIZE(wname); i++)
		wname[i] = (CHAR16)(unsigned char)name[i];
	wname[i] = 0;
	st = uefi_call_wrapper(d->dir->Open, 5, d->dir, &fh, wname,
			       EFI_FILE_MODE_READ, 0);
	if (EFI_ERROR(st))
		return st;
	info = LibFileInfo(fh);
	if (!info) {
		uefi_call_wrapper(fh->Close, 1, fh);
		return EFI_DEVICE_ERROR;
	}
	*size = info->FileSize;
	FreePool(info);
	*pages = EFI_SIZE_TO_PAGES(*size ? *size : 1);
	st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateMaxAddress,
			       EfiLoaderData, *pages, &pa);
	if (!EFI_ERROR(st)) {
		*buf = (UINT8 *)(UINTN)pa;
		st = read_all(fh, *buf, *size);
		if (EFI_ERROR(st))
			uefi_call_wrapper(BS->FreePages, 2, pa, *pages);
	}
	uefi_call_wrapper(fh->Close, 1, fh);
	return st;
}
