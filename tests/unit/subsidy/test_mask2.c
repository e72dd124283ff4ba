/*
 * test_mask2.c - what a message may quote of a field (mask_quote), the
 * spreadsheet formula guard of CSV output (mask_csv_text), and their use in
 * roster_validate (a misplaced ID number or account is never quoted; a
 * name starting like a formula is bad_name).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/csv.h"
#include "base/error.h"
#include "subsidy/idcard.h"
#include "subsidy/mask.h"
#include "subsidy/programme.h"
#include "subsidy/roster.h"

static void test_quote(void **state)
{
	char out[128];

	(void)state;
	/* short values: as they are, cut at 40 bytes on a character boundary */
	assert_int_equal(mask_quote("GL01", 4, 40, out, sizeof(out)), 4);
	assert_string_equal(out, "GL01");
	assert_int_equal(mask_quote("41010200100", 11, 40, out, sizeof(out)), 11);
	assert_string_equal(out, "41010200100");
	/* 14 x "民" (3 bytes): cut at 39 bytes, not inside a character */
	assert_int_equal(mask_quote("民民民民民民民民民民民民民民", 42, 40, out, sizeof(out)), 39);
	/* an ID number, an account, a shortened one: withheld */
	assert_int_equal(mask_quote("410102196002021238", 18, 40, out, sizeof(out)),
			 strlen(MASK_QUOTE_HIDDEN));
	assert_string_equal(out, MASK_QUOTE_HIDDEN);
	mask_quote("6217000000000020010", 19, 40, out, sizeof(out));
	assert_string_equal(out, MASK_QUOTE_HIDDEN);
	mask_quote("196002021238", 12, 40, out, sizeof(out));
	assert_string_equal(out, MASK_QUOTE_HIDDEN);
	/* digits split by spaces, dashes or letters count together */
	mask_quote("6217 0000 0000 0020 010", 23, 40, out, sizeof(out));
	assert_string_equal(out, MASK_QUOTE_HIDDEN);
	mask_quote("41010219600202123X", 18, 40, out, sizeof(out));
	assert_string_equal(out, MASK_QUOTE_HIDDEN);
	/* full-width digits too */
	mask_quote("４１０１０２１９６００２０２", 42, 40, out, sizeof(out));
	assert_string_equal(out, MASK_QUOTE_HIDDEN);
	/* digits beyond the first 40 bytes still count: no 8-digit tail of an
	 * ID is shown because the value was cut */
	mask_quote("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx410102196002021238", 50, 40, out, sizeof(out));
	assert_string_equal(out, MASK_QUOTE_HIDDEN);
	/* too small a buffer: "" */
	assert_int_equal(mask_quote("410102196002021238", 18, 40, out, 8), 0);
	assert_string_equal(out, "");
	assert_int_equal(mask_quote("GL01", 4, 40, out, 4), 0);
}

static void csv_of(const char *s, char *out, size_t n)
{
	struct buf b;

	buf_init(&b, 4096);
	assert_int_equal(mask_csv_text(&b, s, strlen(s)), 0);
	snprintf(out, n, "%s", buf_str(&b));
	buf_free(&b);
}

static void test_csv_text(void **state)
{
	char out[256];

	(void)state;
	csv_of("张三", out, sizeof(out));
	assert_string_equal(out, "张三");
	csv_of("=1+2", out, sizeof(out));
	assert_string_equal(out, "'=1+2");
	csv_of("+1", out, sizeof(out));
	assert_string_equal(out, "'+1");
	csv_of("-1", out, sizeof(out));
	assert_string_equal(out, "'-1");
	csv_of("@SUM(A1)", out, sizeof(out));
	assert_string_equal(out, "'@SUM(A1)");
	csv_of("\tx", out, sizeof(out));
	assert_string_equal(out, "'\tx");
	/* CSV quoting still applies around the guarded value */
	csv_of("=HYPERLINK(\"http://x/\",\"a\")", out, sizeof(out));
	assert_string_equal(out, "\"'=HYPERLINK(\"\"http://x/\"\",\"\"a\"\")\"");
	csv_of("a=b", out, sizeof(out));
	assert_string_equal(out, "a=b");
	csv_of("", out, sizeof(out));
	assert_string_equal(out, "");
	assert_true(mask_formula_like("=", 1));
	assert_true(mask_formula_like("\r", 1));
	assert_false(mask_formula_like("张", 3));
	assert_false(mask_formula_like("", 0));
}

