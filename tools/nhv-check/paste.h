/*
 * paste.h - state of the paste parser (paste.c for /proc/cpuinfo and
 * lscpu, paste-dmi.c for dmidecode, paste-tools.c for the output of
 * systemd-detect-virt, virt-what, its CPUID helper, `cat`/`grep` of
 * /sys and /proc files, and lscpu -J).  Internal to nhv-check.
 *
 * lscpu's values go to a facts set of their own and join the others at
 * the end, where /proc/cpuinfo wins: the order of sections in a paste
 * does not change the answer.
 */
#ifndef NHV_CHECK_PASTE_H
#define NHV_CHECK_PASTE_H

#include <stddef.h>

#include "tools/nhv-check/facts.h"
#include "tools/nhv-check/replay.h"

/* What the lines that follow a recognised command prompt are. */
enum paste_mode {
	PM_NONE,
	PM_DMI,         /* inside a dmidecode record (Handle ... to a blank line) */
	PM_HELPER,      /* virt-what-cpuid-helper: its echo line or its output */
	PM_SDV,         /* systemd-detect-virt: one word */
	PM_VIRTWHAT,    /* virt-what: one fact per line */
	PM_CAT,         /* cat FILE: the file's content */
	PM_LS_XEN,      /* ls /proc/xen: a listing or "No such file" */
};

#define PASTE_MAX_CHUNKS 128

struct paste_state {
	struct facts *f;   /* everything but lscpu */
	struct facts *ls;  /* lscpu's values, merged at the end */
	int live;
	int placed;        /* lines recognised */
	int first_unplaced;
	char first_unplaced_text[64];
	int sline[S_COUNT], lsline[S_COUNT]; /* line a string fact came from */
	enum paste_mode mode;
	int dmi_type;      /* record type, -1 = none */
	int dmi_in_chars;  /* inside BIOS "Characteristics:" */
	int dmi_version;   /* "# dmidecode 3.3" = 303; 0 = not seen */
	int helper_prompt; /* PM_HELPER after a prompt: the next line is its output */
	int cat_file;      /* PM_CAT: index in paste-tools.c's file table */
	int lscpu_virt_line, lscpu_hv_line;
	/* lscpu wraps Flags over several lines at a fixed width */
	int flags_open;
	size_t flags_col;
	int nchunks;
	size_t chunk_off[PASTE_MAX_CHUNKS], chunk_len[PASTE_MAX_CHUNKS], line_len[PASTE_MAX_CHUNKS];
	int flags_line;
	char chunks[FACT_STR_MAX * 2];
	size_t chunks_used;
};

/* Set string fact id in dst (st->f or st->ls) from line lineno.  The same
 * value again is fine; a different one is a contradiction naming both
 * lines.  0 or -1 with err filled. */
int paste_put(struct paste_state *st, struct facts *dst, enum str_fact id, const char *val,
	      enum fact_source src, int lineno, struct replay_error *err);

/* Each returns 1 when it took the line, 0 when the line is not its kind,
 * -1 on a bad value (err filled).  t is the trimmed line. */
int paste_dmi_line(struct paste_state *st, char *t, int lineno, struct replay_error *err);
int paste_prompt_line(struct paste_state *st, const char *t);
int paste_tool_line(struct paste_state *st, char *t, int lineno, struct replay_error *err);
int paste_path_line(struct paste_state *st, char *t, int lineno, struct replay_error *err);
int paste_lscpu_json_line(struct paste_state *st, const char *t, int lineno, struct replay_error *err);
/* An lscpu "Key: value" pair (also used by the -J reader).  Same returns. */
int paste_lscpu_pair(struct paste_state *st, const char *key, char *val, const char *raw, size_t rawlen,
		     int lineno, struct replay_error *err);

#endif
