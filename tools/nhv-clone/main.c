/*
 * nhv-clone - clone a VMware VM folder offline, for labs.
 *
 *   nhv-clone [options] SOURCE DEST
 *   nhv-clone [options] --count N --name FMT SOURCE DEST_PARENT
 *
 * SOURCE is a VM folder (Workstation, or copied from an ESXi datastore) or
 * its .vmx.  Every regular file is copied (disks sparse-aware) except logs,
 * swap, suspend and lock files; the .vmx is renamed after the clone and
 * edited (see clonevmx.h).  A clone is built in a hidden folder next to
 * DEST and renamed into place at the end, so DEST never exists half-made;
 * an existing DEST is never overwritten.
 */
#include "tools/nhv-clone/clonevmx.h"
#include "tools/nhv-clone/copy.h"
#include "userland/lib/atomic.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#endif

struct opts {
	const char *src, *dest, *name;
	long count, first;
	int batch, progress;
	int have_range;
	uint64_t mac_next, mac_last;
	int have_ip;
	uint32_t ip;
	int ngi;
	char *gi_key[CLONE_MAX_GI], *gi_val[CLONE_MAX_GI];
};

static void usage(FILE *f)
{
	fputs("usage: nhv-clone [options] SOURCE DEST\n"
	      "       nhv-clone [options] --count N --name FMT SOURCE DEST_PARENT\n"
	      "  SOURCE              a VM folder or its .vmx (powered off)\n"
	      "  --name NAME         displayName and .vmx name (default: DEST's last part);\n"
	      "                      with --count a format with one %d, e.g. lab%02d\n"
	      "  --count N           make N clones DEST_PARENT/<name>\n"
	      "  --first I           first index for --count (default 1)\n"
	      "  --mac-range A-B     static ethernetN.address values taken in order from A..B\n"
	      "                      (default: no address, VMware generates a new one)\n"
	      "  --guestinfo KEY=VAL set guestinfo.nhv.KEY (repeatable; {name} and {i} expand)\n"
	      "  --ip A.B.C.D        guestinfo.nhv.ipaddress, one up per clone\n"
	      "  --progress | --no-progress   progress bar on stderr (default: when a tty)\n"
	      "Each clone gets a new uuid.bios and uuid.location, vhv.enable = \"TRUE\" and\n"
	      "guestinfo.nhv.hostname = its name; comments, order and unknown keys are kept.\n", f);
}

static int die(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "nhv-clone: ");
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	return 1;
}

static uint64_t mac_u64(const struct nhv_mac *m)
{
	uint64_t v = 0;

	for (int i = 0; i < 6; i++)
		v = v << 8 | m->b[i];
	return v;
}

static void u64_mac(uint64_t v, struct nhv_mac *m)
{
	for (int i = 5; i >= 0; i--) {
		m->b[i] = (uint8_t)v;
		v >>= 8;
	}
}

static int parse_range(const char *s, struct opts *o)
{
	char a[32], *dash = strchr(s, '-');
	struct nhv_mac lo, hi;
	size_t n = dash ? (size_t)(dash - s) : 0;

	/* A-B where A and B use ':' (a '-' inside a MAC would be ambiguous). */
	if (!dash || n >= sizeof(a))
		return -1;
	memcpy(a, s, n);
	a[n] = '\0';
	if (strchr(a, '-') || mac_parse(a, &lo) || mac_parse(dash + 1, &hi) || !mac_is_unicast(&lo) ||
	    (lo.b[0] & 1) || (hi.b[0] & 1) || mac_u64(&hi) < mac_u64(&lo))
		return -1;
	if ((lo.b[0] ^ hi.b[0]) & 1)
		return -1;
	o->mac_next = mac_u64(&lo);
	o->mac_last = mac_u64(&hi);
	o->have_range = 1;
	if (!(lo.b[0] == 0 && lo.b[1] == 0x50 && lo.b[2] == 0x56 && mac_u64(&hi) <= 0x0050563fffffull) &&
	    !(lo.b[0] & 2))
		fprintf(stderr, "nhv-clone: warning: %s is outside VMware's manual range "
			"00:50:56:00:00:00-00:50:56:3f:ff:ff; ESXi refuses such static MACs unless "
			"ethernetN.checkMACAddress = \"FALSE\"\n", s);
	return 0;
}

