/*
 * control: popgated's control socket, a local (AF_UNIX) stream socket at
 * ControlSocket, mode 0600, answering only root and the gateway's own
 * user (SO_PEERCRED). The parent runs it inside its poll loop: nothing
 * blocks, a request is one line ("status" or "status json") read within
 * CONTROL_TIMEOUT_MS, the answer is written as the client takes it and
 * the client is dropped at the deadline; at most CONTROL_CLIENTS at once.
 * `popgated status` is the client side (control_ask).
 */
#ifndef POPGATE_CONTROL_H
#define POPGATE_CONTROL_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CONTROL_CLIENTS		8
#define CONTROL_TIMEOUT_MS	5000
#define CONTROL_REQUEST_MAX	64

struct control;

/*
 * Makes the answer to request (the line without its newline) for a
 * client allowed to ask. A new string, or NULL for an unknown request.
 */
typedef char	*(*control_answer_fn)(void *arg, const char *request);

/*
 * Listens at path. A stale socket file is replaced; one another process
 * still answers on, or any other kind of file, is an error. NULL with
 * the reason in err.
 */
struct control	*control_open(const char *path, char *err, size_t errlen);
/* Closes everything and removes the socket file. NULL is fine. */
void		 control_free(struct control *c);
/* In a forked child: closes and frees, leaving the file. NULL is fine. */
void		 control_forget(struct control *c);
const char	*control_path(const struct control *c);

/* The descriptors to poll (at most 1 + CONTROL_CLIENTS into pfds). */
size_t		 control_pollfds(const struct control *c, struct pollfd *pfds,
		    size_t max);
/* After poll: accepts, reads, answers (through fn), drops late clients. */
void		 control_handle(struct control *c, const struct pollfd *pfds,
		    size_t n, uint64_t now_ms, control_answer_fn fn,
		    void *arg);
/* Milliseconds until the next client deadline, -1 for none. */
int		 control_timeout(const struct control *c, uint64_t now_ms);

/*
 * Client: sends request to the socket at path and copies the answer to
 * out. 0; -1 with the reason in err and errno ENOENT or ECONNREFUSED
 * when nothing listens there (the gateway is not running), EACCES when
 * the socket or the gateway refuses us, ETIMEDOUT after timeout_ms.
 */
int		 control_ask(const char *path, const char *request,
		    int timeout_ms, FILE *out, char *err, size_t errlen);

#endif
