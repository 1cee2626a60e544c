/*
 * detach: popgate -f. The process forks once it is ready; the parent
 * waits for the child's word and exits with the status the child sends
 * (0: serving), so a script's `popgate -f ... && next` runs next only
 * once the background popgate serves. The child leaves the caller's
 * session (setsid) and, once serving, points its stdio at /dev/null.
 * Before and after the event loop only.
 */
#ifndef POPGATE_DETACH_H
#define POPGATE_DETACH_H

enum detach_role {
	DETACH_FAILED = -1,	/* fork failed: still in the foreground */
	DETACH_CHILD,		/* the background process: go on */
	DETACH_PARENT		/* must _exit(*status) now */
};

/*
 * Forks. In the parent waits until the child reports (or dies: status
 * 2) and sets *status; in the child sets *report_fd for detach_report().
 * Logs why on failure.
 */
enum detach_role detach_fork(int *report_fd, int *status);
/* In the child: stdin, stdout and stderr from/to /dev/null. 0 or -1. */
int		 detach_stdio(void);
/* In the child: sends status (0: serving) to the parent, closes the fd
 * and stores -1. No-op when *report_fd is -1. */
void		 detach_report(int *report_fd, int status);

#endif
