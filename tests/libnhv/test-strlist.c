/* test-strlist.c - str_in_list (userland/lib/strlist.c). */
#include "userland/lib/strlist.h"
#include "userland/lib/tap.h"

int main(void)
{
	static const char *const words[] = { "kvm", "kvm_amd", "kvm_intel" };

	tap_ok(STR_IN("kvm_amd", words), "a word of the list is found");
	tap_ok(!STR_IN("kvm_am", words), "a prefix of a word is not");
	tap_ok(!STR_IN("kvm_amd2", words), "a longer word is not");
	tap_ok(!STR_IN("", words), "the empty string is not");
	tap_ok(!STR_IN(NULL, words), "NULL is not");
	tap_ok(!str_in_list("kvm", words, 0), "an empty list holds nothing");
	return tap_done();
}
