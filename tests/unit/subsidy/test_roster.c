/* test_roster.c - roster row validation (every reason, boundaries) and the
 * import pipeline (one and two threads give the same database). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/csv.h"
#include "base/error.h"
#include "db/db.h"
#include "subsidy/idcard.h"
#include "subsidy/programme.h"
#include "subsidy/roster.h"
#include "subsidy/subsidy.h"

static struct programme progs[] = {
    /* sorted by code, as programme_list_load gives them */
    {1, "CJBT", "残疾", "残联", FREQ_QUARTERLY, 24000, -1, -1},
    {2, "DBJ", "低保", "民政", FREQ_MONTHLY, 90000, -1, -1},
    {3, "GLJT", "高龄", "民政", FREQ_MONTHLY, 10000, 80, -1},
    {4, "JYBZ", "助学", "教育", FREQ_ONCE, 200000, 6, 25},
};
static const struct programme_list plist = {progs, 4};
static uint64_t vcodes[] = {410102001001ULL, 410102001002ULL};
static const struct roster_villages villages = {vcodes, 2};

/* "410102" + birth + seq + check */
static const char *make_id(const char *birth, const char *seq)
{
	static char id[19];

	snprintf(id, sizeof(id), "410102%s%s0", birth, seq);
	id[17] = idcard_check_char(id);
	return id;
}

/* Validate one CSV line; returns the reason and fills column/msg. */
static enum roster_reason check_line(const char *line, long *col, char *msg, struct roster_row *row)
{
	struct csv_options o = {.name = "t.csv", .expected_fields = 7};
	struct roster_context ctx = {&plist, &villages, {2023, 6, 1}};
	struct csv_reader *r = NULL;
	struct csv_record rec;
	struct error err;
	enum roster_reason rr;

	error_clear(&err);
	assert_int_equal(csv_open_mem(line, strlen(line), &o, &r, &err), 0);
	assert_int_equal(csv_next(r, &rec, &err), 0);
	rr = roster_validate(&ctx, &rec, row, col, msg, 320);
	csv_close(r);
	return rr;
}

static void expect(const char *line, enum roster_reason want, long want_col)
{
	struct roster_row row;
	char msg[320];
	long col = 0;
	enum roster_reason got = check_line(line, &col, msg, &row);

	if (got != want || (want != ROSTER_OK && col != want_col))
		fail_msg("%s: got %s col %ld (%s), want %s col %ld", line, roster_reason_code(got),
			 col, msg, roster_reason_code(want), want_col);
}

