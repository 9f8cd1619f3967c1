/*
 * test-devices-rtc.c - the MC146818 model: the host clock in BCD and
 * binary, 12- and 24-hour formats, setting the time through B.SET, UIP,
 * CMOS RAM and memory-size bytes, hostile index and data values.
 */
#include "tests/lib/tap.h"
#include "tests/nhv-vm/fakevm.h"
#include "userland/nhv-vm/devices/devices.h"

#include <time.h>

static struct vm *vm;

static uint8_t rd(uint8_t idx)
{
	fake_out(vm, 0x70, idx, 1);
	return (uint8_t)fake_in(vm, 0x71, 1);
}

static void wr(uint8_t idx, uint8_t val)
{
	fake_out(vm, 0x70, idx, 1);
	fake_out(vm, 0x71, val, 1);
}

static int bcd(uint8_t v)
{
	return (v >> 4) * 10 + (v & 15);
}

/* The RTC's time as seconds since 1970, in the current format. */
static time_t rtc_time(void)
{
	int binary = rd(0x0b) & 4, h24 = rd(0x0b) & 2;
	struct tm tm = { 0 };
	uint8_t sec;
	int hour;

	do {
		sec = rd(0x00);
		tm.tm_min = binary ? rd(0x02) : bcd(rd(0x02));
		hour = rd(0x04);
		tm.tm_mday = binary ? rd(0x07) : bcd(rd(0x07));
		tm.tm_mon = (binary ? rd(0x08) : bcd(rd(0x08))) - 1;
		tm.tm_year = (binary ? rd(0x32) * 100 + rd(0x09) : bcd(rd(0x32)) * 100 + bcd(rd(0x09))) - 1900;
	} while (sec != rd(0x00));
	tm.tm_sec = binary ? sec : bcd(sec);
	if (h24) {
		tm.tm_hour = binary ? hour : bcd((uint8_t)hour);
	} else {
		int h = (binary ? (hour & 0x7f) : bcd(hour & 0x7f)) % 12;

		tm.tm_hour = (hour & 0x80) ? h + 12 : h;
	}
	return timegm(&tm);
}

static uint8_t enc(int v)
{
	return (rd(0x0b) & 4) ? (uint8_t)v : (uint8_t)((v / 10) << 4 | v % 10);
}

/* hour is given as the register holds it (12-hour and BCD are the caller's). */
static void set_time(int year, int mon, int mday, uint8_t hour, int min, int sec)
{
	wr(0x0b, rd(0x0b) | 0x80);
	wr(0x32, enc(year / 100));
	wr(0x09, enc(year % 100));
	wr(0x08, enc(mon));
	wr(0x07, enc(mday));
	wr(0x04, hour);
	wr(0x02, enc(min));
	wr(0x00, enc(sec));
	wr(0x0b, rd(0x0b) & 0x7f);
}

static long long llabs_diff(time_t a, time_t b)
{
	return a > b ? (long long)(a - b) : (long long)(b - a);
}

