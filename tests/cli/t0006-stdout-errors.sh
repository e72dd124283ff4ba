#!/usr/bin/env bash
# Output lost on standard output (/dev/full: every write fails with ENOSPC)
# is reported, "写出失败", with exit 3, by every command that prints to it;
# the same command with a working standard output exits 0 (so each check
# can fail). main.c checks standard output after every command
# (cli_stdout_close), so a command added later is covered as well.
. "$(dirname "$0")/lib.sh"

P="$TESTDATA/tracker/plans"
S="$TESTDATA/subsidy/core"
db="$SCRATCH/o.db"

if ! (: >/dev/full) 2>/dev/null; then
	echo "no /dev/full here; skipped"
	finish
fi

# run_full CMD...: CMD with standard output on /dev/full fails with exit 3
# and says so; with standard output on a file it succeeds.
run_full() {
	_last="$* >/dev/full"
	"$@" >/dev/full 2>"$SCRATCH/.err"
	_status=$?
	: >"$SCRATCH/.out"
	expect_status 3
	expect_err "写出失败"
}
run_ok() {
	run "$@"
	expect_status 0
	[ -s "$SCRATCH/.out" ] && _pass || _fail "no output on stdout"
}

# Imports print their summary on stdout: the first run writes (and the
# summary is lost: exit 3), a second run of the same file is a no-op.
run_full "$MINSHENG" orgunit import "$P/units.csv" --db "$db"
run_ok "$MINSHENG" orgunit import "$P/units.csv" --db "$db"
run_full "$MINSHENG" plan import "$P/good.csv" --db "$db"
run_ok "$MINSHENG" plan import "$P/good.csv" --db "$db"
run_full "$MINSHENG" values import "$P/values-2023.csv" --db "$db"
run_ok "$MINSHENG" values import "$P/values-2023.csv" --db "$db"

for f in text csv json; do
	run_full "$MINSHENG" orgunit list --format "$f" --db "$db"
	run_ok "$MINSHENG" orgunit list --format "$f" --db "$db"
	run_full "$MINSHENG" plan list --year 2023 --format "$f" --db "$db"
	run_ok "$MINSHENG" plan list --year 2023 --format "$f" --db "$db"
	run_full "$MINSHENG" report --year 2023 --format "$f" --db "$db"
	run_ok "$MINSHENG" report --year 2023 --format "$f" --db "$db"
done
for f in text json; do
	run_full "$MINSHENG" lagging --year 2023 --indicator skill_training --format "$f" --db "$db"
	run_ok "$MINSHENG" lagging --year 2023 --indicator skill_training --format "$f" --db "$db"
done
run_full "$MINSHENG" bulletin --year 2023 --db "$db"
run_ok "$MINSHENG" bulletin --year 2023 --db "$db"
run_full "$MINSHENG" bulletin --year 2023 --period 2023Q1 --db "$db"
run_full "$MINSHENG" values export --year 2023 --db "$db"
run_ok "$MINSHENG" values export --year 2023 --db "$db"

# A lot of output (more than stdio's buffer): the failure comes from a
# write in the middle, not from the last flush.
run_full "$MINSHENG" orgunit list --format csv --db "$db"

# Help and version.
run_full "$MINSHENG" version
run_ok "$MINSHENG" version
run_full "$MINSHENG" --help
run_full "$MINSHENG" plan --help
run_full "$MINSHENG" report --help
run_full "$MINSHENG" report --year 2023 --help

# Subsidy commands.
sdb="$SCRATCH/s.db"
run_full "$MINSHENG" subsidy programme import "$S/programmes.csv" --db "$sdb"
run_ok "$MINSHENG" subsidy programme list --db "$sdb"
for f in text csv json; do
	run_full "$MINSHENG" subsidy programme list --format "$f" --db "$sdb"
done
run_full "$MINSHENG" subsidy check --db "$sdb"
run_ok "$MINSHENG" subsidy check --db "$sdb"
run_full "$MINSHENG" subsidy batch list --db "$sdb"
run_full "$MINSHENG" subsidy batch list --format json --db "$sdb"
run_full "$MINSHENG" subsidy beneficiary list --db "$sdb"
run_full "$MINSHENG" subsidy anomalies --db "$sdb"
run_full "$MINSHENG" subsidy stats --year 2022 --db "$sdb"
run_ok "$MINSHENG" subsidy stats --year 2022 --db "$sdb"

# A usage error is still a usage error (exit 2) with stdout on /dev/full.
"$MINSHENG" report --year 2023 --period 2024Q1 --db "$db" >/dev/full 2>/dev/null
[ $? -eq 2 ] && _pass || _fail "a usage error with stdout on /dev/full is not exit 2"

# demo: the database is built (and kept), the report is lost: exit 3.
run_full "$MINSHENG" demo --db "$SCRATCH/demo.db"
[ -s "$SCRATCH/demo.db" ] && _pass || _fail "demo left no database"
finish
