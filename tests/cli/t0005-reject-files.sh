#!/usr/bin/env bash
# The reject file (--rejects R) of roster and values import: it takes its
# name once every row is read and before the rows are committed, so it is
# never lost or clobbered (docs/roster.md, docs/values.md, "Reject file"):
#   - an input refused as a whole (bad or missing header, undecodable
#     bytes, a directory) leaves an existing R exactly as it was;
#   - with --partial, R lists every reject and the accepted rows are in;
#   - a commit that fails leaves R complete, imports nothing, exits 3 and
#     says so; re-running the command gives the same R and imports the rows;
#   - an R that cannot be put in place (here: a directory appears at its
#     name while the import runs) means nothing is committed, exit 3.
. "$(dirname "$0")/lib.sh"
S="$TESTDATA/subsidy/core"
V="$TESTDATA/tracker/core"

# Prepared databases, copied afresh where a test needs a clean one.
"$MINSHENG" orgunit import "$S/orgunits.csv" --db "$SCRATCH/roster.db" >/dev/null
"$MINSHENG" subsidy programme import "$S/programmes.csv" --db "$SCRATCH/roster.db" >/dev/null
"$MINSHENG" orgunit import "$V/orgunits.csv" --db "$SCRATCH/values.db" >/dev/null
"$MINSHENG" plan import "$V/plan.csv" --db "$SCRATCH/values.db" >/dev/null
# fresh NAME KIND: a copy of the prepared KIND database at $SCRATCH/NAME
fresh() {
	rm -f "$SCRATCH/$1" "$SCRATCH/$1-wal" "$SCRATCH/$1-shm" "$SCRATCH/$1.key"
	cp "$SCRATCH/$2.db" "$SCRATCH/$1"
	[ -e "$SCRATCH/$2.db.key" ] && cp "$SCRATCH/$2.db.key" "$SCRATCH/$1.key"
	:
}
roster_rows() { sqlite3 "$1" "SELECT (SELECT COUNT(*) FROM entitlement), (SELECT COUNT(*) FROM beneficiary), (SELECT COUNT(*) FROM roster_import), (SELECT COUNT(*) FROM ledger_entry)"; }
values_rows() { sqlite3 "$1" "SELECT (SELECT COUNT(*) FROM datavalue), (SELECT COUNT(*) FROM datavalue_rollup), (SELECT COUNT(*) FROM datavalue_audit)"; }
old="$SCRATCH/old.csv"
printf 'line,column,code,message\n99,1,earlier,an earlier import\n' >"$old"

# ---- 1. refused as a whole: an existing reject file stays as it was ----
printf 'a,b,c\n1,2,3\n' >"$SCRATCH/badhdr.csv"
: >"$SCRATCH/empty.csv"
printf '\377\376p\000r\000o\000\n\000' >"$SCRATCH/utf16.csv"
mkdir "$SCRATCH/adir.csv"
# (undecodable bytes in a data row are a reject row: see 2.)
{ head -1 "$V/values.csv"; printf 'skill_training,202301,410102,,,1\377\376\n'; } >"$SCRATCH/v-bytes.csv"
fresh r1.db roster
fresh v1.db values
for f in badhdr.csv empty.csv utf16.csv adir.csv; do
	cp "$old" "$SCRATCH/R.csv"
	run "$MINSHENG" subsidy roster import "$SCRATCH/$f" --partial --rejects "$SCRATCH/R.csv" --db "$SCRATCH/r1.db"
	expect_status 1
	expect_same "$old" "$SCRATCH/R.csv"
	run "$MINSHENG" values import "$SCRATCH/$f" --partial --rejects "$SCRATCH/R.csv" --db "$SCRATCH/v1.db"
	expect_status 1
	expect_same "$old" "$SCRATCH/R.csv"
