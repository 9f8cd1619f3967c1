/*
 * vm.h - one virtual machine of nhv-vm: guest RAM, the vCPUs (one thread
 * each), the port and MMIO buses, the accelerator (nhv.ko or /dev/kvm)
 * behind struct accel_ops, and the VM-wide events (power off, reset,
 * exit status, stop on a fault) the main thread waits for.
 */
#ifndef NHV_VM_VM_H
#define NHV_VM_VM_H

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>
#include "kernel-vmm/include/uapi/nhv.h"
#include "userland/nhv-vm/config.h"
#include "userland/nhv-vm/devices/device.h"

#define BUS_MAX_REGIONS		64
#define VM_MAX_RESET_HOOKS	32
#define VM_MAX_CONSOLE_OUT	8
#define SIG_KICK		SIGUSR1

struct vm;
struct vcpu;

/* What a vCPU exit asks of user space, in backend-neutral terms. */
enum vcpu_exit_reason {
	VX_IO, VX_MMIO, VX_HLT, VX_SHUTDOWN, VX_FAIL_ENTRY, VX_INTERNAL, VX_INTR,
	VX_IPI, VX_OTHER, VX_BACKDOOR,
	VX_NR
};

struct vcpu_exit {
	enum vcpu_exit_reason reason;
	union {
		struct {
			uint16_t port;
			uint8_t size, is_write;
			uint32_t data;		/* IN: the handler stores the value */
		} io;
		struct {
			uint64_t gpa, data;
			uint8_t len, is_write;
		} mmio;
		struct {
			uint32_t icr_low, icr_high;
		} ipi;
		struct {
			__u64 *gpr;		/* the guest's 16 registers, edited in place */
			uint8_t kind, size, cpl;
			uint16_t port;
			uint8_t fault;		/* the handler: 0, or 6 / 13 instead */
		} bd;
	};
	char why[160];				/* FAIL_ENTRY, INTERNAL, OTHER */
};

/* A backend.  Registers use nhv's uapi layout whatever the backend. */
struct accel_ops {
	const char *name;
	int kernel_starts_aps;		/* INIT/SIPI handled by the backend itself */
	/* Creates the VM; -1 with the reason in why. */
	int (*create)(struct vm *vm, char *why, size_t whylen);
	int (*set_memory)(struct vm *vm, unsigned int slot, uint64_t gpa, uint64_t size,
			  void *host);
	/* Ports that must exit to user space (bitmap of 65536 bits). */
	int (*set_io_exits)(struct vm *vm, const uint8_t *bitmap);
	int (*set_cpuid)(struct vm *vm, const struct nhv_cpuid_entry *e, unsigned int n);
	int (*vcpu_create)(struct vcpu *v);
	/* One run until an exit user space must see; the previous IN/MMIO read completed. */
	int (*vcpu_run)(struct vcpu *v, struct vcpu_exit *x);
	int (*get_regs)(struct vcpu *v, struct nhv_regs *r);
	int (*set_regs)(struct vcpu *v, const struct nhv_regs *r);
	int (*get_sregs)(struct vcpu *v, struct nhv_sregs *s);
	int (*set_sregs)(struct vcpu *v, const struct nhv_sregs *s);
	/* Fixed vector through the local APIC, or an NMI (vector ignored). */
	int (*interrupt)(struct vcpu *v, uint8_t vector, int nmi);
	/* vcpu.io_fault is honored: a port handler can make the IN/OUT fault (KVM). */
	int io_faults;
	/* VMware backdoor (NHV_BACKDOOR_* flags); NULL: the backend has none (backdoor-vm.c). */
	int (*set_backdoor)(struct vm *vm, uint32_t flags);
	/* Optional: what the kernel holds for the VM (nhv.ko's NHV_GET_VM_STATS). */
	int (*mem_stats)(struct vm *vm, struct nhv_vm_stats *st);
	/* Exits of this vCPU so far (hardware exits). */
	uint64_t (*exits)(struct vcpu *v);
	void (*vcpu_destroy)(struct vcpu *v);
	void (*destroy)(struct vm *vm);
};

extern const struct accel_ops accel_nhv;
extern const struct accel_ops accel_kvm;

enum vcpu_state { VCPU_RUNNING, VCPU_WAIT_SIPI };

struct vcpu {
	struct vm *vm;
	unsigned int id;
	int fd;
	void *run;			/* the backend's mmap()ed run structure */
	size_t run_size;
	pthread_t thread;
	volatile int in_loop;		/* the thread is between start and exit */
	pthread_mutex_t lock;		/* state, sipi_vector */
	pthread_cond_t cond;
	enum vcpu_state state;
	int sipi_vector;		/* -1 none */
	int parked;			/* halted with interrupts off */
	uint64_t exits[VX_NR];		/* user-space exits by reason */
	uint8_t io_fault;		/* set by a port handler: raise this vector (13: #GP(0))
					 * on the IN/OUT instead of completing it */
	uint64_t io_faults;		/* faults so raised */
};

struct bus_region {
	uint64_t base, len;
	io_fn io;
	mmio_fn mmio;
	void *dev;
	const char *name;
};

struct bus {
	struct bus_region r[BUS_MAX_REGIONS];
	unsigned int n;
};

enum vm_event { VM_EV_NONE, VM_EV_RESET, VM_EV_POWEROFF, VM_EV_EXIT, VM_EV_STOP, VM_EV_KILL };

struct vm {
	const struct vm_config *cfg;
	const char *name;
	const struct accel_ops *accel;
	int sysfd, vmfd;		/* backend file descriptors */
	void *accel_priv;

