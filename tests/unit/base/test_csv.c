/*
 * test_csv.c - the streaming CSV reader: dialect, encodings, errors with
 * their positions, recovery, limits and the memory bound, the header check
 * and field writing. Most cases are run with every window size from 1 to 7
 * bytes as well as whole, so that quotes, CRLF and multibyte characters fall
 * across read boundaries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/csv.h"
#include "base/error.h"

static const size_t windows[] = { 0, 1, 2, 3, 4, 5, 6, 7 };

/*
 * Read everything and describe it: one line per record, "line:[f1][f2]",
 * with CR and LF inside fields written as \r and \n; one line per error,
 * "!reason@line:col".
 */
static void render(struct csv_reader *r, struct buf *out)
{
	struct csv_record rec;
	struct error err;
	int rc, guard = 0;

	for (;;) {
		assert_true(++guard < 10000);
		error_clear(&err);
		rc = csv_next(r, &rec, &err);
		if (rc) {
			assert_int_equal(rec.n, 0);
			assert_true(err.reason[0] != '\0');
			assert_true(err.line > 0);
			assert_true(err.column > 0);
			buf_printf(out, "!%s@%ld:%ld\n", err.reason, err.line, err.column);
			if (rc == ERR_IO)
				break;
			continue;
		}
		if (rec.n == 0)
			break;
		buf_printf(out, "%ld:", rec.line);
		for (size_t i = 0; i < rec.n; i++) {
			const char *f = rec.field[i];

			assert_int_equal(strlen(f), rec.len[i]);
			buf_addc(out, '[');
			for (size_t j = 0; j < rec.len[i]; j++) {
				if (f[j] == '\n')
					buf_adds(out, "\\n");
				else if (f[j] == '\r')
					buf_adds(out, "\\r");
				else
					buf_addc(out, f[j]);
			}
			buf_addc(out, ']');
		}
		buf_addc(out, '\n');
	}
	/* the end stays the end */
	assert_int_equal(csv_next(r, &rec, &err) == 0 || err.code == ERR_IO, 1);
	assert_int_equal(rec.n, 0);
}

/* Read data with opt under every window size; all must give want. */
static void check_opt(const char *data, size_t len, const struct csv_options *opt,
		      const char *want)
{
	for (size_t w = 0; w < sizeof(windows) / sizeof(windows[0]); w++) {
		struct csv_reader *r;
		struct error err;
		struct buf out;

		buf_init(&out, 1 << 20);
		assert_int_equal(csv_open_mem(data, len, opt, &r, &err), 0);
		if (windows[w])
			csv_set_window(r, windows[w]);
		render(r, &out);
		if (strcmp(buf_str(&out), want) != 0)
			fail_msg("window %zu, input '%s':\n got: %s\nwant: %s", windows[w], data,
				 buf_str(&out), want);
		csv_close(r);
		buf_free(&out);
	}
}

/* A literal, which may hold NUL bytes. */
#define check_lit(s, opt, want) check_opt(s, sizeof(s) - 1, opt, want)

static void check(const char *data, const char *want)
{
	struct csv_options opt = { .name = "t.csv" };

	check_opt(data, strlen(data), &opt, want);
}

/*
 * Write data to a temporary file and read it back under every window; the
 * file path reads in chunks and decides the encoding from its first read.
 */
static void check_file(const char *data, size_t len, const struct csv_options *opt,
		       const char *want)
{
	char path[] = "/tmp/test_csv_fileXXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	for (size_t w = 0; w < sizeof(windows) / sizeof(windows[0]); w++) {
		struct csv_reader *r;
		struct error err;
		struct buf out;

		buf_init(&out, 1 << 22);
		assert_int_equal(csv_open_file(path, opt, &r, &err), 0);
		if (windows[w])
			csv_set_window(r, windows[w]);
		render(r, &out);
		if (strcmp(buf_str(&out), want) != 0)
			fail_msg("file, window %zu:\n got: %s\nwant: %s", windows[w], buf_str(&out),
				 want);
		csv_close(r);
		buf_free(&out);
	}
	unlink(path);
}

/* A table entry: input (which may hold NUL bytes), its length, the rendering. */
#define CASE(in, want) { in, sizeof(in) - 1, want }

struct bytes_case {
	const char *in;
	size_t len;
	const char *want;
};

/*
 * Each case read with the encoding given and detected: detection must
 * choose enc, and both readings give the same records, under every window.
 */
static void check_given_and_detected(const struct bytes_case *cases, size_t n,
				     const struct csv_options *given, const char *enc)
{
	struct csv_options detect = { .name = given->name };
	struct csv_reader *r;
	struct error err;

	for (size_t i = 0; i < n; i++) {
		check_opt(cases[i].in, cases[i].len, given, cases[i].want);
		assert_int_equal(csv_open_mem(cases[i].in, cases[i].len, &detect, &r, &err), 0);
		if (strcmp(csv_encoding(r), enc) != 0)
			fail_msg("case %zu detected as %s", i, csv_encoding(r));
		csv_close(r);
		check_opt(cases[i].in, cases[i].len, &detect, cases[i].want);
	}
}

static void test_basic(void **state)
{
	(void)state;
	check("a,b,c\n1,2,3\n", "1:[a][b][c]\n2:[1][2][3]\n");
	check("a,b\n1,2", "1:[a][b]\n2:[1][2]\n");
	check("a,b\r\n1,2\r\n", "1:[a][b]\n2:[1][2]\n");
	check("a,b\r\n1,2", "1:[a][b]\n2:[1][2]\n");
	check("a\rb\r\nc", "1:[a]\n2:[b]\n3:[c]\n");
	check("", "");
	check("\xef\xbb\xbf", "");
	check("\xef\xbb\xbf" "a,b\n", "1:[a][b]\n");
	check("\n", "1:[]\n");
	check("a\n\nb\n", "1:[a]\n2:[]\n3:[b]\n");
	check("a\n\n", "1:[a]\n2:[]\n");
	check(",,\n,", "1:[][][]\n2:[][]\n");
	check("x,", "1:[x][]\n");
	check(" a , b ", "1:[ a ][ b ]\n");
}