done
# the bad header named, as before
run "$MINSHENG" values import "$SCRATCH/badhdr.csv" --partial --rejects "$SCRATCH/R.csv" --db "$SCRATCH/v1.db"
expect_err "badhdr.csv:1: 表头应为"
run "$MINSHENG" subsidy roster import "$SCRATCH/badhdr.csv" --rejects "$SCRATCH/R.csv" --db "$SCRATCH/r1.db"
expect_status 1
expect_same "$old" "$SCRATCH/R.csv"
[ "$(roster_rows "$SCRATCH/r1.db")" = "0|0|0|0" ] && _pass || _fail "a refused roster wrote rows"
[ "$(values_rows "$SCRATCH/v1.db")" = "0|0|0" ] && _pass || _fail "a refused values file wrote rows"
# no temporary file left beside R
[ -z "$(find "$SCRATCH" -mindepth 1 -maxdepth 1 -name '.*' ! -name '.out' ! -name '.err' ! -name '.diff')" ] &&
	_pass || _fail "temporary files left: $(ls -A "$SCRATCH")"

# ---- 2. read through: R replaced by the complete list ----
fresh r2.db roster
cp "$old" "$SCRATCH/R.csv"
run "$MINSHENG" subsidy roster import "$S/every-kind.csv" --partial --rejects "$SCRATCH/R.csv" --db "$SCRATCH/r2.db"
expect_status 1
expect_out "接受 6 行，拒绝 24 行"
expect_same "$S/every-kind.rejects.csv" "$SCRATCH/R.csv"
[ "$(roster_rows "$SCRATCH/r2.db" | cut -d'|' -f1,3)" = "6|1" ] && _pass || _fail "partial roster: 6 rows of one import expected"
# all or nothing: R lists the rejects, nothing is written
fresh r2b.db roster
cp "$old" "$SCRATCH/R.csv"
run "$MINSHENG" subsidy roster import "$S/every-kind.csv" --rejects "$SCRATCH/R.csv" --db "$SCRATCH/r2b.db"
expect_status 1
expect_same "$S/every-kind.rejects.csv" "$SCRATCH/R.csv"
[ "$(roster_rows "$SCRATCH/r2b.db")" = "0|0|0|0" ] && _pass || _fail "all-or-nothing roster wrote rows"
# undecodable bytes in a roster row are a reject: R is written
{ head -1 "$S/every-kind.csv"; printf 'DBJ,202305,\377\376,x,410102001001,6217000000000000012,1\n'; } >"$SCRATCH/r-bytes.csv"
cp "$old" "$SCRATCH/R.csv"
run "$MINSHENG" subsidy roster import "$SCRATCH/r-bytes.csv" --encoding UTF-8 --partial --rejects "$SCRATCH/R.csv" --db "$SCRATCH/r2b.db"
expect_status 1
grep -q '^2,3,invalid_utf8,' "$SCRATCH/R.csv" && _pass || _fail "roster: invalid_utf8 not listed in R"
# and in a values row likewise
cp "$old" "$SCRATCH/R.csv"
run "$MINSHENG" values import "$SCRATCH/v-bytes.csv" --partial --rejects "$SCRATCH/R.csv" --db "$SCRATCH/v1.db"
expect_status 0
expect_err "v-bytes.csv:2:6:"
grep -q '^2,6,bad_encoding,' "$SCRATCH/R.csv" && _pass || _fail "values: bad_encoding not listed in R"
fresh v2.db values
cp "$old" "$SCRATCH/R.csv"
run "$MINSHENG" values import "$V/bad-values.csv" --partial --rejects "$SCRATCH/R.csv" --db "$SCRATCH/v2.db"
expect_status 0
expect_out "导入 1 条，替换 0 条，拒绝 10 条"
expect_same "$V/bad-values.rejects.csv" "$SCRATCH/R.csv"
[ "$(sqlite3 "$SCRATCH/v2.db" "SELECT COUNT(*) FROM datavalue")" = 1 ] && _pass || _fail "partial values: the good row is not in"
# a header with no rows: no rejects, R is the header alone
head -1 "$V/values.csv" >"$SCRATCH/v-hdr.csv"
cp "$old" "$SCRATCH/R.csv"
run "$MINSHENG" values import "$SCRATCH/v-hdr.csv" --partial --rejects "$SCRATCH/R.csv" --db "$SCRATCH/v2.db"
expect_status 0
[ "$(cat "$SCRATCH/R.csv")" = "line,column,code,message" ] && _pass || _fail "values: R of a file without rows is not the header alone"

