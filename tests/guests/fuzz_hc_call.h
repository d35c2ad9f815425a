/* fuzz_hc's VMCALL with every register chosen by the caller
 * (fuzz_hc_call.S): all 15 GPRs but RSP, the arithmetic and control
 * flags of RFLAGS and XMM0-15 are loaded from 'in', and everything the
 * CPU holds right after the VMCALL (GPRs, RSP, RFLAGS, the six segment
 * selectors, XMM0-15) is stored in 'out'.  RFLAGS is 0x2 again on
 * return. */
#ifndef FUZZ_HC_CALL_H
#define FUZZ_HC_CALL_H

/* GPR slots, in the order of the SDM's register numbers. */
#define FR_RAX 0
#define FR_RCX 1
#define FR_RDX 2
#define FR_RBX 3
#define FR_RSP 4
#define FR_RBP 5
#define FR_RSI 6
#define FR_RDI 7
#define FR_R8 8
#define FR_R10 10
#define FR_R9 9
#define FR_NGPR 16
#define FR_RFLAGS 128
#define FR_SEG 136 /* cs ds es fs gs ss, 16 bits each */
#define FR_XMM 160
#define FR_SIZE 416

#ifndef __ASSEMBLER__
#include <stdint.h>

struct hc_frame {
	uint64_t gpr[FR_NGPR];
	uint64_t rflags;
	uint16_t seg[6];
	uint32_t pad[3];
	uint64_t xmm[16][2];
};
_Static_assert(__builtin_offsetof(struct hc_frame, rflags) == FR_RFLAGS, "frame");
_Static_assert(__builtin_offsetof(struct hc_frame, seg) == FR_SEG, "frame");
_Static_assert(__builtin_offsetof(struct hc_frame, xmm) == FR_XMM, "frame");
_Static_assert(sizeof(struct hc_frame) == FR_SIZE, "frame");

struct hc_io {
	struct hc_frame in, out;
};

/* Returns the RSP the VMCALL ran with (out.gpr[FR_RSP] must equal it). */
uint64_t fuzz_hc_call(struct hc_io *io);
#endif

#endif