static void test_every_reason(void **state)
{
	char line[512], ok[19];

	memcpy(ok, make_id("19500101", "12"), sizeof(ok));

	(void)state;
#define L(...) (snprintf(line, sizeof(line), __VA_ARGS__), line)
	expect(L("DBJ,202303,%s,张三,410102001001,6217000000000000012,100", ok), ROSTER_OK, 0);
	expect(L("XX,202303,%s,张三,410102001001,6217000000000000012,100", ok),
	       ROSTER_UNKNOWN_PROGRAMME, 1);
	expect(L("DB,202303,%s,张三,410102001001,6217000000000000012,100", ok),
	       ROSTER_UNKNOWN_PROGRAMME, 1);
	expect(L("DBJ,2023-03,%s,张三,410102001001,6217000000000000012,100", ok), ROSTER_BAD_PERIOD,
	       2);
	expect(L("DBJ,2023Q1,%s,张三,410102001001,6217000000000000012,100", ok),
	       ROSTER_PERIOD_FREQUENCY, 2);
	expect(L("CJBT,202301,%s,张三,410102001001,6217000000000000012,100", ok),
	       ROSTER_PERIOD_FREQUENCY, 2);
	expect(L("CJBT,2023Q2,%s,张三,410102001001,6217000000000000012,100", ok), ROSTER_OK, 0);
	expect(
	    L("JYBZ,2023,%s,张三,410102001001,6217000000000000012,100", make_id("20100101", "11")),
	    ROSTER_OK, 0);
	expect(L("JYBZ,202301,%s,张三,410102001001,6217000000000000012,100",
		 make_id("20100101", "11")),
	       ROSTER_PERIOD_FREQUENCY, 2);
	expect("DBJ,202303,41010219500101012,张三,410102001001,6217000000000000012,100",
	       ROSTER_ID_LENGTH, 3);
	expect("DBJ,202303,41010219500101012XX,张三,410102001001,6217000000000000012,100",
	       ROSTER_ID_LENGTH, 3);
	expect("DBJ,202303,41010219500101012Y,张三,410102001001,6217000000000000012,100",
	       ROSTER_ID_CHARS, 3);
	expect("DBJ,202303,000102195001010120,张三,410102001001,6217000000000000012,100",
	       ROSTER_ID_PROVINCE, 3);
	expect(
	    L("DBJ,202303,%.6s19500230%s,张三,410102001001,6217000000000000012,100", ok, ok + 14),
	    ROSTER_ID_BIRTHDATE, 3);
	{
		char bad[19];

		memcpy(bad, ok, 19);
		bad[17] = bad[17] == '0' ? '1' : '0';
		expect(L("DBJ,202303,%s,张三,410102001001,6217000000000000012,100", bad),
		       ROSTER_ID_CHECKSUM, 3);
	}
	expect(
	    L("DBJ,202303,%s,张三,410102001001,6217000000000000012,100", make_id("20990101", "11")),
	    ROSTER_ID_FUTURE, 3);
	expect(L("DBJ,202303,%s,,410102001001,6217000000000000012,100", ok), ROSTER_EMPTY_NAME, 4);
	expect(L("DBJ,202303,%s, 张三,410102001001,6217000000000000012,100", ok), ROSTER_BAD_NAME,
	       4);
	expect(L("DBJ,202303,%s,张三 ,410102001001,6217000000000000012,100", ok), ROSTER_BAD_NAME,
	       4);
	expect(L("DBJ,202303,%s,\"张\x01三\",410102001001,6217000000000000012,100", ok),
	       ROSTER_BAD_NAME, 4);
	expect(L("DBJ,202303,%s,%s,410102001001,6217000000000000012,100", ok,
		 "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一"),
	       ROSTER_BAD_NAME, 4);
	expect(L("DBJ,202303,%s,%s,410102001001,6217000000000000012,100", ok,
		 "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"),
	       ROSTER_OK, 0);
	expect(L("DBJ,202303,%s,张三,41010200100,6217000000000000012,100", ok), ROSTER_BAD_VILLAGE,
	       5);
	expect(L("DBJ,202303,%s,张三,41010200100a,6217000000000000012,100", ok), ROSTER_BAD_VILLAGE,
	       5);
	expect(L("DBJ,202303,%s,张三,410102001003,6217000000000000012,100", ok),
	       ROSTER_UNKNOWN_VILLAGE, 5);
	expect(L("DBJ,202303,%s,张三,410102001001,621700000000012,100", ok), ROSTER_BANK_LENGTH, 6);
	expect(L("DBJ,202303,%s,张三,410102001001,62170000000000000120,100", ok),
	       ROSTER_BANK_LENGTH, 6);
	expect(L("DBJ,202303,%s,张三,410102001001,621700000000000001A,100", ok), ROSTER_BANK_CHARS,
	       6);
	expect(L("DBJ,202303,%s,张三,410102001001,6217000000000000013,100", ok), ROSTER_BANK_LUHN,
	       6);
	expect(L("DBJ,202303,%s,张三,410102001001,6217000000000000012,0", ok), ROSTER_BAD_AMOUNT,
	       7);
	expect(L("DBJ,202303,%s,张三,410102001001,6217000000000000012,+5", ok), ROSTER_BAD_AMOUNT,
	       7);
	expect(L("DBJ,202303,%s,张三,410102001001,6217000000000000012,5.0", ok), ROSTER_BAD_AMOUNT,
	       7);
	expect(L("DBJ,202303,%s,张三,410102001001,6217000000000000012,", ok), ROSTER_BAD_AMOUNT, 7);
	expect(L("DBJ,202303,%s,张三,410102001001,6217000000000000012,99999999999999999999", ok),
	       ROSTER_BAD_AMOUNT, 7);
	expect(L("DBJ,202303,%s,张三,410102001001,6217000000000000012,90000", ok), ROSTER_OK, 0);
	expect(L("DBJ,202303,%s,张三,410102001001,6217000000000000012,90001", ok),
	       ROSTER_ABOVE_STANDARD, 7);
	expect(L("DBJ,202303,%s,张三,410102001001,6217000000000000012,0090000", ok), ROSTER_OK, 0);
	expect(L("DBJ,202303,%s,张三,410102001001,6217000000000000012,000", ok), ROSTER_BAD_AMOUNT,
	       7);
	{
		/* too large: said so, not "not a positive integer" */
		struct roster_row row;
		char m[320];
		long col = 0;

		assert_int_equal(check_line(L("DBJ,202303,%s,张三,410102001001,"
					      "6217000000000000012,1000000000001",
					      ok),
					    &col, m, &row),
				 ROSTER_BAD_AMOUNT);
		/* 13 digits: withheld like a misplaced account (mask_quote) */
		assert_string_equal(m, "金额 '（疑似身份证号或银行账号，已隐去）' 过大（最多 "
				       "1000000000000 分）");
		assert_int_equal(check_line(L("DBJ,202303,%s,张三,410102001001,"
					      "6217000000000000012,0000000000000090000",
					      ok),
					    &col, m, &row),
				 ROSTER_OK);
		assert_int_equal(row.amount_fen, 90000);
	}
	/* age at the period's first day: 80 on 1 March 2023 exactly */
	expect(L("GLJT,202303,%s,张三,410102001001,6217000000000000012,100",
		 make_id("19430301", "11")),
	       ROSTER_OK, 0);
	expect(L("GLJT,202303,%s,张三,410102001001,6217000000000000012,100",
		 make_id("19430302", "11")),
	       ROSTER_AGE_RANGE, 3);
	expect(L("GLJT,202302,%s,张三,410102001001,6217000000000000012,100",
		 make_id("19430301", "11")),
	       ROSTER_AGE_RANGE, 3);
	/* 29 February: the birthday counts on 1 March in other years */
	expect(L("GLJT,202303,%s,张三,410102001001,6217000000000000012,100",
		 make_id("19440229", "11")),
	       ROSTER_AGE_RANGE, 3);
	expect(L("GLJT,202303,%s,张三,410102001001,6217000000000000012,100",
		 make_id("19430228", "11")),
	       ROSTER_OK, 0);
	/* max age 25 at 1 January: 26th birthday that day is out */
	expect(
	    L("JYBZ,2023,%s,张三,410102001001,6217000000000000012,100", make_id("19970101", "11")),
	    ROSTER_AGE_RANGE, 3);
	expect(
	    L("JYBZ,2023,%s,张三,410102001001,6217000000000000012,100", make_id("19970102", "11")),
	    ROSTER_OK, 0);
	expect(
	    L("JYBZ,2023,%s,张三,410102001001,6217000000000000012,100", make_id("20170101", "11")),
	    ROSTER_OK, 0);
	expect(
	    L("JYBZ,2023,%s,张三,410102001001,6217000000000000012,100", make_id("20170102", "11")),
	    ROSTER_AGE_RANGE, 3);
	/* not yet born at the period's start, for a programme with an age range */
	expect(
	    L("JYBZ,2022,%s,张三,410102001001,6217000000000000012,100", make_id("20220601", "11")),
	    ROSTER_AGE_RANGE, 3);
	/* the first failing column wins */
	expect("XX,bad,bad,,bad,bad,bad", ROSTER_UNKNOWN_PROGRAMME, 1);
	expect("DBJ,202303,bad,,bad,bad,bad", ROSTER_ID_LENGTH, 3);
#undef L
}

