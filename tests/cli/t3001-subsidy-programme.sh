#!/usr/bin/env bash
# subsidy programme import / list: formats, every bad row, re-import rules.
. "$(dirname "$0")/lib.sh"
D="$TESTDATA/subsidy/core"
db="$SCRATCH/p.db"

# A file with bad rows: each reported with line, column and reason; nothing written.
run "$MINSHENG" subsidy programme import "$D/programmes-bad.csv" --db "$db"
expect_status 1
expect_err "programmes-bad.csv:3:1: 项目代码 'bad code!' 无效"
expect_err ":3:1: 项目代码 'bad code!' 无效（应为 1 到 32 个字母、数字、- _ .） [bad_code]"
expect_err ":4:2: 项目名称 '' 为空、过长或含控制字符 [bad_name]"
expect_err ":5:3: 主管部门 '' 为空、过长或含控制字符 [bad_department]"
expect_err ":6:4: 发放频次 'weekly' 无效"
expect_err ":7:5: 补贴标准 '0' 无效"
expect_err ":8:5: 补贴标准 '12.5' 无效"
expect_err ":9:6: 最低年龄 'abc' 无效"
expect_err ":10:7: 最高年龄 '200' 无效"
expect_err ":11:7: 最高年龄 '60' 小于最低年龄 [bad_age]"
expect_err ":12:4: 有 3 个字段，应为 7 个 [field_count]"
expect_err ":13:1: 项目代码 'GOOD' 与第 2 行重复 [duplicate_code]"
expect_err "11 行有错误，未导入任何项目"
run "$MINSHENG" subsidy programme list --db "$db" --format csv
expect_status 0
[ "$(wc -l <"$SCRATCH/.out")" -eq 1 ] && _pass || _fail "programme GOOD was written despite bad rows"

# A good file; list in the three formats.
run "$MINSHENG" subsidy programme import "$D/programmes.csv" --db "$db"
expect_status 0
expect_out "已导入 5 个补贴项目"
run "$MINSHENG" subsidy programme list --db "$db"
expect_status 0
expect_out "政策清单（5 项）"
expect_out "GLJT	80周岁以上高龄津贴	省民政厅	按月	100.00	80 岁以上"
expect_out "GDBH	耕地地力保护补贴	省农业农村厅	按年	不限	18 岁以上"
expect_out "JYBZ	家庭经济困难学生资助	省教育厅	一次性	2000.00	6-25 岁"
run "$MINSHENG" subsidy programme list --db "$db" --format json
expect_status 0
expect_out '{"code":"DBJ","name":"城乡居民最低生活保障金","department":"省民政厅","frequency":"monthly","standard_fen":90000,"min_age":null,"max_age":null}'
# CSV output is the import format: it round-trips.
run "$MINSHENG" subsidy programme list --db "$db" --format csv
expect_status 0
sort "$D/programmes.csv" >"$SCRATCH/a"
sort "$SCRATCH/.out" >"$SCRATCH/b"
expect_same "$SCRATCH/a" "$SCRATCH/b"
run "$MINSHENG" subsidy programme list --db "$db" --format xml
expect_status 2

# Re-import updates by code and adds new codes; others stay.
run "$MINSHENG" subsidy programme import "$D/programmes-update.csv" --db "$db"
expect_status 0
run "$MINSHENG" subsidy programme list --db "$db" --format csv
expect_out "DBJ,城乡低保金,省民政厅,monthly,95000,,"
expect_out "NEWP,新项目,省财政厅,once,,,"
expect_out "GLJT,80周岁以上高龄津贴"

# Once a programme has entitlements its frequency may not change.
"$MINSHENG" orgunit import "$D/orgunits.csv" --db "$db" >/dev/null
run "$MINSHENG" subsidy roster import "$D/every-kind.csv" --partial --db "$db"
expect_status 1
run "$MINSHENG" subsidy programme import "$D/programmes-freq.csv" --db "$db"
expect_status 1
expect_err "项目 'DBJ' 已有应发记录，不能更改发放频次 [frequency_in_use]"

run "$MINSHENG" subsidy programme import "$SCRATCH/none.csv" --db "$db"
expect_status 3
run "$MINSHENG" subsidy programme import --db "$db"
expect_status 2

# Bad options and operands: one Chinese usage message each (cli_option_error), exit 2.
run "$MINSHENG" subsidy programme import --bogus "$D/programmes.csv" --db "$db"
expect_status 2
expect_err "未知选项 '--bogus'"
expect_err "用法：minsheng subsidy programme import"
run "$MINSHENG" subsidy programme list --db "$db" extra
expect_status 2
expect_err "多余的参数 'extra'"
run "$MINSHENG" subsidy roster import "$D/every-kind.csv" --rejects
expect_status 2
expect_err "选项 --rejects 需要参数"
run "$MINSHENG" subsidy roster import --db "$db"
expect_status 2
expect_err "缺少文件"
run "$MINSHENG" subsidy check --db "$db" -z
expect_status 2
expect_err "未知选项 '-z'"
run "$MINSHENG" subsidy beneficiary list --db "$db" --nope
expect_status 2
expect_err "未知选项 '--nope'"
finish
