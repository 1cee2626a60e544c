/*
 * log: every line goes to stderr as "prog[pid]: message" in one write(2),
 * so lines from the parent and its children never interleave mid-line,
 * or to syslog(3) (the pid then syslog's). The whole formatted message is
 * escaped: peer-chosen strings (user names, client versions) cannot start
 * a forged line with CR or LF; quoted (log_quote), they cannot forge a
 * key=value pair either.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <unistd.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include "popgate/log.h"

#define LOG_LINE_MAX	2048

static const char	*log_prog = "popgate";
static enum log_level	 log_level = LOG_LEVEL_INFO;
static bool		 log_pid = true;
static int		 log_facility = -1;	/* -1: stderr */
static int		 log_facility_mail = -1;	/* log_mail's */

static const struct {
	const char	*name;
	int		 facility;
} facilities[] = {
	{ "AUTH", LOG_AUTH }, { "AUTHPRIV", LOG_AUTHPRIV },
	{ "DAEMON", LOG_DAEMON }, { "MAIL", LOG_MAIL }, { "USER", LOG_USER },
	{ "LOCAL0", LOG_LOCAL0 }, { "LOCAL1", LOG_LOCAL1 },
	{ "LOCAL2", LOG_LOCAL2 }, { "LOCAL3", LOG_LOCAL3 },
	{ "LOCAL4", LOG_LOCAL4 }, { "LOCAL5", LOG_LOCAL5 },
	{ "LOCAL6", LOG_LOCAL6 }, { "LOCAL7", LOG_LOCAL7 },
};

#define NFACILITIES	(sizeof(facilities) / sizeof(facilities[0]))

static const char *const level_names[] = {
	"QUIET", "FATAL", "ERROR", "INFO", "VERBOSE", "DEBUG1", "DEBUG2",
	"DEBUG3"
};

void
log_init(const char *progname, enum log_level level)
{
	log_prog = progname;
	log_level = level;
}

void
log_show_pid(bool on)
{
	log_pid = on;
}

void
log_set_level(enum log_level level)
{
	log_level = level;
}

/* At exit, by any path (a forked child's too): syslog's socket closed. */
static void
syslog_close(void)
{
	log_use_syslog(-1);
}

void
log_use_syslog(int facility)
{
	static bool	registered;

	if (log_facility != -1) {
		closelog();
	}
	log_facility = facility;
	log_facility_mail = facility;
	if (facility != -1) {
		openlog(log_prog, LOG_PID | LOG_NDELAY, facility);
		if (!registered) {
			registered = atexit(syslog_close) == 0;
		}
	}
}

void
log_use_syslog_mail(int facility)
{
	if (log_facility != -1) {
		log_facility_mail = facility;
	}
}

int
log_facility_parse(const char *name, int *out)
{
	size_t	i;

	for (i = 0; i < NFACILITIES; i++) {
		if (strcasecmp(name, facilities[i].name) == 0) {
			*out = facilities[i].facility;
			return 0;
		}
	}
	return -1;
}

const char *
log_facility_name(int facility)
{
	size_t	i;

	for (i = 0; i < NFACILITIES; i++) {
		if (facilities[i].facility == facility) {
			return facilities[i].name;
		}
	}
	return "?";
}

int
log_syslog_priority(int facility, enum log_level level)
{
	switch (level) {
	case LOG_LEVEL_FATAL:
		return facility | LOG_CRIT;
	case LOG_LEVEL_ERROR:
		return facility | LOG_ERR;
	case LOG_LEVEL_INFO:
	case LOG_LEVEL_VERBOSE:
		return facility | LOG_INFO;
	default:
		return facility | LOG_DEBUG;
	}
}

