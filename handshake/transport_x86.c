/*
 * transport_x86.c - the backdoor instructions (x86-64, GCC inline asm) under
 * a fault guard.  Register use: reference 1.2 (LB) and 3.3 (HB).
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#if defined(__x86_64__)
#include <sys/io.h>
#endif

#include "handshake/transport_x86.h"
#include "handshake/bdoor_def.h"
#include "handshake/nhvbd_err.h"

static sigjmp_buf guard_env;
static volatile sig_atomic_t guard_active;
static int guard_installed;

static void on_fault(int sig)
{
	if (guard_active) {
		guard_active = 0;
		siglongjmp(guard_env, 1);
	}
	/* A fault outside a backdoor call is a real crash: let it be one. */
	signal(sig, SIG_DFL);
	raise(sig);
}

static void guard_install(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL };
	struct sigaction sa;
	unsigned i;

	if (guard_installed)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fault;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_NODEFER;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	guard_installed = 1;
}

#if defined(__x86_64__)

/* HB frame: the seven registers, then a slot for the caller's RBP.  R8
 * holds the frame pointer during the instruction, since RAX..RBP are all
 * taken by the protocol.  No push/pop: that would clobber the red zone. */
struct hb_frame {
	uint64_t ax, bx, cx, dx, si, di, bp, saved_bp;
};

#define HB_ASM(insn)							\
	__asm__ __volatile__(						\
		"movq %%rbp, 56(%%r8)\n\t"				\
		"movq 48(%%r8), %%rbp\n\t"				\
		"movq 40(%%r8), %%rdi\n\t"				\
		"movq 32(%%r8), %%rsi\n\t"				\
		"movq 24(%%r8), %%rdx\n\t"				\
		"movq 16(%%r8), %%rcx\n\t"				\
		"movq 8(%%r8), %%rbx\n\t"				\
		"movq 0(%%r8), %%rax\n\t"				\
		"cld\n\t"						\
		insn "\n\t"						\
		"movq %%rax, 0(%%r8)\n\t"				\
		"movq %%rbx, 8(%%r8)\n\t"				\
		"movq %%rcx, 16(%%r8)\n\t"				\
		"movq %%rdx, 24(%%r8)\n\t"				\
		"movq %%rsi, 32(%%r8)\n\t"				\
		"movq %%rdi, 40(%%r8)\n\t"				\
		"movq %%rbp, 48(%%r8)\n\t"				\
		"movq 56(%%r8), %%rbp\n\t"				\
		: "+r"(p)						\
		:							\
		: "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "memory", "cc")

static void hb_outsb(struct hb_frame *f)
{
	register struct hb_frame *p __asm__("r8") = f;

	HB_ASM("rep outsb");
}

static void hb_insb(struct hb_frame *f)
{
	register struct hb_frame *p __asm__("r8") = f;

	HB_ASM("rep insb");
}

static int x86_lb(void *ctx, struct nhvbd_regs *r)
{
	uint32_t a = r->eax, b = r->ebx, c = r->ecx, d = r->edx, s = r->esi, di = r->edi;

	(void)ctx;
	guard_install();
	if (sigsetjmp(guard_env, 1)) {
		guard_active = 0;
		return NHVBD_EFAULT;
	}
	guard_active = 1;
	__asm__ __volatile__("inl %%dx, %%eax"
			     : "+a"(a), "+b"(b), "+c"(c), "+d"(d), "+S"(s), "+D"(di)
			     :
			     : "memory");
	guard_active = 0;
	r->eax = a;
	r->ebx = b;
	r->ecx = c;
	r->edx = d;
	r->esi = s;
	r->edi = di;
	return 0;
}

static void frame_from(struct hb_frame *f, const struct nhvbd_regs *r)
{
	f->ax = r->eax;
	f->bx = r->ebx;
	f->cx = r->ecx;
	f->dx = r->edx;
	f->si = r->esi;
	f->di = r->edi;
	f->bp = r->ebp;
}

static void frame_to(struct nhvbd_regs *r, const struct hb_frame *f, int out)
{
	r->eax = (uint32_t)f->ax;
	r->ebx = (uint32_t)f->bx;
	r->ecx = (uint32_t)f->cx;
	r->edx = (uint32_t)f->dx;
	/* The buffer register moved along the bytes; the cookie did not. */
	if (out)
		r->edi = (uint32_t)f->di;
	else
		r->esi = (uint32_t)f->si;
	r->ebp = (uint32_t)f->bp;
}

static int x86_hb_out(void *ctx, struct nhvbd_regs *r, const uint8_t *buf, size_t len)
{
	static struct hb_frame f;

	(void)ctx;
	if (len != r->ecx)
		return NHVBD_EINVAL;
	frame_from(&f, r);
	f.si = (uint64_t)(uintptr_t)buf;
	guard_install();
	if (sigsetjmp(guard_env, 1)) {
		guard_active = 0;
		return NHVBD_EFAULT;
	}
	guard_active = 1;
	hb_outsb(&f);
	guard_active = 0;
	frame_to(r, &f, 1);
	return 0;
}

static int x86_hb_in(void *ctx, struct nhvbd_regs *r, uint8_t *buf, size_t len)
{
	static struct hb_frame f;

	(void)ctx;
	if (len != r->ecx)
		return NHVBD_EINVAL;
	frame_from(&f, r);
	f.di = (uint64_t)(uintptr_t)buf;
	guard_install();
	if (sigsetjmp(guard_env, 1)) {
		guard_active = 0;
		return NHVBD_EFAULT;
	}
	guard_active = 1;
	hb_insb(&f);
	guard_active = 0;
	frame_to(r, &f, 0);
	return 0;
}

int nhvbd_x86_enable_ports(void)
{
	/* A 32-bit IN at 0x5658 touches ports 0x5658-0x565B, and the CPU checks
	 * every one in the I/O bitmap (Intel SDM vol. 1, 19.5.2): four ports,
	 * which also cover 0x5659 for the HB transfers. */
	if (ioperm(BDOOR_PORT, 4, 1) == 0)
		return 0;
	if (iopl(3) == 0)
		return 0;
	return -errno;
}

#else	/* not x86-64: no backdoor instruction to run */

static int x86_lb(void *ctx, struct nhvbd_regs *r)
{
	(void)ctx;
	(void)r;
	guard_install();
	return NHVBD_ENODEV;
}

static int x86_hb_out(void *ctx, struct nhvbd_regs *r, const uint8_t *buf, size_t len)
{
	(void)ctx;
	(void)r;
	(void)buf;
	(void)len;
	return NHVBD_ENODEV;
}

static int x86_hb_in(void *ctx, struct nhvbd_regs *r, uint8_t *buf, size_t len)
{
	(void)ctx;
	(void)r;
	(void)buf;
	(void)len;
	return NHVBD_ENODEV;
}

int nhvbd_x86_enable_ports(void)
{
	return -ENOSYS;
}

#endif

void nhvbd_x86_transport_init(struct nhvbd_transport *t)
{
	t->ctx = NULL;
	t->lb = x86_lb;
	t->hb_out = x86_hb_out;
	t->hb_in = x86_hb_in;
}

int nhvbd_x86_probe(struct nhvbd_transport *t, struct nhvbd_version *v, int *ports_errno)
{
	int perr = nhvbd_x86_enable_ports();

	if (ports_errno)
		*ports_errno = perr < 0 ? -perr : 0;
	nhvbd_x86_transport_init(t);
	return nhvbd_get_version(t, v);
}
