/*
 * log: one line per event to stderr, "prog[pid]: message", or to
 * syslog(3). Messages are "event=NAME key=value ...", values that hold
 * blanks in double quotes (log_quote), so every line can be grepped and
 * split. Non-printable bytes in the formatted line are escaped (\xNN),
 * so a peer-chosen string can never forge a second line. Two categories
 * for syslog: tunnel lines (log_mail) may go to another facility than
 * the rest (logins, sessions, the daemon itself). No state beyond the
 * level, the name and the target.
 */
#ifndef POPGATE_LOG_H
#define POPGATE_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* log_quote buffers: a peer's string (user name) and a reason text. */
#define LOG_VALUE_MAX	128
#define LOG_TEXT_MAX	600

enum log_level {
	LOG_LEVEL_QUIET = 0,
	LOG_LEVEL_FATAL,
	LOG_LEVEL_ERROR,
	LOG_LEVEL_INFO,
	LOG_LEVEL_VERBOSE,
	LOG_LEVEL_DEBUG1,
	LOG_LEVEL_DEBUG2,
	LOG_LEVEL_DEBUG3
};

void	log_init(const char *progname, enum log_level level);
void	log_set_level(enum log_level level);
/* "prog[pid]: " (the default, for daemons) or "prog: " (for commands). */
void	log_show_pid(bool on);
enum log_level log_get_level(void);
/*
 * From now on lines go to syslog(3) with this facility (LOG_MAIL, ...)
 * instead of stderr; the pid is syslog's. -1 goes back to stderr (exit()
 * does that too, closing syslog's socket). Sets the facility of both
 * categories.
 */
void	log_use_syslog(int facility);
/* After log_use_syslog: log_mail lines use this facility instead. */
void	log_use_syslog_mail(int facility);

/* "AUTH", "mail", "LOCAL0" ... (case-insensitive) to LOG_AUTH ...: 0, or
 * -1 when unknown. Known: AUTH AUTHPRIV DAEMON MAIL USER LOCAL0-LOCAL7. */
int	log_facility_parse(const char *name, int *out);
/* Upper-case name of a facility log_facility_parse knows, else "?". */
const char *log_facility_name(int facility);
/* The syslog(3) priority of a line of level to facility. */
int	log_syslog_priority(int facility, enum log_level level);

/*
 * s as one log value into buf (size len, always terminated): as it is
 * when it is not empty and holds no blank and no '"', else in double
 * quotes with each double quote turned into a single one (so a quoted
 * value never holds one). Cut to fit, the closing quote kept. Returns
 * buf.
 */
char	*log_quote(char *buf, size_t len, const char *s);

/* "INFO", "debug2", ... (case-insensitive). 0, or -1 when unknown. */
int	log_level_parse(const char *name, enum log_level *out);
/* Upper-case name as sshd spells it: "INFO", "DEBUG1". */
const char *log_level_name(enum log_level level);

/* Send libssh's own log lines to log_debug (levels >= DEBUG2). */
void	log_route_libssh(void);

void	log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_verbose(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A tunnel line (the mail category) at level, prefixed as the above. */
void	log_mail(enum log_level level, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Logs at FATAL and exits 1. Only before serving, and for out-of-memory. */
void	fatal(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

/*
 * Copies src into dst (size dstlen, always terminated), replacing bytes
 * outside printable ASCII by \xNN and backslash by \\. Returns dst.
 */
char	*log_escape(char *dst, size_t dstlen, const char *src);

#endif
