#!/usr/bin/env bash
# A few kill -9 trials of roster import (scripts/crash-roster runs 50+):
# after re-running the command the database equals a clean run's.
. "$(dirname "$0")/lib.sh"
run "$SRCDIR/scripts/crash-roster" --trials 3 --rows 3000 --seed 11 \
	--minsheng "$MINSHENG" --gen "$BUILDDIR/bench/gen_roster" --dir "$SCRATCH/crash"
expect_status 0
expect_out "3 trials"
expect_out ", 0 failed"
# with rejected rows and --partial, crashing the recovery run too
run "$SRCDIR/scripts/crash-roster" --trials 2 --rows 2000 --bad 0.05 --partial --double-kill --seed 12 \
	--minsheng "$MINSHENG" --gen "$BUILDDIR/bench/gen_roster" --dir "$SCRATCH/crash2"
expect_status 0
expect_out ", 0 failed"
finish
