/*
 * replay.c - facts from text (see replay.h).
 *
 * Capture files are strict: every line is a comment, blank, or
 * `KEY = VALUE [SOURCE]`, `KEY = unavailable(REASON) [SOURCE]` or
 * `KEY = unknown`; anything else is an error naming the line.
 *
 * Pasted text is tolerant of prose around it (forum posts, bug reports):
 * lines that are not /proc/cpuinfo, lscpu, dmidecode or
 * virt-what-cpuid-helper lines are skipped.  A recognised line with a bad
 * value, binary data, an over-long line or a second, different CPU vendor
 * is an error naming the line.
 */
#include "tools/nhv-check/replay.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(struct replay_error *err, int line, const char *fmt, ...)
{
	va_list ap;

	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

struct lines {
	const char *buf;
	size_t len;
	size_t pos;
	int lineno;
};

/* Next line into out (NUL-terminated, without \n and a trailing \r).
 * 1 = a line, 0 = end of input, -1 = error. */
static int next_line(struct lines *L, char *out, size_t *outlen, struct replay_error *err)
{
	size_t n = 0;

	if (L->pos >= L->len)
		return 0;
	L->lineno++;
	while (L->pos < L->len && L->buf[L->pos] != '\n') {
		unsigned char c = (unsigned char)L->buf[L->pos++];
		if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f)
			return fail(err, L->lineno, "byte 0x%02x is not text (expected a /proc/cpuinfo, lscpu or capture line)", c);
		if (n + 1 >= REPLAY_LINE_MAX)
			return fail(err, L->lineno, "line longer than %d bytes", REPLAY_LINE_MAX - 1);
		out[n++] = (char)c;
	}
	if (L->pos < L->len)
		L->pos++; /* the \n */
	if (n > 0 && out[n - 1] == '\r')
		n--;
	out[n] = '\0';
	*outlen = n;
	return 1;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

/* ---- capture format ---- */

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	if (!*s || *s == '-' || *s == '+' || isspace((unsigned char)*s))
		return -1;
	unsigned long long v = strtoull(s, &end, 0);
	if (*end)
		return -1;
	*out = v;
	return 0;
}

/* Decode a quoted capture string starting at s (at the opening quote).
 * Returns a pointer just past the closing quote, or NULL. */
static const char *parse_quoted(const char *s, char *out, size_t outsz)
{
	size_t n = 0;

	if (*s != '"')
		return NULL;
	s++;
	while (*s && *s != '"') {
		char c = *s++;
		if (c == '\\') {
			char e = *s++;
			if (e == 'n')
				c = '\n';
			else if (e == 't')
				c = '\t';
			else if (e == '\\' || e == '"')
				c = e;
			else if (e == 'x' && isxdigit((unsigned char)s[0]) && isxdigit((unsigned char)s[1])) {
				char hex[3] = { s[0], s[1], 0 };
				long v = strtol(hex, NULL, 16);
				s += 2;
				if (v == 0) {
					/* keep NULs visible, as the probes write them */
					if (n + 4 >= outsz)
						return NULL;
					memcpy(out + n, "\\x00", 4);
					n += 4;
					continue;
				}
				c = (char)v;
			} else
				return NULL;
		}
		if (n + 1 >= outsz)
			return NULL;
		out[n++] = c;
	}
	if (*s != '"')
		return NULL;
	out[n] = '\0';
	return s + 1;
}

/* " [source]" at p, then end of line. */
static int parse_src(const char *p, enum fact_source *src)
{
	char name[32];
	size_t n = 0;

	if (p[0] != ' ' || p[1] != '[')
		return -1;
	p += 2;
	while (*p && *p != ']' && n + 1 < sizeof(name))
		name[n++] = *p++;
	name[n] = '\0';
	if (*p != ']' || p[1] != '\0')
		return -1;
	return fact_source_parse(name, src);
}

