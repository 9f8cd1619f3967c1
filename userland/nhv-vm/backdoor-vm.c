/*
 * backdoor-vm.c - the VMware backdoor of one VM (backdoor.h) wired to its
 * backend (docs/nhv-vm.md "VMware backdoor"):
 *   nhv.ko   NHV_SET_BACKDOOR: IN/OUT on 0x5658/0x5659 and VMCALL/VMMCALL
 *            exit with every register (NHV_EXIT_BACKDOOR, one exit a call);
 *            CPL 3 callers too unless monitor_control.restrict_backdoor;
 *            RDPMC 0x10000-0x10002 with monitor_control.pseudo_perfctr.
 *   KVM      port 0x5658 is an ordinary port exit, answered here with
 *            GET_REGS/SET_REGS; CPL 3 callers reach it with IOPL 3, or
 *            with IOPL 0 only when kvm.ko has enable_vmware_backdoor=1
 *            (which also gives the pseudo counters); a CPL 3 call under
 *            restrict_backdoor gets #GP(0) (vcpu.io_fault, accel-kvm.c);
 *            no hypercall is advertised (KVM's VMCALL is KVM's).
 * With hypervisor.cpuid.v0 = FALSE there is no backdoor: the ports are
 * empty, as on hardware.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>
#include "handshake/nhvbd_err.h"
#include "userland/nhv-vm/backdoor.h"
#include "userland/nhv-vm/cpuid-mask.h"
#include "userland/nhv-vm/vm.h"

#define APIC_HZ		1000000000U	/* nhv.ko's LAPIC timer: 1 GHz */

static void log_line(void *ctx, const char *line)
{
	struct vm *vm = ctx;
	char msg[700];
	int n = snprintf(msg, sizeof(msg), "nhv-vm: %s: %s\n", vm->name, line);

	if (n > (int)sizeof(msg) - 1)
		n = (int)sizeof(msg) - 1;
	if (write(STDERR_FILENO, msg, (size_t)n) < 0)
		return;
}

static void on_reset(void *dev)
{
	backdoor_reset(dev);
}

/* CPL from SS.DPL (SDM vol. 3A 5.5); the nhv_segment attrib holds DPL in bits 6:5. */
static uint8_t current_cpl(struct vcpu *v)
{
	struct nhv_sregs s;

	if (v->vm->accel->get_sregs(v, &s))
		return 0;
	return (uint8_t)((s.ss.attrib >> 5) & 3);
}

/*
 * A port exit on 0x5658 (KVM, or nhv.ko without NHV_CAP_BACKDOOR): the
 * registers by GET_REGS/SET_REGS.  EAX goes back as the IN's data.
 */
static void port_io(void *dev, uint16_t port, int is_write, uint32_t *data, unsigned int size)
{
	struct vm *vm = dev;
	struct vcpu *v = vcpu_current();
	struct nhv_regs r;
	int fault;
	struct backdoor_call c = { .kind = is_write ? NHV_BACKDOOR_OUT : NHV_BACKDOOR_IN,
				   .size = (uint8_t)size, .port = port };

	if (is_write || size != 4 || port != BDOOR_PORT) {
		/* Not a backdoor call (OUT, a narrow IN, the HB port, INS/OUTS elements):
		 * logged, registers untouched, reads see an empty port. */
		__u64 g[NHV_NR_GPRS] = { 0 };

		backdoor_call(vm->backdoor, g, &c);
		if (!is_write)
			*data = 0xFFFFFFFFu;
		return;
	}
	if (!v || v->vm != vm || vm->accel->get_regs(v, &r)) {
		if (!is_write)
			*data = 0xFFFFFFFFu;
		return;
	}
	c.cpl = current_cpl(v);
	fault = backdoor_call(vm->backdoor, r.gpr, &c);
	if (fault) {
		/* The IN faults instead (KVM); a backend that cannot: the caller reads nothing. */
		if (vm->accel->io_faults)
			v->io_fault = (uint8_t)fault;
		*data = 0xFFFFFFFFu;
		return;
	}
	/* EAX as the IN's data and in the registers (KVM takes the latter after SET_REGS). */
	*data = (uint32_t)r.gpr[NHV_RAX];
	vm->accel->set_regs(v, &r);
}