/* A bad value quoted in a message never carries a control character
 * (newline, escape) into the terminal or the reject file. */
static void test_message_control_chars(void **state)
{
	struct roster_row row;
	char msg[320];
	long col = 0;

	(void)state;
	assert_int_equal(check_line("\"D\x1b[2J\nB\",202303,x,y,z,w,1", &col, msg, &row),
			 ROSTER_UNKNOWN_PROGRAMME);
	assert_string_equal(msg, "未知的补贴项目 'D?[2J?B'");
	assert_int_equal(check_line("DBJ,\"2023\r\n03\",x,y,z,w,1", &col, msg, &row),
			 ROSTER_BAD_PERIOD);
	assert_string_equal(msg, "期间 '2023??03' 无效");
}

static void test_row_fields(void **state)
{
	struct roster_row row;
	char msg[320], line[256];
	long col;
	const char *id = make_id("19500101", "22");
	char lower[19];

	(void)state;
	memcpy(lower, id, 19);
	snprintf(line, sizeof(line), "CJBT,2023Q2,%s,李四,410102001002,6217000000000000012,24000",
		 lower);
	assert_int_equal(check_line(line, &col, msg, &row), ROSTER_OK);
	assert_string_equal(row.programme->code, "CJBT");
	assert_string_equal(row.period_text, "2023Q2");
	assert_string_equal(row.id, id);
	assert_int_equal(row.female, 1);
	assert_int_equal(row.birth.year, 1950);
	assert_int_equal(row.name_len, strlen("李四"));
	assert_string_equal(row.village, "410102001002");
	assert_string_equal(row.county, "410102");
	assert_string_equal(row.account, "6217000000000000012");
	assert_int_equal(row.amount_fen, 24000);
	/* with no villages loaded only the format is checked */
	{
		struct csv_options o = {.name = "t.csv", .expected_fields = 7};
		struct roster_context ctx = {&plist, NULL, {2023, 6, 1}};
		struct csv_reader *r = NULL;
		struct csv_record rec;
		struct error err;
		const char *l2 =
		    "DBJ,202303,410102195001010120,张三,419999999999,6217000000000000012,100";
		char id2[19];

		memcpy(id2, "41010219500101012", 17);
		id2[17] = idcard_check_char(id2);
		id2[18] = '\0';
		snprintf(line, sizeof(line),
			 "DBJ,202303,%s,张三,419999999999,6217000000000000012,100", id2);
		(void)l2;
		error_clear(&err);
		assert_int_equal(csv_open_mem(line, strlen(line), &o, &r, &err), 0);
		assert_int_equal(csv_next(r, &rec, &err), 0);
		assert_int_equal(roster_validate(&ctx, &rec, &row, &col, msg, sizeof(msg)),
				 ROSTER_OK);
		csv_close(r);
	}
}

