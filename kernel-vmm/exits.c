// SPDX-License-Identifier: GPL-2.0
/*
 * exits.c - what nhv does with each exit, for both backends.  In-kernel:
 * CPUID (policy), HLT (sleep), MSRs (allow-list, else #GP), XSETBV,
 * INVD/WBINVD, #UD for the virtualization instructions.  To user space:
 * chosen I/O ports, MMIO, backdoor calls (backdoor.c), shutdown, failed
 * entry, anything unexpected.
 * Returns 0 to enter the guest again, 1 to return to user space.
 */
#define pr_fmt(fmt) "nhv: " fmt

#include <linux/kernel.h>
#include <linux/ratelimit.h>
#include <asm/processor-flags.h>
#include <asm/trapnr.h>
#include "nhv_core.h"

void nhv_raise(struct nhv_vcpu *v, u8 vector, bool has_error, u32 error)
{
	v->exc.valid = true;
	v->exc.type = NHV_EV_EXCEPTION;
	v->exc.vector = vector;
	v->exc.has_error = has_error;
	v->exc.error = error;
}

/* Stop the VM: report to user space, and once (rate-limited) to the log. */
void nhv_stop(struct nhv_vcpu *v, u32 suberror, u64 d0, u64 d1)
{
	struct nhv_run *run = v->run;

	run->exit_reason = NHV_EXIT_INTERNAL;
	run->internal.suberror = suberror;
	run->internal.data[0] = d0;
	run->internal.data[1] = d1;
	run->internal.data[2] = v->regs.rip;
	pr_info_ratelimited("vcpu %u stopped: reason %u data %#llx %#llx rip %#llx\n",
			    v->id, suberror, d0, d1, v->regs.rip);
}

static void skip(struct nhv_vcpu *v, struct nhv_exit *e, unsigned int len)
{
	v->regs.rip = e->next_rip ? e->next_rip : v->regs.rip + len;
}

static int handle_cpuid(struct nhv_vcpu *v, struct nhv_exit *e)
{
	u64 *g = v->regs.gpr;
	u32 out[4];

	nhv_cpuid(v, g[NHV_RAX], g[NHV_RCX], out);
	g[NHV_RAX] = out[0];
	g[NHV_RBX] = out[1];
	g[NHV_RCX] = out[2];
	g[NHV_RDX] = out[3];
	skip(v, e, 2);
	return 0;
}

static int handle_hlt(struct nhv_vcpu *v, struct nhv_exit *e)
{
	skip(v, e, 1);
	if (v->regs.rflags & X86_EFLAGS_IF) {
		nhv_vcpu_halt(v);
		return 0;
	}
	/* Interrupts off: only an NMI can wake it, and user space sends those. */
	if (atomic_read(&v->nmi_pending))
		return 0;
	v->run->exit_reason = NHV_EXIT_HLT;
	return 1;
}

static int handle_io(struct nhv_vcpu *v, struct nhv_exit *e)
{
	struct nhv_run *run = v->run;
	bool to_user = test_bit(e->port, v->vm->io_exits);
	u64 *rax = &v->regs.gpr[NHV_RAX];

	if (nhv_backdoor_port(v, e))
		return nhv_backdoor_io(v, e);
	if (e->io_string)
		return nhv_string_io(v, e);
	skip(v, e, 1);
	if (!to_user) {
		/* No device: reads float high, writes go nowhere. */
		if (e->io_in) {
			if (e->io_size == 4)
				*rax = 0xffffffffULL;
			else
				*rax |= e->io_size == 1 ? 0xff : 0xffff;
		}
		return 0;
	}
	run->exit_reason = NHV_EXIT_IO;
	run->io.direction = e->io_in ? NHV_IO_IN : NHV_IO_OUT;
	run->io.size = e->io_size;
	run->io.port = e->port;
	run->io.data = e->io_in ? 0 : (u32)(*rax & (e->io_size == 4 ?
				0xffffffffULL : (1ULL << (8 * e->io_size)) - 1));
	if (e->io_in)
		v->pending_in_size = e->io_size;
	return 1;
}

