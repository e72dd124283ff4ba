#!/usr/bin/env bash
# subsidy officials import: a later list wins. The same (person, village,
# role) with another name replaces the stored name (the summary counts
# 更新姓名); with the same name nothing changes; other roles of the person
# keep theirs; in one file the same key twice stays duplicate_in_file.
. "$(dirname "$0")/lib.sh"
db="$SCRATCH/o.db"
M() { "$MINSHENG" "$@" --db "$db"; }
q() { sqlite3 "$db" "$1"; }
H=id_number,name,village,role
WF=410102194102111020     # 王芳
WF15=410102410211102      # the same person, 15-digit legacy number
LS=410102195204131131     # 李四

run M subsidy programme import "$TESTDATA/subsidy/ops/programmes.csv"
expect_status 0

printf '%s\n' "$H" "$WF,王芳,410102001002,村委委员" "$WF,王芳,410102001002,会计" \
	"$LS,李四,410102001001,村支书" >"$SCRATCH/o1.csv"
run M subsidy officials import "$SCRATCH/o1.csv"
expect_status 0
expect_out "已导入公职人员 3 行：新增 3，更新姓名 0"

# The same list again: nothing changes, not even the import time.
before=$(sqlite3 "$db" .dump | md5sum)
run M subsidy officials import "$SCRATCH/o1.csv"
expect_status 0
expect_out "已导入公职人员 3 行：新增 0，更新姓名 0"
after=$(sqlite3 "$db" .dump | md5sum)
[ "$before" = "$after" ] && _pass || _fail "re-importing the same list changed the database"

# A later list: 王芳 renamed in one of her roles, 李四 unchanged, someone new.
q "UPDATE official SET imported_at = '2000-01-01T00:00:00Z'"
printf '%s\n' "$H" "$WF,王芳芳,410102001002,村委委员" "$LS,李四,410102001001,村支书" \
	"410105195204131130,赵六,410105001001,村委委员" >"$SCRATCH/o2.csv"
run M subsidy officials import "$SCRATCH/o2.csv"
expect_status 0
expect_out "已导入公职人员 3 行：新增 1，更新姓名 1"
run q "SELECT name || '|' || (imported_at > '2000') FROM official WHERE role = '村委委员' AND village_code = '410102001002'"
expect_out "王芳芳|1"
run q "SELECT name || '|' || imported_at FROM official WHERE role = '会计'"
expect_out "王芳|2000-01-01T00:00:00Z"
run q "SELECT name || '|' || imported_at FROM official WHERE role = '村支书'"
expect_out "李四|2000-01-01T00:00:00Z"
run q "SELECT COUNT(*) FROM official"
expect_out "4"

# The 15-digit number is the same person: her name changes again, in the
# row of that village and role only.
printf '%s\n' "$H" "$WF15,王 芳,410102001002,会计" >"$SCRATCH/o3.csv"
run M subsidy officials import "$SCRATCH/o3.csv"
expect_status 0
expect_out "已导入公职人员 1 行：新增 0，更新姓名 1"
run q "SELECT group_concat(name, ',') FROM (SELECT name FROM official WHERE village_code = '410102001002' ORDER BY role)"
expect_out "王 芳,王芳芳"
run q "SELECT COUNT(*) FROM official"
expect_out "4"

# In one file the same (person, village, role) twice is an error, whatever
# the names: nothing is written.
before=$(sqlite3 "$db" .dump | md5sum)
printf '%s\n' "$H" "$LS,李四,410102001001,村支书" "$LS,李 四,410102001001,村支书" >"$SCRATCH/o4.csv"
run M subsidy officials import "$SCRATCH/o4.csv"
expect_status 1
expect_err "o4.csv:3:1: 与第 2 行重复"
expect_err "有 1 行错误，未导入任何记录"
expect_no_out "已导入公职人员"
after=$(sqlite3 "$db" .dump | md5sum)
[ "$before" = "$after" ] && _pass || _fail "a refused list changed the database"

# Names are stored, IDs never in clear.
run q "SELECT COUNT(*) FROM official WHERE instr(CAST(id_enc AS TEXT), '4101') > 0 OR length(id_hash) <> 16"
expect_out "0"
finish
