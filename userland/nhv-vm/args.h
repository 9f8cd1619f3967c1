/* args.h - argument checks shared by the nhv-vm verbs; each prints its own error. */
#ifndef NHV_VM_ARGS_H
#define NHV_VM_ARGS_H

/* "30", "2.5": seconds from 0 to 1e6. 0, or -1 after a message naming verb and opt. */
int args_seconds(const char *verb, const char *opt, const char *v, double *out);

/* NAME names a defined VM: 0, or -1 after a message (bad name or not defined). */
int args_vm(const char *verb, const char *name);

/* The usage line of verb on stderr; returns 2 (the usage exit status). */
int args_usage(const char *verb, const char *usage, const char *bad);

#endif
