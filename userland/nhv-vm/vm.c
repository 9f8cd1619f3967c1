/*
 * vm.c - a VM's life: RAM, the backend, vCPU objects, and the VM side of
 * device.h (interrupt routing into the IOAPIC model, guest memory, events,
 * console plumbing, reset hooks, the power button).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include "userland/nhv-vm/layout.h"
#include "userland/nhv-vm/vm.h"
#include "userland/nhv-vm/devices/devices.h"

#define GUEST_ERROR_LOG_MAX	50	/* log lines about guest misuse, then one "suppressed" */

int vm_init(struct vm *vm, const struct vm_config *cfg, const struct accel_ops *accel,
	    char *why, size_t whylen)
{
	memset(vm, 0, sizeof(*vm));
	vm->cfg = cfg;
	vm->name = cfg->display_name;
	vm->accel = accel;
	vm->sysfd = vm->vmfd = vm->log_fd = -1;
	vm->nvcpus = cfg->numvcpus;
	vm->ram_size = cfg->memsize_mib << 20;
	vm->low_size = vm->ram_size < GPA_MMIO_HOLE ? vm->ram_size : GPA_MMIO_HOLE;
	pthread_mutex_init(&vm->ev_lock, NULL);
	pthread_mutex_init(&vm->out_lock, NULL);
	vm->ev_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vm->ev_fd < 0) {
		snprintf(why, whylen, "eventfd: %s", strerror(errno));
		return -1;
	}
	/* Every port exits except those a guest probes for absent hardware (bus.c). */
	for (uint32_t p = 0; p < 0x10000; p++)
		if (!bus_port_is_silent((uint16_t)p))
			vm->io_exit_bitmap[p / 8] |= (uint8_t)(1U << (p % 8));
	vm->ram = mmap(NULL, vm->ram_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->ram == MAP_FAILED) {
		vm->ram = NULL;
		snprintf(why, whylen, "cannot map %" PRIu64 " MiB of guest RAM: %s",
			 cfg->memsize_mib, strerror(errno));
		return -1;
	}
	madvise(vm->ram, vm->ram_size, MADV_HUGEPAGE);
	vm->vcpus = calloc(vm->nvcpus, sizeof(*vm->vcpus));
	if (!vm->vcpus) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	for (unsigned int i = 0; i < vm->nvcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		v->vm = vm;
		v->id = i;
		v->fd = -1;
		v->sipi_vector = -1;
		pthread_mutex_init(&v->lock, NULL);
		pthread_cond_init(&v->cond, NULL);
	}
	return 0;
}

/* The backend VM with RAM, CPUID policy and port exits, and its vCPUs. */
int vm_create_vcpus(struct vm *vm, char *why, size_t whylen)
{
	if (vm->accel->create(vm, why, whylen))
		return -1;
	if (vm->accel->set_memory(vm, 0, 0, vm->low_size, vm->ram) ||
	    (vm->ram_size > vm->low_size &&
	     vm->accel->set_memory(vm, 1, GPA_4G, vm->ram_size - vm->low_size,
				   vm->ram + vm->low_size))) {
		snprintf(why, whylen, "%s: giving guest RAM to the VM: %s", vm->accel->name,
			 strerror(errno));
		return -1;
	}
	if (vm->accel->set_io_exits(vm, vm->io_exit_bitmap)) {
		snprintf(why, whylen, "%s: port exits: %s", vm->accel->name, strerror(errno));
		return -1;
	}
	/* The backdoor first: it decides the hypercall that CPUID advertises. */
	if (vm_backdoor_enable(vm, why, whylen))
		return -1;
	if (vm_setup_cpuid(vm)) {
		snprintf(why, whylen, "%s: CPUID policy: %s", vm->accel->name, strerror(errno));
		return -1;
	}
	for (unsigned int i = 0; i < vm->nvcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		v->state = i && !vm->accel->kernel_starts_aps ? VCPU_WAIT_SIPI : VCPU_RUNNING;
		v->sipi_vector = -1;
		if (vm->accel->vcpu_create(v)) {
			snprintf(why, whylen, "%s: creating vCPU %u: %s", vm->accel->name, i,
				 strerror(errno));
			return -1;
		}
	}
	return 0;
}

