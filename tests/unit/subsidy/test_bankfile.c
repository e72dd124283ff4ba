/* test_bankfile.c - the bank file formats: formatting, parsing, each bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/buf.h"
#include "base/error.h"
#include "subsidy/bankfile.h"

#include <string.h>

/* Read a whole return file; returns 0 and the number of D records, or the error. */
static int read_return(const char *text, int64_t *batch, int64_t *n, struct error *err)
{
	struct bankfile_parser ps;
	struct bankret_line ln;
	bool end = false;

	*n = 0;
	error_clear(err);
	if (bankfile_return_open(&ps, text, strlen(text), "ret.csv", batch, err))
		return ERR_INPUT;
	while (!end) {
		if (bankfile_return_next(&ps, &ln, &end, err))
			return ERR_INPUT;
		if (!end)
			(*n)++;
	}
	return 0;
}

static void test_return_ok(void **state)
{
	const char *text = "\xef\xbb\xbfH,MSRET,1,17\r\n"
			   "D,1,SUCCESS,,30000,2023-03-15T10:20:30\r\n"
			   "D,2,FAILED,ACCT_CLOSED,15000,2023-03-15T10:20:31\n"
			   "D,1,REVERSED,REVERSAL,30000,2023-03-16T00:00:00\n"
			   "T,3,75000";
	struct bankfile_parser ps;
	struct bankret_line ln;
	struct error err;
	int64_t batch;
	bool end;

	(void)state;
	assert_int_equal(bankfile_return_open(&ps, text, strlen(text), "r", &batch, &err), 0);
	assert_int_equal(batch, 17);
	assert_int_equal(bankfile_return_next(&ps, &ln, &end, &err), 0);
	assert_false(end);
	assert_int_equal(ln.payment_id, 1);
	assert_int_equal(ln.status, BANKRET_SUCCESS);
	assert_string_equal(ln.reason, "");
	assert_int_equal(ln.amount_fen, 30000);
	assert_string_equal(ln.bank_time, "2023-03-15T10:20:30");
	assert_int_equal(ln.line, 2);
	assert_int_equal(bankfile_return_next(&ps, &ln, &end, &err), 0);
	assert_int_equal(ln.status, BANKRET_FAILED);
	assert_string_equal(ln.reason, "ACCT_CLOSED");
	assert_int_equal(bankfile_return_next(&ps, &ln, &end, &err), 0);
	assert_int_equal(ln.status, BANKRET_REVERSED);
	assert_int_equal(ln.line, 4);
	assert_int_equal(bankfile_return_next(&ps, &ln, &end, &err), 0);
	assert_true(end);
}

