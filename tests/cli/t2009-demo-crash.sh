#!/usr/bin/env bash
# demo killed (kill -9) at a few moments: what is left is either no
# database at all (the partial file beside it is not the database) or a
# complete one, and the same command run again works; its database equals
# a clean run's. A second demo on the same path while one runs is refused.
. "$(dirname "$0")/lib.sh"

# dump DB OUT: what the database holds, for comparison.
dump() {
	{
		"$MINSHENG" orgunit list --format csv --db "$1"
		"$MINSHENG" plan list --year 2022 --format csv --db "$1"
		"$MINSHENG" plan list --year 2023 --format csv --db "$1"
		"$MINSHENG" values export --year 2022 --db "$1" | cut -d, -f1-6
		"$MINSHENG" report --year 2022 --format json --db "$1"
	} >"$2" 2>&1
}

# A clean run, the reference.
ref="$SCRATCH/ref.db"
run "$MINSHENG" demo --db "$ref"
expect_status 0
cp "$SCRATCH/.out" "$SCRATCH/ref.out"
dump "$ref" "$SCRATCH/ref.dump"
[ ! -e "$ref.demo-partial" ] && _pass || _fail "a clean run left its partial file"
expect_no_db_files "$ref.demo-partial"

trial=0
for delay in 0.3 1.5 4; do
	trial=$((trial + 1))
	db="$SCRATCH/k$trial.db"
	"$MINSHENG" demo --db "$db" >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	if [ -e "$db" ]; then
		# Only a complete database is ever at the path.
		dump "$db" "$SCRATCH/k$trial.dump"
		expect_same "$SCRATCH/ref.dump" "$SCRATCH/k$trial.dump"
		echo "trial $trial (${delay}s): killed after the rename, database complete"
		continue
	fi
	echo "trial $trial (${delay}s): killed while building, no database"
	# Kill the re-run too, once, then run it to the end.
	if [ "$trial" -eq 2 ]; then
		"$MINSHENG" demo --db "$db" >/dev/null 2>&1 &
		pid=$!
		sleep 1
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	if [ -e "$db" ]; then
		dump "$db" "$SCRATCH/k$trial.dump"
		expect_same "$SCRATCH/ref.dump" "$SCRATCH/k$trial.dump"
		continue
	fi
	run "$MINSHENG" demo --db "$db"
	expect_status 0
	expect_same "$SCRATCH/ref.out" "$SCRATCH/.out"
	expect_no_db_files "$db.demo-partial"
	dump "$db" "$SCRATCH/k$trial.dump"
	expect_same "$SCRATCH/ref.dump" "$SCRATCH/k$trial.dump"
done

# Two demos on one path: the second is refused while the first builds,
# and the first completes.
db="$SCRATCH/two.db"
"$MINSHENG" demo --db "$db" >/dev/null 2>"$SCRATCH/first.err" &
pid=$!
for _ in $(seq 50); do
	[ -s "$db.demo-partial" ] && break
	sleep 0.1
done
run "$MINSHENG" demo --db "$db"
if [ -e "$db" ]; then
	echo "the first demo finished before the second started; concurrency not tested"
else
	expect_status 1
	expect_err "另一个 demo 正在建立数据库"
fi
wait "$pid"
[ $? -eq 0 ] && _pass || _fail "the first demo failed: $(cat "$SCRATCH/first.err")"
dump "$db" "$SCRATCH/two.dump"
expect_same "$SCRATCH/ref.dump" "$SCRATCH/two.dump"

# An empty file at the path (as `touch` leaves) is replaced, as before.
db="$SCRATCH/empty.db"
: >"$db"
run "$MINSHENG" demo --db "$db"
expect_status 0
dump "$db" "$SCRATCH/empty.dump"
expect_same "$SCRATCH/ref.dump" "$SCRATCH/empty.dump"
finish