static int capture_line(char *line, int lineno, struct facts *f, unsigned char *seen_n,
			unsigned char *seen_s, struct replay_error *err, char *tmp)
{
	char *eq = strstr(line, " = ");
	enum num_fact nid;
	enum str_fact sid;
	int is_num;
	enum fact_source src;

	if (!eq)
		return fail(err, lineno, "expected KEY = VALUE [SOURCE], got \"%.60s\"", line);
	*eq = '\0';
	const char *key = line;
	const char *val = eq + 3;

	if (num_fact_lookup(key, &nid) == 0)
		is_num = 1;
	else if (str_fact_lookup(key, &sid) == 0)
		is_num = 0;
	else
		return fail(err, lineno, "unknown key \"%.60s\"", key);
	if (is_num ? seen_n[nid] : seen_s[sid])
		return fail(err, lineno, "key \"%s\" appears twice", key);
	if (is_num)
		seen_n[nid] = 1;
	else
		seen_s[sid] = 1;

	if (strcmp(val, "unknown") == 0)
		return 0;
	if (strncmp(val, "unavailable(", 12) == 0) {
		const char *close = strchr(val, ')');
		char reason[32];
		enum fact_reason r;
		size_t n = close ? (size_t)(close - (val + 12)) : 0;
		if (!close || n == 0 || n >= sizeof(reason))
			return fail(err, lineno, "%s: expected unavailable(REASON) [SOURCE]", key);
		memcpy(reason, val + 12, n);
		reason[n] = '\0';
		if (fact_reason_parse(reason, &r) != 0 || r == FR_NONE)
			return fail(err, lineno, "%s: unknown reason \"%s\"", key, reason);
		if (parse_src(close + 1, &src) != 0)
			return fail(err, lineno, "%s: expected \" [SOURCE]\" after unavailable(%s)", key, reason);
		if (is_num)
			fact_unavail(f, nid, r, src);
		else
			fact_unavail_str(f, sid, r, src);
		return 0;
	}
	if (!is_num) {
		const char *after = parse_quoted(val, tmp, FACT_STR_MAX);
		if (!after)
			return fail(err, lineno, "%s: expected a quoted string (\\\\, \\\", \\n, \\t, \\xNN escapes) "
					"of at most %d bytes", key, FACT_STR_MAX - 1);
		if (parse_src(after, &src) != 0)
			return fail(err, lineno, "%s: expected \" [SOURCE]\" after the string", key);
		fact_set_str(f, sid, tmp, src);
		return 0;
	}

	/* number: "yes"/"no" or an integer, then " [source]" */
	const char *sp = strchr(val, ' ');
	char num[40];
	uint64_t v;
	size_t n = sp ? (size_t)(sp - val) : strlen(val);
	if (!sp || n == 0 || n >= sizeof(num))
		return fail(err, lineno, "%s: expected VALUE [SOURCE]", key);
	memcpy(num, val, n);
	num[n] = '\0';
	if (strcmp(num, "yes") == 0)
		v = 1;
	else if (strcmp(num, "no") == 0)
		v = 0;
	else if (parse_u64(num, &v) != 0)
		return fail(err, lineno, "%s: \"%s\" is not yes, no or a number", key, num);
	if (num_fact_kind(nid) == FK_BOOL && v > 1)
		return fail(err, lineno, "%s: expected yes or no, got \"%s\"", key, num);
	if (parse_src(sp, &src) != 0)
		return fail(err, lineno, "%s: expected \" [SOURCE]\" after the value", key);
	fact_set(f, nid, v, src);
	return 0;
}

static int parse_capture(struct lines *L, struct facts *f, struct replay_error *err)
{
	static char line[REPLAY_LINE_MAX];
	static char tmp[FACT_STR_MAX];
	unsigned char seen_n[N_COUNT] = { 0 };
	unsigned char seen_s[S_COUNT] = { 0 };
	size_t len;
	int r;

	f->origin = ORIGIN_CAPTURE;
	while ((r = next_line(L, line, &len, err)) == 1) {
		char *t = trim(line);
		if (*t == '\0' || *t == '#')
			continue;
		if (t != line)
			return fail(err, L->lineno, "capture lines start at column 1");
		if (capture_line(line, L->lineno, f, seen_n, seen_s, err, tmp) != 0)
			return -1;
	}
	return r;
}

/* ---- pasted text ---- */

#define MAX_CHUNKS 128

struct text_state {
	struct facts *f;
	int live;
	int saw_lscpu, saw_cpuinfo, saw_dmi, saw_sig;
	int vendor_line;
	int dmi_block; /* 0 none, 1 system, 2 bios, 3 board */
	int virtwhat;
	int lscpu_virt_line, lscpu_hv_line;
	/* lscpu wraps Flags over several lines at a fixed width */
	int flags_open;
	size_t flags_col;
	int nchunks;
	size_t chunk_off[MAX_CHUNKS], chunk_len[MAX_CHUNKS], line_len[MAX_CHUNKS];
	int flags_line;
	char chunks[FACT_STR_MAX * 2];
	size_t chunks_used;
};

