/*
 * fuzz_check.h - CHECK(x): an invariant of a fuzz harness, checked in
 * every build type. assert would vanish under NDEBUG, and the corpus
 * replays also run in Release builds.
 */
#ifndef MINSHENG_FUZZ_CHECK_H
#define MINSHENG_FUZZ_CHECK_H

#include <stdlib.h>

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			abort();                                                                   \
	} while (0)

#endif
