/*
 * test-x86probe.c - the real backdoor probe on the machine running the
 * tests.  The build machines are no VMware guests: the IN either faults
 * (#GP -> SIGSEGV, caught) or reads an empty port.  Either way the probe
 * must report "no backdoor" and the process must live on; on a VMware
 * machine it must report version 6.
 */
#include <stdio.h>

#include "userland/lib/tap.h"
#include "handshake/bdoor_def.h"
#include "handshake/nhvbd_err.h"
#include "handshake/rpci.h"
#include "handshake/transport_x86.h"

int main(void)
{
	struct nhvbd_transport t;
	struct nhvbd_version v = { 0, 0 };
	char reply[64];
	int perr = 0, err, err2, i;

	err = nhvbd_x86_probe(&t, &v, &perr);
	tap_diag("probe: %s (ports: errno %d)", nhvbd_strerror(err), perr);
	tap_ok(err == 0 || err == NHVBD_EFAULT || err == NHVBD_ENODEV,
	       "the probe returns present, faulted or empty (got %d)", err);
	if (err == 0)
		tap_is_int(v.version, BDOOR_VERSION_MAGIC, "a backdoor that answers says version 6");
	else
		tap_ok(1, "no backdoor here: %s", nhvbd_strerror(err));
	for (i = 0, err2 = err; i < 100 && err2 == err; i++)
		err2 = nhvbd_get_version(&t, &v);
	tap_is_int(err2, err, "a hundred more probes give the same answer and do not crash");
	err2 = nhvbd_info_get(&t, "nhv.hostname", reply, sizeof(reply));
	if (err == 0)
		tap_ok(err2 == 0 || err2 == NHVBD_ERPC || err2 == NHVBD_ENOMSG,
		       "GuestRPC answers or is refused (%d)", err2);
	else
		tap_is_int(err2, err, "GuestRPC on no backdoor fails the same way, no crash");
	{
		struct nhvbd_regs r = { BDOOR_MAGIC, MESSAGE_STATUS_SUCCESS << 16, 4,
					BDOORHB_PORT, 0, 0, 0 };
		uint8_t buf[4] = "abcd";

		err2 = t.hb_out(t.ctx, &r, buf, 4);
		tap_ok(err2 == 0 || err2 == NHVBD_EFAULT,
		       "an HB REP OUTSB returns (or faults, caught) without crashing (%d)", err2);
		r = (struct nhvbd_regs){ BDOOR_MAGIC, MESSAGE_STATUS_SUCCESS << 16, 4,
					 BDOORHB_PORT, 0, 0, 0 };
		err2 = t.hb_in(t.ctx, &r, buf, 4);
		tap_ok(err2 == 0 || err2 == NHVBD_EFAULT,
		       "an HB REP INSB returns (or faults, caught) without crashing (%d)", err2);
	}
	return tap_done();
}