static int parse_ip(const char *s, uint32_t *ip)
{
	unsigned a, b, c, d;
	char end;

	if (sscanf(s, "%u.%u.%u.%u%c", &a, &b, &c, &d, &end) != 4 || a > 255 || b > 255 ||
	    c > 255 || d > 255)
		return -1;
	*ip = a << 24 | b << 16 | c << 8 | d;
	return 0;
}

static char *expand(const char *val, const char *name, long i)
{
	size_t cap = strlen(val) * 4 + strlen(name) * 8 + 64, o = 0;
	char *out = malloc(cap);

	if (!out)
		return NULL;
	for (const char *p = val; *p && o + 1 < cap;) {
		if (strncmp(p, "{name}", 6) == 0 && o + strlen(name) + 1 < cap) {
			o += (size_t)snprintf(out + o, cap - o, "%s", name);
			p += 6;
		} else if (strncmp(p, "{i}", 3) == 0 && o + 24 < cap) {
			o += (size_t)snprintf(out + o, cap - o, "%ld", i);
			p += 3;
		} else {
			out[o++] = *p++;
		}
	}
	out[o] = '\0';
	return out;
}

static int find_vmx(const char *src, char *dir, size_t dsize, char *vmx, size_t vsize)
{
	struct stat st;
	struct dirent *e;
	DIR *d;
	int found = 0;

	if (stat(src, &st) < 0)
		return die("cannot open source %s: %s", src, strerror(errno));
	if (S_ISREG(st.st_mode)) {
		const char *slash = strrchr(src, '/');

		if (slash)
			snprintf(dir, dsize, "%.*s", (int)(slash - src), src);
		else
			snprintf(dir, dsize, ".");
		snprintf(vmx, vsize, "%s", slash ? slash + 1 : src);
		return 0;
	}
	snprintf(dir, dsize, "%s", src);
	d = opendir(src);
	if (!d)
		return die("cannot list %s: %s", src, strerror(errno));
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);

		if (n > 4 && strcasecmp(e->d_name + n - 4, ".vmx") == 0) {
			if (found++) {
				char second[NAME_MAX + 1];

				snprintf(second, sizeof(second), "%s", e->d_name);
				closedir(d);
				return die("%s holds more than one .vmx; name the one to clone (%s)", src,
					   second);
			}
			snprintf(vmx, vsize, "%s", e->d_name);
		}
	}
	closedir(d);
	if (!found)
		return die("%s holds no .vmx file%s", src, "");
	return 0;
}

/* Not copied: logs, lock folders, swap, suspended memory, scoreboards. */
static int skip_file(const char *name)
{
	static const char *const suffixes[] = { ".log", ".lck", ".vswp", ".vmem", ".vmss",
						".scoreboard", ".vmx~", ".vmx.lck" };
	size_t n = strlen(name);

	if (strncmp(name, "vmware", 6) == 0 && strstr(name, ".log"))
		return 1;
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		size_t l = strlen(suffixes[i]);

		if (n >= l && strcasecmp(name + n - l, suffixes[i]) == 0)
			return 1;
	}
	return 0;
}

static int copy_file(const char *from, const char *to, const struct stat *st, struct progress *pr)
{
	int in = open(from, O_RDONLY | O_CLOEXEC), out, r;

	if (in < 0)
		return die("cannot open %s: %s", from, strerror(errno));
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, st->st_mode & 0777);
	if (out < 0) {
		close(in);
		return die("cannot create %s: %s", to, strerror(errno));
	}
	r = copy_sparse(in, out, st->st_size, pr);
	if (r < 0)
		fprintf(stderr, "\nnhv-clone: copying %s to %s failed: %s\n", from, to, strerror(errno));
	close(in);
	if (close(out) < 0)
		r = -1;
	return r < 0 ? 1 : 0;
}