static int handle_msr(struct nhv_vcpu *v, struct nhv_exit *e)
{
	u64 *g = v->regs.gpr;
	u32 msr = g[NHV_RCX];
	u64 val;

	if (e->kind == NHV_X_RDMSR) {
		if (nhv_rdmsr(v, msr, &val)) {
			nhv_raise(v, X86_TRAP_GP, true, 0);
			return 0;
		}
		g[NHV_RAX] = (u32)val;
		g[NHV_RDX] = val >> 32;
	} else {
		val = (g[NHV_RDX] << 32) | (u32)g[NHV_RAX];
		if (nhv_wrmsr(v, msr, val)) {
			nhv_raise(v, X86_TRAP_GP, true, 0);
			return 0;
		}
	}
	skip(v, e, 2);
	return 0;
}

static int handle_xsetbv(struct nhv_vcpu *v, struct nhv_exit *e)
{
	u64 *g = v->regs.gpr;
	u64 val = (g[NHV_RDX] << 32) | (u32)g[NHV_RAX];

	if ((u32)g[NHV_RCX] != 0 || !nhv_xcr0_valid(v, val)) {
		nhv_raise(v, X86_TRAP_GP, true, 0);
		return 0;
	}
	v->xcr0 = val;
	skip(v, e, 3);
	return 0;
}

int nhv_handle_exit(struct nhv_vcpu *v, struct nhv_exit *e)
{
	struct nhv_run *run = v->run;

	/*
	 * The IRET exit comes before the IRET: NMIs unblock at the exit after
	 * it, so a queued NMI never lands inside the handler it follows.
	 */
	if (v->nmi_iret_seen && e->kind != NHV_X_IRET) {
		v->nmi_iret_seen = false;
		v->nmi_masked = false;
	}
	switch (e->kind) {
	case NHV_X_NONE:
		return 0;
	case NHV_X_CPUID:
		return handle_cpuid(v, e);
	case NHV_X_HLT:
		return handle_hlt(v, e);
	case NHV_X_IO:
		return handle_io(v, e);
	case NHV_X_NPF:
		return nhv_emulate_mmio(v, e);
	case NHV_X_PIN: {
		/* The backend needs this RAM in an atomic path: pin, run again. */
		int r = nhv_pin_gpa(v->vm, e->gpa);

		if (r) {
			nhv_stop(v, NHV_INTERNAL_MEMORY, e->gpa, -r);
			return 1;
		}
		return 0;
	}
	case NHV_X_RDMSR:
	case NHV_X_WRMSR:
		return handle_msr(v, e);
	case NHV_X_XSETBV:
		return handle_xsetbv(v, e);
	case NHV_X_SKIP:
		skip(v, e, 2);
		return 0;
	case NHV_X_UD:
		nhv_raise(v, X86_TRAP_UD, false, 0);
		return 0;
	case NHV_X_REINJECT:
		nhv_raise(v, e->vector, e->has_error, e->error);
		return 0;
	case NHV_X_IRQ_WINDOW:
		nhv_ops->irq_window(v, false);
		if (run->request_interrupt_window &&
		    find_first_bit(v->irr, 256) >= 256) {
			run->exit_reason = NHV_EXIT_IRQ_WINDOW;
			return 1;
		}
		return 0;
	case NHV_X_IRET:
		v->nmi_iret_seen = true;
		nhv_ops->iret_exit(v, false);
		return 0;
	case NHV_X_SHUTDOWN:
		run->exit_reason = NHV_EXIT_SHUTDOWN;
		return 1;
	case NHV_X_GP:
		return nhv_backdoor_gp(v, e);
	case NHV_X_RDPMC:
		return nhv_backdoor_rdpmc(v, e);
	case NHV_X_HYPERCALL:
		return nhv_backdoor_hypercall(v, e);
	case NHV_X_FAIL_ENTRY:
		run->exit_reason = NHV_EXIT_FAIL_ENTRY;
		run->fail_entry.hardware_reason = e->hw_code;
		run->fail_entry.info[0] = e->info1;
		run->fail_entry.info[1] = e->info2;
		pr_info_ratelimited("vcpu %u: VM entry failed, hardware reason %#llx\n",
				    v->id, e->hw_code);
		return 1;
	case NHV_X_UNHANDLED:
	default:
		nhv_stop(v, NHV_INTERNAL_UNHANDLED, e->hw_code, e->info1);
		return 1;
	}
}
