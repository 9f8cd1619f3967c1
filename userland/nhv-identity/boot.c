/* boot.c - the boot-time identity flow (see boot.h). */
#include "userland/nhv-identity/boot.h"
#include "userland/lib/log.h"
#include "userland/lib/nhvconf.h"
#include "userland/lib/atomic.h"
#include "userland/nhv-identity/decide.h"
#include "userland/nhv-identity/efivar.h"
#include "userland/nhv-identity/guests.h"
#include "userland/nhv-identity/hwid.h"
#include "userland/nhv-identity/idfile.h"
#include "userland/lib/sysroot.h"
#include "userland/lib/datadisk.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#define ID_FILE_BYTES (1 << 20)

enum store_kind { STORE_DATADISK, STORE_EFI, STORE_RAM };

struct store {
	enum store_kind kind;
	char dir[PATH_MAX];  /* data disk mount, efivarfs, or the RAM folder */
	char dev[PATH_MAX];  /* data disk device, when known */
	char path[PATH_MAX * 2];
};

/* The decided settings: /run/nhv/settings, then the data disk's file. */
static struct nhvconf settings;

/* A setting's value when a source above the default gave it (the default
 * host name is this program's own decision). */
static const char *setting(enum nhvconf_key k)
{
	const char *v = nhvconf_get(&settings, k);

	return v && settings.v[k].source > NHVCONF_DEFAULT ? v : NULL;
}

void boot_read_settings(struct boot_opts *o)
{
	char path[PATH_MAX], why[256];
	size_t len;
	char *text = read_file(sysroot(RUN_DIR "/settings", path, sizeof(path)), 65536, &len);

	nhvconf_init(&settings);
	if (!text) {
		log_at(LOG_NOTICE, "no decided settings (%s: %s): hostname, datadisk, macprefix and "
		    "macmode take their defaults", path, strerror(errno));
	} else if (nhvconf_parse_settings(&settings, text, len, why, sizeof(why)) < 0) {
		log_at(LOG_ERR, "%s: %s; its settings are not used", path, why);
	}
	free(text);
	if (!o->datadisk_format && setting(NHVCONF_DATADISK))
		o->datadisk_format = 1;	/* the only value is "format" */
}

static void warn_datadisk(void *ctx, enum nhvconf_source src, const char *key, unsigned line,
			  const char *why)
{
	(void)src;
	log_at(LOG_WARNING, "%s:%u: %s ignored: %s", (const char *)ctx, line, key, why);
}

/* The data disk's settings file, weaker than the sources nhv-toolsd read
 * (userland/lib/nhvconf.h); nhv-toolsd takes it into its own decision after
 * this boot step. */
static void read_datadisk_settings(const char *dir)
{
	char path[PATH_MAX + 16];
	size_t len;
	char *text;

	snprintf(path, sizeof(path), "%s/nhv/settings", dir);
	text = read_file(path, 65536, &len);
	if (!text) {
		if (errno != ENOENT)
			log_at(LOG_ERR, "%s: %s; its settings are not used", path, strerror(errno));
		return;
	}
	if (nhvconf_parse_datadisk(&settings, text, len, warn_datadisk, path) < 0)
		log_at(LOG_ERR, "%s: out of memory; its settings are not used", path);
	free(text);
}

/* What the options left unset, from the settings. */
static void fill_from_settings(const struct boot_opts *o, const char **hostname,
			       enum mac_prefix *prefix, enum mac_mode *mode)
{
	const char *v;

	*hostname = o->hostname ? o->hostname : setting(NHVCONF_HOSTNAME);
	*prefix = o->prefix;
	*mode = o->mode;
	/* The values were checked when decided: local|vmware, random|deterministic. */
	if (*prefix == MACP_UNSET && (v = setting(NHVCONF_MACPREFIX)))
		parse_mac_prefix(v, prefix);
	if (*mode == MACM_UNSET && (v = setting(NHVCONF_MACMODE)))
		parse_mac_mode(v, mode);
}

void sys_random(void *ctx, void *buf, size_t n)
{
	char *p = buf;

	(void)ctx;
	while (n > 0) {
		ssize_t r = getrandom(p, n, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			/* getrandom exists since Linux 3.17; this only guards odd sandboxes. */
			int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

			if (fd < 0 || read(fd, p, n) != (ssize_t)n) {
				perror("nhv-identity: no source of random numbers");
				exit(1);
			}
			close(fd);
			return;
		}
		p += r;
		n -= (size_t)r;
	}
}