static void test_quotes(void **state)
{
	(void)state;
	check("\"a,b\",\"c\"\"d\"\n", "1:[a,b][c\"d]\n");
	check("\"\"\n\"\"\"\"\n", "1:[]\n2:[\"]\n");
	check("\"\",x", "1:[][x]\n");
	check("x,\"l1\nl2\",y\nz\n", "1:[x][l1\\nl2][y]\n3:[z]\n");
	check("\"a\rb\"\n", "1:[a\\rb]\n");
	check("\"a\r\nb\",c\r\nd\r\n", "1:[a\\r\\nb][c]\n3:[d]\n");
	check("\"a\"\r\n\"b\"", "1:[a]\n2:[b]\n");
	check("\"\n\n\n\"\nx", "1:[\\n\\n\\n]\n5:[x]\n");
}

static void test_quote_errors(void **state)
{
	(void)state;
	/* text after the closing quote: reported, and the next row is read */
	check("a,b\n\"x\"y,z\nc,d\n", "1:[a][b]\n!bad_quote@2:1\n3:[c][d]\n");
	check("a,\"x\" ,z\nc\n", "!bad_quote@1:2\n2:[c]\n");
	/* a quote inside an unquoted field */
	check("ab\"c,d\ne\n", "!bad_quote@1:1\n2:[e]\n");
	/* the skipped rest of a bad record still follows the quoting rules */
	check("\"x\"y,\"p,\nq\"\nok\n", "!bad_quote@1:1\n3:[ok]\n");
	/* unterminated: reported where the quote opened, then the end */
	check("a\n\"b\nc\n", "1:[a]\n!unterminated_quote@2:1\n");
	check("a,b,\"c", "!unterminated_quote@1:3\n");
	/* a bad record whose skipped rest never closes its quote */
	check("a\n\"x\"y,\"open\nmore\n", "1:[a]\n!bad_quote@2:1\n!unterminated_quote@2:2\n");
}

static void test_utf8(void **state)
{
	struct csv_options opt = { .name = "t.csv", .encoding = "UTF-8" };
	struct csv_reader *r;
	struct error err;

	(void)state;
	check("张三,李四\n王五\n", "1:[张三][李四]\n2:[王五]\n");
	check("\"张,三\",😀\n", "1:[张,三][😀]\n");
	/* explicit UTF-8: bad bytes are errors of their record, at its line
	 * and field, and the records after it are read */
	check_lit("a\nb,c\xff\nd\n", &opt, "1:[a]\n!invalid_utf8@2:2\n3:[d]\n");
	check_lit("\xc0\x80\nok\n", &opt, "!invalid_utf8@1:1\n2:[ok]\n");
	check_lit("x\n\xed\xa0\x80\ny\n", &opt, "1:[x]\n!invalid_utf8@2:1\n3:[y]\n");
	check_lit("\xf4\x90\x80\x80\ny\n", &opt, "!invalid_utf8@1:1\n2:[y]\n");
	check_lit("\"a\n\xe5\"\nz\n", &opt, "!invalid_utf8@2:1\n3:[z]\n");
	/* only input ending inside a character ends reading */
	check_lit("a,\xe5\xbc", &opt, "!invalid_utf8@1:2\n");
	check_lit("a\n\xff", &opt, "1:[a]\n!invalid_utf8@2:1\n");
	/* a recoverable error first, then bad UTF-8 in the skipped rest */
	check_lit("\"x\"y,\xff\nz\n", &opt, "!bad_quote@1:1\n2:[z]\n");
	assert_int_equal(csv_open_mem("a", 1, &opt, &r, &err), 0);
	assert_string_equal(csv_encoding(r), "UTF-8");
	csv_close(r);
	/* NUL bytes (UTF-16 saved by mistake) */
	check_lit("a\0b\nc\n", &opt, "!nul_byte@1:1\n2:[c]\n");
	check_lit("x\n\"a\0\"\ny\n", &opt, "1:[x]\n!nul_byte@2:1\n3:[y]\n");
	check_lit("\0\n\0\n", &opt, "!nul_byte@1:1\n!nul_byte@2:1\n");
}

/*
 * A bad byte never breaks the framing: it is never a separator, a quote or
 * a line end, and a sequence it cuts short gives the next byte back to the
 * parser. Run both as given UTF-8 and as detected (most of the text being
 * valid UTF-8), under every window.
 */
static void test_utf8_bad_bytes(void **state)
{
	static const struct bytes_case cases[] = {
		/* cut short by a comma, a line end, a quote, another lead */
		CASE("张三,李四\n\xe5,b\n王五,赵六\n", "1:[张三][李四]\n!invalid_utf8@2:1\n3:[王五][赵六]\n"),
		CASE("张三,李四\na\xe5\n王五,赵六\n", "1:[张三][李四]\n!invalid_utf8@2:1\n3:[王五][赵六]\n"),
		CASE("张三,李四\n\"\xe5\",x\n王五,赵六\n", "1:[张三][李四]\n!invalid_utf8@2:1\n3:[王五][赵六]\n"),
		CASE("张三,李四\nx,\xe5\xe5\xbc\xa0\n王五,赵六\n",
		     "1:[张三][李四]\n!invalid_utf8@2:2\n3:[王五][赵六]\n"),
		CASE("张三,李四\nx,\xe5\xbc\r\n王五,赵六\r\n",
		     "1:[张三][李四]\n!invalid_utf8@2:2\n3:[王五][赵六]\n"),
		/* stray bytes: a continuation byte, 0xFF, an overlong lead */
		CASE("张三,李四\n\x80\n王五,赵六\n", "1:[张三][李四]\n!invalid_utf8@2:1\n3:[王五][赵六]\n"),
		CASE("张三,李四\n王\xff五,赵六\n钱七,孙八\n", "1:[张三][李四]\n!invalid_utf8@2:1\n3:[钱七][孙八]\n"),
		CASE("张三,李四\n王五,\xc1\xbf\n钱七,孙八\n", "1:[张三][李四]\n!invalid_utf8@2:2\n3:[钱七][孙八]\n"),
		/* inside quotes, the quoted line end still inside the record */
		CASE("张三,李四\n\"a\xff\nb\",c\n王五,赵六\n",
		     "1:[张三][李四]\n!invalid_utf8@2:1\n4:[王五][赵六]\n"),
		/* several bad records in a row, and a NUL among them */
		CASE("张三,李四,王五,赵六\n\xff\n\xfe,\xfe\nx\0\n王五,赵六,钱七,孙八\n",
		     "1:[张三][李四][王五][赵六]\n!invalid_utf8@2:1\n!invalid_utf8@3:1\n!nul_byte@4:1\n"
		     "5:[王五][赵六][钱七][孙八]\n"),
		/* the bad byte in the last record, with and without a line end */
		CASE("张三,李四\n王五,赵\xff", "1:[张三][李四]\n!invalid_utf8@2:2\n"),
		CASE("张三,李四\n王五,赵\xff\n", "1:[张三][李四]\n!invalid_utf8@2:2\n"),
		/* the first record (a header) is reported like any other */
		CASE("na\xffme,李四\n王五,赵六\n", "!invalid_utf8@1:1\n2:[王五][赵六]\n"),
	};
	struct csv_options given = { .name = "t.csv", .encoding = "UTF-8" };

	(void)state;
	check_given_and_detected(cases, sizeof(cases) / sizeof(cases[0]), &given, "UTF-8");
}