static int valid_flag_list(const char *s, const char **bad, size_t *badlen)
{
	const char *p = s;

	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		const char *w = p;
		int ok = 1;
		while (*p && *p != ' ' && *p != '\t') {
			unsigned char c = (unsigned char)*p;
			if (!(islower(c) || isdigit(c) || c == '_'))
				ok = 0;
			p++;
		}
		if (!ok) {
			*bad = w;
			*badlen = (size_t)(p - w);
			return 0;
		}
	}
	return 1;
}

static int store_flags(struct text_state *st, enum str_fact id, const char *val, int lineno,
		       const char *what, struct replay_error *err)
{
	const char *bad;
	size_t badlen;
	enum fact_source src = st->saw_lscpu && !st->saw_cpuinfo ? SRC_LSCPU : SRC_CPUINFO;

	if (!valid_flag_list(val, &bad, &badlen))
		return fail(err, lineno, "%s: \"%.*s\" is not a CPU flag name (expected a-z, 0-9, _)", what,
			    (int)(badlen > 40 ? 40 : badlen), bad);
	if (strlen(val) >= FACT_STR_MAX)
		return fail(err, lineno, "%s: list longer than %d bytes", what, FACT_STR_MAX - 1);
	if (!str_known(st->f, id))
		fact_set_str(st->f, id, val, src);
	return 0;
}

static int close_flags(struct text_state *st, struct replay_error *err)
{
	static char joined[FACT_STR_MAX * 2];
	size_t n = 0, maxlen = 0;

	if (!st->flags_open)
		return 0;
	st->flags_open = 0;
	for (int i = 0; i < st->nchunks; i++)
		if (st->line_len[i] > maxlen)
			maxlen = st->line_len[i];
	for (int i = 0; i < st->nchunks; i++) {
		const char *c = st->chunks + st->chunk_off[i];
		size_t cl = st->chunk_len[i];
		/* A line shorter than the widest one lost a trailing blank: a word ends there.
		 * A full-width line ending mid-word continues on the next line. */
		if (i > 0 && (st->line_len[i - 1] < maxlen || (n > 0 && joined[n - 1] == ' ') ||
			      (cl > 0 && c[0] == ' ')))
			joined[n++] = ' ';
		if (n + cl + 2 >= sizeof(joined))
			return fail(err, st->flags_line, "Flags: list longer than %d bytes", FACT_STR_MAX - 1);
		memcpy(joined + n, c, cl);
		n += cl;
	}
	joined[n] = '\0';
	return store_flags(st, S_CPUINFO_FLAGS, trim(joined), st->flags_line, "Flags", err);
}

static int add_chunk(struct text_state *st, const char *c, size_t line_len, int lineno, struct replay_error *err)
{
	size_t cl = strlen(c);

	if (st->nchunks >= MAX_CHUNKS || st->chunks_used + cl + 1 > sizeof(st->chunks))
		return fail(err, lineno, "Flags: too many continuation lines");
	memcpy(st->chunks + st->chunks_used, c, cl + 1);
	st->chunk_off[st->nchunks] = st->chunks_used;
	st->chunk_len[st->nchunks] = cl;
	st->line_len[st->nchunks] = line_len;
	st->nchunks++;
	st->chunks_used += cl + 1;
	return 0;
}

static int is_continuation(const struct text_state *st, const char *line)
{
	size_t ind = strspn(line, " \t");

	if (!st->flags_open || ind < st->flags_col || line[ind] == '\0')
		return 0;
	for (const char *p = line + ind; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (!(islower(c) || isdigit(c) || c == '_' || c == ' '))
			return 0;
	}
	return 1;
}

static int set_vendor(struct text_state *st, const char *val, int lineno, struct replay_error *err)
{
	size_t n = strlen(val);

	if (n == 0 || n > 16)
		return fail(err, lineno, "vendor: \"%.40s\" is not a CPU vendor id (1 to 16 characters, e.g. GenuineIntel)", val);
	for (size_t i = 0; i < n; i++)
		if (!isprint((unsigned char)val[i]))
			return fail(err, lineno, "vendor: \"%.40s\" is not a CPU vendor id", val);
	if (str_known(st->f, S_CPU_VENDOR)) {
		if (strcmp(st->f->s[S_CPU_VENDOR].s, val) != 0)
			return fail(err, lineno, "vendor \"%s\" contradicts \"%s\" on line %d: two machines in one input?",
				    val, st->f->s[S_CPU_VENDOR].s, st->vendor_line);
		return 0;
	}
	st->vendor_line = lineno;
	fact_set_str(st->f, S_CPU_VENDOR, val, st->saw_lscpu && !st->saw_cpuinfo ? SRC_LSCPU : SRC_CPUINFO);
	return 0;
}

