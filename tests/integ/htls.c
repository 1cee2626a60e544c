/*
 * htls: a test CA and server certificates, made at test time with the
 * openssl CLI (P-256 keys, two days of validity), and `openssl s_server`
 * as a TLS backend whose certificate a test chooses. Nothing here is
 * trusted by anything but the test's own popgated.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/* openssl with argv words a (NULL-terminated). Asserts exit 0. */
static void
openssl(struct harness *h, const char *const words[])
{
	struct hargv	a;
	size_t		i;
	int		st;

	hargv_init(&a);
	hargv_add(&a, "openssl");
	for (i = 0; words[i] != NULL; i++) {
		hargv_add(&a, "%s", words[i]);
	}
	ck_assert(!a.overflow);
	st = hproc_run(h, "openssl", a.argv, NULL, NULL, HARNESS_EXIT_MS,
	    NULL);
	ck_assert_msg(st == 0, "openssl %s %s exited %d", words[0], words[1],
	    st);
}

/* A self-signed CA: dir/NAME.pem and dir/NAME.key. */
static void
make_ca(struct harness *h, const char *name, char *pem, size_t len)
{
	struct hpath	key = harness_path(h, "%s.key", name);
	char		subj[96];

	snprintf(pem, len, "%s/%s.pem", h->dir, name);
	snprintf(subj, sizeof(subj), "/CN=popgate test %s", name);
	openssl(h, (const char *const[]){ "req", "-x509", "-newkey", "ec",
	    "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
	    "-subj", subj, "-keyout", key.s, "-out", pem, "-addext",
	    "basicConstraints=critical,CA:TRUE", "-addext",
	    "keyUsage=critical,keyCertSign,cRLSign", NULL });
}

/* A server certificate for san, signed by dir/ca.pem. */
static void
make_cert(struct harness *h, const char *name, const char *san, char *pem,
    size_t pemlen, char *key, size_t keylen)
{
	struct hpath	csr = harness_path(h, "%s.csr", name);
	struct hpath	ext = harness_path(h, "%s.ext", name);
	struct hpath	ca = harness_path(h, "ca.pem");
	struct hpath	cakey = harness_path(h, "ca.key");

	snprintf(pem, pemlen, "%s/%s.pem", h->dir, name);
	snprintf(key, keylen, "%s/%s.key", h->dir, name);
	ck_assert(hfile_write(ext.s, 0644, "subjectAltName = %s\n"
	    "extendedKeyUsage = serverAuth\n", san) == 0);
	openssl(h, (const char *const[]){ "req", "-newkey", "ec", "-pkeyopt",
	    "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=popgate test",
	    "-keyout", key, "-out", csr.s, NULL });
	openssl(h, (const char *const[]){ "x509", "-req", "-in", csr.s,
	    "-CA", ca.s, "-CAkey", cakey.s, "-CAcreateserial", "-days", "2",
	    "-extfile", ext.s, "-out", pem, NULL });
}

void
htls_make(struct harness *h, struct htls *t)
{
	memset(t, 0, sizeof(*t));
	make_ca(h, "ca", t->ca, sizeof(t->ca));
	make_ca(h, "other-ca", t->other_ca, sizeof(t->other_ca));
	make_cert(h, "server", "IP:127.0.0.1", t->cert, sizeof(t->cert),
	    t->key, sizeof(t->key));
	make_cert(h, "wrong", "DNS:mail.example", t->wrong_cert,
	    sizeof(t->wrong_cert), t->wrong_key, sizeof(t->wrong_key));
	make_cert(h, "named", "DNS:localhost", t->named_cert,
	    sizeof(t->named_cert), t->named_key, sizeof(t->named_key));
}

uint16_t
htls_server(struct harness *h, const char *cert, const char *key,
    struct hproc **out)
{
	struct hargv	 a;
	struct hproc	*p = NULL;
	uint16_t	 port = 0;
	int		 tries, fd = -1;

	for (tries = 0; tries < HARNESS_PORT_TRIES && fd < 0; tries++) {
		port = hnet_free_port();
		ck_assert(port != 0);
		hargv_init(&a);
		hargv_add(&a, "openssl");
		hargv_add(&a, "s_server");
		hargv_add(&a, "-accept");
		hargv_add(&a, "127.0.0.1:%u", (unsigned)port);
		hargv_add(&a, "-cert");
		hargv_add(&a, "%s", cert);
		hargv_add(&a, "-key");
		hargv_add(&a, "%s", key);
		hargv_add(&a, "-quiet");
		p = hproc_spawn(h, "s_server", a.argv, NULL, NULL);
		ck_assert_msg(p != NULL, "cannot start openssl s_server");
		fd = hnet_connect(port, HARNESS_START_MS, p);
	}
	ck_assert_msg(fd >= 0, "openssl s_server does not accept; see %s",
	    p->err);
	close(fd);
	*out = p;
	return port;
}
