/* test_buf.c - the bounded buffer and the error struct. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "base/buf.h"
#include "base/error.h"

static void test_buf_ceiling(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 8);
	assert_string_equal(buf_str(&b), "");
	assert_int_equal(buf_adds(&b, "abcd"), 0);
	assert_int_equal(buf_printf(&b, "%d", 123), 0);
	assert_string_equal(buf_str(&b), "abcd123");
	assert_int_equal(buf_adds(&b, "xy"), ERR_INPUT);   /* would make 9 */
	assert_string_equal(buf_str(&b), "abcd123");        /* unchanged */
	assert_int_equal(buf_addc(&b, 'z'), 0);
	assert_int_equal(buf_addc(&b, 'z'), ERR_INPUT);
	assert_int_equal(buf_printf(&b, "%s", "q"), ERR_INPUT);
	assert_int_equal(b.len, 8);
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_str(&b), "");
	buf_free(&b);
	buf_free(NULL);
}

static void test_error_format(void **state)
{
	struct error err;
	char text[256];

	(void)state;
	error_clear(&err);
	assert_int_equal(error_at(&err, ERR_INPUT, "plan.csv", 12, 9, "未知的单位代码 '%s'", "4199"),
			 ERR_INPUT);
	assert_string_equal(error_format(&err, text, sizeof(text)),
			    "plan.csv:12:9: 未知的单位代码 '4199'");
	error_set(&err, ERR_IO, "cannot open '%s'", "x");
	assert_string_equal(error_format(&err, text, sizeof(text)), "cannot open 'x'");
	assert_int_equal(error_set(NULL, ERR_USAGE, "x"), ERR_USAGE);
	error_at(&err, ERR_INPUT, "a.csv", 3, 0, "bad");
	assert_string_equal(error_format(&err, text, sizeof(text)), "a.csv:3: bad");

	/* Position, reason and message in one call; the previous reason is gone. */
	assert_int_equal(error_at_reason(&err, ERR_INPUT, "r.csv", 7, 3, "id_checksum",
					 "校验码错误 '%s'", "X"),
			 ERR_INPUT);
	assert_string_equal(err.reason, "id_checksum");
	assert_string_equal(error_format(&err, text, sizeof(text)), "r.csv:7:3: 校验码错误 'X'");
	error_at_reason(&err, ERR_INPUT, NULL, 2, 1, "", "x");
	assert_string_equal(err.file, "");
	assert_string_equal(err.reason, "");
	assert_int_equal(error_at_reason(NULL, ERR_IO, "f", 1, 1, "r", "m"), ERR_IO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_ceiling),
		cmocka_unit_test(test_error_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
