/* ELF64 checks for the embedded hypervisor image (efi/hv_elf.h).  The
 * layouts are the System V gABI's, declared here: no libc <elf.h>. */
#include "efi/hv_elf.h"
#include "lib/boot_handover.h"

struct elf64_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

#define ELF_CLASS64 2
#define ELF_DATA_LSB 1
#define ELF_ET_EXEC 2
#define ELF_EM_X86_64 62
#define ELF_PT_LOAD 1
#define PAGE_MASK_4K 0xfffULL

static void copy_in(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (n--)
		*d++ = *s++;
}

static int check_header(const void *elf, size_t size, struct elf64_ehdr *eh,
			const char **err)
{
	if (size < sizeof(*eh)) {
		*err = "shorter than an ELF header";
		return -1;
	}
	copy_in(eh, elf, sizeof(*eh));
	if (eh->ident[0] != 0x7f || eh->ident[1] != 'E' || eh->ident[2] != 'L' ||
	    eh->ident[3] != 'F') {
		*err = "no ELF signature";
		return -1;
	}
	if (eh->ident[4] != ELF_CLASS64 || eh->ident[5] != ELF_DATA_LSB ||
	    eh->type != ELF_ET_EXEC || eh->machine != ELF_EM_X86_64) {
		*err = "not a little-endian ELF64 x86-64 executable";
		return -1;
	}
	if (eh->phentsize < sizeof(struct elf64_phdr) || !eh->phnum ||
	    eh->phoff > size ||
	    (size - eh->phoff) / eh->phentsize < eh->phnum) {
		*err = "program headers outside the file";
		return -1;
	}
	return 0;
}

static int add_segment(struct hv_elf_plan *plan, const struct elf64_phdr *ph,
		       size_t size, const char **err)
{
	struct hv_elf_segment *s;

	if (ph->filesz > ph->memsz || ph->offset > size ||
	    size - ph->offset < ph->filesz) {
		*err = "a segment's bytes lie outside the file";
		return -1;
	}
	if (ph->paddr > APP_LOAD_LIMIT || APP_LOAD_LIMIT - ph->paddr < ph->memsz) {
		*err = "a segment lies above 4 GiB";
		return -1;
	}
	if (plan->nseg == HV_ELF_MAX_SEGMENTS) {
		*err = "too many PT_LOAD segments";
		return -1;
	}
	s = &plan->seg[plan->nseg++];
	s->paddr = ph->paddr;
	s->offset = ph->offset;
	s->filesz = ph->filesz;
	s->memsz = ph->memsz;
	if (plan->nseg == 1 || ph->paddr < plan->start)
		plan->start = ph->paddr & ~PAGE_MASK_4K;
	if (plan->nseg == 1 || ph->paddr + ph->memsz > plan->end)
		plan->end = (ph->paddr + ph->memsz + PAGE_MASK_4K) & ~PAGE_MASK_4K;
	return 0;
}

int hv_elf_plan(const void *elf, size_t size, struct hv_elf_plan *plan,
		const char **err)
{
	struct elf64_ehdr eh;

	plan->nseg = 0;
	plan->start = plan->end = 0;
	if (check_header(elf, size, &eh, err))
		return -1;
	for (unsigned i = 0; i < eh.phnum; i++) {
		struct elf64_phdr ph;

		copy_in(&ph, (const uint8_t *)elf + eh.phoff + (uint64_t)i * eh.phentsize,
			sizeof(ph));
		if (ph.type != ELF_PT_LOAD || !ph.memsz)
			continue;
		if (add_segment(plan, &ph, size, err))
			return -1;
	}
	if (!plan->nseg) {
		*err = "no PT_LOAD segment";
		return -1;
	}
	return 0;
}

int hv_elf_find_entry(const void *image, const struct hv_elf_plan *plan,
		      uint64_t *entry, const char **err)
{
	uint64_t span = plan->end - plan->start;
	uint64_t limit = span < BOOT_ENTRY64_SEARCH ? span : BOOT_ENTRY64_SEARCH;

	for (uint64_t off = 0; off + sizeof(struct boot_entry64) <= limit; off += 8) {
		struct boot_entry64 rec;

		copy_in(&rec, (const uint8_t *)image + off, sizeof(rec));
		if (rec.sig != BOOT_ENTRY64_SIG)
			continue;
		if (rec.version != BOOT_ENTRY64_VERSION ||
		    rec.info_size != sizeof(struct boot_info)) {
			*err = "the image's boot_info entry record is of another version or struct boot_info size";
			return -1;
		}
		if (rec.entry < plan->start || rec.entry >= plan->end) {
			*err = "the image's 64-bit entry lies outside the image";
			return -1;
		}
		*entry = rec.entry;
		return 0;
	}
	*err = "no boot_info entry record in the image's first 32 KiB (not a uHV image?)";
	return -1;
}
