/*
 * paste.c - facts from pasted text: /proc/cpuinfo (every CPU), lscpu,
 * and, through paste-dmi.c and paste-tools.c, dmidecode, lscpu -J,
 * systemd-detect-virt, virt-what, /sys and /proc files.  CRLF line ends
 * are read as LF (replay_next_line).
 *
 * Tolerant of prose around it (forum posts, bug reports): lines of no
 * known kind are skipped.  A recognised line with a bad value, binary
 * data, an over-long line, or a value that contradicts the same fact on
 * another line (two machines in one paste) is an error naming the lines.
 * A paste with no usable line at all names its first line.
 */
#include "tools/nhv-check/paste.h"
#include "tools/nhv-check/replay-text.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

int paste_put(struct paste_state *st, struct facts *dst, enum str_fact id, const char *val,
	      enum fact_source src, int lineno, struct replay_error *err)
{
	int *lines = dst == st->ls ? st->lsline : st->sline;

	if (strlen(val) >= FACT_STR_MAX)
		return replay_fail(err, lineno, "%s: value longer than %d bytes", str_fact_name(id), FACT_STR_MAX - 1);
	if (str_known(dst, id)) {
		if (strcmp(dst->s[id].s, val) == 0)
			return 0;
		return replay_fail(err, lineno, "%s \"%.60s\" contradicts \"%.60s\" on line %d: two machines in one paste?",
				   str_fact_name(id), val, dst->s[id].s, lines[id]);
	}
	fact_set_str(dst, id, val, src);
	lines[id] = lineno;
	return 0;
}

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

/* Flags of the first CPU are kept: later CPUs repeat them. */
static int store_flags(struct paste_state *st, struct facts *dst, enum str_fact id, const char *val, int lineno,
		       const char *what, struct replay_error *err)
{
	const char *bad;
	size_t badlen;

	if (!valid_flag_list(val, &bad, &badlen))
		return replay_fail(err, lineno, "%s: \"%.*s\" is not a CPU flag name (expected a-z, 0-9, _)", what,
				   (int)(badlen > 40 ? 40 : badlen), bad);
	if (strlen(val) >= FACT_STR_MAX)
		return replay_fail(err, lineno, "%s: list longer than %d bytes", what, FACT_STR_MAX - 1);
	if (!str_known(dst, id))
		fact_set_str(dst, id, val, dst == st->ls ? SRC_LSCPU : SRC_CPUINFO);
	return 0;
}

static int close_flags(struct paste_state *st, struct replay_error *err)
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
			return replay_fail(err, st->flags_line, "Flags: list longer than %d bytes", FACT_STR_MAX - 1);
		memcpy(joined + n, c, cl);
		n += cl;
	}
	joined[n] = '\0';
	return store_flags(st, st->ls, S_CPUINFO_FLAGS, replay_trim(joined), st->flags_line, "Flags", err);
}

static int add_chunk(struct paste_state *st, const char *c, size_t line_len, int lineno, struct replay_error *err)
{
	size_t cl = strlen(c);

	if (st->nchunks >= PASTE_MAX_CHUNKS || st->chunks_used + cl + 1 > sizeof(st->chunks))
		return replay_fail(err, lineno, "Flags: too many continuation lines");
	memcpy(st->chunks + st->chunks_used, c, cl + 1);
	st->chunk_off[st->nchunks] = st->chunks_used;
	st->chunk_len[st->nchunks] = cl;
	st->line_len[st->nchunks] = line_len;
	st->nchunks++;
	st->chunks_used += cl + 1;
	return 0;
}

static int is_continuation(const struct paste_state *st, const char *line)
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

static int check_vendor(const char *val, int lineno, struct replay_error *err)
{
	size_t n = strlen(val);

	if (n == 0 || n > 16)
		return replay_fail(err, lineno, "vendor: \"%.40s\" is not a CPU vendor id (1 to 16 characters, e.g. GenuineIntel)", val);
	for (size_t i = 0; i < n; i++)
		if (!isprint((unsigned char)val[i]))
			return replay_fail(err, lineno, "vendor: \"%.40s\" is not a CPU vendor id", val);
	return 0;
}

