/*
 * paste-tools.c - other tools' output in a paste, each introduced by its
 * command line ("$ systemd-detect-virt", "root@vm:~# virt-what",
 * "[root@vm ~]# cat /sys/hypervisor/type"), plus `grep . FILES` lines
 * ("/sys/class/dmi/id/sys_vendor:QEMU") and lscpu -J.
 *
 * systemd-detect-virt's and virt-what's answers are kept as evidence
 * beside nhv-check's own (hypervisor.c compares them); they never replace
 * the facts they were derived from.
 */
#include "tools/nhv-check/paste.h"
#include "tools/nhv-check/replay-text.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every name systemd-detect-virt prints (systemd src/basic/virt.c,
 * virtualization_table). */
static const char *const sdv_names[] = {
	"none", "kvm", "amazon", "qemu", "bochs", "xen", "uml", "vmware", "oracle", "microsoft",
	"zvm", "parallels", "bhyve", "qnx", "acrn", "powervm", "apple", "sre", "google", "vm-other",
	"systemd-nspawn", "lxc-libvirt", "lxc", "openvz", "docker", "podman", "rkt", "wsl", "proot",
	"pouch", "container-other",
};

/* Files whose content nhv-check reads, by path. */
static const struct {
	const char *path;
	int str; /* enum str_fact or -1 */
	int num; /* enum num_fact or -1 */
	enum fact_source src;
} files[] = {
	{ "/sys/class/dmi/id/sys_vendor", S_DMI_SYS_VENDOR, -1, SRC_DMI },
	{ "/sys/class/dmi/id/product_name", S_DMI_PRODUCT_NAME, -1, SRC_DMI },
	{ "/sys/class/dmi/id/product_version", S_DMI_PRODUCT_VERSION, -1, SRC_DMI },
	{ "/sys/class/dmi/id/product_serial", S_DMI_PRODUCT_SERIAL, -1, SRC_DMI },
	{ "/sys/class/dmi/id/product_uuid", S_DMI_PRODUCT_UUID, -1, SRC_DMI },
	{ "/sys/class/dmi/id/board_vendor", S_DMI_BOARD_VENDOR, -1, SRC_DMI },
	{ "/sys/class/dmi/id/bios_vendor", S_DMI_BIOS_VENDOR, -1, SRC_DMI },
	{ "/sys/class/dmi/id/bios_version", S_DMI_BIOS_VERSION, -1, SRC_DMI },
	{ "/sys/class/dmi/id/chassis_vendor", S_DMI_CHASSIS_VENDOR, -1, SRC_DMI },
	{ "/sys/hypervisor/type", S_SYS_HYPERVISOR_TYPE, -1, SRC_SYSFS },
	{ "/sys/hypervisor/properties/features", -1, N_XEN_FEATURES, SRC_SYSFS },
	{ "/proc/xen/capabilities", S_XEN_CAPABILITIES, -1, SRC_PROCFS },
};