# ---- 3. the commit fails: R complete, nothing imported, exit 3 ----
# The commit is made to fail for real: a file size limit (ulimit -f, with
# SIGXFSZ ignored so a write past it fails with EFBIG instead of killing
# the process) above the 32 KiB of the database's -shm file and the reject
# file, below what the commit appends to the -wal file (the rows stay in
# SQLite's page cache until COMMIT). The same command without the limit
# then succeeds, so the limit is what made it fail.
LIMIT_KIB=40
limited() { (trap '' XFSZ; ulimit -f "$LIMIT_KIB" && exec "$@"); }

fresh r3.db roster
cp "$old" "$SCRATCH/R.csv"
run limited "$MINSHENG" subsidy roster import "$S/every-kind.csv" --partial --rejects "$SCRATCH/R.csv" --db "$SCRATCH/r3.db"
expect_status 3
expect_err "未导入任何数据（拒绝文件 '$SCRATCH/R.csv' 已写出）"
expect_no_out "已写入"
expect_same "$S/every-kind.rejects.csv" "$SCRATCH/R.csv"
[ "$(roster_rows "$SCRATCH/r3.db")" = "0|0|0|0" ] && _pass || _fail "roster: rows committed although the commit failed: $(roster_rows "$SCRATCH/r3.db")"
run "$MINSHENG" subsidy check --db "$SCRATCH/r3.db"
expect_status 0
# re-run: the same reject file, and the rows go in
run "$MINSHENG" subsidy roster import "$S/every-kind.csv" --partial --rejects "$SCRATCH/R2.csv" --db "$SCRATCH/r3.db"
expect_status 1
expect_out "已写入：导入编号 1"
expect_same "$SCRATCH/R.csv" "$SCRATCH/R2.csv"
[ "$(roster_rows "$SCRATCH/r3.db" | cut -d'|' -f1,3)" = "6|1" ] && _pass || _fail "roster re-run: 6 rows of one import expected"

# all or nothing, every row valid: R is the header alone, in place before
# the commit that fails
head -6 "$S/every-kind.csv" >"$SCRATCH/r-good.csv"
fresh r3b.db roster
cp "$old" "$SCRATCH/R.csv"
run limited "$MINSHENG" subsidy roster import "$SCRATCH/r-good.csv" --rejects "$SCRATCH/R.csv" --db "$SCRATCH/r3b.db"
expect_status 3
expect_err "未导入任何数据（拒绝文件 '$SCRATCH/R.csv' 已写出）"
[ "$(cat "$SCRATCH/R.csv")" = "line,column,code,message" ] && _pass || _fail "roster: R is not the header alone"
[ "$(roster_rows "$SCRATCH/r3b.db")" = "0|0|0|0" ] && _pass || _fail "roster: rows committed although the commit failed"
# without a reject file the failed commit says the same
run limited "$MINSHENG" subsidy roster import "$SCRATCH/r-good.csv" --db "$SCRATCH/r3b.db"
expect_status 3
expect_err "minsheng: 未导入任何数据"
[ "$(roster_rows "$SCRATCH/r3b.db")" = "0|0|0|0" ] && _pass || _fail "roster: rows committed although the commit failed"
run "$MINSHENG" subsidy roster import "$SCRATCH/r-good.csv" --db "$SCRATCH/r3b.db"
expect_status 0
expect_out "接受 5 行，拒绝 0 行"

# values: a file big enough that its commit outgrows the limit
{
	cat "$V/bad-values.csv"
	for y in $(seq 2001 2022); do
		for m in 01 02 03 04 05 06 07 08 09 10 11 12; do
			for u in 410102 410103 410202 410302 410102001001; do
				echo "skill_training,$y$m,$u,,,$((10#$m * 7)),zz"
			done
		done
	done
} >"$SCRATCH/v-big.csv"
fresh v3.db values
cp "$old" "$SCRATCH/R.csv"
run limited "$MINSHENG" values import "$SCRATCH/v-big.csv" --partial --rejects "$SCRATCH/R.csv" --db "$SCRATCH/v3.db"
expect_status 3
expect_err "未导入任何数据（拒绝文件 '$SCRATCH/R.csv' 已写出）"
expect_no_out "导入 "
expect_same "$V/bad-values.rejects.csv" "$SCRATCH/R.csv"
[ "$(values_rows "$SCRATCH/v3.db")" = "0|0|0" ] && _pass || _fail "values: rows committed although the commit failed: $(values_rows "$SCRATCH/v3.db")"
run "$MINSHENG" values import "$SCRATCH/v-big.csv" --partial --rejects "$SCRATCH/R2.csv" --db "$SCRATCH/v3.db"
expect_status 0
expect_out "导入 1321 条，替换 0 条，拒绝 10 条"
expect_same "$SCRATCH/R.csv" "$SCRATCH/R2.csv"
# all or nothing (no reject file then): the failed commit is reported so
grep -v -e nosuch -e 4199 -e 202313 -e 12a -e ',-5,' -e ',4$' -e W10 -e 1.00001 -e xyz -e ',,zz$' \
	"$SCRATCH/v-big.csv" >"$SCRATCH/v-good.csv"
