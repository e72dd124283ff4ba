#!/usr/bin/env bash
# A few crash trials (scripts/crash-batch runs 50 and more): kill -9
# `subsidy batch create` and `subsidy bankfile import` at random moments;
# re-running completes the job, `subsidy check` passes, nothing lost or doubled.
. "$(dirname "$0")/lib.sh"

run env MINSHENG="$MINSHENG" MINSHENG_BUILD="$BUILDDIR" CRASH_DIR="$SCRATCH/crash" CRASH_SEED=4 \
	bash "$SRCDIR/scripts/crash-batch" 3 2000
expect_status 0
expect_out "6 passed, 0 failed"
expect_no_out "FAIL"

finish
