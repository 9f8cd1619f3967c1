/* copy.c - sparse-aware file copy with a progress bar (see copy.h). */
#include "tools/nhv-clone/copy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK (1024 * 1024)

uint64_t data_bytes(int fd, off_t size)
{
	uint64_t total = 0;
	off_t off = 0;

	while (off < size) {
		off_t data = lseek(fd, off, SEEK_DATA), hole;

		if (data < 0)
			return errno == ENXIO ? total : (uint64_t)size;
		hole = lseek(fd, data, SEEK_HOLE);
		if (hole < 0)
			hole = size;
		total += (uint64_t)(hole - data);
		off = hole;
	}
	return total;
}

void progress_draw(struct progress *pr, int force)
{
	int pct, bars;

	if (!pr->show)
		return;
	pct = pr->total ? (int)(pr->done * 100 / pr->total) : 100;
	if (!force && pct == pr->last_pct)
		return;
	pr->last_pct = pct;
	bars = pct * 30 / 100;
	fprintf(stderr, "\r%-24.24s [%.*s%*s] %3d%% %8.1f/%.1f MiB", pr->label, bars,
		"##############################", 30 - bars, "", pct,
		(double)pr->done / 1048576.0, (double)pr->total / 1048576.0);
	fflush(stderr);
}

void progress_end(struct progress *pr)
{
	if (pr->show) {
		progress_draw(pr, 1);
		fputc('\n', stderr);
	}
}

static int all_zero(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static int copy_range(int in, int out, off_t from, off_t to, char *buf, int skip_zero,
		      struct progress *pr)
{
	while (from < to) {
		size_t want = (size_t)(to - from < CHUNK ? to - from : CHUNK);
		ssize_t r = pread(in, buf, want, from);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO; /* the file shrank under us */
			return -1;
		}
		if (!(skip_zero && all_zero(buf, (size_t)r))) {
			for (ssize_t w = 0; w < r;) {
				ssize_t x = pwrite(out, buf + w, (size_t)(r - w), from + w);

				if (x < 0 && errno == EINTR)
					continue;
				if (x < 0)
					return -1;
				w += x;
			}
		}
		from += r;
		pr->done += (uint64_t)r;
		progress_draw(pr, 0);
	}
	return 0;
}

int copy_sparse(int in, int out, off_t size, struct progress *pr)
{
	char *buf = malloc(CHUNK);
	off_t off = 0;
	int r = 0;

	if (!buf)
		return -1;
	while (off < size && r == 0) {
		off_t data = lseek(in, off, SEEK_DATA), hole;

		if (data < 0 && errno == ENXIO)
			break; /* only a hole is left */
		if (data < 0) {
			/* No SEEK_DATA here: read everything, write what is not zero. */
			r = copy_range(in, out, off, size, buf, 1, pr);
			break;
		}
		hole = lseek(in, data, SEEK_HOLE);
		if (hole < 0 || hole > size)
			hole = size;
		r = copy_range(in, out, data, hole, buf, 0, pr);
		off = hole;
	}
	free(buf);
	if (r == 0 && ftruncate(out, size) < 0)
		r = -1;
	if (r == 0 && fsync(out) < 0)
		r = -1;
	return r;
}
