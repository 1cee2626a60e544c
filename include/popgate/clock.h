/*
 * clock: the one time source for deadlines and durations, monotonic so a
 * wall-clock step never fires or stalls a timeout.
 */
#ifndef POPGATE_CLOCK_H
#define POPGATE_CLOCK_H

#include <stdint.h>

/* CLOCK_MONOTONIC in milliseconds. */
uint64_t	clock_ms(void);

#endif