static void test_reason_codes(void **state)
{
	int i, j;

	(void)state;
	for (i = 1; i < ROSTER_NREASONS; i++) {
		assert_true(strlen(roster_reason_code(i)) > 0);
		for (j = 1; j < i; j++)
			assert_string_not_equal(roster_reason_code(i), roster_reason_code(j));
	}
	assert_string_equal(roster_reason_code(ROSTER_OK), "");
	assert_int_equal(roster_reason_from_csv("field_count"), ROSTER_FIELD_COUNT);
	assert_int_equal(roster_reason_from_csv("nul_byte"), ROSTER_NUL_BYTE);
	assert_int_equal(roster_reason_from_csv("bad_encoding"), ROSTER_BAD_ENCODING);
	assert_int_equal(roster_reason_from_csv("whatever"), ROSTER_CSV_ERROR);
	assert_int_equal(roster_reason_from_csv(NULL), ROSTER_CSV_ERROR);
	assert_int_equal(roster_reason_from_csv("unknown_programme"), ROSTER_CSV_ERROR);
}

/* ---- the import ---- */

static char dir[64];

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

struct rejects {
	char text[2048];
};

static void on_reject(void *ctx, long line, long column, const char *code, const char *msg)
{
	struct rejects *r = ctx;
	size_t l = strlen(r->text);

	(void)msg;
	snprintf(r->text + l, sizeof(r->text) - l, "%ld:%ld:%s;", line, column, code);
}

