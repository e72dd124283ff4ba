#!/usr/bin/env bash
# subsidy lookup compares names after a normalization of both sides (the
# citizen's typing and the roster's): spaces (ASCII, tab, U+3000) at the ends
# are trimmed and every middle-dot variant is U+00B7. Nothing else: an inner
# space or another name is "not found", answered exactly as an unknown ID
# (same message, same exit code, nothing on stdout). The roster stores names
# as given.
. "$(dirname "$0")/lib.sh"
db="$SCRATCH/l.db"
data="$TESTDATA/subsidy/ops"
M() { "$MINSHENG" "$@" --db "$db"; }
q() { sqlite3 "$db" "$1"; }

ZW=410102194001101018     # 张伟
AY=410102195001012036     # 阿依古丽·买买提 (U+00B7 in the roster)
NR=41010219550505204X     # 努尔·艾力 (U+30FB in the roster)
LI=410102194808081011      # 李明 + U+3000 in the roster (accepted: not an ASCII space)
UNKNOWN=410102195203031059
SP=$'\u3000'              # full-width space
DOT=$'\u00b7'
KDOT=$'\u30fb'           # katakana middle dot
BULLET=$'\u2022'

printf '%s\n' "programme,period,id_number,name,village,bank_account,amount_fen" \
	"GL01,202303,$ZW,张伟,410102001001,6217000000000010003,30000" \
	"GL01,202303,$AY,阿依古丽${DOT}买买提,410102001001,6217000000000020002,30000" \
	"GL01,202303,$NR,努尔${KDOT}艾力,410102001002,6217000000000030001,30000" \
	"GL01,202303,$LI,李明${SP},410102001002,6217000000000040000,30000" \
	>"$SCRATCH/roster.csv"
run M subsidy programme import "$data/programmes.csv"
expect_status 0
run M subsidy roster import "$SCRATCH/roster.csv"
expect_status 0

# Stored as given: only the comparison normalizes.
run q "SELECT hex(name) FROM beneficiary ORDER BY id"
expect_out "$(printf '阿依古丽%s买买提' "$DOT" | od -An -tx1 | tr -d ' \n' | tr a-f A-F)"
expect_out "$(printf '努尔%s艾力' "$KDOT" | od -An -tx1 | tr -d ' \n' | tr a-f A-F)"
expect_out "$(printf '李明%s' "$SP" | od -An -tx1 | tr -d ' \n' | tr a-f A-F)"

# The answer for an unknown ID: what every "not found" must look like.
run M subsidy lookup --id "$UNKNOWN" --name 张伟
expect_status 1
expect_err "未查询到该身份证号和姓名的补贴发放记录"
cp "$SCRATCH/.err" "$SCRATCH/unknown.err"
[ -s "$SCRATCH/.out" ] && _fail "not found printed on stdout" || _pass

found() { # ID NAME: the person's row is found
	run M subsidy lookup --id "$1" --name "$2"
	expect_status 0
	expect_out "202303	GL01	高龄津贴	300.00	待发	-	***************"
}
not_found() { # ID NAME: answered as an unknown ID
	run M subsidy lookup --id "$1" --name "$2"
	expect_status 1
	expect_same "$SCRATCH/unknown.err" "$SCRATCH/.err"
	[ -s "$SCRATCH/.out" ] && _fail "'$2' printed on stdout" || _pass
}

found $ZW 张伟
found $ZW " 张伟"
found $ZW "张伟 "
found $ZW "张伟${SP}"
found $ZW "${SP}张伟"
found $ZW "$(printf '\t 张伟%s \t' "$SP")"

# Every middle dot, for a name stored with U+00B7 and one stored with U+30FB.
for d in $'\u00b7' $'\u2022' $'\u30fb' $'\u2027' $'\uff0e' $'\uff65' $'\u2219'; do
	found $AY "阿依古丽${d}买买提"
	found $NR "努尔${d}艾力"
done
found $AY "${SP}阿依古丽${BULLET}买买提 "
# A name stored with a full-width space at its end: both sides are trimmed.
found $LI 李明
found $LI "李明${SP}"
found $LI " 李明"

# Nothing else is normalized.
not_found $ZW "张 伟"
not_found $ZW "张${SP}伟"
not_found $ZW 张三
not_found $ZW 張伟
not_found $ZW " "
not_found $ZW "${SP}"
not_found $AY "阿依古丽买买提"
not_found $AY "阿依古丽 买买提"
not_found $AY "阿依古丽.买买提"
not_found $AY "阿依古丽-买买提"
not_found $AY "阿依古丽"$'\uff0c'"买买提" # full-width comma
not_found $AY "阿依古丽${DOT}${DOT}买买提"
# Another person's name with this ID, and this name with another's ID.
not_found $AY 张伟
not_found $ZW "阿依古丽${DOT}买买提"
# Longer than any stored name.
not_found $ZW "张伟$(head -c 300 /dev/zero | tr '\0' ' ')x"
finish
