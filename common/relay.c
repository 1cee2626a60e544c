/*
 * relay: one TCP socket (or a pipe pair) <-> one SSH channel.
 *
 * channel -> socket: the data callback copies into the down buffer and
 * returns how much it took; what it leaves stays in libssh's channel
 * buffer, and while it is there libssh does not grow the window
 * (RFC 4254 §5.2), so the sender stops. relay_pump() drains the buffer into
 * the socket and pulls libssh's backlog, but only all of it at once:
 * ssh_channel_read() re-opens the window whatever is still buffered, so a
 * partial pull would let a fast sender outrun a slow reader without bound.
 * The down buffer is therefore larger than the most libssh can hold (see
 * RELAY_DOWN_MAX); its pages are only touched when a reader is slow.
 *
 * socket -> channel: read only while the channel's window is open and the
 * up buffer is empty, never more than the window. ssh_channel_write() may
 * still take less (during a key re-exchange it takes nothing): the rest
 * waits in the up buffer for the next pump, and EOF goes out after it.
 *
 * Nothing the peer sends after its EOF reaches the socket (RFC 4254
 * §5.3: no more data after EOF); libssh 0.10 passes such data on, behind
 * what came before the EOF in its buffer. held counts what libssh still
 * buffers, pre_eof how much of that came before the EOF; the rest is
 * consumed and dropped.
 *
 * Callbacks only record (and copy); every state change happens in
 * relay_pump(), after ssh_event_dopoll() has returned. Callbacks can also
 * fire during another relay's pump (libssh polls the whole event inside
 * ssh_channel_write); relay_take_dirty() tells the owner to poll again at
 * once so nothing waits for an unrelated wake-up.
 *
 * This file holds the channel's side: the libssh channel callbacks,
 * relay_new() that installs them, and what the owner asks of a relay.
 * relaypump.c holds the socket's side and relay_pump(); relaypump.h the
 * struct both work on.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include "popgate/relay.h"
#include "popgate/relaypump.h"
#include "popgate/xmem.h"

/* A callback fired since relay_take_dirty() was last called. */
static bool	relay_dirty;

bool
relay_take_dirty(void)
{
	bool	was = relay_dirty;

	relay_dirty = false;
	return was;
}

/*
 * libssh offers everything it buffers for the channel (data: len bytes)
 * and drops what this returns it took.
 */
static int
data_cb(ssh_session s, ssh_channel c, void *data, uint32_t len,
    int is_stderr, void *arg)
{
	struct relay	*r = arg;
	size_t		 room, take, usable = len, used;

	(void)s;
	(void)c;
	r->spoke = true;
	r->kick = true;
	relay_dirty = true;
	if (is_stderr) {
		return (int)len;	/* no stderr on a forward */
	}
	if (r->in_read || r->end != RELAY_OPEN) {
		r->backlog = true;
		r->held = len;
		return 0;
	}
	if (r->chan_eof && usable > r->pre_eof) {
		usable = r->pre_eof;
	}
	if (r->doff > 0 && r->doff + r->dlen + usable > RELAY_DOWN_MAX) {
		memmove(r->down, r->down + r->doff, r->dlen);
		r->doff = 0;
	}
	room = RELAY_DOWN_MAX - r->doff - r->dlen;
	take = usable < room ? usable : room;
	memcpy(r->down + r->doff + r->dlen, data, take);
	r->dlen += take;
	used = take;
	if (take == usable && usable < len) {
		/* All that came before the EOF is in: drop the rest. */
		r->after_eof += len - usable;
		used = len;
	}
	if (r->chan_eof) {
		r->pre_eof -= take;
	}
	r->held = len - used;
	if (used < len) {
		r->backlog = true;
	}
	return (int)used;
}

static void
eof_cb(ssh_session s, ssh_channel c, void *arg)
{
	struct relay	*r = arg;

	(void)s;
	(void)c;
	r->spoke = true;
	r->chan_eof = true;
	r->pre_eof = r->held;	/* all of it came before the EOF */
	r->kick = true;
	relay_dirty = true;
}

/*
 * libssh 0.10's ssh_channel_close() always sends EOF first, so "closed
 * without EOF" cannot carry the news that a stream broke. Both popgate
 * ends therefore send an exit-signal request (RFC 4254 §6.10) before the
 * close; OpenSSH ignores it on a forward, popgate resets its socket.
 */
static void
signal_cb(ssh_session s, ssh_channel c, const char *signal, int core,
    const char *errmsg, const char *lang, void *arg)
{
	struct relay	*r = arg;

	(void)s;
	(void)c;
	(void)signal;
	(void)core;
	(void)errmsg;
	(void)lang;
	r->spoke = true;
	r->peer_reset = true;
	r->kick = true;
	relay_dirty = true;
}

static void
close_cb(ssh_session s, ssh_channel c, void *arg)
{
	struct relay	*r = arg;

	(void)s;
	(void)c;
	r->spoke = true;
	r->chan_closed = true;
	r->kick = true;
	relay_dirty = true;
}

struct relay *
relay_new(ssh_event ev, ssh_channel chan)
{
	struct relay	*r = NULL;

	r = xcalloc(1, sizeof(*r));
	r->ev = ev;
	r->rfd = r->wfd = -1;
	r->chan = chan;
	/* Large, but only the pages a slow reader fills are ever touched. */
	r->down = xmalloc(RELAY_DOWN_MAX);
	r->up = xmalloc(RELAY_BUFSZ);
	r->cb.userdata = r;
	r->cb.channel_data_function = data_cb;
	r->cb.channel_eof_function = eof_cb;
	r->cb.channel_close_function = close_cb;
	r->cb.channel_exit_signal_function = signal_cb;
	ssh_callbacks_init(&r->cb);
	if (ssh_set_channel_callbacks(chan, &r->cb) != SSH_OK) {
		relay_free(r);
		return NULL;
	}
	return r;
}

void
relay_set_reset_on_abort(struct relay *r, bool on)
{
	r->reset_on_abort = on;
}

bool
relay_done(const struct relay *r)
{
	return r->end != RELAY_OPEN;
}

const char *
relay_error(const struct relay *r)
{
	return r->why;
}

bool
relay_peer_spoke(const struct relay *r)
{
	return r->spoke;
}

enum relay_end
relay_end(const struct relay *r)
{
	return r->end;
}

const char *
relay_end_name(enum relay_end end)
{
	static const char *const names[] = {
		"open", "eof", "reset", "closed", "channel-error", "aborted",
		"peer-reset"
	};

	return (size_t)end < sizeof(names) / sizeof(names[0]) ?
	    names[end] : "unknown";
}

uint64_t
relay_bytes_to_channel(const struct relay *r)
{
	return r->to_chan;
}

uint64_t
relay_bytes_to_socket(const struct relay *r)
{
	return r->to_sock;
}

uint64_t
relay_bytes_after_eof(const struct relay *r)
{
	return r->after_eof;
}
