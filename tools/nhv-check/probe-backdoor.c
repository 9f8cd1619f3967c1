/*
 * probe-backdoor.c - the VMware backdoor (reference/vmware-backdoor.md):
 * IN EAX,DX on port 0x5658 with EAX = 0x564D5868 ("VMXh").
 *
 * Safe on any host: we ask for the ports with ioperm() (root,
 * CAP_SYS_RAWIO, no lockdown).  A 32-bit IN checks the I/O-bitmap bits of
 * all four ports 0x5658-0x565B, so all four are granted; with only the
 * first, QEMU's vmport faults.  VMware answers even without it, and where
 * nothing answers at CPL3 the IN raises #GP, which Linux delivers as
 * SIGSEGV.  A handler catches it with siglongjmp and the answer is
 * "no backdoor".  Where the IN executes and no device answers, EAX reads
 * 0xFFFFFFFF and EBX keeps its ~magic, so presence is EBX == magic.
 */
#include "tools/nhv-check/probe.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/io.h>
#include <unistd.h>

#define BDOOR_MAGIC 0x564D5868U
#define BDOOR_PORT 0x5658U
#define CMD_GETVERSION 10U
#define CMD_GETHWVERSION 17U
#define CMD_NESTING_CONTROL 63U
#define CMD_GETBUILDNUM 100U
#define NESTING_QUERY 2U

struct bd_regs {
	uint32_t eax, ebx, ecx, edx;
};

static sigjmp_buf bd_jmp;

static void on_fault(int sig)
{
	(void)sig;
	siglongjmp(bd_jmp, 1);
}

static void bd_in(uint32_t cmd, struct bd_regs *r)
{
	uint32_t a = BDOOR_MAGIC, b = ~BDOOR_MAGIC, c = cmd, d = BDOOR_PORT;

	__asm__ __volatile__("inl %%dx, %%eax"
			     : "+a"(a), "+b"(b), "+c"(c), "+d"(d)
			     :
			     : "memory");
	r->eax = a;
	r->ebx = b;
	r->ecx = c;
	r->edx = d;
}

/* 0 = answered (regs filled), 1 = faulted. */
static int bd_call(uint32_t cmd, struct bd_regs *r)
{
	struct sigaction sa, old_segv, old_bus, old_ill;
	volatile int faulted = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fault;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &old_segv);
	sigaction(SIGBUS, &sa, &old_bus);
	sigaction(SIGILL, &sa, &old_ill);
	if (sigsetjmp(bd_jmp, 1) == 0)
		bd_in(cmd, r);
	else
		faulted = 1;
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	sigaction(SIGILL, &old_ill, NULL);
	return faulted;
}

static int answered(const struct bd_regs *r)
{
	return r->ebx == BDOOR_MAGIC && r->eax != 0xffffffffU;
}

static void not_available(struct facts *f, enum fact_reason why)
{
	fact_unavail(f, N_BD_PRESENT, why, SRC_BACKDOOR);
	fact_unavail(f, N_BD_VERSION, why, SRC_BACKDOOR);
	fact_unavail(f, N_BD_TYPE, why, SRC_BACKDOOR);
	fact_unavail(f, N_BD_HWVERSION, why, SRC_BACKDOOR);
	fact_unavail(f, N_BD_BUILDNUM, why, SRC_BACKDOOR);
	fact_unavail(f, N_BD_NESTING, why, SRC_BACKDOOR);
}

void probe_backdoor(struct facts *f)
{
	struct bd_regs r;
	int have_port = ioperm(BDOOR_PORT, 4, 1) == 0;
	int io_errno = errno;
	int have_iopl = !have_port && iopl(3) == 0;
	int have_io = have_port || have_iopl;

	/* GETVERSION: ECX[31:16] = 0xFFFF lets an old VMX that sets no type show it. */
	if (bd_call(0xffff0000U | CMD_GETVERSION, &r)) {
		/* #GP: with the port granted nothing is there; without it, a
		 * VMware host would still have answered, other emulations
		 * (QEMU vmport) would not: say we could not tell. */
		if (have_io) {
			not_available(f, FR_NOT_PRESENT);
			fact_set(f, N_BD_PRESENT, 0, SRC_BACKDOOR);
		} else {
			not_available(f, geteuid() != 0 ? FR_NOT_ROOT
					 : io_errno == EPERM || io_errno == ENOSYS ? FR_NO_IO_PRIVILEGE
					 : FR_IO_ERROR);
		}
		goto out;
	}
	if (!answered(&r)) {
		not_available(f, FR_NOT_PRESENT);
		fact_set(f, N_BD_PRESENT, 0, SRC_BACKDOOR);
		goto out;
	}
	fact_set(f, N_BD_PRESENT, 1, SRC_BACKDOOR);
	fact_set(f, N_BD_VERSION, r.eax, SRC_BACKDOOR);
	if ((r.ecx >> 16) == 0xffff)
		fact_unavail(f, N_BD_TYPE, FR_NOT_PRESENT, SRC_BACKDOOR);
	else
		fact_set(f, N_BD_TYPE, r.ecx, SRC_BACKDOOR);

	if (!bd_call(CMD_GETHWVERSION, &r) && answered(&r))
		fact_set(f, N_BD_HWVERSION, r.eax, SRC_BACKDOOR);
	else
		fact_unavail(f, N_BD_HWVERSION, FR_NOT_PRESENT, SRC_BACKDOOR);
	if (!bd_call(CMD_GETBUILDNUM, &r) && r.eax != 0xffffffffU)
		fact_set(f, N_BD_BUILDNUM, r.eax, SRC_BACKDOOR);
	else
		fact_unavail(f, N_BD_BUILDNUM, FR_NOT_PRESENT, SRC_BACKDOOR);
	/* NESTING_CONTROL QUERY: EAX >= 2 (and not ~0) = supported (OVT hostinfoHV.c). */
	if (!bd_call((NESTING_QUERY << 16) | CMD_NESTING_CONTROL, &r))
		fact_set(f, N_BD_NESTING, r.eax, SRC_BACKDOOR);
	else
		fact_unavail(f, N_BD_NESTING, FR_IO_ERROR, SRC_BACKDOOR);
out:
	if (have_port)
		ioperm(BDOOR_PORT, 4, 0);
	if (have_iopl)
		iopl(0);
}
