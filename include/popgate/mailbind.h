/*
 * mailbind: BindMailbox for one POP3 tunnel. A pure state machine (no
 * I/O, no logging) between the mail client and the POP3 server until the
 * POP3 login completes: it lets through only logins to one mailbox (USER,
 * APOP, AUTH PLAIN and AUTH LOGIN naming it), answers everything else
 * itself with "-ERR [AUTH] popgate: this SSH login may only open mailbox
 * NAME", refuses STLS, and from the login's +OK on copies both ways
 * unchanged.
 *
 * Lockstep until then: one client command at a time goes to the server,
 * the next only after the server's whole response, so every response is
 * matched to its command (a PIPELINING client just waits a little). The
 * server's CAPA reply loses STLS and SASL mechanisms other than PLAIN and
 * LOGIN, so clients do not pick what would be refused.
 *
 * The owner feeds bytes in (each call takes what fits: memory is bounded
 * by MAILBIND_IN_MAX and MAILBIND_OUT_MAX per direction) and sends what
 * mailbind_pending() gives, then reports it with mailbind_advance(). Once
 * mailbind_done(), nothing is held any more: the owner may copy directly.
 */
#ifndef POPGATE_MAILBIND_H
#define POPGATE_MAILBIND_H

#include <stdbool.h>
#include <stddef.h>

#define MAILBIND_MAILBOX_MAX	128	/* octets of a mailbox name */
#define MAILBIND_IN_MAX		2048	/* a client line (SASL ones too) */
#define MAILBIND_OUT_MAX	8192	/* each output queue */

enum mailbind_dir {
	MAILBIND_TO_SERVER,
	MAILBIND_TO_CLIENT
};

struct mailbind;

/*
 * Is name usable as a mailbox (1 to MAILBIND_MAILBOX_MAX printable ASCII
 * octets, no space)? Only such names can be matched to a USER line.
 */
bool		 mailbind_valid_mailbox(const char *name);

/* For mailbox (copied; must be valid). NULL when it is not. */
struct mailbind	*mailbind_new(const char *mailbox);
void		 mailbind_free(struct mailbind *mb);	/* NULL is fine */

/* Bytes from the mail client / the server: returns how many it took. */
size_t		 mailbind_from_client(struct mailbind *mb, const char *data,
		    size_t len);
size_t		 mailbind_from_server(struct mailbind *mb, const char *data,
		    size_t len);

/* What waits to go out in dir (*len octets), and what went out. */
const char	*mailbind_pending(const struct mailbind *mb,
		    enum mailbind_dir dir, size_t *len);
void		 mailbind_advance(struct mailbind *mb, enum mailbind_dir dir,
		    size_t n);

/*
 * A refusal not yet reported: true once for each, with what was refused
 * in buf ("USER bob", "AUTH CRAM-MD5", "STLS"; never a password).
 * Processing of further client lines waits until it is taken.
 */
bool		 mailbind_take_refusal(struct mailbind *mb, char *buf,
		    size_t len);

/* Logged in ("USER", "APOP", "AUTH PLAIN", "AUTH LOGIN"), or NULL. */
const char	*mailbind_login(const struct mailbind *mb);
/* Logged in and nothing held or queued: copy directly from now on. */
bool		 mailbind_done(const struct mailbind *mb);
/*
 * The server said something that leaves the login state unknown (a
 * garbled reply to PASS, +OK to a cancelled AUTH, a line too long): the
 * owner must close the tunnel. Why in *why.
 */
bool		 mailbind_failed(const struct mailbind *mb, const char **why);

#endif
