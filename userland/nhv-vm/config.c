/*
 * config.c - see config.h.  One table of keys, each with its parser; a
 * key may appear once in the file, and --set values override the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>
#include "userland/nhv-vm/config.h"
#include "userland/lib/hexfmt.h"
#include "userland/nhv-vm/cpuid-mask.h"

#define MAX_VMX_BYTES	(1 << 20)	/* a .vmx is a few KiB; refuse anything absurd */

struct ctx {
	struct vm_config *c;
	char *dir;		/* the .vmx file's folder, for relative paths */
	char *err;
	size_t errlen;
	const char *where;	/* "FILE:LINE" or "--set" */
	unsigned int seen_disks;	/* bit per nhv.diskN */
};

static int fail(struct ctx *x, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct ctx *x, const char *key, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (key)
		snprintf(x->err, x->errlen, "%s: %s: %s", x->where, key, why);
	else
		snprintf(x->err, x->errlen, "%s: %s", x->where, why);
	return -1;
}

static int set_str(struct ctx *x, char **dst, const char *v)
{
	char *s = strdup(v);

	if (!s)
		return fail(x, NULL, "out of memory");
	free(*dst);
	*dst = s;
	return 0;
}

/* Decimal, no sign, no spaces, within [lo, hi]. */
static int parse_uint(const char *v, uint64_t lo, uint64_t hi, uint64_t *out)
{
	uint64_t n = 0;

	if (!*v)
		return -1;
	for (const char *p = v; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		if (n > (UINT64_MAX - 9) / 10)
			return -1;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	if (n < lo || n > hi)
		return -1;
	*out = n;
	return 0;
}

static int parse_bool(const char *v, int *out)
{
	static const char *const yes[] = { "TRUE", "yes", "1", "on" };
	static const char *const no[] = { "FALSE", "no", "0", "off" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcasecmp(v, yes[i])) {
			*out = 1;
			return 0;
		}
		if (!strcasecmp(v, no[i])) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

static int k_display_name(struct ctx *x, const char *key, const char *v)
{
	if (!*v)
		return fail(x, key, "expected a non-empty name");
	return set_str(x, &x->c->display_name, v);
}

static int k_memsize(struct ctx *x, const char *key, const char *v)
{
	uint64_t n;

	if (parse_uint(v, VM_MIN_MEMSIZE_MIB, VM_MAX_MEMSIZE_MIB, &n) || n % 4)
		return fail(x, key, "expected MiB as a multiple of 4 from %d to %d, got \"%s\"",
			    VM_MIN_MEMSIZE_MIB, VM_MAX_MEMSIZE_MIB, v);
	x->c->memsize_mib = n;
	return 0;
}

static int k_numvcpus(struct ctx *x, const char *key, const char *v)
{
	uint64_t n;

	if (parse_uint(v, 1, VM_MAX_VCPUS, &n))
		return fail(x, key, "expected a number of vCPUs from 1 to %d, got \"%s\"",
			    VM_MAX_VCPUS, v);
	x->c->numvcpus = (unsigned int)n;
	return 0;
}

/* VMware's form "56 4d 0a ... 3c-2e ..." : 16 hex bytes, spaces and one dash allowed. */
static int k_uuid_bios(struct ctx *x, const char *key, const char *v)
{
	uint8_t b[16];
	int digits = 0;

	for (const char *p = v; *p; p++) {
		int h = hex_digit((unsigned char)*p);

		if (h >= 0 && digits >= 0 && digits < 32)
			b[digits / 2] = (uint8_t)(digits % 2 ? (b[digits / 2] << 4) | h : h);
		if (h >= 0)
			digits++;
		else if (*p != ' ' && *p != '-')
			digits = -1000;
	}
	if (digits != 32)
		return fail(x, key, "expected 16 hex bytes like \"56 4d 12 34 56 78 9a bc-de f0 12 34 56 78 9a bc\", got \"%s\"",
			    v);
	memcpy(x->c->uuid, b, sizeof(b));
	return set_str(x, &x->c->uuid_bios, v);
}

/* A path: no control characters; relative ones resolve against the .vmx folder. */
static int set_path(struct ctx *x, const char *key, char **dst, const char *v)
{
	char *s;

	if (!*v)
		return fail(x, key, "expected a file path, got an empty value");
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return fail(x, key, "expected a file path, got control character 0x%02x", *p);
	if (v[0] == '/') {
		s = strdup(v);
	} else if (asprintf(&s, "%s/%s", x->dir, v) < 0) {
		s = NULL;
	}
	if (!s)
		return fail(x, NULL, "out of memory");
	free(*dst);
	*dst = s;
	return 0;
}

static int k_kernel(struct ctx *x, const char *key, const char *v)
{
	return set_path(x, key, &x->c->kernel, v);
}

static int k_initrd(struct ctx *x, const char *key, const char *v)
{
	return set_path(x, key, &x->c->initrd, v);
}

static int k_cmdline(struct ctx *x, const char *key, const char *v)
{
	if (strlen(v) > 2047)
		return fail(x, key, "expected at most 2047 bytes, got %zu", strlen(v));
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return fail(x, key, "expected printable text, got control character 0x%02x", *p);
	return set_str(x, &x->c->cmdline, v);
}

static int set_bool(struct ctx *x, const char *key, const char *v, int *dst)
{
	if (parse_bool(v, dst))
		return fail(x, key, "expected TRUE or FALSE, got \"%s\"", v);
	return 0;
}

static int k_autostart(struct ctx *x, const char *key, const char *v)
{
	return set_bool(x, key, v, &x->c->autostart);
}

static int k_restrict_backdoor(struct ctx *x, const char *key, const char *v)
{
	return set_bool(x, key, v, &x->c->restrict_backdoor);
}

static int k_pseudo_perfctr(struct ctx *x, const char *key, const char *v)
{
	return set_bool(x, key, v, &x->c->pseudo_perfctr);
}

static int k_hv_cpuid_v0(struct ctx *x, const char *key, const char *v)
{
	return set_bool(x, key, v, &x->c->hv_cpuid_v0);
}

static int k_nesting(struct ctx *x, const char *key, const char *v)
{
	if (!strcasecmp(v, "auto"))
		x->c->nesting = VM_NESTING_AUTO;
	else if (!strcasecmp(v, "toggle"))
		x->c->nesting = VM_NESTING_TOGGLE;
	else if (!strcasecmp(v, "off"))
		x->c->nesting = VM_NESTING_OFF;
	else
		return fail(x, key, "expected auto, toggle or off, got \"%s\"", v);
	return 0;
}

/* Xen's cpuid = [ ... ] or "host,...": v is the raw right-hand side, quotes included. */
static int k_xen_cpuid(struct ctx *x, const char *key, const char *v)
{
	char why[512];

	if (cpuid_mask_xen(x->c->masks, key, v, why, sizeof(why)))
		return fail(x, NULL, "%s", why);
	return 0;
}

/* guestinfo.KEY: served to the guest (handshake's store: keys up to 255 bytes). */
static int guestinfo(struct ctx *x, const char *key, const char *v)
{
	struct vm_config *c = x->c;
	unsigned int i;

	if (strlen(key) > 255 || !key[10])
		return fail(x, key, "expected guestinfo.NAME with at most 255 bytes in all");
	if (strlen(v) > 65534)
		return fail(x, key, "expected a value of at most 65534 bytes, got %zu", strlen(v));
	for (i = 0; i < c->ngi; i++)
		if (!strcasecmp(c->gi_key[i], key))
			break;
	if (i == c->ngi) {
		if (c->ngi == VM_MAX_GUESTINFO)
			return fail(x, key, "more than %d guestinfo.* keys", VM_MAX_GUESTINFO);
		c->gi_key[i] = strdup(key);
		if (!c->gi_key[i])
			return fail(x, NULL, "out of memory");
		c->ngi++;
	}
	return set_str(x, &c->gi_val[i], v);
}

static int k_accel(struct ctx *x, const char *key, const char *v)
{
	if (!strcasecmp(v, "auto"))
		x->c->accel = VM_ACCEL_AUTO;
	else if (!strcasecmp(v, "nhv"))
		x->c->accel = VM_ACCEL_NHV;
	else if (!strcasecmp(v, "kvm"))
		x->c->accel = VM_ACCEL_KVM;
	else
		return fail(x, key, "expected auto, nhv or kvm, got \"%s\"", v);
	return 0;
}

/* VMware's own header keys: accepted and not used. */
static int k_ignored(struct ctx *x, const char *key, const char *v)
{
	(void)x;
	(void)key;
	(void)v;
	return 0;
}

static const struct key {
	const char *name;
	int (*fn)(struct ctx *x, const char *key, const char *v);
} keys[] = {
	{ ".encoding", k_ignored },
	{ "config.version", k_ignored },
	{ "virtualHW.version", k_ignored },
	{ "displayName", k_display_name },
	{ "memsize", k_memsize },
	{ "numvcpus", k_numvcpus },
	{ "uuid.bios", k_uuid_bios },
	{ "nhv.kernel", k_kernel },
	{ "nhv.initrd", k_initrd },
	{ "nhv.cmdline", k_cmdline },
	{ "nhv.autostart", k_autostart },
	{ "nhv.accel", k_accel },
	{ "nhv.nesting", k_nesting },
	{ "monitor_control.restrict_backdoor", k_restrict_backdoor },
	{ "monitor_control.pseudo_perfctr", k_pseudo_perfctr },
	{ "hypervisor.cpuid.v0", k_hv_cpuid_v0 },
	{ "cpuid", k_xen_cpuid },
};

/* nhv.diskN: N in 0..VM_MAX_DISKS-1, written without leading zeros. */
static int disk_index(const char *key)
{
	const char *d;

	if (strncasecmp(key, "nhv.disk", 8))
		return -1;
	d = key + 8;
	if (d[0] < '0' || d[0] > '9' || d[1] || d[0] - '0' >= VM_MAX_DISKS)
		return d[0] >= '0' && d[0] <= '9' ? -2 : -1;
	return d[0] - '0';
}

static int apply(struct ctx *x, const char *key, const char *v)
{
	int d;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcasecmp(key, keys[i].name))
			return keys[i].fn(x, key, v);
	if (!strncasecmp(key, "guestinfo.", 10))
		return guestinfo(x, key, v);
	if (cpuid_mask_is_vmware_key(key)) {
		char why[512];

		if (cpuid_mask_vmware(x->c->masks, key, v, why, sizeof(why)))
			return fail(x, NULL, "%s", why);
		return 0;
	}
	{
		char why[400];
		int r = vm_config_net_key(x->c, key, v, why, sizeof(why));

		if (r <= 0)
			return r ? fail(x, key, "%s", why) : 0;
	}
	d = disk_index(key);
	if (d == -2)
		return fail(x, key, "expected nhv.disk0 to nhv.disk%d", VM_MAX_DISKS - 1);
	if (d >= 0) {
		x->seen_disks |= 1U << d;
		return set_path(x, key, &x->c->disks[d], v);
	}
	return fail(x, key, "unknown key (expected displayName, memsize, numvcpus, uuid.bios, "
		    "nhv.kernel, nhv.initrd, nhv.cmdline, nhv.disk0..%d, nhv.autostart, nhv.accel, "
		    "nhv.nesting, guestinfo.*, cpuid.*, cpuid, hypervisor.cpuid.v0, "
		    "monitor_control.restrict_backdoor, monitor_control.pseudo_perfctr, "
		    "ethernet0..%d.*)", VM_MAX_DISKS - 1, VM_MAX_NICS - 1);
}

static int blank_or_comment(const struct vmx_line *l)
{
	size_t i = 0;

	while (i < l->len && (l->text[i] == ' ' || l->text[i] == '\t'))
		i++;
	return i == l->len || l->text[i] == '#';
}

/* Decoded value; a |00 escape would cut it short, so it is refused. */
static char *decode_value(const char *val, size_t vlen, int *has_nul)
{
	char *s = vmx_decode(val, vlen);

	*has_nul = 0;
	if (s)
		for (size_t i = 0; i + 2 < vlen; i++)
			if (val[i] == '|' && val[i + 1] == '0' && val[i + 2] == '0')
				*has_nul = 1;
	return s;
}

static int parse_lines(struct ctx *x, const char *path)
{
	struct vmx *v = &x->c->vmx;
	char where[PATH_MAX + 32], *key = NULL;

	for (size_t i = 0; i < v->n; i++) {
		const char *k, *val;
		size_t kl, vl;
		char *value;
		int has_nul, r;

		snprintf(where, sizeof(where), "%s:%zu", path, i + 1);
		x->where = where;
		if (blank_or_comment(&v->l[i]))
			continue;
		if (memchr(v->l[i].text, '\0', v->l[i].len))
			return fail(x, NULL, "expected text, found a NUL byte");
		if (!vmx_pair(v, i, &k, &kl, &val, &vl))
			return fail(x, NULL, "expected `key = \"value\"` or a # comment");
		key = strndup(k, kl);
		value = decode_value(val, vl, &has_nul);
		if (!key || !value) {
			free(key);
			free(value);
			return fail(x, NULL, "out of memory");
		}
		/* A key twice: VMware takes the last, which hides mistakes; refuse. */
		for (size_t j = 0; j < i; j++) {
			const char *k2, *v2;
			size_t kl2, vl2;

			if (vmx_pair(v, j, &k2, &kl2, &v2, &vl2) && kl2 == kl &&
			    !strncasecmp(k2, k, kl)) {
				r = fail(x, key, "expected once, already set at line %zu", j + 1);
				goto next;
			}
		}
		if (has_nul) {
			r = fail(x, key, "expected text, found the escape |00");
		} else if (!strcasecmp(key, "cpuid")) {
			/* Xen's syntax: the raw right-hand side, as in xl.cfg. */
			const char *eq = memchr(v->l[i].text, '=', v->l[i].len);
			char *raw = strndup(eq + 1, v->l[i].len - (size_t)(eq + 1 - v->l[i].text));

			r = raw ? apply(x, key, raw) : fail(x, NULL, "out of memory");
			free(raw);
		} else {
			r = apply(x, key, value);
		}
next:
		free(key);
		free(value);
		if (r)
			return r;
	}
	return 0;
}

static int apply_sets(struct ctx *x, char *const *sets, size_t nsets)
{
	x->where = "--set";
	for (size_t i = 0; i < nsets; i++) {
		const char *eq = strchr(sets[i], '=');
		char *key;
		int r;

		if (!eq || eq == sets[i])
			return fail(x, NULL, "expected KEY=VALUE, got \"%s\"", sets[i]);
		key = strndup(sets[i], (size_t)(eq - sets[i]));
		if (!key)
			return fail(x, NULL, "out of memory");
		r = apply(x, key, eq + 1);
		if (!r && vmx_set(&x->c->vmx, key, eq + 1))
			r = fail(x, NULL, "out of memory");
		free(key);
		if (r)
			return r;
	}
	return 0;
}

/*
 * No uuid.bios (nhv-vm boot of a hand-written file; `nhv vm define` writes
 * one): 56 4d as VMware's own, then FNV-1a of the file's path, so the
 * guest sees the same UUID at every boot of the same file.
 */
static void derive_uuid(const char *path, uint8_t u[16])
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (int i = 0; i < 16; i++) {
		for (const char *p = path; *p; p++)
			h = (h ^ (uint8_t)*p ^ (uint64_t)i << 8) * 0x100000001b3ULL;
		u[i] = (uint8_t)(h >> 32);
	}
	u[0] = 0x56;
	u[1] = 0x4d;
}

