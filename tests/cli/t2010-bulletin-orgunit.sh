#!/usr/bin/env bash
# bulletin --orgunit: the bulletin of one unit and its subtree (figures,
# scope word of what the unit is, named in the first line so that the name
# identifies the unit, tasks counted only where the unit has targets);
# several roots need --orgunit (report, lagging and bulletin alike, exit 2,
# the instruction first, then the roots named) and every root's bulletin
# names its root; an unknown unit is exit 1.
. "$(dirname "$0")/lib.sh"

D="$TESTDATA/tracker/core"
db="$SCRATCH/b.db"
run "$MINSHENG" orgunit import "$D/orgunits.csv" --db "$db"
expect_status 0
run "$MINSHENG" plan import "$D/plan.csv" --db "$db"
expect_status 0
run "$MINSHENG" values import "$D/values.csv" --db "$db"
expect_status 0

# One root: without --orgunit, the root's bulletin as before; --orgunit 41
# is the same bulletin.
run "$MINSHENG" bulletin --year 2023 --period 2023Q1 --db "$db"
expect_status 0
expect_out "截至3月底，2023年省重点民生实事进展情况如下："
expect_out "全省职业技能培训累计107万人次，城镇新增就业累计28万人，分别完成年度目标任务的35.7%、28%；"
out >"$SCRATCH/root.txt"
run "$MINSHENG" bulletin --year 2023 --period 2023Q1 --orgunit 41 --db "$db"
expect_status 0
out >"$SCRATCH/root41.txt"
expect_same "$SCRATCH/root.txt" "$SCRATCH/root41.txt"

# A city: its own figures (郑州: 600000 of 1200000; the screening rate 94
# against its own 95; courier 30 of 40 villages against 80), 全市, named.
run "$MINSHENG" bulletin --year 2023 --period 2023Q1 --orgunit 4101 --db "$db"
expect_status 0
cat >"$SCRATCH/zz.txt" <<'EOF'
截至3月底，郑州市2023年省重点民生实事进展情况如下：
一、稳定和扩大就业
全市职业技能培训累计60万人次，完成年度目标任务的50%；城镇新增就业累计50000人；城镇调查失业率暂无数据。
二、提升群众健康水平
全市新生儿两病筛查率达到94%，低于年度目标任务1个百分点。
三、完善农村寄递物流
全市行政村寄递物流服务站覆盖率达到75%，低于年度目标任务5个百分点。
落后于序时进度（25%）的指标：新生儿两病筛查率（94%）、行政村寄递物流服务站覆盖率（75%）。
1项指标暂无数据：城镇调查失业率。
1项指标未设本级目标：城镇新增就业。
3项指标任务已完成0项。
EOF
out >"$SCRATCH/got.txt"
expect_same "$SCRATCH/zz.txt" "$SCRATCH/got.txt"
# The same city at year end, with --precision: a completion bulletin.
run "$MINSHENG" bulletin --year 2023 --orgunit 4103 --precision 2 --db "$db"
expect_status 0
expect_out "洛阳市2023年省重点民生实事完成情况如下："
expect_out "全市职业技能培训累计24万人次，完成年度目标任务的30%；"
expect_out "未完成的指标：职业技能培训。"
# A district (郑州中原区, 全区) and a 街道 (全街道), named with their city
# and county. Neither has a target of its own: no count of tasks it does
# not have (was 5项指标任务已完成0项), said plainly instead.
run "$MINSHENG" bulletin --year 2023 --period 2023Q1 --orgunit 410102 --db "$db"
expect_status 0
expect_out "截至3月底，郑州中原区2023年省重点民生实事进展情况如下："
expect_out "全区职业技能培训累计35万人次；"
expect_out "全区行政村寄递物流服务站覆盖率达到75%。"
expect_out "2项指标未设本级目标：职业技能培训、行政村寄递物流服务站覆盖率。"
expect_out "本级未设年度目标任务。"
expect_no_out "项指标任务已完成"
expect_no_out "全县"
run "$MINSHENG" bulletin --year 2023 --period 2023Q1 --orgunit 410102001 --db "$db"
expect_status 0
expect_out "截至3月底，郑州中原区林山寨街道2023年省重点民生实事进展情况如下："
expect_out "全街道职业技能培训暂无数据；"
expect_out "5项指标暂无数据："
expect_out "本级未设年度目标任务。"
expect_no_out "项指标任务已完成"
# A unit with targets counts those only: 洛阳 has a target for one of the
# five indicators.
run "$MINSHENG" bulletin --year 2023 --orgunit 4103 --db "$db"
expect_status 0
expect_out "1项指标任务已完成0项。"
# The lagging list under a district speaks as the district does.
run "$MINSHENG" lagging --year 2023 --indicator skill_training --orgunit 410102 --level township --period 2023Q1 --db "$db"
expect_status 0
expect_out "全区2个乡级单位"