int vm_backdoor_create(struct vm *vm)
{
	const struct vm_config *c = vm->cfg;
	struct backdoor_setup s = {
		.memsize_mb = (uint32_t)c->memsize_mib,
		.apic_hz = APIC_HZ,
		.restrict_cpl3 = c->restrict_backdoor,
		.log = log_line,
		.log_ctx = vm,
	};

	if (!c->hv_cpuid_v0)
		return 0;
	if (!vm->tsc_khz)
		vm->tsc_khz = host_tsc_khz();
	s.tsc_khz = vm->tsc_khz;
	memcpy(s.uuid, c->uuid, sizeof(s.uuid));
	if (getrandom(&s.seed, sizeof(s.seed), 0) != sizeof(s.seed))
		s.seed = (uint32_t)getpid();
	vm->backdoor = backdoor_new(&s);
	if (!vm->backdoor) {
		fprintf(stderr, "nhv-vm: %s: backdoor: out of memory\n", vm->name);
		return -1;
	}
	for (unsigned int i = 0; i < c->ngi; i++) {
		int r = nhvbd_host_guestinfo_set(&vm->backdoor->host, c->gi_key[i], c->gi_val[i]);

		if (r) {
			fprintf(stderr, "nhv-vm: %s: %s: %s (all guestinfo.* together hold at most %u bytes)\n",
				vm->name, c->gi_key[i], nhvbd_strerror(r), NHVBD_KV_ARENA);
			return -1;
		}
	}
	vm_on_reset(vm, on_reset, vm->backdoor);
	/* 0x5658 (4-byte IN) and the high-bandwidth port 0x5659, which is not offered. */
	return bus_register_io(vm, BDOOR_PORT, 4, port_io, vm, "vmware-backdoor");
}

/* Intel: VMCALL, AMD and Hygon: VMMCALL (the instruction this CPU has). */
static uint8_t host_hypercall(void)
{
	return host_vendor() == CPUID_AMD ? NHV_BACKDOOR_VMMCALL : NHV_BACKDOOR_VMCALL;
}

/* KVM answers the pseudo counters per kvm.ko, not per VM: say what this VM gets. */
static void warn_kvm_pseudo_perfctr(const struct vm *vm)
{
	char v = '?';
	FILE *f = fopen("/sys/module/kvm/parameters/enable_vmware_backdoor", "r");

	if (f) {
		if (fscanf(f, " %c", &v) != 1)
			v = '?';
		fclose(f);
	}
	fprintf(stderr, "nhv-vm: %s: monitor_control.pseudo_perfctr = TRUE is not applied on KVM: "
		"kvm.ko answers RDPMC 0x10000-0x10002 for every VM or for none, by its parameter "
		"enable_vmware_backdoor (%s here)\n", vm->name,
		v == 'Y' ? "Y: answered" : v == 'N' ? "N: #GP" : "unknown");
}

int vm_backdoor_enable(struct vm *vm, char *why, size_t whylen)
{
	const struct vm_config *c = vm->cfg;
	uint32_t flags;

	vm->hypercall = 0;
	if (!vm->backdoor)
		return 0;
	if (!vm->accel->set_backdoor) {
		vm->backdoor->hypercall = 0;
		if (c->pseudo_perfctr)
			warn_kvm_pseudo_perfctr(vm);
		return 0;
	}
	flags = NHV_BACKDOOR_PORTS | NHV_BACKDOOR_HYPERCALL |
		(c->restrict_backdoor ? 0 : NHV_BACKDOOR_USER) |
		(c->pseudo_perfctr ? NHV_BACKDOOR_PMC : 0);
	if (vm->accel->set_backdoor(vm, flags)) {
		if (errno != ENOTSUP) {
			snprintf(why, whylen, "%s: NHV_SET_BACKDOOR: %s", vm->accel->name,
				 strerror(errno));
			return -1;
		}
		/* An older nhv.ko: port exits only, from CPL 0 (or IOPL 3). */
		fprintf(stderr, "nhv-vm: %s: nhv.ko has no NHV_CAP_BACKDOOR: the backdoor answers "
			"port 0x5658 only, no hypercall, no CPL 3 callers\n", vm->name);
		vm->backdoor->hypercall = 0;
		return 0;
	}
	vm->hypercall = host_hypercall();
	pthread_mutex_lock(&vm->backdoor->lock);
	vm->backdoor->hypercall = vm->hypercall;
	pthread_mutex_unlock(&vm->backdoor->lock);
	return 0;
}

int vm_backdoor_exit(struct vcpu *v, struct vcpu_exit *x)
{
	struct backdoor_call c = { .kind = x->bd.kind, .size = x->bd.size, .cpl = x->bd.cpl,
				   .port = x->bd.port };

	if (!v->vm->backdoor) {
		vm_stop_fault(v, "backdoor exit without a backdoor");
		return -1;
	}
	x->bd.fault = (uint8_t)backdoor_call(v->vm->backdoor, x->bd.gpr, &c);
	return 0;
}

void vm_backdoor_free(struct vm *vm)
{
	backdoor_free(vm->backdoor);
	vm->backdoor = NULL;
}
