#!/usr/bin/env bash
# plan import / list: a broken-down plan, mismatched breakdowns (error, then
# accepted with --allow-mismatch), each bad row with file, line and column,
# re-import, list formats.
. "$(dirname "$0")/lib.sh"

db="$SCRATCH/p.db"
P="$TESTDATA/tracker/plans"

run "$MINSHENG" orgunit import "$P/units.csv" --db "$db"
expect_status 0

run "$MINSHENG" plan import "$P/good.csv" --db "$db"
expect_status 0
expect_out "已导入 6 行：2 个项目，2 个指标（其中替换 0 个），6 个目标"

run "$MINSHENG" plan list --year 2023 --db "$db"
expect_status 0
expect_out "1	skill_training	职业技能培训	>= 300 人次	41 河南省"
expect_out "9	courier_station_coverage	村级寄递物流服务站覆盖率	>= 75 %	41 河南省"

run "$MINSHENG" plan list --year 2023 --format json --db "$db"
expect_status 0
expect_out '"indicator":"courier_station_coverage"'
expect_out '"numerator":"villages_with_courier_station","denominator":"villages"'

# CSV is the import format (aggregation written out).
run "$MINSHENG" plan list --year 2023 --format csv --db "$db"
expect_status 0
expect_out "2023,1,技能河南,skill_training,职业技能培训,人次,count,>=,180,4101,sum,,"
expect_out "2023,9,农村基础设施,courier_station_coverage,村级寄递物流服务站覆盖率,%,rate,>=,75,41,last,villages_with_courier_station,villages"
cp "$SCRATCH/.out" "$SCRATCH/export.csv"
# Re-importing the export replaces the same indicators: same listing.
run "$MINSHENG" plan import "$SCRATCH/export.csv" --db "$db"
expect_status 0
expect_out "其中替换 2 个"
run "$MINSHENG" plan list --year 2023 --format csv --db "$db"
expect_same "$SCRATCH/.out" "$SCRATCH/export.csv"

# Breakdown: 180 + 110 = 290 against 300.
run "$MINSHENG" plan import "$P/mismatch.csv" --db "$db"
expect_status 1
expect_err "mismatch.csv:2:9: 指标 'skill_training' 单位 '41' 的目标为 300，其 2 个下级单位的目标合计为 290，相差 -10"
run "$MINSHENG" plan list --year 2023 --format csv --db "$db"
expect_same "$SCRATCH/.out" "$SCRATCH/export.csv"
run "$MINSHENG" plan import "$P/mismatch.csv" --allow-mismatch --db "$db"
expect_status 0
expect_err "警告："
expect_out "1 处目标分解不一致"

# Bad rows: every one reported, nothing written.
run "$MINSHENG" plan import "$P/bad-rows.csv" --db "$db"
expect_status 1
expect_err "bad-rows.csv:2:7: 指标类型 'counts' 无效"
expect_err "bad-rows.csv:3:9: 目标值 '80万' 不是有效的数"
expect_err "共 2 处错误"
run "$MINSHENG" plan import "$P/bad-header.csv" --db "$db"
expect_status 1
expect_err "bad-header.csv:1:2: 表头应为 year,project_no"
run "$MINSHENG" plan import "$P/definition-mismatch.csv" --db "$db"
expect_status 1
expect_err "definition-mismatch.csv:3:6: 指标 'skill_training' 的unit与第2行的定义不一致"
run "$MINSHENG" plan import "$P/formula-count.csv" --db "$db"
expect_status 1
expect_err "formula-count.csv:2:12: 只有比率指标（rate）可以有分子和分母"
printf '%s\n%s\n' "$(head -1 "$P/good.csv")" "2023,1,技能河南,x,其他,人,count,>=,80,4199,,," >"$SCRATCH/unit.csv"
run "$MINSHENG" plan import "$SCRATCH/unit.csv" --db "$db"
expect_status 1
expect_err "unit.csv:2:10: 未知的单位代码 '4199'"

run "$MINSHENG" plan list --db "$db"
expect_status 2
run "$MINSHENG" plan list --year 2019 --db "$db"
expect_status 0
expect_err "2019年没有计划"

finish