/* Vendors from /proc/cpuinfo and lscpu must agree whichever comes first. */
static int set_vendor(struct paste_state *st, struct facts *dst, const char *val, int lineno, struct replay_error *err)
{
	struct facts *other = dst == st->ls ? st->f : st->ls;
	int *olines = dst == st->ls ? st->sline : st->lsline;

	if (check_vendor(val, lineno, err) != 0)
		return -1;
	if (str_known(other, S_CPU_VENDOR) && strcmp(other->s[S_CPU_VENDOR].s, val) != 0)
		return replay_fail(err, lineno, "vendor \"%s\" contradicts \"%s\" on line %d: two machines in one paste?",
				   val, other->s[S_CPU_VENDOR].s, olines[S_CPU_VENDOR]);
	if (str_known(dst, S_CPU_VENDOR) && strcmp(dst->s[S_CPU_VENDOR].s, val) != 0)
		return replay_fail(err, lineno, "vendor \"%s\" contradicts \"%s\" on line %d: two machines in one paste?",
				   val, dst->s[S_CPU_VENDOR].s, (dst == st->ls ? st->lsline : st->sline)[S_CPU_VENDOR]);
	return paste_put(st, dst, S_CPU_VENDOR, val, dst == st->ls ? SRC_LSCPU : SRC_CPUINFO, lineno, err);
}

/* Model names may differ between cores of one hybrid CPU: the first is kept. */
static void set_model(struct paste_state *st, struct facts *dst, const char *val)
{
	if (!str_known(dst, S_CPU_MODEL) && val[0])
		fact_set_str(dst, S_CPU_MODEL, val, dst == st->ls ? SRC_LSCPU : SRC_CPUINFO);
}

/* lscpu values sometimes carry pasted comments: "12    # ..." */
static char *lscpu_value(char *v)
{
	char *c = strstr(v, "  #");
	if (c)
		*c = '\0';
	return replay_trim(v);
}

int paste_lscpu_pair(struct paste_state *st, const char *key, char *val, const char *raw, size_t rawlen,
		     int lineno, struct replay_error *err)
{
	struct facts *ls = st->ls;

	if (strcmp(key, "Architecture") == 0 || strcmp(key, "CPU op-mode(s)") == 0) {
		/* only says that this is lscpu */
	} else if (strcmp(key, "Vendor ID") == 0) {
		if (set_vendor(st, ls, lscpu_value(val), lineno, err) != 0)
			return -1;
	} else if (strcmp(key, "Model name") == 0) {
		set_model(st, ls, lscpu_value(val));
	} else if (strcmp(key, "Flags") == 0) {
		if (!raw)
			return store_flags(st, ls, S_CPUINFO_FLAGS, replay_trim(val), lineno, "Flags", err) ? -1 : 1;
		st->flags_open = 1;
		st->flags_line = lineno;
		st->flags_col = (size_t)(val - raw);
		st->nchunks = 0;
		st->chunks_used = 0;
		if (add_chunk(st, val, rawlen, lineno, err) != 0)
			return -1;
	} else if (strcmp(key, "Hypervisor vendor") == 0) {
		st->lscpu_hv_line = lineno;
		val = lscpu_value(val);
		if (!val[0])
			return replay_fail(err, lineno, "Hypervisor vendor: empty value");
		if (paste_put(st, ls, S_LSCPU_HV_VENDOR, val, SRC_LSCPU, lineno, err) != 0)
			return -1;
	} else if (strcmp(key, "Virtualization type") == 0) {
		st->lscpu_hv_line = lineno;
		if (paste_put(st, ls, S_LSCPU_VIRT_TYPE, lscpu_value(val), SRC_LSCPU, lineno, err) != 0)
			return -1;
	} else if (strcmp(key, "Virtualization") == 0) {
		st->lscpu_virt_line = lineno;
		val = lscpu_value(val);
		if (strcmp(val, "VT-x") != 0 && strcmp(val, "AMD-V") != 0)
			return replay_fail(err, lineno, "Virtualization: expected VT-x or AMD-V, got \"%.40s\"", val);
		if (paste_put(st, ls, S_LSCPU_VIRTUALIZATION, val, SRC_LSCPU, lineno, err) != 0)
			return -1;
	} else {
		return 0;
	}
	st->f->paste_parts |= PP_LSCPU;
	return 1;
}

static int cpuinfo_pair(struct paste_state *st, const char *key, const char *val, int lineno,
			struct replay_error *err)
{
	struct facts *f = st->f;

	if (strcmp(key, "processor") == 0) {
		f->paste_cpus++;
	} else if (strcmp(key, "vendor_id") == 0) {
		if (set_vendor(st, f, val, lineno, err) != 0)
			return -1;
	} else if (strcmp(key, "model name") == 0) {
		set_model(st, f, val);
	} else if (strcmp(key, "flags") == 0) {
		if (store_flags(st, f, S_CPUINFO_FLAGS, val, lineno, "flags", err) != 0)
			return -1;
	} else if (strcmp(key, "vmx flags") == 0) {
		if (store_flags(st, f, S_CPUINFO_VMX_FLAGS, val, lineno, "vmx flags", err) != 0)
			return -1;
	} else {
		return 0;
	}
	f->paste_parts |= PP_CPUINFO;
	return 1;
}