static void new_uuid(struct nhv_uuid *u)
{
	if (getrandom(u->b, 16, 0) != 16) {
		perror("nhv-clone: getrandom");
		exit(1);
	}
	u->b[6] = (u->b[6] & 0x0f) | 0x40;
	u->b[8] = (u->b[8] & 0x3f) | 0x80;
}

static void remove_tree(const char *dir)
{
	char path[PATH_MAX * 4];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
	}
	closedir(d);
	rmdir(dir);
}

static int clone_one(struct opts *o, const char *sdir, const char *svmx, const struct vmx *tmpl,
		     const char *dest, const char *name, long index)
{
	char stage[PATH_MAX * 3], from[PATH_MAX * 2], to[PATH_MAX * 4], err[256];
	struct clone_params p;
	struct progress pr = { o->progress, 0, 0, name, -1 };
	struct vmx v;
	struct dirent *e;
	struct stat st;
	char *text, *vals[CLONE_MAX_GI + 2], ipbuf[16];
	size_t len;
	int nic[VMX_MAX_NICS], nn, failed = 0, nv = 0, have_host = 0;
	DIR *d;

	memset(&p, 0, sizeof(p));
	p.display_name = name;
	new_uuid(&p.bios);
	new_uuid(&p.location);
	nn = vmx_nics(tmpl, nic);
	if (o->have_range) {
		if (o->mac_next + (uint64_t)nn - 1 > o->mac_last && nn > 0) {
			fprintf(stderr, "nhv-clone: the MAC range is used up at clone %s\n", name);
			return 1;
		}
		p.static_macs = 1;
		for (int k = 0; k < nn; k++)
			u64_mac(o->mac_next++, &p.macs[k]);
	}
	for (int g = 0; g < o->ngi; g++) {
		vals[nv] = expand(o->gi_val[g], name, index);
		p.gi_key[p.ngi] = o->gi_key[g];
		p.gi_val[p.ngi++] = vals[nv++];
		have_host |= strcasecmp(o->gi_key[g], "hostname") == 0;
	}
	if (!have_host) {
		p.gi_key[p.ngi] = "hostname";
		p.gi_val[p.ngi++] = name;
	}
	if (o->have_ip) {
		uint32_t ip = o->ip + (uint32_t)(index - o->first);

		snprintf(ipbuf, sizeof(ipbuf), "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255,
			 ip & 255);
		p.gi_key[p.ngi] = "ipaddress";
		p.gi_val[p.ngi++] = ipbuf;
	}

	/* The .vmx first: a refusal (suspended VM, bad encoding) costs no copying. */
	text = vmx_format(tmpl, &len);
	if (!text || vmx_parse(&v, text, len) < 0)
		return die("out of memory%s%s", "", "");
	free(text);
	if (clone_vmx(&v, &p, err, sizeof(err)) < 0) {
		vmx_free(&v);
		for (int i = 0; i < nv; i++)
			free(vals[i]);
		fprintf(stderr, "nhv-clone: %s/%s: %s\n", sdir, svmx, err);
		return 1;
	}
	for (int i = 0; i < nv; i++)
		free(vals[i]);

	{
		const char *slash = strrchr(dest, '/');

		snprintf(stage, sizeof(stage), "%.*s.%s.nhv-clone-%ld", slash ? (int)(slash - dest + 1) : 0,
			 dest, slash ? slash + 1 : dest, (long)getpid());
	}
	if (mkdir(stage, 0755) < 0) {
		vmx_free(&v);
		return die("cannot make %s: %s", stage, strerror(errno));
	}
	d = opendir(sdir);
	while (d && (e = readdir(d))) {
		snprintf(from, sizeof(from), "%s/%s", sdir, e->d_name);
		if (stat(from, &st) < 0 || !S_ISREG(st.st_mode) || strcmp(e->d_name, svmx) == 0 ||
		    skip_file(e->d_name))
			continue;
		{
			int fd = open(from, O_RDONLY | O_CLOEXEC);

			if (fd >= 0) {
				pr.total += data_bytes(fd, st.st_size);
				close(fd);
			}
		}
	}
	if (d)
		rewinddir(d);
	while (d && !failed && (e = readdir(d))) {
		snprintf(from, sizeof(from), "%s/%s", sdir, e->d_name);
		if (stat(from, &st) < 0 || !S_ISREG(st.st_mode) || strcmp(e->d_name, svmx) == 0 ||
		    skip_file(e->d_name))
			continue;
		snprintf(to, sizeof(to), "%s/%s", stage, e->d_name);
		failed = copy_file(from, to, &st, &pr);
	}
	if (d)
		closedir(d);
	else
		failed = die("cannot list %s: %s", sdir, strerror(errno));
	progress_end(&pr);

	text = failed ? NULL : vmx_format(&v, &len);
	vmx_free(&v);
	if (!failed) {
		snprintf(to, sizeof(to), "%s/%s.vmx", stage, name);
		if (!text || atomic_write_file(to, text, len, 0644) < 0)
			failed = 1;
	}
	free(text);
	fault_point("clone-staged");
	if (!failed) {
		long r = syscall(SYS_renameat2, AT_FDCWD, stage, AT_FDCWD, dest, RENAME_NOREPLACE);

		if (r < 0 && (errno == ENOSYS || errno == EINVAL)) {
			/* Old kernel or file system: check, then rename (a narrow race remains). */
			r = access(dest, F_OK) == 0 ? (errno = EEXIST, -1) : rename(stage, dest);
		}
		if (r < 0) {
			failed = die("cannot move the clone into %s: %s", dest,
				     errno == EEXIST || errno == ENOTEMPTY ? "it exists now (not overwritten)"
									   : strerror(errno));
		}
	}
	if (failed) {
		remove_tree(stage);
		return 1;
	}
	printf("%s: cloned from %s/%s as \"%s\"\n", dest, sdir, svmx, name);
	return 0;
}