/* What the messages say: the byte, and for a cut sequence its lead. */
static void test_bad_byte_messages(void **state)
{
	static const char mixed[] = "a\nb,c\xff\n\xe5,x\n\0\nd\n";
	struct csv_options opt = { .name = "t.csv", .encoding = "UTF-8" };
	struct csv_record rec;
	struct csv_reader *r;
	struct error err;
	char text[600];

	(void)state;
	assert_int_equal(csv_open_mem(mixed, sizeof(mixed) - 1, &opt, &r, &err), 0);
	assert_int_equal(csv_next(r, &rec, &err), 0);
	assert_int_equal(csv_next(r, &rec, &err), ERR_INPUT);
	assert_string_equal(error_format(&err, text, sizeof(text)),
			    "t.csv:2:2: 不是有效的 UTF-8 编码（字节 0xFF）；如果文件是 GBK 编码，"
			    "请用 --encoding GBK 指定编码");
	assert_int_equal(csv_next(r, &rec, &err), ERR_INPUT);
	assert_string_equal(error_format(&err, text, sizeof(text)),
			    "t.csv:3:1: 不是有效的 UTF-8 编码（字节 0xE5）；如果文件是 GBK 编码，"
			    "请用 --encoding GBK 指定编码");
	assert_int_equal(csv_next(r, &rec, &err), ERR_INPUT);
	assert_string_equal(err.reason, "nul_byte");
	assert_string_equal(error_format(&err, text, sizeof(text)),
			    "t.csv:4:1: 含有 NUL 字节（文件可能是 UTF-16 编码，请另存为 UTF-8）");
	assert_int_equal(csv_next(r, &rec, &err), 0);
	assert_string_equal(rec.field[0], "d");
	assert_int_equal(rec.line, 5);
	assert_int_equal(csv_next(r, &rec, &err), 0);
	assert_int_equal(rec.n, 0);
	csv_close(r);

	opt.encoding = "GB18030";
	assert_int_equal(csv_open_mem("\xd5\xc5\n\xd5\xc5,\xff\xfe\nx\n", 11, &opt, &r, &err), 0);
	assert_int_equal(csv_next(r, &rec, &err), 0);
	assert_int_equal(csv_next(r, &rec, &err), ERR_INPUT);
	assert_string_equal(err.reason, "bad_encoding");
	assert_string_equal(error_format(&err, text, sizeof(text)),
			    "t.csv:2:2: 无法按 GB18030 编码转换的字节（FF）");
	assert_int_equal(csv_next(r, &rec, &err), 0);
	assert_string_equal(rec.field[0], "x");
	csv_close(r);
}

/* Build n ASCII lines "rNNNN,x" (line numbers 1..n), then tail. */
static char *ascii_then(size_t n, const char *tail, size_t tail_len, size_t *len)
{
	struct buf b;

	buf_init(&b, 64 << 20);
	for (size_t i = 1; i <= n; i++)
		assert_int_equal(buf_printf(&b, "r%05zu,x\n", i), 0);
	assert_int_equal(buf_add(&b, tail, tail_len), 0);
	*len = b.len;
	return b.data;
}

static void test_detect(void **state)
{
	struct csv_options opt = { .name = "t.csv" };
	struct csv_record rec;
	struct csv_reader *r;
	struct error err;
	size_t len, n = 10000; /* 90000 bytes: past the 64 KiB that decide */
	char *data;
	int rc;

	(void)state;
	/* valid UTF-8 for 64 KiB, GBK after: UTF-8, error at the GBK line,
	 * and the line after it is read */
	data = ascii_then(n, "\xd5\xc5\xc8\xfd,1\nlast,y\n", 14, &len);
	assert_int_equal(csv_open_mem(data, len, &opt, &r, &err), 0);
	assert_string_equal(csv_encoding(r), "UTF-8");
	while ((rc = csv_next(r, &rec, &err)) == 0 && rec.n > 0)
		;
	assert_int_equal(rc, ERR_INPUT);
	assert_string_equal(err.reason, "invalid_utf8");
	assert_int_equal(err.line, (long)n + 1);
	assert_int_equal(err.column, 1);
	assert_string_equal(err.file, "t.csv");
	assert_int_equal(csv_next(r, &rec, &err), 0);
	assert_int_equal(rec.n, 2);
	assert_string_equal(rec.field[0], "last");
	assert_int_equal(rec.line, (long)n + 2);
	assert_int_equal(csv_next(r, &rec, &err), 0);
	assert_int_equal(rec.n, 0);
	csv_close(r);
	free(data);

	/* a UTF-8 character cut by the 64 KiB boundary is still UTF-8 */
	{
		size_t k = 65536 - 1;
		char *d = malloc(k + 8);

		memset(d, 'a', k);
		memcpy(d + k, "\xe5\xbc\xa0\n", 4);
		opt.max_field = 1 << 20;
		assert_int_equal(csv_open_mem(d, k + 4, &opt, &r, &err), 0);
		assert_string_equal(csv_encoding(r), "UTF-8");
		assert_int_equal(csv_next(r, &rec, &err), 0);
		assert_int_equal(rec.len[0], k + 3);
		csv_close(r);
		free(d);
		opt.max_field = 0;
	}

	/* the same bytes at the start: GB18030 */
	assert_int_equal(csv_open_mem("\xd5\xc5\xc8\xfd,1\n", 7, &opt, &r, &err), 0);
	assert_string_equal(csv_encoding(r), "GB18030");
	assert_int_equal(csv_next(r, &rec, &err), 0);
	assert_string_equal(rec.field[0], "张三");
	csv_close(r);

	/* a UTF-8 BOM settles it even with bad bytes after */
	assert_int_equal(csv_open_mem("\xef\xbb\xbf\xd5\xc5\nok\n", 9, &opt, &r, &err), 0);
	assert_string_equal(csv_encoding(r), "UTF-8");
	assert_int_equal(csv_next(r, &rec, &err), ERR_INPUT);
	assert_string_equal(err.reason, "invalid_utf8");
	assert_int_equal(csv_next(r, &rec, &err), 0);
	assert_string_equal(rec.field[0], "ok");
	csv_close(r);

	/* unknown encoding names are refused */
	opt.encoding = "NO-SUCH-ENCODING";
	assert_int_equal(csv_open_mem("a", 1, &opt, &r, &err), ERR_USAGE);
	assert_null(r);
	assert_string_equal(err.reason, "unknown_encoding");
	assert_non_null(strstr(err.msg, "NO-SUCH-ENCODING"));
}

