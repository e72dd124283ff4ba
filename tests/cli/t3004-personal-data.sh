#!/usr/bin/env bash
# Personal data at rest: encrypted ID numbers and accounts, the key file
# (0600, --key, $MINSHENG_KEY, refused when wrong or too open), masking and --unmask.
. "$(dirname "$0")/lib.sh"
D="$TESTDATA/subsidy/core"
db="$SCRATCH/pd.db"

"$MINSHENG" orgunit import "$D/orgunits.csv" --db "$db" >/dev/null
"$MINSHENG" subsidy programme import "$D/programmes.csv" --db "$db" >/dev/null
[ ! -e "$db.key" ] && _pass || _fail "key created before it was needed"
run "$MINSHENG" subsidy roster import "$D/every-kind.csv" --partial --db "$db"
expect_status 1
[ -f "$db.key" ] && _pass || _fail "no key file beside the database"
[ "$(stat -c %a "$db.key")" = 600 ] && _pass || _fail "key file mode $(stat -c %a "$db.key"), expected 600"
head -1 "$db.key" | grep -qx 'minsheng-key 2' && _pass || _fail "key file header"

# The ID numbers and accounts never appear in the database files.
"$MINSHENG" subsidy check --db "$db" >/dev/null   # closes: WAL checkpointed
for f in "$db" "$db-wal"; do
	[ -e "$f" ] || continue
	for secret in 410102194003150112 194003150112 411624200501010424 6217000000000000012 6217000000000000046 0000000000000012; do
		if grep -aq "$secret" "$f"; then _fail "'$secret' found in $f"; else _pass; fi
	done
done
[ "$(sqlite3 "$db" 'SELECT length(id_enc) FROM beneficiary LIMIT 1')" = 34 ] && _pass || _fail "id_enc length"

# Masked by default; --unmask shows the numbers with the key.
run "$MINSHENG" subsidy beneficiary list --db "$db"
expect_status 0
# (the birth date is the hidden part of the ID: masked too, t3007)
expect_out "张*	410102********0112	男	****-**-**	410102001001	***************0012"
expect_out "欧阳*明	411624********0424	女	****-**-**"
expect_no_out "410102194003150112"
run "$MINSHENG" subsidy beneficiary list --db "$db" --unmask --format csv
expect_status 0
expect_out ",张三,410102194003150112,M,1940-03-15,410102001001,6217000000000000012"

# Without the key: masked output still works (all stars), --unmask fails.
mv "$db.key" "$SCRATCH/moved.key"
run "$MINSHENG" subsidy beneficiary list --db "$db"
expect_status 0
expect_out "张*	******************	男"
expect_no_out "0112	男"
[ ! -s "$SCRATCH/.err" ] && _pass || _fail "a note printed for a missing key file"
run "$MINSHENG" subsidy beneficiary list --db "$db" --unmask
expect_status 1
expect_err "找不到密钥文件"
# A roster import never makes a new key for a database that has data.
run "$MINSHENG" subsidy roster import "$D/second.csv" --db "$db"
expect_status 1
expect_err "找不到密钥文件"
[ ! -e "$db.key" ] && _pass || _fail "a new key was created for a database with data"
# --key and $MINSHENG_KEY name the key file.
run "$MINSHENG" subsidy beneficiary list --db "$db" --unmask --key "$SCRATCH/moved.key"
expect_status 0
expect_out "410102194003150112"
MINSHENG_KEY="$SCRATCH/moved.key" run "$MINSHENG" subsidy beneficiary list --db "$db" --unmask
expect_status 0
expect_out "410102194003150112"
# A different key is refused, not used.
other="$SCRATCH/other.db"
"$MINSHENG" subsidy programme import "$D/programmes.csv" --db "$other" >/dev/null
"$MINSHENG" subsidy roster import "$D/second.csv" --db "$other" >/dev/null 2>&1
run "$MINSHENG" subsidy beneficiary list --db "$db" --unmask --key "$other.key"
expect_status 1
expect_err "不匹配"
run "$MINSHENG" subsidy roster import "$D/second.csv" --db "$db" --key "$other.key"
expect_status 1
expect_err "不匹配"
# A key file others can read is refused.
cp "$SCRATCH/moved.key" "$SCRATCH/open.key"
chmod 644 "$SCRATCH/open.key"
run "$MINSHENG" subsidy beneficiary list --db "$db" --unmask --key "$SCRATCH/open.key"
expect_status 1
expect_err "权限过宽"
# Masked output with an unusable key still works (stars) but says why.
run "$MINSHENG" subsidy beneficiary list --db "$db" --key "$SCRATCH/open.key"
expect_status 0
expect_out "张*	******************	男"
expect_err "注意：密钥文件 '$SCRATCH/open.key' 的权限过宽（644），应为 600；身份证号只显示星号"
run "$MINSHENG" subsidy beneficiary list --db "$db" --key "$other.key"
expect_status 0
expect_err "不匹配"
# With the key in place again, a later import works and keeps the key.
mv "$SCRATCH/moved.key" "$db.key"
run "$MINSHENG" subsidy roster import "$D/second.csv" --partial --db "$db"
expect_status 1
expect_out "接受 1 行"
finish
