/*
 * cpuid-mask.c - VMware and Xen CPUID mask syntaxes into policy entries
 * (see cpuid-mask.h).  Facts: VMware's CpuIdInfo (vSphere API reference:
 * 32 characters, bit 31 first, groups of four may be split by ':'); Xen's
 * xl.cfg "cpuid" and libxl_cpuid.c (libxl_cpuid_parse_config_xend for the
 * 'leaf[,subleaf]:reg=bits' list: strtoul base 0, exactly 32 characters,
 * registers joined by ',' with optional blanks; libxl_cpuid_parse_config
 * for "host,name=value": a number, or x, k, s).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "cpuid-mask.h"

static const char *const reg_names[4] = { "eax", "ebx", "ecx", "edx" };

/* libxl's single-bit feature names for leaves 1, 7.0 and 0x80000001. */
struct xl_feature {
	const char *name;
	uint32_t leaf, subleaf;
	uint8_t reg, bit;
};

#define L1C(n, b)	{ n, 1, 0, NHV_CPUID_ECX, b }
#define L1D(n, b)	{ n, 1, 0, NHV_CPUID_EDX, b }
#define L7B(n, b)	{ n, 7, 0, NHV_CPUID_EBX, b }
#define L7C(n, b)	{ n, 7, 0, NHV_CPUID_ECX, b }
#define L7D(n, b)	{ n, 7, 0, NHV_CPUID_EDX, b }
#define E1C(n, b)	{ n, 0x80000001, 0, NHV_CPUID_ECX, b }
#define E1D(n, b)	{ n, 0x80000001, 0, NHV_CPUID_EDX, b }

static const struct xl_feature xl_features[] = {
	L1C("sse3", 0), L1C("pclmulqdq", 1), L1C("dtes64", 2), L1C("monitor", 3),
	L1C("dscpl", 4), L1C("vmx", 5), L1C("smx", 6), L1C("est", 7), L1C("tm2", 8),
	L1C("ssse3", 9), L1C("cntxid", 10), L1C("fma", 12), L1C("cmpxchg16", 13),
	L1C("xtpr", 14), L1C("pdcm", 15), L1C("pcid", 17), L1C("dca", 18),
	L1C("sse4_1", 19), L1C("sse4.1", 19), L1C("sse4_2", 20), L1C("sse4.2", 20),
	L1C("x2apic", 21), L1C("movbe", 22), L1C("popcnt", 23),
	L1C("tsc-deadline", 24), L1C("aes", 25), L1C("xsave", 26), L1C("osxsave", 27),
	L1C("avx", 28), L1C("f16c", 29), L1C("rdrand", 30), L1C("hypervisor", 31),
	L1D("fpu", 0), L1D("vme", 1), L1D("de", 2), L1D("pse", 3), L1D("tsc", 4),
	L1D("msr", 5), L1D("pae", 6), L1D("mce", 7), L1D("cmpxchg8", 8), L1D("apic", 9),
	L1D("sysenter", 11), L1D("mtrr", 12), L1D("pge", 13), L1D("mca", 14),
	L1D("cmov", 15), L1D("pat", 16), L1D("pse36", 17), L1D("psn", 18),
	L1D("clfsh", 19), L1D("ds", 21), L1D("acpi", 22), L1D("mmx", 23), L1D("fxsr", 24),
	L1D("sse", 25), L1D("sse2", 26), L1D("ss", 27), L1D("htt", 28), L1D("tm", 29),
	L1D("ia64", 30), L1D("pbe", 31),
	L7B("fsgsbase", 0), L7B("tsc_adjust", 1), L7B("bmi1", 3), L7B("hle", 4),
	L7B("avx2", 5), L7B("smep", 7), L7B("bmi2", 8), L7B("erms", 9), L7B("invpcid", 10),
	L7B("rtm", 11), L7B("cmt", 12), L7B("mpx", 14), L7B("avx512f", 16),
	L7B("avx512dq", 17), L7B("rdseed", 18), L7B("adx", 19), L7B("smap", 20),
	L7B("avx512-ifma", 21), L7B("clflushopt", 23), L7B("clwb", 24),
	L7B("avx512pf", 26), L7B("avx512er", 27), L7B("avx512cd", 28), L7B("sha", 29),
	L7B("avx512bw", 30), L7B("avx512vl", 31),
	L7C("prefetchwt1", 0), L7C("avx512-vbmi", 1), L7C("umip", 2), L7C("pku", 3),
	L7C("ospke", 4), L7C("avx512-vbmi2", 6), L7C("cet-ss", 7), L7C("gfni", 8),
	L7C("vaes", 9), L7C("vpclmulqdq", 10), L7C("avx512-vnni", 11),
	L7C("avx512-bitalg", 12), L7C("avx512-vpopcntdq", 14), L7C("rdpid", 22),
	L7C("cldemote", 25),
	L7D("avx512-4vnniw", 2), L7D("avx512-4fmaps", 3), L7D("md-clear", 10),
	L7D("cet-ibt", 20), L7D("ibrsb", 26), L7D("stibp", 27), L7D("l1d-flush", 28),
	L7D("arch-caps", 29), L7D("core-caps", 30), L7D("ssbd", 31),
	E1C("lahfsahf", 0), E1C("cmplegacy", 1), E1C("svm", 2), E1C("extapic", 3),
	E1C("altmovcr8", 4), E1C("abm", 5), E1C("sse4a", 6), E1C("misalignsse", 7),
	E1C("3dnowprefetch", 8), E1C("osvw", 9), E1C("ibs", 10), E1C("xop", 11),
	E1C("skinit", 12), E1C("wdt", 13), E1C("lwp", 15), E1C("fma4", 16),
	E1C("nodeid", 19), E1C("tbm", 21), E1C("topoext", 22), E1C("perfctr_core", 23),
	E1C("perfctr_nb", 24),
	E1D("syscall", 11), E1D("nx", 20), E1D("mmxext", 22), E1D("ffxsr", 25),
	E1D("page1gb", 26), E1D("rdtscp", 27), E1D("lm", 29), E1D("3dnowext", 30),
	E1D("3dnow", 31),
};

