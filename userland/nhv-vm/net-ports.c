/*
 * net-ports.c - who in L1 listens on a port: the sockets of
 * /proc/net/{tcp,tcp6,udp,udp6} (proc(5)) in state LISTEN (tcp) or bound
 * (udp), then the process holding that socket inode among /proc/PID/fd.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "userland/nhv-vm/net.h"

#define TCP_LISTEN 0x0a

/* The inode of a socket bound to port in file; 0 for none. */
static unsigned long find_inode(const char *file, int udp, unsigned int port)
{
	FILE *f = fopen(file, "re");
	char line[512];
	unsigned long inode = 0;

	if (!f)
		return 0;
	while (!inode && fgets(line, sizeof(line), f)) {
		char local[64];
		unsigned int st, p;
		unsigned long ino;
		char *colon;

		if (sscanf(line, " %*u: %63s %*s %x %*s %*s %*s %*u %*u %lu", local, &st, &ino) != 3)
			continue;
		colon = strrchr(local, ':');
		if (!colon || sscanf(colon + 1, "%x", &p) != 1 || p != port)
			continue;
		if (udp || st == TCP_LISTEN)
			inode = ino ? ino : 1;
	}
	fclose(f);
	return inode;
}

/* "comm (pid N)" of the process with socket:[inode] open; 0 when found. */
static int find_process(unsigned long inode, char *owner, size_t len)
{
	char want[64], path[600], link[64];
	struct dirent *p;
	DIR *proc = opendir("/proc");
	int found = -1;

	snprintf(want, sizeof(want), "socket:[%lu]", inode);
	while (proc && found && (p = readdir(proc))) {
		struct dirent *fd;
		DIR *fds;

		if (p->d_name[0] < '1' || p->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", p->d_name);
		fds = opendir(path);
		while (fds && found && (fd = readdir(fds))) {
			ssize_t n;

			snprintf(path, sizeof(path), "/proc/%s/fd/%s", p->d_name, fd->d_name);
			n = readlink(path, link, sizeof(link) - 1);
			if (n <= 0)
				continue;
			link[n] = '\0';
			if (strcmp(link, want) == 0) {
				char comm[64] = "?";
				FILE *f;

				snprintf(path, sizeof(path), "/proc/%s/comm", p->d_name);
				f = fopen(path, "re");
				if (f && fgets(comm, sizeof(comm), f))
					comm[strcspn(comm, "\n")] = '\0';
				if (f)
					fclose(f);
				snprintf(owner, len, "%.32s (pid %.20s)", comm, p->d_name);
				found = 0;
			}
		}
		if (fds)
			closedir(fds);
	}
	if (proc)
		closedir(proc);
	return found;
}

int port_owner(int udp, unsigned int port, char *owner, size_t len)
{
	const char *files[2] = { udp ? "/proc/net/udp" : "/proc/net/tcp", udp ? "/proc/net/udp6" : "/proc/net/tcp6" };

	for (int i = 0; i < 2; i++) {
		unsigned long inode = find_inode(files[i], udp, port);

		if (inode == 0)
			continue;
		if (find_process(inode, owner, len))
			snprintf(owner, len, "a socket of no process found (inode %lu)", inode);
		return 0;
	}
	return -1;
}
