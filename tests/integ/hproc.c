/*
 * hproc: the processes a test starts. fork + execvp, never a shell
 * string (or, for a fake server, fork + a function of the test);
 * stdin from a file, stdout and stderr to files in the work folder;
 * every pid registered in the test's struct harness, stopped by pid only
 * (SIGTERM, a bounded wait, SIGKILL).
 */
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define WAIT_SLICE_MS	10

extern char	**environ;

/* Variables a child never inherits from the test run. */
static const char *const env_drop[] = {
	"SSH_AUTH_SOCK=", "SSH_AGENT_PID=", "SSH_ASKPASS=",
	"SSH_ASKPASS_REQUIRE=", "DISPLAY=", NULL
};

static bool
env_dropped(const char *kv, const char *const env[])
{
	size_t	i, klen;

	for (i = 0; env_drop[i] != NULL; i++) {
		if (strncmp(kv, env_drop[i], strlen(env_drop[i])) == 0) {
			return true;
		}
	}
	for (i = 0; env != NULL && env[i] != NULL; i++) {
		klen = strcspn(env[i], "=") + 1;
		if (strncmp(kv, env[i], klen) == 0) {
			return true;	/* overridden */
		}
	}
	return false;
}

/* Our environment less env_drop, plus env. Caller frees the array. */
static char **
env_build(const char *const env[])
{
	char	**out = NULL;
	size_t	  n = 0, i, extra = 0;

	while (env != NULL && env[extra] != NULL) {
		extra++;
	}
	for (i = 0; environ[i] != NULL; i++) {
		continue;
	}
	out = calloc(i + extra + 1, sizeof(*out));
	if (out == NULL) {
		return NULL;
	}
	for (i = 0; environ[i] != NULL; i++) {
		if (!env_dropped(environ[i], env)) {
			out[n++] = environ[i];
		}
	}
	for (i = 0; i < extra; i++) {
		out[n++] = (char *)(uintptr_t)env[i];
	}
	out[n] = NULL;
	return out;
}

