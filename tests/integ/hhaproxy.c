/*
 * hhaproxy: HAProxy per test, `haproxy -db -f CONF`, config written in
 * the work folder. Readiness is what a test needs, not a log line: the
 * admin socket answers and every server is UP after a passed health
 * check (which already carried a PROXY header to it). A start that
 * loses its free ports to someone else is retried on new ones.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hhaproxy.h"

#define HAPROXY_PROG	"haproxy"
#define STAT_MAX	(256 * 1024)	/* `show stat` of a few servers */
#define STAT_MS		5000		/* one stats query */
#define POLL_MS		50

static int
write_conf(const struct hhaproxy *hp)
{
	char	servers[HHAPROXY_SERVERS_MAX * 64] = "";
	size_t	i, off = 0;

	for (i = 0; i < hp->nservers; i++) {
		off += (size_t)snprintf(servers + off, sizeof(servers) - off,
		    "    server gw%zu 127.0.0.1:%u\n", i + 1,
		    (unsigned)hp->servers[i]);
	}
	return hfile_write(hp->conf, 0644,
	    "# written by popgate's integration tests\n"
	    "global\n"
	    "    log stdout format raw local0 info\n"
	    "    stats socket ipv4@127.0.0.1:%u level admin\n"
	    "    maxconn 512\n"
	    "defaults\n"
	    "    mode tcp\n"
	    "    log global\n"
	    "    option tcplog\n"
	    "    option logasap\n"
	    "    timeout connect 5s\n"
	    "    timeout client 10m\n"
	    "    timeout server 10m\n"
	    "    timeout check 5s\n"
	    "frontend fe\n"
	    "    bind 127.0.0.1:%u\n"
	    "    default_backend be\n"
	    "backend be\n"
	    "    balance roundrobin\n"
	    "    default-server %s check check-send-proxy inter 500 "
	    "fall 2 rise 1\n"
	    "%s", (unsigned)hp->stats_port, (unsigned)hp->port,
	    hp->version == 1 ? "send-proxy" : "send-proxy-v2", servers);
}

/* The whole answer to one admin socket command, NUL-terminated; NULL
 * when HAProxy does not answer in time. Caller frees. */
static char *
admin_query(uint16_t port, const char *cmd)
{
	long		 deadline = harness_now_ms() + STAT_MS;
	struct pollfd	 pfd;
	char		*buf = NULL;
	size_t		 got = 0;
	ssize_t		 n;
	int		 fd = hnet_connect(port, STAT_MS, NULL);

	if (fd < 0 || hnet_write_str(fd, cmd) != 0 ||
	    (buf = malloc(STAT_MAX)) == NULL) {
		goto fail;
	}
	for (;;) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (harness_now_ms() >= deadline || poll(&pfd, 1,
		    (int)(deadline - harness_now_ms())) <= 0) {
			goto fail;
		}
		n = read(fd, buf + got, STAT_MAX - 1 - got);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0) {
			goto fail;
		}
		if (n == 0) {
			break;
		}
		got += (size_t)n;
		if (got == STAT_MAX - 1) {
			break;
		}
	}
	close(fd);
	buf[got] = '\0';
	return buf;
fail:
	if (fd >= 0) {
		close(fd);
	}
	free(buf);
	return NULL;
}

/* The index of column name in the CSV header line hdr ("# a,b,..."). */
static int
column(const char *hdr, const char *name)
{
	const char	*p = hdr + 2;
	size_t		 len = strlen(name);
	int		 i = 0;

	while (p != NULL && *p != '\0' && *p != '\n') {
		if (strncmp(p, name, len) == 0 && (p[len] == ',' ||
		    p[len] == '\n')) {
			return i;
		}
		p = strchr(p, ',');
		p = p != NULL ? p + 1 : NULL;
		i++;
	}
	return -1;
}

/* Field i of one CSV line into out. */
static void
field(const char *line, int i, char *out, size_t len)
{
	const char	*p = line;
	size_t		 n;

	while (i-- > 0 && p != NULL) {
		p = strchr(p, ',');
		p = p != NULL ? p + 1 : NULL;
	}
	n = p != NULL ? strcspn(p, ",\n") : 0;
	snprintf(out, len, "%.*s", (int)n, p != NULL ? p : "");
}

