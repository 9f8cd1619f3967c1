/* store.c - the VM store and run state (see store.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "userland/lib/atomic.h"
#include "userland/nhv-vm/store.h"

const char *store_root(void)
{
	const char *e = getenv("NHV_VM_STORE");

	return e && e[0] ? e : "/var/lib/nhv/vms";
}

const char *store_run_root(void)
{
	const char *e = getenv("NHV_VM_RUN");

	return e && e[0] ? e : "/run/nhv/vms";
}

int store_name_check(const char *name, char *why, size_t len)
{
	size_t n = strlen(name);

	if (n == 0 || n > STORE_NAME_MAX) {
		snprintf(why, len, "a VM name has 1 to %d characters, \"%.80s\" has %zu",
			 STORE_NAME_MAX, name, n);
		return -1;
	}
	if (name[0] == '.' || name[0] == '-') {
		snprintf(why, len, "a VM name may not start with '%c' (\"%s\")", name[0], name);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-')) {
			snprintf(why, len, "\"%s\" is not a usable VM name: character %zu is not a "
				 "letter, digit, '.', '_' or '-'", name, i + 1);
			return -1;
		}
	}
	return 0;
}

static int fit(int n, size_t len)
{
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int store_vm_dir(const char *name, char *buf, size_t len)
{
	return fit(snprintf(buf, len, "%s/%s", store_root(), name), len);
}

int store_vmx_path(const char *name, char *buf, size_t len)
{
	return fit(snprintf(buf, len, "%s/%s/%s.vmx", store_root(), name, name), len);
}

int store_run_dir(const char *name, char *buf, size_t len)
{
	return fit(snprintf(buf, len, "%s/%s", store_run_root(), name), len);
}

int store_run_file(const char *name, const char *file, char *buf, size_t len)
{
	return fit(snprintf(buf, len, "%s/%s/%s", store_run_root(), name, file), len);
}

int store_exists(const char *name)
{
	char path[4096];
	struct stat st;

	return store_vmx_path(name, path, sizeof(path)) == 0 && stat(path, &st) == 0 &&
	       S_ISREG(st.st_mode);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

int store_list(char names[][STORE_NAME_MAX + 1], int max)
{
	char why[160];
	struct dirent *de;
	DIR *d = opendir(store_root());
	int n = 0;

	if (!d)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d)) && n < max) {
		if (store_name_check(de->d_name, why, sizeof(why)) || !store_exists(de->d_name))
			continue;
		snprintf(names[n++], STORE_NAME_MAX + 1, "%.*s", STORE_NAME_MAX, de->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), by_name);
	return n;
}

/* mkdir -p of the store root (its parent, /var/lib/nhv, is made by nhv-init). */
static int make_root(void)
{
	const char *root = store_root();

	if (mkdir(root, 0755) == 0 || errno == EEXIST)
		return 0;
	return -1;
}

int store_write_vmx(const char *name, const char *text, size_t len, char *why, size_t wlen)
{
	char dir[4096], path[4096];
	int made = 0;

	if (store_vm_dir(name, dir, sizeof(dir)) || store_vmx_path(name, path, sizeof(path))) {
		snprintf(why, wlen, "the store path %s is too long", store_root());
		return -1;
	}
	if (make_root() < 0) {
		snprintf(why, wlen, "cannot make the store %s: %s", store_root(), strerror(errno));
		return -1;
	}
	if (mkdir(dir, 0755) == 0)
		made = 1;
	else if (errno != EEXIST) {
		snprintf(why, wlen, "cannot make %s: %s", dir, strerror(errno));
		return -1;
	}
	if (atomic_write_file(path, text, len, 0644) < 0) {
		snprintf(why, wlen, "cannot write %s: %s", path, strerror(errno));
		if (made)
			rmdir(dir);
		return -1;
	}
	return 0;
}

int store_remove(const char *name, int *kept, char *why, size_t wlen)
{
	char dir[4096], path[4096];

	*kept = 0;
	if (store_vm_dir(name, dir, sizeof(dir)) || store_vmx_path(name, path, sizeof(path))) {
		snprintf(why, wlen, "the store path %s is too long", store_root());
		return -1;
	}
	if (unlink(path) < 0) {
		snprintf(why, wlen, "cannot remove %s: %s", path, strerror(errno));
		return -1;
	}
	if (rmdir(dir) < 0)
		*kept = 1;
	return 0;
}

void store_state_parse(const char *text, struct vm_state *s)
{
	const char *p = text;

	memset(s, 0, sizeof(*s));
	s->init_s = -1;
	s->exit_status = -1;
	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		char line[256];

		snprintf(line, sizeof(line), "%.*s", (int)(n < sizeof(line) ? n : sizeof(line) - 1), p);
		if (!strncmp(line, "state=", 6))
			snprintf(s->state, sizeof(s->state), "%.*s", (int)sizeof(s->state) - 1, line + 6);
		else if (!strncmp(line, "vmm_pid=", 8))
			s->vmm_pid = strtol(line + 8, NULL, 10);
		else if (!strncmp(line, "started=", 8))
			s->started = strtod(line + 8, NULL);
		else if (!strncmp(line, "init_s=", 7))
			s->init_s = strtod(line + 7, NULL);
		else if (!strncmp(line, "inits=", 6))
			s->inits = atoi(line + 6);
		else if (!strncmp(line, "exit=", 5))
			s->exit_status = atoi(line + 5);
		else if (!strncmp(line, "reason=", 7))
			snprintf(s->reason, sizeof(s->reason), "%.*s", (int)sizeof(s->reason) - 1, line + 7);
		p = eol ? eol + 1 : NULL;
	}
}

int store_state_format(const struct vm_state *s, char *buf, size_t len)
{
	char reason[sizeof(s->reason)];

	/* one line per key: a reason never carries a line end */
	snprintf(reason, sizeof(reason), "%s", s->reason);
	for (char *c = reason; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	return snprintf(buf, len, "state=%s\nvmm_pid=%ld\nstarted=%.3f\ninit_s=%.3f\ninits=%d\n"
			"exit=%d\nreason=%s\n", s->state, s->vmm_pid, s->started, s->init_s,
			s->inits, s->exit_status, reason);
}

int store_state_read(const char *name, struct vm_state *s)
{
	char path[4096], text[1024];
	ssize_t n = -1;
	int fd;

	store_state_parse("", s);
	if (store_run_file(name, "state", path, sizeof(path)))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, text, sizeof(text) - 1);
		close(fd);
	}
	if (n >= 0) {
		text[n] = '\0';
		store_state_parse(text, s);
	}
	s->running = store_running(name);
	return n >= 0 ? 0 : -1;
}

int store_state_write(const char *name, const struct vm_state *s)
{
	char path[4096], text[1024];
	int n = store_state_format(s, text, sizeof(text));

	if (n < 0 || (size_t)n >= sizeof(text) || store_run_file(name, "state", path, sizeof(path)))
		return -1;
	return atomic_write_file(path, text, (size_t)n, 0644);
}

int store_running(const char *name)
{
	char path[4096];
	int fd, held;

	if (store_run_file(name, "lock", path, sizeof(path)))
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	held = flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
	close(fd);
	return held;
}