char *
log_quote(char *buf, size_t len, const char *s)
{
	size_t	o = 0;

	if (len == 0) {
		return buf;
	}
	if (*s != '\0' && strpbrk(s, " \t\"") == NULL) {
		snprintf(buf, len, "%s", s);
		return buf;
	}
	if (len < 3) {		/* not even room for "" */
		buf[0] = '\0';
		return buf;
	}
	buf[o++] = '"';
	for (; *s != '\0' && o + 2 < len; s++) {
		buf[o++] = *s == '"' ? '\'' : *s;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

enum log_level
log_get_level(void)
{
	return log_level;
}

int
log_level_parse(const char *name, enum log_level *out)
{
	size_t	i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcasecmp(name, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	if (strcasecmp(name, "DEBUG") == 0) {	/* sshd's alias */
		*out = LOG_LEVEL_DEBUG1;
		return 0;
	}
	return -1;
}

const char *
log_level_name(enum log_level level)
{
	if ((size_t)level >= sizeof(level_names) / sizeof(level_names[0])) {
		return "INFO";
	}
	return level_names[level];
}

char *
log_escape(char *dst, size_t dstlen, const char *src)
{
	size_t		 o = 0;
	unsigned char	 c;

	if (dstlen == 0) {
		return dst;
	}
	for (; *src != '\0'; src++) {
		c = (unsigned char)*src;
		if (c == '\\' || !isprint(c) || c > 0x7e) {
			if (o + 5 > dstlen) {
				break;
			}
			o += (size_t)snprintf(dst + o, dstlen - o,
			    c == '\\' ? "\\\\" : "\\x%02x", c);
			continue;
		}
		if (o + 2 > dstlen) {
			break;
		}
		dst[o++] = (char)c;
	}
	dst[o] = '\0';
	return dst;
}

static void	log_vwrite(int, enum log_level, const char *, const char *,
		    va_list) __attribute__((format(printf, 4, 0)));

static void
log_vwrite(int facility, enum log_level level, const char *prefix,
    const char *fmt, va_list ap)
{
	char	msg[LOG_LINE_MAX];
	char	esc[LOG_LINE_MAX];
	char	line[LOG_LINE_MAX + 128];
	int	n;

	if (level > log_level || log_level == LOG_LEVEL_QUIET) {
		return;
	}
	vsnprintf(msg, sizeof(msg), fmt, ap);
	log_escape(esc, sizeof(esc), msg);
	if (facility != -1) {
		syslog(log_syslog_priority(facility, level), "%s%s", prefix,
		    esc);
		return;
	}
	if (log_pid) {
		n = snprintf(line, sizeof(line), "%s[%ld]: %s%s\n", log_prog,
		    (long)getpid(), prefix, esc);
	} else {
		n = snprintf(line, sizeof(line), "%s: %s%s\n", log_prog,
		    prefix, esc);
	}
	if (n < 0) {
		return;
	}
	if ((size_t)n >= sizeof(line)) {
		n = (int)sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	/* One write: a short one is not worth retrying for a log line. */
	if (write(STDERR_FILENO, line, (size_t)n) < 0) {
		return;
	}
}

#define LOG_FN(name, level, prefix)				\
void								\
name(const char *fmt, ...)					\
{								\
	va_list	ap;						\
								\
	va_start(ap, fmt);					\
	log_vwrite(log_facility, level, prefix, fmt, ap);	\
	va_end(ap);						\
}

/* Lines above INFO say how bad they are, as the first key. */
LOG_FN(log_error, LOG_LEVEL_ERROR, "level=error ")
LOG_FN(log_warn, LOG_LEVEL_ERROR, "level=warning ")
LOG_FN(log_info, LOG_LEVEL_INFO, "")
LOG_FN(log_verbose, LOG_LEVEL_VERBOSE, "")
LOG_FN(log_debug, LOG_LEVEL_DEBUG1, "level=debug ")

/* The prefix of a level, as the functions above write it. */
static const char *
level_prefix(enum log_level level)
{
	switch (level) {
	case LOG_LEVEL_FATAL:
		return "level=fatal ";
	case LOG_LEVEL_ERROR:
		return "level=error ";
	case LOG_LEVEL_INFO:
	case LOG_LEVEL_VERBOSE:
		return "";
	default:
		return "level=debug ";
	}
}

void
log_mail(enum log_level level, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(log_facility_mail, level, level_prefix(level), fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(log_facility, LOG_LEVEL_FATAL, "level=fatal ", fmt, ap);
	va_end(ap);
	exit(1);
}

static void
libssh_log_cb(int priority, const char *function, const char *buffer,
    void *userdata)
{
	char	q[LOG_LINE_MAX];

	(void)userdata;
	(void)priority;
	log_debug("event=libssh function=%s msg=%s", function,
	    log_quote(q, sizeof(q), buffer));
}

void
log_route_libssh(void)
{
	int	verbosity = SSH_LOG_NOLOG;

	ssh_set_log_callback(libssh_log_cb);
	if (log_level >= LOG_LEVEL_DEBUG3) {
		verbosity = SSH_LOG_FUNCTIONS;
	} else if (log_level >= LOG_LEVEL_DEBUG2) {
		verbosity = SSH_LOG_PROTOCOL;
	}
	ssh_set_log_level(verbosity);
}
