/*
 * supervisor.h - one supervisor process per running VM (docs/nhv-vm.md).
 * `nhv vm start` forks it twice (so it outlives the shell, in its own
 * session); it holds RUN/NAME/lock, runs `nhv-vm boot` with the control
 * socket RUN/NAME/control.sock, copies the guest's serial output into
 * RUN/NAME/serial.log (rotated to serial.log.1 past 1 MiB), notes when the
 * guest says "nhv-l2: init", and records the exit status in RUN/NAME/state
 * when the VM ends.  SIGTERM to the supervisor is a power-button press.
 */
#ifndef NHV_VM_SUPERVISOR_H
#define NHV_VM_SUPERVISOR_H

#include <stddef.h>

#define SUPERVISOR_LOG_MAX (1 << 20)

/*
 * Starts VM name from its store definition vmx; returns once the VMM's
 * control socket is up (0) or the VMM failed (-1, why holds its message,
 * *status its exit status, or 1).
 */
int supervisor_start(const char *name, const char *vmx, int *status, char *why, size_t wlen);

#endif
