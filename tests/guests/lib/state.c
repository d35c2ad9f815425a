/* Data the entry stub fills in, and build-time checks of the offsets it
 * uses (lib/layout.h). */
#include <stddef.h>

#include "lib/guest_rt.h"
#include "lib/layout.h"

/* In .data, not .bss: written before the entry stub clears .bss. */
struct entry_state entry_state __attribute__((section(".data")));
const struct hv_start_info *start_info;

_Static_assert(offsetof(struct entry_state, rdi) == ES_RDI &&
		       offsetof(struct entry_state, rsp) == ES_RSP &&
		       offsetof(struct entry_state, rflags) == ES_RFLAGS &&
		       offsetof(struct entry_state, cr0) == ES_CR0 &&
		       offsetof(struct entry_state, cr3) == ES_CR3 &&
		       offsetof(struct entry_state, cr4) == ES_CR4 &&
		       offsetof(struct entry_state, cs) == ES_CS &&
		       offsetof(struct entry_state, ds) == ES_DS &&
		       offsetof(struct entry_state, es) == ES_ES &&
		       offsetof(struct entry_state, ss) == ES_SS &&
		       offsetof(struct entry_state, fs) == ES_FS &&
		       offsetof(struct entry_state, gs) == ES_GS &&
		       offsetof(struct entry_state, gdtr) == ES_GDTR &&
		       offsetof(struct entry_state, idtr) == ES_IDTR &&
		       sizeof(struct entry_state) == ES_SIZE,
	       "entry.S offsets");
