/* builtins.h - the verbs of nhv-vm (main.c's table); each returns the exit status. */
#ifndef NHV_VM_BUILTINS_H
#define NHV_VM_BUILTINS_H

int cmd_boot(int argc, char **argv);
int cmd_check(int argc, char **argv);

#endif
