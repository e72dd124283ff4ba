#!/usr/bin/env bash
# Deaths and officials registers, 监管预警, 公示 lists, the personal lookup
# and the published statistics (also as tracker data values).
. "$(dirname "$0")/lib.sh"

db="$SCRATCH/o.db"
data="$TESTDATA/subsidy/ops"
fb="$BUILDDIR/tests/tools/fakebank"
M() { "$MINSHENG" "$@" --db "$db"; }
q() { sqlite3 "$db" "$1"; }

run M subsidy programme import "$data/programmes.csv"
expect_status 0
run M subsidy roster import "$data/roster.csv"
expect_status 0

# March paid in full.
run M subsidy batch create --programme GL01 --period 202303
expect_status 0
run M subsidy bankfile export 1 --out "$SCRATCH/pay.csv"
expect_status 0
run "$fb" "$SCRATCH/pay.csv" "$SCRATCH/ret.csv"
expect_status 0
run M subsidy bankfile import "$SCRATCH/ret.csv"
expect_status 0
expect_out "发放成功 20 笔"

# Registers: bad rows are refused with file:line:column, nothing written.
run M subsidy deaths import "$data/deaths-bad.csv"
expect_status 1
expect_err "deaths-bad.csv:2:1:"
expect_err "deaths-bad.csv:3:2:"
expect_err "2 行错误"
run q "SELECT COUNT(*) FROM death"
expect_out "0"
run M subsidy officials import "$data/officials-bad.csv"
expect_status 1
expect_err "officials-bad.csv:2:3:"
run M subsidy deaths import "$data/deaths.csv"
expect_status 0
expect_out "新暂停发放应发记录 1 条"
run M subsidy officials import "$data/officials.csv"
expect_status 0
expect_out "新增 1"
# IDs are stored as keyed hashes and ciphertext only.
run q "SELECT COUNT(*) FROM death WHERE instr(CAST(id_enc AS TEXT), '4101') > 0 OR length(id_hash) <> 16"
expect_out "0"

# The April batch skips the dead person's entitlement.
run M subsidy batch create --programme GL01 --period 202304
expect_status 0
expect_out "19 笔"
expect_out "暂停发放（跳过） 1 条"

run M subsidy anomalies
expect_status 0
expect_out "[死亡后发放]"
expect_out "死亡日期 2023-02-10 早于期间 202303 的开始"
expect_out "[公职人员（优亲厚友）]"
expect_out "[多人共用账户]"
expect_out "被 6 人使用"
expect_out "[跨县重复]"
expect_out "[暂停发放]"
expect_out "410102********1018"
expect_no_out "410102194001101018"
run M subsidy anomalies --shared-account-threshold 6
expect_status 0
expect_out "多人共用账户 0"
run M subsidy anomalies --format json
expect_status 0
expect_out '"rule": "paid_after_death"'
expect_out '"shared_account": 1'
run M subsidy anomalies --format xml
expect_status 2
# A key file named with --key must be usable; without the default key the
# IDs are starred, with a warning.
run M subsidy anomalies --key "$SCRATCH/no-such.key"
expect_status 1
expect_err "找不到密钥文件"
expect_no_out "监管预警"
mv "$db.key" "$SCRATCH/saved.key"
run M subsidy anomalies
expect_status 0
expect_err "警告"
expect_out "******************"
mv "$SCRATCH/saved.key" "$db.key"
run M subsidy anomalies --shared-account-threshold 0
expect_status 2

# 公示: masked names and IDs, amounts in 元.
run M subsidy disclose --programme GL01 --period 202303
expect_status 0
expect_out "张*	410102********1018	410102001001	300.00	已发"
expect_out "合计 20 人，"
expect_no_out "张伟"
run M subsidy disclose --programme GL01 --period 202303 --village 410105001002 --format csv
expect_status 0
expect_out "name,id_number,village,amount_yuan,state"
expect_no_out "410102001001"
run M subsidy disclose --programme GL01 --period 202399
expect_status 2
# A refused list prints nothing on stdout (no heading without a list).
run M subsidy disclose --programme NOPE --period 202303
expect_status 1
expect_err "未知的补贴项目 'NOPE'"
expect_no_out "公示"
run M subsidy disclose --programme GL01 --period 2023Q1 --format csv
expect_status 1
expect_err "发放周期"
expect_no_out "name,id_number"
# An empty village still gets its heading and total.
run M subsidy disclose --programme GL01 --period 202303 --village 410199001001
expect_status 0
expect_out "序号	姓名"
expect_out "合计 0 人，0.00 元"
run M subsidy disclose --programme GL01
expect_status 2

