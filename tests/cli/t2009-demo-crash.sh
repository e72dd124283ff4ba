#!/usr/bin/env bash
# demo killed (kill -9) at a few moments: what is left at the path is
# either nothing (or the empty file that was there; the partial file beside
# it is not the database) or a complete database, and the same command run
# again works. A second demo on the same path while one runs is refused.
# (Few full runs: demo takes a while under the sanitizers.)
. "$(dirname "$0")/lib.sh"

# complete DB: the database answers as a complete demo database does.
complete() {
	run "$MINSHENG" bulletin --year 2022 --db "$1"
	expect_status 0
	expect_out "25项指标任务已完成25项。"
	run "$MINSHENG" lagging --year 2022 --indicator bus_route_villages --db "$1"
	expect_status 0
	expect_out "除焦作博爱县、周口沈丘县、济源外，其余178个县级单位均已完成"
	run "$MINSHENG" report --year 2022 --indicator courier_station_coverage --by county --format csv --db "$1"
	expect_status 0
	expect_out "419001,"
	[ "$("$MINSHENG" orgunit list --level village --format csv --db "$1" | wc -l)" -eq 44501 ] &&
		_pass || _fail "not every village is in '$1'"
}

# kill_at DB SECONDS: start demo on DB, kill -9 it after SECONDS.
kill_at() {
	"$MINSHENG" demo --db "$1" >/dev/null 2>&1 &
	local pid=$!
	sleep "$2"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

trial=0
for delay in 0.5 3; do
	trial=$((trial + 1))
	db="$SCRATCH/k$trial.db"
	# The first trial's path holds an empty file (as `touch` leaves), which
	# demo may replace: it must still be there, empty, after the kill.
	[ "$trial" -eq 1 ] && : >"$db"
	kill_at "$db" "$delay"
	if [ -s "$db" ]; then
		echo "trial $trial (${delay}s): killed after the rename"
		complete "$db"
		continue
	fi
	echo "trial $trial (${delay}s): killed while building, nothing at the path"
	if [ "$trial" -eq 1 ]; then
		[ -e "$db" ] && _pass || _fail "the empty file at '$db' was removed"
	fi
	for f in "$db-wal" "$db-shm" "$db-journal"; do
		[ ! -e "$f" ] && _pass || _fail "'$f' left beside a database that is not there"
	done
	# Kill the re-run too, once.
	[ "$trial" -eq 2 ] && kill_at "$db" 1
	[ -s "$db" ] && { complete "$db"; continue; }
	run "$MINSHENG" demo --db "$db"
	expect_status 0
	expect_err "47286 个组织机构"
	expect_out "2022年省重点民生实事完成情况如下："
	expect_out "25项指标任务已完成25项。"
	expect_out "新增客运班线公交化运营行政村（县级分解为合成数据）：除焦作博爱县、周口沈丘县、济源外，其余178个县级单位均已完成。"
	# The partial file is gone (renamed), and nothing of it is left.
	expect_no_db_files "$db.demo-partial"
	# A new database is private (mode 0600), even over the empty file.
	[ "$(stat -c %a "$db")" = 600 ] && _pass || _fail "'$db' has mode $(stat -c %a "$db")"
	complete "$db"
done

# Killed just after the rename (while printing): the database is complete,
# and running demo again refuses it as any existing database.
db="$SCRATCH/late.db"
"$MINSHENG" demo --db "$db" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1200); do
	[ -s "$db" ] && break
	sleep 0.1
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
complete "$db"
run "$MINSHENG" demo --db "$db"
expect_status 1
expect_err "已存在"

# Two demos on one path: the second is refused while the first builds.
db="$SCRATCH/two.db"
"$MINSHENG" demo --db "$db" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do
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
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
finish
