#!/usr/bin/env bash
# bulletin: an indicator whose unit already counts in 万 or 亿 is worded with
# it (120万元, 12亿元), never "120万万元" or "12亿万元" (zhnum_quantity_unit).
. "$(dirname "$0")/lib.sh"

db="$SCRATCH/w.db"
printf 'code,name,level,parent_code\n41,河南省,province,\n' >"$SCRATCH/u.csv"
cat >"$SCRATCH/p.csv" <<'CSV'
year,project_no,project_title,indicator,indicator_name,unit,kind,comparator,target,orgunit,aggregation,numerator,denominator
2023,1,投资,inv,完成投资,万元,count,>=,200000,41,sum,,
2023,1,投资,small,小额投资,万元,count,>=,200,41,sum,,
2023,1,投资,big,大项投资,亿元,count,>=,100,41,sum,,
2023,1,投资,visits,服务人次,人次,count,>=,5000000,41,sum,,
CSV
printf '%s\n%s\n%s\n%s\n%s\n' "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value" \
	"inv,2023,41,,,120000" "small,2023,41,,,120" "big,2023,41,,,97.70" "visits,2023,41,,,4323000" >"$SCRATCH/v.csv"
run "$MINSHENG" orgunit import "$SCRATCH/u.csv" --db "$db"
expect_status 0
run "$MINSHENG" plan import "$SCRATCH/p.csv" --db "$db"
expect_status 0
run "$MINSHENG" values import "$SCRATCH/v.csv" --db "$db"
expect_status 0
run "$MINSHENG" bulletin --year 2023 --db "$db"
expect_status 0
expect_out "全省完成投资累计12亿元，小额投资累计120万元、大项投资累计97.7亿元、服务人次累计432.3万人次，"
expect_no_out "万万"
expect_no_out "亿万"

finish
