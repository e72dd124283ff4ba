/*
 * fuzz_csv.c - libFuzzer harness for the streaming CSV reader (base/csv.h).
 *
 * Reads the input from memory under small limits, in several set-ups
 * (detected encoding, expected field count, explicit GBK, tiny read windows
 * chosen by the first byte), and aborts when an invariant breaks:
 *   - every call makes progress: the loop ends within size + 3 calls;
 *   - a record has 1..max_fields fields, each at most max_field bytes, the
 *     record at most max_record, every field NUL-terminated at its length
 *     with no NUL inside, and valid UTF-8;
 *   - record lines never go backwards; errors carry a reason, line, column
 *     and the file name; only the documented reasons appear;
 *   - with expected_fields set, every record has exactly that many fields;
 *   - explicit GBK is refused at open (encoding_mismatch) only for input
 *     that detection reads as UTF-8;
 *   - a record written back with csv_write_field reads back the same;
 *   - a bad byte is an error of its record only, never the end of reading:
 *     the input with every byte >= 0x80 and every NUL replaced by 'x' (an
 *     ASCII file with the same commas, quotes and line ends) gives, leaving
 *     out the errors that end reading, one record or error per record as
 *     the original does (the last record may be told by such an error
 *     alone in one of them), and an unterminated quote in both or neither
 *     (unless the original ends inside a character, which may be told
 *     instead);
 *     where the original gives a record, the copy gives one on the same
 *     line with as many fields, and in UTF-8 of the same lengths (converted
 *     text may be shorter than its bytes, so there the copy may instead pass
 *     a limit in that record). Framing depends on ASCII bytes alone,
 *     in UTF-8 and in GB18030 (whose trail bytes are never , " CR LF).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/csv.h"
#include "base/error.h"

#define MAX_FIELD 64
#define MAX_RECORD 256
#define MAX_FIELDS 8

/* What one csv_next call gave: a record (ok) or an error. */
struct item {
	int ok;
	int fatal; /* an error that ends reading: 1 the input ending inside a
		    * character, 2 unterminated_quote */
	long line;
	size_t n, len[MAX_FIELDS];
};

struct items {
	struct item *v;
	size_t n, cap;
	char enc[16]; /* the encoding the reader used */
	int refused;  /* open refused a legacy encoding for UTF-8 input */
};

static const char *const reasons[] = {
	"unterminated_quote", "bad_quote", "field_count", "field_too_long", "record_too_long",
	"too_many_fields", "invalid_utf8", "bad_encoding", "nul_byte", "io",
};

static void check(int ok)
{
	if (!ok)
		abort();
}

static int utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t k;
		unsigned lo = 0x80, hi = 0xbf;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			k = 1;
		else if (c >= 0xe0 && c <= 0xef)
			k = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 3;
		else
			return 0;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
		else if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
		if (i + k >= n)
			return 0;
		for (size_t j = 1; j <= k; j++) {
			unsigned char d = s[i + j];

			if (d < lo || d > hi)
				return 0;
			lo = 0x80;
			hi = 0xbf;
		}
		i += k + 1;
	}
	return 1;
}

/* Write rec back as CSV and read it again: the fields must come back. */
static void roundtrip(const struct csv_record *rec)
{
	struct csv_options opt = { .name = "rt", .encoding = "UTF-8" };
	struct csv_record again;
	struct csv_reader *r;
	struct error err;
	struct buf b;

	buf_init(&b, 4096);
	for (size_t i = 0; i < rec->n; i++) {
		if (i)
			check(buf_addc(&b, ',') == 0);
		check(csv_write_field(&b, rec->field[i], rec->len[i]) == 0);
	}
	/* (a record of one empty field is skipped by the caller: written back
	 * it is an empty line, which is right, but checked separately) */
	check(buf_addc(&b, '\n') == 0);
	check(csv_open_mem(b.data, b.len, &opt, &r, &err) == 0);
	check(csv_next(r, &again, &err) == 0);
	check(again.n == rec->n);
	for (size_t i = 0; i < rec->n; i++) {
		check(again.len[i] == rec->len[i]);
		check(memcmp(again.field[i], rec->field[i], rec->len[i]) == 0);
	}
	check(csv_next(r, &again, &err) == 0 && again.n == 0);
	csv_close(r);
	buf_free(&b);
}

static void items_add(struct items *it, const struct item *x)
{
	if (it->n == it->cap) {
		size_t cap = it->cap ? 2 * it->cap : 64;
		struct item *v = realloc(it->v, cap * sizeof(*v));

		check(v != NULL);
		it->v = v;
		it->cap = cap;
	}
	it->v[it->n++] = *x;
}

