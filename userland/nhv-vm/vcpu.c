/*
 * vcpu.c - one thread per vCPU: the run loop, dispatch of exits to the
 * buses, and the IPIs nhv.ko hands to user space (INIT, SIPI, other
 * destinations; SDM vol. 3A 11.6.1 and 8.4.4 for the MP start-up).
 * Application processors wait for their SIPI and start in real mode at
 * vector << 12.  A kick (SIG_KICK, repeated until the thread notices)
 * takes a vCPU out of the guest when the VM stops or resets.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "userland/lib/clock.h"
#include "userland/nhv-vm/vm.h"

#define ICR_VECTOR(lo)		((lo) & 0xff)
#define ICR_MODE(lo)		(((lo) >> 8) & 7)
#define ICR_LOGICAL(lo)		(((lo) >> 11) & 1)
#define ICR_LEVEL_ASSERT(lo)	(((lo) >> 14) & 1)
#define ICR_SHORTHAND(lo)	(((lo) >> 18) & 3)
#define MODE_FIXED	0
#define MODE_LOWEST	1
#define MODE_NMI	4
#define MODE_INIT	5
#define MODE_SIPI	6

/* Real mode at vector << 12 (SDM vol. 3A 8.4.4.1, 11.6.1 start-up IPI). */
static int start_ap(struct vcpu *v, int vector)
{
	const struct accel_ops *a = v->vm->accel;
	struct nhv_sregs s;
	struct nhv_regs r;

	memset(&r, 0, sizeof(r));
	r.rflags = 2;
	if (a->get_sregs(v, &s))
		return -1;
	s.cs.selector = (uint16_t)(vector << 8);
	s.cs.base = (uint64_t)vector << 12;
	s.cs.limit = 0xffff;
	s.cs.attrib = 0x9b;
	s.ds = s.es = s.fs = s.gs = s.ss = (struct nhv_segment){ 0, 0xffff, 0, 0x93 };
	s.tr = (struct nhv_segment){ 0, 0xffff, 0, 0x8b };
	s.ldtr = (struct nhv_segment){ 0, 0xffff, 0, 0x82 };
	s.gdt = (struct nhv_dtable){ 0, 0xffff, 0 };
	s.idt = (struct nhv_dtable){ 0, 0xffff, 0 };
	s.cr0 = 0x60000010;
	s.cr2 = s.cr3 = s.cr4 = s.efer = 0;
	s.xcr0 = 1;
	if (a->set_sregs(v, &s) || a->set_regs(v, &r))
		return -1;
	return 0;
}

static struct vcpu *vcpu_by_apic_id(struct vm *vm, unsigned int id)
{
	return id < vm->nvcpus ? &vm->vcpus[id] : NULL;
}

static void ipi_one(struct vcpu *to, uint32_t lo)
{
	unsigned int mode = ICR_MODE(lo);

	switch (mode) {
	case MODE_FIXED:
	case MODE_LOWEST:
		if (ICR_VECTOR(lo) >= 32)
			to->vm->accel->interrupt(to, (uint8_t)ICR_VECTOR(lo), 0);
		break;
	case MODE_NMI:
		to->vm->accel->interrupt(to, 0, 1);
		break;
	case MODE_INIT:
		/* The de-assert form (level 0) does nothing on a modern APIC. */
		if (!ICR_LEVEL_ASSERT(lo))
			break;
		pthread_mutex_lock(&to->lock);
		if (to->id != 0)
			to->state = VCPU_WAIT_SIPI;
		to->sipi_vector = -1;
		pthread_mutex_unlock(&to->lock);
		break;
	case MODE_SIPI:
		pthread_mutex_lock(&to->lock);
		if (to->state == VCPU_WAIT_SIPI && to->sipi_vector < 0) {
			to->sipi_vector = (int)ICR_VECTOR(lo);
			pthread_cond_signal(&to->cond);
		}
		pthread_mutex_unlock(&to->lock);
		break;
	default:
		break;
	}
}

void vcpu_deliver_ipi(struct vcpu *from, uint32_t lo, uint32_t hi)
{
	struct vm *vm = from->vm;
	unsigned int dest = hi >> 24, sh = ICR_SHORTHAND(lo);

	for (unsigned int i = 0; i < vm->nvcpus; i++) {
		struct vcpu *to = &vm->vcpus[i];
		int hit;

		switch (sh) {
		case 1:
			hit = to == from;
			break;
		case 2:
			hit = 1;
			break;
		case 3:
			hit = to != from;
			break;
		default:
			if (ICR_LOGICAL(lo))
				hit = i < 8 && (dest & (1U << i));
			else
				hit = dest == 0xff || to == vcpu_by_apic_id(vm, dest);
			break;
		}
		if (hit) {
			ipi_one(to, lo);
			if (ICR_MODE(lo) == MODE_LOWEST && sh == 0)
				break;
		}
	}
}

/* An AP sleeps until its SIPI (or the VM stops); 0 when it may run. */
static int wait_sipi(struct vcpu *v)
{
	int vector;

	pthread_mutex_lock(&v->lock);
	while (v->state == VCPU_WAIT_SIPI && v->sipi_vector < 0 && !v->vm->stopping)
		pthread_cond_wait(&v->cond, &v->lock);
	vector = v->sipi_vector;
	if (vector >= 0) {
		if (v->parked) {
			v->parked = 0;
			__atomic_sub_fetch(&v->vm->parked, 1, __ATOMIC_ACQ_REL);
		}
		v->state = VCPU_RUNNING;
		v->sipi_vector = -1;
	}
	pthread_mutex_unlock(&v->lock);
	if (v->vm->stopping)
		return -1;
	if (vector >= 0 && start_ap(v, vector)) {
		vm_stop_fault(v, "cannot start the vCPU at SIPI vector %#x: %s", vector,
			      strerror(errno));
		return -1;
	}
	return 0;
}

