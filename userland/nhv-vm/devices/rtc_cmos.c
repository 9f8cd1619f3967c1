/*
 * rtc_cmos.c - the MC146818 real-time clock and its CMOS RAM (Motorola
 * MC146818A data sheet): index port base (bit 7, NMI disable, ignored),
 * data port base+1, 128 bytes.  The time is the host's UTC clock plus the
 * offset the guest set by writing the time registers; register B selects
 * BCD or binary and 12- or 24-hour format; register A's UIP bit is 1
 * during the last 244 us before each second ticks over.  While B.SET is 1
 * the clock reads what the guest writes and the offset is taken when SET
 * goes back to 0.  Register 0x32 holds the century (the FADT's CENTURY).
 *
 * Not emulated: the periodic, alarm and update-ended interrupts (no guest
 * here needs them: Linux reads the time once at boot), the divider chain
 * (register A bits 4-6 are stored but the clock always runs), daylight
 * saving (B.DSE stored, no effect).  Register C reads 0.
 */
#include "userland/nhv-vm/devices/devices.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#define REG_SEC		0x00
#define REG_MIN		0x02
#define REG_HOUR	0x04
#define REG_WDAY	0x06
#define REG_MDAY	0x07
#define REG_MON		0x08
#define REG_YEAR	0x09
#define REG_A		0x0a
#define REG_B		0x0b
#define REG_C		0x0c
#define REG_D		0x0d
#define REG_CENTURY	0x32

#define A_UIP		0x80
#define B_SET		0x80
#define B_DM_BINARY	0x04
#define B_24H		0x02
#define D_VRT		0x80
#define HOUR_PM		0x80

#define UIP_NS		244000	/* t_BUC, data sheet */

struct rtc_cmos {
	struct vm *vm;
	pthread_mutex_t lock;
	uint16_t base;
	uint8_t index;
	uint8_t ram[128];	/* alarms, A, B and the CMOS RAM proper; time fields are computed */
	int64_t offset;		/* guest time - host time, seconds */
	struct tm frozen;	/* the time while B.SET is 1 */
};

static uint8_t to_reg(const struct rtc_cmos *r, int v)
{
	unsigned int u = v < 0 ? 0 : (unsigned int)v;	/* a guest-set year before 0 AD */

	return (r->ram[REG_B] & B_DM_BINARY) ? (uint8_t)u : (uint8_t)((u / 10) << 4 | u % 10);
}

/* Register value to a number; invalid BCD digits decode as they are (garbage in, garbage out). */
static int from_reg(const struct rtc_cmos *r, uint8_t v)
{
	return (r->ram[REG_B] & B_DM_BINARY) ? v : (v >> 4) * 10 + (v & 0x0f);
}

static void now_tm(const struct rtc_cmos *r, struct tm *tm, long *nsec)
{
	struct timespec ts;
	time_t t;

	clock_gettime(CLOCK_REALTIME, &ts);
	t = ts.tv_sec + (time_t)r->offset;
	gmtime_r(&t, tm);
	*nsec = ts.tv_nsec;
}

static uint8_t hour_reg(const struct rtc_cmos *r, int hour)
{
	int h12;

	if (r->ram[REG_B] & B_24H)
		return to_reg(r, hour);
	h12 = hour % 12 == 0 ? 12 : hour % 12;
	return to_reg(r, h12) | (hour >= 12 ? HOUR_PM : 0);
}

static int hour_from_reg(const struct rtc_cmos *r, uint8_t v)
{
	int h;

	if (r->ram[REG_B] & B_24H)
		return from_reg(r, v);
	h = from_reg(r, v & 0x7f) % 12;
	return (v & HOUR_PM) ? h + 12 : h;
}

static uint8_t read_reg(struct rtc_cmos *r, uint8_t idx)
{
	struct tm tm;
	long nsec = 0;

	if (r->ram[REG_B] & B_SET)
		tm = r->frozen;
	else
		now_tm(r, &tm, &nsec);
	switch (idx) {
	case REG_SEC:
		return to_reg(r, tm.tm_sec > 59 ? 59 : tm.tm_sec);
	case REG_MIN:
		return to_reg(r, tm.tm_min);
	case REG_HOUR:
		return hour_reg(r, tm.tm_hour);
	case REG_WDAY:
		if (r->ram[REG_B] & B_SET)
			timegm(&tm);	/* the guest's date as written: derive its weekday */
		return to_reg(r, tm.tm_wday + 1);
	case REG_MDAY:
		return to_reg(r, tm.tm_mday);
	case REG_MON:
		return to_reg(r, tm.tm_mon + 1);
	case REG_YEAR:
		return to_reg(r, (tm.tm_year + 1900) % 100);
	case REG_CENTURY:
		return to_reg(r, (tm.tm_year + 1900) / 100);
	case REG_A:
		return (r->ram[REG_A] & 0x7f) |
		       (!(r->ram[REG_B] & B_SET) && nsec >= 1000000000L - UIP_NS ? A_UIP : 0);
	case REG_C:
		return 0;
	case REG_D:
		return D_VRT;
	}
	return r->ram[idx];
}