int main(void)
{
	struct timespec t0, t1;
	time_t host, got;
	int uip = 0, cleared = 0;

	vm = fake_vm_new(256ull << 20);
	tap_is_int(rtc_cmos_create(vm, 0x70, 256ull << 20), 0, "rtc_cmos_create");
	tap_is_int(rd(0x0a), 0x26, "register A: 32.768 kHz divider, 1024 Hz rate");
	tap_is_int(rd(0x0b), 0x02, "register B: 24-hour BCD");
	tap_is_int(rd(0x0d), 0x80, "register D: valid RAM and time");
	tap_is_int(bcd(rd(0x32)), 20, "century register");

	host = time(NULL);
	got = rtc_time();
	tap_ok(llabs_diff(got, host) <= 2, "BCD time is the host's UTC time (rtc %lld, host %lld)", (long long)got, (long long)host);
	wr(0x0b, 0x06);
	got = rtc_time();
	tap_ok(llabs_diff(got, time(NULL)) <= 2, "binary time is the host's UTC time (rtc %lld)", (long long)got);

	set_time(2031, 12, 31, 23, 59, 58);
	got = rtc_time();
	tap_ok(got - (time_t)1956527998 >= 0 && got - (time_t)1956527998 <= 2, "set in binary: 2031-12-31 23:59:58 (got %lld)", (long long)got);
	wr(0x0b, 0x02);
	set_time(2024, 2, 29, 0x13, 5, 0);
	wr(0x0b, 0x82);
	tap_is_int(rd(0x04), 0x13, "while SET, hours read as written");
	tap_is_int(rd(0x06), 5, "day of week derived from the date (2024-02-29 was a Thursday)");
	wr(0x0b, 0x80 | 0x00);
	tap_is_int(rd(0x04), 0x81, "12-hour BCD: 13h reads 1 PM (0x81)");
	wr(0x04, 0x12);
	wr(0x0b, 0x02 | 0x80);
	tap_is_int(rd(0x04), 0x00, "12 AM written in 12-hour mode is 00 in 24-hour mode");
	wr(0x0b, 0x02);
	got = rtc_time();
	tap_ok(got - (time_t)1709165100 >= 0 && got - (time_t)1709165100 <= 2, "set in BCD through SET: 2024-02-29 00:05:00 (got %lld)", (long long)got);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		uint8_t a = rd(0x0a);

		if (a & 0x80)
			uip = 1;
		else if (uip)
			cleared = 1;
		clock_gettime(CLOCK_MONOTONIC, &t1);
	} while (!cleared && t1.tv_sec - t0.tv_sec < 5);
	tap_ok(uip && cleared, "UIP rises before a second ticks and falls again (seen %d, cleared %d)", uip, cleared);

	wr(0x0a, 0xff);
	tap_is_int(rd(0x0a) & 0x7f, 0x7f, "register A low bits writable");
	wr(0x0a, 0x26);
	tap_is_int(rd(0x0c), 0, "register C reads 0 (no interrupt sources)");
	wr(0x0d, 0);
	tap_is_int(rd(0x0d), 0x80, "register D is read-only");
	wr(0x40, 0xa5);
	tap_is_int(rd(0xc0), 0xa5, "CMOS RAM byte; index bit 7 (NMI disable) ignored");
	tap_is_int(fake_in(vm, 0x70, 1), 0xff, "the index port reads 0xff");
	tap_ok(rd(0x15) == 0x80 && rd(0x16) == 0x02, "base memory 640 KiB");
	tap_ok(rd(0x17) == 0x00 && rd(0x18) == 0xfc && rd(0x30) == 0x00 && rd(0x31) == 0xfc,
	       "extended memory capped at 63 MiB");
	tap_ok(rd(0x34) == 0x00 && rd(0x35) == 0x0f, "memory above 16 MiB: 240 MiB in 64 KiB units");

	wr(0x0b, 0x80);
	wr(0x09, 0xff);
	wr(0x08, 0xee);
	wr(0x07, 0x00);
	wr(0x04, 0xff);
	wr(0x32, 0xff);
	wr(0x0b, 0x00);
	for (unsigned int i = 0; i < 256; i++)
		(void)rd((uint8_t)i);
	wr(0x0b, 0x84);
	wr(0x32, 0);
	wr(0x09, 0);
	for (unsigned int i = 0; i < 256; i++)
		(void)rd((uint8_t)i);
	wr(0x0b, 0x02);
	tap_ok(rd(0x0d) == 0x80, "invalid BCD digits, year 0 and 12-hour garbage did not break the device");
	set_time(2030, 6, 15, 0x12, 0, 0);
	got = rtc_time();
	tap_ok(got - (time_t)1907755200 >= 0 && got - (time_t)1907755200 <= 2, "the time can be set again after garbage (got %lld)", (long long)got);
	fake_vm_reset(vm);
	tap_is_int(rd(0x0b), 0x02, "reset restores register B");
	tap_is_int(rd(0x40), 0xa5, "CMOS RAM survives a reset");
	fake_vm_free(vm);
	return tap_done();
}
