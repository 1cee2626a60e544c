/*
 * xmem: allocation that cannot fail (out of memory is fatal()), and
 * freeing that wipes secrets first.
 */
#ifndef POPGATE_XMEM_H
#define POPGATE_XMEM_H

#include <stddef.h>

void	*xmalloc(size_t n);
void	*xcalloc(size_t nmemb, size_t size);
/* realloc of nmemb * size with overflow check. */
void	*xreallocarray(void *p, size_t nmemb, size_t size);
char	*xstrdup(const char *s);
char	*xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* explicit_bzero(p, n) then free(p). NULL is fine. */
void	 freezero(void *p, size_t n);
/* freezero of a NUL-terminated string. NULL is fine. */
void	 xfree_secret(char *s);

#endif