static void dump(struct db *db, char *out, size_t n)
{
	sqlite3_stmt *st;
	size_t l = 0;

	assert_int_equal(
	    sqlite3_prepare_v2(db_sqlite(db),
			       "SELECT n.line, n.period, n.amount_fen, b.id, hex(b.id_hash), "
			       "hex(b.id_enc), b.name,"
			       " a.last4, hex(a.acct_enc) FROM entitlement n JOIN beneficiary b ON "
			       "b.id = n.beneficiary_id"
			       " JOIN bank_account a ON a.id = n.account_id ORDER BY n.id",
			       -1, &st, NULL),
	    SQLITE_OK);
	out[0] = '\0';
	while (sqlite3_step(st) == SQLITE_ROW) {
		int i;

		for (i = 0; i < 9 && l < n; i++)
			l += (size_t)snprintf(out + l, n - l, "%s|", sqlite3_column_text(st, i));
		if (l < n)
			l += (size_t)snprintf(out + l, n - l, "\n");
	}
	sqlite3_finalize(st);
}

static void run_import(int threads, bool partial, char *out, size_t n, struct roster_summary *sum,
		       struct rejects *rj, int *rc)
{
	struct roster_options o = {0};
	struct db *db = NULL;
	struct error err;
	char dbp[128], key[128], roster[128];

	snprintf(dbp, sizeof(dbp), "%s/t%d.db", dir, threads);
	snprintf(key, sizeof(key), "%s/k.key", dir);
	snprintf(roster, sizeof(roster), "%s/r.csv", dir);
	unlink(dbp);
	error_clear(&err);
	assert_int_equal(db_open(dbp, &db, &err), 0);
	assert_int_equal(subsidy_migrate(db, &err), 0);
	assert_int_equal(
	    db_exec(db,
		    "INSERT INTO programme(id, code, name, department, frequency, standard_fen)"
		    " VALUES(1, 'DBJ', '低保', '民政', 'monthly', 90000)",
		    &err),
	    0);
	o.path = roster;
	o.key_opt = key;
	o.threads = threads;
	o.partial = partial;
	o.on_reject = on_reject;
	o.ctx = rj;
	memset(rj, 0, sizeof(*rj));
	*rc = roster_import(db, &o, sum, &err);
	dump(db, out, n);
	db_close(db);
}

