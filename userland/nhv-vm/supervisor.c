/* supervisor.c - the per-VM supervisor (see supervisor.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "userland/lib/clock.h"
#include "userland/nhv-vm/store.h"
#include "userland/nhv-vm/supervisor.h"
#include "userland/nhv-vm/writeall.h"

#define START_LIMIT_MS 20000	/* nhv-vm boot loads kernel and initrd before the socket */
#define INIT_MARK "nhv-l2: init"

struct sup {
	const char *name;
	char dir[PATH_MAX], log[PATH_MAX], sock[PATH_MAX];
	int logfd;
	size_t logsize;
	struct vm_state st;
	double t0;
	char tail[64];		/* the end of the last line, to find INIT_MARK across reads */
	size_t taillen;
	pid_t vmm;
};

static volatile sig_atomic_t got_term;

static void on_term(int sig)
{
	(void)sig;
	got_term = 1;
}

static double now_real(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static void log_open(struct sup *s)
{
	struct stat st;

	s->logfd = open(s->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	s->logsize = s->logfd >= 0 && fstat(s->logfd, &st) == 0 ? (size_t)st.st_size : 0;
}

static void log_write(struct sup *s, const char *buf, size_t n)
{
	if (s->logfd >= 0 && s->logsize + n > SUPERVISOR_LOG_MAX) {
		char old[PATH_MAX + 4];

		close(s->logfd);
		snprintf(old, sizeof(old), "%s.1", s->log);
		rename(s->log, old);
		log_open(s);
	}
	if (s->logfd >= 0 && write_all(s->logfd, buf, n) == 0)
		s->logsize += n;
}

/* Finds INIT_MARK at the start of a line, also when split across reads. */
static void scan(struct sup *s, const char *buf, size_t n, double t)
{
	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '\n' || buf[i] == '\r') {
			s->taillen = 0;
			continue;
		}
		if (s->taillen < sizeof(s->tail) - 1)
			s->tail[s->taillen++] = buf[i];
		if (s->taillen == strlen(INIT_MARK) &&
		    memcmp(s->tail, INIT_MARK, s->taillen) == 0) {
			s->st.inits++;
			if (s->st.init_s < 0)
				s->st.init_s = t - s->t0;
			store_state_write(s->name, &s->st);
		}
	}
}

static void describe_exit(struct vm_state *st, int status)
{
	st->exit_status = status;
	switch (status) {
	case 0: snprintf(st->reason, sizeof(st->reason), "powered off"); break;
	case 124: snprintf(st->reason, sizeof(st->reason), "time limit reached"); break;
	case 125: snprintf(st->reason, sizeof(st->reason), "stopped for a guest or VMM fault (see vmm.log)"); break;
	case 137: snprintf(st->reason, sizeof(st->reason), "killed"); break;
	case 2: snprintf(st->reason, sizeof(st->reason), "configuration or load error (see vmm.log)"); break;
	default:
		if (status & 1)
			snprintf(st->reason, sizeof(st->reason), "guest exit code %d (isa-debug-exit)",
				 status >> 1);
		else
			snprintf(st->reason, sizeof(st->reason), "nhv-vm boot exited %d", status);
	}
}

/* The last line of vmm.log: the VMM's reason for failing to start. */
static void last_vmm_line(const char *name, char *why, size_t wlen)
{
	char path[PATH_MAX], buf[2048];
	ssize_t n = -1;
	int fd;

	why[0] = '\0';
	if (store_run_file(name, "vmm.log", path, sizeof(path)))
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		off_t end = lseek(fd, 0, SEEK_END);

		lseek(fd, end > (off_t)sizeof(buf) - 1 ? end - (off_t)sizeof(buf) + 1 : 0, SEEK_SET);
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	if (n <= 0)
		return;
	buf[n] = '\0';
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	snprintf(why, wlen, "%.*s", (int)wlen - 1, strrchr(buf, '\n') ? strrchr(buf, '\n') + 1 : buf);
}

