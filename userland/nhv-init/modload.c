/*
 * modload.c - load the drivers the virtual hardware needs, as udev would:
 * the "modalias" of every device on a bus (and of the input and DMI
 * class devices) is matched against modules.alias (fnmatch patterns), and
 * each match is loaded with its dependencies from modules.dep via
 * finit_module(2).  Loading a bus driver (virtio_pci, ahci, ...) creates
 * new devices, so the scan repeats until a pass loads nothing new.
 * Under an emulator every syscall is dear: the scan reads only those few
 * hundred files, not all of /sys/devices, and an alias is tried with
 * fnmatch only when its literal prefix fits.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "userland/lib/strlist.h"
#include "nhv-init.h"

struct alias {
	char *pattern;
	char *module;
};

struct moddep {
	char *name;	/* normalised: '-' -> '_' */
	char *path;	/* relative to the modules directory */
	char *deps;	/* space-separated relative paths */
	int tried;
};

/*
 * Never loaded for a device match: the reference hypervisors would take
 * VMX/SVM away from nhv.ko (their CPU modaliases match every VMX/SVM CPU).
 * They are loaded by name only, for comparisons.
 */
static const char *const no_autoload[] = { "kvm", "kvm_amd", "kvm_intel" };

static char moddir[128];
static struct alias *aliases;
static size_t n_aliases;
static struct moddep *mods;
static size_t n_mods;
static char **devaliases;
static size_t n_devaliases, cap_devaliases;

static void normalise(char *name)
{
	for (; *name; name++)
		if (*name == '-')
			*name = '_';
}

/* "kernel/drivers/net/vmxnet3/vmxnet3.ko" -> "vmxnet3" (malloc'd) */
static char *name_from_path(const char *path)
{
	const char *base = strrchr(path, '/');
	char *name, *dot;

	name = strdup(base ? base + 1 : path);
	if (!name)
		return NULL;
	dot = strstr(name, ".ko");
	if (dot)
		*dot = '\0';
	normalise(name);
	return name;
}

static int load_index(void)
{
	char path[256], line[4096];
	struct utsname u;
	FILE *f;

	if (uname(&u) < 0)
		return -1;
	snprintf(moddir, sizeof(moddir), "/lib/modules/%s", u.release);

	snprintf(path, sizeof(path), "%s/modules.dep", moddir);
	f = fopen(path, "re");
	if (!f) {
		log_msg("no %s: drivers cannot be loaded", path);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':'), *rest;
		struct moddep *m;

		if (!colon)
			continue;
		*colon = '\0';
		rest = colon + 1;
		rest[strcspn(rest, "\n")] = '\0';
		m = realloc(mods, (n_mods + 1) * sizeof(*mods));
		if (!m)
			break;
		mods = m;
		mods[n_mods].path = strdup(line);
		mods[n_mods].name = name_from_path(line);
		mods[n_mods].deps = strdup(rest);
		mods[n_mods].tried = 0;
		if (mods[n_mods].path && mods[n_mods].name && mods[n_mods].deps)
			n_mods++;
	}
	fclose(f);

	snprintf(path, sizeof(path), "%s/modules.alias", moddir);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char pattern[2048], module[256];
		struct alias *a;

		if (sscanf(line, "alias %2047s %255s", pattern, module) != 2)
			continue;
		a = realloc(aliases, (n_aliases + 1) * sizeof(*aliases));
		if (!a)
			break;
		aliases = a;
		normalise(module);
		aliases[n_aliases].pattern = strdup(pattern);
		aliases[n_aliases].module = strdup(module);
		if (aliases[n_aliases].pattern && aliases[n_aliases].module)
			n_aliases++;
	}
	fclose(f);
	return 0;
}

static struct moddep *find_module(const char *name)
{
	char want[256];
	size_t i;

	snprintf(want, sizeof(want), "%s", name);
	normalise(want);
	for (i = 0; i < n_mods; i++)
		if (strcmp(mods[i].name, want) == 0)
			return &mods[i];
	return NULL;
}

static struct moddep *find_by_path(const char *path)
{
	size_t i;

	for (i = 0; i < n_mods; i++)
		if (strcmp(mods[i].path, path) == 0)
			return &mods[i];
	return NULL;
}

