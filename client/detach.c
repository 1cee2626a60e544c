/*
 * detach: fork, and a pipe on which the child sends one byte, its exit
 * status so far (0: serving). The parent blocks on it: the child does no
 * network I/O before it reports, only the pid file and its signal
 * watch, and a child that dies closes the pipe.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "popgate/detach.h"
#include "popgate/log.h"
#include "popgate/net.h"

#define DETACH_DIED	2	/* the child ended without a word */

/* In the parent: the child's one byte. */
static int
wait_child(int fd)
{
	unsigned char	b = DETACH_DIED;
	ssize_t		n;

	do {
		n = read(fd, &b, 1);
	} while (n < 0 && errno == EINTR);
	if (n != 1) {
		log_error("event=background-failed reason=\"it ended before "
		    "it was ready\"");
		b = DETACH_DIED;
	}
	return b;
}

enum detach_role
detach_fork(int *report_fd, int *status)
{
	char	q[LOG_VALUE_MAX];
	int	p[2];
	pid_t	pid;

	*report_fd = -1;
	*status = 0;
	if (pipe(p) != 0) {
		log_error("event=background-failed call=pipe error=%s",
		    log_quote(q, sizeof(q), strerror(errno)));
		return DETACH_FAILED;
	}
	fflush(NULL);	/* the ready lines must not be written twice */
	pid = fork();
	if (pid < 0) {
		log_error("event=background-failed call=fork error=%s",
		    log_quote(q, sizeof(q), strerror(errno)));
		net_close(&p[0]);
		net_close(&p[1]);
		return DETACH_FAILED;
	}
	if (pid > 0) {
		net_close(&p[1]);
		*status = wait_child(p[0]);
		net_close(&p[0]);
		return DETACH_PARENT;
	}
	net_close(&p[0]);
	/* Out of the terminal's session: its hangup is not ours. */
	if (setsid() < 0) {
		log_error("event=setsid-failed error=%s",
		    log_quote(q, sizeof(q), strerror(errno)));
	}
	*report_fd = p[1];
	return DETACH_CHILD;
}

int
detach_stdio(void)
{
	char	q[LOG_VALUE_MAX];
	int	fd, rc = 0;

	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		log_error("event=detach-failed file=/dev/null error=%s",
		    log_quote(q, sizeof(q), strerror(errno)));
		return -1;
	}
	if (dup2(fd, STDIN_FILENO) < 0 || dup2(fd, STDOUT_FILENO) < 0 ||
	    dup2(fd, STDERR_FILENO) < 0) {
		log_error("event=detach-failed error=%s",
		    log_quote(q, sizeof(q), strerror(errno)));
		rc = -1;
	}
	if (fd > STDERR_FILENO) {
		close(fd);
	}
	return rc;
}

void
detach_report(int *report_fd, int status)
{
	unsigned char	b = (unsigned char)status;
	char		q[LOG_VALUE_MAX];

	if (*report_fd < 0) {
		return;
	}
	if (write(*report_fd, &b, 1) != 1) {
		log_error("event=background-report-failed error=%s",
		    log_quote(q, sizeof(q), strerror(errno)));
	}
	net_close(report_fd);
}