bool
hhaproxy_stat(const struct hhaproxy *hp, size_t i, struct hhaproxy_stat *st)
{
	char	*all = admin_query(hp->stats_port, "show stat\n");
	char	 want[32], num[32];
	char	*line = NULL;
	int	 cstatus, ccheck, cstot;
	bool	 found = false;

	memset(st, 0, sizeof(*st));
	if (all == NULL || strncmp(all, "# ", 2) != 0) {
		free(all);
		return false;
	}
	cstatus = column(all, "status");
	ccheck = column(all, "check_status");
	cstot = column(all, "stot");
	snprintf(want, sizeof(want), "be,gw%zu,", i + 1);
	for (line = strchr(all, '\n'); line != NULL && !found;
	    line = strchr(line, '\n')) {
		line++;
		if (strncmp(line, want, strlen(want)) != 0) {
			continue;
		}
		field(line, cstatus, st->status, sizeof(st->status));
		field(line, ccheck, st->check_status,
		    sizeof(st->check_status));
		field(line, cstot, num, sizeof(num));
		st->sessions = strtoul(num, NULL, 10);
		found = cstatus >= 0 && ccheck >= 0 && cstot >= 0;
	}
	free(all);
	return found;
}

bool
hhaproxy_wait_status(struct hhaproxy *hp, size_t i, const char *status,
    int timeout_ms)
{
	long			deadline = harness_now_ms() + timeout_ms;
	struct hhaproxy_stat	st;

	while (hproc_running(hp->proc)) {
		if (hhaproxy_stat(hp, i, &st) &&
		    strncmp(st.status, status, strlen(status)) == 0) {
			return true;
		}
		if (harness_now_ms() >= deadline) {
			return false;
		}
		harness_sleep_ms(POLL_MS);
	}
	return false;
}

/* Every server UP after a passed check; false when HAProxy exited. */
static bool
all_up(struct hhaproxy *hp, long deadline)
{
	struct hhaproxy_stat	st;
	size_t			i = 0;

	while (i < hp->nservers) {
		if (!hproc_running(hp->proc) || harness_now_ms() >= deadline) {
			return false;
		}
		if (hhaproxy_stat(hp, i, &st) &&
		    strcmp(st.status, "UP") == 0 &&
		    strncmp(st.check_status, "L4OK", 4) == 0) {
			i++;
			continue;
		}
		harness_sleep_ms(POLL_MS);
	}
	return true;
}

static bool
start_once(struct harness *h, struct hhaproxy *hp)
{
	struct hargv	a;

	hp->port = hnet_free_port();
	hp->stats_port = hnet_free_port();
	ck_assert(hp->port != 0 && hp->stats_port != 0);
	ck_assert(write_conf(hp) == 0);
	hargv_init(&a);
	hargv_add(&a, HAPROXY_PROG);
	hargv_add(&a, "-db");
	hargv_add(&a, "-f");
	hargv_add(&a, "%s", hp->conf);
	hp->proc = hproc_spawn(h, "haproxy", a.argv, NULL, NULL);
	ck_assert_msg(hp->proc != NULL, "cannot start haproxy");
	snprintf(hp->log, sizeof(hp->log), "%s", hp->proc->out);
	return all_up(hp, harness_now_ms() + HARNESS_START_MS);
}

void
hhaproxy_start(struct harness *h, struct hhaproxy *hp,
    const uint16_t *servers, size_t n, unsigned version)
{
	struct hpath	conf = harness_path(h, "haproxy.cfg");
	int		tries;
	bool		up = false;

	ck_assert(n >= 1 && n <= HHAPROXY_SERVERS_MAX);
	ck_assert(version == 1 || version == 2);
	memset(hp, 0, sizeof(*hp));
	hp->version = version;
	hp->nservers = n;
	memcpy(hp->servers, servers, n * sizeof(*servers));
	snprintf(hp->conf, sizeof(hp->conf), "%s", conf.s);
	for (tries = 0; tries < HARNESS_PORT_TRIES && !up; tries++) {
		if (tries > 0 && hproc_running(hp->proc)) {
			hproc_stop(hp->proc);
		}
		up = start_once(h, hp);
	}
	ck_assert_msg(up, "haproxy did not bring its %zu servers UP; see %s, "
	    "%s and %s", n, hp->conf, hp->log, hp->proc->err);
}

size_t
hhaproxy_served(const struct hhaproxy *hp, size_t i)
{
	char	name[32];

	snprintf(name, sizeof(name), " be/gw%zu ", i + 1);
	return hlog_count(hp->log, HLINE(" fe ", name));
}

int
hhaproxy_connect_from(const char *src, uint16_t port, int timeout_ms)
{
	struct sockaddr_in	from, to;
	long			deadline = harness_now_ms() + timeout_ms;
	int			fd;

	memset(&from, 0, sizeof(from));
	from.sin_family = AF_INET;
	if (inet_pton(AF_INET, src, &from.sin_addr) != 1) {
		return -1;
	}
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons(port);
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (;;) {
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			return -1;
		}
		if (bind(fd, (struct sockaddr *)&from, sizeof(from)) == 0 &&
		    connect(fd, (struct sockaddr *)&to, sizeof(to)) == 0) {
			return fd;
		}
		close(fd);
		if (harness_now_ms() >= deadline) {
			return -1;
		}
		harness_sleep_ms(POLL_MS);
	}
}
