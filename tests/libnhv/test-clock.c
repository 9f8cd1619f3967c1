/* test-clock.c - mono_s and mono_ms (userland/lib/clock.c). */
#include <time.h>

#include "userland/lib/clock.h"
#include "userland/lib/tap.h"

int main(void)
{
	struct timespec nap = { 0, 30 * 1000000 };
	double s0 = mono_s(), s1;
	long long m0 = mono_ms(), m1;

	nanosleep(&nap, NULL);
	s1 = mono_s();
	m1 = mono_ms();
	tap_ok(s1 - s0 >= 0.029, "mono_s advances across a 30 ms sleep (%.6f s)", s1 - s0);
	tap_ok(m1 - m0 >= 29, "mono_ms advances across a 30 ms sleep (%lld ms)", m1 - m0);
	tap_ok(m1 >= (long long)(s1 * 1000) && m0 <= (long long)(s1 * 1000),
	       "both read the same clock (%lld ms read after %.3f s)", m1, s1);
	tap_ok(mono_s() >= s1, "mono_s does not go back");
	return tap_done();
}
