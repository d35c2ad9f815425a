/* ELF32/ELF64 and a.out-kludge kernel images for the Multiboot loader (see
 * mb_elf.h).  Facts from the ELF format (System V ABI, x86 and x86-64
 * supplements) and the Multiboot 0.6.96 and Multiboot2 2.0 specifications. */
#include "guest/load/mb_elf.h"
#include "lib/errno.h"
#include "lib/string.h"

/* ---- ELF (System V ABI, x86 and x86-64 supplements) --------------------- */

#define EI_NIDENT 16
#define ELFCLASS32 1
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1
#define ET_EXEC 2
#define EM_386 3
#define EM_X86_64 62
#define PT_LOAD 1

struct elf_ident {
	uint8_t magic[4], class, data, version, pad[9];
};

struct elf32_ehdr {
	struct elf_ident id;
	uint16_t type, machine;
	uint32_t version, entry, phoff, shoff, flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_ehdr {
	struct elf_ident id;
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf32_phdr {
	uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

_Static_assert(sizeof(struct elf_ident) == EI_NIDENT, "e_ident");
_Static_assert(sizeof(struct elf32_ehdr) == 52, "ELF32 header");
_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 header");
_Static_assert(sizeof(struct elf32_phdr) == 32, "ELF32 phdr");
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF64 phdr");

/* ---- segments ----------------------------------------------------------- */

static int add_seg(const struct ctx *c, struct kimage *k, uint64_t off,
		   uint64_t filesz, uint64_t paddr, uint64_t memsz)
{
	if (!memsz)
		return 0;
	if (k->nseg == MB_MAX_SEGMENTS)
		return mb_fail(c, "more than %u loadable segments", MB_MAX_SEGMENTS);
	if (filesz > memsz)
		return mb_fail(c, "segment at 0x%llx has more file bytes (0x%llx) than memory (0x%llx)",
			       (unsigned long long)paddr, (unsigned long long)filesz,
			       (unsigned long long)memsz);
	if (!in_image(c, off, filesz))
		return mb_fail(c, "segment at 0x%llx: file bytes [0x%llx, +0x%llx) run past the image end (0x%zx)",
			       (unsigned long long)paddr, (unsigned long long)off,
			       (unsigned long long)filesz, c->size);
	if (paddr >= GUEST_4G || memsz > GUEST_4G - paddr)
		return mb_fail(c, "segment [0x%llx, +0x%llx) does not lie below 4 GiB",
			       (unsigned long long)paddr, (unsigned long long)memsz);
	k->seg[k->nseg++] = (struct seg){ off, filesz, paddr, memsz };
	return 0;
}

/* ---- ELF ---------------------------------------------------------------- */

/* The program headers, each widened to the ELF64 form. */
struct elf_info {
	unsigned class;
	uint64_t entry, phoff;
	uint16_t phentsize, phnum;
};

static int elf_header(const struct ctx *c, struct elf_info *e)
{
	struct elf_ident id;
	struct elf32_ehdr h32;
	struct elf64_ehdr h64;

	if (c->size < sizeof(id))
		return mb_fail(c, "image of %zu bytes is too small for an ELF header", c->size);
	memcpy(&id, c->img, sizeof(id));
	if (memcmp(id.magic, "\177ELF", 4))
		return mb_fail(c, "not an ELF file and no a.out-kludge address fields in the header");
	if (id.data != ELFDATA2LSB || id.version != EV_CURRENT ||
	    (id.class != ELFCLASS32 && id.class != ELFCLASS64))
		return mb_fail(c, "ELF class %u, data %u, version %u: not little-endian ELF32/ELF64",
			       id.class, id.data, id.version);
	e->class = id.class;
	if (id.class == ELFCLASS32) {
		if (c->size < sizeof(h32))
			return mb_fail(c, "ELF32 header cut off by the image end");
		memcpy(&h32, c->img, sizeof(h32));
		if (h32.type != ET_EXEC || h32.machine != EM_386)
			return mb_fail(c, "ELF32 type %u machine %u: not an i386 executable",
				       h32.type, h32.machine);
		*e = (struct elf_info){ ELFCLASS32, h32.entry, h32.phoff,
					h32.phentsize, h32.phnum };
		return 0;
	}
	if (c->size < sizeof(h64))
		return mb_fail(c, "ELF64 header cut off by the image end");
	memcpy(&h64, c->img, sizeof(h64));
	if (h64.type != ET_EXEC || h64.machine != EM_X86_64)
		return mb_fail(c, "ELF64 type %u machine %u: not an x86-64 executable",
			       h64.type, h64.machine);
	*e = (struct elf_info){ ELFCLASS64, h64.entry, h64.phoff, h64.phentsize,
				h64.phnum };
	return 0;
}

static void elf_phdr(const struct ctx *c, const struct elf_info *e, unsigned i,
		     struct elf64_phdr *ph)
{
	const uint8_t *p = c->img + e->phoff + (uint64_t)i * e->phentsize;
	struct elf32_phdr p32;

	if (e->class == ELFCLASS64) {
		memcpy(ph, p, sizeof(*ph));
		return;
	}
	memcpy(&p32, p, sizeof(p32));
	*ph = (struct elf64_phdr){
		.type = p32.type, .flags = p32.flags, .offset = p32.offset,
		.vaddr = p32.vaddr, .paddr = p32.paddr, .filesz = p32.filesz,
		.memsz = p32.memsz, .align = p32.align,
	};
}

/* PT_LOAD segments at their physical addresses; the entry point, a
 * virtual address, goes through the segment that holds it. */
int mb_elf_load_info(const struct ctx *c, struct kimage *k)
{
	struct elf_info e = { 0 };
	size_t phsize;
	uint64_t entry = 0;
	bool entry_found = false;

	if (elf_header(c, &e))
		return -EINVAL;
	phsize = e.class == ELFCLASS64 ? sizeof(struct elf64_phdr) :
					 sizeof(struct elf32_phdr);
	if (!e.phnum || e.phentsize < phsize)
		return mb_fail(c, "ELF has %u program headers of %u bytes (at least %zu needed)",
			       e.phnum, e.phentsize, phsize);
	if (!in_image(c, e.phoff, (uint64_t)e.phnum * e.phentsize))
		return mb_fail(c, "ELF program headers [0x%llx, +%u * %u) run past the image end",
			       (unsigned long long)e.phoff, e.phnum, e.phentsize);
	for (unsigned i = 0; i < e.phnum; i++) {
		struct elf64_phdr ph;

		elf_phdr(c, &e, i, &ph);
		if (ph.type != PT_LOAD)
			continue;
		if (add_seg(c, k, ph.offset, ph.filesz, ph.paddr, ph.memsz))
			return -EINVAL;
		if (!entry_found && ph.memsz && e.entry >= ph.vaddr &&
		    e.entry - ph.vaddr < ph.memsz) {
			entry = e.entry - ph.vaddr + ph.paddr;
			entry_found = true;
		}
	}
	if (!k->nseg)
		return mb_fail(c, "ELF has no loadable segment");
	if (!k->has_entry)
		k->entry = entry_found ? entry : e.entry;
	return 0;
}

/* ---- a.out kludge: one range from the header's address fields ----------- */

int mb_aout_load_info(const struct ctx *c, struct kimage *k, uint64_t hdr_off,
		      uint32_t header_addr, uint32_t load_addr,
		      uint32_t load_end, uint32_t bss_end)
{
	uint64_t off, filesz, memsz;

	if (load_addr > header_addr || header_addr - load_addr > hdr_off)
		return mb_fail(c, "address fields: load_addr 0x%x and header_addr 0x%x put the load start before the file start",
			       load_addr, header_addr);
	off = hdr_off - (header_addr - load_addr);
	if (load_end && load_end <= load_addr)
		return mb_fail(c, "address fields: load_end_addr 0x%x is not above load_addr 0x%x",
			       load_end, load_addr);
	filesz = load_end ? (uint64_t)load_end - load_addr : c->size - off;
	if (!in_image(c, off, filesz))
		return mb_fail(c, "address fields: [0x%x, 0x%x) needs file bytes past the image end",
			       load_addr, (uint32_t)(load_addr + filesz));
	if (bss_end && bss_end < load_addr + filesz)
		return mb_fail(c, "address fields: bss_end_addr 0x%x is below the loaded end 0x%llx",
			       bss_end, (unsigned long long)(load_addr + filesz));
	/* Not empty: the header itself lies in [off, off + filesz). */
	memsz = bss_end ? (uint64_t)bss_end - load_addr : filesz;
	return add_seg(c, k, off, filesz, load_addr, memsz);
}