static pid_t spawn_vmm(struct sup *s, const char *vmx, int out)
{
	char exe[PATH_MAX], vmmlog[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	pid_t pid;

	if (n <= 0)
		return -1;
	exe[n] = '\0';
	if (store_run_file(s->name, "vmm.log", vmmlog, sizeof(vmmlog)))
		return -1;
	pid = fork();
	if (pid != 0)
		return pid;
	{
		char *argv[] = { exe, "boot", "--vmx", (char *)vmx, "--control", s->sock,
				 "--name", (char *)s->name, NULL };
		int err = open(vmmlog, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		dup2(out, 1);
		if (err >= 0)
			dup2(err, 2);
		execv(exe, argv);
		_exit(127);
	}
}

/*
 * The supervisor proper: runs until the VMM exits.  ready gets "ok\n" once
 * the control socket exists, or "error STATUS MESSAGE\n" if the VMM ended first.
 */
static int supervise(struct sup *s, const char *vmx, int ready)
{
	struct sigaction sa = { .sa_handler = on_term };
	char buf[4096], pid[32], path[PATH_MAX];
	int pfd[2], status = 0, announced = 0, term_sent = 0;
	struct stat sst;

	sigaction(SIGTERM, &sa, NULL);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	unlink(s->sock);
	if (store_run_file(s->name, "supervisor.pid", path, sizeof(path)) == 0) {
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
		if (fd >= 0) {
			write_all(fd, pid, strlen(pid));
			close(fd);
		}
	}
	log_open(s);
	memset(&s->st, 0, sizeof(s->st));
	s->st.init_s = -1;
	s->st.exit_status = -1;
	snprintf(s->st.state, sizeof(s->st.state), "starting");
	s->st.started = now_real();
	s->t0 = mono_s();
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return 1;
	s->vmm = spawn_vmm(s, vmx, pfd[1]);
	close(pfd[1]);
	if (s->vmm < 0) {
		dprintf(ready, "error 1 cannot run nhv-vm boot: %s\n", strerror(errno));
		return 1;
	}
	s->st.vmm_pid = s->vmm;
	store_state_write(s->name, &s->st);
	for (;;) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		int r = poll(&p, 1, announced ? 1000 : 10);

		if (got_term && !term_sent) {
			kill(s->vmm, SIGTERM);	/* the power button */
			term_sent = 1;
		}
		if (!announced && !term_sent && mono_s() - s->t0 > START_LIMIT_MS / 1000.0) {
			kill(s->vmm, SIGKILL);
			term_sent = 1;
			snprintf(s->st.reason, sizeof(s->st.reason),
				 "no control socket after %d s", START_LIMIT_MS / 1000);
		}
		if (!announced && stat(s->sock, &sst) == 0) {
			announced = 1;
			snprintf(s->st.state, sizeof(s->st.state), "running");
			store_state_write(s->name, &s->st);
			write_all(ready, "ok\n", 3);
			close(ready);
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r > 0) {
			ssize_t n = read(pfd[0], buf, sizeof(buf));

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;	/* the VMM closed its stdout: it has exited */
			log_write(s, buf, (size_t)n);
			scan(s, buf, (size_t)n, mono_s());
		}
	}
	close(pfd[0]);
	while (waitpid(s->vmm, &status, 0) < 0 && errno == EINTR)
		;
	status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	snprintf(s->st.state, sizeof(s->st.state), "off");
	describe_exit(&s->st, status);
	if (status == 125 || status == 2) {
		char line[512];

		/* the VMM's own words: "nhv-vm: NAME stopped: REASON at rip=..." */
		last_vmm_line(s->name, line, sizeof(line));
		if (line[0])
			snprintf(s->st.reason, sizeof(s->st.reason), "%.*s",
				 (int)sizeof(s->st.reason) - 1, line);
	}
	s->st.vmm_pid = 0;
	store_state_write(s->name, &s->st);
	unlink(s->sock);
	if (!announced) {
		char why[512];

		last_vmm_line(s->name, why, sizeof(why));
		if (status == 128 + SIGKILL)
			snprintf(why, sizeof(why), "nhv-vm boot made no control socket within %d s",
				 START_LIMIT_MS / 1000);
		dprintf(ready, "error %d %s\n", status, why[0] ? why : s->st.reason);
		close(ready);
	}
	if (s->logfd >= 0)
		close(s->logfd);
	return 0;
}

static void detach_stdio(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

static int take_lock(const char *name, char *why, size_t wlen)
{
	char path[PATH_MAX];
	int fd;

	if (store_run_file(name, "lock", path, sizeof(path))) {
		snprintf(why, wlen, "run folder path too long");
		return -1;
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(why, wlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	/* `list` takes the lock shared for an instant: try a few times. */
	for (int i = 0; flock(fd, LOCK_EX | LOCK_NB) < 0; i++) {
		if (errno != EWOULDBLOCK || i == 20) {
			snprintf(why, wlen, errno == EWOULDBLOCK ? "%s is already running" :
				 "cannot lock %s: %s", name, strerror(errno));
			close(fd);
			return -1;
		}
		usleep(5000);
	}
	return fd;
}

static int mkdirs(const char *path)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s", path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return mkdir(p, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

int supervisor_start(const char *name, const char *vmx, int *status, char *why, size_t wlen)
{
	struct sup s = { .name = name, .logfd = -1 };
	char answer[600];
	int lock, pfd[2], st;
	ssize_t n;
	pid_t child;

	*status = 1;
	if (store_run_dir(name, s.dir, sizeof(s.dir)) ||
	    store_run_file(name, "serial.log", s.log, sizeof(s.log)) ||
	    store_run_file(name, "control.sock", s.sock, sizeof(s.sock))) {
		snprintf(why, wlen, "run folder path too long for %s", name);
		return -1;
	}
	if (mkdirs(s.dir) < 0) {
		snprintf(why, wlen, "cannot make %s: %s", s.dir, strerror(errno));
		return -1;
	}
	lock = take_lock(name, why, wlen);
	if (lock < 0)
		return -1;
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		snprintf(why, wlen, "pipe: %s", strerror(errno));
		close(lock);
		return -1;
	}
	fflush(NULL);
	child = fork();
	if (child < 0) {
		snprintf(why, wlen, "fork: %s", strerror(errno));
		close(lock);
		return -1;
	}
	if (child == 0) {
		close(pfd[0]);
		setsid();
		if (fork() != 0)
			_exit(0);
		/* the supervisor: no terminal, no shell, the lock kept until exit */
		detach_stdio();
		if (chdir("/") < 0)
			_exit(1);
		_exit(supervise(&s, vmx, pfd[1]));
	}
	close(pfd[1]);
	close(lock);	/* the supervisor holds its own copy */
	while (waitpid(child, &st, 0) < 0 && errno == EINTR)
		;
	n = 0;
	for (;;) {
		ssize_t r = read(pfd[0], answer + n, sizeof(answer) - 1 - (size_t)n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += r;
		if ((size_t)n == sizeof(answer) - 1 || memchr(answer, '\n', (size_t)n))
			break;
	}
	close(pfd[0]);
	answer[n > 0 ? n : 0] = '\0';
	answer[strcspn(answer, "\n")] = '\0';
	if (!strcmp(answer, "ok")) {
		*status = 0;
		return 0;
	}
	if (!strncmp(answer, "error ", 6)) {
		char *msg;

		*status = (int)strtol(answer + 6, &msg, 10);
		if (*status == 0)
			*status = 1;
		snprintf(why, wlen, "%s", *msg == ' ' ? msg + 1 : msg);
	} else {
		snprintf(why, wlen, "the supervisor ended without a word");
	}
	return -1;
}