static void test_import(void **state)
{
	struct roster_summary s1, s2;
	struct rejects r1, r2;
	char d1[32768], d2[32768], roster[128], text[16384];
	size_t l = 0;
	int rc1, rc2, i;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_roster.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(roster, sizeof(roster), "%s/r.csv", dir);
	l += (size_t)snprintf(text + l, sizeof(text) - l,
			      "programme,period,id_number,name,village,bank_account,amount_fen\n");
	/* 30 people, two months each; one person's account changes in the
	 * second month; then a duplicate row and a bad row */
	for (i = 0; i < 30; i++) {
		char id[19];

		snprintf(id, sizeof(id), "41010219%02d0101%03d0", 30 + i, i);
		id[17] = idcard_check_char(id);
		l += (size_t)snprintf(text + l, sizeof(text) - l,
				      "DBJ,202301,%s,人%d,410102001001,6217000000000000012,%d\n"
				      "DBJ,202302,%s,人%d,410102001001,%s,%d\n",
				      id, i, 100 + i, id, i,
				      i == 7 ? "6217000000000000020" : "6217000000000000012",
				      100 + i);
		if (i == 29)
			l += (size_t)snprintf(
			    text + l, sizeof(text) - l,
			    "DBJ,202301,%s,人%d,410102001001,6217000000000000012,5\n", id, i);
	}
	l += (size_t)snprintf(
	    text + l, sizeof(text) - l,
	    "DBJ,202301,410102193001010000,人0,410102001001,6217000000000000012,1\n");
	/* one person in 20 months, then the first month again: past the
	 * in-memory window, the duplicate is found in the table */
	for (i = 0; i < 21; i++)
		l += (size_t)snprintf(text + l, sizeof(text) - l,
				      "DBJ,20%02d%02d,%s,多月,410102001001,6217000000000000012,7\n",
				      20 + (i % 20) / 12, 1 + (i % 20) % 12, "410102193001010015");
	write_file(roster, text);
	run_import(1, true, d1, sizeof(d1), &s1, &r1, &rc1);
	run_import(2, true, d2, sizeof(d2), &s2, &r2, &rc2);
	assert_int_equal(rc1, rc2);
	assert_string_equal(d1, d2 + 0);
	assert_string_equal(r1.text, r2.text);
	assert_int_equal(s1.accepted, s2.accepted);
	assert_int_equal(s1.rejected, s2.rejected);
	assert_int_equal(s1.new_people, 31);
	assert_int_equal(s1.new_accounts, 32);
	assert_int_equal(s1.accepted, 80);
	assert_int_equal(s1.rejected, 3);
	assert_int_equal(rc1, ERR_INPUT);
	assert_string_equal(r1.text,
			    "62:3:duplicate_in_file;63:3:id_checksum;84:3:duplicate_in_file;");
	assert_true(s1.committed);
	/* all or nothing: the same file commits nothing */
	run_import(2, false, d2, sizeof(d2), &s2, &r2, &rc2);
	assert_false(s2.committed);
	assert_string_equal(d2, "");
	assert_int_equal(s2.accepted, 80);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		assert_int_equal(system(cmd), 0);
	}
}

/* One value of a query (the first column of the first row), as text. */
static void query1(struct db *db, const char *sql, char *out, size_t n)
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(db_sqlite(db), sql, -1, &st, NULL), SQLITE_OK);
	out[0] = '\0';
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out, n, "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

/*
 * A roster naming the account a payment correction replaced does not
 * reopen it: the corrected account stays current, the rows' entitlements
 * get it and are counted (kept_corrected), also for the next rows of the
 * same person (the per-person shortcut). A new account still becomes
 * current. The correction is made as payment_correct records it: the
 * current account closed, the new one added with source 'correction ID'.
 */
