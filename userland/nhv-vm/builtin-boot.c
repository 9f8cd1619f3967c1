/*
 * builtin-boot.c - nhv-vm boot: one VM in the foreground (the contract in
 * docs/nhv-vm.md): load the config and the kernel, build the machine,
 * run the vCPUs, and wait in one poll loop for the VM's events, signals
 * (SIGTERM = ACPI power button), the console, the control socket and the
 * time limit.  Exit status: 0 powered off, (v << 1) | 1 isa-debug-exit,
 * 2 usage/config/load error, 124 time-out, 125 stopped for a fault (or,
 * with --no-reboot, for the guest's own reset), 137 killed through the
 * control socket.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include "userland/lib/clock.h"
#include "userland/nhv-vm/builtins.h"
#include "userland/nhv-vm/control.h"
#include "userland/nhv-vm/layout.h"
#include "userland/nhv-vm/loader.h"
#include "userland/nhv-vm/machine.h"
#include "userland/nhv-vm/nesting.h"
#include "userland/nhv-vm/smbios.h"
#include "userland/nhv-vm/net.h"

#define MAX_SETS	64
#define EXIT_USAGE	2
#define EXIT_TIMEOUT	124
#define EXIT_STOPPED	125
#define EXIT_KILLED	137

struct boot_opts {
	const char *vmx, *accel, *serial_log, *control, *name;
	char *sets[MAX_SETS];
	size_t nsets;
	int console;
	int no_reboot;		/* a guest reset ends the run (a throwaway guest's panic) */
	double timeout;
};

static int usage(const char *why)
{
	if (why)
		fprintf(stderr, "nhv-vm boot: %s\n", why);
	fputs("usage: nhv-vm boot --vmx FILE [--set KEY=VALUE]... [--accel nhv|kvm]\n"
	      "                   [--serial-log FILE] [--control SOCKET] [--console]\n"
	      "                   [--timeout SECONDS] [--name NAME] [--no-reboot]\n", stderr);
	return EXIT_USAGE;
}

static int parse_args(struct boot_opts *o, int argc, char **argv)
{
	memset(o, 0, sizeof(*o));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end;

		if (!strcmp(a, "--console")) {
			o->console = 1;
			continue;
		}
		if (!strcmp(a, "--no-reboot")) {
			o->no_reboot = 1;
			continue;
		}
		if (!v) {
			fprintf(stderr, "nhv-vm boot: %s needs a value\n", a);
			return -1;
		}
		i++;
		if (!strcmp(a, "--vmx")) {
			o->vmx = v;
		} else if (!strcmp(a, "--set")) {
			if (o->nsets == MAX_SETS) {
				fprintf(stderr, "nhv-vm boot: more than %d --set\n", MAX_SETS);
				return -1;
			}
			o->sets[o->nsets++] = argv[i];
		} else if (!strcmp(a, "--accel")) {
			if (strcmp(v, "nhv") && strcmp(v, "kvm")) {
				fprintf(stderr, "nhv-vm boot: --accel: expected nhv or kvm, got \"%s\"\n", v);
				return -1;
			}
			o->accel = v;
		} else if (!strcmp(a, "--serial-log")) {
			o->serial_log = v;
		} else if (!strcmp(a, "--control")) {
			o->control = v;
		} else if (!strcmp(a, "--name")) {
			o->name = v;
		} else if (!strcmp(a, "--timeout")) {
			errno = 0;
			o->timeout = strtod(v, &end);
			if (errno || *end || end == v || !(o->timeout > 0) || o->timeout > 1e7) {
				fprintf(stderr, "nhv-vm boot: --timeout: expected seconds > 0, got \"%s\"\n", v);
				return -1;
			}
		} else {
			fprintf(stderr, "nhv-vm boot: unknown option \"%s\"\n", a);
			return -1;
		}
	}
	if (!o->vmx) {
		fputs("nhv-vm boot: --vmx FILE is required\n", stderr);
		return -1;
	}
	return 0;
}

/*
 * The kernel files: mapped before the VM is created (so a bad one is refused
 * first; mmap, not read: no copy through a buffer), unmapped once they are
 * in guest RAM (8-9 MiB of L1 memory the idle guest would otherwise keep),
 * and mapped again at every reset, as a machine reads its kernel again at
 * every boot.  Every access to them is inside blob_guard: a file truncated
 * meanwhile is an error, not a SIGBUS.
 */
struct images {
	struct blob kernel, initrd;
	enum kernel_kind kind;
	char *cmdline;		/* configured + what the VMM adds for Linux */
};