static void unplaced(struct paste_state *st, const char *t, int lineno)
{
	if (st->first_unplaced == 0 && *t) {
		st->first_unplaced = lineno;
		snprintf(st->first_unplaced_text, sizeof(st->first_unplaced_text), "%s", t);
	}
}

/* 1 = taken, 0 = not a line of any kind known, -1 = error. */
static int text_line(struct paste_state *st, char *raw, size_t rawlen, int lineno, struct replay_error *err)
{
	int r;

	if (st->mode != PM_DMI && is_continuation(st, raw))
		return add_chunk(st, raw + st->flags_col, rawlen, lineno, err) ? -1 : 1;
	if (close_flags(st, err) != 0)
		return -1;

	char *t = replay_trim(raw);
	if (*t == '\0') {
		/* A blank line ends a dmidecode record and a command's output. */
		if (st->mode != PM_HELPER)
			st->mode = PM_NONE;
		st->dmi_type = -1;
		st->dmi_in_chars = 0;
		return 1;
	}
	/* Inside a dmidecode record every line is dmidecode's, whatever it looks like. */
	if ((r = paste_dmi_line(st, t, lineno, err)) != 0)
		return r;
	if (paste_prompt_line(st, t))
		return 1;
	if ((r = paste_tool_line(st, t, lineno, err)) != 0)
		return r;
	if ((r = paste_path_line(st, t, lineno, err)) != 0)
		return r;
	if ((r = paste_lscpu_json_line(st, t, lineno, err)) != 0)
		return r;

	char *colon = strchr(t, ':');
	if (!colon)
		return 0;
	*colon = '\0';
	char *key = replay_trim(t);
	char *val = replay_trim(colon + 1);
	if ((r = cpuinfo_pair(st, key, val, lineno, err)) != 0)
		return r;
	return paste_lscpu_pair(st, key, val, raw, rawlen, lineno, err);
}

/* lscpu's facts join the others where /proc/cpuinfo did not give them. */
static void merge_lscpu(struct paste_state *st)
{
	for (int i = 0; i < S_COUNT; i++)
		if (st->ls->s[i].state == FS_PROBED && !str_known(st->f, (enum str_fact)i))
			st->f->s[i] = st->ls->s[i];
}

int paste_parse(struct lines *L, struct facts *f, int live, struct replay_error *err)
{
	static char line[REPLAY_LINE_MAX];
	static char copy[REPLAY_LINE_MAX];
	static struct paste_state st;
	static struct facts lsf;
	size_t len;
	int r;

	memset(&st, 0, sizeof(st));
	facts_init(&lsf);
	st.f = f;
	st.ls = &lsf;
	st.live = live;
	st.dmi_type = -1;
	st.cat_file = -1;
	f->paste_parts = 0;
	f->paste_cpus = 0;
	while ((r = replay_next_line(L, line, &len, err)) == 1) {
		memcpy(copy, line, len + 1);
		int k = text_line(&st, line, len, L->lineno, err);
		if (k < 0)
			return -1;
		if (k > 0)
			st.placed++;
		else
			unplaced(&st, replay_trim(copy), L->lineno);
	}
	if (r < 0)
		return -1;
	if (close_flags(&st, err) != 0)
		return -1;
	/* lscpu prints "Virtualization:" (before "Hypervisor vendor:") only when
	 * the flags show vmx or svm, so its absence there is an answer. */
	if (st.lscpu_hv_line && !st.lscpu_virt_line)
		fact_set_str(&lsf, S_LSCPU_VIRTUALIZATION, "none", SRC_LSCPU);
	merge_lscpu(&st);
	if (live)
		return 0;
	if (f->paste_parts == 0) {
		if (st.first_unplaced)
			return replay_fail(err, 0,
					   "no line looks like /proc/cpuinfo (vendor_id, flags), lscpu or lscpu -J, "
					   "dmidecode (Handle ..., DMI type N), systemd-detect-virt or virt-what output, "
					   "/sys or /proc files, or an nhv-check capture; the first line it could not "
					   "place is line %d: \"%s\"",
					   st.first_unplaced, st.first_unplaced_text);
		return replay_fail(err, 0, "no line looks like /proc/cpuinfo (vendor_id, flags), lscpu output "
				   "(Vendor ID:, Flags:), dmidecode output or an nhv-check capture: the input is empty");
	}
	if (f->paste_parts & PP_CPUINFO)
		f->origin = ORIGIN_CPUINFO;
	else if (f->paste_parts & (PP_LSCPU | PP_LSCPU_JSON))
		f->origin = ORIGIN_LSCPU;
	else
		f->origin = ORIGIN_PASTE;
	return 0;
}