static void test_gb18030(void **state)
{
	struct csv_options gbk = { .name = "g.csv", .encoding = "GBK" };
	struct csv_options gb = { .name = "g.csv", .encoding = "GB18030" };

	(void)state;
	/* detected: 张三,李四 / "王,五" in GBK */
	check("\xd5\xc5\xc8\xfd,\xc0\xee\xcb\xc4\r\n\"\xcd\xf5,\xce\xe5\"\r\n",
	      "1:[张三][李四]\n2:[王,五]\n");
	check_lit("\xd5\xc5\xc8\xfd\n", &gbk, "1:[张三]\n");
	/* four-byte GB18030 sequences (😀, and € as A2 E3) */
	check_lit("\x94\x39\xfc\x36,\xa2\xe3\n", &gb, "1:[😀][€]\n");
	/* the GB18030 byte order mark is skipped */
	check_lit("\x84\x31\x95\x33\xd5\xc5\n", &gb, "1:[张]\n");
	/* plain ASCII under an explicit GBK */
	check_lit("a,b\n", &gbk, "1:[a][b]\n");
	/* bytes that do not convert: an error of their record, then the
	 * records after it */
	check("\xd5\xc5\n\xd5\xc5,\xff\xfe\nx\n", "1:[张]\n!bad_encoding@2:2\n3:[x]\n");
	check_lit("\xd5\xc5\n\xd5\xc5,\xff\xfe\nx\n", &gbk, "1:[张]\n!bad_encoding@2:2\n3:[x]\n");
	/* input cut inside a character ends reading */
	check("\xd5\xc5\n\xd5", "1:[张]\n!bad_encoding@2:1\n");
	/* quote errors and recovery work the same after conversion */
	check("\xd5\xc5,\"a\"b\n\xc8\xfd\n", "!bad_quote@1:2\n2:[三]\n");
}

/*
 * In GB18030 a byte that does not convert is skipped alone: the comma,
 * quote or line end after a lead byte is still one. Given and detected,
 * under every window.
 */
static void test_gb18030_bad_bytes(void **state)
{
	static const struct bytes_case cases[] = {
		/* a lead byte cut short by a comma, a line end, a quote */
		CASE("\xd5\xc5\n\xd5,\xc8\xfd\n\xc0\xee\n", "1:[张]\n!bad_encoding@2:1\n3:[李]\n"),
		CASE("\xd5\xc5\nx\xd5\n\xc8\xfd\n", "1:[张]\n!bad_encoding@2:1\n3:[三]\n"),
		CASE("\xd5\xc5\n\"\xd5\",x\n\xc8\xfd\n", "1:[张]\n!bad_encoding@2:1\n3:[三]\n"),
		CASE("\xd5\xc5\nx,\xd5\r\n\xc8\xfd\r\n", "1:[张]\n!bad_encoding@2:2\n3:[三]\n"),
		/* inside quotes over two lines */
		CASE("\xd5\xc5\n\"\xff\n\xd5\xc5\"\n\xc8\xfd\n",
		     "1:[张]\n!bad_encoding@2:1\n4:[三]\n"),
		/* several bad records in a row, a NUL among them */
		CASE("\xff\n\xff,\xfe\nx\0\n\xd5\xc5\n",
		     "!bad_encoding@1:1\n!bad_encoding@2:1\n!nul_byte@3:1\n4:[张]\n"),
		/* the bad byte in the last record, with and without a line end */
		CASE("\xd5\xc5\n\xc8\xfd,\xff", "1:[张]\n!bad_encoding@2:2\n"),
		CASE("\xd5\xc5\n\xc8\xfd,\xff\n", "1:[张]\n!bad_encoding@2:2\n"),
		/* a bad byte in the first record (a header) */
		CASE("\xff\xd5\xc5\n\xc8\xfd\n", "!bad_encoding@1:1\n2:[三]\n"),
	};
	struct csv_options gb = { .name = "g.csv", .encoding = "GB18030" };

	(void)state;
	check_given_and_detected(cases, sizeof(cases) / sizeof(cases[0]), &gb, "GB18030");
	/* a record of nothing but bad bytes is one error */
	check_lit("\xff\xff\xff\xff\xff\xff\xff\xff\xff\n\xd5\xc5\n", &gb,
		  "!bad_encoding@1:1\n2:[张]\n");
}

/*
 * Many bad bytes cost time in proportion: 300,000 of them in one record
 * (one window each) under GB18030 and UTF-8.
 */
