#!/usr/bin/env bash
# demo end to end: builds the database from the embedded data, prints the
# 2022 report, bulletin and lagging line; refuses an existing database; the
# built database answers report / lagging / bulletin / plan list.
. "$(dirname "$0")/lib.sh"

db="$SCRATCH/demo.db"

run "$MINSHENG" demo --db "$db"
expect_status 0
expect_err "47286 个组织机构"
# The report (tracker-core's text writer) ...
expect_out "2022年民生实事进度报告"
expect_out "职业技能培训"
expect_out "144.1%"
expect_out "+4.4个百分点"
# ... the bulletin ...
expect_out "2022年省重点民生实事完成情况如下："
expect_out "一、技能河南：职业技能培训"
expect_out "全省职业技能培训累计432.3万人次，新增技能人才累计403.2万人、新增高技能人才累计140.8万人，分别完成年度目标任务的144.1%、168%、176%。"
expect_out "村级寄递物流综合服务站行政村覆盖率达到64.4%，高于年度目标任务4.4个百分点"
expect_out "十、政务服务“豫事办”"
expect_out "25项指标任务已完成25项。"
# ... and the synthetic county breakdown's lagging units.
expect_out "除焦作博爱县、周口沈丘县、济源外，其余178个县级单位均已完成"

# An existing database is refused, and left alone.
run "$MINSHENG" demo --db "$db"
expect_status 1
expect_err "已存在"
run "$MINSHENG" plan list --year 2023 --db "$db"
expect_status 0
expect_out "courier_station_coverage"

# Derived targets are flagged.
run "$MINSHENG" plan list --year 2022 --format json --db "$db"
expect_out '"indicator":"skill_training","name":"职业技能培训","unit":"人次","kind":"count","comparator":">=","target":"3000000","orgunit":"41","aggregation":"sum","numerator":null,"denominator":null,"derived":true}'

# The courier rate rolls up from the generated villages: a city's own
# coverage is Σ stations ÷ Σ villages below it.
run "$MINSHENG" report --year 2022 --indicator courier_station_coverage --by city --format json --db "$db"
expect_status 0
expect_out '"orgunit":"4101"'

run "$MINSHENG" lagging --year 2022 --indicator bus_route_villages --level county --format json --db "$db"
expect_status 0
expect_out '"total":181,"done":178,"lagging":[{"orgunit":"410822","name":"焦作博爱县"},{"orgunit":"411624","name":"周口沈丘县"},{"orgunit":"419001","name":"济源"}]'
run "$MINSHENG" lagging --year 2022 --indicator bus_route_villages --level city --db "$db"
expect_status 0
expect_out "除济源外，其余17个市级单位均已完成"
run "$MINSHENG" lagging --year 2022 --indicator nosuch --db "$db"
expect_status 1
run "$MINSHENG" lagging --year 2022 --db "$db"
expect_status 2

# A progress bulletin of a year without data.
run "$MINSHENG" bulletin --year 2023 --period 2023Q1 --db "$db"
expect_status 0
expect_out "截至3月底，2023年省重点民生实事进展情况如下："
expect_out "暂无数据"
expect_out "25项指标任务已完成0项。"
run "$MINSHENG" bulletin --year 2021 --db "$db"
expect_status 1
run "$MINSHENG" bulletin --year 2022 --period 2023Q1 --db "$db"
expect_status 2
run "$MINSHENG" bulletin --year 2022 --period 2022Q5 --db "$db"
expect_status 2

finish