/* Finds the data disk (making it on a blank disk when asked) and mounts it. */
static int mount_datadisk(const struct boot_opts *o, struct store *s)
{
	char why[512], disk[PATH_MAX];
	int found = datadisk_find(s->dev, sizeof(s->dev)) == 0;

	if (!found && o->datadisk_format) {
		if (datadisk_pick(disk, sizeof(disk), why, sizeof(why)) < 0 ||
		    datadisk_format(disk, s->dev, sizeof(s->dev), why, sizeof(why)) < 0) {
			log_at(LOG_ERR, "datadisk=format asked, but no data disk was made: %s", why);
		} else {
			log_at(LOG_NOTICE, "made data disk %s (label %s) on blank disk %s", s->dev,
			    DATADISK_LABEL, disk);
			found = 1;
		}
	}
	if (!found)
		return 0;
	if (datadisk_mount(s->dev, DATADISK_MOUNT, why, sizeof(why)) < 0) {
		log_at(LOG_ERR, "%s", why);
		return 0;
	}
	snprintf(s->dir, sizeof(s->dir), "%s", DATADISK_MOUNT);
	return 1;
}

static void pick_store(const struct boot_opts *o, struct store *s)
{
	char sub[PATH_MAX + 8];

	memset(s, 0, sizeof(*s));
	if (o->data_dir) {
		snprintf(s->dir, sizeof(s->dir), "%s", o->data_dir);
		snprintf(s->dev, sizeof(s->dev), "(folder)");
	} else if (o->no_datadisk || sysroot_is_fake() || !mount_datadisk(o, s)) {
		s->dev[0] = '\0';
		if (!o->no_efi && efivar_available(s->dir, sizeof(s->dir))) {
			s->kind = STORE_EFI;
			snprintf(s->path, sizeof(s->path), "%s/%s", s->dir, NHV_EFI_IDENTITY);
			return;
		}
		s->kind = STORE_RAM;
		sysroot(RUN_DIR, s->dir, sizeof(s->dir));
		mkdir(s->dir, 0755);
		snprintf(s->path, sizeof(s->path), "%s/identity.ram", s->dir);
		log_at(LOG_WARNING, "no data disk and no UEFI variables: the identity lives in RAM only "
		    "and will be new at every boot (add a disk and run `nhv datadisk format`)");
		return;
	}
	s->kind = STORE_DATADISK;
	snprintf(s->path, sizeof(s->path), "%s/nhv/identity", s->dir);
	snprintf(sub, sizeof(sub), "%s/nhv", s->dir);
	mkdir(sub, 0755);
	snprintf(sub, sizeof(sub), "%s/vms", s->dir);
	mkdir(sub, 0755);
}

static const char *store_name(const struct store *s)
{
	return s->kind == STORE_DATADISK ? "datadisk" : s->kind == STORE_EFI ? "efi" : "ram";
}

static char *store_load(const struct store *s, size_t *len)
{
	if (s->kind == STORE_EFI)
		return efivar_read(s->dir, NHV_EFI_IDENTITY, len);
	return read_file(s->path, ID_FILE_BYTES, len);
}

static int store_save(const struct store *s, const char *buf, size_t len)
{
	if (s->kind == STORE_EFI)
		return efivar_write(s->dir, NHV_EFI_IDENTITY, buf, len);
	return atomic_write_file(s->path, buf, len, 0644);
}

/* A corrupt identity is kept for a person to look at: NAME.bad next to it (or in /run/nhv). */
static void keep_bad(const struct store *s, const char *buf, size_t len, char *where, size_t size)
{
	char run[PATH_MAX];

	if (s->kind == STORE_EFI)
		snprintf(where, size, "%s/identity-efi.bad", sysroot(RUN_DIR, run, sizeof(run)));
	else
		snprintf(where, size, "%s.bad", s->path);
	if (atomic_write_file(where, buf, len, 0600) < 0)
		snprintf(where, size, "(nowhere: could not write it)");
}

static void publish(const struct store *s, const struct identity *id, const char *text, size_t len)
{
	char path[PATH_MAX], host[PATH_MAX + 32], info[PATH_MAX * 3];
	char mid[40];
	int n;

	sysroot(RUN_DIR, path, sizeof(path));
	mkdir(path, 0755);
	snprintf(info, sizeof(info), "%s/identity", path);
	atomic_write_file(info, text, len, 0644);
	n = snprintf(info, sizeof(info), "store=%s\ndevice=%s\nlocation=%s\n", store_name(s),
		     s->dev, s->path);
	snprintf(host, sizeof(host), "%s/identity.store", path);
	atomic_write_file(host, info, (size_t)n, 0644);

	n = snprintf(mid, sizeof(mid), "%s\n", id->machine_id);
	atomic_write_file(sysroot("/etc/machine-id", path, sizeof(path)), mid, (size_t)n, 0444);
	/* The host name is applied by nhv-toolsd (the one owner of the settings,
	 * docs/handshake.md): it reads this name from /run/nhv/identity. */
}

