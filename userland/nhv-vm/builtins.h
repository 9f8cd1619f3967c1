/* builtins.h - the verbs of nhv-vm (main.c's table); each returns the exit status. */
#ifndef NHV_VM_BUILTINS_H
#define NHV_VM_BUILTINS_H

int cmd_boot(int argc, char **argv);
int cmd_check(int argc, char **argv);

/* the verbs people type (docs/nhv-vm.md) */
int cmd_define(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_start(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_reset(int argc, char **argv);
int cmd_console(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_autostart(int argc, char **argv);
int cmd_guestinfo(int argc, char **argv);
int cmd_shutdown(int argc, char **argv);
int cmd_cpuid(int argc, char **argv);
int cmd_net(int argc, char **argv);

/* builtin-console.c: attach to running VM name's console (send: type it and return) */
int console_attach(const char *verb, const char *name, const char *send);

#endif
