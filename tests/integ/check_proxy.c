/*
 * proxy: a real HAProxy in TCP mode in front of small servers of the
 * test's own that read its PROXY header with proxyread (as popgated's
 * proxy listeners will) and tell the client what they read. It shows
 * the harness and the reader against the real thing: the address a
 * server learns is the client's (connecting from 127.0.0.2 or .3, never
 * HAProxy's 127.0.0.1), in v2 and v1; the client's first bytes after the
 * header arrive intact; HAProxy's health checks carry a header the
 * reader takes (v2: LOCAL; v1, which has no LOCAL: a TCP4 line with
 * HAProxy's own addresses); connections spread over two servers, and
 * when one dies HAProxy marks it DOWN and sends everyone to the other.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "popgate/addr.h"
#include "popgate/clock.h"
#include "popgate/proxyread.h"

#include "hhaproxy.h"

#define PEER_HEADER_MS	10000	/* a header must arrive within this */
#define PEER_LINE_MS	10000
#define CLIENT_MS	15000
#define BANNER		"SSH-2.0-popgate_test\r\n"

static struct harness	*H;

static void
proxy_setup(void)
{
	H = harness_new("proxy");
	ck_assert(H != NULL);
}

static void
proxy_teardown(void)
{
	harness_free(H);
	H = NULL;
}

struct peer {
	int		 lfd;
	char		 name[8];	/* "gw1": HAProxy's name for it */
	uint16_t	 port;
	struct hproc	*proc;		/* its stdout: one line per header */
};

/* A formatted reply; a peer that is gone (health checks reset) is no
 * reason to die of SIGPIPE. */
static void
reply(int fd, const char *fmt, ...)
{
	char	buf[512];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0) {
		(void)send(fd, buf, (size_t)n < sizeof(buf) ? (size_t)n :
		    sizeof(buf) - 1, MSG_NOSIGNAL);
	}
}

/*
 * One connection: the header, then "NAME vN src=ADDR dst=ADDR" to the
 * client and an echo of its first line, read only now: it must have
 * stayed in the socket behind the header.
 */
static void
peer_serve(int fd, const char *name)
{
	struct proxyproto_hdr	hdr;
	char			err[256], line[512];
	char			src[ADDR_STRLEN], dst[ADDR_STRLEN];

	if (proxyread_header(fd, clock_ms() + PEER_HEADER_MS, &hdr, err,
	    sizeof(err)) != 0) {
		printf("refused: %s\n", err);
		reply(fd, "-ERR %s\r\n", err);
		return;
	}
	if (hdr.local) {
		printf("%s v%u\n", hdr.health ? "health" : "local",
		    hdr.version);
		reply(fd, "%s v%u local\r\n", name, hdr.version);
		return;
	}
	addr_format_sa((struct sockaddr *)&hdr.src, src, sizeof(src));
	addr_format_sa((struct sockaddr *)&hdr.dst, dst, sizeof(dst));
	printf("client v%u src=%s dst=%s\n", hdr.version, src, dst);
	reply(fd, "%s v%u src=%s dst=%s\r\n", name, hdr.version, src, dst);
	if (hnet_read_line(fd, line, sizeof(line), PEER_LINE_MS) > 0) {
		reply(fd, "echo %s", line);
	}
}

static int
peer_main(void *arg)
{
	const struct peer	*p = arg;
	int			 fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (;;) {
		fd = accept(p->lfd, NULL, NULL);
		if (fd < 0 && errno == EINTR) {
			continue;
		}
		if (fd < 0) {
			return 1;
		}
		peer_serve(fd, p->name);
		close(fd);
	}
}

/* A peer on a free port, serving one connection at a time. Asserts. */
static void
peer_start(struct peer *p, const char *name)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->lfd = hnet_listen(&p->port);
	ck_assert_msg(p->lfd >= 0, "cannot listen on 127.0.0.1");
	p->proc = hproc_fork(H, name, peer_main, p);
	close(p->lfd);
	p->lfd = -1;
	ck_assert_msg(p->proc != NULL, "cannot fork %s", name);
}

/* The port fd was given locally. */
static uint16_t
local_port(int fd)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);

	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	return ntohs(sin.sin_port);
}

/*
 * One client through hp from src: its banner first, then the server's
 * report, which must name server (NULL: any) and the client's own
 * address, then the echo. Returns the server's name ("gw2").
 */
