/*
 * horphan: the children of this process that nobody registered. The test
 * process and the runner are child subreapers, so a process whose parent
 * died (a popgated session child, a Dovecot helper, anything that left
 * the test's process group) becomes ours, and only ours is ever signalled.
 */
#include <sys/wait.h>

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define ORPHAN_GRACE_MS	2000
#define POLL_MS		20

pid_t
horphan_parent(pid_t pid)
{
	char	 path[64], buf[512], *p = NULL;
	FILE	*fp = NULL;
	size_t	 n;
	int	 ppid = -1;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fp = fopen(path, "re");
	if (fp == NULL) {
		return -1;
	}
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (p == NULL || sscanf(p + 1, " %*c %d", &ppid) != 1) {
		return -1;
	}
	return (pid_t)ppid;
}

/* Our children's pids into pids (at most max); returns how many. */
static size_t
children_list(pid_t *pids, size_t max)
{
	DIR		*d = NULL;
	struct dirent	*de = NULL;
	size_t		 n = 0;
	pid_t		 self = getpid();

	d = opendir("/proc");
	if (d == NULL) {
		return 0;
	}
	while ((de = readdir(d)) != NULL && n < max) {
		if (de->d_name[0] >= '1' && de->d_name[0] <= '9' &&
		    horphan_parent((pid_t)atoi(de->d_name)) == self) {
			pids[n++] = (pid_t)atoi(de->d_name);
		}
	}
	closedir(d);
	return n;
}


/* Waits for pid until the deadline; true once reaped. */
static bool
reap_until(pid_t pid, long deadline)
{
	for (;;) {
		if (waitpid(pid, NULL, WNOHANG) != 0) {
			return true;
		}
		if (harness_now_ms() >= deadline) {
			return false;
		}
		harness_sleep_ms(POLL_MS);
	}
}

/* "name" of pid from /proc/PID/comm, for the orphan warning. */
static void
comm_of(pid_t pid, char *buf, size_t len)
{
	char	 path[64];
	FILE	*fp = NULL;

	snprintf(buf, len, "?");
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	fp = fopen(path, "re");
	if (fp != NULL) {
		if (fgets(buf, (int)len, fp) != NULL) {
			buf[strcspn(buf, "\n")] = '\0';
		}
		fclose(fp);
	}
}

/*
 * Our children after a grace period: processes just killed (libcheck
 * SIGKILLs a finished test's group; Dovecot's helpers follow their
 * master) are on their way out and only need reaping.
 */
static size_t
children_settle(pid_t *pids, size_t max)
{
	long	deadline = harness_now_ms() + ORPHAN_GRACE_MS;
	size_t	n;

	for (;;) {
		while (waitpid(-1, NULL, WNOHANG) > 0) {
			continue;
		}
		n = children_list(pids, max);
		if (n == 0 || harness_now_ms() >= deadline) {
			return n;
		}
		harness_sleep_ms(POLL_MS);
	}
}

size_t
horphan_count(void)
{
	pid_t	pids[256];

	return children_settle(pids, 256);
}

/* One round: SIGTERM to every child, a bounded wait, then SIGKILL. */
static size_t
reap_round(void)
{
	pid_t	pids[256];
	char	comm[32];
	size_t	n, i;
	long	deadline;

	n = children_settle(pids, 256);
	for (i = 0; i < n; i++) {
		comm_of(pids[i], comm, sizeof(comm));
		fprintf(stderr, "check_integ: stopping orphan pid %d (%s)\n",
		    (int)pids[i], comm);
		kill(pids[i], SIGTERM);
	}
	deadline = harness_now_ms() + HARNESS_STOP_MS;
	for (i = 0; i < n; i++) {
		if (!reap_until(pids[i], deadline)) {
			kill(pids[i], SIGKILL);
			waitpid(pids[i], NULL, 0);
		}
	}
	return n;
}

void
horphan_reap(void)
{
	int	round;

	/* A stopped orphan's own children become ours in turn. */
	for (round = 0; round < 8 && reap_round() > 0; round++) {
		continue;
	}
}

