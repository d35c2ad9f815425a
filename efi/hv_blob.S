/* The hypervisor's ELF image (debug sections stripped), carried inside
 * hypervisor.efi so that one file is all an ESP needs besides uhv.cfg
 * and the modules.  HV_ELF_BLOB is its path, given by the Makefile. */
	.section .rodata, "a"
	.balign 16
	.globl hv_elf_start, hv_elf_end
	.hidden hv_elf_start, hv_elf_end
hv_elf_start:
	.incbin HV_ELF_BLOB
hv_elf_end:

	.section .note.GNU-stack, "", @progbits