/* The folder and name of clone number idx: 0, or -1 when the name does not fit or is unsafe. */
static int target(const struct opts *o, long idx, char *name, size_t nsize, char *dest, size_t dsize)
{
	size_t bl;
	const char *base;
	int n;

	if (o->batch) {
		if (name_format(o->name, idx, name, nsize) < 0)
			return -1;
		n = snprintf(dest, dsize, "%s/%s", o->dest, name);
		return n < 0 || (size_t)n >= dsize ? -1 : 0;
	}
	snprintf(dest, dsize, "%s", o->dest);
	while ((bl = strlen(dest)) > 1 && dest[bl - 1] == '/')
		dest[bl - 1] = '\0';
	base = strrchr(dest, '/');
	base = o->name ? o->name : base ? base + 1 : dest;
	if (strlen(base) >= nsize)
		return -1;
	memcpy(name, base, strlen(base) + 1);
	return 0;
}

int main(int argc, char **argv)
{
	static struct opts o = { .count = 1, .first = 1, .progress = -1 };
	char sdir[PATH_MAX], svmx[NAME_MAX + 1], name[256], dest[PATH_MAX * 2];
	const char *pos[2];
	int npos = 0, failed = 0;
	struct vmx tmpl;
	size_t len;
	char *text, *vp;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end;

		if (strcmp(a, "--name") == 0 && v) {
			o.name = v;
			i++;
		} else if ((strcmp(a, "--count") == 0 || strcmp(a, "--first") == 0) && v) {
			long n = strtol(v, &end, 10);

			if (*end || end == v || n < (a[2] == 'c' ? 1 : 0) || n > 100000)
				return die("%s %s: expected a number (count 1..100000, first 0..)", a, v);
			if (a[2] == 'c') {
				o.count = n;
				o.batch = 1;
			} else {
				o.first = n;
			}
			i++;
		} else if (strcmp(a, "--mac-range") == 0 && v) {
			if (parse_range(v, &o) < 0)
				return die("--mac-range %s: expected AA:BB:CC:DD:EE:FF-AA:BB:CC:DD:EE:FF, "
					   "unicast, low to high%s", v, "");
			i++;
		} else if (strcmp(a, "--ip") == 0 && v) {
			if (parse_ip(v, &o.ip) < 0)
				return die("--ip %s: expected an IPv4 address%s", v, "");
			o.have_ip = 1;
			i++;
		} else if (strcmp(a, "--guestinfo") == 0 && v) {
			const char *eq = strchr(v, '=');

			if (!eq || eq == v || o.ngi >= CLONE_MAX_GI - 2 || strcspn(v, " \t\"") < (size_t)(eq - v))
				return die("--guestinfo %s: expected KEY=VALUE (KEY without spaces or quotes; "
					   "at most 30)%s", v, "");
			o.gi_key[o.ngi] = strndup(v, (size_t)(eq - v));
			o.gi_val[o.ngi++] = strdup(eq + 1);
			i++;
		} else if (strcmp(a, "--progress") == 0) {
			o.progress = 1;
		} else if (strcmp(a, "--no-progress") == 0) {
			o.progress = 0;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "nhv-clone: unknown option or missing value: %s\n", a);
			usage(stderr);
			return 2;
		} else if (npos < 2) {
			pos[npos++] = a;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (npos != 2) {
		usage(stderr);
		return 2;
	}
	o.src = pos[0];
	o.dest = pos[1];
	if (o.progress < 0)
		o.progress = isatty(2);
	if (o.batch && (!o.name || strchr(o.name, '%') == NULL))
		return die("--count needs --name with one %%d, e.g. --name lab%%02d%s%s", "", "");
	if (find_vmx(o.src, sdir, sizeof(sdir), svmx, sizeof(svmx)))
		return 1;
	snprintf(dest, sizeof(dest), "%s/%s", sdir, svmx);
	text = read_file(dest, 16 << 20, &len);
	if (!text)
		return die("cannot read %s: %s", dest, strerror(errno));
	if (vmx_parse(&tmpl, text, len) < 0)
		return die("out of memory reading %s%s", dest, "");
	free(text);
	vp = vmx_get(&tmpl, "config.version");
	if (!vp && vmx_count(&tmpl, "virtualHW.version") == 0)
		fprintf(stderr, "nhv-clone: warning: %s has neither config.version nor virtualHW.version; "
			"is it a VMware .vmx?\n", dest);
	free(vp);

	/* Every target is checked before anything is copied. */
	for (long k = 0; k < o.count; k++) {
		struct stat st;

		if (target(&o, o.first + k, name, sizeof(name), dest, sizeof(dest)) < 0)
			return die("--name %s: expected exactly one %%d (or %%0Nd) and %%%% for a percent "
				   "sign with --count, and a name below 256 bytes%s", o.name ? o.name : o.dest, "");
		if (!name_ok(name))
			return die("clone name \"%s\" cannot be a folder name (no '/', control bytes, "
				   "\".\" or \"..\")%s", name, "");
		if (lstat(dest, &st) == 0)
			return die("%s exists; nhv-clone never overwrites (remove it or choose another "
				   "name)%s", dest, "");
	}
	if (o.batch) {
		struct stat st;

		if (stat(o.dest, &st) < 0 && mkdir(o.dest, 0755) < 0)
			return die("cannot make %s: %s", o.dest, strerror(errno));
	}
	for (long k = 0; k < o.count && !failed; k++) {
		target(&o, o.first + k, name, sizeof(name), dest, sizeof(dest));
		failed = clone_one(&o, sdir, svmx, &tmpl, dest, name, o.first + k);
	}
	vmx_free(&tmpl);
	for (int g = 0; g < o.ngi; g++) {
		free(o.gi_key[g]);
		free(o.gi_val[g]);
	}
	return failed;
}
