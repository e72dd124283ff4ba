/*
 * test_programme_fuzzregress.c - programme import bugs found by
 * fuzz_programme (docs/fuzzing.md), one test each, so they stay fixed.
 */
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

/*
 * An empty file was refused with a message but no reason code, unlike
 * every other refusal (the people registers and org units say bad_header).
 */
static void test_empty_file_has_a_reason(void **state)
{
	char path[] = "/tmp/ms-prog-fuzzregress-XXXXXX";
	struct db *db = NULL;
	struct error err;
	size_t n = 99;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	error_clear(&err);
	assert_int_equal(db_open(":memory:", &db, &err), 0);
	assert_int_equal(subsidy_migrate(db, &err), 0);
	assert_int_equal(programme_import(db, path, NULL, NULL, NULL, &n, &err), ERR_INPUT);
	assert_string_equal(err.reason, "bad_header");
	assert_int_equal(err.line, 1);
	assert_int_equal(n, 0);
	db_close(db);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty_file_has_a_reason),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