static void test_corrected_account(void **state)
{
	static const char hdr[] =
	    "programme,period,id_number,name,village,bank_account,amount_fen\n";
	struct roster_options o = {0};
	struct roster_summary sum;
	struct db *db = NULL;
	struct error err;
	char dbp[128], key[128], roster[128], text[1024], id[19], v[256];
	int threads;

	(void)state;
	snprintf(id, sizeof(id), "41010219400101001");
	id[17] = idcard_check_char(id);
	id[18] = '\0';
	for (threads = 1; threads <= 2; threads++) {
		snprintf(dir, sizeof(dir), "/tmp/test_roster.XXXXXX");
		assert_non_null(mkdtemp(dir));
		snprintf(dbp, sizeof(dbp), "%s/c.db", dir);
		snprintf(key, sizeof(key), "%s/k.key", dir);
		snprintf(roster, sizeof(roster), "%s/r.csv", dir);
		error_clear(&err);
		assert_int_equal(db_open(dbp, &db, &err), 0);
		assert_int_equal(subsidy_migrate(db, &err), 0);
		assert_int_equal(
		    db_exec(db,
			    "INSERT INTO programme(id, code, name, department, frequency,"
			    " standard_fen) VALUES(1, 'DBJ', '低保', '民政', 'monthly', 90000)",
			    &err),
		    0);
		o.path = roster;
		o.key_opt = key;
		o.threads = threads;
		snprintf(text, sizeof(text),
			 "%sDBJ,202301,%s,甲,410102001001,6217000000000000012,100\n", hdr, id);
		write_file(roster, text);
		assert_int_equal(roster_import(db, &o, &sum, &err), 0);
		assert_int_equal(sum.new_accounts, 1);
		assert_int_equal(sum.kept_corrected, 0);
		/* the bank refused …0012: corrected to another account */
		assert_int_equal(
		    db_exec(db,
			    "UPDATE bank_account SET valid_to = '2023-02-01T00:00:00Z'"
			    " WHERE beneficiary_id = 1 AND valid_to IS NULL;"
			    "INSERT INTO bank_account(beneficiary_id, acct_hash, acct_enc, last4,"
			    " is_sscard, valid_from, source) VALUES(1, zeroblob(16), x'00', '0102',"
			    " 1, '2023-02-01T00:00:00Z', 'correction 1')",
			    &err),
		    0);
		/* the next roster still lists …0012 (twice), then a new account */
		snprintf(text, sizeof(text),
			 "%sDBJ,202302,%s,甲,410102001001,6217000000000000012,100\n"
			 "DBJ,202303,%s,甲,410102001001,6217000000000000012,100\n"
			 "DBJ,202304,%s,甲,410102001001,6217000000000000020,100\n",
			 hdr, id, id, id);
		write_file(roster, text);
		assert_int_equal(roster_import(db, &o, &sum, &err), 0);
		assert_int_equal(sum.accepted, 3);
		assert_int_equal(sum.kept_corrected, 2);
		assert_int_equal(sum.new_accounts, 1);
		query1(db,
		       "SELECT group_concat(x, ',') FROM (SELECT a.last4 || ':' || a.source AS x"
		       " FROM entitlement e JOIN bank_account a ON a.id = e.account_id"
		       " ORDER BY e.period)",
		       v, sizeof(v));
		assert_string_equal(v,
				    "0012:roster,0102:correction 1,0102:correction 1,0020:roster");
		/* the refused account was never reopened: three accounts, …0020 current */
		query1(db,
		       "SELECT COUNT(*) || ':' || (SELECT last4 FROM bank_account"
		       " WHERE valid_to IS NULL) FROM bank_account",
		       v, sizeof(v));
		assert_string_equal(v, "3:0020");
		db_close(db);
		db = NULL;
		{
			char cmd[160];

			snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
			assert_int_equal(system(cmd), 0);
		}
	}
}

/* The import's sums (total, programme-period) refuse to overflow int64:
 * 9.3 million rows at the 10^12-fen row cap would pass INT64_MAX. */
static void test_total_add(void **state)
{
	const int64_t cap = INT64_C(1000000000000); /* the per-row cap */
	int64_t t = 0;
	long rows;

	(void)state;
	assert_int_equal(roster_total_add(&t, 30000), 0);
	assert_int_equal(roster_total_add(&t, 5), 0);
	assert_true(t == 30005);
	/* exactly INT64_MAX is still a total */
	t = INT64_MAX - cap;
	assert_int_equal(roster_total_add(&t, cap), 0);
	assert_true(t == INT64_MAX);
	/* one fen more is refused, the total left as it was */
	assert_int_equal(roster_total_add(&t, 1), ERR_INPUT);
	assert_true(t == INT64_MAX);
	/* rows at the cap from zero: refused at the row that would pass
	 * INT64_MAX, never wrapped to a negative total */
	t = 0;
	for (rows = 0; roster_total_add(&t, cap) == 0; rows++)
		assert_true(t > 0);
	assert_true(rows == (long)(INT64_MAX / cap));
	assert_true(t == (int64_t)rows * cap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_total_add),
	    cmocka_unit_test(test_corrected_account),
	    cmocka_unit_test(test_every_reason),
	    cmocka_unit_test(test_message_control_chars),
	    cmocka_unit_test(test_row_fields),
	    cmocka_unit_test(test_reason_codes),
	    cmocka_unit_test(test_import),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