/* Any number of empty lines, LF or CRLF, may follow the trailer. */
static void test_trailer_blank_lines(void **state)
{
	static const char *const ok[] = {
	    "H,MSRET,1,17\nD,1,SUCCESS,,5,2023-03-15T10:20:30\nT,1,5\n\n",
	    "H,MSRET,1,17\r\nD,1,SUCCESS,,5,2023-03-15T10:20:30\r\nT,1,5\r\n\r\n",
	    "H,MSRET,1,17\nD,1,SUCCESS,,5,2023-03-15T10:20:30\nT,1,5\n\n\n\n",
	    "H,MSRET,1,17\nD,1,SUCCESS,,5,2023-03-15T10:20:30\nT,1,5\r\n\n\r\n\r\n\n",
	    /* the last empty line without its line end */
	    "H,MSRET,1,17\nD,1,SUCCESS,,5,2023-03-15T10:20:30\nT,1,5\n\r\n\r",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct error err;
		int64_t batch, n;

		if (read_return(ok[i], &batch, &n, &err) != 0)
			fail_msg("case %zu refused: %s %ld:%ld %s", i, err.reason, err.line,
				 err.column, err.msg);
		assert_int_equal(batch, 17);
		assert_int_equal(n, 1);
	}
	/* the payment file is read by the same rules */
	{
		const char *pay = "H,MSPAY,1,5,1,100\r\nD,1,张三,1,100\r\nT,1,100\r\n\r\n\n";
		struct bankfile_parser ps;
		struct bankpay_line ln;
		struct error err;
		int64_t batch, count, total;
		bool end = false;
		int rc, lines = 0;

		rc = bankfile_payment_open(&ps, pay, strlen(pay), "pay.csv", &batch, &count, &total,
					   &err);
		while (!rc && !end) {
			rc = bankfile_payment_next(&ps, &ln, &end, &err);
			lines += !rc && !end;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(lines, 1);
	}
}

struct bad {
	const char *text;
	const char *reason;
	long line;
	long column;
};

static void test_return_bad(void **state)
{
	static const struct bad cases[] = {
	    {"", "bank_header", 1, 1},
	    {"D,1,SUCCESS,,1,2023-03-15T10:20:30\nT,1,1\n", "bank_header", 1, 1},
	    {"H,MSPAY,1,17\nT,0,0\n", "bank_format", 1, 2},
	    {"H,MSRET,2,17\nT,0,0\n", "bank_format", 1, 2},
	    {"H,MSRET,1\nT,0,0\n", "bank_header", 1, 4},
	    {"H,MSRET,1,17,9\nT,0,0\n", "bank_header", 1, 5},
	    {"H,MSRET,1,017\nT,0,0\n", "bank_batch_id", 1, 4},
	    {"H,MSRET,1,x\nT,0,0\n", "bank_batch_id", 1, 4},
	    {"H,MSRET,1,17\n", "bank_trailer", 2, 1},
	    {"H,MSRET,1,17\nD,1,SUCCESS,,1,2023-03-15T10:20:30\n", "bank_trailer", 3, 1},
	    {"H,MSRET,1,17\n\nT,0,0\n", "bank_empty_line", 2, 1},
	    {"H,MSRET,1,17\nX,1\nT,0,0\n", "bank_record", 2, 1},
	    {"H,MSRET,1,17\nD,1,SUCCESS,,1\nT,0,0\n", "bank_field_count", 2, 6},
	    {"H,MSRET,1,17\nD,1,SUCCESS,,1,2023-03-15T10:20:30,x\nT,0,0\n", "bank_field_count", 2,
	     7},
	    {"H,MSRET,1,17\nD,0,SUCCESS,,1,2023-03-15T10:20:30\nT,1,1\n", "bank_payment_id", 2, 2},
	    {"H,MSRET,1,17\nD,-1,SUCCESS,,1,2023-03-15T10:20:30\nT,1,1\n", "bank_payment_id", 2, 2},
	    {"H,MSRET,1,17\nD,1234567890123456789,SUCCESS,,1,2023-03-15T10:20:30\nT,1,1\n",
	     "bank_payment_id", 2, 2},
	    {"H,MSRET,1,17\nD,1,success,,1,2023-03-15T10:20:30\nT,1,1\n", "bank_status", 2, 3},
	    {"H,MSRET,1,17\nD,1,SUCCESS,X,1,2023-03-15T10:20:30\nT,1,1\n", "bank_reason", 2, 4},
	    {"H,MSRET,1,17\nD,1,FAILED,,1,2023-03-15T10:20:30\nT,1,1\n", "bank_reason", 2, 4},
	    {"H,MSRET,1,17\nD,1,FAILED,acct closed,1,2023-03-15T10:20:30\nT,1,1\n", "bank_reason",
	     2, 4},
	    {"H,MSRET,1,17\nD,1,FAILED,ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456,1,2023-03-15T10:20:30\n"
	     "T,1,1\n",
	     "bank_reason", 2, 4},
	    {"H,MSRET,1,17\nD,1,SUCCESS,,0,2023-03-15T10:20:30\nT,1,0\n", "bank_amount", 2, 5},
	    {"H,MSRET,1,17\nD,1,SUCCESS,,1.5,2023-03-15T10:20:30\nT,1,1\n", "bank_amount", 2, 5},
	    {"H,MSRET,1,17\nD,1,SUCCESS,,+1,2023-03-15T10:20:30\nT,1,1\n", "bank_amount", 2, 5},
	    {"H,MSRET,1,17\nD,1,SUCCESS,,1,2023-02-29T10:20:30\nT,1,1\n", "bank_time", 2, 6},
	    {"H,MSRET,1,17\nD,1,SUCCESS,,1,2023-03-15 10:20:30\nT,1,1\n", "bank_time", 2, 6},
	    {"H,MSRET,1,17\nD,1,SUCCESS,,1,2023-03-15T24:00:00\nT,1,1\n", "bank_time", 2, 6},
	    {"H,MSRET,1,17\nD,1,SUCCESS,,1,2023-03-15\nT,1,1\n", "bank_time", 2, 6},
	    {"H,MSRET,1,17\nD,1,SUCCESS,,1,2023-03-15T10:20:30\nT,2,1\n", "bank_count", 3, 2},
	    {"H,MSRET,1,17\nD,1,SUCCESS,,1,2023-03-15T10:20:30\nT,1,2\n", "bank_total", 3, 3},
	    {"H,MSRET,1,17\nT,0\n", "bank_trailer", 2, 3},
	    {"H,MSRET,1,17\nT,x,0\n", "bank_trailer", 2, 2},
	    {"H,MSRET,1,17\nT,0,0\nD,1,SUCCESS,,1,2023-03-15T10:20:30\n", "bank_after_trailer", 3,
	     1},
	    /* empty lines after the trailer are fine (test_trailer_blank_lines),
	     * anything else there is refused at its own line */
	    {"H,MSRET,1,17\nT,0,0\n \n", "bank_after_trailer", 3, 1},
	    {"H,MSRET,1,17\nT,0,0\n\n\r\n\nx", "bank_after_trailer", 6, 1},
	    {"H,MSRET,1,17\nT,0,0\r\n\r\n\r\r\n", "bank_after_trailer", 4, 1},
	    {"H,MSRET,1,17\nT,0,0\n\nT,0,0\n", "bank_after_trailer", 4, 1},
	    {"H,MSRET,1,17\nT,0,0\n\t\n", "bank_after_trailer", 3, 1},
	    {"H,MSRET,1,17\nD,1,SUCCESS,,1,2023-03-15T10:20:30\nT,1,1\n\n"
	     "D,2,SUCCESS,,1,2023-03-15T10:20:30\n",
	     "bank_after_trailer", 5, 1},
	    {"H,MSRET,1,17\nD,\"1\",SUCCESS,,1,2023-03-15T10:20:30\nT,1,1\n", "bank_bad_char", 2,
	     2},
	    {"H,MSRET,1,17\nD,1,SUCCESS,,1,2023-03-15T10:20:30\t\nT,1,1\n", "bank_bad_char", 2, 6},
	    {"H,MSRET,1,17\nD,1,SUCCESS,,9223372036854775807,2023-03-15T10:20:30\nT,1,1\n",
	     "bank_amount", 2, 5},
	    {"H,MSRET,1,17\nD,1,SUCCESS,,999999999999999999,2023-03-15T10:20:30\n"
	     "D,2,SUCCESS,,999999999999999999,2023-03-15T10:20:30\n"
	     "D,3,SUCCESS,,999999999999999999,2023-03-15T10:20:30\n"
	     "D,4,SUCCESS,,999999999999999999,2023-03-15T10:20:30\n"
	     "D,5,SUCCESS,,999999999999999999,2023-03-15T10:20:30\n"
	     "D,6,SUCCESS,,999999999999999999,2023-03-15T10:20:30\n"
	     "D,7,SUCCESS,,999999999999999999,2023-03-15T10:20:30\n"
	     "D,8,SUCCESS,,999999999999999999,2023-03-15T10:20:30\n"
	     "D,9,SUCCESS,,999999999999999999,2023-03-15T10:20:30\n"
	     "D,10,SUCCESS,,999999999999999999,2023-03-15T10:20:30\nT,10,0\n",
	     "bank_total", 11, 5},
	    /* however many fields too many: the first extra one */
	    {"H,MSRET,1,17\nD,1,SUCCESS,,1,2023-03-15T10:20:30,,,,,,,,,\nT,1,1\n",
	     "bank_field_count", 2, 7},
	    {"H,MSRET,1,17,9,9,9,9,9,9,9\nT,0,0\n", "bank_header", 1, 5},
	    {"H,MSRET,1,17\nT,0,0,0,0,0,0,0,0,0,0\n", "bank_trailer", 2, 4},
	    /* a bad byte past the eighth field is still found, in its column */
	    {"H,MSRET,1,17\nD,1,SUCCESS,,1,2023-03-15T10:20:30,,,,,\t\nT,1,1\n",
	     "bank_bad_char", 2, 11},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct error err;
		int64_t batch, n;

		if (read_return(cases[i].text, &batch, &n, &err) != ERR_INPUT)
			fail_msg("case %zu accepted: %s", i, cases[i].text);
		if (strcmp(err.reason, cases[i].reason) || err.line != cases[i].line ||
		    err.column != cases[i].column)
			fail_msg("case %zu: got %s %ld:%ld (%s), want %s %ld:%ld", i, err.reason,
				 err.line, err.column, err.msg, cases[i].reason, cases[i].line,
				 cases[i].column);
		assert_string_equal(err.file, "ret.csv");
		assert_int_equal(err.code, ERR_INPUT);
		assert_true(err.msg[0] != '\0');
	}
}

static void test_line_too_long(void **state)
{
	char text[BANKFILE_MAX_LINE + 64];
	struct error err;
	int64_t batch, n;

	(void)state;
	memset(text, 'A', sizeof(text));
	memcpy(text, "H,MSRET,1,17\nD,", 15);
	text[sizeof(text) - 1] = '\0';
	assert_int_equal(read_return(text, &batch, &n, &err), ERR_INPUT);
	assert_string_equal(err.reason, "bank_line_too_long");
	assert_int_equal(err.line, 2);
}

static void test_nul_byte(void **state)
{
	static const char text[] = "H,MSRET,1,17\nD,1,SUCCESS,,1\0,2023-03-15T10:20:30\nT,1,1\n";
	struct bankfile_parser ps;
	struct bankret_line ln;
	struct error err;
	int64_t batch;
	bool end;

	(void)state;
	assert_int_equal(bankfile_return_open(&ps, text, sizeof(text) - 1, "r", &batch, &err), 0);
	assert_int_equal(bankfile_return_next(&ps, &ln, &end, &err), ERR_INPUT);
	assert_string_equal(err.reason, "bank_bad_char");
	/* A parser that failed stays failed. */
	assert_int_equal(bankfile_return_next(&ps, &ln, &end, &err), ERR_INPUT);
}

static void test_payment_roundtrip(void **state)
{
	struct bankfile_parser ps;
	struct bankpay_line ln;
	struct error err;
	struct buf b;
	int64_t batch, count, total;
	bool end;

	(void)state;
	buf_init(&b, 1 << 16);
	assert_int_equal(bankfile_format_payment_header(&b, 5, 2, 45000), 0);
	assert_int_equal(bankfile_format_payment_line(&b, 11, "张三", strlen("张三"),
						      "6222021234567890128", 19, 30000),
			 0);
	assert_int_equal(bankfile_format_payment_line(&b, 12, "欧阳,\"小明\"",
						      strlen("欧阳,\"小明\""),
						      "6222021234567890136", 19, 15000),
			 0);
	assert_int_equal(bankfile_format_trailer(&b, 2, 45000), 0);
	assert_string_equal(b.data, "H,MSPAY,1,5,2,45000\n"
				    "D,11,张三,6222021234567890128,30000\n"
				    "D,12,\"欧阳,\"\"小明\"\"\",6222021234567890136,15000\n"
				    "T,2,45000\n");
	assert_int_equal(
	    bankfile_payment_open(&ps, b.data, b.len, "p", &batch, &count, &total, &err), 0);
	assert_int_equal(batch, 5);
	assert_int_equal(count, 2);
	assert_int_equal(total, 45000);
	assert_int_equal(bankfile_payment_next(&ps, &ln, &end, &err), 0);
	assert_string_equal(ln.name, "张三");
	assert_int_equal(bankfile_payment_next(&ps, &ln, &end, &err), 0);
	assert_string_equal(ln.name, "欧阳,\"小明\"");
	assert_string_equal(ln.account, "6222021234567890136");
	assert_int_equal(ln.payment_id, 12);
	assert_int_equal(bankfile_payment_next(&ps, &ln, &end, &err), 0);
	assert_true(end);
	/* Names with control bytes and bad accounts are not written. */
	assert_int_equal(bankfile_format_payment_line(&b, 1, "a\nb", 3, "1", 1, 1), ERR_INPUT);
	assert_int_equal(bankfile_format_payment_line(&b, 1, "ab", 2, "12x", 3, 1), ERR_INPUT);
	assert_int_equal(bankfile_format_payment_line(&b, 1, "", 0, "1", 1, 1), ERR_INPUT);
	assert_int_equal(bankfile_format_payment_line(&b, 1, "ab", 2, "1", 1, 0), ERR_INPUT);
	buf_free(&b);
}

static void test_payment_bad(void **state)
{
	static const struct bad cases[] = {
	    {"H,MSPAY,1,5,1,100\nD,1,\"张三,1,100\nT,1,100\n", "bank_quote", 2, 3},
	    {"H,MSPAY,1,5,1,100\nD,1,\"张\"三,1,100\nT,1,100\n", "bank_quote", 2, 3},
	    {"H,MSPAY,1,5,1,100\nD,1,张\"三,1,100\nT,1,100\n", "bank_quote", 2, 3},
	    {"H,MSPAY,1,5,1,100\nD,1,,1,100\nT,1,100\n", "bank_name", 2, 3},
	    {"H,MSPAY,1,5,1,100\nD,1,张三,12a,100\nT,1,100\n", "bank_account", 2, 4},
	    {"H,MSPAY,1,5,1,100\nD,1,张三,1\nT,1,100\n", "bank_field_count", 2, 5},
	    {"H,MSPAY,1,5,2,100\nD,1,张三,1,100\nT,1,100\n", "bank_count", 3, 2},
	    {"H,MSPAY,1,5,1,101\nD,1,张三,1,100\nT,1,100\n", "bank_total", 3, 3},
	    {"H,MSPAY,1,5,1\nT,0,0\n", "bank_header", 1, 6},
	    {"H,MSPAY,1,5,x,1\nT,0,0\n", "bank_count", 1, 5},
	    {"H,MSPAY,1,5,1,-1\nT,0,0\n", "bank_total", 1, 6},
	    {"H,MSRET,1,5\nT,0,0\n", "bank_format", 1, 2},
	    {"H,MSPAY,1,5,1,100\nD,1,张三,1,100\nT,1,100\n\r\nD,2,李四,1,100\n",
	     "bank_after_trailer", 5, 1},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bankfile_parser ps;
		struct bankpay_line ln;
		struct error err;
		int64_t batch, count, total;
		bool end = false;
		int rc;

		error_clear(&err);
		rc = bankfile_payment_open(&ps, cases[i].text, strlen(cases[i].text), "pay.csv",
					   &batch, &count, &total, &err);
		while (!rc && !end)
			rc = bankfile_payment_next(&ps, &ln, &end, &err);
		if (rc != ERR_INPUT)
			fail_msg("case %zu accepted", i);
		if (strcmp(err.reason, cases[i].reason) || err.line != cases[i].line ||
		    err.column != cases[i].column)
			fail_msg("case %zu: got %s %ld:%ld (%s), want %s %ld:%ld", i, err.reason,
				 err.line, err.column, err.msg, cases[i].reason, cases[i].line,
				 cases[i].column);
	}
}

static void test_return_format(void **state)
{
	struct bankret_line ln = {.payment_id = 9,
				  .status = BANKRET_FAILED,
				  .reason = "ACCT_FROZEN",
				  .amount_fen = 1234,
				  .bank_time = "2024-02-29T23:59:59"};
	struct buf b;

	(void)state;
	buf_init(&b, 4096);
	assert_int_equal(bankfile_format_return_header(&b, 3), 0);
	assert_int_equal(bankfile_format_return_line(&b, &ln), 0);
	assert_string_equal(b.data,
			    "H,MSRET,1,3\nD,9,FAILED,ACCT_FROZEN,1234,2024-02-29T23:59:59\n");
	ln.status = BANKRET_SUCCESS;
	assert_int_equal(bankfile_format_return_line(&b, &ln), ERR_INPUT);
	ln.reason[0] = '\0';
	memcpy(ln.bank_time, "2023-02-29T23:59:59", 20);
	assert_int_equal(bankfile_format_return_line(&b, &ln), ERR_INPUT);
	assert_string_equal(bankret_status_name(BANKRET_REVERSED), "REVERSED");
	buf_free(&b);
}

static void test_helpers(void **state)
{
	int64_t v;

	(void)state;
	assert_true(bankfile_parse_id("1", 1, &v) && v == 1);
	assert_true(bankfile_parse_id("999999999999999999", 18, &v) && v == 999999999999999999);
	assert_false(bankfile_parse_id("0", 1, &v));
	assert_false(bankfile_parse_id("", 0, &v));
	assert_false(bankfile_parse_id("01", 2, &v));
	assert_false(bankfile_parse_id("1000000000000000000", 19, &v));
	assert_true(bankfile_time_valid("2024-02-29T00:00:00", 19));
	assert_false(bankfile_time_valid("2023-13-01T00:00:00", 19));
	assert_false(bankfile_time_valid("2023-01-01T00:60:00", 19));
	assert_false(bankfile_time_valid("2023-01-01T00:00:60", 19));
	assert_false(bankfile_time_valid("1899-12-31T00:00:00", 19));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_return_ok),	      cmocka_unit_test(test_return_bad),
	    cmocka_unit_test(test_trailer_blank_lines),
	    cmocka_unit_test(test_line_too_long),     cmocka_unit_test(test_nul_byte),
	    cmocka_unit_test(test_payment_roundtrip), cmocka_unit_test(test_payment_bad),
	    cmocka_unit_test(test_return_format),     cmocka_unit_test(test_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
