/*
 * test_lookup_name.c - disclose_name_normalize, the form in which the
 * personal lookup compares names: spaces (ASCII, tab, U+3000) trimmed at
 * the ends, middle-dot variants written as U+00B7, nothing else changed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "subsidy/disclose.h"

#define DOT "\xc2\xb7" /* U+00B7, the form every dot is written in */

/* Normalize s into a buffer just large enough (strlen + 1) and check it. */
static void expect_norm(const char *s, const char *want)
{
	char out[256];
	size_t n = strlen(s) + 1;

	assert_true(n <= sizeof(out));
	assert_int_equal(disclose_name_normalize(s, strlen(s), out, n), strlen(want));
	assert_string_equal(out, want);
}

static void test_trim(void **state)
{
	(void)state;
	expect_norm("张三", "张三");
	expect_norm(" 张三", "张三");
	expect_norm("张三 ", "张三");
	expect_norm("\t张三\t", "张三");
	expect_norm("\xe3\x80\x80张三", "张三"); /* U+3000 before */
	expect_norm("张三\xe3\x80\x80", "张三"); /* U+3000 after */
	expect_norm(" \xe3\x80\x80\t 张三\xe3\x80\x80 \t\xe3\x80\x80",
		    "张三"); /* mixed, repeated */
	expect_norm("", "");
	expect_norm("   ", "");
	expect_norm("\xe3\x80\x80\xe3\x80\x80", "");
}

static void test_inner_kept(void **state)
{
	(void)state;
	/* inner spaces are part of the name: not removed, not folded */
	expect_norm("张 三", "张 三");
	expect_norm("张\xe3\x80\x80三", "张\xe3\x80\x80三");
	expect_norm(" 张 三 ", "张 三");
	/* no case folding, no other mapping */
	expect_norm("Ali", "Ali");
	expect_norm("ALI", "ALI");
	expect_norm("張三", "張三");
	/* other full-width punctuation is not a dot */
	expect_norm("阿依古丽\xef\xbc\x8c买买提", "阿依古丽\xef\xbc\x8c买买提"); /* U+FF0C comma */
	expect_norm("阿依古丽.买买提", "阿依古丽.买买提"); /* ASCII full stop */
	expect_norm("阿依古丽-买买提", "阿依古丽-买买提");
}

static void test_dots(void **state)
{
	static const char *const variants[] = {
	    "\xc2\xb7",	    /* U+00B7 middle dot */
	    "\xe2\x80\xa2", /* U+2022 bullet */
	    "\xe3\x83\xbb", /* U+30FB katakana middle dot */
	    "\xe2\x80\xa7", /* U+2027 hyphenation point */
	    "\xef\xbc\x8e", /* U+FF0E full-width full stop */
	    "\xef\xbd\xa5", /* U+FF65 half-width katakana middle dot */
	    "\xe2\x88\x99", /* U+2219 bullet operator */
	};
	char in[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		snprintf(in, sizeof(in), "阿依古丽%s买买提", variants[i]);
		expect_norm(in, "阿依古丽" DOT "买买提");
		/* with spaces around, and two dots of different kinds */
		snprintf(in, sizeof(in), "\xe3\x80\x80阿依古丽%s买买提%s阿力 ", variants[i],
			 variants[(i + 1) % 7]);
		expect_norm(in, "阿依古丽" DOT "买买提" DOT "阿力");
	}
	/* a dot at an end is not a space: kept */
	expect_norm("\xe2\x80\xa2张三", DOT "张三");
	expect_norm("张三\xe3\x83\xbb", "张三" DOT);
	/* neighbouring characters of the same lead bytes are not dots */
	expect_norm("\xe2\x80\xa3", "\xe2\x80\xa3"); /* U+2023 triangular bullet */
	expect_norm("\xe3\x83\xbc", "\xe3\x83\xbc"); /* U+30FC long vowel mark */
	expect_norm("\xc2\xb6", "\xc2\xb6");	     /* U+00B6 pilcrow */
}

static void test_bytes_and_bounds(void **state)
{
	char out[16];

	(void)state;
	/* invalid UTF-8 and cut sequences are copied as they are */
	expect_norm("\xff\xfe", "\xff\xfe");
	expect_norm("a\xe2\x80", "a\xe2\x80"); /* a cut U+2022 */
	expect_norm("a\xe3\x80", "a\xe3\x80"); /* a cut U+3000: not trimmed */
	expect_norm("a\xc2", "a\xc2");
	expect_norm("\x80\x80", "\x80\x80");
	/* a byte before U+3000 at the end: only the space goes */
	expect_norm("a\xe3\xe3\x80\x80", "a\xe3");
	/* length given, not the terminator: a dot cut by len is not a dot */
	assert_int_equal(disclose_name_normalize("a\xe2\x80\xa2", 3, out, sizeof(out)), 3);
	assert_memory_equal(out, "a\xe2\x80", 4);
	/* too small: (size_t)-1 and an empty string */
	assert_int_equal(disclose_name_normalize("张三", 6, out, 6), (size_t)-1);
	assert_string_equal(out, "");
	assert_int_equal(disclose_name_normalize("张三", 6, out, 7), 6);
	assert_int_equal(disclose_name_normalize("x", 1, out, 0), (size_t)-1);
	/* a dot that shrinks makes room: 3 bytes in, 2 out */
	assert_int_equal(disclose_name_normalize("a\xe2\x80\xa2", 4, out, 4), 3);
	assert_string_equal(out, "a" DOT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_trim),
	    cmocka_unit_test(test_inner_kept),
	    cmocka_unit_test(test_dots),
	    cmocka_unit_test(test_bytes_and_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
