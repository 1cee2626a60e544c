/*
 * xmem: allocation wrappers. Out of memory is the one runtime condition
 * that is fatal everywhere: nothing sensible can follow it.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "popgate/log.h"
#include "popgate/xmem.h"

void *
xmalloc(size_t n)
{
	void	*p = NULL;

	p = malloc(n == 0 ? 1 : n);
	if (p == NULL) {
		fatal("event=out-of-memory bytes=%zu", n);
	}
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void	*p = NULL;

	p = calloc(nmemb == 0 ? 1 : nmemb, size == 0 ? 1 : size);
	if (p == NULL) {
		fatal("event=out-of-memory count=%zu size=%zu", nmemb, size);
	}
	return p;
}

void *
xreallocarray(void *p, size_t nmemb, size_t size)
{
	void	*q = NULL;

	if (size != 0 && nmemb > SIZE_MAX / size) {
		fatal("event=allocation-overflow count=%zu size=%zu", nmemb,
		    size);
	}
	q = realloc(p, nmemb * size == 0 ? 1 : nmemb * size);
	if (q == NULL) {
		fatal("event=out-of-memory count=%zu size=%zu", nmemb, size);
	}
	return q;
}

char *
xstrdup(const char *s)
{
	size_t	 n = strlen(s) + 1;
	char	*p = xmalloc(n);

	memcpy(p, s, n);
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list	 ap;
	char	*p = NULL, probe;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(&probe, 1, fmt, ap);	/* length only */
	va_end(ap);
	if (n < 0) {
		fatal("event=bad-format function=xasprintf");
	}
	p = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void
freezero(void *p, size_t n)
{
	if (p == NULL) {
		return;
	}
	explicit_bzero(p, n);
	free(p);
}

void
xfree_secret(char *s)
{
	if (s == NULL) {
		return;
	}
	freezero(s, strlen(s));
}