void vcpu_close_run(struct vcpu *v)
{
	if (v->run)
		munmap(v->run, v->run_size);
	if (v->fd >= 0)
		close(v->fd);
	v->run = NULL;
	v->fd = -1;
}

void vm_close_fds(struct vm *vm)
{
	if (vm->vmfd >= 0)
		close(vm->vmfd);
	if (vm->sysfd >= 0)
		close(vm->sysfd);
	vm->vmfd = vm->sysfd = -1;
}

void vm_destroy_backend(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nvcpus; i++)
		vm->accel->vcpu_destroy(&vm->vcpus[i]);
	vm->accel->destroy(vm);
}

void vm_free(struct vm *vm)
{
	vm_destroy_backend(vm);
	if (vm->ram)
		munmap(vm->ram, vm->ram_size);
	free(vm->vcpus);
	if (vm->ev_fd >= 0)
		close(vm->ev_fd);
	vm->ram = NULL;
	vm->vcpus = NULL;
}

/* The first event wins; a kill overrides all. */
void vm_set_event(struct vm *vm, enum vm_event ev, int status, const char *reason)
{
	uint64_t one = 1;

	pthread_mutex_lock(&vm->ev_lock);
	if (vm->event == VM_EV_NONE || ev == VM_EV_KILL) {
		vm->event = ev;
		vm->exit_status = status;
		if (reason)
			snprintf(vm->stop_reason, sizeof(vm->stop_reason), "%s", reason);
	}
	vm->stopping = 1;
	pthread_mutex_unlock(&vm->ev_lock);
	if (write(vm->ev_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		perror("nhv-vm: eventfd");
}

void vm_stop_fault(struct vcpu *v, const char *fmt, ...)
{
	struct nhv_regs r;
	char what[200], line[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (v->vm->accel->get_regs(v, &r))
		memset(&r, 0, sizeof(r));
	snprintf(line, sizeof(line), "%s on vcpu %u at rip=%#llx", what, v->id, (unsigned long long)r.rip);
	vm_set_event(v->vm, VM_EV_STOP, 125, line);
}

void vm_request_poweroff(struct vm *vm)
{
	vm_set_event(vm, VM_EV_POWEROFF, 0, "guest powered off");
}

void vm_request_reset(struct vm *vm)
{
	vm_set_event(vm, VM_EV_RESET, 0, "guest reset");
}

void vm_request_exit(struct vm *vm, int status)
{
	vm_set_event(vm, VM_EV_EXIT, status & 0xff, "guest wrote isa-debug-exit");
}

void vm_log_guest_error(struct vm *vm, const char *dev, const char *fmt, ...)
{
	char msg[512];
	unsigned int n = __atomic_add_fetch(&vm->guest_errors, 1, __ATOMIC_RELAXED);
	va_list ap;
	int len;

	if (n > GUEST_ERROR_LOG_MAX + 1)
		return;
	if (n == GUEST_ERROR_LOG_MAX + 1) {
		len = snprintf(msg, sizeof(msg), "nhv-vm: %s: more guest errors, no longer logged\n",
			       vm->name);
	} else {
		len = snprintf(msg, sizeof(msg), "nhv-vm: %s: %s: ", vm->name, dev);
		va_start(ap, fmt);
		len += vsnprintf(msg + len, sizeof(msg) - (size_t)len - 1, fmt, ap);
		va_end(ap);
		if (len > (int)sizeof(msg) - 2)
			len = (int)sizeof(msg) - 2;
		msg[len++] = '\n';
		msg[len] = '\0';
	}
	if (write(STDERR_FILENO, msg, (size_t)len) < 0)
		return;
}

void vm_set_irq(struct vm *vm, unsigned int gsi, int level)
{
	if (vm->ioapic && gsi < IOAPIC_PINS)
		ioapic_set_irq(vm->ioapic, gsi, level);
}

void vm_pulse_irq(struct vm *vm, unsigned int gsi)
{
	vm_set_irq(vm, gsi, 1);
	vm_set_irq(vm, gsi, 0);
}

/*
 * Destinations (SDM vol. 3A 11.6.2): physical = APIC id (0xff broadcast);
 * logical = the flat model Linux uses with up to 8 CPUs, LDR bit i for
 * APIC id i.  Lowest priority goes to the first CPU of the set.
 */
void vm_deliver_apic(struct vm *vm, uint8_t dest, int dest_logical, uint8_t vector,
		     uint8_t delivery_mode, int level_triggered)
{
	int nmi = delivery_mode == 4;

	(void)level_triggered;
	if (delivery_mode != 0 && delivery_mode != 1 && !nmi)
		return;
	if (!nmi && vector < 32) {
		vm_log_guest_error(vm, "apic", "interrupt with illegal vector %u dropped", vector);
		return;
	}
	for (unsigned int i = 0; i < vm->nvcpus; i++) {
		int hit = dest_logical ? i < 8 && (dest & (1U << i)) : dest == 0xff || dest == i;

		if (!hit)
			continue;
		vm->accel->interrupt(&vm->vcpus[i], vector, nmi);
		if (delivery_mode == 1)
			break;
	}
}

void *vm_guest_ptr(struct vm *vm, uint64_t gpa, uint64_t len)
{
	if (gpa + len < gpa)
		return NULL;
	if (gpa + len <= vm->low_size)
		return vm->ram + gpa;
	if (gpa >= GPA_4G && gpa + len - GPA_4G <= vm->ram_size - vm->low_size)
		return vm->ram + vm->low_size + (gpa - GPA_4G);
	return NULL;
}

uint64_t vm_ram_size(const struct vm *vm)
{
	return vm->ram_size;
}

unsigned int vm_vcpu_count(const struct vm *vm)
{
	return vm->nvcpus;
}

int vm_add_console_out(struct vm *vm, int fd, int nonblock)
{
	int r = -1;

	pthread_mutex_lock(&vm->out_lock);
	if (vm->nout < VM_MAX_CONSOLE_OUT) {
		vm->out_fd[vm->nout] = fd;
		vm->out_nonblock[vm->nout] = nonblock;
		vm->nout++;
		r = 0;
	}
	pthread_mutex_unlock(&vm->out_lock);
	return r;
}

void vm_remove_console_out(struct vm *vm, int fd)
{
	pthread_mutex_lock(&vm->out_lock);
	for (unsigned int i = 0; i < vm->nout; i++) {
		if (vm->out_fd[i] == fd) {
			vm->nout--;
			vm->out_fd[i] = vm->out_fd[vm->nout];
			vm->out_nonblock[i] = vm->out_nonblock[vm->nout];
			break;
		}
	}
	pthread_mutex_unlock(&vm->out_lock);
}

/* Files get every byte; sockets (non-blocking) lose bytes rather than stall a vCPU. */
void vm_console_output(struct vm *vm, const uint8_t *buf, size_t n)
{
	pthread_mutex_lock(&vm->out_lock);
	for (unsigned int i = 0; i < vm->nout; i++) {
		size_t done = 0;

		while (done < n) {
			ssize_t w = write(vm->out_fd[i], buf + done, n - done);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				break;
			done += (size_t)w;
		}
	}
	pthread_mutex_unlock(&vm->out_lock);
}

void vm_set_console_input(struct vm *vm, console_input_fn fn, void *dev)
{
	vm->input_fn = fn;
	vm->input_dev = dev;
}

void vm_console_input(struct vm *vm, const uint8_t *buf, size_t n)
{
	if (vm->input_fn)
		vm->input_fn(vm->input_dev, buf, n);
}

void vm_on_reset(struct vm *vm, void (*fn)(void *dev), void *dev)
{
	if (vm->nreset >= VM_MAX_RESET_HOOKS) {
		fprintf(stderr, "nhv-vm: more than %d reset hooks\n", VM_MAX_RESET_HOOKS);
		abort();
	}
	vm->reset_fn[vm->nreset] = fn;
	vm->reset_dev[vm->nreset] = dev;
	vm->nreset++;
}

void vm_run_reset_hooks(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nreset; i++)
		vm->reset_fn[i](vm->reset_dev[i]);
}

void vm_set_power_button(struct vm *vm, void (*fn)(void *dev), void *dev)
{
	vm->power_fn = fn;
	vm->power_dev = dev;
}

void vm_press_power_button(struct vm *vm)
{
	if (vm->power_fn)
		vm->power_fn(vm->power_dev);
}
