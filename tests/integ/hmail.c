/*
 * hmail: the messages the tests deliver and fetch back. Each is written
 * with CRLF line ends into a Maildir (tmp/, then renamed into new/, as a
 * delivery agent does) while its SHA-256 is computed with OpenSSL's EVP.
 * What a POP3 client gets after undoing the dot-stuffing (RFC 1939 §3)
 * must be these exact bytes. Bodies hold the traps: lines that are only
 * ".", lines starting with "." or "..", 8-bit text, a 998-octet line, and
 * generated bodies of 64 KiB, 1 MiB and (big) just over 20 MiB.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "harness.h"

#define LINE_MAX_OCTETS	78	/* 76 characters + CRLF */

enum body_kind {
	BODY_TEXT,		/* text as given */
	BODY_LONG_LINE,		/* text, then a 998-octet line (RFC 5322) */
	BODY_FILL		/* generated up to a total size */
};

struct spec {
	const char	*subject;
	enum body_kind	 kind;
	const char	*text;
	size_t		 total;		/* BODY_FILL: whole message size */
};

static const struct spec specs[] = {
	{ "hello from popgate", BODY_TEXT,
	    "Hi alice,\r\n\r\nthis one is short.\r\n", 0 },
	{ "dot-stuffing traps", BODY_TEXT,
	    ".\r\n..\r\n.leading dot\r\n...three\r\nmiddle . dot\r\n.\r\n"
	    "\r\n. space\r\nlast line.\r\n", 0 },
	{ "8-bit text and a long line", BODY_LONG_LINE,
	    "Gr\xc3\xbc\xc3\x9f" "e aus dem Tunnel \xe2\x80\x94 \xe2\x9c\x93"
	    "\r\n", 0 },
	{ "64 KiB of text", BODY_FILL, NULL, 64u * 1024u },
	{ "1 MiB of text", BODY_FILL, NULL, 1024u * 1024u },
};

static const struct spec big_spec = {
	"20 MiB of text", BODY_FILL, NULL, HMAIL_BIG
};

struct writer {
	FILE		*fp;
	EVP_MD_CTX	*md;
	size_t		 n;
	int		 rc;
	uint64_t	 rng;
};

static void
w_put(struct writer *w, const void *data, size_t len)
{
	if (fwrite(data, 1, len, w->fp) != len ||
	    EVP_DigestUpdate(w->md, data, len) != 1) {
		w->rc = -1;
	}
	w->n += len;
}

static uint64_t
rng_next(struct writer *w)
{
	w->rng ^= w->rng << 13;
	w->rng ^= w->rng >> 7;
	w->rng ^= w->rng << 17;
	return w->rng;
}

/* One generated line of len octets (CRLF included, len >= 2). */
static void
fill_line(struct writer *w, size_t len)
{
	static const char	alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/ ";
	char			line[LINE_MAX_OCTETS];
	uint64_t		r = rng_next(w);
	size_t			i;

	for (i = 0; i + 2 < len; i++) {
		line[i] = alphabet[rng_next(w) % (sizeof(alphabet) - 1)];
	}
	if (len > 2 && r % 37 == 0) {
		line[0] = '.';		/* stuffed by the server */
	}
	line[len - 2] = '\r';
	line[len - 1] = '\n';
	w_put(w, line, len);
}

static void
fill_body(struct writer *w, size_t total)
{
	size_t	left, len;

	while (w->n < total) {
		left = total - w->n;
		if (left >= 3 && rng_next(w) % 101 == 0) {
			w_put(w, ".\r\n", 3);
			continue;
		}
		len = left < LINE_MAX_OCTETS ? left : LINE_MAX_OCTETS;
		if (left - len == 1) {
			len--;		/* never leave a lone octet */
		}
		fill_line(w, len);
	}
}