fresh v3b.db values
run limited "$MINSHENG" values import "$SCRATCH/v-good.csv" --db "$SCRATCH/v3b.db"
expect_status 3
expect_err "minsheng: 未导入任何数据"
[ "$(values_rows "$SCRATCH/v3b.db")" = "0|0|0" ] && _pass || _fail "values: rows committed although the commit failed"
run "$MINSHENG" values import "$SCRATCH/v-good.csv" --db "$SCRATCH/v3b.db"
expect_status 0
expect_out "导入 1321 条，替换 0 条，拒绝 0 条"

# ---- 4. R cannot take its name: nothing committed, exit 3 ----
# The input is a FIFO, so the import waits for it after making its
# temporary reject file; a directory is then made at R's name, and the
# rename over it fails once the rows are read.
# place_fails NAME DB CMD...: run CMD (reading $SCRATCH/NAME.fifo, writing
# rejects to $SCRATCH/NAME.d/R.csv) with a directory appearing at R.
place_fails() {
	local name=$1 src=$2 i pid
	shift 2
	rm -rf "$SCRATCH/$name.d" "$SCRATCH/$name.fifo"
	mkdir "$SCRATCH/$name.d"
	mkfifo "$SCRATCH/$name.fifo"
	_last="$*"
	"$@" >"$SCRATCH/.out" 2>"$SCRATCH/.err" &
	pid=$!
	for i in $(seq 300); do
		[ -n "$(ls -A "$SCRATCH/$name.d")" ] && break
		sleep 0.1
	done
	mkdir "$SCRATCH/$name.d/R.csv"
	timeout 60 sh -c 'cat "$1" >"$2"' sh "$src" "$SCRATCH/$name.fifo"
	wait "$pid"
	_status=$?
}
fresh r4.db roster
place_fails r4 "$S/every-kind.csv" "$MINSHENG" subsidy roster import "$SCRATCH/r4.fifo" --partial \
	--rejects "$SCRATCH/r4.d/R.csv" --db "$SCRATCH/r4.db"
expect_status 3
expect_err "无法写入拒绝文件 '$SCRATCH/r4.d/R.csv'"
expect_err "未导入任何数据"
[ "$(roster_rows "$SCRATCH/r4.db")" = "0|0|0|0" ] && _pass || _fail "roster: rows committed although R could not be written"
[ "$(ls -A "$SCRATCH/r4.d")" = "R.csv" ] && [ -z "$(ls -A "$SCRATCH/r4.d/R.csv")" ] && _pass ||
	_fail "roster: left in R's directory: $(ls -AR "$SCRATCH/r4.d")"
fresh v4.db values
place_fails v4 "$V/bad-values.csv" "$MINSHENG" values import "$SCRATCH/v4.fifo" --partial \
	--rejects "$SCRATCH/v4.d/R.csv" --db "$SCRATCH/v4.db"
expect_status 3
expect_err "无法写入拒绝文件 '$SCRATCH/v4.d/R.csv'"
expect_err "未导入任何数据"
[ "$(values_rows "$SCRATCH/v4.db")" = "0|0|0" ] && _pass || _fail "values: rows committed although R could not be written"
[ "$(ls -A "$SCRATCH/v4.d")" = "R.csv" ] && [ -z "$(ls -A "$SCRATCH/v4.d/R.csv")" ] && _pass ||
	_fail "values: left in R's directory: $(ls -AR "$SCRATCH/v4.d")"
finish
