/*
 * sesschan: session channels (RFC 4254 §6.1), accepted only to say why
 * nothing can run in them (sesschan_refuse_run), then closed and freed
 * after the peer closed them too (sesschan_reap).
 */
#include <stdlib.h>
#include <string.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>

#include "popgate/sesschan.h"
#include "popgate/session.h"
#include "popgate/xmem.h"

struct sesschan {
	ssh_channel	chan;
	bool		refused;	/* tell the user and close */
	bool		closing;	/* close sent, waiting for the peer */
};

static int
discard_data_cb(ssh_session ssh, ssh_channel chan, void *data, uint32_t len,
    int is_stderr, void *arg)
{
	(void)ssh;
	(void)chan;
	(void)data;
	(void)is_stderr;
	(void)arg;
	return (int)len;
}

static struct ssh_channel_callbacks_struct	discard_cb = {
	.size = sizeof(struct ssh_channel_callbacks_struct),
	.channel_data_function = discard_data_cb,
};

int
sesschan_open(struct session *s, ssh_message msg)
{
	ssh_channel	chan = NULL;

	/*
	 * Accepted only to say why nothing can run in it
	 * (sesschan_refuse_run).
	 */
	chan = ssh_message_channel_request_open_reply_accept(msg);
	if (chan == NULL) {
		return 1;
	}
	/* Nothing runs in it: its data is dropped, never buffered. */
	ssh_set_channel_callbacks(chan, &discard_cb);
	s->chans = xreallocarray(s->chans, s->nchans + 1, sizeof(*s->chans));
	s->chans[s->nchans].chan = chan;
	s->chans[s->nchans].refused = false;
	s->chans[s->nchans].closing = false;
	s->nchans++;
	return 0;
}

static struct sesschan *
find_sesschan(struct session *s, ssh_channel chan)
{
	size_t	i;

	for (i = 0; i < s->nchans; i++) {
		if (s->chans[i].chan == chan) {
			return &s->chans[i];
		}
	}
	return NULL;
}

/*
 * shell, exec, subsystem: nothing runs, but the user must learn why. A
 * failure reply makes OpenSSH exit before it prints the channel's stderr,
 * so the request is answered like a forced command that prints one line
 * and exits 1 (exit-status, EOF and close follow in sesschan_reap).
 */
int
sesschan_refuse_run(struct session *s, ssh_message msg, ssh_channel chan)
{
	struct sesschan	*sc = find_sesschan(s, chan);
	char		*line = NULL;

	if (sc == NULL || sc->refused) {
		return 1;
	}
	/*
	 * Marked before the write: its flush may poll the event, and a
	 * CHANNEL_OPEN arriving then reallocates s->chans (see reap).
	 */
	sc->refused = true;
	sc = NULL;
	line = xasprintf("popgated: this gateway only forwards %s\r\n",
	    s->targets);
	ssh_channel_write_stderr(chan, line, (uint32_t)strlen(line));
	free(line);
	ssh_message_channel_request_reply_success(msg);
	return 0;
}

/* Closes refused session channels and forgets the ones the peer closed. */
void
sesschan_reap(struct session *s)
{
	ssh_channel	chan;
	size_t		i = 0;

	/*
	 * By index, with no pointer into s->chans held across libssh calls:
	 * their flush polls the event, and a CHANNEL_OPEN arriving then
	 * reallocates the array.
	 */
	while (i < s->nchans) {
		chan = s->chans[i].chan;
		if (s->chans[i].refused && !s->chans[i].closing) {
			s->chans[i].closing = true;
			ssh_channel_request_send_exit_status(chan, 1);
			ssh_channel_send_eof(chan);
			ssh_channel_close(chan);
		}
		if (ssh_channel_is_closed(chan)) {
			ssh_channel_free(chan);
			s->chans[i] = s->chans[--s->nchans];
			continue;
		}
		i++;
	}
}

void
sesschan_free_all(struct session *s)
{
	size_t	i;

	for (i = 0; i < s->nchans; i++) {
		ssh_channel_free(s->chans[i].chan);
	}
	free(s->chans);
	s->chans = NULL;
	s->nchans = 0;
}
