/*
 * clock.h - the monotonic clock (CLOCK_MONOTONIC) as seconds or
 * milliseconds, for time limits and durations that wall-clock changes must
 * not disturb.
 */
#ifndef NHV_LIB_CLOCK_H
#define NHV_LIB_CLOCK_H

double mono_s(void);
long long mono_ms(void);

#endif
