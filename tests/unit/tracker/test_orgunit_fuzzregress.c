/*
 * test_orgunit_fuzzregress.c - org unit import bugs found by fuzz_orgunit
 * (docs/fuzzing.md), one test each, so they stay fixed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "db/db.h"
#include "tracker/orgunit.h"
#include "tracker/tracker.h"

#include "tracker_test.h"

struct seen {
	int n;
	char msgs[8][512];
};

static void collect(void *ctx, const struct error *e, bool warning)
{
	struct seen *s = ctx;

	(void)warning;
	if (s->n < 8)
		snprintf(s->msgs[s->n], sizeof(s->msgs[0]), "%s", e->msg);
	s->n++;
}

static int has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/*
 * A quoted bad value holding a newline or a terminal escape was copied into
 * the message as it was (found: a level "ci\nty" and a code with ESC [2J),
 * so it reached stderr raw. Control characters now show as '?'.
 */
static void test_control_characters_in_messages(void **state)
{
	/* unknown_level is found while reading; the code checks run only on a
	 * file read without problems, hence two files */
	static const char level[] = "code,name,level,parent_code\n"
				    "4106,鹤壁市,\"ci\nty\",41\n";
	static const char codes[] = "code,name,level,parent_code\n"
				    "\"41\x1b[2J07\",新乡市,city,41\n"
				    "4108,焦作市,city,\"4\x07\"\n";
	struct orgunit_import_stats st;
	struct db *db = tt_open_db();
	struct seen s = {0};
	struct error err;
	int i;

	(void)state;
	error_clear(&err);
	assert_int_equal(
	    orgunit_import_mem(db, "u.csv", level, sizeof(level) - 1, &st, collect, &s, &err),
	    ERR_INPUT);
	assert_int_equal(s.n, 1);
	assert_string_equal(err.reason, "unknown_level");
	assert_false(has_control(err.msg));
	assert_non_null(strstr(s.msgs[0], "'ci?ty'"));

	memset(&s, 0, sizeof(s));
	assert_int_equal(
	    orgunit_import_mem(db, "u.csv", codes, sizeof(codes) - 1, &st, collect, &s, &err),
	    ERR_INPUT);
	assert_int_equal(s.n, 2);
	for (i = 0; i < s.n; i++)
		assert_false(has_control(s.msgs[i]));
	assert_string_equal(err.reason, "bad_code");
	assert_non_null(strstr(s.msgs[0], "'41?[2J07'"));
	assert_non_null(strstr(s.msgs[1], "'4?'"));
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_control_characters_in_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