static int is_loaded(const char *name)
{
	char path[300];
	struct stat st;

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return stat(path, &st) == 0;
}

static int load_one(struct moddep *m, int depth)
{
	char path[512], *deps, *tok, *save = NULL;
	int fd, r;

	if (is_loaded(m->name))
		return 0;
	if (m->tried)
		return -1;
	m->tried = 1;
	if (depth > 16)
		return -1;

	deps = strdup(m->deps);
	if (!deps)
		return -1;
	for (tok = strtok_r(deps, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		struct moddep *d = find_by_path(tok);

		if (d)
			load_one(d, depth + 1);
	}
	free(deps);

	snprintf(path, sizeof(path), "%s/%s", moddir, m->path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		log_msg("module %s: cannot open %s: %s", m->name, path, strerror(errno));
		return -1;
	}
	r = (int)syscall(SYS_finit_module, fd, "", 0);
	close(fd);
	if (r < 0 && errno != EEXIST) {
		log_msg("module %s: load failed: %s", m->name, strerror(errno));
		return -1;
	}
	log_msg("loaded %s", m->name);
	return 1;
}

int module_load(const char *name)
{
	struct moddep *m;

	if (!n_mods && load_index() < 0)
		return -1;
	m = find_module(name);
	if (!m) {
		char want[256];

		snprintf(want, sizeof(want), "%s", name);
		normalise(want);
		if (is_loaded(want))
			return 0; /* built into the kernel */
		log_msg("module %s: not in the image", name);
		return -1;
	}
	return load_one(m, 0) < 0 ? -1 : 0;
}

static const char *const alias_globs[] = {
	"/sys/bus/*/devices/*/modalias",
	"/sys/class/input/*/modalias",
	"/sys/class/dmi/id/modalias",
};

static void collect(void)
{
	size_t g, i;

	for (g = 0; g < sizeof(alias_globs) / sizeof(alias_globs[0]); g++) {
		glob_t found;

		if (glob(alias_globs[g], 0, NULL, &found) != 0)
			continue;
		for (i = 0; i < found.gl_pathc; i++) {
			char buf[1024];

			if (read_text(found.gl_pathv[i], buf, sizeof(buf)) <= 0)
				continue;
			if (n_devaliases == cap_devaliases) {
				size_t cap = cap_devaliases ? cap_devaliases * 2 : 256;
				char **p = realloc(devaliases, cap * sizeof(*p));

				if (!p)
					break;
				devaliases = p;
				cap_devaliases = cap;
			}
			devaliases[n_devaliases] = strdup(buf);
			if (devaliases[n_devaliases])
				n_devaliases++;
		}
		globfree(&found);
	}
}

/* The part of a pattern before its first wildcard must start the alias. */
static int prefix_fits(const char *pattern, const char *alias)
{
	for (; *pattern && !strchr("*?[\\", *pattern); pattern++, alias++)
		if (*pattern != *alias)
			return 0;
	return 1;
}

static void free_devaliases(void)
{
	while (n_devaliases > 0)
		free(devaliases[--n_devaliases]);
}


/* One pass: returns how many modules were newly loaded. */
static int load_pass(void)
{
	size_t d, a;
	int loaded = 0;

	free_devaliases();
	collect();
	for (d = 0; d < n_devaliases; d++) {
		for (a = 0; a < n_aliases; a++) {
			struct moddep *m;

			if (!prefix_fits(aliases[a].pattern, devaliases[d]) ||
			    STR_IN(aliases[a].module, no_autoload) ||
			    fnmatch(aliases[a].pattern, devaliases[d], 0) != 0)
				continue;
			m = find_module(aliases[a].module);
			if (m && load_one(m, 0) == 1)
				loaded++;
		}
	}
	return loaded;
}

int modules_load_for_devices(void)
{
	int pass, total = 0, n;

	if (!n_mods && load_index() < 0)
		return -1;
	for (pass = 0; pass < 8; pass++) {
		n = load_pass();
		total += n;
		if (n == 0)
			break;
	}
	free_devaliases();
	log_msg("%d driver modules loaded for the devices present", total);
	return total;
}