static const char *
client_through(const struct hhaproxy *hp, const char *src,
    const char *server)
{
	static char	name[8];
	char		want[256], line[512], addr[ADDR_STRLEN];
	int		fd = hhaproxy_connect_from(src, hp->port, CLIENT_MS);
	uint16_t	port;

	ck_assert_msg(fd >= 0, "cannot connect from %s to HAProxy", src);
	port = local_port(fd);
	ck_assert_int_eq(hnet_write_str(fd, BANNER), 0);
	ck_assert_msg(hnet_read_line(fd, line, sizeof(line), CLIENT_MS) > 0,
	    "no report from the server behind HAProxy");
	ck_assert_msg(sscanf(line, "%7s ", name) == 1, "%s", line);
	if (server != NULL) {
		ck_assert_str_eq(name, server);
	}
	snprintf(want, sizeof(want), "%s v%u src=%s dst=127.0.0.1:%u\r\n",
	    name, hp->version, addr_format(src, port, addr, sizeof(addr)),
	    (unsigned)hp->port);
	ck_assert_str_eq(line, want);
	ck_assert(hnet_read_line(fd, line, sizeof(line), CLIENT_MS) > 0);
	ck_assert_str_eq(line, "echo " BANNER);
	close(fd);
	/* HAProxy saw the same client. */
	snprintf(want, sizeof(want), "%s:%u ", src, (unsigned)port);
	ck_assert_msg(hlog_wait(hp->log, 1, hp->proc, HARNESS_LOG_MS,
	    HLINE(want, " fe "), NULL, 0), "no HAProxy log line for %s",
	    want);
	return name;
}

START_TEST(test_proxy_v2_client_address)
{
	struct peer		p;
	struct hhaproxy		hp;
	struct hhaproxy_stat	st;
	char			line[512];
	int			fd;

	peer_start(&p, "gw1");
	hhaproxy_start(H, &hp, &p.port, 1, 2);
	/* The health check that brought gw1 UP was a v2 LOCAL header. */
	ck_assert_msg(hlog_wait(p.proc->out, 1, p.proc, HARNESS_LOG_MS,
	    HLINE("health v2"), NULL, 0), "no v2 health check; see %s",
	    p.proc->out);
	client_through(&hp, "127.0.0.2", "gw1");
	client_through(&hp, "127.0.0.3", "gw1");
	ck_assert_uint_eq(hhaproxy_served(&hp, 0), 2);
	ck_assert(hhaproxy_stat(&hp, 0, &st));
	ck_assert_str_eq(st.status, "UP");
	ck_assert_uint_eq(st.sessions, 2);
	/* Straight to the server, no header: refused on its first byte. */
	fd = hnet_connect(p.port, CLIENT_MS, p.proc);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(hnet_write_str(fd, BANNER), 0);
	ck_assert(hnet_read_line(fd, line, sizeof(line), CLIENT_MS) > 0);
	ck_assert_str_eq(line, "-ERR not a PROXY protocol header (first byte "
	    "0x53)\r\n");
	close(fd);
}
END_TEST

START_TEST(test_proxy_v1_client_address)
{
	struct peer	p;
	struct hhaproxy	hp;

	peer_start(&p, "gw1");
	hhaproxy_start(H, &hp, &p.port, 1, 1);
	/*
	 * v1 has no LOCAL: HAProxy's checks send a TCP4 line with its own
	 * addresses, so a v1 health check looks like a client at 127.0.0.1.
	 */
	ck_assert_msg(hlog_wait(p.proc->out, 1, p.proc, HARNESS_LOG_MS,
	    HLINE("client v1 src=127.0.0.1:"), NULL, 0), "no v1 health "
	    "check; see %s", p.proc->out);
	client_through(&hp, "127.0.0.3", "gw1");
	ck_assert_uint_eq(hhaproxy_served(&hp, 0), 1);
	ck_assert_uint_eq(hlog_count(p.proc->out, HLINE("refused")), 0);
}
END_TEST

START_TEST(test_proxy_spread_and_failover)
{
	struct peer	p[2];
	struct hhaproxy	hp;
	uint16_t	ports[2];
	size_t		n1 = 0, n2 = 0, i;
	const char	*name = NULL;

	peer_start(&p[0], "gw1");
	peer_start(&p[1], "gw2");
	ports[0] = p[0].port;
	ports[1] = p[1].port;
	hhaproxy_start(H, &hp, ports, 2, 2);
	for (i = 0; i < 4; i++) {
		name = client_through(&hp, "127.0.0.2", NULL);
		n1 += strcmp(name, "gw1") == 0;
		n2 += strcmp(name, "gw2") == 0;
	}
	ck_assert_uint_eq(n1, 2);
	ck_assert_uint_eq(n2, 2);
	ck_assert_uint_eq(hhaproxy_served(&hp, 0), 2);
	ck_assert_uint_eq(hhaproxy_served(&hp, 1), 2);
	/* gw1 dies: its checks fail, HAProxy takes it out. */
	hproc_kill(p[0].proc);
	ck_assert_msg(hhaproxy_wait_status(&hp, 0, "DOWN", HARNESS_LOG_MS),
	    "HAProxy did not mark gw1 DOWN");
	ck_assert(hhaproxy_wait_status(&hp, 1, "UP", HARNESS_LOG_MS));
	for (i = 0; i < 3; i++) {
		client_through(&hp, "127.0.0.3", "gw2");
	}
	ck_assert_uint_eq(hhaproxy_served(&hp, 1), 5);
}
END_TEST

Suite *
proxy_suite(void)
{
	Suite	*s = suite_create("proxy");
	TCase	*tc = harness_tcase("haproxy", proxy_setup, proxy_teardown,
	    120);

	tcase_add_test(tc, test_proxy_v2_client_address);
	tcase_add_test(tc, test_proxy_v1_client_address);
	tcase_add_test(tc, test_proxy_spread_and_failover);
	suite_add_tcase(s, tc);
	return s;
}
