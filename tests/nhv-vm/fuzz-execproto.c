/* libFuzzer target: the L2 guest's COMMAND report (execproto.c) on arbitrary console bytes. */
#include <stddef.h>
#include <stdint.h>
#include "userland/nhv-vm/execproto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct execproto p;
	char why[200];
	size_t half = size / 2;

	execproto_init(&p);
	execproto_feed(&p, (const char *)data, half);
	execproto_feed(&p, (const char *)data + half, size - half);
	execproto_result(&p, why, sizeof(why));
	execproto_free(&p);
	return 0;
}
