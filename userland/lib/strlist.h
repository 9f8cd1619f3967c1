/* strlist.h - is a string one of a fixed list of words?  Pure. */
#ifndef NHV_LIB_STRLIST_H
#define NHV_LIB_STRLIST_H

#include <stddef.h>

/* 1 when s equals one of the n strings of list, else 0 (also for s NULL). */
int str_in_list(const char *s, const char *const *list, size_t n);

#define STR_IN(s, array) str_in_list((s), (array), sizeof(array) / sizeof((array)[0]))

#endif