# Units of the same name are told apart; the scope word is what the unit
# is (a 镇 全镇, a county-level city 全市, a 县 全县); the 省直辖 container
# of one unit is that unit, as lagging names it (was 省直辖县级行政区划, 全市).
cp "$db" "$SCRATCH/same.db"
printf '%s\n' code,name,level,parent_code 410183,新密市,county,4101 \
	410183100,城关镇,township,410183 410308,孟津区,county,4103 \
	410308100,城关镇,township,410308 410322,孟津县,county,4103 \
	4190,省直辖县级行政区划,city,41 419001,济源市,county,4190 >"$SCRATCH/same.csv"
run "$MINSHENG" orgunit import "$SCRATCH/same.csv" --db "$SCRATCH/same.db"
expect_status 0
for u in "410183100 郑州新密市城关镇 全镇" "410308100 洛阳孟津区城关镇 全镇" "410183 郑州新密市 全市" \
	"410322 洛阳孟津县 全县" "4190 济源市 全市" "419001 济源市 全市"; do
	# shellcheck disable=SC2086
	set -- $u
	run "$MINSHENG" bulletin --year 2023 --orgunit "$1" --db "$SCRATCH/same.db"
	expect_status 0
	expect_out "$2""2023年省重点民生实事完成情况如下："
	expect_out "$3""职业技能培训暂无数据；"
done
run "$MINSHENG" lagging --year 2023 --indicator skill_training --orgunit 4190 --level county --db "$SCRATCH/same.db"
expect_status 0
expect_out "全市1个县级单位均未完成"
# The option in any place among the others.
run "$MINSHENG" bulletin --orgunit 4101 --db "$db" --period 2023Q1 --year 2023
expect_status 0
out >"$SCRATCH/got.txt"
expect_same "$SCRATCH/zz.txt" "$SCRATCH/got.txt"

# Unknown unit: exit 1, the code named, nothing on stdout.
run "$MINSHENG" bulletin --year 2023 --orgunit 4199 --db "$db"
expect_status 1
expect_err "未知的单位代码 '4199'"
if [ -s "$SCRATCH/.out" ]; then _fail "stdout not empty"; else _pass; fi
run "$MINSHENG" bulletin --year 2023 --orgunit "" --db "$db"
expect_status 1
expect_err "未知的单位代码 ''"
# --orgunit without its value, and the usage line naming the option.
run "$MINSHENG" bulletin --year 2023 --orgunit
expect_status 2
run "$MINSHENG" bulletin --help
expect_status 0
expect_out "--orgunit CODE"
run "$MINSHENG" bulletin --year 2023 --bogus --db "$db"
expect_status 2
expect_err "用法：minsheng bulletin --year Y [--period P] [--orgunit CODE] [--precision N] [--db PATH]"

