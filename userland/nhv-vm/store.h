/*
 * store.h - where L2 guests live (docs/nhv-vm.md):
 *   definitions  STORE/NAME/NAME.vmx   STORE = /var/lib/nhv/vms (the data
 *                disk's vms/ when one is mounted, else RAM; $NHV_VM_STORE)
 *   run state    RUN/NAME/             RUN = /run/nhv/vms ($NHV_VM_RUN):
 *                lock (held by the supervisor while the VM runs),
 *                supervisor.pid, control.sock (nhv-vm boot's control
 *                socket), serial.log (+ serial.log.1), vmm.log (nhv-vm
 *                boot's messages), state (key=value lines, see below).
 */
#ifndef NHV_VM_STORE_H
#define NHV_VM_STORE_H

#include <stddef.h>

#define STORE_NAME_MAX 64
#define STORE_MAX_VMS 256

const char *store_root(void);
const char *store_run_root(void);

/* 0 if name is usable as a VM name (letters, digits, '.', '_', '-'; not
 * starting with '.' or '-'; 1..64 bytes), else -1 with why. */
int store_name_check(const char *name, char *why, size_t len);

/* STORE/NAME/NAME.vmx, STORE/NAME, RUN/NAME, RUN/NAME/FILE */
int store_vmx_path(const char *name, char *buf, size_t len);
int store_vm_dir(const char *name, char *buf, size_t len);
int store_run_dir(const char *name, char *buf, size_t len);
int store_run_file(const char *name, const char *file, char *buf, size_t len);

/* Is NAME defined (its .vmx exists)? */
int store_exists(const char *name);

/* Names of the defined VMs, sorted; returns the count (at most max), -1 on error. */
int store_list(char names[][STORE_NAME_MAX + 1], int max);

/*
 * Writes the definition atomically (a crash or a full disk leaves either no
 * definition or the whole one; a folder made for it is removed again on
 * failure).  0, or -1 with why.
 */
int store_write_vmx(const char *name, const char *text, size_t len, char *why, size_t wlen);

/* Removes NAME.vmx, then its folder if empty (kept = 1 when it was not). */
int store_remove(const char *name, int *kept, char *why, size_t wlen);

/*
 * Run state of a VM, written by its supervisor.  running: the supervisor
 * holds RUN/NAME/lock.
 */
struct vm_state {
	int running;
	char state[16];		/* starting, running, off, or "" when it never ran */
	long vmm_pid;		/* nhv-vm boot */
	double started;		/* CLOCK_REALTIME seconds when boot was started */
	double init_s;		/* seconds from start to "nhv-l2: init"; < 0: not seen */
	int inits;		/* "nhv-l2: init" lines seen (1 + guest reboots) */
	int exit_status;	/* nhv-vm boot's exit status when off; -1 unknown */
	char reason[160];	/* why it is off */
};

int store_state_read(const char *name, struct vm_state *s);
int store_state_write(const char *name, const struct vm_state *s);
/* Parses state text (the file's content); exposed for tests. */
void store_state_parse(const char *text, struct vm_state *s);
int store_state_format(const struct vm_state *s, char *buf, size_t len);

/* Is the VM's supervisor alive (its lock held)? */
int store_running(const char *name);

#endif