static int file_index(const char *path, size_t n)
{
	/* /sys/devices/virtual/dmi/id is the same directory. */
	static const char alias[] = "/sys/devices/virtual/dmi/id/";
	char buf[128];

	if (n >= sizeof(buf))
		return -1;
	if (n > sizeof(alias) - 1 && strncmp(path, alias, sizeof(alias) - 1) == 0) {
		snprintf(buf, sizeof(buf), "/sys/class/dmi/id/%.*s", (int)(n - (sizeof(alias) - 1)),
			 path + sizeof(alias) - 1);
	} else {
		memcpy(buf, path, n);
		buf[n] = '\0';
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (strcmp(buf, files[i].path) == 0)
			return (int)i;
	return -1;
}

/* The content of file i, from line lineno. */
static int file_value(struct paste_state *st, int i, const char *val, int lineno, struct replay_error *err)
{
	st->f->paste_parts |= PP_SYSFS;
	if (files[i].str >= 0) {
		if (paste_put(st, st->f, (enum str_fact)files[i].str, val, files[i].src, lineno, err) != 0)
			return -1;
	} else {
		char *end;
		unsigned long long v = strtoull(val, &end, 16);
		if (!*val || *end || !isxdigit((unsigned char)*val))
			return replay_fail(err, lineno, "%s: expected a hex number, got \"%.40s\"", files[i].path, val);
		fact_set(st->f, (enum num_fact)files[i].num, v, files[i].src);
	}
	if (files[i].src == SRC_PROCFS)
		fact_set(st->f, N_PROC_XEN, 1, SRC_PROCFS);
	return 1;
}

static void file_missing(struct paste_state *st, int i)
{
	st->f->paste_parts |= PP_SYSFS;
	if (files[i].str >= 0 && !str_known(st->f, (enum str_fact)files[i].str))
		fact_unavail_str(st->f, (enum str_fact)files[i].str, FR_NOT_PRESENT, files[i].src);
	if (files[i].num >= 0 && !fact_known(st->f, (enum num_fact)files[i].num))
		fact_unavail(st->f, (enum num_fact)files[i].num, FR_NOT_PRESENT, files[i].src);
}

/* The command of a prompt line, or NULL: "$ cmd", "# cmd", "user@host:~$ cmd",
 * "[root@host ~]# cmd", with an optional "sudo ". */
static const char *prompt_command(const char *t)
{
	const char *p = t;

	if (*p == '[') {
		p = strchr(p, ']');
		if (!p)
			return NULL;
		p++;
	} else {
		while (*p && *p != ' ' && *p != '$' && *p != '#')
			p++;
	}
	if ((*p != '$' && *p != '#') || p[1] != ' ')
		return NULL;
	p += 2;
	while (*p == ' ')
		p++;
	if (strncmp(p, "sudo ", 5) == 0)
		p += 5;
	while (*p == ' ')
		p++;
	return p;
}

/* The command's name without its directory, into out. */
static void command_name(const char *cmd, char *out, size_t sz)
{
	size_t n = strcspn(cmd, " \t");
	const char *base = cmd;

	for (size_t i = 0; i < n; i++)
		if (cmd[i] == '/')
			base = cmd + i + 1;
	n -= (size_t)(base - cmd);
	snprintf(out, sz, "%.*s", (int)(n < sz ? n : sz - 1), base);
}

int paste_prompt_line(struct paste_state *st, const char *t)
{
	const char *cmd = prompt_command(t);
	char name[64];

	/* The CPUID helper's recorded output (virt-what's tests) is named by a comment. */
	if (strstr(t, "virt-what-cpuid-helper")) {
		st->mode = PM_HELPER;
		st->helper_prompt = cmd != NULL && strncmp(cmd, "#", 1) != 0 && strstr(cmd, "----") == NULL;
		return 1;
	}
	if (!cmd)
		return 0;
	command_name(cmd, name, sizeof(name));
	const char *args = cmd + strcspn(cmd, " \t");
	while (*args == ' ' || *args == '\t')
		args++;
	if (strcmp(name, "systemd-detect-virt") == 0) {
		st->mode = PM_SDV;
	} else if (strcmp(name, "virt-what") == 0) {
		st->mode = PM_VIRTWHAT;
	} else if (strcmp(name, "dmidecode") == 0) {
		/* also dmidecode's own first line, "# dmidecode 3.3" */
		char *end;
		long major = strtol(args, &end, 10);
		if (end != args && *end == '.')
			st->dmi_version = (int)(major * 100 + strtol(end + 1, NULL, 10));
		st->mode = PM_NONE;
	} else if (strcmp(name, "cat") == 0) {
		int i = file_index(args, strcspn(args, " \t"));
		if (i < 0) {
			st->mode = PM_NONE;
			return 0;
		}
		st->mode = PM_CAT;
		st->cat_file = i;
	} else if (strcmp(name, "ls") == 0 && strstr(args, "/proc/xen")) {
		st->mode = PM_LS_XEN;
	} else if (strcmp(name, "lscpu") == 0 || strcmp(name, "grep") == 0) {
		st->mode = PM_NONE;
	} else {
		return 0;
	}
	return 1;
}

/* virt-what's facts: "kvm", "xen-domU", "ibm_systemz-zvm" ... */
static int is_fact_word(const char *t)
{
	if (!*t)
		return 0;
	for (; *t; t++)
		if (!(isalnum((unsigned char)*t) || *t == '_' || *t == '-'))
			return 0;
	return 1;
}

static int helper_line(struct paste_state *st, const char *t, int lineno, struct replay_error *err)
{
	char sig[64];
	size_t n;

	if (t[0] == '#')
		return 1; /* "#!/bin/sh -" of the recorded stub */
	if (strncmp(t, "echo ", 5) == 0) {
		t += 5;
		while (*t == ' ')
			t++;
	} else if (!st->helper_prompt) {
		return 0;
	}
	n = strlen(t);
	if (n >= 2 && t[0] == '"' && t[n - 1] == '"') {
		t++;
		n -= 2;
	}
	if (n == 0 || n > 48)
		return replay_fail(err, lineno, "virt-what-cpuid-helper: \"%.50s\" is not a CPUID signature (1 to 48 characters)", t);
	memcpy(sig, t, n);
	sig[n] = '\0';
	st->mode = PM_NONE;
	st->f->paste_parts |= PP_CPUID_HELPER;
	return paste_put(st, st->f, S_HV_SIG, sig, SRC_VIRTWHAT, lineno, err) ? -1 : 1;
}

int paste_tool_line(struct paste_state *st, char *t, int lineno, struct replay_error *err)
{
	switch (st->mode) {
	case PM_HELPER:
		return helper_line(st, t, lineno, err);
	case PM_SDV:
		st->mode = PM_NONE;
		for (size_t i = 0; i < sizeof(sdv_names) / sizeof(sdv_names[0]); i++)
			if (strcmp(t, sdv_names[i]) == 0) {
				st->f->paste_parts |= PP_SDV;
				return paste_put(st, st->f, S_PASTE_SDV, t, SRC_SDV, lineno, err) ? -1 : 1;
			}
		return replay_fail(err, lineno, "systemd-detect-virt: \"%.40s\" is not a name it prints "
				   "(none, kvm, qemu, vmware, microsoft, oracle, xen, amazon, ...)", t);
	case PM_VIRTWHAT: {
		if (!is_fact_word(t)) {
			st->mode = PM_NONE;
			return 0;
		}
		static char list[FACT_STR_MAX];
		const char *old = str_get(st->f, S_PASTE_VIRTWHAT);
		size_t ol = strlen(old), tl = strlen(t);
		if (flag_in_list(old, t))
			return 1;
		if (ol + tl + 2 > sizeof(list))
			return replay_fail(err, lineno, "virt-what: too many facts");
		memcpy(list, old, ol);
		if (ol)
			list[ol++] = ' ';
		memcpy(list + ol, t, tl + 1);
		fact_set_str(st->f, S_PASTE_VIRTWHAT, list, SRC_VIRTWHAT);
		st->f->paste_parts |= PP_VIRTWHAT;
		return 1;
	}
	case PM_CAT:
		st->mode = PM_NONE;
		if (strncmp(t, "cat: ", 5) == 0) {
			file_missing(st, st->cat_file);
			return 1;
		}
		return file_value(st, st->cat_file, t, lineno, err);
	case PM_LS_XEN:
		st->mode = PM_NONE;
		st->f->paste_parts |= PP_SYSFS;
		fact_set(st->f, N_PROC_XEN, strncmp(t, "ls: ", 4) != 0, SRC_PROCFS);
		return 1;
	default:
		return 0;
	}
}

int paste_path_line(struct paste_state *st, char *t, int lineno, struct replay_error *err)
{
	char *colon;
	int i;

	if (strncmp(t, "/sys/", 5) != 0 && strncmp(t, "/proc/", 6) != 0)
		return 0;
	colon = strchr(t, ':');
	if (!colon || (i = file_index(t, (size_t)(colon - t))) < 0)
		return 0;
	return file_value(st, i, replay_trim(colon + 1), lineno, err);
}

/* A JSON string at p (at its opening quote) into out; pointer past it, or NULL. */
static const char *json_string(const char *p, char *out, size_t sz)
{
	size_t n = 0;

	if (*p != '"')
		return NULL;
	for (p++; *p && *p != '"'; p++) {
		char c = *p;
		if (c == '\\') {
			p++;
			if (*p == 'u' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2]) &&
			    isxdigit((unsigned char)p[3]) && isxdigit((unsigned char)p[4])) {
				c = '?';
				p += 4;
			} else if (*p == '"' || *p == '\\' || *p == '/') {
				c = *p;
			} else {
				return NULL;
			}
		}
		if (n + 1 >= sz)
			return NULL;
		out[n++] = c;
	}
	if (*p != '"')
		return NULL;
	out[n] = '\0';
	return p + 1;
}

