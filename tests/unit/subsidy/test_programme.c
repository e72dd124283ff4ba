/* test_programme.c - frequencies, periods, programme import and look-up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/error.h"
#include "db/db.h"
#include "subsidy/programme.h"
#include "subsidy/subsidy.h"

static void test_frequency(void **state)
{
	(void)state;
	assert_int_equal(programme_frequency_parse("monthly"), FREQ_MONTHLY);
	assert_int_equal(programme_frequency_parse("once"), FREQ_ONCE);
	assert_int_equal(programme_frequency_parse("Monthly"), 0);
	assert_int_equal(programme_frequency_parse(""), 0);
	assert_string_equal(programme_frequency_name(FREQ_QUARTERLY), "quarterly");
	assert_string_equal(programme_frequency_label(FREQ_YEARLY), "按年");
	assert_string_equal(programme_frequency_name(0), "");
	assert_true(programme_period_ok(FREQ_MONTHLY, PERIOD_MONTH));
	assert_false(programme_period_ok(FREQ_MONTHLY, PERIOD_QUARTER));
	assert_true(programme_period_ok(FREQ_QUARTERLY, PERIOD_QUARTER));
	assert_false(programme_period_ok(FREQ_QUARTERLY, PERIOD_YEAR));
	assert_true(programme_period_ok(FREQ_YEARLY, PERIOD_YEAR));
	assert_false(programme_period_ok(FREQ_YEARLY, PERIOD_MONTH));
	assert_true(programme_period_ok(FREQ_ONCE, PERIOD_YEAR));
	assert_false(programme_period_ok(FREQ_ONCE, PERIOD_DAY));
	assert_false(programme_period_ok(FREQ_MONTHLY, PERIOD_WEEK));
}

struct rej {
	int n;
	char reasons[512];
	char last_msg[512];
};

static void on_reject(void *ctx, const struct error *e)
{
	struct rej *r = ctx;
	size_t l = strlen(r->reasons);

	r->n++;
	snprintf(r->last_msg, sizeof(r->last_msg), "%s", e->msg);
	snprintf(r->reasons + l, sizeof(r->reasons) - l, "%ld:%ld:%s;", e->line, e->column,
		 e->reason);
}

static char *write_tmp(const char *text)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/test_programme.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static struct db *open_db(void)
{
	struct db *db = NULL;
	struct error err;

	error_clear(&err);
	assert_int_equal(db_open(":memory:", &db, &err), 0);
	assert_int_equal(subsidy_migrate(db, &err), 0);
	return db;
}

static void test_import_and_find(void **state)
{
	struct programme_list l;
	struct db *db = open_db();
	struct rej r = {0};
	struct error err;
	size_t count;
	char *p;

	(void)state;
	error_clear(&err);
	p = write_tmp("code,name,department,frequency,standard_fen,min_age,max_age\n"
		      "DBJ,低保,民政,monthly,90000,,\n"
		      "DB,低保2,民政,quarterly,,60,\n"
		      "\"GL,JT\",高龄,民政,monthly,10000,80,\n"
		      "GLJT,高龄,民政,monthly,10000,80,100\n");
	assert_int_equal(programme_import(db, p, NULL, on_reject, &r, &count, &err), ERR_INPUT);
	assert_string_equal(r.reasons, "4:1:bad_code;");
	unlink(p);
	p = write_tmp("code,name,department,frequency,standard_fen,min_age,max_age\r\n"
		      "DBJ,低保,民政,monthly,90000,,\r\n"
		      "DB,低保2,民政,quarterly,,60,\r\n"
		      "GLJT,高龄,民政,monthly,10000,80,100\r\n");
	memset(&r, 0, sizeof(r));
	assert_int_equal(programme_import(db, p, NULL, on_reject, &r, &count, &err), 0);
	assert_int_equal(count, 3);
	unlink(p);
	assert_int_equal(programme_list_load(db, &l, &err), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.p[0].code, "DB"); /* sorted */
	assert_null(programme_list_find(&l, "D", 1));
	assert_null(programme_list_find(&l, "DBJX", 4));
	assert_null(programme_list_find(&l, "DB\0J", 4));
	assert_string_equal(programme_list_find(&l, "DBJ", 3)->name, "低保");
	assert_string_equal(programme_list_find(&l, "DBJX", 2)->code, "DB");
	assert_int_equal(programme_list_find(&l, "DB", 2)->standard_fen, 0);
	assert_int_equal(programme_list_find(&l, "DB", 2)->min_age, 60);
	assert_int_equal(programme_list_find(&l, "DB", 2)->max_age, -1);
	assert_int_equal(programme_list_find(&l, "GLJT", 4)->max_age, 100);
	assert_int_equal(programme_list_find(&l, "DB", 2)->frequency, FREQ_QUARTERLY);
	programme_list_free(&l);
	programme_list_free(&l); /* twice is harmless */

	/* every bad value, one per row */
	p = write_tmp("code,name,department,frequency,standard_fen,min_age,max_age\n"
		      ",a,b,monthly,,,\n"
		      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456,a,b,monthly,,,\n"
		      "A,a,b,monthly,-1,,\n"
		      "A,a,b,monthly,1000000000001,,\n"
		      "A,a,b,monthly,,151,\n"
		      "A,a,b,monthly,,+5,\n"
		      "A,\"a\nb\",b,monthly,,,\n"
		      "A,a,b,yearly,,,,\n"
		      "B,a,b,yearly,,,\n"
		      "B,a,b,yearly,,,\n");
	memset(&r, 0, sizeof(r));
	assert_int_equal(programme_import(db, p, NULL, on_reject, &r, &count, &err), ERR_INPUT);
	assert_string_equal(r.reasons, "2:1:bad_code;3:1:bad_code;4:5:bad_standard;"
				       "5:5:bad_standard;6:6:bad_age;7:6:bad_age;8:2:bad_name;"
				       "10:8:field_count;12:1:duplicate_code;");
	unlink(p);
	/* a bad value quoted in a message keeps no control character */
	p = write_tmp("code,name,department,frequency,standard_fen,min_age,max_age\n"
		      "A,a,b,\"week\n\x1b[2Jly\",,,\n");
	memset(&r, 0, sizeof(r));
	assert_int_equal(programme_import(db, p, NULL, on_reject, &r, &count, &err), ERR_INPUT);
	assert_string_equal(r.reasons, "2:4:bad_frequency;");
	assert_non_null(strstr(r.last_msg, "'week??[2Jly'"));
	unlink(p);
	/* a wrong header */
	p = write_tmp("code,name,dept,frequency,standard_fen,min_age,max_age\n");
	error_clear(&err);
	assert_int_equal(programme_import(db, p, NULL, on_reject, &r, &count, &err), ERR_INPUT);
	assert_string_equal(err.reason, "bad_header");
	unlink(p);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_frequency),
	    cmocka_unit_test(test_import_and_find),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
