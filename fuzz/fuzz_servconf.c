/*
 * fuzz_servconf: popgated.conf. The input up to the first NUL is the
 * file; what follows, split at NULs, are -o options. Oracle: what loads
 * prints (-T) as a file that loads again and prints the same.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "popgate/log.h"
#include "popgate/servconf.h"

#define FUZZ_OPTS	8

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init("fuzz", LOG_LEVEL_QUIET);
	return 0;
}

/* A memfd holding data; its /proc path in path. fd or -1. */
static int
memfile(const char *data, size_t len, char *path, size_t pathlen)
{
	int	fd = memfd_create("popgated.conf", MFD_CLOEXEC);

	if (fd == -1) {
		return -1;
	}
	if (len > 0 && write(fd, data, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	snprintf(path, pathlen, "/proc/self/fd/%d", fd);
	return fd;
}

/* servconf_print into a new string; *len its length. */
static char *
print(const struct servconf *sc, size_t *len)
{
	char	*text = NULL;
	FILE	*fp = open_memstream(&text, len);

	if (fp == NULL) {
		abort();
	}
	servconf_print(sc, fp);
	fclose(fp);
	return text;
}

static void
round_trip(const struct servconf *sc)
{
	struct servconf	 again;
	char		*one = NULL, *two = NULL;
	char		 path[64], err[1024];
	size_t		 n1 = 0, n2 = 0;
	int		 fd;

	one = print(sc, &n1);
	fd = memfile(one, n1, path, sizeof(path));
	if (fd == -1) {
		abort();
	}
	if (servconf_load(&again, path, NULL, 0, false, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "-T output does not load: %s\n%s", err, one);
		abort();
	}
	two = print(&again, &n2);
	if (n1 != n2 || memcmp(one, two, n1) != 0) {
		fprintf(stderr, "-T differs after a reload:\n%s---\n%s", one,
		    two);
		abort();
	}
	servconf_free(&again);
	close(fd);
	free(one);
	free(two);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct servconf	 sc;
	char		*buf = NULL;
	char		*opts[FUZZ_OPTS];
	char		 path[64], err[1024];
	size_t		 flen, i, nopts = 0;
	int		 fd;

	buf = malloc(size + 1);
	if (buf == NULL) {
		return 0;
	}
	memcpy(buf, data, size);
	buf[size] = '\0';
	flen = strlen(buf);
	for (i = flen; i < size && nopts < FUZZ_OPTS; i++) {
		if (buf[i] == '\0') {
			opts[nopts++] = buf + i + 1;
		}
	}
	fd = memfile(buf, flen, path, sizeof(path));
	if (fd != -1) {
		if (servconf_load(&sc, path, opts, nopts, false, err,
		    sizeof(err)) == 0) {
			round_trip(&sc);
			servconf_free(&sc);
		} else if (err[0] == '\0') {
			abort();
		}
		close(fd);
	}
	free(buf);
	return 0;
}