/* The value of "name": "..." on the line, into out (empty for null); 0 or -1. */
static int json_member(const char *t, const char *name, char *out, size_t sz)
{
	char pat[32];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", name);
	p = strstr(t, pat);
	if (!p)
		return -1;
	p += strlen(pat);
	while (*p == ' ')
		p++;
	if (strncmp(p, "null", 4) == 0) {
		out[0] = '\0';
		return 0;
	}
	return json_string(p, out, sz) ? 0 : -1;
}

int paste_lscpu_json_line(struct paste_state *st, const char *t, int lineno, struct replay_error *err)
{
	static char key[128], val[FACT_STR_MAX];

	if (strncmp(t, "{\"lscpu\":", 9) == 0 || strncmp(t, "\"lscpu\":", 8) == 0) {
		st->f->paste_parts |= PP_LSCPU_JSON;
		return 1;
	}
	if (!strstr(t, "\"field\":"))
		return 0;
	if (json_member(t, "field", key, sizeof(key)) != 0 || json_member(t, "data", val, sizeof(val)) != 0)
		return replay_fail(err, lineno, "lscpu -J: expected {\"field\": \"...\", \"data\": \"...\"}, got \"%.60s\"", t);
	size_t n = strlen(key);
	if (n > 0 && key[n - 1] == ':')
		key[--n] = '\0';
	int r = paste_lscpu_pair(st, replay_trim(key), val, NULL, 0, lineno, err);
	if (r < 0)
		return -1;
	st->f->paste_parts |= PP_LSCPU_JSON;
	return 1;
}