static void test_many_bad_bytes(void **state)
{
	const size_t k = 300000;
	struct csv_options gb = { .name = "g.csv", .encoding = "GB18030" };
	struct csv_options u8 = { .name = "u.csv", .encoding = "UTF-8" };
	struct csv_options cp = { .name = "c.csv", .encoding = "CP1252" };
	struct csv_record rec;
	struct csv_reader *r;
	struct error err;
	char *data = malloc(k + 16);

	(void)state;
	assert_non_null(data);
	memset(data, 0xff, k);
	memcpy(data + k, "\n\xd5\xc5\n", 4);
	assert_int_equal(csv_open_mem(data, k + 4, &gb, &r, &err), 0);
	assert_int_equal(csv_next(r, &rec, &err), ERR_INPUT);
	assert_string_equal(err.reason, "bad_encoding");
	assert_int_equal(csv_next(r, &rec, &err), 0);
	assert_string_equal(rec.field[0], "张");
	assert_int_equal(csv_next(r, &rec, &err), 0);
	assert_int_equal(rec.n, 0);
	csv_close(r);
	memcpy(data + k, "\nok\n", 4);
	assert_int_equal(csv_open_mem(data, k + 4, &u8, &r, &err), 0);
	assert_int_equal(csv_next(r, &rec, &err), ERR_INPUT);
	assert_string_equal(err.reason, "invalid_utf8");
	assert_int_equal(csv_next(r, &rec, &err), 0);
	assert_string_equal(rec.field[0], "ok");
	csv_close(r);
	/* a byte that does not convert where the conversion buffer is full:
	 * each CP1252 0x80 becomes three bytes (€), 0x81 is undefined */
	memset(data, 0x80, k);
	memcpy(data + k, "\x81\nok\n", 5);
	assert_int_equal(csv_open_mem(data, k + 5, &cp, &r, &err), 0);
	assert_int_equal(csv_next(r, &rec, &err), ERR_INPUT);
	assert_string_equal(err.reason, "field_too_long");
	assert_int_equal(csv_next(r, &rec, &err), 0);
	assert_string_equal(rec.field[0], "ok");
	csv_close(r);
	for (size_t n = 50; n < 80; n++) {
		/* small input, small buffers: the 0x81 comes before, when and
		 * after the output (3n bytes, room for 2n + 58) is full */
		memset(data, 0x80, n);
		memcpy(data + n, "\x81\nok\n", 5);
		assert_int_equal(csv_open_mem(data, n + 5, &cp, &r, &err), 0);
		assert_int_equal(csv_next(r, &rec, &err), ERR_INPUT);
		assert_string_equal(err.reason, "bad_encoding");
		assert_non_null(strstr(err.msg, "（81）"));
		assert_int_equal(csv_next(r, &rec, &err), 0);
		assert_string_equal(rec.field[0], "ok");
		csv_close(r);
	}
	free(data);
}

/*
 * Detection: text that is UTF-8 but for a few invalid sequences is UTF-8
 * (at least 4 valid multibyte sequences for each invalid one); GBK text,
 * even where some of its bytes happen to form UTF-8, is GB18030.
 */
static void test_detect_mostly_utf8(void **state)
{
	struct csv_options opt = { .name = "t.csv" };
	struct csv_reader *r;
	struct error err;
	struct buf in, want;

	(void)state;
	/* at the threshold: 4 valid, 1 invalid; below it: 3 and 1 */
	assert_int_equal(csv_open_mem("张三李四\xff\n", 14, &opt, &r, &err), 0);
	assert_string_equal(csv_encoding(r), "UTF-8");
	csv_close(r);
	assert_int_equal(csv_open_mem("张三李\xff\n", 11, &opt, &r, &err), 0);
	assert_string_equal(csv_encoding(r), "GB18030");
	csv_close(r);
	/* a sequence cut short counts as invalid once: E5 then 张 */
	assert_int_equal(csv_open_mem("\xe5张三李四\n", 14, &opt, &r, &err), 0);
	assert_string_equal(csv_encoding(r), "UTF-8");
	csv_close(r);
	/* 娲城街道 in GBK: E6 B4 B3, C7 BD and D6 B5 are valid UTF-8, C0 not */
	check("\xe6\xb4\xb3\xc7\xbd\xd6\xb5\xc0,x\n", "1:[娲城街道][x]\n");
	/* ASCII and one GBK row: nothing valid, so GB18030 */
	check("id,name\n1,\xd5\xc5\xc8\xfd\n", "1:[id][name]\n2:[1][张三]\n");

	/* a UTF-8 roster of about 100 KiB with a bad byte in its third row
	 * and another past the first 64 KiB: UTF-8, every other name intact
	 * (in memory and from a file, under every window) */
	buf_init(&in, 1 << 22);
	buf_init(&want, 1 << 22);
	buf_adds(&in, "name,village\n");
	buf_adds(&want, "1:[name][village]\n");
	for (int i = 2; i <= 4000; i++) {
		if (i == 3 || i == 3500) {
			buf_printf(&in, "王\xff五%d,林山寨村\n", i);
			buf_printf(&want, "!invalid_utf8@%d:1\n", i);
			continue;
		}
		buf_printf(&in, "张三%d,中原区林山寨村\n", i);
		buf_printf(&want, "%d:[张三%d][中原区林山寨村]\n", i, i);
	}
	assert_true(in.len > 96 * 1024);
	assert_int_equal(csv_open_mem(in.data, in.len, &opt, &r, &err), 0);
	assert_string_equal(csv_encoding(r), "UTF-8");
	csv_close(r);
	check_opt(in.data, in.len, &opt, buf_str(&want));
	check_file(in.data, in.len, &opt, buf_str(&want));
	buf_free(&in);
	buf_free(&want);
}

/*
 * A legacy encoding given for input that is plainly UTF-8 (detection would
 * say UTF-8, and at least 8 distinct 3- or 4-byte characters) is refused
 * when opening: read as GBK its names would all come out as other
 * characters, without one error.
 */
