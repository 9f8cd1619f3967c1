/*
 * random.c - random bytes as guest code, in real, protected and long mode,
 * with random registers and random injected interrupts.  Whatever the guest
 * does, the vCPU must end in an orderly exit (or be interrupted by our
 * timer), and nhv must still run a good guest afterwards.  The vCPU is kept
 * from run to run, so APIC state (timers armed by random code) carries over.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include "userland/lib/nhvdev.h"
#include "userland/lib/tap.h"
#include "guests.h"
#include "selftest.h"

static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void fill(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)rng();
}

static void on_alarm(int sig)
{
	(void)sig;
}

void test_random(int sysfd, int iterations)
{
	static const char *const modes[] = { "real", "protected", "long" };
	struct itimerval it = { { 0, 0 }, { 0, 20000 } };
	struct sigaction sa;
	unsigned int counts[16] = { 0 };
	uint16_t ports[] = { 0x10, 0x11, 0x12, 0x20, 0x60, 0x64, 0x70, 0x3f8 };
	struct nhv_regs r;
	struct tvm vm;
	int i, j, x = 0, bad = 0, other = 0;

	rng_state = (uint64_t)time(NULL) * 2654435761u | 1;
	tap_diag("random guest code: seed %#llx, %d runs",
		 (unsigned long long)rng_state, iterations);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;	/* no SA_RESTART: NHV_RUN returns EINTR */
	sigaction(SIGALRM, &sa, NULL);

	if (tvm_create(&vm, sysfd, 2u << 20)) {
		tap_ok(0, "create a VM for random code");
		return;
	}
	tvm_io_ports(&vm, ports, sizeof(ports) / sizeof(ports[0]));
	for (i = 0; i < iterations; i++) {
		enum tmode mode = (enum tmode)(i % 3);

		fill(vm.mem, 0x2000);
		fill(vm.mem + 0x6000, 0x10000 - 0x6000);
		if (tvm_setup(&vm, mode, GUEST_CODE)) {
			bad++;
			continue;
		}
		tvm_get_regs(&vm, &r);
		for (j = 0; j < 16; j++)
			if (j != NHV_RSP)
				r.gpr[j] = rng();
		/* Half the runs aim registers at the local APIC's registers. */
		for (j = 0; j < 4 && rng() % 2; j++) {
			int k = rng() % 16;

			if (k != NHV_RSP)
				r.gpr[k] = 0xfee00000u + (rng() & 0x3ff);
		}
		tvm_set_regs(&vm, &r);
		if (rng() % 4 == 0) {
			struct nhv_interrupt in = { 32 + rng() % 224, 0 };

			ioctl(vm.cpufd, NHV_INTERRUPT, &in);
		}
		setitimer(ITIMER_REAL, &it, NULL);
		for (j = 0; j < 64; j++) {
			x = tvm_run(&vm);
			if (x == NHV_EXIT_IO) {
				vm.run->io.data = (uint32_t)rng();
			} else if (x == NHV_EXIT_MMIO) {
				vm.run->mmio.data = rng();
			} else if (x != NHV_EXIT_IPI) {
				break;
			}
		}
		setitimer(ITIMER_REAL, &(struct itimerval){ { 0, 0 }, { 0, 0 } }, NULL);
		if (x == -EINTR)
			x = NHV_EXIT_INTR;
		if (x >= 0 && x < 16)
			counts[x]++;
		else
			other++;
		(void)modes;
	}
	tvm_destroy(&vm);
	tap_diag("random code ended in: hlt %u, shutdown %u, internal %u, fail-entry %u, timer %u, io/mmio loops %u, other %d",
		 counts[NHV_EXIT_HLT], counts[NHV_EXIT_SHUTDOWN],
		 counts[NHV_EXIT_INTERNAL], counts[NHV_EXIT_FAIL_ENTRY],
		 counts[NHV_EXIT_INTR], counts[NHV_EXIT_IO] + counts[NHV_EXIT_MMIO],
		 other);
	tap_ok(bad == 0 && other == 0,
	       "%d runs of random guest code all ended in an orderly exit", iterations);

	/* nhv still works afterwards. */
	if (tvm_create(&vm, sysfd, 2u << 20) == 0) {
		tvm_load(&vm, GUEST_CODE, g_cpuid_real.start, GUEST_SIZE(g_cpuid_real));
		tvm_setup(&vm, MODE_REAL, GUEST_CODE);
		x = tvm_run(&vm);
		tap_is_int(x, NHV_EXIT_HLT, "a good guest still runs after the random ones");
		tvm_destroy(&vm);
	} else {
		tap_ok(0, "a good guest still runs after the random ones");
	}
}