/* Read data; check the invariants of one reading; keep what it gave in *out. */
static void run_into(const uint8_t *data, size_t size, const char *encoding, size_t expected,
		     size_t window, int rt, struct items *out)
{
	struct csv_options opt = {
		.name = "fuzz.csv",
		.encoding = encoding,
		.max_field = MAX_FIELD,
		.max_record = MAX_RECORD,
		.max_fields = MAX_FIELDS,
		.expected_fields = expected,
	};
	struct csv_record rec;
	struct csv_reader *r;
	struct error err;
	long last = 0;
	size_t calls = 0;

	out->n = 0;
	out->refused = 0;
	if (csv_open_mem((const char *)data, size, &opt, &r, &err) != 0) {
		/* known encodings and memory input cannot fail to open, but for
		 * a legacy encoding given for input that is plainly UTF-8 */
		if (encoding && strcmp(encoding, "UTF-8") != 0 &&
		    strcmp(err.reason, "encoding_mismatch") == 0) {
			out->refused = 1;
			return;
		}
		abort();
	}
	if (window)
		csv_set_window(r, window);
	snprintf(out->enc, sizeof(out->enc), "%s", csv_encoding(r));
	for (;;) {
		struct item x = { 0 };
		int rc;

		check(++calls <= size + 3);
		rc = csv_next(r, &rec, &err);
		if (rc) {
			size_t i, known = 0;

			check(rc == ERR_INPUT);
			check(rec.n == 0);
			check(err.code == rc && err.line >= 1 && err.column >= 1);
			check(strcmp(err.file, "fuzz.csv") == 0);
			for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
				known |= strcmp(err.reason, reasons[i]) == 0;
			check(known);
			check(expected || strcmp(err.reason, "field_count") != 0);
			x.line = err.line;
			if (strcmp(err.reason, "unterminated_quote") == 0)
				x.fatal = 2;
			else if (strstr(err.msg, "文件在字符中间结束"))
				x.fatal = 1;
			items_add(out, &x);
			continue;
		}
		if (rec.n == 0)
			break;
		size_t total = rec.n - 1;

		x.ok = 1;
		x.line = rec.line;
		x.n = rec.n;

		check(rec.n <= MAX_FIELDS);
		check(!expected || rec.n == expected);
		check(rec.line >= 1 && rec.line >= last);
		last = rec.line;
		for (size_t i = 0; i < rec.n; i++) {
			check(rec.len[i] <= MAX_FIELD);
			check(rec.field[i][rec.len[i]] == '\0');
			check(strlen(rec.field[i]) == rec.len[i]);
			check(utf8_valid((const unsigned char *)rec.field[i], rec.len[i]));
			total += rec.len[i];
			x.len[i] = rec.len[i];
		}
		items_add(out, &x);
		check(total <= MAX_RECORD);
		if (rt && !(rec.n == 1 && rec.len[0] == 0))
			roundtrip(&rec);
	}
	/* the end stays the end */
	check(csv_next(r, &rec, &err) == 0 && rec.n == 0);
	csv_close(r);
}

/*
 * Read data, then its ASCII copy (bad bytes and all non-ASCII ones made
 * 'x'), and check that both frame the records alike.
 */
static void run(const uint8_t *data, size_t size, const char *encoding, size_t expected,
		size_t window, int rt)
{
	struct items a = { 0 }, b = { 0 };
	size_t skip = 0, i, j, na, nb;
	uint8_t *copy;

	run_into(data, size, encoding, expected, window, rt, &a);
	if (a.refused) {
		/* refused only input that detection reads as UTF-8 */
		run_into(data, size, NULL, expected, window, 0, &b);
		check(strcmp(b.enc, "UTF-8") == 0);
		free(a.v);
		free(b.v);
		return;
	}
	/* the byte order mark the reader skipped is kept as it is (the copy is
	 * read as UTF-8, so the GB18030 form is left out instead) */
	if (size >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 && strcmp(a.enc, "UTF-8") == 0)
		skip = 3;
	else if (size >= 4 && memcmp(data, "\x84\x31\x95\x33", 4) == 0 &&
		 strcmp(a.enc, "UTF-8") != 0)
		skip = 4;
	copy = malloc(size + 1);
	check(copy != NULL);
	for (i = 0, j = 0; i < size; i++) {
		if (i < skip) {
			if (skip == 3)
				copy[j++] = data[i];
			continue;
		}
		copy[j++] = data[i] >= 0x80 || data[i] == 0 ? 'x' : data[i];
	}
	run_into(copy, j, "UTF-8", expected, window, 0, &b);
	/* the errors that end reading come last, after every record */
	na = a.n - (a.n && a.v[a.n - 1].fatal);
	nb = b.n - (b.n && b.v[b.n - 1].fatal);
	for (i = 0; i < na; i++)
		check(!a.v[i].fatal);
	for (i = 0; i < nb; i++)
		check(!b.v[i].fatal);
	check(na == nb || (na + 1 == nb && a.n > na) || (nb + 1 == na && b.n > nb));
	/* (input ending inside a character and inside a quote is told by
	 * whichever the reader meets first) */
	check((a.n > na && a.v[na].fatal == 1) ||
	      (a.n > na && a.v[na].fatal == 2) == (b.n > nb && b.v[nb].fatal == 2));
	for (i = 0; i < na && i < nb; i++) {
		const struct item *x = &a.v[i], *y = &b.v[i];

		if (!x->ok)
			continue;
		if (strcmp(a.enc, "UTF-8") == 0) {
			check(y->ok && y->line == x->line && y->n == x->n);
			check(memcmp(y->len, x->len, x->n * sizeof(x->len[0])) == 0);
		} else if (y->ok) {
			check(y->line == x->line && y->n == x->n);
		} else {
			/* converted text may be shorter than its bytes, so
			 * the copy may pass a limit the original did not */
			check(y->line >= x->line);
		}
	}
	free(copy);
	free(a.v);
	free(b.v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t window = size ? (size_t)(data[0] % 7) + 1 : 1;

	run(data, size, NULL, 0, 0, 1);
	run(data, size, NULL, 3, window, 0);
	run(data, size, "GBK", 0, window, 0);
	run(data, size, "UTF-8", 0, 1, 0);
	return 0;
}