static void
child_fd(const char *path, int flags, int target)
{
	int	fd = open(path, flags | O_CLOEXEC, 0644);

	if (fd < 0) {
		dprintf(2, "hproc: %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	if (dup2(fd, target) < 0) {
		_exit(127);
	}
	close(fd);
}

/* In a child: no blocked signals, default dispositions, our files. */
static void
child_setup(const struct hproc *p, const char *in)
{
	sigset_t	 all;
	int		 sig;

	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	for (sig = 1; sig < 32; sig++) {
		if (sig != SIGKILL && sig != SIGSTOP) {
			signal(sig, SIG_DFL);
		}
	}
	child_fd(p->err, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 2);
	child_fd(in, O_RDONLY, 0);
	child_fd(p->out, O_WRONLY | O_CREAT | O_TRUNC, 1);
}

/* In the child: descriptors, signals, then exec. Never returns. */
static void
child_exec(const struct hproc *p, const char *in, char *const argv[],
    char **envp)
{
	int	fd;

	child_setup(p, in);
	/* libcheck's own files must not leak into the programs under test. */
	if (syscall(SYS_close_range, 3U, ~0U, 0U) != 0) {
		for (fd = 3; fd < 1024; fd++) {
			close(fd);
		}
	}
	environ = envp;
	execvp(argv[0], argv);
	dprintf(2, "hproc: exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* dir/NN-name.ext: the number keeps start order and names unique. */
static void
proc_file(const struct harness *h, const char *name, const char *ext,
    char out[HARNESS_PATH])
{
	char	buf[HARNESS_PATH];

	snprintf(buf, sizeof(buf), "%s/%02u-%.32s.%.4s", h->dir,
	    (unsigned)(h->nprocs + 1), name, ext);
	memcpy(out, buf, sizeof(buf));
}

static int
input_file(struct harness *h, const struct hproc *p, const char *input,
    char path[HARNESS_PATH])
{
	if (input == NULL) {
		snprintf(path, HARNESS_PATH, "/dev/null");
		return 0;
	}
	proc_file(h, p->name, "in", path);
	return hfile_write(path, 0600, "%s", input);
}

/* The next free slot, named and with its file names; NULL when full. */
static struct hproc *
slot_take(struct harness *h, const char *name)
{
	struct hproc	*p = NULL;

	if (h->nprocs == HARNESS_PROCS_MAX) {
		return NULL;
	}
	p = &h->procs[h->nprocs];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	proc_file(h, p->name, "out", p->out);
	proc_file(h, p->name, "err", p->err);
	return p;
}

/* After fork(): the slot is pid's, registered; NULL when fork failed. */
static struct hproc *
slot_commit(struct harness *h, struct hproc *p, pid_t pid)
{
	if (pid < 0) {
		return NULL;
	}
	p->pid = pid;
	p->status = -1;
	h->nprocs++;
	return p;
}

struct hproc *
hproc_spawn(struct harness *h, const char *name, char *const argv[],
    const char *const env[], const char *input)
{
	struct hproc	*p = NULL;
	char		 in[HARNESS_PATH];
	char		**envp = NULL;
	pid_t		 pid;

	p = argv[0] != NULL ? slot_take(h, name) : NULL;
	if (p == NULL) {
		return NULL;
	}
	envp = env_build(env);
	if (envp == NULL || input_file(h, p, input, in) != 0) {
		free(envp);
		return NULL;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		child_exec(p, in, argv, envp);
	}
	free(envp);
	return slot_commit(h, p, pid);
}

static void
status_set(struct hproc *p, int st)
{
	if (WIFEXITED(st)) {
		p->status = WEXITSTATUS(st);
	} else if (WIFSIGNALED(st)) {
		p->status = 128 + WTERMSIG(st);
	} else {
		return;		/* stopped: still ours to wait for */
	}
	p->pid = -1;
}

bool
hproc_running(struct hproc *p)
{
	int	st;

	if (p->pid > 0 && waitpid(p->pid, &st, WNOHANG) == p->pid) {
		status_set(p, st);
	}
	return p->pid > 0;
}

int
hproc_wait(struct hproc *p, int timeout_ms)
{
	long	deadline = harness_now_ms() + timeout_ms;

	while (hproc_running(p)) {
		if (harness_now_ms() >= deadline) {
			return -1;
		}
		harness_sleep_ms(WAIT_SLICE_MS);
	}
	return p->status;
}

int
hproc_stop(struct hproc *p)
{
	if (!hproc_running(p)) {
		return p->status;
	}
	kill(p->pid, SIGTERM);
	if (hproc_wait(p, HARNESS_STOP_MS) >= 0) {
		return p->status;
	}
	fprintf(stderr, "hproc: %s (pid %d) ignored SIGTERM, killing it\n",
	    p->name, (int)p->pid);
	kill(p->pid, SIGKILL);
	return hproc_wait(p, HARNESS_STOP_MS);
}

int
hproc_kill(struct hproc *p)
{
	if (hproc_running(p)) {
		kill(p->pid, SIGKILL);
	}
	return hproc_wait(p, HARNESS_STOP_MS);
}

int
hproc_run(struct harness *h, const char *name, char *const argv[],
    const char *const env[], const char *input, int timeout_ms,
    struct hproc **out)
{
	struct hproc	*p = NULL;
	int		 st;

	if (out != NULL) {
		*out = NULL;
	}
	p = hproc_spawn(h, name, argv, env, input);
	if (p == NULL) {
		return -1;
	}
	if (out != NULL) {
		*out = p;
	}
	st = hproc_wait(p, timeout_ms);
	if (st < 0) {
		fprintf(stderr, "hproc: %s did not finish in %d ms\n", name,
		    timeout_ms);
		hproc_stop(p);
		return -1;
	}
	return st;
}

struct hproc *
hproc_fork(struct harness *h, const char *name, int (*fn)(void *),
    void *arg)
{
	struct hproc	*p = slot_take(h, name);
	pid_t		 pid;

	if (p == NULL) {
		return NULL;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		child_setup(p, "/dev/null");
		/* _exit: the test's atexit handlers are not the child's. */
		_exit(fn(arg));
	}
	return slot_commit(h, p, pid);
}

pid_t
hproc_log_pid(const char *line, const char *name)
{
	const char	*p = strstr(line, name);
	char		*end = NULL;
	long		 pid;

	if (p == NULL || p[strlen(name)] != '[') {
		return -1;
	}
	pid = strtol(p + strlen(name) + 1, &end, 10);
	return pid > 1 && end != NULL && strncmp(end, "]: ", 3) == 0 ?
	    (pid_t)pid : -1;
}

bool
hproc_kill_child(pid_t parent, pid_t pid)
{
	if (parent <= 1 || pid <= 1 || horphan_parent(pid) != parent) {
		return false;
	}
	return kill(pid, SIGKILL) == 0;
}
