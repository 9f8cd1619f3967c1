/*
 * vmx.h - a .vmx file (VMware's `key = "value"` lines) held so that it can
 * be edited and written back without losing anything: comments, blank lines,
 * order, unknown keys, duplicate keys, odd spacing, CR LF or LF line ends,
 * a missing final newline, and bytes that are not UTF-8 are all kept.
 * Only the lines that an edit touches change, and only in their value.
 *
 * Keys compare case-insensitively (as VMware does).  Values are decoded
 * from VMware's |XX escapes (|22 is '"', |7C is '|') on get and encoded on
 * set.  Pure: no I/O.
 */
#ifndef NHV_LIB_VMX_H
#define NHV_LIB_VMX_H

#include <stddef.h>

/* VMware numbers a VM's NICs ethernet0 to ethernet9. */
#define VMX_MAX_NICS 10

struct vmx_line {
	char *text;  /* without the line end; may hold any byte, NUL included */
	size_t len;
	char eol[3]; /* "", "\n" or "\r\n" */
};

struct vmx {
	struct vmx_line *l;
	size_t n, cap;
};

/* Splits buf into lines.  0, or -1 when out of memory. */
int vmx_parse(struct vmx *v, const char *buf, size_t len);
void vmx_free(struct vmx *v);
/* The file again, byte for byte what was parsed plus the edits.  malloc'd. */
char *vmx_format(const struct vmx *v, size_t *len);

/*
 * The key and the raw (still escaped) value of line i, when it is a
 * `key = value` line: 1, else 0 (blank, comment, or not a pair).
 */
int vmx_pair(const struct vmx *v, size_t i, const char **key, size_t *klen,
	     const char **val, size_t *vlen);

/* Decoded value of the last line with this key, or NULL.  malloc'd. */
char *vmx_get(const struct vmx *v, const char *key);
/* Sets every line with this key (keeping the key's spelling and spacing), or appends one. */
int vmx_set(struct vmx *v, const char *key, const char *value);
/* Inserts `key = "value"` as the first line (for `.encoding`). */
int vmx_prepend(struct vmx *v, const char *key, const char *value);
/* Removes every line with this key; returns how many. */
size_t vmx_remove(struct vmx *v, const char *key);
/* Number of lines with this key. */
size_t vmx_count(const struct vmx *v, const char *key);

/* Decodes |XX escapes of n bytes at s; malloc'd, NUL-terminated. */
char *vmx_decode(const char *s, size_t n);
/* Encodes control characters, '"' and '|' as |XX (one line, no quotes); malloc'd, *len set. */
char *vmx_encode(const char *s, size_t *len);

#endif