void cpuid_mask_init(struct cpuid_mask_list *l)
{
	memset(l, 0, sizeof(*l));
}

static int fail(char *err, size_t errlen, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, const char *key, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!errlen)
		return -1;
	n = snprintf(err, errlen, "%s: ", key);
	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* A character for a message: itself if printable, else \xNN. */
static const char *show(char c, char buf[8])
{
	if (isprint((unsigned char)c) && c != '\'')
		snprintf(buf, 8, "'%c'", c);
	else
		snprintf(buf, 8, "\\x%02x", (unsigned char)c);
	return buf;
}

/* Parse 1-8 hex digits, "0x" optional, of exactly [s, e). */
static int parse_hex(const char *s, const char *e, uint32_t *out)
{
	uint32_t v = 0;

	if (e - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (s == e || e - s > 8)
		return -1;
	for (; s < e; s++) {
		if (!isxdigit((unsigned char)*s))
			return -1;
		v = v << 4 | (uint32_t)(isdigit((unsigned char)*s) ? *s - '0' :
					(tolower((unsigned char)*s) - 'a' + 10));
	}
	*out = v;
	return 0;
}

static int reg_index(const char *s, size_t n)
{
	int i;

	for (i = 0; i < 4; i++)
		if (n == 3 && !strncasecmp(s, reg_names[i], 3))
			return i;
	return -1;
}

static struct cpuid_mask *new_entry(struct cpuid_mask_list *l, const char *key,
				    char *err, size_t errlen)
{
	struct cpuid_mask *m;

	if (l->n >= CPUID_MASK_MAX) {
		fail(err, errlen, key, "more than %d CPUID mask registers in the config",
		     CPUID_MASK_MAX);
		return NULL;
	}
	m = &l->m[l->n];
	memset(m, 0, sizeof(*m));
	m->e.and_mask = ~0u;
	return m;
}

int cpuid_mask_is_vmware_key(const char *key)
{
	return !strncasecmp(key, "cpuid.", 6);
}

/* cpuid.<leaf>[.<subleaf>].<reg>[.amd|.intel] */
static int vmware_key(const char *key, struct cpuid_mask *m, char *err, size_t errlen)
{
	const char *part[5];
	size_t len[5];
	const char *p = key + 6;
	int n = 0, i = 0, r;

	while (n < 5) {
		const char *dot = strchr(p, '.');

		part[n] = p;
		len[n] = dot ? (size_t)(dot - p) : strlen(p);
		n++;
		if (!dot)
			break;
		p = dot + 1;
	}
	if (n < 2 || n > 4 || strchr(p, '.'))
		goto bad;
	if (parse_hex(part[0], part[0] + len[0], &m->e.leaf))
		return fail(err, errlen, key, "leaf '%.*s' is not a hex number of at most 8 digits",
			    (int)len[0], part[0]);
	i = 1;
	if (reg_index(part[1], len[1]) < 0) {
		if (n < 3)
			goto bad;
		if (parse_hex(part[1], part[1] + len[1], &m->e.subleaf))
			return fail(err, errlen, key,
				    "subleaf '%.*s' is not a hex number of at most 8 digits",
				    (int)len[1], part[1]);
		i = 2;
	}
	r = reg_index(part[i], len[i]);
	if (r < 0)
		goto bad;
	m->e.reg = r;
	if (++i < n) {
		if (len[i] == 3 && !strncasecmp(part[i], "amd", 3))
			m->vendor = CPUID_AMD;
		else if (len[i] == 5 && !strncasecmp(part[i], "intel", 5))
			m->vendor = CPUID_INTEL;
		else
			goto bad;
		if (++i < n)
			goto bad;
	}
	return 0;
bad:
	return fail(err, errlen, key,
		    "not a CPUID mask key (expected cpuid.<leaf>[.<subleaf>].<eax|ebx|ecx|edx>[.amd|.intel], leaf and subleaf in hex)");
}

int cpuid_mask_vmware(struct cpuid_mask_list *l, const char *key, const char *value,
		      char *err, size_t errlen)
{
	struct cpuid_mask *m = new_entry(l, key, err, errlen);
	size_t n = strlen(value), i;
	int bit = 31;
	char b[8];

	if (!m)
		return -1;
	if (!cpuid_mask_is_vmware_key(key))
		return fail(err, errlen, key, "not a CPUID mask key (expected cpuid.*)");
	if (vmware_key(key, m, err, errlen))
		return -1;
	if (n != 32 && n != 39)
		return fail(err, errlen, key,
			    "%zu characters (expected 32, bit 31 first, or 39 in groups of 4 split by ':'), column %zu",
			    n, n < 32 ? n + 1 : (size_t)33);
	for (i = 0; i < n; i++) {
		uint32_t mask = 1u << (bit & 31);

		if (n == 39 && i % 5 == 4) {
			if (value[i] != ':')
				return fail(err, errlen, key,
					    "%s at column %zu (expected ':' between groups of 4)",
					    show(value[i], b), i + 1);
			continue;
		}
		switch (value[i]) {
		case '0':
			m->e.and_mask &= ~mask;
			m->changed |= mask;
			break;
		case '1':
			m->e.and_mask &= ~mask;
			m->e.or_mask |= mask;
			m->changed |= mask;
			break;
		case 'R':
			m->require1 |= mask;
			break;
		case '-':
		case 'H':
		case 'X':
			break;
		default:
			return fail(err, errlen, key,
				    "%s at column %zu (expected 0, 1, -, H, R or X)",
				    show(value[i], b), i + 1);
		}
		bit--;
	}
	snprintf(m->key, sizeof(m->key), "%s", key);
	l->n++;
	return 0;
}

/* Xen's characters for one bit: 0, 1, or x/k/s (the host's value). */
static int xen_bit(struct cpuid_mask *m, char c, int bit)
{
	uint32_t mask = 1u << bit;

	switch (c) {
	case '0':
		m->e.and_mask &= ~mask;
		m->changed |= mask;
		return 0;
	case '1':
		m->e.and_mask &= ~mask;
		m->e.or_mask |= mask;
		m->changed |= mask;
		return 0;
	case 'x':
	case 'k':
	case 's':
		return 0;
	default:
		return -1;
	}
}

/* strtoul(base 0) on [s, e) without reading past e; -1 if not a number. */
static int parse_num(const char *s, const char *e, const char **end, uint32_t *out)
{
	uint64_t v = 0;
	int base = 10;
	const char *p = s;

	if (e - p >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && e - p > 2 &&
	    isxdigit((unsigned char)p[2])) {
		base = 16;
		p += 2;
	} else if (p < e && *p == '0') {
		base = 8;
	}
	if (p >= e || !isxdigit((unsigned char)*p))
		return -1;
	for (; p < e; p++) {
		int d = isdigit((unsigned char)*p) ? *p - '0' :
			isxdigit((unsigned char)*p) ? tolower((unsigned char)*p) - 'a' + 10 : 99;

		if (d >= base)
			break;
		v = v * base + d;
		if (v > 0xffffffffu)
			return -1;
	}
	if (p == s)
		return -1;
	*end = p;
	*out = (uint32_t)v;
	return 0;
}

/* One list string 'leaf[,subleaf]:reg=bits[,reg=bits]' at value[off, off+len). */
static int xen_item(struct cpuid_mask_list *l, const char *key, const char *value,
		    size_t off, size_t len, char *err, size_t errlen)
{
	const char *s = value + off, *e = s + len, *p;
	uint32_t leaf, subleaf = 0;
	int has_sub = 0;
	char b[8];

	if (parse_num(s, e, &p, &leaf))
		return fail(err, errlen, key, "expected a leaf number at column %zu", off + 1);
	if (p < e && *p == ',') {
		const char *q = p + 1;

		if (parse_num(q, e, &p, &subleaf))
			return fail(err, errlen, key, "expected a subleaf number at column %zu",
				    (size_t)(q - value) + 1);
		has_sub = 1;
	}
	if (p >= e || *p != ':')
		return fail(err, errlen, key, "expected ':' after the leaf at column %zu",
			    (size_t)(p - value) + 1);
	p++;
	for (;;) {
		struct cpuid_mask *m;
		int r, i;

		r = e - p >= 4 ? reg_index(p, 3) : -1;
		if (r < 0 || p[3] != '=')
			return fail(err, errlen, key,
				    "expected eax=, ebx=, ecx= or edx= at column %zu",
				    (size_t)(p - value) + 1);
		p += 4;
		m = new_entry(l, key, err, errlen);
		if (!m)
			return -1;
		m->e.leaf = leaf;
		m->e.subleaf = subleaf;
		m->e.reg = r;
		for (i = 0; i < 32; i++) {
			if (p + i >= e || p[i] == ',')
				return fail(err, errlen, key,
					    "%d bits for %s at column %zu (expected 32, bit 31 first)",
					    i, reg_names[r], (size_t)(p - value) + 1);
			if (xen_bit(m, p[i], 31 - i))
				return fail(err, errlen, key,
					    "%s at column %zu (expected 0, 1, x, k or s)",
					    show(p[i], b), (size_t)(p + i - value) + 1);
		}
		p += 32;
		if (has_sub)
			snprintf(m->key, sizeof(m->key), "%s:%#x,%u:%s", key, leaf, subleaf,
				 reg_names[r]);
		else
			snprintf(m->key, sizeof(m->key), "%s:%#x:%s", key, leaf, reg_names[r]);
		l->n++;
		if (p == e)
			return 0;
		if (*p != ',')
			return fail(err, errlen, key,
				    "more than 32 bits for %s: %s at column %zu",
				    reg_names[r], show(*p, b), (size_t)(p - value) + 1);
		for (p++; p < e && (*p == ' ' || *p == '\n'); p++)
			;
	}
}

/* The libxl string "host,name=value,...": one entry per feature. */
static int xen_libxl(struct cpuid_mask_list *l, const char *key, const char *value,
		     size_t off, size_t len, char *err, size_t errlen)
{
	const char *s = value + off, *e = s + len, *p = s;

	while (p < e) {
		const char *comma = memchr(p, ',', (size_t)(e - p)), *eq, *v;
		const char *end = comma ? comma : e;
		const struct xl_feature *f = NULL;
		struct cpuid_mask *m;
		size_t i, nlen;
		uint32_t num;
		char c, b[8];

		if (end - p == 4 && !strncmp(p, "host", 4) && p == s) {
			p = comma ? comma + 1 : e;
			continue;
		}
		eq = memchr(p, '=', (size_t)(end - p));
		if (!eq)
			return fail(err, errlen, key, "expected name=value at column %zu",
				    (size_t)(p - value) + 1);
		nlen = (size_t)(eq - p);
		for (i = 0; i < sizeof(xl_features) / sizeof(xl_features[0]); i++) {
			if (strlen(xl_features[i].name) == nlen &&
			    !strncmp(xl_features[i].name, p, nlen)) {
				f = &xl_features[i];
				break;
			}
		}
		if (!f)
			return fail(err, errlen, key,
				    "unknown feature '%.*s' at column %zu (libxl's names for leaves 1, 7 and 0x80000001)",
				    (int)(nlen > 40 ? 40 : nlen), p, (size_t)(p - value) + 1);
		v = eq + 1;
		if (v < end && !parse_num(v, end, &eq, &num) && eq == end)
			c = (num & 1) ? '1' : '0';	/* libxl keeps the low bit */
		else if (end - v == 1 && (*v == 'x' || *v == 'k' || *v == 's'))
			c = *v;
		else
			return fail(err, errlen, key,
				    "%s at column %zu (expected a number, x, k or s)",
				    v < end ? show(*v, b) : "nothing", (size_t)(v - value) + 1);
		m = new_entry(l, key, err, errlen);
		if (!m)
			return -1;
		m->e.leaf = f->leaf;
		m->e.subleaf = f->subleaf;
		m->e.reg = f->reg;
		xen_bit(m, c, f->bit);
		snprintf(m->key, sizeof(m->key), "%s:%s", key, f->name);
		l->n++;
		p = comma ? comma + 1 : e;
	}
	return 0;
}

/* A quoted string at value[*pos]: its contents' offset and length. */
static int quoted(const char *key, const char *value, size_t *pos, size_t *off,
		  size_t *len, char *err, size_t errlen)
{
	char q = value[*pos], b[8];
	const char *end;

	if (q != '\'' && q != '"')
		return fail(err, errlen, key, "%s at column %zu (expected a quoted string)",
			    value[*pos] ? show(value[*pos], b) : "end of value", *pos + 1);
	end = strchr(value + *pos + 1, q);
	if (!end)
		return fail(err, errlen, key, "string opened at column %zu is not closed",
			    *pos + 1);
	*off = *pos + 1;
	*len = (size_t)(end - value) - *off;
	*pos = (size_t)(end - value) + 1;
	return 0;
}

static size_t skip_blank(const char *v, size_t i)
{
	while (v[i] == ' ' || v[i] == '\t' || v[i] == '\n' || v[i] == '\r')
		i++;
	return i;
}

int cpuid_mask_xen(struct cpuid_mask_list *l, const char *key, const char *value,
		   char *err, size_t errlen)
{
	unsigned int before = l->n;
	size_t i = skip_blank(value, 0), off, len;
	char b[8];
	int r = 0;

	if (value[i] == '[') {
		i = skip_blank(value, i + 1);
		while (!r && value[i] != ']') {
			r = quoted(key, value, &i, &off, &len, err, errlen) ||
			    xen_item(l, key, value, off, len, err, errlen);
			if (r)
				break;
			i = skip_blank(value, i);
			if (value[i] == ',')
				i = skip_blank(value, i + 1);
			else if (value[i] != ']')
				r = fail(err, errlen, key, "%s at column %zu (expected ',' or ']')",
					 value[i] ? show(value[i], b) : "end of value", i + 1);
		}
		if (!r)
			i++;
	} else {
		r = quoted(key, value, &i, &off, &len, err, errlen) ||
		    xen_libxl(l, key, value, off, len, err, errlen);
	}
	if (!r) {
		i = skip_blank(value, i);
		if (value[i])
			r = fail(err, errlen, key, "%s at column %zu after the end of the value",
				 show(value[i], b), i + 1);
	}
	if (r) {
		l->n = before;
		return -1;
	}
	return 0;
}

static int applies(const struct cpuid_mask *m, enum cpuid_vendor vendor)
{
	return m->vendor == CPUID_ANY_VENDOR || m->vendor == vendor;
}

const char *cpuid_mask_who(const struct cpuid_mask_list *l, enum cpuid_vendor vendor,
			   uint32_t leaf, uint32_t subleaf, uint32_t reg, int bit)
{
	const char *who = NULL;
	unsigned int i;

	if (bit < 0 || bit > 31)
		return NULL;
	for (i = 0; i < l->n; i++) {
		const struct cpuid_mask *m = &l->m[i];

		if (applies(m, vendor) && m->e.leaf == leaf && m->e.subleaf == subleaf &&
		    m->e.reg == reg && (m->changed & (1u << bit)))
			who = m->key;
	}
	return who;
}

unsigned int cpuid_mask_policy(const struct cpuid_mask_list *l, enum cpuid_vendor vendor,
			       struct nhv_cpuid_entry *out, unsigned int max)
{
	unsigned int i, n = 0;

	for (i = 0; i < l->n && n < max; i++)
		if (applies(&l->m[i], vendor))
			out[n++] = l->m[i].e;
	return n;
}