static void test_given_but_utf8(void **state)
{
	struct csv_options gbk = { .name = "g.csv", .encoding = "GBK" };
	struct csv_options big5 = { .name = "g.csv", .encoding = "BIG5" };
	struct csv_record rec;
	struct csv_reader *r;
	struct error err;
	char text[600];
	struct buf in;

	(void)state;
	/* 8 distinct Chinese characters in UTF-8: refused, for any legacy name */
	assert_int_equal(csv_open_mem("张三,李四\n王五,赵六\n", 28, &gbk, &r, &err), ERR_INPUT);
	assert_null(r);
	assert_string_equal(err.reason, "encoding_mismatch");
	assert_string_equal(error_format(&err, text, sizeof(text)),
			    "g.csv: 文件是 UTF-8 编码，不是指定的 GBK（开头是有效的 UTF-8 中文）；按 GBK "
			    "读取会把中文全部读错，请去掉 --encoding 或改用 --encoding UTF-8");
	assert_int_equal(csv_open_mem("张三,李四\n王五,赵六\n", 28, &big5, &r, &err), ERR_INPUT);
	assert_string_equal(err.reason, "encoding_mismatch");
	/* the same under UTF-8 or detection: read */
	check("张三,李四\n王五,赵六\n", "1:[张三][李四]\n2:[王五][赵六]\n");
	/* 7 distinct (however often): read as the GBK asked for */
	assert_int_equal(csv_open_mem("张三李四王五赵张三李四王五赵\n", 43, &gbk, &r, &err), 0);
	assert_string_equal(csv_encoding(r), "GBK");
	csv_close(r);
	/* UTF-8 with too many bad bytes for detection to call it UTF-8 (8
	 * valid, 2 invalid: 4 to 1 is refused, 4 to 1.25 is not) */
	assert_int_equal(csv_open_mem("张三李四王五赵六\xff\xff\n", 27, &gbk, &r, &err),
			 ERR_INPUT);
	assert_int_equal(csv_open_mem("张三李四王五赵六\xff\xff\xff\n", 28, &gbk, &r, &err), 0);
	csv_close(r);
	/* GBK whose bytes happen to be UTF-8 (2-byte look-alikes: 谢英钱强委员农业
	 * is D0BB D3A2 C7AE C7BF CEAF D4B1 C5A9 D2B5): read as GBK, as given */
	check_lit("\xd0\xbb\xd3\xa2\xc7\xae\xc7\xbf,\xce\xaf\xd4\xb1\xc5\xa9\xd2\xb5\n", &gbk,
		  "1:[谢英钱强][委员农业]\n");
	/* only the first 64 KiB count: ASCII, then UTF-8 Chinese, given GBK */
	buf_init(&in, 1 << 20);
	while (in.len <= 64 * 1024)
		buf_adds(&in, "abcdefghijklmnopqrstuvwxyz0123456789\n");
	buf_adds(&in, "张三李四王五赵六\n");
	assert_int_equal(csv_open_mem(in.data, in.len, &gbk, &r, &err), 0);
	while (csv_next(r, &rec, &err) == 0 && rec.n)
		;
	csv_close(r);
	buf_free(&in);
}

static void test_limits(void **state)
{
	struct csv_options o = { .name = "t.csv", .max_field = 4 };

	(void)state;
	check_lit("abcd,x\nabcde,x\n\"ab\ncdef\",y\nok\n", &o,
		  "1:[abcd][x]\n!field_too_long@2:1\n!field_too_long@4:1\n5:[ok]\n");
	/* the limit counts decoded bytes: "a""b" is 3 */
	check_lit("\"a\"\"b\"\n", &o, "1:[a\"b]\n");
	o = (struct csv_options){ .name = "t.csv", .max_record = 8 };
	check_lit("abcd,efg\nabcd,efgh\nabcdefgh,\nx\n", &o,
		  "1:[abcd][efg]\n!record_too_long@2:2\n!record_too_long@3:2\n4:[x]\n");
	o = (struct csv_options){ .name = "t.csv", .max_fields = 3 };
	check_lit("a,b,c\na,b,c,d\n,,,\nx\n", &o,
		  "1:[a][b][c]\n!too_many_fields@2:4\n!too_many_fields@3:4\n4:[x]\n");
	o = (struct csv_options){ .name = "t.csv", .expected_fields = 2 };
	check_lit("a,b\nc\nd,e,f\n\"g\nh\",i\n", &o,
		  "1:[a][b]\n!field_count@2:2\n!field_count@3:3\n4:[g\\nh][i]\n");
}

static void test_field_count_message(void **state)
{
	struct csv_options o = { .name = "roster.csv", .expected_fields = 7 };
	struct csv_record rec;
	struct csv_reader *r;
	struct error err;
	char text[600];

	(void)state;
	assert_int_equal(csv_open_mem("a,b,c\n", 6, &o, &r, &err), 0);
	assert_int_equal(csv_next(r, &rec, &err), ERR_INPUT);
	assert_string_equal(err.reason, "field_count");
	assert_string_equal(error_format(&err, text, sizeof(text)),
			    "roster.csv:1:4: 有 3 个字段，应为 7 个");
	assert_int_equal(csv_next(r, &rec, &err), 0);
	assert_int_equal(rec.n, 0);
	csv_close(r);

	/* expectations can be set after the header */
	o.expected_fields = 0;
	assert_int_equal(csv_open_mem("h1,h2,h3\n1,2\n1,2,3\n", 19, &o, &r, &err), 0);
	assert_int_equal(csv_next(r, &rec, &err), 0);
	csv_expect_fields(r, rec.n);
	assert_int_equal(csv_next(r, &rec, &err), ERR_INPUT);
	assert_string_equal(err.reason, "field_count");
	assert_int_equal(err.line, 2);
	assert_int_equal(csv_next(r, &rec, &err), 0);
	assert_int_equal(rec.n, 3);
	assert_int_equal(rec.line, 3);
	csv_close(r);
}

static char *data_path(const char *name)
{
	const char *dir = getenv("TESTDATA");
	static char path[1024];

	snprintf(path, sizeof(path), "%s/csv/%s", dir ? dir : "tests/data", name);
	return path;
}

/* Read a file under every window size; return the rendering. */
static void render_file(const char *name, const char *encoding, struct buf *out)
{
	struct csv_options opt = { .name = name, .encoding = encoding };
	struct buf first;

	buf_init(&first, 1 << 20);
	for (size_t w = 0; w < sizeof(windows) / sizeof(windows[0]); w++) {
		struct csv_reader *r;
		struct error err;

		buf_reset(out);
		assert_int_equal(csv_open_file(data_path(name), &opt, &r, &err), 0);
		if (windows[w])
			csv_set_window(r, windows[w]);
		render(r, out);
		csv_close(r);
		if (w == 0)
			buf_adds(&first, buf_str(out));
		else
			assert_string_equal(buf_str(out), buf_str(&first));
	}
	buf_free(&first);
}