static void write_time(struct rtc_cmos *r, uint8_t idx, uint8_t v)
{
	struct tm tm;
	long nsec;
	int n = from_reg(r, v);

	if (r->ram[REG_B] & B_SET) {
		tm = r->frozen;
	} else {
		now_tm(r, &tm, &nsec);
	}
	switch (idx) {
	case REG_SEC:
		tm.tm_sec = n;
		break;
	case REG_MIN:
		tm.tm_min = n;
		break;
	case REG_HOUR:
		tm.tm_hour = hour_from_reg(r, v);
		break;
	case REG_WDAY:
		return;	/* derived from the date */
	case REG_MDAY:
		tm.tm_mday = n;
		break;
	case REG_MON:
		tm.tm_mon = n - 1;
		break;
	case REG_YEAR:
		tm.tm_year = (tm.tm_year + 1900) / 100 * 100 + n - 1900;
		break;
	case REG_CENTURY:
		tm.tm_year = n * 100 + (tm.tm_year + 1900) % 100 - 1900;
		break;
	}
	if (r->ram[REG_B] & B_SET) {
		r->frozen = tm;	/* normalized when SET is cleared */
	} else {
		time_t t = timegm(&tm);

		r->offset = (int64_t)t - (int64_t)time(NULL);
	}
}

static void write_reg(struct rtc_cmos *r, uint8_t idx, uint8_t v)
{
	long nsec;

	switch (idx) {
	case REG_SEC:
	case REG_MIN:
	case REG_HOUR:
	case REG_WDAY:
	case REG_MDAY:
	case REG_MON:
	case REG_YEAR:
	case REG_CENTURY:
		write_time(r, idx, v);
		return;
	case REG_A:
		r->ram[REG_A] = v & 0x7f;	/* UIP is read-only */
		return;
	case REG_B:
		if ((v & B_SET) && !(r->ram[REG_B] & B_SET)) {
			now_tm(r, &r->frozen, &nsec);
		} else if (!(v & B_SET) && (r->ram[REG_B] & B_SET)) {
			time_t t = timegm(&r->frozen);

			r->offset = (int64_t)t - (int64_t)time(NULL);
		}
		r->ram[REG_B] = v;
		return;
	case REG_C:
	case REG_D:
		return;	/* read-only */
	}
	r->ram[idx] = v;
}

static void rtc_io(void *dev, uint16_t port, int is_write, uint32_t *data, unsigned int size)
{
	struct rtc_cmos *r = dev;

	(void)size;	/* byte registers: wider accesses use the low byte */
	pthread_mutex_lock(&r->lock);
	if (port == r->base) {
		if (is_write)
			r->index = *data & 0x7f;	/* bit 7 is the NMI mask, not ours */
		else
			*data = 0xff;	/* the index port is write-only */
	} else if (is_write) {
		write_reg(r, r->index, (uint8_t)*data);
	} else {
		*data = read_reg(r, r->index);
	}
	pthread_mutex_unlock(&r->lock);
}

/* Clock registers as a PC firmware leaves them: 32.768 kHz, 24-hour BCD. */
static void rtc_reset(void *dev)
{
	struct rtc_cmos *r = dev;

	pthread_mutex_lock(&r->lock);
	r->index = 0;
	r->ram[REG_A] = 0x26;
	r->ram[REG_B] = B_24H;
	pthread_mutex_unlock(&r->lock);
}

/*
 * The memory sizes a PC BIOS leaves in CMOS (the QEMU/Bochs layout): base
 * memory in KiB (0x15), extended memory above 1 MiB in KiB up to 63 MiB
 * (0x17, 0x30), memory above 16 MiB below 4 GiB in 64 KiB units (0x34),
 * memory above 4 GiB in 64 KiB units (0x5b-0x5d).  Some test kernels read
 * these instead of an e820 map.
 */
static void set_memory_sizes(struct rtc_cmos *r, uint64_t ram, uint64_t below_4g)
{
	uint64_t ext_kib = below_4g > (1 << 20) ? (below_4g - (1 << 20)) / 1024 : 0;
	uint64_t above16 = below_4g > (16 << 20) ? (below_4g - (16 << 20)) / 65536 : 0;
	uint64_t above4g = ram > below_4g ? (ram - below_4g) / 65536 : 0;

	if (ext_kib > 0xfc00)
		ext_kib = 0xfc00;
	if (above16 > 0xffff)
		above16 = 0xffff;
	r->ram[0x15] = 640 & 0xff;
	r->ram[0x16] = 640 >> 8;
	r->ram[0x17] = r->ram[0x30] = (uint8_t)ext_kib;
	r->ram[0x18] = r->ram[0x31] = (uint8_t)(ext_kib >> 8);
	r->ram[0x34] = (uint8_t)above16;
	r->ram[0x35] = (uint8_t)(above16 >> 8);
	r->ram[0x5b] = (uint8_t)above4g;
	r->ram[0x5c] = (uint8_t)(above4g >> 8);
	r->ram[0x5d] = (uint8_t)(above4g >> 16);
}

int rtc_cmos_create(struct vm *vm, uint16_t base, uint64_t ram_below_4g)
{
	struct rtc_cmos *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return -1;
	r->vm = vm;
	r->base = base;
	pthread_mutex_init(&r->lock, NULL);
	set_memory_sizes(r, vm_ram_size(vm), ram_below_4g);
	rtc_reset(r);
	if (bus_register_io(vm, base, 2, rtc_io, r, "rtc_cmos") < 0) {
		pthread_mutex_destroy(&r->lock);
		free(r);
		return -1;
	}
	vm_on_reset(vm, rtc_reset, r);
	return 0;
}
