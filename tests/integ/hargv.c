/*
 * hargv: argv vectors built with printf-style arguments into one buffer:
 * what the tests run is never parsed by a shell.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

void
hargv_init(struct hargv *a)
{
	memset(a, 0, sizeof(*a));
}

void
hargv_add(struct hargv *a, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (a->overflow || a->argc == HARGV_MAX) {
		a->overflow = true;
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(a->buf + a->used, sizeof(a->buf) - a->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(a->buf) - a->used) {
		a->overflow = true;
		return;
	}
	a->argv[a->argc++] = a->buf + a->used;
	a->argv[a->argc] = NULL;
	a->used += (size_t)n + 1;
}