static int kind_of(void *arg)
{
	struct images *im = arg;

	return (int)kernel_kind(&im->kernel);
}

static int read_images(struct images *im, const struct vm_config *c, char *why, size_t whylen)
{
	size_t max = (size_t)(c->memsize_mib << 20);
	int kind;

	if (blob_read(&im->kernel, c->kernel, max, why, whylen))
		return -1;
	kind = blob_guard(kind_of, im);
	if (kind < 0) {
		snprintf(why, whylen, "%s: the file shrank while it was read", c->kernel);
		blob_free(&im->kernel);
		return -1;
	}
	im->kind = (enum kernel_kind)kind;
	if (im->kind == KERNEL_UNKNOWN) {
		snprintf(why, whylen, "%s: neither a bzImage (no \"HdrS\" header) nor a multiboot "
			 "kernel (no multiboot header in the first 8 KiB)", c->kernel);
		return -1;
	}
	if (c->initrd && blob_read(&im->initrd, c->initrd, max, why, whylen))
		return -1;
	return 0;
}

static int load(struct vm *vm, struct images *im, char *why, size_t whylen)
{
	const struct vm_config *c = vm->cfg;
	uint8_t *smb = vm_guest_ptr(vm, GPA_SMBIOS, SMBIOS_AREA);

	if (!smb || !smbios_write(smb, SMBIOS_AREA, (uint32_t)GPA_SMBIOS, c->uuid)) {
		snprintf(why, whylen, "no room for the SMBIOS tables at %#llx", GPA_SMBIOS);
		return -1;
	}

	if (im->kind == KERNEL_MULTIBOOT)
		return load_multiboot(vm, &im->kernel, c->kernel, c->initrd ? &im->initrd : NULL,
				      c->initrd, c->cmdline ? c->cmdline : "", why, whylen);
	if (!im->cmdline) {
		/*
		 * Linux: the TSC rate, as there is no PIT to measure it with,
		 * and no clocksource watchdog: the only other clocksource is
		 * jiffies, which lags the TSC whenever the host is busy.
		 */
		if (asprintf(&im->cmdline, "%s%stsc_early_khz=%" PRIu64 " tsc=reliable", c->cmdline ? c->cmdline : "",
			     c->cmdline && *c->cmdline ? " " : "", vm->tsc_khz) < 0) {
			snprintf(why, whylen, "out of memory");
			return -1;
		}
	}
	return load_bzimage(vm, &im->kernel, c->kernel, c->initrd ? &im->initrd : NULL,
			    im->cmdline, why, whylen);
}

struct load_args {
	struct vm *vm;
	struct images *im;
	char *why;
	size_t whylen;
};

static int guarded_load(void *arg)
{
	struct load_args *a = arg;

	return load(a->vm, a->im, a->why, a->whylen);
}

static void free_images(struct images *im)
{
	blob_free(&im->kernel);
	blob_free(&im->initrd);
}

