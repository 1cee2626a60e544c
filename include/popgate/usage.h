/*
 * usage: popgate's usage text, printed for --help. Pure: a constant.
 */
#ifndef POPGATE_USAGE_H
#define POPGATE_USAGE_H

/* The whole text, lines ending in '\n', none past 79 columns. */
const char	*usage_text(void);

#endif