/*
 * A clone must not keep the web UI's TLS key (docs/cloning.md): the key and
 * certificate nhv-web keeps on the data disk go, and nhv-web makes new ones
 * for the new appliance UUID.  (Without a data disk they live in RAM.)
 */
static void forget_tls(const struct store *s)
{
	static const char *const files[] = { "server.pem", "owner" };
	char path[PATH_MAX + 32];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/nhv/tls/%s", s->dir, files[i]);
		if (unlink(path) < 0 && errno != ENOENT)
			log_at(LOG_ERR, "cannot remove the web UI's TLS key %s: %s", path,
			       strerror(errno));
	}
}

int boot_run(const struct boot_opts *o)
{
	static struct identity stored, out;
	static struct guest_id seen[ID_MAX_GUESTS];
	struct hw_facts hw;
	struct store s;
	struct decide_in in;
	char note[512], err[256], bad[PATH_MAX * 2 + 8], u1[37], u2[37];
	char *text, *buf;
	size_t len;
	long n;
	int nseen = 0, have = 0, corrupt = 0, renewed = 0;

	hwid_read(&hw, note, sizeof(note));
	if (!hw.uuid_valid)
		log_at(LOG_WARNING, "hardware UUID unreadable: %s; deciding by NIC MACs", note);
	pick_store(o, &s);

	text = store_load(&s, &len);
	if (text) {
		if (idfile_parse(text, len, &stored, err, sizeof(err)) == 0) {
			have = 1;
		} else {
			corrupt = 1;
			keep_bad(&s, text, len, bad, sizeof(bad));
			log_at(LOG_ERR, "stored identity %s is corrupt (%s): kept aside as %s, making a new one",
			    s.path, err, bad);
		}
		free(text);
	} else if (errno != ENOENT) {
		log_at(LOG_ERR, "cannot read the stored identity %s: %s; making a new one", s.path,
		    strerror(errno));
	}

	if (s.kind == STORE_DATADISK) {
		read_datadisk_settings(s.dir);
		nseen = guests_scan(s.dir, seen, ID_MAX_GUESTS);
		if (nseen < 0) {
			log_at(LOG_ERR, "cannot list %s/vms: %s", s.dir, strerror(errno));
			nseen = 0;
		}
	}

	memset(&in, 0, sizeof(in));
	in.hw = &hw;
	in.stored = have ? &stored : NULL;
	in.stored_corrupt = corrupt;
	fill_from_settings(o, &in.guestinfo_hostname, &in.prefix, &in.mode);
	in.guests = seen;
	in.nguests = nseen;
	in.random = sys_random;
	decide(&in, &out);

	/*
	 * The L2 .vmx files first, the identity last: a crash in between finds
	 * the old identity and decides again; the other order would keep the
	 * original's MACs in a clone's guests.
	 */
	if (s.kind == STORE_DATADISK) {
		int failed = guests_write(s.dir, out.guests, out.nguests);

		for (int g = 0; g < out.nguests; g++)
			renewed += out.guests[g].changed;
		if (failed) {
			log_at(LOG_ERR, "%d L2 guest .vmx files could not be rewritten; identity not stored, "
			    "the next boot decides again", failed);
			return 1;
		}
	}

	buf = malloc(ID_FILE_BYTES);
	if (!buf)
		return 1;
	n = idfile_format(&out, buf, ID_FILE_BYTES);
	if (n < 0 || store_save(&s, buf, (size_t)n) < 0) {
		log_at(LOG_ERR, "cannot store the identity in %s (%s)", s.path, store_name(&s));
		free(buf);
		return 1;
	}
	publish(&s, &out, buf, (size_t)n);
	free(buf);
	if (out.decision == DEC_CLONED && s.kind == STORE_DATADISK)
		forget_tls(&s);

	uuid_format(&out.appliance_uuid, u2);
	if (have && !uuid_eq(&stored.appliance_uuid, &out.appliance_uuid)) {
		uuid_format(&stored.appliance_uuid, u1);
		log_at(LOG_NOTICE, "decision=%s: %s; appliance %s (was %s), hostname %s, %d L2 guest(s), %d renewed; "
		    "stored in %s", decision_name(out.decision), out.reason, u2, u1, out.hostname,
		    out.nguests, renewed, store_name(&s));
	} else {
		log_at(LOG_NOTICE, "decision=%s: %s; appliance %s, hostname %s, %d L2 guest(s), %d renewed; "
		    "stored in %s", decision_name(out.decision), out.reason, u2, out.hostname,
		    out.nguests, renewed, store_name(&s));
	}
	return 0;
}