# A second root (another province with a city).
printf 'code,name,level,parent_code\n42,湖北省,province,\n4201,武汉市,city,42\n' >"$SCRATCH/hb.csv"
run "$MINSHENG" orgunit import "$SCRATCH/hb.csv" --db "$db"
expect_status 0
for cmd in "bulletin --year 2023" "report --year 2023" "lagging --year 2023 --indicator skill_training"; do
	# shellcheck disable=SC2086
	run "$MINSHENG" $cmd --db "$db"
	expect_status 2
	expect_err "有 2 个根单位，请用 --orgunit 指定其中一个：41（河南省）、42（湖北省）"
	expect_err "用法：minsheng ${cmd%% *} "
	if [ -s "$SCRATCH/.out" ]; then _fail "$cmd: stdout not empty"; else _pass; fi
done
# With --orgunit each tree has its bulletin; 河南's figures are unchanged,
# and now that there are two roots it names its province (it no longer
# reads like 湖北's).
run "$MINSHENG" bulletin --year 2023 --period 2023Q1 --orgunit 41 --db "$db"
expect_status 0
out >"$SCRATCH/got.txt"
sed '1s/^截至3月底，/截至3月底，河南省/' "$SCRATCH/root.txt" >"$SCRATCH/root-named.txt"
expect_same "$SCRATCH/root-named.txt" "$SCRATCH/got.txt"
run "$MINSHENG" bulletin --year 2023 --orgunit 42 --db "$db"
expect_status 0
expect_out "湖北省2023年省重点民生实事完成情况如下："
expect_out "全省职业技能培训暂无数据；"
expect_out "5项指标暂无数据："
expect_out "5项指标任务已完成0项。"
run "$MINSHENG" bulletin --year 2023 --orgunit 4201 --db "$db"
expect_status 0
expect_out "湖北武汉市2023年省重点民生实事完成情况如下："
expect_out "全市职业技能培训暂无数据；"
run "$MINSHENG" report --year 2023 --period 2023Q1 --orgunit 41 --indicator skill_training --format json --db "$db"
expect_status 0
expect_out '"actual":1070000,'
run "$MINSHENG" lagging --year 2023 --indicator skill_training --orgunit 41 --level city --period 2023Q1 --db "$db"
expect_status 0
expect_out "全省3个市级单位均未完成"
# A year without a plan is still exit 1, with a unit given.
run "$MINSHENG" bulletin --year 2021 --orgunit 4101 --db "$db"
expect_status 1
expect_err "2021年没有计划"

# Six roots: five are named, then 等.
printf 'code,name,level,parent_code\n43,湖南省,province,\n44,广东省,province,\n45,广西壮族自治区,province,\n46,海南省,province,\n' >"$SCRATCH/more.csv"
run "$MINSHENG" orgunit import "$SCRATCH/more.csv" --db "$db"
expect_status 0
run "$MINSHENG" bulletin --year 2023 --db "$db"
expect_status 2
expect_err "有 6 个根单位，请用 --orgunit 指定其中一个：41（河南省）、42（湖北省）、43（湖南省）、44（广东省）、45（广西壮族自治区）等"
run "$MINSHENG" bulletin --year 2023 --orgunit 45 --db "$db"
expect_status 0
expect_out "广西壮族自治区2023年省重点民生实事完成情况如下："
expect_out "全区职业技能培训暂无数据；"

# Three roots with names of 60+ characters: the instruction is still there
# (it was cut off the end of the message), the names cut with …
long=""
for _ in $(seq 1 62); do long="$long某"; done
printf 'code,name,level,parent_code\n51,%s一省,province,\n52,%s二省,province,\n53,%s三省,province,\n' \
	"$long" "$long" "$long" >"$SCRATCH/long.csv"
run "$MINSHENG" orgunit import "$SCRATCH/long.csv" --db "$SCRATCH/long.db"
expect_status 0
run "$MINSHENG" report --year 2024 --db "$SCRATCH/long.db"
expect_status 2
expect_err "有 3 个根单位，请用 --orgunit 指定其中一个：51（某某某某某某某某某某某某某某某某某某某某…）、52（"
expect_err "、53（某某某某某某某某某某某某某某某某某某某某…）"

finish