static void test_files(void **state)
{
	struct buf utf8, gbk, other;
	struct csv_options opt = { .name = "x.csv" };
	struct csv_reader *r;
	struct error err;

	(void)state;
	buf_init(&utf8, 1 << 20);
	buf_init(&gbk, 1 << 20);
	buf_init(&other, 1 << 20);
	render_file("roster-utf8.csv", NULL, &utf8);
	assert_non_null(strstr(buf_str(&utf8), "2:[高龄津贴][2024-01][410102195001010011][张三]"));
	assert_non_null(strstr(buf_str(&utf8), "[中原区,林山寨]"));
	assert_non_null(strstr(buf_str(&utf8), "[王\"五\"]"));
	assert_non_null(strstr(buf_str(&utf8), "5:[低保金][2024-Q1][410102198502280044][赵\\n六]"));
	render_file("roster-gbk.csv", NULL, &gbk);
	assert_string_equal(buf_str(&gbk), buf_str(&utf8));
	render_file("roster-gbk.csv", "GBK", &other);
	assert_string_equal(buf_str(&other), buf_str(&utf8));
	render_file("roster-bom-crlf.csv", NULL, &other);
	/* the same apart from the CR kept inside the quoted 赵\r\n六 */
	assert_non_null(strstr(buf_str(&other), "[赵\\r\\n六]"));
	/* a bad row in the middle is reported and reading goes on */
	render_file("bad-middle.csv", NULL, &other);
	assert_string_equal(buf_str(&other), "1:[name][amount]\n2:[张三][100]\n"
					     "!bad_quote@3:2\n4:[王五][300][extra]\n5:[赵六][400]\n");
	buf_free(&utf8);
	buf_free(&gbk);
	buf_free(&other);

	assert_int_equal(csv_open_file(data_path("roster-gbk.csv"), &opt, &r, &err), 0);
	assert_string_equal(csv_encoding(r), "GB18030");
	csv_close(r);
	assert_int_equal(csv_open_file("/nonexistent/x.csv", NULL, &r, &err), ERR_IO);
	assert_null(r);
	assert_string_equal(err.reason, "io");
	assert_string_equal(err.file, "/nonexistent/x.csv");
}

static void test_recover_with_expected(void **state)
{
	struct csv_options opt = { .name = "bad-middle.csv", .expected_fields = 2 };
	struct csv_reader *r;
	struct error err;
	struct buf out;

	(void)state;
	buf_init(&out, 1 << 16);
	assert_int_equal(csv_open_file(data_path("bad-middle.csv"), &opt, &r, &err), 0);
	render(r, &out);
	assert_string_equal(buf_str(&out), "1:[name][amount]\n2:[张三][100]\n"
					   "!bad_quote@3:2\n!field_count@4:3\n5:[赵六][400]\n");
	csv_close(r);
	buf_free(&out);
}

/* csv_ended: false after an error of one record, true once reading ended */
static void test_ended(void **state)
{
	static const char in[] = "a,b\nx\xff,y\nc,d\n\"open";
	struct csv_options opt = {.name = "e.csv", .encoding = "UTF-8", .expected_fields = 2};
	struct csv_reader *r;
	struct csv_record rec;
	struct error err;

	(void)state;
	assert_int_equal(csv_open_mem(in, sizeof(in) - 1, &opt, &r, &err), 0);
	assert_int_equal(csv_next(r, &rec, &err), 0);
	assert_false(csv_ended(r));
	assert_int_equal(csv_next(r, &rec, &err), ERR_INPUT); /* the bad byte: its record */
	assert_string_equal(err.reason, "invalid_utf8");
	assert_false(csv_ended(r));
	assert_int_equal(csv_next(r, &rec, &err), 0);
	assert_string_equal(rec.field[0], "c");
	assert_int_equal(csv_next(r, &rec, &err), ERR_INPUT); /* the open quote ends it */
	assert_string_equal(err.reason, "unterminated_quote");
	assert_true(csv_ended(r));
	assert_false(csv_error_same_record(r)); /* a record of its own */
	assert_int_equal(csv_next(r, &rec, &err), 0);
	assert_int_equal(rec.n, 0);
	csv_close(r);
}

/* a record with its own error that then ends the reading: the ending error
 * comes next and belongs to the same record */
static void test_error_same_record(void **state)
{
	static const char in[] = "a,b\nx\xff,\"open\n";
	struct csv_options opt = {.name = "e.csv", .encoding = "UTF-8", .expected_fields = 2};
	struct csv_reader *r;
	struct csv_record rec;
	struct error err;

	(void)state;
	assert_int_equal(csv_open_mem(in, sizeof(in) - 1, &opt, &r, &err), 0);
	assert_int_equal(csv_next(r, &rec, &err), 0);
	assert_int_equal(csv_next(r, &rec, &err), ERR_INPUT);
	assert_string_equal(err.reason, "invalid_utf8");
	assert_false(csv_error_same_record(r));
	assert_false(csv_ended(r));
	assert_int_equal(csv_next(r, &rec, &err), ERR_INPUT);
	assert_string_equal(err.reason, "unterminated_quote");
	assert_true(csv_error_same_record(r));
	assert_true(csv_ended(r));
	csv_close(r);
}

/* A 10 MB field is refused without the reader growing past its limits. */
static void test_huge_field(void **state)
{
	const size_t big = 10 * 1024 * 1024;
	struct csv_options opt = { .name = "big.csv" };
	struct csv_record rec;
	struct csv_reader *r;
	struct error err;
	char path[] = "/tmp/test_csv_bigXXXXXX";
	char *data = malloc(big + 32);
	size_t len;
	int fd;

	(void)state;
	assert_non_null(data);
	memcpy(data, "a,b\n\"", 5);
	memset(data + 5, 'x', big);
	len = 5 + big;
	memcpy(data + len, "\"\nc,d\n", 6);
	len += 6;

	/* from memory, default limits (64 KiB field, 1 MiB record) */
	assert_int_equal(csv_open_mem(data, len, &opt, &r, &err), 0);
	assert_int_equal(csv_next(r, &rec, &err), 0);
	assert_int_equal(csv_next(r, &rec, &err), ERR_INPUT);
	assert_string_equal(err.reason, "field_too_long");
	assert_int_equal(err.line, 2);
	assert_true(csv_mem_used(r) < 128 * 1024);
	assert_int_equal(csv_next(r, &rec, &err), 0);
	assert_int_equal(rec.n, 2);
	assert_string_equal(rec.field[0], "c");
	csv_close(r);

	/* from a file, with a large field limit: the record limit stops it */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	opt.max_field = 64 << 20;
	opt.max_record = 2 << 20;
	assert_int_equal(csv_open_file(path, &opt, &r, &err), 0);
	assert_int_equal(csv_next(r, &rec, &err), 0);
	assert_int_equal(csv_next(r, &rec, &err), ERR_INPUT);
	assert_string_equal(err.reason, "record_too_long");
	assert_true(csv_mem_used(r) <= (2u << 20) + 1 + 256 * 1024 + 4096);
	assert_int_equal(csv_next(r, &rec, &err), 0);
	assert_string_equal(rec.field[1], "d");
	assert_int_equal(rec.line, 3);
	csv_close(r);
	unlink(path);
	free(data);
}

