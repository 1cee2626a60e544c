/*
 * pidfile: check, create, remove. "Running popgate" is a live pid whose
 * /proc/PID/comm says popgate: after a reboot or a crash the pid may
 * belong to anything, and that must not keep popgate from starting.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "popgate/pidfile.h"
#include "popgate/str.h"

#define PIDFILE_MAX	32	/* bytes worth reading: a pid and a newline */
#define PIDFILE_PROG	"popgate"

/*
 * The pid in path: 1 with *pid, 0 when the file is missing or empty, -1
 * with err when it cannot be read or holds something else.
 */
static int
read_pid(const char *path, pid_t *pid, char *err, size_t errlen)
{
	char		buf[PIDFILE_MAX + 1];
	unsigned	v;
	ssize_t		n;
	int		fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT) {
			return 0;
		}
		snprintf(err, errlen, "pid file %s: %s", path, strerror(errno));
		return -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, "pid file %s: %s", path, strerror(errno));
		return -1;
	}
	buf[n] = '\0';
	if (n == 0) {
		return 0;	/* died between creating and writing it */
	}
	if (buf[n - 1] == '\n') {
		buf[n - 1] = '\0';
	}
	if (n < PIDFILE_MAX && str_to_uint(buf, 1, INT_MAX, &v)) {
		*pid = (pid_t)v;
		return 1;
	}
	snprintf(err, errlen, "pid file %s exists and does not hold a pid; "
	    "not replacing it", path);
	return -1;
}

/* Is pid a running popgate? */
static bool
running_popgate(pid_t pid)
{
	char	path[64], comm[32];
	ssize_t	n;
	int	fd;

	if (kill(pid, 0) != 0 && errno != EPERM) {
		return false;
	}
	snprintf(path, sizeof(path), "/proc/%ld/comm", (long)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return errno != ENOENT;	/* alive but unreadable: assume so */
	}
	n = read(fd, comm, sizeof(comm) - 1);
	close(fd);
	if (n <= 0) {
		return n < 0;
	}
	comm[n] = '\0';
	comm[strcspn(comm, "\n")] = '\0';
	return strcmp(comm, PIDFILE_PROG) == 0;
}

int
pidfile_check(const char *path, char *err, size_t errlen)
{
	pid_t	pid = 0;
	int	rc;

	rc = read_pid(path, &pid, err, errlen);
	if (rc < 0) {
		return -1;
	}
	if (rc == 1 && pid != getpid() && running_popgate(pid)) {
		snprintf(err, errlen, "pid file %s: popgate is already running "
		    "as pid %ld; stop it first (kill %ld)", path, (long)pid,
		    (long)pid);
		return -1;
	}
	if (unlink(path) != 0 && errno != ENOENT) {
		snprintf(err, errlen, "cannot remove the stale pid file %s: %s",
		    path, strerror(errno));
		return -1;
	}
	return 0;
}

int
pidfile_write(const char *path, char *err, size_t errlen)
{
	char	buf[PIDFILE_MAX];
	int	fd, n;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0644);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create the pid file %s: %s%s",
		    path, strerror(errno), errno == EEXIST ? " (another "
		    "popgate took it meanwhile)" : "");
		return -1;
	}
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (write(fd, buf, (size_t)n) != n) {
		snprintf(err, errlen, "cannot write the pid file %s: %s", path,
		    strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	if (close(fd) != 0) {
		snprintf(err, errlen, "cannot write the pid file %s: %s", path,
		    strerror(errno));
		unlink(path);
		return -1;
	}
	return 0;
}

void
pidfile_remove(const char *path)
{
	char	err[8];
	pid_t	pid = 0;

	if (read_pid(path, &pid, err, sizeof(err)) == 1 && pid == getpid()) {
		unlink(path);
	}
}