static char *default_name(const char *path)
{
	const char *b = strrchr(path, '/');
	size_t n;

	b = b ? b + 1 : path;
	n = strlen(b);
	if (n > 4 && !strcasecmp(b + n - 4, ".vmx"))
		n -= 4;
	return strndup(b, n ? n : strlen(b));
}

static char *absolute(const char *path)
{
	char cwd[PATH_MAX], *s;

	if (path[0] == '/')
		return strdup(path);
	if (!getcwd(cwd, sizeof(cwd)))
		return NULL;
	if (asprintf(&s, "%s/%s", cwd, path) < 0)
		return NULL;
	return s;
}

int vm_config_parse(struct vm_config *c, const char *path, const char *buf, size_t len,
		    char *const *sets, size_t nsets, char *err, size_t errlen)
{
	struct ctx x = { .c = c, .err = err, .errlen = errlen, .where = path };
	char *slash;
	int r = -1;

	memset(c, 0, sizeof(*c));
	c->memsize_mib = VM_DEFAULT_MEMSIZE_MIB;
	c->numvcpus = 1;
	c->hv_cpuid_v0 = 1;
	c->path = absolute(path);
	x.dir = c->path ? strdup(c->path) : NULL;
	c->masks = malloc(sizeof(*c->masks));
	if (c->masks)
		cpuid_mask_init(c->masks);
	if (!c->path || !x.dir || !c->masks) {
		fail(&x, NULL, "out of memory");
		goto out;
	}
	slash = strrchr(x.dir, '/');
	slash[slash == x.dir ? 1 : 0] = '\0';
	if (vmx_parse(&c->vmx, buf, len)) {
		fail(&x, NULL, "out of memory");
		goto out;
	}
	if (parse_lines(&x, path) || apply_sets(&x, sets, nsets))
		goto out;
	x.where = path;
	if (!c->kernel) {
		fail(&x, "nhv.kernel", "missing (expected the path of a bzImage or multiboot kernel)");
		goto out;
	}
	for (unsigned int i = 0; i < VM_MAX_DISKS; i++) {
		if (!(x.seen_disks & (1U << i)))
			break;
		c->ndisks = i + 1;
	}
	if (x.seen_disks != (1U << c->ndisks) - 1) {
		char k[16];

		snprintf(k, sizeof(k), "nhv.disk%u", c->ndisks);
		fail(&x, k, "missing (expected disks numbered from nhv.disk0 without gaps)");
		goto out;
	}
	if (!c->uuid_bios)
		derive_uuid(c->path, c->uuid);
	{
		char key[40], why[400];

		if (vm_config_net_check(c, key, sizeof(key), why, sizeof(why))) {
			fail(&x, key, "%s", why);
			goto out;
		}
	}
	if (!c->display_name && !(c->display_name = default_name(path))) {
		fail(&x, NULL, "out of memory");
		goto out;
	}
	r = 0;
out:
	free(x.dir);
	if (r)
		vm_config_free(c);
	return r;
}

