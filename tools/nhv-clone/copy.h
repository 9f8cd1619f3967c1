/*
 * copy.h - copy a file keeping its holes: only the data extents found with
 * SEEK_DATA/SEEK_HOLE are read and written, so a thin 40 GB disk with 2 GB
 * in it costs 2 GB.  Where the file system cannot say (EINVAL), blocks of
 * zeros are skipped instead.  A progress bar on stderr counts data bytes.
 */
#ifndef NHV_COPY_H
#define NHV_COPY_H

#include <stdint.h>
#include <sys/types.h>

struct progress {
	int show;
	uint64_t total, done;
	const char *label;
	int last_pct;
};

/* Bytes of data (not holes) in the file: what copy_sparse will move. */
uint64_t data_bytes(int fd, off_t size);
/* 0, or -1 with errno set. */
int copy_sparse(int in, int out, off_t size, struct progress *pr);
void progress_draw(struct progress *pr, int force);
void progress_end(struct progress *pr);

#endif