/* Records that make the record buffer grow come out whole. */
static void test_growth(void **state)
{
	struct buf in, want;

	(void)state;
	buf_init(&in, 1 << 20);
	buf_init(&want, 1 << 20);
	for (int i = 0; i < 3; i++) {
		buf_printf(&want, "%d:", i + 1);
		for (int f = 0; f < 40; f++) {
			if (f)
				buf_addc(&in, ',');
			buf_addc(&in, '"');
			buf_addc(&want, '[');
			for (int k = 0; k < 30 * (f + i + 1); k++) {
				buf_adds(&in, "张");
				buf_adds(&want, "张");
			}
			buf_addc(&in, '"');
			buf_addc(&want, ']');
		}
		buf_addc(&in, '\n');
		buf_addc(&want, '\n');
	}
	check(buf_str(&in), buf_str(&want));
	buf_free(&in);
	buf_free(&want);
}

/* Standard input as "-", and read errors from the file system. */
static void test_stdin_and_io(void **state)
{
	struct csv_record rec;
	struct csv_reader *r;
	struct error err;
	int fd, saved;

	(void)state;
	fd = open(data_path("roster-gbk.csv"), O_RDONLY);
	assert_true(fd >= 0);
	saved = dup(0);
	assert_true(saved >= 0);
	assert_int_equal(dup2(fd, 0), 0);
	close(fd);
	assert_int_equal(csv_open_file("-", NULL, &r, &err), 0);
	assert_string_equal(csv_encoding(r), "GB18030");
	assert_int_equal(csv_next(r, &rec, &err), 0);
	assert_int_equal(rec.n, 7);
	assert_int_equal(csv_next(r, &rec, &err), 0);
	assert_string_equal(rec.field[3], "张三");
	csv_close(r);
	assert_int_equal(dup2(saved, 0), 0);
	close(saved);

	/* a directory opens but cannot be read */
	assert_int_equal(csv_open_file("/", NULL, &r, &err), ERR_IO);
	assert_null(r);
	assert_string_equal(err.reason, "io");
	assert_string_equal(err.file, "/");
}

static void test_header(void **state)
{
	static const char *const names[] = { "name", "amount" };
	struct csv_options opt = { .name = "h.csv" };
	struct csv_record rec;
	struct csv_reader *r;
	struct error err;

	(void)state;
	assert_int_equal(csv_open_mem("name,amount\n", 12, &opt, &r, &err), 0);
	assert_int_equal(csv_next(r, &rec, &err), 0);
	assert_int_equal(csv_check_header(r, &rec, names, 2, &err), 0);
	csv_close(r);

	assert_int_equal(csv_open_mem("name,amt\n", 9, &opt, &r, &err), 0);
	assert_int_equal(csv_next(r, &rec, &err), 0);
	assert_int_equal(csv_check_header(r, &rec, names, 2, &err), ERR_INPUT);
	assert_string_equal(err.reason, "bad_header");
	assert_string_equal(err.file, "h.csv");
	assert_int_equal(err.line, 1);
	assert_int_equal(err.column, 2);
	assert_non_null(strstr(err.msg, "name,amount"));
	csv_close(r);

	assert_int_equal(csv_open_mem("name\n", 5, &opt, &r, &err), 0);
	assert_int_equal(csv_next(r, &rec, &err), 0);
	assert_int_equal(csv_check_header(r, &rec, names, 2, &err), ERR_INPUT);
	assert_int_equal(err.column, 2);
	csv_close(r);

	assert_int_equal(csv_open_mem("name,amount,x\n", 14, &opt, &r, &err), 0);
	assert_int_equal(csv_next(r, &rec, &err), 0);
	assert_int_equal(csv_check_header(r, &rec, names, 2, &err), ERR_INPUT);
	assert_int_equal(err.column, 3);
	csv_close(r);
}

static void test_write_field(void **state)
{
	static const char *const fields[] = { "plain", "", "a,b", "say \"hi\"", "l1\nl2",
					      "cr\r",  "\"", "张三" };
	const size_t n = sizeof(fields) / sizeof(fields[0]);
	struct csv_record rec;
	struct csv_reader *r;
	struct error err;
	struct buf b;

	(void)state;
	buf_init(&b, 1024);
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_addc(&b, ',');
		assert_int_equal(csv_write_field(&b, fields[i], strlen(fields[i])), 0);
	}
	assert_string_equal(buf_str(&b), "plain,,\"a,b\",\"say \"\"hi\"\"\",\"l1\nl2\",\"cr\r\","
					 "\"\"\"\",张三");
	/* and it reads back the same */
	assert_int_equal(csv_open_mem(b.data, b.len, NULL, &r, &err), 0);
	assert_int_equal(csv_next(r, &rec, &err), 0);
	assert_int_equal(rec.n, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(rec.field[i], fields[i]);
	csv_close(r);
	buf_free(&b);

	/* a leading U+FEFF survives being the first field of a file */
	buf_init(&b, 64);
	assert_int_equal(csv_write_field(&b, "\xef\xbb\xbfx", 4), 0);
	assert_string_equal(buf_str(&b), "\"\xef\xbb\xbfx\"");
	assert_int_equal(csv_open_mem(b.data, b.len, NULL, &r, &err), 0);
	assert_int_equal(csv_next(r, &rec, &err), 0);
	assert_string_equal(rec.field[0], "\xef\xbb\xbfx");
	csv_close(r);
	buf_free(&b);

	buf_init(&b, 4);
	assert_int_equal(csv_write_field(&b, "a,bcd", 5), ERR_INPUT);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_quote_errors),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_utf8_bad_bytes),
		cmocka_unit_test(test_bad_byte_messages),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_detect_mostly_utf8),
		cmocka_unit_test(test_gb18030),
		cmocka_unit_test(test_gb18030_bad_bytes),
		cmocka_unit_test(test_given_but_utf8),
		cmocka_unit_test(test_many_bad_bytes),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_field_count_message),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_recover_with_expected),
		cmocka_unit_test(test_ended),
		cmocka_unit_test(test_error_same_record),
		cmocka_unit_test(test_huge_field),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_stdin_and_io),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_write_field),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
