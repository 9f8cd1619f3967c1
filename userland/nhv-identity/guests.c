/* guests.c - L2 guests' .vmx files on the data disk (see guests.h). */
#include "userland/nhv-identity/guests.h"
#include "userland/lib/atomic.h"
#include "userland/lib/vmx.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static int ends_with_vmx(const char *s)
{
	size_t n = strlen(s);

	return n > 4 && strcasecmp(s + n - 4, ".vmx") == 0;
}

static int is_true(const char *v)
{
	return v && (strcasecmp(v, "true") == 0 || strcasecmp(v, "yes") == 0 || strcmp(v, "1") == 0);
}

static void read_guest(const char *datadir, const char *rel, struct guest_id *g)
{
	char path[PATH_MAX * 2], key[40];
	size_t len;
	struct vmx v;
	char *text, *val;
	const char *base;

	memset(g, 0, sizeof(*g));
	snprintf(g->file, sizeof(g->file), "%s", rel);
	base = strrchr(rel, '/');
	snprintf(g->name, sizeof(g->name), "%.*s", (int)strlen(base + 1) - 4, base + 1);
	snprintf(path, sizeof(path), "%s/%s", datadir, rel);
	text = read_file(path, 1 << 20, &len);
	if (!text) {
		fprintf(stderr, "nhv-identity: cannot read L2 guest %s: %s\n", path, strerror(errno));
		return;
	}
	if (vmx_parse(&v, text, len) < 0) {
		free(text);
		return;
	}
	free(text);
	val = vmx_get(&v, "displayName");
	if (val && val[0])
		snprintf(g->name, sizeof(g->name), "%s", val);
	free(val);
	val = vmx_get(&v, "uuid.bios");
	g->has_uuid = val && uuid_parse(val, &g->uuid) == 0 && !uuid_is_nil(&g->uuid);
	free(val);
	for (int n = 0; n < ID_MAX_NICS; n++) {
		snprintf(key, sizeof(key), "ethernet%d.present", n);
		val = vmx_get(&v, key);
		if (!is_true(val)) {
			free(val);
			continue;
		}
		free(val);
		g->nic[g->nnics] = n;
		snprintf(key, sizeof(key), "ethernet%d.address", n);
		val = vmx_get(&v, key);
		if (!val) {
			snprintf(key, sizeof(key), "ethernet%d.generatedAddress", n);
			val = vmx_get(&v, key);
		}
		g->has_mac[g->nnics] = val && mac_parse(val, &g->mac[g->nnics]) == 0;
		free(val);
		g->nnics++;
	}
	vmx_free(&v);
}

static int by_file(const void *a, const void *b)
{
	return strcmp(((const struct guest_id *)a)->file, ((const struct guest_id *)b)->file);
}

int guests_scan(const char *datadir, struct guest_id *g, int max)
{
	char path[PATH_MAX], sub[PATH_MAX * 2], rel[ID_FILE_MAX];
	struct dirent *e;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof(path), "%s/vms", datadir);
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -1;
	while ((e = readdir(d)) && n < max) {
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		if (stat(sub, &st) < 0)
			continue;
		if (S_ISREG(st.st_mode) && ends_with_vmx(e->d_name)) {
			snprintf(rel, sizeof(rel), "vms/%s", e->d_name);
			read_guest(datadir, rel, &g[n++]);
		} else if (S_ISDIR(st.st_mode)) {
			DIR *d2 = opendir(sub);
			struct dirent *e2;

			while (d2 && (e2 = readdir(d2)) && n < max) {
				if (e2->d_name[0] == '.' || !ends_with_vmx(e2->d_name))
					continue;
				if (snprintf(rel, sizeof(rel), "vms/%s/%s", e->d_name, e2->d_name) >=
				    (int)sizeof(rel))
					continue;
				read_guest(datadir, rel, &g[n++]);
			}
			if (d2)
				closedir(d2);
		}
	}
	closedir(d);
	qsort(g, (size_t)n, sizeof(*g), by_file);
	return n;
}

static int write_one(const char *datadir, const struct guest_id *g)
{
	char path[PATH_MAX * 2], key[48], val[48];
	struct vmx v;
	struct stat st;
	size_t len;
	char *text, *out;
	int r;

	snprintf(path, sizeof(path), "%s/%s", datadir, g->file);
	text = read_file(path, 1 << 20, &len);
	if (!text || vmx_parse(&v, text, len) < 0) {
		fprintf(stderr, "nhv-identity: cannot read L2 guest %s: %s\n", path, strerror(errno));
		free(text);
		return -1;
	}
	free(text);
	uuid_format_vmx(&g->uuid, val);
	r = vmx_set(&v, "uuid.bios", val);
	for (int k = 0; k < g->nnics && r == 0; k++) {
		snprintf(key, sizeof(key), "ethernet%d.addressType", g->nic[k]);
		r |= vmx_set(&v, key, "static");
		snprintf(key, sizeof(key), "ethernet%d.address", g->nic[k]);
		mac_format(&g->mac[k], val);
		r |= vmx_set(&v, key, val);
		snprintf(key, sizeof(key), "ethernet%d.generatedAddress", g->nic[k]);
		vmx_remove(&v, key);
		snprintf(key, sizeof(key), "ethernet%d.generatedAddressOffset", g->nic[k]);
		vmx_remove(&v, key);
	}
	out = r == 0 ? vmx_format(&v, &len) : NULL;
	vmx_free(&v);
	if (!out)
		return -1;
	r = atomic_write_file(path, out, len, stat(path, &st) == 0 ? (st.st_mode & 07777) : 0644);
	free(out);
	return r;
}

int guests_write(const char *datadir, const struct guest_id *g, int n)
{
	int failed = 0;

	for (int i = 0; i < n; i++)
		if (g[i].changed && write_one(datadir, &g[i]) < 0)
			failed++;
	return failed;
}
