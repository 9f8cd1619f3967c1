/*
 * nesting.c - NESTING_CONTROL towards L0 (vmware-backdoor.md section 8),
 * by the policy nhv.nesting:
 *   auto    QUERY at start; when L0 answers EAX >= 2 (dynamic backdoor
 *           toggling), RESTRICT_BACKDOOR while this VM's L2 runs, OPEN after
 *   toggle  RESTRICT/OPEN whatever QUERY answered
 *   off     no NESTING_CONTROL at all
 * "While the L2 runs" is the VMM's life from the first vCPU start to its
 * exit; several VMMs share one list of PIDs in NESTING_COUNT (flock), so
 * the first restricts and the last opens; a VMM that died is dropped.  L0 without a backdoor (the IN faults) or
 * without the command (QEMU's vmport answers EAX = ~0) is shown as such
 * and changes nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include "handshake/bdoor_def.h"
#include "handshake/commands.h"
#include "handshake/nhvbd_err.h"
#include "handshake/transport_x86.h"
#include "userland/lib/json.h"
#include "userland/nhv-vm/control.h"
#include "userland/nhv-vm/nesting.h"

#define NESTING_DIR	"/run/nhv"
#define NESTING_COUNT	NESTING_DIR "/nesting-users"

struct nesting {
	enum vm_nesting policy;
	char query[96];		/* what L0 answered to QUERY */
	char action[96];	/* what RESTRICT/OPEN did */
	int restricted;		/* this VMM counted itself in NESTING_COUNT */
	struct nhvbd_transport t;
};

#define NESTING_USERS_MAX 256

/*
 * NESTING_COUNT lists the PIDs of the VMMs that counted themselves in, one
 * per line.  Under its flock, a VMM adds (join) or removes (!join) its own
 * PID and drops those that no longer run, so a VMM killed by SIGKILL does
 * not keep L0 restricted for ever.  Returns how many live VMMs were in the
 * list before the change (itself included when leaving), or -1.
 */
static int users_update(int join)
{
	char buf[NESTING_USERS_MAX * 12], out[sizeof(buf)], *line, *save;
	pid_t self = getpid();
	size_t len = 0;
	int fd, before = 0;
	ssize_t n;

	if (mkdir(NESTING_DIR, 0755) && errno != EEXIST)
		return -1;
	fd = open(NESTING_COUNT, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX)) {
		close(fd);
		return -1;
	}
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = 0;
	out[0] = 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		long pid = strtol(line, NULL, 10);

		if (pid <= 0 || pid > INT_MAX || (kill((pid_t)pid, 0) && errno == ESRCH))
			continue;	/* garbage, or a VMM that died */
		before++;
		/* Room kept for this VMM's own line; more users than that are dropped. */
		if ((pid_t)pid != self && len + 48 < sizeof(out))
			len += (size_t)snprintf(out + len, sizeof(out) - len, "%ld\n", pid);
	}
	if (join)
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%ld\n", (long)self);
	if (ftruncate(fd, 0) || pwrite(fd, out, len, 0) != (ssize_t)len)
		before = -1;
	close(fd);
	return before;
}

static void op(struct nesting *n, uint32_t what, const char *name)
{
	uint32_t eax = 0;
	int r = nhvbd_nesting_control(&n->t, what, &eax);

	if (r)
		snprintf(n->action, sizeof(n->action), "%s: %s", name, nhvbd_strerror(r));
	else
		snprintf(n->action, sizeof(n->action), "%s: EAX %#" PRIx32, name, eax);
	/* A supervised VM's stderr is its vmm.log: what L0 was told stays there. */
	fprintf(stderr, "nhv-vm: NESTING_CONTROL %s\n", n->action);
}

struct nesting *nesting_start(enum vm_nesting policy)
{
	struct nesting *n = calloc(1, sizeof(*n));
	struct nhvbd_version v;
	uint32_t eax = 0;
	int perr, r, supported = 0;

	if (!n)
		return NULL;
	n->policy = policy;
	if (policy == VM_NESTING_OFF) {
		snprintf(n->query, sizeof(n->query), "not asked (nhv.nesting = off)");
		return n;
	}
	nhvbd_x86_transport_init(&n->t);
	r = nhvbd_x86_probe(&n->t, &v, &perr);
	if (r) {
		snprintf(n->query, sizeof(n->query), "no backdoor in L0 (%s)", nhvbd_strerror(r));
		return n;
	}
	r = nhvbd_nesting_control(&n->t, NESTING_CONTROL_QUERY, &eax);
	if (r == NHVBD_EUNSUPPORTED)
		snprintf(n->query, sizeof(n->query), "L0 does not know NESTING_CONTROL (EAX %#x)",
			 BDOOR_NO_DEVICE);
	else if (r)
		snprintf(n->query, sizeof(n->query), "QUERY failed: %s", nhvbd_strerror(r));
	else
		snprintf(n->query, sizeof(n->query), "EAX %#" PRIx32 " (%s)", eax,
			 (supported = nhvbd_nesting_supported(eax)) ? "toggling supported" :
			 "toggling not supported");
	if (policy == VM_NESTING_AUTO && !supported) {
		snprintf(n->action, sizeof(n->action), "none (auto, L0 cannot toggle)");
		return n;
	}
	r = users_update(1);
	n->restricted = r >= 0;
	if (r == 0)
		op(n, NESTING_CONTROL_RESTRICT_BACKDOOR, "RESTRICT_BACKDOOR");
	else if (r > 0)
		snprintf(n->action, sizeof(n->action), "restricted by another VM already");
	else
		snprintf(n->action, sizeof(n->action), "none (%s: %s)", NESTING_COUNT,
			 strerror(errno));
	return n;
}

void nesting_stop(struct nesting *n)
{
	if (!n)
		return;
	if (n->restricted && users_update(0) == 1)
		op(n, NESTING_CONTROL_OPEN_BACKDOOR, "OPEN_BACKDOOR");
	free(n);
}

void control_nesting_status(struct vm *vm, FILE *f)
{
	struct nesting *n = vm->nesting;

	if (!n) {
		fputs(",\"nesting\":null", f);
		return;
	}
	fprintf(f, ",\"nesting\":{\"policy\":\"%s\",\"query\":", vm_nesting_name(n->policy));
	json_str(f, n->query);
	fputs(",\"action\":", f);
	json_str(f, n->action);
	fputc('}', f);
}
