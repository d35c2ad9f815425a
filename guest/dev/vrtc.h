/* Virtual MC146818-style RTC and CMOS RAM behind ports 0x70 (index, bit 7
 * masks NMI) and 0x71 (data).  The clock is a fixed epoch (Unix seconds at
 * init) plus the TSC read through now(); the guest may set it (SET bit).
 * Registers A-D with UIP, BCD or binary and 12/24-hour per register B,
 * the ACPI century byte at 0x32; no interrupts (register C reports the
 * update-ended flag for pollers).
 *
 * Not thread-safe: the caller serialises all calls. */
#ifndef GUEST_VRTC_H
#define GUEST_VRTC_H

#include "lib/types.h"

#define VRTC_PORT_INDEX 0x70
#define VRTC_PORT_DATA 0x71

/* Register indexes. */
enum {
	RTC_SEC = 0x00,
	RTC_SEC_ALARM = 0x01,
	RTC_MIN = 0x02,
	RTC_MIN_ALARM = 0x03,
	RTC_HOUR = 0x04,
	RTC_HOUR_ALARM = 0x05,
	RTC_WDAY = 0x06, /* 1 = Sunday */
	RTC_MDAY = 0x07,
	RTC_MONTH = 0x08,
	RTC_YEAR = 0x09,
	RTC_REG_A = 0x0a,
	RTC_REG_B = 0x0b,
	RTC_REG_C = 0x0c,
	RTC_REG_D = 0x0d,
	RTC_CENTURY = 0x32,
	RTC_CMOS_SIZE = 0x80,
};

#define RTC_A_UIP 0x80
#define RTC_B_SET 0x80
#define RTC_B_UIE 0x10
#define RTC_B_BINARY 0x04
#define RTC_B_24H 0x02
#define RTC_C_IRQF 0x80
#define RTC_C_UF 0x10
#define RTC_D_VRT 0x80

struct vrtc {
	uint64_t (*now)(void *ctx);
	void *ctx;
	uint64_t tsc_hz;
	uint64_t origin;    /* TSC at which the clock read 'base' */
	int64_t base;       /* Unix seconds at 'origin' */
	uint8_t index;
	bool nmi_masked;
	int64_t last_uf;    /* second at which register C was last read */
	uint8_t cmos[RTC_CMOS_SIZE]; /* RAM; time bytes only while SET */
};

void vrtc_init(struct vrtc *rtc, uint64_t (*now)(void *ctx), void *ctx,
	       uint64_t tsc_hz, int64_t epoch);
/* Preset a CMOS RAM byte (index 0x0e-0x7f), e.g. memory sizes. */
void vrtc_cmos_set(struct vrtc *rtc, uint8_t index, uint8_t val);
/* Unix seconds now, as the guest's clock has it. */
int64_t vrtc_time(const struct vrtc *rtc);

uint8_t vrtc_io_read(struct vrtc *rtc, uint16_t port);
void vrtc_io_write(struct vrtc *rtc, uint16_t port, uint8_t val);

#endif
