#!/usr/bin/env bash
# values import / export: all-or-nothing, --partial with a rejects file,
# replace with audit, identical re-import, round trip, bad headers.
. "$(dirname "$0")/lib.sh"

D="$TESTDATA/tracker/core"
db="$SCRATCH/v.db"
setup() {
	rm -f "$1" "$1-wal" "$1-shm"
	run "$MINSHENG" orgunit import "$D/orgunits.csv" --db "$1"
	expect_status 0
	run "$MINSHENG" plan import "$D/plan.csv" --db "$1"
	expect_status 0
}
setup "$db"

# Every bad row is listed with file, line, column; nothing is written.
run "$MINSHENG" values import "$D/bad-values.csv" --db "$db"
expect_status 1
expect_err "bad-values.csv:3:1: 未知的数据元代码 'nosuch'"
expect_err "bad-values.csv:4:3: 未知的单位代码 '4199'"
expect_err "bad-values.csv:5:2: 无效的期间 '202313'"
expect_err "bad-values.csv:6:6: 数值无效 '12a'"
expect_err "bad-values.csv:7:6: 计数指标的数值不能为负 '-5'"
expect_err "bad-values.csv:8:7:"
expect_err "bad-values.csv:9:2: 不支持的周期 '2023W10'"
expect_err "bad-values.csv:10:6: 数值 '1.00001' 的小数位数超过 4 位"
expect_err "bad-values.csv:11:4: 不支持的分类选项组合 'xyz'"
expect_err "bad-values.csv:12:6: 缺少数值"
expect_err "共 10 行有错误，未导入任何数据"
run sqlite3 "$db" "SELECT count(*) FROM datavalue; SELECT count(*) FROM datavalue_rollup;"
expect_status 0
[ "$(out)" = "$(printf '0\n0')" ] && _pass || _fail "something was written"

# --rejects needs --partial.
run "$MINSHENG" values import "$D/bad-values.csv" --rejects "$SCRATCH/r.csv" --db "$db"
expect_status 2

# --partial: the good row goes in, the rejects file lists the rest exactly.
run "$MINSHENG" values import "$D/bad-values.csv" --partial --rejects "$SCRATCH/r.csv" --db "$db"
expect_status 0
expect_out "导入 1 条，替换 0 条，拒绝 10 条"
expect_same "$D/bad-values.rejects.csv" "$SCRATCH/r.csv"

# A fresh database, the good file.
setup "$db"
run "$MINSHENG" values import "$D/values.csv" --db "$db"
expect_status 0
expect_out "导入 19 条，替换 0 条，拒绝 0 条"

# Identical re-import changes nothing.
run "$MINSHENG" values import "$D/values.csv" --db "$db"
expect_status 0
expect_out "导入 0 条，替换 0 条，拒绝 0 条（另有 19 条与已有数值相同，未改动）"
run sqlite3 "$db" "SELECT count(*) FROM datavalue_audit"
[ "$(out)" = "0" ] && _pass || _fail "audit rows after identical import"

# Export: the expected file; importing it elsewhere and exporting again
# gives the same bytes.
run "$MINSHENG" values export --year 2023 --db "$db"
expect_status 0
out >"$SCRATCH/export.csv"
expect_same "$D/values.export.csv" "$SCRATCH/export.csv"
setup "$SCRATCH/w.db"
run "$MINSHENG" values import "$SCRATCH/export.csv" --db "$SCRATCH/w.db"
expect_status 0
expect_out "导入 19 条"
run "$MINSHENG" values export --year 2023 --db "$SCRATCH/w.db"
out >"$SCRATCH/export2.csv"
expect_same "$SCRATCH/export.csv" "$SCRATCH/export2.csv"
run "$MINSHENG" values export --year 2022 --db "$db"
expect_status 0
[ "$(out)" = "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment,followup" ] && _pass || _fail "2022 export not empty"

# Replace: the old value is kept in the audit with who and when.
printf 'dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\nskill_training,202302,410102,,,125000\n' >"$SCRATCH/fix.csv"
USER=checker run "$MINSHENG" values import "$SCRATCH/fix.csv" --db "$db"
expect_status 0
expect_out "导入 0 条，替换 1 条，拒绝 0 条"
run sqlite3 "$db" "SELECT period, old_value, new_value, who FROM datavalue_audit"
expect_out "202302|120000|125000|checker"

# Bad headers and unreadable files: nothing read.
printf 'dataelement,orgunit,period,categoryoptioncombo,attributeoptioncombo,value\nnew_jobs,41,202301,,,1\n' >"$SCRATCH/h.csv"
run "$MINSHENG" values import "$SCRATCH/h.csv" --partial --db "$db"
expect_status 1
expect_err "h.csv:1:2: 表头第 2 列应为 'period'，实为 'orgunit'"
printf 'dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\n"new_jobs,202301,41,,,1\n' >"$SCRATCH/q.csv"
run "$MINSHENG" values import "$SCRATCH/q.csv" --partial --db "$db"
expect_status 1
run "$MINSHENG" values import "$SCRATCH/nosuch.csv" --db "$db"
expect_status 3
run "$MINSHENG" values import --db "$db"
expect_status 2
expect_err "缺少文件"
run "$MINSHENG" values export --db "$db"
expect_status 2
run sqlite3 "$db" "SELECT count(*) FROM datavalue WHERE de_id = (SELECT id FROM dataelement WHERE code = 'new_jobs') AND m1 IS NOT NULL AND orgunit_id = (SELECT id FROM orgunit WHERE code = '41')"
[ "$(out)" = "0" ] && _pass || _fail "a bad file wrote values"

# Each value fits its stored range but their year's sum does not: the
# import fails naming the file, element and unit, and writes nothing, also
# with --partial.
printf 'dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\nnew_jobs,202305,410102,,,922337203685477.5807\nnew_jobs,202306,410102,,,1\n' >"$SCRATCH/big.csv"
for mode in "" --partial; do
	run "$MINSHENG" values import "$SCRATCH/big.csv" $mode --db "$db"
	expect_status 1
	expect_err "big.csv: 数据元 'new_jobs' 在单位 '410102' 的 2023 年汇总超出数值范围"
done
run sqlite3 "$db" "SELECT count(*) FROM datavalue WHERE de_id = (SELECT id FROM dataelement WHERE code = 'new_jobs') AND (m5 IS NOT NULL OR m6 IS NOT NULL)"
[ "$(out)" = "0" ] && _pass || _fail "an overflowing import wrote values"

finish