int vm_config_load(struct vm_config *c, const char *path, char *const *sets, size_t nsets,
		   char *err, size_t errlen)
{
	struct stat st;
	char *buf;
	ssize_t n;
	int fd, r;

	memset(c, 0, sizeof(*c));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > MAX_VMX_BYTES) {
		snprintf(err, errlen, "%s: expected a regular file of at most %d bytes", path,
			 MAX_VMX_BYTES);
		close(fd);
		return -1;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	n = read(fd, buf, (size_t)st.st_size);
	close(fd);
	if (n != st.st_size) {
		snprintf(err, errlen, "%s: short read: %s", path, n < 0 ? strerror(errno) : "file changed");
		free(buf);
		return -1;
	}
	r = vm_config_parse(c, path, buf, (size_t)n, sets, nsets, err, errlen);
	free(buf);
	return r;
}

void vm_config_free(struct vm_config *c)
{
	free(c->path);
	free(c->display_name);
	free(c->uuid_bios);
	free(c->kernel);
	free(c->initrd);
	free(c->cmdline);
	for (unsigned int i = 0; i < VM_MAX_DISKS; i++)
		free(c->disks[i]);
	for (unsigned int i = 0; i < c->ngi; i++) {
		free(c->gi_key[i]);
		free(c->gi_val[i]);
	}
	free(c->masks);
	vm_config_net_free(c);
	vmx_free(&c->vmx);
	memset(c, 0, sizeof(*c));
}

const char *vm_nesting_name(enum vm_nesting n)
{
	return n == VM_NESTING_TOGGLE ? "toggle" : n == VM_NESTING_OFF ? "off" : "auto";
}

const char *vm_accel_name(enum vm_accel a)
{
	return a == VM_ACCEL_NHV ? "nhv" : a == VM_ACCEL_KVM ? "kvm" : "auto";
}