/* A VM with the backend, loaded and running; -2 when the backend failed, -1 else, with why. */
static int start_machine(struct vm *vm, struct images *im, char *why, size_t whylen)
{
	int r;

	if (vm_create_vcpus(vm, why, whylen))
		return -2;
	if (!vm->t_backend)
		vm->t_backend = mono_s();
	if (!im->kernel.data && read_images(im, vm->cfg, why, whylen))
		return -1;
	r = blob_guard(guarded_load, &(struct load_args){ vm, im, why, whylen });
	if (r == -2)
		snprintf(why, whylen, "%s or %s: the file shrank while it was loaded", vm->cfg->kernel,
			 vm->cfg->initrd ? vm->cfg->initrd : "its initrd");
	free_images(im);
	if (r)
		return -1;
	if (!vm->t_loaded)
		vm->t_loaded = mono_s();
	vm->stopping = 0;
	vm->parked = 0;
	if (!vm->started)
		vm->started = mono_s();
	for (unsigned int i = 0; i < vm->nvcpus; i++) {
		if (vcpu_start(&vm->vcpus[i])) {
			snprintf(why, whylen, "cannot start vCPU thread %u: %s", i, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* Reset: every vCPU stopped, fresh backend VM, RAM zeroed, devices reset, kernel reloaded. */
static int reset_machine(struct vm *vm, struct images *im, char *why, size_t whylen)
{
	vm_destroy_backend(vm);
	madvise(vm->ram, vm->ram_size, MADV_DONTNEED);
	vm_run_reset_hooks(vm);
	vm->resets++;
	pthread_mutex_lock(&vm->ev_lock);
	vm->event = VM_EV_NONE;
	vm->stop_reason[0] = '\0';
	pthread_mutex_unlock(&vm->ev_lock);
	return start_machine(vm, im, why, whylen);
}

static const struct accel_ops *pick_accel(const struct boot_opts *o, const struct vm_config *c)
{
	if (o->accel)
		return strcmp(o->accel, "kvm") ? &accel_nhv : &accel_kvm;
	return c->accel == VM_ACCEL_KVM ? &accel_kvm : &accel_nhv;
}

static void stop_line(struct vm *vm)
{
	char line[512];
	int n = snprintf(line, sizeof(line), "nhv-vm: %s stopped: %s\n", vm->name, vm->stop_reason);

	if (n > (int)sizeof(line) - 1)
		n = (int)sizeof(line) - 1;
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
	if (vm->log_fd >= 0 && write(vm->log_fd, line, (size_t)n) < 0)
		return;
}

/* The poll loop; returns the exit status. */
static int main_loop(struct vm *vm, struct images *im, const struct boot_opts *o, int sigfd,
		     struct control *ctl)
{
	double deadline = o->timeout > 0 ? mono_s() + o->timeout : 0;
	char why[512];

	for (;;) {
		struct pollfd p[3 + CONTROL_MAX_FDS];
		nfds_t n = 0;
		int timeout_ms = -1;
		enum vm_event ev;

		p[n++] = (struct pollfd){ .fd = vm->ev_fd, .events = POLLIN };
		p[n++] = (struct pollfd){ .fd = sigfd, .events = POLLIN };
		p[n++] = (struct pollfd){ .fd = o->console ? STDIN_FILENO : -1, .events = POLLIN };
		n += control_pollfds(ctl, p + n);
		if (deadline > 0) {
			double left = deadline - mono_s();

			timeout_ms = left <= 0 ? 0 : (int)(left * 1000) + 1;
		}
		if (poll(p, n, timeout_ms) < 0 && errno != EINTR) {
			perror("nhv-vm: poll");
			return EXIT_STOPPED;
		}
		if (deadline > 0 && mono_s() >= deadline) {
			vm->dump_on_stop = 1;
			vcpu_join_all_stop(vm);
			fprintf(stderr, "nhv-vm: %s: --timeout of %g s expired, VM killed\n", vm->name,
				o->timeout);
			return EXIT_TIMEOUT;
		}
		if (p[0].revents & POLLIN) {
			uint64_t count;

			/* Drained, or poll would return at once forever after a reset. */
			if (read(vm->ev_fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
				perror("nhv-vm: eventfd");
		}
		if (p[1].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sigfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGTERM)
					vm_press_power_button(vm);
				else
					vm_set_event(vm, VM_EV_KILL, 128 + (int)si.ssi_signo,
						     "killed by a signal");
			}
		}
		if (p[2].revents & (POLLIN | POLLHUP)) {
			uint8_t buf[256];
			ssize_t r = read(STDIN_FILENO, buf, sizeof(buf));

			if (r > 0)
				vm_console_input(vm, buf, (size_t)r);
			else
				((struct boot_opts *)o)->console = 0;	/* EOF: stop polling stdin */
		}
		control_handle(ctl, p + 3, n - 3);
		pthread_mutex_lock(&vm->ev_lock);
		ev = vm->event;
		pthread_mutex_unlock(&vm->ev_lock);
		if (ev == VM_EV_NONE)
			continue;
		vcpu_join_all_stop(vm);
		switch (ev) {
		case VM_EV_RESET:
			if (o->no_reboot) {
				fprintf(stderr, "nhv-vm: %s: the guest reset itself (a kernel panic with "
					"panic=-1 does); --no-reboot: stopped\n", vm->name);
				return EXIT_STOPPED;
			}
			if (reset_machine(vm, im, why, sizeof(why))) {
				fprintf(stderr, "nhv-vm: %s: reset failed: %s\n", vm->name, why);
				return EXIT_STOPPED;
			}
			continue;
		case VM_EV_POWEROFF:
			return 0;
		case VM_EV_EXIT:
			return vm->exit_status;
		case VM_EV_KILL:
			return vm->exit_status;
		case VM_EV_STOP:
		default:
			stop_line(vm);
			return EXIT_STOPPED;
		}
	}
}

static int open_outputs(struct vm *vm, const struct boot_opts *o)
{
	if (o->serial_log) {
		vm->log_fd = open(o->serial_log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (vm->log_fd < 0) {
			fprintf(stderr, "nhv-vm: %s: cannot open: %s\n", o->serial_log, strerror(errno));
			return -1;
		}
		vm_add_console_out(vm, vm->log_fd, 0);
	}
	if (o->console || !o->serial_log)
		vm_add_console_out(vm, STDOUT_FILENO, 0);
	return 0;
}

int cmd_boot(int argc, char **argv)
{
	struct boot_opts o;
	struct vm_config cfg;
	struct images im;
	struct control *ctl = NULL;
	struct vm vm;
	char why[1024];
	sigset_t sigs;
	int sigfd, status, r;
	double t_start = mono_s(), t_images;

	if (parse_args(&o, argc, argv))
		return usage(NULL);
	if (vm_config_load(&cfg, o.vmx, o.sets, o.nsets, why, sizeof(why))) {
		fprintf(stderr, "nhv-vm: %s\n", why);
		return EXIT_USAGE;
	}
	if (o.name) {
		free(cfg.display_name);
		cfg.display_name = strdup(o.name);
	}
	memset(&im, 0, sizeof(im));
	if (read_images(&im, &cfg, why, sizeof(why))) {
		fprintf(stderr, "nhv-vm: %s\n", why);
		return EXIT_USAGE;
	}
	t_images = mono_s();
	if (vm_init(&vm, &cfg, pick_accel(&o, &cfg), why, sizeof(why)) || open_outputs(&vm, &o)) {
		fprintf(stderr, "nhv-vm: %s: %s\n", cfg.display_name, why);
		return EXIT_USAGE;
	}
	vm.t_start = t_start;
	vm.t_images = t_images;
	vm.log_startup = o.control != NULL;
	/* Signals go to the poll loop; vCPU threads block them (vcpu.c). */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	sigdelset(&sigs, SIGPIPE);
	sigfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	{
		struct net_nic_up nets[VM_MAX_NICS];

		if (net_up(&cfg, vm.name, nets, &vm.nnets, why, sizeof(why))) {
			fprintf(stderr, "nhv-vm: %s: network: %s\n", vm.name, why);
			return EXIT_USAGE;
		}
		for (unsigned int k = 0; k < vm.nnets; k++) {
			vm.net_fd[k] = nets[k].fd;
			memcpy(vm.net_mac[k], nets[k].mac, 6);
			fprintf(stderr, "nhv-vm: %s: ethernet%d: %02x:%02x:%02x:%02x:%02x:%02x on %s\n", vm.name,
				nets[k].index, nets[k].mac[0], nets[k].mac[1], nets[k].mac[2], nets[k].mac[3],
				nets[k].mac[4], nets[k].mac[5], nets[k].tap);
		}
	}
	if (machine_create(&vm) || vm_backdoor_create(&vm)) {
		fprintf(stderr, "nhv-vm: %s: building the machine failed\n", vm.name);
		return EXIT_USAGE;
	}
	r = start_machine(&vm, &im, why, sizeof(why));
	if (r == -2 && !o.accel && cfg.accel == VM_ACCEL_AUTO) {
		/* auto: nhv.ko first, then KVM; both reasons when neither runs. */
		char why_kvm[512];

		vm_destroy_backend(&vm);
		vm.accel_priv = NULL;
		vm.accel = &accel_kvm;
		vm.t_backend = 0;

		r = start_machine(&vm, &im, why_kvm, sizeof(why_kvm));
		if (r == -2) {
			size_t n = strlen(why);

			snprintf(why + n, sizeof(why) - n, "; and KVM: %s", why_kvm);
		} else if (r) {
			snprintf(why, sizeof(why), "%s", why_kvm);
		}
	}
	if (r) {
		fprintf(stderr, "nhv-vm: %s: %s\n", vm.name, why);
		return EXIT_USAGE;
	}
	vm.nesting = nesting_start(cfg.nesting);
	/* The socket exists once the VM runs: supervisors take it as "started". */
	if (o.control && !(ctl = control_open(&vm, o.control, why, sizeof(why)))) {
		fprintf(stderr, "nhv-vm: %s: %s\n", vm.name, why);
		vcpu_join_all_stop(&vm);
		nesting_stop(vm.nesting);
		return EXIT_USAGE;
	}
	status = main_loop(&vm, &im, &o, sigfd, ctl);
	control_close(ctl);
	nesting_stop(vm.nesting);
	vm_backdoor_free(&vm);
	if (vm.nnets > 0)
		net_down(vm.name);
	vm_free(&vm);
	free_images(&im);
	free(im.cmdline);
	vm_config_free(&cfg);
	return status;
}
