/* test_error.c - messages in struct error are safe to print. */
#include <setjmp.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "base/error.h"

/* Fill s with n copies of the UTF-8 character ch. */
static void repeat(char *s, const char *ch, size_t n)
{
	size_t k = strlen(ch);

	for (size_t i = 0; i < n; i++)
		memcpy(s + i * k, ch, k);
	s[n * k] = '\0';
}

static void test_control_characters(void **state)
{
	struct error e;

	(void)state;
	error_set(&e, ERR_INPUT, "未知的代码 '%s'", "a\nb\x1b[31m\x7f\tc");
	assert_string_equal(e.msg, "未知的代码 'a?b?[31m??c'");
	error_at_reason(&e, ERR_INPUT, "f.csv", 3, 2, "bad", "值 '%s'", "x\r\ny");
	assert_string_equal(e.msg, "值 'x??y'");
	assert_string_equal(e.reason, "bad");
	assert_int_equal(e.line, 3);
}

static void test_file_name_controls(void **state)
{
	struct error e;
	char out[256];

	(void)state;
	/* set through error_at and error_at_reason */
	error_at(&e, ERR_INPUT, "a\x1b[2Jb.csv", 4, 1, "坏行");
	assert_string_equal(e.file, "a?[2Jb.csv");
	assert_string_equal(error_format(&e, out, sizeof(out)), "a?[2Jb.csv:4:1: 坏行");
	error_at_reason(&e, ERR_INPUT, "x\ny", 0, 0, "r", "m");
	assert_string_equal(error_format(&e, out, sizeof(out)), "x?y: m");
	/* filled directly: error_format replaces them when printing */
	error_set(&e, ERR_IO, "无法打开");
	strcpy(e.file, "p\x07q\x7f");
	assert_string_equal(error_format(&e, out, sizeof(out)), "p?q?: 无法打开");
	/* a short buffer still ends in a string */
	assert_string_equal(error_format(&e, out, 3), "p?");
}

static void test_cut_on_character(void **state)
{
	static char big[4 * 300 + 1];
	struct error e;

	(void)state;
	/* 3-byte characters: 511 bytes would end inside the 171st */
	repeat(big, "村", 200);
	error_set(&e, ERR_INPUT, "%s", big);
	assert_int_equal(strlen(e.msg), 510);
	/* one ASCII byte first: 1 + 170 * 3 = 511 fits exactly */
	error_set(&e, ERR_INPUT, "a%s", big);
	assert_int_equal(strlen(e.msg), 511);
	/* 4-byte characters: 127 whole ones, 3 bytes of the next dropped */
	repeat(big, "\xf0\x9f\x98\x80", 200);
	error_set(&e, ERR_INPUT, "%s", big);
	assert_int_equal(strlen(e.msg), 508);
	/* 2-byte characters: 255 whole ones, 1 byte of the next dropped */
	repeat(big, "\xc3\xa9", 300);
	error_set(&e, ERR_INPUT, "%s", big);
	assert_int_equal(strlen(e.msg), 510);
	/* plain ASCII is cut at the last byte that fits */
	memset(big, 'x', 600);
	big[600] = '\0';
	error_set(&e, ERR_INPUT, "%s", big);
	assert_int_equal(strlen(e.msg), 511);
}

/* system errors read in Chinese; the unusual ones keep their number and text */
static void test_errno_text(void **state)
{
	(void)state;
	assert_string_equal(error_errno_text(ENOENT), "文件或目录不存在");
	assert_string_equal(error_errno_text(ENOSPC), "磁盘空间不足");
	assert_string_equal(error_errno_text(EACCES), "权限不足");
	assert_string_equal(error_errno_text(ENAMETOOLONG), "文件名过长");
	assert_non_null(strstr(error_errno_text(EHOSTDOWN), "系统错误 "));
	assert_non_null(strstr(error_errno_text(EHOSTDOWN), strerror(EHOSTDOWN)));
	assert_non_null(strstr(error_errno_text(99999), "系统错误 99999"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_control_characters),
	    cmocka_unit_test(test_cut_on_character),
	    cmocka_unit_test(test_file_name_controls),
	    cmocka_unit_test(test_errno_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