static void set_model(struct text_state *st, const char *val)
{
	if (!str_known(st->f, S_CPU_MODEL) && val[0])
		fact_set_str(st->f, S_CPU_MODEL, val, st->saw_lscpu && !st->saw_cpuinfo ? SRC_LSCPU : SRC_CPUINFO);
}

/* lscpu values sometimes carry pasted comments: "12    # ..." */
static char *lscpu_value(char *v)
{
	char *c = strstr(v, "  #");
	if (c)
		*c = '\0';
	return trim(v);
}

static int dmi_line(struct text_state *st, const char *key, const char *val)
{
	static const struct {
		int block;
		const char *key;
		enum str_fact id;
	} map[] = {
		{ 1, "Manufacturer", S_DMI_SYS_VENDOR },
		{ 1, "Product Name", S_DMI_PRODUCT_NAME },
		{ 1, "Version", S_DMI_PRODUCT_VERSION },
		{ 1, "Serial Number", S_DMI_PRODUCT_SERIAL },
		{ 1, "UUID", S_DMI_PRODUCT_UUID },
		{ 2, "Vendor", S_DMI_BIOS_VENDOR },
		{ 2, "Version", S_DMI_BIOS_VERSION },
		{ 3, "Manufacturer", S_DMI_BOARD_VENDOR },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].block == st->dmi_block && strcmp(map[i].key, key) == 0) {
			if (!str_known(st->f, map[i].id))
				fact_set_str(st->f, map[i].id, val, SRC_DMI);
			st->saw_dmi = 1;
			return 1;
		}
	return 0;
}

/* 1 = the line was the helper's signature, 0 = not such a line, -1 = error. */
static int virtwhat_line(struct text_state *st, const char *t, int lineno, struct replay_error *err)
{
	char sig[64];
	size_t n;

	if (strncmp(t, "echo ", 5) != 0)
		return 0;
	t += 5;
	while (*t == ' ')
		t++;
	n = strlen(t);
	if (n >= 2 && t[0] == '"' && t[n - 1] == '"') {
		t++;
		n -= 2;
	}
	if (n == 0 || n > 48)
		return fail(err, lineno, "virt-what-cpuid-helper: \"%.50s\" is not a CPUID signature (1 to 48 characters)", t);
	memcpy(sig, t, n);
	sig[n] = '\0';
	fact_set_str(st->f, S_HV_SIG, sig, SRC_VIRTWHAT);
	st->saw_sig = 1;
	st->virtwhat = 0;
	return 1;
}