# Lookup: own payments only, same answer for a wrong name and an unknown person.
run M subsidy lookup --id 410102194102111020 --name 王芳
expect_status 0
expect_out "202303	GL01	高龄津贴	350.00	已发	2023-03-15T10:00:01	***************0011"
run M subsidy lookup --id 410102194102111020 --name 王五
expect_status 1
expect_no_out "期间"
cp "$SCRATCH/.err" "$SCRATCH/wrong-name.err"
run M subsidy lookup --id 110101199001011237 --name 王芳
expect_status 1
expect_same "$SCRATCH/wrong-name.err" "$SCRATCH/.err"

# Statistics worded as the province publishes them.
run M subsidy stats --year 2023
expect_status 0
expect_out "发放补贴1项，累计发放补贴资金6950元，惠及群众20人，使用社保卡领取补贴的比例达到100%"
run M subsidy stats --year 2023 --format json
expect_status 0
expect_out '"amount_yuan": "6950.00"'
run M subsidy stats --year 2023 --period 2023Q2
expect_status 0
expect_out "发放补贴0项"
run M subsidy stats --year 2023 --as-values
expect_status 1
expect_err "未知的数据元代码 'ykt_programmes'"
# Each unknown element said once, then one closing line.
expect_err "导入失败，共 4 处错误，未写入任何数据值"
cp "$SCRATCH/.err" "$SCRATCH/values.err"
run grep -c "未知的数据元代码 'ykt_programmes'" "$SCRATCH/values.err"
expect_out "1"
run M orgunit import "$data/orgunits.csv"
expect_status 0
run M plan import "$data/ykt-plan.csv"
expect_status 0
run M subsidy stats --year 2023 --as-values --values-out "$SCRATCH/v.csv"
expect_status 0
run cat "$SCRATCH/v.csv"
expect_out "ykt_amount_yuan,2023,41,,,6950.00"
expect_out "ykt_sscard_share,2023,41,,,100.00"
# An unwritable --values-out: I/O error (exit 3), nothing left behind.
run M subsidy stats --year 2023 --values-out "$SCRATCH/no-such-dir/v.csv"
expect_status 3
expect_err "无法写入"
run ls "$SCRATCH"
expect_no_out ".tmp."
run M values export --year 2023
expect_status 0
expect_out "ykt_people,2023,41,,,20"
expect_out "ykt_programmes,2023,41,,,1"
run M subsidy stats --year 2023 --element people= --element bogus=x
expect_status 2

# Holds decided by the operator: cancel the April one (the death record is
# right), release a May one (held by the batch, released as if the record
# were wrong): the next batch pays it and does not hold it again.
held=$(q "SELECT id FROM entitlement WHERE status = 'on_hold' AND period = '202304'")
run M subsidy hold cancel --entitlement "$held"
expect_status 0
expect_out "已取消，不再发放"
run M subsidy hold cancel --entitlement "$held"
expect_status 1
expect_err "没有暂停发放（已取消）"
run M subsidy hold release --entitlement 999999
expect_status 1
expect_err "应发记录 999999 不存在"
run M subsidy hold release
expect_status 2
expect_err "需要 --entitlement"
run M subsidy hold release --entitlement 1 extra
expect_status 2
run M subsidy check
expect_status 0
expect_out "已取消 300.00 元"
printf 'programme,period,id_number,name,village,bank_account,amount_fen\nGL01,202305,410102194001101018,张伟,410102001001,6217000000000010003,30000\n' >"$SCRATCH/may.csv"
run M subsidy roster import "$SCRATCH/may.csv"
expect_status 0
run M subsidy batch create --programme GL01 --period 202305
expect_status 0
expect_out "未生成批次（暂停发放 1 条）"
held=$(q "SELECT id FROM entitlement WHERE status = 'on_hold' AND period = '202305'")
run M subsidy hold release --entitlement "$held"
expect_status 0
expect_out "已解除暂停"
run M subsidy batch create --programme GL01 --period 202305
expect_status 0
expect_out "1 笔"
expect_out "暂停发放（跳过） 0 条"
run M subsidy anomalies
expect_no_out "[暂停发放]"

run M subsidy check
expect_status 0

finish
