/* strlist.c - see strlist.h. */
#include "userland/lib/strlist.h"

#include <string.h>

int str_in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}
