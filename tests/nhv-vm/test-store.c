/*
 * Unit tests of the VM store (store.c), the run state file and the verbs'
 * argument checks (args.c), in a private folder ($NHV_VM_STORE, $NHV_VM_RUN).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "userland/lib/tap.h"
#include "userland/lib/atomic.h"
#include "userland/nhv-vm/args.h"
#include "userland/nhv-vm/store.h"

static char names[STORE_MAX_VMS][STORE_NAME_MAX + 1];

static void names_check(void)
{
	char why[200], long_name[80];

	tap_ok(store_name_check("default", why, sizeof(why)) == 0, "\"default\" is a name");
	tap_ok(store_name_check("web-1.lab_a", why, sizeof(why)) == 0, "letters, digits, . _ -");
	tap_ok(store_name_check("", why, sizeof(why)) < 0, "an empty name is refused");
	tap_ok(store_name_check("../etc", why, sizeof(why)) < 0, "a path is refused");
	tap_ok(store_name_check("a/b", why, sizeof(why)) < 0, "a slash is refused");
	tap_ok(store_name_check(".hidden", why, sizeof(why)) < 0, "a leading dot is refused");
	tap_ok(store_name_check("-x", why, sizeof(why)) < 0, "a leading dash (an option) is refused");
	tap_ok(store_name_check("a b", why, sizeof(why)) < 0 && strstr(why, "character 2"),
	       "a space is refused, and the message says where (%s)", why);
	memset(long_name, 'x', 65);
	long_name[65] = '\0';
	tap_ok(store_name_check(long_name, why, sizeof(why)) < 0, "65 characters are refused");
	long_name[64] = '\0';
	tap_ok(store_name_check(long_name, why, sizeof(why)) == 0, "64 characters are a name");
}

static void write_list_remove(const char *root)
{
	char why[300], path[4096], *text;
	int kept, fd;
	size_t len;

	tap_is_int(store_list(names, STORE_MAX_VMS), 0, "a store that does not exist yet lists nothing");
	tap_is_int(store_write_vmx("b", "displayName = \"b\"\n", 18, why, sizeof(why)), 0,
		   "write b.vmx");
	tap_is_int(store_write_vmx("a", "displayName = \"a\"\n", 18, why, sizeof(why)), 0,
		   "write a.vmx");
	snprintf(path, sizeof(path), "%s/vms/stray", root);
	mkdir(path, 0755);	/* a folder without NAME.vmx is no VM */
	tap_is_int(store_list(names, STORE_MAX_VMS), 2, "two VMs listed");
	tap_ok(!strcmp(names[0], "a") && !strcmp(names[1], "b"), "sorted by name");
	tap_ok(store_exists("a") && !store_exists("stray") && !store_exists("c"), "store_exists");
	store_vmx_path("a", path, sizeof(path));
	text = read_file(path, 4096, &len);
	tap_ok(text && len == 18 && !memcmp(text, "displayName = \"a\"\n", 18), "the file as written");
	free(text);

	/* A crash in the middle of writing leaves no definition and no half file. */
	if (fork() == 0) {
		char w[300];

		setenv("NHV_FAULT_STEP", "temp-half-written", 1);
		store_write_vmx("c", "displayName = \"c\"\n", 18, w, sizeof(w));
		_exit(0);
	}
	wait(NULL);
	tap_ok(!store_exists("c"), "a write killed half-way defines nothing");

	/* A failing write (here: the folder is a file) removes the folder it made. */
	snprintf(path, sizeof(path), "%s/vms/d", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/vms/d/d.vmx", root);
	mkdir(path, 0755);
	tap_ok(store_write_vmx("d", "x\n", 2, why, sizeof(why)) < 0 && strstr(why, "d.vmx"),
	       "a write that cannot replace the file fails naming it (%s)", why);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/vms/d", root);
	rmdir(path);

	tap_is_int(store_remove("b", &kept, why, sizeof(why)), 0, "remove b");
	tap_ok(!kept && !store_exists("b"), "b and its empty folder are gone");
	snprintf(path, sizeof(path), "%s/vms/a/disk0.img", root);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	close(fd);
	tap_is_int(store_remove("a", &kept, why, sizeof(why)), 0, "remove a");
	tap_ok(kept && access(path, F_OK) == 0, "a's folder with a disk image in it is kept");
	tap_ok(store_remove("zz", &kept, why, sizeof(why)) < 0 && strstr(why, "zz.vmx"),
	       "removing an unknown VM fails naming its file");
}

