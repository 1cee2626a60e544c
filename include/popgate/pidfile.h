/*
 * pidfile: popgate's --pid-file. One decimal pid and a newline. A file
 * naming a running popgate (its /proc/PID/comm) blocks a second start;
 * any other pid is stale and replaced. Created with O_EXCL, so two
 * popgates starting at once cannot both take it; removed only by the
 * process it names. Runs before and after the event loop, never in it.
 */
#ifndef POPGATE_PIDFILE_H
#define POPGATE_PIDFILE_H

#include <stddef.h>

/*
 * May popgate take path? 0 when it does not exist or was stale (then it
 * is removed); -1 with the reason in err when it names a running popgate,
 * holds something else than a pid (not ours to remove), or cannot be
 * read.
 */
int	pidfile_check(const char *path, char *err, size_t errlen);
/* Creates path holding getpid(). 0, or -1 with the reason in err. */
int	pidfile_write(const char *path, char *err, size_t errlen);
/* Removes path when it still holds getpid(). */
void	pidfile_remove(const char *path);

#endif