static int text_line(struct text_state *st, char *raw, size_t rawlen, int lineno, struct replay_error *err)
{
	if (is_continuation(st, raw))
		return add_chunk(st, raw + st->flags_col, rawlen, lineno, err);
	if (close_flags(st, err) != 0)
		return -1;

	char *t = trim(raw);
	if (*t == '\0') {
		st->dmi_block = 0;
		return 0;
	}
	if (strstr(t, "virt-what-cpuid-helper")) {
		st->virtwhat = 1;
		return 0;
	}
	if (st->virtwhat) {
		int r = virtwhat_line(st, t, lineno, err);
		if (r < 0)
			return -1;
		if (r > 0)
			return 0;
	}
	if (strcmp(t, "System Information") == 0) {
		st->dmi_block = 1;
		return 0;
	}
	if (strcmp(t, "BIOS Information") == 0) {
		st->dmi_block = 2;
		return 0;
	}
	if (strcmp(t, "Base Board Information") == 0) {
		st->dmi_block = 3;
		return 0;
	}

	char *colon = strchr(t, ':');
	if (!colon)
		return 0;
	*colon = '\0';
	char *key = trim(t);
	char *val = trim(colon + 1);

	if (st->dmi_block && dmi_line(st, key, val))
		return 0;

	/* /proc/cpuinfo */
	if (strcmp(key, "processor") == 0) {
		st->saw_cpuinfo = 1;
	} else if (strcmp(key, "vendor_id") == 0) {
		st->saw_cpuinfo = 1;
		return set_vendor(st, val, lineno, err);
	} else if (strcmp(key, "model name") == 0) {
		st->saw_cpuinfo = 1;
		set_model(st, val);
	} else if (strcmp(key, "flags") == 0) {
		st->saw_cpuinfo = 1;
		return store_flags(st, S_CPUINFO_FLAGS, val, lineno, "flags", err);
	} else if (strcmp(key, "vmx flags") == 0) {
		st->saw_cpuinfo = 1;
		return store_flags(st, S_CPUINFO_VMX_FLAGS, val, lineno, "vmx flags", err);
	}
	/* lscpu */
	else if (strcmp(key, "Architecture") == 0 || strcmp(key, "CPU op-mode(s)") == 0) {
		st->saw_lscpu = 1;
	} else if (strcmp(key, "Vendor ID") == 0) {
		st->saw_lscpu = 1;
		return set_vendor(st, lscpu_value(val), lineno, err);
	} else if (strcmp(key, "Model name") == 0) {
		st->saw_lscpu = 1;
		set_model(st, lscpu_value(val));
	} else if (strcmp(key, "Flags") == 0) {
		st->saw_lscpu = 1;
		st->flags_open = 1;
		st->flags_line = lineno;
		st->flags_col = (size_t)(val - raw);
		st->nchunks = 0;
		st->chunks_used = 0;
		return add_chunk(st, val, rawlen, lineno, err);
	} else if (strcmp(key, "Hypervisor vendor") == 0) {
		st->saw_lscpu = 1;
		st->lscpu_hv_line = lineno;
		val = lscpu_value(val);
		if (!val[0])
			return fail(err, lineno, "Hypervisor vendor: empty value");
		fact_set_str(st->f, S_LSCPU_HV_VENDOR, val, SRC_LSCPU);
	} else if (strcmp(key, "Virtualization type") == 0) {
		st->saw_lscpu = 1;
		st->lscpu_hv_line = lineno;
		fact_set_str(st->f, S_LSCPU_VIRT_TYPE, lscpu_value(val), SRC_LSCPU);
	} else if (strcmp(key, "Virtualization") == 0) {
		st->saw_lscpu = 1;
		st->lscpu_virt_line = lineno;
		val = lscpu_value(val);
		if (strcmp(val, "VT-x") != 0 && strcmp(val, "AMD-V") != 0)
			return fail(err, lineno, "Virtualization: expected VT-x or AMD-V, got \"%.40s\"", val);
		fact_set_str(st->f, S_LSCPU_VIRTUALIZATION, val, SRC_LSCPU);
	}
	return 0;
}

static int parse_text(struct lines *L, struct facts *f, int live, struct replay_error *err)
{
	static char line[REPLAY_LINE_MAX];
	static struct text_state st;
	size_t len;
	int r;

	memset(&st, 0, sizeof(st));
	st.f = f;
	st.live = live;
	while ((r = next_line(L, line, &len, err)) == 1)
		if (text_line(&st, line, len, L->lineno, err) != 0)
			return -1;
	if (r < 0)
		return -1;
	if (close_flags(&st, err) != 0)
		return -1;
	if (live)
		return 0;
	if (!st.saw_cpuinfo && !st.saw_lscpu && !st.saw_dmi && !st.saw_sig)
		return fail(err, 0, "no line looks like /proc/cpuinfo (vendor_id, flags), lscpu output "
				 "(Vendor ID:, Flags:), a dmidecode System Information block or an nhv-check capture");
	f->origin = st.saw_lscpu && !st.saw_cpuinfo ? ORIGIN_LSCPU : ORIGIN_CPUINFO;
	/* lscpu prints "Virtualization:" (before "Hypervisor vendor:") only when
	 * the flags show vmx or svm, so its absence there is an answer. */
	if (st.saw_lscpu && st.lscpu_hv_line && !st.lscpu_virt_line)
		fact_set_str(f, S_LSCPU_VIRTUALIZATION, "none", SRC_LSCPU);
	return 0;
}

int replay_parse(const char *buf, size_t len, struct facts *f, struct replay_error *err)
{
	struct lines L = { buf, len, 0, 0 };
	size_t ml = strlen(CAPTURE_MAGIC);

	facts_init(f);
	memset(err, 0, sizeof(*err));
	if (len >= ml && memcmp(buf, CAPTURE_MAGIC, ml) == 0 &&
	    (len == ml || buf[ml] == '\n' || buf[ml] == '\r'))
		return parse_capture(&L, f, err);
	return parse_text(&L, f, 0, err);
}

int replay_parse_cpuinfo_into(const char *buf, size_t len, struct facts *f, struct replay_error *err)
{
	struct lines L = { buf, len, 0, 0 };

	memset(err, 0, sizeof(*err));
	return parse_text(&L, f, 1, err);
}
