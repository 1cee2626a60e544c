/*
 * term: asking the person at the terminal (/dev/tty, never stdin, so a
 * program's input stays its own) for a secret, with echo off.
 */
#ifndef POPGATE_TERM_H
#define POPGATE_TERM_H

#include <stdbool.h>
#include <stddef.h>

/* Is there a terminal to ask? */
bool	term_available(void);

/*
 * Prints text on /dev/tty and reads one line with echo off into buf
 * (newline removed). 0, or -1 when there is no terminal or on EOF.
 */
int	term_prompt(const char *text, char *buf, size_t len);

#endif