	uint8_t *ram;			/* one mapping: low RAM, then RAM above 4 GiB */
	uint64_t ram_size;		/* bytes */
	uint64_t low_size;		/* RAM below the MMIO hole */
	uint64_t tsc_khz;

	struct vcpu *vcpus;
	unsigned int nvcpus;

	struct bus io, mmio;
	uint8_t io_exit_bitmap[65536 / 8];

	/* Events: set by any thread, taken by the main thread. */
	pthread_mutex_t ev_lock;
	int ev_fd;			/* eventfd the main loop polls */
	enum vm_event event;
	int exit_status;
	char stop_reason[256];
	volatile int stopping;		/* vCPU threads leave their loops */
	volatile int dump_on_stop;	/* ...and log their state (--timeout, stop --force; accel-kvm.c) */
	unsigned int resets;
	double started;			/* CLOCK_MONOTONIC seconds at the first start */
	/* Start-up (CLOCK_MONOTONIC s): process start, kernel files read, backend
	 * VM with its memory and CPUID, kernel loaded, first guest entry. */
	double t_start, t_images, t_backend, t_loaded, t_first_run;
	int log_startup;		/* write the start-up line (a supervised VM's vmm.log) */
	unsigned int parked;		/* vCPUs halted with interrupts off */

	void (*reset_fn[VM_MAX_RESET_HOOKS])(void *dev);
	void *reset_dev[VM_MAX_RESET_HOOKS];
	unsigned int nreset;
	void (*power_fn)(void *dev);
	void *power_dev;
	console_input_fn input_fn;
	void *input_dev;
	void *ioapic;
	void *fw_cfg;
	unsigned int nvirtio;		/* virtio-mmio windows 0..n-1 (layout.h) */
	struct backdoor *backdoor;	/* VMware backdoor and GuestRPC, or NULL (backdoor-vm.c) */
	uint8_t hypercall;		/* NHV_BACKDOOR_VMCALL/VMMCALL advertised in 0x40000010, or 0 */
	struct nesting *nesting;	/* NESTING_CONTROL towards L0 (nesting.c) */
	int net_fd[VM_MAX_NICS];	/* virtio-net devices: tap (net.c), MAC */
	uint8_t net_mac[VM_MAX_NICS][6];
	unsigned int nnets;

	/* Console output: the serial log, stdout, control-socket clients. */
	pthread_mutex_t out_lock;
	int out_fd[VM_MAX_CONSOLE_OUT];
	int out_nonblock[VM_MAX_CONSOLE_OUT];
	unsigned int nout;
	int log_fd;			/* the serial log, for stop lines too; -1 */

	/* Rate limit of vm_log_guest_error. */
	unsigned int guest_errors;
};

/* vm.c */
int vm_init(struct vm *vm, const struct vm_config *cfg, const struct accel_ops *accel,
	    char *why, size_t whylen);
int vm_create_vcpus(struct vm *vm, char *why, size_t whylen);
void vm_destroy_backend(struct vm *vm);
/* For the backends: unmap a vCPU's run structure and close its fd; close the VM's fds. */
void vcpu_close_run(struct vcpu *v);
void vm_close_fds(struct vm *vm);
void vm_free(struct vm *vm);
void vm_set_event(struct vm *vm, enum vm_event ev, int status, const char *reason);
/* Stops a VM for a fault of the guest or the VMM: exit 125 with a line naming rip. */
void vm_stop_fault(struct vcpu *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vm_add_console_out(struct vm *vm, int fd, int nonblock);
void vm_remove_console_out(struct vm *vm, int fd);
void vm_console_input(struct vm *vm, const uint8_t *buf, size_t n);
void vm_press_power_button(struct vm *vm);
void vm_run_reset_hooks(struct vm *vm);

/* bus.c */
int bus_io(struct vcpu *v, uint16_t port, int is_write, uint32_t *data, unsigned int size);
int bus_mmio(struct vcpu *v, uint64_t gpa, int is_write, uint64_t *data, unsigned int len);
int bus_port_is_silent(uint16_t port);

/* vcpu.c */
int vcpu_start(struct vcpu *v);
void vcpu_kick_all(struct vm *vm);
/* Stops the VM's vCPU threads and waits for them. */
void vcpu_join_all_stop(struct vm *vm);
void vcpu_deliver_ipi(struct vcpu *from, uint32_t icr_low, uint32_t icr_high);
/* The vCPU whose thread calls this (in a device handler), or NULL. */
struct vcpu *vcpu_current(void);

/* backdoor-vm.c */
int vm_backdoor_create(struct vm *vm);		/* after machine_create; 0 or -1 */
int vm_backdoor_enable(struct vm *vm, char *why, size_t whylen);	/* per backend VM */
int vm_backdoor_exit(struct vcpu *v, struct vcpu_exit *x);
void vm_backdoor_free(struct vm *vm);

/* cpuid.c */
int vm_setup_cpuid(struct vm *vm);
/* The policy entries nhv-vm gives nhv.ko/KVM, each with who made it (a key, or "nhv-vm (why)"). */
struct cpuid_out {
	struct nhv_cpuid_entry *e;
	const char **who;
	unsigned int n, max;	/* n == max: the list was cut */
};
enum cpuid_vendor;
void cpuid_policy(const struct vm_config *c, uint64_t tsc_khz, uint8_t hypercall,
		  enum cpuid_vendor vendor, uint32_t host_max, struct cpuid_out *o);
enum cpuid_vendor host_vendor(void);
uint64_t host_tsc_khz(void);

#endif
