#!/usr/bin/env bash
# lagging and bulletin on a small broken-down plan: in-year (2023Q1) and
# year end, text and JSON.
. "$(dirname "$0")/lib.sh"

db="$SCRATCH/b.db"
P="$TESTDATA/tracker/plans"

run "$MINSHENG" orgunit import "$P/units.csv" --db "$db"
expect_status 0
run "$MINSHENG" plan import "$P/good.csv" --db "$db"
expect_status 0
run "$MINSHENG" values import "$P/values-2023.csv" --db "$db"
expect_status 0

# End of Q1: 30 + 10 + 5 = 45 of 300 is 15%, behind 25%; no courier data yet.
run "$MINSHENG" bulletin --year 2023 --period 2023Q1 --db "$db"
expect_status 0
expect_out "截至3月底，2023年省重点民生实事进展情况如下："
expect_out "一、技能河南"
expect_out "全省职业技能培训累计45人次，完成年度目标任务的15%。"
expect_out "九、农村基础设施"
expect_out "全省村级寄递物流服务站覆盖率暂无数据。"
expect_out "落后于序时进度（25%）的指标：职业技能培训（15%）。"
expect_out "2项指标任务已完成0项。"

# In Q1 only 博爱县 (no target of its own, has reported) is done.
run "$MINSHENG" lagging --year 2023 --indicator skill_training --period 2023Q1 --level county --db "$db"
expect_status 0
expect_out "仅焦作博爱县已完成，其余3个县级单位尚未完成"

# Year end: 中原区 110 of 100, 二七区 60 of 80, 博爱县 and 武陟县 reported.
run "$MINSHENG" lagging --year 2023 --indicator skill_training --level county --format json --db "$db"
expect_status 0
expect_out '{"indicator":"skill_training","level":"county","total":4,"done":3,"lagging":[{"orgunit":"410103","name":"郑州二七区"}],"text":"除郑州二七区外，其余3个县级单位均已完成"}'
run "$MINSHENG" lagging --year 2023 --indicator skill_training --level city --db "$db"
expect_status 0
# Cities: 郑州 170 of 180, 焦作 6 of 120.
expect_out "全省2个市级单位均未完成"

# 3 of 4 villages of 中原区: the formula rate 75% meets its 75% target.
run "$MINSHENG" bulletin --year 2023 --db "$db"
expect_status 0
expect_out "2023年省重点民生实事完成情况如下："
expect_out "全省职业技能培训累计176人次，完成年度目标任务的58.7%。"
expect_out "全省村级寄递物流服务站覆盖率达到75%，达到年度目标任务。"
expect_out "未完成的指标：职业技能培训。"
expect_out "2项指标任务已完成1项。"

# Scoped to one city: only 郑州's counties are counted, and the scope word follows.
run "$MINSHENG" lagging --year 2023 --indicator skill_training --orgunit 4101 --level county --db "$db"
expect_status 0
expect_out "除郑州二七区外，其余1个县级单位均已完成"
run "$MINSHENG" lagging --year 2023 --indicator skill_training --orgunit 4108 --level county --db "$db"
expect_status 0
expect_out "全市2个县级单位均已完成"
run "$MINSHENG" lagging --year 2023 --indicator skill_training --orgunit 9999 --level county --db "$db"
expect_status 1

run "$MINSHENG" lagging --year 2023 --indicator skill_training --level province --db "$db"
expect_status 2
run "$MINSHENG" lagging --year 2023 --indicator skill_training --period 2022Q1 --db "$db"
expect_status 2

finish