static struct programme progs[] = {
    {1, "DBJ", "低保", "民政", FREQ_MONTHLY, 90000, -1, -1},
};
static const struct programme_list plist = {progs, 1};
static uint64_t vcodes[] = {410102001001ULL};
static const struct roster_villages villages = {vcodes, 1};

static enum roster_reason check_line(const char *line, long *col, char *msg)
{
	struct csv_options o = {.name = "t.csv", .expected_fields = 7};
	struct roster_context ctx = {&plist, &villages, {2023, 6, 1}};
	struct csv_reader *r = NULL;
	struct roster_row row;
	struct csv_record rec;
	struct error err;
	enum roster_reason rr;

	error_clear(&err);
	assert_int_equal(csv_open_mem(line, strlen(line), &o, &r, &err), 0);
	assert_int_equal(csv_next(r, &rec, &err), 0);
	rr = roster_validate(&ctx, &rec, &row, col, msg, 320);
	csv_close(r);
	return rr;
}

static void test_roster_messages(void **state)
{
	static const char id[] = "410102196002021238";
	static const char acct[] = "6217000000000020010";
	char line[512], msg[320];
	long col = 0;

	(void)state;
	assert_int_equal(idcard_check_char(id), '8');
	/* the ID in the village column, the programme column, the amount */
	snprintf(line, sizeof(line), "DBJ,202303,%s,李四,%s,%s,30000", id, id, acct);
	assert_int_equal(check_line(line, &col, msg), ROSTER_BAD_VILLAGE);
	assert_null(strstr(msg, "196002021238"));
	assert_non_null(strstr(msg, MASK_QUOTE_HIDDEN));
	snprintf(line, sizeof(line), "%s,202303,%s,李四,410102001001,%s,30000", id, id, acct);
	assert_int_equal(check_line(line, &col, msg), ROSTER_UNKNOWN_PROGRAMME);
	assert_string_equal(msg, "未知的补贴项目 '" MASK_QUOTE_HIDDEN "'");
	snprintf(line, sizeof(line), "DBJ,%s,%s,李四,410102001001,%s,30000", acct, id, acct);
	assert_int_equal(check_line(line, &col, msg), ROSTER_BAD_PERIOD);
	assert_null(strstr(msg, "0000020010"));
	snprintf(line, sizeof(line), "DBJ,202303,%s,李四,410102001001,%s,%s", id, acct, acct);
	assert_int_equal(check_line(line, &col, msg), ROSTER_BAD_AMOUNT);
	assert_null(strstr(msg, "0000020010"));
	snprintf(line, sizeof(line), "DBJ,202303,%s,李四,410102001001,%s,30000x", id, acct);
	assert_int_equal(check_line(line, &col, msg), ROSTER_BAD_AMOUNT);
	assert_string_equal(msg, "金额 '30000x' 无效（应为正整数，单位分）");
	/* the account in the village column */
	snprintf(line, sizeof(line), "DBJ,202303,%s,李四,%s,410102001001,30000", id, acct);
	assert_int_equal(check_line(line, &col, msg), ROSTER_BAD_VILLAGE);
	assert_null(strstr(msg, "0000020010"));

	/* names that a spreadsheet would run */
	snprintf(line, sizeof(line), "DBJ,202303,%s,=1+2,410102001001,%s,30000", id, acct);
	assert_int_equal(check_line(line, &col, msg), ROSTER_BAD_NAME);
	assert_int_equal(col, 4);
	assert_non_null(strstr(msg, "公式"));
	snprintf(line, sizeof(line),
		 "DBJ,202303,%s,\"=HYPERLINK(\"\"http://x/\"\")\",410102001001,%s,30000", id, acct);
	assert_int_equal(check_line(line, &col, msg), ROSTER_BAD_NAME);
	snprintf(line, sizeof(line), "DBJ,202303,%s,+李,410102001001,%s,30000", id, acct);
	assert_int_equal(check_line(line, &col, msg), ROSTER_BAD_NAME);
	snprintf(line, sizeof(line), "DBJ,202303,%s,-李,410102001001,%s,30000", id, acct);
	assert_int_equal(check_line(line, &col, msg), ROSTER_BAD_NAME);
	snprintf(line, sizeof(line), "DBJ,202303,%s,@李,410102001001,%s,30000", id, acct);
	assert_int_equal(check_line(line, &col, msg), ROSTER_BAD_NAME);
	/* inside a name these characters are fine */
	snprintf(line, sizeof(line), "DBJ,202303,%s,李-四,410102001001,%s,30000", id, acct);
	assert_int_equal(check_line(line, &col, msg), ROSTER_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_quote),
	    cmocka_unit_test(test_csv_text),
	    cmocka_unit_test(test_roster_messages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