static int handle(struct vcpu *v, struct vcpu_exit *x)
{
	switch (x->reason) {
	case VX_IO:
		return bus_io(v, x->io.port, x->io.is_write, &x->io.data, x->io.size);
	case VX_MMIO:
		return bus_mmio(v, x->mmio.gpa, x->mmio.is_write, &x->mmio.data, x->mmio.len);
	case VX_HLT:
		/*
		 * Nothing but INIT/SIPI restarts it.  Linux parks CPUs this way
		 * at halt; only when every vCPU is parked is the guest stuck.
		 */
		pthread_mutex_lock(&v->lock);
		v->state = VCPU_WAIT_SIPI;
		v->sipi_vector = -1;
		v->parked = 1;
		pthread_mutex_unlock(&v->lock);
		if (__atomic_add_fetch(&v->vm->parked, 1, __ATOMIC_ACQ_REL) == v->vm->nvcpus) {
			vm_stop_fault(v, "HLT with interrupts disabled on every vCPU (nothing can wake the guest)");
			return -1;
		}
		return 0;
	case VX_SHUTDOWN:
		vm_stop_fault(v, "triple fault");
		return -1;
	case VX_FAIL_ENTRY:
	case VX_INTERNAL:
	case VX_OTHER:
		vm_stop_fault(v, "%s", x->why);
		return -1;
	case VX_IPI:
		vcpu_deliver_ipi(v, x->ipi.icr_low, x->ipi.icr_high);
		return 0;
	case VX_BACKDOOR:
		return vm_backdoor_exit(v, x);
	case VX_INTR:
	case VX_NR:
		return 0;
	}
	return 0;
}

/*
 * The VMM's start-up, from process start to vCPU 0's first entry, once per
 * process (docs/benchmarks.md): `status`, and a line in a supervised VM's
 * vmm.log (not on the terminal of a foreground `nhv vm run`).
 */
static void startup_report(struct vm *vm)
{
	char line[256];
	int n;

	vm->t_first_run = mono_s();
	if (!vm->log_startup)
		return;
	n = snprintf(line, sizeof(line), "nhv-vm: %s: start-up %.1f ms to the first guest entry "
		     "(kernel files %.1f ms, %s VM and memory %.1f ms, kernel load %.1f ms)\n",
		     vm->name, (vm->t_first_run - vm->t_start) * 1e3,
		     (vm->t_images - vm->t_start) * 1e3, vm->accel->name,
		     (vm->t_backend - vm->t_images) * 1e3, (vm->t_loaded - vm->t_backend) * 1e3);
	if (n > 0 && write(STDERR_FILENO, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1) < 0)
		return;
}

static __thread struct vcpu *current;

struct vcpu *vcpu_current(void)
{
	return current;
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	struct vm *vm = v->vm;
	struct vcpu_exit x;
	sigset_t set;

	current = v;
	sigemptyset(&set);
	sigaddset(&set, SIG_KICK);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	memset(&x, 0, sizeof(x));
	while (!vm->stopping) {
		if (v->state == VCPU_WAIT_SIPI) {
			if (wait_sipi(v))
				break;
			continue;
		}
		if (!v->id && !vm->t_first_run)
			startup_report(vm);
		if (vm->accel->vcpu_run(v, &x)) {
			vm_stop_fault(v, "%s run: %s", vm->accel->name, strerror(errno));
			break;
		}
		v->exits[x.reason]++;
		if (handle(v, &x))
			break;
	}
	__atomic_store_n(&v->in_loop, 0, __ATOMIC_RELEASE);
	return NULL;
}

static void on_kick(int sig)
{
	(void)sig;
}

int vcpu_start(struct vcpu *v)
{
	static int handler_set;
	sigset_t set, old;
	int r;

	if (!handler_set) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_kick;
		sigaction(SIG_KICK, &sa, NULL);
		handler_set = 1;
	}
	v->in_loop = 1;
	/* Threads start with every signal blocked; the vCPU unblocks SIG_KICK only. */
	sigfillset(&set);
	pthread_sigmask(SIG_SETMASK, &set, &old);
	r = pthread_create(&v->thread, NULL, vcpu_thread, v);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r) {
		v->in_loop = 0;
		errno = r;
		return -1;
	}
	return 0;
}

void vcpu_kick_all(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nvcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		pthread_mutex_lock(&v->lock);
		pthread_cond_broadcast(&v->cond);
		pthread_mutex_unlock(&v->lock);
	}
}

/* Kicks until every thread has left its loop (a kick can land just before NHV_RUN). */
void vcpu_join_all_stop(struct vm *vm)
{
	struct timespec ms = { 0, 1000000 };

	vm->stopping = 1;
	for (unsigned int i = 0; i < vm->nvcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		if (!v->thread)
			continue;
		while (__atomic_load_n(&v->in_loop, __ATOMIC_ACQUIRE)) {
			vcpu_kick_all(vm);
			pthread_kill(v->thread, SIG_KICK);
			nanosleep(&ms, NULL);
		}
		pthread_join(v->thread, NULL);
		v->thread = 0;
	}
}