static void
write_message(struct writer *w, const struct spec *sp, size_t i)
{
	char	head[512];
	char	line[1000];
	int	n;

	n = snprintf(head, sizeof(head),
	    "From: Popgate Tests <tests@popgate.invalid>\r\n"
	    "To: alice@popgate.invalid\r\n"
	    "Subject: %s\r\n"
	    "Message-ID: <%zu.integ@popgate.invalid>\r\n"
	    "Date: Tue, 14 Nov 2023 22:13:%02zu +0000\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "\r\n", sp->subject, i + 1, i);
	w_put(w, head, (size_t)n);
	if (sp->kind == BODY_FILL) {
		fill_body(w, sp->total);
		return;
	}
	w_put(w, sp->text, strlen(sp->text));
	if (sp->kind == BODY_LONG_LINE) {
		memset(line, 'x', 998);
		line[0] = '.';
		line[998] = '\r';
		line[999] = '\n';
		w_put(w, line, sizeof(line));
		w_put(w, "end\r\n", 5);
	}
}

static void
hex_of(const unsigned char *md, unsigned len, char hex[65])
{
	unsigned	i;

	for (i = 0; i < len && i < 32; i++) {
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	}
	hex[2 * i] = '\0';
}

/* Writes message i of spec sp into maildir/new, its digest into m. */
static int
deliver(const char *maildir, const struct spec *sp, size_t i,
    struct hmail *m)
{
	struct writer	w = { NULL, NULL, 0, 0, 0x9e3779b97f4a7c15ULL + i };
	char		tmp[HARNESS_PATH], dst[HARNESS_PATH];
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned	mdlen = 0;

	/* Dovecot numbers new mail in the order of these time stamps. */
	snprintf(tmp, sizeof(tmp), "%s/tmp/%zu.M%zuP%d.popgate", maildir,
	    (size_t)1700000000 + i * 10, i, (int)getpid());
	snprintf(dst, sizeof(dst), "%s/new/%s", maildir, strrchr(tmp, '/') + 1);
	w.fp = fopen(tmp, "we");
	w.md = EVP_MD_CTX_new();
	if (w.fp == NULL || w.md == NULL ||
	    EVP_DigestInit_ex(w.md, EVP_sha256(), NULL) != 1) {
		w.rc = -1;
	} else {
		write_message(&w, sp, i);
	}
	if (w.md != NULL && EVP_DigestFinal_ex(w.md, md, &mdlen) != 1) {
		w.rc = -1;
	}
	EVP_MD_CTX_free(w.md);
	if (w.fp != NULL && fclose(w.fp) != 0) {
		w.rc = -1;
	}
	if (w.rc != 0 || rename(tmp, dst) != 0) {
		return -1;
	}
	hex_of(md, mdlen, m->sha[i]);
	m->size[i] = w.n;
	snprintf(m->subject[i], sizeof(m->subject[i]), "%s", sp->subject);
	return 0;
}

int
hmail_make(const char *maildir, bool big, struct hmail *m)
{
	static const char *const sub[] = { "", "/cur", "/new", "/tmp" };
	char	path[HARNESS_PATH];
	size_t	i, n = sizeof(specs) / sizeof(specs[0]);

	memset(m, 0, sizeof(*m));
	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s%s", maildir, sub[i]);
		if (mkdir(path, 0700) != 0) {
			return -1;
		}
	}
	for (i = 0; i < n; i++) {
		if (deliver(maildir, &specs[i], i, m) != 0) {
			return -1;
		}
	}
	if (big && deliver(maildir, &big_spec, n++, m) != 0) {
		return -1;
	}
	m->n = n;
	return 0;
}

int
hmail_sha256_file(const char *path, char hex[65], size_t *size)
{
	unsigned char	 md[EVP_MAX_MD_SIZE], buf[65536];
	unsigned	 mdlen = 0;
	EVP_MD_CTX	*ctx = NULL;
	FILE		*fp = NULL;
	size_t		 r;
	int		 rc = -1;

	*size = 0;
	hex[0] = '\0';
	fp = fopen(path, "re");
	ctx = EVP_MD_CTX_new();
	if (fp == NULL || ctx == NULL ||
	    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		goto out;
	}
	while ((r = fread(buf, 1, sizeof(buf), fp)) > 0) {
		if (EVP_DigestUpdate(ctx, buf, r) != 1) {
			goto out;
		}
		*size += r;
	}
	if (ferror(fp) || EVP_DigestFinal_ex(ctx, md, &mdlen) != 1) {
		goto out;
	}
	hex_of(md, mdlen, hex);
	rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	if (fp != NULL) {
		fclose(fp);
	}
	return rc;
}

int
hmail_sha256_mem(const void *data, size_t len, char hex[65])
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned	mdlen = 0;

	hex[0] = '\0';
	if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1) {
		return -1;
	}
	hex_of(md, mdlen, hex);
	return 0;
}

int
hmail_find(const struct hmail *m, size_t size, const char *sha,
    bool seen[HMAIL_MAX])
{
	size_t	i;

	for (i = 0; i < m->n; i++) {
		if (!seen[i] && m->size[i] == size &&
		    strcmp(m->sha[i], sha) == 0) {
			seen[i] = true;
			return (int)i;
		}
	}
	return -1;
}

size_t
hmail_total(const struct hmail *m)
{
	size_t	i, sum = 0;

	for (i = 0; i < m->n; i++) {
		sum += m->size[i];
	}
	return sum;
}
