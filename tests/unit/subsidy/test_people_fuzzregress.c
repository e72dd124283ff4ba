/*
 * test_people_fuzzregress.c - deaths and officials import bugs found by
 * fuzz_officials and fuzz_deaths (docs/fuzzing.md), one test each, so they
 * stay fixed.
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
#include "subsidy/people.h"
#include "subsidy/pii.h"
#include "subsidy/subsidy.h"

struct seen {
	int n;
	char msgs[4][512];
};

static void collect(void *ctx, const struct error *e)
{
	struct seen *s = ctx;

	if (s->n < 4)
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

static void write_file(char *path, const char *text)
{
	int fd = mkstemp(path);
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

/*
 * A bad village code holding a terminal escape (OSC: ESC ] ... BEL) or a
 * quoted newline went into the reject message as it was, so it reached
 * stderr raw. Control characters now show as '?'.
 */
static void test_officials_control_characters_in_messages(void **state)
{
	char path[] = "/tmp/ms-people-fuzzregress-XXXXXX";
	struct people_summary sum;
	struct pii_keys keys;
	struct seen s = {0};
	struct db *db = NULL;
	struct error err;
	int i;

	(void)state;
	write_file(path, "id_number,name,village,role\n"
			 "410102194001101018,张伟,\"\x1b]0;pwn\x07\",村支书\n"
			 "410102194102111020,王芳,\"41010200100\n1\",主任\n");
	memset(&keys, 7, sizeof(keys));
	error_clear(&err);
	assert_int_equal(pii_init(&err), 0);
	assert_int_equal(db_open(":memory:", &db, &err), 0);
	assert_int_equal(subsidy_migrate(db, &err), 0);
	assert_int_equal(officials_import(db, &keys, path, collect, &s, &sum, &err), ERR_INPUT);
	assert_int_equal(s.n, 2);
	assert_int_equal(sum.rejected, 2);
	for (i = 0; i < s.n; i++)
		assert_false(has_control(s.msgs[i]));
	assert_false(has_control(err.msg));
	assert_string_equal(err.reason, "bad_village");
	assert_non_null(strstr(s.msgs[0], "'?]0;pwn?'"));
	assert_non_null(strstr(s.msgs[1], "'41010200100?1'"));
	db_close(db);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_officials_control_characters_in_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
