/*
 * fuzz_officials.c - the officials register import (officials_import) run
 * for real on each input; the body and its invariants are in fuzz_people.h.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_people.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	people_fuzz_one(data, size, 'O');
	return 0;
}