static void state(const char *root)
{
	struct vm_state s, t;
	char buf[1024], path[4096];
	pid_t holder;
	int fd;

	store_state_parse("", &s);
	tap_ok(s.init_s < 0 && s.exit_status == -1 && !s.state[0], "an empty state: never ran");
	memset(&s, 0, sizeof(s));
	snprintf(s.state, sizeof(s.state), "off");
	s.vmm_pid = 1234;
	s.started = 1700000000.25;
	s.init_s = 2.5;
	s.inits = 2;
	s.exit_status = 0;
	snprintf(s.reason, sizeof(s.reason), "powered off\nstate=running");
	store_state_format(&s, buf, sizeof(buf));
	store_state_parse(buf, &t);
	tap_ok(!strcmp(t.state, "off") && t.vmm_pid == 1234 && t.started > 1700000000.2 &&
	       t.init_s == 2.5 && t.inits == 2 && t.exit_status == 0, "state round trip");
	tap_is_str(t.reason, "powered off state=running", "a line end in the reason cannot forge a key");
	store_state_parse("state=runningrunningrunningrunning\ngarbage\ninit_s=x\n", &t);
	tap_ok(strlen(t.state) < sizeof(t.state) && t.init_s == 0, "overlong and bad values stay in bounds");

	snprintf(path, sizeof(path), "%s/run/x", root);
	mkdir(path, 0755);
	tap_is_int(store_state_write("x", &s), 0, "state written");
	tap_is_int(store_state_read("x", &t), 0, "state read");
	tap_ok(!t.running, "no lock held: not running");
	snprintf(path, sizeof(path), "%s/run/x/lock", root);
	fd = open(path, O_RDWR | O_CREAT, 0600);
	holder = fork();
	if (holder == 0) {
		flock(fd, LOCK_EX);
		sleep(30);
		_exit(0);
	}
	close(fd);
	for (int i = 0; i < 100 && !store_running("x"); i++)
		usleep(10000);
	tap_ok(store_running("x"), "a process holding the lock: running");
	kill(holder, SIGKILL);
	waitpid(holder, NULL, 0);
	tap_ok(!store_running("x"), "its lock goes with it: not running");
}

static void args(void)
{
	double d = -1;

	tap_ok(args_seconds("stop", "--timeout", "2.5", &d) == 0 && d == 2.5, "2.5 seconds");
	tap_ok(args_seconds("stop", "--timeout", "0", &d) == 0 && d == 0, "0 seconds");
	tap_ok(args_seconds("stop", "--timeout", "-1", &d) < 0, "negative seconds are refused");
	tap_ok(args_seconds("stop", "--timeout", "10s", &d) < 0, "a unit suffix is refused");
	tap_ok(args_seconds("stop", "--timeout", "", &d) < 0, "an empty value is refused");
	tap_ok(args_seconds("stop", "--timeout", "nan", &d) < 0, "nan is refused");
	tap_ok(args_seconds("stop", "--timeout", NULL, &d) < 0, "a missing value is refused");
	tap_ok(args_vm("start", "../x") < 0, "a VM name with a path is refused");
	tap_ok(args_vm("start", "nosuch") < 0, "an undefined VM is refused");
	tap_is_int(args_usage("start", "NAME", "--bogus"), 2, "usage errors exit 2");
}

int main(void)
{
	char root[] = "/tmp/nhv-test-store.XXXXXX", env[200];

	if (!mkdtemp(root))
		return 1;
	snprintf(env, sizeof(env), "%s/vms", root);
	setenv("NHV_VM_STORE", env, 1);
	snprintf(env, sizeof(env), "%s/run", root);
	setenv("NHV_VM_RUN", env, 1);
	mkdir(env, 0755);
	names_check();
	write_list_remove(root);
	state(root);
	args();
	snprintf(env, sizeof(env), "rm -rf '%s'", root);
	if (system(env) != 0)
		tap_diag("could not remove %s", root);
	return tap_done();
}
